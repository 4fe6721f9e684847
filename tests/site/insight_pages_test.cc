// The insight layer's public pages and JSON API, through Site's router: a
// real in-memory SQLite store holding analyses made by the real Analyzer on
// short articles written for this test, and the built-in theme.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <pugixml.hpp>

#include "base/time.h"
#include "content/content.h"
#include "insight/insight.h"
#include "site/site.h"
#include "store/store.h"
#include "theme/theme.h"

namespace chancery::site {
namespace {
namespace json = boost::json;

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21

int64_t At(const char* local) { return ParseLocalDateTime(local).value(); }

// The built-in gazetteer plus an actor an editor named "<script>…".
const insight::Analyzer& TestAnalyzer() {
  static const insight::Analyzer analyzer = [] {
    auto g = insight::Gazetteer::Builtin();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    insight::Actor hostile;
    hostile.id = "SCRIPT-LEAGUE";
    hostile.name = "<script>alert(1)</script>";
    hostile.kind = insight::ActorKind::kOrganization;
    EXPECT_TRUE(g->AddActor(hostile).ok());
    EXPECT_TRUE(g->AddName("SCRIPT-LEAGUE", "Scriptorium League").ok());
    return insight::Analyzer(*g);
  }();
  return analyzer;
}

// Just the <svg>…</svg> of a page, parsed.
::testing::AssertionResult SvgIsWellFormed(std::string_view page, std::string_view klass) {
  const size_t begin = page.find(fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  if (begin == std::string_view::npos) return ::testing::AssertionFailure() << "no <svg>";
  const size_t end = page.find("</svg>", begin);
  if (end == std::string_view::npos) return ::testing::AssertionFailure() << "no </svg>";
  const std::string svg(page.substr(begin, end + 6 - begin));
  pugi::xml_document doc;
  const auto parsed = doc.load_string(svg.c_str());
  if (!parsed) return ::testing::AssertionFailure() << parsed.description() << " at " << parsed.offset;
  if (std::string(doc.child("svg").attribute("class").value()).find(klass) == std::string::npos)
    return ::testing::AssertionFailure() << "class " << doc.child("svg").attribute("class").value();
  return ::testing::AssertionSuccess();
}

class InsightPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open({.url = "sqlite::memory:"});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto theme = theme::Theme::LoadDefault();
    ASSERT_TRUE(theme.ok()) << theme.status().ToString();
    SiteOptions options;
    options.title = "Test Review";
    site_ = std::make_unique<Site>(*store_, *theme, options, [this] { return now_; });
    site_->RegisterRoutes(router_);

    Publish("thaw", "Moscow Calling",
            "Pakistan and Russia signed a defence cooperation agreement in 2018.\n\n"
            "Islamabad and Moscow have deepened their partnership since then, and the United States "
            "criticised Pakistan for it.",
            At("2019-03-10T09:00"));
    Publish("energy", "Pipelines and Promises",
            "Pakistan and Russia held talks on energy cooperation in March 2021.\n\n"
            "Relations between Pakistan and the United States remain strained by mistrust.",
            At("2021-06-15T09:00"));
    Publish("chill", "A Colder Season",
            "Tensions between Pakistan and Russia grew in 2022 over sanctions.\n\n"
            "The Scriptorium League condemned Pakistan in 2022.",
            At("2023-01-20T09:00"));
    // One actor alone: no pair.
    Publish("steppe", "Steppe Notes", "Kazakhstan held an election in 2024.", At("2024-03-01T09:00"));
    // Never shown: a draft, and an article scheduled for later.
    Publish(
        "secret-draft", "Secret Draft",
        "India and China clashed on the border in 2020. Pakistan and Russia agreed a secret pact in 2024.",
        At("2024-01-01T09:00"), store::ArticleStatus::kDraft);
    Publish("embargoed", "Embargoed Piece", "Japan and Australia signed a security treaty in 2025.",
            kNow + 86400);
    // Published but never analysed.
    Publish("unread", "Not Analysed Yet", "Pakistan and Russia met again.", At("2024-02-01T09:00"),
            store::ArticleStatus::kPublished, /*analyse=*/false);
  }

  void Publish(const std::string& slug, const std::string& title, const std::string& markdown,
               int64_t published_at, store::ArticleStatus status = store::ArticleStatus::kPublished,
               bool analyse = true) {
    store::Article a;
    a.slug = slug;
    a.title = title;
    a.body_markdown = markdown;
    auto doc = content::RenderMarkdown(markdown);
    ASSERT_TRUE(doc.ok());
    a.body_html = doc->html;
    a.toc_json = content::TocJson(doc->toc);
    a.excerpt = doc->excerpt;
    a.plain_text = doc->plain_text;
    a.status = status;
    a.published_at = published_at;
    a.updated_at = published_at;
    a.created_at = published_at;
    a.authors = {{.slug = "ada", .name = "Ada Analyst"}};
    ASSERT_TRUE(store_->SaveArticle(a).ok());
    if (!analyse) return;

    auto analysis = TestAnalyzer().Analyze(a.plain_text, {.year = ToCivil(published_at).year});
    ASSERT_TRUE(analysis.ok()) << analysis.status().ToString();
    store::ArticleInsight row;
    row.article_id = a.id;
    row.analyzed_at = kNow;
    row.article_updated_at = a.updated_at;
    row.gazetteer_version = "test";
    row.analysis_json = insight::ToJson(*analysis);
    for (const auto& actor : analysis->actors)
      row.actors.push_back(
          {actor.id, actor.name, std::string(insight::KindName(actor.kind)), actor.country, actor.mentions});
    for (const auto& r : analysis->relations) row.pairs.push_back({r.a, r.b, r.tone, r.mentions});
    ASSERT_TRUE(store_->SaveArticleInsight(row).ok()) << slug;
    analyses_[slug] = std::move(*analysis);
  }

  http::Response Get(const std::string& path, const std::string& query = "") {
    http::Request r;
    r.method = http::Method::kGet;
    r.path = path;
    r.query = query;
    r.target = query.empty() ? path : path + "?" + query;
    auto match = router_.Find(r.method, r.path);
    if (match.kind != http::Router::MatchKind::kFound) return site_->NotFound(r);
    r.params = match.params;
    return (*match.handler)(r);
  }

  json::value GetJson(const std::string& path, const std::string& query, int status) {
    auto r = Get(path, query);
    EXPECT_EQ(r.status, status) << path << "?" << query << ": " << r.BodyView();
    EXPECT_EQ(r.headers.Get("Content-Type").value_or(""), "application/json");
    boost::system::error_code ec;
    auto v = json::parse(r.BodyView(), ec);
    EXPECT_FALSE(ec) << r.BodyView();
    return v;
  }

  const insight::Relation* FindRelation(const std::string& slug, const std::string& a, const std::string& b) {
    for (const auto& r : analyses_.at(slug).relations)
      if (r.a == a && r.b == b) return &r;
    return nullptr;
  }

  int64_t now_ = kNow;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Site> site_;
  http::Router router_;
  std::map<std::string, insight::Analysis> analyses_;
};

// What the analyser found in the articles above, which the pages rely on.
TEST_F(InsightPagesTest, TheArticlesRelateTheExpectedPairs) {
  EXPECT_NE(FindRelation("thaw", "PAK", "RUS"), nullptr);
  EXPECT_NE(FindRelation("thaw", "PAK", "USA"), nullptr);
  EXPECT_NE(FindRelation("energy", "PAK", "RUS"), nullptr);
  EXPECT_NE(FindRelation("energy", "PAK", "USA"), nullptr);
  EXPECT_NE(FindRelation("chill", "PAK", "RUS"), nullptr);
  EXPECT_NE(FindRelation("chill", "PAK", "SCRIPT-LEAGUE"), nullptr);
  EXPECT_NE(FindRelation("secret-draft", "CHN", "IND"), nullptr);
  EXPECT_GT(FindRelation("energy", "PAK", "RUS")->tone, 0);
  EXPECT_LT(FindRelation("chill", "PAK", "RUS")->tone, 0);
}

TEST_F(InsightPagesTest, ActorsIndexGroupsByKind) {
  auto r = Get("/actors");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  const auto body = r.BodyView();
  EXPECT_NE(body.find("<h1>Actors</h1>"), std::string_view::npos);
  EXPECT_NE(body.find("id=\"kind-state\">States</h2>"), std::string_view::npos);
  EXPECT_NE(body.find("id=\"kind-organization\">Organisations</h2>"), std::string_view::npos);
  EXPECT_NE(body.find("<a href=\"/actors/PAK\">Pakistan</a>"), std::string_view::npos);
  EXPECT_LT(body.find("id=\"kind-state\""), body.find("id=\"kind-organization\""));
  // The editor's hostile name is text, never markup.
  EXPECT_EQ(body.find("<script>alert(1)"), std::string_view::npos);
  EXPECT_NE(body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string_view::npos);
  // Nothing only a draft or a scheduled article names.
  EXPECT_EQ(body.find("/actors/IND"), std::string_view::npos);
  EXPECT_EQ(body.find("/actors/JPN"), std::string_view::npos);
  // The navigation leads here.
  EXPECT_NE(body.find("<a href=\"/relations\">Relations</a>"), std::string_view::npos);
}

TEST_F(InsightPagesTest, ActorPageListsArticlesAndPartners) {
  auto r = Get("/actors/PAK");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  const auto body = r.BodyView();
  EXPECT_NE(body.find("<h1>Pakistan</h1>"), std::string_view::npos);
  // Newest first.
  const auto chill = body.find("<a href=\"/articles/chill\">A Colder Season</a>");
  const auto energy = body.find("<a href=\"/articles/energy\">Pipelines and Promises</a>");
  const auto thaw = body.find("<a href=\"/articles/thaw\">Moscow Calling</a>");
  ASSERT_NE(chill, std::string_view::npos);
  ASSERT_NE(energy, std::string_view::npos);
  ASSERT_NE(thaw, std::string_view::npos);
  EXPECT_LT(chill, energy);
  EXPECT_LT(energy, thaw);
  // Partners link to themselves and to the pair; Russia is the most frequent.
  EXPECT_NE(body.find("<a href=\"/actors/RUS\">Russia</a>"), std::string_view::npos);
  EXPECT_NE(body.find("href=\"/relations/PAK--RUS\""), std::string_view::npos);
  EXPECT_NE(body.find("href=\"/relations/PAK--USA\""), std::string_view::npos);
  EXPECT_LT(body.find("/relations/PAK--RUS"), body.find("/relations/PAK--USA"));
  EXPECT_NE(body.find("href=\"/relations/PAK--SCRIPT-LEAGUE\""), std::string_view::npos);
  EXPECT_EQ(body.find("Secret Draft"), std::string_view::npos);
  EXPECT_EQ(body.find("Embargoed"), std::string_view::npos);
}

TEST_F(InsightPagesTest, ActorNamedAloneHasAPageThatListsItsArticle) {
  auto r = Get("/actors/KAZ");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  EXPECT_NE(r.BodyView().find("<h1>Kazakhstan</h1>"), std::string_view::npos);
  const size_t articles = r.BodyView().find("id=\"articles-heading\"");
  ASSERT_NE(articles, std::string_view::npos);
  EXPECT_NE(r.BodyView().find("<li><a href=\"/articles/", articles), std::string_view::npos)
      << "the article naming it alone is listed, not only counted";
  EXPECT_NE(r.BodyView().find("No article names it together with another actor."), std::string_view::npos);
  // The graph draws only actors with a pair.
  EXPECT_EQ(Get("/relations").BodyView().find("/actors/KAZ"), std::string_view::npos);
}

TEST_F(InsightPagesTest, UnknownActorsAreNotFound) {
  EXPECT_EQ(Get("/actors/NOPE").status, 404);
  EXPECT_EQ(Get("/actors/IND").status, 404);  // only the draft names India
  EXPECT_EQ(Get("/actors/JPN").status, 404);  // only the scheduled article names Japan
  EXPECT_EQ(Get("/actors/<script>").status, 404);
  EXPECT_EQ(Get("/actors/" + std::string(100, 'A')).status, 404);
}

TEST_F(InsightPagesTest, HostileActorPageIsEscaped) {
  auto r = Get("/actors/SCRIPT-LEAGUE");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  const auto body = r.BodyView();
  EXPECT_EQ(body.find("<script>alert(1)"), std::string_view::npos);
  EXPECT_NE(body.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"), std::string_view::npos);
  EXPECT_NE(body.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; · Test Review</title>"),
            std::string_view::npos);

  auto pair = Get("/relations/PAK--SCRIPT-LEAGUE");
  ASSERT_EQ(pair.status, 200) << pair.BodyView();
  EXPECT_EQ(pair.BodyView().find("<script>alert(1)"), std::string_view::npos);
  EXPECT_TRUE(SvgIsWellFormed(pair.BodyView(), "tone-chart"));

  auto graph = Get("/relations");
  ASSERT_EQ(graph.status, 200);
  EXPECT_EQ(graph.BodyView().find("<script>alert(1)"), std::string_view::npos);
  EXPECT_TRUE(SvgIsWellFormed(graph.BodyView(), "relations-graph"));
}

TEST_F(InsightPagesTest, RelationPageShowsTrendTimelineAndEvidence) {
  auto r = Get("/relations/PAK--RUS");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  const auto body = r.BodyView();
  EXPECT_NE(body.find("<a href=\"/actors/PAK\">Pakistan</a> and <a href=\"/actors/RUS\">Russia</a>"),
            std::string_view::npos);
  EXPECT_TRUE(SvgIsWellFormed(body, "tone-chart"));
  // One point per article, linked to it.
  EXPECT_NE(body.find("<a class=\"point\" href=\"/articles/thaw\""), std::string_view::npos);
  EXPECT_NE(body.find("<a class=\"point\" href=\"/articles/energy\""), std::string_view::npos);
  EXPECT_NE(body.find("<a class=\"point\" href=\"/articles/chill\""), std::string_view::npos);
  EXPECT_NE(body.find("3 articles from 2019 to 2023"), std::string_view::npos);
  // The timeline: dated events naming both, in date order, each linked to
  // its sentence by a text fragment.
  const auto e2018 = body.find("Pakistan and Russia signed a defence cooperation agreement in 2018.");
  const auto e2021 = body.find("Pakistan and Russia held talks on energy cooperation in March 2021.");
  const auto e2022 = body.find("Tensions between Pakistan and Russia grew in 2022 over sanctions.");
  ASSERT_NE(e2018, std::string_view::npos);
  ASSERT_NE(e2021, std::string_view::npos);
  ASSERT_NE(e2022, std::string_view::npos);
  EXPECT_LT(e2018, e2021);
  EXPECT_LT(e2021, e2022);
  EXPECT_NE(body.find("<time datetime=\"2021-03\">March 2021</time>"), std::string_view::npos);
  EXPECT_NE(
      body.find(
          "href=\"/articles/thaw#:~:text=Pakistan%20and%20Russia%20signed%20a%20defence%20cooperation%20"
          "agreement\""),
      std::string_view::npos);
  // The evidence: each sentence with its tone and the cues behind it.
  EXPECT_NE(body.find("<q>cooperation</q>"), std::string_view::npos);
  EXPECT_NE(body.find("<q>sanctions</q>"), std::string_view::npos);
  // Never the draft, the scheduled or the unanalysed article.
  EXPECT_EQ(body.find("Secret Draft"), std::string_view::npos);
  EXPECT_EQ(body.find("secret pact"), std::string_view::npos);
  EXPECT_EQ(body.find("Not Analysed Yet"), std::string_view::npos);
}

TEST_F(InsightPagesTest, ReversedPairRedirectsToTheCanonicalUrl) {
  auto r = Get("/relations/RUS--PAK");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.headers.Get("Location").value_or(""), "/relations/PAK--RUS");
  auto with_query = Get("/relations/RUS--PAK", "x=1");
  EXPECT_EQ(with_query.headers.Get("Location").value_or(""), "/relations/PAK--RUS?x=1");
}

TEST_F(InsightPagesTest, UnknownPairsAreNotFound) {
  EXPECT_EQ(Get("/relations/PAK--PAK").status, 404);
  EXPECT_EQ(Get("/relations/NOPE--PAK").status, 404);
  EXPECT_EQ(Get("/relations/PAK--ZZZ").status, 404);
  EXPECT_EQ(Get("/relations/CHN--IND").status, 404);  // only in the draft
  EXPECT_EQ(Get("/relations/AUS--JPN").status, 404);  // only in the scheduled article
  EXPECT_EQ(Get("/relations/PAK").status, 404);
  EXPECT_EQ(Get("/relations/--PAK").status, 404);
  EXPECT_EQ(Get("/relations/PAK--<b>").status, 404);
}

TEST_F(InsightPagesTest, ScheduledArticleAppearsWhenItsTimeComes) {
  EXPECT_EQ(Get("/relations/AUS--JPN").status, 404);
  now_ = kNow + 2 * 86400;
  EXPECT_EQ(Get("/relations/AUS--JPN").status, 200);
  EXPECT_EQ(Get("/actors/JPN").status, 200);
}

TEST_F(InsightPagesTest, RelationsGraphWithTableAndPeriodFilter) {
  auto r = Get("/relations");
  ASSERT_EQ(r.status, 200) << r.BodyView();
  const auto body = r.BodyView();
  EXPECT_TRUE(SvgIsWellFormed(body, "relations-graph"));
  // Every node and edge links somewhere; the table repeats the edges.
  EXPECT_NE(body.find("<a class=\"node kind-state\" href=\"/actors/PAK\">"), std::string_view::npos);
  EXPECT_NE(body.find("<a class=\"edge\" href=\"/relations/PAK--RUS\">"), std::string_view::npos);
  EXPECT_NE(body.find("<caption>"), std::string_view::npos);
  EXPECT_NE(body.find("<a href=\"/actors/PAK\">Pakistan</a> and <a href=\"/actors/RUS\">Russia</a>"),
            std::string_view::npos);
  EXPECT_NE(body.find("<form class=\"period-form\" method=\"get\" action=\"/relations\">"),
            std::string_view::npos);
  EXPECT_EQ(body.find("/relations/CHN--IND"), std::string_view::npos);

  // 2023 only: the chill article.
  auto later = Get("/relations", "from=2023&to=2023");
  ASSERT_EQ(later.status, 200);
  EXPECT_NE(later.BodyView().find("/relations/PAK--SCRIPT-LEAGUE"), std::string_view::npos);
  EXPECT_EQ(later.BodyView().find("/relations/PAK--USA"), std::string_view::npos);
  EXPECT_NE(later.BodyView().find("value=\"2023\""), std::string_view::npos);
  EXPECT_TRUE(SvgIsWellFormed(later.BodyView(), "relations-graph"));
  // Up to 2021: no Scriptorium League yet.
  auto earlier = Get("/relations", "to=2021");
  ASSERT_EQ(earlier.status, 200);
  EXPECT_EQ(earlier.BodyView().find("SCRIPT-LEAGUE"), std::string_view::npos);
  EXPECT_NE(earlier.BodyView().find("/relations/PAK--USA"), std::string_view::npos);
  // A period with nothing in it.
  auto empty = Get("/relations", "from=1990&to=1991");
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.BodyView().find("<svg"), std::string_view::npos);
  EXPECT_NE(empty.BodyView().find("names two actors together yet"), std::string_view::npos);
}

TEST_F(InsightPagesTest, BadPeriodIsA400WithTheFormKept) {
  auto r = Get("/relations", "from=20x1&to=2022");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.BodyView().find("must be a year of four digits"), std::string_view::npos);
  EXPECT_NE(r.BodyView().find("value=\"20x1\""), std::string_view::npos);
  EXPECT_NE(r.BodyView().find("aria-invalid=\"true\""), std::string_view::npos);
  auto reversed = Get("/relations", "from=2023&to=2020");
  EXPECT_EQ(reversed.status, 400);
  EXPECT_NE(reversed.BodyView().find("The first year comes after the last."), std::string_view::npos);
  auto hostile = Get("/relations", "from=%22%3E%3Cscript%3E");
  EXPECT_EQ(hostile.status, 400);
  EXPECT_EQ(hostile.BodyView().find("\"><script>"), std::string_view::npos);
}

TEST_F(InsightPagesTest, ArticlePageHasActorsBoxAndRelatedAnalysis) {
  auto r = Get("/articles/energy");
  ASSERT_EQ(r.status, 200);
  const auto body = r.BodyView();
  ASSERT_NE(body.find("Actors in this analysis"), std::string_view::npos);
  EXPECT_NE(body.find("<a href=\"/actors/PAK\">Pakistan</a> <span class=\"insight-meta\">state · "),
            std::string_view::npos);
  EXPECT_NE(body.find("href=\"/relations/PAK--RUS\""), std::string_view::npos);
  ASSERT_NE(body.find("Related analysis"), std::string_view::npos);
  // Both other analysed articles share Pakistan–Russia; "thaw" also shares
  // Pakistan–United States, so it ranks first.
  const auto thaw = body.find("<a href=\"/articles/thaw\">Moscow Calling</a>");
  const auto chill = body.find("<a href=\"/articles/chill\">A Colder Season</a>");
  ASSERT_NE(thaw, std::string_view::npos);
  ASSERT_NE(chill, std::string_view::npos);
  EXPECT_LT(thaw, chill);
  EXPECT_EQ(body.find("Secret Draft"), std::string_view::npos);
  EXPECT_EQ(body.find("Not Analysed Yet"), std::string_view::npos);

  // An article without an analysis has no box.
  auto unread = Get("/articles/unread");
  ASSERT_EQ(unread.status, 200);
  EXPECT_EQ(unread.BodyView().find("Actors in this analysis"), std::string_view::npos);
  EXPECT_EQ(unread.BodyView().find("Related analysis"), std::string_view::npos);

  // The hostile name in the box is text.
  auto chill_page = Get("/articles/chill");
  EXPECT_EQ(chill_page.BodyView().find("<script>alert(1)"), std::string_view::npos);
  EXPECT_NE(chill_page.BodyView().find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string_view::npos);
}

TEST_F(InsightPagesTest, ApiActors) {
  auto all = GetJson("/api/v1/actors", "", 200);
  const auto& actors = all.at("actors").as_array();
  ASSERT_FALSE(actors.empty());
  const json::object* pak = nullptr;
  for (const auto& a : actors)
    if (a.at("id") == "PAK") pak = &a.as_object();
  ASSERT_NE(pak, nullptr);
  EXPECT_EQ(pak->at("name"), "Pakistan");
  EXPECT_EQ(pak->at("kind"), "state");
  EXPECT_TRUE(pak->at("country").is_null());
  EXPECT_EQ(pak->at("articles").as_int64(), 3);
  EXPECT_GE(pak->at("mentions").as_int64(), 6);
  for (const auto& a : actors) {
    EXPECT_NE(a.at("id"), "IND");
    EXPECT_NE(a.at("id"), "JPN");
  }
  // The hostile name comes back as the data it is.
  bool hostile = false;
  for (const auto& a : actors) hostile |= a.at("name") == "<script>alert(1)</script>";
  EXPECT_TRUE(hostile);

  auto filtered = GetJson("/api/v1/actors", "q=russ", 200);
  ASSERT_EQ(filtered.at("actors").as_array().size(), 1u);
  EXPECT_EQ(filtered.at("actors").as_array()[0].at("id"), "RUS");
  EXPECT_EQ(GetJson("/api/v1/actors", "q=pak", 200).at("count").as_int64(), 1);
  // 2023 on: PAK, RUS and the league (chill), KAZ (steppe).
  EXPECT_EQ(GetJson("/api/v1/actors", "from=2023", 200).at("actors").as_array().size(), 4u);
  GetJson("/api/v1/actors", "from=soon", 400);
}

TEST_F(InsightPagesTest, ApiActor) {
  auto pak = GetJson("/api/v1/actors/PAK", "", 200);
  EXPECT_EQ(pak.at("actor").at("id"), "PAK");
  const auto& articles = pak.at("articles").as_array();
  ASSERT_EQ(articles.size(), 3u);
  EXPECT_EQ(articles[0].at("slug"), "chill");
  EXPECT_EQ(articles[2].at("slug"), "thaw");
  const auto& partners = pak.at("partners").as_array();
  ASSERT_FALSE(partners.empty());
  EXPECT_EQ(partners[0].at("id"), "RUS");
  EXPECT_EQ(partners[0].at("articles").as_int64(), 3);

  auto missing = GetJson("/api/v1/actors/IND", "", 404);
  EXPECT_EQ(missing.at("error").at("status").as_int64(), 404);
  GetJson("/api/v1/actors/NOPE", "", 404);
  GetJson("/api/v1/nothing/here", "", 404);
}

TEST_F(InsightPagesTest, ApiRelations) {
  auto all = GetJson("/api/v1/relations", "", 200);
  const auto& pairs = all.at("relations").as_array();
  ASSERT_FALSE(pairs.empty());
  EXPECT_EQ(pairs[0].at("a"), "PAK");  // the most mentioned pair first
  EXPECT_EQ(pairs[0].at("b"), "RUS");
  EXPECT_EQ(pairs[0].at("articles").as_int64(), 3);
  for (const auto& p : pairs) EXPECT_NE(p.at("a"), "CHN");

  // One pair, in either order.
  auto pair = GetJson("/api/v1/relations", "a=RUS&b=PAK", 200);
  EXPECT_EQ(pair.at("a").at("id"), "PAK");
  EXPECT_EQ(pair.at("b").at("id"), "RUS");
  const auto& articles = pair.at("articles").as_array();
  ASSERT_EQ(articles.size(), 3u);
  EXPECT_EQ(articles[0].at("slug"), "chill");
  EXPECT_LT(articles[0].at("tone").to_number<double>(), 0);
  EXPECT_GT(articles[1].at("tone").to_number<double>(), 0);
  ASSERT_FALSE(articles[0].at("evidence").as_array().empty());
  EXPECT_FALSE(articles[0].at("evidence").as_array()[0].at("cues").as_array().empty());
  const auto& events = pair.at("events").as_array();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at("date"), "2018");
  EXPECT_EQ(events[1].at("date"), "2021-03");
  EXPECT_NE(
      std::string(events[1].at("url").as_string()).find("/articles/energy#:~:text=Pakistan%20and%20Russia"),
      std::string::npos);

  // The period filter applies to the pair too.
  auto period = GetJson("/api/v1/relations", "a=PAK&b=RUS&from=2021&to=2021", 200);
  EXPECT_EQ(period.at("articles").as_array().size(), 1u);

  GetJson("/api/v1/relations", "a=PAK", 400);
  GetJson("/api/v1/relations", "a=PAK&b=PAK", 400);
  GetJson("/api/v1/relations", "a=PAK&b=%3Cscript%3E", 400);
  GetJson("/api/v1/relations", "a=PAK&b=NOPE", 404);
  GetJson("/api/v1/relations", "a=CHN&b=IND", 404);
  GetJson("/api/v1/relations", "to=20", 400);
}

TEST_F(InsightPagesTest, SitemapListsTheInsightPages) {
  auto r = Get("/sitemap.xml");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.BodyView().find("/actors/PAK</loc>"), std::string_view::npos);
  EXPECT_NE(r.BodyView().find("/relations</loc>"), std::string_view::npos);
  EXPECT_EQ(r.BodyView().find("/actors/IND</loc>"), std::string_view::npos);
}

}  // namespace
}  // namespace chancery::site
