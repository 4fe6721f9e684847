// chancery/admin: the author profiles — /admin/authors.
//
// A profile is what readers see on /authors/<slug> and under every byline:
// name, affiliation, the disclosure of funding and conflicts of interest, and
// a plain-text bio. Admins and editors list, add and edit every profile; an
// author edits only the profile their own account writes as
// (store::User::author_id) and gets 403 for any other. A profile's slug is
// fixed once made, so its public address never changes. Thread-safe, as
// Admin is.
#pragma once

#include <cstddef>
#include <memory>

#include "admin/admin.h"
#include "http/http.h"

namespace chancery::admin {

// Longest value of each profile field, in Unicode characters.
inline constexpr std::size_t kMaxAuthorName = 100;
inline constexpr std::size_t kMaxAuthorAffiliation = 200;
inline constexpr std::size_t kMaxAuthorDisclosure = 1000;
inline constexpr std::size_t kMaxAuthorBio = 2000;

class AuthorPages {
 public:
  // `admin` must outlive the pages.
  explicit AuthorPages(Admin& admin);
  ~AuthorPages();
  AuthorPages(const AuthorPages&) = delete;
  AuthorPages& operator=(const AuthorPages&) = delete;

  // GET|POST /admin/authors, GET|POST /admin/authors/:slug.
  void RegisterRoutes(http::Router& router);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace chancery::admin
