// ParseMarkdownArticle: front matter to Article, defaults, lists, dates, and
// every error with its line number.
#include "importers/markdown.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "content/content.h"
#include "importers/front_matter.h"

namespace chancery::importers {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kNow = 1795910400;  // 2026-11-29T00:00:00Z

store::Article Parse(std::string_view text, int64_t now = kNow) {
  Result<store::Article> article = ParseMarkdownArticle(text, "posts/a.md", now);
  EXPECT_TRUE(article.ok()) << article.status().ToString();
  return article.ok() ? std::move(article).value() : store::Article{};
}

// The error message for `text`, which must fail.
std::string ErrorOf(std::string_view text) {
  Result<store::Article> article = ParseMarkdownArticle(text, "posts/a.md", kNow);
  EXPECT_FALSE(article.ok()) << "parsed: " << text;
  if (article.ok()) return "";
  EXPECT_EQ(article.status().code(), Status::Code::kInvalidArgument);
  return article.status().message();
}

TEST(ParseMarkdownArticleTest, GoodFile) {
  const store::Article article = Parse(
      "---\n"
      "title: \"Islamabad–Moscow: An Evolving Romance\"\n"
      "slug: islamabad-moscow\n"
      "dek: 'Why the thaw matters'\n"
      "authors: [Ayesha Khan, \"Ivanov, Sergei\"]\n"
      "tags:\n"
      "  - Pakistan\n"
      "  - \"Russia\"\n"
      "date: 2026-03-04T09:30:00Z\n"
      "updated: 2026-03-05 10:15\n"
      "status: published\n"
      "image: /media/lavrov.jpg\n"
      "image_credit: Reuters\n"
      "image_alt: Sergey Lavrov at a podium\n"
      "image_caption: Lavrov in Islamabad\n"
      "comments: closed\n"
      "---\n"
      "## Context\n\nThe evolving romance between Islamabad and Moscow.[^1]\n\n[^1]: A source.\n");
  EXPECT_EQ(article.title, "Islamabad–Moscow: An Evolving Romance");
  EXPECT_EQ(article.slug, "islamabad-moscow");
  EXPECT_EQ(article.dek, "Why the thaw matters");
  ASSERT_EQ(article.authors.size(), 2u);
  EXPECT_EQ(article.authors[0].name, "Ayesha Khan");
  EXPECT_EQ(article.authors[0].slug, "ayesha-khan");
  EXPECT_EQ(article.authors[1].name, "Ivanov, Sergei");
  EXPECT_EQ(article.authors[1].slug, "ivanov-sergei");
  ASSERT_EQ(article.tags.size(), 2u);
  EXPECT_EQ(article.tags[0].slug, "pakistan");
  EXPECT_EQ(article.tags[1].name, "Russia");
  EXPECT_EQ(article.published_at, 1772616600);
  EXPECT_EQ(article.updated_at, 1772705700);
  EXPECT_EQ(article.created_at, kNow);
  EXPECT_EQ(article.status, store::ArticleStatus::kPublished);
  EXPECT_EQ(article.image.url, "/media/lavrov.jpg");
  EXPECT_EQ(article.image.credit, "Reuters");
  EXPECT_EQ(article.image.alt, "Sergey Lavrov at a podium");
  EXPECT_EQ(article.image.caption, "Lavrov in Islamabad");
  EXPECT_FALSE(article.comments_open);
  EXPECT_THAT(article.body_markdown, HasSubstr("## Context"));
  EXPECT_THAT(article.body_html, HasSubstr("<h2 id=\"context\">Context</h2>"));
  EXPECT_EQ(article.toc_json, "[{\"level\":2,\"id\":\"context\",\"text\":\"Context\"}]");
  EXPECT_EQ(article.excerpt, "The evolving romance between Islamabad and Moscow.");
  EXPECT_EQ(article.plain_text, "Context\n\nThe evolving romance between Islamabad and Moscow.");
  EXPECT_EQ(article.reading_minutes, 1);
}

TEST(ParseMarkdownArticleTest, Defaults) {
  const store::Article article = Parse("---\ntitle: Pakistan’s Choice — A Thaw?\n---\nBody text.\n");
  EXPECT_EQ(article.slug, "pakistans-choice-a-thaw");
  EXPECT_EQ(article.status, store::ArticleStatus::kPublished);
  EXPECT_EQ(article.published_at, kNow);
  EXPECT_EQ(article.updated_at, kNow);
  EXPECT_TRUE(article.comments_open);
  EXPECT_TRUE(article.authors.empty());
  EXPECT_TRUE(article.tags.empty());
  EXPECT_EQ(article.dek, "");
  EXPECT_EQ(article.body_markdown, "Body text.\n");
}

TEST(ParseMarkdownArticleTest, DraftWithoutDateHasNoPublicationTime) {
  const store::Article article = Parse("---\ntitle: T\nstatus: draft\n---\nBody\n");
  EXPECT_EQ(article.status, store::ArticleStatus::kDraft);
  EXPECT_EQ(article.published_at, 0);
  EXPECT_EQ(article.updated_at, kNow);
}

TEST(ParseMarkdownArticleTest, SingleAuthorAliasAndScalarTags) {
  const store::Article article = Parse("---\ntitle: T\nauthor: José Álvarez\ntags: Economy\n---\nBody\n");
  ASSERT_EQ(article.authors.size(), 1u);
  EXPECT_EQ(article.authors[0].slug, "jose-alvarez");
  EXPECT_EQ(article.authors[0].name, "José Álvarez");
  ASSERT_EQ(article.tags.size(), 1u);
  EXPECT_EQ(article.tags[0].slug, "economy");
}

TEST(ParseMarkdownArticleTest, InlineAndBlockLists) {
  const store::Article article = Parse(
      "---\n"
      "title: T\n"
      "tags: [ One, 'Two, too', \"Three \\\"3\\\"\" ,Four ]\n"
      "authors:\n"
      "- A. Writer\n"
      "\n"
      "  - 'B. O''Brien'\n"
      "---\nBody\n");
  ASSERT_EQ(article.tags.size(), 4u);
  EXPECT_EQ(article.tags[0].name, "One");
  EXPECT_EQ(article.tags[1].name, "Two, too");
  EXPECT_EQ(article.tags[1].slug, "two-too");
  EXPECT_EQ(article.tags[2].name, "Three \"3\"");
  EXPECT_EQ(article.tags[3].name, "Four");
  ASSERT_EQ(article.authors.size(), 2u);
  EXPECT_EQ(article.authors[0].name, "A. Writer");
  EXPECT_EQ(article.authors[1].name, "B. O'Brien");
  EXPECT_EQ(article.authors[1].slug, "b-obrien");
}

TEST(ParseMarkdownArticleTest, EmptyListAndDuplicatesDropped) {
  const store::Article article =
      Parse("---\ntitle: T\ntags: [Pakistan, pakistan, PAKISTAN]\nauthors: []\n---\nB\n");
  ASSERT_EQ(article.tags.size(), 1u);
  EXPECT_TRUE(article.authors.empty());
}

TEST(ParseMarkdownArticleTest, FutureDateBecomesScheduled) {
  const store::Article article = Parse("---\ntitle: T\ndate: 2027-01-01\n---\nBody\n");
  EXPECT_EQ(article.status, store::ArticleStatus::kScheduled);
  EXPECT_EQ(article.published_at, 1798761600);
  const store::Article past = Parse("---\ntitle: T\ndate: 2026-03-04\n---\nBody\n");
  EXPECT_EQ(past.status, store::ArticleStatus::kPublished);
  EXPECT_EQ(past.published_at, 1772582400);
}

TEST(ParseMarkdownArticleTest, DateFormats) {
  using internal::ParseDateTime;
  EXPECT_EQ(ParseDateTime("2026-03-04"), 1772582400);
  EXPECT_EQ(ParseDateTime("2026-03-04 09:30"), 1772616600);
  EXPECT_EQ(ParseDateTime("2026-03-04 09:30:00"), 1772616600);
  EXPECT_EQ(ParseDateTime("2026-03-04T09:30:00Z"), 1772616600);
  EXPECT_EQ(ParseDateTime("2026-03-04T09:30:00.250Z"), 1772616600);
  EXPECT_EQ(ParseDateTime("2026-03-04T09:30:00+05:00"), 1772598600);
  EXPECT_EQ(ParseDateTime("2026-03-04T04:30:00-05:00"), 1772616600);
  EXPECT_EQ(ParseDateTime("2024-02-29 23:59:59"), 1709251199);
  for (const char* bad :
       {"", "2026", "2026-3-4", "2026-02-30", "2025-02-29", "2026-13-01", "2026-03-04 24:00",
        "2026-03-04 09:60", "2026-03-04T09:30:00+0500", "2026-03-04T09:30:00 UTC", "04/03/2026",
        "2026-03-04x", "2026-03-04T09:30:00.Z", "yesterday"}) {
    EXPECT_FALSE(ParseDateTime(bad).has_value()) << bad;
  }
}

TEST(ParseMarkdownArticleTest, CrLfAndBomAndComments) {
  const store::Article article =
      Parse("\xEF\xBB\xBF---\r\n# a comment\r\ntitle: Windows\r\n\r\n---\r\nBody line\r\n");
  EXPECT_EQ(article.title, "Windows");
  EXPECT_EQ(article.plain_text, "Body line");
}

TEST(ParseMarkdownArticleTest, ErrorInvalidUtf8ReportsLine) {
  const std::string message = ErrorOf("---\ntitle: T\n---\nGood line\nBad \xC3\x28 line\n");
  EXPECT_THAT(message, HasSubstr("posts/a.md:5:"));
  EXPECT_THAT(message, HasSubstr("UTF-8"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ndek: caf\xE9\n---\nBody\n"), HasSubstr("posts/a.md:3:"));
  // The brief's case: the fourth line.
  EXPECT_THAT(ErrorOf("---\ntitle: T\n---\n\xFF\n"), HasSubstr(":4:"));
}

TEST(ParseMarkdownArticleTest, ErrorMissingOpeningFence) {
  EXPECT_THAT(ErrorOf("title: T\n\nBody\n"),
              HasSubstr("posts/a.md:1: the file must start with front matter"));
  EXPECT_THAT(ErrorOf(""), HasSubstr("posts/a.md:1:"));
}

TEST(ParseMarkdownArticleTest, ErrorMissingClosingFence) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\nBody\n"),
              HasSubstr("posts/a.md:1: the front matter opened here is never closed"));
}

TEST(ParseMarkdownArticleTest, ErrorNotKeyValue) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\nthis is prose\n---\nBody\n"),
              HasSubstr("posts/a.md:3: expected 'key: value', got 'this is prose'"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\n  indented: x\n---\nBody\n"),
              HasSubstr("posts/a.md:3: expected 'key: value'"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\nbad key: x\n---\nBody\n"),
              HasSubstr("posts/a.md:3: expected 'key: value'"));
  EXPECT_THAT(ErrorOf("---\n- orphan\ntitle: T\n---\nBody\n"),
              HasSubstr("posts/a.md:2: a list item must follow"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ndek: x\n- orphan\n---\nBody\n"),
              HasSubstr("posts/a.md:4: a list item must follow"));
}

TEST(ParseMarkdownArticleTest, ErrorBadQuotingAndLists) {
  EXPECT_THAT(ErrorOf("---\ntitle: \"unterminated\n---\nBody\n"),
              HasSubstr("posts/a.md:2: 'title': the value has no closing \""));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ndek: 'a' b\n---\nBody\n"),
              HasSubstr("posts/a.md:3: 'dek': unexpected text after the closing quote"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ntags: [a, b\n---\nBody\n"),
              HasSubstr("posts/a.md:3: 'tags': the list has no closing ']'"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ntags: [a,,b]\n---\nBody\n"),
              HasSubstr("posts/a.md:3: 'tags': the list has an empty item"));
  EXPECT_THAT(ErrorOf("---\ntitle: [a, b]\n---\nBody\n"),
              HasSubstr("posts/a.md:2: 'title' takes one value, not a list"));
}

TEST(ParseMarkdownArticleTest, ErrorUnknownKey) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\n\ntagz: [a]\n---\nBody\n"),
              HasSubstr("posts/a.md:4: unknown key 'tagz'"));
}

TEST(ParseMarkdownArticleTest, ErrorDuplicateKey) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\ntitle: U\n---\nBody\n"),
              HasSubstr("posts/a.md:3: 'title' is given twice (first on line 2)"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\nauthor: A\nauthors: [B]\n---\nBody\n"),
              HasSubstr("posts/a.md:4: give either 'author' or 'authors'"));
}

TEST(ParseMarkdownArticleTest, ErrorBadDate) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\ndek: d\ndate: 2026-02-30\n---\nBody\n"),
              HasSubstr("posts/a.md:4: 'date' is not a date: '2026-02-30'"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\nupdated: soon\n---\nBody\n"),
              HasSubstr("posts/a.md:3: 'updated' is not a date"));
}

TEST(ParseMarkdownArticleTest, ErrorBadStatus) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\nstatus: live\n---\nBody\n"),
              HasSubstr("posts/a.md:3: status 'live' is not one of draft, scheduled, published"));
}

TEST(ParseMarkdownArticleTest, ErrorBadCommentsAndSlug) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\ncomments: maybe\n---\nBody\n"),
              HasSubstr("posts/a.md:3: comments 'maybe'"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\nslug: Not A Slug\n---\nBody\n"),
              HasSubstr("posts/a.md:3: slug 'Not A Slug' is not URL-safe; use lower-case letters, digits and "
                        "single hyphens, e.g. 'not-a-slug'"));
  // A well-formed slug over the limit is too long, not unsafe.
  const std::string long_slug = "a" + std::string(40, 'b') + "-" + std::string(40, 'c');  // 82 characters
  EXPECT_THAT(ErrorOf("---\ntitle: T\nslug: " + long_slug + "\n---\nBody\n"),
              HasSubstr("posts/a.md:3: slug '" + long_slug + "' is 82 characters long; the most is 80"));
  const std::string longest = std::string(80, 'd');
  EXPECT_EQ(Parse("---\ntitle: T\nslug: " + longest + "\n---\nBody\n").slug, longest);
}

TEST(ParseMarkdownArticleTest, ErrorBadImageUrl) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\nimage: javascript:alert(1)\n---\nBody\n"),
              HasSubstr("posts/a.md:3: image 'javascript:alert(1)' must be an http(s) URL or a path"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\nimage: //evil.example/x.jpg\n---\nBody\n"), HasSubstr("posts/a.md:3:"));
  EXPECT_EQ(Parse("---\ntitle: T\nimage: https://cdn.example/x.jpg\n---\nBody\n").image.url,
            "https://cdn.example/x.jpg");
}

TEST(ParseMarkdownArticleTest, ErrorMissingTitle) {
  EXPECT_THAT(ErrorOf("---\ndek: d\n---\nBody\n"), HasSubstr("posts/a.md:1: the article has no title"));
  EXPECT_THAT(ErrorOf("---\ndek: d\ntitle: ''\n---\nBody\n"),
              HasSubstr("posts/a.md:3: the article has no title"));
  EXPECT_THAT(ErrorOf("---\ntitle: '!!!'\n---\nBody\n"), HasSubstr("posts/a.md:2: the title gives no slug"));
}

TEST(ParseMarkdownArticleTest, ErrorEmptyBody) {
  EXPECT_THAT(ErrorOf("---\ntitle: T\n---\n"), HasSubstr("posts/a.md:4: the article body is empty"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\ndek: d\n---\n\n  \n"),
              HasSubstr("posts/a.md:5: the article body is empty"));
  EXPECT_THAT(ErrorOf("---\ntitle: T\n---"), HasSubstr("posts/a.md:4: the article body is empty"));
}

}  // namespace
}  // namespace chancery::importers
