#include "insight/names.h"

#include <algorithm>
#include <string_view>

namespace chancery::insight::internal {
namespace {

bool WordAt(std::string_view text, std::size_t i) {
  return i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]));
}

// A token of folded text: a run of word bytes or one punctuation byte.
struct Span {
  std::uint32_t begin = 0, end = 0;
  bool valid() const { return end > begin; }
};

Span TokenBefore(std::string_view text, std::uint32_t pos) {
  while (pos > 0 && text[pos - 1] == ' ') --pos;
  if (pos == 0) return {};
  if (!WordAt(text, pos - 1)) return {pos - 1, pos};
  std::uint32_t b = pos;
  while (b > 0 && WordAt(text, b - 1)) --b;
  return {b, pos};
}

Span TokenAfter(std::string_view text, std::uint32_t pos) {
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (pos >= text.size()) return {};
  if (!WordAt(text, pos)) return {pos, pos + 1};
  std::uint32_t e = pos;
  while (e < text.size() && WordAt(text, e)) ++e;
  return {pos, e};
}

std::string_view View(std::string_view text, Span s) { return text.substr(s.begin, s.end - s.begin); }

bool OneOf(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Before a capital, these make it the place where something happens.
bool LocationPreposition(std::string_view w) {
  return OneOf(w, {"in", "at", "from", "near", "across", "inside", "outside", "around", "within", "via",
                   "throughout"});
}

// Words of travel: "to" after one of them (within three words) leads to a place.
bool TravelWord(std::string_view w) {
  if (OneOf(w, {"go",     "goes", "going", "gone",  "went",  "came", "come", "comes",
                "coming", "flew", "fly",   "flies", "back",  "way",  "road", "route",
                "bound",  "trip", "trips", "tour",  "tours", "moved"}))
    return true;
  for (std::string_view stem :
       {"visit",  "travel",   "journey",    "flight",     "arriv", "return", "relocat",
        "deploy", "dispatch", "pilgrimage", "delegation", "sail",  "headed", "heading",
        "drove",  "driven",   "invit",      "mission",    "trek",  "march"}) {
    if (w.starts_with(stem)) return true;
  }
  return false;
}

bool PossessiveFollows(std::string_view source, std::uint32_t source_end) {
  const std::string_view rest = source.substr(std::min<std::size_t>(source_end, source.size()));
  for (std::string_view apostrophe : {"'", "\xE2\x80\x99"}) {
    if (!rest.starts_with(apostrophe)) continue;
    const std::string_view after = rest.substr(apostrophe.size());
    if (after.starts_with('s') || after.starts_with('S')) return true;
  }
  return false;
}

// Case rules (insight.h rule 3) for an entry matched at text[begin, end).
bool CaseFits(const Folded& s, std::uint32_t begin, std::uint32_t end, bool all_caps) {
  bool any_upper = false;
  for (std::uint32_t i = begin; i < end; ++i) {
    const auto c = s.source_case[i];
    if (c == kNoCase) continue;
    if (!all_caps) return c == kUpper;
    if (c == kLower) return false;
    any_upper = true;
  }
  return any_upper;
}

struct Candidate {
  std::uint32_t begin, end, pattern;
  std::vector<NameEntry> entries;
};

}  // namespace

NameMatcher::NameMatcher(const Gazetteer& gazetteer) : actors_(gazetteer.actors()) {
  auto add = [&](std::string_view text, NameEntry entry) {
    // "the Kremlin" matches "Kremlin": the article is optional.
    std::string_view t = text;
    if (t.size() > 4 && (t.starts_with("the ") || t.starts_with("The ") || t.starts_with("THE ")))
      t.remove_prefix(4);
    Folded folded;
    Fold(t, folded);
    std::string key = folded.text;
    std::size_t lead = 0;
    while (lead < key.size() && key[lead] == ' ') ++lead;
    while (!key.empty() && key.back() == ' ') key.pop_back();
    key.erase(0, lead);
    if (key.empty()) return;
    bool upper = false, lower = false;
    for (auto c : folded.source_case) {
      upper = upper || c == kUpper;
      lower = lower || c == kLower;
    }
    entry.all_caps = upper && !lower;
    const std::uint32_t id = automaton_.Add(key);
    if (entries_.size() <= id) entries_.resize(id + 1);
    auto& list = entries_[id];
    for (auto& existing : list) {
      if (existing.kind == entry.kind && existing.actor == entry.actor &&
          existing.all_caps == entry.all_caps) {
        // The same key twice for one actor: "?" on either marks it ambiguous;
        // the strongest form wins (a name over a capital, for the place rule).
        existing.ambiguous = existing.ambiguous || entry.ambiguous;
        if (entry.form != NameForm::kCapital) existing.form = std::min(existing.form, entry.form);
        return;
      }
    }
    list.push_back(entry);
  };
  for (std::uint32_t i = 0; i < actors_.size(); ++i) {
    for (const ActorName& name : actors_[i].names) {
      NameEntry entry;
      entry.kind = name.form == NameForm::kPrefix ? EntryKind::kPrefix : EntryKind::kActor;
      entry.actor = i;
      entry.form = name.form;
      entry.ambiguous = name.ambiguous;
      add(name.text, entry);
    }
  }
  for (const Place& place : gazetteer.places()) {
    add(place.name, NameEntry{EntryKind::kPlace});
    for (const auto& alias : place.aliases) add(alias, NameEntry{EntryKind::kPlace});
  }
  for (const auto& compound : gazetteer.compounds()) add(compound, NameEntry{EntryKind::kBlock});
  automaton_.Build();
}

void NameMatcher::Match(const Folded& s, std::string_view source, std::vector<NameMatch>& out) const {
  out.clear();
  const std::string_view text = s.text;
  std::vector<Candidate> candidates;
  automaton_.Scan(text, [&](std::uint32_t id, std::uint32_t begin, std::uint32_t end) {
    if (WordAt(text, begin) && begin > 0 && WordAt(text, begin - 1)) return;
    if (WordAt(text, end - 1) && WordAt(text, end)) return;
    Candidate c{begin, end, id, {}};
    for (const NameEntry& e : entries_[id]) {
      if (e.kind != EntryKind::kBlock && !CaseFits(s, begin, end, e.all_caps)) continue;
      if (e.kind == EntryKind::kPrefix) {
        const bool joined = (end < text.size() && text[end] == '-') || (begin > 0 && text[begin - 1] == '-');
        if (!joined) continue;
      }
      c.entries.push_back(e);
    }
    if (!c.entries.empty()) candidates.push_back(std::move(c));
  });

  // Longest first, then leftmost; no overlaps.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
    return a.begin < b.begin;
  });
  std::vector<bool> taken(text.size(), false);
  for (auto& c : candidates) {
    if (std::any_of(taken.begin() + c.begin, taken.begin() + c.end, [](bool t) { return t; })) continue;
    std::fill(taken.begin() + c.begin, taken.begin() + c.end, true);
    NameMatch m;
    m.begin = c.begin;
    m.end = c.end;
    auto has = [&](EntryKind k) {
      return std::any_of(c.entries.begin(), c.entries.end(), [k](const NameEntry& e) { return e.kind == k; });
    };
    if (has(EntryKind::kBlock)) {
      m.block = true;
    } else if (has(EntryKind::kPlace)) {
      m.place = true;
    } else {
      m.entries = std::move(c.entries);
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const NameMatch& a, const NameMatch& b) { return a.begin < b.begin; });

  auto is_actor = [](const NameMatch& m) { return !m.place && !m.block && !m.entries.empty(); };
  auto joined_by_hyphen = [&](std::size_t k) {
    const NameMatch& m = out[k];
    if (k > 0 && is_actor(out[k - 1]) && out[k - 1].end + 1 == m.begin && text[m.begin - 1] == '-')
      return true;
    if (k + 1 < out.size() && is_actor(out[k + 1]) && m.end + 1 == out[k + 1].begin && text[m.end] == '-')
      return true;
    return false;
  };
  auto only = [](const NameMatch& m, auto pred) {
    return !m.entries.empty() && std::all_of(m.entries.begin(), m.entries.end(), pred);
  };

  // Combining forms stand only joined to another actor: "Pak-US", "US-Indo".
  for (std::size_t k = 0; k < out.size(); ++k) {
    NameMatch& m = out[k];
    if (!is_actor(m)) continue;
    const bool has_other = std::any_of(m.entries.begin(), m.entries.end(),
                                       [](const NameEntry& e) { return e.kind != EntryKind::kPrefix; });
    if (has_other && !joined_by_hyphen(k)) {
      std::erase_if(m.entries, [](const NameEntry& e) { return e.kind == EntryKind::kPrefix; });
    } else if (!has_other && !joined_by_hyphen(k)) {
      m.entries.clear();
    }
  }
  // Forms that are also given names ("Chad Smith").
  for (std::size_t k = 0; k < out.size(); ++k) {
    NameMatch& m = out[k];
    if (!is_actor(m)) continue;
    const Span next = TokenAfter(text, m.end);
    if (!next.valid() || next.begin == m.end || !WordAt(text, next.begin) ||
        s.source_case[next.begin] != kUpper)
      continue;
    const bool next_is_name = k + 1 < out.size() && out[k + 1].begin == next.begin;
    if (next_is_name) continue;
    std::erase_if(m.entries, [&](const NameEntry& e) {
      return actors_[e.actor].person_first && (e.form == NameForm::kName || e.form == NameForm::kAlias);
    });
  }
  // Capitals: "Washington State" is no state; "talks in Islamabad" is a place.
  const auto capital_only = [](const NameEntry& e) { return e.form == NameForm::kCapital; };
  std::vector<bool> located(out.size(), false);  // made a place by a preposition
  for (std::size_t k = 0; k < out.size(); ++k) {
    NameMatch& m = out[k];
    if (!only(m, capital_only)) continue;
    const Span next = TokenAfter(text, m.end);
    if (next.valid() && View(text, next) == "state") {
      m.entries.clear();
      m.place = true;
      continue;
    }
    if (joined_by_hyphen(k) || PossessiveFollows(source, s.end[m.end - 1])) continue;
    const Span t1 = TokenBefore(text, m.begin);
    if (!t1.valid()) continue;
    const std::string_view w1 = View(text, t1);
    bool place = LocationPreposition(w1);
    if (!place && w1 == "to") {
      // The second end of a route ("from Islamabad to Moscow"), or a journey's end.
      if (k > 0 && located[k - 1] && TokenBefore(text, t1.begin).end == out[k - 1].end) {
        place = true;
      } else {
        Span w = t1;
        for (int i = 0; i < 3 && !place; ++i) {
          w = TokenBefore(text, w.begin);
          if (!w.valid() || !WordAt(text, w.begin)) break;
          place = TravelWord(View(text, w));
        }
      }
    }
    if (!place && (w1 == "and" || w1 == "or" || w1 == ",") && k > 0 && out[k - 1].place) {
      // A list of places: "talks in Islamabad and Kabul".
      Span before = TokenBefore(text, t1.begin);
      if (before.valid() && View(text, before) == "," && w1 != ",") before = TokenBefore(text, before.begin);
      place = before.valid() && before.end == out[k - 1].end;
    }
    if (place) {
      m.entries.clear();
      m.place = true;
      located[k] = true;
    }
  }
  std::erase_if(out, [](const NameMatch& m) { return !m.place && !m.block && m.entries.empty(); });
}

}  // namespace chancery::insight::internal
