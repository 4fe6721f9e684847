// chancery/http internal: turning a request-target into Request::path/query.
#pragma once

#include <string>
#include <string_view>

namespace chancery::http::internal {

// Splits `target` into a percent-decoded path and the raw query (without
// '?'). Accepts origin-form ("/a/b?x=1"), absolute-form
// ("http://host/a?x=1", which RFC 9112 requires servers to accept) and
// asterisk-form ("*", path "*"). Returns false — the server answers 400 —
// for any other form, a bad percent-escape, a NUL byte, or a "." or ".."
// segment in the decoded path: browsers never send those, and refusing them
// here means no handler ever has to guard "/static/../" traversal.
bool ParseRequestTarget(std::string_view target, std::string* path, std::string* query);

}  // namespace chancery::http::internal
