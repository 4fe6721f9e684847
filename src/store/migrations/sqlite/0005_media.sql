-- The media library: what the newsroom records about an upload beyond its
-- bytes. Runs inside the migration transaction.

-- Shown under the image where it is used; searchable in the library.
ALTER TABLE media ADD COLUMN caption TEXT NOT NULL DEFAULT '';
-- The file name as uploaded, before SafeFileName made the stored name.
ALTER TABLE media ADD COLUMN original_name TEXT NOT NULL DEFAULT '';
-- Who uploaded it; authors may edit only their own uploads. NULL for media
-- from the demo, the importer, or a user since removed.
ALTER TABLE media ADD COLUMN uploaded_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX media_by_created ON media (created_at DESC, id DESC);
