#include "comments/render.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "comments/utf8.h"

namespace chancery::comments {
namespace {

using internal::DecodeUtf8;
using internal::kInvalidCodePoint;
using ::chancery::AppendHtmlEscaped;
using ::chancery::AppendUtf8;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// True when each of the 8 bytes at `p` is printable ASCII (0x20..0x7E).
// (x - 0x20..20) & ~x & 0x80..80 is non-zero exactly when some byte is
// below 0x20; (x | (x + 0x01..01)) & 0x80..80 when some byte is 0x7F or
// above (a carry out of one byte comes only from 0xFF, itself caught).
bool IsPrintableAscii8(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
  const uint64_t delete_or_above = (x | (x + kOnes)) & kHighs;
  return (below_space | delete_or_above) == 0;
}

// `text` made displayable: well-formed UTF-8, "\n" line ends, no bidi
// controls, and no control characters but "\n" and (when `keep_lines`) "\t".
// Without `keep_lines`, newlines and tabs become spaces (a name is one line).
std::string Clean(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    // Printable ASCII, most of any comment, needs no decoding: copy the run,
    // found eight bytes at a time while whole words are printable.
    std::size_t run = pos;
    while (run + 8 <= text.size() && IsPrintableAscii8(text.data() + run)) run += 8;
    while (run < text.size() && text[run] >= 0x20 && text[run] < 0x7F) ++run;
    if (run > pos) {
      out.append(text.data() + pos, run - pos);
      pos = run;
      continue;
    }
    const char32_t cp = DecodeUtf8(text, pos);
    if (cp == '\r') {
      if (pos < text.size() && text[pos] == '\n') ++pos;
      out += keep_lines ? '\n' : ' ';
    } else if (cp == '\n' || cp == '\t') {
      out += keep_lines ? static_cast<char>(cp) : ' ';
    } else if (cp == kInvalidCodePoint || internal::IsControl(cp)) {
      out += kReplacement;
    } else if (!internal::IsBidiControl(cp)) {
      AppendUtf8(out, cp);
    }
  }
  return out;
}

// True when Clean(text, true) would return `text` unchanged: every byte is
// printable ASCII, a tab or a "\n".
bool IsCleanText(std::string_view text) {
  std::size_t pos = 0;
  for (;;) {
    while (pos + 8 <= text.size() && IsPrintableAscii8(text.data() + pos)) pos += 8;
    if (pos == text.size()) return true;
    const char c = text[pos];
    if (!((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t')) return false;
    ++pos;
  }
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The length of the http:// or https:// scheme starting at `pos`, or 0.
std::size_t SchemeLength(std::string_view text, std::size_t pos) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (text.size() - pos < scheme.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < scheme.size() && match; ++i) match = AsciiLower(text[pos + i]) == scheme[i];
    if (match) return scheme.size();
  }
  return 0;
}

// A host starts with a letter, a digit, "[" (IPv6) or a non-ASCII letter.
bool StartsHost(char c) { return IsAsciiAlnum(c) || c == '[' || static_cast<unsigned char>(c) >= 0x80; }

// Characters that end a URL in running text: whitespace, and the quotes and
// brackets that cannot appear unencoded in a URL but do surround one in prose.
bool EndsUrl(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '<' || c == '>' || c == '`' || c == '\\' ||
         c == '{' || c == '}' || c == '|' || c == '^';
}

// The length of the URL starting at `pos` (where SchemeLength matched), with
// trailing sentence punctuation left out; 0 when there is no host after the
// scheme ("http://" alone is prose).
std::size_t UrlLength(std::string_view text, std::size_t pos, std::size_t scheme) {
  std::size_t end = pos + scheme;
  while (end < text.size() && !EndsUrl(text[end]) &&
         text.compare(end, kReplacement.size(), kReplacement) != 0) {
    ++end;
  }
  // "(see https://e.x/a_(b))." keeps "https://e.x/a_(b)": a ")" stays only
  // while it closes a "(" inside the URL.
  for (;;) {
    if (end <= pos + scheme) break;
    const char last = text[end - 1];
    if (last == '.' || last == ',' || last == ':' || last == ';' || last == '!' || last == '?' ||
        last == '\'' || last == '*') {
      --end;
      continue;
    }
    if (last == ')' || last == ']') {
      const char open = last == ')' ? '(' : '[';
      const std::string_view url = text.substr(pos, end - pos);
      const auto opens = std::count(url.begin(), url.end(), open);
      const auto closes = std::count(url.begin(), url.end(), last);
      if (closes > opens) {
        --end;
        continue;
      }
    }
    break;
  }
  if (end <= pos + scheme || !StartsHost(text[pos + scheme])) return 0;
  return end - pos;
}

// True when all of `url` is one http(s) URL with a host: no character that
// would end it in running text.
bool IsWholeUrl(std::string_view url) {
  const std::size_t scheme = SchemeLength(url, 0);
  if (scheme == 0 || url.size() == scheme || !StartsHost(url[scheme])) return false;
  for (char c : url) {
    if (EndsUrl(c)) return false;
  }
  return url.find(kReplacement) == std::string_view::npos;
}

void AppendLink(std::string& out, std::string_view url, std::string_view label) {
  out += "<a href=\"";
  AppendHtmlEscaped(out, url);
  out += "\" rel=\"";
  out += kUserLinkRel;
  out += "\">";
  AppendHtmlEscaped(out, label);
  out += "</a>";
}

// True when one of the 8 bytes at `p` is "h" or "H": OR-ing 0x20 folds
// "H" into "h" (and maps no other byte onto it but "h" itself), and a zero
// byte of the XOR with "h"s is found as in IsPrintableAscii8.
bool HasLetterH8(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t folded = (x | (kOnes * 0x20)) ^ (kOnes * 'h');
  return ((folded - kOnes) & ~folded & kHighs) != 0;
}

// The position of the first "h" or "H" in `line` at or after `i`, or its size.
std::size_t NextLetterH(std::string_view line, std::size_t i) {
  while (i + 8 <= line.size() && !HasLetterH8(line.data() + i)) i += 8;
  while (i < line.size() && (line[i] | 0x20) != 'h') ++i;
  return i;
}

// One line of a paragraph: escaped, URLs linked.
void AppendLine(std::string& out, std::string_view line) {
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < line.size();) {
    // Every URL starts with "h" or "H": skip to the next one.
    i = NextLetterH(line, i);
    if (i == line.size()) break;
    const std::size_t scheme = (i == 0 || !IsAsciiAlnum(line[i - 1])) ? SchemeLength(line, i) : 0;
    const std::size_t length = scheme ? UrlLength(line, i, scheme) : 0;
    if (length == 0) {
      ++i;
      continue;
    }
    AppendHtmlEscaped(out, line.substr(plain_from, i - plain_from));
    const std::string_view url = line.substr(i, length);
    AppendLink(out, url, url);
    i += length;
    plain_from = i;
  }
  AppendHtmlEscaped(out, line.substr(plain_from));
}

bool IsBlankLine(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

void AppendCommentHtml(std::string& out, std::string_view text) {
  // Most comments are printable ASCII in lines, which Clean would copy
  // unchanged.
  std::string cleaned;
  std::string_view clean = text;
  if (!IsCleanText(text)) {
    cleaned = Clean(text, /*keep_lines=*/true);
    clean = cleaned;
  }
  out.reserve(out.size() + clean.size() + clean.size() / 4 + 16);
  bool in_paragraph = false;
  for (std::string_view rest = clean;;) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    if (IsBlankLine(line)) {
      if (in_paragraph) out += "</p>\n";
      in_paragraph = false;
    } else {
      out += in_paragraph ? "<br>\n" : "<p>";
      in_paragraph = true;
      AppendLine(out, line);
    }
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  if (in_paragraph) out += "</p>\n";
}

std::string RenderCommentHtml(std::string_view text) {
  std::string out;
  AppendCommentHtml(out, text);
  return out;
}

void AppendAuthorLinkHtml(std::string& out, std::string_view name, std::string_view url) {
  const std::string clean_name = Clean(name, /*keep_lines=*/false);
  // Only a whole http(s) URL becomes a link: anything else ("javascript:...",
  // an address with spaces) shows the name alone.
  if (url.empty()) {
    AppendHtmlEscaped(out, clean_name);
    return;
  }
  const std::string clean_url = Clean(url, /*keep_lines=*/false);
  if (!IsWholeUrl(clean_url)) {
    AppendHtmlEscaped(out, clean_name);
    return;
  }
  AppendLink(out, clean_url, clean_name);
}

std::string AuthorLinkHtml(std::string_view name, std::string_view url) {
  std::string out;
  AppendAuthorLinkHtml(out, name, url);
  return out;
}

}  // namespace chancery::comments
