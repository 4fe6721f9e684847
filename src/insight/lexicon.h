// chancery/insight internal: the tone of a sentence from the cue lexicon
// (cues.tsv) and its modifiers (modifiers.tsv).
//
// Cues and modifiers are matched on folded text by one automaton, on whole
// words: "cooperat*" matches "cooperation" and "cooperative", a "*" inside a
// phrase ("cancel* visit") matches any ending of that word. Overlapping hits
// keep the longest. A modifier changes the first cue that starts within
// kModifierWindowWords words after it (not across a ";"): a negation flips
// its sign, a hedge halves it, an intensifier multiplies it by 1.5. "not
// only", "not just" and "not merely" are no negation; a modifier written as a
// prefix ("anti-") changes only the word it is joined to; a negation written
// with "to" ("refused to") also negates without it ("refused talks"). The sentence's tone is
// the sum of its cues, clamped to [-10, 10]. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insight/automaton.h"
#include "insight/fold.h"
#include "insight/insight.h"

namespace chancery::insight::internal {

// A cue counts only within this many words after a modifier.
inline constexpr int kModifierWindowWords = 3;

struct CueMatch {
  std::uint32_t begin = 0, end = 0;      // in the folded sentence
  std::uint32_t cue = 0;                 // index into Lexicon::cues()
  double weight = 0;                     // after modifiers
  std::vector<std::uint32_t> modifiers;  // indexes into Lexicon::modifiers() that applied
};

struct SentenceTone {
  double tone = 0;
  std::vector<CueMatch> cues;
};

class Lexicon {
 public:
  Lexicon(const std::vector<Cue>& cues, const std::vector<Modifier>& modifiers);

  // The tone of the folded sentence `s`. Bytes with blocked[i] set (names of
  // actors and places) hold no cue: "Shanghai Cooperation Organisation" is
  // not cooperation.
  void Score(const Folded& s, const std::vector<bool>& blocked, SentenceTone& out) const;

  const std::vector<Cue>& cues() const { return cues_; }
  const std::vector<Modifier>& modifiers() const { return modifiers_; }

 private:
  struct Entry {
    bool modifier = false;
    std::uint32_t index = 0;  // into cues_ or modifiers_
    std::string tail;         // the folded phrase after its first '*', starting with the '*'; empty if none
  };
  std::vector<Cue> cues_;
  std::vector<Modifier> modifiers_;
  Automaton automaton_;
  std::vector<std::vector<Entry>> entries_;  // by pattern id
};

}  // namespace chancery::insight::internal
