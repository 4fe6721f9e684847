-- An article's authors and tags in byline order straight from an index:
-- without these, every page that shows an article sorted its few links in
-- a temporary B-tree on each read. Each index holds the rest of its table's
-- key, so the link rows themselves are not read.
CREATE INDEX article_authors_in_order ON article_authors (article_id, position);
CREATE INDEX article_tags_in_order ON article_tags (article_id, position);
