// chancery/content: turns what authors write into what readers see — start
// here.
//
// RenderMarkdown is the one entry point for article bodies: Markdown (GitHub
// flavour: tables, footnotes, autolinks, strikethrough, task lists, smart
// punctuation) becomes sanitised HTML with stable heading anchors, plus the
// derived fields a page or a search index needs (table of contents, plain
// text, excerpt, reading time). The smaller helpers (SanitizeHtml, Slugify,
// Excerpt, ...) are the same building blocks, exposed for importers, comments
// and the theme.
//
// Every function here is thread-safe and may be called from many threads at
// once; none keeps state between calls. Strings are UTF-8.
//
// Pull quotes: a plain Markdown blockquote (`> ...`) is the pull quote; the
// theme styles `<blockquote>` in an article body as one. Raw HTML such as
// `<aside class="pullquote">` or `<div class="pullquote">` also survives the
// sanitiser for authors who want an explicit marker.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery::content {

// A heading of a rendered document.
struct Heading {
  int level = 2;     // 1..6, as in <h1>..<h6>
  std::string id;    // the anchor: unique within its document
  std::string text;  // plain text, whitespace collapsed
};

struct RenderedDocument {
  // Sanitised, safe to insert unescaped.
  std::string html;
  // h2 and h3 headings, in document order.
  std::vector<Heading> toc;
  // The body as plain text (paragraphs separated by blank lines), without
  // footnote markers or definitions, HTML tags or entities.
  std::string plain_text;
  // The first words of the body's prose (headings, code and tables skipped),
  // ending at a word boundary with "…" when cut.
  std::string excerpt;
  int word_count = 0;
  // ceil(word_count / words_per_minute), at least 1.
  int reading_minutes = 1;
};

struct RenderOptions {
  // Raw HTML in the Markdown passes through the allow-list sanitiser; false
  // drops it (its text is lost too).
  bool allow_raw_html = true;
  // Excerpt length in words (also capped at kExcerptMaxChars characters).
  int excerpt_words = 40;
  // Reading speed used for reading_minutes; values < 1 mean the default.
  int words_per_minute = 230;
};

// Longest Markdown source RenderMarkdown accepts, in bytes.
inline constexpr std::size_t kMaxMarkdownBytes = 4 * 1024 * 1024;
// Longest excerpt in bytes before the "…".
inline constexpr std::size_t kExcerptMaxChars = 280;
// Deepest element nesting SanitizeHtml and RenderMarkdown accept (HTML
// parsing slows down sharply with depth; real articles stay far below).
inline constexpr std::size_t kMaxHtmlNesting = 256;
// Longest slug Slugify returns.
inline constexpr std::size_t kMaxSlugLength = 80;

// Renders an article body. Fails with kInvalidArgument when `markdown` is not
// valid UTF-8, is longer than kMaxMarkdownBytes, or nests blocks or HTML
// elements deeper than kMaxHtmlNesting.
Result<RenderedDocument> RenderMarkdown(std::string_view markdown, const RenderOptions& options = {});

// Parses `html` as an HTML fragment and re-serialises only allow-listed
// elements and attributes; see sanitizer.cc for the lists. Scripts, styles,
// frames, forms and foreign content (SVG, MathML) are removed with their
// content; other unknown elements are unwrapped. URLs are limited to http,
// https, mailto, relative and #fragment; absolute links get rel="noopener".
// Invalid UTF-8 is replaced by U+FFFD. Input nested deeper than
// kMaxHtmlNesting comes back as escaped text.
std::string SanitizeHtml(std::string_view html);

// A URL-safe slug: lower-case ASCII letters and digits joined by single
// hyphens, at most kMaxSlugLength long (cut at a hyphen).
// "Pakistan–Russia Ties: A Thaw?" -> "pakistan-russia-ties-a-thaw".
// Latin letters with diacritics are transliterated (é -> e, ß -> ss),
// apostrophes dropped ("Pakistan’s" -> "pakistans"). Text with letters but
// nothing transliterable (e.g. only Urdu) gets "n-" plus 8 hex digits of a
// hash of the text, so the result is never empty when the input has a letter
// or digit; it is empty only for empty or punctuation-only input.
std::string Slugify(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates,
// code points above U+10FFFF or truncated sequences).
bool IsValidUtf8(std::string_view text);

// [{"level":2,"id":"...","text":"..."}, ...]
std::string TocJson(const std::vector<Heading>& toc);
// The inverse of TocJson; empty on malformed input.
std::vector<Heading> ParseTocJson(std::string_view json);
// The same list as JSON in `sp`, as TocJson wrote it: objects with "level"
// (1..6), "id" and "text", for a page's view to take without copying each
// heading again. Empty on malformed input.
boost::json::array ParseTocJsonArray(std::string_view json, boost::json::storage_ptr sp);

// The first `max_words` words of `plain_text` (also at most kExcerptMaxChars
// bytes) on one line, ending at a word boundary with "…" when cut.
std::string Excerpt(std::string_view plain_text, int max_words);

// Words in `plain_text`: whitespace-separated runs holding a letter or digit.
int CountWords(std::string_view plain_text);

}  // namespace chancery::content
