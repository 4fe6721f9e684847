// Front matter: a deliberately small subset of YAML (flat keys, scalars,
// flat lists), parsed by hand so every error can name its line.
#include "importers/front_matter.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chancery::importers::internal {
namespace {

struct Line {
  std::string_view text;  // without the line break (and a trailing '\r')
  std::size_t next = 0;   // offset just past the line break
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(Line{line, next});
    pos = next;
  }
  return lines;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

bool IsFence(std::string_view line) { return Trim(line) == "---" && line.starts_with("---"); }

bool IsKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

// Reads one possibly quoted value from the front of `text`, advancing it past
// the value. Unquoted values run to the first of `stops` (or the end).
// Returns an error message, or "" on success.
std::string ReadValue(std::string_view& text, std::string_view stops, std::string& out) {
  out.clear();
  if (text.empty() || (text.front() != '"' && text.front() != '\'')) {
    const std::size_t end = std::min(text.find_first_of(stops), text.size());
    out = Trim(text.substr(0, end));
    text.remove_prefix(end);
    return "";
  }
  const char quote = text.front();
  std::size_t i = 1;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'' && c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {  // '' is a quote in single quotes
        out += '\'';
        ++i;
        continue;
      }
      break;
    }
    if (quote == '"' && c == '"') break;
    if (quote == '"' && c == '\\' && i + 1 < text.size()) {
      const char escaped = text[++i];
      switch (escaped) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case '"':
        case '\\':
        case '/':
          out += escaped;
          break;
        default:
          return std::string("unknown escape \\") + escaped + " in a double-quoted value";
      }
      continue;
    }
    out += c;
  }
  if (i >= text.size()) return std::string("the value has no closing ") + quote;
  text.remove_prefix(i + 1);
  text = Trim(text);
  return "";
}

std::string ParseScalar(std::string_view text, std::string& out) {
  std::string error = ReadValue(text, std::string_view(), out);
  if (error.empty() && !text.empty()) error = "unexpected text after the closing quote: " + std::string(text);
  return error;
}

// `text` starts with '['.
std::string ParseInlineList(std::string_view text, std::vector<std::string>& items) {
  text.remove_prefix(1);
  text = Trim(text);
  if (text.starts_with(']')) {
    text.remove_prefix(1);
    return Trim(text).empty() ? "" : "unexpected text after ']'";
  }
  while (true) {
    std::string item;
    std::string error = ReadValue(text, ",]", item);
    if (!error.empty()) return error;
    if (text.empty()) return "the list has no closing ']'";
    if (item.empty()) return "the list has an empty item";
    items.push_back(std::move(item));
    const char separator = text.front();
    text.remove_prefix(1);
    text = Trim(text);
    if (separator == ']') return text.empty() ? "" : "unexpected text after ']'";
  }
}

}  // namespace

Status LineError(std::string_view source_name, int line, std::string_view message) {
  std::string text(source_name);
  text += ':';
  text += std::to_string(line);
  text += ": ";
  text += message;
  return Status::InvalidArgument(std::move(text));
}

Result<FrontMatter> ParseFrontMatter(std::string_view text, std::string_view source_name) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
  const std::vector<Line> lines = SplitLines(text);
  if (lines.empty() || !IsFence(lines[0].text)) {
    return LineError(source_name, 1,
                     "the file must start with front matter: a '---' line, 'key: value' lines, "
                     "then another '---' line");
  }
  std::size_t close = 1;
  while (close < lines.size() && !IsFence(lines[close].text)) ++close;
  if (close == lines.size()) {
    return LineError(source_name, 1, "the front matter opened here is never closed by a '---' line");
  }

  FrontMatter front_matter;
  // The entry whose value is the "- item" lines that follow, if any.
  constexpr std::size_t kNoList = static_cast<std::size_t>(-1);
  std::size_t open_list = kNoList;
  for (std::size_t i = 1; i < close; ++i) {
    const int number = static_cast<int>(i) + 1;
    const std::string_view line = lines[i].text;
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.starts_with('#')) continue;
    if (trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t")) {
      if (open_list == kNoList)
        return LineError(source_name, number, "a list item must follow a 'key:' line");
      FrontMatterEntry& entry = front_matter.entries[open_list];
      std::string item;
      std::string error = ParseScalar(Trim(trimmed.substr(1)), item);
      if (!error.empty()) return LineError(source_name, number, error);
      if (item.empty()) return LineError(source_name, number, "the list item is empty");
      entry.is_list = true;
      entry.items.push_back(std::move(item));
      continue;
    }
    open_list = kNoList;
    const std::size_t colon = line.find(':');
    const std::string_view key = colon == std::string_view::npos ? std::string_view() : line.substr(0, colon);
    if (IsBlank(line.front()) || !IsKey(key)) {
      return LineError(source_name, number, "expected 'key: value', got '" + std::string(trimmed) + "'");
    }
    for (const FrontMatterEntry& earlier : front_matter.entries) {
      if (earlier.key == key) {
        return LineError(
            source_name, number,
            "'" + std::string(key) + "' is given twice (first on line " + std::to_string(earlier.line) + ")");
      }
    }
    FrontMatterEntry entry;
    entry.key = key;
    entry.line = number;
    const std::string_view value = Trim(line.substr(colon + 1));
    std::string error;
    if (value.empty()) {
      open_list = front_matter.entries.size();
    } else if (value.starts_with('[')) {
      entry.is_list = true;
      error = ParseInlineList(value, entry.items);
    } else {
      error = ParseScalar(value, entry.value);
    }
    if (!error.empty()) return LineError(source_name, number, "'" + entry.key + "': " + error);
    front_matter.entries.push_back(std::move(entry));
  }
  front_matter.body = text.substr(lines[close].next);
  front_matter.body_line = static_cast<int>(close) + 2;
  return front_matter;
}

namespace {

// Reads exactly `digits` decimal digits from the front of `text`.
bool ReadNumber(std::string_view& text, int digits, int& out) {
  if (text.size() < static_cast<std::size_t>(digits)) return false;
  out = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  text.remove_prefix(digits);
  return true;
}

bool Consume(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<int64_t> ParseDateTime(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadNumber(text, 4, year) || !Consume(text, '-') || !ReadNumber(text, 2, month) ||
      !Consume(text, '-') || !ReadNumber(text, 2, day)) {
    return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (!text.empty()) {
    const bool rfc3339 = text.front() == 'T' || text.front() == 't';
    if (!rfc3339 && text.front() != ' ') return std::nullopt;
    text.remove_prefix(1);
    if (!ReadNumber(text, 2, hour) || !Consume(text, ':') || !ReadNumber(text, 2, minute))
      return std::nullopt;
    if (Consume(text, ':')) {
      if (!ReadNumber(text, 2, second)) return std::nullopt;
      if (Consume(text, '.')) {  // fractions of a second are dropped
        const std::size_t digits = text.find_first_not_of("0123456789");
        if (digits == 0) return std::nullopt;
        text.remove_prefix(digits == std::string_view::npos ? text.size() : digits);
      }
    }
    if (!text.empty()) {
      if (text == "Z" || text == "z") {
        text = {};
      } else if (text.front() == '+' || text.front() == '-') {
        const int sign = text.front() == '-' ? -1 : 1;
        text.remove_prefix(1);
        int offset_hours = 0, offset_minutes = 0;
        if (!ReadNumber(text, 2, offset_hours) || !Consume(text, ':') ||
            !ReadNumber(text, 2, offset_minutes) || !text.empty() || offset_hours > 23 ||
            offset_minutes > 59) {
          return std::nullopt;
        }
        offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
      } else {
        return std::nullopt;
      }
    }
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (year < 1 || !date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
}

}  // namespace chancery::importers::internal
