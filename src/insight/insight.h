// chancery/insight: reads an article for the actors it names, the relations
// it describes between them and the dated events it cites — start here.
//
//   auto gazetteer = insight::Gazetteer::Builtin();        // data/insight/*.tsv
//   insight::Analyzer analyzer(*gazetteer);                // built once
//   auto analysis = analyzer.Analyze(plain_text, {.year = 2021});
//   std::cout << insight::ToJson(*analysis);
//
// The Gazetteer is the data: actors (states, organisations, armed groups,
// office-holders) with their names, places that are not actors, compounds
// that look like pairs but are not, and the tone lexicon. It is loaded from
// the files compiled into the binary (data/insight/README.md is the format)
// or from a folder, and editors' additions are applied on top with AddActor,
// AddName and Merge. A Gazetteer is a value: thread-compatible.
//
// The Analyzer compiles a Gazetteer into one matching automaton for names and
// one for the lexicon. It keeps no reference to the Gazetteer (change the
// Gazetteer, build a new Analyzer). Analyze is const and thread-safe: many
// threads may analyse articles with one Analyzer at once.
//
// How a text is read (each rule has a unit test in tests/insight/):
//
// 1. Paragraphs are split on blank lines; a short one-line paragraph with no
//    final punctuation is a heading and one sentence; other paragraphs are
//    split into sentences by ICU (English rules), and a break ICU makes
//    after an abbreviation ("U.S.", "U.N.", "Dr.", "Gen.", "No.", "e.g.")
//    or an initial ("George W. Bush") is undone.
// 2. Each sentence is folded for matching: NFKC with case folding, then
//    diacritics removed (NFD without nonspacing marks, as the transliterator
//    "NFD; [:Nonspacing Mark:] Remove; NFC" would, one character at a time),
//    typographic quotes and dashes made ASCII, a possessive "'s" dropped
//    ("Moscow’s" reads as "moscow"). Every folded byte remembers the
//    original character it came from, for the case rules and for quoting.
// 3. Names match on whole words, longest first (so "Shanghai Cooperation
//    Organisation" is one organisation and never names China). A name in
//    capitals in the data ("US", "SCO") matches only capitals in the text;
//    any other name must start with a capital letter ("turkey" is a bird).
//    A leading "the" in a name is optional ("the Kremlin" matches "Kremlin").
// 4. A name marked "?" in the data (Georgia?, Saleh?) counts only when the
//    same actor is also named unambiguously in the article, or — for a
//    person — when the state they act for is named in the same sentence
//    ("Saleh, the First Vice President of Afghanistan"), or — for a state —
//    when one of its people or bodies is named in the article. When several
//    actors share a name, the one so licensed wins, then the office-holder
//    of the year.
// 5. A combining form ("Pak-", "Sino-") names its state only when joined by
//    a hyphen to another actor or combining form ("Pak-US", "Sino-Russian",
//    "US-Indo"); a name joined to a name ("Islamabad-Moscow") names both.
//    compounds.tsv ("Indo-Pacific", "AfPak") and places.tsv ("Karachi",
//    "Shanghai") win over shorter names inside them and name nobody.
// 6. Places are not actors. A capital (the metonym "Moscow") is a place, not
//    the state, when it follows "in", "at", "from", "near", "across",
//    "inside", "outside", "around", "within" or "via", or "to" after a word
//    of travel within the three words before ("a visit to Moscow", "flew to
//    Beijing"; "a message to Washington" still names the USA); a capital
//    listed after such a place with "and", "or" or a comma is a place too
//    ("talks in Islamabad and Kabul"), and so is the second end of a route
//    ("from Islamabad to Moscow": both places). A possessive keeps the
//    capital an actor ("in Moscow’s view"), and so does a hyphen join
//    ("in Islamabad-Moscow ties"). A capital followed by "state"
//    ("Washington State") is not the state at all. A name flagged
//    person-first ("Chad") is not the state when a capitalised word that is
//    no actor follows it ("Chad Smith").
// 7. A person counts for the state of the office they held in the year of the
//    sentence (its first date), else in AnalyzeOptions::year, else their
//    latest office; an organisation with a country (a state body such as the
//    ISI) counts for it. Organisations without a country, people whose
//    office has none, and armed groups count as themselves: an insurgent
//    group is not the state it fights in (its country still joins its
//    events).
// 8. Every sentence naming two or more distinct actors (so counted) mentions
//    each unordered pair of them once. Cues of cues.tsv in the sentence (not
//    inside an actor's or a place's name, nor inside a capitalised name such
//    as "the INF Treaty") are each flipped by a negation, halved by a hedge
//    and multiplied by 1.5 by an intensifier within the four words before
//    them (see lexicon.h), and given to the pairs they are about (see
//    pairs.h: the pair itself when the sentence has one; otherwise the
//    nearest explicit pairing — "between Washington and New Delhi",
//    "Pak-US", "Moscow’s relations with Washington" — or the actors near the
//    cue). A pair's tone in the sentence is the sum of its cues, clamped to
//    [-10, 10]; in the article, the mean of its non-zero sentence tones (0
//    if none). Only the first 16 distinct actors of a sentence form pairs,
//    and quoted sentences are cut at 2,000 bytes.
// 9. Dates written in a sentence make events: "in 2003", "March 2012"
//    (2012-03), "5 March 2012" and "March 5, 2012" (2012-03-05),
//    "2012-03-05", "9/11" (2001-09-11), "the 1990s" (1990 with precision
//    "decade": the first year, so a timeline sorts and prints it like the
//    others, rather than ISO 8601's "199"). A year before 1500 needs a word
//    such as "in" or "since" before it. Not dates: numbers with a thousands
//    separator, numbers after "Resolution", "No.", "page", "p.", "article",
//    "section", "flight", "$" and the like, numbers before a count word
//    ("2000 troops", "1500 km") or "%", and four digits outside 1000-2099
//    ("19th-century" is no year). An event carries the actors of its
//    sentence (the state codes they count for, their states, and the ids of
//    people, organisations and groups); a sentence with a date but no actor
//    that refers back ("they", "the two sides", ...) takes the actors of the
//    nearest earlier sentence of its paragraph that names any.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/embedded.h"
#include "base/status.h"

namespace chancery::insight {

// ---------------------------------------------------------------------------
// The gazetteer
// ---------------------------------------------------------------------------

enum class ActorKind { kState, kOrganization, kGroup, kPerson };

// "state", "organization", "group", "person": the contract's `kind` values.
std::string_view KindName(ActorKind kind);

// How a name refers to its actor; capitals are the only form the place rule
// (6 above) applies to, prefixes only match joined by a hyphen.
enum class NameForm { kName, kAlias, kAdjective, kCapital, kSeat, kPrefix };

struct ActorName {
  std::string text;  // as written in the data, without a trailing "?" (or "-" for a prefix)
  NameForm form = NameForm::kAlias;
  bool ambiguous = false;  // written with a trailing "?" in the data
};

struct Office {
  std::string country;  // alpha-3 of the state the office acts for; empty for e.g. the UN Secretary-General
  std::string title;    // "Minister of Foreign Affairs"
  int from = 0;         // first year in office, 0 when unknown
  int to = 0;           // last year in office, 0 while still in office
};

struct Actor {
  std::string id;    // PAK, NATO, sergey-lavrov: see data/insight/README.md
  std::string name;  // the common English name
  ActorKind kind = ActorKind::kState;
  std::string country;           // organisations and groups: the state they belong to, or empty
  std::vector<ActorName> names;  // every way of naming the actor, the name itself first
  std::vector<Office> offices;   // people: one per office held, in the data's order
  bool historical = false;       // flag `historical`: no longer exists
  bool person_first = false;     // flag `person-first`: the name is also a given name
};

// A place that is not an actor (places.tsv).
struct Place {
  std::string name;
  std::string country;  // alpha-3, may be empty
  std::vector<std::string> aliases;
};

// A word or phrase of cues.tsv. `*` at the end of a word matches any ending.
struct Cue {
  std::string phrase;
  double weight = 0;  // -10 .. 10
};

enum class ModifierKind { kNegation, kHedge, kIntensifier };

struct Modifier {
  std::string phrase;
  ModifierKind kind = ModifierKind::kNegation;
};

class Gazetteer {
 public:
  Gazetteer() = default;

  // The files of data/insight compiled into the binary.
  static Result<Gazetteer> Builtin();
  // Every known file (states.tsv, organizations.tsv, groups.tsv, people.tsv,
  // places.tsv, compounds.tsv, cues.tsv, modifiers.tsv) found in `dir`;
  // missing ones are skipped, other files ignored. For tests and tools.
  static Result<Gazetteer> FromDirectory(const std::string& dir);
  // The same from an in-memory table of files (path = file name).
  static Result<Gazetteer> FromFiles(std::span<const EmbeddedFile> files);

  // Parses one file's text, named by its file name as in data/insight
  // ("people.tsv"), adding to what is loaded. A state referred to by a
  // `country` column must be loaded before (load states.tsv first). Errors
  // name the file and the line: "people.tsv:12: unknown country 'XYZ'".
  Status LoadFile(std::string_view file_name, std::string_view text);

  // Adds an actor. Fails with kInvalidArgument on an id that does not fit its
  // kind, an unknown country or an empty name, kAlreadyExists when the id is
  // taken. The actor's name is added to its names when missing.
  Status AddActor(Actor actor);
  // Adds a way of naming actor `id`; a trailing "?" marks it ambiguous, and
  // for kPrefix a trailing "-" is dropped. kNotFound for an unknown id.
  Status AddName(std::string_view id, std::string_view name, NameForm form = NameForm::kAlias);
  // Moves every name and office of `from_id` to `into_id`, points whatever
  // had `from_id` as its country at `into_id`, and removes `from_id`. Both
  // must exist, be different and of the same kind.
  Status Merge(std::string_view from_id, std::string_view into_id);

  // nullptr when there is no such actor.
  const Actor* Find(std::string_view id) const;

  const std::vector<Actor>& actors() const { return actors_; }
  const std::vector<Place>& places() const { return places_; }
  const std::vector<std::string>& compounds() const { return compounds_; }
  const std::vector<Cue>& cues() const { return cues_; }
  const std::vector<Modifier>& modifiers() const { return modifiers_; }

 private:
  Actor* FindMutable(std::string_view id);
  Status LoadActors(std::string_view file, std::string_view text, ActorKind kind);
  Status LoadPeople(std::string_view file, std::string_view text);
  Status LoadPlaces(std::string_view file, std::string_view text);
  Status LoadCompounds(std::string_view file, std::string_view text);
  Status LoadCues(std::string_view file, std::string_view text);
  Status LoadModifiers(std::string_view file, std::string_view text);

  std::vector<Actor> actors_;
  std::vector<Place> places_;
  std::vector<std::string> compounds_;
  std::vector<Cue> cues_;
  std::vector<Modifier> modifiers_;
};

// ---------------------------------------------------------------------------
// An analysis
// ---------------------------------------------------------------------------

struct ActorSummary {
  std::string id;
  std::string name;
  ActorKind kind = ActorKind::kState;
  std::string country;  // people, organisations, groups: the state they counted for (empty if none)
  int mentions = 0;     // times named; for a state also through its people and bodies
};

// A cue found in a sentence, as it counted.
struct CueHit {
  std::string text;                    // as written in the article
  std::string phrase;                  // the lexicon's phrase that matched ("cooperat*")
  double weight = 0;                   // after modifiers
  std::vector<std::string> modifiers;  // the modifiers' phrases that changed it
};

// One sentence behind a relation.
struct Evidence {
  int paragraph = 0;         // 0-based, blank-line separated
  int sentence = 0;          // 0-based in the whole text
  std::string text;          // the sentence as written
  double tone = 0;           // the pair's tone in this sentence
  std::vector<CueHit> cues;  // the cues given to the pair
};

struct Relation {
  std::string a, b;                // actor ids (state codes where they count for a state), a < b
  double tone = 0;                 // mean of the non-zero sentence tones, in [-10, 10]
  int mentions = 0;                // sentences naming both
  std::vector<Evidence> evidence;  // every such sentence, in text order
};

struct Event {
  std::string date;                 // ISO 8601: 2003, 2012-03, 2012-03-05
  std::string precision;            // "year", "month", "day" or "decade"
  std::vector<std::string> actors;  // sorted state codes, then people's, organisations' and groups' ids
  std::string sentence;             // as written
  int paragraph = 0;
  bool inherited_actors = false;  // the actors come from the previous sentence
};

struct Analysis {
  std::vector<ActorSummary> actors;  // most mentioned first
  std::vector<Relation> relations;   // most mentioned first
  std::vector<Event> events;         // in text order
  int paragraphs = 0;
  int sentences = 0;
};

struct AnalyzeOptions {
  // The article's year (e.g. its publication year), used to tell which office
  // a person held when the sentence has no date of its own. 0: unknown.
  int year = 0;
};

// Longest text Analyze accepts, in bytes.
inline constexpr std::size_t kMaxTextBytes = 8 * 1024 * 1024;

class Analyzer {
 public:
  // Compiles `gazetteer`; keeps no reference to it.
  explicit Analyzer(const Gazetteer& gazetteer);
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Reads one article body as plain text (paragraphs separated by blank
  // lines; content::RenderedDocument::plain_text is what to pass for
  // Markdown). Fails with kInvalidArgument on invalid UTF-8 or a text longer
  // than kMaxTextBytes, kInternal if ICU could not be initialised.
  Result<Analysis> Analyze(std::string_view text, const AnalyzeOptions& options = {}) const;

  // Splits `text` into sentences exactly as Analyze does (for tests and the
  // benchmark): each is the sentence's byte range and paragraph index.
  struct Sentence {
    std::size_t begin = 0, end = 0;
    int paragraph = 0;
    bool heading = false;
  };
  Result<std::vector<Sentence>> Sentences(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The contract of `chancery analyze --format json` (DESIGN.md), one object:
// {"actors":[{"id","name","kind","country","mentions"}],
//  "relations":[{"a","b","tone","mentions","evidence":[...]}],
//  "events":[{"date","precision","actors","sentence","paragraph"}],
//  "sentences":N,"paragraphs":N}. Tones are rounded to two decimals.
std::string ToJson(const Analysis& analysis);

// A report for people: the actors table, each pair with its tone and the
// quoted sentences and cues behind it, and the timeline of dated events.
std::string ToText(const Analysis& analysis);

}  // namespace chancery::insight
