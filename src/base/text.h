// chancery/base: UTF-8 decoding and HTML escaping shared by every module that
// handles readers' text (content, comments). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chancery {

// Returned by DecodeUtf8 for a malformed sequence.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point starting at `pos` and advances `pos` past it.
// Overlong forms, UTF-16 surrogates and values above U+10FFFF are malformed.
// On a malformed sequence returns kInvalidCodePoint and advances by one byte,
// so a caller can resynchronise. REQUIRES: pos < text.size().
char32_t DecodeUtf8(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of `cp`. REQUIRES: a Unicode scalar value.
void AppendUtf8(std::string& out, char32_t cp);

// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
bool IsValidUtf8(std::string_view text);

// Appends `text` escaped for HTML text and for double- or single-quoted
// attribute values alike: & < > " '.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// The entity for one of & < > " ' ("&amp;", ...); "" for any other byte.
std::string_view HtmlEntity(char c);

}  // namespace chancery
