// SanitizeHtml: the allow-list, URL policy and hostile inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <gumbo.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "content/content.h"

namespace chancery::content {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The properties every sanitised output must have, whatever went in.
void ExpectHarmless(const std::string& input) {
  const std::string output = Lower(SanitizeHtml(input));
  EXPECT_THAT(output, Not(HasSubstr("<script"))) << input << "\n=> " << output;
  EXPECT_THAT(output, Not(HasSubstr("javascript:"))) << input << "\n=> " << output;
  EXPECT_THAT(output, Not(HasSubstr("vbscript:"))) << input << "\n=> " << output;
  EXPECT_THAT(output, Not(HasSubstr("<iframe"))) << input << "\n=> " << output;
  EXPECT_THAT(output, Not(HasSubstr("<svg"))) << input << "\n=> " << output;
  EXPECT_THAT(output, Not(HasSubstr("<style"))) << input << "\n=> " << output;
  // An attribute " on<letters>=" inside any tag.
  for (std::size_t open = output.find('<'); open != std::string::npos; open = output.find('<', open + 1)) {
    const std::string tag = output.substr(open, output.find('>', open) - open);
    EXPECT_THAT(tag, Not(HasSubstr("data:"))) << input << "\n=> " << output;
    for (std::size_t on = tag.find(" on"); on != std::string::npos; on = tag.find(" on", on + 1)) {
      std::size_t end = on + 3;
      while (end < tag.size() && std::isalpha(static_cast<unsigned char>(tag[end]))) ++end;
      while (end < tag.size() && tag[end] == ' ') ++end;
      EXPECT_FALSE(end > on + 3 && end < tag.size() && tag[end] == '=') << input << "\n=> " << output;
    }
  }
}

TEST(SanitizeHtmlTest, KeepsAllowedMarkup) {
  const std::string html =
      "<p>A <em>b</em> <strong>c</strong> <del>d</del> <sup>1</sup> <abbr title=\"Shanghai Cooperation "
      "Organisation\">SCO</abbr></p><blockquote><p>q</p></blockquote><hr><ul><li>x</li></ul>";
  EXPECT_EQ(SanitizeHtml(html), html);
}

TEST(SanitizeHtmlTest, ScriptRemovedWithContent) {
  EXPECT_EQ(SanitizeHtml("a<script>alert(1)</script>b"), "ab");
  EXPECT_EQ(SanitizeHtml("<style>p{}</style><p>x</p>"), "<p>x</p>");
}

TEST(SanitizeHtmlTest, ImgLosesHandlers) {
  EXPECT_EQ(SanitizeHtml("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
  EXPECT_EQ(
      SanitizeHtml("<img src=\"/media/a.jpg\" alt=\"A &amp; B\" width=\"640\" height=\"x\" loading=lazy>"),
      "<img src=\"/media/a.jpg\" alt=\"A &amp; B\" width=\"640\" loading=\"lazy\">");
}

TEST(SanitizeHtmlTest, LinkKeepsHrefAndGetsRel) {
  EXPECT_EQ(SanitizeHtml("<a href=\"https://e.x\" onclick=\"steal()\" target=\"_blank\">x</a>"),
            "<a href=\"https://e.x\" rel=\"noopener\">x</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\"//e.x/p\">x</a>"), "<a href=\"//e.x/p\" rel=\"noopener\">x</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\"https://e.x\" rel=\"nofollow bogus\">x</a>"),
            "<a href=\"https://e.x\" rel=\"nofollow noopener\">x</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\"mailto:desk@example.org\">m</a>"),
            "<a href=\"mailto:desk@example.org\">m</a>");
  EXPECT_EQ(SanitizeHtml("<a href=\"/articles/x#y\">r</a>"), "<a href=\"/articles/x#y\">r</a>");
}

TEST(SanitizeHtmlTest, DangerousSchemesDropped) {
  for (const char* html : {
           "<a href=\"javascript:alert(1)\">x</a>",
           "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
           "<a href=\" javascript:alert(1)\">x</a>",
           "<a href=\"java\tscript:alert(1)\">x</a>",
           "<a href=\"java&#x0A;script:alert(1)\">x</a>",
           "<a href=\"&#106;avascript:alert(1)\">x</a>",
           "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">x</a>",
           "<a href=\"javascript&colon;alert(1)\">x</a>",
           "<a href=\"&#0000106avascript:alert(1)\">x</a>",
           "<a href=\"\x01javascript:alert(1)\">x</a>",
           "<a href=\"vbscript:msgbox(1)\">x</a>",
           "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
           "<a href=\"file:///etc/passwd\">x</a>",
       }) {
    EXPECT_EQ(SanitizeHtml(html), "<a>x</a>") << html;
  }
  EXPECT_EQ(SanitizeHtml("<img src=\"data:image/png;base64,AAAA\" alt=\"a\">"), "<img alt=\"a\">");
  EXPECT_EQ(SanitizeHtml("<img src=\"mailto:x@y\">"), "<img>");
}

TEST(SanitizeHtmlTest, FramesAndFormsGoWithContent) {
  EXPECT_EQ(SanitizeHtml("a<iframe src=\"https://e.x\">fallback</iframe>b"), "ab");
  EXPECT_EQ(SanitizeHtml("<form action=\"/x\"><p>in</p><input name=q></form>z"), "z");
  EXPECT_EQ(SanitizeHtml("<object data=\"x\">o</object><embed src=\"x\">k"), "k");
}

TEST(SanitizeHtmlTest, UnknownElementsUnwrapped) {
  EXPECT_EQ(SanitizeHtml("<font color=red>red</font> <custom-el x=1>c</custom-el>"), "red c");
  EXPECT_EQ(SanitizeHtml("<center><p>x</p></center>"), "<p>x</p>");
}

TEST(SanitizeHtmlTest, PullQuoteClassesSurvive) {
  EXPECT_EQ(SanitizeHtml("<div class=\"pullquote\" style=\"color:red\">Q</div>"),
            "<div class=\"pullquote\">Q</div>");
  EXPECT_EQ(SanitizeHtml("<aside class=\"pullquote wide\" id=\"pq1\">Q</aside>"),
            "<aside class=\"pullquote wide\" id=\"pq1\">Q</aside>");
  // Classes must be plain tokens.
  EXPECT_EQ(SanitizeHtml("<div class=\"a&quot;b\">Q</div>"), "<div>Q</div>");
}

TEST(SanitizeHtmlTest, NoStyleAnywhere) {
  EXPECT_EQ(SanitizeHtml("<p style=\"background:url(javascript:x)\">p</p><td style=\"x\">"), "<p>p</p>");
}

TEST(SanitizeHtmlTest, TextAndAttributesEscaped) {
  EXPECT_EQ(SanitizeHtml("a &lt;b&gt; &amp; \"c\""), "a &lt;b&gt; &amp; \"c\"");
  EXPECT_EQ(SanitizeHtml("<abbr title='\"&gt;<script>'>x</abbr>"),
            "<abbr title=\"&quot;&gt;&lt;script&gt;\">x</abbr>");
  EXPECT_EQ(SanitizeHtml("5 < 6 > 4"), "5 &lt; 6 &gt; 4");
}

TEST(SanitizeHtmlTest, OnlyDisabledCheckboxInputs) {
  EXPECT_EQ(SanitizeHtml("<input type=\"checkbox\" checked=\"\" disabled=\"\" />"),
            "<input type=\"checkbox\" disabled checked>");
  EXPECT_EQ(SanitizeHtml("<input type=\"checkbox\" onchange=\"x()\">"), "<input type=\"checkbox\" disabled>");
  EXPECT_EQ(SanitizeHtml("<input type=\"text\" value=\"x\">"), "");
  EXPECT_EQ(SanitizeHtml("<input type=\"image\" src=\"x\">"), "");
}

TEST(SanitizeHtmlTest, CommentsAndForeignContentDropped) {
  EXPECT_EQ(SanitizeHtml("a<!-- <script>x</script> -->b"), "ab");
  EXPECT_EQ(SanitizeHtml("a<svg><g onload=\"x()\"><text>t</text></g></svg>b"), "ab");
  EXPECT_EQ(SanitizeHtml("a<math><mi xlink:href=\"javascript:x\">m</mi></math>b"), "ab");
}

TEST(SanitizeHtmlTest, PreKeepsLeadingNewline) {
  EXPECT_EQ(SanitizeHtml("<pre>\n\nx</pre>"), "<pre>\n\nx</pre>");
}

TEST(SanitizeHtmlTest, InvalidUtf8Replaced) {
  EXPECT_EQ(SanitizeHtml("a\xFF"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(SanitizeHtmlTest, DeepNestingBecomesText) {
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<div><span>";
  html += "<script>x</script>";
  const std::string out = SanitizeHtml(html);
  EXPECT_EQ(out.rfind("&lt;div&gt;&lt;span&gt;", 0), 0u);
  EXPECT_EQ(out.find('<'), std::string::npos);
}

TEST(SanitizeHtmlTest, SelfClosingParagraphsAndVoidsDoNotCountAsNesting) {
  std::string html;
  for (int i = 0; i < 1000; ++i) html += "<p>para<br><img src=\"a.png\"><li>x";
  const std::string out = SanitizeHtml(html);
  EXPECT_EQ(out.rfind("<p>para<br><img src=\"a.png\">", 0), 0u);
  std::string nested;
  for (int i = 0; i < 200; ++i) nested += "<div>";
  EXPECT_EQ(
      SanitizeHtml(nested + "x"), nested + "x" + [] {
        std::string closes;
        for (int i = 0; i < 200; ++i) closes += "</div>";
        return closes;
      }());
}

TEST(SanitizeHtmlTest, XssVectors) {
  const char* kVectors[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<<script>script>alert(1)//<</script>/script>",
      "<img src=\"x\" onerror=\"alert(1)\">",
      "<IMG SRC=JaVaScRiPt:alert('XSS')>",
      "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
      "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
      "<IMG "
      "SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;"
      "&#"
      "39;&#88;&#83;&#83;&#39;&#41;>",
      "<IMG "
      "SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&"
      "#"
      "x53&#x53&#x27&#x29>",
      "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
      "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
      "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
      "<svg/onload=alert(1)>",
      "<svg><script>alert(1)</script></svg>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<embed src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
      "<a href=\"jAvAsCrIpT&colon;alert&lpar;1&rpar;\">x</a>",
      "<a href=\"&#x6a;avascript:alert(1)\">x</a>",
      "<a href=\"\\x01javascript:alert(1)\">x</a>",
      "<a href=\"  &#x20; javascript:alert(1)\">x</a>",
      "<a href=\"javas&#99;ript:alert(1)\">x</a>",
      "<a href=javascript:alert(1)>x</a>",
      "<div style=\"background-image: url(javascript:alert(1))\">x</div>",
      "<div onmouseover=\"alert(1)\">hover</div>",
      "<p onclick=alert(1) class=x>p</p>",
      "<details open ontoggle=alert(1)>",
      "<input autofocus onfocus=alert(1)>",
      "<form><button formaction=javascript:alert(1)>X</button></form>",
      "<base href=\"javascript:alert(1)//\">",
      "<link rel=stylesheet href=\"javascript:alert(1)\">",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
      "<table background=\"javascript:alert(1)\"><td>x</td></table>",
      "<a href=\"vbscript:msgbox('x')\">x</a>",
      "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
      "<img src=x:alert(alt) onerror=eval(src) alt=0>",
      "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
      "<style><img src=\"</style><img src=x onerror=alert(1)//\">",
      "<title><img src=\"</title><img src=x onerror=alert(1)//\">",
      "<textarea><img src=\"</textarea><img src=x onerror=alert(1)//\">",
      "<xmp><img src=\"</xmp><img src=x onerror=alert(1)//\">",
      "<template><script>alert(1)</script></template>",
      "<a href=\"https://ok.example\" ONCLICK=\"alert(1)\" OnMouseOver=alert(1)>x</a>",
      "<img src=x onerror\n=alert(1)>",
      "<img/src=x/onerror=alert(1)>",
      "<a/href=javascript:alert(1)>x</a>",
      "\"><script>alert(1)</script>",
      "'><img src=x onerror=alert(1)>",
  };
  for (const char* vector : kVectors) ExpectHarmless(vector);
}

// Checks the parsed form of sanitised output, which is what a browser sees:
// no dangerous element, no event handler, no script URL.
void ExpectSafeTree(const std::string& html, const std::string& input) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  std::vector<const GumboNode*> pending = {output->root};
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboElement& element = node->v.element;
    for (GumboTag bad :
         {GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_IFRAME, GUMBO_TAG_OBJECT, GUMBO_TAG_EMBED,
          GUMBO_TAG_SVG, GUMBO_TAG_MATH, GUMBO_TAG_FORM, GUMBO_TAG_BASE, GUMBO_TAG_META}) {
      EXPECT_NE(element.tag, bad) << input << "\n=> " << html;
    }
    EXPECT_EQ(element.tag_namespace, GUMBO_NAMESPACE_HTML) << input << "\n=> " << html;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string name = Lower(attribute->name);
      EXPECT_FALSE(name.starts_with("on")) << input << "\n=> " << html;
      EXPECT_NE(name, "style") << input << "\n=> " << html;
      if (name == "href" || name == "src") {
        std::string value;
        for (char c : Lower(attribute->value)) {
          if (static_cast<unsigned char>(c) > 0x20) value += c;
        }
        EXPECT_FALSE(value.starts_with("javascript:") || value.starts_with("data:") ||
                     value.starts_with("vbscript:"))
            << input << "\n=> " << html;
      }
    }
    for (unsigned i = 0; i < element.children.length; ++i) {
      pending.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
  gumbo_destroy_output(&options, output);
}

TEST(SanitizeHtmlTest, RandomTagSoupStaysSafeAndStable) {
  static const char* kTokens[] = {
      "<",       ">",       "</",       "/>",    "a",       "img",       "script",   "svg",     "iframe",
      "style",   "div",     "p",        "table", "td",      "math",      "noscript", "title",   "pre",
      " ",       "\t",      "\n",       "=",     "\"",      "'",         "`",        "src",     "href",
      "onerror", "onload",  "style",    "class", "id",      "x",         "java",     "script:", "&#106;",
      "&#x3A;",  "&colon;", "data:",    "<!--",  "-->",     "<![CDATA[", "]]>",      "&",       "#",
      "h2",      "{#id}",   "\xC3\xA9", "\xFF",  "alert(1)"};
  std::mt19937 random(20261129);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kTokens) - 1);
  std::uniform_int_distribution<int> length(1, 60);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    for (int i = length(random); i > 0; --i) input += kTokens[pick(random)];
    const std::string once = SanitizeHtml(input);
    ExpectSafeTree(once, input);
    EXPECT_TRUE(IsValidUtf8(once)) << input;
    // Re-sanitising changes nothing: the output parses back to the same tree.
    EXPECT_EQ(SanitizeHtml(once), once) << input;
    if (HasFailure()) break;
  }
}

TEST(RenderMarkdownFuzzTest, RandomMarkdownStaysSafe) {
  static const char* kTokens[] = {"[x](",
                                  ")",
                                  "javascript:",
                                  "JaVaScRiPt:",
                                  "&#106;",
                                  "<img src=x onerror=y>",
                                  "**",
                                  "_",
                                  "#",
                                  "## ",
                                  "\n",
                                  "\n\n",
                                  "> ",
                                  "- ",
                                  "1. ",
                                  "|",
                                  "|---|",
                                  "---",
                                  "[^1]",
                                  "[^1]: ",
                                  "`",
                                  "```\n",
                                  "<script>",
                                  "</script>",
                                  "{#a}",
                                  "~~",
                                  "www.x.y",
                                  "http://",
                                  "<div class=pullquote>",
                                  "</div>",
                                  "<a href=\"",
                                  "\">",
                                  " ",
                                  "word",
                                  "\"quote\"",
                                  "'",
                                  "--",
                                  "<svg onload=1>",
                                  "![i](",
                                  "data:",
                                  "<!--",
                                  "-->",
                                  "\xC3\xA9",
                                  "[ ] ",
                                  "[x] ",
                                  "<h2 id=fn-1>",
                                  "    "};
  std::mt19937 random(4242);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kTokens) - 1);
  std::uniform_int_distribution<int> length(1, 80);
  for (int round = 0; round < 1500; ++round) {
    std::string input;
    for (int i = length(random); i > 0; --i) input += kTokens[pick(random)];
    for (bool raw : {true, false}) {
      RenderOptions options;
      options.allow_raw_html = raw;
      Result<RenderedDocument> doc = RenderMarkdown(input, options);
      ASSERT_TRUE(doc.ok()) << input;
      ExpectSafeTree(doc->html, input);
      EXPECT_EQ(SanitizeHtml(doc->html), doc->html) << input;
      EXPECT_EQ(ParseTocJson(TocJson(doc->toc)).size(), doc->toc.size());
      EXPECT_TRUE(IsValidUtf8(doc->plain_text) && IsValidUtf8(doc->excerpt)) << input;
    }
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace chancery::content
