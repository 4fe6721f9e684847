#include "newsroom_client.h"

#include <gtest/gtest.h>

#include <cctype>

namespace chancery::testing {
namespace {

constexpr char kFormType[] = "application/x-www-form-urlencoded";

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Encode(const std::string& in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : in) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// The Set-Cookie line for `name` after "name=", up to its end. The harness
// keeps only the last header of a name, and sign-in sets two, so this
// reads the raw response.
std::string SetCookieLine(const HttpResponse& r, const std::string& name) {
  const std::string head = r.raw.substr(0, r.raw.find("\r\n\r\n"));
  const std::string needle = "\r\nset-cookie: " + Lower(name) + "=";
  const size_t at = Lower(head).find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return head.substr(start, head.find('\r', start) - start);
}

}  // namespace

std::string FormBody(const Fields& fields) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += Encode(k) + "=" + Encode(v);
  }
  return body;
}

std::string SetCookieValue(const HttpResponse& r, const std::string& name) {
  const std::string line = SetCookieLine(r, name);
  return line.substr(0, line.find(';'));
}

std::string SetCookieAttributes(const HttpResponse& r, const std::string& name) {
  const std::string line = SetCookieLine(r, name);
  const size_t semi = line.find(';');
  return semi == std::string::npos ? "" : line.substr(semi);
}

std::string CsrfOf(const std::string& page) {
  const std::string needle = "name=\"csrf\" value=\"";
  const size_t at = page.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return page.substr(start, page.find('"', start) - start);
}

Fields Browser::Cookie() const { return {{"Cookie", "chancery_session=" + session}}; }

HttpResponse Browser::Get(const std::string& target) const {
  auto r = HttpGet(port, target, Cookie());
  EXPECT_TRUE(r) << target;
  return r.value_or(HttpResponse{});
}

HttpResponse Browser::Post(const std::string& target, Fields fields, std::optional<std::string> csrf) const {
  const std::string token = csrf.value_or(this->csrf);
  if (!token.empty()) fields.insert(fields.begin(), {"csrf", token});
  auto headers = Cookie();
  headers.push_back({"Content-Type", kFormType});
  auto r = HttpRequest(port, "POST", target, headers, FormBody(fields));
  EXPECT_TRUE(r) << target;
  return r.value_or(HttpResponse{});
}

std::optional<Browser> SignIn(int port, const std::string& email, const std::string& password) {
  auto form = HttpGet(port, "/admin/login");
  if (!form || form->status != 200) return std::nullopt;
  const std::string nonce = SetCookieValue(*form, "chancery_login");
  auto r = HttpRequest(port, "POST", "/admin/login", {{"Content-Type", kFormType}, {"Cookie", "chancery_login=" + nonce}},
                       FormBody({{"csrf", CsrfOf(form->body)}, {"email", email}, {"password", password}}));
  if (!r || r->status != 303) return std::nullopt;
  Browser b{port, SetCookieValue(*r, "chancery_session"), ""};
  if (b.session.empty()) return std::nullopt;
  b.csrf = CsrfOf(b.Get("/admin/").body);
  if (b.csrf.empty()) return std::nullopt;
  return b;
}

bool AddUser(const std::string& data_dir, const std::string& email, const std::string& name, const std::string& role) {
  auto r = RunChancery({"user", "add", "--data", data_dir, "--email", email, "--name", name, "--role", role},
                       std::string(kPassword) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0;
}

std::unique_ptr<store::Store> OpenSiteStore(const std::string& data_dir) {
  auto s = store::Store::Open({.url = "sqlite:" + data_dir + "/chancery.db"});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

}  // namespace chancery::testing
