#include "insight/lexicon.h"

#include <algorithm>

namespace chancery::insight::internal {
namespace {

bool WordAt(std::string_view text, std::size_t i) {
  return i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]));
}

// Matches `tail` (starting with '*') at text[pos..]; returns the end or npos.
std::size_t MatchTail(std::string_view text, std::size_t pos, std::string_view tail) {
  for (std::size_t t = 0; t < tail.size(); ++t) {
    if (tail[t] == '*') {
      while (WordAt(text, pos)) ++pos;
      continue;
    }
    if (pos >= text.size() || text[pos] != tail[t]) return std::string_view::npos;
    ++pos;
  }
  return pos;
}

// Words starting in text[from, to).
int WordsBetween(std::string_view text, std::size_t from, std::size_t to) {
  int words = 0;
  for (std::size_t i = from; i < to && i < text.size(); ++i)
    if (WordAt(text, i) && (i == 0 || !WordAt(text, i - 1))) ++words;
  return words;
}

bool StartsWithWord(std::string_view text, std::size_t pos, std::string_view word) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  return text.substr(pos, word.size()) == word && !WordAt(text, pos + word.size());
}

struct Hit {
  std::uint32_t begin, end;
  const void* entry;
  bool modifier;
  std::uint32_t index;
};

}  // namespace

Lexicon::Lexicon(const std::vector<Cue>& cues, const std::vector<Modifier>& modifiers)
    : cues_(cues), modifiers_(modifiers) {
  auto add = [&](std::string_view phrase, bool modifier, std::uint32_t index) {
    std::string folded = FoldString(phrase);
    while (!folded.empty() && folded.back() == ' ') folded.pop_back();
    while (!folded.empty() && folded.front() == ' ') folded.erase(folded.begin());
    const std::size_t star = folded.find('*');
    Entry entry{modifier, index, star == std::string::npos ? std::string() : folded.substr(star)};
    const std::string key = folded.substr(0, star);
    if (key.empty()) return;
    const std::uint32_t id = automaton_.Add(key);
    if (entries_.size() <= id) entries_.resize(id + 1);
    entries_[id].push_back(std::move(entry));
  };
  for (std::uint32_t i = 0; i < cues_.size(); ++i) add(cues_[i].phrase, false, i);
  for (std::uint32_t i = 0; i < modifiers_.size(); ++i) {
    add(modifiers_[i].phrase, true, i);
    // "refused to" (cooperate) also reads "refused" (talks).
    const std::string& phrase = modifiers_[i].phrase;
    if (modifiers_[i].kind == ModifierKind::kNegation && phrase.size() > 3 && phrase.ends_with(" to"))
      add(std::string_view(phrase).substr(0, phrase.size() - 3), true, i);
  }
  automaton_.Build();
}

void Lexicon::Score(const Folded& s, const std::vector<bool>& blocked, SentenceTone& out) const {
  out.tone = 0;
  out.cues.clear();
  const std::string_view text = s.text;
  std::vector<Hit> hits;
  automaton_.Scan(text, [&](std::uint32_t id, std::uint32_t begin, std::uint32_t end) {
    const std::string& key = automaton_.pattern(id);
    // Whole words: a contraction ("n't") may start inside one.
    const bool contraction = key.size() >= 2 && key[0] == 'n' && key[1] == '\'';
    if (!contraction && WordAt(text, begin) && begin > 0 && WordAt(text, begin - 1)) return;
    for (const Entry& entry : entries_[id]) {
      std::size_t stop = end;
      if (!entry.tail.empty()) {
        stop = MatchTail(text, end, entry.tail);
        if (stop == std::string_view::npos) continue;
      }
      if (entry.tail.empty() || entry.tail.back() != '*') {
        if (stop > 0 && WordAt(text, stop - 1) && WordAt(text, stop)) continue;
      }
      hits.push_back(Hit{begin, static_cast<std::uint32_t>(stop), &entry, entry.modifier, entry.index});
    }
  });
  // Longest first; then leftmost. A hit may not overlap a kept one or a name.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
    return a.begin < b.begin;
  });
  std::vector<bool> taken(text.size(), false);
  std::vector<Hit> kept;
  for (const Hit& hit : hits) {
    bool free = true;
    for (std::uint32_t i = hit.begin; i < hit.end && free; ++i)
      free = !taken[i] && !(i < blocked.size() && blocked[i]);
    if (!free) continue;
    std::fill(taken.begin() + hit.begin, taken.begin() + hit.end, true);
    kept.push_back(hit);
  }
  std::sort(kept.begin(), kept.end(), [](const Hit& a, const Hit& b) { return a.begin < b.begin; });

  std::vector<const Hit*> pending;  // modifiers waiting for their cue
  double sum = 0;
  for (const Hit& hit : kept) {
    if (hit.modifier) {
      const Modifier& m = modifiers_[hit.index];
      // "not only X but also Y" affirms X.
      if (m.kind == ModifierKind::kNegation &&
          (StartsWithWord(text, hit.end, "only") || StartsWithWord(text, hit.end, "just") ||
           StartsWithWord(text, hit.end, "merely")))
        continue;
      pending.push_back(&hit);
      continue;
    }
    CueMatch match{hit.begin, hit.end, hit.index, cues_[hit.index].weight, {}};
    for (const Hit* m : pending) {
      const std::string_view between = text.substr(m->end, hit.begin - m->end);
      if (between.find(';') != std::string_view::npos) continue;
      if (WordsBetween(text, m->end, hit.begin) > kModifierWindowWords) continue;
      // A prefix ("anti-", "non-") changes only the word it is joined to.
      if (modifiers_[m->index].phrase.ends_with('-') && m->end != hit.begin) continue;
      switch (modifiers_[m->index].kind) {
        case ModifierKind::kNegation:
          match.weight = -match.weight;
          break;
        case ModifierKind::kHedge:
          match.weight *= 0.5;
          break;
        case ModifierKind::kIntensifier:
          match.weight *= 1.5;
          break;
      }
      match.modifiers.push_back(m->index);
    }
    pending.clear();
    sum += match.weight;
    out.cues.push_back(std::move(match));
  }
  out.tone = std::clamp(sum, -10.0, 10.0);
}

}  // namespace chancery::insight::internal
