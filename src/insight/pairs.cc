#include "insight/pairs.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "insight/fold.h"

namespace chancery::insight::internal {
namespace {

bool OneOf(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Words and punctuation marks of folded text.
std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ') {
      ++i;
    } else if (IsWordByte(c)) {
      std::size_t j = i;
      while (j < text.size() && IsWordByte(static_cast<unsigned char>(text[j]))) ++j;
      tokens.push_back(text.substr(i, j - i));
      i = j;
    } else {
      tokens.push_back(text.substr(i, 1));
      ++i;
    }
  }
  return tokens;
}

// What a gap between two names says: 0 nothing, 1 a list separator (comma,
// "the"), 2 a joining word ("and", "-", ...).
int ListGap(std::string_view gap) {
  int strength = 1;
  for (std::string_view t : Tokens(gap)) {
    if (OneOf(t, {"and", "or", "&", "-", "/", "nor", "versus", "vs", "as", "well"})) {
      strength = 2;
    } else if (!OneOf(t, {",", "the", ".", "both", "'", "\""})) {
      return 0;
    }
  }
  return strength;
}

// Nouns of relation: followed by a preposition they pair the names around
// them ("relations with").
bool RelationNoun(std::string_view w) {
  return OneOf(w, {"relations",     "relation",    "relationship", "relationships", "ties",     "partnership",
                   "partnerships",  "cooperation", "rivalry",      "dispute",       "disputes", "talks",
                   "dialogue",      "engagement",  "alliance",     "friendship",    "tension",  "tensions",
                   "rapprochement", "inclination", "hostility",    "links",         "contacts", "trade",
                   "war",           "conflict",    "deal",         "agreement",     "treaty",   "summit",
                   "meeting",       "visit",       "visits",       "border",        "rift",     "row",
                   "standoff",      "proximity",   "closeness"});
}

bool LinkingPreposition(std::string_view w) {
  return OneOf(w, {"with", "towards", "toward", "against", "to", "on", "over", "between"});
}

// Verbs of meeting or acting on someone: they pair their subject and object.
bool RelationVerb(std::string_view w) {
  return OneOf(
      w, {"visited",    "visits",     "visit",      "visiting",   "met",        "meets",      "meet",
          "meeting",    "hosted",     "hosts",      "called",     "calls",      "accused",    "accuses",
          "warned",     "warns",      "attacked",   "attacks",    "invaded",    "invades",    "struck",
          "strikes",    "sanctioned", "sanctions",  "urged",      "urges",      "pressed",    "presses",
          "welcomed",   "welcomes",   "condemned",  "condemns",   "criticised", "criticized", "criticises",
          "criticizes", "supported",  "supports",   "backed",     "backs",      "thanked",    "thanks",
          "joined",     "joins",      "recognised", "recognized", "recognises", "recognizes", "threatened",
          "threatens",  "courted",    "courts",     "engaged",    "engages",    "mediated",   "blamed",
          "blames",     "armed",      "arms",       "fought",     "fights",     "defeated",   "helped",
          "helps",      "aided",      "aids",       "funded",     "funds",      "betrayed",   "trusted",
          "trusts",     "embraced",   "embraces",   "rebuffed",   "snubbed",    "punished",   "punishes",
          "deterred",   "deters",     "courting",   "hosting",    "visiting",   "invited",    "invites"});
}

// Between two names: a relation that pairs them. Six tokens at most, no
// punctuation, and either a verb of relation or a noun of relation followed
// by a preposition.
bool RelationGap(std::string_view gap) {
  const auto tokens = Tokens(gap);
  if (tokens.size() > 6) return false;
  bool noun = false;
  for (std::string_view t : tokens) {
    if (t.size() == 1 && !IsWordByte(static_cast<unsigned char>(t[0])) && t != "'") return false;
    if (RelationVerb(t)) return true;
    if (RelationNoun(t)) noun = true;
    if (noun && LinkingPreposition(t)) return true;
  }
  return false;
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t Find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(std::size_t a, std::size_t b) { parent[Find(a)] = Find(b); }
};

}  // namespace

std::vector<PairTone> AttributeCues(std::string_view folded, std::vector<PairMention> mentions,
                                    const std::vector<PairCue>& cues) {
  std::sort(mentions.begin(), mentions.end(),
            [](const PairMention& a, const PairMention& b) { return a.begin < b.begin; });
  std::vector<std::string> ids;
  for (const auto& m : mentions)
    if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());
  std::map<std::pair<std::string, std::string>, PairTone> pairs;
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = i + 1; j < ids.size(); ++j)
      pairs[{ids[i], ids[j]}] = PairTone{ids[i], ids[j], 0, {}};
  auto out = [&] {
    std::vector<PairTone> result;
    for (auto& [key, p] : pairs) {
      double sum = 0;
      for (std::size_t c : p.cues) sum += cues[c].weight;
      p.tone = std::clamp(sum, -10.0, 10.0);
      result.push_back(std::move(p));
    }
    return result;
  };
  if (pairs.empty()) return {};
  if (pairs.size() == 1) {
    auto& p = pairs.begin()->second;
    for (std::size_t c = 0; c < cues.size(); ++c) p.cues.push_back(c);
    return out();
  }

  // Word positions: word_index[i] counts the words that start at or before i.
  std::vector<int> word_index(folded.size() + 1, 0);
  int words = 0;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const bool start = IsWordByte(static_cast<unsigned char>(folded[i])) &&
                       (i == 0 || !IsWordByte(static_cast<unsigned char>(folded[i - 1])));
    if (start) ++words;
    word_index[i] = words;
  }
  word_index[folded.size()] = words;
  auto first_word = [&](std::uint32_t b) { return word_index[b]; };
  auto last_word = [&](std::uint32_t e) { return word_index[e == 0 ? 0 : e - 1]; };
  auto distance = [&](std::uint32_t b1, std::uint32_t e1, std::uint32_t b2, std::uint32_t e2) {
    if (e1 <= b2) return std::max(0, first_word(b2) - last_word(e1));
    if (e2 <= b1) return std::max(0, first_word(b1) - last_word(e2));
    return 0;
  };

  // Explicit pairings.
  const std::size_t n = mentions.size();
  UnionFind groups(n);
  std::vector<bool> paired(n, false);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    bool joined = false;
    while (j + 1 < n) {
      const int gap = ListGap(folded.substr(mentions[j].end, mentions[j + 1].begin - mentions[j].end));
      if (gap == 0) break;
      joined = joined || gap == 2;
      ++j;
    }
    if (joined) {
      for (std::size_t k = i; k <= j; ++k) {
        groups.Join(i, k);
        paired[k] = true;
      }
    }
    i = j + 1;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (RelationGap(folded.substr(mentions[i].end, mentions[i + 1].begin - mentions[i].end))) {
      groups.Join(i, i + 1);
      paired[i] = paired[i + 1] = true;
    }
  }
  struct Group {
    std::uint32_t begin = 0xFFFFFFFF, end = 0;
    std::vector<std::string> ids;
  };
  std::map<std::size_t, Group> by_root;
  for (std::size_t i = 0; i < n; ++i) {
    if (!paired[i]) continue;
    Group& g = by_root[groups.Find(i)];
    g.begin = std::min(g.begin, mentions[i].begin);
    g.end = std::max(g.end, mentions[i].end);
    if (std::find(g.ids.begin(), g.ids.end(), mentions[i].id) == g.ids.end()) g.ids.push_back(mentions[i].id);
  }
  std::vector<Group> explicit_groups;
  for (auto& [root, g] : by_root)
    if (g.ids.size() >= 2) explicit_groups.push_back(std::move(g));

  auto give = [&](std::size_t cue, const std::vector<std::string>& among) {
    for (std::size_t i = 0; i < among.size(); ++i) {
      for (std::size_t j = i + 1; j < among.size(); ++j) {
        auto key = std::minmax(among[i], among[j]);
        pairs[{key.first, key.second}].cues.push_back(cue);
      }
    }
  };
  for (std::size_t c = 0; c < cues.size(); ++c) {
    const PairCue& cue = cues[c];
    std::vector<std::string> near;
    for (const auto& m : mentions) {
      if (distance(cue.begin, cue.end, m.begin, m.end) > kCueReachWords) continue;
      if (std::find(near.begin(), near.end(), m.id) == near.end()) near.push_back(m.id);
    }
    if (!explicit_groups.empty()) {
      // The nearest pairing, unless a name outside every pairing is nearer.
      int best = 1 << 30;
      for (const auto& g : explicit_groups)
        best = std::min(best, distance(cue.begin, cue.end, g.begin, g.end));
      int lone_best = 1 << 30;
      const PairMention* lone = nullptr;
      for (std::size_t i = 0; i < n; ++i) {
        if (paired[i]) continue;
        const int d = distance(cue.begin, cue.end, mentions[i].begin, mentions[i].end);
        if (d < lone_best) {
          lone_best = d;
          lone = &mentions[i];
        }
      }
      if (lone == nullptr || best <= lone_best) {
        for (const auto& g : explicit_groups)
          if (distance(cue.begin, cue.end, g.begin, g.end) == best) give(c, g.ids);
        continue;
      }
      // The lone name with those near the cue, or else with everyone.
      std::vector<std::string> partners;
      for (const auto& id : (near.size() >= 2 ? near : ids))
        if (id != lone->id) partners.push_back(id);
      for (const auto& id : partners) {
        auto key = std::minmax(lone->id, id);
        pairs[{key.first, key.second}].cues.push_back(c);
      }
      continue;
    }
    // Nothing to tie the cue to: it speaks for the whole sentence.
    give(c, near.size() >= 2 ? near : ids);
  }
  // A cue given twice to one pair (two groups tied) counts once.
  for (auto& [key, p] : pairs) {
    std::sort(p.cues.begin(), p.cues.end());
    p.cues.erase(std::unique(p.cues.begin(), p.cues.end()), p.cues.end());
  }
  return out();
}

}  // namespace chancery::insight::internal
