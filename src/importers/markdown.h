// chancery/importers: turning files written elsewhere into articles — start
// here for Markdown with front matter.
//
// A Markdown article file opens with a front-matter block:
//
//   ---
//   title: "Islamabad–Moscow: An Evolving Romance"
//   dek: Why the thaw matters
//   authors: [Ayesha Khan, "Ivanov, Sergei"]
//   tags:
//     - Pakistan
//     - Russia
//   date: 2026-03-04T09:30:00+05:00
//   status: published
//   image: /media/lavrov.jpg
//   image_credit: Reuters
//   ---
//   The body, in Markdown...
//
// Keys: title (required), slug (default: Slugify(title)), dek, authors (or
// author), tags, date and updated (YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], or RFC
// 3339 with Z or ±HH:MM; UTC when no zone is given), status (draft, scheduled,
// published; default published), image, image_credit, image_alt,
// image_caption, comments (open, closed). Values may be single- or
// double-quoted; lists are inline ([a, "b, c"]) or one "- item" per line.
// Blank lines and lines starting with '#' are ignored. An unknown key is an
// error, so a typo never passes silently.
//
// Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace chancery::importers {

// Parses a Markdown file with front matter into an Article ready for
// Store::SaveArticle: the body is rendered with content::RenderMarkdown and
// the derived fields (body_html, toc_json, excerpt, plain_text,
// reading_minutes) are filled; authors and tags carry slug and name (ids 0).
// A published article dated after `now` becomes scheduled. `now` (Unix
// seconds) is also the default date and the created_at time.
//
// Errors are kInvalidArgument with messages of the form
// "<source_name>:<line>: <what is wrong>", line 1-based.
Result<store::Article> ParseMarkdownArticle(std::string_view text, std::string_view source_name, int64_t now);

}  // namespace chancery::importers
