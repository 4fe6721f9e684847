#include "store/store.h"

#include <array>
#include <string>
#include <utility>

#include "store/sqlite/sqlite_store.h"

namespace chancery::store {

namespace {

// Name tables for the enums, in enumerator order; the schema's CHECK
// constraints use the same strings.
constexpr std::array<std::string_view, 3> kArticleStatusNames = {"draft", "scheduled", "published"};
constexpr std::array<std::string_view, 4> kCommentStatusNames = {"pending", "approved", "spam", "trash"};
constexpr std::array<std::string_view, 3> kRoleNames = {"admin", "editor", "author"};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, Enum value) {
  const auto i = static_cast<size_t>(value);
  return i < N ? names[i] : std::string_view("unknown");
}

template <typename Enum, size_t N>
std::optional<Enum> Parse(const std::array<std::string_view, N>& names, std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string_view ToString(ArticleStatus status) { return NameOf(kArticleStatusNames, status); }
std::optional<ArticleStatus> ParseArticleStatus(std::string_view text) {
  return Parse<ArticleStatus>(kArticleStatusNames, text);
}

std::string_view ToString(CommentStatus status) { return NameOf(kCommentStatusNames, status); }
std::optional<CommentStatus> ParseCommentStatus(std::string_view text) {
  return Parse<CommentStatus>(kCommentStatusNames, text);
}

std::string_view ToString(Role role) { return NameOf(kRoleNames, role); }
std::optional<Role> ParseRole(std::string_view text) { return Parse<Role>(kRoleNames, text); }

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const std::string_view url = options.url;
  if (url.empty()) return Status::InvalidArgument("no database URL given");
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return Status::Unsupported("PostgreSQL backend not built yet");
  }

  sqlite::SqliteStoreOptions sqlite_options;
  sqlite_options.busy_timeout_ms = options.busy_timeout_ms;
  sqlite_options.max_readers = options.max_connections;
  std::string_view path = url;
  if (StartsWith(path, "sqlite:")) {
    path.remove_prefix(std::string_view("sqlite:").size());
    // "sqlite:///abs/path" and "sqlite://rel/path", the URL spellings.
    if (StartsWith(path, "//")) path.remove_prefix(2);
    if (path.empty()) return Status::InvalidArgument("database URL '" + options.url + "' has no path");
  } else if (url.find("://") != std::string_view::npos) {
    return Status::Unsupported("unknown database URL scheme in '" + options.url +
                               "'; use sqlite:PATH or postgresql://...");
  }
  if (path == ":memory:") {
    sqlite_options.in_memory = true;
  } else {
    sqlite_options.path = std::string(path);
  }
  return sqlite::OpenSqliteStore(sqlite_options);
}

}  // namespace chancery::store
