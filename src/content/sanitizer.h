// chancery/content internal: the allow-list HTML sanitiser behind SanitizeHtml
// and RenderMarkdown. Not part of the public API. Thread-safe (no shared
// state; gumbo parses are independent).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/content.h"

namespace chancery::content::internal {

struct SanitizeOptions {
  // Give every h1..h6 a unique id (from a trailing "{#id}" in its text, its
  // own id attribute, or the slug of its text) and report the headings.
  bool assign_heading_ids = false;
};

struct SanitizedFragment {
  std::string html;               // the sanitised fragment
  std::vector<Heading> headings;  // every heading, in order (assign_heading_ids only)
  // The input nested elements deeper than kMaxHtmlNesting; `html` is then the
  // input as escaped text.
  bool too_deep = false;
};

SanitizedFragment Sanitize(std::string_view html, const SanitizeOptions& options);

// The text a reader would see in the sanitised `html`: whitespace collapsed,
// block elements separated by blank lines, nothing from removed elements.
// Empty when `html` nests deeper than kMaxHtmlNesting.
std::string FragmentText(std::string_view html);

}  // namespace chancery::content::internal
