// chancery/base: the error values every module returns across its boundary.
//
// A Status is either ok or carries a Code and a one-line message meant for a
// person (it ends up on stderr or in a log line). Result<T> holds a T or a
// non-ok Status. Neither throws; both are cheap to move. Thread-compatible.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace chancery {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,         // the thing asked for does not exist
    kInvalidArgument,  // the caller's input is wrong; the message says how
    kAlreadyExists,    // a unique name (slug, email) is taken
    kConflict,         // a concurrent change got there first
    kCorruption,       // stored data is not what it should be
    kUnsupported,      // e.g. a database schema newer than this binary
    kIoError,          // the OS or the database failed
    kUnavailable,      // a resource is busy or a limit was reached
    kInternal,         // a bug
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }

  // "invalid argument: <message>", for logs and stderr.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context + ": "`.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Holds a T or a non-ok Status. REQUIRES: a Result is never built from an ok
// Status (that would hold neither).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace chancery

// Returns early from a function returning Status or Result<T> when `expr`
// (a Status) is not ok.
#define CHANCERY_RETURN_IF_ERROR(expr)             \
  do {                                             \
    ::chancery::Status chancery_status_ = (expr);  \
    if (!chancery_status_.ok()) return chancery_status_; \
  } while (false)

#define CHANCERY_CONCAT_INNER_(a, b) a##b
#define CHANCERY_CONCAT_(a, b) CHANCERY_CONCAT_INNER_(a, b)
// `CHANCERY_ASSIGN_OR_RETURN(auto x, MakeX());` binds x or returns the error.
#define CHANCERY_ASSIGN_OR_RETURN(lhs, rexpr)                              \
  auto CHANCERY_CONCAT_(chancery_result_, __LINE__) = (rexpr);             \
  if (!CHANCERY_CONCAT_(chancery_result_, __LINE__).ok())                  \
    return CHANCERY_CONCAT_(chancery_result_, __LINE__).status();          \
  lhs = std::move(CHANCERY_CONCAT_(chancery_result_, __LINE__)).value()
