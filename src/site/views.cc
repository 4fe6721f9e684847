#include "site/views.h"

#include <charconv>
#include <ctime>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace chancery::site {
namespace json = boost::json;

namespace {
constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::tm Utc(int64_t t) {
  std::tm tm{};
  const std::time_t tt = static_cast<std::time_t>(t);
  gmtime_r(&tt, &tm);
  return tm;
}
}  // namespace

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  const std::string_view word = n == 1 ? one : many;
  std::string out;
  out.reserve(static_cast<std::size_t>(end - digits) + 1 + word.size());
  out.append(digits, end).append(1, ' ').append(word);
  return out;
}

std::string IsoDateTime(int64_t t) {
  std::string out;
  AppendIsoDateTime(out, t);
  return out;
}

void AppendIsoDateTime(std::string& out, int64_t t) {
  // Pages print several per comment: the civil calendar, not gmtime_r and
  // its time zone lock, for every year of four digits.
  if (const CivilDate c = ToCivil(t); c.year >= 0 && c.year <= 9999) {
    const std::size_t start = out.size();
    out += "0000-00-00T00:00:00Z";
    auto put = [&out, start](std::size_t at, int value, int width) {
      for (int i = width - 1; i >= 0; --i, value /= 10)
        out[start + at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, c.year, 4);
    put(5, c.month, 2);
    put(8, c.day, 2);
    put(11, c.seconds / 3600, 2);
    put(14, c.seconds % 3600 / 60, 2);
    put(17, c.seconds % 60, 2);
    return;
  }
  const std::tm tm = Utc(t);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string Rfc822Date(int64_t t) {
  const std::tm tm = Utc(t);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     std::string_view(kMonths[tm.tm_mon]).substr(0, 3), tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

json::array BylineView(const std::vector<store::Author>& authors, json::storage_ptr sp) {
  json::array out(sp);
  for (size_t i = 0; i < authors.size(); ++i) {
    const auto& a = authors[i];
    std::string_view prefix;
    if (i > 0) prefix = (i + 1 == authors.size()) ? " and " : ", ";
    out.push_back(json::object({{"name", a.name},
                                {"url", "/authors/" + a.slug},
                                {"slug", a.slug},
                                {"prefix", prefix},
                                {"affiliation", a.affiliation},
                                {"bio", a.bio},
                                {"disclosure", a.disclosure}},
                               sp));
  }
  return out;
}

json::array TagsView(const std::vector<store::Tag>& tags, json::storage_ptr sp) {
  json::array out(sp);
  for (const auto& t : tags) out.push_back(json::object({{"name", t.name}, {"url", "/tags/" + t.slug}}, sp));
  return out;
}

namespace {

// The widths of the variants the media library makes of every stored JPEG,
// PNG, WebP and GIF (admin/media_pages.h, served at /media/<w>w/<file>).
constexpr int kVariantWidths[] = {480, 960, 1600};

// "/media/map.jpg" → ("map", "jpg") for stored raster media whose name needs
// no escaping; nullopt for SVGs, outside URLs and anything unusual.
std::optional<std::pair<std::string_view, std::string_view>> StoredRaster(std::string_view url) {
  constexpr std::string_view kPrefix = "/media/";
  if (!url.starts_with(kPrefix)) return std::nullopt;
  const std::string_view name = url.substr(kPrefix.size());
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return std::nullopt;
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view ext = name.substr(dot + 1);
  if (ext != "jpg" && ext != "png" && ext != "gif" && ext != "webp") return std::nullopt;
  return std::make_pair(name.substr(0, dot), ext);
}

// `srcset` (the original's format, the original itself as the widest) and
// `webp_srcset` (WebP variants up to the original's width) for stored
// raster media of known width.
void AddSrcsets(json::object& out, const store::FeaturedImage& image) {
  const auto raster = StoredRaster(image.url);
  if (!raster) return;
  const auto [stem, ext] = *raster;
  std::string srcset, webp;
  for (int w : kVariantWidths) {
    if (w >= image.width) continue;
    srcset += fmt::format("/media/{}w/{}.{} {}w, ", w, stem, ext, w);
    webp += fmt::format("/media/{}w/{}.webp {}w, ", w, stem, w);
  }
  srcset += fmt::format("{} {}w", image.url, image.width);
  webp += fmt::format("/media/{}w/{}.webp {}w", image.width, stem, image.width);
  out["srcset"] = srcset;
  if (ext != "webp") out["webp_srcset"] = webp;
}

}  // namespace

json::object ImageView(const store::FeaturedImage& image, json::storage_ptr sp) {
  json::object out({{"url", image.url}, {"alt", image.alt}, {"credit", image.credit}, {"caption", image.caption}},
                   std::move(sp));
  if (image.width > 0 && image.height > 0) {
    out["width"] = image.width;
    out["height"] = image.height;
    AddSrcsets(out, image);
  }
  return out;
}

json::object CardView(const store::Article& a, const DateStyle& dates, json::storage_ptr sp) {
  json::object card({{"title", a.title},
                     {"url", "/articles/" + a.slug},
                     {"slug", a.slug},
                     {"dek", a.dek},
                     {"excerpt", a.excerpt},
                     {"date", dates.Date(a.published_at)},
                     {"date_iso", IsoDateTime(a.published_at)},
                     {"reading_minutes", a.reading_minutes},
                     {"authors", BylineView(a.authors, sp)},
                     {"tags", TagsView(a.tags, sp)}},
                    sp);
  if (!a.image.url.empty()) card["image"] = ImageView(a.image, sp);
  // The first tag is the article's kicker, shown above its title.
  if (!a.tags.empty())
    card["kicker"] = json::object({{"name", a.tags.front().name}, {"url", "/tags/" + a.tags.front().slug}}, sp);
  return card;
}

}  // namespace chancery::site
