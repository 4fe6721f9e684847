// chancery/content internal: a strict UTF-8 decoder shared by the text
// helpers. Not part of the public API. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chancery::content::internal {

// Returned by DecodeUtf8 for a malformed sequence.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point starting at `pos` and advances `pos` past it. On a
// malformed sequence returns kInvalidCodePoint and advances by one byte, so a
// caller can resynchronise. REQUIRES: pos < text.size().
char32_t DecodeUtf8(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `cp` (REQUIRES: a valid scalar value).
void AppendUtf8(std::string& out, char32_t cp);

// `text` with each malformed byte replaced by U+FFFD.
std::string ScrubUtf8(std::string_view text);

}  // namespace chancery::content::internal
