// chancery/theme: a Mustache template engine (https://mustache.github.io),
// checked against the official spec files: interpolation, sections, inverted
// sections, partials, comments, set delimiters, template inheritance (blocks
// `{{$name}}` and parents `{{<layout}}`) and dynamic names (`{{>*name}}`).
// Lambdas are not supported: contexts are JSON values, which hold no code.
//
// Start with Template::Compile, then Render. A Template is compiled once into
// a node tree; rendering walks that tree, appending to one string, and keeps
// pointers to the context's JSON values (nothing is copied or re-parsed).
//
// Thread safety: a Template is immutable after Compile, but for hints that
// renders leave for the next one (the output's last size, where each name
// was last found), which are atomic and only ever checked before use; any
// number of threads may Render the same Template at once. Copying a
// Template is cheap (shared).
//
// Semantics worth knowing when writing templates:
//  - `{{x}}` escapes & < > " ' ; `{{{x}}}` and `{{&x}}` do not. Use the
//    unescaped forms only for HTML that the sanitiser produced.
//  - Falsy (sections skip, inverted sections render): false, null, the empty
//    list, the empty string and the number 0 (as in mustache.js). Everything
//    else, including an empty object, is truthy.
//  - Numbers interpolate in their shortest form (85, 1.21); true/false as
//    "true"/"false"; null, objects and lists as nothing.
//  - A missing partial or parent renders as nothing. Expansion depth
//    (partials, parents and blocks inside one another) is capped at
//    kMaxExpansionDepth; deeper expansions render as nothing, so a template
//    that includes itself cannot exhaust the stack.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace chancery::theme {

// How deeply partials, parents and blocks may nest while rendering.
inline constexpr int kMaxExpansionDepth = 100;

namespace internal {
struct CompiledTemplate;
}  // namespace internal

// A compiled template. Immutable; thread-safe to render concurrently.
class Template {
 public:
  // Parses `source`. `name` only labels error messages, which read
  // "<name>:<line>: <problem>", e.g. "header:3: unclosed section 'items'".
  static Result<Template> Compile(std::string_view source, std::string_view name = "");

  // The name given to Compile.
  const std::string& name() const;

 private:
  friend class Renderer;
  explicit Template(std::shared_ptr<const internal::CompiledTemplate> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const internal::CompiledTemplate> impl_;
};

// Resolves a partial or parent name to a compiled template; nullptr when there
// is none (which renders as the empty string, per the spec). The returned
// template must outlive the Render call.
using PartialResolver = std::function<const Template*(std::string_view name)>;

// Renders `tmpl` against `context`. Never fails: missing names render empty.
std::string Render(const Template& tmpl, const boost::json::value& context,
                   const PartialResolver& partials = {});

// Renders `tmpl` against a stack of contexts, outermost first: a name is
// looked up in the last one, then in each before it, exactly as if every
// context were a section opened inside the one before. So values that many
// renders share (a site's settings, its navigation) can live in one object
// kept by the caller rather than be copied into each page's context. Null
// entries are skipped; with none left, every name renders empty.
std::string Render(const Template& tmpl, std::span<const boost::json::value* const> contexts,
                   const PartialResolver& partials = {});

// Compiles `source` and every partial (name → source), then renders. For tests
// and one-off renders; real callers compile once and call Render.
Result<std::string> RenderString(std::string_view source, const boost::json::value& context,
                                 const std::map<std::string, std::string, std::less<>>& partials = {});

}  // namespace chancery::theme
