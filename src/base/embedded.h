// chancery/base: files compiled into the binary (the default theme, the demo
// content). Generated tables are immutable and safe to read from any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace chancery {

struct EmbeddedFile {
  std::string_view path;  // relative, '/'-separated, e.g. "templates/article.mustache"
  std::string_view data;  // the bytes, valid for the life of the program
};

// Looks up `path` in `files`; nullopt when absent.
inline std::optional<std::string_view> FindEmbedded(std::span<const EmbeddedFile> files,
                                                    std::string_view path) {
  for (const auto& f : files)
    if (f.path == path) return f.data;
  return std::nullopt;
}

}  // namespace chancery
