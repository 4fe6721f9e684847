// chancery/content internal: a strict UTF-8 decoder shared by the text
// helpers. Not part of the public API. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/text.h"

namespace chancery::content::internal {

// The decoder lives in base; these names keep the module's call sites short.
using ::chancery::AppendUtf8;
using ::chancery::DecodeUtf8;
using ::chancery::kInvalidCodePoint;

// `text` with each malformed byte replaced by U+FFFD.
std::string ScrubUtf8(std::string_view text);

}  // namespace chancery::content::internal
