// chancery/admin: the gazetteer editor — /admin/actors.
//
// The insight layer reads articles with a gazetteer: the built-in data
// (data/insight) plus the changes editors make here, kept in the database as
// store::GazetteerEdit rows and replayed in order over the built-in data.
// Editors and admins search the actors, add an actor, add a name to one
// ("JuA" for Jamaat-ul-Ahrar; a trailing "?" or the "ambiguous" box for a
// name that counts only with context), merge one actor into another, and
// undo any edit. Authors get 403.
//
// Every change is first applied to a scratch copy of the gazetteer in
// effect, so what the insight module refuses (a bad id, an unknown country,
// a merge across kinds) comes back as 422 with the reason and the typed
// values, and nothing is stored. A stored change then calls `changed`, which
// rebuilds the gazetteer (the app's InsightService) so the archive is read
// again with it. Thread-safe, as Admin is.
#pragma once

#include <functional>
#include <memory>

#include "admin/admin.h"
#include "base/status.h"
#include "http/http.h"
#include "store/store.h"

namespace chancery::insight {
class Gazetteer;
}

namespace chancery::admin {

// Applies one stored edit to `gazetteer` as the insight module defines it:
// add_actor → AddActor (a person's country becomes their office's), add_name
// → AddName with the edit's form ("alias" when empty), merge → Merge.
// The insight module's error when it does not apply.
Status ApplyGazetteerEdit(insight::Gazetteer& gazetteer, const store::GazetteerEdit& edit);

class ActorPages {
 public:
  // The gazetteer in effect now; never null.
  using CurrentGazetteer = std::function<std::shared_ptr<const insight::Gazetteer>()>;
  // Called after an edit was stored or deleted.
  using Changed = std::function<void()>;

  // `admin` must outlive the pages.
  ActorPages(Admin& admin, CurrentGazetteer current, Changed changed);
  ~ActorPages();
  ActorPages(const ActorPages&) = delete;
  ActorPages& operator=(const ActorPages&) = delete;

  // GET|POST /admin/actors, GET /admin/actors/:id, POST /admin/actors/:id/names,
  // POST /admin/actors/:id/merge, POST /admin/actors/edits/:edit_id/delete.
  void RegisterRoutes(http::Router& router);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace chancery::admin
