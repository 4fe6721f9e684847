// Helpers shared by the insight tests: the fixture gazetteer and small
// queries on an Analysis.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "insight/insight.h"

namespace chancery::insight::testing {

inline std::string FixtureDir() {
  return std::string(CHANCERY_SOURCE_DIR) + "/tests/insight/testdata/gazetteer";
}

// The fixture gazetteer (tests/insight/testdata/gazetteer), loaded once.
inline const Gazetteer& FixtureGazetteer() {
  static const Gazetteer gazetteer = [] {
    auto g = Gazetteer::FromDirectory(FixtureDir());
    if (!g.ok()) {
      ADD_FAILURE() << g.status().ToString();
      return Gazetteer();
    }
    return std::move(*g);
  }();
  return gazetteer;
}

inline const Analyzer& FixtureAnalyzer() {
  static const Analyzer analyzer(FixtureGazetteer());
  return analyzer;
}

inline Analysis Analyse(std::string_view text, int year = 0) {
  auto a = FixtureAnalyzer().Analyze(text, {.year = year});
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? std::move(*a) : Analysis();
}

// The ids of the actors found, sorted.
inline std::vector<std::string> ActorIds(const Analysis& a) {
  std::vector<std::string> ids;
  for (const auto& actor : a.actors) ids.push_back(actor.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline std::vector<std::string> ActorIds(std::string_view text, int year = 0) {
  return ActorIds(Analyse(text, year));
}

inline const Relation* FindRelation(const Analysis& a, std::string_view x, std::string_view y) {
  for (const auto& r : a.relations)
    if ((r.a == x && r.b == y) || (r.a == y && r.b == x)) return &r;
  return nullptr;
}

inline const ActorSummary* FindActor(const Analysis& a, std::string_view id) {
  for (const auto& actor : a.actors)
    if (actor.id == id) return &actor;
  return nullptr;
}

using Ids = std::vector<std::string>;

}  // namespace chancery::insight::testing
