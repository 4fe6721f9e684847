// Test harness for end-to-end tests: runs the real `chancery` binary and
// talks HTTP/1.1 to it over loopback with a minimal blocking client, so
// the tests see exactly what a reader's browser would.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chancery::testing {

// A fresh folder under the build tree, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Path of the chancery binary under test.
std::string ChanceryBinary();

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs the binary with `args`, feeding `input` on stdin; waits at most `timeout`.
CommandResult RunChancery(const std::vector<std::string>& args, const std::string& input = "",
                          std::chrono::seconds timeout = std::chrono::seconds(60),
                          const std::vector<std::string>& extra_env = {});

// `chancery serve` on 127.0.0.1 with a port the OS picked; stopped by SIGTERM
// (by its process id) on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra_env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool started() const { return port_ != 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits; returns the exit status (or -1).
  int Stop();
  // Everything the server wrote to stderr so far (its log).
  std::string Log();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int err_fd_ = -1;
  std::string log_;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string raw;  // the whole response as received
  std::string Header(const std::string& name) const;
};

// Sends one request on a new connection and reads the response until the
// server closes it. `raw_request` overrides the generated request bytes.
std::optional<HttpResponse> HttpRequest(int port, const std::string& method, const std::string& target,
                                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                                        const std::string& body = "");
std::optional<HttpResponse> HttpGet(int port, const std::string& target,
                                    const std::vector<std::pair<std::string, std::string>>& headers = {});
// Sends `bytes` verbatim and returns what comes back before close (or timeout).
std::string SendRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Reads a whole file; empty string when missing.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);

}  // namespace chancery::testing
