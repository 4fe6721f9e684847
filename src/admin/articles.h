// chancery/admin: the article pages of the newsroom — the list with its
// tabs, the editor, autosave, live preview, revisions and their diffs.
//
// Every route checks the visitor's role on the server: editors and admins
// work on every article; authors open only the articles they own, may save
// drafts and submit them for review, and get 403 for publishing,
// scheduling, unpublishing, corrections or changing a live article. Saves
// carry the revision they started from; a save based on an older one is
// refused with 409 and both versions shown, so no one's work is lost.
// Thread-safe as Admin is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin.h"
#include "base/status.h"
#include "http/http.h"

namespace chancery::admin {

class ArticlePages {
 public:
  // `admin` must outlive the pages.
  explicit ArticlePages(Admin& admin);
  ~ArticlePages();
  ArticlePages(const ArticlePages&) = delete;
  ArticlePages& operator=(const ArticlePages&) = delete;

  // /admin/articles..., /admin/preview.
  void RegisterRoutes(http::Router& router);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- Exposed for tests ------------------------------------------------------------

// One row of a line diff: kSame lines are in both texts.
struct DiffLine {
  enum class Kind { kSame, kInserted, kDeleted };
  Kind kind = Kind::kSame;
  std::string text;
};
// A line diff of `from` → `to` from their longest common subsequence of
// lines (common head and tail trimmed first). When the middle parts are too
// large to compare (more than ~4 million line pairs) they are shown as all
// deleted then all inserted.
std::vector<DiffLine> DiffLines(std::string_view from, std::string_view to);

// A named time zone read from the system's TZif files (/usr/share/zoneinfo),
// for "schedule at" in the site's zone. Times past the file's last
// transition keep its last offset (Debian ships "fat" files reaching 2037).
class TimeZone {
 public:
  // kInvalidArgument for a malformed name, kNotFound when no file has it.
  // "UTC" and "" need no file.
  static Result<TimeZone> Load(std::string_view name, std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  // Offset from UTC in seconds at the UTC instant `t`.
  int OffsetAt(int64_t t) const;
  // The UTC instant of local wall time `local` (seconds as if it were UTC).
  // A time skipped by a DST jump moves forward; a repeated one takes the
  // earlier instant.
  int64_t ToUtc(int64_t local) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC instants, ascending
  std::vector<int> offsets_;          // offsets_[i] applies from transitions_[i]
  int initial_offset_ = 0;            // before the first transition
};

// "2026-09-08T09:00" (datetime-local, seconds optional) → seconds as if UTC.
std::optional<int64_t> ParseLocalDateTime(std::string_view text);
// Seconds-as-if-UTC → "2026-09-08T09:00" / "2026-09-08 09:00".
std::string FormatLocalDateTime(int64_t local, bool for_input);

}  // namespace chancery::admin
