// RenderMarkdown: GitHub-flavoured features, heading anchors and the table of
// contents, plain text, excerpts, reading time, raw HTML, threads.
#include "content/content.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace chancery::content {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RenderedDocument Render(std::string_view markdown, const RenderOptions& options = {}) {
  Result<RenderedDocument> rendered = RenderMarkdown(markdown, options);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? std::move(rendered).value() : RenderedDocument{};
}

std::string Words(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i == 0 ? "" : " ") + std::string("word") + std::to_string(i);
  return text;
}

TEST(RenderMarkdownTest, Tables) {
  const RenderedDocument doc = Render("| Actor | Tone |\n|:--|--:|\n| PAK | 3 |\n");
  EXPECT_THAT(doc.html, HasSubstr("<table>"));
  EXPECT_THAT(doc.html, HasSubstr("<th align=\"left\">Actor</th>"));
  EXPECT_THAT(doc.html, HasSubstr("<td align=\"right\">3</td>"));
  EXPECT_THAT(doc.plain_text, HasSubstr("Actor Tone\nPAK 3"));
}

TEST(RenderMarkdownTest, FootnotesRenderRefAndSection) {
  const RenderedDocument doc = Render("The claim.[^src]\n\n[^src]: Reuters, 2021.\n");
  EXPECT_THAT(
      doc.html,
      HasSubstr("<sup class=\"footnote-ref\"><a href=\"#fn-src\" id=\"fnref-src\" data-footnote-ref>"));
  EXPECT_THAT(doc.html, HasSubstr("<section class=\"footnotes\" data-footnotes>"));
  EXPECT_THAT(doc.html, HasSubstr("<li id=\"fn-src\">"));
  EXPECT_THAT(doc.html, HasSubstr("href=\"#fnref-src\""));
  EXPECT_THAT(doc.html, HasSubstr("data-footnote-backref"));
  // No marker and no note in the running text.
  EXPECT_EQ(doc.plain_text, "The claim.");
}

TEST(RenderMarkdownTest, AutolinksAreExternalLinks) {
  const RenderedDocument doc = Render("See www.example.com and https://example.org/x.\n");
  EXPECT_THAT(doc.html, HasSubstr("<a href=\"http://www.example.com\" rel=\"noopener\">www.example.com</a>"));
  EXPECT_THAT(doc.html, HasSubstr("<a href=\"https://example.org/x\" rel=\"noopener\">"));
}

TEST(RenderMarkdownTest, RelativeLinksGetNoRel) {
  const RenderedDocument doc = Render("[tag](/tags/pakistan) and [note](#context)\n");
  EXPECT_THAT(doc.html, HasSubstr("<a href=\"/tags/pakistan\">tag</a>"));
  EXPECT_THAT(doc.html, HasSubstr("<a href=\"#context\">note</a>"));
}

TEST(RenderMarkdownTest, Strikethrough) {
  EXPECT_THAT(Render("a ~~b~~ c\n").html, HasSubstr("<del>b</del>"));
}

TEST(RenderMarkdownTest, SmartPunctuation) {
  const RenderedDocument doc = Render("\"Quoted\" and 'single' -- en --- em...\n");
  EXPECT_THAT(doc.html, HasSubstr("\u201CQuoted\u201D"));
  EXPECT_THAT(doc.html, HasSubstr("\u2018single\u2019"));
  EXPECT_THAT(doc.html, HasSubstr("\u2013 en \u2014 em\u2026"));
}

TEST(RenderMarkdownTest, TaskListCheckboxesAreDisabled) {
  const RenderedDocument doc = Render("- [x] done\n- [ ] open\n");
  EXPECT_THAT(doc.html, HasSubstr("<input type=\"checkbox\" disabled checked>"));
  EXPECT_THAT(doc.html, HasSubstr("<input type=\"checkbox\" disabled>"));
}

TEST(RenderMarkdownTest, CodeIsEscaped) {
  const RenderedDocument doc = Render("```html\n<script>x</script>\n```\n\nInline `<b>` too.\n");
  EXPECT_THAT(doc.html,
              HasSubstr("<pre><code class=\"language-html\">&lt;script&gt;x&lt;/script&gt;\n</code></pre>"));
  EXPECT_THAT(doc.html, HasSubstr("<code>&lt;b&gt;</code>"));
  EXPECT_THAT(doc.plain_text, HasSubstr("<script>x</script>"));
}

TEST(RenderMarkdownTest, HeadingIdsAndToc) {
  const RenderedDocument doc = Render(
      "# Title\n\n## Context\n\ntext\n\n### Pakistan–Russia Ties: A Thaw?\n\n"
      "#### Detail\n\n## Context\n\n## Context\n");
  EXPECT_THAT(doc.html, HasSubstr("<h1 id=\"title\">Title</h1>"));
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"context\">Context</h2>"));
  EXPECT_THAT(doc.html, HasSubstr("<h3 id=\"pakistan-russia-ties-a-thaw\">"));
  EXPECT_THAT(doc.html, HasSubstr("<h4 id=\"detail\">Detail</h4>"));
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"context-2\">"));
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"context-3\">"));
  ASSERT_EQ(doc.toc.size(), 4u);  // h1 and h4 stay out
  EXPECT_EQ(doc.toc[0].level, 2);
  EXPECT_EQ(doc.toc[0].id, "context");
  EXPECT_EQ(doc.toc[1].level, 3);
  EXPECT_EQ(doc.toc[1].id, "pakistan-russia-ties-a-thaw");
  EXPECT_EQ(doc.toc[1].text, "Pakistan–Russia Ties: A Thaw?");
  EXPECT_EQ(doc.toc[2].id, "context-2");
  EXPECT_EQ(doc.toc[3].id, "context-3");
}

TEST(RenderMarkdownTest, HeadingTextIsPlain) {
  const RenderedDocument doc = Render("## The *new* `CPEC` [deal](https://x.y) &amp; more\n");
  ASSERT_EQ(doc.toc.size(), 1u);
  EXPECT_EQ(doc.toc[0].text, "The new CPEC deal & more");
  EXPECT_EQ(doc.toc[0].id, "the-new-cpec-deal-more");
}

TEST(RenderMarkdownTest, HeadingTextLeavesOutFootnoteMarkers) {
  const RenderedDocument doc = Render("## Sources[^1] {#sources}\n\n## Ties[^1]\n\n[^1]: Note.\n");
  ASSERT_EQ(doc.toc.size(), 2u);
  EXPECT_EQ(doc.toc[0].text, "Sources");
  EXPECT_EQ(doc.toc[0].id, "sources");
  EXPECT_EQ(doc.toc[1].text, "Ties");
  EXPECT_EQ(doc.toc[1].id, "ties");
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"ties\">Ties<sup class=\"footnote-ref\">"));
}

TEST(RenderMarkdownTest, CustomHeadingId) {
  const RenderedDocument doc = Render("## Background and context {#background}\n\n## Again {#background}\n");
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"background\">Background and context</h2>"));
  EXPECT_THAT(doc.html, HasSubstr("<h2 id=\"background-2\">Again</h2>"));
  ASSERT_EQ(doc.toc.size(), 2u);
  EXPECT_EQ(doc.toc[0].text, "Background and context");
}

TEST(RenderMarkdownTest, HeadingIdsNeverTakeFootnoteIds) {
  const RenderedDocument doc = Render("## Fn 1\n\n## Fnref 1\n\nText.[^1]\n\n[^1]: Note.\n");
  ASSERT_EQ(doc.toc.size(), 2u);
  EXPECT_EQ(doc.toc[0].id, "fn-1-2");
  EXPECT_EQ(doc.toc[1].id, "fnref-1-2");
  EXPECT_THAT(doc.html, HasSubstr("<li id=\"fn-1\">"));
}

TEST(RenderMarkdownTest, HeadingWithoutSlugGetsSectionId) {
  const RenderedDocument doc = Render("## ???\n\n## !!!\n");
  ASSERT_EQ(doc.toc.size(), 2u);
  EXPECT_EQ(doc.toc[0].id, "section");
  EXPECT_EQ(doc.toc[1].id, "section-2");
}

TEST(RenderMarkdownTest, PlainTextHasNoTagsOrEntities) {
  const RenderedDocument doc = Render(
      "## Heading\n\nA *b* **c** &amp; &lt;d&gt; [link](/x) <span class=\"k\">kept</span>.\n"
      "Soft break.  \nHard break.\n\n> Quoted.\n\n- one\n- two\n");
  EXPECT_EQ(doc.plain_text,
            "Heading\n\nA b c & <d> link kept. Soft break.\nHard break.\n\nQuoted.\n\none\n\ntwo");
  EXPECT_THAT(doc.plain_text, Not(HasSubstr("<span")));
  EXPECT_THAT(doc.plain_text, Not(HasSubstr("&amp;")));
}

TEST(RenderMarkdownTest, PlainTextReadsHtmlBlocks) {
  const RenderedDocument doc =
      Render("<div class=\"pullquote\">\n<p>Said &amp; done.</p>\n</div>\n\nAfter.\n");
  EXPECT_EQ(doc.plain_text, "Said & done.\n\nAfter.");
}

TEST(RenderMarkdownTest, ExcerptSkipsHeadingsAndCutsAtWordBoundary) {
  const RenderedDocument doc = Render("## Context\n\n" + Words(50) + "\n");
  EXPECT_EQ(doc.excerpt.rfind("word0 word1", 0), 0u);
  EXPECT_TRUE(doc.excerpt.ends_with("word39\u2026")) << doc.excerpt;
}

TEST(RenderMarkdownTest, ShortBodyExcerptIsWhole) {
  EXPECT_EQ(Render("Short body.\n").excerpt, "Short body.");
}

TEST(RenderMarkdownTest, ExcerptWordsOption) {
  RenderOptions options;
  options.excerpt_words = 3;
  EXPECT_EQ(Render("one two three four\n", options).excerpt, "one two three\u2026");
}

TEST(RenderMarkdownTest, ReadingTime) {
  EXPECT_EQ(Render(Words(460)).word_count, 460);
  EXPECT_EQ(Render(Words(460)).reading_minutes, 2);
  EXPECT_EQ(Render(Words(461)).reading_minutes, 3);
  EXPECT_EQ(Render("a few words").reading_minutes, 1);
  EXPECT_EQ(Render("").reading_minutes, 1);
  RenderOptions fast;
  fast.words_per_minute = 100;
  EXPECT_EQ(Render(Words(460), fast).reading_minutes, 5);
}

TEST(RenderMarkdownTest, RawHtmlIsSanitised) {
  const RenderedDocument doc = Render(
      "<div class=\"pullquote\" onclick=\"x()\">Quote</div>\n\nText <img src=x onerror=alert(1)> "
      "<iframe src=\"https://evil\"></iframe>.\n");
  EXPECT_THAT(doc.html, HasSubstr("<div class=\"pullquote\">Quote</div>"));
  EXPECT_THAT(doc.html, HasSubstr("<img src=\"x\">"));
  EXPECT_THAT(doc.html, Not(HasSubstr("onerror")));
  EXPECT_THAT(doc.html, Not(HasSubstr("onclick")));
  EXPECT_THAT(doc.html, Not(HasSubstr("<iframe")));  // tagfilter shows it as text
}

TEST(RenderMarkdownTest, ScriptInMarkdownNeverRuns) {
  const RenderedDocument doc = Render("<script>alert(1)</script>\n\nText\n");
  EXPECT_THAT(doc.html, Not(HasSubstr("<script")));
}

TEST(RenderMarkdownTest, RawHtmlCanBeTurnedOff) {
  RenderOptions options;
  options.allow_raw_html = false;
  const RenderedDocument doc = Render("<div class=\"pullquote\">Quote</div>\n\nText <b>bold</b>\n", options);
  EXPECT_THAT(doc.html, Not(HasSubstr("<div")));
  EXPECT_THAT(doc.html, Not(HasSubstr("<b>")));
  EXPECT_THAT(doc.html, Not(HasSubstr("<!--")));
  EXPECT_THAT(doc.html, HasSubstr("<p>Text bold</p>"));
}

TEST(RenderMarkdownTest, JavascriptLinksAreNeutralised) {
  for (const char* markdown :
       {"[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))",
        "[x](java&#09;script:alert(1))", "[x](vbscript:msgbox)",
        "[x](data:text/html,<script>alert(1)</script>)", "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
        "![x](javascript:alert(1))"}) {
    for (bool raw : {true, false}) {
      RenderOptions options;
      options.allow_raw_html = raw;
      const RenderedDocument doc = Render(markdown, options);
      std::string lower = doc.html;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_THAT(lower, Not(HasSubstr("javascript"))) << markdown;
      EXPECT_THAT(lower, Not(HasSubstr("vbscript"))) << markdown;
      EXPECT_THAT(lower, Not(HasSubstr("data:"))) << markdown;
    }
  }
}

TEST(RenderMarkdownTest, RejectsInvalidUtf8) {
  const Result<RenderedDocument> rendered = RenderMarkdown("abc \xC3\x28 def");
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.status().code(), Status::Code::kInvalidArgument);
}

TEST(RenderMarkdownTest, RejectsOversizedInput) {
  const std::string huge(kMaxMarkdownBytes + 1, 'a');
  EXPECT_FALSE(RenderMarkdown(huge).ok());
}

TEST(RenderMarkdownTest, DeepNestingIsRefused) {
  // Regression: 20000 nested blockquotes took seconds inside gumbo.
  for (const std::string& markdown :
       {std::string(20000, '>') + " deep\n", std::string(1000, '>') + " deep\n", [] {
          std::string html;
          for (int i = 0; i < 5000; ++i) html += "<div>";
          return html + "x\n";
        }()}) {
    const Result<RenderedDocument> rendered = RenderMarkdown(markdown);
    ASSERT_FALSE(rendered.ok());
    EXPECT_THAT(rendered.status().message(), HasSubstr("levels deep"));
  }
}

TEST(RenderMarkdownTest, ModerateNestingIsFine) {
  std::string list;
  for (int i = 0; i < 20; ++i) list += std::string(2 * i, ' ') + "- level" + std::to_string(i) + "\n";
  const RenderedDocument doc = Render(std::string(50, '>') + " deep\n\n" + list);
  EXPECT_THAT(doc.plain_text, HasSubstr("deep\n\nlevel0\n\nlevel1"));
  EXPECT_THAT(doc.html, HasSubstr("<ul>\n<li>level19</li>"));
}

TEST(RenderMarkdownTest, ConcurrentRendersAgree) {
  const std::string markdown =
      "## Part ~~one~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^n] with www.example.com.\n\n[^n]: Note.\n";
  const RenderedDocument expected = Render(markdown);
  ASSERT_THAT(expected.html, HasSubstr("<del>"));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Result<RenderedDocument> doc = RenderMarkdown(markdown);
        if (!doc.ok() || doc->html != expected.html || doc->plain_text != expected.plain_text)
          ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(RenderMarkdownTest, SeedArticle) {
  std::ifstream file(std::string(CHANCERY_SHARED_DIR) + "/seeds/000_80c169cc1e2fc806.txt", std::ios::binary);
  ASSERT_TRUE(file) << "seed file missing";
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  const RenderedDocument doc = Render(text);
  EXPECT_GT(doc.word_count, 900);
  EXPECT_LT(doc.word_count, 1400);
  EXPECT_GE(doc.reading_minutes, 4);
  EXPECT_FALSE(doc.plain_text.empty());
  EXPECT_THAT(doc.plain_text, HasSubstr("Islamabad"));
  EXPECT_THAT(doc.plain_text, Not(HasSubstr("<")));
  EXPECT_FALSE(doc.excerpt.empty());
  EXPECT_LE(doc.excerpt.size(), kExcerptMaxChars + 3);
}

}  // namespace
}  // namespace chancery::content
