-- What an article page reads on every render, made cheap to read: the
-- insight box's rows in one value, and an index that checks an article's
-- visibility without reading its row. Runs inside the migration
-- transaction.

-- A compact copy of an analysis' index rows (article_insight_actors and
-- article_insight_pairs), so the box on the article page reads one value
-- instead of two sorted queries. Records are separated by char(30), fields
-- by char(31):
--   a <position> <actor_id> <name> <kind> <country> <mentions>
--   p <position> <actor_a> <actor_b> <tone> <mentions>
-- in no particular order (readers sort by position). The tone is the text
-- SQLite makes of the REAL, as a query of the column returns it. '' when
-- there are no rows; NULL when a field holds one of the two separators
-- (readers then read the tables). SaveArticleInsight rewrites it with the
-- same expression after writing the rows.
ALTER TABLE article_insights ADD COLUMN index_text TEXT;

UPDATE article_insights AS i SET index_text = CASE
  WHEN EXISTS (SELECT 1 FROM article_insight_actors x WHERE x.article_id = i.article_id
                 AND (instr(x.actor_id || x.name || x.kind || x.country, char(30)) > 0
                      OR instr(x.actor_id || x.name || x.kind || x.country, char(31)) > 0))
    OR EXISTS (SELECT 1 FROM article_insight_pairs x WHERE x.article_id = i.article_id
                 AND (instr(x.actor_a || x.actor_b, char(30)) > 0
                      OR instr(x.actor_a || x.actor_b, char(31)) > 0))
  THEN NULL
  ELSE coalesce((SELECT group_concat(r, char(30)) FROM (
         SELECT 'a' || char(31) || x.position || char(31) || x.actor_id || char(31) || x.name || char(31) ||
                x.kind || char(31) || x.country || char(31) || x.mentions AS r
           FROM article_insight_actors x WHERE x.article_id = i.article_id
         UNION ALL
         SELECT 'p' || char(31) || x.position || char(31) || x.actor_a || char(31) || x.actor_b || char(31) ||
                CAST(x.tone AS TEXT) || char(31) || x.mentions
           FROM article_insight_pairs x WHERE x.article_id = i.article_id)), '')
  END;

-- "Is article X visible?" for many X at once (the articles relating a pair,
-- for related analysis) without reading the articles' rows, whose status
-- and date sit behind their bodies. Queries name it (INDEXED BY): the
-- planner prefers the table's own rowid for `id = ?`.
CREATE INDEX articles_visibility ON articles (id, status, published_at);
