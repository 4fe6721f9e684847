// The tone trend chart and the relations graph (svg.h).
#include "insight/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>

#include "base/text.h"
#include "base/time.h"

namespace chancery::insight {
namespace {

constexpr double kSecondsPerYear = 365.2425 * 86400;
constexpr const char* kFont =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";
constexpr const char* kMonthAbbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kMonthName[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};

// The fallback colours of the tone steps (ColorBrewer's RdBu, readable on
// light and dark paper); the stylesheet restyles them per scheme.
constexpr const char* kToneFill[] = {"#b2182b", "#d6604d", "#878787", "#4393c3", "#2166ac"};
constexpr const char* kToneRange[] = {
    "\xE2\x89\xA4 \xE2\x88\x92"
    "5",
    "\xE2\x88\x92"
    "5 to \xE2\x88\x92"
    "1",
    "\xE2\x88\x92"
    "1 to +1",
    "+1 to +5", "\xE2\x89\xA5 +5"};

// Coordinates with one decimal, never "-0.0".
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s == "-0.0") s = "0.0";
  return s;
}

std::string SafeId(std::string_view id) {
  std::string out;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
    out.insert(0, "s");
  return out;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// At most `limit` code points, with "…" when cut.
std::string Shorten(std::string_view s, std::size_t limit) {
  if (CodePoints(s) <= limit) return std::string(s);
  std::size_t points = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == limit - 1) break;
      ++points;
    }
  }
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

int64_t MonthStart(int year, int month) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-01T00:00", year, month);
  return ParseLocalDateTime(buf).value_or(0);
}

std::string MonthYear(int64_t t) {
  const CivilDate c = ToCivil(t);
  return std::string(kMonthName[c.month - 1]) + " " + std::to_string(c.year);
}

void Attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendXmlEscaped(out, value);
  out += '"';
}

// <title id="..">text</title><desc id="..">text</desc>
void TitleAndDesc(std::string& out, const std::string& id, std::string_view title, std::string_view desc) {
  out += "<title id=\"" + id + "-title\">";
  AppendXmlEscaped(out, title);
  out += "</title><desc id=\"" + id + "-desc\">";
  AppendXmlEscaped(out, desc);
  out += "</desc>\n";
}

// Opens <a href> (or <g> when there is no link) with a <title>.
void OpenLink(std::string& out, std::string_view cls, std::string_view href, std::string_view title) {
  out += href.empty() ? "<g" : "<a";
  Attr(out, "class", cls);
  if (!href.empty()) Attr(out, "href", href);
  out += "><title>";
  AppendXmlEscaped(out, title);
  out += "</title>";
}

void CloseLink(std::string& out, std::string_view href) { out += href.empty() ? "</g>\n" : "</a>\n"; }

// A splitmix64 stream: the layout's only source of "randomness".
struct Seeded {
  uint64_t state;
  double Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
  }
};

}  // namespace

void AppendXmlEscaped(std::string& out, std::string_view text) {
  // The HTML escaper's five entities, with the control characters XML 1.0
  // forbids (even escaped) turned into spaces first.
  const auto forbidden = [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
  };
  if (std::none_of(text.begin(), text.end(), forbidden)) {
    AppendHtmlEscaped(out, text);
    return;
  }
  std::string clean(text);
  std::replace_if(clean.begin(), clean.end(), forbidden, ' ');
  AppendHtmlEscaped(out, clean);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendXmlEscaped(out, text);
  return out;
}

int ToneStep(double tone) {
  if (tone <= -5) return -2;
  if (tone <= -1) return -1;
  if (tone < 1) return 0;
  if (tone < 5) return 1;
  return 2;
}

std::string_view ToneClass(double tone) {
  static constexpr std::string_view kClasses[] = {"tone-n2", "tone-n1", "tone-0", "tone-p1", "tone-p2"};
  return kClasses[ToneStep(tone) + 2];
}

std::string_view ToneWord(double tone) {
  static constexpr std::string_view kWords[] = {"strongly conflictual", "conflictual", "neutral",
                                                "cooperative", "strongly cooperative"};
  return kWords[ToneStep(tone) + 2];
}

std::string FormatTone(double tone) {
  const double tenths = std::round(tone * 10);
  if (tenths == 0) return "0.0";
  std::string out = tenths > 0 ? "+" : "\xE2\x88\x92";
  const double magnitude = std::fabs(tenths);
  if (!(magnitude < 1e15)) {  // not a tone (the scale is -10..10), but still printed
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", magnitude / 10);
    return out + buf;
  }
  // Whole tenths as digits: what printf's "%.1f" gives, without its cost
  // (an article page shows several tones).
  const auto n = static_cast<int64_t>(magnitude);
  out += std::to_string(n / 10);
  out += '.';
  out += static_cast<char>('0' + n % 10);
  return out;
}

// ---------------------------------------------------------------------------
// The tone trend
// ---------------------------------------------------------------------------

std::string DescribeToneTrend(std::span<const TonePoint> input) {
  if (input.empty()) return "No articles relate these actors yet.";
  std::vector<TonePoint> points(input.begin(), input.end());
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  double sum = 0, weights = 0;
  for (const auto& p : points) {
    const double w = static_cast<double>(std::max<int64_t>(p.weight, 1));
    sum += std::clamp(p.tone, -10.0, 10.0) * w;
    weights += w;
  }
  const double mean = sum / weights;
  const auto& first = points.front();
  const auto& last = points.back();
  if (points.size() == 1)
    return "One article, published in " + MonthYear(first.time) + ", with a tone of " +
           FormatTone(first.tone) + " (" + std::string(ToneWord(first.tone)) + ").";

  const int y0 = ToCivil(first.time).year, y1 = ToCivil(last.time).year;
  std::string out =
      std::to_string(points.size()) + " articles " +
      (y0 == y1 ? "in " + std::to_string(y0) : "from " + std::to_string(y0) + " to " + std::to_string(y1)) +
      "; the mean tone, weighted by mentions, is " + FormatTone(mean) + " (" + std::string(ToneWord(mean)) +
      ").";

  // Least squares of tone on time in years.
  double mx = 0, my = 0;
  for (const auto& p : points) {
    mx += static_cast<double>(p.time) / kSecondsPerYear;
    my += std::clamp(p.tone, -10.0, 10.0);
  }
  mx /= static_cast<double>(points.size());
  my /= static_cast<double>(points.size());
  double sxx = 0, sxy = 0;
  for (const auto& p : points) {
    const double dx = static_cast<double>(p.time) / kSecondsPerYear - mx;
    sxx += dx * dx;
    sxy += dx * (std::clamp(p.tone, -10.0, 10.0) - my);
  }
  if (sxx <= 0) return out;
  const double years = static_cast<double>(last.time - first.time) / kSecondsPerYear;
  const double change = sxy / sxx * years;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", std::fabs(change));
  const std::string ends = " (the earliest article: " + FormatTone(first.tone) + ", " +
                           MonthYear(first.time) + "; the latest: " + FormatTone(last.tone) + ", " +
                           MonthYear(last.time) + ").";
  if (std::fabs(change) < 1) return out + " The tone held steady over the period" + ends;
  return out + " The tone " + (change > 0 ? "rose" : "fell") + " by about " + buf +
         " points over the period" + ends;
}

std::string ToneTrendSvg(std::span<const TonePoint> input, const ToneChartOptions& options) {
  const std::string id = SafeId(options.id);
  const double width = std::max(options.width, 200), height = std::max(options.height, 120);
  const double left = 44, right = width - 16, top = 16, bottom = height - 34;
  std::vector<TonePoint> points(input.begin(), input.end());
  std::stable_sort(points.begin(), points.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });

  // An image may hold nothing interactive: with links it is a group.
  const bool linked =
      std::any_of(points.begin(), points.end(), [](const auto& p) { return !p.href.empty(); });
  std::string out;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(width) + " " + Num(height) +
         "\" class=\"insight-svg tone-chart\" role=\"" + (linked ? "group" : "img") +
         "\" aria-labelledby=\"" + id + "-title " + id + "-desc\" font-size=\"11\"";
  Attr(out, "font-family", kFont);
  out += ">\n";
  TitleAndDesc(out, id, options.title, DescribeToneTrend(points));

  auto y_of = [&](double tone) { return top + (10 - std::clamp(tone, -10.0, 10.0)) / 20 * (bottom - top); };
  // The tone grid: -10, -5, 0, 5, 10, the axis at 0 drawn darker.
  out += "<g class=\"grid\">\n";
  for (int v : {10, 5, 0, -5, -10}) {
    const std::string y = Num(y_of(v));
    if (v == 0) {
      out += "<line class=\"axis\" x1=\"" + Num(left) + "\" x2=\"" + Num(right) + "\" y1=\"" + y +
             "\" y2=\"" + y + "\" stroke=\"currentColor\" stroke-width=\"1.5\"/>";
    } else {
      out += "<line class=\"grid\" x1=\"" + Num(left) + "\" x2=\"" + Num(right) + "\" y1=\"" + y +
             "\" y2=\"" + y + "\" stroke=\"#888888\" stroke-opacity=\"0.4\" stroke-width=\"1\"/>";
    }
    std::string label = FormatTone(v);
    label.resize(label.size() - 2);  // whole numbers: "+10", not "+10.0"
    out += "<text x=\"" + Num(left - 6) + "\" y=\"" + Num(y_of(v) + 4) +
           "\" text-anchor=\"end\" fill=\"currentColor\">" + label + "</text>\n";
  }
  out += "<text class=\"label\" x=\"" + Num(left + 6) + "\" y=\"" + Num(top + 12) +
         "\" fill=\"currentColor\" fill-opacity=\"0.8\">cooperative \xE2\x86\x91</text>";
  out += "<text class=\"label\" x=\"" + Num(left + 6) + "\" y=\"" + Num(bottom - 6) +
         "\" fill=\"currentColor\" fill-opacity=\"0.8\">conflictual \xE2\x86\x93</text>\n</g>\n";

  if (points.empty()) {
    out += "<text class=\"label\" x=\"" + Num((left + right) / 2) + "\" y=\"" + Num((top + bottom) / 2 - 8) +
           "\" text-anchor=\"middle\" fill=\"currentColor\">No articles yet</text>\n</svg>";
    return out;
  }

  // The time axis: a little room either side; a lone point gets half a
  // year each way.
  int64_t lo = points.front().time, hi = points.back().time;
  if (hi - lo < 30 * 86400) {
    lo -= 183 * 86400;
    hi += 183 * 86400;
  } else {
    const int64_t pad = (hi - lo) / 20;
    lo -= pad;
    hi += pad;
  }
  auto x_of = [&](int64_t t) {
    return left + static_cast<double>(t - lo) / static_cast<double>(hi - lo) * (right - left);
  };
  out += "<g class=\"ticks\">\n";
  const CivilDate c_lo = ToCivil(lo), c_hi = ToCivil(hi);
  auto tick = [&](int64_t t, const std::string& label) {
    const std::string x = Num(x_of(t));
    out += "<line class=\"tick\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" + Num(bottom) + "\" y2=\"" +
           Num(bottom + 5) + "\" stroke=\"currentColor\"/><text x=\"" + x + "\" y=\"" + Num(bottom + 18) +
           "\" text-anchor=\"middle\" fill=\"currentColor\">" + label + "</text>\n";
  };
  if (static_cast<double>(hi - lo) / kSecondsPerYear >= 2) {
    int step = 1;
    for (int s : {1, 2, 5, 10, 20, 25, 50, 100, 200, 500}) {
      step = s;
      if ((c_hi.year - c_lo.year) / s <= 6) break;
    }
    for (int y = (c_lo.year / step) * step; y <= c_hi.year; y += step) {
      const int64_t t = MonthStart(y, 1);
      if (t >= lo && t <= hi) tick(t, std::to_string(y));
    }
  } else {
    const int first = c_lo.year * 12 + c_lo.month - 1, last = c_hi.year * 12 + c_hi.month - 1;
    int step = 1;
    for (int s : {1, 2, 3, 6, 12}) {
      step = s;
      if ((last - first) / s <= 5) break;
    }
    for (int m = first; m <= last; ++m) {
      if (m % step != 0) continue;
      const int64_t t = MonthStart(m / 12, m % 12 + 1);
      if (t >= lo && t <= hi) tick(t, std::string(kMonthAbbr[m % 12]) + " " + std::to_string(m / 12));
    }
  }
  out += "</g>\n";

  if (points.size() > 1) {
    out +=
        "<polyline class=\"trend\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.5\" "
        "stroke-width=\"1.5\" points=\"";
    for (std::size_t i = 0; i < points.size(); ++i)
      out += (i ? " " : "") + Num(x_of(points[i].time)) + "," + Num(y_of(points[i].tone));
    out += "\"/>\n";
  }
  out += "<g class=\"points\">\n";
  for (const auto& p : points) {
    const std::string title =
        p.label + ": tone " + FormatTone(p.tone) + " (" + std::string(ToneWord(p.tone)) + ")";
    OpenLink(out, "point", p.href, title);
    out += "<circle class=\"" + std::string(ToneClass(p.tone)) + "\" cx=\"" + Num(x_of(p.time)) + "\" cy=\"" +
           Num(y_of(p.tone)) + "\" r=\"5\" fill=\"" + kToneFill[ToneStep(p.tone) + 2] +
           "\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>";
    CloseLink(out, p.href);
  }
  out += "</g>\n</svg>";
  return out;
}

// ---------------------------------------------------------------------------
// The relations graph
// ---------------------------------------------------------------------------

namespace {

constexpr double kFontSize = 11;
constexpr double kCharWidth = 6.2;  // an average sans-serif glyph at 11px
constexpr double kLabelHeight = 13;
constexpr std::size_t kLabelChars = 26;
constexpr double kLegendHeight = 58;
constexpr double kMargin = 14;
constexpr int kAlwaysLabelled = 10;

struct Rect {
  double x, y, w, h;
};

double Overlap(const Rect& a, const Rect& b) {
  const double w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const double h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

// Overlap of a box with a circle, approximated by the circle's inner square
// (a label may graze a circle's curve without hiding it).
double Overlap(const Rect& a, double cx, double cy, double r) {
  const double s = r * 0.85;
  return Overlap(a, Rect{cx - s, cy - s, 2 * s, 2 * s});
}

struct Prepared {
  std::vector<GraphNode> nodes;  // sorted by id, unique
  struct Edge {
    std::size_t a, b;
    const GraphEdge* edge;
  };
  std::vector<Edge> edges;  // known ends, sorted by (a, b)
};

Prepared Prepare(std::span<const GraphNode> nodes, std::span<const GraphEdge> edges) {
  Prepared p;
  p.nodes.assign(nodes.begin(), nodes.end());
  std::stable_sort(p.nodes.begin(), p.nodes.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  p.nodes.erase(
      std::unique(p.nodes.begin(), p.nodes.end(), [](const auto& a, const auto& b) { return a.id == b.id; }),
      p.nodes.end());
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < p.nodes.size(); ++i) index[p.nodes[i].id] = i;
  for (const auto& e : edges) {
    auto a = index.find(e.a), b = index.find(e.b);
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    p.edges.push_back({std::min(a->second, b->second), std::max(a->second, b->second), &e});
  }
  std::stable_sort(p.edges.begin(), p.edges.end(),
                   [](const auto& x, const auto& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
  return p;
}

GraphLayout Layout(const Prepared& p, const GraphOptions& options) {
  GraphLayout layout;
  const std::size_t n = p.nodes.size();
  if (n == 0) return layout;
  const double width = std::max(options.width, 300), height = std::max(options.height, 240);
  const double x0 = kMargin, x1 = width - kMargin, y0 = kMargin, y1 = height - kLegendHeight - kMargin;
  const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;

  int64_t max_mentions = 1;
  for (const auto& node : p.nodes) max_mentions = std::max(max_mentions, node.mentions);
  std::vector<double> x(n), y(n), r(n);
  for (std::size_t i = 0; i < n; ++i)
    r[i] =
        std::max(kMinNodeRadius,
                 kMaxNodeRadius * std::sqrt(static_cast<double>(std::max<int64_t>(p.nodes[i].mentions, 0)) /
                                            static_cast<double>(max_mentions)));

  Seeded random{options.seed};
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = cx + (random.Next() - 0.5) * (x1 - x0) * 0.6;
    y[i] = cy + (random.Next() - 0.5) * (y1 - y0) * 0.6;
  }
  auto clamp = [&](std::size_t i) {
    x[i] = std::clamp(x[i], x0 + r[i], x1 - r[i]);
    y[i] = std::clamp(y[i], y0 + r[i], y1 - r[i]);
  };

  if (n > 1) {
    // Fruchterman–Reingold with a pull towards the centre, so components
    // without edges between them stay on the canvas.
    const double k = 0.8 * std::sqrt((x1 - x0) * (y1 - y0) / static_cast<double>(n));
    const int iterations = std::max(options.iterations, 1);
    const double t0 = (x1 - x0) / 8;
    std::vector<double> dx(n), dy(n);
    for (int it = 0; it < iterations; ++it) {
      std::fill(dx.begin(), dx.end(), 0.0);
      std::fill(dy.begin(), dy.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
          double ddx = x[i] - x[j], ddy = y[i] - y[j];
          double d = std::sqrt(ddx * ddx + ddy * ddy);
          if (d < 0.01) {  // coincident: part them the same way every run
            ddx = 0.01 * static_cast<double>(j - i);
            ddy = 0.01;
            d = std::sqrt(ddx * ddx + ddy * ddy);
          }
          const double f = k * k / d;
          dx[i] += ddx / d * f;
          dy[i] += ddy / d * f;
          dx[j] -= ddx / d * f;
          dy[j] -= ddy / d * f;
        }
      }
      for (const auto& e : p.edges) {
        const double ddx = x[e.a] - x[e.b], ddy = y[e.a] - y[e.b];
        const double d = std::max(std::sqrt(ddx * ddx + ddy * ddy), 0.01);
        const double f = d * d / k;
        dx[e.a] -= ddx / d * f;
        dy[e.a] -= ddy / d * f;
        dx[e.b] += ddx / d * f;
        dy[e.b] += ddy / d * f;
      }
      for (std::size_t i = 0; i < n; ++i) {
        const double gx = cx - x[i], gy = cy - y[i];
        const double d = std::sqrt(gx * gx + gy * gy);
        if (d > 0.01) {
          const double f = 0.6 * d * d / k;
          dx[i] += gx / d * f;
          dy[i] += gy / d * f;
        }
      }
      const double t = t0 * (1.0 - static_cast<double>(it) / iterations) + 0.5;
      for (std::size_t i = 0; i < n; ++i) {
        const double d = std::sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
        if (d > 0) {
          const double step = std::min(d, t);
          x[i] += dx[i] / d * step;
          y[i] += dy[i] / d * step;
        }
        clamp(i);
      }
    }
  } else {
    x[0] = cx;
    y[0] = cy;
  }

  // No circle hides another.
  for (int pass = 0; pass < 100; ++pass) {
    bool moved = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        double ddx = x[i] - x[j], ddy = y[i] - y[j];
        double d = std::sqrt(ddx * ddx + ddy * ddy);
        const double need = r[i] + r[j] + 4;
        if (d >= need) continue;
        if (d < 0.01) {
          ddx = 1;
          ddy = 0;
          d = 1;
        }
        const double push = (need - d) / 2;
        x[i] += ddx / d * push;
        y[i] += ddy / d * push;
        x[j] -= ddx / d * push;
        y[j] -= ddy / d * push;
        clamp(i);
        clamp(j);
        moved = true;
      }
    }
    if (!moved) break;
  }

  for (std::size_t i = 0; i < n; ++i) layout.nodes.push_back({p.nodes[i].id, x[i], y[i], r[i]});

  // Labels, most mentioned first.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p.nodes[a].mentions > p.nodes[b].mentions; });
  const Rect frame{2, 2, width - 4, height - kLegendHeight};
  std::vector<Rect> placed;
  layout.labels.resize(n);
  for (std::size_t rank = 0; rank < n; ++rank) {
    const std::size_t i = order[rank];
    const double w = static_cast<double>(CodePoints(Shorten(p.nodes[i].label, kLabelChars))) * kCharWidth + 2;
    const double h = kLabelHeight;
    struct Candidate {
      Rect box;
      double tx, ty;
      const char* anchor;
    };
    const Candidate candidates[] = {
        {{x[i] + r[i] + 3, y[i] - h / 2, w, h}, x[i] + r[i] + 3, y[i] + 4, "start"},
        {{x[i] - r[i] - 3 - w, y[i] - h / 2, w, h}, x[i] - r[i] - 3, y[i] + 4, "end"},
        {{x[i] - w / 2, y[i] + r[i] + 2, w, h}, x[i], y[i] + r[i] + 12, "middle"},
        {{x[i] - w / 2, y[i] - r[i] - 2 - h, w, h}, x[i], y[i] - r[i] - 5, "middle"},
        // Off the diagonals, where edges leave room more often.
        {{x[i] + r[i] * 0.7 + 2, y[i] - r[i] * 0.7 - h, w, h},
         x[i] + r[i] * 0.7 + 2,
         y[i] - r[i] * 0.7 - 3,
         "start"},
        {{x[i] + r[i] * 0.7 + 2, y[i] + r[i] * 0.7, w, h},
         x[i] + r[i] * 0.7 + 2,
         y[i] + r[i] * 0.7 + 10,
         "start"},
        {{x[i] - r[i] * 0.7 - 2 - w, y[i] - r[i] * 0.7 - h, w, h},
         x[i] - r[i] * 0.7 - 2,
         y[i] - r[i] * 0.7 - 3,
         "end"},
        {{x[i] - r[i] * 0.7 - 2 - w, y[i] + r[i] * 0.7, w, h},
         x[i] - r[i] * 0.7 - 2,
         y[i] + r[i] * 0.7 + 10,
         "end"},
    };
    double best = -1;
    const Candidate* chosen = nullptr;
    for (const auto& c : candidates) {
      double cost = 0;
      const bool inside = c.box.x >= frame.x && c.box.y >= frame.y &&
                          c.box.x + c.box.w <= frame.x + frame.w && c.box.y + c.box.h <= frame.y + frame.h;
      if (!inside) cost += (c.box.w * c.box.h - Overlap(c.box, frame)) * 10 + 1;  // off the canvas: worst
      for (const auto& other : placed) cost += Overlap(c.box, other);
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) cost += Overlap(c.box, x[j], y[j], r[j]);
      if (chosen == nullptr || cost < best) {
        best = cost;
        chosen = &c;
      }
      if (cost == 0) break;
    }
    auto& label = layout.labels[i];
    label.id = p.nodes[i].id;
    label.x = chosen->tx;
    label.y = chosen->ty;
    label.anchor = chosen->anchor;
    label.box_x = chosen->box.x;
    label.box_y = chosen->box.y;
    label.box_w = chosen->box.w;
    label.box_h = chosen->box.h;
    label.shown = best == 0 || rank < static_cast<std::size_t>(kAlwaysLabelled);
    if (label.shown) placed.push_back(chosen->box);
  }
  return layout;
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string GraphDescription(const Prepared& p) {
  std::string out = "A graph of " + Plural(static_cast<int64_t>(p.nodes.size()), "actor", "actors") +
                    " and " + Plural(static_cast<int64_t>(p.edges.size()), "relation", "relations") + ".";
  if (p.nodes.empty()) return out;
  std::vector<const GraphNode*> nodes;
  for (const auto& node : p.nodes) nodes.push_back(&node);
  std::stable_sort(nodes.begin(), nodes.end(), [](auto a, auto b) { return a->mentions > b->mentions; });
  out += " The most mentioned: ";
  for (std::size_t i = 0; i < nodes.size() && i < 3; ++i)
    out += (i ? ", " : "") + nodes[i]->label + " (" + Plural(nodes[i]->mentions, "mention", "mentions") + ")";
  out += ".";
  if (p.edges.empty()) return out;
  std::vector<const Prepared::Edge*> edges;
  for (const auto& e : p.edges) edges.push_back(&e);
  std::stable_sort(edges.begin(), edges.end(),
                   [](auto a, auto b) { return a->edge->mentions > b->edge->mentions; });
  out += " The strongest relations: ";
  for (std::size_t i = 0; i < edges.size() && i < 3; ++i) {
    const auto& e = *edges[i];
    out += (i ? "; " : "") + p.nodes[e.a].label + " and " + p.nodes[e.b].label + ", " +
           Plural(e.edge->mentions, "mention", "mentions") + ", tone " + FormatTone(e.edge->tone) + " (" +
           std::string(ToneWord(e.edge->tone)) + ")";
  }
  out += ".";
  return out;
}

void Legend(std::string& out, double width, double height) {
  const double top = height - kLegendHeight + 8;
  out += "<g class=\"legend\" fill=\"currentColor\">\n";
  out += "<text x=\"" + Num(kMargin) + "\" y=\"" + Num(top + 10) +
         "\" font-weight=\"600\">Tone of the relation</text>\n";
  out += "<text x=\"" + Num(kMargin) + "\" y=\"" + Num(top + 30) + "\">conflictual</text>\n";
  const double sx = kMargin + 72, sw = 62;
  for (int step = -2; step <= 2; ++step) {
    const double x = sx + (step + 2) * (sw + 4);
    out += "<rect class=\"swatch tone-" +
           std::string(step < 0   ? "n"
                       : step > 0 ? "p"
                                  : "") +
           (step == 0 ? "0" : std::to_string(std::abs(step))) + "\" x=\"" + Num(x) + "\" y=\"" +
           Num(top + 21) + "\" width=\"" + Num(sw) + "\" height=\"10\" fill=\"" + kToneFill[step + 2] +
           "\"/>";
    out += "<text x=\"" + Num(x + sw / 2) + "\" y=\"" + Num(top + 45) +
           "\" text-anchor=\"middle\" font-size=\"10\">" + kToneRange[step + 2] + "</text>\n";
  }
  out += "<text x=\"" + Num(sx + 5 * (sw + 4) + 4) + "\" y=\"" + Num(top + 30) + "\">cooperative</text>\n";
  out += "<text x=\"" + Num(width - kMargin) + "\" y=\"" + Num(top + 30) +
         "\" text-anchor=\"end\">Circle area: mentions of the actor.</text>\n";
  out += "<text x=\"" + Num(width - kMargin) + "\" y=\"" + Num(top + 45) +
         "\" text-anchor=\"end\">Line width: sentences naming both.</text>\n";
  out += "</g>\n";
}

}  // namespace

GraphLayout LayoutGraph(std::span<const GraphNode> nodes, std::span<const GraphEdge> edges,
                        const GraphOptions& options) {
  return Layout(Prepare(nodes, edges), options);
}

std::string RelationsGraphSvg(std::span<const GraphNode> nodes, std::span<const GraphEdge> edges,
                              const GraphOptions& options) {
  const Prepared p = Prepare(nodes, edges);
  const GraphLayout layout = Layout(p, options);
  const std::string id = SafeId(options.id);
  const double width = std::max(options.width, 300), height = std::max(options.height, 240);

  std::string out;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(width) + " " + Num(height) +
         "\" class=\"insight-svg relations-graph\" role=\"group\" aria-labelledby=\"" + id + "-title " + id +
         "-desc\" font-size=\"11\"";
  Attr(out, "font-family", kFont);
  out += ">\n";
  TitleAndDesc(out, id, options.title, GraphDescription(p));

  int64_t max_mentions = 1;
  for (const auto& e : p.edges) max_mentions = std::max(max_mentions, e.edge->mentions);
  out += "<g class=\"edges\" stroke-linecap=\"round\">\n";
  for (const auto& e : p.edges) {
    const auto& a = layout.nodes[e.a];
    const auto& b = layout.nodes[e.b];
    const GraphEdge& edge = *e.edge;
    const double w = 1 + 5 * std::sqrt(static_cast<double>(std::max<int64_t>(edge.mentions, 0)) /
                                       static_cast<double>(max_mentions));
    const std::string title = p.nodes[e.a].label + " and " + p.nodes[e.b].label + ": mean tone " +
                              FormatTone(edge.tone) + " (" + std::string(ToneWord(edge.tone)) + "), " +
                              Plural(edge.mentions, "mention", "mentions");
    const std::string coords =
        "x1=\"" + Num(a.x) + "\" y1=\"" + Num(a.y) + "\" x2=\"" + Num(b.x) + "\" y2=\"" + Num(b.y) + "\"";
    OpenLink(out, "edge", edge.href, title);
    out += "<line class=\"edge-line " + std::string(ToneClass(edge.tone)) + "\" " + coords + " stroke=\"" +
           kToneFill[ToneStep(edge.tone) + 2] + "\" stroke-width=\"" + Num(w) +
           "\" stroke-opacity=\"0.85\"/>";
    out += "<line class=\"edge-hit\" " + coords +
           " stroke=\"#000000\" stroke-opacity=\"0\" stroke-width=\"12\" pointer-events=\"stroke\"/>";
    CloseLink(out, edge.href);
  }
  out += "</g>\n<g class=\"nodes\">\n";
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    const auto& node = p.nodes[i];
    const auto& at = layout.nodes[i];
    const auto& label = layout.labels[i];
    std::string cls = "node";
    if (!node.kind.empty()) cls += " kind-" + SafeId(node.kind);
    OpenLink(out, cls, node.href, node.label + ": " + Plural(node.mentions, "mention", "mentions"));
    out += "<circle cx=\"" + Num(at.x) + "\" cy=\"" + Num(at.y) + "\" r=\"" + Num(at.r) +
           "\" fill=\"#5f6f82\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>";
    if (label.shown) {
      out += "<text class=\"label\" x=\"" + Num(label.x) + "\" y=\"" + Num(label.y) + "\" text-anchor=\"" +
             label.anchor +
             "\" fill=\"currentColor\" stroke=\"#fbfaf7\" stroke-width=\"3\" stroke-linejoin=\"round\" "
             "paint-order=\"stroke\">";  // a halo of paper over the edges
      AppendXmlEscaped(out, Shorten(node.label, kLabelChars));
      out += "</text>";
    }
    CloseLink(out, node.href);
  }
  out += "</g>\n";
  Legend(out, width, height);
  out += "</svg>";
  return out;
}

}  // namespace chancery::insight
