// The insight layer over the archive (app/insight_service.h) on an
// in-memory store: catching up with what needs reading, the gazetteer
// version and the editors' edits replayed over the built-in data, and the
// background reader starting and stopping.
#include "app/insight_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "admin/actors.h"
#include "insight/insight.h"
#include "store/store.h"

namespace chancery::app {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kPublished = 1'700'000'000;  // November 2023

class InsightServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::unique_ptr<InsightService> Service(InsightServiceOptions options = {}) {
    auto service = InsightService::Create(*store_, options);
    EXPECT_TRUE(service.ok()) << service.status().ToString();
    return service.ok() ? std::move(service).value() : nullptr;
  }

  int64_t Put(const std::string& slug, const std::string& text,
              store::ArticleStatus status = store::ArticleStatus::kPublished) {
    store::Article a;
    a.slug = slug;
    a.title = slug;
    a.body_markdown = text;
    a.plain_text = text;
    a.status = status;
    a.published_at = status == store::ArticleStatus::kDraft ? 0 : kPublished;
    a.updated_at = kPublished;
    a.created_at = kPublished;
    auto saved = store_->SaveArticle(a);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return a.id;
  }

  std::vector<std::string> ActorsOf(int64_t article_id) {
    auto found = store_->FindArticleInsight(article_id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    std::vector<std::string> ids;
    if (found.ok() && found->has_value())
      for (const auto& a : (*found)->actors) ids.push_back(a.id);
    return ids;
  }

  static bool Has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  store::GazetteerEdit Edit(store::GazetteerEdit edit) {
    auto added = store_->AddGazetteerEdit(edit);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : edit;
  }

  std::unique_ptr<store::Store> store_;
};

TEST_F(InsightServiceTest, CatchUpReadsEveryArticleOnce) {
  const int64_t a = Put("a", "Islamabad and Moscow signed a cooperation agreement.");
  const int64_t b = Put("b", "Washington warned Beijing over the strait.\n\nThe talks failed.",
                        store::ArticleStatus::kDraft);
  auto service = Service();
  ASSERT_NE(service, nullptr);
  auto read = service->CatchUp(100);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, 2);
  EXPECT_TRUE(Has(ActorsOf(a), "PAK"));
  EXPECT_TRUE(Has(ActorsOf(a), "RUS"));
  EXPECT_TRUE(Has(ActorsOf(b), "USA"));
  EXPECT_TRUE(Has(ActorsOf(b), "CHN"));

  auto stored = store_->FindArticleInsight(a);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->gazetteer_version, service->version());
  EXPECT_EQ((*stored)->article_updated_at, kPublished);
  ASSERT_FALSE((*stored)->pairs.empty());
  EXPECT_EQ((*stored)->pairs[0].a, "PAK");
  EXPECT_EQ((*stored)->pairs[0].b, "RUS");
  EXPECT_NE((*stored)->analysis_json.find("\"relations\""), std::string::npos);

  read = service->CatchUp(100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 0);
  // A changed text is read again, even when the date stays.
  Put("a", "Islamabad and Kabul traded accusations.");
  read = service->CatchUp(100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 1);
  EXPECT_TRUE(Has(ActorsOf(a), "AFG"));
  EXPECT_FALSE(Has(ActorsOf(a), "RUS"));
}

TEST_F(InsightServiceTest, AnArticleTheEngineRefusesIsStoredEmptyAndNotRetried) {
  const int64_t bad = Put("bad", std::string("Islamabad \xff and Moscow."));
  const int64_t good = Put("good", "Islamabad and Moscow met.");
  auto service = Service();
  ASSERT_NE(service, nullptr);
  auto read = service->CatchUp(100);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, 2);
  EXPECT_TRUE(ActorsOf(bad).empty());
  EXPECT_TRUE(Has(ActorsOf(good), "RUS"));
  read = service->CatchUp(100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 0);

  auto again = service->Read(bad);
  EXPECT_EQ(again.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(again.status().message().find("article 'bad'"), std::string::npos) << again.status().message();
  auto fine = service->Read(good);
  ASSERT_TRUE(fine.ok());
  ASSERT_TRUE(fine->has_value());
  EXPECT_EQ((*fine)->sentences, 1);
  ASSERT_TRUE(store_->TrashArticle(good, 0, kPublished + 10).ok());
  auto trashed = service->Read(good);
  ASSERT_TRUE(trashed.ok());
  EXPECT_FALSE(trashed->has_value());
}

TEST_F(InsightServiceTest, TheVersionFollowsTheEdits) {
  auto first = Service();
  ASSERT_NE(first, nullptr);
  auto again = Service();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(first->version(), again->version());  // deterministic
  EXPECT_NE(first->version().find(".e0"), std::string::npos);

  const auto one = Edit({.action = "add_name", .actor_id = "PAK", .name = "Pakland", .form = "alias"});
  const auto two = Edit({.action = "add_name", .actor_id = "RUS", .name = "Rusland", .form = "alias"});
  ASSERT_TRUE(first->Rebuild().ok());
  const std::string with_both = first->version();
  EXPECT_NE(with_both, again->version());
  EXPECT_NE(with_both.find(".e" + std::to_string(two.id)), std::string::npos);

  // Undoing an edit that is not the last still changes the version.
  ASSERT_TRUE(store_->DeleteGazetteerEdit(one.id).ok());
  ASSERT_TRUE(first->Rebuild().ok());
  EXPECT_NE(first->version(), with_both);
}

TEST_F(InsightServiceTest, EditsAreReplayedOverTheBuiltInData) {
  const int64_t id = Put("front", "The Zorblat Front attacked a convoy, and Islamabad blamed Kabul.");
  auto service = Service();
  ASSERT_NE(service, nullptr);
  ASSERT_TRUE(service->CatchUp(10).ok());
  EXPECT_FALSE(Has(ActorsOf(id), "ZORB"));

  Edit({.action = "add_actor", .actor_id = "ZORB", .name = "Zorblat Front", .kind = "group", .country = "PAK"});
  ASSERT_TRUE(service->Rebuild().ok());
  ASSERT_NE(service->gazetteer()->Find("ZORB"), nullptr);
  EXPECT_EQ(service->gazetteer()->Find("ZORB")->country, "PAK");
  auto read = service->CatchUp(10);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 1);  // the new version makes the archive stale
  EXPECT_TRUE(Has(ActorsOf(id), "ZORB"));
}

TEST_F(InsightServiceTest, AnEditThatNoLongerAppliesIsSkipped) {
  const auto actor = Edit({.action = "add_actor", .actor_id = "ZORB", .name = "Zorblat Front", .kind = "group"});
  Edit({.action = "add_name", .actor_id = "ZORB", .name = "the Zorblats", .form = "alias"});
  Edit({.action = "add_name", .actor_id = "PAK", .name = "Pakland", .form = "alias"});
  ASSERT_TRUE(store_->DeleteGazetteerEdit(actor.id).ok());  // the alias now names nobody

  auto service = Service();
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->gazetteer()->Find("ZORB"), nullptr);
  const insight::Actor* pak = service->gazetteer()->Find("PAK");
  ASSERT_NE(pak, nullptr);
  EXPECT_TRUE(std::any_of(pak->names.begin(), pak->names.end(),
                          [](const insight::ActorName& n) { return n.text == "Pakland"; }));
}

TEST_F(InsightServiceTest, EditsMeanWhatTheInsightModuleSays) {
  auto builtin = insight::Gazetteer::Builtin();
  ASSERT_TRUE(builtin.ok()) << builtin.status().ToString();
  insight::Gazetteer g = *builtin;

  // A person's country becomes their office's.
  ASSERT_TRUE(admin::ApplyGazetteerEdit(
                  g, {.action = "add_actor", .actor_id = "jane-doe", .name = "Jane Doe", .kind = "person",
                      .country = "PAK"})
                  .ok());
  const insight::Actor* jane = g.Find("jane-doe");
  ASSERT_NE(jane, nullptr);
  ASSERT_EQ(jane->offices.size(), 1u);
  EXPECT_EQ(jane->offices[0].country, "PAK");

  // A trailing "?" marks an ambiguous name; an empty form is an alias.
  ASSERT_TRUE(admin::ApplyGazetteerEdit(g, {.action = "add_name", .actor_id = "jane-doe", .name = "Doe?"}).ok());
  jane = g.Find("jane-doe");
  const auto doe = std::find_if(jane->names.begin(), jane->names.end(),
                                [](const insight::ActorName& n) { return n.text == "Doe"; });
  ASSERT_NE(doe, jane->names.end());
  EXPECT_TRUE(doe->ambiguous);
  EXPECT_EQ(doe->form, insight::NameForm::kAlias);

  EXPECT_EQ(admin::ApplyGazetteerEdit(g, {.action = "add_actor", .actor_id = "pak", .name = "x", .kind = "state"})
                .code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(admin::ApplyGazetteerEdit(
                g, {.action = "add_actor", .actor_id = "ZORB", .name = "Z", .kind = "group", .country = "XYZ"})
                .code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(admin::ApplyGazetteerEdit(g, {.action = "add_name", .actor_id = "nobody", .name = "x"}).code(),
            Status::Code::kNotFound);
  EXPECT_EQ(admin::ApplyGazetteerEdit(g, {.action = "add_name", .actor_id = "PAK", .name = "x", .form = "nick"})
                .code(),
            Status::Code::kInvalidArgument);
  EXPECT_FALSE(admin::ApplyGazetteerEdit(g, {.action = "merge", .actor_id = "jane-doe", .target_id = "PAK"}).ok());
  EXPECT_TRUE(admin::ApplyGazetteerEdit(g, {.action = "add_actor", .actor_id = "john-doe", .name = "John Doe",
                                            .kind = "person"})
                  .ok());
  ASSERT_TRUE(admin::ApplyGazetteerEdit(g, {.action = "merge", .actor_id = "john-doe", .target_id = "jane-doe"}).ok());
  EXPECT_EQ(g.Find("john-doe"), nullptr);
}

TEST_F(InsightServiceTest, TheReaderRunsInTheBackgroundAndStopsPromptly) {
  auto service = Service({.poll_interval = 10s, .batch = 2});
  ASSERT_NE(service, nullptr);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Put("a" + std::to_string(i), "Islamabad and Moscow met."));
  service->Start();
  service->Start();  // harmless
  // Batches follow each other without waiting for the tick.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto all_read = [&] {
    for (int64_t id : ids)
      if (ActorsOf(id).empty()) return false;
    return true;
  };
  while (!all_read() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(all_read());

  // A new article is read once the reader is woken, long before the tick.
  const int64_t late = Put("late", "Washington and New Delhi held talks.");
  service->Notify();
  const auto soon = std::chrono::steady_clock::now() + 5s;
  while (ActorsOf(late).empty() && std::chrono::steady_clock::now() < soon) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(Has(ActorsOf(late), "USA"));

  const auto stopping = std::chrono::steady_clock::now();
  service.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 2s);
}

TEST_F(InsightServiceTest, ReadArticleUsesThePlainTextAndTheYear) {
  auto builtin = insight::Gazetteer::Builtin();
  ASSERT_TRUE(builtin.ok());
  const insight::Analyzer analyzer(*builtin);
  store::Article article;
  article.id = 7;
  article.plain_text = "First paragraph about Islamabad and Moscow.\n\nSecond one on Beijing and Washington.";
  article.published_at = kPublished;
  article.updated_at = kPublished + 5;
  auto reading = ReadArticle(analyzer, article, "v1", kPublished + 60);
  ASSERT_TRUE(reading.ok()) << reading.status().ToString();
  EXPECT_EQ(reading->sentences, 2);
  EXPECT_EQ(reading->insight.article_id, 7);
  EXPECT_EQ(reading->insight.analyzed_at, kPublished + 60);
  EXPECT_EQ(reading->insight.article_updated_at, kPublished + 5);
  EXPECT_EQ(reading->insight.gazetteer_version, "v1");
  EXPECT_EQ(reading->insight.actors.size(), 4u);
  for (const auto& a : reading->insight.actors) EXPECT_EQ(a.kind, "state");

  article.plain_text = std::string("bad \xff utf-8");
  EXPECT_EQ(ReadArticle(analyzer, article, "v1", 0).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace chancery::app
