// chancery/comments: the submission pipeline — validate, weigh the spam
// signals, decide, store.
//
// Pipeline is what a comment form post goes through and what the poster's
// own edits and deletions go through. It owns the site's signing key, so it
// also issues the form token served with every form and the signed cookie
// value that marks a reader's own comments (to show them their held comment,
// and to let them edit or delete it for a while).
//
// It knows nothing of HTTP: the site turns its outcomes into status codes
// (422, 429, 409, 403, 303) and pages. Thread-safe: one Pipeline serves every
// request thread; the Store does the locking.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "comments/form.h"
#include "comments/policy.h"
#include "comments/token.h"
#include "store/store.h"

namespace chancery::comments {

struct PipelineSettings {
  ModerationSettings moderation;
  int rate_limit_per_minute = 5;  // accepted comments per IP per minute; 0 off
  int thread_depth = 5;           // nesting shown; deeper replies attach at the last level
  bool newest_first = false;      // order of top-level comments
  int close_after_days = 0;       // 0: comments never close by age
  int edit_minutes = 15;          // the poster's edit and delete window
};

enum class Outcome {
  kAccepted,     // stored (approved, held or spam: see comment.status)
  kInvalid,      // the reader must fix `errors`; nothing stored
  kClosed,       // comments are closed on this article
  kRateLimited,  // too many comments from this IP in the last minute
  kDuplicate,    // the same text from the same email within a day
};

struct SubmitResult {
  Outcome outcome = Outcome::kInvalid;
  CommentForm form;        // as parsed, to show back to the reader
  FieldErrors errors;      // for kInvalid
  store::Comment comment;  // for kAccepted: as stored, with id and reason
};

// Who is posting, besides what they typed.
struct Poster {
  std::string ip;
  std::string user_agent;
  std::vector<int64_t> own_comment_ids;  // from their signed cookie (may reply to their own held comment)
};

// The site's signing key, kept in the settings ("comments.key") so every
// process and restart shares it; made and saved the first time. Never fails:
// when the store cannot be read or written it logs and returns a fresh key
// (forms served before then are held, not lost).
Key LoadOrCreateKey(store::Store& store);

// Staff replies (the newsroom's queue) are stored approved with a reason
// that starts with kStaffReplyPrefix; readers' posts never get it, so pages
// can mark staff replies as such.
inline constexpr char kStaffReplyPrefix[] = "approved: reply by staff";
std::string StaffReplyReason(std::string_view email);
bool IsStaffReply(const store::Comment& comment);

class Pipeline {
 public:
  // `store` must outlive the Pipeline.
  Pipeline(store::Store& store, Key key, PipelineSettings settings);

  // The settings now; UpdateSettings replaces them for the next submission
  // (the newsroom's settings page), without disturbing one in progress.
  std::shared_ptr<const PipelineSettings> settings() const { return settings_.load(); }
  void UpdateSettings(PipelineSettings settings);

  // Open unless the article closed them or they closed with age.
  bool CommentsOpen(const store::Article& article, int64_t now) const;

  // The hidden form token for a form on `article_id` served at `now`.
  std::string IssueFormToken(int64_t article_id, int64_t now) const;
  // The token to put in a form shown again after a rejected post: the one
  // posted, when it is genuine and unexpired, so the time to fill the form
  // still counts from when it was first served; else a fresh one.
  std::string ReissueFormToken(std::string_view posted, int64_t article_id, int64_t now) const;

  // The whole pipeline for one posted form, in this order: closed? →
  // Validate (and the parent must be an approved comment on this article, or
  // the poster's own) → rate limit → duplicate → Decide → store. A store
  // failure is an error, never a silent loss.
  Result<SubmitResult> Submit(const store::Article& article, CommentForm form, const Poster& poster,
                              int64_t now);

  // The poster's own comments travel in a signed cookie value: the newest
  // kMaxOwnIds ids. Anything altered or signed with another key reads as none.
  static constexpr std::size_t kMaxOwnIds = 20;
  std::string OwnCookieValue(std::vector<int64_t> ids) const;
  std::vector<int64_t> OwnIds(std::string_view cookie_value) const;

  // True when `comment` is among `own_ids` and was made within the edit
  // window, and is not in the trash.
  bool CanModify(const store::Comment& comment, const std::vector<int64_t>& own_ids, int64_t now) const;
  // Seconds left in the edit window (0 when it has passed).
  int64_t EditSecondsLeft(const store::Comment& comment, int64_t now) const;

  // A hidden-field value that proves an edit or delete form came from this
  // site's page for this comment (the cookie alone would ride along with a
  // forged cross-site form in browsers without SameSite).
  std::string ModifyToken(int64_t comment_id) const;
  bool CheckModifyToken(int64_t comment_id, std::string_view token) const;

  // The poster replaces their text. The new text is validated like a new
  // comment (kInvalid with errors["comment"]) and weighed again: an approved
  // comment whose new text would be held or marked spam goes back to the
  // queue with the reason, logged as done by "poster".
  Result<SubmitResult> Edit(const store::Comment& comment, std::string_view new_text, int64_t now);
  // Deletes the poster's comment (logged as done by "poster"); replies move up.
  Status Delete(const store::Comment& comment, int64_t now);

 private:
  Result<Decision> Weigh(const CommentForm& form, TokenCheck token, const std::string& ip,
                         const PipelineSettings& settings);

  store::Store& store_;
  Key key_;
  std::atomic<std::shared_ptr<const PipelineSettings>> settings_;
};

}  // namespace chancery::comments
