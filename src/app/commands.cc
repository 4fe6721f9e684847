#include "app/commands.h"

#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "admin/actors.h"
#include "admin/admin.h"
#include "admin/articles.h"
#include "admin/authors.h"
#include "admin/media_pages.h"
#include "admin/people.h"
#include "admin/queue.h"
#include "app/cli_common.h"
#include "app/config.h"
#include "app/demo.h"
#include "app/insight_service.h"
#include "app/stored_settings.h"
#include "base/embedded.h"
#include "http/middleware.h"
#include "http/server.h"
#include "importers/markdown.h"
#include "site/cached_pages.h"
#include "site/site.h"
#include "store/store.h"
#include "theme/theme.h"

namespace fs = std::filesystem;

namespace chancery::app {
namespace {

// Writes `text` to `path` through a temporary file and a rename, so a crash
// never leaves half a file.
Status WriteFileAtomically(const fs::path& path, std::string_view text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IoError(fmt::format("cannot write {}", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError(fmt::format("cannot rename {}: {}", tmp.string(), ec.message()));
  return Status::Ok();
}

std::string MimeTypeFor(std::string_view bytes, std::string_view name) {
  auto starts = [&](std::string_view magic) { return bytes.substr(0, magic.size()) == magic; };
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xff\xd8\xff")) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (bytes.size() > 12 && starts("RIFF") && bytes.substr(8, 4) == "WEBP") return "image/webp";
  if (name.ends_with(".svg") && bytes.find("<svg") != std::string_view::npos) return "image/svg+xml";
  return "";
}

// Width and height from an SVG's viewBox, for layout without reflow.
std::pair<int, int> SvgSize(std::string_view svg) {
  const auto pos = svg.find("viewBox=\"");
  if (pos == std::string_view::npos) return {0, 0};
  std::istringstream in(std::string(svg.substr(pos + 9, 64)));
  double x = 0, y = 0, w = 0, h = 0;
  if (!(in >> x >> y >> w >> h)) return {0, 0};
  return {static_cast<int>(w), static_cast<int>(h)};
}

Status LoadDemo(store::Store& store, int64_t now) {
  namespace json = boost::json;
  const auto files = demo::Files();

  auto site = FindEmbedded(files, "site.json");
  if (site) {
    boost::system::error_code ec;
    auto v = json::parse(*site, ec);
    if (ec || !v.is_object()) return Status::Corruption("demo site.json is not a JSON object");
    for (const char* key : {"title", "tagline", "description"})
      if (auto* s = v.as_object().if_contains(key); s && s->is_string())
        CHANCERY_RETURN_IF_ERROR(store.PutSetting(std::string("site.") + key, s->as_string().c_str()));
  }

  if (auto authors = FindEmbedded(files, "authors.json")) {
    boost::system::error_code ec;
    auto v = json::parse(*authors, ec);
    if (ec || !v.is_array()) return Status::Corruption("demo authors.json is not a JSON array");
    for (const auto& item : v.as_array()) {
      if (!item.is_object()) continue;
      const auto& o = item.as_object();
      auto str = [&](const char* k) {
        auto* p = o.if_contains(k);
        return p && p->is_string() ? std::string(p->as_string().c_str()) : std::string();
      };
      store::Author author;
      author.slug = str("slug");
      author.name = str("name");
      author.bio = str("bio");
      author.affiliation = str("affiliation");
      author.disclosure = str("disclosure");
      auto saved = store.UpsertAuthor(author);
      if (!saved.ok()) return saved.status().WithContext("demo author " + author.slug);
    }
  }

  std::map<std::string, std::pair<int, int>> image_sizes;
  for (const auto& f : files) {
    if (!f.path.starts_with("media/")) continue;
    store::Media m;
    m.name = std::string(f.path.substr(6));
    m.bytes = std::string(f.data);
    m.mime_type = MimeTypeFor(f.data, m.name);
    if (m.mime_type.empty()) continue;
    if (m.mime_type == "image/svg+xml") std::tie(m.width, m.height) = SvgSize(f.data);
    m.created_at = now;
    auto saved = store.PutMedia(m);
    if (!saved.ok()) return saved.status().WithContext("demo media " + m.name);
    image_sizes["/media/" + m.name] = {m.width, m.height};
  }

  for (const auto& f : files) {
    if (!f.path.starts_with("articles/") || !f.path.ends_with(".md")) continue;
    auto article = importers::ParseMarkdownArticle(f.data, f.path, now);
    if (!article.ok()) return article.status();
    if (auto it = image_sizes.find(article->image.url); it != image_sizes.end())
      std::tie(article->image.width, article->image.height) = it->second;
    auto saved = store.SaveArticle(*article);
    if (!saved.ok()) return saved.status().WithContext(std::string(f.path));
  }
  return Status::Ok();
}

Result<std::unique_ptr<store::Store>> OpenStore(const Config& config) {
  store::StoreOptions options;
  options.url = config.StoreUrl();
  options.busy_timeout_ms = config.database.busy_timeout_ms;
  return store::Store::Open(options);
}

comments::PipelineSettings PipelineSettingsFrom(const CommentsConfig& c) {
  comments::PipelineSettings p;
  auto& m = p.moderation;
  m.mode = c.moderation == "hold_all"      ? comments::ModerationSettings::Mode::kHoldAll
           : c.moderation == "approve_all" ? comments::ModerationSettings::Mode::kApproveAll
                                           : comments::ModerationSettings::Mode::kDefault;
  m.hold_links_at = c.hold_links_at;
  m.require_prior_approval = c.require_prior_approval;
  m.moderation_list = c.moderation_list;
  m.disallowed_list = c.disallowed_list;
  m.min_seconds_to_submit = c.min_seconds_to_submit;
  m.max_form_age_seconds = c.max_form_age_seconds;
  p.rate_limit_per_minute = c.rate_limit_per_minute;
  p.thread_depth = c.thread_depth;
  p.newest_first = c.newest_first;
  p.close_after_days = c.close_after_days;
  p.edit_minutes = c.edit_minutes;
  return p;
}

// Erases commenters' IP addresses older than the retention period and runs
// `more` (the admin's pruning): once at start and then hourly, on its own
// thread, until destroyed.
class Housekeeping {
 public:
  Housekeeping(store::Store& store, int retention_days, std::function<void()> more)
      : store_(store),
        retention_seconds_(int64_t{retention_days} * 86400),
        more_(std::move(more)),
        thread_([this] { Loop(); }) {}
  ~Housekeeping() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      auto erased = store_.EraseIpsOlderThan(Now() - retention_seconds_);
      if (!erased.ok())
        spdlog::error("erasing old commenter IP addresses: {}", erased.status().ToString());
      else if (*erased > 0)
        spdlog::info("erased the IP addresses of {} comments older than the retention period", *erased);
      if (more_) more_();
      lock.lock();
      cv_.wait_for(lock, std::chrono::hours(1), [this] { return stop_; });
    }
  }

  store::Store& store_;
  const int64_t retention_seconds_;
  std::function<void()> more_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Every open connection takes a file descriptor, and the usual soft limit
// (1,024) is far below the server's max_connections (10,000): the soft
// limit is raised to `wanted`, or as far as the hard limit lets, as Go's
// runtime does for its servers. A warning says when it falls short.
void RaiseOpenFileLimit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t target = std::min(wanted, limit.rlim_max);
  if (limit.rlim_cur < target) {
    rlimit raised = limit;
    raised.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur < wanted)
    spdlog::warn(
        "open files are limited to {} (ulimit -n), fewer than the {} the server may need; connections past "
        "that are refused",
        static_cast<uint64_t>(limit.rlim_cur), static_cast<uint64_t>(wanted));
}

}  // namespace

int RunInit(const InitOptions& options) {
  const fs::path data(options.data_dir);
  std::error_code ec;
  if (fs::exists(data / "chancery.db", ec) || fs::exists(data / "chancery.toml", ec))
    return Fail(fmt::format("{} already holds a site (chancery.db or chancery.toml exists); choose another folder",
                            data.string()));
  if (fs::exists(data, ec) && !fs::is_directory(data, ec))
    return Fail(fmt::format("{} exists and is not a folder", data.string()));

  // Build the site in a sibling folder and move it into place at the end, so
  // a failure never leaves a half-made site behind.
  const fs::path staging = data.string() + fmt::format(".init-{}", ::getpid());
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Fail(fmt::format("cannot create {}: {}", staging.string(), ec.message()));
  auto cleanup = [&] { fs::remove_all(staging, ec); };

  const int64_t now = Now();
  SiteConfig site;
  {
    store::StoreOptions so;
    so.url = "sqlite:" + (staging / "chancery.db").string();
    auto store = store::Store::Open(so);
    if (!store.ok()) { cleanup(); return Fail(store.status().ToString()); }
    if (options.demo) {
      Status s = LoadDemo(**store, now);
      if (!s.ok()) { cleanup(); return Fail("loading demo content: " + s.ToString()); }
      for (const char* key : {"title", "tagline", "description"}) {
        auto v = (*store)->GetSetting(std::string("site.") + key);
        if (v.ok() && v.value()) {
          std::string& field = key == std::string_view("title") ? site.title
                               : key == std::string_view("tagline") ? site.tagline : site.description;
          field = *v.value();
        }
      }
    }
  }
  Status s = WriteFileAtomically(staging / "chancery.toml", DefaultConfigToml(site));
  if (!s.ok()) { cleanup(); return Fail(s.ToString()); }

  // Move into place: rename onto a missing or empty folder.
  if (fs::exists(data, ec)) {
    if (!fs::is_empty(data, ec)) {
      // Not empty but no site: move our files in one by one.
      for (const char* name : {"chancery.db", "chancery.toml"}) {
        fs::rename(staging / name, data / name, ec);
        if (ec) { cleanup(); return Fail(fmt::format("cannot move {} into {}: {}", name, data.string(), ec.message())); }
      }
      cleanup();
    } else {
      fs::rename(staging, data, ec);
    }
  } else {
    if (data.has_parent_path()) fs::create_directories(data.parent_path(), ec);
    fs::rename(staging, data, ec);
  }
  if (ec) { cleanup(); return Fail(fmt::format("cannot create {}: {}", data.string(), ec.message())); }

  std::cout << fmt::format("Created a new site in {}{}\n", data.string(),
                           options.demo ? " with the demo publication" : "");
  std::cout << fmt::format("Start it with: chancery serve --data {}\n", data.string());
  return 0;
}

// What the public site needs of the configuration.
site::SiteOptions SiteOptionsFrom(const Config& config) {
  site::SiteOptions o;
  o.title = config.site.title;
  o.tagline = config.site.tagline;
  o.description = config.site.description;
  o.base_url = config.site.base_url;
  o.language = config.site.language;
  o.per_page = config.site.per_page;
  o.dates.format = ParseDateFormat(config.site.date_format).value_or(DateFormat::kDayMonthYear);
  auto zone = TimeZone::Load(config.site.timezone);
  if (zone.ok())
    o.dates.zone = *zone;
  else
    spdlog::warn("site.timezone: {}; showing dates in UTC", zone.status().ToString());
  o.comments = PipelineSettingsFrom(config.comments);
  return o;
}

int RunServe(const ServeOptions& options) {
  // A server of a dozen threads: glibc would give most of them a malloc
  // arena of their own, each keeping freed memory. Two arenas hold the
  // memory of a busy site to a fraction at no measurable cost in speed.
  mallopt(M_ARENA_MAX, 2);
  spdlog::set_default_logger(spdlog::stderr_color_mt("chancery"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  std::error_code ec;
  if (!fs::exists(fs::path(options.data_dir) / "chancery.db", ec) && !std::getenv("CHANCERY_DATABASE_URL"))
    return Fail(fmt::format("{} holds no site; create one with: chancery init --data {} --demo", options.data_dir,
                            options.data_dir));
  auto config = LoadConfig(options.data_dir, options.config_file, ProcessEnvironment());
  if (!config.ok()) return Fail(config.status().message());
  if (!options.listen.empty()) config->server.listen = options.listen;
  auto listen = ParseListen(config->server.listen);
  if (!listen.ok()) return Fail(listen.status().message());

  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status().ToString());
  const Config file_config = *config;     // chancery.toml and the environment
  ApplyStoredSettings(**store, *config);  // default < chancery.toml < admin settings < environment

  auto theme = config->theme.dir.empty() ? theme::Theme::LoadDefault() : theme::Theme::LoadFolder(config->theme.dir);
  if (!theme.ok()) return Fail("loading theme: " + theme.status().ToString());

  site::Site site(**store, *theme, SiteOptionsFrom(*config));

  admin::AdminOptions admin_options;
  admin_options.site_title = config->site.title;
  admin_options.base_url = config->site.base_url;
  admin_options.session_idle_minutes = config->admin.session_idle_minutes;
  admin_options.session_max_days = config->admin.session_max_days;
  admin::Admin admin(**store, *theme, admin_options, [] { return Now(); });

  http::Router router;
  site.RegisterRoutes(router);
  admin.RegisterRoutes(router);
  admin::MediaPagesOptions media_options;
  media_options.cache_dir = (fs::path(options.data_dir) / "cache" / "media").string();
  admin::MediaPages media_pages(admin, media_options);
  media_pages.RegisterRoutes(router);
  admin::ArticlePages article_pages(admin);
  article_pages.RegisterRoutes(router);
  admin::QueuePages queue_pages(admin);
  queue_pages.RegisterRoutes(router);
  // A save on the settings page applies at once: the stored settings are
  // laid over the file's configuration again and handed to the site.
  auto apply_saved_settings = [&site, &admin, &file_config, &store] {
    Config now = file_config;
    ApplyStoredSettings(**store, now);
    site.UpdateOptions(SiteOptionsFrom(now));
    admin.UpdateSiteTitle(now.site.title);
  };
  admin::PeoplePages people_pages(admin, SettingsAsText(*config), apply_saved_settings);
  people_pages.RegisterRoutes(router);
  admin::AuthorPages author_pages(admin);
  author_pages.RegisterRoutes(router);
  // The insight layer reads new and changed articles in the background; the
  // gazetteer editor's changes rebuild its gazetteer.
  auto created_insight = InsightService::Create(**store);
  if (!created_insight.ok()) return Fail(created_insight.status().ToString());
  InsightService* insight_service = created_insight->get();
  insight_service->Start();
  admin::ActorPages actor_pages(admin, [insight_service] { return insight_service->gazetteer(); },
                                [insight_service] {
                                  Status s = insight_service->Rebuild();
                                  if (!s.ok()) spdlog::error("insight: rebuilding the gazetteer: {}", s.ToString());
                                });
  actor_pages.RegisterRoutes(router);

  http::ServerOptions so;
  so.address = listen->first;
  so.port = listen->second;
  so.io_threads = config->server.threads;
  so.worker_threads = config->server.worker_threads;
  so.write_threads = config->server.write_threads;
  so.max_body_bytes = static_cast<size_t>(config->server.max_body_bytes);
  so.upload_paths = {admin::kMediaUploadPath};  // media.max_upload_mb as it is at start
  so.max_upload_bytes = static_cast<size_t>(admin::UploadBodyLimit(**store));
  so.max_header_bytes = static_cast<size_t>(config->server.max_header_bytes);
  so.read_timeout = std::chrono::milliseconds(config->server.read_timeout_ms);
  so.idle_timeout = std::chrono::milliseconds(config->server.idle_timeout_ms);
  so.access_log = config->server.access_log;
  // Hourly: commenters' IP addresses past their retention, expired sessions,
  // old sign-in attempts.
  Housekeeping housekeeping(**store, config->comments.ip_retention_days, [&admin] { admin.Prune(); });

  // Public pages are answered from memory until what they show changes.
  site::CachedPagesOptions cache_options;
  cache_options.enabled = config->cache.enabled;
  cache_options.cache.max_bytes = static_cast<size_t>(config->cache.max_mb) << 20;
  cache_options.security = so.security;
  cache_options.body_file_directory = options.data_dir;
  site::CachedPages cached_pages(**store, site, cache_options);
  cached_pages.Start();
  if (config->cache.enabled) so.fast_path = cached_pages.FastPath();

  std::vector<http::Middleware> middleware;
  middleware.push_back(cached_pages.Middleware());
  if (!config->server.trusted_proxy.empty()) middleware.push_back(http::ForwardedFor(config->server.trusted_proxy));
  // The connections, plus the database, body files, logs and media.
  RaiseOpenFileLimit(static_cast<rlim_t>(so.max_connections) + 1024);
  http::Server server(so, std::move(router), std::move(middleware));
  Status s = server.Listen();
  if (!s.ok()) return Fail(s.message());
  spdlog::info("serving {} at http://{}:{}/ (data: {})", config->site.title, so.address, server.port(),
               options.data_dir);
  server.Run();
  spdlog::info("stopped");
  return 0;
}

int RunImportMarkdown(const ImportMarkdownOptions& options) {
  auto config = LoadConfig(options.data_dir, "", ProcessEnvironment());
  if (!config.ok()) return Fail(config.status().message());
  std::error_code ec;
  if (!fs::exists(fs::path(options.data_dir) / "chancery.db", ec) && config->database.url.empty())
    return Fail(fmt::format("{} holds no site; create one with: chancery init --data {}", options.data_dir,
                            options.data_dir));
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status().ToString());

  std::vector<fs::path> files;
  for (const auto& p : options.paths) {
    if (fs::is_directory(p, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(p, ec)) {
        const auto ext = entry.path().extension().string();
        if (entry.is_regular_file() && (ext == ".md" || ext == ".markdown")) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      std::cerr << "chancery: " << p << ": no such file or folder\n";
      return 1;
    }
  }
  std::sort(files.begin(), files.end());

  int created = 0, updated = 0, failed = 0;
  const int64_t now = Now();
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::cerr << "chancery: " << file.string() << ": cannot read\n";
      ++failed;
      continue;
    }
    auto article = importers::ParseMarkdownArticle(text, file.string(), now);
    if (!article.ok()) {
      std::cerr << "chancery: " << article.status().message() << " (nothing imported from this file)\n";
      ++failed;
      continue;
    }
    auto outcome = (*store)->SaveArticle(*article);
    if (!outcome.ok()) {
      std::cerr << "chancery: " << file.string() << ": " << outcome.status().message()
                << " (nothing imported from this file)\n";
      ++failed;
      continue;
    }
    if (*outcome == store::SaveOutcome::kCreated) {
      ++created;
      std::cout << fmt::format("created {} from {}\n", article->slug, file.string());
    } else {
      ++updated;
      std::cout << fmt::format("updated {} from {} (an article with this slug existed)\n", article->slug,
                               file.string());
    }
  }
  std::cout << fmt::format("{} created, {} updated, {} failed\n", created, updated, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace chancery::app
