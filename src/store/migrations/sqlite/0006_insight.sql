-- The insight layer's results (src/insight): each article's analysis, the
-- actors and pairs it names as index rows for the archive's pages, and the
-- editors' changes to the gazetteer. Runs inside the migration transaction.
--
-- An analysis is derived data: deleting one only means the article is read
-- again. The archive's queries join the index rows to `articles` for the
-- reader's visibility rule, so nothing here repeats an article's status.

-- One article's latest analysis. `analysis_json` is insight::ToJson's
-- object (evidence sentences, cues, events) for the pages that quote it.
CREATE TABLE article_insights (
  article_id         INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  analyzed_at        INTEGER NOT NULL,
  -- The article's updated_at when it was read; older than the article's
  -- means the article changed since.
  article_updated_at INTEGER NOT NULL,
  -- Which gazetteer (built-in data and editors' edits) read it.
  gazetteer_version  TEXT NOT NULL,
  analysis_json      TEXT NOT NULL DEFAULT '{}',
  -- Set by the trigger below when the text or the date changes without
  -- updated_at moving (an import of the same slug keeps its date); cleared
  -- when the analysis is saved again.
  stale              INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1))
);

CREATE TRIGGER article_insights_stale_on_change AFTER UPDATE OF plain_text, published_at ON articles
  WHEN NEW.plain_text IS NOT OLD.plain_text OR NEW.published_at IS NOT OLD.published_at
BEGIN
  UPDATE article_insights SET stale = 1 WHERE article_id = NEW.id;
END;

-- The actors an article names, in the analysis' order (most mentioned
-- first). `country` is the state a person or body counted for.
CREATE TABLE article_insight_actors (
  article_id INTEGER NOT NULL REFERENCES article_insights (article_id) ON DELETE CASCADE,
  actor_id   TEXT NOT NULL CHECK (actor_id <> ''),
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL CHECK (kind IN ('state', 'organization', 'group', 'person')),
  country    TEXT NOT NULL DEFAULT '',
  mentions   INTEGER NOT NULL DEFAULT 0 CHECK (mentions >= 0),
  PRIMARY KEY (article_id, actor_id)
) WITHOUT ROWID;
-- /actors/<id>: the articles naming one actor.
CREATE INDEX article_insight_actors_by_actor ON article_insight_actors (actor_id, article_id);

-- The pairs an article relates, always with actor_a < actor_b.
CREATE TABLE article_insight_pairs (
  article_id INTEGER NOT NULL REFERENCES article_insights (article_id) ON DELETE CASCADE,
  actor_a    TEXT NOT NULL CHECK (actor_a <> ''),
  actor_b    TEXT NOT NULL CHECK (actor_b > actor_a),
  position   INTEGER NOT NULL,
  tone       REAL NOT NULL DEFAULT 0 CHECK (tone BETWEEN -10 AND 10),
  mentions   INTEGER NOT NULL DEFAULT 0 CHECK (mentions >= 0),
  PRIMARY KEY (article_id, actor_a, actor_b)
) WITHOUT ROWID;
-- /relations/<a>--<b> and an actor's partners (as a, then as b).
CREATE INDEX article_insight_pairs_by_pair ON article_insight_pairs (actor_a, actor_b, article_id);
CREATE INDEX article_insight_pairs_by_b ON article_insight_pairs (actor_b, article_id);

-- "Which articles need reading?" runs every few seconds while serving; this
-- narrow index answers it without reading the articles' bodies.
CREATE INDEX articles_for_insight ON articles (id, updated_at, trashed_at) WHERE trashed_at = 0;

-- An editor's change to the gazetteer, replayed in id order over the
-- built-in data (see store.h GazetteerEdit). Whether an edit still applies
-- is the insight module's to judge at replay; these checks only keep each
-- row complete for its action.
CREATE TABLE gazetteer_edits (
  id         INTEGER PRIMARY KEY,
  action     TEXT NOT NULL CHECK (action IN ('add_actor', 'add_name', 'merge')),
  actor_id   TEXT NOT NULL CHECK (actor_id <> ''),
  name       TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL DEFAULT '',
  country    TEXT NOT NULL DEFAULT '',
  form       TEXT NOT NULL DEFAULT '',
  target_id  TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  CHECK (action <> 'add_actor' OR (name <> '' AND kind IN ('state', 'organization', 'group', 'person'))),
  CHECK (action <> 'add_name' OR name <> ''),
  CHECK (action <> 'merge' OR (target_id <> '' AND target_id <> actor_id))
);
