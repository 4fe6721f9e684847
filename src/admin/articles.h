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
#include "base/time.h"
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

}  // namespace chancery::admin
