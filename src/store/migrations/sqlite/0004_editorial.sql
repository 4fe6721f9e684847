-- The newsroom's articles: the editor's optimistic lock, review and trash,
-- ownership, every saved revision, and public corrections. Runs inside the
-- migration transaction.
--
-- The status CHECK of 0001 cannot be altered in SQLite, so review and trash
-- are columns beside it: an article in the trash has status 'draft' (which
-- keeps it out of every reader query) and remembers what it was before in
-- trashed_status, for Restore.

-- revision: bumped on every save; a save that names an older one conflicts.
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
-- Submitted for review by its author; cleared when published or sent back.
ALTER TABLE articles ADD COLUMN in_review INTEGER NOT NULL DEFAULT 0 CHECK (in_review IN (0, 1));
-- When it went to the trash; 0 when it is not in the trash.
ALTER TABLE articles ADD COLUMN trashed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN trashed_status TEXT NOT NULL DEFAULT ''
  CHECK (trashed_status IN ('', 'draft', 'scheduled', 'published'));
-- The user who created it in the newsroom; authors see only their own.
ALTER TABLE articles ADD COLUMN owner_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX articles_by_owner ON articles (owner_user_id) WHERE owner_user_id IS NOT NULL;

-- Writers that do not manage the revision themselves (the Markdown importer
-- updating by slug) still move it on, so an editor with the article open
-- gets a conflict instead of overwriting the import.
CREATE TRIGGER articles_revision_moves AFTER UPDATE OF slug, title, dek, body_markdown, status, published_at,
  image_url, image_credit, image_alt, image_caption ON articles
  WHEN NEW.revision = OLD.revision
BEGIN
  UPDATE articles SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;

-- Every save's content, as it was saved. Tags, authors and the image are
-- JSON text: a revision is a record of what was written, not live links.
-- Autosaves are rows with is_autosave = 1 that never moved the article.
CREATE TABLE article_revisions (
  id               INTEGER PRIMARY KEY,
  article_id       INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  revision         INTEGER NOT NULL,  -- the article's revision this content had (or was based on, for autosaves)
  slug             TEXT NOT NULL DEFAULT '',
  title            TEXT NOT NULL,
  dek              TEXT NOT NULL DEFAULT '',
  body_markdown    TEXT NOT NULL DEFAULT '',
  tags_json        TEXT NOT NULL DEFAULT '[]',     -- [{"slug","name"}]
  authors_json     TEXT NOT NULL DEFAULT '[]',     -- [{"slug","name"}]
  image_json       TEXT NOT NULL DEFAULT '{}',     -- {"url","credit","alt","caption"}
  status           TEXT NOT NULL DEFAULT 'draft',
  published_at     INTEGER NOT NULL DEFAULT 0,
  saved_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  saved_at         INTEGER NOT NULL,
  note             TEXT NOT NULL DEFAULT '',
  is_correction    INTEGER NOT NULL DEFAULT 0 CHECK (is_correction IN (0, 1)),
  is_autosave      INTEGER NOT NULL DEFAULT 0 CHECK (is_autosave IN (0, 1))
);
CREATE INDEX article_revisions_by_article ON article_revisions (article_id, id);

-- A correction owed to readers: shown at the foot of the article, on
-- /corrections and in its feed.
CREATE TABLE corrections (
  id                 INTEGER PRIMARY KEY,
  article_id         INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  revision           INTEGER NOT NULL,
  note               TEXT NOT NULL CHECK (note <> ''),
  created_at         INTEGER NOT NULL,
  created_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX corrections_by_article ON corrections (article_id, created_at);
CREATE INDEX corrections_newest ON corrections (created_at DESC, id DESC);
