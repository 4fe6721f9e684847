// chancery/importers internal: the front-matter block at the top of a
// Markdown file, as ordered key/value entries with their line numbers. Not
// part of the public API. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery::importers::internal {

struct FrontMatterEntry {
  std::string key;
  int line = 0;                    // 1-based line of "key:"
  bool is_list = false;            // written as [a, b] or as "- item" lines
  std::string value;               // the scalar, unquoted (when !is_list)
  std::vector<std::string> items;  // the list items, unquoted (when is_list)
};

struct FrontMatter {
  std::vector<FrontMatterEntry> entries;  // in file order; keys are unique
  std::string_view body;                  // everything after the closing ---
  int body_line = 0;                      // 1-based line where the body starts
};

// Splits `text` into front matter and body. REQUIRES: `text` is valid UTF-8.
// Errors are kInvalidArgument "<source_name>:<line>: <message>".
Result<FrontMatter> ParseFrontMatter(std::string_view text, std::string_view source_name);

// Parses YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], or RFC 3339
// (YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)) to Unix seconds; UTC when no
// zone is given. nullopt when malformed or out of range.
std::optional<int64_t> ParseDateTime(std::string_view text);

// "<source_name>:<line>: <message>" as an InvalidArgument status.
Status LineError(std::string_view source_name, int line, std::string_view message);

}  // namespace chancery::importers::internal
