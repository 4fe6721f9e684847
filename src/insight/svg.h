// chancery/insight: the insight layer's charts as inline SVG — the tone of
// one pair of actors over time, and the relations graph of an archive.
//
//   std::string chart = insight::ToneTrendSvg(points, {.id = "tone", .title = "Pakistan and Russia"});
//   std::string graph = insight::RelationsGraphSvg(nodes, edges, {.id = "graph", .title = "Relations"});
//
// Pure functions of their arguments: nothing is read or written, and the same
// input gives the same bytes on every run and machine (the graph's layout is
// seeded, its input sorted first), so pages that embed them stay cacheable.
// Every piece of data — labels and links — is XML-escaped.
//
// The SVG is made to be inlined in an HTML page under a strict
// Content-Security-Policy: no <style> element, no style="" attribute, no
// script. Colours are presentation attributes (the fallback) that the theme's
// stylesheet overrides through these classes, for light and dark schemes:
//   insight-svg                    the root of every chart
//   tone-n2 tone-n1 tone-0 tone-p1 tone-p2
//                                  the five steps of the diverging tone scale
//                                  (ToneClass): lines take it as stroke,
//                                  circles and swatches as fill
//   kind-state kind-organization kind-group kind-person   graph nodes
//   grid axis tick trend edge edge-hit node label legend  the parts
// Text is drawn with fill="currentColor", so it takes the page's ink.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chancery::insight {

// Appends `text` escaped for XML text and attribute values: & < > " '.
void AppendXmlEscaped(std::string& out, std::string_view text);
std::string XmlEscape(std::string_view text);

// The diverging scale from conflictual to cooperative in five steps:
// -2 for tone <= -5, -1 for (-5, -1], 0 for (-1, 1), 1 for [1, 5), 2 for >= 5.
int ToneStep(double tone);
// "tone-n2", "tone-n1", "tone-0", "tone-p1", "tone-p2".
std::string_view ToneClass(double tone);
// "strongly conflictual", "conflictual", "neutral", "cooperative",
// "strongly cooperative".
std::string_view ToneWord(double tone);
// "+3.5", "−2.0" (with a true minus sign), "0.0".
std::string FormatTone(double tone);

// ---------------------------------------------------------------------------
// The tone trend of a pair
// ---------------------------------------------------------------------------

// One article's tone for the pair.
struct TonePoint {
  int64_t time = 0;    // Unix seconds: when the article was published
  double tone = 0;     // -10 .. 10 (clamped)
  int64_t weight = 1;  // how much it counts in the mean (the pair's mentions in the article)
  std::string label;   // what the point's <title> says first: the article's title
  std::string href;    // where the point links; empty for no link
};

struct ToneChartOptions {
  // Prefix of the ids inside the SVG (<title>, <desc>), unique on the page.
  // Characters other than letters, digits, '-' and '_' become '_'.
  std::string id = "tone-chart";
  // The chart's <title>, e.g. "Tone between Pakistan and Russia".
  std::string title = "Tone over time";
  int width = 640;  // viewBox size; the page scales it
  int height = 260;
};

// A line chart of tone (y, -10 at the bottom, 10 at the top, an axis at 0)
// against time (x, ticks at years or months), one circle per point coloured
// by its tone step, with a <title> giving the label and the tone, and linked
// to `href`. aria-labelledby names a <title> and a <desc> that says the
// trend in words (DescribeToneTrend). The root's role is "img" when no point
// links anywhere, else "group": an image must hold nothing interactive
// (axe's nested-interactive), and the points' links stay in the tab order,
// each named by its <title>.
std::string ToneTrendSvg(std::span<const TonePoint> points, const ToneChartOptions& options = {});

// The trend in one or two sentences: how many articles over which years, the
// weighted mean tone and its word, and whether the tone rose, fell or held
// steady (least-squares slope over the period; a change under one point is
// steady).
std::string DescribeToneTrend(std::span<const TonePoint> points);

// ---------------------------------------------------------------------------
// The relations graph
// ---------------------------------------------------------------------------

struct GraphNode {
  std::string id;        // unique; what edges name
  std::string label;     // shown beside the circle and in its <title>
  std::string kind;      // "state", "organization", "group", "person" (a class); may be empty
  int64_t mentions = 0;  // the circle's area is proportional to it
  std::string href;      // the actor's page
};

struct GraphEdge {
  std::string a, b;      // node ids; an edge naming an unknown node is left out
  double tone = 0;       // mean tone, -10 .. 10: the colour (ToneClass)
  int64_t mentions = 0;  // sentences naming both: the width
  std::string href;      // the pair's page
};

struct GraphOptions {
  std::string id = "relations-graph";  // as ToneChartOptions::id
  std::string title = "Relations between actors";
  int width = 960;  // viewBox size, the legend included
  int height = 700;
  uint64_t seed = 20260921;  // the layout's starting positions
  int iterations = 400;      // force-directed steps
};

// Where the layout put things, in viewBox units.
struct GraphLayout {
  struct Node {
    std::string id;
    double x = 0, y = 0, r = 0;
  };
  struct Label {
    std::string id;               // the node's
    double x = 0, y = 0;          // the text's anchor point (baseline)
    std::string anchor;           // "start", "middle" or "end"
    double box_x = 0, box_y = 0;  // the estimated text box,
    double box_w = 0, box_h = 0;  //   for overlap checks
    bool shown = false;           // false: no room; the <title> still names it
  };
  std::vector<Node> nodes;    // sorted by id
  std::vector<Label> labels;  // sorted by id
};

// Largest circle radius; a node's radius is kMaxNodeRadius * sqrt(mentions /
// the largest mentions), but never under kMinNodeRadius.
inline constexpr double kMaxNodeRadius = 28;
inline constexpr double kMinNodeRadius = 3;

// A Fruchterman–Reingold layout from seeded starting positions, then
// overlapping circles pushed apart, then labels placed greedily (most
// mentioned first) right, left, below, above or off a diagonal of their
// circle where they overlap no other label or circle; the ten most
// mentioned always get one.
GraphLayout LayoutGraph(std::span<const GraphNode> nodes, std::span<const GraphEdge> edges,
                        const GraphOptions& options = {});

// The graph drawn from LayoutGraph: edges (coloured by tone, width by
// mentions) under nodes (area by mentions), each an <a href> with a <title>,
// and a legend of the tone scale. aria-labelledby names a <title> and a
// <desc> summarising the graph in words; the links stay in the tab order.
std::string RelationsGraphSvg(std::span<const GraphNode> nodes, std::span<const GraphEdge> edges,
                              const GraphOptions& options = {});

}  // namespace chancery::insight
