// The insight charts (svg.h): well-formed, escaped, deterministic, and
// drawing what the numbers say.
#include "insight/svg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "base/time.h"

namespace chancery::insight {
namespace {

int64_t At(const char* local) { return ParseLocalDateTime(local).value(); }

pugi::xml_document Parse(const std::string& svg) {
  pugi::xml_document doc;
  const auto result = doc.load_string(svg.c_str());
  EXPECT_TRUE(result) << result.description() << " at " << result.offset << ": "
                      << svg.substr(result.offset > 40 ? result.offset - 40 : 0, 80);
  return doc;
}

std::vector<TonePoint> Rising() {
  return {{At("2019-03-01T00:00"), -4, 2, "Cold start", "/articles/a"},
          {At("2020-06-01T00:00"), -1, 1, "Thaw", "/articles/b"},
          {At("2022-01-10T00:00"), 3, 3, "Warming", "/articles/c"},
          {At("2024-05-01T00:00"), 6, 1, "Summit", "/articles/d"}};
}

std::vector<GraphNode> Nodes() {
  return {{"PAK", "Pakistan", "state", 100, "/actors/PAK"},
          {"RUS", "Russia", "state", 25, "/actors/RUS"},
          {"USA", "United States", "state", 64, "/actors/USA"},
          {"SCO", "Shanghai Cooperation Organisation", "organization", 4, "/actors/SCO"},
          {"imran-khan", "Imran Khan", "person", 9, "/actors/imran-khan"}};
}

std::vector<GraphEdge> Edges() {
  return {{"PAK", "RUS", 4.5, 20, "/relations/PAK--RUS"},
          {"PAK", "USA", -6, 30, "/relations/PAK--USA"},
          {"RUS", "USA", -2, 5, "/relations/RUS--USA"},
          {"PAK", "SCO", 0, 2, "/relations/PAK--SCO"},
          {"PAK", "NOWHERE", 3, 2, "/relations/NOWHERE--PAK"}};  // unknown node: left out
}

// Every element with this class attribute (space-separated, any of).
std::vector<pugi::xml_node> WithClass(const pugi::xml_document& doc, const std::string& cls) {
  std::vector<pugi::xml_node> out;
  for (const auto& x : doc.select_nodes(("//*[contains(concat(' ', @class, ' '), ' " + cls + " ')]").c_str()))
    out.push_back(x.node());
  return out;
}

TEST(XmlEscape, EscapesMarkupAndDropsForbiddenControls) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape(std::string("a\x01"
                                  "b\tc",
                                  5)),
            "a b\tc");
  EXPECT_EQ(XmlEscape("Côte d’Ivoire"), "Côte d’Ivoire");
}

TEST(ToneScale, StepsClassesAndWords) {
  EXPECT_EQ(ToneClass(-10), "tone-n2");
  EXPECT_EQ(ToneClass(-5), "tone-n2");
  EXPECT_EQ(ToneClass(-4.9), "tone-n1");
  EXPECT_EQ(ToneClass(-1), "tone-n1");
  EXPECT_EQ(ToneClass(-0.5), "tone-0");
  EXPECT_EQ(ToneClass(0.99), "tone-0");
  EXPECT_EQ(ToneClass(1), "tone-p1");
  EXPECT_EQ(ToneClass(5), "tone-p2");
  EXPECT_EQ(ToneWord(-7), "strongly conflictual");
  EXPECT_EQ(ToneWord(2), "cooperative");
  EXPECT_EQ(FormatTone(3.46), "+3.5");
  EXPECT_EQ(FormatTone(-2),
            "\xE2\x88\x92"
            "2.0");
  EXPECT_EQ(FormatTone(-0.04), "0.0");
}

// The digits are written by hand; printf's "%.1f" of the rounded tenths is
// what they must match, across the whole scale and past it.
TEST(ToneScale, FormatToneMatchesPrintf) {
  for (int i = -1200; i <= 1200; ++i) {
    for (const double offset : {0.0, 0.004, 0.005, 0.0051, -0.005, 0.049}) {
      const double tone = i / 100.0 + offset;
      const double r = std::round(tone * 10) / 10;
      std::string expected = "0.0";
      if (r != 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", std::fabs(r));
        expected = (r > 0 ? "+" : "\xE2\x88\x92") + std::string(buf);
      }
      ASSERT_EQ(FormatTone(tone), expected) << tone;
    }
  }
  EXPECT_EQ(FormatTone(123456.78), "+123456.8");
}

TEST(ToneTrend, IsWellFormedAccessibleSvg) {
  const auto points = Rising();
  const std::string svg = ToneTrendSvg(points, {.id = "pair-tone", .title = "Pakistan and Russia"});
  auto doc = Parse(svg);
  auto root = doc.child("svg");
  ASSERT_TRUE(root);
  EXPECT_STREQ(root.attribute("role").value(), "group");  // it holds links
  EXPECT_STREQ(root.attribute("aria-labelledby").value(), "pair-tone-title pair-tone-desc");
  EXPECT_STREQ(root.attribute("viewBox").value(), "0 0 640.0 260.0");
  EXPECT_STREQ(doc.select_node("//*[@id='pair-tone-title']").node().child_value(), "Pakistan and Russia");
  const std::string desc = doc.select_node("//*[@id='pair-tone-desc']").node().child_value();
  EXPECT_NE(desc.find("4 articles from 2019 to 2024"), std::string::npos) << desc;
  EXPECT_NE(desc.find("rose"), std::string::npos) << desc;
  // No inline style: the page's Content-Security-Policy forbids it.
  EXPECT_EQ(svg.find("style"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(ToneTrend, PointsAreLinkedTitledAndColouredBySign) {
  const auto points = Rising();
  auto doc = Parse(ToneTrendSvg(points));
  auto links = doc.select_nodes("//*[local-name()='g'][@class='points']/*[local-name()='a']");
  ASSERT_EQ(links.size(), 4u);
  const auto first = links[0].node();
  EXPECT_STREQ(first.attribute("href").value(), "/articles/a");
  EXPECT_FALSE(first.attribute("tabindex"));  // a tab stop, named by its <title>
  EXPECT_NE(std::string(first.child_value("title"))
                .find("Cold start: tone \xE2\x88\x92"
                      "4.0 (conflictual)"),
            std::string::npos);
  EXPECT_STREQ(first.child("circle").attribute("class").value(), "tone-n1");
  EXPECT_STREQ(links[3].node().child("circle").attribute("class").value(), "tone-p2");
  // Higher tone is higher on the chart (smaller y); 0 is the axis.
  const double y_cold = links[0].node().child("circle").attribute("cy").as_double();
  const double y_summit = links[3].node().child("circle").attribute("cy").as_double();
  EXPECT_GT(y_cold, y_summit);
  const auto axis = WithClass(doc, "axis");
  ASSERT_EQ(axis.size(), 1u);
  EXPECT_GT(y_cold, axis[0].attribute("y1").as_double());
  EXPECT_LT(y_summit, axis[0].attribute("y1").as_double());
  // Later is further right.
  EXPECT_LT(links[0].node().child("circle").attribute("cx").as_double(),
            links[1].node().child("circle").attribute("cx").as_double());
}

TEST(ToneTrend, TicksAreDatedYearsOrMonths) {
  auto years = Parse(ToneTrendSvg(Rising()));
  std::vector<std::string> labels;
  for (const auto& t : years.select_nodes("//*[local-name()='g'][@class='ticks']/*[local-name()='text']"))
    labels.push_back(t.node().child_value());
  EXPECT_EQ(labels, (std::vector<std::string>{"2019", "2020", "2021", "2022", "2023", "2024"}));

  const std::vector<TonePoint> months = {{At("2021-02-10T00:00"), 2, 1, "a", "/a"},
                                         {At("2021-09-20T00:00"), -3, 1, "b", "/b"}};
  auto doc = Parse(ToneTrendSvg(months));
  labels.clear();
  for (const auto& t : doc.select_nodes("//*[local-name()='g'][@class='ticks']/*[local-name()='text']"))
    labels.push_back(t.node().child_value());
  ASSERT_FALSE(labels.empty());
  EXPECT_EQ(labels.front(), "Mar 2021");
  EXPECT_NE(DescribeToneTrend(months).find("fell by about 5.0 points"), std::string::npos)
      << DescribeToneTrend(months);
}

TEST(ToneTrend, OnePointNoPointsAndSteadyTone) {
  const std::vector<TonePoint> one = {{At("2021-02-10T00:00"), 2, 1, "Only", "/a"}};
  auto doc = Parse(ToneTrendSvg(one));
  EXPECT_EQ(doc.select_nodes("//*[local-name()='circle']").size(), 1u);
  EXPECT_FALSE(doc.select_node("//*[local-name()='polyline']"));
  EXPECT_EQ(DescribeToneTrend(one),
            "One article, published in February 2021, with a tone of +2.0 (cooperative).");

  auto empty = Parse(ToneTrendSvg({}));
  EXPECT_EQ(empty.select_nodes("//*[local-name()='circle']").size(), 0u);
  EXPECT_EQ(DescribeToneTrend({}), "No articles relate these actors yet.");

  const std::vector<TonePoint> steady = {{At("2019-01-01T00:00"), 2, 1, "a", ""},
                                         {At("2023-01-01T00:00"), 2.4, 1, "b", ""}};
  EXPECT_NE(DescribeToneTrend(steady).find("held steady"), std::string::npos);
  // Points without links are groups, not <a>, and the chart is an image.
  auto unlinked = Parse(ToneTrendSvg(steady));
  EXPECT_EQ(unlinked.select_nodes("//*[local-name()='a']").size(), 0u);
  EXPECT_STREQ(unlinked.child("svg").attribute("role").value(), "img");
}

TEST(ToneTrend, MeanIsWeightedByMentions) {
  const std::vector<TonePoint> points = {{At("2020-01-01T00:00"), 6, 3, "a", ""},
                                         {At("2021-01-01T00:00"), -6, 1, "b", ""}};
  EXPECT_NE(DescribeToneTrend(points).find("is +3.0 (cooperative)"), std::string::npos)
      << DescribeToneTrend(points);
}

TEST(ToneTrend, LabelsAndLinksAreEscaped) {
  const std::vector<TonePoint> points = {
      {At("2020-01-01T00:00"), 1, 1, "<script>alert('x')</script> & \"co\"", "/articles/x?a=1&b=\"2\""}};
  const std::string svg = ToneTrendSvg(points, {.id = "x\" onload=\"alert(1)", .title = "</title><script>"});
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("onload=\""), std::string::npos);
  auto doc = Parse(svg);
  auto a = doc.select_node("//*[local-name()='a']").node();
  EXPECT_STREQ(a.attribute("href").value(), "/articles/x?a=1&b=\"2\"");
  EXPECT_NE(std::string(a.child_value("title")).find("<script>alert('x')</script> & \"co\""),
            std::string::npos);
  EXPECT_STREQ(doc.child("svg").child_value("title"), "</title><script>");
}

TEST(Graph, IsWellFormedWithALinkAndTitlePerNodeAndEdge) {
  const auto nodes = Nodes();
  const auto edges = Edges();
  const std::string svg = RelationsGraphSvg(nodes, edges, {.id = "graph", .title = "Relations"});
  auto doc = Parse(svg);
  auto root = doc.child("svg");
  EXPECT_STREQ(root.attribute("aria-labelledby").value(), "graph-title graph-desc");
  const std::string desc = doc.select_node("//*[@id='graph-desc']").node().child_value();
  EXPECT_NE(desc.find("5 actors and 4 relations"), std::string::npos) << desc;
  EXPECT_NE(desc.find("Pakistan (100 mentions)"), std::string::npos) << desc;
  EXPECT_EQ(svg.find("style"), std::string::npos);

  const auto node_links = WithClass(doc, "node");
  ASSERT_EQ(node_links.size(), 5u);
  for (const auto& n : node_links) {
    EXPECT_STREQ(n.name(), "a");
    EXPECT_EQ(std::string(n.attribute("href").value()).rfind("/actors/", 0), 0u);
    EXPECT_TRUE(n.child("title"));
    EXPECT_TRUE(n.child("circle"));
  }
  const auto edge_links = WithClass(doc, "edge");
  ASSERT_EQ(edge_links.size(), 4u);  // the edge to an unknown node is left out
  for (const auto& e : edge_links) {
    EXPECT_STREQ(e.name(), "a");
    EXPECT_TRUE(e.child("title"));
  }
  EXPECT_EQ(svg.find("NOWHERE"), std::string::npos);
  // A legend of the five tone steps.
  EXPECT_EQ(WithClass(doc, "swatch").size(), 5u);
}

TEST(Graph, EdgeColourFollowsToneSignAndWidthMentions) {
  auto doc = Parse(RelationsGraphSvg(Nodes(), Edges()));
  std::map<std::string, pugi::xml_node> by_href;
  for (const auto& e : WithClass(doc, "edge")) by_href[e.attribute("href").value()] = e;
  auto line = [&](const std::string& href) { return by_href.at(href).child("line"); };
  EXPECT_STREQ(line("/relations/PAK--RUS").attribute("class").value(), "edge-line tone-p1");
  EXPECT_STREQ(line("/relations/PAK--USA").attribute("class").value(), "edge-line tone-n2");
  EXPECT_STREQ(line("/relations/RUS--USA").attribute("class").value(), "edge-line tone-n1");
  EXPECT_STREQ(line("/relations/PAK--SCO").attribute("class").value(), "edge-line tone-0");
  // Cooperative blue, conflictual red, by the fallback colours too.
  EXPECT_STREQ(line("/relations/PAK--RUS").attribute("stroke").value(), "#4393c3");
  EXPECT_STREQ(line("/relations/PAK--USA").attribute("stroke").value(), "#b2182b");
  EXPECT_GT(line("/relations/PAK--USA").attribute("stroke-width").as_double(),
            line("/relations/PAK--RUS").attribute("stroke-width").as_double());
  EXPECT_DOUBLE_EQ(line("/relations/PAK--USA").attribute("stroke-width").as_double(), 6.0);
  const auto title = std::string(by_href.at("/relations/PAK--USA").child_value("title"));
  EXPECT_EQ(title,
            "Pakistan and United States: mean tone \xE2\x88\x92"
            "6.0 (strongly conflictual), 30 mentions");
}

TEST(Graph, NodeAreaIsProportionalToMentions) {
  const auto layout = LayoutGraph(Nodes(), Edges());
  std::map<std::string, GraphLayout::Node> by_id;
  for (const auto& n : layout.nodes) by_id[n.id] = n;
  EXPECT_DOUBLE_EQ(by_id["PAK"].r, kMaxNodeRadius);
  // 64 / 100 mentions → area ratio 0.64 → radius ratio 0.8.
  EXPECT_NEAR(by_id["USA"].r / by_id["PAK"].r, 0.8, 1e-9);
  EXPECT_NEAR(by_id["RUS"].r / by_id["PAK"].r, 0.5, 1e-9);
  EXPECT_GE(by_id["SCO"].r, kMinNodeRadius);
  // And the SVG draws those radii.
  auto doc = Parse(RelationsGraphSvg(Nodes(), Edges()));
  for (const auto& n : WithClass(doc, "node")) {
    const std::string id = std::string(n.attribute("href").value()).substr(8);
    EXPECT_NEAR(n.child("circle").attribute("r").as_double(), by_id[id].r, 0.051) << id;
  }
}

TEST(Graph, LayoutIsDeterministicAndIndependentOfInputOrder) {
  auto nodes = Nodes();
  auto edges = Edges();
  const std::string once = RelationsGraphSvg(nodes, edges);
  EXPECT_EQ(once, RelationsGraphSvg(nodes, edges));
  std::reverse(nodes.begin(), nodes.end());
  std::reverse(edges.begin(), edges.end());
  EXPECT_EQ(once, RelationsGraphSvg(nodes, edges));
  // Another seed, another picture.
  EXPECT_NE(once, RelationsGraphSvg(nodes, edges, {.seed = 7}));
}

TEST(Graph, FiftyNodesStayOnTheCanvasWithoutOverlaps) {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  for (int i = 0; i < 50; ++i) {
    const std::string id = "N" + std::to_string(i);
    nodes.push_back({id, "Actor number " + std::to_string(i), "state", 1 + (i * 37) % 90, "/actors/" + id});
    if (i > 0) edges.push_back({"N0", id, (i % 7) - 3.0, 1 + i % 5, ""});
    if (i > 2 && i % 3 == 0) edges.push_back({"N" + std::to_string(i - 2), id, 2, 2, ""});
  }
  const GraphOptions options;
  const auto layout = LayoutGraph(nodes, edges, options);
  ASSERT_EQ(layout.nodes.size(), 50u);
  for (const auto& n : layout.nodes) {
    EXPECT_GE(n.x - n.r, 0);
    EXPECT_LE(n.x + n.r, options.width);
    EXPECT_GE(n.y - n.r, 0);
    EXPECT_LE(n.y + n.r, options.height);
  }
  for (std::size_t i = 0; i < layout.nodes.size(); ++i)
    for (std::size_t j = i + 1; j < layout.nodes.size(); ++j) {
      const auto& a = layout.nodes[i];
      const auto& b = layout.nodes[j];
      EXPECT_GE(std::hypot(a.x - b.x, a.y - b.y), a.r + b.r) << a.id << " " << b.id;
    }
  // Labels shown do not overlap one another much.
  int shown = 0;
  for (std::size_t i = 0; i < layout.labels.size(); ++i) {
    const auto& a = layout.labels[i];
    if (!a.shown) continue;
    ++shown;
    for (std::size_t j = i + 1; j < layout.labels.size(); ++j) {
      const auto& b = layout.labels[j];
      if (!b.shown) continue;
      const double w = std::min(a.box_x + a.box_w, b.box_x + b.box_w) - std::max(a.box_x, b.box_x);
      const double h = std::min(a.box_y + a.box_h, b.box_y + b.box_h) - std::max(a.box_y, b.box_y);
      if (w > 0 && h > 0) {
        EXPECT_LT(w * h, 0.25 * a.box_w * a.box_h) << a.id << " " << b.id;
      }
    }
  }
  EXPECT_GE(shown, 25);
  Parse(RelationsGraphSvg(nodes, edges));
}

TEST(Graph, HostileLabelsAndLinksAreEscaped) {
  const std::vector<GraphNode> nodes = {
      {"X", "<script>alert(1)</script>", "<bad>", 3, "/actors/X\"><script>"},
      {"Y", "Y & Z", "state", 2, "/actors/Y"}};
  const std::vector<GraphEdge> edges = {{"X", "Y", 1, 1, "/relations/X--Y?<>"}};
  const std::string svg = RelationsGraphSvg(nodes, edges);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<bad>"), std::string::npos);
  auto doc = Parse(svg);
  EXPECT_EQ(WithClass(doc, "node").size(), 2u);
  bool found = false;
  for (const auto& t : doc.select_nodes("//*[local-name()='text'][@class='label']"))
    found |= std::string(t.node().child_value()) == "<script>alert(1)</script>";
  EXPECT_TRUE(found);
}

TEST(Graph, EmptyAndSingleNode) {
  auto empty = Parse(RelationsGraphSvg({}, {}));
  EXPECT_TRUE(empty.child("svg"));
  const std::vector<GraphNode> one = {{"PAK", "Pakistan", "state", 3, "/actors/PAK"}};
  const auto layout = LayoutGraph(one, {});
  ASSERT_EQ(layout.nodes.size(), 1u);
  EXPECT_TRUE(layout.labels[0].shown);
}

}  // namespace
}  // namespace chancery::insight
