// chancery/admin: the media library under /admin/media, and the responsive
// image variants the public pages ask for under /media/<width>w/<file>.
//
// Uploads (POST /admin/media, multipart/form-data, field `file`; the CSRF
// token in ?csrf= or X-CSRF-Token because the body is not a form) go through
// media::ProcessUpload: the type is decided by the bytes, metadata is
// stripped, and the cleaned original is stored in the database under a safe,
// unique name; its variants are written to the disk cache at once and
// rebuilt from the original whenever a cached file is missing. Errors come
// back on the library page: 413 when the file is over "media.max_upload_mb"
// (a stored setting, default 10), 422 when it is not an image or is damaged;
// nothing is stored then. A script (admin.js's drag and drop) that sends
// Accept: application/json gets JSON instead of pages.
//
// Everyone signed in may upload and browse; authors may edit and delete only
// their own uploads, editors and admins everything. Deleting is refused while
// an article uses the image. Thread-safe, as Admin is; uploads are CPU-heavy
// and run on the server's worker pool like every handler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin.h"
#include "http/http.h"
#include "store/store.h"

namespace chancery::admin {

// The path uploads are posted to; the server lets bodies up to
// UploadBodyLimit() through on it (ServerOptions::upload_paths).
inline constexpr char kMediaUploadPath[] = "/admin/media";

struct MediaPagesOptions {
  // Where variants are cached: <cache_dir>/<width>/<stem>.<ext>. Usually
  // <data dir>/cache/media. Created when missing.
  std::string cache_dir;
  // The responsive widths; the pages' srcset uses the same ones.
  std::vector<int> widths = {480, 960, 1600};
  int quality = 82;  // of the JPEG and WebP variants, 1..100
};

class MediaPages {
 public:
  // `admin` must outlive the pages.
  MediaPages(Admin& admin, MediaPagesOptions options);
  MediaPages(const MediaPages&) = delete;
  MediaPages& operator=(const MediaPages&) = delete;

  // GET|POST /admin/media, GET|POST /admin/media/:name,
  // POST /admin/media/:name/delete, and the public GET /media/:size/:file.
  void RegisterRoutes(http::Router& router);

 private:
  Admin& admin_;
  MediaPagesOptions options_;
};

// The largest upload "media.max_upload_mb" allows now (10 MB when unset or
// unreadable).
int64_t MaxUploadBytes(store::Store& store);

// What the server must let through on kMediaUploadPath for an upload of
// MaxUploadBytes: the file plus room for the multipart framing and the
// other fields, so that a file just over the limit still reaches the handler
// and gets a readable page rather than the server's bare 413.
int64_t UploadBodyLimit(store::Store& store);

// True when `image_url` does not name stored media ("", an absolute URL, a
// demo SVG that is not in the library), or names media whose alt text is not
// blank. False when it is "/media/<name>" of media without alt text, or of
// no media at all. For the editor: an article may not be published while
// this is false for its image.
bool MediaHasAlt(store::Store& store, std::string_view image_url);

// The stored media (details, no bytes) an image URL names: "/media/<name>"
// of a file in the library. nullopt for any other URL or an unknown name.
std::optional<store::Media> MediaForUrl(store::Store& store, std::string_view image_url);

// The public address of stored media: "/media/<name>", percent-encoded.
std::string MediaUrl(std::string_view name);

}  // namespace chancery::admin
