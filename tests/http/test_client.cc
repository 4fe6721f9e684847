#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace chancery::http::testing {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string> RawResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (EqualsIgnoreCase(n, name)) return v;
  return std::nullopt;
}

RawClient::RawClient(uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RawClient::Fill(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawClient::Read(bool head_request) {
  if (fd_ < 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  auto remaining = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  };
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (remaining().count() <= 0 || !Fill(remaining())) return std::nullopt;

  RawResponse res;
  std::string_view head(buffer_.data(), end);
  size_t eol = head.find("\r\n");
  res.status_line = std::string(head.substr(0, eol));
  if (res.status_line.size() < 12 || res.status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  res.status = std::atoi(res.status_line.c_str() + 9);
  std::string_view rest = eol == std::string_view::npos ? "" : head.substr(eol + 2);
  while (!rest.empty()) {
    size_t line_end = rest.find("\r\n");
    std::string_view line = rest.substr(0, line_end);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      res.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    if (line_end == std::string_view::npos) break;
    rest.remove_prefix(line_end + 2);
  }
  buffer_.erase(0, end + 4);

  size_t length = 0;
  bool bodiless = head_request || res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) {
    auto cl = res.Header("Content-Length");
    if (!cl) return std::nullopt;  // this server always sends one
    length = std::strtoull(cl->c_str(), nullptr, 10);
  }
  while (buffer_.size() < length)
    if (remaining().count() <= 0 || !Fill(remaining())) return std::nullopt;
  res.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return res;
}

bool RawClient::WaitForClose(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;  // EOF or reset
  }
}

std::string RawRequest(std::string_view method, std::string_view path, std::string_view extra) {
  std::string out;
  out.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: test\r\n");
  out.append(extra).append("\r\n");
  return out;
}

std::optional<RawResponse> Fetch(uint16_t port, std::string_view request, bool head_request) {
  RawClient client(port);
  if (!client.connected() || !client.Send(request)) return std::nullopt;
  return client.Read(head_request);
}

}  // namespace chancery::http::testing
