// End-to-end: `chancery import markdown` on real files, then the pages.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "harness.h"

namespace chancery::testing {
namespace {

// The seed article is plain text: a credit line, then a title, then short
// lines that are section headings between paragraphs. Give it front matter
// and `##` headings, as an editor pasting it into Chancery would.
struct SeedArticle {
  std::string markdown;
  std::string title;
  std::vector<std::string> sections;
};

SeedArticle SeedAsMarkdown() {
  const std::string text = ReadFile(std::string(CHANCERY_SHARED_DIR) + "/seeds/000_80c169cc1e2fc806.txt");
  SeedArticle seed;
  std::istringstream in(text);
  std::string line, body;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("Image Credits", 0) == 0) continue;
    if (line == "Add a Comment") break;
    if (seed.title.empty()) {
      seed.title = line;
      continue;
    }
    if (line.size() < 100 && line.find(". ") == std::string::npos) {
      seed.sections.push_back(line);
      body += "## " + line + "\n\n";
    } else {
      body += line + "\n\n";
    }
  }
  seed.markdown = "---\ntitle: \"" + seed.title +
                  "\"\nslug: islamabad-moscow\nauthors: [Seed Author]\ntags: [Russia, Pakistan]\n"
                  "date: 2026-03-01 08:00\nimage: /media/seed.jpg\nimage_credit: Reuters\n---\n\n" + body;
  return seed;
}

TEST(Import, SeedArticleSectionsBecomeHeadingsInTheTableOfContents) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  const SeedArticle seed = SeedAsMarkdown();
  ASSERT_GE(seed.sections.size(), 5u);
  const std::string file = dir.path() + "/seed.md";
  WriteFile(file, seed.markdown);
  auto imported = RunChancery({"import", "markdown", "--data", data, file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("created islamabad-moscow"), std::string::npos) << imported.out;

  ServerProcess server(data);
  ASSERT_TRUE(server.started()) << server.Log();
  auto page = HttpGet(server.port(), "/articles/islamabad-moscow");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  const std::string& b = page->body;
  const auto toc_start = b.find("class=\"toc\"");
  ASSERT_NE(toc_start, std::string::npos);
  const std::string toc = b.substr(toc_start, b.find("</nav>", toc_start) - toc_start);
  for (const auto& section : seed.sections) {
    // Each section is an h2 with an id, and the table of contents links to it.
    std::smatch m;
    std::string escaped = section;
    escaped = std::regex_replace(escaped, std::regex("[.^$|()\\[\\]{}*+?\\\\]"), "\\$&");
    // The title text is HTML-escaped, with straight quotes made curly.
    const std::regex h2("<h2 id=\"([a-z0-9-]+)\">([^<]*)</h2>");
    bool found = false;
    for (std::sregex_iterator it(b.begin(), b.end(), h2), end; it != end; ++it) {
      const std::string heading = (*it)[2];
      const std::string id = (*it)[1];
      if (heading.find(section.substr(0, 12)) == std::string::npos) continue;
      found = true;
      EXPECT_NE(toc.find("href=\"#" + id + "\""), std::string::npos) << section;
    }
    EXPECT_TRUE(found) << "no h2 for section: " << section;
  }
  EXPECT_NE(b.find("Image credit: Reuters"), std::string::npos);
}

TEST(Import, MalformedFrontMatterNamesFileAndLineAndImportsNothing) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  const std::string bad = dir.path() + "/bad.md";
  WriteFile(bad, "---\ntitle: Fine\nslug: bad-one\nthis line is not front matter\n---\n\nBody.\n");
  const std::string good = dir.path() + "/good.md";
  WriteFile(good, "---\ntitle: A Good One\nslug: good-one\ndate: 2026-01-02\n---\n\nBody text here.\n");
  const std::string utf8 = dir.path() + "/utf8.md";
  WriteFile(utf8, "---\ntitle: Broken\nslug: broken\n---\n\nFine line\nbad \xC3\x28 byte\n");

  auto r = RunChancery({"import", "markdown", "--data", data, bad, good, utf8});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(bad + ":4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(utf8 + ":7:"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("created good-one"), std::string::npos) << r.out;

  ServerProcess server(data);
  ASSERT_TRUE(server.started());
  EXPECT_EQ(HttpGet(server.port(), "/articles/bad-one")->status, 404);
  EXPECT_EQ(HttpGet(server.port(), "/articles/broken")->status, 404);
  EXPECT_EQ(HttpGet(server.port(), "/articles/good-one")->status, 200);
}

TEST(Import, ExistingSlugIsUpdatedAndSaysSo) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  const std::string file = dir.path() + "/a.md";
  WriteFile(file, "---\ntitle: First Title\nslug: same\ndate: 2026-01-02\n---\n\nOld body.\n");
  ASSERT_EQ(RunChancery({"import", "markdown", "--data", data, file}).exit_code, 0);
  WriteFile(file, "---\ntitle: Second Title\nslug: same\ndate: 2026-01-02\n---\n\nNew body.\n");
  auto r = RunChancery({"import", "markdown", "--data", data, dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("updated same"), std::string::npos) << r.out;
  ServerProcess server(data);
  ASSERT_TRUE(server.started());
  auto page = HttpGet(server.port(), "/articles/same");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("Second Title"), std::string::npos);
  EXPECT_NE(page->body.find("New body."), std::string::npos);
}

TEST(Import, ScheduledArticleAppearsOnlyOnceItsTimeHasCome) {
  TempDir dir;
  const std::string data = dir.path() + "/site";
  ASSERT_EQ(RunChancery({"init", "--data", data}).exit_code, 0);
  const std::string future = dir.path() + "/future.md";
  WriteFile(future, "---\ntitle: From The Future\nslug: from-the-future\ndate: 2099-01-01 09:00\n---\n\nNot yet.\n");
  const std::string past = dir.path() + "/past.md";
  WriteFile(past, "---\ntitle: Already Out\nslug: already-out\nstatus: scheduled\ndate: 2020-01-01 09:00\n---\n\nDue.\n");
  ASSERT_EQ(RunChancery({"import", "markdown", "--data", data, future, past}).exit_code, 0);
  ServerProcess server(data);
  ASSERT_TRUE(server.started());
  EXPECT_EQ(HttpGet(server.port(), "/articles/from-the-future")->status, 404);
  EXPECT_EQ(HttpGet(server.port(), "/")->body.find("from-the-future"), std::string::npos);
  EXPECT_EQ(HttpGet(server.port(), "/articles/already-out")->status, 200);
}

}  // namespace
}  // namespace chancery::testing
