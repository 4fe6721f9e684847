// End-to-end: `chancery comments list|approve|spam|trash|delete` on a real
// site. Comments are added through the Store API (the reader's form arrives
// with the rest of the comments work); everything checked goes through the
// command line.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"
#include "store/store.h"

namespace chancery::testing {
namespace {

class CommentsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() + "/site";
    ASSERT_EQ(RunChancery({"init", "--data", data_, "--demo"}).exit_code, 0);
    auto store = OpenStore();
    auto article = store->FindArticle("islamabads-long-hedge");
    ASSERT_TRUE(article.ok() && article.value());
    store::Comment c;
    c.article_id = article.value()->id;
    c.author_name = "Reader One";
    c.author_email = "one@example.org";
    c.body = "A first thought.";
    c.status = store::CommentStatus::kPending;
    c.status_reason = "held: first comment from this email";
    c.ip = "127.0.0.1";
    auto first = store->AddComment(c);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    first_ = first->id;
    c.parent_id = first_;
    c.author_name = "Reader Two";
    c.author_email = "two@example.org";
    c.body = "A reply with https://a.example and https://b.example";
    c.status_reason = "held: 2 links";
    auto reply = store->AddComment(c);
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    reply_ = reply->id;
  }

  std::unique_ptr<store::Store> OpenStore() {
    auto store = store::Store::Open({.url = "sqlite:" + data_ + "/chancery.db"});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  boost::json::array ListJson(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"comments", "list", "--data", data_, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunChancery(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    boost::system::error_code ec;
    auto v = boost::json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return v.is_array() ? v.as_array() : boost::json::array();
  }

  TempDir dir_;
  std::string data_;
  int64_t first_ = 0;
  int64_t reply_ = 0;
};

TEST_F(CommentsCli, ListShowsEveryFieldTheContractNames) {
  auto list = ListJson({"--status", "pending"});
  ASSERT_EQ(list.size(), 2u);
  const auto& reply = list[1].as_object();
  EXPECT_EQ(reply.at("id").as_int64(), reply_);
  EXPECT_EQ(reply.at("article").as_string(), "islamabads-long-hedge");
  EXPECT_EQ(reply.at("parent").as_int64(), first_);
  EXPECT_TRUE(list[0].as_object().at("parent").is_null());
  EXPECT_EQ(reply.at("author").as_string(), "Reader Two");
  EXPECT_EQ(reply.at("email").as_string(), "two@example.org");
  EXPECT_EQ(reply.at("status").as_string(), "pending");
  EXPECT_EQ(reply.at("reason").as_string(), "held: 2 links");
  EXPECT_TRUE(reply.at("created").as_string().ends_with("Z"));
  EXPECT_TRUE(ListJson({"--status", "approved"}).empty());

  auto text = RunChancery({"comments", "list", "--data", data_});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("held: first comment from this email"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(reply to #" + std::to_string(first_) + ")"), std::string::npos) << text.out;
}

TEST_F(CommentsCli, ApproveSpamTrashAreLoggedAndDeleteKeepsReplies) {
  auto approve = RunChancery({"comments", "approve", "--data", data_, std::to_string(first_)});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  EXPECT_NE(approve.out.find("pending → approved"), std::string::npos) << approve.out;
  auto approved = ListJson({"--status", "approved"});
  ASSERT_EQ(approved.size(), 1u);
  // The reason it was held stays with it.
  EXPECT_EQ(approved[0].as_object().at("reason").as_string(), "held: first comment from this email");

  ASSERT_EQ(RunChancery({"comments", "spam", "--data", data_, std::to_string(reply_)}).exit_code, 0);
  ASSERT_EQ(RunChancery({"comments", "trash", "--data", data_, std::to_string(reply_)}).exit_code, 0);
  EXPECT_EQ(ListJson({"--status", "trash"}).size(), 1u);

  {
    auto store = OpenStore();
    auto log = store->ListModerationLog(0, 100);
    ASSERT_TRUE(log.ok());
    ASSERT_EQ(log->size(), 3u);
    EXPECT_EQ((*log)[0].actor, "chancery-cli");
    EXPECT_EQ((*log)[0].from_status, "spam");
    EXPECT_EQ((*log)[0].to_status, "trash");
  }

  auto del = RunChancery({"comments", "delete", "--data", data_, std::to_string(first_)});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  auto all = ListJson();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].as_object().at("id").as_int64(), reply_);
  EXPECT_TRUE(all[0].as_object().at("parent").is_null());  // moved up a level
}

TEST_F(CommentsCli, BadInputIsAClearErrorAndTheRestStillHappens) {
  auto r = RunChancery({"comments", "approve", "--data", data_, "999999", std::to_string(first_)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("comment 999999"), std::string::npos) << r.err;
  EXPECT_EQ(ListJson({"--status", "approved"}).size(), 1u);

  auto bad_status = RunChancery({"comments", "list", "--data", data_, "--status", "held"});
  EXPECT_NE(bad_status.exit_code, 0);
  EXPECT_NE(bad_status.err.find("unknown status 'held'"), std::string::npos);

  auto no_site = RunChancery({"comments", "list", "--data", dir_.path() + "/nothing"});
  EXPECT_NE(no_site.exit_code, 0);
  EXPECT_NE(no_site.err.find("chancery init"), std::string::npos);

  auto not_a_number = RunChancery({"comments", "approve", "--data", data_, "abc"});
  EXPECT_NE(not_a_number.exit_code, 0);
}

TEST_F(CommentsCli, ExportAndEraseServeACommentersDataRequest) {
  auto exported = RunChancery({"comments", "export", "--data", data_, "--email", "ONE@example.org"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  boost::system::error_code ec;
  auto v = boost::json::parse(exported.out, ec);
  ASSERT_FALSE(ec) << exported.out;
  const auto& comments = v.as_object().at("comments").as_array();
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].as_object().at("body").as_string(), "A first thought.");
  EXPECT_EQ(comments[0].as_object().at("ip").as_string(), "127.0.0.1");

  auto erased = RunChancery({"comments", "erase", "--data", data_, "--email", "one@example.org"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_NE(erased.out.find("erased 1 comment from"), std::string::npos) << erased.out;
  auto all = ListJson();
  ASSERT_EQ(all.size(), 1u);  // the other reader's reply survives
  EXPECT_EQ(all[0].as_object().at("author").as_string(), "Reader Two");
  auto again = RunChancery({"comments", "export", "--data", data_, "--email", "one@example.org"});
  EXPECT_NE(again.out.find("\"comments\":[]"), std::string::npos) << again.out;
  EXPECT_NE(RunChancery({"comments", "erase", "--data", data_, "--email", "nobody"}).exit_code, 0);
}

}  // namespace
}  // namespace chancery::testing
