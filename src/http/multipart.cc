#include "http/multipart.h"

#include <string>
#include <utility>

#include "http/text.h"

namespace chancery::http {
namespace {

using internal::AsciiLower;
using internal::EqualsIgnoreCase;
using internal::TrimSpace;

constexpr std::string_view kCrlf = "\r\n";

Status Malformed(std::string_view what) { return Status::InvalidArgument("malformed multipart body: " + std::string(what)); }

bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 §5.1.1 bchars, the space excepted at the end.
bool IsBoundaryChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

struct HeaderValue {
  std::string type;  // lower-cased, e.g. "form-data"
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased

  const std::string* Param(std::string_view name) const {
    for (const auto& [n, v] : params)
      if (n == name) return &v;
    return nullptr;
  }
};

// `type *( ";" name "=" ( token / quoted-string ) )`. Inside quotes `\"` and
// `\\` are escapes and any other backslash is itself, so a Windows path that
// an old browser sends as a filename survives.
Result<HeaderValue> ParseHeaderValue(std::string_view text, std::string_view header) {
  HeaderValue out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  auto bad = [&](std::string_view why) {
    return Malformed(std::string(header) + " " + std::string(why));
  };
  skip_space();
  const size_t type_start = i;
  while (i < text.size() && (IsTokenChar(text[i]) || text[i] == '/')) ++i;
  out.type = Lower(text.substr(type_start, i - type_start));
  if (out.type.empty()) return bad("has no type");
  skip_space();
  while (i < text.size()) {
    if (text[i] != ';') return bad("has an unexpected character after its " + std::string(out.params.empty() ? "type" : "parameters"));
    ++i;
    skip_space();
    if (i == text.size()) break;  // a trailing ';' is harmless
    const size_t name_start = i;
    while (i < text.size() && IsTokenChar(text[i])) ++i;
    std::string name = Lower(text.substr(name_start, i - name_start));
    if (name.empty()) return bad("has a parameter without a name");
    skip_space();
    if (i == text.size() || text[i] != '=') return bad("parameter '" + name + "' has no value");
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < text.size() && (text[i] == '"' || text[i] == '\\')) {
          value += text[i++];
          continue;
        }
        value += c;
      }
      if (!closed) return bad("parameter '" + name + "' has an unterminated quoted value");
    } else {
      const size_t value_start = i;
      while (i < text.size() && IsTokenChar(text[i])) ++i;
      value = std::string(text.substr(value_start, i - value_start));
      if (value.empty()) return bad("parameter '" + name + "' has an empty value");
    }
    out.params.emplace_back(std::move(name), std::move(value));
    skip_space();
  }
  return out;
}

// Where the delimiter line that starts at `at` (just past "--boundary")
// continues: past "--" for the close delimiter (`*close` set), or past
// optional whitespace and CRLF. npos when the bytes there do not end a
// delimiter line — then "--boundary" was data, not a delimiter.
size_t DelimiterEnd(std::string_view body, size_t at, bool* close) {
  *close = false;
  if (body.substr(at, 2) == "--") {
    *close = true;
    return at + 2;
  }
  while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
  if (body.substr(at, 2) == kCrlf) return at + 2;
  return std::string_view::npos;
}

// The next "CRLF--boundary" at or after `from` that ends like a delimiter
// line; returns the position of its CR and sets `*next` past the line.
size_t FindDelimiter(std::string_view body, size_t from, std::string_view dash_boundary, size_t* next, bool* close) {
  const std::string needle = std::string(kCrlf) + std::string(dash_boundary);
  for (size_t at = body.find(needle, from); at != std::string_view::npos; at = body.find(needle, at + 1)) {
    const size_t end = DelimiterEnd(body, at + needle.size(), close);
    if (end != std::string_view::npos) {
      *next = end;
      return at;
    }
  }
  return std::string_view::npos;
}

Status ParsePartHeaders(std::string_view block, const MultipartLimits& limits, MultipartPart& part) {
  bool have_disposition = false;
  size_t lines = 0;
  while (!block.empty()) {
    const size_t eol = block.find(kCrlf);
    const std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
    if (++lines > limits.max_part_headers)
      return Malformed("a part has more than " + std::to_string(limits.max_part_headers) + " header lines");
    if (line.empty()) return Malformed("a part has an empty header line");
    if (line.front() == ' ' || line.front() == '\t') return Malformed("a part header is folded over two lines");
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
      return Malformed("a part header contains a bare CR or LF");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Malformed("a part header line has no name");
    const std::string_view name = line.substr(0, colon);
    for (char c : name)
      if (!IsTokenChar(c)) return Malformed("a part header name has an invalid character");
    const std::string_view value = TrimSpace(line.substr(colon + 1));
    if (HasControl(value)) return Malformed("a part header value contains control characters");
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      if (have_disposition) return Malformed("a part has two Content-Disposition headers");
      have_disposition = true;
      CHANCERY_ASSIGN_OR_RETURN(HeaderValue cd, ParseHeaderValue(value, "Content-Disposition"));
      if (cd.type != "form-data") return Malformed("a part's Content-Disposition is not form-data");
      const std::string* field = cd.Param("name");
      if (field == nullptr || field->empty()) return Malformed("a part's Content-Disposition has no name");
      part.name = *field;
      if (const std::string* filename = cd.Param("filename")) part.filename = *filename;
    } else if (EqualsIgnoreCase(name, "Content-Type")) {
      part.content_type = std::string(value);
    }
    // Anything else (Content-Transfer-Encoding, which RFC 7578 deprecates)
    // is ignored.
  }
  if (!have_disposition) return Malformed("a part has no Content-Disposition header");
  if (part.content_type.empty()) part.content_type = "text/plain";
  return Status::Ok();
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto parsed = ParseHeaderValue(content_type, "Content-Type");
  if (!parsed.ok()) return Status::InvalidArgument("the request's Content-Type cannot be read");
  if (parsed->type != "multipart/form-data")
    return Status::InvalidArgument("the request is not multipart/form-data");
  const std::string* boundary = parsed->Param("boundary");
  if (boundary == nullptr || boundary->empty())
    return Status::InvalidArgument("the multipart/form-data Content-Type has no boundary");
  if (boundary->size() > 70) return Status::InvalidArgument("the multipart boundary is longer than 70 characters");
  for (char c : *boundary)
    if (!IsBoundaryChar(c)) return Status::InvalidArgument("the multipart boundary has a character RFC 2046 forbids");
  if (boundary->back() == ' ') return Status::InvalidArgument("the multipart boundary ends with a space");
  return *boundary;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  if (boundary.empty()) return Status::InvalidArgument("the multipart boundary is empty");
  const std::string dash_boundary = "--" + std::string(boundary);

  // The first delimiter opens the body or follows a preamble and CRLF.
  size_t pos = 0;
  bool close = false;
  if (body.substr(0, dash_boundary.size()) == dash_boundary &&
      (pos = DelimiterEnd(body, dash_boundary.size(), &close)) != std::string_view::npos) {
  } else if (FindDelimiter(body, 0, dash_boundary, &pos, &close) == std::string_view::npos) {
    if (body.find(dash_boundary) != std::string_view::npos)
      return Malformed("a boundary line does not end with CRLF");
    return Malformed("the boundary never appears");
  }

  std::vector<MultipartPart> parts;
  while (!close) {
    if (parts.size() == limits.max_parts)
      return Malformed("more than " + std::to_string(limits.max_parts) + " parts");
    MultipartPart part;
    // The header block ends at the first empty line; search only as far as
    // the limit allows, so a huge header costs no more than a small one.
    const std::string_view window = body.substr(pos, limits.max_part_header_bytes + 2);
    const size_t blank = window.substr(0, 2) == kCrlf ? 0 : window.find("\r\n\r\n");
    if (blank == std::string_view::npos) {
      if (window.size() < limits.max_part_header_bytes + 2) return Malformed("it ends inside a part's headers");
      return Malformed("a part's headers are longer than " + std::to_string(limits.max_part_header_bytes) + " bytes");
    }
    const std::string_view header_block = body.substr(pos, blank);
    CHANCERY_RETURN_IF_ERROR(ParsePartHeaders(header_block, limits, part));
    const size_t data_start = pos + blank + (blank == 0 ? 2 : 4);
    size_t next = 0;
    const size_t data_end = FindDelimiter(body, data_start, dash_boundary, &next, &close);
    if (data_end == std::string_view::npos) return Malformed("it ends before the closing boundary");
    part.data = std::string(body.substr(data_start, data_end - data_start));
    parts.push_back(std::move(part));
    pos = next;
  }
  return parts;
}

Result<std::vector<MultipartPart>> ParseMultipartRequest(const Request& request, const MultipartLimits& limits) {
  const auto content_type = request.headers.Get("Content-Type");
  if (!content_type) return Status::InvalidArgument("the request has no Content-Type");
  CHANCERY_ASSIGN_OR_RETURN(const std::string boundary, MultipartBoundary(*content_type));
  return ParseMultipart(request.body, boundary, limits);
}

const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const MultipartPart& p : parts)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace chancery::http
