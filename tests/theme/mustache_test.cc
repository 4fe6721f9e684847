// The engine's behaviour beyond the spec files: escaping, error messages,
// limits, layouts, and concurrent rendering.
#include "theme/mustache.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace chancery::theme {
namespace {

namespace json = boost::json;

std::string MustRender(std::string_view source, std::string_view context_json,
                       const std::map<std::string, std::string, std::less<>>& partials = {}) {
  const Result<std::string> out = RenderString(source, json::parse(context_json), partials);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : std::string();
}

std::string CompileError(std::string_view source, std::string_view name = "page") {
  const Result<Template> t = Template::Compile(source, name);
  EXPECT_FALSE(t.ok()) << "compiled: " << source;
  if (t.ok()) return {};
  EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  return t.status().message();
}

TEST(MustacheTest, EscapesHtmlIncludingApostrophes) {
  EXPECT_EQ(MustRender("<p>{{x}}</p>", R"({"x": "<script>alert('hi') & \"bye\"</script>"})"),
            "<p>&lt;script&gt;alert(&#39;hi&#39;) &amp; &quot;bye&quot;&lt;/script&gt;</p>");
}

TEST(MustacheTest, TripleAndAmpersandDoNotEscape) {
  EXPECT_EQ(MustRender("{{{x}}}|{{&x}}", R"({"x": "<b>'&'</b>"})"), "<b>'&'</b>|<b>'&'</b>");
}

TEST(MustacheTest, EscapedAttributeCannotBreakOut) {
  EXPECT_EQ(MustRender("<a title='{{t}}' href=\"{{u}}\">", R"({"t": "' onclick='x", "u": "\" onclick=\"x"})"),
            "<a title='&#39; onclick=&#39;x' href=\"&quot; onclick=&quot;x\">");
}

TEST(MustacheTest, NumbersAndBooleansInterpolate) {
  EXPECT_EQ(MustRender("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
                       R"({"a": 1.5, "b": 3, "c": -2, "d": 18446744073709551615, "e": true, "f": false})"),
            "1.5 3 -2 18446744073709551615 true false");
}

TEST(MustacheTest, NullObjectsAndListsInterpolateAsNothing) {
  EXPECT_EQ(MustRender("[{{a}}{{b}}{{c}}{{missing}}]", R"({"a": null, "b": {"k": 1}, "c": [1, 2]})"), "[]");
}

TEST(MustacheTest, FalsyValues) {
  const std::string tmpl = "{{#v}}yes{{/v}}{{^v}}no{{/v}}";
  EXPECT_EQ(MustRender(tmpl, R"({"v": false})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({"v": null})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({"v": []})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({"v": ""})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({"v": 0})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({})"), "no");
  EXPECT_EQ(MustRender(tmpl, R"({"v": "0"})"), "yes");
  EXPECT_EQ(MustRender(tmpl, R"({"v": {}})"), "yes");
  EXPECT_EQ(MustRender(tmpl, R"({"v": 2})"), "yes");
  EXPECT_EQ(MustRender(tmpl, R"({"v": [0]})"), "yes");
}

TEST(MustacheTest, ContextStackAndDottedNames) {
  EXPECT_EQ(MustRender("{{#article}}{{title}} by {{#authors}}{{name}}@{{site.name}} {{/authors}}{{/article}}",
                       R"({"site": {"name": "Chancery"},
                           "article": {"title": "T", "authors": [{"name": "A"}, {"name": "B"}]}})"),
            "T by A@Chancery B@Chancery ");
}

TEST(MustacheTest, ImplicitIterator) {
  EXPECT_EQ(MustRender("{{#tags}}<{{.}}>{{/tags}}", R"({"tags": ["a&b", "c"]})"), "<a&amp;b><c>");
}

TEST(MustacheTest, StandalonePartialIndentsTemplateLinesNotValues) {
  EXPECT_EQ(MustRender("<div>\n  {{>body}}\n</div>\n", R"({"html": "<p>1</p>\n<p>2</p>"})",
                       {{"body", "<section>\n{{{html}}}\n</section>\n"}}),
            "<div>\n  <section>\n  <p>1</p>\n<p>2</p>\n  </section>\n</div>\n");
}

TEST(MustacheTest, MissingPartialRendersNothing) {
  EXPECT_EQ(MustRender("a{{>nope}}b{{<nope}}{{$x}}y{{/x}}{{/nope}}c", "{}"), "abc");
}

TEST(MustacheTest, DynamicPartialName) {
  EXPECT_EQ(MustRender("{{#items}}{{>*kind}}{{/items}}",
                       R"({"items": [{"kind": "quote", "t": "Q"}, {"kind": "para", "t": "P"}]})",
                       {{"quote", "<blockquote>{{t}}</blockquote>"}, {"para", "<p>{{t}}</p>"}}),
            "<blockquote>Q</blockquote><p>P</p>");
}

TEST(MustacheTest, LayoutInheritance) {
  const std::map<std::string, std::string, std::less<>> partials = {
      {"layout",
       "<html>\n"
       "<head><title>{{$title}}Chancery{{/title}}</title></head>\n"
       "<body>\n"
       "  <main>\n"
       "    {{$content}}\n"
       "    {{/content}}\n"
       "  </main>\n"
       "</body>\n"
       "</html>\n"}};
  const std::string page =
      "{{<layout}}\n"
      "{{$title}}{{article.title}} — Chancery{{/title}}\n"
      "{{$content}}\n"
      "<article>\n"
      "  <h1>{{article.title}}</h1>\n"
      "</article>\n"
      "{{/content}}\n"
      "{{/layout}}\n";
  EXPECT_EQ(MustRender(page, R"({"article": {"title": "Tom & Jerry"}})", partials),
            "<html>\n"
            "<head><title>Tom &amp; Jerry — Chancery</title></head>\n"
            "<body>\n"
            "  <main>\n"
            "    <article>\n"
            "      <h1>Tom &amp; Jerry</h1>\n"
            "    </article>\n"
            "  </main>\n"
            "</body>\n"
            "</html>\n");
  // Blocks the page leaves alone keep the layout's defaults.
  EXPECT_EQ(MustRender("{{<layout}}{{/layout}}", "{}", partials),
            "<html>\n<head><title>Chancery</title></head>\n<body>\n  <main>\n  </main>\n</body>\n</html>\n");
}

TEST(MustacheTest, BlockScopeIsTheParentsContext) {
  EXPECT_EQ(MustRender("{{<list}}{{$item}}<li>{{name}}</li>{{/item}}{{/list}}",
                       R"({"people": [{"name": "A"}, {"name": "B"}]})",
                       {{"list", "<ul>{{#people}}{{$item}}{{/item}}{{/people}}</ul>"}}),
            "<ul><li>A</li><li>B</li></ul>");
}

TEST(MustacheTest, SelfRecursivePartialStopsAtDepthLimit) {
  const std::string out = MustRender("x{{>self}}", "{}", {{"self", "x{{>self}}"}});
  EXPECT_EQ(out, std::string(kMaxExpansionDepth + 1, 'x'));
}

TEST(MustacheTest, SelfRecursiveBlockStopsAtDepthLimit) {
  const std::string out = MustRender("{{<p}}{{$a}}y{{$a}}{{/a}}{{/a}}{{/p}}", "{}", {{"p", "{{$a}}{{/a}}"}});
  EXPECT_FALSE(out.empty());
  EXPECT_LE(out.size(), static_cast<size_t>(kMaxExpansionDepth));
}

TEST(MustacheTest, DeepButFiniteRecursionRenders) {
  // A comment thread nested 15 deep (Boost.JSON's parser stops at 32
  // levels) is well inside the limit.
  std::string context = R"({"c": "0"})";
  for (int i = 1; i < 15; ++i)
    context = R"({"c": ")" + std::to_string(i) + R"(", "replies": [)" + context + "]}";
  const std::string out =
      MustRender("{{>thread}}", context, {{"thread", "({{c}}{{#replies}}{{>thread}}{{/replies}})"}});
  EXPECT_EQ(out.substr(0, 8), "(14(13(1");
  EXPECT_EQ(out.substr(out.size() - 4), "))))");
}

TEST(MustacheTest, ErrorUnclosedSectionNamesLine) {
  EXPECT_EQ(CompileError("<ul>\n{{#items}}\n<li>{{.}}</li>\n</ul>\n"), "page:2: unclosed section 'items'");
}

TEST(MustacheTest, ErrorMismatchedClose) {
  EXPECT_EQ(CompileError("{{#a}}\n{{#b}}\n{{/a}}\n"),
            "page:3: closing tag 'a' does not match section 'b' opened on line 2");
}

TEST(MustacheTest, ErrorCloseWithoutOpen) {
  EXPECT_EQ(CompileError("a\nb\n{{/a}}"), "page:3: closing tag 'a' has no open section");
}

TEST(MustacheTest, ErrorUnclosedTag) {
  EXPECT_EQ(CompileError("one\ntwo {{name\n"), "page:2: unclosed tag '{{'");
  EXPECT_EQ(CompileError("{{{name}}"), "page:1: unclosed tag '{{'");
}

TEST(MustacheTest, ErrorBadNamesAndDelimiters) {
  EXPECT_EQ(CompileError("{{}}"), "page:1: empty tag");
  EXPECT_EQ(CompileError("{{#}}{{/}}"), "page:1: empty tag");
  EXPECT_EQ(CompileError("{{first name}}"), "page:1: invalid name 'first name' (names contain no spaces)");
  EXPECT_EQ(CompileError("{{a..b}}"), "page:1: invalid name 'a..b'");
  EXPECT_EQ(CompileError("\n{{=<% =}}"), "page:2: invalid set-delimiters tag '<%'");
}

TEST(MustacheTest, ErrorLineCountsNewlinesInsideTags) {
  EXPECT_EQ(CompileError("{{!\n\n}}\n{{#a}}"), "page:4: unclosed section 'a'");
}

TEST(MustacheTest, ErrorWithoutNameSaysTemplate) {
  const Result<Template> t = Template::Compile("{{#a}}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "template:1: unclosed section 'a'");
}

TEST(MustacheTest, TemplateKeepsNameAndCopiesShareTheTree) {
  Result<Template> t = Template::Compile("Hi {{n}}", "greeting");
  ASSERT_TRUE(t.ok());
  const Template copy = *t;
  EXPECT_EQ(copy.name(), "greeting");
  EXPECT_EQ(Render(copy, json::parse(R"({"n": "you"})")), "Hi you");
}

TEST(MustacheTest, RendersConcurrentlyFromFourThreads) {
  Result<Template> page = Template::Compile("{{#items}}<li>{{>item}}</li>{{/items}}", "page");
  Result<Template> item = Template::Compile("{{name}} ({{n}})", "item");
  ASSERT_TRUE(page.ok() && item.ok());
  std::string context = R"({"items": [)";
  for (int i = 0; i < 200; ++i)
    context += (i ? "," : "") + std::string(R"({"name": "a<b", "n": )") + std::to_string(i) + "}";
  context += "]}";
  const json::value ctx = json::parse(context);
  const PartialResolver partials = [&](std::string_view name) { return name == "item" ? &*item : nullptr; };
  const std::string expected = Render(*page, ctx, partials);
  ASSERT_NE(expected.find("<li>a&lt;b (199)</li>"), std::string::npos);

  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (Render(*page, ctx, partials) != expected) ++mismatches[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// A loop over objects whose keys come in different orders: the remembered
// slot of a name is only a guess, checked before use.
TEST(MustacheTest, ObjectsWithKeysInAnyOrderRenderTheirOwnValues) {
  EXPECT_EQ(MustRender("{{#items}}[{{a}}{{b}}{{c}}{{#d}}+{{/d}}{{^d}}-{{/d}}]{{/items}}",
                       R"({"c": "outer", "items": [{"a": 1, "b": 2, "c": 3, "d": true},
                                                   {"c": 4, "b": 5, "a": 6},
                                                   {"b": 7},
                                                   {"d": false, "a": 8, "b": 9, "c": 10},
                                                   "text",
                                                   {"a": 11, "b": 12, "c": 13, "d": true}]})"),
            "[123+][654-][7outer-][8910-][outer-][111213+]");
}

// The same for dotted names: each part's slot is a guess too, in the
// innermost context and in each object a part names; a first part missing
// from the innermost context is looked for outside it.
TEST(MustacheTest, DottedNamesInObjectsWithKeysInAnyOrderRenderTheirOwnValues) {
  EXPECT_EQ(MustRender("{{#items}}[{{p.q.r}}{{p.s}}{{#p.q}}+{{/p.q}}]{{/items}}",
                       R"({"p": {"s": "outer", "q": {"r": "R"}},
                          "items": [{"p": {"q": {"r": 1, "x": 0}, "s": 2}},
                                    {"x": 0, "p": {"s": 3, "q": {"x": 0, "r": 4}}},
                                    {"p": {"s": 5}},
                                    {"y": 1},
                                    {"p": {"q": {"r": 6}, "s": 7}}]})"),
            "[12+][43+][5][Router+][67+]");
}

// Names are compared a word at a time: two names of one length that differ
// in a single byte, wherever it is, resolve each to its own value, through
// the slot a name was found in before and through a full search alike.
TEST(MustacheTest, NamesOfOneLengthDifferingInOneByteResolveApart) {
  for (size_t length = 1; length <= 24; ++length) {
    for (size_t at = 0; at < length; ++at) {
      const std::string name(length, 'k');
      std::string other = name;
      other[at] = 'm';
      // The items list the two names in either order, and the second item
      // lacks `name`, which then resolves in the outer context.
      const std::string json = "{\"" + name + "\": \"outer\", \"items\": [{\"" + name + "\": 1, \"" + other +
                               "\": 2}, {\"" + other + "\": 3}, {\"" + other + "\": 4, \"" + name +
                               "\": 5}]}";
      EXPECT_EQ(MustRender("{{#items}}[{{" + name + "}},{{" + other + "}}]{{/items}}", json),
                "[1,2][outer,3][5,4]")
          << "length " << length << ", differing at " << at;
    }
  }
}

// Values many renders share can sit in an outer context the caller keeps:
// names resolve in the last context first, as if each were a section.
TEST(MustacheTest, RendersAgainstAStackOfContexts) {
  Result<Template> page = Template::Compile("{{title}}|{{site.title}}|{{#site}}{{title}}{{/site}}|{{.}}|{{only}}");
  ASSERT_TRUE(page.ok());
  const json::value shared = json::parse(R"({"site": {"title": "Review"}, "title": "shared", "only": "here"})");
  const json::value own = json::parse(R"({"title": "Page"})");
  const json::value* both[] = {&shared, nullptr, &own};
  EXPECT_EQ(Render(*page, both), "Page|Review|Review||here");
  const json::value* alone[] = {&shared};
  EXPECT_EQ(Render(*page, alone), "shared|Review|Review||here");
  EXPECT_EQ(Render(*page, std::span<const json::value* const>()), "||||");
}

// A partial in a loop names one template: the resolver is asked once per
// tag and render, not once per item.
TEST(MustacheTest, PartialTagsAreResolvedOncePerRender) {
  Result<Template> page = Template::Compile("{{#items}}{{>item}}{{/items}}{{>item}}", "page");
  Result<Template> item = Template::Compile("<{{n}}>", "item");
  ASSERT_TRUE(page.ok() && item.ok());
  int asked = 0;
  const PartialResolver partials = [&](std::string_view name) {
    ++asked;
    return name == "item" ? &*item : nullptr;
  };
  EXPECT_EQ(Render(*page, json::parse(R"({"n": 0, "items": [{"n": 1}, {"n": 2}, {"n": 3}]})"), partials),
            "<1><2><3><0>");
  EXPECT_EQ(asked, 2);
}

}  // namespace
}  // namespace chancery::theme
