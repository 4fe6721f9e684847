#include "admin/people.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <ctime>
#include <functional>
#include <fmt/format.h>

#include "admin/auth.h"
#include "base/text.h"
#include "base/time.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;
using store::Role;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
const std::vector<Role> kAdminsOnly = {Role::kAdmin};

bool HasField(const Fields& fields, std::string_view name) {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
}

std::optional<int64_t> ParseInt(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// Printable text on one line: no control characters, valid UTF-8.
bool IsOneLine(std::string_view s) {
  if (!IsValidUtf8(s)) return false;
  return std::none_of(s.begin(), s.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
  });
}

Response Redirect(std::string location) {
  Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

std::string FormatDate(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string_view RoleLabel(Role role) {
  switch (role) {
    case Role::kAdmin: return "Administrator";
    case Role::kEditor: return "Editor";
    case Role::kAuthor: return "Author";
  }
  return "";
}

json::array RoleOptions(std::string_view selected) {
  json::array out;
  for (Role r : {Role::kAuthor, Role::kEditor, Role::kAdmin})
    out.push_back(json::object{{"value", store::ToString(r)},
                               {"label", RoleLabel(r)},
                               {"selected", store::ToString(r) == selected}});
  return out;
}

// True when `name` is an IANA zone with a file under /usr/share/zoneinfo and
// nothing in it can step outside that folder.

// ---- The settings the page edits ------------------------------------------------

enum class Kind { kText, kTextArea, kList, kInt, kBool, kSelect };

struct SettingField {
  const char* key;       // "site.title"
  const char* label;
  Kind kind;
  const char* fallback;  // the built-in default, as text
  const char* hint = "";
  int64_t min = 0;       // kInt range; kText/kTextArea: maximum characters in max
  int64_t max = 0;
  std::vector<std::pair<const char*, const char*>> options = {};  // kSelect: value, label
};

struct SettingGroup {
  const char* id;
  const char* title;
  std::vector<SettingField> fields;
};

const std::vector<SettingGroup>& Groups() {
  static const std::vector<SettingGroup> groups = {
      {"site",
       "Site",
       {
           {"site.title", "Site title", Kind::kText, "Chancery", "", 0, 200},
           {"site.tagline", "Tagline", Kind::kText, "Analysis and commentary", "Shown under the masthead.", 0, 300},
           {"site.description", "Description", Kind::kTextArea, "",
            "The home page's description for search engines and feeds.", 0, 1000},
           {"site.base_url", "Base URL", Kind::kText, "http://127.0.0.1:8080",
            "The public address, starting with https:// or http://; used in feeds and links.", 0, 200},
           {"site.timezone", "Time zone", Kind::kText, "UTC",
            "An IANA name such as Europe/London or Asia/Karachi.", 0, 64},
           {"site.date_format", "Date format", Kind::kSelect, "day_month_year", "", 0, 0,
            {{kDateFormats[0][0], kDateFormats[0][1]},
             {kDateFormats[1][0], kDateFormats[1][1]},
             {kDateFormats[2][0], kDateFormats[2][1]}}},
       }},
      {"comments",
       "Comments",
       {
           {"comments.moderation", "Moderation", Kind::kSelect, "default", "", 0, 0,
            {{"default", "Decide by the rules below"},
             {"hold_all", "Hold every comment for review"},
             {"approve_all", "Approve every comment that is not spam"}}},
           {"comments.hold_links_at", "Hold comments with this many links or more", Kind::kInt, "2", "0 turns this off.",
            0, 100},
           {"comments.require_prior_approval", "Hold a first comment until its email has an approved one", Kind::kBool,
            "true"},
           {"comments.moderation_list", "Moderation list", Kind::kList, "",
            "One word, name, email, IP address or URL part per line; a comment containing one is held.", 0, 200},
           {"comments.disallowed_list", "Disallowed list", Kind::kList, "",
            "One entry per line; a comment containing one is marked as spam.", 0, 200},
           {"comments.rate_limit_per_minute", "Comments per IP address per minute", Kind::kInt, "5", "0 turns the limit off.",
            0, 1000},
           {"comments.min_seconds_to_submit", "Least seconds between showing the form and posting it", Kind::kInt, "3",
            "Faster posts are held as likely spam.", 0, 3600},
           {"comments.close_after_days", "Close comments after this many days", Kind::kInt, "0", "0: never.", 0,
            36500},
           {"comments.thread_depth", "Reply nesting levels", Kind::kInt, "5", "From 1 to 10.", 1, 10},
           {"comments.newest_first", "Show the newest comments first", Kind::kBool, "false"},
       }},
      {"media",
       "Media",
       {
           {"media.max_upload_mb", "Largest upload (MB)", Kind::kInt, "10", "From 1 to 512.", 1, 512},
       }},
  };
  return groups;
}

std::string FieldId(std::string_view key) {
  std::string id(key);
  std::replace(id.begin(), id.end(), '.', '-');
  return "setting-" + id;
}

// Normalises a posted value; on success `out` holds what to store, else
// the error to show next to the field.
std::string CheckSetting(const SettingField& f, const Fields& fields, std::string& out) {
  const std::string raw = http::FormValue(fields, f.key);
  switch (f.kind) {
    case Kind::kBool:
      out = HasField(fields, f.key) && raw != "false" ? "true" : "false";
      return "";
    case Kind::kSelect:
      out = raw;
      for (const auto& [value, label] : f.options)
        if (raw == value) return "";
      return "Choose one of the options.";
    case Kind::kInt: {
      out = Trim(raw);
      auto v = ParseInt(out);
      if (!v) return "Enter a whole number.";
      if (*v < f.min || *v > f.max) return fmt::format("Enter a number from {} to {}.", f.min, f.max);
      out = std::to_string(*v);
      return "";
    }
    case Kind::kList: {
      if (!IsValidUtf8(raw)) return "The list is not valid UTF-8.";
      std::string joined;
      int count = 0;
      size_t start = 0;
      while (start <= raw.size()) {
        size_t end = raw.find('\n', start);
        if (end == std::string::npos) end = raw.size();
        std::string entry = Trim(std::string_view(raw).substr(start, end - start));
        start = end + 1;
        if (entry.empty()) continue;
        if (!IsOneLine(entry)) return "Entries cannot hold control characters.";
        if (entry.size() > static_cast<size_t>(f.max))
          return fmt::format("Each entry can be at most {} characters; “{}…” is longer.", f.max, entry.substr(0, 20));
        if (++count > 1000) return "The list can hold at most 1000 entries.";
        if (!joined.empty()) joined += '\n';
        joined += entry;
      }
      out = std::move(joined);
      return "";
    }
    case Kind::kText:
    case Kind::kTextArea: {
      out = Trim(raw);
      if (f.kind == Kind::kText ? !IsOneLine(out) : !IsValidUtf8(out))
        return "Use plain text on one line, without control characters.";
      if (out.size() > static_cast<size_t>(f.max)) return fmt::format("At most {} characters.", f.max);
      const std::string_view key = f.key;
      if (key == "site.title" && out.empty()) return "The site needs a title.";
      if (key == "site.base_url") {
        while (!out.empty() && out.back() == '/') out.pop_back();
        const bool https = out.rfind("https://", 0) == 0;
        const size_t host = https ? 8 : 7;
        if ((!https && out.rfind("http://", 0) != 0) || out.size() <= host || out.find(' ') != std::string::npos)
          return "Enter an address starting with https:// or http://, such as https://example.org.";
      }
      if (key == "site.timezone" && !TimeZone::Load(out).ok())
        return "Not a known time zone. Use an IANA name such as Europe/London, America/New_York or UTC.";
      return "";
    }
  }
  return "";
}

}  // namespace

struct PeoplePages::Impl {
  Admin& admin;
  SettingValues effective;
  std::function<void()> on_saved;

  store::Store& store() { return admin.store(); }

  Response StoreError(const Visitor& v, const Status& s, std::string_view what) {
    spdlog::error("admin: {}: {}", what, s.ToString());
    return admin.Message(503, &v, "The newsroom is unavailable",
                         "The database could not be reached just now. Nothing was changed; please try again.",
                         "/admin/");
  }

  // ---- Users -----------------------------------------------------------------

  struct NewUserForm {
    std::string email, name, role = "author";
    json::object errors;
  };

  Response UsersPage(const Visitor& v, int status, const NewUserForm& form, std::string notice) {
    auto users = store().ListUsers();
    if (!users.ok()) return StoreError(v, users.status(), "listing users");
    auto authors = store().ListAuthors();
    json::array rows;
    for (const auto& u : *users) {
      std::string author;
      if (authors.ok())
        for (const auto& a : *authors)
          if (a.id == u.author_id) author = a.name;
      rows.push_back(json::object{{"id", u.id},
                                  {"name", u.name},
                                  {"email", u.email},
                                  {"role", store::ToString(u.role)},
                                  {"role_label", RoleLabel(u.role)},
                                  {"author", author},
                                  {"created", FormatDate(u.created_at)},
                                  {"is_me", u.id == v.user.id}});
    }
    json::object view{{"title", "Users"},
                      {"users", std::move(rows)},
                      {"form", json::object{{"email", form.email}, {"name", form.name}}},
                      {"roles", RoleOptions(form.role)},
                      {"errors", form.errors},
                      {"has_errors", !form.errors.empty()},
                      {"min_password", kMinPasswordChars}};
    if (!notice.empty()) view["notice"] = std::move(notice);
    return admin.Render(status, "users", "users", v, std::move(view));
  }

  Response ListUsers(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    std::string notice;
    if (request.QueryParam("added")) notice = "The user was added and can now sign in.";
    if (request.QueryParam("saved")) notice = "The user was saved.";
    return UsersPage(v, 200, NewUserForm{}, notice);
  }

  Response AddUser(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    NewUserForm form{Trim(http::FormValue(fields, "email")), Trim(http::FormValue(fields, "name")),
                     http::FormValue(fields, "role"), {}};
    for (auto& ch : form.email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string password = http::FormValue(fields, "password");
    const std::string again = http::FormValue(fields, "confirm_password");

    const auto at = form.email.find('@');
    if (form.email.empty() || at == 0 || at == std::string::npos || at + 1 >= form.email.size() ||
        form.email.size() > 254 || !IsOneLine(form.email) || form.email.find(' ') != std::string::npos)
      form.errors["email"] = "Enter an email address such as name@example.org.";
    if (form.name.empty() || form.name.size() > 100 || !IsOneLine(form.name))
      form.errors["name"] = "Enter a name of at most 100 characters.";
    auto role = store::ParseRole(form.role);
    if (!role) form.errors["role"] = "Choose a role.";
    if (password.size() < kMinPasswordChars)
      form.errors["password"] = fmt::format("The password must be at least {} characters long.", kMinPasswordChars);
    else if (password.size() > kMaxPasswordBytes)
      form.errors["password"] = "The password is too long.";
    else if (password != again)
      form.errors["confirm_password"] = "The two passwords differ.";
    if (!form.errors.contains("email")) {
      auto existing = store().FindUserByEmail(form.email);
      if (!existing.ok()) return StoreError(v, existing.status(), "finding a user");
      if (existing.value()) form.errors["email"] = "A user with this email already exists.";
    }
    if (!form.errors.empty()) return UsersPage(v, 422, form, "");

    auto hash = HashPassword(password);
    if (!hash.ok()) {
      form.errors["password"] = std::string(hash.status().message());
      return UsersPage(v, hash.status().code() == Status::Code::kUnavailable ? 503 : 422, form, "");
    }
    store::User user;
    user.email = form.email;
    user.name = form.name;
    user.role = *role;
    user.password_hash = *hash;
    user.created_at = admin.Now();
    auto added = store().AddUser(user);
    if (added.status().code() == Status::Code::kAlreadyExists) {
      form.errors["email"] = "A user with this email already exists.";
      return UsersPage(v, 422, form, "");
    }
    if (!added.ok()) return StoreError(v, added.status(), "adding a user");
    spdlog::info("{} added the user {} ({})", v.user.email, added->email, store::ToString(added->role));
    return Redirect("/admin/users?added=1");
  }

  Response UserForm(const Visitor& v, int status, const store::User& user, const std::string& name,
                    const std::string& role, int64_t author_id, json::object errors) {
    auto authors = store().ListAuthors();
    if (!authors.ok()) return StoreError(v, authors.status(), "listing authors");
    json::array author_options;
    author_options.push_back(json::object{{"id", 0}, {"name", "None"}, {"selected", author_id == 0}});
    for (const auto& a : *authors)
      author_options.push_back(json::object{{"id", a.id}, {"name", a.name}, {"selected", a.id == author_id}});
    json::object view{{"title", fmt::format("Edit {}", user.name)},
                      {"user", json::object{{"id", user.id},
                                            {"email", user.email},
                                            {"name", name},
                                            {"created", FormatDate(user.created_at)},
                                            {"is_me", user.id == v.user.id}}},
                      {"roles", RoleOptions(role)},
                      {"authors", std::move(author_options)},
                      {"has_errors", !errors.empty()},
                      {"errors", std::move(errors)}};
    return admin.Render(status, "user-edit", "users", v, std::move(view));
  }

  Result<std::optional<store::User>> FindUser(const Request& request) {
    auto id = ParseInt(request.Param("id"));
    if (!id || *id <= 0) return std::optional<store::User>();
    return store().FindUser(*id);
  }

  Response EditUser(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto user = FindUser(request);
    if (!user.ok()) return StoreError(v, user.status(), "finding a user");
    if (!user.value()) return admin.Message(404, &v, "No such user", "That user does not exist.", "/admin/users");
    const auto& u = *user.value();
    return UserForm(v, 200, u, u.name, std::string(store::ToString(u.role)), u.author_id, {});
  }

  Response SaveUser(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto found = FindUser(request);
    if (!found.ok()) return StoreError(v, found.status(), "finding a user");
    if (!found.value()) return admin.Message(404, &v, "No such user", "That user does not exist.", "/admin/users");
    store::User user = *found.value();
    const auto fields = http::ParseForm(request.body);
    const std::string name = Trim(http::FormValue(fields, "name"));
    const std::string role_name = http::FormValue(fields, "role");
    const auto author_id = ParseInt(http::FormValue(fields, "author_id")).value_or(-1);
    json::object errors;
    if (name.empty() || name.size() > 100 || !IsOneLine(name)) errors["name"] = "Enter a name of at most 100 characters.";
    auto role = store::ParseRole(role_name);
    if (!role) errors["role"] = "Choose a role.";
    auto authors = store().ListAuthors();
    if (!authors.ok()) return StoreError(v, authors.status(), "listing authors");
    if (author_id != 0 && std::none_of(authors->begin(), authors->end(),
                                       [&](const store::Author& a) { return a.id == author_id; }))
      errors["author_id"] = "Choose an author profile from the list, or none.";
    if (role && user.role == Role::kAdmin && *role != Role::kAdmin) {
      auto users = store().ListUsers();
      if (!users.ok()) return StoreError(v, users.status(), "listing users");
      const auto admins = std::count_if(users->begin(), users->end(),
                                        [](const store::User& u) { return u.role == Role::kAdmin; });
      if (admins <= 1)
        errors["role"] = "This is the last administrator. Make someone else an administrator first, so the site "
                         "always has one.";
    }
    if (!errors.empty())
      return UserForm(v, 422, user, name, role_name, author_id < 0 ? 0 : author_id, std::move(errors));
    user.name = name;
    user.role = *role;
    user.author_id = author_id;
    Status s = store().UpdateUser(user);
    if (!s.ok()) return StoreError(v, s, "saving a user");
    spdlog::info("{} changed the user {} (role {})", v.user.email, user.email, store::ToString(user.role));
    return Redirect("/admin/users?saved=1");
  }

  // ---- Settings ------------------------------------------------------------------

  // What the form shows for `f`: the stored value, else the running
  // configuration's, else the built-in default.
  Result<std::string> CurrentValue(const SettingField& f) {
    auto stored = store().GetSetting(f.key);
    if (!stored.ok()) return stored.status();
    if (stored.value()) return *stored.value();
    if (auto it = effective.find(f.key); it != effective.end()) return it->second;
    return std::string(f.fallback);
  }

  // `values` and `errors` are keyed by setting key.
  Response SettingsPage(const Visitor& v, int status, const std::map<std::string, std::string>& values,
                        const std::map<std::string, std::string>& errors, bool saved) {
    json::array groups;
    for (const auto& g : Groups()) {
      json::array fields;
      for (const auto& f : g.fields) {
        const std::string value = values.count(f.key) ? values.at(f.key) : "";
        json::object field{{"key", f.key},
                           {"id", FieldId(f.key)},
                           {"label", f.label},
                           {"hint", f.hint},
                           {"value", value},
                           {"is_text", f.kind == Kind::kText},
                           {"is_textarea", f.kind == Kind::kTextArea || f.kind == Kind::kList},
                           {"is_number", f.kind == Kind::kInt},
                           {"is_checkbox", f.kind == Kind::kBool},
                           {"is_select", f.kind == Kind::kSelect},
                           {"checked", value == "true"}};
        if (f.kind == Kind::kInt) {
          field["min"] = f.min;
          field["max"] = f.max;
        }
        if (f.kind == Kind::kText) field["maxlength"] = f.max;
        if (f.kind == Kind::kSelect) {
          json::array options;
          for (const auto& [ov, ol] : f.options)
            options.push_back(json::object{{"value", ov}, {"label", ol}, {"selected", value == ov}});
          field["options"] = std::move(options);
        }
        if (auto it = errors.find(f.key); it != errors.end()) field["error"] = it->second;
        fields.push_back(std::move(field));
      }
      groups.push_back(json::object{{"id", g.id}, {"title", g.title}, {"fields", std::move(fields)}});
    }
    json::object view{{"title", "Settings"}, {"groups", std::move(groups)}, {"has_errors", !errors.empty()}};
    if (saved) view["notice"] = "The settings were saved and apply from now on.";
    return admin.Render(status, "settings", "settings", v, std::move(view));
  }

  Response ShowSettings(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    std::map<std::string, std::string> values;
    for (const auto& group : Groups())
      for (const auto& f : group.fields) {
        auto value = CurrentValue(f);
        if (!value.ok()) return StoreError(v, value.status(), "reading settings");
        values[f.key] = *value;
      }
    return SettingsPage(v, 200, values, {}, request.QueryParam("saved").has_value());
  }

  Response SaveSettings(const Request& request) {
    auto g = admin.Guard(request, kAdminsOnly);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    std::map<std::string, std::string> values, errors;
    for (const auto& group : Groups())
      for (const auto& f : group.fields) {
        std::string out;
        std::string error = CheckSetting(f, fields, out);
        if (!error.empty()) {
          errors[f.key] = std::move(error);
          values[f.key] = http::FormValue(fields, f.key);  // as typed, to fix
        } else {
          values[f.key] = std::move(out);
        }
      }
    if (!errors.empty()) return SettingsPage(v, 422, values, errors, false);
    for (const auto& [key, value] : values) {
      Status s = store().PutSetting(key, value);
      if (!s.ok()) return StoreError(v, s, "saving settings");
    }
    spdlog::info("{} saved the settings", v.user.email);
    if (on_saved) on_saved();
    return Redirect("/admin/settings?saved=1");
  }
};

PeoplePages::PeoplePages(Admin& admin, SettingValues effective, std::function<void()> on_saved)
    : impl_(std::make_shared<Impl>(Impl{admin, std::move(effective), std::move(on_saved)})) {}
PeoplePages::~PeoplePages() = default;

void PeoplePages::RegisterRoutes(http::Router& router) {
  std::shared_ptr<Impl> impl = impl_;
  router.Get("/admin/users", [impl](const Request& r) { return impl->ListUsers(r); });
  router.Post("/admin/users", [impl](const Request& r) { return impl->AddUser(r); });
  router.Get("/admin/users/:id", [impl](const Request& r) { return impl->EditUser(r); });
  router.Post("/admin/users/:id", [impl](const Request& r) { return impl->SaveUser(r); });
  router.Get("/admin/settings", [impl](const Request& r) { return impl->ShowSettings(r); });
  router.Post("/admin/settings", [impl](const Request& r) { return impl->SaveSettings(r); });
}

}  // namespace chancery::admin
