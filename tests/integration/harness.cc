#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

namespace chancery::testing {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TempDir::TempDir() {
  std::random_device rd;
  const fs::path base = fs::path(CHANCERY_BINARY_DIR) / "test-tmp";
  fs::create_directories(base);
  path_ = (base / ("t" + std::to_string(::getpid()) + "-" + std::to_string(rd()))).string();
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ChanceryBinary() { return std::string(CHANCERY_BINARY_DIR) + "/src/app/chancery"; }

namespace {

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads whatever is available from fd into out; returns false on EOF.
bool Drain(int fd, std::string& out) {
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& extra_env, int in_fd,
            int out_fd, int err_fd) {
  std::vector<std::string> argv_storage = {ChanceryBinary()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    for (const auto& kv : extra_env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

CommandResult RunChancery(const std::vector<std::string>& args, const std::string& input,
                          std::chrono::seconds timeout, const std::vector<std::string>& extra_env) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) return {};
  const pid_t pid = Spawn(args, extra_env, in_pipe[0], out_pipe[1], err_pipe[1]);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!input.empty()) {
    const ssize_t ignored = ::write(in_pipe[1], input.data(), input.size());
    (void)ignored;
  }
  ::close(in_pipe[1]);
  SetNonBlocking(out_pipe[0]);
  SetNonBlocking(err_pipe[0]);

  CommandResult result;
  const auto deadline = Clock::now() + timeout;
  bool out_open = true, err_open = true;
  while ((out_open || err_open) && Clock::now() < deadline) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    ::poll(fds, 2, 100);
    if (out_open) out_open = Drain(out_pipe[0], result.out);
    if (err_open) err_open = Drain(err_pipe[0], result.err);
  }
  int status = 0;
  if (out_open || err_open) ::kill(pid, SIGKILL);  // timed out
  ::waitpid(pid, &status, 0);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

ServerProcess::ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra_env) {
  int err_pipe[2];
  if (::pipe(err_pipe) != 0) return;
  const int devnull = ::open("/dev/null", O_RDWR);
  pid_ = Spawn({"serve", "--data", data_dir, "--listen", "127.0.0.1:0"}, extra_env, devnull, devnull, err_pipe[1]);
  ::close(devnull);
  ::close(err_pipe[1]);
  err_fd_ = err_pipe[0];
  SetNonBlocking(err_fd_);
  // The server logs "... at http://127.0.0.1:PORT/" once it listens.
  const std::regex listening(R"(http://127\.0\.0\.1:(\d+)/)");
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    pollfd fd{err_fd_, POLLIN, 0};
    ::poll(&fd, 1, 50);
    const bool open = Drain(err_fd_, log_);
    std::smatch m;
    if (std::regex_search(log_, m, listening)) {
      port_ = std::stoi(m[1]);
      return;
    }
    if (!open) break;
  }
}

ServerProcess::~ServerProcess() { Stop(); }

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    Drain(err_fd_, log_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Drain(err_fd_, log_);
  ::close(err_fd_);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ServerProcess::Log() {
  if (pid_ > 0) Drain(err_fd_, log_);
  return log_;
}

std::string HttpResponse::Header(const std::string& name) const {
  std::string lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

std::string SendRaw(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (431, 413): read what it said
    sent += static_cast<size_t>(n);
  }
  std::string out;
  const auto deadline = Clock::now() + timeout;
  char buf[16384];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {
std::optional<HttpResponse> Parse(const std::string& raw, bool head) {
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpResponse r;
  r.raw = raw;
  std::istringstream head_in(raw.substr(0, end));
  std::string line;
  std::getline(head_in, line);
  if (line.size() < 12 || line.rfind("HTTP/1.", 0) != 0) return std::nullopt;
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head_in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    r.headers[name] = value;
  }
  if (!head) r.body = raw.substr(end + 4);
  return r;
}
}  // namespace

std::optional<HttpResponse> HttpRequest(int port, const std::string& method, const std::string& target,
                                        const std::vector<std::pair<std::string, std::string>>& headers,
                                        const std::string& body) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return Parse(SendRaw(port, req), method == "HEAD");
}

std::optional<HttpResponse> HttpGet(int port, const std::string& target,
                                    const std::vector<std::pair<std::string, std::string>>& headers) {
  return HttpRequest(port, "GET", target, headers);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace chancery::testing
