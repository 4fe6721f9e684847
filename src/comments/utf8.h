// chancery/comments internal: the UTF-8 and character-class helpers the form
// validator and the renderer share. Not part of the public API. Thread-safe
// (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chancery::comments::internal {

// Returned by DecodeUtf8 for a malformed sequence.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point starting at `pos` and advances `pos` past it. Rejects
// overlong forms, surrogates and values above U+10FFFF. On a malformed
// sequence returns kInvalidCodePoint and advances by one byte, so a caller can
// resynchronise. REQUIRES: pos < text.size().
char32_t DecodeUtf8(std::string_view text, std::size_t& pos);

// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
bool IsValidUtf8(std::string_view text);

// The number of code points in `text` (a malformed byte counts as one).
std::size_t CountCodePoints(std::string_view text);

// C0 controls, DEL and the C1 controls (U+0080–U+009F).
bool IsControl(char32_t cp);

// The explicit directional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069): the characters that can make text display
// in an order other than the one it is stored in ("Trojan Source").
bool IsBidiControl(char32_t cp);

}  // namespace chancery::comments::internal
