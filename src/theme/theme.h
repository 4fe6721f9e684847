// chancery/theme: a theme is a set of Mustache templates and static files.
//
// Layout of a theme (a folder, or the default theme compiled into the binary
// from themes/default/):
//   templates/<name>.mustache   rendered by name: "article", "partials/nav"
//   static/**                   served under /static/, e.g. static/css/site.css
// Templates reach each other by the same names, as partials (`{{>header}}`)
// or parents (`{{<layout}}...{{/layout}}`). Other files are ignored.
//
// Static files get a fingerprinted URL that carries a hash of their bytes
// ("/static/css/site.3f2a9c01de.css"), so pages can link them with immutable
// caching; the plain URL works too. Templates get those URLs from AssetUrl or
// from the AssetUrls() object merged into their context.
//
// Start with Theme::LoadDefault or Theme::LoadFolder, then Render and
// FindAsset. A Theme is immutable after loading and safe to use from any
// number of threads; it is shared as std::shared_ptr<const Theme>.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "theme/mustache.h"

namespace chancery::theme {

// The largest file a theme may contain; bigger files fail the load.
inline constexpr size_t kMaxThemeFileBytes = 16 * 1024 * 1024;

// One static file of a theme.
struct Asset {
  std::string path;               // logical path under static/, e.g. "css/site.css"
  std::string content_type;       // Content-Type value, e.g. "text/css; charset=utf-8"
  std::string_view bytes;         // the contents; valid while the Theme lives
  std::string etag;               // strong ETag header value, quotes included
  std::string fingerprinted_url;  // e.g. "/static/css/site.3f2a9c01de.css"
};

class Theme {
 public:
  // The default theme compiled into the binary (themes/default/). Fails only
  // if one of its templates does not compile.
  static Result<std::shared_ptr<const Theme>> LoadDefault();

  // A theme folder on disk; files it lacks come from the default theme.
  // Errors name the file (and the line, for template syntax errors).
  static Result<std::shared_ptr<const Theme>> LoadFolder(const std::string& dir);

  // As above, with `fallback` (may be null: no fallback) supplying the
  // files the folder lacks.
  static Result<std::shared_ptr<const Theme>> LoadFolder(const std::string& dir,
                                                         std::shared_ptr<const Theme> fallback);

  Theme(const Theme&) = delete;
  Theme& operator=(const Theme&) = delete;

  // Renders templates/<name>.mustache against `context`. NotFound when the
  // theme has no such template.
  Result<std::string> Render(std::string_view name, const boost::json::value& context) const;
  // The same against a stack of contexts, outermost first (see
  // theme::Render in mustache.h): names resolve in the last one first.
  Result<std::string> Render(std::string_view name, std::span<const boost::json::value* const> contexts) const;

  bool HasTemplate(std::string_view name) const;

  // The compiled template, or nullptr; valid while the Theme lives.
  const Template* FindTemplate(std::string_view name) const;

  // All template names, sorted.
  std::vector<std::string> TemplateNames() const;

  // Resolves "/static/css/site.css" or "/static/css/site.<hash10>.css".
  // `*fingerprinted` (if given) is set true only when the URL carries the
  // current hash, i.e. the response may be cached as immutable. A URL with a
  // stale hash still finds the file, with *fingerprinted false. nullptr when
  // there is no such file.
  const Asset* FindAsset(std::string_view url_path, bool* fingerprinted = nullptr) const;

  // "css/site.css" → "/static/css/site.3f2a9c01de.css"; an unknown path →
  // "/static/<path>".
  std::string AssetUrl(std::string_view logical_path) const;

  // Every asset's fingerprinted URL keyed by its logical path with '/' and
  // '.' replaced by '_' ("css_site_css"), so templates can write
  // {{assets.css_site_css}} (Mustache splits names on '.').
  boost::json::object AssetUrls() const;

 private:
  Theme() = default;

  // Adds or replaces one file; `path` is relative to the theme root and
  // `label` names it in errors.
  Status AddFile(std::string_view path, std::string_view bytes, const std::string& label);
  void Finish();

  std::map<std::string, Template, std::less<>> templates_;  // by name
  std::map<std::string, Asset, std::less<>> assets_;        // by logical path
  std::map<std::string, const Asset*, std::less<>> by_fingerprinted_url_;
  std::vector<std::unique_ptr<const std::string>> owned_bytes_;  // files read from disk
  std::shared_ptr<const Theme> fallback_;                        // keeps inherited asset bytes alive
  boost::json::object asset_urls_;
};

// The Content-Type for a file name, by extension; "application/octet-stream"
// when unknown.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace chancery::theme
