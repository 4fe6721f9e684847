// `chancery comments list|approve|spam|trash|delete`: moderation from the
// command line, through the same Store calls (and the same audit log) the
// admin queue will use.
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "app/cli_common.h"
#include "app/commands.h"
#include "app/config.h"
#include "store/store.h"

namespace chancery::app {
namespace {

constexpr std::string_view kActor = "chancery-cli";

// "2026-11-29T13:15:00Z"
std::string Iso(int64_t t) {
  std::tm tm{};
  const std::time_t tt = static_cast<std::time_t>(t);
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// One line of a text listing: the comment's first 60 characters, on one line.
std::string Snippet(std::string_view body) {
  std::string out;
  for (char ch : body) {
    if (out.size() >= 60) {
      // Do not cut a UTF-8 sequence in half.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
      return out + "…";
    }
    out += (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<store::Store>> OpenSiteStore(const std::string& data_dir) {
  auto config = LoadConfig(data_dir, "", ProcessEnvironment());
  if (!config.ok()) return config.status();
  std::error_code ec;
  if (config->database.url.empty() && !std::filesystem::exists(std::filesystem::path(data_dir) / "chancery.db", ec))
    return Status::NotFound(fmt::format("{} holds no site; create one with: chancery init --data {}", data_dir, data_dir));
  store::StoreOptions options;
  options.url = config->StoreUrl();
  options.busy_timeout_ms = config->database.busy_timeout_ms;
  return store::Store::Open(options);
}

int RunCommentsList(const CommentsListOptions& options) {
  store::CommentQuery query;
  if (!options.status.empty()) {
    query.status = store::ParseCommentStatus(options.status);
    if (!query.status)
      return Fail(fmt::format("unknown status '{}': use pending, approved, spam or trash", options.status));
  }
  if (options.format != "text" && options.format != "json")
    return Fail(fmt::format("unknown format '{}': use text or json", options.format));
  auto store = OpenSiteStore(options.data_dir);
  if (!store.ok()) return Fail(store.status().message());

  std::vector<store::Comment> all;
  query.limit = 1000;
  for (query.offset = 0;; query.offset += query.limit) {
    auto page = (*store)->ListComments(query);
    if (!page.ok()) return Fail(page.status().ToString());
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < static_cast<size_t>(query.limit)) break;
  }

  if (options.format == "json") {
    boost::json::array out;
    for (const auto& c : all)
      out.push_back(boost::json::object{{"id", c.id},
                                        {"article", c.article_slug},
                                        {"parent", c.parent_id == 0 ? boost::json::value(nullptr) : boost::json::value(c.parent_id)},
                                        {"author", c.author_name},
                                        {"email", c.author_email},
                                        {"url", c.author_url},
                                        {"status", store::ToString(c.status)},
                                        {"reason", c.status_reason},
                                        {"created", Iso(c.created_at)},
                                        {"body", c.body}});
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  if (all.empty()) {
    std::cout << "No comments" << (options.status.empty() ? "" : " with status " + options.status) << ".\n";
    return 0;
  }
  for (const auto& c : all) {
    std::cout << fmt::format("#{} {} on {}{} by {} <{}> at {}\n", c.id, store::ToString(c.status), c.article_slug,
                             c.parent_id ? fmt::format(" (reply to #{})", c.parent_id) : "", c.author_name,
                             c.author_email, Iso(c.created_at));
    if (!c.status_reason.empty()) std::cout << "    " << c.status_reason << "\n";
    std::cout << "    " << Snippet(c.body) << "\n";
  }
  return 0;
}

int RunCommentsAction(const CommentsActionOptions& options) {
  std::optional<store::CommentStatus> target;
  if (options.action == "approve") target = store::CommentStatus::kApproved;
  else if (options.action == "spam") target = store::CommentStatus::kSpam;
  else if (options.action == "trash") target = store::CommentStatus::kTrash;
  else if (options.action != "delete") return Fail("unknown action " + options.action);
  if (options.ids.empty()) return Fail("name at least one comment id");

  auto store = OpenSiteStore(options.data_dir);
  if (!store.ok()) return Fail(store.status().message());
  int failed = 0;
  for (const int64_t id : options.ids) {
    if (target) {
      auto before = (*store)->FindComment(id);
      auto after = (*store)->UpdateCommentStatus(id, *target, kActor, "", Now());
      if (!after.ok()) {
        std::cerr << "chancery: comment " << id << ": " << after.status().message() << "\n";
        ++failed;
        continue;
      }
      const std::string from =
          before.ok() && before.value() ? std::string(store::ToString(before.value()->status)) : "?";
      std::cout << fmt::format("comment {}: {} → {}\n", id, from, store::ToString(after->status));
    } else {
      Status s = (*store)->DeleteComment(id, kActor, Now());
      if (!s.ok()) {
        std::cerr << "chancery: comment " << id << ": " << s.message() << "\n";
        ++failed;
        continue;
      }
      std::cout << fmt::format("comment {}: deleted\n", id);
    }
  }
  return failed == 0 ? 0 : 1;
}

int RunCommentsDataRequest(const CommentsDataRequestOptions& options) {
  if (options.email.find('@') == std::string::npos) return Fail("--email must be an email address");
  auto store = OpenSiteStore(options.data_dir);
  if (!store.ok()) return Fail(store.status().message());
  if (options.erase) {
    auto erased = (*store)->EraseCommentsByEmail(options.email, kActor, Now());
    if (!erased.ok()) return Fail(erased.status().ToString());
    std::cout << fmt::format("erased {} comment{} from {}\n", *erased, *erased == 1 ? "" : "s", options.email);
    return 0;
  }
  auto comments = (*store)->CommentsByEmail(options.email);
  if (!comments.ok()) return Fail(comments.status().ToString());
  boost::json::array out;
  for (const auto& c : *comments)
    out.push_back(boost::json::object{{"id", c.id},
                                      {"article", c.article_slug},
                                      {"parent", c.parent_id == 0 ? boost::json::value(nullptr) : boost::json::value(c.parent_id)},
                                      {"author", c.author_name},
                                      {"email", c.author_email},
                                      {"url", c.author_url},
                                      {"body", c.body},
                                      {"status", store::ToString(c.status)},
                                      {"ip", c.ip},
                                      {"user_agent", c.user_agent},
                                      {"created", Iso(c.created_at)}});
  std::cout << boost::json::serialize(boost::json::object{{"email", options.email}, {"comments", std::move(out)}}) << "\n";
  return 0;
}

}  // namespace chancery::app
