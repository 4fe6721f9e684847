// The SQLite Store's insight layer: each article's analysis and its index
// rows (actors, pairs), the archive's queries over them, which articles need
// reading, and the editors' gazetteer edits. See 0006_insight.sql.
//
// The archive's queries count only articles visible to readers at
// InsightQuery::now, by the same rule as the reader pages (status published,
// or scheduled and due); an article in the trash is a draft, so it never
// counts.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_search.h"
#include "store/sqlite/store_impl.h"

namespace chancery::store::sqlite {
namespace {

template <typename T>
Result<T> Context(Result<T> result, std::string_view context) {
  if (!result.ok()) return result.status().WithContext(std::string(context));
  return result;
}

Status Context(Status status, std::string_view context) {
  if (!status.ok()) return status.WithContext(std::string(context));
  return status;
}

constexpr int kMaxInsightRows = 10000;

Status CheckLimit(int limit) {
  if (limit >= 1 && limit <= kMaxInsightRows) return Status::Ok();
  return Status::InvalidArgument("limit must be 1.." + std::to_string(kMaxInsightRows) + ", got " +
                                 std::to_string(limit));
}

// The Statement binds integers and text only, so a tone travels as the
// shortest text that reads back to the same double; the column's REAL
// affinity stores it as a number.
std::string ToneText(double tone) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, tone);
  return ec == std::errc() ? std::string(buffer, end) : "0";
}

double ToneOf(const Statement& row, int column) {
  const std::string text = row.Text(column);
  double tone = 0;
  std::from_chars(text.data(), text.data() + text.size(), tone);
  return tone;
}

bool IsKind(std::string_view kind) {
  return kind == "state" || kind == "organization" || kind == "group" || kind == "person";
}

// ---- The archive's filters -------------------------------------------------------
//
// Every archive query binds ?1 now, ?2 from, ?3 to (0: unbounded) and joins
// the articles as `a`. The visibility text matches the reader queries'.
#define CHANCERY_INSIGHT_VISIBLE                                                       \
  " a.status IN ('published', 'scheduled') AND a.published_at <= ?1"                  \
  " AND (?2 = 0 OR a.published_at >= ?2) AND (?3 = 0 OR a.published_at < ?3)"

// Actors: ?4 limit; the one-actor form adds ?5 the actor. The actor's name,
// kind and country come from its newest visible article.
#define CHANCERY_ACTOR_ROWS(filter)                                                            \
  "SELECT actor_id, name, kind, country, total, article_count FROM ("                               \
  "SELECT x.actor_id, x.name, x.kind, x.country,"                                              \
  " SUM(x.mentions) OVER byactor AS total, COUNT(*) OVER byactor AS article_count,"                 \
  " ROW_NUMBER() OVER (PARTITION BY x.actor_id ORDER BY a.published_at DESC, a.id DESC) AS n" \
  " FROM article_insight_actors x JOIN articles a ON a.id = x.article_id"                      \
  " WHERE" CHANCERY_INSIGHT_VISIBLE filter " WINDOW byactor AS (PARTITION BY x.actor_id))"    \
  " WHERE n = 1 ORDER BY article_count DESC, total DESC, actor_id LIMIT ?4"

constexpr char kAllActors[] = CHANCERY_ACTOR_ROWS("");
constexpr char kOneActor[] = CHANCERY_ACTOR_ROWS(" AND x.actor_id = ?5");

// Pairs: ?4 limit; ?5 an actor (either end), or ?5 and ?6 the pair (a < b).
#define CHANCERY_PAIR_ROWS(filter)                                                            \
  "SELECT a.id, a.slug, a.title, a.published_at, p.actor_a, p.actor_b, p.tone, p.mentions" \
  " FROM article_insight_pairs p JOIN articles a ON a.id = p.article_id"                     \
  " WHERE" CHANCERY_INSIGHT_VISIBLE filter                                                   \
  " ORDER BY a.published_at DESC, a.id DESC, p.position, p.actor_a, p.actor_b LIMIT ?4"

constexpr char kAllPairs[] = CHANCERY_PAIR_ROWS("");
constexpr char kPairsOfActor[] = CHANCERY_PAIR_ROWS(" AND (p.actor_a = ?5 OR p.actor_b = ?5)");
constexpr char kOnePair[] = CHANCERY_PAIR_ROWS(" AND p.actor_a = ?5 AND p.actor_b = ?6");

// Articles of one actor: ?4 limit, ?5 the actor.
constexpr char kActorArticles[] =
    "SELECT a.id, a.slug, a.title, a.published_at, x.mentions"
    " FROM article_insight_actors x JOIN articles a ON a.id = x.article_id"
    " WHERE" CHANCERY_INSIGHT_VISIBLE " AND x.actor_id = ?5"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT ?4";

#undef CHANCERY_PAIR_ROWS
#undef CHANCERY_ACTOR_ROWS
#undef CHANCERY_INSIGHT_VISIBLE

// The visible articles relating any of up to ten pairs: ?1/?2 the first
// pair's actor_a/actor_b (a < b), ?3/?4 the second, ... ?19/?20 the tenth
// (NULL for none), ?21 now. Unsorted: the caller ranks a few rows faster
// than a temporary B-tree would. The pairs are read as a co-routine, not
// copied to a temporary table first (NOT MATERIALIZED; CROSS JOIN keeps
// them the outer loop); articles_visibility answers each article's
// visibility from the index, not from its row, with one seek on the id:
// the unary + keeps SQLite from seeking once per status in the IN list.
constexpr int kRelatedPairSlots = 10;
constexpr char kPairsArticles[] =
    "WITH wanted (a, b) AS NOT MATERIALIZED (VALUES (?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8), (?9, ?10),"
    " (?11, ?12), (?13, ?14), (?15, ?16), (?17, ?18), (?19, ?20))"
    " SELECT p.actor_a, p.actor_b, v.id, v.published_at FROM wanted w"
    " CROSS JOIN article_insight_pairs p ON p.actor_a = w.a AND p.actor_b = w.b"
    " JOIN articles v INDEXED BY articles_visibility ON v.id = p.article_id"
    " WHERE +v.status IN ('published', 'scheduled') AND v.published_at <= ?21";

// article_insights.index_text for ?1 (0008_article_page_reads.sql, which
// documents the format and fills it for analyses saved before it).
constexpr char kWriteIndexText[] =
    "UPDATE article_insights AS i SET index_text = CASE"
    " WHEN EXISTS (SELECT 1 FROM article_insight_actors x WHERE x.article_id = i.article_id"
    " AND (instr(x.actor_id || x.name || x.kind || x.country, char(30)) > 0"
    " OR instr(x.actor_id || x.name || x.kind || x.country, char(31)) > 0))"
    " OR EXISTS (SELECT 1 FROM article_insight_pairs x WHERE x.article_id = i.article_id"
    " AND (instr(x.actor_a || x.actor_b, char(30)) > 0 OR instr(x.actor_a || x.actor_b, char(31)) > 0))"
    " THEN NULL"
    " ELSE coalesce((SELECT group_concat(r, char(30)) FROM ("
    "SELECT 'a' || char(31) || x.position || char(31) || x.actor_id || char(31) || x.name || char(31) ||"
    " x.kind || char(31) || x.country || char(31) || x.mentions AS r"
    " FROM article_insight_actors x WHERE x.article_id = i.article_id"
    " UNION ALL"
    " SELECT 'p' || char(31) || x.position || char(31) || x.actor_a || char(31) || x.actor_b || char(31) ||"
    " CAST(x.tone AS TEXT) || char(31) || x.mentions"
    " FROM article_insight_pairs x WHERE x.article_id = i.article_id)), '')"
    " END WHERE i.article_id = ?1";

template <typename Number>
bool ParseNumber(std::string_view text, Number& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Fills `index`'s actors and pairs from an index_text value; false when the
// value is malformed (the caller then reads the tables). The value is
// copied once into the index's buffer and split there into views.
bool ParseIndexText(std::string_view value, ArticleInsightIndex& index) {
  index.text = std::make_unique_for_overwrite<char[]>(value.size());
  if (!value.empty()) std::memcpy(index.text.get(), value.data(), value.size());
  std::string_view text(index.text.get(), value.size());
  struct Record {
    int64_t position = 0;
    std::string_view fields[6];  // after the kind and the position
  };
  std::vector<Record> actors, pairs;
  // A record is some tens of bytes: a guess, not a count, sizes the lists.
  actors.reserve(text.size() / 32 + 1);
  pairs.reserve(text.size() / 32 + 1);
  // One pass over the text: each field ends at the next unit separator
  // (0x1f), a record at the next record separator (0x1e) or the end.
  size_t at = 0;
  while (at < text.size()) {
    std::string_view head[2];
    Record record;
    size_t count = 0;
    for (;;) {
      if (count == 8) return false;
      const size_t end = FindFirstOfBytes<'\x1e', '\x1f'>(text, at);
      (count < 2 ? head[count] : record.fields[count - 2]) = text.substr(at, end - at);
      ++count;
      at = end + 1;
      if (end == text.size() || text[end] == '\x1e') break;
    }
    if (count < 2 || !ParseNumber(head[1], record.position)) return false;
    if (head[0] == "a" && count == 7) {
      actors.push_back(record);
    } else if (head[0] == "p" && count == 6) {
      pairs.push_back(record);
    } else {
      return false;
    }
  }
  // Read in position order. Positions are 0..n-1, each once, as the writer
  // numbers them: each record's index goes straight to its place. Anything
  // else is sorted.
  auto position_order = [](const std::vector<Record>& records) {
    constexpr uint32_t kUnplaced = std::numeric_limits<uint32_t>::max();
    std::vector<uint32_t> order(records.size(), kUnplaced);
    for (uint32_t i = 0; i < records.size(); ++i) {
      const int64_t p = records[i].position;
      if (p < 0 || static_cast<uint64_t>(p) >= order.size() || order[static_cast<size_t>(p)] != kUnplaced) {
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(),
                  [&](uint32_t x, uint32_t y) { return records[x].position < records[y].position; });
        break;
      }
      order[static_cast<size_t>(p)] = i;
    }
    return order;
  };
  index.actors.clear();
  index.actors.reserve(actors.size());
  for (const uint32_t i : position_order(actors)) {
    const Record& r = actors[i];
    int64_t mentions = 0;
    if (!ParseNumber(r.fields[4], mentions)) return false;
    index.actors.push_back({r.fields[0], r.fields[1], r.fields[2], r.fields[3], mentions});
  }
  index.pairs.clear();
  index.pairs.reserve(pairs.size());
  for (const uint32_t i : position_order(pairs)) {
    const Record& r = pairs[i];
    double tone = 0;
    int64_t mentions = 0;
    if (!ParseNumber(r.fields[2], tone) || !ParseNumber(r.fields[3], mentions)) return false;
    index.pairs.push_back({r.fields[0], r.fields[1], tone, mentions});
  }
  return true;
}

// `rows`' actors and pairs as `index`'s views, their strings copied into
// one buffer.
void PackIndexRows(const ArticleInsight& rows, ArticleInsightIndex& index) {
  size_t size = 0;
  for (const InsightActor& a : rows.actors) size += a.id.size() + a.name.size() + a.kind.size() + a.country.size();
  for (const InsightPair& p : rows.pairs) size += p.a.size() + p.b.size();
  index.text = std::make_unique_for_overwrite<char[]>(size);
  char* end = index.text.get();
  auto keep = [&end](const std::string& s) {
    const std::string_view kept(end, s.size());
    end = std::copy(s.begin(), s.end(), end);
    return kept;
  };
  index.actors.clear();
  for (const InsightActor& a : rows.actors)
    index.actors.push_back({keep(a.id), keep(a.name), keep(a.kind), keep(a.country), a.mentions});
  index.pairs.clear();
  for (const InsightPair& p : rows.pairs) index.pairs.push_back({keep(p.a), keep(p.b), p.tone, p.mentions});
}

// The index rows of one article from their tables, in position order.
Status ReadIndexRows(Connection& db, int64_t article_id, ArticleInsight& insight) {
  {
    CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                              db.Prepare("SELECT actor_id, name, kind, country, mentions"
                                         " FROM article_insight_actors WHERE article_id = ?1 ORDER BY position"));
    stmt->Bind(1, article_id);
    for (;;) {
      CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
      if (!row) break;
      insight.actors.push_back(
          InsightActor{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Int64(4)});
    }
  }
  CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                            db.Prepare("SELECT actor_a, actor_b, tone, mentions"
                                       " FROM article_insight_pairs WHERE article_id = ?1 ORDER BY position"));
  stmt->Bind(1, article_id);
  for (;;) {
    CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return Status::Ok();
    insight.pairs.push_back(InsightPair{stmt->Text(0), stmt->Text(1), ToneOf(*stmt, 2), stmt->Int64(3)});
  }
}

// ?1 gazetteer version, ?2 limit. Walks articles_for_insight, not the
// articles' bodies.
constexpr char kNeedingInsight[] =
    "SELECT a.id FROM articles a LEFT JOIN article_insights i ON i.article_id = a.id"
    " WHERE a.trashed_at = 0 AND (i.article_id IS NULL OR i.stale <> 0"
    " OR i.article_updated_at < a.updated_at OR i.gazetteer_version <> ?1)"
    " ORDER BY a.id LIMIT ?2";

void BindPeriod(Statement& stmt, const InsightQuery& query) {
  stmt.Bind(1, query.now).Bind(2, query.from).Bind(3, query.to).Bind(4, query.limit);
}

constexpr char kEditColumns[] =
    "SELECT id, action, actor_id, name, kind, country, form, target_id, created_by, created_at"
    " FROM gazetteer_edits";

GazetteerEdit ReadEdit(const Statement& row) {
  GazetteerEdit e;
  e.id = row.Int64(0);
  e.action = row.Text(1);
  e.actor_id = row.Text(2);
  e.name = row.Text(3);
  e.kind = row.Text(4);
  e.country = row.Text(5);
  e.form = row.Text(6);
  e.target_id = row.Text(7);
  e.created_by = row.Text(8);
  e.created_at = row.Int64(9);
  return e;
}

// What the table's checks would refuse, said the way a caller can act on.
Status CheckEdit(const GazetteerEdit& edit) {
  if (edit.actor_id.empty()) return Status::InvalidArgument("an edit needs an actor id");
  if (edit.action == "add_actor") {
    if (edit.name.empty()) return Status::InvalidArgument("a new actor needs a name");
    if (!IsKind(edit.kind))
      return Status::InvalidArgument("kind must be state, organization, group or person, not '" + edit.kind + "'");
    return Status::Ok();
  }
  if (edit.action == "add_name") {
    if (edit.name.empty()) return Status::InvalidArgument("the name to add is empty");
    return Status::Ok();
  }
  if (edit.action == "merge") {
    if (edit.target_id.empty()) return Status::InvalidArgument("a merge needs the actor to merge into");
    if (edit.target_id == edit.actor_id) return Status::InvalidArgument("an actor cannot be merged into itself");
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown gazetteer edit '" + edit.action +
                                 "' (add_actor, add_name or merge)");
}

}  // namespace


// ---- One article's analysis --------------------------------------------------------

Status SqliteStore::SaveArticleInsight(const ArticleInsight& insight) {
  const std::string context = "save the analysis of article " + std::to_string(insight.article_id);
  for (const InsightActor& actor : insight.actors) {
    if (actor.id.empty()) return Status::InvalidArgument(context + ": an actor has no id");
    if (!IsKind(actor.kind))
      return Status::InvalidArgument(context + ": actor " + actor.id + " has kind '" + actor.kind + "'");
  }
  for (const InsightPair& pair : insight.pairs) {
    if (pair.a.empty() || pair.b.empty() || pair.a == pair.b)
      return Status::InvalidArgument(context + ": a pair needs two different actors");
    if (!(pair.tone >= -10 && pair.tone <= 10))
      return Status::InvalidArgument(context + ": the tone of " + pair.a + "–" + pair.b + " is outside -10..10");
  }
  return Context(
      WriteTransaction([&](Connection& db) -> Status {
        {
          CHANCERY_ASSIGN_OR_RETURN(StatementLease exists, db.Prepare("SELECT 1 FROM articles WHERE id = ?1"));
          exists->Bind(1, insight.article_id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, exists->Step());
          if (!row) return Status::NotFound("no article has this id");
        }
        {
          // The index rows go with it (ON DELETE CASCADE).
          CHANCERY_ASSIGN_OR_RETURN(StatementLease drop,
                                    db.Prepare("DELETE FROM article_insights WHERE article_id = ?1"));
          drop->Bind(1, insight.article_id);
          CHANCERY_RETURN_IF_ERROR(drop->Run());
        }
        {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease stmt,
              db.Prepare("INSERT INTO article_insights (article_id, analyzed_at, article_updated_at,"
                         " gazetteer_version, analysis_json, stale) VALUES (?1, ?2, ?3, ?4, ?5, 0)"));
          stmt->Bind(1, insight.article_id).Bind(2, insight.analyzed_at).Bind(3, insight.article_updated_at);
          stmt->Bind(4, insight.gazetteer_version).Bind(5, insight.analysis_json);
          CHANCERY_RETURN_IF_ERROR(stmt->Run());
        }
        {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease stmt,
              db.Prepare("INSERT INTO article_insight_actors (article_id, actor_id, position, name, kind, country,"
                         " mentions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
          int position = 0;
          for (const InsightActor& a : insight.actors) {
            stmt->Reset();
            stmt->Bind(1, insight.article_id).Bind(2, a.id).Bind(3, position++).Bind(4, a.name);
            stmt->Bind(5, a.kind).Bind(6, a.country).Bind(7, a.mentions);
            CHANCERY_RETURN_IF_ERROR(Context(stmt->Run(), "actor " + a.id));
          }
        }
        CHANCERY_ASSIGN_OR_RETURN(
            StatementLease stmt,
            db.Prepare("INSERT INTO article_insight_pairs (article_id, actor_a, actor_b, position, tone, mentions)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        int position = 0;
        for (const InsightPair& p : insight.pairs) {
          const bool ordered = p.a < p.b;  // the rows keep a < b whatever order the caller used
          stmt->Reset();
          stmt->Bind(1, insight.article_id).Bind(2, ordered ? p.a : p.b).Bind(3, ordered ? p.b : p.a);
          stmt->Bind(4, position++).Bind(5, ToneText(p.tone)).Bind(6, p.mentions);
          CHANCERY_RETURN_IF_ERROR(Context(stmt->Run(), "pair " + p.a + "–" + p.b));
        }
        CHANCERY_ASSIGN_OR_RETURN(StatementLease index, db.Prepare(kWriteIndexText));
        index->Bind(1, insight.article_id);
        return Context(index->Run(), "the compact index");
      }),
      context);
}

Result<std::optional<ArticleInsight>> SqliteStore::FindArticleInsight(int64_t article_id) {
  return Context(
      Read([&](Connection& db) -> Result<std::optional<ArticleInsight>> {
        CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
        ArticleInsight insight;
        {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease stmt,
              db.Prepare("SELECT article_id, analyzed_at, article_updated_at, gazetteer_version, analysis_json"
                         " FROM article_insights WHERE article_id = ?1"));
          stmt->Bind(1, article_id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          if (!row) return std::optional<ArticleInsight>();
          insight.article_id = stmt->Int64(0);
          insight.analyzed_at = stmt->Int64(1);
          insight.article_updated_at = stmt->Int64(2);
          insight.gazetteer_version = stmt->Text(3);
          insight.analysis_json = stmt->Text(4);
        }
        CHANCERY_RETURN_IF_ERROR(ReadIndexRows(db, article_id, insight));
        return std::optional<ArticleInsight>(std::move(insight));
      }),
      "find the analysis of article " + std::to_string(article_id));
}

Result<std::optional<ArticleInsightIndex>> SqliteStore::FindArticleInsightIndex(int64_t article_id) {
  return Context(
      Read([&](Connection& db) -> Result<std::optional<ArticleInsightIndex>> {
        // The analysis' row, its compact index parsed where SQLite holds
        // it; false when there is no row.
        ArticleInsightIndex index;
        bool parsed = false;
        auto read_row = [&](bool parse) -> Result<bool> {
          CHANCERY_ASSIGN_OR_RETURN(
              StatementLease stmt,
              db.Prepare("SELECT article_id, analyzed_at, article_updated_at, gazetteer_version, index_text"
                         " FROM article_insights WHERE article_id = ?1"));
          stmt->Bind(1, article_id);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          if (!row) return false;
          index.article_id = stmt->Int64(0);
          index.analyzed_at = stmt->Int64(1);
          index.article_updated_at = stmt->Int64(2);
          index.gazetteer_version = stmt->Text(3);
          parsed = parse && !stmt->IsNull(4) && ParseIndexText(stmt->TextView(4), index);
          return true;
        };
        CHANCERY_ASSIGN_OR_RETURN(bool found, read_row(true));
        if (!found) return std::optional<ArticleInsightIndex>();
        if (parsed) return std::optional<ArticleInsightIndex>(std::move(index));
        // No usable compact copy (a name holds a separator): the row again
        // and the tables, in one snapshot.
        CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
        index = ArticleInsightIndex();
        CHANCERY_ASSIGN_OR_RETURN(found, read_row(false));
        if (!found) return std::optional<ArticleInsightIndex>();
        ArticleInsight rows;
        CHANCERY_RETURN_IF_ERROR(ReadIndexRows(db, article_id, rows));
        PackIndexRows(rows, index);
        return std::optional<ArticleInsightIndex>(std::move(index));
      }),
      "find the index of the analysis of article " + std::to_string(article_id));
}

Result<std::vector<int64_t>> SqliteStore::ListArticlesNeedingInsight(std::string_view gazetteer_version, int limit) {
  CHANCERY_RETURN_IF_ERROR(Context(CheckLimit(limit), "list articles needing insight"));
  return Context(Read([&](Connection& db) -> Result<std::vector<int64_t>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kNeedingInsight));
                   stmt->Bind(1, gazetteer_version).Bind(2, limit);
                   std::vector<int64_t> ids;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return ids;
                     ids.push_back(stmt->Int64(0));
                   }
                 }),
                 "list articles needing insight");
}

// ---- The archive -------------------------------------------------------------------

Result<std::vector<InsightActorStats>> SqliteStore::ListInsightActors(const InsightQuery& query) {
  CHANCERY_RETURN_IF_ERROR(Context(CheckLimit(query.limit), "list actors"));
  return Context(Read([&](Connection& db) -> Result<std::vector<InsightActorStats>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare(query.actor.empty() ? kAllActors : kOneActor));
                   BindPeriod(*stmt, query);
                   if (!query.actor.empty()) stmt->Bind(5, query.actor);
                   std::vector<InsightActorStats> out;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return out;
                     InsightActorStats s;
                     s.actor = InsightActor{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3),
                                            stmt->Int64(4)};
                     s.articles = stmt->Int64(5);
                     out.push_back(std::move(s));
                   }
                 }),
                 "list actors");
}

Result<std::vector<InsightPairArticle>> SqliteStore::ListInsightPairs(const InsightQuery& query) {
  CHANCERY_RETURN_IF_ERROR(Context(CheckLimit(query.limit), "list pairs"));
  const bool one_pair = !query.actor.empty() && !query.other.empty();
  if (one_pair && query.actor == query.other) return std::vector<InsightPairArticle>();
  const char* sql = one_pair ? kOnePair : !query.actor.empty() ? kPairsOfActor : kAllPairs;
  return Context(Read([&](Connection& db) -> Result<std::vector<InsightPairArticle>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(sql));
                   BindPeriod(*stmt, query);
                   if (one_pair) {
                     const bool ordered = query.actor < query.other;
                     stmt->Bind(5, ordered ? query.actor : query.other).Bind(6, ordered ? query.other : query.actor);
                   } else if (!query.actor.empty()) {
                     stmt->Bind(5, query.actor);
                   }
                   std::vector<InsightPairArticle> out;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return out;
                     InsightPairArticle p;
                     p.article_id = stmt->Int64(0);
                     p.slug = stmt->Text(1);
                     p.title = stmt->Text(2);
                     p.published_at = stmt->Int64(3);
                     p.pair = InsightPair{stmt->Text(4), stmt->Text(5), ToneOf(*stmt, 6), stmt->Int64(7)};
                     out.push_back(std::move(p));
                   }
                 }),
                 "list pairs");
}

Result<std::vector<InsightRelatedArticle>> SqliteStore::ListRelatedInsight(const RelatedInsightQuery& query) {
  const std::string context = "list the analysis related to article " + std::to_string(query.article_id);
  if (query.pairs.empty() || query.pairs.size() > 100)
    return Context(Status::InvalidArgument("name 1..100 pairs"), context);
  CHANCERY_RETURN_IF_ERROR(Context(CheckLimit(query.per_pair), context));
  if (query.limit < 1 || query.limit > 100) return Context(Status::InvalidArgument("limit must be 1..100"), context);

  // The distinct pairs asked for, as stored (a < b), and which of the
  // query's indexes each stands for.
  struct Wanted {
    std::string a, b;
    std::vector<int> indexes;
    std::vector<std::pair<int64_t, int64_t>> rows;  // (published_at, id) of the articles relating it
  };
  std::vector<Wanted> wanted;
  for (size_t i = 0; i < query.pairs.size(); ++i) {
    const auto& [x, y] = query.pairs[i];
    if (x == y) continue;  // no article relates an actor to itself
    const std::string& a = x < y ? x : y;
    const std::string& b = x < y ? y : x;
    auto same = std::find_if(wanted.begin(), wanted.end(), [&](const Wanted& w) { return w.a == a && w.b == b; });
    if (same == wanted.end()) same = wanted.insert(wanted.end(), Wanted{a, b, {}, {}});
    same->indexes.push_back(static_cast<int>(i));
  }

  struct Candidate {
    int64_t published_at = 0;
    std::vector<int> shared;
  };
  return Context(
      Read([&](Connection& db) -> Result<std::vector<InsightRelatedArticle>> {
        // One snapshot for every pair and the titles.
        CHANCERY_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db, Transaction::Kind::kRead));
        {
          CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kPairsArticles));
          for (size_t first = 0; first < wanted.size(); first += kRelatedPairSlots) {
            stmt->Reset();
            const size_t end = std::min(wanted.size(), first + kRelatedPairSlots);
            for (size_t slot = 0; slot < kRelatedPairSlots; ++slot) {
              const int column = static_cast<int>(slot) * 2 + 1;
              if (first + slot < end) {
                // `wanted` outlives the statement's lease: no copy of each name.
                stmt->BindUncopied(column, wanted[first + slot].a).BindUncopied(column + 1, wanted[first + slot].b);
              } else {
                stmt->BindNull(column).BindNull(column + 1);
              }
            }
            stmt->Bind(2 * kRelatedPairSlots + 1, query.now);
            for (;;) {
              CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
              if (!row) break;
              const std::string_view a = stmt->TextView(0), b = stmt->TextView(1);
              for (size_t k = first; k < end; ++k) {
                if (wanted[k].a == a && wanted[k].b == b) {
                  wanted[k].rows.emplace_back(stmt->Int64(3), stmt->Int64(2));
                  break;
                }
              }
            }
          }
        }
        std::map<int64_t, Candidate> candidates;
        for (Wanted& w : wanted) {
          // The pair's newest per_pair, as ListInsightPairs orders them.
          if (w.rows.size() > static_cast<size_t>(query.per_pair)) {
            std::nth_element(w.rows.begin(), w.rows.begin() + query.per_pair, w.rows.end(), std::greater<>());
            w.rows.resize(static_cast<size_t>(query.per_pair));
          }
          for (const auto& [published_at, id] : w.rows) {
            if (id == query.article_id) continue;
            Candidate& c = candidates[id];
            c.published_at = published_at;
            c.shared.insert(c.shared.end(), w.indexes.begin(), w.indexes.end());
          }
        }
        std::vector<std::pair<int64_t, Candidate*>> ranked;
        ranked.reserve(candidates.size());
        for (auto& [id, c] : candidates) ranked.emplace_back(id, &c);
        const size_t keep = std::min(ranked.size(), static_cast<size_t>(query.limit));
        std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), [](const auto& x, const auto& y) {
          if (x.second->shared.size() != y.second->shared.size())
            return x.second->shared.size() > y.second->shared.size();
          if (x.second->published_at != y.second->published_at) return x.second->published_at > y.second->published_at;
          return x.first < y.first;
        });
        std::vector<InsightRelatedArticle> out;
        out.reserve(keep);
        CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("SELECT slug, title FROM articles WHERE id = ?1"));
        for (size_t i = 0; i < keep; ++i) {
          stmt->Reset();
          stmt->Bind(1, ranked[i].first);
          CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
          if (!row) continue;  // not in this snapshot either way
          InsightRelatedArticle r;
          r.article_id = ranked[i].first;
          r.slug = stmt->Text(0);
          r.title = stmt->Text(1);
          r.published_at = ranked[i].second->published_at;
          r.shared = std::move(ranked[i].second->shared);
          std::sort(r.shared.begin(), r.shared.end());
          out.push_back(std::move(r));
        }
        return out;
      }),
      context);
}

Result<std::vector<InsightActorArticle>> SqliteStore::ListInsightActorArticles(const InsightQuery& query) {
  CHANCERY_RETURN_IF_ERROR(Context(CheckLimit(query.limit), "list an actor's articles"));
  if (query.actor.empty())
    return Context(Status::InvalidArgument("name the actor"), "list an actor's articles");
  return Context(Read([&](Connection& db) -> Result<std::vector<InsightActorArticle>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare(kActorArticles));
                   BindPeriod(*stmt, query);
                   stmt->Bind(5, query.actor);
                   std::vector<InsightActorArticle> out;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return out;
                     out.push_back(InsightActorArticle{stmt->Int64(0), stmt->Text(1), stmt->Text(2), stmt->Int64(3),
                                                       stmt->Int64(4)});
                   }
                 }),
                 "list an actor's articles");
}

// ---- The editors' gazetteer edits --------------------------------------------------

Result<GazetteerEdit> SqliteStore::AddGazetteerEdit(const GazetteerEdit& edit) {
  const std::string context = "add a gazetteer edit (" + edit.action + " " + edit.actor_id + ")";
  CHANCERY_RETURN_IF_ERROR(Context(CheckEdit(edit), context));
  GazetteerEdit saved = edit;
  if (saved.created_at == 0) saved.created_at = static_cast<int64_t>(std::time(nullptr));
  return Context(Write([&](Connection& db) -> Result<GazetteerEdit> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("INSERT INTO gazetteer_edits (action, actor_id, name, kind, country, form,"
                                  " target_id, created_by, created_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id"));
                   stmt->Bind(1, saved.action).Bind(2, saved.actor_id).Bind(3, saved.name).Bind(4, saved.kind);
                   stmt->Bind(5, saved.country).Bind(6, saved.form).Bind(7, saved.target_id);
                   stmt->Bind(8, saved.created_by).Bind(9, saved.created_at);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row) return Status::Internal("INSERT ... RETURNING gave no row");
                   saved.id = stmt->Int64(0);
                   return saved;
                 }),
                 context);
}

Result<std::vector<GazetteerEdit>> SqliteStore::ListGazetteerEdits() {
  return Context(Read([&](Connection& db) -> Result<std::vector<GazetteerEdit>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare(std::string(kEditColumns) + " ORDER BY id"));
                   std::vector<GazetteerEdit> out;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) return out;
                     out.push_back(ReadEdit(*stmt));
                   }
                 }),
                 "list gazetteer edits");
}

Status SqliteStore::DeleteGazetteerEdit(int64_t id) {
  return Context(Write([&](Connection& db) -> Status {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare("DELETE FROM gazetteer_edits WHERE id = ?1"));
                   stmt->Bind(1, id);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("no gazetteer edit has this id");
                   return Status::Ok();
                 }),
                 "delete gazetteer edit " + std::to_string(id));
}

}  // namespace chancery::store::sqlite
