// End-to-end: the reader's comment form and every rule of issue 3, through
// HTTP against a real `chancery serve` and through `chancery comments list`.
//
// Each TEST names one rule. Tests that cannot disturb each other share a site
// (every test posts with its own email addresses); a setting that changes
// behaviour gets a site of its own. Commenters get distinct IP addresses by
// connecting from different loopback addresses: any 127.x.y.z reaches the
// server on 127.0.0.1, and the server sees it as the client's address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "comments/token.h"
#include "harness.h"
#include "store/store.h"

// Forms and requests are written as designated initializers naming only what
// a test changes; every other field keeps its in-class default on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace chancery::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr char kArticle[] = "islamabads-long-hedge";
constexpr char kOtherArticle[] = "the-thin-ice-of-arctic-shipping";
constexpr char kFeedArticle[] = "rivers-without-referees";
constexpr char kFormType[] = "application/x-www-form-urlencoded";
constexpr char kStranger[] = "127.0.0.1";

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// ---- A small HTTP client that can choose its source address ----------------

struct Request {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::string content_type = kFormType;  // sent with POST
  std::string cookie;                    // the Cookie header; none when empty
  std::string from = kStranger;          // the client's loopback address
};

std::optional<HttpResponse> ParseResponse(const std::string& raw) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) return std::nullopt;
  HttpResponse r;
  r.raw = raw;
  r.status = std::stoi(raw.substr(9, 3));
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    r.headers[name] = value;
  }
  r.body = raw.substr(end + 4);
  return r;
}

// One request on a new connection from `request.from`; the response read
// until the server closes. A failure is reported and gives status 0.
HttpResponse Send(int port, const Request& request) {
  std::string bytes = request.method + " " + request.target +
                      " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\nUser-Agent: comments-http-test\r\n";
  if (!request.cookie.empty()) bytes += "Cookie: " + request.cookie + "\r\n";
  if (request.method == "POST") {
    bytes += "Content-Type: " + request.content_type + "\r\n";
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  bytes += "\r\n" + request.body;

  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::inet_pton(AF_INET, request.from.c_str(), &local.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    ADD_FAILURE() << "cannot connect from " << request.from << ": " << std::strerror(errno);
    ::close(fd);
    return {};
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer early (413) and close
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  char buf[65536];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto parsed = ParseResponse(raw);
  if (!parsed) {
    ADD_FAILURE() << "no HTTP response to " << request.method << " " << request.target;
    return {};
  }
  return *parsed;
}

// Every Set-Cookie line of a response (the harness's map keeps only one).
std::vector<std::string> SetCookies(const HttpResponse& r) {
  std::vector<std::string> out;
  std::istringstream head(r.raw.substr(0, r.raw.find("\r\n\r\n")));
  std::string line;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 11 && strncasecmp(line.c_str(), "set-cookie:", 11) == 0) {
      std::string value = line.substr(11);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      out.push_back(value);
    }
  }
  return out;
}

// The Set-Cookie value for cookie `name`, or "".
std::string SetCookie(const HttpResponse& r, const std::string& name) {
  for (const auto& c : SetCookies(r))
    if (c.rfind(name + "=", 0) == 0) return c;
  return "";
}

// "name=value" to send back, or "".
std::string CookiePair(const HttpResponse& r, const std::string& name) {
  const std::string c = SetCookie(r, name);
  return c.substr(0, c.find(';'));
}

// ---- Forms ----------------------------------------------------------------

std::string FormEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The reader's comment form as a browser posts it.
struct Form {
  std::string comment = "A considered thought about the argument.";
  std::string author = "Test Reader";
  std::string email;
  std::string url;
  std::string parent = "0";
  std::string honeypot;
  std::optional<std::string> token;  // nullopt: the token of a form served just before
  bool consent = false;
  std::set<std::string> omit;  // field names not sent at all
};

std::string Encode(const Form& f) {
  std::vector<std::pair<std::string, std::string>> fields = {{"comment", f.comment},
                                                             {"author", f.author},
                                                             {"email", f.email},
                                                             {"url", f.url},
                                                             {"website_confirm", f.honeypot},
                                                             {"comment_parent", f.parent},
                                                             {"form_token", f.token.value_or("")}};
  if (f.consent) fields.emplace_back("wp-comment-cookies-consent", "yes");
  std::string body;
  for (const auto& [name, value] : fields) {
    if (f.omit.count(name)) continue;
    if (!body.empty()) body += '&';
    body += FormEncode(name) + "=" + FormEncode(value);
  }
  return body;
}

// ---- Reading pages --------------------------------------------------------

std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool Has(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The element whose start tag begins at `open`, through its matching end
// tag; "" when unmatched.
std::string Element(const std::string& html, size_t open, const std::string& tag) {
  if (open == std::string::npos) return "";
  int depth = 0;
  for (size_t pos = open; pos < html.size();) {
    const size_t next_open = html.find("<" + tag, pos);
    const size_t next_close = html.find("</" + tag + ">", pos);
    if (next_close == std::string::npos) return "";
    if (next_open != std::string::npos && next_open < next_close) {
      const char after = next_open + tag.size() + 1 < html.size() ? html[next_open + tag.size() + 1] : '\0';
      if (after == ' ' || after == '>') ++depth;
      pos = next_open + tag.size() + 1;
      continue;
    }
    if (--depth == 0) return html.substr(open, next_close + tag.size() + 3 - open);
    pos = next_close + tag.size() + 3;
  }
  return "";
}

// li.comment#comment-ID, replies included; "" when the page does not show it.
std::string CommentItem(const std::string& html, int64_t id) {
  const size_t at = html.find("<li class=\"comment ");
  if (at == std::string::npos) return "";
  const size_t anchor = html.find("id=\"comment-" + std::to_string(id) + "\"", at);
  if (anchor == std::string::npos) return "";
  return Element(html, html.rfind("<li", anchor), "li");
}

// The start tag of the first element carrying `marker`.
std::string StartTag(const std::string& html, const std::string& marker) {
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t open = html.rfind('<', at);
  return html.substr(open, html.find('>', at) + 1 - open);
}

// The first ol.children inside a comment's item: its direct replies.
std::string Replies(const std::string& item) {
  return Element(item, item.find("<ol class=\"children\">"), "ol");
}

// The paragraph of the form that holds one field and its error message.
std::string FieldParagraph(const std::string& html, const std::string& field) {
  const size_t at = html.find("<p class=\"comment-form-" + field);
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</p>", at) + 4 - at);
}

// The comment textarea's text as a browser shows it (HTML-escaped as sent):
// the parser drops one newline directly after the start tag.
std::string TextareaText(const std::string& html) {
  const size_t at = html.find("<textarea id=\"comment\"");
  if (at == std::string::npos) return "<no textarea>";
  size_t start = html.find('>', at) + 1;
  if (html[start] == '\n') ++start;
  return html.substr(start, html.find("</textarea>", start) - start);
}

// The value attribute of the input carrying `marker` (HTML-escaped as sent).
std::string InputValue(const std::string& html, const std::string& marker) {
  const std::string tag = StartTag(html, marker);
  const size_t v = tag.find(" value=\"");
  if (v == std::string::npos) return "<no value>";
  return tag.substr(v + 8, tag.find('"', v + 8) - v - 8);
}

std::string ParentField(const std::string& html) { return InputValue(html, "id=\"comment_parent\""); }

bool HasCommentForm(const std::string& html) { return Has(html, "id=\"commentform\""); }

// True when some "needle" sits inside a tag (between '<' and '>'), where a
// browser would read it as markup rather than text.
bool InsideATag(const std::string& html, const std::string& needle) {
  for (size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) {
    const size_t lt = html.rfind('<', at);
    const size_t gt = html.rfind('>', at);
    if (lt != std::string::npos && (gt == std::string::npos || lt > gt)) return true;
  }
  return false;
}

// ---- A site under test ------------------------------------------------------

struct Posted {
  HttpResponse response;
  int64_t id = 0;   // from the 303's Location; 0 otherwise
  std::string own;  // "chancery_own=..." from the 303, to send back
};

class TestSite {
 public:
  // A fresh `init --demo` site: `toml_edits` replace whole lines of its
  // chancery.toml, `before_serve` runs on the data folder, then the server
  // starts with `env` added to its environment.
  explicit TestSite(std::vector<std::string> env,
                    const std::vector<std::pair<std::string, std::string>>& toml_edits = {},
                    const std::function<void(const std::string&)>& before_serve = {}) {
    data_ = dir_.path() + "/site";
    auto init = RunChancery({"init", "--data", data_, "--demo"});
    if (init.exit_code != 0) {
      ADD_FAILURE() << "init: " << init.err;
      return;
    }
    std::string toml = ReadFile(data_ + "/chancery.toml");
    for (const auto& [line, replacement] : toml_edits) {
      const size_t at = toml.find("\n" + line + "\n");
      if (at == std::string::npos) {
        ADD_FAILURE() << "chancery.toml has no line '" << line << "'";
        continue;
      }
      toml.replace(at + 1, line.size(), replacement);
    }
    WriteFile(data_ + "/chancery.toml", toml);
    if (before_serve) before_serve(data_);
    server_ = std::make_unique<ServerProcess>(data_, env);
  }

  // Stops the server: it must exit cleanly, and under the sanitizers its log
  // must hold no report (they go to the server's stderr, not the test's).
  ~TestSite() {
    if (!server_) return;
    const int status = server_->Stop();
    const std::string log = server_->Log();
    EXPECT_EQ(status, 0) << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
    for (const char* report : {"AddressSanitizer", "LeakSanitizer", "runtime error:"}) {
      const size_t at = log.find(report);
      EXPECT_EQ(at, std::string::npos) << log.substr(at == std::string::npos ? 0 : at, 4000);
    }
  }
  TestSite(const TestSite&) = delete;
  TestSite& operator=(const TestSite&) = delete;

  bool started() const { return server_ && server_->started(); }
  const std::string& data() const { return data_; }
  std::string Log() { return server_ ? server_->Log() : ""; }

  HttpResponse Get(const std::string& target, const std::string& cookie = "",
                   const std::string& from = kStranger) {
    return Send(server_->port(), Request{.target = target, .cookie = cookie, .from = from});
  }
  HttpResponse Post(const std::string& target, const std::string& body, const std::string& cookie = "",
                    const std::string& from = kStranger, const std::string& type = kFormType) {
    return Send(server_->port(), Request{.method = "POST",
                                         .target = target,
                                         .body = body,
                                         .content_type = type,
                                         .cookie = cookie,
                                         .from = from});
  }

  // The form token in the article's comment form as served now.
  std::string FormToken(const std::string& slug, const std::string& from = kStranger) {
    const std::string html = Get("/articles/" + slug, "", from).body;
    const std::string token = InputValue(html, "name=\"form_token\"");
    EXPECT_FALSE(token.empty() || token[0] == '<') << "no form token on " << slug;
    return token;
  }

  Posted PostComment(const std::string& slug, Form form, const std::string& cookie = "",
                     const std::string& from = kStranger) {
    if (!form.token) form.token = FormToken(slug, from);
    Posted p;
    p.response = Post("/articles/" + slug + "/comments", Encode(form), cookie, from);
    std::smatch m;
    const std::string location = p.response.Header("Location");
    if (p.response.status == 303 && std::regex_search(location, m, std::regex("#comment-(\\d+)$")))
      p.id = std::stoll(m[1]);
    p.own = CookiePair(p.response, "chancery_own");
    return p;
  }

  // `chancery comments list --format json`, every status.
  json::array List() {
    auto r = RunChancery({"comments", "list", "--data", data_, "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    boost::system::error_code ec;
    json::value v = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return !ec && v.is_array() ? v.as_array() : json::array();
  }
  // The listed comment with this id; empty when not listed.
  json::object Listed(int64_t id) {
    for (const auto& c : List())
      if (c.as_object().at("id").as_int64() == id) return c.as_object();
    return {};
  }
  // Every listed comment from this email.
  std::vector<json::object> ListedFrom(const std::string& email) {
    std::vector<json::object> out;
    for (const auto& c : List())
      if (c.as_object().at("email").as_string() == email) out.push_back(c.as_object());
    return out;
  }
  void Approve(const std::vector<int64_t>& ids) {
    std::vector<std::string> args = {"comments", "approve", "--data", data_};
    for (int64_t id : ids) args.push_back(std::to_string(id));
    auto r = RunChancery(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }

  std::unique_ptr<store::Store> OpenStore() {
    auto store = store::Store::Open({.url = "sqlite:" + data_ + "/chancery.db"});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  // The site's signing key (the server makes it on first start).
  comments::Key Key() {
    auto store = OpenStore();
    if (!store) return {};
    auto hex = store->GetSetting("comments.key");
    EXPECT_TRUE(hex.ok() && hex.value()) << "no comments.key setting";
    auto key = comments::KeyFromHex(hex.ok() && hex.value() ? *hex.value() : "");
    EXPECT_TRUE(key.has_value()) << "comments.key is not 64 hex characters";
    return key.value_or(comments::Key{});
  }
  store::Article Article(const std::string& slug) {
    auto store = OpenStore();
    if (!store) return {};
    auto a = store->FindArticle(slug);
    EXPECT_TRUE(a.ok() && a.value()) << slug;
    return a.ok() && a.value() ? *a.value() : store::Article{};
  }
  // A genuine form token for `slug` as if its form was served at `issued_at`.
  std::string TokenIssuedAt(const std::string& slug, int64_t issued_at) {
    return comments::IssueFormToken(Key(), Article(slug).id, issued_at);
  }

 private:
  TempDir dir_;
  std::string data_;
  std::unique_ptr<ServerProcess> server_;
};

// Checks what `chancery comments list --format json` says about comment `id`.
void ExpectListed(TestSite& site, int64_t id, const std::string& status, const std::string& reason,
                  const std::string& slug, const std::string& email) {
  SCOPED_TRACE("comment " + std::to_string(id));
  ASSERT_GT(id, 0);
  const json::object c = site.Listed(id);
  ASSERT_FALSE(c.empty()) << "not listed";
  for (const char* field : {"id", "article", "parent", "author", "email", "status", "reason", "created"})
    EXPECT_TRUE(c.contains(field)) << field;
  EXPECT_EQ(c.at("article").as_string(), slug);
  EXPECT_EQ(c.at("email").as_string(), email);
  EXPECT_EQ(c.at("status").as_string(), status);
  EXPECT_EQ(c.at("reason").as_string(), reason);
  EXPECT_TRUE(c.at("created").as_string().ends_with("Z")) << c.at("created");
}

// Name, email and website come back trimmed of surrounding spaces.
std::string Trimmed(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// A 422 page: the errors box, `message` next to `field`, and what the
// reader typed still in the form.
void ExpectRejected(const HttpResponse& r, const Form& typed, const std::string& field,
                    const std::string& message) {
  SCOPED_TRACE("field " + field);
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(Has(r.body, "<div class=\"form-errors\" role=\"alert\"")) << "no div.form-errors";
  const std::string paragraph = FieldParagraph(r.body, field);
  EXPECT_TRUE(Has(paragraph, "<span class=\"field-error\" id=\"" + field + "-error\">")) << paragraph;
  EXPECT_TRUE(Has(paragraph, message)) << paragraph;
  EXPECT_TRUE(Has(TextareaText(r.body), Escaped(typed.comment))) << "comment not kept";
  EXPECT_EQ(InputValue(r.body, "id=\"author\""), Escaped(Trimmed(typed.author)));
  EXPECT_EQ(InputValue(r.body, "id=\"email\""), Escaped(Trimmed(typed.email)));
  EXPECT_EQ(InputValue(r.body, "id=\"url\""), Escaped(Trimmed(typed.url)));
}

std::string Repeat(std::string_view unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// ---- The site with the default moderation rules ------------------------------
//
// Forms may be posted at once and the rate limit is off, so tests can post
// freely; the moderation list comes from the environment (comma-separated)
// and the disallowed list from chancery.toml (a TOML array).

class CommentRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    site_ = new TestSite(
        {"CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0", "CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0",
         "CHANCERY_COMMENTS_MODERATION_LIST=moderateme, 127.0.5.5"},
        {{"disallowed_list = []", R"(disallowed_list = ["forbiddenword", ""])"}});
  }
  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(site_->started()) << site_->Log(); }

  static TestSite* site_;
};
TestSite* CommentRules::site_ = nullptr;

// -- The form --

TEST_F(CommentRules, ArticleShowsTheCommentFormAReaderExpects) {
  const std::string html = site_->Get("/articles/" + std::string(kArticle)).body;
  const std::string section =
      Element(html, html.find("<section class=\"comments\" id=\"comments\""), "section");
  ASSERT_FALSE(section.empty());
  EXPECT_TRUE(Has(section, "<div class=\"comment-respond\" id=\"respond\">"));
  EXPECT_TRUE(Has(section, ">Add a Comment</h2>"));
  const std::string form = StartTag(section, "id=\"commentform\"");
  EXPECT_TRUE(Has(form, "action=\"/articles/" + std::string(kArticle) + "/comments\"")) << form;
  EXPECT_TRUE(Has(form, "method=\"post\""));
  EXPECT_TRUE(Has(form, "novalidate"));
  EXPECT_TRUE(Has(StartTag(section, "<textarea id=\"comment\""), "name=\"comment\""));
  EXPECT_TRUE(Has(StartTag(section, "<input id=\"author\""), "name=\"author\""));
  EXPECT_TRUE(Has(StartTag(section, "<input id=\"email\""), "name=\"email\""));
  EXPECT_TRUE(Has(StartTag(section, "<input id=\"url\""), "name=\"url\""));
  const std::string consent = StartTag(section, "id=\"wp-comment-cookies-consent\"");
  EXPECT_TRUE(Has(consent, "type=\"checkbox\"")) << consent;
  EXPECT_TRUE(Has(consent, "value=\"yes\""));
  EXPECT_FALSE(Has(consent, "checked")) << "unticked until the reader ticks it";
  EXPECT_TRUE(Has(StartTag(section, "<input id=\"website_confirm\""), "name=\"website_confirm\""));
  EXPECT_EQ(InputValue(section, "<input id=\"website_confirm\""), "");
  EXPECT_TRUE(Has(StartTag(section, "name=\"comment_parent\""), "type=\"hidden\""));
  EXPECT_EQ(ParentField(section), "0");
  EXPECT_TRUE(Has(StartTag(section, "name=\"form_token\""), "type=\"hidden\""));
  EXPECT_TRUE(Has(section, "Your email address will not be published."));
  EXPECT_TRUE(Has(section, "Required fields are marked"));
  EXPECT_TRUE(Has(section, "Save my name, email, and website in this browser for the next time I comment."));
  EXPECT_FALSE(Has(section, "form-errors")) << "no errors before a post";
  // The honeypot is hidden from people by the stylesheet, not by the markup
  // a bot reads.
  const std::string css_url = [&] {
    std::smatch m;
    return std::regex_search(html, m, std::regex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")) ? m[1].str()
                                                                                                : "";
  }();
  ASSERT_FALSE(css_url.empty());
  EXPECT_TRUE(Has(site_->Get(css_url).body, ".comment-form-trap")) << css_url;
}

TEST_F(CommentRules, PostsToMissingOrScheduledArticlesAre404) {
  // The demo schedules "the-quota-problem" for January 2027.
  for (const char* slug : {"no-such-article", "the-quota-problem"}) {
    SCOPED_TRACE(slug);
    auto r = site_->Post("/articles/" + std::string(slug) + "/comments",
                         Encode({.email = "nowhere@readers.example", .token = ""}));
    if (std::string(slug) == "the-quota-problem" && Now() >= 1799917200) continue;  // its date has come
    EXPECT_EQ(r.status, 404);
  }
  EXPECT_TRUE(site_->ListedFrom("nowhere@readers.example").empty());
}

// -- Hold reasons --

TEST_F(CommentRules, FirstCommentFromAnEmailIsHeld) {
  auto p = site_->PostComment(kArticle, {.email = "first.timer@readers.example"});
  ASSERT_EQ(p.response.status, 303) << p.response.body;
  EXPECT_EQ(p.response.Header("Location"),
            "/articles/" + std::string(kArticle) + "#comment-" + std::to_string(p.id));
  ExpectListed(*site_, p.id, "pending", "held: first comment from this email", kArticle,
               "first.timer@readers.example");
  const auto c = site_->Listed(p.id);
  EXPECT_TRUE(c.at("parent").is_null());
  EXPECT_EQ(c.at("author").as_string(), "Test Reader");
}

TEST_F(CommentRules, CommentsWithTwoOrMoreLinksAreHeld) {
  auto two =
      site_->PostComment(kArticle, {.comment = "Compare https://a.example/report with http://b.example/data.",
                                    .email = "links.two@readers.example"});
  ExpectListed(*site_, two.id, "pending", "held: 2 links", kArticle, "links.two@readers.example");
  auto three =
      site_->PostComment(kArticle, {.comment = "See https://a.example, www.b.example and http://c.example/x",
                                    .email = "links.three@readers.example"});
  ExpectListed(*site_, three.id, "pending", "held: 3 links", kArticle, "links.three@readers.example");
}

TEST_F(CommentRules, ModerationListMatchHoldsByWordOrIp) {
  auto word = site_->PostComment(
      kArticle, {.comment = "Please ModerateMe gently.", .email = "modword@readers.example"});
  ExpectListed(*site_, word.id, "pending", "held: matches moderation word 'moderateme'", kArticle,
               "modword@readers.example");
  auto ip = site_->PostComment(kArticle, {.email = "modip@readers.example"}, "", "127.0.5.5");
  ExpectListed(*site_, ip.id, "pending", "held: matches moderation word '127.0.5.5'", kArticle,
               "modip@readers.example");
}

TEST_F(CommentRules, DisallowedWordIsSpamAndThePosterSeesItAsAwaitingModeration) {
  auto p = site_->PostComment(kArticle,
                              {.comment = "Cheap FORBIDDENWORD here.", .email = "spammy@readers.example"});
  ASSERT_EQ(p.response.status, 303) << "a spammer is never told";
  ExpectListed(*site_, p.id, "spam", "spam: matches disallowed word 'forbiddenword'", kArticle,
               "spammy@readers.example");
  const std::string own_view =
      CommentItem(site_->Get("/articles/" + std::string(kArticle), p.own).body, p.id);
  EXPECT_TRUE(Has(own_view, "comment-pending")) << own_view;
  EXPECT_TRUE(Has(own_view, "Your comment is awaiting moderation."));
  EXPECT_EQ(CommentItem(site_->Get("/articles/" + std::string(kArticle)).body, p.id), "");
}

TEST_F(CommentRules, HoneypotIsSpamAndThePosterSeesItAsAwaitingModeration) {
  auto p =
      site_->PostComment(kArticle, {.email = "honeybot@readers.example", .honeypot = "http://bot.example"});
  ASSERT_EQ(p.response.status, 303) << "a bot is never told";
  ExpectListed(*site_, p.id, "spam", "spam: honeypot filled", kArticle, "honeybot@readers.example");
  const std::string own_view =
      CommentItem(site_->Get("/articles/" + std::string(kArticle), p.own).body, p.id);
  EXPECT_TRUE(Has(own_view, "<p class=\"comment-awaiting\">Your comment is awaiting moderation."))
      << own_view;
  EXPECT_EQ(CommentItem(site_->Get("/articles/" + std::string(kArticle)).body, p.id), "");
}

TEST_F(CommentRules, MissingForgedOrForeignFormTokenIsHeld) {
  std::string altered = site_->FormToken(kArticle);
  char& middle = altered[altered.size() / 2];
  middle = middle == 'A' ? 'B' : 'A';
  const std::map<std::string, std::optional<std::string>> cases = {
      {"missing", std::nullopt},
      {"empty", ""},
      {"garbage", "not-a-token"},
      {"altered", altered},
      {"other key",
       comments::IssueFormToken(comments::GenerateKey(), site_->Article(kArticle).id, Now() - 60)},
      {"other article", site_->FormToken(kOtherArticle)},
  };
  int n = 0;
  for (const auto& [what, token] : cases) {
    SCOPED_TRACE(what);
    Form form{.email = "token" + std::to_string(++n) + "@readers.example", .token = token.value_or("")};
    if (!token) form.omit = {"form_token"};
    auto p = site_->PostComment(kArticle, form);
    ASSERT_EQ(p.response.status, 303) << p.response.body;
    ExpectListed(*site_, p.id, "pending", "held: form token invalid", kArticle, form.email);
  }
}

TEST_F(CommentRules, FormOlderThanADayIsHeld) {
  auto p = site_->PostComment(kArticle, {.email = "stale.form@readers.example",
                                         .token = site_->TokenIssuedAt(kArticle, Now() - 86400 - 120)});
  ASSERT_EQ(p.response.status, 303) << p.response.body;
  ExpectListed(*site_, p.id, "pending", "held: form older than a day", kArticle,
               "stale.form@readers.example");
}

TEST_F(CommentRules, AnEmailWithAnApprovedCommentIsApprovedNextTime) {
  const std::string email = "returning@readers.example";
  auto first = site_->PostComment(kArticle, {.comment = "My first visit.", .email = email});
  ExpectListed(*site_, first.id, "pending", "held: first comment from this email", kArticle, email);
  site_->Approve({first.id});
  auto second = site_->PostComment(kArticle, {.comment = "Back again.", .email = email});
  ASSERT_EQ(second.response.status, 303);
  ExpectListed(*site_, second.id, "approved", "approved: earlier comment approved", kArticle, email);
  const std::string item = CommentItem(site_->Get("/articles/" + std::string(kArticle)).body, second.id);
  EXPECT_TRUE(Has(item, "Back again.")) << "a stranger sees it at once";
  EXPECT_FALSE(Has(item, "comment-pending"));
  // People type their address with different capitals from one visit to the next.
  auto third = site_->PostComment(kArticle, {.comment = "Third time.", .email = "Returning@Readers.Example"});
  ExpectListed(*site_, third.id, "approved", "approved: earlier comment approved", kArticle,
               "Returning@Readers.Example");
}

// -- Rejections: 422 with everything kept --

TEST_F(CommentRules, MissingCommentNameOrEmailIs422) {
  Form empty{.comment = "", .author = "", .email = "", .url = "https://kept.example/"};
  auto r = site_->PostComment(kArticle, empty).response;
  ExpectRejected(r, empty, "comment", "Please type your comment.");
  ExpectRejected(r, empty, "author", "Please enter your name.");
  ExpectRejected(r, empty, "email", "Please enter your email address.");
  EXPECT_FALSE(Has(FieldParagraph(r.body, "url"), "field-error")) << "the website was fine";

  Form blank{.comment = "  \n\t ", .author = "   ", .email = "blank@readers.example"};
  auto b = site_->PostComment(kArticle, blank).response;
  ExpectRejected(b, blank, "comment", "Please type your comment.");
  EXPECT_TRUE(Has(FieldParagraph(b.body, "author"), "Please enter your name."));

  Form absent{.comment = "Fields left out entirely.", .omit = {"author", "email", "url"}};
  auto a = site_->PostComment(kArticle, absent).response;
  EXPECT_EQ(a.status, 422);
  EXPECT_TRUE(Has(FieldParagraph(a.body, "author"), "Please enter your name."));
  EXPECT_TRUE(Has(FieldParagraph(a.body, "email"), "Please enter your email address."));
  EXPECT_TRUE(Has(TextareaText(a.body), "Fields left out entirely."));
  EXPECT_TRUE(site_->ListedFrom("blank@readers.example").empty()) << "nothing is stored";
}

TEST_F(CommentRules, MalformedEmailIs422) {
  for (const char* email : {"not-an-email", "reader@localhost", "two@@readers.example",
                            "spaced out@readers.example", "@readers.example", "reader@.example"}) {
    SCOPED_TRACE(email);
    Form form{.comment = "My email is wrong.",
              .author = "Ann O'Neil <Ann>",
              .email = email,
              .url = "https://ann.example/?a=1&b=\"2\""};
    ExpectRejected(site_->PostComment(kArticle, form).response, form, "email",
                   "That email address doesn&#39;t look right.");
    EXPECT_TRUE(site_->ListedFrom(email).empty());
  }
}

TEST_F(CommentRules, WebsiteMustBeHttpOrHttps) {
  int n = 0;
  for (const char* url :
       {"javascript:alert(1)", "JavaScript:alert(document.cookie)", "ftp://files.example/pub",
        "data:text/html,<script>alert(1)</script>", "www.no-scheme.example"}) {
    SCOPED_TRACE(url);
    Form form{.email = "website" + std::to_string(++n) + "@readers.example", .url = url};
    ExpectRejected(site_->PostComment(kArticle, form).response, form, "url",
                   "The website must start with http:// or https://.");
    EXPECT_TRUE(site_->ListedFrom(form.email).empty());
  }
  Form userinfo{.email = "website.userinfo@readers.example", .url = "https://trusted.example@evil.example/"};
  ExpectRejected(site_->PostComment(kArticle, userinfo).response, userinfo, "url",
                 "That website address doesn&#39;t look right.");
}

TEST_F(CommentRules, LengthLimitsCountCharactersNotBytes) {
  // "é" is two bytes and "€" three: a limit counted in bytes would refuse
  // every "at the limit" case below.
  struct Case {
    std::string field;
    Form at_limit, over;
  };
  const std::string domain = "@readers.example";  // 16 characters
  const std::vector<Case> cases = {
      {"comment",
       {.comment = Repeat("€", 10000), .email = "len.c1@readers.example"},
       {.comment = Repeat("€", 10001), .email = "len.c2@readers.example"}},
      {"author",
       {.author = Repeat("é", 100), .email = "len.a1@readers.example"},
       {.author = Repeat("é", 101), .email = "len.a2@readers.example"}},
      {"email",
       {.email = Repeat("é", 254 - domain.size()) + domain},
       {.email = Repeat("é", 255 - domain.size()) + domain}},
      {"url",
       {.email = "len.u1@readers.example", .url = "https://example.org/" + Repeat("é", 180)},
       {.email = "len.u2@readers.example", .url = "https://example.org/" + Repeat("é", 181)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    auto ok = site_->PostComment(kArticle, c.at_limit);
    EXPECT_EQ(ok.response.status, 303) << FieldParagraph(ok.response.body, c.field);
    auto over = site_->PostComment(kArticle, c.over).response;
    ExpectRejected(over, c.over, c.field, "too long");
    EXPECT_TRUE(site_->ListedFrom(c.over.email).empty());
  }
}

TEST_F(CommentRules, InvalidUtf8IsRejectedInEveryField) {
  const std::string bad = "\xC3\x28\xFF";
  const std::vector<std::pair<std::string, Form>> cases = {
      {"comment", {.comment = "Broken " + bad + " bytes", .email = "utf8.c@readers.example"}},
      {"author", {.author = "Name " + bad, .email = "utf8.a@readers.example"}},
      {"email", {.email = "utf8" + bad + "@readers.example"}},
      {"url", {.email = "utf8.u@readers.example", .url = "https://example.org/" + bad}},
  };
  for (const auto& [field, form] : cases) {
    ExpectRejected(site_->PostComment(kArticle, form).response, form, field, "not valid text (UTF-8)");
    EXPECT_TRUE(site_->ListedFrom(form.email).empty());
  }
  // The server keeps serving.
  EXPECT_EQ(site_->Get("/").status, 200);
}

TEST_F(CommentRules, ControlCharactersAreRejected) {
  const std::vector<std::pair<std::string, Form>> cases = {
      {"comment", {.comment = "Colour \x1B[31mred\x1B[0m text", .email = "ctl.c@readers.example"}},
      {"comment", {.comment = "Vertical\vtab", .email = "ctl.v@readers.example"}},
      {"author", {.author = "Bell\aReader", .email = "ctl.a@readers.example"}},
      {"author", {.author = "Two\nLines", .email = "ctl.n@readers.example"}},
      {"email", {.email = "ctl\x01@readers.example"}},
      {"url", {.email = "ctl.u@readers.example", .url = "https://example.org/\x7f"}},
  };
  for (const auto& [field, form] : cases)
    ExpectRejected(site_->PostComment(kArticle, form).response, form, field, "invisible control characters");
}

TEST_F(CommentRules, NulBytesAreRejected) {
  const std::vector<std::pair<std::string, Form>> cases = {
      {"comment", {.comment = std::string("before\0after", 12), .email = "nul.c@readers.example"}},
      {"author", {.author = std::string("Nul\0Name", 8), .email = "nul.a@readers.example"}},
      {"email", {.email = std::string("nul\0@readers.example", 20)}},
      {"url", {.email = "nul.u@readers.example", .url = std::string("https://example.org/\0", 21)}},
  };
  for (const auto& [field, form] : cases) {
    ExpectRejected(site_->PostComment(kArticle, form).response, form, field, "invisible control characters");
    EXPECT_TRUE(site_->ListedFrom(form.email).empty());
  }
}

TEST_F(CommentRules, RejectedCommentComesBackExactlyAsTyped) {
  // What a browser shows in the textarea must be what the reader typed: not
  // one space more, or every round trip would change their text.
  Form form{.comment = "First line\n\n  indented <b>bold</b> & \"quoted\" 'single'\nlast line",
            .email = "not-an-email"};
  auto r = site_->PostComment(kArticle, form).response;
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(TextareaText(r.body), Escaped(form.comment));
}

// -- Rate limit off, duplicates, media types --

TEST_F(CommentRules, RateLimitOfZeroTurnsTheLimitOff) {
  for (int i = 0; i < 8; ++i) {
    auto p = site_->PostComment(
        kArticle, {.comment = "Quick note " + std::to_string(i), .email = "prolific@readers.example"}, "",
        "127.0.2.3");
    EXPECT_EQ(p.response.status, 303) << "post " << i;
  }
}

TEST_F(CommentRules, DuplicateCommentIs409WithTheTextKept) {
  Form form{.comment = "Saying this exactly once.", .email = "twice@readers.example"};
  ASSERT_EQ(site_->PostComment(kArticle, form).response.status, 303);
  auto again = site_->PostComment(kArticle, form).response;
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(Has(again.body, "<div class=\"form-notice\" role=\"alert\">")) << again.body.substr(0, 500);
  EXPECT_TRUE(Has(again.body, "already posted this comment"));
  EXPECT_TRUE(Has(TextareaText(again.body), "Saying this exactly once."));
  EXPECT_EQ(InputValue(again.body, "id=\"email\""), "twice@readers.example");
  EXPECT_EQ(site_->ListedFrom("twice@readers.example").size(), 1u);
}

TEST_F(CommentRules, OnlyFormEncodedBodiesAreTaken) {
  const std::string target = "/articles/" + std::string(kArticle) + "/comments";
  for (const char* type : {"application/json", "text/plain", "multipart/form-data; boundary=x"}) {
    SCOPED_TRACE(type);
    auto r = site_->Post(target, R"({"comment":"json","author":"J","email":"json@readers.example"})", "",
                         kStranger, type);
    EXPECT_EQ(r.status, 415);
    EXPECT_TRUE(Has(r.body, "ordinary web form")) << r.body.substr(0, 300);
  }
  EXPECT_TRUE(site_->ListedFrom("json@readers.example").empty());
  // The media type's parameters and case do not matter.
  auto ok =
      site_->Post(target, Encode({.email = "charset@readers.example", .token = site_->FormToken(kArticle)}),
                  "", kStranger, "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
  EXPECT_EQ(ok.status, 303);
}

// -- The poster's view --

TEST_F(CommentRules, HeldCommentIsVisibleOnlyToItsPoster) {
  auto p = site_->PostComment(kArticle,
                              {.comment = "Only I can see this for now.", .email = "poster@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string cookie = SetCookie(p.response, "chancery_own");
  EXPECT_TRUE(Has(cookie, "HttpOnly")) << cookie;
  EXPECT_TRUE(Has(cookie, "SameSite=Lax")) << cookie;
  EXPECT_TRUE(Has(cookie, "Path=/")) << cookie;

  auto own = site_->Get("/articles/" + std::string(kArticle), p.own);
  const std::string item = CommentItem(own.body, p.id);
  EXPECT_TRUE(Has(StartTag(item, "<li"), "comment-pending")) << item;
  EXPECT_TRUE(Has(item, "<p class=\"comment-awaiting\">Your comment is awaiting moderation.")) << item;
  EXPECT_TRUE(Has(item, "Only I can see this for now."));
  EXPECT_TRUE(Has(own.Header("Cache-Control"), "private")) << own.Header("Cache-Control");

  auto stranger = site_->Get("/articles/" + std::string(kArticle));
  EXPECT_EQ(CommentItem(stranger.body, p.id), "");
  EXPECT_FALSE(Has(stranger.body, "Only I can see this for now."));
  EXPECT_FALSE(Has(stranger.body, "awaiting moderation"));
}

TEST_F(CommentRules, ForgedOrAlteredOwnCookieShowsNothing) {
  auto p =
      site_->PostComment(kArticle, {.comment = "Private until approved.", .email = "forger@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string page = "/articles/" + std::string(kArticle);
  const std::string id = std::to_string(p.id);
  const std::string value = p.own.substr(p.own.find('=') + 1);
  std::string flipped = value;
  flipped[flipped.size() / 2 + 8] ^= 1;
  const std::vector<std::string> forged = {
      "chancery_own=" + flipped,
      "chancery_own=own:" + id,
      "chancery_own=own:" + id + "." + value.substr(value.rfind('.') + 1, 10),
      "chancery_own=" + comments::Sign(comments::GenerateKey(), "own:" + id),
      "chancery_own=" + comments::Sign(site_->Key(), "modify:" + id),
  };
  for (const auto& cookie : forged) {
    SCOPED_TRACE(cookie);
    EXPECT_EQ(CommentItem(site_->Get(page, cookie).body, p.id), "");
  }
  // The same value signed with the site's key is honoured: the forgeries
  // above failed on their signatures, not on their shape.
  const std::string genuine = "chancery_own=" + comments::Sign(site_->Key(), "own:" + id);
  EXPECT_TRUE(Has(CommentItem(site_->Get(page, genuine).body, p.id), "Private until approved."));
}

TEST_F(CommentRules, PosterMayReplyToTheirOwnHeldCommentAndNobodyElseMay) {
  auto parent =
      site_->PostComment(kArticle, {.comment = "A held thought.", .email = "threadstarter@readers.example"});
  ASSERT_EQ(parent.response.status, 303);
  Form stranger{.comment = "Replying to a held comment.",
                .email = "interloper@readers.example",
                .parent = std::to_string(parent.id)};
  auto refused = site_->PostComment(kArticle, stranger).response;
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(Has(refused.body, "no longer available")) << "the parent message";
  EXPECT_TRUE(Has(TextareaText(refused.body), Escaped(stranger.comment)));
  EXPECT_EQ(ParentField(refused.body), "0");

  auto reply = site_->PostComment(kArticle,
                                  {.comment = "And a follow-up.",
                                   .email = "threadstarter@readers.example",
                                   .parent = std::to_string(parent.id)},
                                  parent.own);
  ASSERT_EQ(reply.response.status, 303) << FieldParagraph(reply.response.body, "comment");
  EXPECT_EQ(site_->Listed(reply.id).at("parent").as_int64(), parent.id);
  // The new cookie names both comments.
  const std::string own = site_->Get("/articles/" + std::string(kArticle), reply.own).body;
  EXPECT_TRUE(Has(CommentItem(own, parent.id), "id=\"comment-" + std::to_string(reply.id) + "\""));
}

// -- Editing and deleting one's own comment --

TEST_F(CommentRules, PosterEditsAndDeletesWithinTheWindow) {
  const std::string page = "/articles/" + std::string(kArticle);
  auto p = site_->PostComment(kArticle,
                              {.comment = "Fisrt draft with a typo.", .email = "editor@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string item = CommentItem(site_->Get(page, p.own).body, p.id);
  const std::string edit_url = page + "/comments/" + std::to_string(p.id) + "/edit";
  const std::string delete_url = page + "/comments/" + std::to_string(p.id) + "/delete";
  EXPECT_TRUE(Has(item, "<a class=\"comment-edit-link\" href=\"" + edit_url + "\"")) << item;
  EXPECT_TRUE(Has(item, "<form class=\"comment-delete-form\" method=\"post\" action=\"" + delete_url + "\""))
      << item;
  const std::string token = InputValue(item, "name=\"modify_token\"");
  EXPECT_FALSE(Has(CommentItem(site_->Get(page).body, p.id), "modify_token"));

  auto form = site_->Get(edit_url, p.own);
  ASSERT_EQ(form.status, 200);
  EXPECT_EQ(TextareaText(form.body), "Fisrt draft with a typo.");
  EXPECT_EQ(InputValue(form.body, "name=\"modify_token\""), token);

  auto empty = site_->Post(edit_url, "comment=%20%20&modify_token=" + FormEncode(token), p.own);
  EXPECT_EQ(empty.status, 422);
  EXPECT_TRUE(Has(empty.body, "<span class=\"field-error\" id=\"comment-error\">Please type your comment."))
      << empty.body;
  const std::string too_long = Repeat("é", 10001);
  auto long_edit =
      site_->Post(edit_url, "comment=" + FormEncode(too_long) + "&modify_token=" + FormEncode(token), p.own);
  EXPECT_EQ(long_edit.status, 422);
  EXPECT_EQ(TextareaText(long_edit.body), too_long) << "the text is kept";
  EXPECT_EQ(site_->Listed(p.id).at("body").as_string(), "Fisrt draft with a typo.");

  auto saved = site_->Post(
      edit_url, "comment=" + FormEncode("First draft, corrected.") + "&modify_token=" + FormEncode(token),
      p.own);
  EXPECT_EQ(saved.status, 303);
  EXPECT_EQ(saved.Header("Location"), page + "#comment-" + std::to_string(p.id));
  const std::string edited = CommentItem(site_->Get(page, p.own).body, p.id);
  EXPECT_TRUE(Has(edited, "First draft, corrected.")) << edited;
  EXPECT_FALSE(Has(edited, "Fisrt"));
  EXPECT_TRUE(Has(edited, "(edited)"));
  EXPECT_EQ(site_->Listed(p.id).at("body").as_string(), "First draft, corrected.");

  auto deleted = site_->Post(delete_url, "modify_token=" + FormEncode(token), p.own);
  EXPECT_EQ(deleted.status, 303);
  EXPECT_EQ(CommentItem(site_->Get(page, p.own).body, p.id), "");
  EXPECT_TRUE(site_->Listed(p.id).empty());
}

TEST_F(CommentRules, EditWithoutThePostersCookieIs403) {
  const std::string page = "/articles/" + std::string(kArticle);
  auto p =
      site_->PostComment(kArticle, {.comment = "Leave my words alone.", .email = "victim@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string token =
      InputValue(CommentItem(site_->Get(page, p.own).body, p.id), "name=\"modify_token\"");
  const std::string edit_url = page + "/comments/" + std::to_string(p.id) + "/edit";

  auto form = site_->Get(edit_url);
  EXPECT_EQ(form.status, 403);
  EXPECT_TRUE(Has(form.body, "can no longer be changed")) << "a readable page";
  EXPECT_EQ(site_->Post(edit_url, "comment=Defaced&modify_token=" + FormEncode(token)).status, 403);
  EXPECT_EQ(
      site_->Post(page + "/comments/" + std::to_string(p.id) + "/delete", "modify_token=" + FormEncode(token))
          .status,
      403);
  // Another poster's cookie does not do either.
  auto other = site_->PostComment(kArticle, {.email = "other.poster@readers.example"});
  EXPECT_EQ(site_->Post(edit_url, "comment=Defaced&modify_token=" + FormEncode(token), other.own).status,
            403);
  EXPECT_EQ(site_->Listed(p.id).at("body").as_string(), "Leave my words alone.");
}

TEST_F(CommentRules, EditWithAWrongModifyTokenIs403) {
  const std::string page = "/articles/" + std::string(kArticle);
  auto p = site_->PostComment(kArticle, {.comment = "Original words.", .email = "tokenless@readers.example"});
  auto q =
      site_->PostComment(kArticle, {.comment = "Other words.", .email = "tokenless@readers.example"}, p.own);
  ASSERT_EQ(q.response.status, 303);
  // q's cookie names both comments; q's token must not open p.
  const std::string q_token =
      InputValue(CommentItem(site_->Get(page, q.own).body, q.id), "name=\"modify_token\"");
  const std::string base = page + "/comments/" + std::to_string(p.id);
  for (const std::string& body :
       {"comment=Changed&modify_token=" + FormEncode(q_token), std::string("comment=Changed"),
        std::string("comment=Changed&modify_token=modify%3A1.AAAA")}) {
    SCOPED_TRACE(body);
    auto r = site_->Post(base + "/edit", body, q.own);
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(Has(r.body, "Comment not changed")) << r.body.substr(0, 300);
  }
  EXPECT_EQ(site_->Post(base + "/delete", "modify_token=" + FormEncode(q_token), q.own).status, 403);
  EXPECT_EQ(site_->Listed(p.id).at("body").as_string(), "Original words.");
}

TEST_F(CommentRules, EditingAnApprovedCommentToThreeLinksSendsItBackToTheQueue) {
  const std::string page = "/articles/" + std::string(kArticle);
  auto p =
      site_->PostComment(kArticle, {.comment = "Innocent at first.", .email = "bait.switch@readers.example"});
  site_->Approve({p.id});
  ASSERT_TRUE(Has(CommentItem(site_->Get(page).body, p.id), "Innocent at first."));
  const std::string token =
      InputValue(CommentItem(site_->Get(page, p.own).body, p.id), "name=\"modify_token\"");
  const std::string links = "Now see https://one.example https://two.example https://three.example";
  auto r = site_->Post(page + "/comments/" + std::to_string(p.id) + "/edit",
                       "comment=" + FormEncode(links) + "&modify_token=" + FormEncode(token), p.own);
  EXPECT_EQ(r.status, 303);
  const auto listed = site_->Listed(p.id);
  EXPECT_EQ(listed.at("status").as_string(), "pending");
  EXPECT_TRUE(listed.at("reason").as_string().starts_with("after an edit")) << listed.at("reason");
  EXPECT_TRUE(Has(listed.at("reason").as_string(), "held: 3 links")) << listed.at("reason");
  EXPECT_EQ(CommentItem(site_->Get(page).body, p.id), "") << "strangers no longer see it";
  EXPECT_TRUE(Has(CommentItem(site_->Get(page, p.own).body, p.id), "awaiting moderation"));
}

// -- The consent cookie --

TEST_F(CommentRules, ConsentRemembersTheCommenterForTheNextVisit) {
  Form form{.author = "Consenting Reader",
            .email = "consent@readers.example",
            .url = "https://consent.example/me",
            .consent = true};
  auto p = site_->PostComment(kArticle, form);
  ASSERT_EQ(p.response.status, 303);
  const std::string set = SetCookie(p.response, "chancery_commenter");
  ASSERT_FALSE(set.empty()) << p.response.raw.substr(0, 800);
  EXPECT_TRUE(Has(set, "HttpOnly"));
  EXPECT_TRUE(Has(set, "SameSite=Lax"));
  auto next =
      site_->Get("/articles/" + std::string(kOtherArticle), CookiePair(p.response, "chancery_commenter"));
  EXPECT_EQ(InputValue(next.body, "id=\"author\""), "Consenting Reader");
  EXPECT_EQ(InputValue(next.body, "id=\"email\""), "consent@readers.example");
  EXPECT_EQ(InputValue(next.body, "id=\"url\""), "https://consent.example/me");
  EXPECT_TRUE(Has(StartTag(next.body, "id=\"wp-comment-cookies-consent\""), " checked"))
      << "the box stays ticked";
  EXPECT_TRUE(Has(next.Header("Cache-Control"), "private"));
  // Nobody else's form is filled.
  auto stranger = site_->Get("/articles/" + std::string(kOtherArticle));
  EXPECT_EQ(InputValue(stranger.body, "id=\"email\""), "");
  EXPECT_FALSE(Has(StartTag(stranger.body, "id=\"wp-comment-cookies-consent\""), " checked"));
}

TEST_F(CommentRules, NoConsentNoCommenterCookie) {
  auto p = site_->PostComment(kArticle, {.author = "Private Reader", .email = "noconsent@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  EXPECT_EQ(SetCookie(p.response, "chancery_commenter"), "");
  EXPECT_FALSE(Has(p.response.raw, "noconsent"));
}

TEST_F(CommentRules, PostingWithoutConsentClearsTheCommenterCookie) {
  auto first = site_->PostComment(
      kArticle, {.author = "Changed Mind", .email = "changedmind@readers.example", .consent = true});
  const std::string commenter = CookiePair(first.response, "chancery_commenter");
  ASSERT_FALSE(commenter.empty());
  auto second = site_->PostComment(
      kArticle, {.comment = "Forget me.", .author = "Changed Mind", .email = "changedmind@readers.example"},
      commenter + "; " + first.own);
  ASSERT_EQ(second.response.status, 303);
  const std::string cleared = SetCookie(second.response, "chancery_commenter");
  EXPECT_TRUE(cleared.starts_with("chancery_commenter=;")) << cleared;
  EXPECT_TRUE(Has(cleared, "Max-Age=0")) << cleared;
}

// -- Hostile input --

TEST_F(CommentRules, HostileValuesAreRefusedWithTheFormIntact) {
  Form js_site{.author = "<script>alert(1)</script>",
               .email = "hostile.url@readers.example",
               .url = "javascript:alert(1)"};
  auto r = site_->PostComment(kArticle, js_site).response;
  ExpectRejected(r, js_site, "url", "must start with http:// or https://");
  EXPECT_FALSE(Has(r.body, "<script>alert")) << "the name is shown escaped";
  EXPECT_FALSE(Has(r.body, "href=\"javascript:"));

  Form rlo_name{.author = "Mallory \xE2\x80\xAEgnp.exe", .email = "hostile.rlo@readers.example"};
  ExpectRejected(site_->PostComment(kArticle, rlo_name).response, rlo_name, "author",
                 "text-direction characters");

  Form broken{.comment = "<img src=x onerror=alert(1)> \xED\xA0\x80 (a lone surrogate)",
              .email = "hostile.utf8@readers.example"};
  auto b = site_->PostComment(kArticle, broken).response;
  ExpectRejected(b, broken, "comment", "not valid text (UTF-8)");
  EXPECT_FALSE(InsideATag(b.body, "onerror=")) << "the text is escaped in the textarea";

  Form nul{.comment = std::string("<script>alert(1)</script>\0", 26), .email = "hostile.nul@readers.example"};
  auto n = site_->PostComment(kArticle, nul).response;
  ExpectRejected(n, nul, "comment", "control characters");
  EXPECT_FALSE(Has(n.body, "<script>alert"));
}

TEST_F(CommentRules, HostileTextIsShownLiterallyAndRunsNothing) {
  const std::string text =
      "<img src=x onerror=alert(1)> and <script>alert(1)</script>\n"
      "click javascript:alert(1) or see https://hostile.example/docs\n\n"
      "RTL: \xE2\x80\xAE"
      "abc reversed";
  auto p = site_->PostComment(kArticle, {.comment = text,
                                         .author = "<script>alert(1)</script>",
                                         .email = "hostile.text@readers.example",
                                         .url = "https://hostile.example/p?a=1&b=2"});
  ASSERT_EQ(p.response.status, 303) << FieldParagraph(p.response.body, "comment");
  EXPECT_EQ(site_->Listed(p.id).at("body").as_string(), text) << "stored as sent";
  site_->Approve({p.id});

  const std::string html = site_->Get("/articles/" + std::string(kArticle)).body;
  const std::string item = CommentItem(html, p.id);
  ASSERT_FALSE(item.empty());
  EXPECT_FALSE(Has(html, "<script>alert"));
  EXPECT_FALSE(Has(html, "<img src=x"));
  EXPECT_FALSE(InsideATag(html, "onerror="));
  EXPECT_FALSE(Has(html, "href=\"javascript:"));
  EXPECT_TRUE(Has(item, "&lt;img src=x onerror=alert(1)&gt;")) << item;
  EXPECT_TRUE(Has(item, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(Has(item, "javascript:alert(1)")) << "shown as text";
  EXPECT_TRUE(Has(item, "<a href=\"https://hostile.example/docs\" rel=\"nofollow ugc noopener\""));
  const std::string author = Element(item, item.find("<span class=\"comment-author\">"), "span");
  EXPECT_EQ(author,
            "<span class=\"comment-author\"><a href=\"https://hostile.example/p?a=1&amp;b=2\" "
            "rel=\"nofollow ugc noopener\">&lt;script&gt;alert(1)&lt;/script&gt;</a></span>")
      << "the name links to the website";
  EXPECT_FALSE(Has(item, "\xE2\x80\xAE")) << "no right-to-left override reaches the page";
  EXPECT_TRUE(Has(item, "abc reversed"));
  EXPECT_FALSE(std::regex_search(html, std::regex("<script(?![^>]*\\bsrc=)"))) << "no inline script";
}

TEST_F(CommentRules, OversizedCommentsAndBodiesGetClearAnswers) {
  Form long_text{.comment = Repeat("x", 10001), .email = "long@readers.example"};
  auto r = site_->PostComment(kArticle, long_text).response;
  ExpectRejected(r, long_text, "comment", "too long");
  EXPECT_TRUE(Has(FieldParagraph(r.body, "comment"), "10,000")) << "the limit is named";

  // One megabyte (below the server's 1 MiB body limit) is read and refused
  // as too long, with the text kept.
  Form megabyte{.comment = Repeat("y", 1000000), .email = "megabyte@readers.example"};
  auto m = site_->PostComment(kArticle, megabyte).response;
  EXPECT_EQ(m.status, 422);
  EXPECT_TRUE(Has(FieldParagraph(m.body, "comment"), "too long"));
  EXPECT_EQ(TextareaText(m.body).size(), megabyte.comment.size());

  // Beyond 1 MiB the server refuses the body itself.
  Form huge{.comment = Repeat("z", (1 << 20) + 1), .email = "huge@readers.example"};
  auto h = site_->PostComment(kArticle, huge).response;
  EXPECT_EQ(h.status, 413);
  EXPECT_EQ(site_->Get("/").status, 200) << "the server keeps serving";
  EXPECT_TRUE(site_->ListedFrom("megabyte@readers.example").empty());
  EXPECT_TRUE(site_->ListedFrom("huge@readers.example").empty());
}

// -- Feeds and privacy --

struct FeedEntry {
  int64_t id = 0;
  std::string href, published, content;
};

// The entries of an Atom feed; fails the test when it is not well-formed.
std::vector<FeedEntry> ParseFeed(const std::string& xml) {
  std::vector<FeedEntry> entries;
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  EXPECT_TRUE(parsed) << parsed.description() << " at offset " << parsed.offset;
  const pugi::xml_node feed = doc.child("feed");
  EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
  for (const pugi::xml_node entry : feed.children("entry")) {
    FeedEntry e;
    e.href = entry.find_child_by_attribute("link", "rel", "alternate").attribute("href").value();
    std::smatch m;
    if (std::regex_search(e.href, m, std::regex("#comment-(\\d+)$"))) e.id = std::stoll(m[1]);
    e.published = entry.child_value("published");
    e.content = entry.child_value("content");
    entries.push_back(std::move(e));
  }
  return entries;
}

int IndexOf(const std::vector<FeedEntry>& entries, int64_t id) {
  for (size_t i = 0; i < entries.size(); ++i)
    if (entries[i].id == id) return static_cast<int>(i);
  return -1;
}

TEST_F(CommentRules, CommentFeedsListApprovedCommentsOnlyNewestFirst) {
  auto older = site_->PostComment(kFeedArticle, {.comment = "Older approved comment.",
                                                 .author = "Feed & <Friends>",
                                                 .email = "feed.a@readers.example",
                                                 .url = "https://feed.example/?a=1&b=2"});
  auto newer = site_->PostComment(kFeedArticle,
                                  {.comment = "Newer approved comment.", .email = "feed.b@readers.example"});
  auto held =
      site_->PostComment(kFeedArticle, {.comment = "Held comment.", .email = "feed.h@readers.example"});
  site_->Approve({older.id, newer.id});

  std::map<int64_t, std::string> status;
  std::vector<std::string> emails;
  for (const auto& c : site_->List()) {
    status[c.as_object().at("id").as_int64()] = c.as_object().at("status").as_string().c_str();
    emails.emplace_back(c.as_object().at("email").as_string().c_str());
  }

  for (const std::string& url :
       {"/articles/" + std::string(kFeedArticle) + "/comments.xml", std::string("/comments.xml")}) {
    SCOPED_TRACE(url);
    auto r = site_->Get(url);
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.Header("Content-Type").starts_with("application/atom+xml")) << r.Header("Content-Type");
    const auto entries = ParseFeed(r.body);
    ASSERT_GE(IndexOf(entries, newer.id), 0);
    EXPECT_LT(IndexOf(entries, newer.id), IndexOf(entries, older.id));
    EXPECT_EQ(IndexOf(entries, held.id), -1);
    EXPECT_FALSE(Has(r.body, "Held comment."));
    EXPECT_TRUE(Has(entries[IndexOf(entries, newer.id)].content, "Newer approved comment."));
    for (size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(status[entries[i].id], "approved") << entries[i].href;
      if (i > 0) {
        EXPECT_GE(entries[i - 1].published, entries[i].published) << "newest first";
      }
      if (url != "/comments.xml") {
        EXPECT_TRUE(Has(entries[i].href, "/articles/" + std::string(kFeedArticle) + "#comment-"));
      }
    }
    for (const auto& email : emails) EXPECT_FALSE(Has(r.body, email)) << email;
    EXPECT_FALSE(Has(r.body, "@readers.example"));
  }
}

TEST_F(CommentRules, EmailsAndIpsNeverAppearInPublicResponses) {
  const std::string email = "privacy.probe+q7@tidemark-readers.example";
  const std::string held_email = "held.probe.k2@tidemark-readers.example";
  auto shown = site_->PostComment(kArticle,
                                  {.comment = "A public comment from a private person.",
                                   .author = "Privacy Probe",
                                   .email = email,
                                   .url = "https://probe.example/"},
                                  "", "127.0.9.9");
  auto reply = site_->PostComment(kArticle,
                                  {.comment = "Replying to myself.",
                                   .author = "Privacy Probe",
                                   .email = email,
                                   .parent = std::to_string(shown.id)},
                                  shown.own, "127.0.9.9");
  auto held =
      site_->PostComment(kOtherArticle, {.author = "Held Probe", .email = held_email}, "", "127.0.9.10");
  ASSERT_EQ(held.response.status, 303);
  site_->Approve({shown.id, reply.id});

  const std::vector<std::string> secrets = {email,
                                            "privacy.probe%2Bq7%40tidemark-readers.example",
                                            "privacy.probe%2bq7%40tidemark-readers.example",
                                            "privacy.probe+q7",
                                            held_email,
                                            "held.probe.k2%40tidemark-readers.example",
                                            "127.0.9.9",
                                            "127.0.9.10"};
  std::set<std::string> urls = {
      "/",
      "/feed.xml",
      "/rss.xml",
      "/feed.json",
      "/sitemap.xml",
      "/robots.txt",
      "/comments.xml",
      "/no-such-page",
      "/articles/no-such-article",
      "/articles/" + std::string(kArticle) + "?replyto=" + std::to_string(shown.id)};
  const std::regex link("/(articles|tags|authors)/[a-z0-9-]+");
  for (const std::string& source :
       {std::string("/"), std::string("/sitemap.xml"), "/articles/" + std::string(kArticle)}) {
    const std::string body = site_->Get(source).body;
    for (std::sregex_iterator it(body.begin(), body.end(), link), end; it != end; ++it)
      urls.insert(it->str());
  }
  int articles = 0, tags = 0, authors = 0;
  for (const auto& u : std::set<std::string>(urls)) {
    if (u.starts_with("/articles/") && u.find('?') == std::string::npos && u != "/articles/no-such-article") {
      ++articles;
      urls.insert(u + "/comments.xml");
    }
    tags += u.starts_with("/tags/");
    authors += u.starts_with("/authors/");
  }
  EXPECT_GE(articles, 4);
  EXPECT_GE(tags, 1);
  EXPECT_GE(authors, 1);

  bool saw_comment = false;
  for (const auto& url : urls) {
    SCOPED_TRACE(url);
    auto r = site_->Get(url, "", "127.0.9.11");
    EXPECT_TRUE(r.status == 200 || r.status == 404) << r.status;
    saw_comment |= Has(r.body, "A public comment from a private person.");
    for (const auto& secret : secrets) EXPECT_FALSE(Has(r.raw, secret)) << secret;
  }
  EXPECT_TRUE(saw_comment) << "the crawl reached the comment";
}

// ---- Sites with one setting changed ------------------------------------------

// Every comment that is not spam is published at once: the thread tests.
class CommentThreads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    site_ =
        new TestSite({"CHANCERY_COMMENTS_MODERATION=approve_all", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0",
                      "CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0"});
  }
  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(site_->started()) << site_->Log(); }

  // Posts a chain: each comment replies to the one before; returns the ids.
  static std::vector<int64_t> Chain(const std::string& slug, int length, const std::string& who) {
    std::vector<int64_t> ids;
    for (int i = 0; i < length; ++i) {
      auto p = site_->PostComment(slug, {.comment = who + " level " + std::to_string(i + 1),
                                         .author = who + " " + std::to_string(i + 1),
                                         .email = who + std::to_string(i) + "@readers.example",
                                         .parent = ids.empty() ? "0" : std::to_string(ids.back())});
      EXPECT_EQ(p.response.status, 303) << FieldParagraph(p.response.body, "comment");
      ids.push_back(p.id);
    }
    return ids;
  }

  static TestSite* site_;
};
TestSite* CommentThreads::site_ = nullptr;

TEST_F(CommentThreads, ApproveAllPublishesAtOnce) {
  auto p = site_->PostComment(
      kArticle, {.comment = "Published without waiting.", .email = "approveall@readers.example"});
  ExpectListed(*site_, p.id, "approved", "approved: all comments approved", kArticle,
               "approveall@readers.example");
  EXPECT_TRUE(Has(CommentItem(site_->Get("/articles/" + std::string(kArticle)).body, p.id),
                  "Published without waiting."));
  // Spam signals still win over approve-all.
  auto bot = site_->PostComment(kArticle, {.email = "approveall.bot@readers.example", .honeypot = "x"});
  ExpectListed(*site_, bot.id, "spam", "spam: honeypot filled", kArticle, "approveall.bot@readers.example");
}

TEST_F(CommentThreads, CommentTextBecomesParagraphsWithLinks) {
  auto p =
      site_->PostComment(kArticle, {.comment = "First line\nsecond line (see https://example.org/a_(b)).\n\n"
                                               "Second paragraph <em>not markup</em>",
                                    .author = "Paragraph Writer",
                                    .email = "paragraphs@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string item = CommentItem(site_->Get("/articles/" + std::string(kArticle)).body, p.id);
  const std::string content = Element(item, item.find("<div class=\"comment-content\">"), "div");
  EXPECT_TRUE(
      Has(content,
          "<p>First line<br>\nsecond line (see <a href=\"https://example.org/a_(b)\" rel=\"nofollow ugc "
          "noopener\">"
          "https://example.org/a_(b)</a>).</p>\n<p>Second paragraph &lt;em&gt;not markup&lt;/em&gt;</p>"))
      << content;
  EXPECT_TRUE(Has(item, "<span class=\"comment-author\">Paragraph Writer</span>")) << "no website, no link";
  EXPECT_FALSE(Has(item, "gravatar")) << "no avatars fetched from anywhere";
  EXPECT_FALSE(Has(item, "<img")) << "no avatars fetched from anywhere";
}

TEST_F(CommentThreads, RepliesNestUnderTheirParent) {
  const auto ids = Chain(kArticle, 3, "nest");
  ASSERT_EQ(ids.size(), 3u);
  const std::string html = site_->Get("/articles/" + std::string(kArticle)).body;
  const std::string top = CommentItem(html, ids[0]);
  EXPECT_TRUE(Has(StartTag(top, "<li"), "depth-1")) << StartTag(top, "<li");
  EXPECT_TRUE(Has(top, "class=\"comment-reply-link\" href=\"/articles/" + std::string(kArticle) +
                           "?replyto=" + std::to_string(ids[0]) + "#respond\""));
  const std::string middle = CommentItem(Replies(top), ids[1]);
  ASSERT_FALSE(middle.empty()) << "the reply sits in ol.children of its parent";
  EXPECT_TRUE(Has(StartTag(middle, "<li"), "depth-2"));
  const std::string last = CommentItem(Replies(middle), ids[2]);
  ASSERT_FALSE(last.empty());
  EXPECT_TRUE(Has(StartTag(last, "<li"), "depth-3"));
  EXPECT_FALSE(Has(last, "in-reply-to")) << "nested replies need no label";
  EXPECT_EQ(site_->Listed(ids[2]).at("parent").as_int64(), ids[1]);
}

TEST_F(CommentThreads, RepliesDeeperThanFiveLevelsAttachAtTheFifth) {
  const auto ids = Chain(kOtherArticle, 7, "deep");
  ASSERT_EQ(ids.size(), 7u);
  const std::string html = site_->Get("/articles/" + std::string(kOtherArticle)).body;
  std::string item = CommentItem(html, ids[0]);
  for (int level = 2; level <= 5; ++level) {
    item = CommentItem(Replies(item), ids[level - 1]);
    ASSERT_FALSE(item.empty()) << "level " << level;
    EXPECT_TRUE(Has(StartTag(item, "<li"), "depth-" + std::to_string(level)));
  }
  // The sixth and seventh stand beside the fifth, each saying whom it answers.
  const std::string fourth_replies = Replies(CommentItem(html, ids[3]));
  for (int i : {5, 6}) {
    SCOPED_TRACE(i + 1);
    const std::string deep = CommentItem(fourth_replies, ids[i]);
    ASSERT_FALSE(deep.empty());
    EXPECT_TRUE(Has(StartTag(deep, "<li"), "depth-5"));
    EXPECT_TRUE(Has(deep, "<span class=\"in-reply-to\">in reply to <a href=\"#comment-" +
                              std::to_string(ids[i - 1]) + "\">"))
        << deep;
    EXPECT_FALSE(Has(CommentItem(html, ids[i - 1]), "id=\"comment-" + std::to_string(ids[i]) + "\""))
        << "not nested inside its parent";
  }
}

TEST_F(CommentThreads, ReplyLinkFillsCommentParent) {
  auto parent =
      site_->PostComment(kArticle, {.author = "Parent Poster", .email = "replyto.parent@readers.example"});
  auto spam = site_->PostComment(kArticle, {.email = "replyto.spam@readers.example", .honeypot = "x"});
  const std::string page = "/articles/" + std::string(kArticle);

  const std::string html = site_->Get(page + "?replyto=" + std::to_string(parent.id)).body;
  EXPECT_EQ(ParentField(html), std::to_string(parent.id));
  const std::string replying = StartTag(html, "class=\"replying-to\"");
  EXPECT_FALSE(Has(replying, "hidden")) << replying;
  EXPECT_TRUE(Has(html, "href=\"#comment-" + std::to_string(parent.id) + "\">Parent Poster</a>"));

  auto elsewhere = site_->PostComment(kOtherArticle, {.email = "replyto.elsewhere@readers.example"});
  ASSERT_GT(elsewhere.id, 0);
  for (const std::string& bad : {std::to_string(spam.id), std::to_string(elsewhere.id), std::string("999999"),
                                 std::string("abc"), std::string("-1")}) {
    SCOPED_TRACE(bad);
    const std::string other = site_->Get(page + "?replyto=" + bad).body;
    EXPECT_EQ(ParentField(other), "0");
    EXPECT_TRUE(Has(StartTag(other, "class=\"replying-to\""), "hidden"));
  }

  auto reply = site_->PostComment(
      kArticle, {.email = "replyto.child@readers.example", .parent = std::to_string(parent.id)});
  ASSERT_EQ(reply.response.status, 303);
  EXPECT_EQ(site_->Listed(reply.id).at("parent").as_int64(), parent.id);
}

TEST_F(CommentThreads, ReplyToAnUnavailableParentIs422AndResetsTheParent) {
  auto spam = site_->PostComment(kArticle, {.email = "unavail.spam@readers.example", .honeypot = "x"});
  auto elsewhere = site_->PostComment(kOtherArticle, {.email = "unavail.other@readers.example"});
  ASSERT_GT(elsewhere.id, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"missing", "999999"},
      {"spam", std::to_string(spam.id)},
      {"other article", std::to_string(elsewhere.id)},
      {"not a number", "abc"},
  };
  for (const auto& [what, parent] : cases) {
    SCOPED_TRACE(what);
    Form form{
        .comment = "Replying into the void.", .email = "unavail.reply@readers.example", .parent = parent};
    auto r = site_->PostComment(kArticle, form).response;
    EXPECT_EQ(r.status, 422);
    const std::string errors = Element(r.body, r.body.find("<div class=\"form-errors\""), "div");
    EXPECT_TRUE(Has(errors, "The comment you are replying to")) << errors;
    EXPECT_EQ(ParentField(r.body), "0") << "sending again posts it on its own";
    EXPECT_TRUE(Has(TextareaText(r.body), "Replying into the void."));
  }
  EXPECT_TRUE(site_->ListedFrom("unavail.reply@readers.example").empty());
}

TEST(CommentSettings, ThreadDepthTwoFlattensAChainAtTheSecondLevel) {
  TestSite site({"CHANCERY_COMMENTS_MODERATION=approve_all", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0",
                 "CHANCERY_COMMENTS_THREAD_DEPTH=2"});
  ASSERT_TRUE(site.started()) << site.Log();
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    auto p = site.PostComment(kArticle, {.comment = "Link " + std::to_string(i + 1),
                                         .author = "Chain " + std::to_string(i + 1),
                                         .email = "chain" + std::to_string(i) + "@readers.example",
                                         .parent = ids.empty() ? "0" : std::to_string(ids.back())});
    ASSERT_EQ(p.response.status, 303);
    ids.push_back(p.id);
  }
  const std::string html = site.Get("/articles/" + std::string(kArticle)).body;
  const std::string replies = Replies(CommentItem(html, ids[0]));
  ASSERT_FALSE(replies.empty());
  for (int i = 1; i < 4; ++i) {
    SCOPED_TRACE(i + 1);
    const std::string item = CommentItem(replies, ids[i]);
    ASSERT_FALSE(item.empty());
    EXPECT_TRUE(Has(StartTag(item, "<li"), "depth-2"));
    EXPECT_FALSE(Has(item, "<ol class=\"children\">"));
    if (i >= 2) {
      EXPECT_TRUE(Has(item, "<span class=\"in-reply-to\">in reply to <a href=\"#comment-" +
                                std::to_string(ids[i - 1]) + "\">Chain " + std::to_string(i) + "</a>"))
          << item;
    }
  }
}

TEST(CommentSettings, NewestFirstReversesTopLevelComments) {
  TestSite site({"CHANCERY_COMMENTS_MODERATION=approve_all", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0",
                 "CHANCERY_COMMENTS_NEWEST_FIRST=true"});
  ASSERT_TRUE(site.started()) << site.Log();
  auto a = site.PostComment(kArticle, {.comment = "Posted first.", .email = "order.a@readers.example"});
  auto b = site.PostComment(kArticle, {.comment = "Posted second.", .email = "order.b@readers.example"});
  const std::string html = site.Get("/articles/" + std::string(kArticle)).body;
  const size_t pos_a = html.find("id=\"comment-" + std::to_string(a.id) + "\"");
  const size_t pos_b = html.find("id=\"comment-" + std::to_string(b.id) + "\"");
  ASSERT_NE(pos_a, std::string::npos);
  ASSERT_NE(pos_b, std::string::npos);
  EXPECT_LT(pos_b, pos_a);
}

TEST(CommentSettings, FormPostedInUnderThreeSecondsIsHeld) {
  TestSite site({"CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=0"});  // min_seconds_to_submit stays 3
  ASSERT_TRUE(site.started()) << site.Log();
  auto p = site.PostComment(kArticle, {.email = "speedy@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  ExpectListed(site, p.id, "pending", "held: form submitted in under 3 seconds", kArticle,
               "speedy@readers.example");
  // A form served ten seconds ago passes the same check.
  auto patient = site.PostComment(
      kArticle, {.email = "patient@readers.example", .token = site.TokenIssuedAt(kArticle, Now() - 10)});
  ExpectListed(site, patient.id, "pending", "held: first comment from this email", kArticle,
               "patient@readers.example");
}

TEST(CommentSettings, HoldAllHoldsEveryComment) {
  TestSite site({"CHANCERY_COMMENTS_MODERATION=hold_all", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"});
  ASSERT_TRUE(site.started()) << site.Log();
  auto first = site.PostComment(kArticle, {.email = "holdall@readers.example"});
  ExpectListed(site, first.id, "pending", "held: all comments held for review", kArticle,
               "holdall@readers.example");
  site.Approve({first.id});
  // Even an email with an approved comment waits.
  auto second = site.PostComment(kArticle, {.comment = "Again.", .email = "holdall@readers.example"});
  ExpectListed(site, second.id, "pending", "held: all comments held for review", kArticle,
               "holdall@readers.example");
}

TEST(CommentSettings, ListsFromTheEnvironmentSplitOnNewlines) {
  // With a newline in the value, commas belong to the entries.
  TestSite site({"CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0",
                 "CHANCERY_COMMENTS_DISALLOWED_LIST=casino\nfree money, today\n",
                 "CHANCERY_COMMENTS_MODERATION_LIST= watch this \nsecond"});
  ASSERT_TRUE(site.started()) << site.Log();
  auto spam =
      site.PostComment(kArticle, {.comment = "Get FREE MONEY, TODAY!", .email = "envlist.a@readers.example"});
  ExpectListed(site, spam.id, "spam", "spam: matches disallowed word 'free money, today'", kArticle,
               "envlist.a@readers.example");
  auto held = site.PostComment(
      kArticle, {.comment = "You should watch this space.", .email = "envlist.b@readers.example"});
  ExpectListed(site, held.id, "pending", "held: matches moderation word 'watch this'", kArticle,
               "envlist.b@readers.example");
  auto plain =
      site.PostComment(kArticle, {.comment = "Free money is rare.", .email = "envlist.c@readers.example"});
  ExpectListed(site, plain.id, "pending", "held: first comment from this email", kArticle,
               "envlist.c@readers.example");
}

TEST(CommentSettings, InvalidCommentSettingsStopTheServerWithOneClearLine) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"CHANCERY_COMMENTS_MODERATION=hold_some", "comments.moderation"},
      {"CHANCERY_COMMENTS_THREAD_DEPTH=0", "comments.thread_depth"},
      {"CHANCERY_COMMENTS_THREAD_DEPTH=11", "comments.thread_depth"},
      {"CHANCERY_COMMENTS_MAX_FORM_AGE_SECONDS=59", "comments.max_form_age_seconds"},
      {"CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=five", "rate_limit_per_minute"},
      {"CHANCERY_COMMENTS_NEWEST_FIRST=maybe", "newest_first"},
  };
  for (const auto& [env, named] : cases) {
    SCOPED_TRACE(env);
    auto r = RunChancery({"serve", "--data", data, "--listen", "127.0.0.1:0"}, "", std::chrono::seconds(20),
                         {env});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(Has(r.err, named)) << r.err;
  }
}

TEST(CommentSettings, RateLimitAnswers429AndKeepsTheText) {
  TestSite site({"CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE=2", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"});
  ASSERT_TRUE(site.started()) << site.Log();
  const std::string ip = "127.0.2.1";
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(
        site.PostComment(kArticle, {.comment = "Fine " + std::to_string(i), .email = "fast@readers.example"},
                         "", ip)
            .response.status,
        303);
  Form third{.comment = "The third <one> & it stays.",
             .author = "Fast Typist",
             .email = "fast@readers.example",
             .url = "https://fast.example/"};
  auto r = site.PostComment(kArticle, third, "", ip).response;
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("Retry-After"), "60");
  EXPECT_TRUE(Has(r.body, "<div class=\"form-notice\" role=\"alert\">")) << r.body.substr(0, 500);
  EXPECT_TRUE(Has(TextareaText(r.body), Escaped(third.comment)));
  EXPECT_EQ(InputValue(r.body, "id=\"author\""), "Fast Typist");
  EXPECT_EQ(InputValue(r.body, "id=\"url\""), "https://fast.example/");
  EXPECT_EQ(site.ListedFrom("fast@readers.example").size(), 2u);
  // The limit is per address.
  EXPECT_EQ(
      site.PostComment(kArticle, {.email = "neighbour@readers.example"}, "", "127.0.2.2").response.status,
      303);
}

TEST(CommentSettings, EditWindowOfZeroRefusesEveryChange) {
  TestSite site({"CHANCERY_COMMENTS_EDIT_MINUTES=0", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"});
  ASSERT_TRUE(site.started()) << site.Log();
  const std::string page = "/articles/" + std::string(kArticle);
  auto p = site.PostComment(kArticle, {.comment = "Set in stone.", .email = "stone@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  const std::string item = CommentItem(site.Get(page, p.own).body, p.id);
  EXPECT_TRUE(Has(item, "Set in stone.")) << "the poster still sees it";
  EXPECT_FALSE(Has(item, "comment-edit-link"));
  EXPECT_FALSE(Has(item, "comment-delete-form"));
  const std::string base = page + "/comments/" + std::to_string(p.id);
  // Even a genuine modify token does not open a closed window.
  const std::string token = FormEncode(comments::Sign(site.Key(), "modify:" + std::to_string(p.id)));
  EXPECT_EQ(site.Get(base + "/edit", p.own).status, 403);
  EXPECT_EQ(site.Post(base + "/edit", "comment=Chiselled&modify_token=" + token, p.own).status, 403);
  EXPECT_EQ(site.Post(base + "/delete", "modify_token=" + token, p.own).status, 403);
  EXPECT_EQ(site.Listed(p.id).at("body").as_string(), "Set in stone.");
}

std::string UtcMinute(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

TEST(CommentSettings, CommentsCloseOnArticlesOlderThanTheSetting) {
  // Two articles published this minute: one open, one closed by hand.
  TestSite site(
      {"CHANCERY_COMMENTS_CLOSE_AFTER_DAYS=1", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"}, {},
      [](const std::string& data) {
        const std::string date = UtcMinute(Now() - 60);
        WriteFile(data + "/fresh.md",
                  "---\ntitle: Fresh Today\nslug: fresh-today\ndate: " + date + "\n---\n\nNew.\n");
        WriteFile(data + "/shut.md", "---\ntitle: Shut Today\nslug: shut-today\ndate: " + date +
                                         "\ncomments: closed\n---\n\nShut.\n");
        auto r = RunChancery({"import", "markdown", "--data", data, data + "/fresh.md", data + "/shut.md"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
      });
  ASSERT_TRUE(site.started()) << site.Log();

  std::vector<std::string> closed = {"shut-today"};
  for (const char* slug :
       {"corridors-of-circumvention", "rivers-without-referees", kOtherArticle, kArticle}) {
    const int64_t published = site.Article(slug).published_at;
    if (published > 0 && published < Now() - 86400) closed.push_back(slug);
  }
  ASSERT_GE(closed.size(), 2u) << "the demo has articles older than a day";

  for (const auto& slug : closed) {
    SCOPED_TRACE(slug);
    auto page = site.Get("/articles/" + slug);
    ASSERT_EQ(page.status, 200);
    EXPECT_FALSE(HasCommentForm(page.body));
    EXPECT_TRUE(Has(page.body, "<p class=\"comments-closed\">Comments are closed on this article.</p>"));
    const std::string text = "Too late <but> kept & shown.";
    auto r = site.Post("/articles/" + slug + "/comments",
                       Encode({.comment = text, .email = "late@readers.example"}));
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(Has(r.body, "<pre class=\"unsent-text\">" + Escaped(text) + "</pre>"))
        << "the text is shown back";
  }
  EXPECT_TRUE(site.ListedFrom("late@readers.example").empty());

  auto fresh = site.Get("/articles/fresh-today");
  EXPECT_TRUE(HasCommentForm(fresh.body));
  EXPECT_FALSE(Has(fresh.body, "comments-closed"));
  EXPECT_EQ(site.PostComment("fresh-today", {.email = "ontime@readers.example"}).response.status, 303);
}

TEST(CommentSettings, ApprovalShowsTheCommentAndCountsItEverywhere) {
  TestSite site({"CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"});
  ASSERT_TRUE(site.started()) << site.Log();
  const std::string page = "/articles/" + std::string(kArticle);
  const std::string card_link = "href=\"" + page + "#comments\">";
  auto before = site.Get(page).body;
  EXPECT_TRUE(Has(before, "class=\"comments-title\">Comments</h2>"));
  EXPECT_TRUE(Has(before, "class=\"comment-count\" href=\"#comments\">No comments</a>"));
  EXPECT_FALSE(Has(site.Get("/").body, card_link));

  auto p = site.PostComment(kArticle, {.comment = "Worth approving.", .email = "counted@readers.example"});
  ASSERT_EQ(p.response.status, 303);
  EXPECT_EQ(CommentItem(site.Get(page).body, p.id), "") << "held";
  EXPECT_TRUE(Has(site.Get(page).body, "class=\"comments-title\">Comments</h2>"))
      << "held comments are not counted";

  auto approve = RunChancery({"comments", "approve", "--data", site.data(), std::to_string(p.id)});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  auto after = site.Get(page).body;
  const std::string item = CommentItem(after, p.id);
  EXPECT_TRUE(Has(item, "Worth approving.")) << "visible on the next request";
  EXPECT_FALSE(Has(StartTag(item, "<li"), "comment-pending"));
  EXPECT_TRUE(Has(after, "class=\"comments-title\">1 comment</h2>"));
  EXPECT_TRUE(Has(after, "class=\"comment-count\" href=\"#comments\">1 comment</a>"));
  EXPECT_TRUE(Has(site.Get("/").body, card_link + "1 comment</a>"));

  auto second = site.PostComment(kArticle, {.comment = "And a second.", .email = "counted@readers.example"});
  ASSERT_EQ(second.response.status, 303);
  EXPECT_TRUE(Has(site.Get(page).body, "class=\"comments-title\">2 comments</h2>"));
  EXPECT_TRUE(Has(site.Get("/").body, card_link + "2 comments</a>"));
}

TEST(CommentSettings, LeadStoryOnTheHomePageShowsItsCommentCount) {
  TestSite site({"CHANCERY_COMMENTS_MODERATION=approve_all", "CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT=0"});
  ASSERT_TRUE(site.started()) << site.Log();
  std::smatch m;
  const std::string home = site.Get("/").body;
  ASSERT_TRUE(
      std::regex_search(home, m, std::regex("class=\"lead-title\"><a href=\"/articles/([a-z0-9-]+)\"")));
  const std::string lead = m[1];
  ASSERT_EQ(site.PostComment(lead, {.email = "lead@readers.example"}).response.status, 303);
  const std::string after = site.Get("/").body;
  const std::string section = Element(after, after.find("<section class=\"lead-story\""), "section");
  EXPECT_TRUE(Has(section, "1 comment")) << section;
}

}  // namespace
}  // namespace chancery::testing
