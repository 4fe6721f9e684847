// chancery/comments: a comment's plain text as safe HTML.
//
// Comments are plain text, never markup: every character is escaped, blank
// lines separate paragraphs, single newlines become <br>, and http(s) URLs
// become links with rel="nofollow ugc noopener". Nothing else becomes markup.
//
// The functions are safe on any input, not only on text that passed Validate:
// malformed UTF-8 becomes U+FFFD, control characters other than newline and
// tab become U+FFFD (so a NUL cannot truncate anything downstream), CRLF and
// CR become newlines.
//
// Bidi controls (U+202A–U+202E, U+2066–U+2069) are dropped. Validate lets them
// into comments because writers of right-to-left languages use them; dropping
// them on display means no comment can reorder its own text (or the page
// after it) to show something other than what was stored, while the Unicode
// bidi algorithm still lays out Arabic or Hebrew text correctly without them.
// Dropping is simpler and safer than balancing them inside <bdi> elements.
// The stored text keeps them, so a moderator can see what was sent.
//
// Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

namespace chancery::comments {

// The rel every link a commenter supplies carries.
inline constexpr char kUserLinkRel[] = "nofollow ugc noopener";

// `text` as HTML paragraphs, each "<p>...</p>\n" with "<br>\n" between its
// lines; "" when the text has nothing but whitespace.
std::string RenderCommentHtml(std::string_view text);
// The same, appended to `out`.
void AppendCommentHtml(std::string& out, std::string_view text);

// The author's name linked to their website, or just the escaped name when
// `url` is empty or is not an http(s) URL.
std::string AuthorLinkHtml(std::string_view name, std::string_view url);
// The same, appended to `out`.
void AppendAuthorLinkHtml(std::string& out, std::string_view name, std::string_view url);

}  // namespace chancery::comments
