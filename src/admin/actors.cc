#include "admin/actors.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/text.h"
#include "base/time.h"
#include "insight/insight.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;
using insight::ActorKind;
using insight::NameForm;
using store::Role;

namespace {

const std::vector<Role> kEditorsAndAdmins = {Role::kAdmin, Role::kEditor};

constexpr int kPageSize = 50;
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxNameChars = 200;

constexpr std::pair<ActorKind, std::string_view> kKinds[] = {
    {ActorKind::kState, "state"},
    {ActorKind::kOrganization, "organization"},
    {ActorKind::kGroup, "group"},
    {ActorKind::kPerson, "person"},
};

// The forms a name may take, as the select offers them and edits store them.
constexpr std::pair<NameForm, std::string_view> kForms[] = {
    {NameForm::kAlias, "alias"},         {NameForm::kName, "name"},  {NameForm::kAdjective, "adjective"},
    {NameForm::kCapital, "capital"},     {NameForm::kSeat, "seat"},  {NameForm::kPrefix, "prefix"},
};

constexpr std::string_view FormLabel(NameForm form) {
  switch (form) {
    case NameForm::kName: return "Name";
    case NameForm::kAlias: return "Alias or acronym";
    case NameForm::kAdjective: return "Adjective or demonym";
    case NameForm::kCapital: return "Capital (as a metonym)";
    case NameForm::kSeat: return "Seat of power";
    case NameForm::kPrefix: return "Combining form (Pak-, Sino-)";
  }
  return "Alias or acronym";
}

std::optional<ActorKind> ParseKind(std::string_view text) {
  for (const auto& [kind, name] : kKinds)
    if (name == text) return kind;
  return std::nullopt;
}

std::optional<NameForm> ParseNameForm(std::string_view text) {
  if (text.empty()) return NameForm::kAlias;
  for (const auto& [form, name] : kForms)
    if (name == text) return form;
  return std::nullopt;
}

std::string_view FormName(NameForm form) {
  for (const auto& [f, name] : kForms)
    if (f == form) return name;
  return "alias";
}

// The state a person or body counts for, as the table shows it.
std::string CountryOf(const insight::Actor& actor) {
  if (actor.kind != ActorKind::kPerson) return actor.country;
  const insight::Office* latest = nullptr;
  for (const auto& office : actor.offices)
    if (latest == nullptr || office.to == 0 || (latest->to != 0 && office.to > latest->to)) latest = &office;
  return latest == nullptr ? "" : latest->country;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool Matches(const insight::Actor& actor, const std::string& needle) {
  if (needle.empty()) return true;
  if (Lower(actor.id).find(needle) != std::string::npos) return true;
  if (Lower(actor.name).find(needle) != std::string::npos) return true;
  return std::any_of(actor.names.begin(), actor.names.end(),
                     [&](const insight::ActorName& n) { return Lower(n.text).find(needle) != std::string::npos; });
}

Response Redirect(std::string location) {
  Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// Unicode characters in valid UTF-8.
std::size_t CountChars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

// One line of text as typed: control characters dropped, runs of spaces
// kept, ends trimmed. Returns the error to show, or "".
std::string CleanLine(std::string& value, std::size_t max_chars) {
  if (!IsValidUtf8(value)) return "This is not valid text (UTF-8); retype it.";
  std::string clean;
  for (char ch : value) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\t' || ch == '\n' || ch == '\r') {
      clean += ' ';
    } else if (u >= 0x20 && u != 0x7f) {
      clean += ch;
    }
  }
  const std::size_t first = clean.find_first_not_of(' ');
  const std::size_t last = clean.find_last_not_of(' ');
  value = first == std::string::npos ? "" : clean.substr(first, last - first + 1);
  const std::size_t chars = CountChars(value);
  if (chars > max_chars) return fmt::format("At most {} characters; this has {}.", max_chars, chars);
  return "";
}

std::string IdRule(ActorKind kind) {
  switch (kind) {
    case ActorKind::kState:
      return "A state's id is its three-letter ISO 3166-1 alpha-3 code in capitals, such as PAK.";
    case ActorKind::kOrganization:
    case ActorKind::kGroup:
      return "An organisation's or group's id uses capital letters, digits and hyphens, such as NATO or TTP.";
    case ActorKind::kPerson:
      return "A person's id is their name in lower case with hyphens, such as sergey-lavrov.";
  }
  return "";
}

std::string Describe(const store::GazetteerEdit& e) {
  if (e.action == "add_actor")
    return fmt::format("Added the {} “{}” ({}{}{})", e.kind, e.name, e.actor_id, e.country.empty() ? "" : ", ",
                       e.country);
  if (e.action == "add_name")
    return fmt::format("Added the name “{}” ({}) to {}", e.name, e.form.empty() ? "alias" : e.form, e.actor_id);
  if (e.action == "merge") return fmt::format("Merged {} into {}", e.actor_id, e.target_id);
  return e.action + " " + e.actor_id;
}

// Whether the gazetteer in effect shows the edit's result (an edit skipped
// at replay, e.g. after an earlier one was undone, does not).
bool InEffect(const insight::Gazetteer& g, const store::GazetteerEdit& e) {
  if (e.action == "add_actor") return g.Find(e.actor_id) != nullptr;
  if (e.action == "merge") return g.Find(e.actor_id) == nullptr && g.Find(e.target_id) != nullptr;
  if (e.action == "add_name") {
    const insight::Actor* a = g.Find(e.actor_id);
    if (a == nullptr) return false;
    std::string_view text = e.name;
    if (text.ends_with('?')) text.remove_suffix(1);
    if (text.ends_with('-')) text.remove_suffix(1);
    return std::any_of(a->names.begin(), a->names.end(), [&](const insight::ActorName& n) { return n.text == text; });
  }
  return false;
}

}  // namespace

Status ApplyGazetteerEdit(insight::Gazetteer& gazetteer, const store::GazetteerEdit& edit) {
  if (edit.action == "add_actor") {
    auto kind = ParseKind(edit.kind);
    if (!kind) return Status::InvalidArgument("unknown kind '" + edit.kind + "'");
    insight::Actor actor;
    actor.id = edit.actor_id;
    actor.name = edit.name;
    actor.kind = *kind;
    // A person acts for a state through an office; bodies belong to one.
    if (*kind == ActorKind::kPerson && !edit.country.empty())
      actor.offices.push_back(insight::Office{edit.country, "", 0, 0});
    else
      actor.country = edit.country;
    return gazetteer.AddActor(std::move(actor));
  }
  if (edit.action == "add_name") {
    auto form = ParseNameForm(edit.form);
    if (!form) return Status::InvalidArgument("unknown name form '" + edit.form + "'");
    return gazetteer.AddName(edit.actor_id, edit.name, *form);
  }
  if (edit.action == "merge") return gazetteer.Merge(edit.actor_id, edit.target_id);
  return Status::InvalidArgument("unknown gazetteer edit '" + edit.action + "'");
}

struct ActorPages::Impl {
  Admin& admin;
  CurrentGazetteer current;
  Changed changed;

  store::Store& store() { return admin.store(); }

  Response StoreError(const Visitor& v, const Status& s, std::string_view what) {
    spdlog::error("admin: {}: {}", what, s.ToString());
    return admin.Message(503, &v, "The newsroom is unavailable",
                         "The database could not be reached just now. Nothing was changed; please try again.",
                         "/admin/actors");
  }

  Response NoSuchActor(const Visitor& v, std::string_view id) {
    return admin.Message(404, &v, "No such actor",
                         fmt::format("The gazetteer has no actor “{}” (it may have been merged into another).", id),
                         "/admin/actors");
  }

  // Stores `edit` by the visitor and puts the new gazetteer into effect.
  Status SaveEdit(const Visitor& v, store::GazetteerEdit edit) {
    edit.created_by = v.user.email;
    edit.created_at = admin.Now();
    auto added = store().AddGazetteerEdit(edit);
    if (!added.ok()) return added.status();
    spdlog::info("{} changed the gazetteer: {} (edit {})", v.user.email, Describe(*added), added->id);
    changed();
    return Status::Ok();
  }

  json::object ActorRow(const insight::Gazetteer& g, const insight::Actor& a) {
    json::array names;
    for (const auto& n : a.names)
      names.push_back(json::object{{"text", n.form == NameForm::kPrefix ? n.text + "-" : n.text},
                                   {"form", std::string(FormName(n.form))},
                                   {"form_label", std::string(FormLabel(n.form))},
                                   {"ambiguous", n.ambiguous}});
    const std::string country = CountryOf(a);
    const insight::Actor* state = country.empty() ? nullptr : g.Find(country);
    return json::object{{"id", a.id},
                        {"name", a.name},
                        {"kind", std::string(insight::KindName(a.kind))},
                        {"country", country},
                        {"country_name", state == nullptr ? std::string() : state->name},
                        {"historical", a.historical},
                        {"names", std::move(names)},
                        {"url", "/admin/actors/" + a.id}};
  }

  json::array EditRows(const insight::Gazetteer& g, const std::vector<store::GazetteerEdit>& edits,
                       std::string_view only_actor) {
    json::array rows;
    for (auto it = edits.rbegin(); it != edits.rend(); ++it) {  // newest first
      const store::GazetteerEdit& e = *it;
      if (!only_actor.empty() && e.actor_id != only_actor && e.target_id != only_actor) continue;
      rows.push_back(json::object{{"id", e.id},
                                  {"text", Describe(e)},
                                  {"by", e.created_by},
                                  {"at", FormatLocalDateTime(e.created_at, false) + " UTC"},
                                  {"in_effect", InEffect(g, e)},
                                  {"undo_url", fmt::format("/admin/actors/edits/{}/delete", e.id)}});
    }
    return rows;
  }

  static json::array KindOptions(std::string_view selected, bool with_any) {
    json::array options;
    if (with_any) options.push_back(json::object{{"value", ""}, {"label", "Any kind"}, {"selected", selected.empty()}});
    for (const auto& [kind, name] : kKinds)
      options.push_back(json::object{{"value", std::string(name)}, {"label", std::string(name)}, {"selected", name == selected}});
    return options;
  }

  // ---- The list, the search and "Add an actor" -----------------------------------

  struct NewActorForm {
    std::string id, kind = "organization", name, country;
    json::object errors;
  };

  Response ListPage(const Request& request, const Visitor& v, int status, const NewActorForm& form,
                    std::string notice) {
    const auto gazetteer = current();
    auto edits = store().ListGazetteerEdits();
    if (!edits.ok()) return StoreError(v, edits.status(), "listing gazetteer edits");

    std::string q = request.QueryParam("q").value_or("");
    if (!CleanLine(q, kMaxNameChars).empty()) q.clear();
    std::string kind = request.QueryParam("kind").value_or("");
    if (!ParseKind(kind)) kind.clear();
    int page = 1;
    if (auto p = request.QueryParam("page")) {
      std::from_chars(p->data(), p->data() + p->size(), page);
      page = std::max(page, 1);
    }

    const std::string needle = Lower(q);
    std::vector<const insight::Actor*> found;
    for (const auto& a : gazetteer->actors())
      if ((kind.empty() || insight::KindName(a.kind) == kind) && Matches(a, needle)) found.push_back(&a);
    std::stable_sort(found.begin(), found.end(), [](const insight::Actor* x, const insight::Actor* y) {
      if (x->kind != y->kind) return x->kind < y->kind;
      return Lower(x->name) < Lower(y->name);
    });
    const int total = static_cast<int>(found.size());
    const int pages = std::max(1, (total + kPageSize - 1) / kPageSize);
    page = std::min(page, pages);
    json::array rows;
    for (int i = (page - 1) * kPageSize; i < std::min(total, page * kPageSize); ++i)
      rows.push_back(ActorRow(*gazetteer, *found[i]));

    auto page_url = [&](int n) {
      std::string url = "/admin/actors?page=" + std::to_string(n);
      if (!q.empty()) url += "&q=" + http::PercentEncode(q);
      if (!kind.empty()) url += "&kind=" + kind;
      return url;
    };
    json::array edit_rows = EditRows(*gazetteer, *edits, "");
    json::object view{{"title", "Actors"},
                      {"q", q},
                      {"kind_options", KindOptions(kind, true)},
                      {"actors", std::move(rows)},
                      {"has_actors", total > 0},
                      {"total", total},
                      {"page", page},
                      {"pages", pages},
                      {"has_pager", pages > 1},
                      {"edits", edit_rows},
                      {"has_edits", !edit_rows.empty()},
                      {"form", json::object{{"id", form.id}, {"name", form.name}, {"country", form.country}}},
                      {"new_kind_options", KindOptions(form.kind, false)},
                      {"errors", form.errors},
                      {"has_errors", !form.errors.empty()},
                      {"max_id", kMaxIdLength},
                      {"max_name", kMaxNameChars}};
    if (page > 1) view["prev_url"] = page_url(page - 1);
    if (page < pages) view["next_url"] = page_url(page + 1);
    if (!notice.empty()) view["notice"] = std::move(notice);
    return admin.Render(status, "actors", "actors", v, std::move(view));
  }

  Response List(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    std::string notice;
    if (request.QueryParam("undone"))
      notice = "The edit was undone. The archive is being read again with the gazetteer as it now is.";
    return ListPage(request, v, 200, NewActorForm{}, std::move(notice));
  }

  Response Add(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    NewActorForm form{http::FormValue(fields, "id"), http::FormValue(fields, "kind"), http::FormValue(fields, "name"),
                      http::FormValue(fields, "country"), {}};
    auto field = [&](std::string_view key, std::string& value, std::size_t max) {
      std::string error = CleanLine(value, max);
      if (!error.empty()) form.errors[key] = std::move(error);
    };
    field("id", form.id, kMaxIdLength);
    field("name", form.name, kMaxNameChars);
    field("country", form.country, 3);
    const auto kind = ParseKind(form.kind);
    if (!kind) form.errors["kind"] = "Choose what kind of actor this is.";
    if (!form.errors.contains("id") && form.id.empty())
      form.errors["id"] = "Enter the id that the actor's page will have, such as JUA or jane-doe.";
    if (!form.errors.contains("name") && form.name.empty()) form.errors["name"] = "Enter the actor's common name.";
    if (kind == ActorKind::kState && !form.country.empty())
      form.errors["country"] = "A state belongs to no other state; leave this empty.";

    const store::GazetteerEdit edit{.action = "add_actor",
                                    .actor_id = form.id,
                                    .name = form.name,
                                    .kind = kind ? std::string(insight::KindName(*kind)) : "",
                                    .country = form.country};
    if (form.errors.empty()) {
      insight::Gazetteer scratch = *current();
      Status s = ApplyGazetteerEdit(scratch, edit);
      if (s.code() == Status::Code::kAlreadyExists) {
        const insight::Actor* taken = current()->Find(form.id);
        form.errors["id"] = fmt::format("The id “{}” is taken by {}; choose another.", form.id,
                                        taken == nullptr ? std::string("another actor") : taken->name);
      } else if (!s.ok() && s.message().find("country") != std::string::npos) {
        form.errors["country"] = fmt::format(
            "No state has the code “{}”. Use a state's ISO alpha-3 code in capitals, such as PAK, or leave it empty.",
            form.country);
      } else if (!s.ok() && s.message().find(" id") != std::string::npos) {
        form.errors["id"] = fmt::format("“{}” cannot be a {} id. {}", form.id, form.kind, IdRule(*kind));
      } else if (!s.ok()) {
        form.errors["name"] = s.message();
      }
    }
    if (!form.errors.empty()) return ListPage(request, v, 422, form, "");

    Status stored = SaveEdit(v, edit);
    if (!stored.ok()) return StoreError(v, stored, "adding an actor");
    return Redirect("/admin/actors/" + form.id + "?added=1");
  }

  // ---- One actor: its names, "Add a name", "Merge into" ----------------------------

  struct ActorForms {
    std::string name, form = "alias";
    bool ambiguous = false;
    std::string into;
    json::object errors;  // "name", "form", "into"
  };

  Response ActorPage(const Visitor& v, int status, const insight::Actor& actor, const ActorForms& forms,
                     std::string notice) {
    const auto gazetteer = current();
    auto edits = store().ListGazetteerEdits();
    if (!edits.ok()) return StoreError(v, edits.status(), "listing gazetteer edits");
    json::array form_options;
    for (const auto& [form, name] : kForms)
      form_options.push_back(json::object{{"value", std::string(name)},
                                          {"label", std::string(FormLabel(form))},
                                          {"selected", name == forms.form}});
    json::array offices;
    for (const auto& o : actor.offices)
      offices.push_back(json::object{{"title", o.title},
                                     {"country", o.country},
                                     {"from", o.from == 0 ? std::string() : std::to_string(o.from)},
                                     {"to", o.to == 0 ? std::string() : std::to_string(o.to)}});
    json::array edit_rows = EditRows(*gazetteer, *edits, actor.id);
    json::object view{{"title", fmt::format("{} ({})", actor.name, actor.id)},
                      {"actor", ActorRow(*gazetteer, actor)},
                      {"offices", std::move(offices)},
                      {"has_offices", !actor.offices.empty()},
                      {"public_url", "/actors/" + actor.id},
                      {"names_url", "/admin/actors/" + actor.id + "/names"},
                      {"merge_url", "/admin/actors/" + actor.id + "/merge"},
                      {"form", json::object{{"name", forms.name}, {"ambiguous", forms.ambiguous}, {"into", forms.into}}},
                      {"form_options", std::move(form_options)},
                      {"edits", edit_rows},
                      {"has_edits", !edit_rows.empty()},
                      {"errors", forms.errors},
                      {"name_errors", forms.errors.contains("name") || forms.errors.contains("form")},
                      {"merge_errors", forms.errors.contains("into")},
                      {"max_name", kMaxNameChars},
                      {"max_id", kMaxIdLength}};
    if (!notice.empty()) view["notice"] = std::move(notice);
    return admin.Render(status, "actor", "actors", v, std::move(view));
  }

  // The visitor and the actor named in the path, or the response to send.
  std::variant<std::pair<Visitor, insight::Actor>, Response> Open(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    Visitor& v = std::get<Visitor>(g);
    const insight::Actor* actor = current()->Find(request.Param("id"));
    if (actor == nullptr) return NoSuchActor(v, request.Param("id"));
    return std::pair<Visitor, insight::Actor>(std::move(v), *actor);
  }

  Response Show(const Request& request) {
    auto opened = Open(request);
    if (auto* r = std::get_if<Response>(&opened)) return std::move(*r);
    const auto& [v, actor] = std::get<std::pair<Visitor, insight::Actor>>(opened);
    std::string notice;
    if (request.QueryParam("added"))
      notice = "The actor was added. Add the other names articles use for it below.";
    if (request.QueryParam("named"))
      notice = "The name was added. The archive is being read again; articles naming it will list this actor.";
    if (auto from = request.QueryParam("merged"))
      notice = fmt::format("{} was merged into this actor. The archive is being read again.", *from);
    return ActorPage(v, 200, actor, ActorForms{}, std::move(notice));
  }

  Response AddName(const Request& request) {
    auto opened = Open(request);
    if (auto* r = std::get_if<Response>(&opened)) return std::move(*r);
    const auto& [v, actor] = std::get<std::pair<Visitor, insight::Actor>>(opened);
    const auto fields = http::ParseForm(request.body);
    ActorForms forms;
    forms.name = http::FormValue(fields, "name");
    forms.form = http::FormValue(fields, "form");
    forms.ambiguous = !http::FormValue(fields, "ambiguous").empty();
    std::string error = CleanLine(forms.name, kMaxNameChars);
    if (!error.empty()) forms.errors["name"] = std::move(error);
    const auto form = ParseNameForm(forms.form);
    if (!form) forms.errors["form"] = "Choose how the name refers to the actor.";
    if (forms.name.ends_with('?')) {  // typed the data files' way
      forms.ambiguous = true;
      forms.name.pop_back();
      while (!forms.name.empty() && forms.name.back() == ' ') forms.name.pop_back();
    }
    if (!forms.errors.contains("name") && forms.name.empty())
      forms.errors["name"] = "Enter the name as articles write it, such as JuA.";
    if (!forms.errors.contains("name") && form) {
      std::string_view bare = forms.name;
      if (*form == NameForm::kPrefix && bare.ends_with('-')) bare.remove_suffix(1);
      for (const auto& n : actor.names)
        if (n.text == bare) forms.errors["name"] = fmt::format("“{}” is already a name of {}.", bare, actor.name);
    }
    const store::GazetteerEdit edit{.action = "add_name",
                                    .actor_id = actor.id,
                                    .name = forms.name + (forms.ambiguous ? "?" : ""),
                                    .form = form ? std::string(FormName(*form)) : ""};
    if (forms.errors.empty()) {
      insight::Gazetteer scratch = *current();
      Status s = ApplyGazetteerEdit(scratch, edit);
      if (!s.ok()) forms.errors["name"] = s.message();
    }
    if (!forms.errors.empty()) return ActorPage(v, 422, actor, forms, "");

    Status stored = SaveEdit(v, edit);
    if (!stored.ok()) return StoreError(v, stored, "adding a name");
    return Redirect("/admin/actors/" + actor.id + "?named=1");
  }

  Response Merge(const Request& request) {
    auto opened = Open(request);
    if (auto* r = std::get_if<Response>(&opened)) return std::move(*r);
    const auto& [v, actor] = std::get<std::pair<Visitor, insight::Actor>>(opened);
    const auto fields = http::ParseForm(request.body);
    ActorForms forms;
    forms.into = http::FormValue(fields, "into");
    std::string error = CleanLine(forms.into, kMaxIdLength);
    if (!error.empty()) forms.errors["into"] = std::move(error);
    if (!forms.errors.contains("into") && forms.into.empty())
      forms.errors["into"] = "Enter the id of the actor that stays, such as TTP.";
    const store::GazetteerEdit edit{.action = "merge", .actor_id = actor.id, .target_id = forms.into};
    if (forms.errors.empty()) {
      insight::Gazetteer scratch = *current();
      Status s = ApplyGazetteerEdit(scratch, edit);
      if (s.IsNotFound())
        forms.errors["into"] = fmt::format("The gazetteer has no actor “{}”; check the id on its page.", forms.into);
      else if (!s.ok())
        forms.errors["into"] = s.message();
    }
    if (!forms.errors.empty()) return ActorPage(v, 422, actor, forms, "");

    Status stored = SaveEdit(v, edit);
    if (!stored.ok()) return StoreError(v, stored, "merging actors");
    return Redirect("/admin/actors/" + forms.into + "?merged=" + http::PercentEncode(actor.id));
  }

  // ---- Undo ----------------------------------------------------------------------------

  Response Undo(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const std::string_view param = request.Param("edit_id");
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(param.data(), param.data() + param.size(), id);
    Status deleted = ec == std::errc() && end == param.data() + param.size() && id > 0
                         ? store().DeleteGazetteerEdit(id)
                         : Status::NotFound("bad id");
    if (deleted.IsNotFound())
      return admin.Message(404, &v, "No such edit", "This edit does not exist (it may have been undone already).",
                           "/admin/actors");
    if (!deleted.ok()) return StoreError(v, deleted, "undoing a gazetteer edit");
    spdlog::info("{} undid gazetteer edit {}", v.user.email, id);
    changed();
    return Redirect("/admin/actors?undone=" + std::to_string(id));
  }
};

ActorPages::ActorPages(Admin& admin, CurrentGazetteer current, Changed changed)
    : impl_(std::make_shared<Impl>(Impl{admin, std::move(current), std::move(changed)})) {}
ActorPages::~ActorPages() = default;

void ActorPages::RegisterRoutes(http::Router& router) {
  std::shared_ptr<Impl> impl = impl_;
  router.Get("/admin/actors", [impl](const Request& r) { return impl->List(r); });
  router.Post("/admin/actors", [impl](const Request& r) { return impl->Add(r); });
  router.Get("/admin/actors/:id", [impl](const Request& r) { return impl->Show(r); });
  router.Post("/admin/actors/:id/names", [impl](const Request& r) { return impl->AddName(r); });
  router.Post("/admin/actors/:id/merge", [impl](const Request& r) { return impl->Merge(r); });
  router.Post("/admin/actors/edits/:edit_id/delete", [impl](const Request& r) { return impl->Undo(r); });
}

}  // namespace chancery::admin
