// chancery/insight internal: finding the names of actors and places in a
// folded sentence (rules 3, 5 and 6 of insight.h; the article-wide rules —
// ambiguity, offices by year — are the Analyzer's).
//
// One automaton holds every name of the gazetteer: actors' names, aliases,
// adjectives, capitals, seats and combining forms, places and compounds.
// Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insight/automaton.h"
#include "insight/fold.h"
#include "insight/insight.h"

namespace chancery::insight::internal {

enum class EntryKind : std::uint8_t {
  kActor,   // names an actor
  kPrefix,  // a combining form: names its actor only when joined by a hyphen
  kPlace,   // places.tsv: a place, names no actor
  kBlock,   // compounds.tsv: names nothing
};

struct NameEntry {
  EntryKind kind = EntryKind::kActor;
  std::uint32_t actor = 0;  // index into Gazetteer::actors() for kActor and kPrefix
  NameForm form = NameForm::kName;
  bool all_caps = false;   // written in capitals in the data: matches only capitals
  bool ambiguous = false;  // written with "?"
};

// A name found in a sentence, after the sentence-level rules.
struct NameMatch {
  std::uint32_t begin = 0, end = 0;  // in the folded sentence
  std::vector<NameEntry> entries;    // the actor entries still possible (empty for places and blocks)
  bool place = false;                // a place (places.tsv, or a capital used as a location)
  bool block = false;                // a compound
};

class NameMatcher {
 public:
  explicit NameMatcher(const Gazetteer& gazetteer);

  // The names in folded sentence `s`, in text order, not overlapping.
  // `source` is the sentence as written (for possessives).
  void Match(const Folded& s, std::string_view source, std::vector<NameMatch>& out) const;

  const std::vector<Actor>& actors() const { return actors_; }

 private:
  std::vector<Actor> actors_;
  Automaton automaton_;
  std::vector<std::vector<NameEntry>> entries_;  // by pattern id
};

}  // namespace chancery::insight::internal
