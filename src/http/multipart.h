// chancery/http: multipart/form-data bodies (RFC 7578), the way browsers
// send file uploads.
//
// ParseMultipart splits a whole, already-read body into its parts. It is
// strict where leniency would hide an attack or a bug — every delimiter line
// ends in CRLF, part headers are bounded in size and count, every part has
// a Content-Disposition of form-data with a name, the body ends with the
// close delimiter — and lenient only where browsers differ harmlessly
// (a preamble and an epilogue are ignored; whitespace after a boundary is
// allowed). A line in a part's data that starts with the boundary but does
// not end like a delimiter stays data. Errors are kInvalidArgument with a
// message that says what is wrong. Pure functions: thread-safe, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/http.h"

namespace chancery::http {

struct MultipartPart {
  std::string name;                     // Content-Disposition's name
  std::optional<std::string> filename;  // present for a file field, possibly empty ("no file chosen")
  std::string content_type;             // as sent; "text/plain" when the part had none (RFC 7578 §4.4)
  std::string data;                     // the bytes between the part's headers and the next delimiter
};

struct MultipartLimits {
  size_t max_parts = 32;                // more parts → error
  size_t max_part_header_bytes = 4096;  // one part's header block, CRLFs included; more → error
  size_t max_part_headers = 8;          // header lines in one part; more → error
};

// The boundary parameter of a multipart/form-data Content-Type
// ("multipart/form-data; boundary=----x" or boundary="..."). kInvalidArgument
// when the type is not multipart/form-data or the boundary is missing, longer
// than 70 characters, or holds characters RFC 2046 does not allow.
[[nodiscard]] Result<std::string> MultipartBoundary(std::string_view content_type);

// The parts of `body`, in order. `boundary` as MultipartBoundary returns it.
[[nodiscard]] Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                                const MultipartLimits& limits = {});

// Both of the above for a request: its Content-Type header and body.
[[nodiscard]] Result<std::vector<MultipartPart>> ParseMultipartRequest(const Request& request,
                                                                       const MultipartLimits& limits = {});

// The first part named `name`, or null.
const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace chancery::http
