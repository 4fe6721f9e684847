#include "comments/render.h"

#include <gtest/gtest.h>

#include <string>

namespace chancery::comments {
namespace {

constexpr char kRel[] = "rel=\"nofollow ugc noopener\"";

std::string Link(const std::string& href, const std::string& label) {
  return "<a href=\"" + href + "\" " + kRel + ">" + label + "</a>";
}

// ---- Paragraphs ---------------------------------------------------------------

TEST(RenderCommentHtmlTest, EmptyAndBlankTextRenderNothing) {
  EXPECT_EQ(RenderCommentHtml(""), "");
  EXPECT_EQ(RenderCommentHtml(" \n\t\n\n"), "");
}

TEST(RenderCommentHtmlTest, OneLineIsOneParagraph) {
  EXPECT_EQ(RenderCommentHtml("Hello, world."), "<p>Hello, world.</p>\n");
}

TEST(RenderCommentHtmlTest, SingleNewlineIsALineBreak) {
  EXPECT_EQ(RenderCommentHtml("one\ntwo"), "<p>one<br>\ntwo</p>\n");
}

TEST(RenderCommentHtmlTest, BlankLinesSeparateParagraphs) {
  EXPECT_EQ(RenderCommentHtml("one\n\ntwo\n \n\n\nthree"), "<p>one</p>\n<p>two</p>\n<p>three</p>\n");
}

TEST(RenderCommentHtmlTest, LeadingAndTrailingBlankLinesAreDropped) {
  EXPECT_EQ(RenderCommentHtml("\n\n  one\n\n"), "<p>  one</p>\n");
}

TEST(RenderCommentHtmlTest, CrLfAndCrAreNewlines) {
  EXPECT_EQ(RenderCommentHtml("a\r\nb\r\rc"), "<p>a<br>\nb</p>\n<p>c</p>\n");
}

// ---- Escaping -------------------------------------------------------------------

TEST(RenderCommentHtmlTest, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(RenderCommentHtml("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  EXPECT_EQ(RenderCommentHtml("\" onmouseover=\"x"), "<p>&quot; onmouseover=&quot;x</p>\n");
  EXPECT_EQ(RenderCommentHtml("Tom & Jerry's"), "<p>Tom &amp; Jerry&#39;s</p>\n");
  EXPECT_EQ(RenderCommentHtml("&lt; already"), "<p>&amp;lt; already</p>\n");
}

TEST(RenderCommentHtmlTest, NoMarkupOtherThanParagraphsBreaksAndLinks) {
  const std::string html = RenderCommentHtml(
      "<b>bold</b> *em* [x](https://e.x) <a href=\"https://e.x\">y</a>\n<img src=x onerror=alert(1)>");
  for (const char* tag : {"<b>", "<img", "<a href=\"https://e.x\">", "<em>"}) {
    EXPECT_EQ(html.find(tag), std::string::npos) << tag << " in " << html;
  }
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << html;
}

TEST(RenderCommentHtmlTest, JavascriptUrlsAreNotLinked) {
  EXPECT_EQ(RenderCommentHtml("javascript:alert(1)"), "<p>javascript:alert(1)</p>\n");
  EXPECT_EQ(RenderCommentHtml("JaVaScRiPt:alert(document.cookie)"),
            "<p>JaVaScRiPt:alert(document.cookie)</p>\n");
  EXPECT_EQ(RenderCommentHtml("data:text/html;base64,PHNjcmlwdD4="),
            "<p>data:text/html;base64,PHNjcmlwdD4=</p>\n");
}

// ---- Autolinks -------------------------------------------------------------------

TEST(RenderCommentHtmlTest, LinksHttpAndHttpsUrls) {
  EXPECT_EQ(RenderCommentHtml("see https://example.org/a?b=1&c=2#d now"),
            "<p>see " + Link("https://example.org/a?b=1&amp;c=2#d", "https://example.org/a?b=1&amp;c=2#d") +
                " now</p>\n");
  EXPECT_EQ(RenderCommentHtml("HTTP://Example.org"),
            "<p>" + Link("HTTP://Example.org", "HTTP://Example.org") + "</p>\n");
}

TEST(RenderCommentHtmlTest, UrlStopsAtQuotesAndAngleBrackets) {
  EXPECT_EQ(
      RenderCommentHtml("https://e.x/\"><script>alert(1)</script>"),
      "<p>" + Link("https://e.x/", "https://e.x/") + "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  EXPECT_EQ(RenderCommentHtml("<https://e.x/>"),
            "<p>&lt;" + Link("https://e.x/", "https://e.x/") + "&gt;</p>\n");
}

TEST(RenderCommentHtmlTest, ApostropheInAUrlIsEscapedInTheAttribute) {
  EXPECT_EQ(RenderCommentHtml("https://e.x/it's"),
            "<p>" + Link("https://e.x/it&#39;s", "https://e.x/it&#39;s") + "</p>\n");
}

TEST(RenderCommentHtmlTest, TrailingPunctuationIsNotPartOfTheLink) {
  for (const char* punct : {".", ",", ":", ";", "!", "?", "...", ".)"}) {
    const std::string text = std::string("Read https://e.x/a") + punct;
    const std::string html = RenderCommentHtml(text);
    EXPECT_NE(html.find(Link("https://e.x/a", "https://e.x/a")), std::string::npos) << text << " -> " << html;
  }
}

TEST(RenderCommentHtmlTest, BalancedParenthesesStayInTheLink) {
  EXPECT_EQ(RenderCommentHtml("(see https://en.wikipedia.org/wiki/Foo_(bar))."),
            "<p>(see " +
                Link("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)") +
                ").</p>\n");
  EXPECT_EQ(RenderCommentHtml("(https://e.x/a)"),
            "<p>(" + Link("https://e.x/a", "https://e.x/a") + ")</p>\n");
}

TEST(RenderCommentHtmlTest, SchemeWithoutHostIsNotALink) {
  EXPECT_EQ(RenderCommentHtml("http:// and https://."), "<p>http:// and https://.</p>\n");
  EXPECT_EQ(RenderCommentHtml("https://\"onmouseover=x"), "<p>https://&quot;onmouseover=x</p>\n");
}

TEST(RenderCommentHtmlTest, SchemeInsideAWordIsNotALink) {
  EXPECT_EQ(RenderCommentHtml("xhttps://e.x"), "<p>xhttps://e.x</p>\n");
}

TEST(RenderCommentHtmlTest, SeveralLinksOnSeveralLines) {
  EXPECT_EQ(RenderCommentHtml("https://a.x, https://b.x\nhttp://c.x"),
            "<p>" + Link("https://a.x", "https://a.x") + ", " + Link("https://b.x", "https://b.x") +
                "<br>\n" + Link("http://c.x", "http://c.x") + "</p>\n");
}

TEST(RenderCommentHtmlTest, NonAsciiTextAndUrlsPassThrough) {
  EXPECT_EQ(RenderCommentHtml("\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 https://b\xC3\xBC"
                              "cher.example"),
            "<p>\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 " +
                Link("https://b\xC3\xBC"
                     "cher.example",
                     "https://b\xC3\xBC"
                     "cher.example") +
                "</p>\n");
}

// ---- Hostile bytes ------------------------------------------------------------------

TEST(RenderCommentHtmlTest, NulAndControlsBecomeReplacementCharacters) {
  EXPECT_EQ(RenderCommentHtml(std::string("a\0b\x07"
                                          "c\x7F",
                                          6)),
            "<p>a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD</p>\n");
}

// Plain ASCII is skipped eight bytes at a time: a byte that needs work at
// any offset of a word, in text of any length around one or two words,
// must be found. Each becomes U+FFFD (a control, DEL, a stray byte), a
// space-free "\n" split (a newline), or passes whole (a letter above ASCII).
TEST(RenderCommentHtmlTest, EveryOffsetOfAWordIsChecked) {
  const std::string fffd = "\xEF\xBF\xBD";
  const struct {
    std::string in, out;
  } cases[] = {{"\x01", fffd}, {"\x1F", fffd}, {"\x7F", fffd}, {"\x80", fffd}, {"\xFF", fffd},
               {"\xC3\xA9", "\xC3\xA9"}, {"\n", "<br>\n"}, {"\r", "<br>\n"}, {"\t", "\t"}};
  for (const auto& c : cases) {
    for (size_t length = 1; length <= 20; ++length) {
      for (size_t at = 0; at < length; ++at) {
        const std::string text = std::string(at, 'a') + c.in + std::string(length - at - 1, 'b');
        const std::string want = "<p>" + std::string(at, 'a') + c.out + std::string(length - at - 1, 'b') + "</p>\n";
        // A newline at either end is a blank line, not a break.
        if (c.out == "<br>\n" && (at == 0 || at + 1 == length)) continue;
        if (c.in == "\t" && length == 1) continue;  // a line of only a tab is blank
        EXPECT_EQ(RenderCommentHtml(text), want) << "length " << length << ", at " << at;
      }
    }
  }
}

// The search for a URL's "h" goes eight bytes at a time: a link starting
// at any offset, in either case, inside or across those words, is found.
TEST(RenderCommentHtmlTest, EveryOffsetOfALinkIsFound) {
  for (const std::string url : {"https://e.x/a", "HTTP://e.x/b", "Https://e.x/c"}) {
    for (size_t at = 0; at <= 20; ++at) {
      const std::string before = at == 0 ? "" : std::string(at - 1, 'g') + " ";
      const std::string want = "<p>" + before + Link(url, url) + " end</p>\n";
      EXPECT_EQ(RenderCommentHtml(before + url + " end"), want) << url << " at " << at;
    }
  }
}

TEST(RenderCommentHtmlTest, NulEndsALink) {
  const std::string html = RenderCommentHtml(std::string("https://e.x/a\0<script>", 22));
  EXPECT_EQ(html, "<p>" + Link("https://e.x/a", "https://e.x/a") + "\xEF\xBF\xBD&lt;script&gt;</p>\n");
}

TEST(RenderCommentHtmlTest, BrokenUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(RenderCommentHtml("a\xFF"
                              "b\xC3"),
            "<p>a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD</p>\n");
  // An overlong "<" must not sneak markup through.
  EXPECT_EQ(RenderCommentHtml("\xC0\xBCscript\xC0\xBE"),
            "<p>\xEF\xBF\xBD\xEF\xBF\xBDscript\xEF\xBF\xBD\xEF\xBF\xBD</p>\n");
}

TEST(RenderCommentHtmlTest, BidiControlsAreDropped) {
  // "Trojan Source": U+202E would show "evil" text reversed.
  EXPECT_EQ(RenderCommentHtml("abc\xE2\x80\xAE"
                              "fed\xE2\x80\xAC"
                              "ghi"),
            "<p>abcfedghi</p>\n");
  for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
                           "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
    EXPECT_EQ(RenderCommentHtml(std::string("x") + bidi + "y"), "<p>xy</p>\n");
  }
}

TEST(RenderCommentHtmlTest, BidiControlsCannotDisguiseALink) {
  EXPECT_EQ(RenderCommentHtml("https://e.x/\xE2\x80\xAEmoc.knab"),
            "<p>" + Link("https://e.x/moc.knab", "https://e.x/moc.knab") + "</p>\n");
}

TEST(RenderCommentHtmlTest, AMegabyteOfMarkupStaysEscaped) {
  std::string text;
  while (text.size() < (1 << 20)) text += "<script>\"'&\n";
  const std::string html = RenderCommentHtml(text);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find('"'), std::string::npos);
}

// ---- AuthorLinkHtml ------------------------------------------------------------------

TEST(AuthorLinkHtmlTest, NameAloneWithoutWebsite) {
  EXPECT_EQ(AuthorLinkHtml("Ayesha Khan", ""), "Ayesha Khan");
  EXPECT_EQ(AuthorLinkHtml("<b>Ann</b> & co", ""), "&lt;b&gt;Ann&lt;/b&gt; &amp; co");
}

TEST(AuthorLinkHtmlTest, LinksTheNameToTheWebsite) {
  EXPECT_EQ(AuthorLinkHtml("Ann", "https://ann.example/"), Link("https://ann.example/", "Ann"));
  EXPECT_EQ(AuthorLinkHtml("Ann", "https://ann.example/a?b=1&c=2."),
            Link("https://ann.example/a?b=1&amp;c=2.", "Ann"));
}

TEST(AuthorLinkHtmlTest, EscapesBothNameAndUrl) {
  EXPECT_EQ(AuthorLinkHtml("\" onmouseover=\"x", "https://e.x/it's"),
            Link("https://e.x/it&#39;s", "&quot; onmouseover=&quot;x"));
}

TEST(AuthorLinkHtmlTest, NonHttpWebsitesAreNotLinked) {
  for (const char* url : {"javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "ftp://e.x",
                          "//e.x", "https://", "https://e.x/\"><script>", "https://e x", "e.x"}) {
    EXPECT_EQ(AuthorLinkHtml("Ann", url), "Ann") << url;
  }
}

TEST(AuthorLinkHtmlTest, NameIsOneLineWithoutControlsOrBidi) {
  EXPECT_EQ(AuthorLinkHtml(std::string("Ann\nBob\0\xE2\x80\xAE", 11), ""), "Ann Bob\xEF\xBF\xBD");
}

}  // namespace
}  // namespace chancery::comments
