// The SQLite Store's accounts (users, sessions and sign-in attempts) and
// the moderation queue's counts.
#include <string>

#include "store/sqlite/store_impl.h"

namespace chancery::store::sqlite {
namespace {

constexpr char kUserColumns[] = "SELECT id, email, name, role, password_hash, author_id, created_at FROM users";

std::string LowerAsciiCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Result<User> UserFromRow(const Statement& row) {
  User u;
  u.id = row.Int64(0);
  u.email = row.Text(1);
  u.name = row.Text(2);
  const auto role = ParseRole(row.Text(3));
  if (!role) return Status::Corruption("user " + u.email + " has an unknown role");
  u.role = *role;
  u.password_hash = row.Text(4);
  u.author_id = row.IsNull(5) ? 0 : row.Int64(5);
  u.created_at = row.Int64(6);
  return u;
}

template <typename T>
Result<T> Context(Result<T> result, std::string_view context) {
  if (!result.ok()) return result.status().WithContext(std::string(context));
  return result;
}

Status CheckTokenHash(std::string_view hash) {
  if (hash.size() != 64) return Status::InvalidArgument("a session token hash is 64 hex characters");
  return Status::Ok();
}

}  // namespace

Result<std::map<CommentStatus, int64_t>> SqliteStore::CountCommentsByStatus() {
  using Counts = std::map<CommentStatus, int64_t>;
  return Context(Read([&](Connection& db) -> Result<Counts> {
                   Counts counts{{CommentStatus::kPending, 0},
                                 {CommentStatus::kApproved, 0},
                                 {CommentStatus::kSpam, 0},
                                 {CommentStatus::kTrash, 0}};
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare("SELECT status, COUNT(*) FROM comments GROUP BY status"));
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) break;
                     if (auto status = ParseCommentStatus(stmt->Text(0))) counts[*status] = stmt->Int64(1);
                   }
                   return counts;
                 }),
                 "count comments by status");
}

Result<std::optional<User>> SqliteStore::FindUser(int64_t id) {
  return Context(Read([&](Connection& db) -> Result<std::optional<User>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare(std::string(kUserColumns) + " WHERE id = ?1"));
                   stmt->Bind(1, id);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row) return std::optional<User>();
                   CHANCERY_ASSIGN_OR_RETURN(User u, UserFromRow(*stmt));
                   return std::optional<User>(std::move(u));
                 }),
                 "find user " + std::to_string(id));
}

Result<std::vector<User>> SqliteStore::ListUsers() {
  return Context(Read([&](Connection& db) -> Result<std::vector<User>> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare(std::string(kUserColumns) + " ORDER BY name, id"));
                   std::vector<User> users;
                   for (;;) {
                     CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                     if (!row) break;
                     CHANCERY_ASSIGN_OR_RETURN(User u, UserFromRow(*stmt));
                     users.push_back(std::move(u));
                   }
                   return users;
                 }),
                 "list users");
}

Status SqliteStore::SetUserPassword(int64_t user_id, std::string_view password_hash) {
  const std::string context = "set password of user " + std::to_string(user_id);
  if (password_hash.empty()) return Status::InvalidArgument("empty password hash").WithContext(context);
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                     db.Prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1"));
           stmt->Bind(1, user_id).Bind(2, password_hash);
           CHANCERY_RETURN_IF_ERROR(stmt->Run());
           if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("no such user");
           return Status::Ok();
         })
      .WithContext(context);
}

Status SqliteStore::UpdateUser(const User& user) {
  const std::string context = "update user " + std::to_string(user.id);
  if (user.name.empty()) return Status::InvalidArgument("a user needs a name").WithContext(context);
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(
               StatementLease stmt,
               db.Prepare("UPDATE users SET name = ?2, role = ?3, author_id = ?4 WHERE id = ?1"));
           stmt->Bind(1, user.id).Bind(2, user.name).Bind(3, ToString(user.role)).BindIdOrNull(4, user.author_id);
           CHANCERY_RETURN_IF_ERROR(stmt->Run());
           if (sqlite3_changes64(db.raw()) == 0) return Status::NotFound("no such user");
           return Status::Ok();
         })
      .WithContext(context);
}

Status SqliteStore::CreateSession(const Session& s) {
  const std::string context = "create session for user " + std::to_string(s.user_id);
  CHANCERY_RETURN_IF_ERROR(CheckTokenHash(s.token_hash).WithContext(context));
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(
               StatementLease stmt,
               db.Prepare("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip,"
                          " user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
           stmt->Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, s.created_at).Bind(4, s.last_seen_at);
           stmt->Bind(5, s.expires_at).Bind(6, s.ip).Bind(7, s.user_agent);
           return stmt->Run();
         })
      .WithContext(context);
}

Result<std::optional<std::pair<Session, User>>> SqliteStore::FindSession(std::string_view token_hash) {
  using Found = std::optional<std::pair<Session, User>>;
  return Context(Read([&](Connection& db) -> Result<Found> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("SELECT u.id, u.email, u.name, u.role, u.password_hash, u.author_id, u.created_at,"
                                  " s.token_hash, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent"
                                  " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1"));
                   stmt->Bind(1, token_hash);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   if (!row) return Found();
                   CHANCERY_ASSIGN_OR_RETURN(User u, UserFromRow(*stmt));
                   Session s;
                   s.token_hash = stmt->Text(7);
                   s.user_id = u.id;
                   s.created_at = stmt->Int64(8);
                   s.last_seen_at = stmt->Int64(9);
                   s.expires_at = stmt->Int64(10);
                   s.ip = stmt->Text(11);
                   s.user_agent = stmt->Text(12);
                   return Found(std::make_pair(std::move(s), std::move(u)));
                 }),
                 "find session");
}

Status SqliteStore::TouchSession(std::string_view token_hash, int64_t now) {
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                     db.Prepare("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1"));
           stmt->Bind(1, token_hash).Bind(2, now);
           return stmt->Run();
         })
      .WithContext("touch session");
}

Status SqliteStore::DeleteSession(std::string_view token_hash) {
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt, db.Prepare("DELETE FROM sessions WHERE token_hash = ?1"));
           stmt->Bind(1, token_hash);
           return stmt->Run();
         })
      .WithContext("delete session");
}

Result<int64_t> SqliteStore::DeleteUserSessions(int64_t user_id, std::string_view keep_token_hash) {
  return Context(Write([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2"));
                   stmt->Bind(1, user_id).Bind(2, keep_token_hash);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   return static_cast<int64_t>(sqlite3_changes64(db.raw()));
                 }),
                 "end sessions of user " + std::to_string(user_id));
}

Result<int64_t> SqliteStore::DeleteExpiredSessions(int64_t now, int64_t idle_cutoff) {
  return Context(Write([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2"));
                   stmt->Bind(1, now).Bind(2, idle_cutoff);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   return static_cast<int64_t>(sqlite3_changes64(db.raw()));
                 }),
                 "delete expired sessions");
}

Status SqliteStore::RecordSignInAttempt(std::string_view email, std::string_view ip, bool succeeded, int64_t at) {
  return Write([&](Connection& db) -> Status {
           CHANCERY_ASSIGN_OR_RETURN(
               StatementLease stmt,
               db.Prepare("INSERT INTO sign_in_attempts (email, ip, succeeded, created_at) VALUES (?1, ?2, ?3, ?4)"));
           stmt->Bind(1, LowerAsciiCopy(email)).Bind(2, ip).Bind(3, succeeded ? 1 : 0).Bind(4, at);
           return stmt->Run();
         })
      .WithContext("record sign-in attempt");
}

Result<int64_t> SqliteStore::CountSignInFailuresForEmail(std::string_view email, int64_t since) {
  return Context(Read([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("SELECT COUNT(*) FROM sign_in_attempts WHERE email = ?1 AND succeeded = 0"
                                  " AND created_at >= ?2"));
                   stmt->Bind(1, LowerAsciiCopy(email)).Bind(2, since);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   return row ? stmt->Int64(0) : int64_t{0};
                 }),
                 "count sign-in failures");
}

Result<int64_t> SqliteStore::CountSignInFailuresForIp(std::string_view ip, int64_t since) {
  return Context(Read([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(
                       StatementLease stmt,
                       db.Prepare("SELECT COUNT(*) FROM sign_in_attempts WHERE ip = ?1 AND succeeded = 0"
                                  " AND created_at >= ?2"));
                   stmt->Bind(1, ip).Bind(2, since);
                   CHANCERY_ASSIGN_OR_RETURN(const bool row, stmt->Step());
                   return row ? stmt->Int64(0) : int64_t{0};
                 }),
                 "count sign-in failures");
}

Result<int64_t> SqliteStore::PruneSignInAttempts(int64_t cutoff) {
  return Context(Write([&](Connection& db) -> Result<int64_t> {
                   CHANCERY_ASSIGN_OR_RETURN(StatementLease stmt,
                                             db.Prepare("DELETE FROM sign_in_attempts WHERE created_at < ?1"));
                   stmt->Bind(1, cutoff);
                   CHANCERY_RETURN_IF_ERROR(stmt->Run());
                   return static_cast<int64_t>(sqlite3_changes64(db.raw()));
                 }),
                 "prune sign-in attempts");
}

}  // namespace chancery::store::sqlite
