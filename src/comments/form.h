// chancery/comments: the reader's comment form — parsing and validation.
//
// Start here for the submission pipeline: ParseCommentForm turns the posted
// fields (WordPress's names, so browsers' autofill carries over) into a
// CommentForm; Validate says, per field and in words a reader understands,
// what must be fixed before the comment can be taken. Whatever is not a
// reader's mistake (honeypot, form token) is not validated here: those are
// spam signals, weighed by policy.h. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace chancery::comments {

// The limits the issue sets, in Unicode code points ("characters" as a reader
// counts them), never bytes.
inline constexpr std::size_t kMaxCommentChars = 10000;
inline constexpr std::size_t kMaxAuthorChars = 100;
inline constexpr std::size_t kMaxEmailChars = 254;
inline constexpr std::size_t kMaxUrlChars = 200;

// Form field names. The honeypot is a text field hidden from people by CSS;
// its name sounds like something a form-filling bot should complete.
inline constexpr char kFieldComment[] = "comment";
inline constexpr char kFieldAuthor[] = "author";
inline constexpr char kFieldEmail[] = "email";
inline constexpr char kFieldUrl[] = "url";
inline constexpr char kFieldParent[] = "comment_parent";  // "parent" also accepted
inline constexpr char kFieldHoneypot[] = "website_confirm";
inline constexpr char kFieldToken[] = "form_token";

struct CommentForm {
  std::string comment;   // the text, newlines normalised to "\n"
  std::string author;    // the reader's name, trimmed
  std::string email;     // trimmed; never shown to readers
  std::string url;       // the optional website, trimmed
  int64_t parent = 0;    // the comment replied to; 0 top level, -1 unparseable
  std::string honeypot;  // must stay empty; people never see the field
  std::string token;     // the signed form token (token.h)
};

// What is wrong with a form, keyed by field name ("comment", "author",
// "email", "url", "parent"), one message per field, ready to show next to it.
struct FieldErrors {
  std::map<std::string, std::string> by_field;
  bool empty() const { return by_field.empty(); }
};

// Builds a form from the posted (name, value) pairs. The first occurrence of a
// repeated name wins. Name, email and website are trimmed of surrounding
// whitespace; the comment's CRLF and lone CR become LF, and it is otherwise
// kept exactly as typed so a rejected form can be shown back unchanged.
// The parent comes from `comment_parent` or else `parent`; a value that is not
// a non-negative integer becomes -1, which Validate reports.
CommentForm ParseCommentForm(const std::vector<std::pair<std::string, std::string>>& fields);

// Checks every rule and reports every failing field at once, so the reader
// fixes everything in one round:
// - comment, author and email are required (whitespace alone counts as empty);
// - all fields are valid UTF-8 and within their length limits;
// - no control characters (the comment may hold newlines and tabs);
// - author, email and website may not hold bidi embedding/override/isolate
//   characters (they could disguise a name or address). The comment may:
//   right-to-left writers use them, and the renderer drops them on display so
//   they cannot reorder anything (render.h);
// - email: one "@", a non-empty local part, a domain with an inner dot, no
//   spaces;
// - website (optional): http:// or https://, a host, no spaces, quotes or
//   angle brackets, no user:password@ part.
FieldErrors Validate(const CommentForm& form);

}  // namespace chancery::comments
