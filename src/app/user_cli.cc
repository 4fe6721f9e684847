// `chancery user add`: newsroom accounts from the command line. The password
// comes from standard input — typed twice without echo at a terminal, or
// one line from a pipe — never from the command line, where other users of
// the machine could read it in the process list.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "admin/auth.h"
#include "app/cli_common.h"
#include "app/commands.h"
#include "store/store.h"

namespace chancery::app {
namespace {

// One line from stdin without its line ending; echo off when a terminal.
std::optional<std::string> ReadSecretLine(const char* prompt, bool terminal) {
  termios saved{};
  if (terminal) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunUserAdd(const UserAddOptions& options) {
  auto role = store::ParseRole(options.role);
  if (!role) return Fail(fmt::format("--role must be admin, editor or author, not '{}'", options.role));
  if (options.name.empty()) return Fail("--name must not be empty");
  if (options.email.find('@') == std::string::npos || options.email.size() > 254)
    return Fail(fmt::format("'{}' is not an email address", options.email));
  auto store = OpenSiteStore(options.data_dir);
  if (!store.ok()) return Fail(store.status().ToString());
  auto existing = (*store)->FindUserByEmail(options.email);
  if (!existing.ok()) return Fail(existing.status().ToString());
  if (existing.value()) return Fail(fmt::format("a user with the email {} already exists", options.email));

  const bool terminal = isatty(STDIN_FILENO) != 0;
  auto password = ReadSecretLine("Password: ", terminal);
  if (!password) return Fail("no password was given on standard input");
  if (password->size() < admin::kMinPasswordChars)
    return Fail(fmt::format("the password must be at least {} characters long", admin::kMinPasswordChars));
  if (terminal) {
    auto again = ReadSecretLine("Password again: ", terminal);
    if (!again || *again != *password) return Fail("the two passwords differ; nothing was created");
  }
  auto hash = admin::HashPassword(*password);
  if (!hash.ok()) return Fail(hash.status().message());

  store::User user;
  user.email = options.email;
  user.name = options.name;
  user.role = *role;
  user.password_hash = *hash;
  user.created_at = Now();
  auto added = (*store)->AddUser(user);
  if (!added.ok()) return Fail(added.status().ToString());
  std::cout << fmt::format("Created {} {} <{}>. Sign in at /admin/login\n", store::ToString(added->role),
                           added->name, added->email);
  return 0;
}

}  // namespace chancery::app
