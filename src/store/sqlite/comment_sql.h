// chancery/store/sqlite: the comment lookups whose query plans matter, shared
// by the store and its plan tests. Values are always bound parameters.
#pragma once

namespace chancery::store::sqlite::sql {

// ?1 email. Must say lower(author_email) to use comments_by_email.
inline constexpr char kHasApprovedFromEmail[] =
    "SELECT EXISTS (SELECT 1 FROM comments"
    " WHERE lower(author_email) = lower(?1) AND status = 'approved')";

// ?1 email, ?2 body, ?3 since.
inline constexpr char kHasDuplicate[] =
    "SELECT EXISTS (SELECT 1 FROM comments"
    " WHERE lower(author_email) = lower(?1) AND body = ?2 AND created_at >= ?3)";

// ?1 ip, ?2 since.
inline constexpr char kCountFromIp[] = "SELECT COUNT(*) FROM comments WHERE ip = ?1 AND created_at >= ?2";

}  // namespace chancery::store::sqlite::sql
