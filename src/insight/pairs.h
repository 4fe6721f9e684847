// chancery/insight internal: which pair of actors a sentence's cues are about.
//
// A sentence that names one pair gives it every cue. A sentence that names
// more pairs is read for explicit pairings first:
//   - names joined by a hyphen ("Pak-US", "Islamabad-Moscow");
//   - lists joined by "and", "or", "as well as", "&", "/" or "versus" (commas
//     may separate items, but a list held together by commas alone is read
//     as an apposition: "envoy to Afghanistan, Zamir Kabulov");
//   - a name, then within six words and no punctuation a word of relation
//     and a preposition ("Moscow’s relations with Washington", "inclination
//     towards Pakistan") or a verb of meeting or acting on someone ("Lavrov
//     visited Islamabad", "Washington accused Russia"), then another name.
// Each cue then goes to the pairs of the pairing nearest to it (in words):
// in "the convergence of interest between Washington and New Delhi has also
// provided Moscow a reason", the convergence is between the USA and India,
// not with Russia. With no explicit pairing, a cue goes to the pairs whose
// two actors are both within kCueReachWords words of it, and when fewer than
// two actors are that near, to every pair of the sentence. Every pair of the
// sentence is mentioned by it either way; a pair that receives no cue has
// tone 0 there and so does not move its article tone. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chancery::insight::internal {

inline constexpr int kCueReachWords = 6;

struct PairMention {
  std::uint32_t begin = 0, end = 0;  // in the folded sentence
  std::string id;                    // what the actor counts for in relations
};

struct PairCue {
  std::uint32_t begin = 0, end = 0;
  double weight = 0;
};

struct PairTone {
  std::string a, b;               // a < b
  double tone = 0;                // clamped to [-10, 10]
  std::vector<std::size_t> cues;  // indexes into the cues passed in
};

// One PairTone for every unordered pair of distinct ids among `mentions`.
std::vector<PairTone> AttributeCues(std::string_view folded, std::vector<PairMention> mentions,
                                    const std::vector<PairCue>& cues);

}  // namespace chancery::insight::internal
