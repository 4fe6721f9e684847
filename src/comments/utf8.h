// chancery/comments internal: the UTF-8 and character-class helpers the form
// validator and the renderer share. Not part of the public API. Thread-safe
// (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/text.h"

namespace chancery::comments::internal {

// The decoder lives in base; these names keep the module's call sites short.
using ::chancery::DecodeUtf8;
using ::chancery::IsValidUtf8;
using ::chancery::kInvalidCodePoint;

// The number of code points in `text` (a malformed byte counts as one).
std::size_t CountCodePoints(std::string_view text);

// C0 controls, DEL and the C1 controls (U+0080–U+009F).
bool IsControl(char32_t cp);

// The explicit directional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069): the characters that can make text display
// in an order other than the one it is stored in ("Trojan Source").
bool IsBidiControl(char32_t cp);

}  // namespace chancery::comments::internal
