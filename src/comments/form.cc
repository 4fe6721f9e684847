#include "comments/form.h"

#include <cctype>
#include <charconv>
#include <string_view>

#include "comments/utf8.h"

namespace chancery::comments {
namespace {

using internal::DecodeUtf8;
using internal::kInvalidCodePoint;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string NormaliseNewlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

int64_t ParseParent(std::string_view value) {
  const std::string trimmed = Trim(value);
  if (trimmed.empty()) return 0;
  int64_t parent = 0;
  const char* end = trimmed.data() + trimmed.size();
  auto [ptr, ec] = std::from_chars(trimmed.data(), end, parent);
  if (ec != std::errc() || ptr != end || parent < 0) return -1;
  return parent;
}

// What a scan of one field's characters found.
struct Scan {
  bool valid_utf8 = true;
  bool control = false;  // a control character not allowed in this field
  bool bidi = false;
  bool space = false;  // an ASCII space, tab or newline
  std::size_t chars = 0;
};

Scan ScanField(std::string_view text, bool allow_newlines) {
  Scan scan;
  for (std::size_t pos = 0; pos < text.size(); ++scan.chars) {
    const char32_t cp = DecodeUtf8(text, pos);
    if (cp == kInvalidCodePoint) {
      scan.valid_utf8 = false;
    } else if (cp == '\n' || cp == '\r' || cp == '\t') {
      if (!allow_newlines) scan.control = true;
      scan.space = true;
    } else if (internal::IsControl(cp)) {
      scan.control = true;
    } else if (internal::IsBidiControl(cp)) {
      scan.bidi = true;
    } else if (cp == ' ') {
      scan.space = true;
    }
  }
  return scan;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsAsciiSpace(c)) return false;
  }
  return true;
}

// The encoding and character rules every field shares; returns the message
// for the first one broken, or "" when all hold.
std::string CharacterProblem(const Scan& scan, std::string_view what, bool bidi_allowed) {
  if (!scan.valid_utf8) {
    return std::string(what) + " contains bytes that are not valid text (UTF-8). Please retype it.";
  }
  if (scan.control) {
    return std::string(what) + " contains invisible control characters. Please remove them.";
  }
  if (scan.bidi && !bidi_allowed) {
    return std::string(what) +
           " contains invisible text-direction characters, which are not allowed here. "
           "Please remove them.";
  }
  return "";
}

bool IsValidEmail(std::string_view email, const Scan& scan) {
  if (scan.space) return false;
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || domain.empty()) return false;
  // The domain needs a dot between two labels: "example.org", not "localhost"
  // or "example." or ".org".
  const std::size_t dot = domain.find('.');
  if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.') return false;
  if (domain.find("..") != std::string_view::npos) return false;
  for (char c : email) {
    if (c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == ',' || c == ';' || c == '\\' ||
        c == '[' || c == ']') {
      return false;
    }
  }
  return true;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// True when `url` (already known to start with http:// or https://) is a
// sane web address: a host (name, IPv4 or [IPv6]) with an optional port.
bool IsSaneHttpUrl(std::string_view url, const Scan& scan) {
  if (scan.space) return false;
  for (char c : url) {
    if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '{' || c == '}' || c == '|' ||
        c == '^') {
      return false;
    }
  }
  const std::string_view rest = url.substr(url.find("://") + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // "http://trusted.example@evil.example" shows one host and visits another.
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority;
  if (host.front() == '[') {  // an IPv6 literal, "[::1]:8080"
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    for (char c : host.substr(1, close - 1)) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    }
    host = host.substr(close + 1);
    if (host.empty()) return true;
    if (host.front() != ':') return false;
    host = host.substr(1);
    if (host.empty()) return false;
    for (char c : host) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
  const std::size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
    host = host.substr(0, colon);
  }
  if (host.empty() || host.front() == '.' || host.front() == '-' ||
      host.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    // Bytes >= 0x80 are parts of an internationalised name (already UTF-8
    // checked); ASCII is limited to what host names use.
    if (!(u >= 0x80 || std::isalnum(u) || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

CommentForm ParseCommentForm(const std::vector<std::pair<std::string, std::string>>& fields) {
  CommentForm form;
  std::map<std::string_view, std::string_view> first;
  for (const auto& [name, value] : fields) first.emplace(name, value);
  const auto get = [&](std::string_view name) -> std::string_view {
    auto it = first.find(name);
    return it == first.end() ? std::string_view() : it->second;
  };
  form.comment = NormaliseNewlines(get(kFieldComment));
  form.author = Trim(get(kFieldAuthor));
  form.email = Trim(get(kFieldEmail));
  form.url = Trim(get(kFieldUrl));
  std::string_view parent = get(kFieldParent);
  if (IsBlank(parent)) parent = get("parent");
  form.parent = ParseParent(parent);
  form.honeypot = std::string(get(kFieldHoneypot));
  form.token = Trim(get(kFieldToken));
  return form;
}

FieldErrors Validate(const CommentForm& form) {
  FieldErrors errors;
  auto& out = errors.by_field;

  {
    const Scan scan = ScanField(form.comment, /*allow_newlines=*/true);
    std::string problem = CharacterProblem(scan, "Your comment", /*bidi_allowed=*/true);
    if (IsBlank(form.comment)) {
      out[kFieldComment] = "Please type your comment.";
    } else if (!problem.empty()) {
      out[kFieldComment] = std::move(problem);
    } else if (scan.chars > kMaxCommentChars) {
      out[kFieldComment] = "Your comment is too long: it can be at most 10,000 characters, and it has " +
                           std::to_string(scan.chars) + ".";
    }
  }
  {
    const Scan scan = ScanField(form.author, /*allow_newlines=*/false);
    std::string problem = CharacterProblem(scan, "Your name", /*bidi_allowed=*/false);
    if (IsBlank(form.author)) {
      out[kFieldAuthor] = "Please enter your name.";
    } else if (!problem.empty()) {
      out[kFieldAuthor] = std::move(problem);
    } else if (scan.chars > kMaxAuthorChars) {
      out[kFieldAuthor] = "Your name is too long: it can be at most 100 characters.";
    }
  }
  {
    const Scan scan = ScanField(form.email, /*allow_newlines=*/false);
    std::string problem = CharacterProblem(scan, "Your email address", /*bidi_allowed=*/false);
    if (IsBlank(form.email)) {
      out[kFieldEmail] = "Please enter your email address.";
    } else if (!problem.empty()) {
      out[kFieldEmail] = std::move(problem);
    } else if (scan.chars > kMaxEmailChars) {
      out[kFieldEmail] = "That email address is too long: it can be at most 254 characters.";
    } else if (!IsValidEmail(form.email, scan)) {
      out[kFieldEmail] = "That email address doesn't look right.";
    }
  }
  if (!form.url.empty()) {
    const Scan scan = ScanField(form.url, /*allow_newlines=*/false);
    std::string problem = CharacterProblem(scan, "The website", /*bidi_allowed=*/false);
    if (!problem.empty()) {
      out[kFieldUrl] = std::move(problem);
    } else if (scan.chars > kMaxUrlChars) {
      out[kFieldUrl] = "The website address is too long: it can be at most 200 characters.";
    } else if (!StartsWithNoCase(form.url, "http://") && !StartsWithNoCase(form.url, "https://")) {
      out[kFieldUrl] = "The website must start with http:// or https://.";
    } else if (!IsSaneHttpUrl(form.url, scan)) {
      out[kFieldUrl] = "That website address doesn't look right.";
    }
  }
  if (form.parent < 0) {
    out["parent"] = "The comment you are replying to could not be found. Please reply from its Reply link.";
  }
  return errors;
}

}  // namespace chancery::comments
