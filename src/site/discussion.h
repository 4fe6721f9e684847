// Internal to site: the discussion under an article — the thread of comments,
// the comment form and the cookies that remember a commenter.
//
// Discussion turns store records into the "comments" view the article
// template shows, and reads and writes the two cookies:
// - chancery_own: the poster's own comment ids, signed by the Pipeline, so
//   they (and only they) see their held comment and may edit it for a while;
// - chancery_commenter: name, email and website, set only when the reader
//   ticks the consent box, to fill the form on their next visit.
// A request carrying either gets a personal page (Cache-Control: private).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "comments/pipeline.h"
#include "http/http.h"
#include "store/store.h"

namespace chancery::site {

inline constexpr char kOwnCookie[] = "chancery_own";
inline constexpr char kCommenterCookie[] = "chancery_commenter";
inline constexpr char kConsentField[] = "wp-comment-cookies-consent";

// What a posted form left behind, to show back to the reader.
struct FormState {
  comments::CommentForm form;
  comments::FieldErrors errors;
  std::string notice;  // a message above the form (rate limit, duplicate)
  bool consent = false;
};

struct Commenter {
  std::string author, email, url;
};

class Discussion {
 public:
  Discussion(store::Store& store, comments::Pipeline& pipeline, std::string base_url)
      : store_(store), pipeline_(pipeline), secure_cookies_(base_url.rfind("https://", 0) == 0) {}

  // The "comments" object of an article page: count, threads, and the form
  // (refilled from `state` after a rejected post, else from the commenter
  // cookie). `unsent` is shown when comments closed under a reader's post.
  // The view is built in `sp` (the caller's memory resource, if any).
  boost::json::object View(const store::Article& article, const http::Request& request, const FormState* state,
                           int64_t now, const DateStyle& dates, const std::string& unsent = "",
                           boost::json::storage_ptr sp = {});

  // The reader's own comment ids from their signed cookie.
  std::vector<int64_t> OwnIds(const http::Request& request) const;
  // True when the request carries a cookie that makes its pages personal.
  bool IsPersonal(const http::Request& request) const;
  std::optional<Commenter> RememberedCommenter(const http::Request& request) const;

  // Set-Cookie values.
  std::string OwnCookieHeader(const std::vector<int64_t>& ids) const;
  std::string CommenterCookieHeader(const Commenter& commenter) const;
  std::string ClearCommenterCookieHeader() const;

 private:
  struct Thread;
  // `answers`: the comment it answers, named when replies are flattened at
  // the last level; `replies`: its nested replies' views.
  boost::json::object CommentView(const store::Comment& c, Thread& thread, int depth,
                                  const store::Comment* answers, boost::json::array replies) const;

  store::Store& store_;
  comments::Pipeline& pipeline_;
  bool secure_cookies_;
};

}  // namespace chancery::site
