// chancery/store: the domain records and the Store interface — start here.
//
// Every read and write of the site's data goes through a Store. Callers never
// see SQL: `Store::Open` picks the backend from StoreOptions (SQLite today,
// PostgreSQL later) and returns the interface. All methods are thread-safe:
// a Store may be shared by every request thread. Times are Unix seconds, UTC.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace chancery::store {

// ---- Records ----------------------------------------------------------------

struct Author {
  int64_t id = 0;
  std::string slug;         // unique, URL-safe: /authors/<slug>
  std::string name;
  std::string bio;          // plain text
  std::string affiliation;  // e.g. "Senior Fellow, Centre for Strategic Studies"
  std::string disclosure;   // funding and conflicts of interest, shown under the byline
};

struct Tag {
  int64_t id = 0;
  std::string slug;  // unique: /tags/<slug>
  std::string name;
};

enum class ArticleStatus { kDraft, kScheduled, kPublished };
std::string_view ToString(ArticleStatus status);                    // "draft", ...
std::optional<ArticleStatus> ParseArticleStatus(std::string_view);  // inverse

// A featured image as an article shows it.
struct FeaturedImage {
  std::string url;      // "/media/<name>" for stored media, or an absolute URL
  std::string credit;   // shown as "Image credit: <credit>"
  std::string alt;      // alt text for screen readers
  std::string caption;  // optional caption under the image
  int width = 0;        // pixels, 0 when unknown
  int height = 0;
};

struct Article {
  int64_t id = 0;
  std::string slug;  // unique: /articles/<slug>
  std::string title;
  std::string dek;            // the standfirst under the title
  std::string body_markdown;  // the source the author wrote
  // Derived from body_markdown by the content module when saved; stored so a
  // page view never re-renders Markdown.
  std::string body_html;  // sanitised HTML
  std::string toc_json;   // [{"level":2,"id":"...","text":"..."}...]
  std::string excerpt;    // plain text, for lists and feeds
  std::string plain_text; // whole body as plain text, for search and insight
  int reading_minutes = 0;
  ArticleStatus status = ArticleStatus::kDraft;
  int64_t published_at = 0;  // when it (will) appear; 0 for a draft never published
  int64_t updated_at = 0;    // last substantive change shown to readers
  int64_t created_at = 0;
  FeaturedImage image;
  bool comments_open = true;
  std::vector<Author> authors;  // in byline order
  std::vector<Tag> tags;        // in the order given
};

// An article as lists show it: no body, no plain text.
using ArticleSummary = Article;

enum class CommentStatus { kPending, kApproved, kSpam, kTrash };
std::string_view ToString(CommentStatus status);
std::optional<CommentStatus> ParseCommentStatus(std::string_view);

struct Comment {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t parent_id = 0;  // 0 for a top-level comment
  std::string author_name;
  std::string author_email;  // never shown to readers
  std::string author_url;
  std::string body;          // plain text as submitted
  CommentStatus status = CommentStatus::kPending;
  std::string status_reason;  // why it was held or marked spam
  std::string ip;
  std::string user_agent;
  int64_t created_at = 0;
  int64_t updated_at = 0;  // when the poster last edited the body; 0 if never
  // The article's slug, filled by the reads that return comments (not by
  // AddComment); ignored on writes.
  std::string article_slug;
};

// One moderation action, as the audit log keeps it.
struct ModerationLogEntry {
  int64_t id = 0;
  int64_t comment_id = 0;   // may name a comment that has since been deleted
  std::string actor;        // who acted: a user's email, "chancery-cli", ...
  std::string from_status;  // a CommentStatus name
  std::string to_status;    // a CommentStatus name, or "deleted"
  std::string note;         // the reason given, if any
  int64_t created_at = 0;
};

enum class Role { kAdmin, kEditor, kAuthor };
std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view);

struct User {
  int64_t id = 0;
  std::string email;  // unique, lower case
  std::string name;
  Role role = Role::kAuthor;
  std::string password_hash;  // argon2id string from libsodium
  int64_t author_id = 0;      // the author profile this user writes as, 0 if none
  int64_t created_at = 0;
};

// A signed-in browser (see the sessions table). The token itself is never
// stored, only its SHA-256 in hex.
struct Session {
  std::string token_hash;  // 64 hex characters
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute end
  std::string ip;
  std::string user_agent;
};

struct Media {
  int64_t id = 0;
  std::string name;  // unique file name served at /media/<name>
  std::string mime_type;
  std::string bytes;
  int width = 0;
  int height = 0;
  std::string alt;
  std::string credit;
  int64_t created_at = 0;
  // The media library's details (media_store.cc reads and writes them;
  // PutMedia and FindMedia leave them alone).
  std::string caption;
  std::string original_name;         // as uploaded, before SafeFileName
  int64_t uploaded_by_user_id = 0;   // 0: not uploaded in the newsroom, or the user is gone
  int64_t byte_count = 0;            // length of `bytes`; filled by the library's queries
};

// ---- Media library queries ----

struct MediaQuery {
  // Case-blind (ASCII) substring of the name, alt text, credit, caption or
  // uploaded name, when non-empty.
  std::string search;
  int64_t uploaded_by_user_id = 0;  // only this user's uploads, when non-zero
  int limit = 48;                   // 1..1000
  int offset = 0;
};

struct MediaPage {
  std::vector<Media> items;  // newest first, without bytes
  int64_t total = 0;         // matching the query across all pages
};

// An article whose featured image is a medium ("/media/<name>").
struct MediaUse {
  int64_t article_id = 0;
  std::string slug;
  std::string title;
};

// ---- Queries ----------------------------------------------------------------

// Which published articles to list, newest first. A scheduled article counts
// as published once `now` has reached its published_at.
struct ArticleQuery {
  int64_t now = 0;          // the clock to compare published_at against
  std::string tag_slug;     // only articles with this tag, when non-empty
  std::string author_slug;  // only articles by this author, when non-empty
  int limit = 10;           // page size, 1..100
  int offset = 0;
};

struct ArticlePage {
  std::vector<ArticleSummary> items;
  int64_t total = 0;  // matching articles across all pages
};

// The neighbours of an article in publication order, among visible articles.
struct Adjacent {
  std::optional<ArticleSummary> previous;  // the one published just before
  std::optional<ArticleSummary> next;      // the one published just after
};

// Which comments to list, for moderation, feeds and threads.
struct CommentQuery {
  int64_t article_id = 0;               // 0: every article
  std::optional<CommentStatus> status;  // nullopt: every status
  int limit = 100;                      // page size, 1..1000
  int offset = 0;
  bool newest_first = false;  // order by (created_at, id), ascending unless set
  // What a public page shows: author_email, ip and user_agent are left
  // empty, not read.
  bool public_only = false;
};

enum class SaveOutcome { kCreated, kUpdated };

// ---- The newsroom's articles --------------------------------------------------
//
// What the editor adds to an article: the optimistic-lock revision, review,
// trash and ownership (see 0004_editorial.sql), every saved revision, and
// public corrections.

// The admin list's tabs. kDraft excludes articles in review or the trash.
enum class ArticleFilter { kAll, kDraft, kReview, kScheduled, kPublished, kTrash };
std::string_view ToString(ArticleFilter filter);                    // "all", "draft", "review", ...
std::optional<ArticleFilter> ParseArticleFilter(std::string_view);  // inverse

// An article as the newsroom sees it.
struct EditorialArticle {
  Article article;
  int64_t revision = 0;    // bumped on every save; 0 for one never saved
  bool in_review = false;  // submitted for review by its author
  int64_t trashed_at = 0;  // 0 when not in the trash
  // In the trash, article.status is kDraft and this is what it was before.
  ArticleStatus trashed_status = ArticleStatus::kDraft;
  int64_t owner_user_id = 0;  // who created it in the newsroom; 0 for imports
};

struct AdminArticleQuery {
  ArticleFilter filter = ArticleFilter::kAll;  // kAll lists everything but the trash
  int64_t owner_user_id = 0;                   // only this user's articles, when non-zero
  std::string search;                          // a substring of the title, case-blind (ASCII), when non-empty
  int limit = 50;                              // 1..1000
  int offset = 0;
};

struct AdminArticlePage {
  std::vector<EditorialArticle> items;  // most recently changed first; no bodies
  int64_t total = 0;                    // matching the query across all pages
  // Per tab (every filter present), for the same owner and search.
  std::map<ArticleFilter, int64_t> counts;
};

// How SaveArticleRevision records a save.
struct RevisionSave {
  // The revision the editor started from; 0 creates a new article.
  int64_t expected_revision = 0;
  int64_t user_id = 0;  // who saves; becomes the owner of a new article
  std::string note;     // the revision's note, e.g. "published"
  // A correction: `correction_note` (required then) is shown to readers.
  bool is_correction = false;
  std::string correction_note;
  int64_t now = 0;
};

// One saved state of an article. Autosaves are revisions that never moved
// the article: `revision` is the one they were based on.
struct ArticleRevision {
  int64_t id = 0;  // unique across articles; what URLs name
  int64_t article_id = 0;
  int64_t revision = 0;
  std::string slug;
  std::string title;
  std::string dek;
  std::string body_markdown;
  std::vector<Tag> tags;        // slug and name only
  std::vector<Author> authors;  // slug and name only
  FeaturedImage image;          // url, credit, alt, caption
  ArticleStatus status = ArticleStatus::kDraft;
  int64_t published_at = 0;
  int64_t saved_by_user_id = 0;
  std::string saved_by_name;  // the user's name, "" when unknown or deleted
  int64_t saved_at = 0;
  std::string note;
  bool is_correction = false;
  bool is_autosave = false;
};

struct Correction {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t revision = 0;  // the article revision that corrected it
  std::string note;      // plain text, shown to readers
  int64_t created_at = 0;
  int64_t created_by_user_id = 0;
  std::string article_slug;  // filled by reads
  std::string article_title;
};

// ---- Options and the interface ------------------------------------------------

struct StoreOptions {
  // "sqlite:/path/to/chancery.db", "sqlite::memory:", or a plain file path
  // (SQLite). "postgresql://..." is reserved for the PostgreSQL backend.
  std::string url;
  // How long a writer waits for a lock held by another connection or process.
  int busy_timeout_ms = 5000;
  // Connections kept open for concurrent readers (SQLite: extra read-only
  // connections in WAL mode).
  int max_connections = 8;
};

// ---- Insight (the insight layer's results per article; see src/insight) ----

// An actor as one article's analysis named it. `kind` is "state",
// "organization", "group" or "person"; `country` the alpha-3 code a person
// or body counted for.
struct InsightActor {
  std::string id;
  std::string name;
  std::string kind;
  std::string country;
  int64_t mentions = 0;
};

// A pair of actors as one article relates them (a < b).
struct InsightPair {
  std::string a, b;
  double tone = 0;  // -10 .. 10
  int64_t mentions = 0;
};

// One article's analysis: the index rows the archive pages query, and the
// whole analysis (insight::ToJson: evidence sentences, cues, events) for
// the pages that quote it.
struct ArticleInsight {
  int64_t article_id = 0;
  int64_t analyzed_at = 0;
  int64_t article_updated_at = 0;  // the article's updated_at when it was read
  std::string gazetteer_version;   // which data and editors' edits read it
  std::string analysis_json;
  std::vector<InsightActor> actors;
  std::vector<InsightPair> pairs;
};

// One analysis' index rows as views into a buffer it owns, for the article
// page's box: no string of its own per field. Move-only; moving keeps the
// views valid, and they last as long as the struct.
struct ArticleInsightIndex {
  struct Actor {
    std::string_view id, name, kind, country;
    int64_t mentions = 0;
  };
  struct Pair {
    std::string_view a, b;  // a < b
    double tone = 0;
    int64_t mentions = 0;
  };
  int64_t article_id = 0;
  int64_t analyzed_at = 0;
  int64_t article_updated_at = 0;
  std::string gazetteer_version;
  std::vector<Actor> actors;  // in the analysis' order, as ArticleInsight's
  std::vector<Pair> pairs;
  std::unique_ptr<char[]> text;  // what the views point into
};

// Filters for the archive's insight queries. Only articles visible to
// readers at `now` count; `from`/`to` bound their published_at when
// non-zero ([from, to)).
struct InsightQuery {
  int64_t now = 0;
  int64_t from = 0;
  int64_t to = 0;
  std::string actor;  // only rows naming this actor (as a or b for pairs)
  std::string other;  // with `actor`: only the pair actor–other
  int limit = 200;    // 1..10000
};

// An actor across the archive.
struct InsightActorStats {
  InsightActor actor;    // name, kind and country from its latest article; mentions summed
  int64_t articles = 0;  // articles naming it
};

// One article's row for a pair, newest article first.
struct InsightPairArticle {
  int64_t article_id = 0;
  std::string slug;
  std::string title;
  int64_t published_at = 0;
  InsightPair pair;
};

// One article naming an actor, newest article first.
struct InsightActorArticle {
  int64_t article_id = 0;
  std::string slug;
  std::string title;
  int64_t published_at = 0;
  int64_t mentions = 0;  // of the actor in the article
};

// Which articles relate the same pairs as one article ("related analysis").
struct RelatedInsightQuery {
  int64_t article_id = 0;  // the article itself, never listed
  // The pairs to look for (either order), 1..100; an answer's `shared`
  // indexes into this list.
  std::vector<std::pair<std::string, std::string>> pairs;
  int64_t now = 0;  // only articles visible to readers at `now` count
  // 1..10000: only the newest `per_pair` visible articles relating a pair
  // count for it, as ListInsightPairs with that pair and limit lists them
  // (the article itself, when visible, takes one of the places).
  int per_pair = 200;
  int limit = 5;  // 1..100 articles
};

// An article relating some of a RelatedInsightQuery's pairs.
struct InsightRelatedArticle {
  int64_t article_id = 0;
  std::string slug;
  std::string title;
  int64_t published_at = 0;
  std::vector<int> shared;  // indexes into the query's pairs, ascending
};

// An editor's change to the gazetteer, replayed in id order over the
// built-in data: "add_actor" (actor_id, name, kind, country), "add_name"
// (actor_id, name, form: "alias", "capital", ...; a trailing "?" marks it
// ambiguous), "merge" (actor_id into target_id).
struct GazetteerEdit {
  int64_t id = 0;
  std::string action;
  std::string actor_id;
  std::string name;
  std::string kind;
  std::string country;
  std::string form;
  std::string target_id;
  std::string created_by;  // the user's email
  int64_t created_at = 0;
};

// ---- The change log (what changed, for the page cache) ------------------------

// What changed since a point in the change log (migration 0007; written by
// triggers, so every process's writes show). A scope names what readers may
// see differently: "site" (many pages: an article readers can see, its tags
// and authors, tags, authors, settings, corrections), "comments:<article id>"
// (that article's approved thread) or "insight" (the insight layer's results
// and the gazetteer). Drafts, held comments, revisions and autosaves write
// nothing.
struct ChangeBatch {
  int64_t last_id = 0;              // the highest id read; `after_id` when there was nothing new
  bool gap = false;                 // rows after `after_id` were pruned unread: treat as "everything changed"
  std::vector<std::string> scopes;  // distinct scopes, first-seen order
};

class Store {
 public:
  // Opens (creating if needed) the database and applies pending migrations in
  // one transaction. Fails with kUnsupported when the database's schema is
  // newer than this binary knows.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // The schema version now in effect (the number of the last migration).
  virtual int SchemaVersion() = 0;
  // A number that changes whenever any connection or process commits a
  // change; cheap to call. Used to drop cached pages.
  virtual Result<int64_t> DataVersion() = 0;

  // While the returned scope lives, every read this thread makes through
  // this store shares one read transaction: a page's dozen queries see one
  // state of the database, and pay for one snapshot instead of one each.
  // Writes are not part of it (and reads in the scope do not see this
  // thread's writes made after its first read). A scope opened while one is
  // open on the thread joins it. Null when the backend has nothing to pin
  // (the default); reads then run as they would without it.
  class ReadScope {
   public:
    virtual ~ReadScope() = default;
  };
  virtual std::unique_ptr<ReadScope> PinReads() { return nullptr; }

  // The change log (see ChangeBatch). Each scope keeps only its newest row,
  // so one commit adds a row per scope it touched, and ids have holes.
  //
  // Rows with id > after_id, at most `limit` (1..10000) in id order. When the
  // log is behind `after_id` (the database was restored or replaced), `gap`
  // is set and `last_id` is the log's newest id, to resume from.
  virtual Result<ChangeBatch> ReadChanges(int64_t after_id, int limit = 1000) = 0;
  virtual Result<int64_t> LastChangeId() = 0;  // 0 when the log is empty
  // A mark that moves whenever `scope` changes: the id of its newest row,
  // or the prune mark when that row was pruned (an id at least as new).
  // Equal marks mean no change of the scope in between. 0 when none.
  virtual Result<int64_t> ScopeChangeMark(std::string_view scope) = 0;
  // Deletes rows older than `before_at` (Unix s) but always keeps the newest
  // row (so gaps stay detectable); returns rows deleted.
  virtual Result<int64_t> PruneChanges(int64_t before_at) = 0;
  // The earliest publication time after `now` of an article that will then
  // become visible (scheduled, or published with a future date), if any: the
  // moment cached lists go stale without any write.
  virtual Result<std::optional<int64_t>> NextPublication(int64_t now) = 0;

  // Settings: a flat key/value map ("site.title" → "The Meridian Review").
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;

  // Authors and tags are keyed by slug. Upsert inserts or updates by slug and
  // returns the stored record with its id.
  virtual Result<Author> UpsertAuthor(const Author& author) = 0;
  // The newsroom's profile editor: Add inserts a new profile (kAlreadyExists
  // when the slug is taken); Update replaces the name, bio, affiliation and
  // disclosure of the profile with `author.slug`, empty values included
  // (kNotFound when there is none). Upsert keeps a stored value over an
  // empty one, for imports that know only the name.
  virtual Result<Author> AddAuthor(const Author& author) = 0;
  virtual Result<Author> UpdateAuthor(const Author& author) = 0;
  virtual Result<std::optional<Author>> FindAuthor(std::string_view slug) = 0;
  virtual Result<std::vector<Author>> ListAuthors() = 0;
  virtual Result<Tag> UpsertTag(const Tag& tag) = 0;
  virtual Result<std::optional<Tag>> FindTag(std::string_view slug) = 0;
  // Tags with at least one visible article at `now`, with their article counts.
  virtual Result<std::vector<std::pair<Tag, int64_t>>> ListTagsInUse(int64_t now) = 0;

  // Inserts the article, or updates the one with the same slug, together with
  // its author and tag links (authors and tags are upserted by slug), in one
  // transaction: on error nothing is written. On success `article.id` and the
  // ids of its authors and tags are set.
  virtual Result<SaveOutcome> SaveArticle(Article& article) = 0;
  // Any status; nullopt when no article has this slug.
  virtual Result<std::optional<Article>> FindArticle(std::string_view slug) = 0;
  // Only when visible to readers at `now` (published, or scheduled and due),
  // with what its page shows: body_markdown and plain_text are left empty
  // (FindArticle reads them).
  virtual Result<std::optional<Article>> FindVisibleArticle(std::string_view slug, int64_t now) = 0;
  // As FindVisibleArticle without what only its page shows: the body
  // columns (body_markdown, body_html and plain_text are empty) and the
  // authors and tags. What a comment post needs to decide.
  virtual Result<std::optional<Article>> FindVisibleArticleSummary(std::string_view slug, int64_t now) = 0;
  virtual Result<ArticlePage> ListVisibleArticles(const ArticleQuery& query) = 0;
  virtual Result<Adjacent> AdjacentArticles(const Article& article, int64_t now) = 0;

  // Approved comments per article id, for the counts on lists and pages.
  virtual Result<int64_t> CountApprovedComments(int64_t article_id) = 0;
  // Stores a new comment (its id is ignored; created_at 0 means now) and
  // returns it with id and created_at set. kInvalidArgument when the article
  // does not exist or the parent is not a comment on the same article.
  virtual Result<Comment> AddComment(const Comment& comment) = 0;

  // Comments matching `query`, each with its article's slug. kInvalidArgument
  // for a limit outside 1..1000 or a negative offset.
  virtual Result<std::vector<Comment>> ListComments(const CommentQuery& query) = 0;
  virtual Result<std::optional<Comment>> FindComment(int64_t id) = 0;
  // Approved comments per article for each id given (0 for those with none),
  // in one query, for list pages.
  virtual Result<std::map<int64_t, int64_t>> CountApprovedCommentsFor(
      const std::vector<int64_t>& article_ids) = 0;

  // How many comments have each status (every status present, 0 when none),
  // for the moderation queue's tabs.
  virtual Result<std::map<CommentStatus, int64_t>> CountCommentsByStatus() = 0;

  // Lookups for the moderation rules. Emails compare case-blind (ASCII).
  virtual Result<bool> HasApprovedCommentFromEmail(std::string_view email) = 0;
  // True when a comment from `email` with exactly `body` was made at or after
  // `since`, in any status.
  virtual Result<bool> HasDuplicateComment(std::string_view email, std::string_view body, int64_t since) = 0;
  // Comments from `ip` made at or after `since`; 0 for an empty ip, which
  // stands for "unknown or erased", never for one shared address.
  virtual Result<int64_t> CountCommentsFromIp(std::string_view ip, int64_t since) = 0;

  // Moderation. Every change of status and every deletion is recorded in the
  // moderation log in the same transaction as the change itself; `actor` must
  // be non-empty. kNotFound when no comment has the id.
  //
  // Sets the status, and the status_reason to `note` when `note` is
  // non-empty; returns the updated comment.
  virtual Result<Comment> UpdateCommentStatus(int64_t id, CommentStatus status, std::string_view actor,
                                              std::string_view note, int64_t now) = 0;
  // Newest first; comment_id 0 lists every comment's entries. limit 1..1000.
  virtual Result<std::vector<ModerationLogEntry>> ListModerationLog(int64_t comment_id, int limit) = 0;
  // Replaces the body and sets updated_at to `now`; the status is unchanged.
  // Not logged: it is the poster's own change, not a moderation action.
  virtual Status EditComment(int64_t id, std::string_view body, int64_t now) = 0;
  // Deletes the comment for good. Its replies survive: they move up to the
  // deleted comment's parent (top level if it had none), so a thread never
  // loses what others wrote because one post in it went.
  virtual Status DeleteComment(int64_t id, std::string_view actor, int64_t now) = 0;

  // Privacy. Sets ip to '' on comments created before `cutoff`; returns how
  // many were changed.
  virtual Result<int64_t> EraseIpsOlderThan(int64_t cutoff) = 0;
  // Every comment from `email` (case-blind), oldest first, with slugs.
  virtual Result<std::vector<Comment>> CommentsByEmail(std::string_view email) = 0;
  // Deletes every comment from `email` as DeleteComment does (replies by
  // others survive, each deletion is logged with actor and a note that does
  // not repeat the email); returns how many were deleted.
  virtual Result<int64_t> EraseCommentsByEmail(std::string_view email, std::string_view actor,
                                               int64_t now) = 0;

  // Users. Emails are unique case-blind; AddUser stores them lower-cased and
  // fails with kAlreadyExists for a taken one.
  virtual Result<User> AddUser(const User& user) = 0;
  virtual Result<std::optional<User>> FindUserByEmail(std::string_view email) = 0;
  virtual Result<std::optional<User>> FindUser(int64_t id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Status SetUserPassword(int64_t user_id, std::string_view password_hash) = 0;
  // Name, role and author link of the user with `user.id`.
  virtual Status UpdateUser(const User& user) = 0;

  // Sessions.
  virtual Status CreateSession(const Session& session) = 0;
  // The session and its user, or nullopt when no session has the hash.
  // Expiry is the caller's to judge (it owns the clock and the limits).
  virtual Result<std::optional<std::pair<Session, User>>> FindSession(std::string_view token_hash) = 0;
  virtual Status TouchSession(std::string_view token_hash, int64_t now) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  // Every session of the user but `keep_token_hash` (e.g. after a password
  // change); returns how many ended.
  virtual Result<int64_t> DeleteUserSessions(int64_t user_id, std::string_view keep_token_hash) = 0;
  // Sessions past `now`'s absolute end or idle since before `idle_cutoff`.
  virtual Result<int64_t> DeleteExpiredSessions(int64_t now, int64_t idle_cutoff) = 0;

  // Sign-in attempts, for throttling. `email` is compared lower-cased.
  virtual Status RecordSignInAttempt(std::string_view email, std::string_view ip, bool succeeded,
                                     int64_t at) = 0;
  // Failed attempts since `since` for the email, and for the IP.
  virtual Result<int64_t> CountSignInFailuresForEmail(std::string_view email, int64_t since) = 0;
  virtual Result<int64_t> CountSignInFailuresForIp(std::string_view ip, int64_t since) = 0;
  // Drops attempts older than `cutoff`.
  virtual Result<int64_t> PruneSignInAttempts(int64_t cutoff) = 0;

  // Stores new media or replaces the media with the same name.
  virtual Result<Media> PutMedia(const Media& media) = 0;
  virtual Result<std::optional<Media>> FindMedia(std::string_view name) = 0;

  // ---- Media library (media_store.cc) ----
  //
  // Stores new media under media.name or, when that is taken, the first free
  // of "<stem>-2.<ext>", "<stem>-3.<ext>"... (checked and inserted in one
  // transaction, so two uploads of "map.jpg" never collide). Returns what was
  // stored, bytes included, with the name it got.
  virtual Result<Media> AddMedia(const Media& media) = 0;
  // The library's page; kInvalidArgument for a bad limit or offset.
  virtual Result<MediaPage> ListMedia(const MediaQuery& query) = 0;
  // Every column but the bytes (byte_count says how many); nullopt when no
  // media has the name.
  virtual Result<std::optional<Media>> FindMediaDetails(std::string_view name) = 0;
  // Sets alt text, credit and caption; kNotFound for an unknown name.
  virtual Status UpdateMediaDetails(std::string_view name, std::string_view alt, std::string_view credit,
                                    std::string_view caption) = 0;
  // The articles (any status, the trash included) whose image_url is
  // "/media/<name>", newest first.
  virtual Result<std::vector<MediaUse>> ListMediaUses(std::string_view name) = 0;
  // Removes it; kNotFound for an unknown name, kConflict ("used by
  // 'Title'") while an article uses it (checked in the same transaction).
  virtual Status DeleteMedia(std::string_view name) = 0;

  // ---- The newsroom's articles (editorial.cc) ----
  //
  // The admin list with its tab counts. kInvalidArgument for a bad page.
  virtual Result<AdminArticlePage> ListAdminArticles(const AdminArticleQuery& query) = 0;
  // Any status, the trash included; nullopt when no article has the id.
  virtual Result<std::optional<EditorialArticle>> FindArticleById(int64_t id) = 0;
  // Saves the editor's article by id (a new one when article.id is 0) with
  // its author links (authors must exist, by slug) and tags (created when
  // new), bumps the revision and records it, and the correction when asked,
  // in one transaction. kConflict when the stored revision is not
  // `save.expected_revision` (the caller re-reads with FindArticleById to
  // show both versions); kAlreadyExists "the slug 'x' is used by 'Title'"
  // for a taken slug; kNotFound for an unknown id. On success `article`
  // holds what was stored (id, revision, created_at, owner). Trash state is
  // not changed here (see TrashArticle).
  virtual Status SaveArticleRevision(EditorialArticle& article, const RevisionSave& save) = 0;
  // Moves to the trash (status draft, pre-trash status kept) and back; each
  // bumps the revision and records it. Trash of a trashed article, or
  // restore of one not in the trash, is kInvalidArgument.
  virtual Status TrashArticle(int64_t id, int64_t user_id, int64_t now) = 0;
  virtual Status RestoreArticle(int64_t id, int64_t user_id, int64_t now) = 0;
  // Marks as submitted for review or not; does not bump the revision.
  virtual Status SetInReview(int64_t id, bool in_review) = 0;
  // Stores an autosave of `draft` (by draft.article.id, based on
  // draft.revision) as the user's only autosave of that article; never
  // changes the article. Returns the stored revision row.
  virtual Result<ArticleRevision> SaveAutosave(const EditorialArticle& draft, int64_t user_id, int64_t now) = 0;
  // Newest first, autosaves included; tags and authors are left empty.
  virtual Result<std::vector<ArticleRevision>> ListRevisions(int64_t article_id) = 0;
  // One revision of the article, whole; nullopt when the article has none
  // with that id.
  virtual Result<std::optional<ArticleRevision>> FindRevision(int64_t article_id, int64_t revision_id) = 0;
  // Newest first, with article slugs and titles; article_id 0 lists every
  // article's. Only articles visible to readers at `now` when `now` is
  // non-zero. limit 1..1000.
  virtual Result<std::vector<Correction>> ListCorrections(int64_t article_id, int64_t now, int limit) = 0;

  // ---- Insight ----
  // Replaces the article's stored analysis and index rows.
  virtual Status SaveArticleInsight(const ArticleInsight& insight) = 0;
  virtual Result<std::optional<ArticleInsight>> FindArticleInsight(int64_t article_id) = 0;
  // FindArticleInsight without the analysis JSON, as views, for pages that
  // list the article's actors and pairs and need not read its evidence: one
  // row read instead of three queries.
  virtual Result<std::optional<ArticleInsightIndex>> FindArticleInsightIndex(int64_t article_id) = 0;
  // Ids of articles not in the trash whose analysis is missing, older than
  // their last update, or made with another gazetteer version; oldest
  // first, at most `limit`.
  virtual Result<std::vector<int64_t>> ListArticlesNeedingInsight(std::string_view gazetteer_version, int limit) = 0;
  // Actors of the visible archive, most articles first (query.actor: only
  // that one; query.other is ignored).
  virtual Result<std::vector<InsightActorStats>> ListInsightActors(const InsightQuery& query) = 0;
  // Pair rows of the visible archive, newest article first.
  virtual Result<std::vector<InsightPairArticle>> ListInsightPairs(const InsightQuery& query) = 0;
  // Articles related to one article by the pairs of actors both relate, in
  // one read (see RelatedInsightQuery): most shared pairs first, then
  // newest, then lowest id.
  virtual Result<std::vector<InsightRelatedArticle>> ListRelatedInsight(const RelatedInsightQuery& query) = 0;
  // The visible articles naming query.actor (required), newest first.
  virtual Result<std::vector<InsightActorArticle>> ListInsightActorArticles(const InsightQuery& query) = 0;
  // The editors' gazetteer changes, oldest first.
  virtual Result<GazetteerEdit> AddGazetteerEdit(const GazetteerEdit& edit) = 0;
  virtual Result<std::vector<GazetteerEdit>> ListGazetteerEdits() = 0;
  virtual Status DeleteGazetteerEdit(int64_t id) = 0;
};

}  // namespace chancery::store
