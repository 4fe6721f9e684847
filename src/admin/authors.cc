#include "admin/authors.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "content/content.h"

namespace chancery::admin {
namespace json = boost::json;
using http::Request;
using http::Response;
using store::Role;

namespace {

const std::vector<Role> kEditorsAndAdmins = {Role::kAdmin, Role::kEditor};

Response Redirect(std::string location) {
  Response r(303, "text/plain; charset=utf-8", "See " + location + "\n");
  r.headers.Set("Location", std::move(location));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// Unicode characters in valid UTF-8: every byte that does not continue a
// sequence starts one.
size_t CountChars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

// Cleans what a person typed into a profile field and checks its length;
// returns the error to show next to the field, or "". Carriage returns and
// other invisible control characters go, tabs become spaces, newlines stay
// only in `multiline` fields, and the ends are trimmed.
std::string CheckText(std::string& value, size_t max_chars, bool multiline) {
  if (!IsValidUtf8(value)) return "This is not valid text (UTF-8); retype it.";
  std::string clean;
  clean.reserve(value.size());
  for (char ch : value) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\n') {
      clean += multiline ? '\n' : ' ';
    } else if (ch == '\t') {
      clean += ' ';
    } else if (u >= 0x20 && u != 0x7f) {
      clean += ch;
    }
  }
  const size_t first = clean.find_first_not_of(" \n");
  const size_t last = clean.find_last_not_of(" \n");
  value = first == std::string::npos ? "" : clean.substr(first, last - first + 1);
  const size_t chars = CountChars(value);
  if (chars > max_chars) return fmt::format("At most {} characters; this has {}.", max_chars, chars);
  return "";
}

bool IsGoodSlug(std::string_view slug) {
  return !slug.empty() && slug.size() <= content::kMaxSlugLength && content::Slugify(slug) == slug;
}

// What a profile form holds, as typed (or as stored when first shown).
struct ProfileForm {
  std::string name, affiliation, disclosure, bio;
};

ProfileForm FormOf(const store::Author& a) { return {a.name, a.affiliation, a.disclosure, a.bio}; }

}  // namespace

struct AuthorPages::Impl {
  Admin& admin;

  store::Store& store() { return admin.store(); }

  Response StoreError(const Visitor& v, const Status& s, std::string_view what) {
    spdlog::error("admin: {}: {}", what, s.ToString());
    return admin.Message(503, &v, "The newsroom is unavailable",
                         "The database could not be reached just now. Nothing was changed; please try again.",
                         "/admin/");
  }

  // Admins and editors edit every profile; an author only their own.
  static bool MayEdit(const Visitor& v, const store::Author& a) {
    return v.user.role != Role::kAuthor || (v.user.author_id != 0 && v.user.author_id == a.id);
  }

  Response NotAllowed(const Visitor& v) {
    return admin.Message(
        403, &v, "Not allowed",
        "Authors can edit only the profile their own account writes as. Nothing was changed.", "/admin/");
  }

  // ---- The list and "Add a profile" --------------------------------------------

  struct NewProfileForm {
    std::string name, slug;
    json::object errors;
  };

  Response ListPage(const Visitor& v, int status, const NewProfileForm& form, std::string notice) {
    auto authors = store().ListAuthors();
    if (!authors.ok()) return StoreError(v, authors.status(), "listing authors");
    auto users = store().ListUsers();
    if (!users.ok()) return StoreError(v, users.status(), "listing users");
    json::array rows;
    for (const auto& a : *authors) {
      json::array writers;
      for (const auto& u : *users)
        if (u.author_id == a.id) writers.push_back(json::object{{"id", u.id}, {"name", u.name}});
      rows.push_back(json::object{{"id", a.id},
                                  {"slug", a.slug},
                                  {"name", a.name},
                                  {"affiliation", a.affiliation},
                                  {"has_disclosure", !a.disclosure.empty()},
                                  {"public_url", "/authors/" + a.slug},
                                  {"edit_url", "/admin/authors/" + a.slug},
                                  {"has_writers", !writers.empty()},
                                  {"writers", std::move(writers)}});
    }
    json::object view{{"title", "Authors"},
                      {"authors", std::move(rows)},
                      {"has_authors", !authors->empty()},
                      {"form", json::object{{"name", form.name}, {"slug", form.slug}}},
                      {"errors", form.errors},
                      {"has_errors", !form.errors.empty()},
                      {"max_name", kMaxAuthorName},
                      {"max_slug", content::kMaxSlugLength}};
    if (!notice.empty()) view["notice"] = std::move(notice);
    return admin.Render(status, "authors", "authors", v, std::move(view));
  }

  Response List(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    return ListPage(v, 200, NewProfileForm{}, "");
  }

  Response Add(const Request& request) {
    auto g = admin.Guard(request, kEditorsAndAdmins);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    const Visitor& v = std::get<Visitor>(g);
    const auto fields = http::ParseForm(request.body);
    NewProfileForm form{http::FormValue(fields, "name"), http::FormValue(fields, "slug"), {}};

    std::string name_error = CheckText(form.name, kMaxAuthorName, false);
    if (name_error.empty() && form.name.empty())
      name_error = "Enter the author's name as readers should see it.";
    if (!name_error.empty()) form.errors["name"] = name_error;

    std::string slug_error = CheckText(form.slug, content::kMaxSlugLength, false);
    std::string slug = form.slug;
    if (slug_error.empty() && slug.empty() && name_error.empty()) {
      slug = content::Slugify(form.name);
      if (slug.empty()) slug_error = "No slug can be made from this name; type one, such as “jane-doe”.";
    } else if (slug_error.empty() && !slug.empty() && !IsGoodSlug(slug)) {
      slug_error =
          fmt::format("A slug uses only lower-case letters a-z, digits and single hyphens, like “{}”.",
                      content::Slugify(slug).empty() ? "jane-doe" : content::Slugify(slug));
    }
    if (slug_error.empty() && !slug.empty()) {
      auto existing = store().FindAuthor(slug);
      if (!existing.ok()) return StoreError(v, existing.status(), "finding an author");
      if (existing.value())
        slug_error = fmt::format("The slug “{}” belongs to the profile of {} already; choose another.", slug,
                                 existing.value()->name);
    }
    if (!slug_error.empty()) form.errors["slug"] = slug_error;
    if (!form.errors.empty()) return ListPage(v, 422, form, "");

    store::Author author;
    author.slug = slug;
    author.name = form.name;
    auto added = store().AddAuthor(author);
    if (added.status().code() == Status::Code::kAlreadyExists) {  // taken since the check above
      form.errors["slug"] = fmt::format("The slug “{}” belongs to another profile already; choose another.", slug);
      return ListPage(v, 422, form, "");
    }
    if (!added.ok()) return StoreError(v, added.status(), "adding an author");
    spdlog::info("{} added the author profile {} ({})", v.user.email, added->slug, added->name);
    return Redirect("/admin/authors/" + added->slug + "?added=1");
  }

  // ---- One profile ------------------------------------------------------------------

  Response EditPage(const Visitor& v, int status, const store::Author& a, const ProfileForm& form,
                    json::object errors, std::string notice) {
    const bool own = v.user.author_id != 0 && v.user.author_id == a.id;
    json::object view{{"title", fmt::format("Profile of {}", a.name)},
                      {"author", json::object{{"slug", a.slug},
                                              {"name", a.name},
                                              {"public_url", "/authors/" + a.slug},
                                              {"action_url", "/admin/authors/" + a.slug},
                                              {"is_own", own}}},
                      {"form", json::object{{"name", form.name},
                                            {"affiliation", form.affiliation},
                                            {"disclosure", form.disclosure},
                                            {"bio", form.bio}}},
                      {"max", json::object{{"name", kMaxAuthorName},
                                           {"affiliation", kMaxAuthorAffiliation},
                                           {"disclosure", kMaxAuthorDisclosure},
                                           {"bio", kMaxAuthorBio}}},
                      {"can_list", v.user.role != Role::kAuthor},
                      {"has_errors", !errors.empty()},
                      {"errors", std::move(errors)}};
    if (!notice.empty()) view["notice"] = std::move(notice);
    const bool profile_section = own && v.user.role == Role::kAuthor;
    return admin.Render(status, "author-edit", profile_section ? "profile" : "authors", v, std::move(view));
  }

  // The visitor and the profile named in the path, or the response to send:
  // 404 for no such profile (to editors), 403 for an author asking for a
  // profile not theirs (existing or not, so nothing is given away).
  std::variant<std::pair<Visitor, store::Author>, Response> Open(const Request& request) {
    auto g = admin.Guard(request);
    if (auto* r = std::get_if<Response>(&g)) return std::move(*r);
    Visitor& v = std::get<Visitor>(g);
    auto found = store().FindAuthor(request.Param("slug"));
    if (!found.ok()) return StoreError(v, found.status(), "finding an author");
    if (!found.value()) {
      if (v.user.role == Role::kAuthor) return NotAllowed(v);
      return admin.Message(404, &v, "No such profile", "There is no author profile at this address.",
                           "/admin/authors");
    }
    if (!MayEdit(v, *found.value())) return NotAllowed(v);
    return std::pair<Visitor, store::Author>(std::move(v), *found.value());
  }

  Response Show(const Request& request) {
    auto opened = Open(request);
    if (auto* r = std::get_if<Response>(&opened)) return std::move(*r);
    const auto& [v, author] = std::get<std::pair<Visitor, store::Author>>(opened);
    std::string notice;
    if (request.QueryParam("added"))
      notice = "The profile was added. Add the affiliation, the disclosure and a short bio below.";
    if (request.QueryParam("saved"))
      notice = "The profile was saved. Readers see it on the author's page and under every byline.";
    return EditPage(v, 200, author, FormOf(author), {}, std::move(notice));
  }

  Response Save(const Request& request) {
    auto opened = Open(request);
    if (auto* r = std::get_if<Response>(&opened)) return std::move(*r);
    const auto& [v, author] = std::get<std::pair<Visitor, store::Author>>(opened);
    const auto fields = http::ParseForm(request.body);
    ProfileForm form{http::FormValue(fields, "name"), http::FormValue(fields, "affiliation"),
                     http::FormValue(fields, "disclosure"), http::FormValue(fields, "bio")};
    json::object errors;
    auto check = [&](std::string_view key, std::string& value, size_t max, bool multiline) {
      std::string error = CheckText(value, max, multiline);
      if (!error.empty()) errors[key] = std::move(error);
    };
    check("name", form.name, kMaxAuthorName, false);
    check("affiliation", form.affiliation, kMaxAuthorAffiliation, false);
    check("disclosure", form.disclosure, kMaxAuthorDisclosure, true);
    check("bio", form.bio, kMaxAuthorBio, true);
    if (!errors.contains("name") && form.name.empty())
      errors["name"] = "Enter the author's name as readers see it.";
    if (!errors.empty()) return EditPage(v, 422, author, form, std::move(errors), "");

    store::Author changed = author;
    changed.name = form.name;
    changed.affiliation = form.affiliation;
    changed.disclosure = form.disclosure;
    changed.bio = form.bio;
    auto saved = store().UpdateAuthor(changed);
    if (!saved.ok()) return StoreError(v, saved.status(), "saving an author");
    spdlog::info("{} changed the author profile {}", v.user.email, saved->slug);
    return Redirect("/admin/authors/" + saved->slug + "?saved=1");
  }
};

AuthorPages::AuthorPages(Admin& admin) : impl_(std::make_shared<Impl>(Impl{admin})) {}
AuthorPages::~AuthorPages() = default;

void AuthorPages::RegisterRoutes(http::Router& router) {
  std::shared_ptr<Impl> impl = impl_;
  router.Get("/admin/authors", [impl](const Request& r) { return impl->List(r); });
  router.Post("/admin/authors", [impl](const Request& r) { return impl->Add(r); });
  router.Get("/admin/authors/:slug", [impl](const Request& r) { return impl->Show(r); });
  router.Post("/admin/authors/:slug", [impl](const Request& r) { return impl->Save(r); });
}

}  // namespace chancery::admin
