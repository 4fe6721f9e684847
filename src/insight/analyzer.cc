// The Analyzer: sentences → names, dates and tone per sentence → the
// article-wide rules (ambiguous names, offices by year) → actors, relations
// and events.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "base/text.h"
#include "insight/dates.h"
#include "insight/fold.h"
#include "insight/insight.h"
#include "insight/lexicon.h"
#include "insight/names.h"
#include "insight/pairs.h"
#include "insight/segment.h"

namespace chancery::insight {
namespace {

using internal::DateMatch;
using internal::EntryKind;
using internal::NameMatch;

constexpr std::uint32_t kNone = 0xFFFFFFFF;
// Longest sentence quoted in evidence and events, in bytes (cut with "…").
constexpr std::size_t kMaxQuoteBytes = 2000;
// Most distinct actors of one sentence that form pairs (a list of every
// member of an organisation would otherwise make hundreds of pairs).
constexpr std::size_t kMaxPairedPerSentence = 16;

// A name as counted: the actor and where it is written.
struct Mention {
  std::uint32_t actor = kNone;
  std::uint32_t begin = 0, end = 0;  // in the folded sentence
  std::string counts_for;            // the id its relations use: a state code, or the actor's own id
  std::string state;  // the state it belongs to, for events (a group's country too); may be empty
};

struct SentenceWork {
  internal::SentenceSpan span;
  std::vector<NameMatch> names;
  std::vector<DateMatch> dates;
  std::vector<Mention> mentions;             // resolved, in text order
  std::string folded;                        // the folded sentence, for pairing cues with actors
  std::vector<internal::PairCue> cue_spans;  // where each of `cues` is in `folded`
  std::vector<CueHit> cues;
  bool anaphor = false;  // refers back: "they", "the two sides", ...
  int year = 0;          // for offices: its first date's year, else the article's
};

// The office a person held in `year` (the nearest one when none matches; the
// latest without a year); nullptr when the person has none.
const Office* OfficeFor(const Actor& person, int year) {
  if (person.offices.empty()) return nullptr;
  const Office* best = nullptr;
  if (year > 0) {
    int best_distance = 1 << 30;
    for (const auto& o : person.offices) {
      const int from = o.from ? o.from : -(1 << 20);
      const int to = o.to ? o.to : (1 << 20);
      const int distance = year < from ? from - year : year > to ? year - to : 0;
      if (distance < best_distance) {
        best_distance = distance;
        best = &o;
      }
    }
    return best;
  }
  for (const auto& o : person.offices) {
    const int key = o.to ? o.to : (1 << 20);
    const int best_key = best == nullptr ? -1 : (best->to ? best->to : (1 << 20));
    if (best == nullptr || key > best_key || (key == best_key && o.from > best->from)) best = &o;
  }
  return best;
}

bool InOffice(const Actor& person, int year) {
  if (year <= 0) return false;
  for (const auto& o : person.offices)
    if ((o.from == 0 || o.from <= year) && (o.to == 0 || year <= o.to)) return true;
  return false;
}

// The id an actor counts as in relations: its state, or itself.
std::string CountsFor(const Actor& a, int year) {
  switch (a.kind) {
    case ActorKind::kState:
      return a.id;
    case ActorKind::kOrganization:
      return a.country.empty() ? a.id : a.country;
    case ActorKind::kGroup:
      // An armed group is not the state it fights in: it counts as itself.
      return a.id;
    case ActorKind::kPerson: {
      const Office* office = OfficeFor(a, year);
      return office == nullptr || office->country.empty() ? a.id : office->country;
    }
  }
  return a.id;
}

bool HasAnaphor(std::string_view folded) {
  static constexpr std::string_view kWords[] = {
      "they",       "them",      "their",    "he",          "she",    "his",       "her",
      "both",       "two",       "former",   "latter",      "sides",  "countries", "nations",
      "neighbours", "neighbors", "capitals", "governments", "leaders"};
  std::size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !internal::IsWordByte(static_cast<unsigned char>(folded[i]))) ++i;
    std::size_t j = i;
    while (j < folded.size() && internal::IsWordByte(static_cast<unsigned char>(folded[j]))) ++j;
    const std::string_view word = folded.substr(i, j - i);
    for (std::string_view w : kWords)
      if (word == w) return true;
    i = j;
  }
  return false;
}

// Cue words inside a proper name are no cues: "the INF Treaty", "the Afghan
// Peace Process", "Defense Cooperation". A name is a run of two or more
// capitalised words joined by spaces or hyphens, not counting the sentence's
// first word (capitalised anyway). Headings, in title case throughout, keep
// their cues.
void BlockTitleCase(const internal::Folded& s, std::vector<bool>& blocked) {
  struct Word {
    std::size_t begin, end;
  };
  std::vector<Word> run;
  auto flush = [&] {
    if (run.size() >= 2)
      for (const auto& w : run) std::fill(blocked.begin() + w.begin, blocked.begin() + w.end, true);
    run.clear();
  };
  const std::string& t = s.text;
  bool first = true;
  std::size_t i = 0;
  while (i < t.size()) {
    if (!internal::IsWordByte(static_cast<unsigned char>(t[i]))) {
      const bool joiner = t[i] == ' ' || t[i] == '-';
      if (!joiner) flush();
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < t.size() && internal::IsWordByte(static_cast<unsigned char>(t[j]))) ++j;
    const bool capitalised = s.source_case[i] == internal::kUpper;
    if (capitalised && !first) {
      run.push_back(Word{i, j});
    } else {
      flush();
    }
    first = false;
    i = j;
  }
  flush();
}

// State codes first, then other ids; each group sorted.
void SortIds(std::vector<std::string>& ids, const std::unordered_map<std::string, std::uint32_t>& index,
             const std::vector<Actor>& actors) {
  auto is_state = [&](const std::string& id) {
    auto it = index.find(id);
    return it != index.end() && actors[it->second].kind == ActorKind::kState;
  };
  std::sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) {
    const bool sa = is_state(a), sb = is_state(b);
    if (sa != sb) return sa;
    return a < b;
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

struct Analyzer::Impl {
  explicit Impl(const Gazetteer& gazetteer)
      : names(gazetteer), lexicon(gazetteer.cues(), gazetteer.modifiers()) {
    for (std::uint32_t i = 0; i < names.actors().size(); ++i) index.emplace(names.actors()[i].id, i);
    auto segmenter_or = internal::Segmenter::Create();
    if (segmenter_or.ok()) {
      segmenter = std::move(*segmenter_or);
    } else {
      init_status = segmenter_or.status();
    }
  }

  const std::vector<Actor>& actors() const { return names.actors(); }

  void ReadSentence(std::string_view text, SentenceWork& work, internal::Folded& folded,
                    int article_year) const;
  void Resolve(std::vector<SentenceWork>& sentences) const;
  Analysis Summarise(std::string_view text, std::vector<SentenceWork>& sentences) const;

  internal::NameMatcher names;
  internal::Lexicon lexicon;
  std::unordered_map<std::string, std::uint32_t> index;  // actor id -> index
  std::unique_ptr<internal::Segmenter> segmenter;
  Status init_status;
};

void Analyzer::Impl::ReadSentence(std::string_view text, SentenceWork& work, internal::Folded& folded,
                                  int article_year) const {
  const std::string_view source = text.substr(work.span.begin, work.span.end - work.span.begin);
  internal::Fold(source, folded);
  names.Match(folded, source, work.names);
  work.dates = internal::FindDates(folded);
  work.year = work.dates.empty() ? article_year : work.dates.front().year;
  work.anaphor = HasAnaphor(folded.text);

  std::vector<bool> blocked(folded.text.size(), false);
  for (const auto& m : work.names) std::fill(blocked.begin() + m.begin, blocked.begin() + m.end, true);
  if (!work.span.heading) BlockTitleCase(folded, blocked);
  internal::SentenceTone tone;
  lexicon.Score(folded, blocked, tone);
  work.folded = folded.text;
  for (const auto& c : tone.cues) {
    work.cue_spans.push_back(internal::PairCue{c.begin, c.end, c.weight});
    CueHit hit;
    const std::uint32_t b = folded.begin[c.begin], e = folded.end[c.end - 1];
    hit.text = std::string(source.substr(b, e - b));
    hit.phrase = lexicon.cues()[c.cue].phrase;
    hit.weight = c.weight;
    for (auto m : c.modifiers) hit.modifiers.push_back(lexicon.modifiers()[m].phrase);
    work.cues.push_back(std::move(hit));
  }
}

void Analyzer::Impl::Resolve(std::vector<SentenceWork>& sentences) const {
  const auto& all = actors();
  // Pass 1: names that are not ambiguous.
  std::set<std::uint32_t> named;     // actors named unambiguously somewhere
  std::set<std::string> states_via;  // states some named person or body counts for
  std::vector<std::vector<std::uint32_t>> choice(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    SentenceWork& work = sentences[s];
    choice[s].assign(work.names.size(), kNone);
    for (std::size_t k = 0; k < work.names.size(); ++k) {
      const NameMatch& m = work.names[k];
      std::uint32_t best = kNone;
      for (const auto& e : m.entries) {
        if (e.ambiguous) continue;
        if (best == kNone) best = e.actor;
        // Several actors share the name: the office-holder of the year wins.
        if (e.actor != best && all[e.actor].kind == ActorKind::kPerson && InOffice(all[e.actor], work.year) &&
            !(all[best].kind == ActorKind::kPerson && InOffice(all[best], work.year)))
          best = e.actor;
      }
      if (best == kNone) continue;
      choice[s][k] = best;
      named.insert(best);
      states_via.insert(CountsFor(all[best], work.year));
    }
  }
  // Pass 2: ambiguous names, licensed by the article or the sentence.
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    SentenceWork& work = sentences[s];
    std::set<std::string> here;
    for (std::size_t k = 0; k < work.names.size(); ++k)
      if (choice[s][k] != kNone) here.insert(CountsFor(all[choice[s][k]], work.year));
    for (std::size_t k = 0; k < work.names.size(); ++k) {
      if (choice[s][k] != kNone) continue;
      std::uint32_t best = kNone;
      int best_rank = 0;
      for (const auto& e : work.names[k].entries) {
        const Actor& a = all[e.actor];
        int rank = 0;
        if (a.kind == ActorKind::kPerson && here.count(CountsFor(a, work.year))) {
          rank = 4;
        } else if (named.count(e.actor)) {
          rank = 3;
        } else if (a.kind == ActorKind::kState && states_via.count(a.id)) {
          rank = 2;
        }
        if (rank == 0) continue;
        if (a.kind == ActorKind::kPerson && InOffice(a, work.year))
          rank = rank * 2 + 1;
        else
          rank = rank * 2;
        if (rank > best_rank) {
          best_rank = rank;
          best = e.actor;
        }
      }
      choice[s][k] = best;
    }
    work.mentions.clear();
    for (std::size_t k = 0; k < work.names.size(); ++k) {
      if (choice[s][k] == kNone) continue;
      Mention mention;
      mention.actor = choice[s][k];
      mention.begin = work.names[k].begin;
      mention.end = work.names[k].end;
      mention.counts_for = CountsFor(all[mention.actor], work.year);
      const Actor& actor = all[mention.actor];
      if (actor.kind == ActorKind::kGroup) {
        mention.state = actor.country;
      } else if (index.count(mention.counts_for) &&
                 all[index.at(mention.counts_for)].kind == ActorKind::kState) {
        mention.state = mention.counts_for;
      }
      work.mentions.push_back(std::move(mention));
    }
  }
}

Analysis Analyzer::Impl::Summarise(std::string_view text, std::vector<SentenceWork>& sentences) const {
  const auto& all = actors();
  Analysis analysis;
  analysis.sentences = static_cast<int>(sentences.size());
  analysis.paragraphs = sentences.empty() ? 0 : sentences.back().span.paragraph + 1;
  auto sentence_text = [&](const SentenceWork& w) {
    std::string_view quote = text.substr(w.span.begin, w.span.end - w.span.begin);
    if (quote.size() <= kMaxQuoteBytes) return std::string(quote);
    // Cut at a character boundary.
    std::size_t cut = kMaxQuoteBytes;
    while (cut > 0 && (static_cast<unsigned char>(quote[cut]) & 0xC0) == 0x80) --cut;
    return std::string(quote.substr(0, cut)) + "…";
  };

  // Actors: each name, and each state through its people and bodies.
  std::map<std::uint32_t, ActorSummary> summaries;
  auto summary = [&](std::uint32_t i) -> ActorSummary& {
    auto [it, inserted] = summaries.try_emplace(i);
    if (inserted) {
      it->second.id = all[i].id;
      it->second.name = all[i].name;
      it->second.kind = all[i].kind;
    }
    return it->second;
  };
  for (const auto& work : sentences) {
    for (const auto& m : work.mentions) {
      ActorSummary& own = summary(m.actor);
      ++own.mentions;
      if (m.counts_for != all[m.actor].id) {
        if (own.country.empty()) own.country = m.counts_for;
        auto state = index.find(m.counts_for);
        if (state != index.end()) ++summary(state->second).mentions;
      }
    }
  }
  for (auto& [i, s] : summaries) {
    if (s.country.empty() && all[i].kind != ActorKind::kState && !all[i].country.empty())
      s.country = all[i].country;
    analysis.actors.push_back(std::move(s));
  }
  std::stable_sort(analysis.actors.begin(), analysis.actors.end(),
                   [](const ActorSummary& a, const ActorSummary& b) {
                     if (a.mentions != b.mentions) return a.mentions > b.mentions;
                     if (a.kind != b.kind) return a.kind < b.kind;
                     return a.id < b.id;
                   });

  // Relations: every pair of distinct ids in a sentence, with the cues that
  // are about it (pairs.h).
  std::map<std::pair<std::string, std::string>, Relation> relations;
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    const auto& work = sentences[s];
    std::vector<internal::PairMention> mentions;
    std::set<std::string> distinct;
    for (const auto& m : work.mentions) {
      // A sentence that lists dozens of actors pairs only the first ones.
      if (!distinct.count(m.counts_for) && distinct.size() >= kMaxPairedPerSentence) continue;
      distinct.insert(m.counts_for);
      mentions.push_back(internal::PairMention{m.begin, m.end, m.counts_for});
    }
    for (auto& pair : internal::AttributeCues(work.folded, std::move(mentions), work.cue_spans)) {
      Relation& r = relations[{pair.a, pair.b}];
      r.a = pair.a;
      r.b = pair.b;
      ++r.mentions;
      Evidence evidence;
      evidence.paragraph = work.span.paragraph;
      evidence.sentence = static_cast<int>(s);
      evidence.text = sentence_text(work);
      evidence.tone = pair.tone;
      for (std::size_t c : pair.cues) evidence.cues.push_back(work.cues[c]);
      r.evidence.push_back(std::move(evidence));
    }
  }
  for (auto& [key, r] : relations) {
    double sum = 0;
    int counted = 0;
    for (const auto& e : r.evidence) {
      if (e.tone == 0) continue;
      sum += e.tone;
      ++counted;
    }
    r.tone = counted ? std::clamp(sum / counted, -10.0, 10.0) : 0.0;
    analysis.relations.push_back(std::move(r));
  }
  std::stable_sort(analysis.relations.begin(), analysis.relations.end(),
                   [](const Relation& a, const Relation& b) { return a.mentions > b.mentions; });

  // Events: each date with the actors of its sentence.
  std::vector<std::vector<std::string>> sentence_ids(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    for (const auto& m : sentences[s].mentions) {
      sentence_ids[s].push_back(m.counts_for);
      sentence_ids[s].push_back(all[m.actor].id);
      if (!m.state.empty()) sentence_ids[s].push_back(m.state);
    }
    SortIds(sentence_ids[s], index, all);
  }
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    const auto& work = sentences[s];
    if (work.dates.empty()) continue;
    std::vector<std::string> ids = sentence_ids[s];
    bool inherited = false;
    if (ids.empty() && work.anaphor) {
      for (std::size_t p = s; p-- > 0 && sentences[p].span.paragraph == work.span.paragraph;) {
        if (sentence_ids[p].empty()) continue;
        ids = sentence_ids[p];
        inherited = true;
        break;
      }
    }
    if (ids.empty()) continue;
    for (const auto& d : work.dates) {
      Event event;
      event.date = d.date;
      event.precision = d.precision;
      event.actors = ids;
      event.sentence = sentence_text(work);
      event.paragraph = work.span.paragraph;
      event.inherited_actors = inherited;
      analysis.events.push_back(std::move(event));
    }
  }
  return analysis;
}

Analyzer::Analyzer(const Gazetteer& gazetteer) : impl_(std::make_unique<Impl>(gazetteer)) {}
Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

Result<std::vector<Analyzer::Sentence>> Analyzer::Sentences(std::string_view text) const {
  if (!impl_->init_status.ok()) return impl_->init_status;
  if (text.size() > kMaxTextBytes) return Status::InvalidArgument("the text is longer than 8 MiB");
  if (!IsValidUtf8(text)) return Status::InvalidArgument("the text is not valid UTF-8");
  std::vector<internal::SentenceSpan> spans;
  CHANCERY_RETURN_IF_ERROR(impl_->segmenter->Split(text, spans));
  std::vector<Sentence> out;
  out.reserve(spans.size());
  for (const auto& s : spans) out.push_back(Sentence{s.begin, s.end, s.paragraph, s.heading});
  return out;
}

Result<Analysis> Analyzer::Analyze(std::string_view text, const AnalyzeOptions& options) const {
  if (!impl_->init_status.ok()) return impl_->init_status;
  if (text.size() > kMaxTextBytes) return Status::InvalidArgument("the text is longer than 8 MiB");
  if (!IsValidUtf8(text)) return Status::InvalidArgument("the text is not valid UTF-8");
  std::vector<internal::SentenceSpan> spans;
  CHANCERY_RETURN_IF_ERROR(impl_->segmenter->Split(text, spans));
  std::vector<SentenceWork> sentences(spans.size());
  internal::Folded folded;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    sentences[i].span = spans[i];
    impl_->ReadSentence(text, sentences[i], folded, options.year);
  }
  impl_->Resolve(sentences);
  return impl_->Summarise(text, sentences);
}

}  // namespace chancery::insight
