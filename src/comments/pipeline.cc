#include "comments/pipeline.h"

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

namespace chancery::comments {
namespace {

constexpr int64_t kDay = 86400;
constexpr std::string_view kOwnPrefix = "own:";
constexpr std::string_view kModifyPrefix = "modify:";

}  // namespace

Key LoadOrCreateKey(store::Store& store) {
  constexpr std::string_view kKeySetting = "comments.key";
  auto stored = store.GetSetting(kKeySetting);
  if (stored.ok() && stored.value()) {
    if (auto key = KeyFromHex(*stored.value())) return *key;
    spdlog::warn("the stored comments.key is malformed; making a new one (open comment forms will be held)");
  }
  Key key = GenerateKey();
  Status s = store.PutSetting(kKeySetting, KeyToHex(key));
  if (!s.ok()) spdlog::error("saving comments.key: {}", s.ToString());
  // Another process may have saved its key first: use whichever is stored.
  auto again = store.GetSetting(kKeySetting);
  if (again.ok() && again.value())
    if (auto k = KeyFromHex(*again.value())) return *k;
  return key;
}

Pipeline::Pipeline(store::Store& store, Key key, PipelineSettings settings)
    : store_(store), key_(key), settings_(std::make_shared<const PipelineSettings>(std::move(settings))) {}

void Pipeline::UpdateSettings(PipelineSettings settings) {
  settings_.store(std::make_shared<const PipelineSettings>(std::move(settings)));
}

bool Pipeline::CommentsOpen(const store::Article& article, int64_t now) const {
  if (!article.comments_open) return false;
  const int close_after_days = settings()->close_after_days;
  if (close_after_days > 0 && article.published_at > 0 &&
      now > article.published_at + int64_t{close_after_days} * kDay)
    return false;
  return true;
}

std::string Pipeline::IssueFormToken(int64_t article_id, int64_t now) const {
  return comments::IssueFormToken(key_, article_id, now);
}

std::string Pipeline::ReissueFormToken(std::string_view posted, int64_t article_id, int64_t now) const {
  const TokenCheck check = CheckFormToken(key_, posted, article_id, now, settings()->moderation.min_seconds_to_submit,
                                          settings()->moderation.max_form_age_seconds);
  if (check == TokenCheck::kValid || check == TokenCheck::kTooFast) return std::string(posted);
  return IssueFormToken(article_id, now);
}

Result<Decision> Pipeline::Weigh(const CommentForm& form, TokenCheck token, const std::string& ip,
                                 const PipelineSettings& settings) {
  Signals signals;
  signals.honeypot_filled = !form.honeypot.empty();
  signals.token = token;
  signals.ip = ip;
  if (settings.moderation.require_prior_approval) {
    CHANCERY_ASSIGN_OR_RETURN(signals.author_has_approved_comment,
                              store_.HasApprovedCommentFromEmail(form.email));
  }
  Decision decision = Decide(form, signals, settings.moderation);
  // A reader's post under a newsroom account's email would pass as staff
  // (and that account's approved replies would approve it): a person holds it.
  if (decision.status == store::CommentStatus::kApproved) {
    CHANCERY_ASSIGN_OR_RETURN(auto account, store_.FindUserByEmail(form.email));
    if (account) decision = {store::CommentStatus::kPending, "held: uses the email of a newsroom account"};
  }
  return decision;
}

std::string StaffReplyReason(std::string_view email) {
  return std::string(kStaffReplyPrefix) + " (" + std::string(email) + ")";
}

bool IsStaffReply(const store::Comment& comment) {
  return comment.status == store::CommentStatus::kApproved &&
         std::string_view(comment.status_reason).starts_with(kStaffReplyPrefix);
}

Result<SubmitResult> Pipeline::Submit(const store::Article& article, CommentForm form, const Poster& poster,
                                      int64_t now) {
  // One snapshot for the whole submission: a settings change saved meanwhile
  // applies to the next one, never to half of this one.
  const std::shared_ptr<const PipelineSettings> settings = this->settings();
  SubmitResult result;
  if (!CommentsOpen(article, now)) {
    result.outcome = Outcome::kClosed;
    result.form = std::move(form);
    return result;
  }

  result.errors = Validate(form);
  if (form.parent > 0 && !result.errors.by_field.count("parent")) {
    CHANCERY_ASSIGN_OR_RETURN(auto parent, store_.FindComment(form.parent));
    const bool own = std::find(poster.own_comment_ids.begin(), poster.own_comment_ids.end(), form.parent) !=
                     poster.own_comment_ids.end();
    if (!parent || parent->article_id != article.id ||
        !(parent->status == store::CommentStatus::kApproved ||
          (own && parent->status == store::CommentStatus::kPending)))
      result.errors.by_field["parent"] =
          "The comment you are replying to is no longer available; your comment will be posted on its own.";
  }
  if (!result.errors.empty()) {
    if (result.errors.by_field.count("parent")) form.parent = 0;  // resubmitting posts it at the top level
    result.outcome = Outcome::kInvalid;
    result.form = std::move(form);
    return result;
  }

  if (settings->rate_limit_per_minute > 0 && !poster.ip.empty()) {
    CHANCERY_ASSIGN_OR_RETURN(int64_t recent, store_.CountCommentsFromIp(poster.ip, now - 60));
    if (recent >= settings->rate_limit_per_minute) {
      result.outcome = Outcome::kRateLimited;
      result.form = std::move(form);
      return result;
    }
  }
  CHANCERY_ASSIGN_OR_RETURN(bool duplicate, store_.HasDuplicateComment(form.email, form.comment, now - kDay));
  if (duplicate) {
    result.outcome = Outcome::kDuplicate;
    result.form = std::move(form);
    return result;
  }

  const TokenCheck token =
      CheckFormToken(key_, form.token, article.id, now, settings->moderation.min_seconds_to_submit,
                     settings->moderation.max_form_age_seconds);
  CHANCERY_ASSIGN_OR_RETURN(Decision decision, Weigh(form, token, poster.ip, *settings));

  store::Comment comment;
  comment.article_id = article.id;
  comment.parent_id = form.parent;
  comment.author_name = form.author;
  comment.author_email = form.email;
  comment.author_url = form.url;
  comment.body = form.comment;
  comment.status = decision.status;
  comment.status_reason = decision.reason;
  comment.ip = poster.ip;
  comment.user_agent = poster.user_agent.substr(0, 500);
  comment.created_at = now;
  CHANCERY_ASSIGN_OR_RETURN(result.comment, store_.AddComment(comment));
  result.comment.article_slug = article.slug;
  result.outcome = Outcome::kAccepted;
  result.form = std::move(form);
  return result;
}

std::string Pipeline::OwnCookieValue(std::vector<int64_t> ids) const {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() > kMaxOwnIds) ids.erase(ids.begin(), ids.end() - kMaxOwnIds);
  std::string payload(kOwnPrefix);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) payload += '-';
    payload += std::to_string(ids[i]);
  }
  return Sign(key_, payload);
}

std::vector<int64_t> Pipeline::OwnIds(std::string_view cookie_value) const {
  std::vector<int64_t> ids;
  auto payload = Verify(key_, cookie_value);
  if (!payload || payload->rfind(kOwnPrefix, 0) != 0) return ids;
  std::string_view rest = std::string_view(*payload).substr(kOwnPrefix.size());
  while (!rest.empty() && ids.size() < kMaxOwnIds) {
    const size_t dash = rest.find('-');
    const std::string_view part = rest.substr(0, dash);
    int64_t id = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (ec == std::errc() && end == part.data() + part.size() && id > 0) ids.push_back(id);
    rest = dash == std::string_view::npos ? std::string_view() : rest.substr(dash + 1);
  }
  return ids;
}

int64_t Pipeline::EditSecondsLeft(const store::Comment& comment, int64_t now) const {
  const int64_t end = comment.created_at + int64_t{settings()->edit_minutes} * 60;
  return now < end ? end - now : 0;
}

bool Pipeline::CanModify(const store::Comment& comment, const std::vector<int64_t>& own_ids, int64_t now) const {
  if (comment.status == store::CommentStatus::kTrash) return false;
  if (std::find(own_ids.begin(), own_ids.end(), comment.id) == own_ids.end()) return false;
  return EditSecondsLeft(comment, now) > 0;
}

std::string Pipeline::ModifyToken(int64_t comment_id) const {
  return Sign(key_, std::string(kModifyPrefix) + std::to_string(comment_id));
}

bool Pipeline::CheckModifyToken(int64_t comment_id, std::string_view token) const {
  auto payload = Verify(key_, token);
  return payload && *payload == std::string(kModifyPrefix) + std::to_string(comment_id);
}

Result<SubmitResult> Pipeline::Edit(const store::Comment& comment, std::string_view new_text, int64_t now) {
  SubmitResult result;
  CommentForm form;
  // Parse the text as a posted form would be, so newlines are normalised alike.
  form = ParseCommentForm({{kFieldComment, std::string(new_text)},
                           {kFieldAuthor, comment.author_name},
                           {kFieldEmail, comment.author_email},
                           {kFieldUrl, comment.author_url}});
  result.errors = Validate(form);
  result.form = form;
  if (!result.errors.empty()) {
    // Only the text is the poster's to fix here.
    FieldErrors text_only;
    if (auto it = result.errors.by_field.find("comment"); it != result.errors.by_field.end())
      text_only.by_field["comment"] = it->second;
    result.errors = std::move(text_only);
    if (!result.errors.empty()) {
      result.outcome = Outcome::kInvalid;
      return result;
    }
  }
  CHANCERY_ASSIGN_OR_RETURN(Decision decision, Weigh(form, TokenCheck::kValid, comment.ip, *settings()));
  CHANCERY_RETURN_IF_ERROR(store_.EditComment(comment.id, form.comment, now));
  if (comment.status == store::CommentStatus::kApproved && decision.status != store::CommentStatus::kApproved) {
    CHANCERY_ASSIGN_OR_RETURN(auto updated, store_.UpdateCommentStatus(comment.id, decision.status, "poster",
                                                                       "after an edit, " + decision.reason, now));
    (void)updated;
  }
  CHANCERY_ASSIGN_OR_RETURN(auto stored, store_.FindComment(comment.id));
  if (!stored) return Status::NotFound("the comment was deleted while it was being edited");
  result.comment = *stored;
  result.outcome = Outcome::kAccepted;
  return result;
}

Status Pipeline::Delete(const store::Comment& comment, int64_t now) {
  return store_.DeleteComment(comment.id, "poster", now);
}

}  // namespace chancery::comments
