#include "cache/body_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <exception>
#include <limits>

namespace chancery::cache {

namespace {

std::atomic<int> open_files{0};

// An unnamed file in `directory`, or a memfd; -1 when neither can be had.
int OpenUnnamed(const std::string& directory) {
  if (!directory.empty()) {
    const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
  }
  return ::memfd_create("chancery-body", MFD_CLOEXEC);
}

// Writes `pieces` at the start of `fd`, in one call where it can: written
// with write(2), not through a mapping, and at once, the page cache keeps
// the file in large pages.
bool WriteAll(int fd, std::initializer_list<std::string_view> pieces) {
  std::array<iovec, 8> iov;
  size_t count = 0;
  for (std::string_view piece : pieces) {
    if (piece.empty()) continue;
    if (count == iov.size()) return false;  // more pieces than any caller has
    iov[count++] = {const_cast<char*>(piece.data()), piece.size()};
  }
  off_t at = 0;
  size_t first = 0;
  while (first < count) {
    const ssize_t n = ::pwritev(fd, iov.data() + first, static_cast<int>(count - first), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    // Past the pieces written whole, into the one written in part.
    for (size_t done = static_cast<size_t>(n); done > 0 && first < count;) {
      const size_t step = std::min(done, iov[first].iov_len);
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + step;
      iov[first].iov_len -= step;
      done -= step;
      if (iov[first].iov_len == 0) ++first;
    }
  }
  return true;
}

}  // namespace

std::shared_ptr<const BodyFile> BodyFile::Create(const std::string& directory,
                                                 std::initializer_list<std::string_view> pieces) {
  size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  if (size == 0) return nullptr;  // nothing to send from a file, nor to map
  if (open_files.fetch_add(1) >= kMaxOpen) {
    open_files.fetch_sub(1);
    return nullptr;
  }
  auto fail = [](int fd) -> std::shared_ptr<const BodyFile> {
    if (fd >= 0) ::close(fd);
    open_files.fetch_sub(1);
    return nullptr;
  };
  const int fd = OpenUnnamed(directory);
  if (fd < 0 || !WriteAll(fd, pieces)) return fail(fd);
  // Mapped, so that the memory shows in the process's resident set.
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (map == MAP_FAILED) return fail(fd);
  return std::shared_ptr<const BodyFile>(new BodyFile(fd, map, size));
}

BodyFile::~BodyFile() {
  ::munmap(map_, size_);
  ::close(fd_);
  open_files.fetch_sub(1);
}

int OpenBodyFiles() { return open_files.load(); }

HotBody::Answer HotBody::Count(int64_t second) {
  std::lock_guard lock(mu_);
  if (second != second_) {
    // A page that was hot a second ago asks for its new file at once.
    const bool was_hot = second == second_ + 1 && answers_ >= kHotAnswers;
    second_ = second;
    answers_ = 0;
    asked_ = false;
    file_.reset();  // the writers still sending it keep it alive
    next_try_ = was_hot ? 1 : kHotAnswers;
  }
  if (answers_ < std::numeric_limits<uint32_t>::max()) ++answers_;
  Answer answer{file_, false};
  if (file_ == nullptr && !asked_ && answers_ >= next_try_) {
    asked_ = true;
    answer.make = true;
  }
  return answer;
}

void HotBody::Install(int64_t second, std::shared_ptr<const BodyFile> file) {
  std::lock_guard lock(mu_);
  if (second != second_) return;  // too late: a new second, a new stamp
  asked_ = false;
  if (file != nullptr) {
    file_ = std::move(file);
  } else {
    constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
    next_try_ = answers_ <= kMax - kHotAnswers ? answers_ + kHotAnswers : kMax;
  }
}

BodyFileMaker::BodyFileMaker() : thread_([this] { Run(); }) {}

BodyFileMaker::~BodyFileMaker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

bool BodyFileMaker::Post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stop_ || jobs_.size() >= kMaxQueued) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void BodyFileMaker::Run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception&) {
      // Out of memory, say: the page that asked is sent from memory this
      // second, and asks again in the next.
    }
  }
}

}  // namespace chancery::cache
