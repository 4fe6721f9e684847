-- Comments moderation: edit times, the moderation audit log, and the indexes
-- the comment rules look things up by. Runs inside the migration transaction.

-- When the poster last edited the body; 0 when never edited.
ALTER TABLE comments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

-- Who changed which comment from which status to which, and why. comment_id
-- has no foreign key on purpose: the record of a deletion must outlive the
-- comment it deleted. to_status 'deleted' marks a hard delete.
CREATE TABLE moderation_log (
  id          INTEGER PRIMARY KEY,
  comment_id  INTEGER NOT NULL,
  actor       TEXT NOT NULL CHECK (actor <> ''),
  from_status TEXT NOT NULL CHECK (from_status IN ('pending', 'approved', 'spam', 'trash')),
  to_status   TEXT NOT NULL
              CHECK (to_status IN ('pending', 'approved', 'spam', 'trash', 'deleted')),
  note        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);
CREATE INDEX moderation_log_by_comment ON moderation_log (comment_id, id);

-- "Has this email an approved comment?" (the first-comment hold), duplicate
-- checks and data requests; emails compare case-blind, so the queries must
-- use lower(author_email) exactly as written here for the index to apply.
CREATE INDEX comments_by_email ON comments (lower(author_email), status);
-- The per-IP rate limit counts an address's recent comments.
CREATE INDEX comments_by_ip ON comments (ip, created_at);
-- The queue by status and time is served by comments_by_status from 0001.
