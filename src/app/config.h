// chancery/app: the site's configuration — `chancery.toml` in the data folder,
// overridden by CHANCERY_<SECTION>_<KEY> environment variables.
//
// Every setting has a default here, so an empty chancery.toml is valid.
// Loading is pure (the environment is passed in), so tests need no globals.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery::app {

struct SiteConfig {
  std::string title = "Chancery";                        // site name in the masthead and feeds
  std::string tagline = "Analysis and commentary";        // shown under the masthead
  std::string description = "";                          // meta description for the home page
  std::string base_url = "http://127.0.0.1:8080";        // absolute URL for feeds, canonical links
  std::string language = "en";                           // <html lang>
  int per_page = 10;                                     // articles per list page
  std::string timezone = "UTC";                          // dates on pages; "schedule at" in the newsroom
  std::string date_format = "day_month_year";            // day_month_year, month_day_year or iso
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // address:port to listen on
  int threads = 2;                        // event-loop threads
  int worker_threads = 8;                 // threads for reads and rendering (GET, HEAD)
  int write_threads = 32;                 // threads for posts and other writes
  int64_t max_body_bytes = 1 << 20;       // request body limit (413 beyond)
  int64_t max_header_bytes = 16 * 1024;   // request head limit (431 beyond)
  int read_timeout_ms = 15000;            // to receive one request
  int idle_timeout_ms = 60000;            // keep-alive wait between requests
  bool access_log = true;                 // one line per request on stderr
  std::string trusted_proxy = "";         // a reverse proxy's address whose X-Forwarded-For is believed
};

struct CacheConfig {
  bool enabled = true;  // keep rendered public pages in memory (site/cached_pages.h)
  int max_mb = 16;      // the cache's byte budget, in MiB
};

struct DatabaseConfig {
  std::string url = "";  // empty: SQLite at <data>/chancery.db; or postgresql://...
  int busy_timeout_ms = 5000;  // how long a writer waits for a lock
};

struct ThemeConfig {
  std::string dir = "";  // a theme folder overriding the built-in theme; empty for built-in
};

// Reader comments: the moderation policy and the spam defences. The
// defaults are WordPress's discussion defaults where it has one.
struct CommentsConfig {
  std::string moderation = "default";  // default | hold_all | approve_all
  int hold_links_at = 2;               // hold with this many links or more; 0 off
  bool require_prior_approval = true;  // hold a first comment from an email
  std::vector<std::string> moderation_list;  // words, names, emails, IPs, URL parts → hold
  std::vector<std::string> disallowed_list;  // the same → spam
  int rate_limit_per_minute = 5;       // accepted comments per IP per minute; 0 off
  int min_seconds_to_submit = 3;       // a form posted sooner is held as likely spam
  int max_form_age_seconds = 86400;    // a form older than this is held
  int thread_depth = 5;                // nesting levels shown; deeper replies attach at the last
  bool newest_first = false;           // order of top-level comments
  int close_after_days = 0;            // close comments on articles older than this; 0 never
  int edit_minutes = 15;               // a poster may edit or delete their comment this long
  int ip_retention_days = 30;          // commenters' IP addresses are erased after this
};

// The newsroom under /admin/.
struct AdminConfig {
  int session_idle_minutes = 720;  // signed out after this long without a request
  int session_max_days = 14;       // and after this long in any case
};

struct Config {
  std::string data_dir;  // the --data folder
  SiteConfig site;
  ServerConfig server;
  CacheConfig cache;
  DatabaseConfig database;
  ThemeConfig theme;
  CommentsConfig comments;
  AdminConfig admin;

  // The store URL this configuration selects.
  std::string StoreUrl() const;
};

// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup ProcessEnvironment();

// Reads `config_file` (default <data_dir>/chancery.toml; a missing default file
// is fine, a missing explicit one is an error), then applies environment
// overrides. Unknown sections or keys are errors, so typos do not pass
// silently. Errors name the file, the key and what was wrong.
Result<Config> LoadConfig(const std::string& data_dir, const std::string& config_file,
                          const EnvLookup& env);

// The text of a fresh chancery.toml for `init`, with every setting and its
// meaning as comments.
std::string DefaultConfigToml(const SiteConfig& site);

// Splits "host:port"; port 0..65535.
Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view listen);

}  // namespace chancery::app
