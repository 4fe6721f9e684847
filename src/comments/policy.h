// chancery/comments: the moderation decision, with the reason it was made.
//
// Decide weighs a validated form, the spam signals gathered around it and the
// site's moderation settings, and returns the status the comment is stored
// with plus a one-line reason ("held: 3 links") that is stored beside it and
// shown in the queue and on the command line. Rules are tried in a fixed
// order and the first that applies wins:
//
//   1. honeypot filled                → spam     "spam: honeypot filled"
//   2. disallowed list matches        → spam     "spam: matches disallowed word 'x'"
//   3. form token missing, malformed,
//      for another article or forged  → held     "held: form token invalid"
//   4. form posted too fast           → held     "held: form submitted in under 3 seconds"
//   5. form too old                   → held     "held: form older than a day"
//   6. mode approve-all               → approved "approved: all comments approved"
//   7. mode hold-all                  → held     "held: all comments held for review"
//   8. moderation list matches        → held     "held: matches moderation word 'x'"
//   9. links >= hold_links_at         → held     "held: 3 links"
//  10. no earlier approved comment    → held     "held: first comment from this email"
//  11. otherwise                      → approved "approved: earlier comment approved"
//
// Token failures hold rather than mark as spam: a person whose page sat open
// overnight, or whose browser replayed a form, must not vanish into the spam
// folder; a moderator sees why and decides. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "comments/form.h"
#include "comments/token.h"
#include "store/store.h"

namespace chancery::comments {

struct ModerationSettings {
  enum class Mode {
    kDefault,     // the rules below decide
    kHoldAll,     // every comment that is not spam waits for a moderator
    kApproveAll,  // every comment that is not spam or suspect is published
  };
  Mode mode = Mode::kDefault;
  // Hold a comment with at least this many links in its text; 0 turns the
  // rule off (WordPress's "comment_max_links", default 2).
  int hold_links_at = 2;
  // Hold unless the same email already has an approved comment.
  bool require_prior_approval = true;
  // Entries whose match holds a comment / marks it spam. Matched
  // case-insensitively (ASCII letters) as substrings of the comment text, the
  // name, the email, the website and the IP, as WordPress does. Empty entries
  // never match.
  std::vector<std::string> moderation_list;
  std::vector<std::string> disallowed_list;
  // The thresholds the form token was checked with (CheckFormToken's
  // min_seconds and max_age_seconds); used only to word the reason.
  int min_seconds_to_submit = 3;
  int max_form_age_seconds = 86400;
};

// One entry per line of a settings text area: lines trimmed of surrounding
// whitespace (CR included), blank lines dropped.
std::vector<std::string> ParseWordList(std::string_view text);

// What the pipeline learned about the submission besides the form itself.
struct Signals {
  bool honeypot_filled = false;
  TokenCheck token = TokenCheck::kMissing;
  bool author_has_approved_comment = false;  // looked up by email in the store
  std::string ip;
};

struct Decision {
  store::CommentStatus status = store::CommentStatus::kPending;
  std::string reason;  // "held: 3 links"; stored as Comment::status_reason
};

// The number of links in a comment's text: each "http://" or "https://", and
// each "www." at the start of a word that does not directly follow a scheme
// ("https://www.x" is one link). Only the text counts: the website field is
// the author's link, shown on the name, and WordPress does not count it.
std::size_t CountLinks(std::string_view text);

Decision Decide(const CommentForm& form, const Signals& signals, const ModerationSettings& settings);

}  // namespace chancery::comments
