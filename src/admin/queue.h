// chancery/admin: the moderation queue under /admin/comments.
//
// Editors and admins see every comment by status (pending, approved, spam,
// trash) with the commenter's email and IP, the reason it was held, and act
// on it: approve, spam, trash, delete, edit the text, or reply as staff (a
// reply is stored approved and approves a pending parent). Every change of
// status and every deletion goes through the store's moderation calls with
// the moderator's email as actor, so the audit log (/admin/comments/log)
// records who did what. Authors cannot open any of it: the queue shows
// commenters' emails. Thread-safe, as Admin is.
#pragma once

#include "admin/admin.h"
#include "http/http.h"

namespace chancery::admin {

class QueuePages {
 public:
  // `admin` must outlive the pages.
  explicit QueuePages(Admin& admin);
  QueuePages(const QueuePages&) = delete;
  QueuePages& operator=(const QueuePages&) = delete;

  // GET /admin/comments, GET /admin/comments/log, POST /admin/comments/bulk,
  // POST /admin/comments/:id/moderate, GET|POST /admin/comments/:id/edit,
  // POST /admin/comments/:id/reply.
  void RegisterRoutes(http::Router& router);

 private:
  Admin& admin_;
};

}  // namespace chancery::admin
