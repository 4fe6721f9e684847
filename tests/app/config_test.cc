#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace chancery::app {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(CHANCERY_BINARY_DIR) / "test-tmp" / ("config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& text) { std::ofstream(dir_ / "chancery.toml") << text; }
  EnvLookup Env(std::map<std::string, std::string> vars) {
    return [vars](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  fs::path dir_;
};

TEST_F(ConfigTest, MissingFileGivesDefaults) {
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c->server.threads, 2);
  EXPECT_EQ(c->StoreUrl(), "sqlite:" + (dir_ / "chancery.db").string());
}

TEST_F(ConfigTest, DefaultFileRoundTrips) {
  SiteConfig site;
  site.title = "The \"Quoted\" Review";
  site.base_url = "https://example.org";
  Write(DefaultConfigToml(site));
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->site.title, "The \"Quoted\" Review");
  EXPECT_EQ(c->site.base_url, "https://example.org");
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  Write("[server]\nthreads = 3\nlisten = \"127.0.0.1:9000\"\n[site]\ntitle = \"A\"\n");
  auto c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_SERVER_THREADS", "5"},
                                              {"CHANCERY_SITE_TITLE", "B"},
                                              {"CHANCERY_SERVER_ACCESS_LOG", "false"},
                                              {"CHANCERY_DATABASE_URL", "postgresql://x/y"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.threads, 5);
  EXPECT_EQ(c->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(c->site.title, "B");
  EXPECT_FALSE(c->server.access_log);
  EXPECT_EQ(c->StoreUrl(), "postgresql://x/y");
}

TEST_F(ConfigTest, TyposAndBadValuesAreClearErrors) {
  Write("[server]\nthreds = 3\n");
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown setting server.threds"), std::string::npos);

  Write("[server]\nthreads = \"many\"\n");
  c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("server.threads must be an integer"), std::string::npos);

  Write("[bogus]\nx = 1\n");
  c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown section [bogus]"), std::string::npos);

  Write("this is = = not toml");
  c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("invalid TOML"), std::string::npos);

  Write("");
  c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_SERVER_THREADS", "lots"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("CHANCERY_SERVER_THREADS"), std::string::npos);

  c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_SITE_BASE_URL", "ftp://x"}}));
  ASSERT_FALSE(c.ok());

  c = LoadConfig(dir_.string(), (dir_ / "nope.toml").string(), Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
}

TEST(ParseListen, HostAndPort) {
  auto l = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->first, "127.0.0.1");
  EXPECT_EQ(l->second, 8080);
  auto v6 = ParseListen("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(ParseListen("localhost").ok());
  EXPECT_FALSE(ParseListen("x:99999").ok());
  EXPECT_FALSE(ParseListen("x:").ok());
}

}  // namespace
}  // namespace chancery::app
