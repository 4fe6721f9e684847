#!/usr/bin/env python3
"""Writes a synthetic archive for bench/scale: N Markdown articles with front
matter, as `chancery import markdown` reads them.

usage: generate.py OUT_DIR [N=10000] [WORDS=600]

Each article has about WORDS words of generated prose in four "##" sections,
one or two of 20 authors, two to four of 50 tags, and a date spread over the
ten years 2016-2025 (all in the past, so every article is published). The
prose is assembled from phrase lists with a fixed seed, so the archive is the
same on every run; it names states and organisations now and then, as policy
writing does, so the insight reader has something to read.

Besides the articles (OUT_DIR/articles/NNNNN.md) it writes OUT_DIR/paths.txt:
every public path the load test may ask for — "/", each tag page and each
article page — one per line.
"""
import datetime
import os
import random
import re
import sys

SEED = 20160101

AUTHORS = [
    "Amara Okafor", "Bastian Krull", "Chitra Venkatesan", "Dario Belmonte", "Esther Nakamura",
    "Faisal Durrani", "Greta Lindholm", "Hamid Rostami", "Ines Carvalho", "Jonas Albrecht",
    "Kavya Iyer", "Lukas Novak", "Maryam Siddiqui", "Niall Brennan", "Olga Petrenko",
    "Pablo Ferreira", "Qin Hao", "Rania Haddad", "Stefan Marek", "Tamsin Hale",
]

TAGS = [
    "Diplomacy", "Trade", "Energy", "Security", "Water", "Migration", "Elections", "Climate",
    "Defence", "Sanctions", "Debt", "Ports", "Railways", "Shipping", "Cyber", "Nuclear",
    "Agriculture", "Health", "Education", "Media", "Law", "Human Rights", "Finance", "Inflation",
    "Oil", "Gas", "Borders", "Alliances", "Arms Control", "Space", "Technology", "Minerals",
    "Fisheries", "Aid", "Refugees", "Courts", "Parliaments", "Central Banks", "Currencies",
    "Infrastructure", "Connectivity", "Maritime", "Terrorism", "Peacekeeping", "Summits",
    "Treaties", "Food Security", "Labour", "Tourism", "Telecoms",
]

STATES = [
    ("Pakistan", "Islamabad"), ("India", "New Delhi"), ("China", "Beijing"), ("Russia", "Moscow"),
    ("Iran", "Tehran"), ("Turkey", "Ankara"), ("Afghanistan", "Kabul"), ("Kazakhstan", "Astana"),
    ("Uzbekistan", "Tashkent"), ("Japan", "Tokyo"), ("Indonesia", "Jakarta"), ("Egypt", "Cairo"),
    ("Saudi Arabia", "Riyadh"), ("Germany", "Berlin"), ("France", "Paris"), ("Brazil", "Brasília"),
    ("Nigeria", "Abuja"), ("Kenya", "Nairobi"), ("Bangladesh", "Dhaka"), ("Vietnam", "Hanoi"),
]
BODIES = ["the European Union", "ASEAN", "the African Union", "the World Bank", "the IMF",
          "the United Nations", "NATO", "the Shanghai Cooperation Organisation", "the Gulf Cooperation Council"]

SUBJECTS = [
    "The government in {capital}", "Officials in {capital}", "{state}", "The foreign ministry in {capital}",
    "Negotiators from {state}", "{body}", "A coalition of smaller states", "The finance ministry",
    "Opposition parties", "Regional planners", "The central bank", "Business groups in {capital}",
    "Diplomats on both sides", "The new cabinet", "Local authorities", "Independent analysts",
]
VERBS = [
    "quietly reopened", "weighed", "pushed back against", "signed", "postponed",
    "called for a review of", "drew up", "struggled to finance", "welcomed", "raised doubts about",
    "set aside money for", "lobbied hard for", "walked away from", "promised to revive",
    "put new conditions on", "stepped up pressure over",
]
OBJECTS = [
    "a new trade corridor", "talks on sharing river water", "the long-delayed border agreement",
    "a loan from {body}", "plans for a deep-water port", "joint naval exercises", "a currency swap line",
    "the rail link to the coast", "an agreement on visas for seasonal workers", "a review of tariffs on steel",
    "the pipeline project with {state}", "a framework for data sharing", "its grain export quota",
    "a ceasefire monitoring mission", "the nuclear safety protocol", "new rules for foreign investment",
]
TAILS = [
    "after months of stalled negotiation", "despite pressure from {capital}", "ahead of the {year} summit",
    "as elections approach", "while inflation keeps rising", "without consulting parliament",
    "in a move few observers expected", "under the terms agreed in {year}", "to the frustration of its neighbours",
    "even as the budget deficit widens", "amid a dispute over fishing rights", "with support from {body}",
    "before the monsoon season", "once the sanctions were eased", "in exchange for guarantees on security",
    "at a time of shifting alliances",
]
OPENERS = [
    "", "", "", "Meanwhile, ", "Even so, ", "In {year}, ", "By contrast, ", "For now, ", "Privately, ",
    "At the same time, ", "Critics note that ", "Supporters argue that ", "On paper, ", "In practice, ",
]
REMARKS = [
    "The numbers tell a more cautious story than the speeches.",
    "Few expect a breakthrough before the next budget.",
    "That calculation may not survive a change of government.",
    "The details, as usual, will matter more than the headlines.",
    "It is a pattern seen before in the region.",
    "Neither side has published the text of the draft.",
    "Much depends on who pays for the first phase.",
    "The question is whether the momentum lasts.",
]
SECTION_TITLES = [
    "The background", "What changed in {year}", "Why {capital} cares", "The money question",
    "Who gains", "The risks ahead", "Reading the signals", "What to watch", "The view from {capital}",
    "A test for {body}", "The domestic politics", "Beyond the headlines", "Old rivalries, new terms",
    "The legal fine print", "Costs and benefits", "Where this leads",
]
TITLE_PATTERNS = [
    "{state} and {state2}: {noun}", "Why {capital} is rethinking {noun_lc}", "The quiet politics of {noun_lc}",
    "{noun} after {year}", "What {body} gets wrong about {noun_lc}", "{state}'s gamble on {noun_lc}",
    "Inside the talks on {noun_lc}", "{noun} and the limits of leverage",
]
NOUNS = [
    "River Water", "Port Access", "Grain Exports", "Border Trade", "Energy Transit", "Debt Relief",
    "Rail Corridors", "Fishing Rights", "Visa Deals", "Steel Tariffs", "Naval Presence", "Currency Swaps",
    "Mineral Supply", "Data Sharing", "Refugee Returns", "Power Grids",
]


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


class Writer:
    def __init__(self, rng):
        self.rng = rng

    def fill(self, pattern, year):
        r = self.rng
        state, capital = r.choice(STATES)
        state2 = r.choice([s for s, _ in STATES if s != state])
        noun = r.choice(NOUNS)
        return pattern.format(state=state, state2=state2, capital=capital, body=r.choice(BODIES),
                              year=r.randint(year - 12, year), noun=noun, noun_lc=noun.lower())

    def sentence(self, year):
        r = self.rng
        opener, subject = r.choice(OPENERS), r.choice(SUBJECTS)
        if opener and not subject.startswith("{"):
            subject = subject[0].lower() + subject[1:]
        text = self.fill(opener + subject + " " + r.choice(VERBS) + " " + r.choice(OBJECTS) + " " +
                         r.choice(TAILS), year)
        if r.random() < 0.3:
            text += ", " + self.fill(r.choice(["and {capital} is watching closely",
                                               "which {body} has long urged",
                                               "a step that worries {state}",
                                               "though the terms remain unclear"]), year)
        text = text[0].upper() + text[1:] + "."
        if r.random() < 0.15:
            text = "*" + text + "*" if r.random() < 0.5 else text + " " + r.choice(REMARKS)
        return text

    def paragraph(self, year, words_wanted):
        out, words = [], 0
        while words < words_wanted - 8:
            s = self.sentence(year)
            out.append(s)
            words += len(s.split())
        return " ".join(out), words

    def body(self, year, words_wanted):
        r = self.rng
        sections, titles, words = [], set(), 0
        per_section = words_wanted // 4
        for _ in range(4):
            title = self.fill(r.choice(SECTION_TITLES), year)
            while title in titles:
                title = self.fill(r.choice(SECTION_TITLES), year)
            titles.add(title)
            parts, section_words = ["## " + title], 0
            while section_words < per_section - 15:
                paragraph, n = self.paragraph(year, min(r.randint(45, 80), per_section - section_words))
                parts.append(paragraph)
                section_words += n
            words += section_words
            sections.append("\n\n".join(parts))
        return "\n\n".join(sections), words


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit("usage: generate.py OUT_DIR [N=10000] [WORDS=600]")
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    words = int(sys.argv[3]) if len(sys.argv) > 3 else 600
    if not 1 <= count <= 100000 or not 50 <= words <= 5000:
        sys.exit("generate.py: N must be 1..100000 and WORDS 50..5000")
    rng = random.Random(SEED)
    writer = Writer(rng)
    os.makedirs(os.path.join(out, "articles"), exist_ok=True)
    start = 1451606400  # 2016-01-01T00:00:00Z
    span = 10 * 365 * 86400
    paths, total_words = ["/"], 0
    paths += ["/tags/" + slugify(t) for t in TAGS]
    for n in range(1, count + 1):
        when = start + (n - 1) * span // count + rng.randint(0, max(1, span // count - 1))
        year = 2016 + (when - start) // (365 * 86400)
        title = writer.fill(rng.choice(TITLE_PATTERNS), year)
        slug = slugify(title)[:60].rstrip("-") + f"-{n:05d}"  # slugs are at most 80 characters
        authors = rng.sample(AUTHORS, 1 if rng.random() < 0.8 else 2)
        tags = rng.sample(TAGS, rng.randint(2, 4))
        dek = writer.sentence(year)
        body, body_words = writer.body(year, words)
        total_words += body_words
        date = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
        front = "\n".join([
            "---",
            "title: " + quote(title),
            "slug: " + slug,
            "dek: " + quote(dek),
            "authors: [" + ", ".join(quote(a) for a in authors) + "]",
            "tags: [" + ", ".join(quote(t) for t in tags) + "]",
            "date: " + date,
            "status: published",
            "---",
        ])
        with open(os.path.join(out, "articles", f"{n:05d}.md"), "w", encoding="utf-8") as f:
            f.write(front + "\n\n" + body + "\n")
        paths.append("/articles/" + slug)
    with open(os.path.join(out, "paths.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(paths) + "\n")
    print(f"{count} articles, {total_words // count} words each on average, "
          f"{len(TAGS)} tags, {len(AUTHORS)} authors", file=sys.stderr)


if __name__ == "__main__":
    main()
