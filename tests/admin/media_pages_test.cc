// The media library's helpers for other pages, and its store calls, on an
// in-memory store (the pages themselves are tested over HTTP in
// tests/integration/newsroom_media_test.cc).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "admin/media_pages.h"
#include "store/store.h"

namespace chancery::admin {
namespace {

class MediaPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  store::Media Add(const std::string& name, const std::string& alt, const std::string& original_name) {
    store::Media m;
    m.name = name;
    m.mime_type = "image/jpeg";
    m.bytes = "not really a jpeg";
    m.width = 10;
    m.height = 10;
    m.alt = alt;
    m.original_name = original_name;
    auto saved = store_->AddMedia(m);
    EXPECT_TRUE(saved.ok()) << saved.status().ToString();
    return saved.ok() ? std::move(saved).value() : store::Media{};
  }

  std::unique_ptr<store::Store> store_;
};

TEST_F(MediaPagesTest, MediaHasAltLooksAtNewsroomUploadsOnly) {
  Add("with-alt.jpg", "A harbour at dusk", "Harbour.JPG");
  Add("no-alt.jpg", "", "IMG_0001.jpg");
  Add("blank-alt.jpg", " \t\n", "IMG_0002.jpg");
  Add("demo.jpg", "", "");  // from the demo or an import: alt lives on the article
  EXPECT_TRUE(MediaHasAlt(*store_, "/media/with-alt.jpg"));
  EXPECT_FALSE(MediaHasAlt(*store_, "/media/no-alt.jpg"));
  EXPECT_FALSE(MediaHasAlt(*store_, "/media/blank-alt.jpg"));
  EXPECT_TRUE(MediaHasAlt(*store_, "/media/demo.jpg"));
  EXPECT_FALSE(MediaHasAlt(*store_, "/media/missing.jpg"));
  EXPECT_TRUE(MediaHasAlt(*store_, ""));
  EXPECT_TRUE(MediaHasAlt(*store_, "https://example.org/a.jpg"));
}

TEST_F(MediaPagesTest, UploadLimitComesFromTheSetting) {
  EXPECT_EQ(MaxUploadBytes(*store_), 10 << 20);
  ASSERT_TRUE(store_->PutSetting("media.max_upload_mb", "25").ok());
  EXPECT_EQ(MaxUploadBytes(*store_), 25 << 20);
  EXPECT_GT(UploadBodyLimit(*store_), 25 << 20);
  ASSERT_TRUE(store_->PutSetting("media.max_upload_mb", "nonsense").ok());
  EXPECT_EQ(MaxUploadBytes(*store_), 10 << 20);
  ASSERT_TRUE(store_->PutSetting("media.max_upload_mb", "0").ok());
  EXPECT_EQ(MaxUploadBytes(*store_), 10 << 20);
}

TEST_F(MediaPagesTest, NamesAreDeduplicatedAcrossTheSameStem) {
  EXPECT_EQ(Add("map.jpg", "", "map.jpg").name, "map.jpg");
  EXPECT_EQ(Add("map.jpg", "", "map.jpg").name, "map-2.jpg");
  EXPECT_EQ(Add("map.jpg", "", "map.jpg").name, "map-3.jpg");
  // One stem per image, whatever the format: variants share map.webp.
  EXPECT_EQ(Add("map.png", "", "map.png").name, "map-4.png");
  EXPECT_EQ(Add("chart.webp", "", "chart.webp").name, "chart.webp");
  EXPECT_EQ(Add("chart.gif", "", "chart.gif").name, "chart-2.gif");
}

TEST_F(MediaPagesTest, ListSearchUpdateAndDelete) {
  Add("a.jpg", "Cranes in Gwadar", "a.jpg");
  Add("b.jpg", "", "b.jpg");
  ASSERT_TRUE(store_->UpdateMediaDetails("b.jpg", "", "Zubaida Qureshi", "At the port").ok());
  EXPECT_EQ(store_->UpdateMediaDetails("nope.jpg", "", "", "").code(), Status::Code::kNotFound);

  auto search = [&](const std::string& q) {
    auto page = store_->ListMedia({.search = q, .uploaded_by_user_id = 0, .limit = 10, .offset = 0});
    EXPECT_TRUE(page.ok());
    std::string names;
    for (const auto& m : page->items) names += m.name + " ";
    return names;
  };
  EXPECT_EQ(search(""), "b.jpg a.jpg ");
  EXPECT_EQ(search("gwadar"), "a.jpg ");
  EXPECT_EQ(search("QURESHI"), "b.jpg ");
  EXPECT_EQ(search("port"), "b.jpg ");
  EXPECT_EQ(search("%"), "");
  EXPECT_FALSE(store_->ListMedia({.search = "", .uploaded_by_user_id = 0, .limit = 0, .offset = 0}).ok());

  auto details = store_->FindMediaDetails("b.jpg");
  ASSERT_TRUE(details.ok() && details.value());
  EXPECT_TRUE(details.value()->bytes.empty());
  EXPECT_EQ(details.value()->byte_count, 17);
  EXPECT_EQ(details.value()->caption, "At the port");

  EXPECT_TRUE(store_->DeleteMedia("a.jpg").ok());
  EXPECT_EQ(store_->DeleteMedia("a.jpg").code(), Status::Code::kNotFound);
  EXPECT_FALSE(store_->FindMedia("a.jpg").value().has_value());
}

}  // namespace
}  // namespace chancery::admin
