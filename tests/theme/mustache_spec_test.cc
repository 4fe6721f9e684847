// Runs the official Mustache spec (../shared/testdata/mustache-spec/*.json):
// one test per spec file, every failing case reported by its name.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "theme/mustache.h"

namespace chancery::theme {
namespace {

namespace json = boost::json;

json::value LoadSpec(const std::string& file) {
  const std::string path = std::string(CHANCERY_SHARED_DIR) + "/testdata/mustache-spec/" + file + ".json";
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty()) {
    ADD_FAILURE() << "cannot read " << path;
    return nullptr;
  }
  return json::parse(text);
}

class MustacheSpecTest : public testing::TestWithParam<std::string> {};

TEST_P(MustacheSpecTest, AllCasesPass) {
  const json::value spec = LoadSpec(GetParam());
  ASSERT_TRUE(spec.is_object());
  const json::array& cases = spec.at("tests").as_array();
  ASSERT_FALSE(cases.empty());
  for (const json::value& c : cases) {
    const std::string name(c.at("name").as_string());
    std::map<std::string, std::string, std::less<>> partials;
    if (const json::value* p = c.as_object().if_contains("partials")) {
      for (const auto& kv : p->as_object()) partials.emplace(kv.key(), std::string(kv.value().as_string()));
    }
    const Result<std::string> out =
        RenderString(std::string(c.at("template").as_string()), c.at("data"), partials);
    ASSERT_TRUE(out.ok()) << GetParam() << " / " << name << ": " << out.status().ToString();
    EXPECT_EQ(*out, std::string(c.at("expected").as_string()))
        << GetParam() << " / " << name << "\n  template: " << json::serialize(c.at("template"))
        << "\n  data: " << json::serialize(c.at("data"));
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, MustacheSpecTest,
                         testing::Values("comments", "delimiters", "interpolation", "inverted", "partials",
                                         "sections", "~inheritance", "~dynamic-names"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) {
                             if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                           }
                           return name;
                         });

TEST(MustacheSpecTest, LambdasAreNotSupported) {
  // Contexts are JSON values, which cannot hold the code a lambda needs.
  GTEST_SKIP() << "~lambdas.json is skipped: JSON contexts carry no functions";
}

}  // namespace
}  // namespace chancery::theme
