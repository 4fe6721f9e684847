#include "comments/policy.h"

#include <algorithm>
#include <optional>

namespace chancery::comments {
namespace {

using store::CommentStatus;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty() || needle.size() > haystack.size()) return false;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return AsciiLower(a) == AsciiLower(b); });
  return it != haystack.end();
}

bool StartsWithNoCaseAt(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(text[pos + i]) != prefix[i]) return false;
  }
  return true;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The first entry of `list` found in any of the submission's fields.
std::optional<std::string> FirstMatch(const std::vector<std::string>& list, const CommentForm& form,
                                      const Signals& signals) {
  for (const std::string& entry : list) {
    for (std::string_view field :
         {std::string_view(form.comment), std::string_view(form.author), std::string_view(form.email),
          std::string_view(form.url), std::string_view(signals.ip)}) {
      if (ContainsNoCase(field, entry)) return entry;
    }
  }
  return std::nullopt;
}

Decision Held(std::string reason) { return {CommentStatus::kPending, std::move(reason)}; }

std::string TooFastReason(int seconds) {
  return "held: form submitted in under " + std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

std::string TooOldReason(int seconds) {
  if (seconds == 86400) return "held: form older than a day";
  if (seconds > 0 && seconds % 3600 == 0) {
    const int hours = seconds / 3600;
    return "held: form older than " + std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  }
  return "held: form older than " + std::to_string(seconds) + " seconds";
}

}  // namespace

std::vector<std::string> ParseWordList(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    if (!line.empty()) words.emplace_back(line);
  }
  return words;
}

std::size_t CountLinks(std::string_view text) {
  std::size_t links = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (StartsWithNoCaseAt(text, i, "http://") || StartsWithNoCaseAt(text, i, "https://")) {
      ++links;
      i = text.find("://", i) + 2;  // past the scheme, so its "www." is not counted again
      if (StartsWithNoCaseAt(text, i + 1, "www.")) i += 4;
    } else if (StartsWithNoCaseAt(text, i, "www.") && (i == 0 || !IsAsciiAlnum(text[i - 1]))) {
      ++links;
      i += 3;
    }
  }
  return links;
}

Decision Decide(const CommentForm& form, const Signals& signals, const ModerationSettings& settings) {
  using Mode = ModerationSettings::Mode;
  if (signals.honeypot_filled) return {CommentStatus::kSpam, "spam: honeypot filled"};
  if (auto word = FirstMatch(settings.disallowed_list, form, signals)) {
    return {CommentStatus::kSpam, "spam: matches disallowed word '" + *word + "'"};
  }
  switch (signals.token) {
    case TokenCheck::kValid:
      break;
    case TokenCheck::kMissing:
    case TokenCheck::kMalformed:
    case TokenCheck::kWrongArticle:
    case TokenCheck::kBadSignature:
      return Held("held: form token invalid");
    case TokenCheck::kTooFast:
      return Held(TooFastReason(settings.min_seconds_to_submit));
    case TokenCheck::kExpired:
      return Held(TooOldReason(settings.max_form_age_seconds));
  }
  if (settings.mode == Mode::kApproveAll)
    return {CommentStatus::kApproved, "approved: all comments approved"};
  if (settings.mode == Mode::kHoldAll) return Held("held: all comments held for review");
  if (auto word = FirstMatch(settings.moderation_list, form, signals)) {
    return Held("held: matches moderation word '" + *word + "'");
  }
  if (settings.hold_links_at > 0) {
    const std::size_t links = CountLinks(form.comment);
    if (links >= static_cast<std::size_t>(settings.hold_links_at)) {
      return Held("held: " + std::to_string(links) + (links == 1 ? " link" : " links"));
    }
  }
  if (settings.require_prior_approval) {
    if (!signals.author_has_approved_comment) return Held("held: first comment from this email");
    return {CommentStatus::kApproved, "approved: earlier comment approved"};
  }
  // Without the prior-approval rule no author history was consulted, so the
  // reason must not claim one.
  return {CommentStatus::kApproved, "approved: no rule held it"};
}

}  // namespace chancery::comments
