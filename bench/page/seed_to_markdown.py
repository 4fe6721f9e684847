#!/usr/bin/env python3
"""Turns the seed article (plain text, one paragraph per line) into a Markdown
file with front matter for `chancery import markdown`.

usage: seed_to_markdown.py SEED.txt > article.md

It reads the text the way ../shared/bench/wordpress/wp-seed.php does, so both
systems publish the same article:
  - the first line equal to the title is the title, not a paragraph;
  - reading stops at "Add a Comment" (the scraped comment form that follows is
    site chrome: Chancery renders its own form);
  - the site tagline ("Your go-to editorial hub ...") is dropped;
  - a short line without closing punctuation (at most 100 characters and 14
    words, not ending in . ! ? … : ; , quotes * ) or ]) is a section heading,
    written as "## "; the image credit line is always a paragraph;
  - every other line is a paragraph, its text kept as is (characters Markdown
    would read as syntax are backslash-escaped, so they render literally).
The front matter fixes what WordPress's copy fixes: the date (2021-04-08 09:00
UTC), four tags, one author. The seed is test input: never commit the output.
"""
import re
import sys

TITLE = "Islamabad-Moscow Evolving Romance"
SLUG = "islamabad-moscow-evolving-romance"
FRONT_MATTER = f"""---
title: "{TITLE}"
slug: {SLUG}
author: Editorial Desk
tags: [Pakistan, Russia, Afghanistan, Diplomacy]
date: 2021-04-08 09:00
status: published
---
"""

# ASCII punctuation that starts Markdown syntax anywhere in a line (emphasis,
# links, code, HTML, entities, tables, strikethrough, headings, escapes).
SYNTAX = re.compile(r"([\\`*_\[\]<>&|~#])")
# Block markers that only matter at the start of a line.
LEADING_BLOCK = re.compile(r"^([-+=]|\d+[.)])")
CLOSING = re.compile(r"[.!?…:;,\"”’'*)\]]$")


def escape(line):
    line = SYNTAX.sub(r"\\\1", line)
    return LEADING_BLOCK.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)


def is_heading(line):
    if re.match(r"^Image Credits?:", line, re.IGNORECASE):
        return False
    return len(line) <= 100 and len(line.split()) <= 14 and not CLOSING.search(line)


def convert(text):
    blocks, title_seen, headings = [], False, 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == TITLE and not title_seen:
            title_seen = True
            continue
        if re.match(r"^Add a Comment$", line, re.IGNORECASE):
            break
        if re.match(r"^Your go-to editorial hub\b", line, re.IGNORECASE):
            continue
        if is_heading(line):
            headings += 1
            blocks.append("## " + escape(line))
        else:
            blocks.append(escape(line))
    if not title_seen:
        sys.exit(f"seed_to_markdown: the title line '{TITLE}' is not in the seed")
    if headings == 0 or len(blocks) < 10:
        sys.exit("seed_to_markdown: this does not look like the seed article")
    return FRONT_MATTER + "\n" + "\n\n".join(blocks) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seed_to_markdown.py SEED.txt > article.md")
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(convert(f.read()))


if __name__ == "__main__":
    main()
