// chancery/http internal: small string helpers shared by the http sources.
// Not part of the public surface; header-only and Boost-free.
#pragma once

#include <string>
#include <string_view>

namespace chancery::http::internal {

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality (header names, tokens).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

// Strips spaces and tabs (HTTP's OWS) from both ends.
inline std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// 0-15 for a hex digit, else -1.
inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Client-supplied text made safe for one log line: control bytes, '"' and
// '\' become \xNN, and it is cut at `max` bytes ("..." marks the cut), so a
// request cannot forge or flood log lines.
std::string ForLog(std::string_view text, size_t max = 1024);

}  // namespace chancery::http::internal
