// chancery/admin: the people and the policy — /admin/users and /admin/settings.
//
// Admin only. Users: list, create (with a password typed twice), change a
// user's name, role and author profile; the last administrator can never be
// demoted, so the site always has someone who can reach these pages.
// Settings: the site's title, tagline, description, base URL, time zone and
// date format, the comment policy and lists, and the media size limit,
// validated field by field and stored as "site.*", "comments.*" and
// "media.*" settings (app::ApplyStoredSettings overlays them on the
// configuration at start, and again after each save through the
// `on_saved` hook, so they apply at once). Thread-safe, as Admin is.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "admin/admin.h"
#include "http/http.h"

namespace chancery::admin {

// The value each setting has when nothing is stored for it ("site.title" →
// "Chancery"), as text: lists one entry per line, booleans "true"/"false".
// Keys missing here fall back to the built-in defaults.
using SettingValues = std::map<std::string, std::string>;

class PeoplePages {
 public:
  // `admin` must outlive the pages. `effective` holds the values the running
  // configuration uses (chancery.toml and the environment included), shown
  // for settings that were never saved from the admin.
  // `on_saved` runs after the settings page stored new values.
  explicit PeoplePages(Admin& admin, SettingValues effective = {}, std::function<void()> on_saved = {});
  ~PeoplePages();
  PeoplePages(const PeoplePages&) = delete;
  PeoplePages& operator=(const PeoplePages&) = delete;

  // GET|POST /admin/users, GET|POST /admin/users/:id, GET|POST /admin/settings.
  void RegisterRoutes(http::Router& router);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The date formats the settings page offers, by stored value.
inline constexpr const char* kDateFormats[][2] = {
    {"day_month_year", "29 November 2026"},
    {"month_day_year", "November 29, 2026"},
    {"iso", "2026-11-29"},
};

}  // namespace chancery::admin
