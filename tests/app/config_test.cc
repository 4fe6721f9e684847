#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

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

TEST_F(ConfigTest, WriteThreadsFromTomlOrEnvironmentWithinBounds) {
  Write("[server]\nwrite_threads = 24\n");
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.write_threads, 24);

  c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_SERVER_WRITE_THREADS", "40"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.write_threads, 40);

  for (const char* bad : {"0", "257"}) {
    c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_SERVER_WRITE_THREADS", bad}}));
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.status().message().find("server.write_threads must be between 1 and 256"), std::string::npos)
        << c.status().message();
  }
}

// ---- [comments] ----------------------------------------------------------------------

TEST_F(ConfigTest, CommentsDefaultsAreWordPresssAndTheIssues) {
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const CommentsConfig& cm = c->comments;
  EXPECT_EQ(cm.moderation, "default");
  EXPECT_EQ(cm.hold_links_at, 2);
  EXPECT_TRUE(cm.require_prior_approval);
  EXPECT_TRUE(cm.moderation_list.empty());
  EXPECT_TRUE(cm.disallowed_list.empty());
  EXPECT_EQ(cm.rate_limit_per_minute, 5);
  EXPECT_EQ(cm.min_seconds_to_submit, 3);
  EXPECT_EQ(cm.max_form_age_seconds, 86400);
  EXPECT_EQ(cm.thread_depth, 5);
  EXPECT_FALSE(cm.newest_first);
  EXPECT_EQ(cm.close_after_days, 0);
  EXPECT_EQ(cm.edit_minutes, 15);
  EXPECT_EQ(cm.ip_retention_days, 30);
}

TEST_F(ConfigTest, EveryCommentsKeyFromToml) {
  Write(R"([comments]
moderation = "hold_all"
hold_links_at = 4
require_prior_approval = false
moderation_list = ["pipeline", "203.0.113.", ""]
disallowed_list = ["casino", "pills.example"]
rate_limit_per_minute = 0
min_seconds_to_submit = 0
max_form_age_seconds = 3600
thread_depth = 3
newest_first = true
close_after_days = 30
edit_minutes = 5
ip_retention_days = 7
)");
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const CommentsConfig& cm = c->comments;
  EXPECT_EQ(cm.moderation, "hold_all");
  EXPECT_EQ(cm.hold_links_at, 4);
  EXPECT_FALSE(cm.require_prior_approval);
  EXPECT_EQ(cm.moderation_list, (std::vector<std::string>{"pipeline", "203.0.113."}));  // empty entries dropped
  EXPECT_EQ(cm.disallowed_list, (std::vector<std::string>{"casino", "pills.example"}));
  EXPECT_EQ(cm.rate_limit_per_minute, 0);
  EXPECT_EQ(cm.min_seconds_to_submit, 0);
  EXPECT_EQ(cm.max_form_age_seconds, 3600);
  EXPECT_EQ(cm.thread_depth, 3);
  EXPECT_TRUE(cm.newest_first);
  EXPECT_EQ(cm.close_after_days, 30);
  EXPECT_EQ(cm.edit_minutes, 5);
  EXPECT_EQ(cm.ip_retention_days, 7);
}

TEST_F(ConfigTest, EveryCommentsKeyFromTheEnvironment) {
  Write("[comments]\nmoderation = \"hold_all\"\nthread_depth = 3\nmoderation_list = [\"from-file\"]\n");
  auto c = LoadConfig(dir_.string(), "",
                      Env({{"CHANCERY_COMMENTS_MODERATION", "approve_all"},
                           {"CHANCERY_COMMENTS_HOLD_LINKS_AT", "0"},
                           {"CHANCERY_COMMENTS_REQUIRE_PRIOR_APPROVAL", "no"},
                           {"CHANCERY_COMMENTS_MODERATION_LIST", " pipeline , 203.0.113. ,, "},
                           {"CHANCERY_COMMENTS_DISALLOWED_LIST", "casino, online\npills.example\r\n\n  viagra  "},
                           {"CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE", "12"},
                           {"CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT", "0"},
                           {"CHANCERY_COMMENTS_MAX_FORM_AGE_SECONDS", "60"},
                           {"CHANCERY_COMMENTS_THREAD_DEPTH", "10"},
                           {"CHANCERY_COMMENTS_NEWEST_FIRST", "true"},
                           {"CHANCERY_COMMENTS_CLOSE_AFTER_DAYS", "14"},
                           {"CHANCERY_COMMENTS_EDIT_MINUTES", "30"},
                           {"CHANCERY_COMMENTS_IP_RETENTION_DAYS", "1"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const CommentsConfig& cm = c->comments;
  EXPECT_EQ(cm.moderation, "approve_all");  // the environment wins over the file
  EXPECT_EQ(cm.hold_links_at, 0);
  EXPECT_FALSE(cm.require_prior_approval);
  // Without a newline, commas separate entries; blanks are dropped, entries trimmed.
  EXPECT_EQ(cm.moderation_list, (std::vector<std::string>{"pipeline", "203.0.113."}));
  // With a newline, each line is one entry and commas are part of it.
  EXPECT_EQ(cm.disallowed_list, (std::vector<std::string>{"casino, online", "pills.example", "viagra"}));
  EXPECT_EQ(cm.rate_limit_per_minute, 12);
  EXPECT_EQ(cm.min_seconds_to_submit, 0);
  EXPECT_EQ(cm.max_form_age_seconds, 60);
  EXPECT_EQ(cm.thread_depth, 10);
  EXPECT_TRUE(cm.newest_first);
  EXPECT_EQ(cm.close_after_days, 14);
  EXPECT_EQ(cm.edit_minutes, 30);
  EXPECT_EQ(cm.ip_retention_days, 1);
}

TEST_F(ConfigTest, AnEmptyEnvironmentListClearsTheFilesList) {
  Write("[comments]\ndisallowed_list = [\"casino\"]\n");
  auto c = LoadConfig(dir_.string(), "", Env({{"CHANCERY_COMMENTS_DISALLOWED_LIST", ""}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->comments.disallowed_list.empty());
}

TEST_F(ConfigTest, CommentsValuesAreValidated) {
  const auto error = [&](const std::map<std::string, std::string>& env) {
    Write("");
    auto c = LoadConfig(dir_.string(), "", Env(env));
    EXPECT_FALSE(c.ok()) << env.begin()->first << "=" << env.begin()->second;
    return c.ok() ? std::string() : c.status().message();
  };
  const auto fine = [&](const std::map<std::string, std::string>& env) {
    Write("");
    auto c = LoadConfig(dir_.string(), "", Env(env));
    EXPECT_TRUE(c.ok()) << env.begin()->first << "=" << env.begin()->second << ": " << c.status().ToString();
  };
  EXPECT_NE(error({{"CHANCERY_COMMENTS_MODERATION", "sometimes"}})
                .find("comments.moderation must be default, hold_all or approve_all, got 'sometimes'"),
            std::string::npos);
  EXPECT_FALSE(error({{"CHANCERY_COMMENTS_MODERATION", "Hold_All"}}).empty());
  EXPECT_NE(error({{"CHANCERY_COMMENTS_THREAD_DEPTH", "0"}}).find("comments.thread_depth must be between 1 and 10"),
            std::string::npos);
  EXPECT_NE(error({{"CHANCERY_COMMENTS_THREAD_DEPTH", "11"}}).find("comments.thread_depth"), std::string::npos);
  fine({{"CHANCERY_COMMENTS_THREAD_DEPTH", "1"}});
  fine({{"CHANCERY_COMMENTS_THREAD_DEPTH", "10"}});
  EXPECT_NE(error({{"CHANCERY_COMMENTS_MAX_FORM_AGE_SECONDS", "59"}})
                .find("comments.max_form_age_seconds must be at least 60"),
            std::string::npos);
  fine({{"CHANCERY_COMMENTS_MAX_FORM_AGE_SECONDS", "60"}});
  EXPECT_NE(error({{"CHANCERY_COMMENTS_IP_RETENTION_DAYS", "0"}}).find("comments.ip_retention_days"),
            std::string::npos);
  EXPECT_NE(error({{"CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE", "-1"}}).find("must not be negative"),
            std::string::npos);
  EXPECT_NE(error({{"CHANCERY_COMMENTS_EDIT_MINUTES", "ten"}}).find("CHANCERY_COMMENTS_EDIT_MINUTES"),
            std::string::npos);
  EXPECT_NE(error({{"CHANCERY_COMMENTS_NEWEST_FIRST", "maybe"}}).find("comments.newest_first must be true or false"),
            std::string::npos);
}

TEST_F(ConfigTest, CommentsTomlTypesAndUnknownKeysAreErrors) {
  const auto error = [&](const std::string& toml) {
    Write(toml);
    auto c = LoadConfig(dir_.string(), "", Env({}));
    EXPECT_FALSE(c.ok()) << toml;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_NE(error("[comments]\nhold_links = 3\n").find("unknown setting comments.hold_links"), std::string::npos);
  EXPECT_NE(error("[comments]\nmoderation_list = \"casino\"\n").find("comments.moderation_list must be an array of strings"),
            std::string::npos);
  EXPECT_NE(error("[comments]\ndisallowed_list = [\"ok\", 3]\n").find("comments.disallowed_list must be an array of strings"),
            std::string::npos);
  EXPECT_NE(error("[comments]\nthread_depth = \"5\"\n").find("comments.thread_depth must be an integer"),
            std::string::npos);
  EXPECT_NE(error("[comments]\nnewest_first = \"yes\"\n").find("comments.newest_first must be true or false"),
            std::string::npos);
  EXPECT_NE(error("[comments]\nmoderation = \"hold-all\"\n").find("comments.moderation"), std::string::npos);
  EXPECT_NE(error("[comments]\nthread_depth = 11\n").find("comments.thread_depth"), std::string::npos);
  EXPECT_NE(error("[comments]\nmax_form_age_seconds = 30\n").find("comments.max_form_age_seconds"), std::string::npos);
}

TEST_F(ConfigTest, DefaultConfigTomlParsesBackToTheDefaults) {
  Write(DefaultConfigToml(SiteConfig{}));
  auto c = LoadConfig(dir_.string(), "", Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Config defaults;
  const CommentsConfig& cm = c->comments;
  const CommentsConfig& d = defaults.comments;
  EXPECT_EQ(cm.moderation, d.moderation);
  EXPECT_EQ(cm.hold_links_at, d.hold_links_at);
  EXPECT_EQ(cm.require_prior_approval, d.require_prior_approval);
  EXPECT_EQ(cm.moderation_list, d.moderation_list);
  EXPECT_EQ(cm.disallowed_list, d.disallowed_list);
  EXPECT_EQ(cm.rate_limit_per_minute, d.rate_limit_per_minute);
  EXPECT_EQ(cm.min_seconds_to_submit, d.min_seconds_to_submit);
  EXPECT_EQ(cm.max_form_age_seconds, d.max_form_age_seconds);
  EXPECT_EQ(cm.thread_depth, d.thread_depth);
  EXPECT_EQ(cm.newest_first, d.newest_first);
  EXPECT_EQ(cm.close_after_days, d.close_after_days);
  EXPECT_EQ(cm.edit_minutes, d.edit_minutes);
  EXPECT_EQ(cm.ip_retention_days, d.ip_retention_days);

  EXPECT_EQ(c->site.title, defaults.site.title);
  EXPECT_EQ(c->site.tagline, defaults.site.tagline);
  EXPECT_EQ(c->site.description, defaults.site.description);
  EXPECT_EQ(c->site.base_url, defaults.site.base_url);
  EXPECT_EQ(c->site.language, defaults.site.language);
  EXPECT_EQ(c->site.per_page, defaults.site.per_page);
  EXPECT_EQ(c->server.listen, defaults.server.listen);
  EXPECT_EQ(c->server.threads, defaults.server.threads);
  EXPECT_EQ(c->server.worker_threads, defaults.server.worker_threads);
  EXPECT_EQ(c->server.write_threads, defaults.server.write_threads);
  EXPECT_EQ(c->server.max_body_bytes, defaults.server.max_body_bytes);
  EXPECT_EQ(c->server.max_header_bytes, defaults.server.max_header_bytes);
  EXPECT_EQ(c->server.read_timeout_ms, defaults.server.read_timeout_ms);
  EXPECT_EQ(c->server.idle_timeout_ms, defaults.server.idle_timeout_ms);
  EXPECT_EQ(c->server.access_log, defaults.server.access_log);
  EXPECT_EQ(c->database.url, defaults.database.url);
  EXPECT_EQ(c->database.busy_timeout_ms, defaults.database.busy_timeout_ms);
  EXPECT_EQ(c->theme.dir, defaults.theme.dir);
}

TEST_F(ConfigTest, DefaultConfigTomlNamesEveryCommentsKey) {
  const std::string text = DefaultConfigToml(SiteConfig{});
  for (const char* key : {"moderation", "hold_links_at", "require_prior_approval", "moderation_list", "disallowed_list",
                          "rate_limit_per_minute", "min_seconds_to_submit", "max_form_age_seconds", "thread_depth",
                          "newest_first", "close_after_days", "edit_minutes", "ip_retention_days"}) {
    EXPECT_NE(text.find(std::string("\n") + key + " = "), std::string::npos) << key;
  }
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
