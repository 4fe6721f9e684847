// The SQLite Store's media library: uploads under unique names, the
// library's list and search, details, where each medium is used, and
// deletion that refuses media an article still shows. See 0005_media.sql.
#include <sqlite3.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/store_impl.h"

namespace chancery::store::sqlite {
namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

template <typename T>
Result<T> Context(Result<T> result, std::string_view context) {
  if (!result.ok()) return result.status().WithContext(std::string(context));
  return result;
}

Status Context(Status status, std::string_view context) {
  if (!status.ok()) return status.WithContext(std::string(context));
  return status;
}

// The same rule as PutMedia's: the name is the last segment of /media/<name>.
Status CheckName(std::string_view name) {
  bool ok = !name.empty() && name.front() != '.' && name.size() <= 200;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) ok = false;
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument("media name " + Quoted(name) + " is not a plain file name");
}

// "map.jpg" → "map"; a name without an extension is its own stem.
std::string_view Stem(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
}

// "map.jpg" and 3 → "map-3.jpg"; a name without an extension gets "-3".
std::string NumberedName(std::string_view name, int n) {
  const size_t dot = name.rfind('.');
  const std::string_view stem = dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
  const std::string_view ext = stem.size() == name.size() ? std::string_view() : name.substr(dot);
  return std::string(stem) + "-" + std::to_string(n) + std::string(ext);
}

constexpr int kMaxNameTries = 1000;

// Every column but the bytes, in ReadDetails' order; media aliased m.
constexpr char kDetailColumns[] =
    "SELECT m.id, m.name, m.mime_type, length(m.bytes), m.width, m.height, m.alt, m.credit,"
    " m.created_at, m.caption, m.original_name, m.uploaded_by_user_id FROM media m";

Media ReadDetails(const Statement& row) {
  Media m;
  m.id = row.Int64(0);
  m.name = row.Text(1);
  m.mime_type = row.Text(2);
  m.byte_count = row.Int64(3);
  m.width = row.Int(4);
  m.height = row.Int(5);
  m.alt = row.Text(6);
  m.credit = row.Text(7);
  m.created_at = row.Int64(8);
  m.caption = row.Text(9);
  m.original_name = row.Text(10);
  m.uploaded_by_user_id = row.IsNull(11) ? 0 : row.Int64(11);
  return m;
}

// ?1 uploader (0: any), ?2 search ('': any).
constexpr char kMediaWhere[] =
    " WHERE (?1 = 0 OR m.uploaded_by_user_id = ?1) AND (?2 = '' OR instr(lower(m.name), lower(?2)) > 0"
    " OR instr(lower(m.alt), lower(?2)) > 0 OR instr(lower(m.credit), lower(?2)) > 0"
    " OR instr(lower(m.caption), lower(?2)) > 0 OR instr(lower(m.original_name), lower(?2)) > 0)";

std::string MediaUrl(std::string_view name) { return "/media/" + std::string(name); }

}  // namespace

Result<Media> SqliteStore::AddMedia(const Media& media) {
  const std::string context = "add media " + Quoted(media.name);
  CHANCERY_RETURN_IF_ERROR(Context(CheckName(media.name), context));
  Media saved = media;
  if (saved.created_at == 0) saved.created_at = static_cast<int64_t>(std::time(nullptr));
  saved.byte_count = static_cast<int64_t>(saved.bytes.size());
  return Context(WriteTransaction([&](Connection& db) -> Result<Media> {
                   std::string name = media.name;
                   for (int n = 2;; ++n) {
                     // A stem is taken in every raster format at once: the
                     // variants of map.jpg and map.png would share
                     // /media/960w/map.webp.
                     const std::string stem(Stem(name));
                     CHANCERY_ASSIGN_OR_RETURN(StatementLease taken,
                                               db.Prepare("SELECT 1 FROM media WHERE name IN (?1, ?2, ?3, ?4, ?5)"));
                     taken->Bind(1, name).Bind(2, stem + ".jpg").Bind(3, stem + ".png").Bind(4, stem + ".gif");
                     taken->Bind(5, stem + ".webp");
                     CHANCERY_ASSIGN_OR_RETURN(const bool exists, taken->Step());
                     if (!exists) break;
                     if (n > kMaxNameTries) return Status::AlreadyExists("too many media named like " + Quoted(media.name));
                     name = NumberedName(media.name, n);
                   }
                   saved.name = name;
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("INSERT INTO media (name, mime_type, bytes, width, height, alt, credit, created_at,"
                                  " caption, original_name, uploaded_by_user_id)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id"));
                   stmt->Bind(1, saved.name).Bind(2, saved.mime_type).BindBlob(3, saved.bytes);
                   stmt->Bind(4, saved.width).Bind(5, saved.height).Bind(6, saved.alt).Bind(7, saved.credit);
                   stmt->Bind(8, saved.created_at).Bind(9, saved.caption).Bind(10, saved.original_name);
                   stmt->BindIdOrNull(11, saved.uploaded_by_user_id);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
                   saved.id = stmt->Int64(0);
                   return saved;
                 }),
                 context);
}

Result<MediaPage> SqliteStore::ListMedia(const MediaQuery& query) {
  if (query.limit < 1 || query.limit > 1000)
    return Status::InvalidArgument("list media: limit must be 1..1000, got " + std::to_string(query.limit));
  if (query.offset < 0) return Status::InvalidArgument("list media: offset must be >= 0");
  return Context(Read([&](Connection& db) -> Result<MediaPage> {
                   CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
                   MediaPage page;
                   {
                     CHANCERY_ASSIGN_OR_RETURN(
                         StatementLease stmt,
                         db.Prepare(std::string(kDetailColumns) + kMediaWhere +
                                    " ORDER BY m.created_at DESC, m.id DESC LIMIT ?3 OFFSET ?4"));
                     stmt->Bind(1, query.uploaded_by_user_id).Bind(2, query.search);
                     stmt->Bind(3, query.limit).Bind(4, query.offset);
                     while (true) {
                       CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                       if (!row) break;
                       page.items.push_back(ReadDetails(*stmt));
                     }
                   }
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease count,
                                             db.Prepare(std::string("SELECT count(*) FROM media m") + kMediaWhere));
                   count->Bind(1, query.uploaded_by_user_id).Bind(2, query.search);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, count->Step());
                   if (row) page.total = count->Int64(0);
                   return page;
                 }),
                 "list media");
}

Result<std::optional<Media>> SqliteStore::FindMediaDetails(std::string_view name) {
  return Context(Read([&](Connection& db) -> Result<std::optional<Media>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare(std::string(kDetailColumns) + " WHERE m.name = ?1"));
                   stmt->Bind(1, name);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row) return std::optional<Media>();
                   return std::optional<Media>(ReadDetails(*stmt));
                 }),
                 "find media " + Quoted(name));
}

Status SqliteStore::UpdateMediaDetails(std::string_view name, std::string_view alt, std::string_view credit,
                                       std::string_view caption) {
  return Context(Write([&](Connection& db) -> Status {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("UPDATE media SET alt = ?2, credit = ?3, caption = ?4 WHERE name = ?1"));
                   stmt->Bind(1, name).Bind(2, alt).Bind(3, credit).Bind(4, caption);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("no media named " + Quoted(name));
                   return Status::Ok();
                 }),
                 "update media " + Quoted(name));
}

namespace {

Result<std::vector<MediaUse>> QueryUses(Connection& db, std::string_view name) {
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                            db.Prepare("SELECT id, slug, title FROM articles WHERE image_url = ?1"
                                       " ORDER BY updated_at DESC, id DESC"));
  stmt->Bind(1, MediaUrl(name));
  std::vector<MediaUse> uses;
  while (true) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) break;
    uses.push_back(MediaUse{stmt->Int64(0), stmt->Text(1), stmt->Text(2)});
  }
  return uses;
}

}  // namespace

Result<std::vector<MediaUse>> SqliteStore::ListMediaUses(std::string_view name) {
  return Context(Read([&](Connection& db) { return QueryUses(db, name); }), "list uses of media " + Quoted(name));
}

Status SqliteStore::DeleteMedia(std::string_view name) {
  return Context(WriteTransaction([&](Connection& db) -> Status {
                   CHANCERY_ASSIGN_OR_RETURN(const std::vector<MediaUse> uses, QueryUses(db, name));
                   if (!uses.empty()) {
                     std::string titles;
                     for (const MediaUse& use : uses) titles += (titles.empty() ? "" : ", ") + Quoted(use.title);
                     return Status::Conflict("used by " + titles);
                   }
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("DELETE FROM media WHERE name = ?1"));
                   stmt->Bind(1, name);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("no media named " + Quoted(name));
                   return Status::Ok();
                 }),
                 "delete media " + Quoted(name));
}

}  // namespace chancery::store::sqlite
