// Page bodies in files for sendfile: what a file holds, when a page earns
// one, and the thread that makes them.
#include "cache/body_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chancery::cache {
namespace {

namespace fs = std::filesystem;

// The bytes the file descriptor reads, from its start.
std::string ReadFd(int fd, size_t size) {
  std::string out(size + 1, '\0');  // one more: a longer file shows
  const ssize_t n = ::pread(fd, out.data(), out.size(), 0);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

class BodyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "chancery-body-file.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(BodyFileTest, HoldsItsPiecesInOrderInAnUnnamedFile) {
  const std::string big(40000, 'x');
  for (const std::string& directory : {dir_, std::string(), dir_ + "/missing"}) {
    SCOPED_TRACE("directory '" + directory + "'");
    auto file = BodyFile::Create(directory, {"<p>", big, "", "token", "</p>"});
    ASSERT_NE(file, nullptr);
    const std::string expected = "<p>" + big + "token</p>";
    EXPECT_EQ(file->size(), expected.size());
    EXPECT_EQ(file->bytes(), expected);
    EXPECT_EQ(ReadFd(file->fd(), file->size()), expected);
  }
  EXPECT_TRUE(fs::is_empty(dir_)) << "the files have no names in the folder";
}

TEST_F(BodyFileTest, NothingToHoldIsNoFile) {
  EXPECT_EQ(BodyFile::Create(dir_, {}), nullptr);
  EXPECT_EQ(BodyFile::Create(dir_, {"", ""}), nullptr);
}

TEST_F(BodyFileTest, ClosedWhenTheLastHolderLetsGo) {
  auto file = BodyFile::Create(dir_, {"bytes"});
  ASSERT_NE(file, nullptr);
  const int fd = file->fd();
  EXPECT_NE(::fcntl(fd, F_GETFD), -1);
  file.reset();
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1) << "the descriptor is closed";
}

TEST_F(BodyFileTest, NoMoreThanKMaxOpenAtOnce) {
  const int before = OpenBodyFiles();
  std::vector<std::shared_ptr<const BodyFile>> files;
  for (int i = before; i < BodyFile::kMaxOpen; ++i) {
    files.push_back(BodyFile::Create(dir_, {"page"}));
    ASSERT_NE(files.back(), nullptr) << i;
  }
  EXPECT_EQ(OpenBodyFiles(), BodyFile::kMaxOpen);
  EXPECT_EQ(BodyFile::Create(dir_, {"one too many"}), nullptr) << "the descriptors are the connections'";
  files.pop_back();
  EXPECT_NE(BodyFile::Create(dir_, {"room again"}), nullptr);
  files.clear();
  EXPECT_EQ(OpenBodyFiles(), before);
}

TEST(HotBodyTest, APageAsksForAFileOnceItIsAnsweredOftenInOneSecond) {
  HotBody hot;
  for (uint32_t i = 1; i < HotBody::kHotAnswers; ++i) {
    const HotBody::Answer a = hot.Count(100);
    EXPECT_EQ(a.file, nullptr);
    EXPECT_FALSE(a.make) << "answer " << i;
  }
  EXPECT_TRUE(hot.Count(100).make) << "answer " << HotBody::kHotAnswers;
  EXPECT_FALSE(hot.Count(100).make) << "asked once while it is being made";
  auto file = BodyFile::Create("", {"second 100"});
  hot.Install(100, file);
  EXPECT_EQ(hot.Count(100).file, file);
}

TEST(HotBodyTest, AStampedPagesFileServesOneSecondAndAHotPageAsksAtOnceInTheNext) {
  HotBody hot;
  for (uint32_t i = 0; i < HotBody::kHotAnswers; ++i) hot.Count(100);
  auto old_file = BodyFile::Create("", {"second 100"});
  hot.Install(100, old_file);
  const HotBody::Answer next = hot.Count(101);
  EXPECT_EQ(next.file, nullptr) << "a new second, a new stamp";
  EXPECT_TRUE(next.make) << "it was hot a second ago";
  hot.Install(100, old_file);  // late: dropped
  EXPECT_EQ(hot.Count(101).file, nullptr);
  EXPECT_EQ(old_file->bytes(), "second 100") << "a writer still holding it still reads it";
  auto new_file = BodyFile::Create("", {"second 101"});
  hot.Install(101, new_file);
  EXPECT_EQ(hot.Count(101).file, new_file);

  // Two seconds on, a page that went quiet waits for kHotAnswers again.
  EXPECT_FALSE(hot.Count(104).make);
}

TEST(HotBodyTest, AFailedFileIsAskedForAgainLater) {
  HotBody hot;
  for (uint32_t i = 1; i < HotBody::kHotAnswers; ++i) hot.Count(0);
  ASSERT_TRUE(hot.Count(0).make);
  hot.Install(0, nullptr);
  for (uint32_t i = 1; i < HotBody::kHotAnswers; ++i) EXPECT_FALSE(hot.Count(0).make);
  EXPECT_TRUE(hot.Count(0).make);
}

TEST(BodyFileMakerTest, RunsJobsInOrderOnItsOwnThreadAndBoundsTheQueue) {
  BodyFileMaker maker;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<std::thread::id> started;
  ASSERT_TRUE(maker.Post([&started, released] {
    started.set_value(std::this_thread::get_id());
    released.wait();
  }));
  const std::thread::id maker_thread = started.get_future().get();
  EXPECT_NE(maker_thread, std::this_thread::get_id());

  std::vector<int> order;
  std::mutex mu;
  for (size_t i = 0; i < BodyFileMaker::kMaxQueued; ++i)
    ASSERT_TRUE(maker.Post([&order, &mu, i] {
      std::lock_guard lock(mu);
      order.push_back(static_cast<int>(i));
    }));
  EXPECT_FALSE(maker.Post([] {})) << "the queue is full while the first job runs";
  std::promise<void> last;
  auto done = last.get_future();
  release.set_value();
  while (!maker.Post([&last] { last.set_value(); })) std::this_thread::yield();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::lock_guard lock(mu);
  ASSERT_EQ(order.size(), BodyFileMaker::kMaxQueued);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int>(i));
}

TEST(BodyFileMakerTest, ADestroyedMakerRunsNoMoreJobs) {
  std::atomic<int> ran{0};
  auto maker = std::make_unique<BodyFileMaker>();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(maker->Post([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(maker->Post([&ran] { ++ran; }));
  std::thread releaser([&release] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    release.set_value();
  });
  // The destructor drops the ten waiting jobs, then waits for the running one.
  maker.reset();
  releaser.join();
  EXPECT_EQ(ran.load(), 0);
}

}  // namespace
}  // namespace chancery::cache
