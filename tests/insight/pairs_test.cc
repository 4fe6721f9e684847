// Which pair a cue is about (pairs.h), through whole analyses.
#include "insight/pairs.h"

#include <gtest/gtest.h>

#include "insight/insight.h"
#include "test_util.h"

namespace chancery::insight {
namespace {

using testing::Analyse;
using testing::FindRelation;

double Tone(const Analysis& a, std::string_view x, std::string_view y) {
  const Relation* r = FindRelation(a, x, y);
  return r == nullptr ? 99.0 : r->tone;
}

TEST(PairsTest, OnePairTakesEveryCue) {
  const Analysis a =
      Analyse("Russia, after a long and winding history of doubt, now says it will cooperate with China.");
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "RUS"), 4);
}

TEST(PairsTest, BetweenNamesTheirPairTakesTheCue) {
  const Analysis a =
      Analyse("The convergence between Washington and New Delhi gave Moscow a reason to think.");
  EXPECT_DOUBLE_EQ(Tone(a, "IND", "USA"), 3);
  // Russia is mentioned with both, with no cue of its own.
  ASSERT_NE(FindRelation(a, "RUS", "USA"), nullptr);
  EXPECT_EQ(FindRelation(a, "RUS", "USA")->mentions, 1);
  EXPECT_DOUBLE_EQ(Tone(a, "RUS", "USA"), 0);
  EXPECT_TRUE(FindRelation(a, "RUS", "USA")->evidence[0].cues.empty());
}

TEST(PairsTest, EachCueGoesToTheNearestPairing) {
  const Analysis a = Analyse("Tension in the Pak-US relationship grew, while Russia and China cooperate.");
  EXPECT_DOUBLE_EQ(Tone(a, "PAK", "USA"), -4);
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "RUS"), 4);
  EXPECT_DOUBLE_EQ(Tone(a, "PAK", "RUS"), 0);
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "USA"), 0);
}

TEST(PairsTest, RelationsWithPairTheirNames) {
  const Analysis a = Analyse("Moscow’s relations with Washington hit the bottom, said Beijing.");
  EXPECT_DOUBLE_EQ(Tone(a, "RUS", "USA"), -6);
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "RUS"), 0);
}

TEST(PairsTest, AppositionIsNoPairing) {
  // "envoy to Afghanistan, Zamir Kabulov": names joined by a comma alone are
  // no pairing, so the cue below reaches every pair near it.
  using internal::PairCue;
  const std::string folded = "p, q agree r";
  auto tones =
      internal::AttributeCues(folded, {{0, 1, "P"}, {3, 4, "Q"}, {11, 12, "R"}}, {PairCue{5, 10, 2}});
  ASSERT_EQ(tones.size(), 3u);
  for (const auto& t : tones) EXPECT_DOUBLE_EQ(t.tone, 2) << t.a << "-" << t.b;
  // With "and" they are a pairing and take the cue alone.
  tones = internal::AttributeCues("p and q agree r", {{0, 1, "P"}, {6, 7, "Q"}, {14, 15, "R"}},
                                  {PairCue{8, 13, 2}});
  EXPECT_DOUBLE_EQ(tones[0].tone, 2);  // P-Q
  EXPECT_DOUBLE_EQ(tones[1].tone, 0);  // P-R
}

TEST(PairsTest, CueFarFromEveryNameSpeaksForTheSentence) {
  const Analysis a = Analyse(
      "Russia, China and, in its own way, Pakistan, each for reasons of its own and after many long years, "
      "finally reached one thing in common: a summit.");
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "RUS"), 6);
}

TEST(PairsTest, LoneNameNearerThanAPairingTakesTheCue) {
  const Analysis a = Analyse(
      "Beijing refused talks, noting that its forces are smaller than those of Washington or Moscow.");
  EXPECT_DOUBLE_EQ(Tone(a, "CHN", "USA"), -4);
  EXPECT_DOUBLE_EQ(Tone(a, "RUS", "USA"), 0);
}

TEST(PairsTest, ArmedGroupsCountAsThemselves) {
  const Analysis a = Analyse("The TTP attacked Pakistan in 2023 and rejected talks.");
  EXPECT_NE(FindRelation(a, "PAK", "TTP"), nullptr);
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events[0].actors, (testing::Ids{"PAK", "TTP"}));
}

TEST(PairsTest, CuesInsideProperNamesDoNotCount) {
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia and China discussed the Summit Treaty Plan."), "CHN", "RUS"), 0);
  // A heading is in title case throughout and keeps its cues.
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia and China Plan a Summit"), "CHN", "RUS"), 6);
  // The first word of a sentence is capitalised anyway.
  EXPECT_DOUBLE_EQ(Tone(Analyse("Talks between Russia and China resumed."), "CHN", "RUS"), 4);
}

TEST(PairsTest, PrefixModifiersChangeOnlyTheirWord) {
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia and China signed an anti-missile treaty."), "CHN", "RUS"), 8);
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia and China are anti-cooperation."), "CHN", "RUS"), -4);
}

TEST(PairsTest, NegationWithToAlsoReadsWithout) {
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia refused to cooperate with China."), "CHN", "RUS"), -4);
  EXPECT_DOUBLE_EQ(Tone(Analyse("Russia refused talks with China."), "CHN", "RUS"), -4);
}

TEST(PairsTest, AttributeCuesDirectly) {
  using internal::AttributeCues;
  using internal::PairCue;
  using internal::PairMention;
  // "a and b agree ; c" with a cue on "agree".
  const std::string folded = "a and b agree; c";
  auto tones = AttributeCues(folded, {{0, 1, "A"}, {6, 7, "B"}, {15, 16, "C"}}, {PairCue{8, 13, 5}});
  ASSERT_EQ(tones.size(), 3u);
  EXPECT_EQ(tones[0].a, "A");
  EXPECT_EQ(tones[0].b, "B");
  EXPECT_DOUBLE_EQ(tones[0].tone, 5);
  EXPECT_DOUBLE_EQ(tones[1].tone, 0);  // A-C
  EXPECT_DOUBLE_EQ(tones[2].tone, 0);  // B-C
  EXPECT_TRUE(AttributeCues(folded, {{0, 1, "A"}, {6, 7, "A"}}, {}).empty());
}

}  // namespace
}  // namespace chancery::insight
