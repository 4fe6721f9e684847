// ToJson (the contract of `chancery analyze --format json`) and ToText.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "insight/insight.h"

namespace chancery::insight {
namespace {

double Round2(double v) {
  const double r = std::round(v * 100.0) / 100.0;
  return r == 0 ? 0.0 : r;  // no "-0"
}

std::string Signed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f", Round2(v));
  return buf;
}

std::string Pad(std::string s, std::size_t width) {
  // Pads by code points, so names with accents line up.
  std::size_t points = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++points;
  if (points < width) s.append(width - points, ' ');
  return s;
}

boost::json::object CueJson(const CueHit& cue) {
  boost::json::object o;
  o["text"] = cue.text;
  o["phrase"] = cue.phrase;
  o["weight"] = Round2(cue.weight);
  if (!cue.modifiers.empty()) {
    boost::json::array mods;
    for (const auto& m : cue.modifiers) mods.emplace_back(m);
    o["modifiers"] = std::move(mods);
  }
  return o;
}

}  // namespace

std::string ToJson(const Analysis& analysis) {
  boost::json::object root;
  boost::json::array actors;
  for (const auto& a : analysis.actors) {
    boost::json::object o;
    o["id"] = a.id;
    o["name"] = a.name;
    o["kind"] = std::string(KindName(a.kind));
    if (a.country.empty()) {
      o["country"] = nullptr;
    } else {
      o["country"] = a.country;
    }
    o["mentions"] = a.mentions;
    actors.push_back(std::move(o));
  }
  boost::json::array relations;
  for (const auto& r : analysis.relations) {
    boost::json::object o;
    o["a"] = r.a;
    o["b"] = r.b;
    o["tone"] = Round2(r.tone);
    o["mentions"] = r.mentions;
    boost::json::array evidence;
    for (const auto& e : r.evidence) {
      boost::json::object eo;
      eo["paragraph"] = e.paragraph;
      eo["sentence"] = e.sentence;
      eo["text"] = e.text;
      eo["tone"] = Round2(e.tone);
      boost::json::array cues;
      for (const auto& c : e.cues) cues.push_back(CueJson(c));
      eo["cues"] = std::move(cues);
      evidence.push_back(std::move(eo));
    }
    o["evidence"] = std::move(evidence);
    relations.push_back(std::move(o));
  }
  boost::json::array events;
  for (const auto& ev : analysis.events) {
    boost::json::object o;
    o["date"] = ev.date;
    o["precision"] = ev.precision;
    boost::json::array ids;
    for (const auto& id : ev.actors) ids.emplace_back(id);
    o["actors"] = std::move(ids);
    o["sentence"] = ev.sentence;
    o["paragraph"] = ev.paragraph;
    if (ev.inherited_actors) o["inherited_actors"] = true;
    events.push_back(std::move(o));
  }
  root["actors"] = std::move(actors);
  root["relations"] = std::move(relations);
  root["events"] = std::move(events);
  root["sentences"] = analysis.sentences;
  root["paragraphs"] = analysis.paragraphs;
  return boost::json::serialize(root);
}

std::string ToText(const Analysis& analysis) {
  std::ostringstream out;
  auto count = [](int n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  out << "Read " << count(analysis.paragraphs, "paragraph", "paragraphs") << ", "
      << count(analysis.sentences, "sentence", "sentences") << ".\n\n";
  out << "Actors (" << analysis.actors.size() << ")\n";
  if (analysis.actors.empty()) out << "  none found\n";
  for (const auto& a : analysis.actors) {
    out << "  " << Pad(a.id, 24) << Pad(std::string(KindName(a.kind)), 14)
        << Pad(a.country.empty() ? "-" : a.country, 8) << Pad(std::to_string(a.mentions), 5) << a.name
        << "\n";
  }
  out << "\nRelations (" << analysis.relations.size() << ")\n";
  if (analysis.relations.empty()) out << "  none found\n";
  for (const auto& r : analysis.relations) {
    out << "  " << r.a << " – " << r.b << ": tone " << Signed(r.tone) << " over " << r.mentions
        << (r.mentions == 1 ? " sentence" : " sentences") << "\n";
    for (const auto& e : r.evidence) {
      out << "    ¶" << e.paragraph + 1 << " (" << Signed(e.tone) << ") “" << e.text << "”\n";
      if (e.cues.empty()) continue;
      out << "        cues:";
      for (std::size_t i = 0; i < e.cues.size(); ++i) {
        const auto& c = e.cues[i];
        out << (i ? "; " : " ") << "“" << c.text << "” " << Signed(c.weight);
        if (c.phrase != c.text) out << " (" << c.phrase << ")";
        for (const auto& m : c.modifiers) out << " after “" << m << "”";
      }
      out << "\n";
    }
  }
  out << "\nTimeline (" << analysis.events.size() << ")\n";
  if (analysis.events.empty()) out << "  no dated events\n";
  for (const auto& ev : analysis.events) {
    std::string ids;
    for (const auto& id : ev.actors) ids += (ids.empty() ? "" : ", ") + id;
    out << "  " << Pad(ev.date, 11) << ids << (ev.inherited_actors ? " (from the sentence before)" : "")
        << "\n"
        << "    ¶" << ev.paragraph + 1 << " “" << ev.sentence << "”\n";
  }
  return out.str();
}

}  // namespace chancery::insight
