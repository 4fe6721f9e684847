#include "site/discussion.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string_view>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "base/text.h"
#include "comments/render.h"
#include "site/views.h"

namespace chancery::site {
namespace json = boost::json;

namespace {

constexpr int kMaxShownComments = 5000;
constexpr int64_t kOwnCookieSeconds = 30 * 86400;
constexpr int64_t kCommenterCookieSeconds = 365 * 86400;

// The first letter of a name for the avatar: a view of `name`, or of `ascii`
// holding it upper-cased when it is ASCII.
std::string_view Initial(std::string_view name, char& ascii) {
  size_t pos = 0;
  while (pos < name.size()) {
    const size_t start = pos;
    const char32_t cp = DecodeUtf8(name, pos);
    if (cp == kInvalidCodePoint || cp < 0x30) continue;
    if (cp < 0x80) {
      ascii = static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
      return std::string_view(&ascii, 1);
    }
    // Letters outside ASCII are kept as written; bidi and other format
    // characters (U+2000–U+206F) are skipped.
    if (cp >= 0x2000 && cp <= 0x206F) continue;
    return name.substr(start, pos - start);
  }
  return "?";
}

// The keys of a comment's view, in the order of its prototype; the last
// four only when the reader may still edit or delete it.
enum class CommentKey : size_t {
  kId, kDepth, kAuthorName, kStaff, kAuthorHtml, kInitial, kAvatar, kDate, kDateIso, kHtml,
  kPermalink, kReplyUrl, kPending, kEdited, kCanModify, kInReplyTo, kHasReplies, kReplies,
  kEditUrl, kDeleteUrl, kModifyToken, kMinutesLeftLabel,
};
constexpr std::array<std::string_view, 22> kCommentKeys = {
    "id",        "depth",     "author_name", "staff",   "author_html",  "initial",  "avatar",    "date",
    "date_iso",  "html",      "permalink",   "reply_url", "pending",    "edited",   "can_modify", "in_reply_to",
    "has_replies", "replies", "edit_url",    "delete_url", "modify_token", "minutes_left_label"};
static_assert(kCommentKeys.size() == static_cast<size_t>(CommentKey::kMinutesLeftLabel) + 1);
constexpr size_t kReaderKeys = static_cast<size_t>(CommentKey::kEditUrl);
static_assert(kReaderKeys == 18, "a reader's comment view must stay within Boost.JSON's unhashed object size");

// The view every comment starts from: its keys, each false until the
// comment sets it (in_reply_to stays false for a comment that answers none).
const json::object& CommentPrototype(bool can_modify) {
  static const std::array<json::object, 2> prototypes = [] {
    std::array<json::object, 2> made;
    for (size_t v = 0; v < 2; ++v) {
      const size_t n = v == 0 ? kReaderKeys : kCommentKeys.size();
      made[v].reserve(n);
      for (size_t i = 0; i < n; ++i) made[v].emplace(kCommentKeys[i], false);
    }
    return made;
  }();
  return prototypes[can_modify ? 1 : 0];
}

}  // namespace

std::vector<int64_t> Discussion::OwnIds(const http::Request& request) const {
  auto cookie = request.Cookie(kOwnCookie);
  if (!cookie) return {};
  return pipeline_.OwnIds(*cookie);
}

bool Discussion::IsPersonal(const http::Request& request) const {
  return request.Cookie(kOwnCookie).has_value() || request.Cookie(kCommenterCookie).has_value();
}

std::optional<Commenter> Discussion::RememberedCommenter(const http::Request& request) const {
  auto cookie = request.Cookie(kCommenterCookie);
  if (!cookie || cookie->size() > 2048) return std::nullopt;
  auto decoded = http::PercentDecode(*cookie);
  if (!decoded || !IsValidUtf8(*decoded)) return std::nullopt;
  Commenter c;
  const size_t a = decoded->find('\n');
  const size_t b = a == std::string::npos ? std::string::npos : decoded->find('\n', a + 1);
  if (b == std::string::npos) return std::nullopt;
  c.author = decoded->substr(0, a);
  c.email = decoded->substr(a + 1, b - a - 1);
  c.url = decoded->substr(b + 1);
  return c;
}

std::string Discussion::OwnCookieHeader(const std::vector<int64_t>& ids) const {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", kOwnCookie, pipeline_.OwnCookieValue(ids),
                     kOwnCookieSeconds, secure_cookies_ ? "; Secure" : "");
}

std::string Discussion::CommenterCookieHeader(const Commenter& c) const {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", kCommenterCookie,
                     http::PercentEncode(c.author + "\n" + c.email + "\n" + c.url), kCommenterCookieSeconds,
                     secure_cookies_ ? "; Secure" : "");
}

std::string Discussion::ClearCommenterCookieHeader() const {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", kCommenterCookie,
                     secure_cookies_ ? "; Secure" : "");
}

namespace {

// `parts` joined into `out`, replacing what it held, with one copy.
json::string& Join(json::string& out, std::initializer_list<std::string_view> parts) {
  std::size_t size = 0;
  for (std::string_view part : parts) size += part.size();
  // A link fits the stack: one copy into the string, not an append per part.
  std::array<char, 512> joined;
  if (size > joined.size()) {
    out.clear();
    out.reserve(size);
    for (std::string_view part : parts) out.append(part);
    return out;
  }
  char* end = joined.data();
  for (std::string_view part : parts) end = std::copy(part.begin(), part.end(), end);
  return out.assign(std::string_view(joined.data(), size));
}

json::string Join(const json::storage_ptr& sp, std::initializer_list<std::string_view> parts) {
  json::string out(sp);
  Join(out, parts);
  return out;
}

// The decimal digits of an id, in a buffer that lives as long as it.
struct Digits {
  explicit Digits(int64_t n) {
    size = static_cast<std::size_t>(std::to_chars(chars, chars + sizeof chars, n).ptr - chars);
  }
  std::string_view view() const { return {chars, size}; }
  char chars[24];
  std::size_t size = 0;
};

}  // namespace

// What every comment of one page shares.
struct Discussion::Thread {
  std::string base;  // "/articles/<slug>"
  const std::vector<int64_t>& own;
  int64_t now;
  const DateStyle& dates;
  json::storage_ptr sp;
  std::string scratch;  // where a value is put together before its copy in sp
};

json::object Discussion::CommentView(const store::Comment& c, Thread& thread, int depth,
                                     const store::Comment* answers, json::array replies) const {
  const json::storage_ptr& sp = thread.sp;
  const bool pending = c.status != store::CommentStatus::kApproved;
  const bool can_modify = pipeline_.CanModify(c, thread.own, thread.now);
  const Digits id(c.id);
  const std::string_view base = thread.base;
  // Every key the template reads is set on every comment, so a nested
  // comment never inherits its parent's value through the context stack;
  // the ones only {{#can_modify}} reads are set when it is true. The view is
  // a copy of a prototype with the keys in a fixed order, its values then
  // set by position: copying skips the duplicate-key search each insertion
  // would make, and a comment of up to 18 keys stays an unhashed object.
  // Each text is written straight into its value's string (in sp), or into
  // the thread's scratch string and copied once: no string of its own.
  using K = CommentKey;
  json::object o(CommentPrototype(can_modify), sp);
  json::key_value_pair* kv = o.begin();
  auto slot = [&](K key) -> json::value& { return kv[static_cast<size_t>(key)].value(); };
  auto set = [&](K key, auto&& value) { slot(key) = std::forward<decltype(value)>(value); };
  auto set_text = [&](K key, std::string_view value) { slot(key).emplace_string().assign(value); };
  std::string& scratch = thread.scratch;
  auto write = [&](K key, auto&& writer) {
    scratch.clear();
    writer(scratch);
    set_text(key, scratch);
  };
  set(K::kId, c.id);
  set(K::kDepth, depth);
  set_text(K::kAuthorName, c.author_name);
  set(K::kStaff, comments::IsStaffReply(c));
  write(K::kAuthorHtml, [&](std::string& out) { comments::AppendAuthorLinkHtml(out, c.author_name, c.author_url); });
  char initial = 0;
  set_text(K::kInitial, Initial(c.author_name, initial));
  set(K::kAvatar, static_cast<int64_t>(std::hash<std::string>{}(c.author_name) % 8));
  write(K::kDate, [&](std::string& out) { thread.dates.AppendDateTime(out, c.created_at); });
  write(K::kDateIso, [&](std::string& out) { AppendIsoDateTime(out, c.created_at); });
  write(K::kHtml, [&](std::string& out) { comments::AppendCommentHtml(out, c.body); });
  Join(slot(K::kPermalink).emplace_string(), {base, "#comment-", id.view()});
  Join(slot(K::kReplyUrl).emplace_string(), {base, "?replyto=", id.view(), "#respond"});
  set(K::kPending, pending);
  set(K::kEdited, c.updated_at > 0);
  set(K::kCanModify, can_modify);
  if (answers != nullptr) {
    json::object in_reply_to(sp);
    in_reply_to.emplace("name", answers->author_name);
    in_reply_to.emplace("permalink", Join(sp, {"#comment-", Digits(answers->id).view()}));
    set(K::kInReplyTo, std::move(in_reply_to));
  }
  set(K::kHasReplies, !replies.empty());
  set(K::kReplies, std::move(replies));
  if (can_modify) {
    const int64_t minutes_left = (pipeline_.EditSecondsLeft(c, thread.now) + 59) / 60;
    Join(slot(K::kEditUrl).emplace_string(), {base, "/comments/", id.view(), "/edit"});
    Join(slot(K::kDeleteUrl).emplace_string(), {base, "/comments/", id.view(), "/delete"});
    set_text(K::kModifyToken, pipeline_.ModifyToken(c.id));
    set_text(K::kMinutesLeftLabel, Plural(minutes_left, "minute", "minutes"));
  }
  return o;
}

json::object Discussion::View(const store::Article& article, const http::Request& request, const FormState* state,
                              int64_t now, const DateStyle& dates, const std::string& unsent, json::storage_ptr sp) {
  const auto settings_now = pipeline_.settings();
  const comments::PipelineSettings& settings = *settings_now;
  const std::vector<int64_t> own = OwnIds(request);

  // Approved comments, oldest first, plus the reader's own that are not.
  std::vector<store::Comment> shown;
  store::CommentQuery q;
  q.article_id = article.id;
  q.status = store::CommentStatus::kApproved;
  q.public_only = true;
  q.limit = 1000;
  for (q.offset = 0; q.offset < kMaxShownComments; q.offset += q.limit) {
    auto page = store_.ListComments(q);
    if (!page.ok()) break;
    const bool last = page->size() < static_cast<size_t>(q.limit);
    if (shown.empty()) {
      shown = std::move(page).value();
    } else {
      shown.insert(shown.end(), std::make_move_iterator(page->begin()), std::make_move_iterator(page->end()));
    }
    if (last) break;
  }
  for (int64_t id : own) {
    auto c = store_.FindComment(id);
    if (!c.ok() || !c.value() || c.value()->article_id != article.id) continue;
    if (c.value()->status == store::CommentStatus::kApproved || c.value()->status == store::CommentStatus::kTrash)
      continue;
    shown.push_back(std::move(*c.value()));
  }
  // The store lists them in this order: only the reader's own held
  // comments can be out of place.
  auto older = [](const store::Comment& a, const store::Comment& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  };
  if (!std::is_sorted(shown.begin(), shown.end(), older)) std::sort(shown.begin(), shown.end(), older);

  // (id, position in `shown`), sorted, for finding a comment by id.
  std::vector<std::pair<int64_t, size_t>> positions;
  positions.reserve(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) positions.emplace_back(shown[i].id, i);
  std::sort(positions.begin(), positions.end());
  auto find = [&](int64_t id) -> const store::Comment* {
    const auto it = std::lower_bound(positions.begin(), positions.end(), std::pair<int64_t, size_t>(id, 0));
    return it != positions.end() && it->first == id ? &shown[it->second] : nullptr;
  };
  // (parent id, position) of every comment, sorted: each parent's replies
  // are adjacent, oldest first. A reply whose parent is not shown (held, or
  // removed) stands at the top, under 0.
  std::vector<std::pair<int64_t, size_t>> children;
  children.reserve(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) {
    const store::Comment& c = shown[i];
    const bool nested = c.parent_id > 0 && c.parent_id != c.id && find(c.parent_id) != nullptr;
    children.emplace_back(nested ? c.parent_id : 0, i);
  }
  std::sort(children.begin(), children.end());

  const int max_depth = std::max(1, settings.thread_depth);
  Thread thread{"/articles/" + article.slug, own, now, dates, sp, {}};
  std::vector<char> placed(shown.size(), 0);  // by the position find() gives
  // `flattened`: the replies go into the same list as their parent (the
  // last level), so each says whom it answers.
  auto build = [&](auto& self, int64_t parent_id, int depth, json::array& out, bool flattened) -> void {
    const store::Comment* answers = flattened ? find(parent_id) : nullptr;
    for (auto it = std::lower_bound(children.begin(), children.end(), std::pair<int64_t, size_t>(parent_id, 0));
         it != children.end() && it->first == parent_id; ++it) {
      const store::Comment& c = shown[it->second];
      char& done = placed[static_cast<size_t>(find(c.id) - shown.data())];
      if (done) continue;
      done = 1;
      if (depth < max_depth) {
        json::array replies(sp);
        self(self, c.id, depth + 1, replies, false);
        out.push_back(CommentView(c, thread, depth, answers, std::move(replies)));
      } else {
        out.push_back(CommentView(c, thread, depth, answers, json::array(sp)));
        self(self, c.id, depth, out, true);
      }
    }
  };
  json::array threads(sp);
  build(build, 0, 1, threads, false);
  if (settings.newest_first) std::reverse(threads.begin(), threads.end());

  int64_t approved = 0;
  for (const auto& c : shown) approved += c.status == store::CommentStatus::kApproved;

  const bool open = pipeline_.CommentsOpen(article, now);
  json::object view({{"count", approved},
                     {"count_label", approved == 0 ? std::string("Comments") : Plural(approved, "comment", "comments")},
                     {"threads", std::move(threads)},
                     {"has_threads", !shown.empty()},
                     {"open", open},
                     {"feed_url", thread.base + "/comments.xml"}},
                    sp);
  if (!unsent.empty()) view["unsent"] = unsent;
  if (!open) return view;

  // The form.
  json::object values({{"comment", ""}, {"author", ""}, {"email", ""}, {"url", ""}}, sp);
  bool consent = false;
  int64_t parent = 0;
  json::object errors(sp);
  if (state != nullptr) {
    values = json::object({{"comment", state->form.comment},
                           {"author", state->form.author},
                           {"email", state->form.email},
                           {"url", state->form.url}},
                          sp);
    consent = state->consent;
    parent = state->form.parent > 0 ? state->form.parent : 0;
    for (const auto& [field, message] : state->errors.by_field) errors[field] = message;
  } else if (auto remembered = RememberedCommenter(request)) {
    values["author"] = remembered->author;
    values["email"] = remembered->email;
    values["url"] = remembered->url;
    consent = true;
  }
  if (state == nullptr) {
    if (auto replyto = request.QueryParam("replyto")) {
      int64_t id = 0;
      auto [end, ec] = std::from_chars(replyto->data(), replyto->data() + replyto->size(), id);
      const store::Comment* c = ec == std::errc() && end == replyto->data() + replyto->size() ? find(id) : nullptr;
      if (c != nullptr && c->status == store::CommentStatus::kApproved) parent = id;
    }
  }
  const bool has_errors = !errors.empty();
  json::object form({{"action", thread.base + "/comments"},
                     {"token", state != nullptr ? pipeline_.ReissueFormToken(state->form.token, article.id, now)
                                                : pipeline_.IssueFormToken(article.id, now)},
                     {"parent", parent},
                     {"values", std::move(values)},
                     {"consent", consent},
                     {"has_errors", has_errors},
                     {"errors", std::move(errors)}},
                    sp);
  if (state != nullptr && !state->notice.empty()) form["notice"] = state->notice;
  if (const store::Comment* answered = parent > 0 ? find(parent) : nullptr) {
    form["reply_to"] = json::object({{"name", answered->author_name},
                                     {"permalink", Join(sp, {"#comment-", Digits(parent).view()})},
                                     {"cancel_url", thread.base + "#respond"}},
                                    sp);
  }
  view["form"] = std::move(form);
  return view;
}

}  // namespace chancery::site
