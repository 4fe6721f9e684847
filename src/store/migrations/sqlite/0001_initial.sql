-- The first schema. Runs inside the migration transaction: no BEGIN/COMMIT.
-- Times are Unix seconds (UTC). Text columns are NOT NULL with '' for
-- "none" so readers never have to tell NULL from empty; optional references
-- are NULL.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL CHECK (key <> ''),
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE authors (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE CHECK (slug <> '' AND slug NOT GLOB '*[^a-z0-9-]*'),
  name        TEXT NOT NULL CHECK (name <> ''),
  bio         TEXT NOT NULL DEFAULT '',
  affiliation TEXT NOT NULL DEFAULT '',
  disclosure  TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE CHECK (slug <> '' AND slug NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL CHECK (name <> '')
);

CREATE TABLE articles (
  id              INTEGER PRIMARY KEY,
  slug            TEXT NOT NULL UNIQUE CHECK (slug <> '' AND slug NOT GLOB '*[^a-z0-9-]*'),
  title           TEXT NOT NULL,
  dek             TEXT NOT NULL DEFAULT '',
  body_markdown   TEXT NOT NULL DEFAULT '',
  body_html       TEXT NOT NULL DEFAULT '',
  toc_json        TEXT NOT NULL DEFAULT '[]',
  excerpt         TEXT NOT NULL DEFAULT '',
  plain_text      TEXT NOT NULL DEFAULT '',
  reading_minutes INTEGER NOT NULL DEFAULT 0 CHECK (reading_minutes >= 0),
  status          TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'scheduled', 'published')),
  published_at    INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  image_url       TEXT NOT NULL DEFAULT '',
  image_credit    TEXT NOT NULL DEFAULT '',
  image_alt       TEXT NOT NULL DEFAULT '',
  image_caption   TEXT NOT NULL DEFAULT '',
  image_width     INTEGER NOT NULL DEFAULT 0 CHECK (image_width >= 0),
  image_height    INTEGER NOT NULL DEFAULT 0 CHECK (image_height >= 0),
  comments_open   INTEGER NOT NULL DEFAULT 1 CHECK (comments_open IN (0, 1))
);

-- Reader lists: "visible articles newest first". Partial, so the
-- status IN (...) AND published_at <= ? ORDER BY published_at DESC, id DESC
-- query walks it in order and stops after one page, with no sort step. The
-- WHERE must match the queries' term exactly for SQLite to use it. An index
-- on (status, published_at) would look cheaper to the planner and bring the
-- sort back, so admin lists by status should add one only with care (a test
-- checks the reader plan).
CREATE INDEX articles_visible_newest ON articles (published_at DESC, id DESC)
  WHERE status IN ('published', 'scheduled');

CREATE TABLE article_authors (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  author_id  INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  PRIMARY KEY (article_id, author_id)
) WITHOUT ROWID;
-- "/authors/<slug>" lists and cascading deletes of an author.
CREATE INDEX article_authors_by_author ON article_authors (author_id, article_id);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE comments (
  id            INTEGER PRIMARY KEY,
  article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  -- A reply goes with the comment it answers: out of context it misleads.
  parent_id     INTEGER REFERENCES comments (id) ON DELETE CASCADE,
  author_name   TEXT NOT NULL,
  author_email  TEXT NOT NULL,
  author_url    TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
  status_reason TEXT NOT NULL DEFAULT '',
  ip            TEXT NOT NULL DEFAULT '',
  user_agent    TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL
);
-- An article's approved thread in order, and its comment count.
CREATE INDEX comments_by_article ON comments (article_id, status, created_at);
-- The moderation queue, and the child side of parent_id for cascades.
CREATE INDEX comments_by_status ON comments (status, created_at);
CREATE INDEX comments_by_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (email <> ''),
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
  password_hash TEXT NOT NULL,
  author_id     INTEGER REFERENCES authors (id) ON DELETE SET NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX users_by_author ON users (author_id) WHERE author_id IS NOT NULL;

CREATE TABLE media (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
  mime_type  TEXT NOT NULL,
  bytes      BLOB NOT NULL,
  width      INTEGER NOT NULL DEFAULT 0 CHECK (width >= 0),
  height     INTEGER NOT NULL DEFAULT 0 CHECK (height >= 0),
  alt        TEXT NOT NULL DEFAULT '',
  credit     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

-- Full-text search over articles, an external-content FTS5 index kept in
-- step with `articles` by the triggers below (so every writer, including a
-- future import that bypasses the Store, maintains it).
CREATE VIRTUAL TABLE articles_fts USING fts5 (
  title, dek, plain_text,
  content = 'articles',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, dek, plain_text)
    VALUES (new.id, new.title, new.dek, new.plain_text);
END;

CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, dek, plain_text)
    VALUES ('delete', old.id, old.title, old.dek, old.plain_text);
END;

CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, dek, plain_text ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, dek, plain_text)
    VALUES ('delete', old.id, old.title, old.dek, old.plain_text);
  INSERT INTO articles_fts (rowid, title, dek, plain_text)
    VALUES (new.id, new.title, new.dek, new.plain_text);
END;
