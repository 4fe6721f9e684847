#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "base/text.h"
#include "insight/insight.h"
#include "test_util.h"

namespace chancery::insight {
namespace {

using testing::ActorIds;
using testing::Analyse;
using testing::FindActor;
using testing::FindRelation;
using testing::Ids;

// --- names: case rules -------------------------------------------------------

TEST(CaseRulesTest, CapitalisedNamesOnly) {
  EXPECT_EQ(ActorIds("Turkey and Russia talked."), (Ids{"RUS", "TUR"}));
  EXPECT_EQ(ActorIds("We ate turkey in russia."), Ids{});
  EXPECT_EQ(ActorIds("MOSCOW AND BEIJING"), (Ids{"CHN", "RUS"}));
}

TEST(CaseRulesTest, AcronymsOnlyInCapitals) {
  EXPECT_EQ(ActorIds("The US and the EU disagree."), (Ids{"EU", "USA"}));
  EXPECT_EQ(ActorIds("Let us see what the eu of it is; Us too."), Ids{});
  EXPECT_EQ(ActorIds("The U.S. position hardened."), Ids{"USA"});
}

TEST(CaseRulesTest, DiacriticsAndPossessivesMatch) {
  EXPECT_EQ(ActorIds("Türkiye’s view differs from Côte d’Ivoire's."), (Ids{"CIV", "TUR"}));
  EXPECT_EQ(ActorIds("Moscow’s inclination towards Islamabad is obvious."), (Ids{"PAK", "RUS"}));
}

TEST(CaseRulesTest, LeadingTheIsOptional) {
  EXPECT_EQ(ActorIds("The Kremlin denied it; so did the White House."), (Ids{"RUS", "USA"}));
}

// --- longest match, places, compounds ---------------------------------------

TEST(LongestMatchTest, OrganisationWinsOverThePlaceInside) {
  const Analysis a = Analyse("The Shanghai Cooperation Organisation met in Shanghai.");
  EXPECT_EQ(ActorIds(a), Ids{"SCO"});
  // Its "Cooperation" is no cue.
  EXPECT_TRUE(a.relations.empty());
}

TEST(LongestMatchTest, CorridorDoesNotNameItsStates) {
  EXPECT_EQ(ActorIds("The China Pakistan Economic Corridor (CPEC) is slow."), Ids{"CPEC"});
  EXPECT_EQ(ActorIds("The China-Pakistan Economic Corridor is slow."), Ids{"CPEC"});
}

TEST(CompoundsTest, RegionalCompoundsNameNobody) {
  EXPECT_EQ(ActorIds("The Indo-Pacific strategy and Sino-Tibetan languages, AfPak and Anglo-Saxon law."),
            Ids{});
}

TEST(PlacesTest, PlacesAreNotActors) {
  EXPECT_EQ(ActorIds("Karachi and Quetta saw protests across Central Asia."), Ids{});
}

TEST(PlacesTest, CapitalAfterLocationPrepositionIsAPlace) {
  EXPECT_EQ(ActorIds("Talks in Islamabad covered trade."), Ids{});
  EXPECT_EQ(ActorIds("Russia and India met at New Delhi."), (Ids{"IND", "RUS"}));
  Analysis a = Analyse("Lavrov arrived from Moscow for talks in Islamabad.");
  EXPECT_EQ(ActorIds(a), (Ids{"RUS", "sergey-lavrov"}));
  EXPECT_EQ(a.relations.size(), 0u);
}

TEST(PlacesTest, ToIsAPlaceOnlyAfterTravel) {
  EXPECT_EQ(ActorIds("Lavrov paid a visit to Islamabad."), (Ids{"RUS", "sergey-lavrov"}));
  EXPECT_EQ(ActorIds("Lavrov flew back to Moscow."), (Ids{"RUS", "sergey-lavrov"}));
  // A recipient is an actor.
  EXPECT_EQ(ActorIds("Moscow sent a warning to Washington."), (Ids{"RUS", "USA"}));
}

TEST(PlacesTest, RoutesAndListsOfPlaces) {
  EXPECT_EQ(ActorIds("Flights from Islamabad to Moscow resumed."), Ids{});
  EXPECT_EQ(ActorIds("Talks in Islamabad and Kabul, Beijing or Moscow ended."), Ids{});
  // A list after "between" names actors.
  EXPECT_EQ(ActorIds("Convergence between Islamabad, Beijing, and Moscow."), (Ids{"CHN", "PAK", "RUS"}));
}

TEST(PlacesTest, PossessiveOrHyphenKeepsTheActor) {
  EXPECT_EQ(ActorIds("In Moscow’s view the matter is closed."), Ids{"RUS"});
  EXPECT_EQ(ActorIds("A new era in Islamabad-Moscow ties."), (Ids{"PAK", "RUS"}));
}

TEST(PlacesTest, CountryNamesAreAlwaysActors) {
  EXPECT_EQ(ActorIds("Kayani's visit to Russia and the rise of ISKP in Afghanistan."),
            (Ids{"AFG", "ISKP", "RUS"}));
  EXPECT_EQ(ActorIds("Business in Singapore is brisk."), Ids{"SGP"});
}

TEST(PlacesTest, WashingtonStateIsNotTheUnitedStates) {
  EXPECT_EQ(ActorIds("Apples from Washington state and Washington State University."), Ids{});
  EXPECT_EQ(ActorIds("Washington said no."), Ids{"USA"});
}

// --- ambiguity --------------------------------------------------------------

TEST(AmbiguityTest, AmbiguousNameNeedsAnUnambiguousOne) {
  EXPECT_EQ(ActorIds("Georgia voted."), Ids{});
  EXPECT_EQ(ActorIds("Georgia voted. Tbilisi insisted."), Ids{"GEO"});
  EXPECT_EQ(ActorIds("Jordan objected."), Ids{});
  EXPECT_EQ(ActorIds("Jordan objected, and the Hashemite Kingdom of Jordan said so."), Ids{"JOR"});
}

TEST(AmbiguityTest, NameRepeatedWithAQuestionMarkIsAmbiguous) {
  // data/insight keeps the name column clean and repeats it with "?" among
  // the aliases: the bare name is then ambiguous too.
  Gazetteer g;
  ASSERT_TRUE(g.LoadFile("states.tsv", "GEO\tGeorgia\tGeorgia?\t\tTbilisi\nRUS\tRussia\n").ok());
  const Analyzer analyzer(g);
  EXPECT_EQ(ActorIds(*analyzer.Analyze("Russia and Georgia fought.")), Ids{"RUS"});
  EXPECT_EQ(ActorIds(*analyzer.Analyze("Russia and Georgia fought. Tbilisi lost.")), (Ids{"GEO", "RUS"}));
}

TEST(AmbiguityTest, PersonLicensedByTheirStateInTheSentence) {
  EXPECT_EQ(ActorIds("Saleh spoke."), Ids{});
  const Analysis afg = Analyse("Saleh, the First Vice President of Afghanistan, spoke.");
  EXPECT_EQ(ActorIds(afg), (Ids{"AFG", "amrullah-saleh"}));
  const Analysis yem = Analyse("Saleh ruled Yemen for decades.");
  EXPECT_EQ(ActorIds(yem), (Ids{"YEM", "ali-abdullah-saleh"}));
}

TEST(AmbiguityTest, PersonFirstNames) {
  EXPECT_EQ(ActorIds("Chad Smith wrote the report."), Ids{});
  EXPECT_EQ(ActorIds("Chad and Russia signed."), (Ids{"RUS", "TCD"}));
  EXPECT_EQ(ActorIds("Chad Russia ties"), (Ids{"RUS", "TCD"}));
}

// --- hyphenated pairs --------------------------------------------------------

TEST(HyphenTest, PrefixesJoinedToActors) {
  const Analysis a = Analyse("The Pak-US relationship and Sino-Russian ties, US-Indo convergence.");
  EXPECT_EQ(ActorIds(a), (Ids{"CHN", "IND", "PAK", "RUS", "USA"}));
  EXPECT_NE(FindRelation(a, "PAK", "USA"), nullptr);
  EXPECT_NE(FindRelation(a, "CHN", "RUS"), nullptr);
}

TEST(HyphenTest, NamesJoinedToNames) {
  const Analysis a = Analyse("Islamabad-Moscow Evolving Romance");
  EXPECT_EQ(ActorIds(a), (Ids{"PAK", "RUS"}));
  ASSERT_NE(FindRelation(a, "PAK", "RUS"), nullptr);
  EXPECT_EQ(FindRelation(a, "PAK", "RUS")->mentions, 1);
}

TEST(HyphenTest, PrefixAloneNamesNobody) {
  EXPECT_EQ(ActorIds("A Sino-centric order, an Indo-Gangetic plain and Pak- alone."), Ids{});
  EXPECT_EQ(ActorIds("Indo-Pak talks"), (Ids{"IND", "PAK"}));
}

// --- people and offices -----------------------------------------------------

TEST(PeopleTest, TitlesAndOfficesByYear) {
  const Analysis a = Analyse("President Putin met Musharraf in 2003.");
  EXPECT_EQ(ActorIds(a), (Ids{"PAK", "RUS", "pervez-musharraf", "vladimir-putin"}));
  ASSERT_NE(FindRelation(a, "PAK", "RUS"), nullptr);
  EXPECT_EQ(FindActor(a, "vladimir-putin")->country, "RUS");
  // A state's mentions include its people.
  EXPECT_EQ(FindActor(a, "RUS")->mentions, 1);
}

TEST(PeopleTest, SharedSurnameResolvedByYear) {
  EXPECT_EQ(ActorIds("Bush went to war in 2003."), (Ids{"USA", "george-w-bush"}));
  EXPECT_EQ(ActorIds("Bush went to war in 1991."), (Ids{"USA", "george-h-w-bush"}));
  EXPECT_EQ(ActorIds("Bush went to war.", 1990), (Ids{"USA", "george-h-w-bush"}));
}

TEST(PeopleTest, OfficeWithoutAStateCountsAsThePerson) {
  const Analysis a = Analyse("Stoltenberg warned Moscow.");
  EXPECT_EQ(ActorIds(a), (Ids{"RUS", "jens-stoltenberg"}));
  EXPECT_NE(FindRelation(a, "RUS", "jens-stoltenberg"), nullptr);
}

TEST(PeopleTest, BodiesCountForTheirState) {
  const Analysis a = Analyse("The TTP and the ISI clashed with Kabul.");
  EXPECT_NE(FindRelation(a, "AFG", "PAK"), nullptr);
  EXPECT_EQ(FindActor(a, "TTP")->country, "PAK");
}

// --- tone -------------------------------------------------------------------

TEST(ToneTest, CuesAddUp) {
  const Analysis a = Analyse("Ties flourished between Islamabad and Moscow after the summit.");
  const Relation* r = FindRelation(a, "PAK", "RUS");
  ASSERT_NE(r, nullptr);
  EXPECT_DOUBLE_EQ(r->tone, 10);  // 5 + 6, clamped
  ASSERT_EQ(r->evidence.size(), 1u);
  EXPECT_EQ(r->evidence[0].cues.size(), 2u);
  EXPECT_EQ(r->evidence[0].cues[0].text, "Ties flourished");
  EXPECT_EQ(r->evidence[0].cues[1].phrase, "summit");
}

TEST(ToneTest, WildcardsAndPhrases) {
  const Analysis a = Analyse("Moscow’s relations with Washington have hit the bottom.");
  ASSERT_NE(FindRelation(a, "RUS", "USA"), nullptr);
  EXPECT_DOUBLE_EQ(FindRelation(a, "RUS", "USA")->tone, -6);
  const Analysis b = Analyse("Russia and China cooperate closely.");
  ASSERT_NE(FindRelation(b, "CHN", "RUS"), nullptr);
  EXPECT_DOUBLE_EQ(FindRelation(b, "CHN", "RUS")->tone, 4);
  EXPECT_EQ(FindRelation(b, "CHN", "RUS")->evidence[0].cues[0].text, "cooperate");
}

TEST(ToneTest, NegationFlipsHedgeHalvesIntensifierMultiplies) {
  auto tone = [](std::string_view text) {
    const Analysis a = Analyse(text);
    const Relation* r = FindRelation(a, "CHN", "RUS");
    return r ? r->tone : 99.0;
  };
  EXPECT_DOUBLE_EQ(tone("Russia and China did not cooperate."), -4);
  EXPECT_DOUBLE_EQ(tone("Russia and China didn't cooperate."), -4);
  EXPECT_DOUBLE_EQ(tone("Russia and China may cooperate."), 2);
  EXPECT_DOUBLE_EQ(tone("Russia and China deeply cooperate."), 6);
  EXPECT_DOUBLE_EQ(tone("Russia and China have perhaps never been in rivalry."), 2);
  // Out of reach: more than three words between.
  EXPECT_DOUBLE_EQ(tone("Russia is not, as many in China say, minded to cooperate."), 4);
  // "not only" affirms.
  EXPECT_DOUBLE_EQ(tone("Russia and China not only cooperate but trade."), 4);
}

TEST(ToneTest, ClampedAndMeanOfNonZeroSentences) {
  const Analysis a = Analyse(
      "Russia and China held a summit, a summit, a summit. Russia and China talked. "
      "Russia and China saw tension.");
  const Relation* r = FindRelation(a, "CHN", "RUS");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->mentions, 3);
  EXPECT_DOUBLE_EQ(r->evidence[0].tone, 10);
  EXPECT_DOUBLE_EQ(r->evidence[1].tone, 0);
  EXPECT_DOUBLE_EQ(r->tone, (10.0 - 4.0) / 2);
}

TEST(ToneTest, CancelledVisitIsNegative) {
  const Analysis a = Analyse("Pakistan’s cancelled visit to Afghanistan drew notice.");
  ASSERT_NE(FindRelation(a, "AFG", "PAK"), nullptr);
  EXPECT_DOUBLE_EQ(FindRelation(a, "AFG", "PAK")->tone, -4);
}

// --- dates ------------------------------------------------------------------

std::vector<std::string> Dates(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& e : Analyse("Russia " + std::string(text)).events) out.push_back(e.date);
  return out;
}

TEST(DatesTest, YearsMonthsDaysDecades) {
  EXPECT_EQ(Dates("acted in 2003 and since 2004."), (Ids{"2003", "2004"}));
  EXPECT_EQ(Dates("acted in March 2012."), Ids{"2012-03"});
  EXPECT_EQ(Dates("acted on 5 March 2012 and on March 6, 2013."), (Ids{"2012-03-05", "2013-03-06"}));
  EXPECT_EQ(Dates("acted on 2012-03-05."), Ids{"2012-03-05"});
  EXPECT_EQ(Dates("changed after 9/11."), Ids{"2001-09-11"});
  EXPECT_EQ(Dates("changed in the 1990s."), Ids{"1990"});
  EXPECT_EQ(Dates("acted in Sept. 2001."), Ids{"2001-09"});
  EXPECT_EQ(Dates("acted from 2001-2005."), (Ids{"2001", "2005"}));
  EXPECT_EQ(Dates("acted in mid-2012."), Ids{"2012"});
}

TEST(DatesTest, CountsAndReferencesAreNotDates) {
  EXPECT_EQ(Dates("sent 2,000 troops and 1500 soldiers, a 2000-strong force."), Ids{});
  EXPECT_EQ(Dates("held it some 300 years ago and 2000 years ago."), Ids{});
  EXPECT_EQ(Dates("backed Resolution 1267 and No. 1988, see page 1999 and p. 2010."), Ids{});
  EXPECT_EQ(Dates("is a 19th-century power; 10,000 militants; 2012.5 units; 45% of $2000."), Ids{});
  EXPECT_EQ(Dates("may act in May."), Ids{});
  EXPECT_EQ(Dates("will march in March 2020."), Ids{"2020-03"});
}

TEST(EventsTest, EventsCarryTheActorsOfTheirSentence) {
  const Analysis a = Analyse(
      "The Musharraf-Putin summit of 2003 and a visit to Russia in 2012 set the tone.\n\n"
      "In the office since 2004, Foreign Minister Sergey Lavrov is well known. The weather was fine in "
      "2005.");
  ASSERT_EQ(a.events.size(), 3u);
  EXPECT_EQ(a.events[0].date, "2003");
  EXPECT_EQ(a.events[0].actors, (Ids{"PAK", "RUS", "pervez-musharraf", "vladimir-putin"}));
  EXPECT_EQ(a.events[0].paragraph, 0);
  EXPECT_EQ(a.events[1].date, "2012");
  EXPECT_EQ(a.events[2].date, "2004");
  EXPECT_EQ(a.events[2].actors, (Ids{"RUS", "sergey-lavrov"}));
  EXPECT_EQ(a.events[2].paragraph, 1);
  EXPECT_EQ(a.events[2].sentence, "In the office since 2004, Foreign Minister Sergey Lavrov is well known.");
}

TEST(EventsTest, AnaphoraTakeThePreviousSentencesActors) {
  const Analysis a =
      Analyse("Pakistan and Russia grew closer. In 2012 they signed a deal. In 2013 it rained.");
  ASSERT_EQ(a.events.size(), 1u);  // "it rained" has no actor and... "it" is no anaphor of two states
  EXPECT_EQ(a.events[0].date, "2012");
  EXPECT_EQ(a.events[0].actors, (Ids{"PAK", "RUS"}));
  EXPECT_TRUE(a.events[0].inherited_actors);
}

// --- the whole -------------------------------------------------------------

TEST(AnalysisTest, JsonHasTheContractShape) {
  const Analysis a = Analyse("Russia and China cooperate; Lavrov said so in 2021.");
  const auto v = boost::json::parse(ToJson(a));
  const auto& root = v.as_object();
  ASSERT_TRUE(root.contains("actors") && root.contains("relations") && root.contains("events"));
  for (const auto& actor : root.at("actors").as_array()) {
    const auto& o = actor.as_object();
    for (const char* k : {"id", "name", "kind", "country", "mentions"}) EXPECT_TRUE(o.contains(k)) << k;
    const std::string kind(o.at("kind").as_string());
    EXPECT_TRUE(kind == "state" || kind == "organization" || kind == "group" || kind == "person");
  }
  const auto& lavrov = *std::find_if(root.at("actors").as_array().begin(), root.at("actors").as_array().end(),
                                     [](const auto& x) { return x.as_object().at("id") == "sergey-lavrov"; });
  EXPECT_EQ(lavrov.as_object().at("country"), "RUS");
  EXPECT_EQ(lavrov.as_object().at("kind"), "person");
  const auto& rel = root.at("relations").as_array().at(0).as_object();
  EXPECT_EQ(rel.at("a"), "CHN");
  EXPECT_EQ(rel.at("b"), "RUS");
  EXPECT_EQ(rel.at("tone").to_number<double>(), 4.0);
  EXPECT_EQ(rel.at("mentions"), 1);
  EXPECT_TRUE(rel.at("evidence").as_array().at(0).as_object().contains("cues"));
  const auto& ev = root.at("events").as_array().at(0).as_object();
  EXPECT_EQ(ev.at("date"), "2021");
  EXPECT_TRUE(ev.at("actors").is_array());
  EXPECT_TRUE(ev.at("sentence").is_string());
}

TEST(AnalysisTest, TextReportQuotesSentencesAndCues) {
  const std::string report = ToText(Analyse("Russia and China cooperate. In 2003 Pakistan and Russia met."));
  EXPECT_NE(report.find("CHN – RUS: tone +4.00 over 1 sentence"), std::string::npos) << report;
  EXPECT_NE(report.find("“Russia and China cooperate.”"), std::string::npos);
  EXPECT_NE(report.find("“cooperate” +4.00 (cooperat*)"), std::string::npos) << report;
  EXPECT_NE(report.find("Timeline (1)"), std::string::npos);
}

TEST(AnalysisTest, RejectsInvalidUtf8AndEmptyIsFine) {
  EXPECT_EQ(testing::FixtureAnalyzer().Analyze("Russia \xFF").status().code(),
            Status::Code::kInvalidArgument);
  const Analysis a = Analyse("");
  EXPECT_TRUE(a.actors.empty());
  EXPECT_EQ(ToJson(a), R"({"actors":[],"relations":[],"events":[],"sentences":0,"paragraphs":0})");
}

TEST(AnalysisTest, OddInputIsReadWithoutHarm) {
  // Random code points of every kind, odd punctuation, long runs.
  std::string text;
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  const char32_t pool[] = {'a',    'Z',    ' ',    '\n',   '-',     '\'',   '.',    '?',
                           '9',    '/',    0x2019, 0x201C, 0x2014,  0x0301, 0x00E9, 0x0130,
                           0xFB01, 0x05D0, 0x0627, 0x4E2D, 0x1F600, 0x00A0, 0x200B, 0xFFFD};
  for (int i = 0; i < 20000; ++i) AppendUtf8(text, pool[(next() >> 8) % std::size(pool)]);
  text += " Russia-China-Pak-US-Indo- -Sino 9/11/2001 1990s 2,000 Moscow’s’s ''s U.S.U.N. " +
          std::string(5000, '-');
  text += std::string(3000, 'a') + " " + std::string(2000, '\n') + "Russia";
  auto a = testing::FixtureAnalyzer().Analyze(text);
  ASSERT_TRUE(a.ok());
  EXPECT_GT(a->sentences, 0);
  EXPECT_FALSE(ToJson(*a).empty());
  EXPECT_FALSE(ToText(*a).empty());
}

TEST(AnalysisTest, ConcurrentAnalysesAgree) {
  const std::string text =
      "The Musharraf-Putin summit of 2003 mattered. Moscow’s relations with Washington have hit the bottom. "
      "Talks in Islamabad and the Pak-US strain continue; Sino-Russian ties flourished.";
  const std::string expected = ToJson(Analyse(text));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto a = testing::FixtureAnalyzer().Analyze(text);
        if (!a.ok() || ToJson(*a) != expected) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace chancery::insight
