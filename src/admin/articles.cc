#include "admin/articles.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <fmt/format.h>

#include "admin/media_pages.h"
#include "comments/token.h"

#include "content/content.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;
using store::ArticleStatus;
using store::EditorialArticle;
using store::Role;

// ---- Line diff ------------------------------------------------------------------

namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::vector<DiffLine> DiffLines(std::string_view from, std::string_view to) {
  const std::vector<std::string> a = SplitLines(from), b = SplitLines(to);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  const size_t n = a.size() - head - tail, m = b.size() - head - tail;

  std::vector<DiffLine> out;
  for (size_t i = 0; i < head; ++i) out.push_back({DiffLine::Kind::kSame, a[i]});
  constexpr size_t kMaxCells = 4'000'000;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= kMaxCells) {
    // lcs[i][j]: longest common subsequence of a's middle from i and b's from j.
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n && j < m) {
      if (a[head + i] == b[head + j]) {
        out.push_back({DiffLine::Kind::kSame, a[head + i]});
        ++i, ++j;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        out.push_back({DiffLine::Kind::kDeleted, a[head + i++]});
      } else {
        out.push_back({DiffLine::Kind::kInserted, b[head + j++]});
      }
    }
    for (; i < n; ++i) out.push_back({DiffLine::Kind::kDeleted, a[head + i]});
    for (; j < m; ++j) out.push_back({DiffLine::Kind::kInserted, b[head + j]});
  } else {
    for (size_t i = 0; i < n; ++i) out.push_back({DiffLine::Kind::kDeleted, a[head + i]});
    for (size_t j = 0; j < m; ++j) out.push_back({DiffLine::Kind::kInserted, b[head + j]});
  }
  for (size_t i = a.size() - tail; i < a.size(); ++i) out.push_back({DiffLine::Kind::kSame, a[i]});
  return out;
}

// ---- The pages ----------------------------------------------------------------------

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> AllFields(const Fields& fields, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields)
    if (n == name && !v.empty()) out.push_back(v);
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return std::string(s);
}

std::optional<int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}

bool IsEditor(const Visitor& v) { return v.user.role != Role::kAuthor; }

std::string StatusLabel(const EditorialArticle& e) {
  if (e.trashed_at != 0) return "In the trash";
  if (e.in_review) return "Submitted for review";
  switch (e.article.status) {
    case ArticleStatus::kDraft: return "Draft";
    case ArticleStatus::kScheduled: return "Scheduled";
    case ArticleStatus::kPublished: return "Published";
  }
  return "";
}

std::string JoinTags(const std::vector<store::Tag>& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ", ") + t.name;
  return out;
}

Response Json(int status, const json::value& value) {
  Response r(status, "application/json; charset=utf-8", json::serialize(value));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// What the editor form sent, before it is applied to an article.
struct EditorForm {
  std::string title, slug, dek, body, tags, image_url, image_credit, image_alt, image_caption;
  std::string image_media;           // a media library file chosen in the picker, if any
  std::vector<std::string> authors;  // slugs
  std::string action;                // save, submit, publish, schedule, unpublish
  std::string schedule_at;           // datetime-local in the site's zone
  bool is_correction = false;
  std::string correction_note;
  int64_t revision = 0;
};

EditorForm ReadForm(const Fields& f) {
  EditorForm form;
  form.title = Trim(http::FormValue(f, "title"));
  form.slug = Trim(http::FormValue(f, "slug"));
  form.dek = Trim(http::FormValue(f, "dek"));
  form.body = http::FormValue(f, "body");
  form.tags = http::FormValue(f, "tags");
  form.image_url = Trim(http::FormValue(f, "image_url"));
  form.image_credit = Trim(http::FormValue(f, "image_credit"));
  form.image_alt = Trim(http::FormValue(f, "image_alt"));
  form.image_caption = Trim(http::FormValue(f, "image_caption"));
  form.image_media = Trim(http::FormValue(f, "image_media"));
  form.authors = AllFields(f, "authors");
  form.action = http::FormValue(f, "action");
  if (form.action.empty()) form.action = "save";
  form.schedule_at = Trim(http::FormValue(f, "schedule_at"));
  form.is_correction = !http::FormValue(f, "is_correction").empty();
  form.correction_note = Trim(http::FormValue(f, "correction_note"));
  form.revision = ParseId(http::FormValue(f, "revision")).value_or(0);
  return form;
}

EditorForm FormOf(const EditorialArticle& e) {
  EditorForm form;
  const auto& a = e.article;
  form.title = a.title;
  form.slug = a.slug;
  form.dek = a.dek;
  form.body = a.body_markdown;
  form.tags = JoinTags(a.tags);
  form.image_url = a.image.url;
  form.image_credit = a.image.credit;
  form.image_alt = a.image.alt;
  form.image_caption = a.image.caption;
  for (const auto& au : a.authors) form.authors.push_back(au.slug);
  form.revision = e.revision;
  return form;
}

// The featured-image picker names a file of the media library. When it
// names another image than the form's URL (no script filled the fields in
// the browser), the image's URL, credit, alt text and caption all come from
// the library; otherwise the form's own fields stand, edits included.
// The featured image's pixel size, for the pages' width and height
// attributes (no layout shift): from the library for stored media; kept for
// an unchanged other address (an import may have recorded it); unknown (0)
// for a new one.
void FillImageSize(store::Store& store, store::FeaturedImage& image, std::string_view previous_url) {
  if (const auto m = MediaForUrl(store, image.url)) {
    image.width = m->width;
    image.height = m->height;
  } else if (image.url != previous_url) {
    image.width = 0;
    image.height = 0;
  }
}

void ApplyPickedMedia(store::Store& store, EditorForm& form) {
  if (form.image_media.empty()) return;
  auto m = store.FindMediaDetails(form.image_media);
  if (!m.ok() || !m->has_value()) return;
  const std::string url = MediaUrl((*m)->name);
  if (form.image_url == url) return;
  form.image_url = url;
  form.image_credit = (*m)->credit;
  form.image_alt = (*m)->alt;
  form.image_caption = (*m)->caption;
}

// Copies the form's content (not its status action) onto `e`. Tags become
// slugs by Slugify; an empty slug comes from the title.
void ApplyContent(const EditorForm& form, EditorialArticle& e) {
  auto& a = e.article;
  a.title = form.title;
  a.slug = form.slug.empty() ? content::Slugify(form.title) : form.slug;
  a.dek = form.dek;
  a.body_markdown = form.body;
  a.image.url = form.image_url;
  a.image.credit = form.image_credit;
  a.image.alt = form.image_alt;
  a.image.caption = form.image_caption;
  a.tags.clear();
  size_t start = 0;
  while (start <= form.tags.size()) {
    size_t end = form.tags.find(',', start);
    if (end == std::string::npos) end = form.tags.size();
    std::string name = Trim(std::string_view(form.tags).substr(start, end - start));
    std::string slug = content::Slugify(name);
    const bool seen = std::any_of(a.tags.begin(), a.tags.end(), [&](const store::Tag& t) { return t.slug == slug; });
    if (!name.empty() && !slug.empty() && !seen) a.tags.push_back(store::Tag{0, slug, name});
    start = end + 1;
  }
  a.authors.clear();
  for (const auto& slug : form.authors) {
    const bool seen = std::any_of(a.authors.begin(), a.authors.end(), [&](const store::Author& x) { return x.slug == slug; });
    if (seen) continue;
    store::Author author;
    author.slug = slug;
    a.authors.push_back(std::move(author));
  }
}

// Fills the derived body fields the way the Markdown importer does.
Status RenderBody(store::Article& a) {
  auto rendered = content::RenderMarkdown(a.body_markdown);
  if (!rendered.ok()) return rendered.status();
  a.body_html = std::move(rendered->html);
  a.toc_json = content::TocJson(rendered->toc);
  a.excerpt = std::move(rendered->excerpt);
  a.plain_text = std::move(rendered->plain_text);
  a.reading_minutes = rendered->reading_minutes;
  return Status::Ok();
}

}  // namespace

struct ArticlePages::Impl {
  Admin& admin;
  std::mutex zones_mutex;
  std::map<std::string, TimeZone> zones;  // guarded by zones_mutex

  store::Store& store() { return admin.store(); }

  TimeZone Zone() {
    auto setting = store().GetSetting("site.timezone");
    const std::string name = setting.ok() && setting->has_value() ? **setting : "UTC";
    std::lock_guard lock(zones_mutex);
    if (auto it = zones.find(name); it != zones.end()) return it->second;
    auto zone = TimeZone::Load(name);
    if (!zone.ok()) {
      spdlog::warn("site.timezone: {}; using UTC", zone.status().ToString());
      return TimeZone();
    }
    zones.emplace(name, *zone);
    return *zone;
  }

  std::string Local(const TimeZone& zone, int64_t t, bool for_input = false) {
    if (t == 0) return "";
    return FormatLocalDateTime(t + zone.OffsetAt(t), for_input);
  }

  Response StoreError(const Visitor& v, const Status& s, std::string_view what) {
    spdlog::error("admin articles: {}: {}", what, s.ToString());
    return admin.Message(503, &v, "The newsroom is unavailable",
                         "The database could not be reached just now. Nothing was changed; please try again.",
                         "/admin/articles");
  }

  // The article named by the path, if this visitor may open it; otherwise
  // the response to send (404 or 403).
  std::variant<EditorialArticle, Response> Load(const Request& request, const Visitor& v) {
    auto id = ParseId(request.Param("id"));
    if (!id) return admin.Message(404, &v, "No such article", "There is no article at this address.", "/admin/articles");
    auto found = store().FindArticleById(*id);
    if (!found.ok()) return StoreError(v, found.status(), "finding an article");
    if (!found->has_value())
      return admin.Message(404, &v, "No such article", "There is no article at this address.", "/admin/articles");
    if (!IsEditor(v) && (*found)->owner_user_id != v.user.id)
      return admin.Message(403, &v, "Not your article", "Authors can open only the articles they started.",
                           "/admin/articles");
    return std::move(**found);
  }

  // ---- The list ----------------------------------------------------------------

  Response List(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto filter = store::ParseArticleFilter(request.QueryParam("status").value_or("all")).value_or(store::ArticleFilter::kAll);
    const std::string search = Trim(request.QueryParam("q").value_or("")).substr(0, 200);
    const int page_number = static_cast<int>(std::min<int64_t>(ParseId(request.QueryParam("page").value_or("1")).value_or(1), 10000));
    constexpr int kPageSize = 50;
    store::AdminArticleQuery query{.filter = filter,
                                   .owner_user_id = IsEditor(v) ? 0 : v.user.id,
                                   .search = search,
                                   .limit = kPageSize,
                                   .offset = (page_number - 1) * kPageSize};
    auto page = store().ListAdminArticles(query);
    if (!page.ok()) return StoreError(v, page.status(), "listing articles");
    const TimeZone zone = Zone();

    static constexpr std::pair<store::ArticleFilter, const char*> kTabs[] = {
        {store::ArticleFilter::kAll, "All"},           {store::ArticleFilter::kDraft, "Drafts"},
        {store::ArticleFilter::kReview, "In review"},  {store::ArticleFilter::kScheduled, "Scheduled"},
        {store::ArticleFilter::kPublished, "Published"}, {store::ArticleFilter::kTrash, "Trash"}};
    json::array tabs;
    for (const auto& [f, label] : kTabs) {
      std::string url = "/admin/articles?status=" + std::string(store::ToString(f));
      tabs.push_back(json::object{{"id", "tab-" + std::string(store::ToString(f))},
                                  {"label", label},
                                  {"count", page->counts[f]},
                                  {"url", url},
                                  {"current", f == filter}});
    }
    json::array items;
    for (const auto& e : page->items) {
      json::array authors;
      for (const auto& a : e.article.authors) authors.push_back(json::value(a.name));
      std::string names;
      for (const auto& a : e.article.authors) names += (names.empty() ? "" : ", ") + a.name;
      items.push_back(json::object{
          {"id", e.article.id},
          {"title", e.article.title.empty() ? std::string("(untitled)") : e.article.title},
          {"slug", e.article.slug},
          {"edit_url", fmt::format("/admin/articles/{}", e.article.id)},
          {"status", StatusLabel(e)},
          {"authors", names},
          {"updated", Local(zone, std::max(e.article.updated_at, e.article.created_at))},
          {"published", Local(zone, e.article.published_at)},
          {"public_url", e.article.status != ArticleStatus::kDraft ? "/articles/" + e.article.slug : std::string()}});
    }
    json::object view{{"title", "Articles"},
                      {"tabs", std::move(tabs)},
                      {"items", std::move(items)},
                      {"has_items", !page->items.empty()},
                      {"q", search},
                      {"status", std::string(store::ToString(filter))},
                      {"total", page->total}};
    if (page_number > 1)
      view["prev_url"] = fmt::format("/admin/articles?status={}&page={}", store::ToString(filter), page_number - 1);
    if (int64_t{page_number} * kPageSize < page->total)
      view["next_url"] = fmt::format("/admin/articles?status={}&page={}", store::ToString(filter), page_number + 1);
    return admin.Render(200, "articles", "articles", v, std::move(view));
  }

  // ---- The editor ------------------------------------------------------------------

  struct FormState {
    std::string error;       // shown above the form
    std::string slug_error;  // next to the slug
    std::string title_error;
    std::string schedule_error;
    std::string correction_error;
    std::string notice;
  };

  json::object EditorView(const Visitor& v, const EditorialArticle& e, const EditorForm& form,
                          const FormState& state) {
    const TimeZone zone = Zone();
    const bool is_new = e.article.id == 0;
    json::array authors;
    auto all = store().ListAuthors();
    if (all.ok()) {
      for (const auto& a : *all)
        authors.push_back(json::object{
            {"slug", a.slug},
            {"name", a.name},
            {"selected", std::find(form.authors.begin(), form.authors.end(), a.slug) != form.authors.end()}});
    }
    // The picker: the newest images of the library, and the current one.
    json::array media;
    bool current_listed = false;
    auto library = store().ListMedia({.limit = 200});
    if (library.ok()) {
      for (const auto& m : library->items) {
        if (!m.mime_type.starts_with("image/")) continue;
        const std::string url = MediaUrl(m.name);
        const bool selected = url == form.image_url;
        current_listed = current_listed || selected;
        media.push_back(json::object{{"name", m.name},
                                     {"url", url},
                                     {"label", m.alt.empty() ? m.name + " (no alt text yet)" : m.name + " — " + m.alt},
                                     {"alt", m.alt},
                                     {"credit", m.credit},
                                     {"caption", m.caption},
                                     {"selected", selected}});
      }
    }
    const bool live = e.article.status != ArticleStatus::kDraft;
    json::object article{{"id", e.article.id},
                         {"title", form.title},
                         {"slug", form.slug},
                         {"dek", form.dek},
                         {"body", form.body},
                         {"tags", form.tags},
                         {"image_url", form.image_url},
                         {"image_credit", form.image_credit},
                         {"image_alt", form.image_alt},
                         {"image_caption", form.image_caption},
                         {"revision", form.revision},
                         {"status", StatusLabel(e)},
                         {"is_live", live},
                         {"is_published", e.article.status == ArticleStatus::kPublished},
                         {"is_scheduled", e.article.status == ArticleStatus::kScheduled},
                         {"in_review", e.in_review},
                         {"trashed", e.trashed_at != 0},
                         {"published_at", Local(zone, e.article.published_at)},
                         {"schedule_at", form.schedule_at.empty() && e.article.status == ArticleStatus::kScheduled
                                             ? Local(zone, e.article.published_at, true)
                                             : form.schedule_at},
                         {"public_url", live ? "/articles/" + e.article.slug : std::string()},
                         {"is_correction", form.is_correction},
                         {"correction_note", form.correction_note}};
    json::object view{{"title", is_new ? std::string("New article") : "Edit: " + e.article.title},
                      {"article", std::move(article)},
                      {"authors", std::move(authors)},
                      {"media", std::move(media)},
                      {"image_is_other", !form.image_url.empty() && !current_listed},
                      {"thumb_url", form.image_url.starts_with("/") ? form.image_url : std::string()},
                      {"is_new", is_new},
                      {"action_url", is_new ? std::string("/admin/articles/new") : fmt::format("/admin/articles/{}", e.article.id)},
                      {"can_publish", IsEditor(v)},
                      {"can_edit_live", IsEditor(v) || !live},
                      {"timezone", zone.name()}};
    if (!state.error.empty()) view["error"] = state.error;
    if (!state.slug_error.empty()) view["slug_error"] = state.slug_error;
    if (!state.title_error.empty()) view["title_error"] = state.title_error;
    if (!state.schedule_error.empty()) view["schedule_error"] = state.schedule_error;
    if (!state.correction_error.empty()) view["correction_error"] = state.correction_error;
    if (!state.notice.empty()) view["notice"] = state.notice;
    if (!is_new) {
      view["revisions_url"] = fmt::format("/admin/articles/{}/revisions", e.article.id);
      view["preview_link_url"] = fmt::format("/admin/articles/{}/preview-link", e.article.id);
      view["autosave_url"] = fmt::format("/admin/articles/{}/autosave", e.article.id);
      auto corrections = store().ListCorrections(e.article.id, 0, 100);
      if (corrections.ok() && !corrections->empty()) {
        json::array list;
        for (const auto& c : *corrections) list.push_back(json::object{{"note", c.note}, {"at", Local(zone, c.created_at)}});
        view["corrections"] = std::move(list);
        view["has_corrections"] = true;
      }
    }
    return view;
  }

  Response Editor(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const EditorialArticle& e = std::get<EditorialArticle>(loaded);
    EditorForm form = FormOf(e);
    FormState state;
    if (request.QueryParam("saved")) {
      // What the save did, in the article's words now.
      if (e.article.status == ArticleStatus::kPublished)
        state.notice = fmt::format("Saved. It is live at /articles/{}.", e.article.slug);
      else if (e.article.status == ArticleStatus::kScheduled)
        state.notice = fmt::format("Saved. It is scheduled for {} ({}).", Local(Zone(), e.article.published_at),
                                   Zone().name());
      else if (e.in_review)
        state.notice = "Saved and submitted for review.";
      else
        state.notice = "Saved as a draft; readers do not see it.";
    }
    // The visitor's autosave, when newer than the article: offer it, or load
    // it into the form when asked (nothing is saved until they save).
    auto revisions = store().ListRevisions(e.article.id);
    json::object extra;
    if (revisions.ok()) {
      for (const auto& r : *revisions) {
        if (!r.is_autosave || r.saved_by_user_id != v.user.id) continue;
        if (r.saved_at < std::max(e.article.updated_at, e.article.created_at)) break;
        if (request.QueryParam("autosave") == std::to_string(r.id)) {
          auto full = store().FindRevision(e.article.id, r.id);
          if (full.ok() && full->has_value()) {
            const auto& a = **full;
            form.title = a.title;
            form.slug = a.slug;
            form.dek = a.dek;
            form.body = a.body_markdown;
            form.tags = JoinTags(a.tags);
            form.authors.clear();
            for (const auto& au : a.authors) form.authors.push_back(au.slug);
            form.image_url = a.image.url;
            form.image_credit = a.image.credit;
            form.image_alt = a.image.alt;
            form.image_caption = a.image.caption;
            state.notice = "Your autosaved text is in the form. Save to keep it.";
          }
        } else {
          const TimeZone zone = Zone();
          const std::string at = FormatLocalDateTime(r.saved_at + zone.OffsetAt(r.saved_at), false).substr(11);
          extra["autosave"] = json::object{{"at", at}, {"url", fmt::format("/admin/articles/{}?autosave={}", e.article.id, r.id)}};
        }
        break;
      }
    }
    json::object view = EditorView(v, e, form, state);
    for (auto& [k, val] : extra) view[k] = val;
    return admin.Render(200, "editor", "articles", v, std::move(view));
  }

  Response NewEditor(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    EditorialArticle e;
    EditorForm form;
    // An author writes as their own profile by default.
    if (v.user.author_id != 0) {
      auto all = store().ListAuthors();
      if (all.ok())
        for (const auto& a : *all)
          if (a.id == v.user.author_id) form.authors.push_back(a.slug);
    }
    return admin.Render(200, "editor", "articles", v, EditorView(v, e, form, {}));
  }

  Response Save(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    EditorialArticle e;
    if (!request.Param("id").empty()) {
      auto loaded = Load(request, v);
      if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
      e = std::move(std::get<EditorialArticle>(loaded));
    }
    const EditorialArticle before = e;
    EditorForm form = ReadForm(http::ParseForm(request.body));
    ApplyPickedMedia(store(), form);
    const int64_t now = admin.Now();

    static const std::vector<std::string> kActions = {"save", "submit", "publish", "schedule", "unpublish"};
    if (std::find(kActions.begin(), kActions.end(), form.action) == kActions.end())
      return admin.Message(400, &v, "Unknown action", "The form asked for an action this editor does not know.",
                           "/admin/articles");
    // Authors: drafts and review only, never a live article, never a correction.
    if (!IsEditor(v)) {
      const bool publishing = form.action == "publish" || form.action == "schedule" || form.action == "unpublish";
      if (publishing || form.is_correction || e.article.status != ArticleStatus::kDraft)
        return admin.Message(403, &v, "Not allowed",
                             "Authors can write drafts and submit them for review; an editor publishes, schedules, "
                             "unpublishes and corrects. Nothing was changed.",
                             e.article.id ? fmt::format("/admin/articles/{}", e.article.id) : "/admin/articles");
    }
    if (e.trashed_at != 0)
      return admin.Message(409, &v, "In the trash", "Restore the article from the trash before changing it.",
                           fmt::format("/admin/articles/{}", e.article.id));

    FormState state;
    auto again = [&](int status) {
      return admin.Render(status, "editor", "articles", v, EditorView(v, before, form, state));
    };
    ApplyContent(form, e);
    FillImageSize(store(), e.article.image, before.article.image.url);
    if (form.title.empty()) state.title_error = "Give the article a title.";
    if (e.article.slug.empty() || e.article.slug.size() > content::kMaxSlugLength ||
        e.article.slug != content::Slugify(e.article.slug))
      state.slug_error = "A slug uses only lower-case letters a-z, digits and single hyphens, like “a-thaw-in-ties”.";
    if (form.is_correction && form.correction_note.empty())
      state.correction_error = "Say what was corrected: readers see this note.";
    Status rendered = RenderBody(e.article);
    if (!rendered.ok()) state.error = "The body could not be rendered: " + rendered.message();

    auto& a = e.article;
    e.in_review = false;
    if (form.action == "submit") {
      e.in_review = true;
    } else if (form.action == "publish") {
      if (a.status != ArticleStatus::kPublished || a.published_at == 0 || a.published_at > now) a.published_at = now;
      a.status = ArticleStatus::kPublished;
    } else if (form.action == "schedule") {
      const auto local = ParseLocalDateTime(form.schedule_at);
      if (!local) {
        state.schedule_error = "Give a date and time to publish at, like 2026-09-08 09:00.";
      } else {
        a.published_at = Zone().ToUtc(*local);
        a.status = a.published_at > now ? ArticleStatus::kScheduled : ArticleStatus::kPublished;
      }
    } else if (form.action == "unpublish") {
      a.status = ArticleStatus::kDraft;
    } else if (form.action == "save" && before.in_review && !IsEditor(v)) {
      e.in_review = true;  // an author's edit keeps it in the queue
    }
    a.updated_at = now;
    // A featured image must be described before readers see the article:
    // its own alt text, or the library's for an uploaded image.
    if ((form.action == "publish" || form.action == "schedule") && !a.image.url.empty() && a.image.alt.empty() &&
        !MediaHasAlt(store(), a.image.url))
      state.error =
          "The article was not published: describe the featured image in its alt text first "
          "(what it shows, for readers using screen readers).";
    if (!state.title_error.empty() || !state.slug_error.empty() || !state.schedule_error.empty() ||
        !state.correction_error.empty() || !state.error.empty()) {
      if (state.error.empty()) state.error = "The article was not saved: see the notes below.";
      return again(422);
    }

    store::RevisionSave save{.expected_revision = form.revision,
                             .user_id = v.user.id,
                             .note = form.action == "save" ? std::string() : form.action,
                             .is_correction = form.is_correction,
                             .correction_note = form.correction_note,
                             .now = now};
    if (before.article.id == 0) save.expected_revision = 0;
    Status s = store().SaveArticleRevision(e, save);
    if (s.code() == Status::Code::kAlreadyExists) {
      state.slug_error = s.message() + ". Choose another slug.";
      state.error = "The article was not saved: see the notes below.";
      return again(422);
    }
    if (s.code() == Status::Code::kConflict) return Conflict(v, before, form);
    if (s.code() == Status::Code::kInvalidArgument) {
      state.error = "The article was not saved: " + s.message() + ".";
      return again(422);
    }
    if (!s.ok()) return StoreError(v, s, "saving an article");
    Response r(303, "text/plain; charset=utf-8", "Saved.\n");
    r.headers.Set("Location", fmt::format("/admin/articles/{}?saved=1", e.article.id));
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }

  // 409: the visitor's version stays in the form; the stored one is shown
  // beside it. The form now carries the stored revision, so saving again
  // is a deliberate choice to replace it.
  Response Conflict(const Visitor& v, const EditorialArticle& before, EditorForm form) {
    auto current = store().FindArticleById(before.article.id);
    if (!current.ok() || !current->has_value()) return StoreError(v, current.status(), "reading a conflicting save");
    const EditorialArticle& theirs = **current;
    form.revision = theirs.revision;
    FormState state;
    state.error =
        "Someone else saved this article while you were editing. Your version is in the form; theirs is shown "
        "beside it. Copy what you need, then save again to replace theirs.";
    json::object view = EditorView(v, theirs, form, state);
    std::string saved_by;
    auto revisions = store().ListRevisions(theirs.article.id);
    if (revisions.ok())
      for (const auto& r : *revisions)
        if (!r.is_autosave) {
          saved_by = r.saved_by_name;
          break;
        }
    view["conflict"] = json::object{{"title", theirs.article.title},
                                    {"dek", theirs.article.dek},
                                    {"body", theirs.article.body_markdown},
                                    {"tags", JoinTags(theirs.article.tags)},
                                    {"status", StatusLabel(theirs)},
                                    {"revision", theirs.revision},
                                    {"saved_by", saved_by}};
    return admin.Render(409, "editor", "articles", v, std::move(view));
  }

  Response Trash(const Request& request, bool restore) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const EditorialArticle& e = std::get<EditorialArticle>(loaded);
    const ArticleStatus live = restore ? e.trashed_status : e.article.status;
    if (!IsEditor(v) && live != ArticleStatus::kDraft)
      return admin.Message(403, &v, "Not allowed", "Only an editor can take a live article down or bring it back.",
                           fmt::format("/admin/articles/{}", e.article.id));
    Status s = restore ? store().RestoreArticle(e.article.id, v.user.id, admin.Now())
                       : store().TrashArticle(e.article.id, v.user.id, admin.Now());
    if (s.code() == Status::Code::kInvalidArgument)
      return admin.Message(409, &v, restore ? "Not in the trash" : "Already in the trash", s.message(),
                           fmt::format("/admin/articles/{}", e.article.id));
    if (!s.ok()) return StoreError(v, s, "trashing an article");
    Response r(303, "text/plain; charset=utf-8", "Done.\n");
    r.headers.Set("Location", restore ? fmt::format("/admin/articles/{}?saved=1", e.article.id)
                                      : std::string("/admin/articles?status=trash"));
    return r;
  }

  // ---- Embargoed preview links --------------------------------------------------------

  // POST /admin/articles/:id/preview-link: a signed link that shows the
  // article as it stands to anyone holding it, for `days` (1..30, default 7).
  Response PreviewLink(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const EditorialArticle& e = std::get<EditorialArticle>(loaded);
    int64_t days = 7;
    const auto fields = http::ParseForm(request.body);
    for (const auto& [name, value] : fields)
      if (name == "days") days = ParseId(value).value_or(7);
    days = std::clamp<int64_t>(days, 1, 30);
    const int64_t until = admin.Now() + days * 86400;
    const std::string token = comments::Sign(admin.key(), fmt::format("preview:{}:{}", e.article.id, until));
    const std::string url = admin.BaseUrl() + "/preview/" + token;
    json::object view{{"title", "Preview link"},
                      {"preview", json::object{{"url", url},
                                               {"article_title", e.article.title},
                                               {"days", days},
                                               {"back_url", fmt::format("/admin/articles/{}", e.article.id)}}}};
    return admin.Render(200, "preview-link", "articles", v, std::move(view));
  }

  // ---- Autosave and preview ----------------------------------------------------------

  // Form fields, or the string members of a JSON object body.
  static Fields BodyFields(const Request& request) {
    const auto type = request.headers.Get("Content-Type").value_or("");
    if (type.find("application/json") == std::string_view::npos && type.find("text/plain") == std::string_view::npos)
      return http::ParseForm(request.body);
    Fields out;
    boost::system::error_code ec;
    json::value parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) return out;
    for (const auto& [k, val] : parsed.as_object()) {
      if (val.is_string()) out.emplace_back(std::string(k), std::string(val.as_string()));
      if (val.is_array())
        for (const auto& item : val.as_array())
          if (item.is_string()) out.emplace_back(std::string(k), std::string(item.as_string()));
    }
    return out;
  }

  Response Autosave(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    EditorialArticle e = std::move(std::get<EditorialArticle>(loaded));
    EditorForm form = ReadForm(BodyFields(request));
    ApplyPickedMedia(store(), form);
    ApplyContent(form, e);
    auto saved = store().SaveAutosave(e, v.user.id, admin.Now());
    if (!saved.ok()) return Json(503, json::object{{"error", "the autosave could not be stored"}});
    return Json(200, json::object{{"id", saved->id}, {"saved_at", saved->saved_at}, {"based_on", saved->revision}});
  }

  Response Preview(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Fields fields = BodyFields(request);
    std::string markdown = http::FormValue(fields, "body");
    if (markdown.empty()) markdown = http::FormValue(fields, "markdown");
    auto rendered = content::RenderMarkdown(markdown);
    if (!rendered.ok()) return Json(422, json::object{{"error", rendered.status().message()}});
    return Json(200, json::object{{"html", rendered->html}});
  }

  // ---- Revisions ----------------------------------------------------------------------

  Response Revisions(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const EditorialArticle& e = std::get<EditorialArticle>(loaded);
    auto list = store().ListRevisions(e.article.id);
    if (!list.ok()) return StoreError(v, list.status(), "listing revisions");
    const TimeZone zone = Zone();
    json::array items;
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& r = (*list)[i];
      json::object item{{"id", r.id},
                        {"revision", r.revision},
                        {"title", r.title},
                        {"at", Local(zone, r.saved_at)},
                        {"by", r.saved_by_name.empty() ? std::string("(unknown)") : r.saved_by_name},
                        {"note", r.note},
                        {"is_correction", r.is_correction},
                        {"is_autosave", r.is_autosave},
                        {"restore_url", fmt::format("/admin/articles/{}/revisions/{}/restore", e.article.id, r.id)}};
      if (i + 1 < list->size())
        item["diff_url"] = fmt::format("/admin/articles/{}/revisions/diff?from={}&to={}", e.article.id, (*list)[i + 1].id, r.id);
      items.push_back(std::move(item));
    }
    json::object view{{"title", "Revisions: " + e.article.title},
                      {"article", json::object{{"id", e.article.id},
                                               {"title", e.article.title},
                                               {"edit_url", fmt::format("/admin/articles/{}", e.article.id)},
                                               {"diff_url", fmt::format("/admin/articles/{}/revisions/diff", e.article.id)}}},
                      {"revisions", std::move(items)},
                      {"can_restore", IsEditor(v) || e.article.status == ArticleStatus::kDraft}};
    return admin.Render(200, "revisions", "articles", v, std::move(view));
  }

  Response Diff(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    const EditorialArticle& e = std::get<EditorialArticle>(loaded);
    const auto from_id = ParseId(request.QueryParam("from").value_or(""));
    const auto to_id = ParseId(request.QueryParam("to").value_or(""));
    const std::string back = fmt::format("/admin/articles/{}/revisions", e.article.id);
    if (!from_id || !to_id) return admin.Message(400, &v, "Choose two revisions", "Pick the two revisions to compare.", back);
    auto from = store().FindRevision(e.article.id, *from_id);
    auto to = store().FindRevision(e.article.id, *to_id);
    if (!from.ok() || !to.ok()) return StoreError(v, from.ok() ? to.status() : from.status(), "reading revisions");
    if (!from->has_value() || !to->has_value())
      return admin.Message(404, &v, "No such revision", "This article has no revision with that number.", back);
    const TimeZone zone = Zone();
    json::array rows;
    int inserted = 0, deleted = 0;
    for (const auto& line : DiffLines((*from)->body_markdown, (*to)->body_markdown)) {
      const char* kind = line.kind == DiffLine::Kind::kSame ? "same" : line.kind == DiffLine::Kind::kInserted ? "ins" : "del";
      inserted += line.kind == DiffLine::Kind::kInserted;
      deleted += line.kind == DiffLine::Kind::kDeleted;
      rows.push_back(json::object{{"kind", kind},
                                  {"is_ins", line.kind == DiffLine::Kind::kInserted},
                                  {"is_del", line.kind == DiffLine::Kind::kDeleted},
                                  {"text", line.text}});
    }
    auto describe = [&](const store::ArticleRevision& r) {
      return json::object{{"id", r.id}, {"revision", r.revision}, {"title", r.title}, {"dek", r.dek},
                          {"at", Local(zone, r.saved_at)}, {"by", r.saved_by_name}, {"note", r.note}};
    };
    json::object view{{"title", "Compare revisions: " + e.article.title},
                      {"article", json::object{{"id", e.article.id},
                                               {"title", e.article.title},
                                               {"revisions_url", back}}},
                      {"from", describe(**from)},
                      {"to", describe(**to)},
                      {"title_changed", (*from)->title != (*to)->title},
                      {"dek_changed", (*from)->dek != (*to)->dek},
                      {"rows", std::move(rows)},
                      {"inserted", inserted},
                      {"deleted", deleted},
                      {"inserted_text", fmt::format("{} line{}", inserted, inserted == 1 ? "" : "s")},
                      {"deleted_text", fmt::format("{} line{}", deleted, deleted == 1 ? "" : "s")}};
    return admin.Render(200, "revision-diff", "articles", v, std::move(view));
  }

  Response RestoreRevision(const Request& request) {
    auto g = admin.Guard(request, {});
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    auto loaded = Load(request, v);
    if (auto* r = std::get_if<Response>(&loaded)) return std::move(*r);
    EditorialArticle e = std::move(std::get<EditorialArticle>(loaded));
    const std::string back = fmt::format("/admin/articles/{}/revisions", e.article.id);
    if (!IsEditor(v) && e.article.status != ArticleStatus::kDraft)
      return admin.Message(403, &v, "Not allowed", "Only an editor can change a live article. Nothing was changed.", back);
    if (e.trashed_at != 0)
      return admin.Message(409, &v, "In the trash", "Restore the article from the trash first.", back);
    const auto rev_id = ParseId(request.Param("rev"));
    auto found = rev_id ? store().FindRevision(e.article.id, *rev_id) : Result<std::optional<store::ArticleRevision>>(std::nullopt);
    if (!found.ok()) return StoreError(v, found.status(), "reading a revision");
    if (!found->has_value()) return admin.Message(404, &v, "No such revision", "This article has no such revision.", back);
    const auto& old = **found;
    auto& a = e.article;
    a.slug = old.slug;
    a.title = old.title;
    a.dek = old.dek;
    a.body_markdown = old.body_markdown;
    a.image.url = old.image.url;
    a.image.credit = old.image.credit;
    a.image.alt = old.image.alt;
    a.image.caption = old.image.caption;
    a.tags = old.tags;
    a.authors = old.authors;
    a.updated_at = admin.Now();
    Status rendered = RenderBody(a);
    if (!rendered.ok()) return admin.Message(422, &v, "Cannot restore", rendered.message(), back);
    const int64_t expected = e.revision;
    Status s = store().SaveArticleRevision(
        e, {.expected_revision = expected,
            .user_id = v.user.id,
            .note = old.is_autosave ? std::string("restored an autosave") : fmt::format("restored revision {}", old.revision),
            .now = admin.Now()});
    if (s.code() == Status::Code::kAlreadyExists || s.code() == Status::Code::kInvalidArgument ||
        s.code() == Status::Code::kConflict)
      return admin.Message(409, &v, "Cannot restore", s.message(), back);
    if (!s.ok()) return StoreError(v, s, "restoring a revision");
    Response r(303, "text/plain; charset=utf-8", "Restored.\n");
    r.headers.Set("Location", fmt::format("/admin/articles/{}?saved=1", e.article.id));
    return r;
  }
};

ArticlePages::ArticlePages(Admin& admin) : impl_(new Impl{admin, {}, {}}) {}
ArticlePages::~ArticlePages() = default;

void ArticlePages::RegisterRoutes(http::Router& router) {
  Impl* impl = impl_.get();
  router.Get("/admin/articles", [impl](const Request& r) { return impl->List(r); });
  router.Get("/admin/articles/new", [impl](const Request& r) { return impl->NewEditor(r); });
  router.Post("/admin/articles/new", [impl](const Request& r) { return impl->Save(r); });
  router.Get("/admin/articles/:id", [impl](const Request& r) { return impl->Editor(r); });
  router.Post("/admin/articles/:id", [impl](const Request& r) { return impl->Save(r); });
  router.Post("/admin/articles/:id/trash", [impl](const Request& r) { return impl->Trash(r, false); });
  router.Post("/admin/articles/:id/restore", [impl](const Request& r) { return impl->Trash(r, true); });
  router.Post("/admin/articles/:id/autosave", [impl](const Request& r) { return impl->Autosave(r); });
  router.Get("/admin/articles/:id/revisions", [impl](const Request& r) { return impl->Revisions(r); });
  router.Get("/admin/articles/:id/revisions/diff", [impl](const Request& r) { return impl->Diff(r); });
  router.Post("/admin/articles/:id/revisions/:rev/restore", [impl](const Request& r) { return impl->RestoreRevision(r); });
  router.Post("/admin/preview", [impl](const Request& r) { return impl->Preview(r); });
  router.Post("/admin/articles/:id/preview-link", [impl](const Request& r) { return impl->PreviewLink(r); });
}

}  // namespace chancery::admin
