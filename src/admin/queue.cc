#include "admin/queue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <ctime>
#include <fmt/format.h>
#include <map>

#include "base/text.h"
#include "comments/form.h"
#include "comments/pipeline.h"
#include "comments/render.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;
using store::CommentStatus;
using store::Role;

namespace {

constexpr int kPerPage = 50;
constexpr size_t kMaxBulkIds = 500;
constexpr int kLogEntries = 200;
const std::vector<Role> kModerators = {Role::kAdmin, Role::kEditor};

constexpr std::array<CommentStatus, 4> kTabs = {CommentStatus::kPending, CommentStatus::kApproved,
                                                CommentStatus::kSpam, CommentStatus::kTrash};

using Fields = std::vector<std::pair<std::string, std::string>>;

std::optional<int64_t> ParseId(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

int ParsePage(const Request& request) {
  auto p = request.QueryParam("page");
  if (!p) return 1;
  auto v = ParseId(*p);
  return v && *v < 1'000'000 ? static_cast<int>(*v) : 1;
}

Response Redirect(std::string location) {
  Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// After an action the moderator returns to the tab and page they acted from;
// only queue URLs are accepted (no open redirects, no header injection).
std::string SafeBack(std::string_view back) {
  if (back.rfind("/admin/comments", 0) != 0 || back.find("//") != std::string_view::npos ||
      back.find('\\') != std::string_view::npos)
    return "/admin/comments";
  for (char ch : back)
    if (static_cast<unsigned char>(ch) < 0x21 || ch == 0x7f) return "/admin/comments";
  return std::string(back);
}

std::string WithParams(std::string url, std::string_view params) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += params;
  return url;
}

std::string FormatTime(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%d %b %Y, %H:%M UTC", &tm);
  return buf;
}

std::string IsoTime(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string_view TabLabel(CommentStatus s) {
  switch (s) {
    case CommentStatus::kPending: return "Pending";
    case CommentStatus::kApproved: return "Approved";
    case CommentStatus::kSpam: return "Spam";
    case CommentStatus::kTrash: return "Trash";
  }
  return "";
}

// A moderation action named in a form: a new status, or deletion.
struct Action {
  std::optional<CommentStatus> status;  // nullopt: delete
  std::string_view past;                // "approved", for notices
};

std::optional<Action> ParseAction(std::string_view name) {
  if (name == "approve") return Action{CommentStatus::kApproved, "approved"};
  if (name == "unapprove") return Action{CommentStatus::kPending, "moved back to pending"};
  if (name == "spam") return Action{CommentStatus::kSpam, "marked as spam"};
  if (name == "trash") return Action{CommentStatus::kTrash, "moved to the trash"};
  if (name == "delete") return Action{std::nullopt, "deleted for good"};
  return std::nullopt;
}

struct QueueImpl {
  Admin& admin;

  store::Store& store() { return admin.store(); }

  Response StoreError(const Visitor& v, const Status& s, std::string_view what) {
    spdlog::error("admin queue: {}: {}", what, s.ToString());
    return admin.Message(503, &v, "The moderation queue is unavailable",
                         "The database could not be reached just now. Nothing was changed; please try again.",
                         "/admin/comments");
  }

  // The note stored as the comment's new reason, e.g. "approved: by ed@x.org".
  static std::string Note(CommentStatus to, const Visitor& v) {
    return fmt::format("{}: by {}", store::ToString(to), v.user.email);
  }

  // Applies one action; kNotFound when the comment is gone.
  Status Apply(int64_t id, const Action& action, const Visitor& v) {
    const int64_t now = admin.Now();
    if (!action.status) return store().DeleteComment(id, v.user.email, now);
    auto current = store().FindComment(id);
    if (!current.ok()) return current.status();
    if (!current.value()) return Status::NotFound("no such comment");
    if (current.value()->status == *action.status) return Status::Ok();  // nothing to log
    return store().UpdateCommentStatus(id, *action.status, v.user.email, Note(*action.status, v), now).status();
  }

  // ---- The queue ------------------------------------------------------------

  Response List(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);

    const std::string status_name = request.QueryParam("status").value_or("pending");
    auto status = store::ParseCommentStatus(status_name);
    if (!status)
      return admin.Message(404, &v, "No such tab",
                           "The queue has the tabs pending, approved, spam and trash.", "/admin/comments");
    auto counts = store().CountCommentsByStatus();
    if (!counts.ok()) return StoreError(v, counts.status(), "counting comments");
    const int64_t total = (*counts)[*status];
    const int pages = std::max<int>(1, static_cast<int>((total + kPerPage - 1) / kPerPage));
    const int page = std::min(ParsePage(request), pages);

    auto list = store().ListComments(
        {.article_id = 0, .status = *status, .limit = kPerPage, .offset = (page - 1) * kPerPage, .newest_first = true});
    if (!list.ok()) return StoreError(v, list.status(), "listing comments");

    json::array tabs;
    for (CommentStatus s : kTabs) {
      const std::string key(store::ToString(s));
      tabs.push_back(json::object{{"key", key},
                                  {"label", TabLabel(s)},
                                  {"count", (*counts)[s]},
                                  {"url", "/admin/comments?status=" + key},
                                  {"current", s == *status}});
    }

    std::map<std::string, std::string> titles;  // article slug → title, looked up once each
    auto title_of = [&](const std::string& slug) -> std::string {
      auto it = titles.find(slug);
      if (it != titles.end()) return it->second;
      auto a = store().FindArticle(slug);
      std::string title = a.ok() && a.value() ? a.value()->title : slug;
      titles.emplace(slug, title);
      return title;
    };

    const std::string back =
        fmt::format("/admin/comments?status={}{}", status_name, page > 1 ? fmt::format("&page={}", page) : "");
    json::array items;
    for (const auto& c : *list) {
      json::object item{{"id", c.id},
                        {"article_title", title_of(c.article_slug)},
                        {"article_url", "/articles/" + c.article_slug},
                        {"public_url", fmt::format("/articles/{}#comment-{}", c.article_slug, c.id)},
                        {"html", comments::RenderCommentHtml(c.body)},
                        {"name", c.author_name},
                        {"website", c.author_url},
                        {"email", c.author_email},
                        {"ip", c.ip},
                        {"reason", c.status_reason},
                        {"when", FormatTime(c.created_at)},
                        {"when_iso", IsoTime(c.created_at)},
                        {"edited", c.updated_at != 0},
                        {"parent_id", c.parent_id},
                        {"can_approve", c.status != CommentStatus::kApproved},
                        {"can_unapprove", c.status == CommentStatus::kApproved},
                        {"can_spam", c.status != CommentStatus::kSpam},
                        {"can_trash", c.status != CommentStatus::kTrash}};
      items.push_back(std::move(item));
    }

    json::object view{{"title", fmt::format("Comments: {}", TabLabel(*status))},
                      {"status", status_name},
                      {"status_label", TabLabel(*status)},
                      {"tabs", std::move(tabs)},
                      {"comments", std::move(items)},
                      {"has_comments", !list->empty()},
                      {"total", total},
                      {"back", back}};
    if (pages > 1) {
      json::object pager{{"page", page}, {"pages", pages}};
      if (page > 1) pager["prev_url"] = fmt::format("/admin/comments?status={}&page={}", status_name, page - 1);
      if (page < pages) pager["next_url"] = fmt::format("/admin/comments?status={}&page={}", status_name, page + 1);
      view["pager"] = std::move(pager);
    }
    if (auto done = request.QueryParam("done")) {
      if (auto action = ParseAction(*done)) {
        const auto n = ParseId(request.QueryParam("n").value_or("1")).value_or(1);
        view["notice"] = n == 1 ? fmt::format("1 comment {}.", action->past)
                                : fmt::format("{} comments {}.", n, action->past);
      } else if (*done == "edited") {
        view["notice"] = "The comment was saved.";
      } else if (*done == "replied") {
        view["notice"] = "Your reply was published.";
      }
    }
    return admin.Render(200, "comments", "comments", v, std::move(view));
  }

  // ---- Actions --------------------------------------------------------------

  Response Moderate(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    auto id = ParseId(request.Param("id"));
    auto action = ParseAction(http::FormValue(fields, "action"));
    if (!id) return admin.Message(404, &v, "No such comment", "That comment does not exist.", "/admin/comments");
    if (!action)
      return admin.Message(400, &v, "Unknown action",
                           "Choose approve, unapprove, spam, trash or delete.", "/admin/comments");
    Status s = Apply(*id, *action, v);
    if (s.code() == Status::Code::kNotFound)
      return admin.Message(404, &v, "No such comment", "That comment does not exist (any more).", "/admin/comments");
    if (!s.ok()) return StoreError(v, s, "moderating a comment");
    return Redirect(WithParams(SafeBack(http::FormValue(fields, "back")),
                               fmt::format("done={}&n=1", http::FormValue(fields, "action"))));
  }

  Response Bulk(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    const std::string action_name = http::FormValue(fields, "action");
    auto action = ParseAction(action_name);
    if (!action)
      return admin.Message(400, &v, "Choose an action",
                           "Pick what to do with the selected comments (approve, spam, trash or delete).",
                           SafeBack(http::FormValue(fields, "back")));
    std::vector<int64_t> ids;
    for (const auto& [name, value] : fields) {
      if (name != "ids") continue;
      auto id = ParseId(value);
      if (!id)
        return admin.Message(400, &v, "Bad selection", "A selected comment number is not valid.",
                             SafeBack(http::FormValue(fields, "back")));
      if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
    }
    if (ids.empty())
      return admin.Message(400, &v, "Nothing selected", "Tick the comments to act on, then choose the action.",
                           SafeBack(http::FormValue(fields, "back")));
    if (ids.size() > kMaxBulkIds)
      return admin.Message(413, &v, "Too many comments",
                           fmt::format("Select at most {} comments at a time.", kMaxBulkIds),
                           SafeBack(http::FormValue(fields, "back")));
    int64_t done = 0;
    for (int64_t id : ids) {
      Status s = Apply(id, *action, v);
      if (s.code() == Status::Code::kNotFound) continue;  // gone meanwhile: nothing to do
      if (!s.ok()) return StoreError(v, s, "moderating comments");
      ++done;
    }
    return Redirect(
        WithParams(SafeBack(http::FormValue(fields, "back")), fmt::format("done={}&n={}", action_name, done)));
  }

  // ---- Edit -------------------------------------------------------------------

  Response EditForm(const Visitor& v, int status, const store::Comment& c, const std::string& body,
                    std::string error) {
    json::object view{{"title", fmt::format("Edit comment {}", c.id)},
                      {"comment", json::object{{"id", c.id},
                                               {"name", c.author_name},
                                               {"email", c.author_email},
                                               {"status", store::ToString(c.status)},
                                               {"article_url", "/articles/" + c.article_slug},
                                               {"article_slug", c.article_slug},
                                               {"when", FormatTime(c.created_at)}}},
                      {"body", body},
                      {"max_chars", comments::kMaxCommentChars},
                      {"back", fmt::format("/admin/comments?status={}", store::ToString(c.status))}};
    if (!error.empty()) view["error"] = std::move(error);
    return admin.Render(status, "comment-edit", "comments", v, std::move(view));
  }

  Response EditPage(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto id = ParseId(request.Param("id"));
    auto c = id ? store().FindComment(*id) : Result<std::optional<store::Comment>>(std::nullopt);
    if (!c.ok()) return StoreError(v, c.status(), "finding a comment");
    if (!c.value()) return admin.Message(404, &v, "No such comment", "That comment does not exist.", "/admin/comments");
    return EditForm(v, 200, *c.value(), c.value()->body, "");
  }

  Response SaveEdit(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto id = ParseId(request.Param("id"));
    auto c = id ? store().FindComment(*id) : Result<std::optional<store::Comment>>(std::nullopt);
    if (!c.ok()) return StoreError(v, c.status(), "finding a comment");
    if (!c.value()) return admin.Message(404, &v, "No such comment", "That comment does not exist.", "/admin/comments");
    const auto fields = http::ParseForm(request.body);
    const std::string body = http::FormValue(fields, "body");
    if (auto error = CheckText(body); !error.empty()) return EditForm(v, 422, *c.value(), body, error);
    Status s = store().EditComment(*id, body, admin.Now());
    if (!s.ok()) return StoreError(v, s, "editing a comment");
    return Redirect(fmt::format("/admin/comments?status={}&done=edited#comment-{}", store::ToString(c.value()->status),
                                *id));
  }

  // "" when `text` may be stored as a comment's body, else why not.
  static std::string CheckText(std::string_view text) {
    if (!IsValidUtf8(text)) return "The text is not valid UTF-8.";
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return "The comment cannot be empty.";
    if (text.size() > comments::kMaxCommentChars)
      return fmt::format("The comment is too long: at most {} characters.", comments::kMaxCommentChars);
    return "";
  }

  // ---- Reply as staff -----------------------------------------------------------

  Response Reply(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto id = ParseId(request.Param("id"));
    auto found = id ? store().FindComment(*id) : Result<std::optional<store::Comment>>(std::nullopt);
    if (!found.ok()) return StoreError(v, found.status(), "finding a comment");
    if (!found.value())
      return admin.Message(404, &v, "No such comment", "That comment does not exist.", "/admin/comments");
    const store::Comment& parent = *found.value();
    const auto fields = http::ParseForm(request.body);
    const std::string body = http::FormValue(fields, "body");
    const std::string back = SafeBack(http::FormValue(fields, "back"));
    if (auto error = CheckText(body); !error.empty())
      return admin.Message(422, &v, "The reply was not sent", error + " Go back; your text is still in the form.",
                           back);
    if (parent.status == CommentStatus::kSpam || parent.status == CommentStatus::kTrash)
      return admin.Message(409, &v, "Approve it first",
                           "A reply to a comment in spam or the trash would hang under nothing readers can see. "
                           "Approve the comment first.",
                           back);
    const int64_t now = admin.Now();
    // Replying to a held comment answers and approves it in one go.
    if (parent.status == CommentStatus::kPending) {
      auto approved = store().UpdateCommentStatus(parent.id, CommentStatus::kApproved, v.user.email,
                                                  fmt::format("approved: replied to by {}", v.user.email), now);
      if (!approved.ok()) return StoreError(v, approved.status(), "approving a comment");
    }
    store::Comment reply;
    reply.article_id = parent.article_id;
    reply.parent_id = parent.id;
    reply.author_name = v.user.name;
    reply.author_email = v.user.email;
    reply.body = body;
    reply.status = CommentStatus::kApproved;
    reply.status_reason = comments::StaffReplyReason(v.user.email);
    reply.created_at = now;
    auto added = store().AddComment(reply);
    if (!added.ok()) return StoreError(v, added.status(), "storing a reply");
    return Redirect(WithParams(back, "done=replied"));
  }

  // ---- The audit log ------------------------------------------------------------

  Response Log(const Request& request) {
    auto g = admin.Guard(request, kModerators);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    int64_t comment_id = 0;
    if (auto c = request.QueryParam("comment"); c && !c->empty()) comment_id = ParseId(*c).value_or(0);
    auto log = store().ListModerationLog(comment_id, kLogEntries);
    if (!log.ok()) return StoreError(v, log.status(), "reading the moderation log");
    json::array entries;
    for (const auto& e : *log)
      entries.push_back(json::object{{"id", e.id},
                                     {"comment_id", e.comment_id},
                                     {"actor", e.actor},
                                     {"from", e.from_status},
                                     {"to", e.to_status},
                                     {"note", e.note},
                                     {"when", FormatTime(e.created_at)},
                                     {"when_iso", IsoTime(e.created_at)}});
    json::object view{{"title", "Moderation log"},
                      {"log_mode", true},
                      {"entries", std::move(entries)},
                      {"has_entries", !log->empty()},
                      {"limit", kLogEntries}};
    if (comment_id != 0) view["comment_filter"] = comment_id;
    return admin.Render(200, "comments", "comments", v, std::move(view));
  }
};

}  // namespace

QueuePages::QueuePages(Admin& admin) : admin_(admin) {}

void QueuePages::RegisterRoutes(http::Router& router) {
  auto impl = std::make_shared<QueueImpl>(QueueImpl{admin_});
  router.Get("/admin/comments", [impl](const Request& r) { return impl->List(r); });
  router.Get("/admin/comments/log", [impl](const Request& r) { return impl->Log(r); });
  router.Post("/admin/comments/bulk", [impl](const Request& r) { return impl->Bulk(r); });
  router.Post("/admin/comments/:id/moderate", [impl](const Request& r) { return impl->Moderate(r); });
  router.Get("/admin/comments/:id/edit", [impl](const Request& r) { return impl->EditPage(r); });
  router.Post("/admin/comments/:id/edit", [impl](const Request& r) { return impl->SaveEdit(r); });
  router.Post("/admin/comments/:id/reply", [impl](const Request& r) { return impl->Reply(r); });
}

}  // namespace chancery::admin
