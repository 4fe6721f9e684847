// The SQLite Store's newsroom side of articles: the admin list, saves by id
// under an optimistic lock, revisions, autosaves, trash and corrections.
//
// Reader queries (sqlite_store.cc) need none of this: trash sets status to
// draft, which they already exclude.
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite/store_impl.h"

namespace chancery::store {

namespace {
constexpr std::array<std::pair<ArticleFilter, std::string_view>, 6> kFilterNames{{
    {ArticleFilter::kAll, "all"},
    {ArticleFilter::kDraft, "draft"},
    {ArticleFilter::kReview, "review"},
    {ArticleFilter::kScheduled, "scheduled"},
    {ArticleFilter::kPublished, "published"},
    {ArticleFilter::kTrash, "trash"},
}};
}  // namespace

std::string_view ToString(ArticleFilter filter) {
  for (const auto& [f, name] : kFilterNames)
    if (f == filter) return name;
  return "all";
}

std::optional<ArticleFilter> ParseArticleFilter(std::string_view text) {
  for (const auto& [f, name] : kFilterNames)
    if (name == text) return f;
  return std::nullopt;
}

}  // namespace chancery::store

namespace chancery::store::sqlite {
namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

template <typename T>
Result<T> Context(Result<T> result, std::string_view context) {
  if (!result.ok()) return result.status().WithContext(std::string(context));
  return result;
}

// The columns ReadEditorial expects; the article table is aliased a. The
// first 21 follow ReadArticle in sqlite_store.cc (article_sql.h's order).
#define CHANCERY_EDITORIAL_HEAD "SELECT a.id, a.slug, a.title, a.dek, "
#define CHANCERY_EDITORIAL_TAIL                                                              \
  "a.toc_json, a.excerpt, a.reading_minutes, a.status, a.published_at, a.updated_at, "       \
  "a.created_at, a.image_url, a.image_credit, a.image_alt, a.image_caption, a.image_width, " \
  "a.image_height, a.comments_open, a.revision, a.in_review, a.trashed_at, a.trashed_status, " \
  "a.owner_user_id FROM articles a"
constexpr char kEditorialFull[] =
    CHANCERY_EDITORIAL_HEAD "a.body_markdown, a.body_html, a.plain_text, " CHANCERY_EDITORIAL_TAIL;
constexpr char kEditorialSummary[] = CHANCERY_EDITORIAL_HEAD "'', '', '', " CHANCERY_EDITORIAL_TAIL;
#undef CHANCERY_EDITORIAL_HEAD
#undef CHANCERY_EDITORIAL_TAIL

Result<EditorialArticle> ReadEditorial(const Statement& row) {
  EditorialArticle e;
  CHANCERY_ASSIGN_OR_RETURN(e.article, ReadArticle(row));
  e.revision = row.Int64(21);
  e.in_review = row.Int(22) != 0;
  e.trashed_at = row.Int64(23);
  e.trashed_status = ParseArticleStatus(row.Text(24)).value_or(ArticleStatus::kDraft);
  e.owner_user_id = row.IsNull(25) ? 0 : row.Int64(25);
  return e;
}

// Authors and tags of the articles, one query each.
Status LoadEditorialLinks(Connection& db, std::vector<EditorialArticle>& items) {
  std::vector<Article*> articles;
  for (EditorialArticle& e : items) articles.push_back(&e.article);
  return LoadLinks(db, std::move(articles));
}

Result<std::optional<EditorialArticle>> FindByIdIn(Connection& db, int64_t id) {
  static const std::string kSql = std::string(kEditorialFull) + " WHERE a.id = ?1";
  std::vector<EditorialArticle> found;
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
    stmt->Bind(1, id);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return std::optional<EditorialArticle>();
    CHANCERY_ASSIGN_OR_RETURN(EditorialArticle e, ReadEditorial(*stmt));
    found.push_back(std::move(e));
  }
  CHANCERY_RETURN_IF_ERROR(LoadEditorialLinks(db, found));
  return std::optional<EditorialArticle>(std::move(found.front()));
}

// ---- JSON text for revision rows ------------------------------------------------

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

template <typename T>
std::string SlugNameJson(const std::vector<T>& items) {
  std::string out = "[";
  for (const T& item : items) {
    if (out.size() > 1) out += ',';
    out += "{\"slug\":";
    AppendJsonString(out, item.slug);
    out += ",\"name\":";
    AppendJsonString(out, item.name);
    out += '}';
  }
  return out + "]";
}

std::string ImageJson(const FeaturedImage& image) {
  std::string out = "{\"url\":";
  AppendJsonString(out, image.url);
  out += ",\"credit\":";
  AppendJsonString(out, image.credit);
  out += ",\"alt\":";
  AppendJsonString(out, image.alt);
  out += ",\"caption\":";
  AppendJsonString(out, image.caption);
  return out + "}";
}

struct RevisionMeta {
  int64_t user_id = 0;
  int64_t now = 0;
  std::string_view note;
  bool is_correction = false;
  bool is_autosave = false;
};

Result<int64_t> InsertRevision(Connection& db, const EditorialArticle& e, const RevisionMeta& meta) {
  CHANCERY_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db.Prepare("INSERT INTO article_revisions (article_id, revision, slug, title, dek, body_markdown, tags_json,"
                 " authors_json, image_json, status, published_at, saved_by_user_id, saved_at, note,"
                 " is_correction, is_autosave) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                 " ?14, ?15, ?16) RETURNING id"));
  const Article& a = e.article;
  stmt->Bind(1, a.id).Bind(2, e.revision).Bind(3, a.slug).Bind(4, a.title).Bind(5, a.dek);
  stmt->Bind(6, a.body_markdown).Bind(7, SlugNameJson(a.tags)).Bind(8, SlugNameJson(a.authors));
  stmt->Bind(9, ImageJson(a.image)).Bind(10, ToString(a.status)).Bind(11, a.published_at);
  stmt->BindIdOrNull(12, meta.user_id).Bind(13, meta.now).Bind(14, meta.note);
  stmt->Bind(15, meta.is_correction ? 1 : 0).Bind(16, meta.is_autosave ? 1 : 0);
  CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
  return stmt->Int64(0);
}

constexpr char kRevisionColumns[] =
    "SELECT r.id, r.article_id, r.revision, r.slug, r.title, r.dek, r.body_markdown,"
    " json_extract(r.image_json, '$.url'), json_extract(r.image_json, '$.credit'),"
    " json_extract(r.image_json, '$.alt'), json_extract(r.image_json, '$.caption'), r.status, r.published_at,"
    " r.saved_by_user_id, COALESCE(u.name, ''), r.saved_at, r.note, r.is_correction, r.is_autosave,"
    " r.tags_json, r.authors_json"
    " FROM article_revisions r LEFT JOIN users u ON u.id = r.saved_by_user_id";

ArticleRevision ReadRevision(const Statement& row) {
  ArticleRevision r;
  r.id = row.Int64(0);
  r.article_id = row.Int64(1);
  r.revision = row.Int64(2);
  r.slug = row.Text(3);
  r.title = row.Text(4);
  r.dek = row.Text(5);
  r.body_markdown = row.Text(6);
  r.image.url = row.Text(7);
  r.image.credit = row.Text(8);
  r.image.alt = row.Text(9);
  r.image.caption = row.Text(10);
  r.status = ParseArticleStatus(row.Text(11)).value_or(ArticleStatus::kDraft);
  r.published_at = row.Int64(12);
  r.saved_by_user_id = row.IsNull(13) ? 0 : row.Int64(13);
  r.saved_by_name = row.Text(14);
  r.saved_at = row.Int64(15);
  r.note = row.Text(16);
  r.is_correction = row.Int(17) != 0;
  r.is_autosave = row.Int(18) != 0;
  return r;
}

// The (slug, name) pairs of a JSON array written by SlugNameJson.
Result<std::vector<std::pair<std::string, std::string>>> ParseSlugNames(Connection& db, const std::string& json) {
  CHANCERY_ASSIGN_OR_RETURN(
      StatementLease stmt,
      db.Prepare("SELECT json_extract(value, '$.slug'), json_extract(value, '$.name') FROM json_each(?1)"));
  stmt->Bind(1, json);
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return out;
    out.emplace_back(stmt->Text(0), stmt->Text(1));
  }
}

// ---- Saving ---------------------------------------------------------------------------

bool IsSlug(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

Status ValidateEditorial(const EditorialArticle& e, const RevisionSave& save) {
  const Article& a = e.article;
  if (!IsSlug(a.slug))
    return Status::InvalidArgument("the slug " + Quoted(a.slug) + " must be non-empty and use only a-z, 0-9 and '-'");
  if (a.title.empty()) return Status::InvalidArgument("an article needs a title");
  if (save.is_correction && save.correction_note.empty())
    return Status::InvalidArgument("a correction needs a note saying what was corrected");
  for (size_t i = 0; i < a.tags.size(); ++i) {
    if (!IsSlug(a.tags[i].slug)) return Status::InvalidArgument("the tag " + Quoted(a.tags[i].name) + " has no usable slug");
    for (size_t j = 0; j < i; ++j)
      if (a.tags[j].slug == a.tags[i].slug) return Status::InvalidArgument("the tag " + Quoted(a.tags[i].name) + " is listed twice");
  }
  for (size_t i = 0; i < a.authors.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (a.authors[j].slug == a.authors[i].slug)
        return Status::InvalidArgument("the author " + Quoted(a.authors[i].slug) + " is listed twice");
  return Status::Ok();
}

// Resolves authors (which must exist) and tags (created when new) to ids.
// REQUIRES: a write transaction is open on `db`.
Status ResolveLinks(Connection& db, Article& a) {
  for (Author& author : a.authors) {
    CHANCERY_ASSIGN_OR_RETURN(
        StatementLease stmt,
        db.Prepare("SELECT id, slug, name, bio, affiliation, disclosure FROM authors WHERE slug = ?1"));
    stmt->Bind(1, author.slug);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return Status::InvalidArgument("there is no author " + Quoted(author.slug));
    author = Author{stmt->Int64(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Text(4), stmt->Text(5)};
  }
  for (Tag& tag : a.tags) {
    {
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease insert,
          db.Prepare("INSERT INTO tags (slug, name) VALUES (?1, ?2) ON CONFLICT (slug) DO NOTHING"));
      insert->Bind(1, tag.slug).Bind(2, tag.name.empty() ? tag.slug : tag.name);
      CHANCERY_RETURN_IF_ERROR(insert->Run());
    }
    CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("SELECT id, slug, name FROM tags WHERE slug = ?1"));
    stmt->Bind(1, tag.slug);
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return Status::Internal("a tag vanished while saving");
    tag = Tag{stmt->Int64(0), stmt->Text(1), stmt->Text(2)};
  }
  return Status::Ok();
}

Status WriteLinks(Connection& db, const Article& a) {
  for (const char* sql : {"DELETE FROM article_authors WHERE article_id = ?1", "DELETE FROM article_tags WHERE article_id = ?1"}) {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease clear, db.Prepare(sql));
    clear->Bind(1, a.id);
    CHANCERY_RETURN_IF_ERROR(clear->Run());
  }
  for (size_t i = 0; i < a.authors.size(); ++i) {
    CHANCERY_ASSIGN_OR_RETURN(
        StatementLease link,
        db.Prepare("INSERT INTO article_authors (article_id, author_id, position) VALUES (?1, ?2, ?3)"));
    link->Bind(1, a.id).Bind(2, a.authors[i].id).Bind(3, static_cast<int64_t>(i));
    CHANCERY_RETURN_IF_ERROR(link->Run());
  }
  for (size_t i = 0; i < a.tags.size(); ++i) {
    CHANCERY_ASSIGN_OR_RETURN(
        StatementLease link, db.Prepare("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?1, ?2, ?3)"));
    link->Bind(1, a.id).Bind(2, a.tags[i].id).Bind(3, static_cast<int64_t>(i));
    CHANCERY_RETURN_IF_ERROR(link->Run());
  }
  return Status::Ok();
}

// ?1..?19 the article's columns, ?20 revision, ?21 in_review.
void BindEditorial(Statement& stmt, const EditorialArticle& e) {
  const Article& a = e.article;
  stmt.Bind(1, a.slug).Bind(2, a.title).Bind(3, a.dek).Bind(4, a.body_markdown);
  stmt.Bind(5, a.body_html).Bind(6, a.toc_json).Bind(7, a.excerpt).Bind(8, a.plain_text);
  stmt.Bind(9, a.reading_minutes).Bind(10, ToString(a.status)).Bind(11, a.published_at);
  stmt.Bind(12, a.updated_at).Bind(13, a.image.url).Bind(14, a.image.credit);
  stmt.Bind(15, a.image.alt).Bind(16, a.image.caption).Bind(17, a.image.width);
  stmt.Bind(18, a.image.height).Bind(19, a.comments_open ? 1 : 0);
  stmt.Bind(20, e.revision).Bind(21, e.in_review ? 1 : 0);
}

Status CheckPage(int limit, int offset) {
  if (limit < 1 || limit > 1000) return Status::InvalidArgument("limit must be 1..1000, got " + std::to_string(limit));
  if (offset < 0) return Status::InvalidArgument("offset must be >= 0");
  return Status::Ok();
}

// The WHERE of a tab; ?1 owner (0: any), ?2 title search ('' : any).
std::string_view FilterSql(ArticleFilter filter) {
  switch (filter) {
    case ArticleFilter::kAll: return "a.trashed_at = 0";
    case ArticleFilter::kDraft: return "a.trashed_at = 0 AND a.status = 'draft' AND a.in_review = 0";
    case ArticleFilter::kReview: return "a.trashed_at = 0 AND a.in_review = 1";
    case ArticleFilter::kScheduled: return "a.trashed_at = 0 AND a.status = 'scheduled'";
    case ArticleFilter::kPublished: return "a.trashed_at = 0 AND a.status = 'published'";
    case ArticleFilter::kTrash: return "a.trashed_at <> 0";
  }
  return "1";
}

constexpr char kOwnerAndSearch[] =
    " AND (?1 = 0 OR a.owner_user_id = ?1) AND (?2 = '' OR instr(lower(a.title), lower(?2)) > 0)";

}  // namespace

Result<AdminArticlePage> SqliteStore::ListAdminArticles(const AdminArticleQuery& query) {
  CHANCERY_RETURN_IF_ERROR(CheckPage(query.limit, query.offset).WithContext("list admin articles"));
  return Context(
      Read([&](Connection& db) -> Result<AdminArticlePage> {
        CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
        AdminArticlePage page;
        {
          // The filter's SQL is one of the constants above, never input.
          const std::string sql = std::string(kEditorialSummary) + " WHERE " + std::string(FilterSql(query.filter)) +
                                  kOwnerAndSearch + " ORDER BY MAX(a.updated_at, a.created_at) DESC, a.id DESC"
                                  " LIMIT ?3 OFFSET ?4";
          CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql));
          stmt->Bind(1, query.owner_user_id).Bind(2, query.search).Bind(3, query.limit).Bind(4, query.offset);
          for (;;) {
            CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
            if (!row) break;
            CHANCERY_ASSIGN_OR_RETURN(EditorialArticle e, ReadEditorial(*stmt));
            page.items.push_back(std::move(e));
          }
        }
        for (const auto& [filter, name] : kFilterNames) {
          (void)name;
          const std::string sql =
              "SELECT COUNT(*) FROM articles a WHERE " + std::string(FilterSql(filter)) + kOwnerAndSearch;
          CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql));
          stmt->Bind(1, query.owner_user_id).Bind(2, query.search);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          page.counts[filter] = row ? stmt->Int64(0) : 0;
        }
        page.total = page.counts[query.filter];
        CHANCERY_RETURN_IF_ERROR(LoadEditorialLinks(db, page.items));
        CHANCERY_RETURN_IF_ERROR(tx.Commit());
        return page;
      }),
      "list admin articles");
}

Result<std::optional<EditorialArticle>> SqliteStore::FindArticleById(int64_t id) {
  return Context(Read([&](Connection& db) -> Result<std::optional<EditorialArticle>> {
                   CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
                   CHANCERY_ASSIGN_OR_RETURN(auto found, FindByIdIn(db, id));
                   CHANCERY_RETURN_IF_ERROR(tx.Commit());
                   return found;
                 }),
                 "find article " + std::to_string(id));
}

Status SqliteStore::SaveArticleRevision(EditorialArticle& article, const RevisionSave& save) {
  const std::string context = "save article " + Quoted(article.article.slug);
  CHANCERY_RETURN_IF_ERROR(ValidateEditorial(article, save).WithContext(context));
  EditorialArticle saved = article;  // a failed save leaves the caller's copy as it was
  Status status = WriteTransaction([&](Connection& db) -> Status {
    Article& a = saved.article;
    {
      CHANCERY_ASSIGN_OR_RETURN(StatementLease clash,
                                db.Prepare("SELECT title FROM articles WHERE slug = ?1 AND id <> ?2"));
      clash->Bind(1, a.slug).Bind(2, a.id);
      CHANCERY_ASSIGN_OR_RETURN(const bool taken, clash->Step());
      if (taken) return Status::AlreadyExists("the slug " + Quoted(a.slug) + " is used by " + Quoted(clash->Text(0)));
    }
    CHANCERY_RETURN_IF_ERROR(ResolveLinks(db, a));
    if (a.id == 0) {
      if (save.expected_revision != 0)
        return Status::InvalidArgument("a new article cannot be based on revision " +
                                       std::to_string(save.expected_revision));
      saved.revision = 1;
      saved.trashed_at = 0;
      if (saved.owner_user_id == 0) saved.owner_user_id = save.user_id;
      a.created_at = save.now;
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease insert,
          db.Prepare("INSERT INTO articles (slug, title, dek, body_markdown, body_html, toc_json, excerpt,"
                     " plain_text, reading_minutes, status, published_at, updated_at, image_url, image_credit,"
                     " image_alt, image_caption, image_width, image_height, comments_open, revision, in_review,"
                     " owner_user_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                     " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) RETURNING id"));
      BindEditorial(*insert, saved);
      insert->BindIdOrNull(22, saved.owner_user_id).Bind(23, a.created_at);
      CHANCERY_ASSIGN_OR_RETURN(const bool row, insert->Step());
      if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
      a.id = insert->Int64(0);
    } else {
      CHANCERY_ASSIGN_OR_RETURN(auto current, FindByIdIn(db, a.id));
      if (!current) return Status::NotFound("there is no article " + std::to_string(a.id));
      if (current->revision != save.expected_revision)
        return Status::Conflict("the article was saved by someone else (now at revision " +
                                std::to_string(current->revision) + ", yours was based on " +
                                std::to_string(save.expected_revision) + ")");
      saved.revision = current->revision + 1;
      saved.owner_user_id = current->owner_user_id;
      saved.trashed_at = current->trashed_at;
      saved.trashed_status = current->trashed_status;
      a.created_at = current->article.created_at;
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease update,
          db.Prepare("UPDATE articles SET slug = ?1, title = ?2, dek = ?3, body_markdown = ?4, body_html = ?5,"
                     " toc_json = ?6, excerpt = ?7, plain_text = ?8, reading_minutes = ?9, status = ?10,"
                     " published_at = ?11, updated_at = ?12, image_url = ?13, image_credit = ?14, image_alt = ?15,"
                     " image_caption = ?16, image_width = ?17, image_height = ?18, comments_open = ?19,"
                     " revision = ?20, in_review = ?21 WHERE id = ?22"));
      BindEditorial(*update, saved);
      update->Bind(22, a.id);
      CHANCERY_RETURN_IF_ERROR(update->Run());
    }
    CHANCERY_RETURN_IF_ERROR(WriteLinks(db, a));
    CHANCERY_ASSIGN_OR_RETURN(
        const int64_t revision_id,
        InsertRevision(db, saved, {save.user_id, save.now, save.note, save.is_correction, false}));
    (void)revision_id;
    if (save.is_correction) {
      CHANCERY_ASSIGN_OR_RETURN(
          StatementLease insert,
          db.Prepare("INSERT INTO corrections (article_id, revision, note, created_at, created_by_user_id)"
                     " VALUES (?1, ?2, ?3, ?4, ?5)"));
      insert->Bind(1, a.id).Bind(2, saved.revision).Bind(3, save.correction_note).Bind(4, save.now);
      insert->BindIdOrNull(5, save.user_id);
      CHANCERY_RETURN_IF_ERROR(insert->Run());
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    // The conflict's and clash's messages are for the person saving; keep them plain.
    if (status.code() == Status::Code::kConflict || status.code() == Status::Code::kAlreadyExists) return status;
    return status.WithContext(context);
  }
  article = std::move(saved);
  return Status::Ok();
}

Status SqliteStore::TrashArticle(int64_t id, int64_t user_id, int64_t now) {
  return WriteTransaction([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(auto current, FindByIdIn(db, id));
           if (!current) return Status::NotFound("there is no article " + std::to_string(id));
           if (current->trashed_at != 0) return Status::InvalidArgument("the article is already in the trash");
           {
             CHANCERY_ASSIGN_OR_RETURN(
                 StatementLease stmt,
                 db.Prepare("UPDATE articles SET trashed_status = status, status = 'draft', trashed_at = ?2,"
                            " in_review = 0, revision = revision + 1 WHERE id = ?1"));
             stmt->Bind(1, id).Bind(2, now);
             CHANCERY_RETURN_IF_ERROR(stmt->Run());
           }
           CHANCERY_ASSIGN_OR_RETURN(auto moved, FindByIdIn(db, id));
           return InsertRevision(db, *moved, {user_id, now, "moved to the trash", false, false}).status();
         })
      .WithContext("trash article " + std::to_string(id));
}

Status SqliteStore::RestoreArticle(int64_t id, int64_t user_id, int64_t now) {
  return WriteTransaction([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(auto current, FindByIdIn(db, id));
           if (!current) return Status::NotFound("there is no article " + std::to_string(id));
           if (current->trashed_at == 0) return Status::InvalidArgument("the article is not in the trash");
           {
             CHANCERY_ASSIGN_OR_RETURN(
                 StatementLease stmt,
                 db.Prepare("UPDATE articles SET status = CASE trashed_status WHEN '' THEN 'draft'"
                            " ELSE trashed_status END, trashed_status = '', trashed_at = 0,"
                            " revision = revision + 1 WHERE id = ?1"));
             stmt->Bind(1, id);
             CHANCERY_RETURN_IF_ERROR(stmt->Run());
           }
           CHANCERY_ASSIGN_OR_RETURN(auto restored, FindByIdIn(db, id));
           return InsertRevision(db, *restored, {user_id, now, "restored from the trash", false, false}).status();
         })
      .WithContext("restore article " + std::to_string(id));
}

Status SqliteStore::SetInReview(int64_t id, bool in_review) {
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                     db.Prepare("UPDATE articles SET in_review = ?2 WHERE id = ?1"));
           stmt->Bind(1, id).Bind(2, in_review ? 1 : 0);
           CHANCERY_RETURN_IF_ERROR(stmt->Run());
           if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("there is no article " + std::to_string(id));
           return Status::Ok();
         })
      .WithContext("set review of article " + std::to_string(id));
}

Result<ArticleRevision> SqliteStore::SaveAutosave(const EditorialArticle& draft, int64_t user_id, int64_t now) {
  return Context(
      WriteTransaction([&](Connection& db) -> Result<ArticleRevision> {
        {
          CHANCERY_ASSIGN_OR_RETURN(StatementLease exists, db.Prepare("SELECT 1 FROM articles WHERE id = ?1"));
          exists->Bind(1, draft.article.id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, exists->Step());
          if (!row) return Status::NotFound("there is no article " + std::to_string(draft.article.id));
        }
        {
          // One autosave per user and article: the newest is all that is needed.
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease clear,
              db.Prepare("DELETE FROM article_revisions WHERE article_id = ?1 AND is_autosave = 1"
                         " AND saved_by_user_id IS ?2"));
          clear->Bind(1, draft.article.id).BindIdOrNull(2, user_id);
          CHANCERY_RETURN_IF_ERROR(clear->Run());
        }
        CHANCERY_ASSIGN_OR_RETURN(const int64_t id, InsertRevision(db, draft, {user_id, now, "autosave", false, true}));
        static const std::string kSql = std::string(kRevisionColumns) + " WHERE r.id = ?1";
        CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
        stmt->Bind(1, id);
        CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
        if (!row) return Status::Internal("the autosave just written is gone");
        return ReadRevision(*stmt);
      }),
      "autosave article " + std::to_string(draft.article.id));
}

Result<std::vector<ArticleRevision>> SqliteStore::ListRevisions(int64_t article_id) {
  return Context(Read([&](Connection& db) -> Result<std::vector<ArticleRevision>> {
                   static const std::string kSql =
                       std::string(kRevisionColumns) + " WHERE r.article_id = ?1 ORDER BY r.id DESC";
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
                   stmt->Bind(1, article_id);
                   std::vector<ArticleRevision> out;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return out;
                     out.push_back(ReadRevision(*stmt));
                   }
                 }),
                 "list revisions of article " + std::to_string(article_id));
}

Result<std::optional<ArticleRevision>> SqliteStore::FindRevision(int64_t article_id, int64_t revision_id) {
  return Context(Read([&](Connection& db) -> Result<std::optional<ArticleRevision>> {
                   static const std::string kSql =
                       std::string(kRevisionColumns) + " WHERE r.id = ?1 AND r.article_id = ?2";
                   ArticleRevision r;
                   std::string tags_json, authors_json;
                   {
                     CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kSql));
                     stmt->Bind(1, revision_id).Bind(2, article_id);
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return std::optional<ArticleRevision>();
                     r = ReadRevision(*stmt);
                     tags_json = stmt->Text(19);
                     authors_json = stmt->Text(20);
                   }
                   CHANCERY_ASSIGN_OR_RETURN(auto tags, ParseSlugNames(db, tags_json));
                   for (auto& [slug, name] : tags) r.tags.push_back(Tag{0, slug, name});
                   CHANCERY_ASSIGN_OR_RETURN(auto authors, ParseSlugNames(db, authors_json));
                   for (auto& [slug, name] : authors) {
                     Author author;
                     author.slug = slug;
                     author.name = name;
                     r.authors.push_back(std::move(author));
                   }
                   return std::optional<ArticleRevision>(std::move(r));
                 }),
                 "find revision " + std::to_string(revision_id));
}

Result<std::vector<Correction>> SqliteStore::ListCorrections(int64_t article_id, int64_t now, int limit) {
  CHANCERY_RETURN_IF_ERROR(CheckPage(limit, 0).WithContext("list corrections"));
  return Context(
      Read([&](Connection& db) -> Result<std::vector<Correction>> {
        // One statement per shape: "?1 = 0 OR c.article_id = ?1" would keep
        // an article page's call from corrections_by_article, walking every
        // correction of the site (and its article's row) instead.
#define CHANCERY_CORRECTIONS(where)                                                                          \
  "SELECT c.id, c.article_id, c.revision, c.note, c.created_at, c.created_by_user_id, a.slug, a.title"   \
  " FROM corrections c JOIN articles a ON a.id = c.article_id WHERE " where                               \
  " (?2 = 0 OR (a.status IN ('published', 'scheduled') AND a.published_at <= ?2))"                        \
  " ORDER BY c.created_at DESC, c.id DESC LIMIT ?3"
        static constexpr char kOfArticle[] = CHANCERY_CORRECTIONS("c.article_id = ?1 AND");
        static constexpr char kOfSite[] = CHANCERY_CORRECTIONS("");
#undef CHANCERY_CORRECTIONS
        CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(article_id != 0 ? kOfArticle : kOfSite));
        if (article_id != 0) stmt->Bind(1, article_id);
        stmt->Bind(2, now).Bind(3, limit);
        std::vector<Correction> out;
        for (;;) {
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          if (!row) return out;
          Correction c;
          c.id = stmt->Int64(0);
          c.article_id = stmt->Int64(1);
          c.revision = stmt->Int64(2);
          c.note = stmt->Text(3);
          c.created_at = stmt->Int64(4);
          c.created_by_user_id = stmt->IsNull(5) ? 0 : stmt->Int64(5);
          c.article_slug = stmt->Text(6);
          c.article_title = stmt->Text(7);
          out.push_back(std::move(c));
        }
      }),
      "list corrections");
}

}  // namespace chancery::store::sqlite
