// A deliberately dumb HTTP/1.1 client over a raw POSIX socket, so server
// tests control every byte (malformed requests, pipelining, stalls). Every
// read is bounded by a timeout so a broken server fails a test instead of
// hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chancery::http::testing {

struct RawResponse {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port. Check connected().
  explicit RawClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(3));
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one response framed by Content-Length (no body when `head_request`
  // or for 1xx/204/304). nullopt on close, timeout or an unparsable reply.
  std::optional<RawResponse> Read(bool head_request = false);
  // True once the server has closed the connection (EOF or reset) within
  // `timeout`; any bytes that arrive meanwhile are discarded.
  bool WaitForClose(std::chrono::milliseconds timeout);
  // Bytes received but not consumed by Read().
  const std::string& pending() const { return buffer_; }

 private:
  bool Fill(std::chrono::milliseconds timeout);  // one recv; false on EOF/error/timeout

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

// "GET <path> HTTP/1.1\r\nHost: test\r\n<extra>\r\n" — `extra` is zero or
// more "Name: value\r\n" lines.
std::string RawRequest(std::string_view method, std::string_view path, std::string_view extra = "");

// One request on a fresh connection.
std::optional<RawResponse> Fetch(uint16_t port, std::string_view request, bool head_request = false);

}  // namespace chancery::http::testing
