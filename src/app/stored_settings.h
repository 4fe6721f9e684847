// chancery/app: settings saved from the newsroom's settings page, laid over
// the loaded configuration when the server starts.
//
// Precedence, lowest first: the built-in default < chancery.toml < settings
// saved in the admin (stored in the database as "site.*", "comments.*") <
// environment variables (CHANCERY_SECTION_KEY). An operator's environment
// therefore always has the last word, and what an administrator saves beats
// the file written at `init`.
#pragma once

#include <map>
#include <string>

#include "app/config.h"
#include "store/store.h"

namespace chancery::app {

// Overlays the stored "site.*" and "comments.*" settings this Config knows
// (site: title, tagline, description, base_url; comments: moderation,
// hold_links_at, require_prior_approval, moderation_list, disallowed_list,
// rate_limit_per_minute, min_seconds_to_submit, close_after_days,
// thread_depth, newest_first) on `config`, except those the environment
// sets. A stored value that does not parse or is out of range is skipped
// with a warning in the log, so a bad row never stops the server.
void ApplyStoredSettings(store::Store& store, Config& config, const EnvLookup& env);
void ApplyStoredSettings(store::Store& store, Config& config);  // with the process environment

// The values `config` holds for the settings the admin page edits, as text
// keyed like the stored settings ("comments.thread_depth" → "5"; lists one
// entry per line), so the page can show what is in effect.
std::map<std::string, std::string> SettingsAsText(const Config& config);

}  // namespace chancery::app
