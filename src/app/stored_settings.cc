#include "app/stored_settings.h"

#include "base/time.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <functional>

#include <fmt/format.h>

namespace chancery::app {
namespace {

std::string EnvName(std::string_view key) {
  std::string name = "CHANCERY_";
  for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

// Parses `text` into the field a setting names; false when it does not fit.
using Apply = std::function<bool(const std::string& text)>;

Apply String(std::string& field, bool allow_empty = true) {
  return [&field, allow_empty](const std::string& text) {
    if (!allow_empty && text.empty()) return false;
    field = text;
    return true;
  };
}

Apply Int(int& field, int min, int max) {
  return [&field, min, max](const std::string& text) {
    int v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max) return false;
    field = v;
    return true;
  };
}

Apply Bool(bool& field) {
  return [&field](const std::string& text) {
    if (text == "true") field = true;
    else if (text == "false") field = false;
    else return false;
    return true;
  };
}

Apply Lines(std::vector<std::string>& field) {
  return [&field](const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string entry = text.substr(start, end - start);
      if (!entry.empty() && entry.back() == '\r') entry.pop_back();
      if (!entry.empty()) out.push_back(std::move(entry));
      start = end + 1;
    }
    field = std::move(out);
    return true;
  };
}

std::vector<std::pair<std::string, Apply>> Overlays(Config& c) {
  auto& cm = c.comments;
  return {
      {"site.title", String(c.site.title, false)},
      {"site.tagline", String(c.site.tagline)},
      {"site.description", String(c.site.description)},
      {"site.base_url",
       [&c](const std::string& text) {
         if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) return false;
         c.site.base_url = text;
         while (!c.site.base_url.empty() && c.site.base_url.back() == '/') c.site.base_url.pop_back();
         return true;
       }},
      {"site.timezone",
       [&c](const std::string& text) {
         if (!TimeZone::Load(text).ok()) return false;
         c.site.timezone = text;
         return true;
       }},
      {"site.date_format",
       [&c](const std::string& text) {
         if (!ParseDateFormat(text)) return false;
         c.site.date_format = text;
         return true;
       }},
      {"comments.moderation",
       [&cm](const std::string& text) {
         if (text != "default" && text != "hold_all" && text != "approve_all") return false;
         cm.moderation = text;
         return true;
       }},
      {"comments.hold_links_at", Int(cm.hold_links_at, 0, 100)},
      {"comments.require_prior_approval", Bool(cm.require_prior_approval)},
      {"comments.moderation_list", Lines(cm.moderation_list)},
      {"comments.disallowed_list", Lines(cm.disallowed_list)},
      {"comments.rate_limit_per_minute", Int(cm.rate_limit_per_minute, 0, 1000)},
      {"comments.min_seconds_to_submit", Int(cm.min_seconds_to_submit, 0, 3600)},
      {"comments.close_after_days", Int(cm.close_after_days, 0, 36500)},
      {"comments.thread_depth", Int(cm.thread_depth, 1, 10)},
      {"comments.newest_first", Bool(cm.newest_first)},
  };
}

std::string JoinLines(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& entry : list) {
    if (!out.empty()) out += '\n';
    out += entry;
  }
  return out;
}

}  // namespace

void ApplyStoredSettings(store::Store& store, Config& config, const EnvLookup& env) {
  for (auto& [key, apply] : Overlays(config)) {
    if (env && env(EnvName(key))) continue;  // the environment wins
    auto stored = store.GetSetting(key);
    if (!stored.ok()) {
      spdlog::warn("reading the stored setting {}: {}", key, stored.status().ToString());
      continue;
    }
    if (!stored.value()) continue;
    if (!apply(*stored.value()))
      spdlog::warn("ignoring the stored setting {} = '{}': not a valid value", key, stored.value()->substr(0, 80));
  }
}

void ApplyStoredSettings(store::Store& store, Config& config) {
  ApplyStoredSettings(store, config, ProcessEnvironment());
}

std::map<std::string, std::string> SettingsAsText(const Config& c) {
  const auto& cm = c.comments;
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  return {
      {"site.title", c.site.title},
      {"site.tagline", c.site.tagline},
      {"site.description", c.site.description},
      {"site.base_url", c.site.base_url},
      {"site.timezone", c.site.timezone},
      {"site.date_format", c.site.date_format},
      {"comments.moderation", cm.moderation},
      {"comments.hold_links_at", std::to_string(cm.hold_links_at)},
      {"comments.require_prior_approval", b(cm.require_prior_approval)},
      {"comments.moderation_list", JoinLines(cm.moderation_list)},
      {"comments.disallowed_list", JoinLines(cm.disallowed_list)},
      {"comments.rate_limit_per_minute", std::to_string(cm.rate_limit_per_minute)},
      {"comments.min_seconds_to_submit", std::to_string(cm.min_seconds_to_submit)},
      {"comments.close_after_days", std::to_string(cm.close_after_days)},
      {"comments.thread_depth", std::to_string(cm.thread_depth)},
      {"comments.newest_first", b(cm.newest_first)},
  };
}

}  // namespace chancery::app
