// chancery/cache: page bodies kept in files, for sendfile(2).
//
// Writing a cached page from the process's memory copies its bytes into
// the kernel on every answer: for a 36 KB article page that copy was a
// quarter of the server's time at full load. A BodyFile holds the bytes in
// an unnamed file instead (O_TMPFILE in the site's folder, or a memfd),
// from which sendfile hands the kernel's own pages to the socket without
// copying them, as nginx does for static files.
//
// The file's pages are also mapped into the process, so the memory shows in
// its resident set like any other. A BodyFile is never written after it is
// made: a TCP stack may still be sending (or re-sending) its pages after
// sendfile returns, so a changed body always gets a new file.
//
// HotBody decides when a page earns a file. Making one costs a few system
// calls and a copy, which only pays when the same bytes are sent often; and
// a file serves one second only, as it carries the head with that second's
// Date (and a page's form token, which changes every second). So a page
// asks for its file once it is answered kHotAnswers times in one second (or
// was in the second before). BodyFileMaker makes them on a thread of its
// own: creating a file may wait for a file system, and the event loop that
// serves pages must not.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace chancery::cache {

class BodyFile {
 public:
  // At most this many are open at once, so that body files never take
  // the descriptors connections need; the pages beyond go out from memory.
  static constexpr int kMaxOpen = 64;

  // A file holding `pieces`, one after another: an unnamed file in
  // `directory` (O_TMPFILE, gone when closed) where its file system offers
  // them, else a memfd. Null when kMaxOpen are open or the system refuses
  // both (out of descriptors, memory or space): the caller then sends
  // from memory.
  // A regular file system's page cache keeps a file in large pages where
  // shmem (memfd, tmpfs) keeps 4 KiB ones, and sendfile hands the socket
  // fewer pages for it: about 8% less CPU a request for a 36 KB page here.
  static std::shared_ptr<const BodyFile> Create(const std::string& directory,
                                                std::initializer_list<std::string_view> pieces);

  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;

  int fd() const { return fd_; }
  size_t size() const { return size_; }
  // The bytes, through the process's (read-only) mapping of the file.
  std::string_view bytes() const { return {static_cast<const char*>(map_), size_}; }

 private:
  BodyFile(int fd, void* map, size_t size) : fd_(fd), map_(map), size_(size) {}

  const int fd_;
  void* const map_;
  const size_t size_;
};

// How many BodyFiles are open now (for tests and the kMaxOpen bound).
int OpenBodyFiles();

// Bodies smaller than this are sent from memory: their copy costs less
// than the extra system call a file takes.
inline constexpr size_t kMinFileBody = 16 * 1024;

class HotBody {
 public:
  // Answers in one second that make a page hot.
  static constexpr uint32_t kHotAnswers = 16;

  struct Answer {
    std::shared_ptr<const BodyFile> file;  // the file for this second; null: send from memory
    bool make = false;                     // have one made for this second, and Install it
  };

  // Counts one answer in `second` (Unix seconds). `make` is set once, when
  // the page has just turned hot and has no file for `second`. Thread-safe
  // and cheap: one short lock, no allocation.
  Answer Count(int64_t second);

  // The file made for `second` after Count asked for it; dropped if the
  // page has moved on to another second. Null: making it failed, and Count
  // asks again kHotAnswers answers later.
  void Install(int64_t second, std::shared_ptr<const BodyFile> file);

 private:
  std::mutex mu_;
  // All guarded by mu_.
  int64_t second_ = -1;
  uint32_t answers_ = 0;                  // counted in second_
  uint32_t next_try_ = kHotAnswers;       // the answer of second_ at which to ask for a file
  bool asked_ = false;                    // a file for second_ is being made
  std::shared_ptr<const BodyFile> file_;  // made for second_, or null
};

// Runs jobs that make files (BodyFile::Create) on a thread of its own, one
// at a time, in order. A job posted while kMaxQueued wait is dropped: its
// page is sent from memory, and asks again.
class BodyFileMaker {
 public:
  static constexpr size_t kMaxQueued = 256;

  BodyFileMaker();
  ~BodyFileMaker();  // runs no more jobs; waits for the running one
  BodyFileMaker(const BodyFileMaker&) = delete;
  BodyFileMaker& operator=(const BodyFileMaker&) = delete;

  // False when dropped (the queue is full, or the maker is stopping).
  bool Post(std::function<void()> job);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stop_ = false;                       // guarded by mu_
  std::thread thread_;
};

}  // namespace chancery::cache
