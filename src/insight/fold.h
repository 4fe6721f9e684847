// chancery/insight internal: folding text for matching.
//
// Folded text is what names and cues are matched on: NFKC, full case folding,
// diacritics removed (NFD, nonspacing marks dropped), typographic quotes and
// dashes made ASCII, whitespace and control characters made single spaces,
// and a possessive "'s" dropped. Every byte of the folded text remembers the
// source character it came from, so a match can be checked against the
// source's capitals and quoted as written. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chancery::insight::internal {

// The case of a folded byte's source character.
enum SourceCase : std::uint8_t { kNoCase = 0, kLower = 1, kUpper = 2 };

struct Folded {
  std::string text;
  std::vector<std::uint32_t> begin;  // per byte of `text`: offset in the source where its character starts
  std::vector<std::uint32_t> end;    // per byte of `text`: offset just after that source character
  std::vector<std::uint8_t> source_case;  // per byte of `text`: SourceCase of that source character

  void clear() {
    text.clear();
    begin.clear();
    end.clear();
    source_case.clear();
  }
};

// Folds `source` into `out` (cleared first). Invalid UTF-8 bytes become
// U+FFFD's folding (they never match a name). Offsets are relative to
// `source`.
void Fold(std::string_view source, Folded& out);

// Just the folded text, for the patterns of the gazetteer and lexicon.
std::string FoldString(std::string_view source);

// True for the bytes that make up words in folded text: ASCII letters and
// digits and every byte of a non-ASCII character.
inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

}  // namespace chancery::insight::internal
