// The allow-list sanitiser: gumbo parses the input as the HTML5 parser of a
// browser would (as the children of a <div>), and only allow-listed
// elements and attributes are written back out, with all text and attribute
// values escaped. Nothing is matched with regular expressions: what the
// browser will see is what gets checked.
#include "content/sanitizer.h"

#include "base/text.h"

#include <gumbo.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "content/utf8.h"

namespace chancery::content::internal {
namespace {

// Owns one gumbo parse of a fragment.
class ParsedFragment {
 public:
  explicit ParsedFragment(std::string_view html) : options_(kGumboDefaultOptions) {
    options_.fragment_context = GUMBO_TAG_DIV;
    options_.fragment_namespace = GUMBO_NAMESPACE_HTML;
    options_.max_errors = 0;  // parse errors are not used; do not collect them
    output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
  }
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;
  ~ParsedFragment() { gumbo_destroy_output(&options_, output_); }

  // The <html> element whose children are the fragment's nodes.
  const GumboNode* root() const { return output_->root; }

 private:
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

enum class Disposition {
  kKeep,    // written out with its allowed attributes
  kUnwrap,  // the tag is left out, its children are kept
  kDrop,    // left out with everything inside it
};

bool IsHeading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

// The allow-list.
constexpr GumboTag kKeptTags[] = {
    GUMBO_TAG_P,          GUMBO_TAG_BR,      GUMBO_TAG_HR,    GUMBO_TAG_H1,     GUMBO_TAG_H2,
    GUMBO_TAG_H3,         GUMBO_TAG_H4,      GUMBO_TAG_H5,    GUMBO_TAG_H6,     GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_PRE,        GUMBO_TAG_CODE,    GUMBO_TAG_EM,    GUMBO_TAG_STRONG, GUMBO_TAG_DEL,
    GUMBO_TAG_S,          GUMBO_TAG_SUP,     GUMBO_TAG_SUB,   GUMBO_TAG_A,      GUMBO_TAG_UL,
    GUMBO_TAG_OL,         GUMBO_TAG_LI,      GUMBO_TAG_TABLE, GUMBO_TAG_THEAD,  GUMBO_TAG_TBODY,
    GUMBO_TAG_TR,         GUMBO_TAG_TH,      GUMBO_TAG_TD,    GUMBO_TAG_IMG,    GUMBO_TAG_FIGURE,
    GUMBO_TAG_FIGCAPTION, GUMBO_TAG_SECTION, GUMBO_TAG_ASIDE, GUMBO_TAG_SPAN,   GUMBO_TAG_DIV,
    GUMBO_TAG_ABBR,       GUMBO_TAG_CITE,    GUMBO_TAG_Q,     GUMBO_TAG_SMALL,  GUMBO_TAG_MARK,
    GUMBO_TAG_DL,         GUMBO_TAG_DT,      GUMBO_TAG_DD,    GUMBO_TAG_INPUT,  GUMBO_TAG_DETAILS,
    GUMBO_TAG_SUMMARY};

// Active content, and elements whose text is not meant to be read: removed
// with everything inside them.
constexpr GumboTag kDroppedTags[] = {
    GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,    GUMBO_TAG_IFRAME,   GUMBO_TAG_OBJECT,    GUMBO_TAG_EMBED,
    GUMBO_TAG_FORM,     GUMBO_TAG_TEMPLATE, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEXTAREA,  GUMBO_TAG_TITLE,
    GUMBO_TAG_XMP,      GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_SVG,
    GUMBO_TAG_MATH,     GUMBO_TAG_APPLET,   GUMBO_TAG_FRAME,    GUMBO_TAG_FRAMESET,  GUMBO_TAG_HEAD,
    GUMBO_TAG_META,     GUMBO_TAG_LINK,     GUMBO_TAG_BASE,     GUMBO_TAG_SELECT,    GUMBO_TAG_OPTION,
    GUMBO_TAG_OPTGROUP, GUMBO_TAG_DATALIST, GUMBO_TAG_AUDIO,    GUMBO_TAG_VIDEO,     GUMBO_TAG_SOURCE,
    GUMBO_TAG_TRACK,    GUMBO_TAG_CANVAS,   GUMBO_TAG_PARAM,    GUMBO_TAG_MAP,       GUMBO_TAG_AREA,
    GUMBO_TAG_BGSOUND,  GUMBO_TAG_KEYGEN,   GUMBO_TAG_MENUITEM};

// Elements that start a new block of text in FragmentText.
constexpr GumboTag kBlockTags[] = {
    GUMBO_TAG_P,   GUMBO_TAG_DIV,     GUMBO_TAG_H1,    GUMBO_TAG_H2,      GUMBO_TAG_H3,
    GUMBO_TAG_H4,  GUMBO_TAG_H5,      GUMBO_TAG_H6,    GUMBO_TAG_LI,      GUMBO_TAG_BLOCKQUOTE,
    GUMBO_TAG_PRE, GUMBO_TAG_SECTION, GUMBO_TAG_ASIDE, GUMBO_TAG_FIGURE,  GUMBO_TAG_FIGCAPTION,
    GUMBO_TAG_TR,  GUMBO_TAG_DT,      GUMBO_TAG_DD,    GUMBO_TAG_DETAILS, GUMBO_TAG_SUMMARY,
    GUMBO_TAG_UL,  GUMBO_TAG_OL,      GUMBO_TAG_TABLE, GUMBO_TAG_HR,      GUMBO_TAG_DL};

// Elements that may carry id and class: anchors for headings and footnotes,
// hooks for pull quotes.
constexpr GumboTag kIdAndClassTags[] = {GUMBO_TAG_H1,  GUMBO_TAG_H2,     GUMBO_TAG_H3,         GUMBO_TAG_H4,
                                        GUMBO_TAG_H5,  GUMBO_TAG_H6,     GUMBO_TAG_SECTION,    GUMBO_TAG_LI,
                                        GUMBO_TAG_SUP, GUMBO_TAG_DIV,    GUMBO_TAG_ASIDE,      GUMBO_TAG_SPAN,
                                        GUMBO_TAG_A,   GUMBO_TAG_FIGURE, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_P};

template <std::size_t N>
bool Contains(const GumboTag (&tags)[N], GumboTag tag) {
  return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
}

Disposition Classify(const GumboNode* node) {
  const GumboElement& element = node->v.element;
  // SVG and MathML are where parser differentials (mXSS) live; articles do
  // not need them.
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return Disposition::kDrop;
  if (Contains(kKeptTags, element.tag)) return Disposition::kKeep;
  if (Contains(kDroppedTags, element.tag)) return Disposition::kDrop;
  return Disposition::kUnwrap;
}

bool IsVoid(GumboTag tag) {
  return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_INPUT;
}

bool IsBlock(GumboTag tag) { return Contains(kBlockTags, tag); }

bool MayCarryIdAndClass(GumboTag tag) { return Contains(kIdAndClassTags, tag); }

void AppendEscapedText(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
}


std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsDigits(std::string_view value, std::size_t max_length) {
  return !value.empty() && value.size() <= max_length &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Class names and ids: letters, digits, '-', '_', ':' and '.', plus spaces
// between class names. Anything else is not something our CSS or anchors use.
bool IsSafeToken(std::string_view value, bool allow_spaces) {
  if (value.empty() || value.size() > 200) return false;
  return std::all_of(value.begin(), value.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.' || (allow_spaces && c == ' ');
  });
}

struct CleanedUrl {
  std::string url;
  bool absolute = false;  // http(s) or protocol-relative: another host
};

// Applies the URL policy to an attribute value gumbo has already
// entity-decoded. Browsers delete tab and newline anywhere in a URL and trim
// leading and trailing controls and spaces before finding the scheme, so the
// check runs on that same form, and that form is what gets written out.
std::optional<CleanedUrl> CleanUrl(std::string_view raw, bool allow_mailto) {
  std::string url;
  url.reserve(raw.size());
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') url += c;
  }
  const auto is_trimmed = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!url.empty() && is_trimmed(url.back())) url.pop_back();
  std::size_t start = 0;
  while (start < url.size() && is_trimmed(url[start])) ++start;
  url.erase(0, start);
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return std::nullopt;
  }
  CleanedUrl result;
  // A ':' before any '/', '?' or '#' ends a scheme; when what precedes it is
  // not a scheme we allow (or not a scheme at all), the URL goes.
  const std::size_t delimiter = url.find_first_of(":/?#");
  if (delimiter != std::string::npos && url[delimiter] == ':') {
    const std::string scheme = ToLowerAscii(std::string_view(url).substr(0, delimiter));
    if (scheme == "http" || scheme == "https") {
      result.absolute = true;
    } else if (!(allow_mailto && scheme == "mailto")) {
      // javascript:, vbscript:, data:, file:, and anything we do not know.
      return std::nullopt;
    }
  } else if (url.size() >= 2 && (url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\')) {
    result.absolute = true;  // "//host/path": another host
  }
  result.url = std::move(url);
  return result;
}

using Attributes = std::vector<std::pair<std::string, std::string>>;

const GumboAttribute* FindAttribute(const GumboElement& element, const char* name) {
  return gumbo_get_attribute(&element.attributes, name);
}

bool IsBooleanAttribute(std::string_view name) {
  return name == "checked" || name == "disabled" || name == "open" || name == "reversed" ||
         name.starts_with("data-footnote");
}

// The rel tokens an author may set; "noopener" is added for absolute links.
bool IsAllowedRelToken(std::string_view token) {
  static const std::unordered_set<std::string_view> kTokens = {
      "nofollow", "noopener", "noreferrer", "ugc", "sponsored", "external", "author", "tag", "license"};
  return kTokens.contains(token);
}

std::string CleanRel(std::string_view value, bool add_noopener) {
  std::vector<std::string> tokens;
  std::string lower = ToLowerAscii(value);
  std::size_t pos = 0;
  while (pos < lower.size()) {
    const std::size_t end = std::min(lower.find_first_of(" \t\n\f\r", pos), lower.size());
    std::string token = lower.substr(pos, end - pos);
    if (IsAllowedRelToken(token) && std::find(tokens.begin(), tokens.end(), token) == tokens.end()) {
      tokens.push_back(std::move(token));
    }
    pos = end + 1;
  }
  if (add_noopener && std::find(tokens.begin(), tokens.end(), "noopener") == tokens.end()) {
    tokens.push_back("noopener");
  }
  std::string rel;
  for (const std::string& token : tokens) {
    if (!rel.empty()) rel += ' ';
    rel += token;
  }
  return rel;
}

// The attributes of an element that survive, in source order (with rel
// last on links). `skip_id` leaves out the id (headings get a computed one).
Attributes AllowedAttributes(const GumboElement& element, bool skip_id) {
  Attributes kept;
  const GumboTag tag = element.tag;
  bool absolute_link = false;
  std::string rel;
  std::unordered_set<std::string> seen;
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    const std::string name = ToLowerAscii(attribute->name);
    const std::string_view value = attribute->value;
    if (!seen.insert(name).second) continue;
    bool keep = false;
    std::string out_value(value);
    if (name == "lang") {
      keep = IsSafeToken(value, false);
    } else if (name == "dir") {
      keep = value == "ltr" || value == "rtl" || value == "auto";
    } else if (name == "id") {
      keep = !skip_id && MayCarryIdAndClass(tag) && IsSafeToken(value, false);
    } else if (name == "class") {
      keep = (MayCarryIdAndClass(tag) || tag == GUMBO_TAG_CODE || tag == GUMBO_TAG_PRE) &&
             IsSafeToken(value, true);
    } else if (tag == GUMBO_TAG_A) {
      if (name == "href") {
        if (std::optional<CleanedUrl> url = CleanUrl(value, /*allow_mailto=*/true)) {
          keep = true;
          out_value = std::move(url->url);
          absolute_link = url->absolute;
        }
      } else if (name == "rel") {
        rel = value;
      } else {
        keep = name == "title" || name == "aria-label" || name == "data-footnote-ref" ||
               name == "data-footnote-backref" || name == "data-footnote-backref-idx";
      }
    } else if (tag == GUMBO_TAG_IMG) {
      if (name == "src") {
        if (std::optional<CleanedUrl> url = CleanUrl(value, /*allow_mailto=*/false)) {
          keep = true;
          out_value = std::move(url->url);
        }
      } else if (name == "width" || name == "height") {
        keep = IsDigits(value, 5);
      } else if (name == "loading") {
        keep = value == "lazy" || value == "eager";
      } else {
        keep = name == "alt" || name == "title";
      }
    } else if (tag == GUMBO_TAG_TH || tag == GUMBO_TAG_TD) {
      if (name == "align") {
        keep = value == "left" || value == "center" || value == "right";
      } else {
        keep = (name == "colspan" || name == "rowspan") && IsDigits(value, 3);
      }
    } else if (tag == GUMBO_TAG_OL) {
      keep = (name == "start" && IsDigits(value, 9)) || name == "reversed";
    } else if (tag == GUMBO_TAG_SECTION) {
      keep = name == "data-footnotes";
    } else if (tag == GUMBO_TAG_INPUT) {
      keep = name == "checked";  // type and disabled are forced below
    } else if (tag == GUMBO_TAG_DETAILS) {
      keep = name == "open";
    } else if (tag == GUMBO_TAG_ABBR) {
      keep = name == "title";
    }
    if (keep) kept.emplace_back(name, std::move(out_value));
  }
  if (tag == GUMBO_TAG_A) {
    std::string cleaned = CleanRel(rel, absolute_link);
    if (!cleaned.empty()) kept.emplace_back("rel", std::move(cleaned));
  }
  return kept;
}

// A task-list checkbox is the only input allowed, and it never accepts input.
bool IsAllowedInput(const GumboElement& element) {
  const GumboAttribute* type = FindAttribute(element, "type");
  return type != nullptr && ToLowerAscii(type->value) == "checkbox";
}

// A footnote marker as cmark-gfm writes it: <sup class="footnote-ref">.
bool IsFootnoteRef(const GumboNode* node) {
  if (node->v.element.tag != GUMBO_TAG_SUP) return false;
  const GumboAttribute* class_name = FindAttribute(node->v.element, "class");
  return class_name != nullptr && std::string_view(class_name->value) == "footnote-ref";
}

// The deepest last text node of `node`, following last children through
// elements that are kept or unwrapped.
const GumboNode* LastTextDescendant(const GumboNode* node) {
  while (node->type == GUMBO_NODE_ELEMENT) {
    const GumboVector& children = node->v.element.children;
    if (children.length == 0) return nullptr;
    node = static_cast<const GumboNode*>(children.data[children.length - 1]);
    if (node->type == GUMBO_NODE_ELEMENT && Classify(node) == Disposition::kDrop) return nullptr;
  }
  return node->type == GUMBO_NODE_TEXT ? node : nullptr;
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Splits a trailing "{#custom-id}" off heading text: returns the id and sets
// `kept_length` to the length of the text before it (trailing spaces
// removed), or returns "" when there is none.
std::string SplitCustomId(std::string_view text, std::size_t& kept_length) {
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n')) --end;
  if (end < 4 || text[end - 1] != '}') return "";
  const std::size_t open = text.rfind("{#", end - 1);
  if (open == std::string_view::npos || open + 3 > end - 1) return "";
  const std::string_view id = text.substr(open + 2, end - 1 - (open + 2));
  if (!std::all_of(id.begin(), id.end(), IsIdChar)) return "";
  std::size_t keep = open;
  while (keep > 0 && (text[keep - 1] == ' ' || text[keep - 1] == '\t')) --keep;
  kept_length = keep;
  return std::string(id);
}

std::string_view TextOf(const GumboNode* node) { return std::string_view(node->v.text.text); }

// Walks a parsed fragment once and writes out what the policy allows.
class Writer {
 public:
  explicit Writer(const SanitizeOptions& options) : options_(options) {}

  SanitizedFragment Run(const GumboNode* root) {
    if (options_.assign_heading_ids) ReserveExistingIds(root);
    Walk(root);
    return std::move(result_);
  }

 private:
  struct Frame {
    const GumboNode* node;
    unsigned next_child = 0;
    const char* close_tag = nullptr;  // null when the element was unwrapped
  };

  // Footnotes and raw HTML carry their own ids; headings must not take them.
  void ReserveExistingIds(const GumboNode* root) {
    std::vector<const GumboNode*> pending = {root};
    while (!pending.empty()) {
      const GumboNode* node = pending.back();
      pending.pop_back();
      if (node->type != GUMBO_NODE_ELEMENT) continue;
      const GumboElement& element = node->v.element;
      if (!IsHeading(element.tag)) {
        if (const GumboAttribute* id = FindAttribute(element, "id")) used_ids_.insert(id->value);
      }
      for (unsigned i = 0; i < element.children.length; ++i) {
        pending.push_back(static_cast<const GumboNode*>(element.children.data[i]));
      }
    }
  }

  // Iterative, so deeply nested input cannot overflow the stack.
  void Walk(const GumboNode* root) {
    std::vector<Frame> stack = {Frame{root}};
    std::string& out = result_.html;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const GumboVector& children = frame.node->v.element.children;
      if (frame.next_child >= children.length) {
        if (frame.close_tag != nullptr) {
          if (IsHeading(frame.node->v.element.tag)) --open_headings_;
          out += "</";
          out += frame.close_tag;
          out += '>';
        }
        stack.pop_back();
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
          AppendEscapedText(out, VisibleText(child));
          break;
        case GUMBO_NODE_ELEMENT: {
          Disposition disposition = Classify(child);
          if (disposition == Disposition::kDrop) break;
          // The parser can nest a heading in a heading (through an inline
          // element), but never parses the written-out form back that way;
          // unwrapping the inner one keeps a second pass stable.
          if (IsHeading(child->v.element.tag) && open_headings_ > 0) disposition = Disposition::kUnwrap;
          if (disposition == Disposition::kUnwrap) {
            stack.push_back(Frame{child});
            break;
          }
          const GumboElement& element = child->v.element;
          if (element.tag == GUMBO_TAG_INPUT && !IsAllowedInput(element)) break;
          WriteStartTag(child);
          if (IsHeading(element.tag)) ++open_headings_;
          if (IsVoid(element.tag)) break;
          // The parser eats one newline right after <pre>; keep a leading
          // newline of the content by writing one more.
          if (element.tag == GUMBO_TAG_PRE && element.children.length > 0) {
            const auto* first = static_cast<const GumboNode*>(element.children.data[0]);
            if ((first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE) &&
                TextOf(first).starts_with('\n')) {
              out += '\n';
            }
          }
          stack.push_back(Frame{child, 0, gumbo_normalized_tagname(element.tag)});
          break;
        }
        default:
          break;  // comments, documents, templates
      }
    }
  }

  // The text of a text node, minus a "{#id}" that became its heading's id.
  std::string_view VisibleText(const GumboNode* node) const {
    std::string_view text = TextOf(node);
    if (auto it = trimmed_.find(node); it != trimmed_.end()) text = text.substr(0, it->second);
    return text;
  }

  void WriteStartTag(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    std::string& out = result_.html;
    const bool heading = options_.assign_heading_ids && IsHeading(element.tag);
    out += '<';
    out += gumbo_normalized_tagname(element.tag);
    if (heading) {
      out += " id=\"";
      AppendHtmlEscaped(out, AssignHeadingId(node));
      out += '"';
    }
    if (element.tag == GUMBO_TAG_INPUT) out += " type=\"checkbox\" disabled";
    for (const auto& [name, value] : AllowedAttributes(element, heading)) {
      out += ' ';
      out += name;
      if (value.empty() && IsBooleanAttribute(name)) continue;
      out += "=\"";
      AppendHtmlEscaped(out, value);
      out += '"';
    }
    out += '>';
  }

  std::string AssignHeadingId(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    std::string custom;
    if (const GumboNode* last = LastTextDescendant(node)) {
      std::size_t kept_length = 0;
      custom = SplitCustomId(TextOf(last), kept_length);
      if (!custom.empty()) trimmed_[last] = kept_length;
    }
    if (custom.empty()) {
      if (const GumboAttribute* id = FindAttribute(element, "id")) custom = id->value;
    }
    Heading heading;
    heading.level = static_cast<int>(element.tag - GUMBO_TAG_H1) + 1;
    heading.text = InlineText(node);
    std::string base = Slugify(custom.empty() ? heading.text : custom);
    if (base.empty()) base = Slugify(heading.text);
    if (base.empty()) base = "section";
    std::string id = base;
    for (int n = 2; used_ids_.contains(id); ++n) id = base + "-" + std::to_string(n);
    used_ids_.insert(id);
    heading.id = id;
    result_.headings.push_back(std::move(heading));
    return id;
  }

  // The visible text inside `node`, whitespace collapsed.
  std::string InlineText(const GumboNode* node) const {
    std::string text;
    std::vector<const GumboNode*> pending = {node};
    while (!pending.empty()) {
      const GumboNode* current = pending.back();
      pending.pop_back();
      if (current->type == GUMBO_NODE_TEXT || current->type == GUMBO_NODE_WHITESPACE ||
          current->type == GUMBO_NODE_CDATA) {
        text.append(VisibleText(current));
        continue;
      }
      if (current->type != GUMBO_NODE_ELEMENT) continue;
      if (current != node && (Classify(current) == Disposition::kDrop || IsFootnoteRef(current))) continue;
      const GumboVector& children = current->v.element.children;
      for (unsigned i = children.length; i > 0; --i) {
        pending.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
      }
    }
    std::string collapsed;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (space) {
        if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
      } else {
        collapsed += c;
      }
    }
    if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    return collapsed;
  }

  const SanitizeOptions& options_;
  SanitizedFragment result_;
  std::unordered_set<std::string> used_ids_;
  int open_headings_ = 0;  // headings written and not yet closed
  std::unordered_map<const GumboNode*, std::size_t> trimmed_;
};

// Collects readable text with block boundaries as blank lines.
class TextCollector {
 public:
  std::string Run(const GumboNode* root) {
    struct Frame {
      const GumboNode* node;
      unsigned next_child = 0;
    };
    std::vector<Frame> stack = {Frame{root}};
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const GumboVector& children = frame.node->v.element.children;
      if (frame.next_child >= children.length) {
        if (IsBlock(frame.node->v.element.tag)) BlockBreak();
        stack.pop_back();
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
          child->type == GUMBO_NODE_CDATA) {
        AppendCollapsed(TextOf(child));
      } else if (child->type == GUMBO_NODE_ELEMENT && Classify(child) != Disposition::kDrop) {
        const GumboTag tag = child->v.element.tag;
        if (tag == GUMBO_TAG_BR) {
          TrimTrailingSpace();
          if (!text_.empty()) text_ += '\n';
        } else {
          if (IsBlock(tag)) BlockBreak();
          stack.push_back(Frame{child});
        }
      }
    }
    TrimTrailingSpace();
    return std::move(text_);
  }

 private:
  void AppendCollapsed(std::string_view text) {
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (!space) {
        text_ += c;
      } else if (!text_.empty() && text_.back() != ' ' && text_.back() != '\n') {
        text_ += ' ';
      }
    }
  }
  void TrimTrailingSpace() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
  }
  void BlockBreak() {
    TrimTrailingSpace();
    if (text_.empty() || text_.ends_with("\n\n")) return;
    text_ += text_.back() == '\n' ? "\n" : "\n\n";
  }

  std::string text_;
};

// Gumbo's tree building slows down quadratically (and worse) with nesting
// depth, so input is screened before parsing. This counts start tags minus
// end tags, leaving out void elements and those the parser closes by
// themselves (a <p> or <li> never nests in its own kind), which makes it an
// over-estimate of the depth of real documents and a bound on hostile ones.
bool NestsTooDeeply(std::string_view html) {
  static const std::unordered_set<std::string_view> kNotCounted = {
      "area",   "base",     "br",    "col",   "embed", "hr", "img", "input",    "keygen", "link", "meta",
      "param",  "source",   "track", "wbr",   "p",     "li", "td",  "th",       "tr",     "dt",   "dd",
      "option", "optgroup", "tbody", "thead", "tfoot", "rt", "rp",  "colgroup", "caption"};
  const auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  std::size_t depth = 0;
  std::size_t pos = html.find('<');
  while (pos != std::string_view::npos && pos + 1 < html.size()) {
    if (html[pos + 1] == '/') {
      if (pos + 2 < html.size() && is_alpha(html[pos + 2]) && depth > 0) --depth;
    } else if (is_alpha(html[pos + 1])) {
      std::size_t end = pos + 1;
      while (end < html.size() && (is_alpha(html[end]) || (html[end] >= '0' && html[end] <= '9'))) ++end;
      const std::string name = ToLowerAscii(html.substr(pos + 1, end - pos - 1));
      const std::size_t close = html.find('>', end);
      const bool self_closing = close != std::string_view::npos && close > end && html[close - 1] == '/';
      if (!self_closing && !kNotCounted.contains(name) && ++depth > kMaxHtmlNesting) return true;
    }
    pos = html.find('<', pos + 1);
  }
  return false;
}

}  // namespace

SanitizedFragment Sanitize(std::string_view html, const SanitizeOptions& options) {
  const std::string scrubbed = ScrubUtf8(html);
  if (NestsTooDeeply(scrubbed)) {
    // Shown as source text: safe, visibly wrong, and cheap.
    SanitizedFragment result;
    result.too_deep = true;
    AppendEscapedText(result.html, scrubbed);
    return result;
  }
  ParsedFragment parsed(scrubbed);
  return Writer(options).Run(parsed.root());
}

std::string FragmentText(std::string_view html) {
  const std::string scrubbed = ScrubUtf8(html);
  if (NestsTooDeeply(scrubbed)) return "";
  ParsedFragment parsed(scrubbed);
  std::string text = TextCollector().Run(parsed.root());
  while (text.ends_with('\n')) text.pop_back();
  return text;
}

}  // namespace chancery::content::internal

namespace chancery::content {

std::string SanitizeHtml(std::string_view html) {
  return internal::Sanitize(html, internal::SanitizeOptions{}).html;
}

}  // namespace chancery::content
