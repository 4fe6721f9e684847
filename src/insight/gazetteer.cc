// The gazetteer: parsing data/insight/*.tsv (format in its README.md) and the
// editors' additions on top.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "base/text.h"
#include "insight/insight.h"

namespace chancery::insight::data_files {
std::span<const ::chancery::EmbeddedFile> Files();
}

namespace chancery::insight {
namespace {

// The files a gazetteer is made of, in the order they must be loaded: states
// first, because the other files refer to them.
constexpr std::string_view kFileOrder[] = {"states.tsv", "organizations.tsv", "groups.tsv", "people.tsv",
                                           "places.tsv", "compounds.tsv",     "cues.tsv",   "modifiers.tsv"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(
        Trim(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

// The values of a multi-valued field, separated by " | ".
std::vector<std::string> SplitValues(std::string_view field) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t bar = field.find('|', start);
    std::string_view value =
        Trim(field.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (!value.empty()) values.emplace_back(value);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return values;
}

// One data line: its number and its fields.
struct Line {
  int number = 0;
  std::vector<std::string_view> fields;
  std::string_view Field(std::size_t i) const { return i < fields.size() ? fields[i] : std::string_view(); }
};

// The records of a file: comment and blank lines skipped. Fails on invalid
// UTF-8, on more than `max_columns` fields or fewer than `min_columns`.
Result<std::vector<Line>> ReadLines(std::string_view file, std::string_view text, std::size_t min_columns,
                                    std::size_t max_columns) {
  std::vector<Line> lines;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view raw = text.substr(start, nl - start);
    start = nl + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const std::string where = std::string(file) + ":" + std::to_string(number) + ": ";
    if (!IsValidUtf8(raw)) return Status::InvalidArgument(where + "not valid UTF-8");
    if (raw.starts_with('#') || Trim(raw).empty() || raw.find_first_not_of(" \t") == std::string_view::npos)
      continue;
    Line line{number, SplitTabs(raw)};
    // Trailing empty fields may be left out; extra ones are a mistake.
    while (line.fields.size() > max_columns && line.fields.back().empty()) line.fields.pop_back();
    if (line.fields.size() > max_columns)
      return Status::InvalidArgument(where + std::to_string(line.fields.size()) +
                                     " columns, expected at most " + std::to_string(max_columns));
    std::size_t filled = line.fields.size();
    if (filled < min_columns || line.fields[0].empty())
      return Status::InvalidArgument(where + "expected at least " + std::to_string(min_columns) + " columns");
    for (std::size_t i = 1; i < min_columns; ++i)
      if (line.fields[i].empty())
        return Status::InvalidArgument(where + "column " + std::to_string(i + 1) + " is empty");
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string Where(std::string_view file, int line) { return std::string(file) + ":" + std::to_string(line); }

bool IsUpperAlpha(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `id` fits the id rules of data/insight/README.md for `kind`.
bool ValidId(std::string_view id, ActorKind kind) {
  if (id.empty() || id.size() > 64) return false;
  switch (kind) {
    case ActorKind::kState:
      return id.size() == 3 && std::all_of(id.begin(), id.end(), IsUpperAlpha);
    case ActorKind::kOrganization:
    case ActorKind::kGroup:
      return id.front() != '-' && std::all_of(id.begin(), id.end(), [](char c) {
               return IsUpperAlpha(c) || IsDigit(c) || c == '-';
             });
    case ActorKind::kPerson:
      return id.front() != '-' && std::all_of(id.begin(), id.end(), [](char c) {
               return IsLowerAlpha(c) || IsDigit(c) || c == '-';
             });
  }
  return false;
}

// A year column: empty (0) or four digits.
Result<int> ParseYear(std::string_view field) {
  if (field.empty()) return 0;
  int year = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), year);
  if (ec != std::errc() || end != field.data() + field.size() || field.size() != 4)
    return Status::InvalidArgument("'" + std::string(field) + "' is not a four-digit year");
  return year;
}

struct Flags {
  bool historical = false;
  bool person_first = false;
};

Result<Flags> ParseFlags(std::string_view field) {
  Flags flags;
  std::size_t start = 0;
  while (start <= field.size()) {
    std::size_t comma = field.find(',', start);
    const std::string_view word =
        Trim(field.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (word == "historical") {
      flags.historical = true;
    } else if (word == "person-first") {
      flags.person_first = true;
    } else if (!word.empty()) {
      return Status::InvalidArgument("unknown flag '" + std::string(word) +
                                     "' (known: historical, person-first)");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return flags;
}

// A name as written in the data: a trailing "?" marks it ambiguous.
ActorName MakeName(std::string_view text, NameForm form) {
  ActorName name;
  name.form = form;
  text = Trim(text);
  if (text.ends_with('?')) {
    name.ambiguous = true;
    text.remove_suffix(1);
  }
  if (form == NameForm::kPrefix && text.ends_with('-')) text.remove_suffix(1);
  name.text = std::string(Trim(text));
  return name;
}

void AddNameIfNew(Actor& actor, ActorName name) {
  if (name.text.empty()) return;
  for (const auto& existing : actor.names)
    if (existing.text == name.text && existing.form == name.form) return;
  actor.names.push_back(std::move(name));
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IoError("cannot read " + path.string());
  return bytes;
}

}  // namespace

std::string_view KindName(ActorKind kind) {
  switch (kind) {
    case ActorKind::kState:
      return "state";
    case ActorKind::kOrganization:
      return "organization";
    case ActorKind::kGroup:
      return "group";
    case ActorKind::kPerson:
      return "person";
  }
  return "state";
}

Result<Gazetteer> Gazetteer::Builtin() {
  auto files = data_files::Files();
  if (!FindEmbedded(files, "states.tsv"))
    return Status::Internal("the insight data (data/insight/states.tsv) was not compiled in");
  return FromFiles(files);
}

Result<Gazetteer> Gazetteer::FromFiles(std::span<const EmbeddedFile> files) {
  Gazetteer gazetteer;
  for (std::string_view name : kFileOrder) {
    if (auto text = FindEmbedded(files, name)) CHANCERY_RETURN_IF_ERROR(gazetteer.LoadFile(name, *text));
  }
  return gazetteer;
}

Result<Gazetteer> Gazetteer::FromDirectory(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::NotFound(dir + " is not a folder");
  Gazetteer gazetteer;
  for (std::string_view name : kFileOrder) {
    const auto path = std::filesystem::path(dir) / name;
    if (!std::filesystem::exists(path, ec)) continue;
    CHANCERY_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    CHANCERY_RETURN_IF_ERROR(gazetteer.LoadFile(name, text));
  }
  return gazetteer;
}

Status Gazetteer::LoadFile(std::string_view file_name, std::string_view text) {
  if (file_name == "states.tsv") return LoadActors(file_name, text, ActorKind::kState);
  if (file_name == "organizations.tsv") return LoadActors(file_name, text, ActorKind::kOrganization);
  if (file_name == "groups.tsv") return LoadActors(file_name, text, ActorKind::kGroup);
  if (file_name == "people.tsv") return LoadPeople(file_name, text);
  if (file_name == "places.tsv") return LoadPlaces(file_name, text);
  if (file_name == "compounds.tsv") return LoadCompounds(file_name, text);
  if (file_name == "cues.tsv") return LoadCues(file_name, text);
  if (file_name == "modifiers.tsv") return LoadModifiers(file_name, text);
  return Status::InvalidArgument("unknown insight data file '" + std::string(file_name) + "'");
}

Status Gazetteer::LoadActors(std::string_view file, std::string_view text, ActorKind kind) {
  const bool state = kind == ActorKind::kState;
  // states: id name aliases adjectives capitals seats prefixes flags
  // organisations, groups: id name aliases country flags
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 2, state ? 8 : 5));
  for (const Line& line : lines) {
    Actor actor;
    actor.kind = kind;
    actor.id = std::string(line.Field(0));
    ActorName name = MakeName(line.Field(1), NameForm::kName);
    actor.name = name.text;
    actor.names.push_back(std::move(name));
    for (const auto& alias : SplitValues(line.Field(2)))
      AddNameIfNew(actor, MakeName(alias, NameForm::kAlias));
    std::string_view flags_field;
    if (state) {
      for (const auto& v : SplitValues(line.Field(3))) AddNameIfNew(actor, MakeName(v, NameForm::kAdjective));
      for (const auto& v : SplitValues(line.Field(4))) AddNameIfNew(actor, MakeName(v, NameForm::kCapital));
      for (const auto& v : SplitValues(line.Field(5))) AddNameIfNew(actor, MakeName(v, NameForm::kSeat));
      for (const auto& v : SplitValues(line.Field(6))) AddNameIfNew(actor, MakeName(v, NameForm::kPrefix));
      flags_field = line.Field(7);
    } else {
      actor.country = std::string(line.Field(3));
      flags_field = line.Field(4);
    }
    auto flags = ParseFlags(flags_field);
    if (!flags.ok()) return flags.status().WithContext(Where(file, line.number));
    actor.historical = flags->historical;
    actor.person_first = flags->person_first;
    CHANCERY_RETURN_IF_ERROR(AddActor(std::move(actor)).WithContext(Where(file, line.number)));
  }
  return Status::Ok();
}

Status Gazetteer::LoadPeople(std::string_view file, std::string_view text) {
  // id name aliases country office from to
  // Later lines of a person may leave the name empty: only the first counts.
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 1, 7));
  for (const Line& line : lines) {
    const std::string where = Where(file, line.number);
    Office office;
    office.country = std::string(line.Field(3));
    office.title = std::string(line.Field(4));
    auto from = ParseYear(line.Field(5));
    auto to = ParseYear(line.Field(6));
    if (!from.ok()) return from.status().WithContext(where + ": from");
    if (!to.ok()) return to.status().WithContext(where + ": to");
    office.from = *from;
    office.to = *to;
    if (office.from && office.to && office.from > office.to)
      return Status::InvalidArgument(where + ": office ends (" + std::to_string(office.to) +
                                     ") before it starts (" + std::to_string(office.from) + ")");
    if (!office.country.empty()) {
      const Actor* state = Find(office.country);
      if (state == nullptr || state->kind != ActorKind::kState)
        return Status::InvalidArgument(where + ": unknown country '" + office.country + "'");
    }
    Actor* existing = FindMutable(line.Field(0));
    if (existing != nullptr) {
      if (existing->kind != ActorKind::kPerson)
        return Status::AlreadyExists(where + ": id '" + existing->id + "' is already a " +
                                     std::string(KindName(existing->kind)));
      // Later lines of the same person add an office; their names do not count.
      existing->offices.push_back(std::move(office));
      continue;
    }
    if (line.Field(1).empty()) return Status::InvalidArgument(where + ": column 2 (name) is empty");
    Actor person;
    person.kind = ActorKind::kPerson;
    person.id = std::string(line.Field(0));
    ActorName name = MakeName(line.Field(1), NameForm::kName);
    person.name = name.text;
    person.names.push_back(std::move(name));
    for (const auto& alias : SplitValues(line.Field(2)))
      AddNameIfNew(person, MakeName(alias, NameForm::kAlias));
    person.offices.push_back(std::move(office));
    CHANCERY_RETURN_IF_ERROR(AddActor(std::move(person)).WithContext(where));
  }
  return Status::Ok();
}

Status Gazetteer::LoadPlaces(std::string_view file, std::string_view text) {
  // name country aliases
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 1, 3));
  for (const Line& line : lines) {
    Place place;
    place.name = std::string(line.Field(0));
    place.country = std::string(line.Field(1));
    place.aliases = SplitValues(line.Field(2));
    if (!place.country.empty()) {
      const Actor* state = Find(place.country);
      if (state == nullptr || state->kind != ActorKind::kState)
        return Status::InvalidArgument(Where(file, line.number) + ": unknown country '" + place.country +
                                       "'");
    }
    places_.push_back(std::move(place));
  }
  return Status::Ok();
}

Status Gazetteer::LoadCompounds(std::string_view file, std::string_view text) {
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 1, 1));
  for (const Line& line : lines) compounds_.emplace_back(line.Field(0));
  return Status::Ok();
}

Status Gazetteer::LoadCues(std::string_view file, std::string_view text) {
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 2, 2));
  for (const Line& line : lines) {
    const std::string_view w = line.Field(1);
    double weight = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
    if (ec != std::errc() || end != w.data() + w.size() || weight < -10 || weight > 10)
      return Status::InvalidArgument(Where(file, line.number) + ": weight '" + std::string(w) +
                                     "' is not a number from -10 to 10");
    const std::string_view phrase = line.Field(0);
    for (std::size_t star = phrase.find('*'); star != std::string_view::npos;
         star = phrase.find('*', star + 1)) {
      const bool word_end = star + 1 == phrase.size() || phrase[star + 1] == ' ';
      if (!word_end || star == 0 || phrase[star - 1] == ' ')
        return Status::InvalidArgument(Where(file, line.number) + ": '*' may only end a word in '" +
                                       std::string(phrase) + "'");
    }
    cues_.push_back(Cue{std::string(phrase), weight});
  }
  return Status::Ok();
}

Status Gazetteer::LoadModifiers(std::string_view file, std::string_view text) {
  CHANCERY_ASSIGN_OR_RETURN(auto lines, ReadLines(file, text, 2, 2));
  for (const Line& line : lines) {
    Modifier modifier;
    modifier.phrase = std::string(line.Field(0));
    const std::string_view kind = line.Field(1);
    if (kind == "negation") {
      modifier.kind = ModifierKind::kNegation;
    } else if (kind == "hedge") {
      modifier.kind = ModifierKind::kHedge;
    } else if (kind == "intensifier") {
      modifier.kind = ModifierKind::kIntensifier;
    } else {
      return Status::InvalidArgument(Where(file, line.number) + ": kind '" + std::string(kind) +
                                     "' is not negation, hedge or intensifier");
    }
    modifiers_.push_back(std::move(modifier));
  }
  return Status::Ok();
}

Status Gazetteer::AddActor(Actor actor) {
  if (!ValidId(actor.id, actor.kind))
    return Status::InvalidArgument("'" + actor.id + "' is not a valid " + std::string(KindName(actor.kind)) +
                                   " id");
  if (!IsValidUtf8(actor.name) || Trim(actor.name).empty())
    return Status::InvalidArgument("actor '" + actor.id + "' has no name");
  if (Find(actor.id) != nullptr) return Status::AlreadyExists("actor id '" + actor.id + "' is already taken");
  auto known_state = [this](const std::string& code) {
    const Actor* state = Find(code);
    return state != nullptr && state->kind == ActorKind::kState;
  };
  if (!actor.country.empty() && !known_state(actor.country))
    return Status::InvalidArgument("unknown country '" + actor.country + "'");
  for (const auto& office : actor.offices)
    if (!office.country.empty() && !known_state(office.country))
      return Status::InvalidArgument("unknown country '" + office.country + "'");
  for (const auto& name : actor.names)
    if (!IsValidUtf8(name.text))
      return Status::InvalidArgument("a name of '" + actor.id + "' is not valid UTF-8");
  bool has_name = false;
  for (const auto& n : actor.names) has_name = has_name || (n.text == actor.name);
  if (!has_name) actor.names.insert(actor.names.begin(), ActorName{actor.name, NameForm::kName, false});
  actors_.push_back(std::move(actor));
  return Status::Ok();
}

Status Gazetteer::AddName(std::string_view id, std::string_view name, NameForm form) {
  Actor* actor = FindMutable(id);
  if (actor == nullptr) return Status::NotFound("no actor '" + std::string(id) + "'");
  if (!IsValidUtf8(name)) return Status::InvalidArgument("the name is not valid UTF-8");
  ActorName parsed = MakeName(name, form);
  if (parsed.text.empty()) return Status::InvalidArgument("the name is empty");
  AddNameIfNew(*actor, std::move(parsed));
  return Status::Ok();
}

Status Gazetteer::Merge(std::string_view from_id, std::string_view into_id) {
  if (from_id == into_id)
    return Status::InvalidArgument("cannot merge '" + std::string(from_id) + "' into itself");
  Actor* from = FindMutable(from_id);
  Actor* into = FindMutable(into_id);
  if (from == nullptr) return Status::NotFound("no actor '" + std::string(from_id) + "'");
  if (into == nullptr) return Status::NotFound("no actor '" + std::string(into_id) + "'");
  if (from->kind != into->kind)
    return Status::InvalidArgument("cannot merge a " + std::string(KindName(from->kind)) + " into a " +
                                   std::string(KindName(into->kind)));
  for (auto& name : from->names) {
    // The merged actor's own name becomes an alias of the survivor.
    if (name.form == NameForm::kName) name.form = NameForm::kAlias;
    AddNameIfNew(*into, std::move(name));
  }
  for (auto& office : from->offices) into->offices.push_back(std::move(office));
  if (into->country.empty()) into->country = from->country;
  const std::string from_key = from->id, into_key = into->id;
  for (auto& actor : actors_) {
    if (actor.country == from_key) actor.country = into_key;
    for (auto& office : actor.offices)
      if (office.country == from_key) office.country = into_key;
  }
  for (auto& place : places_)
    if (place.country == from_key) place.country = into_key;
  actors_.erase(
      std::find_if(actors_.begin(), actors_.end(), [&](const Actor& a) { return a.id == from_key; }));
  return Status::Ok();
}

const Actor* Gazetteer::Find(std::string_view id) const {
  for (const auto& actor : actors_)
    if (actor.id == id) return &actor;
  return nullptr;
}

Actor* Gazetteer::FindMutable(std::string_view id) {
  for (auto& actor : actors_)
    if (actor.id == id) return &actor;
  return nullptr;
}

}  // namespace chancery::insight
