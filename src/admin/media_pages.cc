#include "admin/media_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <system_error>
#include <variant>

#include "base/text.h"
#include "http/multipart.h"
#include "http/static.h"
#include "media/media.h"

namespace chancery::admin {
namespace json = boost::json;
namespace fs = std::filesystem;
using http::Request;
using http::Response;
using store::Role;

namespace {

constexpr int kPerPage = 48;
constexpr int64_t kDefaultUploadMb = 10;
constexpr int64_t kMultipartSlack = 64 * 1024;  // framing and the small fields
constexpr size_t kMaxAlt = 1000;
constexpr size_t kMaxCredit = 300;
constexpr size_t kMaxCaption = 2000;
constexpr size_t kMaxSearch = 200;
// Variants are cached for a month; the ETag names the media row, so a name
// reused after a deletion never matches an old copy.
constexpr char kVariantCacheControl[] = "public, max-age=2592000";

using Fields = std::vector<std::pair<std::string, std::string>>;

std::optional<int64_t> ParsePositive(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

Response Redirect(std::string location) {
  Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

bool WantsJson(const Request& request) {
  auto accept = request.headers.Get("Accept");
  return accept && accept->find("application/json") != std::string_view::npos;
}

Response JsonResponse(int status, const json::object& body) {
  Response r(status, "application/json; charset=utf-8", json::serialize(body));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

std::string MegaBytes(int64_t bytes) {
  const double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  if (mb >= 10 || bytes % (1024 * 1024) == 0) return fmt::format("{:.0f} MB", mb);
  return fmt::format("{:.1f} MB", mb);
}

std::string SizeText(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.0f} KB", static_cast<double>(bytes) / 1024.0);
  return MegaBytes(bytes);
}

// What a person typed into a details field: valid UTF-8, no control
// characters but newlines in the caption, trimmed; an error message or "".
std::string CheckText(std::string& value, size_t max, bool multiline, std::string_view label) {
  if (!IsValidUtf8(value)) return fmt::format("The {} is not valid text.", label);
  std::string clean;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') continue;
    if (c == '\n' && multiline) {
      clean += c;
      continue;
    }
    if (u < 0x20 || u == 0x7f) {
      if (c == '\t' || c == '\n') clean += ' ';
      continue;
    }
    clean += c;
  }
  const size_t first = clean.find_first_not_of(" \n");
  const size_t last = clean.find_last_not_of(" \n");
  value = first == std::string::npos ? "" : clean.substr(first, last - first + 1);
  if (value.size() > max) return fmt::format("The {} is too long: at most {} characters.", label, max);
  return "";
}

// The uploaded file's own name, kept for search: printable UTF-8 or nothing.
std::string CleanOriginalName(std::string_view name) {
  std::string out(name.substr(0, 255));
  if (!IsValidUtf8(out)) return "";
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

std::string_view Stem(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
}

std::optional<media::ImageType> TypeForMime(std::string_view mime) {
  for (auto t : {media::ImageType::kJpeg, media::ImageType::kPng, media::ImageType::kWebp, media::ImageType::kGif})
    if (media::MimeType(t) == mime) return t;
  return std::nullopt;
}

std::optional<media::ImageType> TypeForExtension(std::string_view ext) {
  for (auto t : {media::ImageType::kJpeg, media::ImageType::kPng, media::ImageType::kWebp, media::ImageType::kGif})
    if (media::Extension(t) == ext) return t;
  return std::nullopt;
}

// Writes `bytes` to `path` by way of a temporary file in the same folder and
// a rename, so a reader never sees half a file.
Status WriteAtomically(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::IoError("cannot create " + path.parent_path().string() + ": " + ec.message());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const fs::path temp = path.parent_path() / fmt::format(".{}.{:x}.tmp", path.filename().string(), rng());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      return Status::IoError("cannot write " + temp.string());
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return Status::IoError("cannot rename " + temp.string() + ": " + ec.message());
  }
  return Status::Ok();
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

}  // namespace

int64_t MaxUploadBytes(store::Store& store) {
  int64_t mb = kDefaultUploadMb;
  auto setting = store.GetSetting("media.max_upload_mb");
  if (setting.ok() && setting.value()) {
    if (auto v = ParsePositive(*setting.value()); v && *v <= 4096) mb = *v;
  }
  return mb * 1024 * 1024;
}

int64_t UploadBodyLimit(store::Store& store) { return MaxUploadBytes(store) + 1024 * 1024 + kMultipartSlack; }

std::string MediaUrl(std::string_view name) { return "/media/" + http::PercentEncode(name); }

std::optional<store::Media> MediaForUrl(store::Store& store, std::string_view image_url) {
  constexpr std::string_view kPrefix = "/media/";
  if (!image_url.starts_with(kPrefix)) return std::nullopt;
  auto found = store.FindMediaDetails(image_url.substr(kPrefix.size()));
  if (!found.ok()) return std::nullopt;
  return std::move(found).value();
}

bool MediaHasAlt(store::Store& store, std::string_view image_url) {
  if (!image_url.starts_with("/media/")) return true;
  const auto found = MediaForUrl(store, image_url);
  if (!found) return false;
  // Only uploads from the newsroom carry their alt text in the library;
  // media from the demo or an import keep it on the article.
  if (found->original_name.empty()) return true;
  return found->alt.find_first_not_of(" \t\n") != std::string::npos;
}

// ---- The pages ------------------------------------------------------------------

namespace {

struct MediaHandlers {
  Admin& admin;
  const MediaPagesOptions& options;

  store::Store& store() { return admin.store(); }

  static bool CanEdit(const Visitor& v, const store::Media& m) {
    return v.user.role != Role::kAuthor || (m.uploaded_by_user_id != 0 && m.uploaded_by_user_id == v.user.id);
  }

  // The widths that exist for an image `width` pixels wide, ascending.
  std::vector<int> VariantWidths(int width) const {
    std::vector<int> out;
    for (int w : options.widths)
      if (w > 0 && w < width) out.push_back(w);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool HasVariants(const store::Media& m) const { return TypeForMime(m.mime_type).has_value() && m.width > 0; }

  // A small picture for the grid: the narrowest WebP variant, or the
  // original when there is none (SVG, tiny images).
  std::string ThumbUrl(const store::Media& m) const {
    if (!HasVariants(m)) return MediaUrl(m.name);
    const auto widths = VariantWidths(m.width);
    const int w = widths.empty() ? m.width : widths.front();
    return fmt::format("/media/{}w/{}.webp", w, http::PercentEncode(Stem(m.name)));
  }

  json::object ItemView(const Visitor& v, const store::Media& m) const {
    const std::string url = MediaUrl(m.name);
    json::object item{{"name", m.name},
                      {"url", url},
                      {"edit_url", "/admin/media/" + http::PercentEncode(m.name)},
                      {"thumb_url", ThumbUrl(m)},
                      {"mime_type", m.mime_type},
                      {"alt", m.alt},
                      {"credit", m.credit},
                      {"caption", m.caption},
                      {"original_name", m.original_name},
                      {"size", SizeText(m.byte_count)},
                      {"missing_alt", m.alt.empty()},
                      {"can_edit", CanEdit(v, m)}};
    if (m.width > 0 && m.height > 0) {
      item["width"] = m.width;
      item["height"] = m.height;
      item["dimensions"] = fmt::format("{} × {}", m.width, m.height);
    }
    return item;
  }

  // ---- GET /admin/media (and the upload's error page) ----

  Response Library(const Request& request, const Visitor& v, int status, std::string error, std::string notice) {
    std::string search = request.QueryParam("q").value_or("");
    if (search.size() > kMaxSearch || !IsValidUtf8(search)) search.clear();
    int page = 1;
    if (auto p = request.QueryParam("page")) {
      if (auto n = ParsePositive(*p); n && *n < 100000) page = static_cast<int>(*n);
    }
    store::MediaQuery q;
    q.search = search;
    q.limit = kPerPage;
    q.offset = (page - 1) * kPerPage;
    auto list = store().ListMedia(q);
    if (!list.ok()) {
      spdlog::error("admin: listing media: {}", list.status().ToString());
      return admin.Message(503, &v, "The media library is unavailable",
                           "The database could not be reached just now. Please try again.");
    }
    json::array items;
    for (const store::Media& m : list->items) items.push_back(ItemView(v, m));
    const std::string qs = search.empty() ? "" : "q=" + http::PercentEncode(search) + "&";
    const bool has_items = !items.empty();
    json::object view{{"title", "Media"},
                      {"items", std::move(items)},
                      {"has_items", has_items},
                      {"total_label", list->total == 1 ? "image" : "images"},
                      {"total", list->total},
                      {"search", search},
                      {"searching", !search.empty()},
                      {"upload_url", std::string(kMediaUploadPath) + "?csrf=" + v.csrf},
                      {"max_upload", MegaBytes(MaxUploadBytes(store()))}};
    if (page > 1) view["prev_url"] = fmt::format("/admin/media?{}page={}", qs, page - 1);
    if (int64_t{page} * kPerPage < list->total) view["next_url"] = fmt::format("/admin/media?{}page={}", qs, page + 1);
    view["has_pager"] = view.contains("prev_url") || view.contains("next_url");
    if (!error.empty()) view["error"] = error;
    if (!notice.empty()) view["notice"] = notice;
    return admin.Render(status, "media", "media", v, std::move(view));
  }

  Response List(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    std::string notice;
    if (auto deleted = request.QueryParam("deleted"); deleted && deleted->size() < 256 && IsValidUtf8(*deleted))
      notice = fmt::format("Deleted {}.", *deleted);
    return Library(request, v, 200, "", std::move(notice));
  }

  // ---- POST /admin/media ----

  Response UploadError(const Request& request, const Visitor& v, int status, std::string message) {
    if (WantsJson(request)) return JsonResponse(status, json::object{{"error", message}});
    return Library(request, v, status, std::move(message), "");
  }

  Response Upload(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) {
      if (WantsJson(request) && r->status == 403)
        return JsonResponse(403, json::object{{"error", "Your session's security token is missing or out of date. "
                                                        "Reload the page and try again."}});
      return std::move(*r);
    }
    const Visitor& v = std::get<Visitor>(g);

    http::MultipartLimits limits;
    limits.max_parts = 16;
    auto parts = http::ParseMultipartRequest(request, limits);
    if (!parts.ok()) return UploadError(request, v, 422, "The upload could not be read: " + parts.status().message() + ".");
    const http::MultipartPart* file = http::FindPart(*parts, "file");
    if (file == nullptr || !file->filename || (file->filename->empty() && file->data.empty()))
      return UploadError(request, v, 422, "Choose an image file to upload.");
    if (file->data.empty()) return UploadError(request, v, 422, "The file is empty.");
    const int64_t max = MaxUploadBytes(store());
    if (static_cast<int64_t>(file->data.size()) > max)
      return UploadError(request, v, 413,
                         fmt::format("The file is {}; the limit is {}.", MegaBytes(static_cast<int64_t>(file->data.size())),
                                     MegaBytes(max)));

    auto field = [&](std::string_view name) {
      const http::MultipartPart* p = http::FindPart(*parts, name);
      return p == nullptr ? std::string() : p->data;
    };
    std::string alt = field("alt");
    std::string credit = field("credit");
    if (std::string e = CheckText(alt, kMaxAlt, false, "alt text"); !e.empty()) return UploadError(request, v, 422, e);
    if (std::string e = CheckText(credit, kMaxCredit, false, "credit"); !e.empty())
      return UploadError(request, v, 422, e);

    media::ProcessOptions process;
    process.max_bytes = max;
    process.widths = options.widths;
    process.quality = options.quality;
    auto processed = media::ProcessUpload(file->data, process);
    if (!processed.ok()) {
      if (processed.status().code() != Status::Code::kInvalidArgument) {
        spdlog::error("admin: processing an upload: {}", processed.status().ToString());
        return UploadError(request, v, 500, "The image could not be processed. Nothing was stored.");
      }
      std::string message = processed.status().message();
      if (!message.empty()) message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
      return UploadError(request, v, 422, message + ". Nothing was stored.");
    }

    store::Media m;
    m.name = media::SafeFileName(*file->filename, processed->type);
    m.mime_type = std::string(media::MimeType(processed->type));
    m.bytes = std::move(processed->original);
    m.width = processed->width;
    m.height = processed->height;
    m.alt = alt;
    m.credit = credit;
    m.created_at = admin.Now();
    m.original_name = CleanOriginalName(*file->filename);
    if (m.original_name.empty()) m.original_name = m.name;
    m.uploaded_by_user_id = v.user.id;
    auto saved = store().AddMedia(m);
    if (!saved.ok()) {
      spdlog::error("admin: storing an upload: {}", saved.status().ToString());
      return UploadError(request, v, 503, "The image could not be stored just now. Please try again.");
    }
    for (const media::Variant& variant : processed->variants) {
      const fs::path path = VariantPath(variant.width, Stem(saved->name), media::Extension(variant.type));
      if (Status s = WriteAtomically(path, variant.bytes); !s.ok())
        spdlog::warn("media: caching a variant: {} (it is rebuilt when asked for)", s.ToString());
    }
    spdlog::info("media: {} uploaded {} ({}x{}, {} bytes)", v.user.email, saved->name, saved->width, saved->height,
                 saved->bytes.size());
    const std::string edit_url = "/admin/media/" + http::PercentEncode(saved->name);
    if (WantsJson(request)) {
      saved->byte_count = static_cast<int64_t>(saved->bytes.size());
      json::object body = ItemView(v, *saved);
      return JsonResponse(201, body);
    }
    return Redirect(edit_url + "?uploaded=1");
  }

  // ---- /admin/media/:name ----

  struct DetailsForm {
    std::string alt, credit, caption;
    std::map<std::string, std::string> errors;
  };

  Response Item(const Visitor& v, const store::Media& m, int status, const DetailsForm* form, std::string notice,
                std::string error) {
    json::object item = ItemView(v, m);
    auto uses = store().ListMediaUses(m.name);
    json::array uses_view;
    if (uses.ok())
      for (const store::MediaUse& u : *uses)
        uses_view.push_back(json::object{{"title", u.title}, {"edit_url", fmt::format("/admin/articles/{}", u.article_id)}});
    const bool in_use = !uses_view.empty();
    const std::string alt_for_markdown = form != nullptr ? form->alt : m.alt;
    json::object view{{"title", m.name},
                      {"item", std::move(item)},
                      {"uses", std::move(uses_view)},
                      {"in_use", in_use},
                      {"markdown", fmt::format("![{}](/media/{})", alt_for_markdown, http::PercentEncode(m.name))},
                      {"form", json::object{{"alt", form ? form->alt : m.alt},
                                            {"credit", form ? form->credit : m.credit},
                                            {"caption", form ? form->caption : m.caption}}}};
    if (HasVariants(m)) {
      json::array variants;
      for (int w : VariantWidths(m.width)) {
        variants.push_back(json::object{{"width", w},
                                        {"url", fmt::format("/media/{}w/{}.{}", w, http::PercentEncode(Stem(m.name)),
                                                            media::Extension(*TypeForMime(m.mime_type)))},
                                        {"webp_url", fmt::format("/media/{}w/{}.webp", w, http::PercentEncode(Stem(m.name)))}});
      }
      view["has_variants"] = !variants.empty();
      view["variants"] = std::move(variants);
    }
    if (form != nullptr && !form->errors.empty()) {
      json::object errors;
      for (const auto& [k, e] : form->errors) errors[k] = e;
      view["errors"] = std::move(errors);
      view["has_errors"] = true;
    }
    if (!notice.empty()) view["notice"] = notice;
    if (!error.empty()) view["error"] = error;
    return admin.Render(status, "media-item", "media", v, std::move(view));
  }

  // The media the request names, or the response to send instead.
  std::variant<store::Media, Response> Load(const Request& request, const Visitor& v) {
    auto found = store().FindMediaDetails(request.Param("name"));
    if (!found.ok()) {
      spdlog::error("admin: finding media: {}", found.status().ToString());
      return admin.Message(503, &v, "The media library is unavailable",
                           "The database could not be reached just now. Please try again.", "/admin/media");
    }
    if (!found.value())
      return admin.Message(404, &v, "No such image", "There is no image with that name in the library.",
                           "/admin/media");
    return std::move(*found.value());
  }

  Response Show(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const store::Media& m = std::get<store::Media>(loaded);
    std::string notice;
    if (request.QueryParam("uploaded")) notice = "Uploaded. Add alt text before using it in an article.";
    if (request.QueryParam("saved")) notice = "Saved.";
    if (request.QueryParam("uploaded") && !m.alt.empty()) notice = "Uploaded.";
    return Item(v, m, 200, nullptr, std::move(notice), "");
  }

  Response Forbidden(const Visitor& v, const store::Media& m) {
    return admin.Message(403, &v, "Not yours to change",
                         "Authors may change only the images they uploaded. Ask an editor.",
                         "/admin/media/" + http::PercentEncode(m.name));
  }

  Response Save(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    store::Media& m = std::get<store::Media>(loaded);
    if (!CanEdit(v, m)) return Forbidden(v, m);

    const Fields fields = http::ParseForm(request.body);
    DetailsForm form{http::FormValue(fields, "alt"), http::FormValue(fields, "credit"), http::FormValue(fields, "caption"), {}};
    if (std::string e = CheckText(form.alt, kMaxAlt, false, "alt text"); !e.empty()) form.errors["alt"] = e;
    if (std::string e = CheckText(form.credit, kMaxCredit, false, "credit"); !e.empty()) form.errors["credit"] = e;
    if (std::string e = CheckText(form.caption, kMaxCaption, true, "caption"); !e.empty()) form.errors["caption"] = e;
    if (!form.errors.empty()) return Item(v, m, 422, &form, "", "");

    Status s = store().UpdateMediaDetails(m.name, form.alt, form.credit, form.caption);
    if (s.code() == Status::Code::kNotFound)
      return admin.Message(404, &v, "No such image", "The image was deleted meanwhile.", "/admin/media");
    if (!s.ok()) {
      spdlog::error("admin: saving media details: {}", s.ToString());
      return admin.Message(503, &v, "Not saved", "The database could not be reached just now. Please try again.",
                           "/admin/media/" + http::PercentEncode(m.name));
    }
    return Redirect("/admin/media/" + http::PercentEncode(m.name) + "?saved=1");
  }

  Response Delete(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const store::Media& m = std::get<store::Media>(loaded);
    if (!CanEdit(v, m)) return Forbidden(v, m);
    Status s = store().DeleteMedia(m.name);
    if (s.code() == Status::Code::kConflict)
      return Item(v, m, 409, nullptr, "",
                  "This image cannot be deleted while an article uses it (" + s.message().substr(s.message().rfind(": ") + 2) +
                      "). Choose another image for those articles first.");
    if (!s.ok() && s.code() != Status::Code::kNotFound) {
      spdlog::error("admin: deleting media: {}", s.ToString());
      return admin.Message(503, &v, "Not deleted", "The database could not be reached just now. Please try again.",
                           "/admin/media/" + http::PercentEncode(m.name));
    }
    RemoveCachedVariants(m);
    spdlog::info("media: {} deleted {}", v.user.email, m.name);
    return Redirect("/admin/media?deleted=" + http::PercentEncode(m.name));
  }

  // ---- The variant cache and GET /media/:size/:file ----

  fs::path VariantPath(int width, std::string_view stem, std::string_view ext) const {
    return fs::path(options.cache_dir) / std::to_string(width) / (std::string(stem) + "." + std::string(ext));
  }

  void RemoveCachedVariants(const store::Media& m) {
    if (options.cache_dir.empty()) return;
    std::vector<int> widths = VariantWidths(m.width);
    widths.push_back(m.width);
    for (int w : widths)
      for (std::string_view ext : {"jpg", "png", "gif", "webp"}) {
        std::error_code ec;
        fs::remove(VariantPath(w, Stem(m.name), ext), ec);
      }
  }

  Response Variant(const Request& request) {
    const std::string_view size = request.Param("size");
    const std::string_view file = request.Param("file");
    auto not_found = [] { return http::StatusPage(404); };
    if (size.size() < 2 || size.back() != 'w') return not_found();
    const auto width = ParsePositive(size.substr(0, size.size() - 1));
    const size_t dot = file.rfind('.');
    if (!width || *width > 100000 || dot == std::string_view::npos || dot == 0) return not_found();
    const std::string_view stem = file.substr(0, dot);
    const auto type = TypeForExtension(file.substr(dot + 1));
    if (!type || stem.find('/') != std::string_view::npos || stem.front() == '.') return not_found();

    // The original: the stem with the requested extension first, then the
    // others (a WebP variant of map.jpg is map.webp).
    std::optional<store::Media> original;
    std::vector<media::ImageType> order = {*type};
    for (auto t : {media::ImageType::kJpeg, media::ImageType::kPng, media::ImageType::kGif, media::ImageType::kWebp})
      if (t != *type) order.push_back(t);
    for (auto t : order) {
      auto found = store().FindMediaDetails(std::string(stem) + "." + std::string(media::Extension(t)));
      if (!found.ok()) {
        spdlog::error("media: finding the original of {}: {}", file, found.status().ToString());
        return http::StatusPage(503);
      }
      if (found.value() && TypeForMime(found.value()->mime_type) == t) {
        original = std::move(found.value());
        break;
      }
    }
    if (!original) return not_found();
    const auto original_type = *TypeForMime(original->mime_type);
    const int w = static_cast<int>(*width);
    const auto widths = VariantWidths(original->width);
    const bool listed = std::find(widths.begin(), widths.end(), w) != widths.end() &&
                        (*type == original_type || *type == media::ImageType::kWebp);
    const bool full_webp = w == original->width && *type == media::ImageType::kWebp;
    if (!listed && !full_webp) return not_found();

    const std::string etag = fmt::format("v{}-{}-{}{}", original->id, original->created_at, w, media::Extension(*type));
    const std::string mime(media::MimeType(*type));
    auto respond = [&](std::string_view bytes) {
      Response r = http::StaticAsset(request, bytes, mime, etag, /*immutable=*/false);
      r.headers.Set("Cache-Control", kVariantCacheControl);
      return r;
    };
    if (http::NotModified(request, http::QuoteEtag(etag))) return respond("");

    const fs::path path = VariantPath(w, stem, media::Extension(*type));
    if (auto cached = ReadWholeFile(path)) return respond(*cached);

    auto full = store().FindMedia(original->name);
    if (!full.ok() || !full.value()) return full.ok() ? not_found() : http::StatusPage(503);
    auto made = media::MakeVariant(full.value()->bytes, w, *type, options.quality);
    if (!made.ok()) {
      spdlog::error("media: rebuilding {}w/{}: {}", w, file, made.status().ToString());
      return http::StatusPage(500);
    }
    if (Status s = WriteAtomically(path, made->bytes); !s.ok()) spdlog::warn("media: caching a variant: {}", s.ToString());
    return respond(made->bytes);
  }
};

}  // namespace

MediaPages::MediaPages(Admin& admin, MediaPagesOptions options) : admin_(admin), options_(std::move(options)) {}

void MediaPages::RegisterRoutes(http::Router& router) {
  auto handlers = std::make_shared<MediaHandlers>(MediaHandlers{admin_, options_});
  auto bind = [handlers](Response (MediaHandlers::*fn)(const Request&)) {
    return [handlers, fn](const Request& request) { return ((*handlers).*fn)(request); };
  };
  router.Get("/admin/media", bind(&MediaHandlers::List));
  router.Post(kMediaUploadPath, bind(&MediaHandlers::Upload));
  router.Get("/admin/media/:name", bind(&MediaHandlers::Show));
  router.Post("/admin/media/:name", bind(&MediaHandlers::Save));
  router.Post("/admin/media/:name/delete", bind(&MediaHandlers::Delete));
  // Public: the responsive variants the site's pages put in srcset.
  router.Get("/media/:size/:file", bind(&MediaHandlers::Variant));
}

}  // namespace chancery::admin
