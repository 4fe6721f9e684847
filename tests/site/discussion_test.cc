// The discussion under an article, through Site's handlers: threads as the
// page shows them, the count labels, the form's round trips (303, 422, 409,
// 429, 403, 415), the poster's cookie and view, the edit window and the
// comment feeds. A real in-memory SQLite store, the built-in theme and an
// injected clock; no network.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comments/token.h"
#include "site/site.h"
#include "store/store.h"
#include "theme/theme.h"

namespace chancery::site {
namespace {

using store::CommentStatus;

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr int64_t kDay = 86400;
constexpr size_t kNpos = std::string_view::npos;

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string FormEncode(const Fields& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (unsigned char ch : *part) {
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
            ch == '_' || ch == '.') {
          out += static_cast<char>(ch);
        } else if (ch == ' ') {
          out += '+';
        } else {
          out += '%';
          out += kHex[ch >> 4];
          out += kHex[ch & 15];
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

bool Has(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != kNpos; }

// The value of attribute `attr` in the first tag after `marker`.
std::string AttributeAfter(std::string_view page, std::string_view marker, std::string_view attr) {
  const size_t at = page.find(marker);
  if (at == kNpos) return "";
  const std::string key = std::string(attr) + "=\"";
  const size_t start = page.find(key, at);
  if (start == kNpos) return "";
  const size_t end = page.find('"', start + key.size());
  return std::string(page.substr(start + key.size(), end - start - key.size()));
}

// One comment as the page shows it: where it sits in the thread and its own
// markup (from its <li> to the end of its <article>, so without replies).
struct Shown {
  int64_t id = 0;
  int64_t parent = 0;  // the comment whose <li> encloses this one; 0 at the top
  std::string classes;
  std::string own;
};

std::vector<Shown> ShownComments(std::string_view page) {
  std::vector<Shown> shown;
  const size_t begin = page.find("<ol class=\"comment-list\">");
  if (begin == kNpos) return shown;
  size_t end = page.find("id=\"respond\"", begin);
  if (end == kNpos) end = page.find("</section>", begin);
  const std::string_view list = page.substr(begin, end - begin);
  std::vector<int64_t> open;  // the ids of the <li>s we are inside
  size_t pos = 0;
  for (;;) {
    const size_t li = list.find("<li", pos);
    const size_t close = list.find("</li>", pos);
    if (li == kNpos && close == kNpos) break;
    if (li < close) {
      const size_t gt = list.find('>', li);
      const std::string_view tag = list.substr(li, gt - li);
      Shown s;
      if (const size_t id = tag.find("id=\"comment-"); id != kNpos) s.id = std::stoll(std::string(tag.substr(id + 12)));
      if (const size_t cls = tag.find("class=\""); cls != kNpos)
        s.classes = std::string(tag.substr(cls + 7, tag.find('"', cls + 7) - cls - 7));
      for (auto it = open.rbegin(); it != open.rend(); ++it)
        if (*it != 0) {
          s.parent = *it;
          break;
        }
      const size_t article_end = list.find("</article>", li);
      s.own = std::string(list.substr(li, article_end == kNpos ? kNpos : article_end - li));
      open.push_back(s.id);
      if (s.id != 0) shown.push_back(std::move(s));
      pos = gt;
    } else {
      if (!open.empty()) open.pop_back();
      pos = close + 5;
    }
  }
  return shown;
}

std::vector<int64_t> Ids(const std::vector<Shown>& shown) {
  std::vector<int64_t> ids;
  for (const auto& s : shown) ids.push_back(s.id);
  return ids;
}

const Shown* Find(const std::vector<Shown>& shown, int64_t id) {
  for (const auto& s : shown)
    if (s.id == id) return &s;
  return nullptr;
}

// The values of every Set-Cookie header for cookie `name`, whole.
std::vector<std::string> SetCookies(const http::Response& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [field, value] : r.headers.all()) {
    if (field != "Set-Cookie") continue;
    if (value.rfind(std::string(name) + "=", 0) == 0) out.push_back(value);
  }
  return out;
}

// "name=value" from a Set-Cookie header, for a later request's Cookie header.
std::string CookiePair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

class DiscussionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto theme = theme::Theme::LoadDefault();
    ASSERT_TRUE(theme.ok()) << theme.status().ToString();
    theme_ = *theme;
    comments::PipelineSettings settings;
    settings.rate_limit_per_minute = 0;  // tests that need it turn it on
    Start(settings);
    article_ = SaveArticle("hedge", kNow - 3 * 3600);
  }

  void Start(const comments::PipelineSettings& settings) {
    SiteOptions options;
    options.title = "Test Review";
    options.comments = settings;
    router_ = std::make_unique<http::Router>();
    site_ = std::make_unique<Site>(*store_, theme_, options, [this] { return now_; });
    site_->RegisterRoutes(*router_);
  }

  store::Article SaveArticle(const std::string& slug, int64_t published_at, bool open = true) {
    store::Article a;
    a.slug = slug;
    a.title = "Title of " + slug;
    a.body_markdown = "Body.";
    a.body_html = "<p>Body.</p>";
    a.excerpt = "Body.";
    a.plain_text = "Body.";
    a.reading_minutes = 1;
    a.status = store::ArticleStatus::kPublished;
    a.published_at = published_at;
    a.updated_at = published_at;
    a.created_at = published_at;
    a.comments_open = open;
    a.authors = {{.slug = "ada", .name = "Ada Analyst", .bio = "", .affiliation = "", .disclosure = ""}};
    auto saved = store_->SaveArticle(a);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return a;
  }

  store::Comment Add(const std::string& body, CommentStatus status, int64_t parent = 0,
                     const std::string& email = "reader@example.org", const store::Article* on = nullptr) {
    store::Comment c;
    c.article_id = on != nullptr ? on->id : article_.id;
    c.parent_id = parent;
    c.author_name = "Reader " + body;
    c.author_email = email;
    c.body = body;
    c.status = status;
    c.created_at = kNow - 1000 + static_cast<int64_t>(++added_);  // in the order added
    auto saved = store_->AddComment(c);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? *saved : store::Comment{};
  }

  http::Response Dispatch(http::Request r) {
    auto match = router_->Find(r.method, r.path);
    if (match.kind != http::Router::MatchKind::kFound) return site_->NotFound(r);
    r.params = match.params;
    return (*match.handler)(r);
  }

  http::Response Get(const std::string& path, const std::string& query = "", const std::string& cookie = "") {
    http::Request r;
    r.method = http::Method::kGet;
    r.method_name = "GET";
    r.path = path;
    r.query = query;
    r.target = query.empty() ? path : path + "?" + query;
    r.remote_address = "192.0.2.10";
    if (!cookie.empty()) r.headers.Set("Cookie", cookie);
    return Dispatch(std::move(r));
  }

  std::string Page(const std::string& query = "", const std::string& cookie = "") {
    auto r = Get("/articles/" + article_.slug, query, cookie);
    EXPECT_EQ(r.status, 200);
    return std::string(r.BodyView());
  }

  // Posts straight to Site::PostComment, as the router would call it.
  http::Response Post(const Fields& fields, const std::string& cookie = "", const std::string& ip = "192.0.2.10",
                      const std::string& content_type = "application/x-www-form-urlencoded",
                      const std::string& slug = "") {
    http::Request r;
    r.method = http::Method::kPost;
    r.method_name = "POST";
    r.path = "/articles/" + (slug.empty() ? article_.slug : slug) + "/comments";
    r.target = r.path;
    r.params["slug"] = slug.empty() ? article_.slug : slug;
    r.remote_address = ip;
    r.headers.Set("Content-Type", content_type);
    r.headers.Set("User-Agent", "DiscussionTest/1.0");
    if (!cookie.empty()) r.headers.Set("Cookie", cookie);
    r.body = FormEncode(fields);
    return site_->PostComment(r);
  }

  http::Response PostTo(const std::string& path, const Fields& fields, const std::string& cookie) {
    http::Request r;
    r.method = http::Method::kPost;
    r.method_name = "POST";
    r.path = path;
    r.target = path;
    r.remote_address = "192.0.2.10";
    r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie.empty()) r.headers.Set("Cookie", cookie);
    r.body = FormEncode(fields);
    return Dispatch(std::move(r));
  }

  // The form as a reader fills it: the page's token, then a pause.
  Fields Filled(const std::string& text, const std::string& email = "ayesha@example.org") {
    const std::string token = AttributeAfter(Page(), "name=\"form_token\"", "value");
    EXPECT_FALSE(token.empty());
    now_ += 10;
    return {{"comment", text},          {"author", "Ayesha Khan"}, {"email", email},
            {"url", "https://a.example"}, {"website_confirm", ""},   {"comment_parent", "0"},
            {"form_token", token}};
  }

  store::Comment Stored(int64_t id) {
    auto found = store_->FindComment(id);
    EXPECT_TRUE(found.ok() && found->has_value()) << "comment " << id;
    return found.ok() && found->has_value() ? **found : store::Comment{};
  }

  size_t CommentCount() {
    auto all = store_->ListComments(store::CommentQuery{});
    return all.ok() ? all->size() : 0;
  }

  // The id in a 303's Location "/articles/<slug>#comment-ID".
  static int64_t LocationId(const http::Response& r) {
    const std::string location(r.headers.Get("Location").value_or(""));
    const size_t hash = location.find("#comment-");
    return hash == std::string::npos ? 0 : std::stoll(location.substr(hash + 9));
  }

  int64_t now_ = kNow;
  int added_ = 0;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const theme::Theme> theme_;
  std::unique_ptr<Site> site_;
  std::unique_ptr<http::Router> router_;
  store::Article article_;
};

// ---- Threads ------------------------------------------------------------------------

TEST_F(DiscussionTest, RepliesNestInsideTheirParent) {
  const auto a = Add("A", CommentStatus::kApproved);
  const auto b = Add("B", CommentStatus::kApproved, a.id);
  const auto c = Add("C", CommentStatus::kApproved, b.id);
  const auto d = Add("D", CommentStatus::kApproved);
  const std::string page = Page();
  const auto shown = ShownComments(page);
  ASSERT_EQ(Ids(shown), (std::vector<int64_t>{a.id, b.id, c.id, d.id}));
  EXPECT_EQ(Find(shown, a.id)->parent, 0);
  EXPECT_EQ(Find(shown, b.id)->parent, a.id);
  EXPECT_EQ(Find(shown, c.id)->parent, b.id);
  EXPECT_EQ(Find(shown, d.id)->parent, 0);
  EXPECT_TRUE(Has(Find(shown, c.id)->classes, "depth-3"));
  for (const auto& s : shown) {
    EXPECT_TRUE(Has(s.own, fmt::format("class=\"comment-reply-link\" href=\"/articles/hedge?replyto={}#respond\"", s.id)))
        << s.id;
    EXPECT_FALSE(Has(s.own, "in-reply-to")) << s.id;
    EXPECT_FALSE(Has(s.own, "comment-edit-link")) << "a stranger may not edit " << s.id;
  }
  EXPECT_TRUE(Has(page, "<ol class=\"children\">"));
  EXPECT_TRUE(Has(page, "<h2 id=\"comments-heading\" class=\"comments-title\">4 comments</h2>"));
}

TEST_F(DiscussionTest, ThreadDepthAttachesDeeperRepliesAtTheLastLevel) {
  comments::PipelineSettings settings;
  settings.thread_depth = 2;
  Start(settings);
  const auto a = Add("A", CommentStatus::kApproved);
  const auto b = Add("B", CommentStatus::kApproved, a.id);
  const auto c = Add("C", CommentStatus::kApproved, b.id);
  const auto d = Add("D", CommentStatus::kApproved, c.id);
  const auto e = Add("E", CommentStatus::kApproved, a.id);
  const auto shown = ShownComments(Page());
  // C and D follow B (whose thread they continue) before E.
  ASSERT_EQ(Ids(shown), (std::vector<int64_t>{a.id, b.id, c.id, d.id, e.id}));
  for (int64_t id : {b.id, c.id, d.id, e.id}) {
    EXPECT_EQ(Find(shown, id)->parent, a.id) << id;
    EXPECT_TRUE(Has(Find(shown, id)->classes, "depth-2")) << id;
  }
  EXPECT_TRUE(Has(Find(shown, c.id)->own,
                  fmt::format("<span class=\"in-reply-to\">in reply to <a href=\"#comment-{}\">Reader B</a></span>", b.id)));
  EXPECT_TRUE(Has(Find(shown, d.id)->own,
                  fmt::format("<span class=\"in-reply-to\">in reply to <a href=\"#comment-{}\">Reader C</a></span>", c.id)));
  EXPECT_FALSE(Has(Find(shown, a.id)->own, "in-reply-to"));
}

// With thread_depth = 1 every reply is deeper than the last level, so each
// must say whom it answers, as at any other depth.
TEST_F(DiscussionTest, ThreadDepthOneFlattensRepliesAndSaysWhomTheyAnswer) {
  comments::PipelineSettings settings;
  settings.thread_depth = 1;
  Start(settings);
  const auto a = Add("A", CommentStatus::kApproved);
  const auto b = Add("B", CommentStatus::kApproved, a.id);
  const auto shown = ShownComments(Page());
  ASSERT_EQ(Ids(shown), (std::vector<int64_t>{a.id, b.id}));
  EXPECT_EQ(Find(shown, b.id)->parent, 0);
  EXPECT_TRUE(Has(Find(shown, b.id)->own,
                  fmt::format("<span class=\"in-reply-to\">in reply to <a href=\"#comment-{}\">Reader A</a></span>", a.id)))
      << Find(shown, b.id)->own;
}

TEST_F(DiscussionTest, NewestFirstReversesOnlyTheTopLevel) {
  comments::PipelineSettings settings;
  settings.newest_first = true;
  Start(settings);
  const auto a = Add("A", CommentStatus::kApproved);
  const auto b = Add("B", CommentStatus::kApproved);
  const auto a1 = Add("A1", CommentStatus::kApproved, a.id);
  const auto a2 = Add("A2", CommentStatus::kApproved, a.id);
  const auto shown = ShownComments(Page());
  EXPECT_EQ(Ids(shown), (std::vector<int64_t>{b.id, a.id, a1.id, a2.id}));
  EXPECT_EQ(Find(shown, a2.id)->parent, a.id);
}

TEST_F(DiscussionTest, ReplyToAHeldParentStandsAtTheTopForOthers) {
  const auto held = Add("Held", CommentStatus::kPending);
  const auto reply = Add("Reply", CommentStatus::kApproved, held.id);
  const auto shown = ShownComments(Page());
  ASSERT_EQ(Ids(shown), (std::vector<int64_t>{reply.id}));
  EXPECT_EQ(shown[0].parent, 0);

  // The held comment's poster sees it, with the reply under it.
  auto value = comments::KeyFromHex(store_->GetSetting("comments.key")->value_or(""));
  ASSERT_TRUE(value.has_value());
  comments::Pipeline signer(*store_, *value, {});
  const std::string cookie = std::string("chancery_own=") + signer.OwnCookieValue({held.id});
  const auto own = ShownComments(Page("", cookie));
  ASSERT_EQ(Ids(own), (std::vector<int64_t>{held.id, reply.id}));
  EXPECT_EQ(Find(own, reply.id)->parent, held.id);
  EXPECT_TRUE(Has(Find(own, held.id)->classes, "comment-pending"));
}

TEST_F(DiscussionTest, CommentTextAndAuthorLinkAreSafe) {
  store::Comment c;
  c.article_id = article_.id;
  c.author_name = "Mallory <img src=x onerror=alert(1)>";
  c.author_email = "mallory@example.org";
  c.author_url = "https://mallory.example/\"onmouseover=\"x";
  c.body = "See https://source.example/report for it.\n\n<script>alert(2)</script> and javascript:alert(3)";
  c.status = CommentStatus::kApproved;
  c.created_at = kNow - 60;
  ASSERT_TRUE(store_->AddComment(c).ok());
  const auto shown = ShownComments(Page());
  ASSERT_EQ(shown.size(), 1u);
  const std::string& own = shown[0].own;
  EXPECT_TRUE(Has(own, "<a href=\"https://source.example/report\" rel=\"nofollow ugc noopener\">"));
  EXPECT_TRUE(Has(own, "&lt;script&gt;alert(2)&lt;/script&gt;"));
  // A website that is not a whole URL leaves the name unlinked.
  EXPECT_TRUE(Has(own, "<span class=\"comment-author\">Mallory &lt;img src=x onerror=alert(1)&gt;</span>"));
  EXPECT_FALSE(Has(own, "<script>"));
  EXPECT_FALSE(Has(own, "<img"));
  EXPECT_FALSE(Has(own, "\"onmouseover"));
  EXPECT_FALSE(Has(own, "href=\"javascript:"));
  EXPECT_FALSE(Has(own, "mallory@example.org"));

  c.author_name = "Ayesha <b>K</b>";
  c.author_url = "https://ayesha.example/about";
  c.body = "Fine.";
  ASSERT_TRUE(store_->AddComment(c).ok());
  EXPECT_TRUE(Has(Page(), "<span class=\"comment-author\"><a href=\"https://ayesha.example/about\" "
                          "rel=\"nofollow ugc noopener\">Ayesha &lt;b&gt;K&lt;/b&gt;</a></span>"));
}

TEST_F(DiscussionTest, FormCarriesTheFieldsReadersAndBrowsersExpect) {
  const std::string page = Page();
  EXPECT_TRUE(Has(page, "<div class=\"comment-respond\" id=\"respond\">"));
  EXPECT_TRUE(Has(page, ">Add a Comment</h2>"));
  EXPECT_TRUE(Has(page, "<form action=\"/articles/hedge/comments\" method=\"post\" id=\"commentform\""));
  EXPECT_TRUE(Has(page, "novalidate>"));
  EXPECT_TRUE(Has(page, "<textarea id=\"comment\" name=\"comment\""));
  EXPECT_TRUE(Has(page, "<input id=\"author\" name=\"author\""));
  EXPECT_TRUE(Has(page, "<input id=\"email\" name=\"email\""));
  EXPECT_TRUE(Has(page, "<input id=\"url\" name=\"url\""));
  EXPECT_TRUE(Has(page, "id=\"wp-comment-cookies-consent\" name=\"wp-comment-cookies-consent\" type=\"checkbox\" value=\"yes\">"));
  EXPECT_TRUE(Has(page, "<input id=\"website_confirm\" name=\"website_confirm\" type=\"text\" value=\"\""));
  EXPECT_EQ(AttributeAfter(page, "id=\"comment_parent\"", "value"), "0");
  EXPECT_FALSE(AttributeAfter(page, "name=\"form_token\"", "value").empty());
  EXPECT_TRUE(Has(page, "Your email address will not be published."));
  EXPECT_TRUE(Has(page, "Required fields are marked <span class=\"required\">*</span>"));
  EXPECT_FALSE(Has(page, "form-errors"));
  EXPECT_EQ(Get("/articles/hedge").headers.Get("Cache-Control").value_or(""), "no-cache");  // shared, not personal
}

// ---- Counts --------------------------------------------------------------------------

TEST_F(DiscussionTest, CountLabelsCountApprovedCommentsOnly) {
  std::string page = Page();
  EXPECT_TRUE(Has(page, "<h2 id=\"comments-heading\" class=\"comments-title\">Comments</h2>"));
  EXPECT_TRUE(Has(page, "<a class=\"comment-count\" href=\"#comments\">No comments</a>"));
  EXPECT_TRUE(Has(page, "<p class=\"no-comments\">No comments yet.</p>"));

  Add("one", CommentStatus::kApproved);
  Add("held", CommentStatus::kPending);
  Add("spam", CommentStatus::kSpam);
  page = Page();
  EXPECT_TRUE(Has(page, "<h2 id=\"comments-heading\" class=\"comments-title\">1 comment</h2>"));
  EXPECT_TRUE(Has(page, "<a class=\"comment-count\" href=\"#comments\">1 comment</a>"));
  EXPECT_EQ(ShownComments(page).size(), 1u);

  Add("two", CommentStatus::kApproved);
  page = Page();
  EXPECT_TRUE(Has(page, "<h2 id=\"comments-heading\" class=\"comments-title\">2 comments</h2>"));
  EXPECT_TRUE(Has(page, "<a class=\"comment-count\" href=\"#comments\">2 comments</a>"));
}

TEST_F(DiscussionTest, HomeCardsLinkToTheirComments) {
  const store::Article quiet = SaveArticle("quiet", kNow - 4 * 3600);
  const store::Article talked = SaveArticle("talked", kNow - 5 * 3600);
  Add("x", CommentStatus::kApproved, 0, "r@example.org", &talked);
  Add("y", CommentStatus::kApproved, 0, "r@example.org", &talked);
  Add("z", CommentStatus::kPending, 0, "r@example.org", &quiet);
  auto home = Get("/");
  ASSERT_EQ(home.status, 200);
  const auto body = home.BodyView();
  EXPECT_TRUE(Has(body, "<a href=\"/articles/talked#comments\">2 comments</a>"));
  EXPECT_FALSE(Has(body, "/articles/quiet#comments"));  // held comments do not count
}

// The lead story is on the list too: its count must show like every card's.
TEST_F(DiscussionTest, HomeLeadStoryShowsItsCommentCount) {
  Add("x", CommentStatus::kApproved);  // on "hedge", the newest article: the lead
  auto home = Get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(Has(home.BodyView(), "<a href=\"/articles/hedge#comments\">1 comment</a>"));
}

// ---- Posting ---------------------------------------------------------------------------

TEST_F(DiscussionTest, AcceptedPostRedirectsAndOnlyThePosterSeesTheHeldComment) {
  Fields fields = Filled("My first remark on the hedge.");
  fields.push_back({"wp-comment-cookies-consent", "yes"});
  auto r = Post(fields);
  ASSERT_EQ(r.status, 303) << r.BodyView();
  const int64_t id = LocationId(r);
  ASSERT_GT(id, 0);
  EXPECT_EQ(r.headers.Get("Location").value_or(""), fmt::format("/articles/hedge#comment-{}", id));
  EXPECT_EQ(Stored(id).status, CommentStatus::kPending);
  EXPECT_EQ(Stored(id).status_reason, "held: first comment from this email");

  const auto own = SetCookies(r, "chancery_own");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_TRUE(Has(own[0], "; HttpOnly"));
  EXPECT_TRUE(Has(own[0], "; SameSite=Lax"));
  EXPECT_TRUE(Has(own[0], "Path=/"));
  const auto commenter = SetCookies(r, "chancery_commenter");
  ASSERT_EQ(commenter.size(), 1u);
  EXPECT_TRUE(Has(commenter[0], "; HttpOnly"));

  // A stranger sees nothing of it.
  const std::string strangers = Page();
  EXPECT_FALSE(Has(strangers, fmt::format("id=\"comment-{}\"", id)));
  EXPECT_FALSE(Has(strangers, "My first remark"));

  // The poster, sending the cookie back, sees it held, and may change it.
  auto mine = Get("/articles/hedge", "", CookiePair(own[0]));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.headers.Get("Cache-Control").value_or(""), "private, no-store");
  const auto shown = ShownComments(mine.BodyView());
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].id, id);
  EXPECT_TRUE(Has(shown[0].classes, "comment-pending"));
  EXPECT_TRUE(Has(shown[0].own, "<p class=\"comment-awaiting\">Your comment is awaiting moderation."));
  EXPECT_TRUE(Has(shown[0].own, "My first remark on the hedge."));
  EXPECT_TRUE(Has(shown[0].own, fmt::format("class=\"comment-edit-link\" href=\"/articles/hedge/comments/{}/edit\"", id)));
  EXPECT_TRUE(Has(shown[0].own, fmt::format("action=\"/articles/hedge/comments/{}/delete\"", id)));
  EXPECT_TRUE(Has(shown[0].own, "name=\"modify_token\""));
  EXPECT_FALSE(Has(shown[0].own, "comment-reply-link"));  // nobody replies to a held comment
  EXPECT_FALSE(Has(mine.BodyView(), "ayesha@example.org"));  // never shown, not even to its owner

  // Another reader's valid cookie does not show it either.
  auto key = comments::KeyFromHex(store_->GetSetting("comments.key")->value_or(""));
  ASSERT_TRUE(key.has_value());
  comments::Pipeline signer(*store_, *key, {});
  EXPECT_FALSE(Has(Page("", "chancery_own=" + signer.OwnCookieValue({id + 100})), "My first remark"));
  // Nor a forged one.
  EXPECT_FALSE(Has(Page("", "chancery_own=own:" + std::to_string(id) + ".AAAA"), "My first remark"));

  // The consent cookie refills the form next time.
  const std::string next = Page("", CookiePair(commenter[0]));
  EXPECT_EQ(AttributeAfter(next, "id=\"author\"", "value"), "Ayesha Khan");
  EXPECT_EQ(AttributeAfter(next, "id=\"email\"", "value"), "ayesha@example.org");
  EXPECT_EQ(AttributeAfter(next, "id=\"url\"", "value"), "https://a.example");
  EXPECT_TRUE(Has(next, "value=\"yes\" checked"));
}

TEST_F(DiscussionTest, OwnCookieAccumulatesIds) {
  auto first = Post(Filled("First."));
  ASSERT_EQ(first.status, 303);
  const std::string cookie = CookiePair(SetCookies(first, "chancery_own").at(0));
  auto second = Post(Filled("Second."), cookie);
  ASSERT_EQ(second.status, 303);
  const std::string both = CookiePair(SetCookies(second, "chancery_own").at(0));
  const auto shown = ShownComments(Page("", both));
  EXPECT_EQ(Ids(shown), (std::vector<int64_t>{LocationId(first), LocationId(second)}));
}

TEST_F(DiscussionTest, WithoutConsentNoCommenterCookieAndAnOldOneIsCleared) {
  auto plain = Post(Filled("No consent."));
  ASSERT_EQ(plain.status, 303);
  EXPECT_TRUE(SetCookies(plain, "chancery_commenter").empty());

  auto cleared = Post(Filled("Changed my mind."), "chancery_commenter=Ayesha%0Aa%40example.org%0A");
  ASSERT_EQ(cleared.status, 303);
  const auto set = SetCookies(cleared, "chancery_commenter");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_TRUE(Has(set[0], "chancery_commenter=;"));
  EXPECT_TRUE(Has(set[0], "Max-Age=0"));
}

TEST_F(DiscussionTest, RejectedFormComesBackWithEveryFieldAnd422) {
  const std::string text = "Line one <script>alert(1)</script>\nLine two & more";
  Fields fields = Filled(text, "not an email");
  fields.push_back({"wp-comment-cookies-consent", "yes"});
  auto r = Post(fields);
  ASSERT_EQ(r.status, 422);
  const auto page = r.BodyView();
  EXPECT_TRUE(Has(page, "class=\"form-errors\" role=\"alert\""));
  EXPECT_TRUE(Has(page, "<span class=\"field-error\" id=\"email-error\">"));
  EXPECT_FALSE(Has(page, "id=\"author-error\""));
  EXPECT_TRUE(Has(page, "Line one &lt;script&gt;alert(1)&lt;/script&gt;\nLine two &amp; more</textarea>"));
  EXPECT_FALSE(Has(page, "<script>alert(1)"));
  EXPECT_EQ(AttributeAfter(page, "id=\"author\"", "value"), "Ayesha Khan");
  EXPECT_EQ(AttributeAfter(page, "id=\"email\"", "value"), "not an email");
  EXPECT_EQ(AttributeAfter(page, "id=\"url\"", "value"), "https://a.example");
  EXPECT_TRUE(Has(page, "value=\"yes\" checked"));
  EXPECT_TRUE(Has(page, "id=\"commentform\""));
  EXPECT_TRUE(SetCookies(r, "chancery_own").empty());
  EXPECT_EQ(CommentCount(), 0u);
}

TEST_F(DiscussionTest, ReplyToAVanishedParentIsRejectedWithTheTextKept) {
  Fields fields = Filled("A reply.");
  for (auto& [name, value] : fields)
    if (name == "comment_parent") value = "4242";
  auto r = Post(fields);
  ASSERT_EQ(r.status, 422);
  EXPECT_TRUE(Has(r.BodyView(), "A reply.</textarea>"));
  EXPECT_EQ(AttributeAfter(r.BodyView(), "id=\"comment_parent\"", "value"), "0");
}

TEST_F(DiscussionTest, DuplicateIs409WithTheTextStillThere) {
  ASSERT_EQ(Post(Filled("Said once.")).status, 303);
  auto r = Post(Filled("Said once."));
  ASSERT_EQ(r.status, 409);
  EXPECT_TRUE(Has(r.BodyView(), "<div class=\"form-notice\" role=\"alert\"><p>You have already posted this comment."));
  EXPECT_TRUE(Has(r.BodyView(), "Said once.</textarea>"));
  EXPECT_EQ(CommentCount(), 1u);
}

TEST_F(DiscussionTest, RateLimitIs429WithRetryAfter) {
  comments::PipelineSettings settings;
  settings.rate_limit_per_minute = 1;
  Start(settings);
  ASSERT_EQ(Post(Filled("First.")).status, 303);
  auto r = Post(Filled("Second, too soon."));
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.Get("Retry-After").value_or(""), "60");
  EXPECT_TRUE(Has(r.BodyView(), "<div class=\"form-notice\" role=\"alert\"><p>You have posted a comment in the last minute"));
  EXPECT_TRUE(Has(r.BodyView(), "Second, too soon.</textarea>"));
  // Another address is not held back; nor this one a minute later.
  EXPECT_EQ(Post(Filled("From elsewhere."), "", "203.0.113.4").status, 303);
  now_ += 60;
  EXPECT_EQ(Post(Filled("Second, later.")).status, 303);
}

TEST_F(DiscussionTest, ClosedArticleHasNoFormAndAPostIs403WithTheTextShownBack) {
  const store::Article closed = SaveArticle("closed", kNow - 3600, /*open=*/false);
  auto page = Get("/articles/closed");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.BodyView(), "<p class=\"comments-closed\">Comments are closed on this article.</p>"));
  EXPECT_FALSE(Has(page.BodyView(), "id=\"commentform\""));

  Fields fields = {{"comment", "Too late <b>now</b>."}, {"author", "A"}, {"email", "a@example.org"}};
  auto r = Post(fields, "", "192.0.2.10", "application/x-www-form-urlencoded", closed.slug);
  ASSERT_EQ(r.status, 403);
  EXPECT_TRUE(Has(r.BodyView(), "<pre class=\"unsent-text\">Too late &lt;b&gt;now&lt;/b&gt;.</pre>"));
  EXPECT_FALSE(Has(r.BodyView(), "id=\"commentform\""));
  EXPECT_EQ(CommentCount(), 0u);
}

TEST_F(DiscussionTest, CommentsCloseAfterDays) {
  comments::PipelineSettings settings;
  settings.close_after_days = 3;
  Start(settings);
  const std::string token = AttributeAfter(Page(), "name=\"form_token\"", "value");
  ASSERT_FALSE(token.empty());  // three hours old: open
  now_ = article_.published_at + 3 * kDay + 1;
  const std::string page = Page();
  EXPECT_TRUE(Has(page, "Comments are closed on this article."));
  EXPECT_FALSE(Has(page, "id=\"commentform\""));
  auto r = Post({{"comment", "Kept."}, {"author", "A"}, {"email", "a@example.org"}, {"form_token", token}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(Has(r.BodyView(), "<pre class=\"unsent-text\">Kept.</pre>"));
}

TEST_F(DiscussionTest, OnlyFormEncodedBodiesAreTaken) {
  auto r = Post(Filled("JSON?"), "", "192.0.2.10", "application/json");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(CommentCount(), 0u);
  EXPECT_EQ(Post(Filled("With a charset."), "", "192.0.2.10", "application/x-www-form-urlencoded; charset=UTF-8").status,
            303);
}

TEST_F(DiscussionTest, SpamIsAnsweredLikeAnyCommentAndShownAsAwaiting) {
  Fields fields = Filled("Buy now.");
  for (auto& [name, value] : fields)
    if (name == "website_confirm") value = "https://bot.example";
  auto r = Post(fields);
  ASSERT_EQ(r.status, 303);
  const int64_t id = LocationId(r);
  EXPECT_EQ(Stored(id).status, CommentStatus::kSpam);
  EXPECT_EQ(Stored(id).status_reason, "spam: honeypot filled");
  const auto shown = ShownComments(Page("", CookiePair(SetCookies(r, "chancery_own").at(0))));
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_TRUE(Has(shown[0].own, "Your comment is awaiting moderation."));
  EXPECT_FALSE(Has(Page(), "Buy now."));
}

TEST_F(DiscussionTest, TokensTooFreshOrTooOldAreHeldWithTheirReason) {
  // Posted in the second the form was served.
  Fields fast = Filled("Quick.");
  now_ -= 10;
  auto r = Post(fast);
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Stored(LocationId(r)).status_reason, "held: form submitted in under 3 seconds");

  // Posted the day after.
  Fields old = Filled("Slow.");
  now_ += kDay;
  r = Post(old);
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Stored(LocationId(r)).status_reason, "held: form older than a day");

  // A token from another article.
  SaveArticle("elsewhere", kNow - 3600);
  auto other = Get("/articles/elsewhere");
  Fields wrong = Filled("Wrong form.");
  for (auto& [name, value] : wrong)
    if (name == "form_token") value = AttributeAfter(other.BodyView(), "name=\"form_token\"", "value");
  r = Post(wrong);
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Stored(LocationId(r)).status_reason, "held: form token invalid");

  // A reader whose email has an approved comment, at a person's pace.
  Add("Earlier.", CommentStatus::kApproved, 0, "known@example.org");
  r = Post(Filled("Welcome back.", "known@example.org"));
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(Stored(LocationId(r)).status, CommentStatus::kApproved);
  EXPECT_EQ(Stored(LocationId(r)).status_reason, "approved: earlier comment approved");
  EXPECT_TRUE(Has(Page(), "Welcome back."));
}

TEST_F(DiscussionTest, ReplytoFillsTheParentForApprovedCommentsOnly) {
  const auto approved = Add("Approved", CommentStatus::kApproved);
  const auto held = Add("Held", CommentStatus::kPending);
  std::string page = Page(fmt::format("replyto={}", approved.id));
  EXPECT_EQ(AttributeAfter(page, "id=\"comment_parent\"", "value"), std::to_string(approved.id));
  EXPECT_TRUE(Has(page, "<p class=\"replying-to\">Replying to"));
  EXPECT_TRUE(Has(page, fmt::format("href=\"#comment-{}\">Reader Approved</a>", approved.id)));

  for (const std::string& q : {fmt::format("replyto={}", held.id), std::string("replyto=abc"), std::string("replyto=99999")}) {
    page = Page(q);
    EXPECT_EQ(AttributeAfter(page, "id=\"comment_parent\"", "value"), "0") << q;
    EXPECT_TRUE(Has(page, "<p class=\"replying-to\" hidden>")) << q;
  }
}

TEST_F(DiscussionTest, ReplyPostedThroughTheFormNests) {
  const auto parent = Add("Parent", CommentStatus::kApproved, 0, "known@example.org");
  const std::string page = Page(fmt::format("replyto={}", parent.id));
  const std::string token = AttributeAfter(page, "name=\"form_token\"", "value");
  now_ += 10;
  auto r = Post({{"comment", "A reply."},
                 {"author", "B"},
                 {"email", "known@example.org"},
                 {"comment_parent", AttributeAfter(page, "id=\"comment_parent\"", "value")},
                 {"form_token", token}});
  ASSERT_EQ(r.status, 303);
  const auto shown = ShownComments(Page());
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(Find(shown, LocationId(r))->parent, parent.id);
}

// ---- The edit window ---------------------------------------------------------------------

TEST_F(DiscussionTest, PosterEditsAndDeletesWithinTheWindowOnly) {
  auto posted = Post(Filled("Frist draft."));
  ASSERT_EQ(posted.status, 303);
  const int64_t id = LocationId(posted);
  const std::string cookie = CookiePair(SetCookies(posted, "chancery_own").at(0));
  const std::string edit_path = fmt::format("/articles/hedge/comments/{}/edit", id);

  auto form = Get(edit_path, "", cookie);
  ASSERT_EQ(form.status, 200);
  const std::string token = AttributeAfter(form.BodyView(), "name=\"modify_token\"", "value");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(Has(form.BodyView(), "Frist draft."));

  // Not without the cookie, nor with a token for another comment.
  EXPECT_EQ(Get(edit_path, "").status, 403);
  EXPECT_EQ(PostTo(edit_path, {{"comment", "Hijacked."}, {"modify_token", token}}, "").status, 403);
  EXPECT_EQ(PostTo(edit_path, {{"comment", "Forged."}, {"modify_token", "modify:" + std::to_string(id)}}, cookie).status,
            403);
  EXPECT_EQ(Stored(id).body, "Frist draft.");

  // An empty text is sent back to fix.
  auto empty = PostTo(edit_path, {{"comment", " "}, {"modify_token", token}}, cookie);
  EXPECT_EQ(empty.status, 422);

  now_ += 5 * 60;
  auto edited = PostTo(edit_path, {{"comment", "First draft."}, {"modify_token", token}}, cookie);
  ASSERT_EQ(edited.status, 303);
  EXPECT_EQ(edited.headers.Get("Location").value_or(""), fmt::format("/articles/hedge#comment-{}", id));
  EXPECT_EQ(Stored(id).body, "First draft.");
  EXPECT_TRUE(Has(Page("", cookie), "(edited)"));

  // Past the fifteen minutes: no links, and the URLs refuse.
  now_ += 11 * 60;
  const auto shown = ShownComments(Page("", cookie));
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_FALSE(Has(shown[0].own, "comment-edit-link"));
  EXPECT_FALSE(Has(shown[0].own, "comment-delete-form"));
  EXPECT_EQ(Get(edit_path, "", cookie).status, 403);
  EXPECT_EQ(PostTo(edit_path, {{"comment", "Too late."}, {"modify_token", token}}, cookie).status, 403);
  EXPECT_EQ(PostTo(fmt::format("/articles/hedge/comments/{}/delete", id), {{"modify_token", token}}, cookie).status, 403);
  EXPECT_EQ(Stored(id).body, "First draft.");
}

TEST_F(DiscussionTest, PosterDeletesTheirComment) {
  auto posted = Post(Filled("Regretted."));
  ASSERT_EQ(posted.status, 303);
  const int64_t id = LocationId(posted);
  const std::string cookie = CookiePair(SetCookies(posted, "chancery_own").at(0));
  const std::string delete_path = fmt::format("/articles/hedge/comments/{}/delete", id);
  const std::string token = AttributeAfter(Page("", cookie), "name=\"modify_token\"", "value");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(PostTo(delete_path, {{"modify_token", "wrong"}}, cookie).status, 403);
  auto r = PostTo(delete_path, {{"modify_token", token}}, cookie);
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(CommentCount(), 0u);
  EXPECT_FALSE(Has(Page("", cookie), "Regretted."));
}

// ---- Feeds ----------------------------------------------------------------------------

TEST_F(DiscussionTest, FeedsCarryApprovedCommentsNewestFirstAndNoEmails) {
  const store::Article second = SaveArticle("second", kNow - 7200);
  const auto older = Add("Older remark", CommentStatus::kApproved, 0, "secret.one@example.org");
  Add("Held remark", CommentStatus::kPending, 0, "secret.two@example.org");
  Add("Spam remark", CommentStatus::kSpam, 0, "secret.three@example.org");
  const auto newer = Add("Newer <b>remark</b>", CommentStatus::kApproved, 0, "secret.four@example.org", &second);

  auto article_feed = Get("/articles/hedge/comments.xml");
  ASSERT_EQ(article_feed.status, 200);
  EXPECT_EQ(article_feed.headers.Get("Content-Type").value_or(""), "application/atom+xml; charset=utf-8");
  const auto a = article_feed.BodyView();
  EXPECT_TRUE(a.starts_with("<?xml"));
  EXPECT_TRUE(Has(a, "<title>Comments on Title of hedge</title>"));
  EXPECT_TRUE(Has(a, fmt::format("/articles/hedge#comment-{}", older.id)));
  EXPECT_TRUE(Has(a, "Older remark"));
  EXPECT_FALSE(Has(a, "Held remark"));
  EXPECT_FALSE(Has(a, "Spam remark"));
  EXPECT_FALSE(Has(a, "Newer"));
  EXPECT_FALSE(Has(a, "@example.org"));

  auto site_feed = Get("/comments.xml");
  ASSERT_EQ(site_feed.status, 200);
  const auto s = site_feed.BodyView();
  const size_t newer_at = s.find(fmt::format("/articles/second#comment-{}", newer.id));
  const size_t older_at = s.find(fmt::format("/articles/hedge#comment-{}", older.id));
  ASSERT_NE(newer_at, kNpos);
  ASSERT_NE(older_at, kNpos);
  EXPECT_LT(newer_at, older_at);
  EXPECT_FALSE(Has(s, "Held remark"));
  EXPECT_FALSE(Has(s, "@example.org"));
  EXPECT_FALSE(Has(s, "<b>remark"));  // the markup is escaped text inside the entry
  EXPECT_EQ(Get("/articles/nope/comments.xml").status, 404);
}

}  // namespace
}  // namespace chancery::site
