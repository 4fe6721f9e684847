// chancery/store/sqlite: the SQL text of the article queries, internal to the
// SQLite backend. Kept apart so tests can check their query plans against
// the schema's indexes (sqlite_store_test.cc).
//
// Fragments are compile-time constants joined by the preprocessor; every value
// is a bound parameter. Immutable; thread-safe.
#pragma once

namespace chancery::store::sqlite::sql {

// "Visible at now": published, or scheduled and due. The text must stay
// identical to the WHERE of the articles_visible_newest partial index
// (0001_initial.sql) for SQLite to use that index.
#define CHANCERY_VISIBLE_AT(param) "a.status IN ('published', 'scheduled') AND a.published_at <= " param

// Column order shared by every article query and ReadArticle. Lists select
// empty strings in place of the three large body columns.
#define CHANCERY_ARTICLE_HEAD "a.id, a.slug, a.title, a.dek, "
#define CHANCERY_ARTICLE_BODY "a.body_markdown, a.body_html, a.plain_text, "
#define CHANCERY_ARTICLE_NO_BODY "'', '', '', "
#define CHANCERY_ARTICLE_TAIL                                                          \
  "a.toc_json, a.excerpt, a.reading_minutes, a.status, a.published_at, a.updated_at, " \
  "a.created_at, a.image_url, a.image_credit, a.image_alt, a.image_caption, "          \
  "a.image_width, a.image_height, a.comments_open"
#define CHANCERY_ARTICLE_FULL CHANCERY_ARTICLE_HEAD CHANCERY_ARTICLE_BODY CHANCERY_ARTICLE_TAIL
#define CHANCERY_ARTICLE_SUMMARY CHANCERY_ARTICLE_HEAD CHANCERY_ARTICLE_NO_BODY CHANCERY_ARTICLE_TAIL

// ?1 now, ?2 tag slug or '', ?3 author slug or ''.
#define CHANCERY_LIST_WHERE \
  " FROM articles a WHERE " CHANCERY_VISIBLE_AT("?1")                                     \
  " AND (?2 = '' OR EXISTS (SELECT 1 FROM article_tags x JOIN tags t ON t.id = x.tag_id " \
  "WHERE x.article_id = a.id AND t.slug = ?2))"                                           \
  " AND (?3 = '' OR EXISTS (SELECT 1 FROM article_authors y JOIN authors u "              \
  "ON u.id = y.author_id WHERE y.article_id = a.id AND u.slug = ?3))"

// ?1..?3 as above, ?4 limit, ?5 offset.
inline constexpr char kListArticles[] = "SELECT " CHANCERY_ARTICLE_SUMMARY CHANCERY_LIST_WHERE
                                        " ORDER BY a.published_at DESC, a.id DESC LIMIT ?4 OFFSET ?5";
inline constexpr char kCountArticles[] = "SELECT COUNT(*)" CHANCERY_LIST_WHERE;
// The same count for a tag's page (?2 not ''), driven from the tag's links
// rather than from every visible article: a tag names a few hundred of an
// archive of ten thousand.
inline constexpr char kCountTagArticles[] =
    "SELECT COUNT(*) FROM tags t CROSS JOIN article_tags x ON x.tag_id = t.id"
    " CROSS JOIN articles a ON a.id = x.article_id WHERE t.slug = ?2 AND " CHANCERY_VISIBLE_AT("?1")
    " AND (?3 = '' OR EXISTS (SELECT 1 FROM article_authors y JOIN authors u "
    "ON u.id = y.author_id WHERE y.article_id = a.id AND u.slug = ?3))";

// ?1 slug.
inline constexpr char kFindArticle[] = "SELECT " CHANCERY_ARTICLE_FULL " FROM articles a WHERE a.slug = ?1";
// ?1 slug, ?2 now.
// A reader's page shows the body as HTML: the Markdown source and the plain
// text (for editing and analysis) are not read.
#define CHANCERY_ARTICLE_PAGE CHANCERY_ARTICLE_HEAD "'', a.body_html, '', " CHANCERY_ARTICLE_TAIL
inline constexpr char kFindVisibleArticle[] =
    "SELECT " CHANCERY_ARTICLE_PAGE " FROM articles a WHERE a.slug = ?1 AND " CHANCERY_VISIBLE_AT("?2");
inline constexpr char kFindVisibleArticleSummary[] =
    "SELECT " CHANCERY_ARTICLE_SUMMARY " FROM articles a WHERE a.slug = ?1 AND " CHANCERY_VISIBLE_AT("?2");

// ?1 now, ?2 published_at and ?3 id of the article whose neighbours are
// wanted; ties on published_at are broken by id.
inline constexpr char kPreviousArticle[] = "SELECT " CHANCERY_ARTICLE_SUMMARY
    " FROM articles a WHERE " CHANCERY_VISIBLE_AT("?1")
    " AND (a.published_at < ?2 OR (a.published_at = ?2 AND a.id < ?3))"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT 1";
inline constexpr char kNextArticle[] = "SELECT " CHANCERY_ARTICLE_SUMMARY
    " FROM articles a WHERE " CHANCERY_VISIBLE_AT("?1")
    " AND (a.published_at > ?2 OR (a.published_at = ?2 AND a.id > ?3))"
    " ORDER BY a.published_at ASC, a.id ASC LIMIT 1";

// ?1 one article's id. Same columns as the two below; a single article
// (a page, a comment post) need not pay for json_each and its temporary table.
inline constexpr char kAuthorsOfArticle[] =
    "SELECT l.article_id, u.id, u.slug, u.name, u.bio, u.affiliation, u.disclosure"
    " FROM article_authors l JOIN authors u ON u.id = l.author_id"
    " WHERE l.article_id = ?1 ORDER BY l.position";
inline constexpr char kTagsOfArticle[] =
    "SELECT l.article_id, t.id, t.slug, t.name"
    " FROM article_tags l JOIN tags t ON t.id = l.tag_id"
    " WHERE l.article_id = ?1 ORDER BY l.position";

// ?1 a JSON array of article ids: one query for a whole page, not one each.
inline constexpr char kAuthorsOfArticles[] =
    "SELECT l.article_id, u.id, u.slug, u.name, u.bio, u.affiliation, u.disclosure"
    " FROM article_authors l JOIN authors u ON u.id = l.author_id"
    " WHERE l.article_id IN (SELECT value FROM json_each(?1))"
    " ORDER BY l.article_id, l.position";
inline constexpr char kTagsOfArticles[] =
    "SELECT l.article_id, t.id, t.slug, t.name"
    " FROM article_tags l JOIN tags t ON t.id = l.tag_id"
    " WHERE l.article_id IN (SELECT value FROM json_each(?1))"
    " ORDER BY l.article_id, l.position";

// ?1 now. Most used first.
inline constexpr char kTagsInUse[] =
    "SELECT t.id, t.slug, t.name, COUNT(*) AS n FROM articles a"
    " JOIN article_tags l ON l.article_id = a.id JOIN tags t ON t.id = l.tag_id"
    " WHERE " CHANCERY_VISIBLE_AT("?1") " GROUP BY t.id ORDER BY n DESC, t.slug";

#undef CHANCERY_LIST_WHERE
#undef CHANCERY_ARTICLE_SUMMARY
#undef CHANCERY_ARTICLE_FULL
#undef CHANCERY_ARTICLE_TAIL
#undef CHANCERY_ARTICLE_NO_BODY
#undef CHANCERY_ARTICLE_BODY
#undef CHANCERY_ARTICLE_HEAD
#undef CHANCERY_VISIBLE_AT

}  // namespace chancery::store::sqlite::sql
