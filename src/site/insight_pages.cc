#include "site/insight_pages.h"

#include "site/cached_pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/time.h"
#include "insight/svg.h"
#include "site/views.h"
#include "store/store.h"

namespace chancery::site {
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// Bounds on what one page reads and shows.
constexpr int kMaxRows = 10000;                 // rows read from one store query
constexpr std::size_t kGraphNodes = 50;         // most mentioned actors drawn in the graph
constexpr std::size_t kGraphEdges = 150;        // most mentioned pairs among them
constexpr std::size_t kTableEdges = 500;        // rows of the graph's table
constexpr std::size_t kEvidenceArticles = 100;  // newest articles quoted on a pair page
constexpr std::size_t kPartners = 20;           // partners listed on an actor page
constexpr std::size_t kBoxActors = 12;          // actors in an article's box
constexpr std::size_t kBoxPairs = 5;            // pairs in an article's box
constexpr std::size_t kRelatedPairs = 10;       // an article's pairs searched for related analysis
constexpr std::size_t kRelated = 5;             // related articles shown
constexpr std::size_t kFragmentWords = 8;       // words of a sentence in a text-fragment link

// Actor ids as the gazetteer makes them (letters, digits, '-'), with room
// for what editors may add.
bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

std::string ActorUrl(std::string_view id) { return "/actors/" + http::PercentEncode(id); }

std::string PairUrl(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  return "/relations/" + http::PercentEncode(a) + "--" + http::PercentEncode(b);
}

std::string ArticleUrl(std::string_view slug) { return "/articles/" + std::string(slug); }

// A link to the sentence inside the article: a text fragment of its first
// words, which browsers scroll to and highlight.
std::string SentenceUrl(std::string_view slug, std::string_view sentence) {
  std::string words;
  std::size_t count = 0, i = 0;
  while (i < sentence.size() && count < kFragmentWords) {
    while (i < sentence.size() && std::isspace(static_cast<unsigned char>(sentence[i]))) ++i;
    const std::size_t start = i;
    while (i < sentence.size() && !std::isspace(static_cast<unsigned char>(sentence[i]))) ++i;
    if (i > start) {
      if (!words.empty()) words += ' ';
      words += sentence.substr(start, i - start);
      ++count;
    }
  }
  if (words.empty()) return ArticleUrl(slug);
  return ArticleUrl(slug) + "#:~:text=" + http::PercentEncode(words, "-");
}

std::string KindLabel(std::string_view kind) {
  if (kind == "state") return "state";
  if (kind == "organization") return "organisation";
  if (kind == "group") return "armed group";
  if (kind == "person") return "person";
  return std::string(kind);
}

struct KindGroup {
  std::string_view kind;
  std::string_view heading;
};
constexpr KindGroup kKindGroups[] = {
    {"state", "States"}, {"organization", "Organisations"}, {"group", "Armed groups"}, {"person", "People"}};

// "2003", "March 2012", "5 March 2012", "the 1990s".
std::string EventDateLabel(std::string_view date, std::string_view precision) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  if (precision == "decade" && date.size() >= 4) return fmt::format("the {}s", date.substr(0, 4));
  int year = 0, month = 0, day = 0;
  const int n = std::sscanf(std::string(date).c_str(), "%d-%d-%d", &year, &month, &day);
  if (n >= 2 && month >= 1 && month <= 12) {
    if (n == 3) return fmt::format("{} {} {}", day, kMonths[month - 1], year);
    return fmt::format("{} {}", kMonths[month - 1], year);
  }
  return std::string(date);
}

double Round2(double v) {
  const double r = std::round(v * 100.0) / 100.0;
  return r == 0 ? 0.0 : r;
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

double Number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

const json::array* Array(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

// A pair across several articles: the mean tone weighted by the sentences
// naming both in each.
struct PairTotals {
  std::string a, b;
  double weighted_tone = 0;
  int64_t mentions = 0;
  int64_t articles = 0;
  void Add(const store::InsightPair& pair) {
    weighted_tone += pair.tone * static_cast<double>(std::max<int64_t>(pair.mentions, 1));
    mentions += std::max<int64_t>(pair.mentions, 1);
    ++articles;
  }
  double Tone() const { return mentions > 0 ? weighted_tone / static_cast<double>(mentions) : 0; }
};

void AddTone(json::object& o, double tone) {
  o.reserve(o.size() + 3);  // one growth, not one per key
  o["tone"] = insight::FormatTone(tone);
  o["tone_word"] = insight::ToneWord(tone);
  o["tone_class"] = insight::ToneClass(tone);
}

// The reporting period of ?from=YEAR&to=YEAR (inclusive years of publication).
struct Period {
  int from_year = 0, to_year = 0;
  int64_t from = 0, to = 0;  // [from, to) in Unix seconds; 0: open
  std::string error;
  bool any() const { return from_year != 0 || to_year != 0; }
  std::string Label() const {
    if (from_year && to_year)
      return from_year == to_year ? fmt::format("published in {}", from_year)
                                  : fmt::format("published {} to {}", from_year, to_year);
    if (from_year) return fmt::format("published from {}", from_year);
    if (to_year) return fmt::format("published up to {}", to_year);
    return "";
  }
  std::string Query() const {
    std::string q;
    if (from_year) q += fmt::format("from={}", from_year);
    if (to_year) q += fmt::format("{}to={}", q.empty() ? "" : "&", to_year);
    return q;
  }
};

int64_t YearStart(int year) { return ParseLocalDateTime(fmt::format("{:04}-01-01T00:00", year)).value_or(0); }

Period ParsePeriod(const Request& request) {
  Period p;
  auto year = [&](std::string_view name, int& out) {
    auto v = request.QueryParam(name);
    if (!v || v->empty()) return;
    int n = 0;
    bool ok = v->size() == 4;
    for (char c : *v) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) n = n * 10 + (c - '0');
    }
    if (!ok || n < 1000) {
      p.error = fmt::format("“{}” must be a year of four digits, such as 2021.", name);
      return;
    }
    out = n;
  };
  year("from", p.from_year);
  year("to", p.to_year);
  if (p.error.empty() && p.from_year && p.to_year && p.from_year > p.to_year)
    p.error = "The first year comes after the last.";
  if (!p.error.empty()) return p;
  if (p.from_year) p.from = YearStart(p.from_year);
  if (p.to_year) p.to = YearStart(p.to_year + 1);
  return p;
}

Response Json(int status, const json::value& body) {
  Response r(status, "application/json", json::serialize(body) + "\n");
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

Response JsonError(int status, std::string message) {
  return Json(status,
              json::object{{"error", json::object{{"status", status}, {"message", std::move(message)}}}});
}

// Splits "<a>--<b>"; nullopt when it is not two valid ids.
std::optional<std::pair<std::string, std::string>> SplitPair(std::string_view pair) {
  const std::size_t dash = pair.find("--");
  if (dash == std::string_view::npos) return std::nullopt;
  std::string a(pair.substr(0, dash)), b(pair.substr(dash + 2));
  if (!ValidId(a) || !ValidId(b)) return std::nullopt;
  return std::make_pair(std::move(a), std::move(b));
}

}  // namespace

struct InsightPages::Impl {
  store::Store& store;
  Hooks hooks;

  std::shared_ptr<const SiteOptions> Options() const { return hooks.options(); }
  int64_t Now() const { return hooks.clock(); }

  // ---- Reading the store ------------------------------------------------------

  Result<std::vector<store::InsightActorStats>> Actors(const Period& period, std::string_view actor = "") {
    store::InsightQuery q;
    q.now = Now();
    q.from = period.from;
    q.to = period.to;
    q.actor = std::string(actor);
    q.limit = actor.empty() ? kMaxRows : 1;
    return store.ListInsightActors(q);
  }

  Result<std::map<std::string, store::InsightActorStats>> ActorMap(const Period& period) {
    CHANCERY_ASSIGN_OR_RETURN(auto list, Actors(period));
    std::map<std::string, store::InsightActorStats> out;
    for (auto& s : list) out.emplace(s.actor.id, std::move(s));
    return out;
  }

  Result<std::vector<store::InsightPairArticle>> PairRows(const Period& period, std::string_view actor = "",
                                                          std::string_view other = "", int limit = kMaxRows) {
    store::InsightQuery q;
    q.now = Now();
    q.from = period.from;
    q.to = period.to;
    q.actor = std::string(actor);
    q.other = std::string(other);
    q.limit = limit;
    return store.ListInsightPairs(q);
  }

  // Totals per pair, most mentioned first.
  static std::vector<PairTotals> Totals(const std::vector<store::InsightPairArticle>& rows) {
    std::map<std::pair<std::string, std::string>, PairTotals> by_pair;
    for (const auto& row : rows) {
      auto key = std::minmax(row.pair.a, row.pair.b);
      auto& t = by_pair[{key.first, key.second}];
      t.a = key.first;
      t.b = key.second;
      t.Add(row.pair);
    }
    std::vector<PairTotals> out;
    for (auto& [key, t] : by_pair) out.push_back(std::move(t));
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
      return std::tie(y.mentions, y.articles) < std::tie(x.mentions, x.articles);
    });
    return out;
  }

  // ---- Views --------------------------------------------------------------

  static std::string NameOf(const std::map<std::string, store::InsightActorStats>& actors,
                            const std::string& id) {
    auto it = actors.find(id);
    return it == actors.end() || it->second.actor.name.empty() ? id : it->second.actor.name;
  }

  json::object ActorView(const store::InsightActorStats& s,
                         const std::map<std::string, store::InsightActorStats>* actors = nullptr) {
    const auto& a = s.actor;
    json::object o{{"id", a.id},
                   {"name", a.name.empty() ? a.id : a.name},
                   {"kind", a.kind},
                   {"kind_label", KindLabel(a.kind)},
                   {"url", ActorUrl(a.id)},
                   {"articles", s.articles},
                   {"mentions", a.mentions},
                   {"articles_label", Plural(s.articles, "article", "articles")},
                   {"mentions_label", Plural(a.mentions, "mention", "mentions")}};
    // Every key is set, null or "" when empty: a template must never find
    // the same name further up its context.
    o["country"] = nullptr;
    if (!a.country.empty() && a.country != a.id) {
      json::object country{{"id", a.country}, {"name", a.country}, {"url", ""}};
      if (actors != nullptr) {
        if (auto it = actors->find(a.country); it != actors->end()) {
          country["name"] = it->second.actor.name;
          country["url"] = ActorUrl(a.country);
        }
      }
      o["country"] = std::move(country);
    }
    return o;
  }

  // An article in a list: a pair row or an actor's article.
  template <typename Row>
  json::object ArticleLink(const Row& row, json::storage_ptr sp = {}) {
    return json::object({{"title", row.title},
                         {"url", ArticleUrl(row.slug)},
                         {"date", Options()->dates.Date(row.published_at)},
                         {"date_iso", IsoDateTime(row.published_at)}},
                        std::move(sp));
  }

  json::object PageMeta(std::string title, std::string description, const std::string& path) {
    return json::object{{"title", std::move(title)},
                        {"description", std::move(description)},
                        {"canonical", Options()->base_url + path}};
  }

  // ---- /actors --------------------------------------------------------------

  Response ActorsIndex(const Request&) {
    auto list = Actors(Period{});
    if (!list.ok()) return hooks.server_error(list.status(), "listing actors");
    std::map<std::string, store::InsightActorStats> by_id;
    for (const auto& s : *list) by_id.emplace(s.actor.id, s);
    json::array groups;
    std::set<std::string_view> known;
    for (const auto& g : kKindGroups) known.insert(g.kind);
    auto add_group = [&](std::string_view kind, std::string_view heading, bool other) {
      json::array items;
      for (const auto& s : *list)
        if (other ? !known.count(s.actor.kind) : s.actor.kind == kind) items.push_back(ActorView(s, &by_id));
      if (items.empty()) return;
      const auto count = static_cast<int64_t>(items.size());
      groups.push_back(json::object{{"kind", kind},
                                    {"heading", heading},
                                    {"anchor", fmt::format("kind-{}", other ? "other" : kind)},
                                    {"count", count},
                                    {"is_state", kind == "state"},
                                    {"actors", std::move(items)}});
    };
    for (const auto& g : kKindGroups) add_group(g.kind, g.heading, false);
    add_group("other", "Others", true);
    const auto total = static_cast<int64_t>(list->size());
    json::object view{{"groups", std::move(groups)},
                      {"has_actors", total > 0},
                      {"count_label", Plural(total, "actor", "actors")},
                      {"page", PageMeta("Actors",
                                        "The states, organisations, armed groups and people named in " +
                                            Options()->title + "’s analysis",
                                        "/actors")}};
    return hooks.render(200, "actors", std::move(view));
  }

  // ---- /actors/:id ------------------------------------------------------------

  struct ActorData {
    store::InsightActorStats stats;
    std::map<std::string, store::InsightActorStats> actors;
    std::vector<store::InsightActorArticle> articles;  // every article naming it, newest first
    std::vector<PairTotals> partners;                 // a = the actor, b = the partner
  };

  // nullopt: no visible analysis names the actor.
  Result<std::optional<ActorData>> LoadActor(std::string_view id) {
    if (!ValidId(id)) return std::optional<ActorData>();
    CHANCERY_ASSIGN_OR_RETURN(auto stats, Actors(Period{}, id));
    if (stats.empty()) return std::optional<ActorData>();
    ActorData d;
    d.stats = std::move(stats.front());
    CHANCERY_ASSIGN_OR_RETURN(d.actors, ActorMap(Period{}));
    store::InsightQuery q;
    q.now = Now();
    q.actor = std::string(id);
    q.limit = kMaxRows;
    CHANCERY_ASSIGN_OR_RETURN(d.articles, store.ListInsightActorArticles(q));
    CHANCERY_ASSIGN_OR_RETURN(auto rows, PairRows(Period{}, id));
    std::map<std::string, PairTotals> partners;
    for (const auto& row : rows) {
      const std::string& other = row.pair.a == id ? row.pair.b : row.pair.a;
      auto& t = partners[other];
      t.a = std::string(id);
      t.b = other;
      t.Add(row.pair);
    }
    for (auto& [other, t] : partners) d.partners.push_back(std::move(t));
    std::stable_sort(d.partners.begin(), d.partners.end(), [](const auto& x, const auto& y) {
      return std::tie(y.mentions, y.articles) < std::tie(x.mentions, x.articles);
    });
    return std::optional<ActorData>(std::move(d));
  }

  Response ActorPage(const Request& request) {
    auto loaded = LoadActor(request.Param("id"));
    if (!loaded.ok()) return hooks.server_error(loaded.status(), "reading an actor");
    if (!loaded.value()) return hooks.not_found(request);
    const ActorData& d = **loaded;
    json::object actor = ActorView(d.stats, &d.actors);
    json::array articles;
    for (const auto& row : d.articles) articles.push_back(ArticleLink(row));
    json::array partners;
    for (std::size_t i = 0; i < d.partners.size() && i < kPartners; ++i) {
      const auto& p = d.partners[i];
      json::object o{{"id", p.b},
                     {"name", NameOf(d.actors, p.b)},
                     {"url", ActorUrl(p.b)},
                     {"pair_url", PairUrl(p.a, p.b)},
                     {"mentions", p.mentions},
                     {"articles_label", Plural(p.articles, "article", "articles")}};
      AddTone(o, p.Tone());
      partners.push_back(std::move(o));
    }
    const std::string name = std::string(actor["name"].as_string());
    const std::string path = ActorUrl(d.stats.actor.id);
    json::object view{
        {"actor", std::move(actor)},
        {"has_articles", !articles.empty()},
        {"articles", std::move(articles)},
        {"has_partners", !partners.empty()},
        {"partners", std::move(partners)},
        {"more_partners", d.partners.size() > kPartners},
        {"page", PageMeta(name,
                          fmt::format("{} in {}’s analysis: its articles and the actors it is named with",
                                      name, Options()->title),
                          path)}};
    return hooks.render(200, "actor", std::move(view));
  }

  // ---- A pair ---------------------------------------------------------------------

  struct PairEvent {
    std::string date, precision, sentence;
    const store::InsightPairArticle* article = nullptr;
  };
  struct PairEvidence {
    const store::InsightPairArticle* article = nullptr;
    json::array sentences;  // {paragraph, sentence, text, tone, cues} as the analysis has them
  };
  struct PairData {
    std::string a, b;
    std::optional<store::InsightActorStats> a_stats, b_stats;
    std::vector<store::InsightPairArticle> rows;  // newest first
    std::vector<PairEvidence> evidence;           // of the newest kEvidenceArticles
    std::vector<PairEvent> events;                // by date
    PairTotals totals;
  };

  // The evidence and events of the pair in each article's stored analysis.
  Status ReadAnalyses(PairData& d) {
    for (std::size_t i = 0; i < d.rows.size() && i < kEvidenceArticles; ++i) {
      const auto& row = d.rows[i];
      CHANCERY_ASSIGN_OR_RETURN(auto stored, store.FindArticleInsight(row.article_id));
      PairEvidence ev{&row, {}};
      if (stored) {
        boost::system::error_code ec;
        json::value parsed = json::parse(stored->analysis_json, ec);
        if (!ec && parsed.is_object()) {
          const auto& root = parsed.as_object();
          if (const auto* relations = Array(root, "relations")) {
            for (const auto& r : *relations) {
              if (!r.is_object()) continue;
              const auto& o = r.as_object();
              const std::string ra = Str(o, "a"), rb = Str(o, "b");
              if (!((ra == d.a && rb == d.b) || (ra == d.b && rb == d.a))) continue;
              if (const auto* evidence = Array(o, "evidence")) ev.sentences = *evidence;
            }
          }
          if (const auto* events = Array(root, "events")) {
            for (const auto& e : *events) {
              if (!e.is_object()) continue;
              const auto& o = e.as_object();
              const auto* ids = Array(o, "actors");
              if (ids == nullptr) continue;
              bool has_a = false, has_b = false;
              for (const auto& id : *ids) {
                if (!id.is_string()) continue;
                has_a |= id.as_string() == d.a;
                has_b |= id.as_string() == d.b;
              }
              if (has_a && has_b)
                d.events.push_back({Str(o, "date"), Str(o, "precision"), Str(o, "sentence"), &row});
            }
          }
        }
      }
      d.evidence.push_back(std::move(ev));
    }
    std::stable_sort(d.events.begin(), d.events.end(), [](const PairEvent& x, const PairEvent& y) {
      return std::tie(x.date, x.article->published_at) < std::tie(y.date, y.article->published_at);
    });
    return Status::Ok();
  }

  // nullopt: no visible article relates the two. REQUIRES: a < b.
  Result<std::optional<PairData>> LoadPair(const std::string& a, const std::string& b, const Period& period) {
    PairData d;
    d.a = a;
    d.b = b;
    CHANCERY_ASSIGN_OR_RETURN(d.rows, PairRows(period, a, b));
    if (d.rows.empty()) return std::optional<PairData>();
    d.totals.a = a;
    d.totals.b = b;
    for (const auto& row : d.rows) d.totals.Add(row.pair);
    CHANCERY_ASSIGN_OR_RETURN(auto a_stats, Actors(Period{}, a));
    CHANCERY_ASSIGN_OR_RETURN(auto b_stats, Actors(Period{}, b));
    if (!a_stats.empty()) d.a_stats = std::move(a_stats.front());
    if (!b_stats.empty()) d.b_stats = std::move(b_stats.front());
    CHANCERY_RETURN_IF_ERROR(ReadAnalyses(d));
    return std::optional<PairData>(std::move(d));
  }

  json::object PairActorView(const std::optional<store::InsightActorStats>& stats, const std::string& id) {
    if (stats) return ActorView(*stats);
    return json::object{{"id", id}, {"name", id}, {"url", ActorUrl(id)}};
  }

  static json::array CueViews(const json::object& sentence) {
    json::array cues;
    if (const auto* list = Array(sentence, "cues")) {
      for (const auto& c : *list) {
        if (!c.is_object()) continue;
        const auto& o = c.as_object();
        std::string modifiers;
        if (const auto* mods = Array(o, "modifiers"))
          for (const auto& m : *mods)
            if (m.is_string()) modifiers += (modifiers.empty() ? "" : ", ") + std::string(m.as_string());
        const std::string text = Str(o, "text"), phrase = Str(o, "phrase");
        const double weight = Number(o, "weight");
        cues.push_back(json::object{{"text", text},
                                    {"phrase", phrase},
                                    {"show_phrase", phrase != text},
                                    {"weight", insight::FormatTone(weight)},
                                    {"tone_class", insight::ToneClass(weight)},
                                    {"modifiers", modifiers}});
      }
    }
    return cues;
  }

  Response RelationPage(const Request& request) {
    auto ids = SplitPair(request.Param("pair"));
    if (!ids || ids->first == ids->second) return hooks.not_found(request);
    auto& [a, b] = *ids;
    if (b < a) {
      Response r(301, "text/plain; charset=utf-8",
                 "The canonical address of this pair puts its ids in order.\n");
      r.headers.Set("Location", PairUrl(a, b) + (request.query.empty() ? "" : "?" + request.query));
      r.headers.Set("Cache-Control", "public, max-age=86400");
      return r;
    }
    auto loaded = LoadPair(a, b, Period{});
    if (!loaded.ok()) return hooks.server_error(loaded.status(), "reading a pair");
    if (!loaded.value()) return hooks.not_found(request);
    const PairData& d = **loaded;

    json::object pair{{"a", PairActorView(d.a_stats, a)},
                      {"b", PairActorView(d.b_stats, b)},
                      {"mentions_label", Plural(d.totals.mentions, "sentence", "sentences")},
                      {"articles_label", Plural(d.totals.articles, "article", "articles")}};
    AddTone(pair, d.totals.Tone());
    const std::string a_name = std::string(pair["a"].as_object()["name"].as_string());
    const std::string b_name = std::string(pair["b"].as_object()["name"].as_string());

    std::vector<insight::TonePoint> points;
    json::array articles;
    for (const auto& row : d.rows) {
      const std::string date = Options()->dates.Date(row.published_at);
      points.push_back({row.published_at, row.pair.tone, row.pair.mentions, row.title + " (" + date + ")",
                        ArticleUrl(row.slug)});
      json::object o = ArticleLink(row);
      o["mentions"] = row.pair.mentions;
      AddTone(o, row.pair.tone);
      articles.push_back(std::move(o));
    }
    const std::string chart_title = fmt::format("Tone between {} and {}, article by article", a_name, b_name);
    json::array events;
    for (const auto& e : d.events) {
      json::object o{{"date", EventDateLabel(e.date, e.precision)},
                     {"sentence", e.sentence},
                     {"url", SentenceUrl(e.article->slug, e.sentence)},
                     {"article", ArticleLink(*e.article)}};
      o["date_iso"] = e.precision == "month" || e.precision == "day" ? e.date : std::string();
      events.push_back(std::move(o));
    }
    json::array evidence;
    for (const auto& ev : d.evidence) {
      json::array sentences;
      for (const auto& s : ev.sentences) {
        if (!s.is_object()) continue;
        const auto& o = s.as_object();
        const std::string text = Str(o, "text");
        json::object sv{{"text", text},
                        {"url", SentenceUrl(ev.article->slug, text)},
                        {"paragraph", static_cast<int64_t>(Number(o, "paragraph")) + 1}};
        AddTone(sv, Number(o, "tone"));
        json::array cues = CueViews(o);
        sv["has_cues"] = !cues.empty();
        sv["cues"] = std::move(cues);
        sentences.push_back(std::move(sv));
      }
      json::object article = ArticleLink(*ev.article);
      AddTone(article, ev.article->pair.tone);
      article["mentions_label"] = Plural(ev.article->pair.mentions, "sentence", "sentences");
      article["has_sentences"] = !sentences.empty();
      article["sentences"] = std::move(sentences);
      evidence.push_back(std::move(article));
    }
    const std::string title = a_name + " and " + b_name;
    json::object view{
        {"pair", std::move(pair)},
        {"chart", insight::ToneTrendSvg(points, {.id = "tone-trend", .title = chart_title})},
        {"chart_summary", insight::DescribeToneTrend(points)},
        {"has_events", !events.empty()},
        {"events", std::move(events)},
        {"evidence", std::move(evidence)},
        {"evidence_truncated", d.rows.size() > kEvidenceArticles},
        {"evidence_limit", static_cast<int64_t>(kEvidenceArticles)},
        {"articles", std::move(articles)},
        {"page",
         PageMeta(title,
                  fmt::format("How {}’s analysis describes relations between {} and {}: the tone over time, "
                              "the dated events and the sentences behind every number",
                              Options()->title, a_name, b_name),
                  PairUrl(a, b))}};
    return hooks.render(200, "relation", std::move(view));
  }

  // ---- /relations ----------------------------------------------------------------

  Response RelationsGraph(const Request& request) {
    const Period period = ParsePeriod(request);
    json::object form{
        {"from",
         period.from_year ? std::to_string(period.from_year) : request.QueryParam("from").value_or("")},
        {"to", period.to_year ? std::to_string(period.to_year) : request.QueryParam("to").value_or("")}};
    json::object page = PageMeta("Relations",
                                 "The relations graph of " + Options()->title +
                                     "’s analysis: who is named with whom, and in what tone",
                                 "/relations" + (period.any() ? "?" + period.Query() : ""));
    if (!period.error.empty()) {
      page["noindex"] = true;
      page.erase("canonical");
      json::object view{{"form", std::move(form)}, {"error", period.error}, {"page", std::move(page)}};
      return hooks.render(400, "relations", std::move(view));
    }
    auto rows = PairRows(period);
    if (!rows.ok()) return hooks.server_error(rows.status(), "listing pairs");
    auto actors = ActorMap(period);
    if (!actors.ok()) return hooks.server_error(actors.status(), "listing actors");
    const auto totals = Totals(*rows);

    // The graph: the most mentioned actors that have a pair, and the most
    // mentioned pairs among them.
    std::set<std::string> in_pairs;
    for (const auto& t : totals) {
      in_pairs.insert(t.a);
      in_pairs.insert(t.b);
    }
    std::vector<const store::InsightActorStats*> ranked;
    for (const auto& id : in_pairs)
      if (auto it = actors->find(id); it != actors->end()) ranked.push_back(&it->second);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](auto x, auto y) { return x->actor.mentions > y->actor.mentions; });
    if (ranked.size() > kGraphNodes) ranked.resize(kGraphNodes);
    std::vector<insight::GraphNode> nodes;
    std::set<std::string> drawn;
    for (const auto* s : ranked) {
      nodes.push_back({s->actor.id, s->actor.name.empty() ? s->actor.id : s->actor.name, s->actor.kind,
                       s->actor.mentions, ActorUrl(s->actor.id)});
      drawn.insert(s->actor.id);
    }
    std::vector<insight::GraphEdge> edges;
    for (const auto& t : totals) {
      if (edges.size() >= kGraphEdges) break;
      if (drawn.count(t.a) && drawn.count(t.b))
        edges.push_back({t.a, t.b, t.Tone(), t.mentions, PairUrl(t.a, t.b)});
    }

    json::array table;
    for (std::size_t i = 0; i < totals.size() && i < kTableEdges; ++i) {
      const auto& t = totals[i];
      json::object o{{"a", json::object{{"name", NameOf(*actors, t.a)}, {"url", ActorUrl(t.a)}}},
                     {"b", json::object{{"name", NameOf(*actors, t.b)}, {"url", ActorUrl(t.b)}}},
                     {"url", PairUrl(t.a, t.b)},
                     {"mentions", t.mentions},
                     {"articles", t.articles}};
      AddTone(o, t.Tone());
      table.push_back(std::move(o));
    }
    const std::string label = period.Label();
    const std::string graph_title =
        "Relations between the actors of the archive" + (label.empty() ? "" : ", articles " + label);
    json::object view{
        {"form", std::move(form)},
        {"period", label},
        {"has_graph", !nodes.empty()},
        {"graph", nodes.empty() ? std::string()
                                : insight::RelationsGraphSvg(
                                      nodes, edges, {.id = "relations-graph", .title = graph_title})},
        {"graph_note",
         nodes.size() == in_pairs.size() && edges.size() == totals.size()
             ? fmt::format("Every actor named with another ({}) and every pair ({}).", nodes.size(),
                           edges.size())
             : fmt::format("The most mentioned: {} of {} and {} of {}; the table lists more.",
                           Plural(static_cast<int64_t>(nodes.size()), "actor", "actors"), in_pairs.size(),
                           Plural(static_cast<int64_t>(edges.size()), "pair", "pairs"), totals.size())},
        {"has_pairs", !table.empty()},
        {"pairs", std::move(table)},
        {"pairs_truncated", totals.size() > kTableEdges},
        {"pairs_label", Plural(static_cast<int64_t>(totals.size()), "pair", "pairs")},
        {"page", std::move(page)}};
    return hooks.render(200, "relations", std::move(view));
  }

  // ---- The article page's box ----------------------------------------------------

  void AddToArticleView(const store::Article& article, json::object& view) {
    // The box lists the index rows: the analysis' JSON (its evidence) is
    // for the pair pages, not read here.
    auto stored = store.FindArticleInsightIndex(article.id);
    if (!stored.ok() || !stored.value()) return;
    const store::ArticleInsightIndex& ins = **stored;
    if (ins.actors.empty()) return;
    // The page's view may live in its own memory resource: build in it.
    const json::storage_ptr& sp = view.storage();
    std::vector<const store::ArticleInsightIndex::Actor*> actors;
    actors.reserve(ins.actors.size());
    for (const auto& a : ins.actors) actors.push_back(&a);
    std::stable_sort(actors.begin(), actors.end(),
                     [](const auto* x, const auto* y) { return x->mentions > y->mentions; });
    auto name = [&](std::string_view id) -> std::string_view {
      for (const auto& a : ins.actors)
        if (a.id == id) return a.name.empty() ? a.id : a.name;
      return id;
    };
    json::array actor_views(sp);
    actor_views.reserve(std::min(actors.size(), kBoxActors));
    for (std::size_t i = 0; i < actors.size() && i < kBoxActors; ++i) {
      const auto& a = *actors[i];
      actor_views.push_back(json::object({{"name", name(a.id)},
                                          {"url", ActorUrl(a.id)},
                                          {"kind_label", KindLabel(a.kind)},
                                          {"mentions_label", Plural(a.mentions, "mention", "mentions")}},
                                         sp));
    }
    std::vector<const store::ArticleInsightIndex::Pair*> pairs;
    pairs.reserve(ins.pairs.size());
    for (const auto& p : ins.pairs) pairs.push_back(&p);
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const auto* x, const auto* y) { return x->mentions > y->mentions; });
    json::array pair_views(sp);
    for (std::size_t i = 0; i < pairs.size() && i < kBoxPairs; ++i) {
      json::object o({{"a", name(pairs[i]->a)}, {"b", name(pairs[i]->b)}, {"url", PairUrl(pairs[i]->a, pairs[i]->b)}},
                     sp);
      AddTone(o, pairs[i]->tone);
      pair_views.push_back(std::move(o));
    }
    const int64_t more = static_cast<int64_t>(actors.size()) - static_cast<int64_t>(actor_views.size());
    const bool has_pairs = !pair_views.empty();
    view["insight"] = json::object({{"actors", std::move(actor_views)},
                                    {"more", more > 0},
                                    {"more_label", Plural(more, "other actor", "other actors")},
                                    {"has_pairs", has_pairs},
                                    {"pairs", std::move(pair_views)}},
                                   sp);
    if (pairs.empty()) return;

    // Related analysis: the other visible articles sharing the most of the
    // article's most mentioned pairs.
    store::RelatedInsightQuery related_query;
    related_query.article_id = article.id;
    related_query.now = Now();
    related_query.per_pair = 200;
    related_query.limit = static_cast<int>(kRelated);
    for (std::size_t i = 0; i < pairs.size() && i < kRelatedPairs; ++i)
      related_query.pairs.emplace_back(pairs[i]->a, pairs[i]->b);
    auto found = store.ListRelatedInsight(related_query);
    if (!found.ok()) return;
    json::array related(sp);
    for (const store::InsightRelatedArticle& r : *found) {
      json::object o = ArticleLink(r, sp);
      std::string list;
      for (std::size_t k = 0; k < r.shared.size() && k < 3; ++k) {
        const auto& [a, b] = related_query.pairs[static_cast<std::size_t>(r.shared[k])];
        if (k) list += ", ";
        list += name(a);
        list += "–";
        list += name(b);
      }
      if (r.shared.size() > 3) list += ", …";
      o["shared"] = list;
      related.push_back(std::move(o));
    }
    if (!related.empty()) view["related"] = json::object({{"articles", std::move(related)}}, sp);
  }

  json::array SitemapUrls() {
    json::array urls;
    const std::string base = Options()->base_url;
    auto list = Actors(Period{});
    if (!list.ok() || list->empty()) return urls;
    urls.push_back(json::object{{"loc", base + "/actors"}});
    urls.push_back(json::object{{"loc", base + "/relations"}});
    for (const auto& s : *list) urls.push_back(json::object{{"loc", base + ActorUrl(s.actor.id)}});
    return urls;
  }

  // ---- The JSON API ---------------------------------------------------------------

  json::object ActorJson(const store::InsightActorStats& s) {
    const auto& a = s.actor;
    json::object o{{"id", a.id}, {"name", a.name}, {"kind", a.kind}};
    if (a.country.empty()) {
      o["country"] = nullptr;
    } else {
      o["country"] = a.country;
    }
    o["articles"] = s.articles;
    o["mentions"] = a.mentions;
    o["url"] = Options()->base_url + ActorUrl(a.id);
    return o;
  }

  template <typename Row>
  json::object ArticleJson(const Row& row) {
    return json::object{{"slug", row.slug},
                        {"title", row.title},
                        {"url", Options()->base_url + ArticleUrl(row.slug)},
                        {"published", IsoDateTime(row.published_at)}};
  }

  static bool Matches(const store::InsightActor& a, const std::string& needle) {
    auto lower = [](std::string s) {
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    return lower(a.id).find(needle) != std::string::npos || lower(a.name).find(needle) != std::string::npos;
  }

  Response ApiActors(const Request& request) {
    const Period period = ParsePeriod(request);
    if (!period.error.empty()) return JsonError(400, period.error);
    std::string q = request.QueryParam("q").value_or("");
    if (q.size() > 200) return JsonError(400, "q is longer than 200 bytes");
    for (auto& c : q) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto list = Actors(period);
    if (!list.ok()) return JsonError(500, "the actors could not be read");
    json::array out;
    for (const auto& s : *list)
      if (q.empty() || Matches(s.actor, q)) out.push_back(ActorJson(s));
    const auto count = static_cast<int64_t>(out.size());
    return Json(200, json::object{{"actors", std::move(out)}, {"count", count}});
  }

  Response ApiActor(const Request& request) {
    auto loaded = LoadActor(request.Param("id"));
    if (!loaded.ok()) return JsonError(500, "the actor could not be read");
    if (!loaded.value()) return JsonError(404, "no published analysis names this actor");
    const ActorData& d = **loaded;
    json::array articles;
    for (const auto& row : d.articles) articles.push_back(ArticleJson(row));
    json::array partners;
    for (const auto& p : d.partners)
      partners.push_back(json::object{{"id", p.b},
                                      {"name", NameOf(d.actors, p.b)},
                                      {"tone", Round2(p.Tone())},
                                      {"mentions", p.mentions},
                                      {"articles", p.articles},
                                      {"url", Options()->base_url + PairUrl(p.a, p.b)}});
    return Json(200, json::object{{"actor", ActorJson(d.stats)},
                                  {"articles", std::move(articles)},
                                  {"partners", std::move(partners)}});
  }

  Response ApiRelations(const Request& request) {
    const Period period = ParsePeriod(request);
    if (!period.error.empty()) return JsonError(400, period.error);
    auto a = request.QueryParam("a"), b = request.QueryParam("b");
    if (!a && !b) return ApiAllPairs(period);
    if (!a || !b) return JsonError(400, "give both a and b for one pair, or neither for every pair");
    if (!ValidId(*a) || !ValidId(*b))
      return JsonError(400, "a and b must be actor ids, such as PAK or sergey-lavrov");
    if (*a == *b) return JsonError(400, "a and b must be two different actors");
    if (*b < *a) std::swap(a, b);
    auto loaded = LoadPair(*a, *b, period);
    if (!loaded.ok()) return JsonError(500, "the pair could not be read");
    if (!loaded.value()) return JsonError(404, "no published analysis relates these two actors");
    const PairData& d = **loaded;
    json::array articles;
    for (std::size_t i = 0; i < d.rows.size(); ++i) {
      const auto& row = d.rows[i];
      json::object o = ArticleJson(row);
      o["tone"] = Round2(row.pair.tone);
      o["mentions"] = row.pair.mentions;
      if (i < d.evidence.size()) o["evidence"] = d.evidence[i].sentences;
      articles.push_back(std::move(o));
    }
    json::array events;
    for (const auto& e : d.events)
      events.push_back(json::object{{"date", e.date},
                                    {"precision", e.precision},
                                    {"sentence", e.sentence},
                                    {"article", ArticleJson(*e.article)},
                                    {"url", Options()->base_url + SentenceUrl(e.article->slug, e.sentence)}});
    auto actor = [&](const std::optional<store::InsightActorStats>& s, const std::string& id) {
      return s ? json::value(ActorJson(*s)) : json::value(json::object{{"id", id}});
    };
    return Json(200, json::object{{"a", actor(d.a_stats, d.a)},
                                  {"b", actor(d.b_stats, d.b)},
                                  {"tone", Round2(d.totals.Tone())},
                                  {"mentions", d.totals.mentions},
                                  {"url", Options()->base_url + PairUrl(d.a, d.b)},
                                  {"articles", std::move(articles)},
                                  {"events", std::move(events)}});
  }

  Response ApiAllPairs(const Period& period) {
    auto rows = PairRows(period);
    if (!rows.ok()) return JsonError(500, "the pairs could not be read");
    json::array out;
    for (const auto& t : Totals(*rows))
      out.push_back(json::object{{"a", t.a},
                                 {"b", t.b},
                                 {"tone", Round2(t.Tone())},
                                 {"mentions", t.mentions},
                                 {"articles", t.articles},
                                 {"url", Options()->base_url + PairUrl(t.a, t.b)}});
    const auto count = static_cast<int64_t>(out.size());
    return Json(200, json::object{{"relations", std::move(out)}, {"count", count}});
  }
};

InsightPages::InsightPages(store::Store& store, Hooks hooks)
    : impl_(std::make_unique<Impl>(Impl{store, std::move(hooks)})) {}
InsightPages::~InsightPages() = default;

void InsightPages::RegisterRoutes(http::Router& router) {
  // Every insight page and answer may be kept by the page cache until the
  // insight layer's results (or anything else) change.
  auto bind = [this](Response (InsightPages::*fn)(const Request&)) {
    return [this, fn](const Request& r) {
      Response response = (this->*fn)(r);
      MarkCacheable(response, {kScopeInsight});
      return response;
    };
  };
  router.Get("/actors", bind(&InsightPages::ActorsIndex));
  router.Get("/actors/:id", bind(&InsightPages::ActorPage));
  router.Get("/relations", bind(&InsightPages::RelationsGraph));
  router.Get("/relations/:pair", bind(&InsightPages::RelationPage));
  router.Get("/api/v1/actors", bind(&InsightPages::ApiActors));
  router.Get("/api/v1/actors/:id", bind(&InsightPages::ApiActor));
  router.Get("/api/v1/relations", bind(&InsightPages::ApiRelations));
  router.Get("/api/v1/*rest", bind(&InsightPages::ApiNotFound));
}

void InsightPages::AddToArticleView(const store::Article& article, json::object& view) {
  impl_->AddToArticleView(article, view);
}
json::array InsightPages::SitemapUrls() { return impl_->SitemapUrls(); }

Response InsightPages::ActorsIndex(const Request& r) { return impl_->ActorsIndex(r); }
Response InsightPages::ActorPage(const Request& r) { return impl_->ActorPage(r); }
Response InsightPages::RelationsGraph(const Request& r) { return impl_->RelationsGraph(r); }
Response InsightPages::RelationPage(const Request& r) { return impl_->RelationPage(r); }
Response InsightPages::ApiActors(const Request& r) { return impl_->ApiActors(r); }
Response InsightPages::ApiActor(const Request& r) { return impl_->ApiActor(r); }
Response InsightPages::ApiRelations(const Request& r) { return impl_->ApiRelations(r); }
Response InsightPages::ApiNotFound(const Request&) { return JsonError(404, "no such API resource"); }

}  // namespace chancery::site
