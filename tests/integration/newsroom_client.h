// What the newsroom's integration tests share: a signed-in "browser" (its
// session cookie and CSRF token) that talks to a real `chancery serve`, and
// the small helpers around it (accounts made with the command line, form
// bodies, cookies and tokens read off responses, the site's store).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "store/store.h"

namespace chancery::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Every account these tests create has this password.
inline constexpr char kPassword[] = "a long enough password";

// application/x-www-form-urlencoded.
std::string FormBody(const Fields& fields);
// The value of cookie `name` among the response's Set-Cookie headers, and
// the whole header line's attributes (everything after the value).
std::string SetCookieValue(const HttpResponse& r, const std::string& name);
std::string SetCookieAttributes(const HttpResponse& r, const std::string& name);
// The first hidden csrf field's value on a page.
std::string CsrfOf(const std::string& page);

// A signed-in browser.
struct Browser {
  int port = 0;
  std::string session;
  std::string csrf;

  Fields Cookie() const;
  HttpResponse Get(const std::string& target) const;
  // Posts `fields` with this session's token first, unless `csrf` says
  // otherwise ("" sends none).
  HttpResponse Post(const std::string& target, Fields fields, std::optional<std::string> csrf = std::nullopt) const;
};

// Signs in through /admin/login as a person would (the form's token and
// nonce cookie first); nullopt when sign-in does not succeed.
std::optional<Browser> SignIn(int port, const std::string& email, const std::string& password = kPassword);

// `chancery user add` with kPassword on standard input.
bool AddUser(const std::string& data_dir, const std::string& email, const std::string& name, const std::string& role);

// The site's database, opened beside the running server.
std::unique_ptr<store::Store> OpenSiteStore(const std::string& data_dir);

}  // namespace chancery::testing
