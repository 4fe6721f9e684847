#include "app/config.h"

#include "base/time.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <toml.hpp>
#include <vector>

#include <fmt/format.h>

namespace chancery::app {
namespace {

// One setting: where it lives and how to apply a string or TOML value to it.
struct Setting {
  std::string section;
  std::string key;
  enum class Kind { kString, kInt, kBool, kList } kind;
  std::string* s = nullptr;
  int64_t* i64 = nullptr;
  int* i32 = nullptr;
  bool* b = nullptr;
  std::vector<std::string>* list = nullptr;
};

std::vector<Setting> SettingsOf(Config& c) {
  using K = Setting::Kind;
  return {
      {"site", "title", K::kString, &c.site.title},
      {"site", "tagline", K::kString, &c.site.tagline},
      {"site", "description", K::kString, &c.site.description},
      {"site", "base_url", K::kString, &c.site.base_url},
      {"site", "language", K::kString, &c.site.language},
      {"site", "per_page", K::kInt, nullptr, nullptr, &c.site.per_page},
      {"site", "timezone", K::kString, &c.site.timezone},
      {"site", "date_format", K::kString, &c.site.date_format},
      {"server", "listen", K::kString, &c.server.listen},
      {"server", "threads", K::kInt, nullptr, nullptr, &c.server.threads},
      {"server", "worker_threads", K::kInt, nullptr, nullptr, &c.server.worker_threads},
      {"server", "write_threads", K::kInt, nullptr, nullptr, &c.server.write_threads},
      {"server", "max_body_bytes", K::kInt, nullptr, &c.server.max_body_bytes},
      {"server", "max_header_bytes", K::kInt, nullptr, &c.server.max_header_bytes},
      {"server", "read_timeout_ms", K::kInt, nullptr, nullptr, &c.server.read_timeout_ms},
      {"server", "idle_timeout_ms", K::kInt, nullptr, nullptr, &c.server.idle_timeout_ms},
      {"server", "access_log", K::kBool, nullptr, nullptr, nullptr, &c.server.access_log},
      {"server", "trusted_proxy", K::kString, &c.server.trusted_proxy},
      {"cache", "enabled", K::kBool, nullptr, nullptr, nullptr, &c.cache.enabled},
      {"cache", "max_mb", K::kInt, nullptr, nullptr, &c.cache.max_mb},
      {"database", "url", K::kString, &c.database.url},
      {"database", "busy_timeout_ms", K::kInt, nullptr, nullptr, &c.database.busy_timeout_ms},
      {"theme", "dir", K::kString, &c.theme.dir},
      {"comments", "moderation", K::kString, &c.comments.moderation},
      {"comments", "hold_links_at", K::kInt, nullptr, nullptr, &c.comments.hold_links_at},
      {"comments", "require_prior_approval", K::kBool, nullptr, nullptr, nullptr, &c.comments.require_prior_approval},
      {"comments", "moderation_list", K::kList, nullptr, nullptr, nullptr, nullptr, &c.comments.moderation_list},
      {"comments", "disallowed_list", K::kList, nullptr, nullptr, nullptr, nullptr, &c.comments.disallowed_list},
      {"comments", "rate_limit_per_minute", K::kInt, nullptr, nullptr, &c.comments.rate_limit_per_minute},
      {"comments", "min_seconds_to_submit", K::kInt, nullptr, nullptr, &c.comments.min_seconds_to_submit},
      {"comments", "max_form_age_seconds", K::kInt, nullptr, nullptr, &c.comments.max_form_age_seconds},
      {"comments", "thread_depth", K::kInt, nullptr, nullptr, &c.comments.thread_depth},
      {"comments", "newest_first", K::kBool, nullptr, nullptr, nullptr, &c.comments.newest_first},
      {"comments", "close_after_days", K::kInt, nullptr, nullptr, &c.comments.close_after_days},
      {"comments", "edit_minutes", K::kInt, nullptr, nullptr, &c.comments.edit_minutes},
      {"admin", "session_idle_minutes", K::kInt, nullptr, nullptr, &c.admin.session_idle_minutes},
      {"admin", "session_max_days", K::kInt, nullptr, nullptr, &c.admin.session_max_days},
      {"comments", "ip_retention_days", K::kInt, nullptr, nullptr, &c.comments.ip_retention_days},
  };
}

Status SetInt(const Setting& s, int64_t v, std::string_view where) {
  if (v < 0) return Status::InvalidArgument(fmt::format("{}: {}.{} must not be negative", where, s.section, s.key));
  if (s.i64) *s.i64 = v;
  if (s.i32) {
    if (v > 1'000'000'000) return Status::InvalidArgument(fmt::format("{}: {}.{} is too large", where, s.section, s.key));
    *s.i32 = static_cast<int>(v);
  }
  return Status::Ok();
}

Status ApplyText(const Setting& s, const std::string& text, std::string_view where) {
  switch (s.kind) {
    case Setting::Kind::kString:
      *s.s = text;
      return Status::Ok();
    case Setting::Kind::kInt: {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0)
        return Status::InvalidArgument(fmt::format("{}: {}.{} must be a whole number, got '{}'", where, s.section, s.key, text));
      return SetInt(s, v, where);
    }
    case Setting::Kind::kBool:
      if (text == "true" || text == "1" || text == "yes" || text == "on") { *s.b = true; return Status::Ok(); }
      if (text == "false" || text == "0" || text == "no" || text == "off") { *s.b = false; return Status::Ok(); }
      return Status::InvalidArgument(fmt::format("{}: {}.{} must be true or false, got '{}'", where, s.section, s.key, text));
    case Setting::Kind::kList: {
      // One entry per line (an environment variable can hold newlines), or
      // entries separated by commas when there is no newline.
      s.list->clear();
      const char sep = text.find('\n') != std::string::npos ? '\n' : ',';
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string::npos) end = text.size();
        std::string entry = text.substr(start, end - start);
        while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.pop_back();
        size_t lead = 0;
        while (lead < entry.size() && std::isspace(static_cast<unsigned char>(entry[lead]))) ++lead;
        if (lead < entry.size()) s.list->push_back(entry.substr(lead));
        start = end + 1;
      }
      return Status::Ok();
    }
  }
  return Status::Internal("unreachable");
}

Status ApplyToml(const Setting& s, const toml::value& v, std::string_view where) {
  switch (s.kind) {
    case Setting::Kind::kString:
      if (!v.is_string()) return Status::InvalidArgument(fmt::format("{}: {}.{} must be a string", where, s.section, s.key));
      *s.s = v.as_string().str;
      return Status::Ok();
    case Setting::Kind::kInt:
      if (!v.is_integer()) return Status::InvalidArgument(fmt::format("{}: {}.{} must be an integer", where, s.section, s.key));
      return SetInt(s, v.as_integer(), where);
    case Setting::Kind::kBool:
      if (!v.is_boolean()) return Status::InvalidArgument(fmt::format("{}: {}.{} must be true or false", where, s.section, s.key));
      *s.b = v.as_boolean();
      return Status::Ok();
    case Setting::Kind::kList:
      if (!v.is_array()) return Status::InvalidArgument(fmt::format("{}: {}.{} must be an array of strings", where, s.section, s.key));
      s.list->clear();
      for (const auto& item : v.as_array()) {
        if (!item.is_string())
          return Status::InvalidArgument(fmt::format("{}: {}.{} must be an array of strings", where, s.section, s.key));
        if (!item.as_string().str.empty()) s.list->push_back(item.as_string().str);
      }
      return Status::Ok();
  }
  return Status::Internal("unreachable");
}

Status ApplyFile(const std::string& path, std::vector<Setting>& settings) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const std::exception& e) {
    // toml11's messages span several lines; keep the first, which says where.
    std::string msg = e.what();
    return Status::InvalidArgument(fmt::format("{}: invalid TOML: {}", path, msg));
  }
  if (!root.is_table()) return Status::InvalidArgument(path + ": not a TOML table");
  for (const auto& [section, table] : root.as_table()) {
    if (!table.is_table())
      return Status::InvalidArgument(fmt::format("{}: '{}' must be a [section]", path, section));
    for (const auto& [key, value] : table.as_table()) {
      const Setting* found = nullptr;
      for (const auto& s : settings)
        if (s.section == section && s.key == key) found = &s;
      if (found == nullptr) {
        // Sections later issues own ([comments], [insight]...) are accepted as
        // long as this binary does not know them at all.
        bool known_section = false;
        for (const auto& s : settings) known_section |= s.section == section;
        if (!known_section && section != "media" && section != "insight" &&
            section != "cache")
          return Status::InvalidArgument(fmt::format("{}: unknown section [{}]", path, section));
        if (known_section)
          return Status::InvalidArgument(fmt::format("{}: unknown setting {}.{}", path, section, key));
        continue;
      }
      CHANCERY_RETURN_IF_ERROR(ApplyToml(*found, value, path));
    }
  }
  return Status::Ok();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (ch == '\n') { out += "\\n"; continue; }
    out += ch;
  }
  return out + "\"";
}

}  // namespace

std::string Config::StoreUrl() const {
  if (!database.url.empty()) return database.url;
  return "sqlite:" + (std::filesystem::path(data_dir) / "chancery.db").string();
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> LoadConfig(const std::string& data_dir, const std::string& config_file,
                          const EnvLookup& env) {
  Config config;
  config.data_dir = data_dir;
  auto settings = SettingsOf(config);

  std::string path = config_file;
  if (path.empty()) {
    path = (std::filesystem::path(data_dir) / "chancery.toml").string();
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) CHANCERY_RETURN_IF_ERROR(ApplyFile(path, settings));
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return Status::NotFound(fmt::format("config file {} does not exist", path));
    CHANCERY_RETURN_IF_ERROR(ApplyFile(path, settings));
  }

  if (env) {
    for (const auto& s : settings) {
      const std::string name = "CHANCERY_" + Upper(s.section) + "_" + Upper(s.key);
      if (auto v = env(name)) CHANCERY_RETURN_IF_ERROR(ApplyText(s, *v, name));
    }
    // DESIGN.md's shorthand for choosing PostgreSQL.
    if (auto v = env("CHANCERY_DATABASE_URL")) config.database.url = *v;
  }

  if (config.server.threads < 1 || config.server.threads > 256)
    return Status::InvalidArgument("server.threads must be between 1 and 256");
  if (config.cache.max_mb < 1 || config.cache.max_mb > 65536)
    return Status::InvalidArgument("cache.max_mb must be between 1 and 65536");
  if (config.server.worker_threads < 1 || config.server.worker_threads > 256)
    return Status::InvalidArgument("server.worker_threads must be between 1 and 256");
  if (config.server.write_threads < 1 || config.server.write_threads > 256)
    return Status::InvalidArgument("server.write_threads must be between 1 and 256");
  if (config.site.per_page < 1 || config.site.per_page > 100)
    return Status::InvalidArgument("site.per_page must be between 1 and 100");
  if (auto zone = TimeZone::Load(config.site.timezone); !zone.ok())
    return Status::InvalidArgument("site.timezone: " + zone.status().message());
  if (!ParseDateFormat(config.site.date_format))
    return Status::InvalidArgument("site.date_format must be day_month_year, month_day_year or iso");
  while (!config.site.base_url.empty() && config.site.base_url.back() == '/') config.site.base_url.pop_back();
  if (config.site.base_url.rfind("http://", 0) != 0 && config.site.base_url.rfind("https://", 0) != 0)
    return Status::InvalidArgument("site.base_url must start with http:// or https://");
  const auto& cm = config.comments;
  if (cm.moderation != "default" && cm.moderation != "hold_all" && cm.moderation != "approve_all")
    return Status::InvalidArgument(fmt::format(
        "comments.moderation must be default, hold_all or approve_all, got '{}'", cm.moderation));
  if (cm.thread_depth < 1 || cm.thread_depth > 10)
    return Status::InvalidArgument("comments.thread_depth must be between 1 and 10");
  if (cm.max_form_age_seconds < 60)
    return Status::InvalidArgument("comments.max_form_age_seconds must be at least 60");
  if (cm.ip_retention_days < 1)
    return Status::InvalidArgument("comments.ip_retention_days must be at least 1");
  if (config.admin.session_idle_minutes < 1)
    return Status::InvalidArgument("admin.session_idle_minutes must be at least 1");
  if (config.admin.session_max_days < 1) return Status::InvalidArgument("admin.session_max_days must be at least 1");
  auto listen = ParseListen(config.server.listen);
  if (!listen.ok()) return listen.status();
  return config;
}

Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return Status::InvalidArgument(fmt::format("listen address '{}' must be host:port", listen));
  std::string host(listen.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text(listen.substr(colon + 1));
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535)
    return Status::InvalidArgument(fmt::format("listen address '{}' has no valid port", listen));
  return std::make_pair(host, static_cast<uint16_t>(port));
}

std::string DefaultConfigToml(const SiteConfig& site) {
  return fmt::format(
      R"(# Chancery configuration. Every setting can be overridden by an environment
# variable CHANCERY_<SECTION>_<KEY>, e.g. CHANCERY_SERVER_LISTEN=0.0.0.0:8080.

[site]
title = {}
tagline = {}
description = {}
# The public address of the site, used in feeds and canonical links.
base_url = {}
language = "en"
# Articles per page on the home, tag and author pages.
per_page = {}
# The zone dates are shown in and articles scheduled in (a name from
# /usr/share/zoneinfo, such as "Asia/Karachi"), and how dates read:
# day_month_year (29 November 2026), month_day_year or iso (2026-11-29).
timezone = "UTC"
date_format = "day_month_year"

[server]
# Address and port to listen on.
listen = "127.0.0.1:8080"
# Network threads, each running an event loop of its own (as many as cores).
threads = 2
# Threads reading the database and rendering pages (GET and HEAD).
# Cached pages never reach them.
worker_threads = 8
# Threads running posts: comments, sign-ins, the newsroom's saves. A post
# waits, idle, for its commit to reach the disk; posts waiting together
# share one flush, so more of these take more comments a second, and they
# never hold up the threads that render pages.
write_threads = 32
# Largest request body accepted, in bytes (413 beyond).
max_body_bytes = 1048576
# Largest request line plus headers, in bytes (431 beyond).
max_header_bytes = 16384
read_timeout_ms = 15000
idle_timeout_ms = 60000
access_log = true
# Behind a reverse proxy (nginx for TLS, say), its address, e.g. "127.0.0.1":
# requests from it take the client's address from the last X-Forwarded-For
# entry, so rate limits and moderation see each reader, not the proxy.
trusted_proxy = ""

[cache]
# Public pages are kept in memory, ready to send, until what they show
# changes (also when another process, such as this command line, writes).
enabled = true
# The most memory the cached pages may take, in MiB.
max_mb = 16

[database]
# Empty: the embedded SQLite database chancery.db in this folder.
# postgresql://user@host/db selects PostgreSQL.
url = ""
busy_timeout_ms = 5000

[theme]
# A folder with templates/ and static/ overriding the built-in theme.
dir = ""

[comments]
# default: the rules below decide; hold_all: every comment waits for a
# moderator; approve_all: every comment that is not spam is published.
moderation = "default"
# Hold a comment with this many links or more (0 turns the rule off).
hold_links_at = 2
# Hold a comment unless its email already has an approved comment.
require_prior_approval = true
# Words, names, emails, IP addresses or URL fragments: a comment containing
# one is held (moderation_list) or marked as spam (disallowed_list).
moderation_list = []
disallowed_list = []
# Accepted comments per IP address per minute (429 beyond); 0 turns it off.
rate_limit_per_minute = 5
# A form posted sooner than this after it was served, or later than
# max_form_age_seconds, is held as likely spam.
min_seconds_to_submit = 3
max_form_age_seconds = 86400
# Reply nesting shown; deeper replies attach at the last level.
thread_depth = 5
# Show the newest top-level comments first.
newest_first = false
# Close comments on articles published this many days ago (0: never).
close_after_days = 0
# How long a poster may edit or delete their own comment.
edit_minutes = 15
# Commenters' IP addresses are erased after this many days.
ip_retention_days = 30

[admin]
# A newsroom session ends after this many minutes without a request, and
# after session_max_days in any case.
session_idle_minutes = 720
session_max_days = 14
)",
      TomlString(site.title), TomlString(site.tagline), TomlString(site.description),
      TomlString(site.base_url), site.per_page);
}

}  // namespace chancery::app
