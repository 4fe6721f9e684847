#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "insight/insight.h"
#include "test_util.h"

namespace chancery::insight {
namespace {

using testing::FixtureGazetteer;

TEST(GazetteerTest, LoadsTheFixture) {
  const Gazetteer& g = FixtureGazetteer();
  const Actor* pak = g.Find("PAK");
  ASSERT_NE(pak, nullptr);
  EXPECT_EQ(pak->name, "Pakistan");
  EXPECT_EQ(pak->kind, ActorKind::kState);
  bool capital = false, prefix = false;
  for (const auto& n : pak->names) {
    capital = capital || (n.text == "Islamabad" && n.form == NameForm::kCapital);
    prefix = prefix || (n.text == "Pak" && n.form == NameForm::kPrefix);
  }
  EXPECT_TRUE(capital);
  EXPECT_TRUE(prefix);
  EXPECT_TRUE(g.Find("SUN")->historical);
  EXPECT_TRUE(g.Find("TCD")->person_first);
  EXPECT_EQ(g.Find("TTP")->kind, ActorKind::kGroup);
  EXPECT_EQ(g.Find("TTP")->country, "PAK");
  const Actor* putin = g.Find("vladimir-putin");
  ASSERT_NE(putin, nullptr);
  EXPECT_EQ(putin->offices.size(), 3u);
  EXPECT_EQ(putin->offices[1].title, "Prime Minister");
  EXPECT_EQ(putin->offices[2].to, 0);
  const Actor* georgia = g.Find("GEO");
  EXPECT_EQ(georgia->name, "Georgia");
  EXPECT_TRUE(georgia->names[0].ambiguous);
  EXPECT_FALSE(g.places().empty());
  EXPECT_FALSE(g.compounds().empty());
  EXPECT_FALSE(g.cues().empty());
  EXPECT_EQ(g.modifiers().front().kind, ModifierKind::kNegation);
}

TEST(GazetteerTest, BadLinesNameFileAndLine) {
  Gazetteer g;
  ASSERT_TRUE(g.LoadFile("states.tsv", "# comment\nPAK\tPakistan\n\nRUS\tRussia\n").ok());
  auto s = g.LoadFile("people.tsv", "\n# x\nsergey-lavrov\tSergey Lavrov\t\tXYZ\tMinister\t2004\t\n");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "people.tsv:3: unknown country 'XYZ'");

  s = g.LoadFile("states.tsv", "Pk\tPakistan\n");
  EXPECT_NE(s.message().find("states.tsv:1"), std::string::npos) << s.message();
  s = g.LoadFile("states.tsv", "IND\tIndia\t\t\t\t\t\t\textra\n");
  EXPECT_NE(s.message().find("states.tsv:1: 9 columns"), std::string::npos) << s.message();
  s = g.LoadFile("states.tsv", "PAK\tPakistan again\n");
  EXPECT_EQ(s.code(), Status::Code::kAlreadyExists);
  EXPECT_NE(s.message().find("states.tsv:1"), std::string::npos);
  s = g.LoadFile("cues.tsv", "ok\t3\nbad\t12\n");
  EXPECT_EQ(s.message(), "cues.tsv:2: weight '12' is not a number from -10 to 10");
  s = g.LoadFile("cues.tsv", "co*operate\t3\n");
  EXPECT_NE(s.message().find("'*' may only end a word"), std::string::npos);
  s = g.LoadFile("modifiers.tsv", "not\tnegative\n");
  EXPECT_EQ(s.message(), "modifiers.tsv:1: kind 'negative' is not negation, hedge or intensifier");
  s = g.LoadFile("people.tsv", "a-b\tA B\t\tPAK\tX\t2010\t2001\n");
  EXPECT_NE(s.message().find("people.tsv:1: office ends (2001) before it starts (2010)"), std::string::npos);
  s = g.LoadFile("people.tsv", "a-b\tA B\t\tPAK\tX\t201\t\n");
  EXPECT_NE(s.message().find("people.tsv:1"), std::string::npos);
  s = g.LoadFile("organizations.tsv", "NATO\tNATO\t\t\tbogus\n");
  EXPECT_NE(s.message().find("organizations.tsv:1: unknown flag 'bogus'"), std::string::npos) << s.message();
  s = g.LoadFile("states.tsv", "AFG\tAfgh\xFFnistan\n");
  EXPECT_EQ(s.message(), "states.tsv:1: not valid UTF-8");
  s = g.LoadFile("colours.tsv", "");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST(GazetteerTest, FromDirectoryErrors) {
  auto missing = Gazetteer::FromDirectory("/nonexistent/insight");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(GazetteerTest, AddActorAliasAndMerge) {
  Gazetteer g = FixtureGazetteer();
  Actor kayani;
  kayani.id = "ashfaq-parvez-kayani";
  kayani.name = "Ashfaq Parvez Kayani";
  kayani.kind = ActorKind::kPerson;
  kayani.offices.push_back(Office{"PAK", "Chief of Army Staff", 2007, 2013});
  ASSERT_TRUE(g.AddActor(kayani).ok());
  EXPECT_EQ(g.AddActor(kayani).code(), Status::Code::kAlreadyExists);
  ASSERT_TRUE(g.AddName("ashfaq-parvez-kayani", "Kayani").ok());
  EXPECT_EQ(g.AddName("nobody", "Nobody").code(), Status::Code::kNotFound);

  Actor bad = kayani;
  bad.id = "Not An Id";
  EXPECT_EQ(g.AddActor(bad).code(), Status::Code::kInvalidArgument);
  bad.id = "x-y";
  bad.offices[0].country = "ZZZ";
  EXPECT_EQ(g.AddActor(bad).code(), Status::Code::kInvalidArgument);

  // An editor adds a duplicate entry, then merges it into the first.
  Actor dup;
  dup.id = "general-kiyani";
  dup.name = "General Kiyani";
  dup.kind = ActorKind::kPerson;
  dup.offices.push_back(Office{"PAK", "Chief of Army Staff", 2007, 2013});
  ASSERT_TRUE(g.AddActor(dup).ok());
  ASSERT_TRUE(g.AddName("general-kiyani", "Kiyani").ok());
  EXPECT_EQ(g.Merge("general-kiyani", "PAK").code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(g.Merge("general-kiyani", "ashfaq-parvez-kayani").ok());
  EXPECT_EQ(g.Find("general-kiyani"), nullptr);
  const Actor* merged = g.Find("ashfaq-parvez-kayani");
  EXPECT_EQ(merged->offices.size(), 2u);

  const Analyzer analyzer(g);
  auto a = analyzer.Analyze("General Kiyani visited Russia in 2012.");
  ASSERT_TRUE(a.ok());
  ASSERT_NE(testing::FindActor(*a, "ashfaq-parvez-kayani"), nullptr);
  EXPECT_EQ(testing::FindActor(*a, "ashfaq-parvez-kayani")->country, "PAK");
  EXPECT_NE(testing::FindRelation(*a, "PAK", "RUS"), nullptr);
}

TEST(GazetteerTest, MergePointsCountriesAtTheSurvivor) {
  Gazetteer g;
  ASSERT_TRUE(g.LoadFile("states.tsv", "SUN\tSoviet Union\nRUS\tRussia\n").ok());
  ASSERT_TRUE(g.LoadFile("people.tsv", "x-y\tX Y\t\tSUN\tPremier\t1950\t1960\n").ok());
  ASSERT_TRUE(g.Merge("SUN", "RUS").ok());
  EXPECT_EQ(g.Find("x-y")->offices[0].country, "RUS");
  bool alias = false;
  for (const auto& n : g.Find("RUS")->names) alias = alias || n.text == "Soviet Union";
  EXPECT_TRUE(alias);
}

TEST(GazetteerTest, BuiltinLoads) {
  auto g = Gazetteer::Builtin();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  for (const char* id : {"PAK", "RUS", "USA", "CHN", "IND", "AFG"}) EXPECT_NE(g->Find(id), nullptr) << id;
}

// The compiled-in data on whole articles (the scores are checked by the
// insight_*_score tests; this runs the same path under the sanitizers).
TEST(GazetteerTest, BuiltinReadsWholeArticles) {
  auto g = Gazetteer::Builtin();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const Analyzer analyzer(*g);
  for (const char* name : {"india-china-border", "us-russia-arms-control", "afghanistan-pakistan-border"}) {
    const std::string path =
        std::string(CHANCERY_SOURCE_DIR) + "/tests/insight/testdata/held/" + name + ".txt";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto a = analyzer.Analyze(text, {.year = 2025});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_GT(a->actors.size(), 5u) << name;
    EXPECT_GT(a->relations.size(), 3u) << name;
    EXPECT_GT(a->events.size(), 5u) << name;
  }
}

}  // namespace
}  // namespace chancery::insight
