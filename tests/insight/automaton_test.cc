#include "insight/automaton.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace chancery::insight::internal {
namespace {

using Hit = std::tuple<std::string, std::uint32_t, std::uint32_t>;

std::set<Hit> ScanAll(const Automaton& a, std::string_view text) {
  std::set<Hit> hits;
  a.Scan(text,
         [&](std::uint32_t id, std::uint32_t b, std::uint32_t e) { hits.emplace(a.pattern(id), b, e); });
  return hits;
}

TEST(AutomatonTest, FindsEveryOccurrenceIncludingOverlaps) {
  Automaton a;
  for (const char* p : {"he", "she", "his", "hers"}) a.Add(p);
  a.Build();
  EXPECT_EQ(ScanAll(a, "ushers"), (std::set<Hit>{{"she", 1, 4}, {"he", 2, 4}, {"hers", 2, 6}}));
  EXPECT_EQ(ScanAll(a, "ahishers"),
            (std::set<Hit>{{"his", 1, 4}, {"she", 3, 6}, {"he", 4, 6}, {"hers", 4, 8}}));
}

TEST(AutomatonTest, NestedPatternsAllReported) {
  Automaton a;
  for (const char* p : {"shanghai", "shanghai cooperation organisation", "cooperation"}) a.Add(p);
  a.Build();
  const auto hits = ScanAll(a, "the shanghai cooperation organisation met");
  EXPECT_TRUE(hits.count({"shanghai", 4, 12}));
  EXPECT_TRUE(hits.count({"cooperation", 13, 24}));
  EXPECT_TRUE(hits.count({"shanghai cooperation organisation", 4, 37}));
  EXPECT_EQ(hits.size(), 3u);
}

TEST(AutomatonTest, SameBytesSameId) {
  Automaton a;
  const auto x = a.Add("moscow");
  const auto y = a.Add("kabul");
  EXPECT_EQ(a.Add("moscow"), x);
  EXPECT_NE(x, y);
  a.Build();
  EXPECT_EQ(a.pattern_count(), 2u);
}

TEST(AutomatonTest, BytesOutsideTheAlphabetResetTheMatch) {
  Automaton a;
  a.Add("ab");
  a.Build();
  EXPECT_EQ(ScanAll(a,
                    "a\xC3\xA9"
                    "ab a#b"),
            (std::set<Hit>{{"ab", 3, 5}}));
  EXPECT_TRUE(ScanAll(a, "").empty());
}

TEST(AutomatonTest, RepeatedCharactersAndFailureChains) {
  Automaton a;
  for (const char* p : {"aa", "aaa", "a"}) a.Add(p);
  a.Build();
  const auto hits = ScanAll(a, "aaaa");
  EXPECT_EQ(hits.size(), 4u + 3u + 2u);
}

}  // namespace
}  // namespace chancery::insight::internal
