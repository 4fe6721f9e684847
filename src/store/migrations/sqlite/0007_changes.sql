-- The change log that drives the rendered-page cache: triggers record what
-- readers may see differently after each write, so every writer (this
-- server, the command line, an importer, a second server on the same file)
-- is covered without code of its own. Runs inside the migration transaction.
--
-- A row is a scope, not a record of the change:
--   'site'           anything that may change many pages (an article readers
--                    can see, its tags and authors, tags, authors, settings,
--                    corrections);
--   'comments:<id>'  the approved thread of article <id>;
--   'insight'        the insight layer's results for visible articles, and
--                    the editors' gazetteer edits.
-- "Visible" is FindVisibleArticle's rule without the clock: status
-- 'published' or 'scheduled' (an article in the trash has status 'draft').
-- Drafts, held comments, revisions and autosaves write nothing, so an editor
-- typing or a flood of held comments leaves the cache alone.

-- AUTOINCREMENT so an id is never reused once pruned: a reader's position
-- stays meaningful.
CREATE TABLE changes (
  id    INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL CHECK (scope <> ''),
  at    INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX changes_by_scope ON changes (scope);

-- One row per scope: a newer change of a scope replaces the older row, so a
-- save that touches an article, its five tags and two authors leaves one
-- 'site' row, and a busy thread one 'comments:<id>' row, however many
-- commits. A reader behind the older row still meets the newer one.
CREATE TRIGGER changes_keep_newest_per_scope AFTER INSERT ON changes BEGIN
  DELETE FROM changes WHERE scope = NEW.scope AND id < NEW.id;
END;

-- The highest id deleted while it was its scope's newest row, i.e. by a
-- prune (or by hand) rather than replaced by a newer change: a reader
-- positioned before it has missed that change (ReadChanges' `gap`).
CREATE TABLE changes_pruned (
  only_row   INTEGER PRIMARY KEY CHECK (only_row = 1),
  through_id INTEGER NOT NULL
);
INSERT INTO changes_pruned (only_row, through_id) VALUES (1, 0);

CREATE TRIGGER changes_mark_pruned AFTER DELETE ON changes
  WHEN NOT EXISTS (SELECT 1 FROM changes WHERE scope = OLD.scope AND id > OLD.id)
BEGIN
  UPDATE changes_pruned SET through_id = OLD.id WHERE through_id < OLD.id;
END;

-- ---- 'site': articles ------------------------------------------------------------

CREATE TRIGGER changes_article_insert AFTER INSERT ON articles
  WHEN NEW.status IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_delete AFTER DELETE ON articles
  WHEN OLD.status IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- Every column but the newsroom's bookkeeping (revision, in_review,
-- owner_user_id), compared by value: review, and 0004's revision trigger,
-- write nothing. A column added to articles later must be listed here if
-- readers see it (changes_test checks every column).
CREATE TRIGGER changes_article_update AFTER UPDATE ON articles
  WHEN (OLD.status IN ('published', 'scheduled') OR NEW.status IN ('published', 'scheduled'))
   AND (NEW.id IS NOT OLD.id OR NEW.slug IS NOT OLD.slug OR NEW.title IS NOT OLD.title
        OR NEW.dek IS NOT OLD.dek OR NEW.body_markdown IS NOT OLD.body_markdown
        OR NEW.body_html IS NOT OLD.body_html OR NEW.toc_json IS NOT OLD.toc_json
        OR NEW.excerpt IS NOT OLD.excerpt OR NEW.plain_text IS NOT OLD.plain_text
        OR NEW.reading_minutes IS NOT OLD.reading_minutes OR NEW.status IS NOT OLD.status
        OR NEW.published_at IS NOT OLD.published_at OR NEW.updated_at IS NOT OLD.updated_at
        OR NEW.created_at IS NOT OLD.created_at OR NEW.image_url IS NOT OLD.image_url
        OR NEW.image_credit IS NOT OLD.image_credit OR NEW.image_alt IS NOT OLD.image_alt
        OR NEW.image_caption IS NOT OLD.image_caption OR NEW.image_width IS NOT OLD.image_width
        OR NEW.image_height IS NOT OLD.image_height OR NEW.comments_open IS NOT OLD.comments_open
        OR NEW.trashed_at IS NOT OLD.trashed_at OR NEW.trashed_status IS NOT OLD.trashed_status)
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- ---- 'site': an article's authors and tags ------------------------------------------
-- Saves rewrite every link; the one-row-per-scope trigger folds them.

CREATE TRIGGER changes_article_author_insert AFTER INSERT ON article_authors
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_author_update AFTER UPDATE ON article_authors
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
    OR (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_author_delete AFTER DELETE ON article_authors
  WHEN (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_tag_insert AFTER INSERT ON article_tags
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_tag_update AFTER UPDATE ON article_tags
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
    OR (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_article_tag_delete AFTER DELETE ON article_tags
  WHEN (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- ---- 'site': tags, authors, settings, corrections ------------------------------------

-- A new tag is on no visible article yet (the editor creates tags as a draft
-- names them); its first link to a visible article writes the row. Updates
-- compare values: saves re-upsert every tag and author by slug.
CREATE TRIGGER changes_tag_update AFTER UPDATE ON tags
  WHEN NEW.id IS NOT OLD.id OR NEW.slug IS NOT OLD.slug OR NEW.name IS NOT OLD.name
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_tag_delete AFTER DELETE ON tags BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- An author's page shows the profile even before any article, so a new
-- author counts (only the profile editor and imports create authors; the
-- article editor links existing ones).
CREATE TRIGGER changes_author_insert AFTER INSERT ON authors BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_author_update AFTER UPDATE ON authors
  WHEN NEW.id IS NOT OLD.id OR NEW.slug IS NOT OLD.slug OR NEW.name IS NOT OLD.name
    OR NEW.bio IS NOT OLD.bio OR NEW.affiliation IS NOT OLD.affiliation
    OR NEW.disclosure IS NOT OLD.disclosure
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_author_delete AFTER DELETE ON authors BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_setting_insert AFTER INSERT ON settings BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- The settings form saves every key; only a changed value counts.
CREATE TRIGGER changes_setting_update AFTER UPDATE ON settings
  WHEN NEW.key IS NOT OLD.key OR NEW.value IS NOT OLD.value
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_setting_delete AFTER DELETE ON settings BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- /corrections and the article's foot list only visible articles' corrections.
CREATE TRIGGER changes_correction_insert AFTER INSERT ON corrections
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_correction_update AFTER UPDATE ON corrections
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
    OR (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

CREATE TRIGGER changes_correction_delete AFTER DELETE ON corrections
  WHEN (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('site');
END;

-- ---- 'comments:<article_id>': approved comments -------------------------------------
-- A comment counts when it is approved before or after the change. Updates
-- compare what readers see: erasing old IP addresses (hourly) or editing the
-- moderation reason changes no page. A column added to comments later must
-- be listed here if readers see it (changes_test checks every column).

CREATE TRIGGER changes_comment_insert AFTER INSERT ON comments
  WHEN NEW.status = 'approved'
BEGIN
  INSERT INTO changes (scope) VALUES ('comments:' || NEW.article_id);
END;

CREATE TRIGGER changes_comment_update AFTER UPDATE ON comments
  WHEN (OLD.status = 'approved' OR NEW.status = 'approved')
   AND (NEW.id IS NOT OLD.id OR NEW.article_id IS NOT OLD.article_id OR NEW.parent_id IS NOT OLD.parent_id
        OR NEW.author_name IS NOT OLD.author_name OR NEW.author_url IS NOT OLD.author_url
        OR NEW.body IS NOT OLD.body OR NEW.status IS NOT OLD.status
        OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at IS NOT OLD.updated_at)
BEGIN
  INSERT INTO changes (scope) VALUES ('comments:' || NEW.article_id);
  -- A comment moved to another article leaves the first one's thread too.
  INSERT INTO changes (scope) SELECT 'comments:' || OLD.article_id WHERE OLD.article_id IS NOT NEW.article_id;
END;

CREATE TRIGGER changes_comment_delete AFTER DELETE ON comments
  WHEN OLD.status = 'approved'
BEGIN
  INSERT INTO changes (scope) VALUES ('comments:' || OLD.article_id);
END;

-- ---- 'insight' -------------------------------------------------------------------
-- SaveArticleInsight replaces the article_insights row with its index rows
-- (article_insight_actors and _pairs cascade from it), so the parent row
-- alone tells. The stale flag 0006 sets when an article changes is not shown
-- to readers: only a new analysis counts as an update.

CREATE TRIGGER changes_insight_insert AFTER INSERT ON article_insights
  WHEN (SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;

CREATE TRIGGER changes_insight_update AFTER UPDATE ON article_insights
  WHEN ((SELECT status FROM articles WHERE id = NEW.article_id) IN ('published', 'scheduled')
        OR (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled'))
   AND (NEW.article_id IS NOT OLD.article_id OR NEW.analysis_json IS NOT OLD.analysis_json)
BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;

CREATE TRIGGER changes_insight_delete AFTER DELETE ON article_insights
  WHEN (SELECT status FROM articles WHERE id = OLD.article_id) IN ('published', 'scheduled')
BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;

CREATE TRIGGER changes_gazetteer_insert AFTER INSERT ON gazetteer_edits BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;

CREATE TRIGGER changes_gazetteer_update AFTER UPDATE ON gazetteer_edits BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;

CREATE TRIGGER changes_gazetteer_delete AFTER DELETE ON gazetteer_edits BEGIN
  INSERT INTO changes (scope) VALUES ('insight');
END;
