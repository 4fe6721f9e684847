// The Mustache engine: a parser that turns source into a node tree, and a
// renderer that walks the tree. See mustache.h for the contract.
//
// Parsing runs in passes over a flat token list, because whitespace handling
// needs to see whole lines and matched sections before any node is built:
//   1. Tokenize: text pieces (each ending at most at one '\n') and tags, with
//      set-delimiter tags applied as they are met.
//   2. Match: pair every section, inverted section, parent and block with its
//      closing tag (syntax errors are reported here, with line numbers).
//   3. Standalone lines: a line holding only whitespace and tags that print
//      nothing themselves (sections, comments, partials, blocks...) is
//      dropped from the output; its leading whitespace becomes the
//      indentation of a partial, parent or block on it.
//   4. Dedent: a block whose opening tag stands alone has its content's
//      common indentation removed; it is added back at the place where the
//      block is expanded (the inheritance spec's "block reindentation").
//   5. Build the node tree.
#include "theme/mustache.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "base/byte_search.h"
#include "base/text.h"

namespace chancery::theme {
namespace internal {

enum class NodeKind : uint8_t { kText, kVariable, kSection, kInverted, kPartial, kParent, kBlock };

struct Node {
  NodeKind kind = NodeKind::kText;
  // kVariable: HTML-escape the value.
  bool escape = true;
  // kPartial/kParent: `path` names a context value that holds the template name.
  bool dynamic = false;
  // kPartial/kParent/kBlock: the tag stood alone on its line, so the expansion
  // is indented by `indent` (added to the enclosing indentation).
  bool standalone = false;
  // kText: the bytes to print. kPartial/kParent/kBlock: the name.
  std::string text;
  // kVariable/kSection/kInverted, dynamic names: the name split on '.'.
  // Empty for the implicit iterator `.`.
  std::vector<std::string> path;
  // Where each of the first parts of `path` was last found: path[0] in the
  // innermost context, path[i] in what path[i - 1] named. Objects built
  // alike (every comment of a thread, a page's "page" object on every
  // render) keep their keys in the same order, so checking that slot first
  // mostly saves a search. Only guesses, shared by concurrent renders: any
  // value is safe.
  struct SlotGuess {
    SlotGuess() = default;
    SlotGuess(const SlotGuess& other) : slot(other.slot.load(std::memory_order_relaxed)) {}
    SlotGuess& operator=(const SlotGuess& other) {
      slot.store(other.slot.load(std::memory_order_relaxed), std::memory_order_relaxed);
      return *this;
    }
    mutable std::atomic<uint32_t> slot{0};
  };
  static constexpr size_t kGuessedParts = 3;
  std::array<SlotGuess, kGuessedParts> guesses;
  // kText: where each line of `text` ends (one past its '\n', or the end of
  // the text), with kBlankLine set for a line that is only "\n" or "\r\n",
  // which indentation skips. Found once at compile time, not per render.
  std::vector<uint32_t> lines;
  static constexpr uint32_t kBlankLine = 0x80000000u;
  // Standalone expansions: the prefix for each line they print.
  std::string indent;
  // kSection/kInverted/kBlock: the content. kParent: its kBlock arguments.
  std::vector<Node> children;
};

struct CompiledTemplate {
  std::string name;
  std::vector<Node> nodes;
  size_t size_hint = 0;  // a guess at the rendered size, for reserve()
  // The size of the latest render: pages of one template are of much the
  // same size from one render to the next, so reserving it up front saves
  // the string's doublings and their copies. Only a hint; any value is safe.
  mutable std::atomic<size_t> last_size{0};
};

}  // namespace internal

namespace {

using internal::Node;
using internal::NodeKind;
namespace json = boost::json;

constexpr size_t kNone = std::numeric_limits<size_t>::max();

enum class TokenKind : uint8_t {
  kText,
  kVariable,   // {{x}}
  kUnescaped,  // {{{x}}} and {{&x}}
  kSection,    // {{#x}}
  kInverted,   // {{^x}}
  kClose,      // {{/x}}
  kComment,    // {{! ... }}
  kPartial,    // {{>x}}
  kParent,     // {{<x}}
  kBlock,      // {{$x}}
  kDelimiters  // {{=<% %>=}}
};

bool IsOpener(TokenKind k) {
  return k == TokenKind::kSection || k == TokenKind::kInverted || k == TokenKind::kParent ||
         k == TokenKind::kBlock;
}

struct Token {
  TokenKind kind = TokenKind::kText;
  size_t begin = 0;          // source offset of the text, or of the tag's open delimiter
  size_t end = 0;            // one past the text, or past the tag's close delimiter
  std::string_view content;  // text: the bytes; tags: the trimmed name
  int line = 1;              // 1-based source line where the token starts
  size_t group = 0;          // index into Parser::lines_
  size_t match = kNone;      // openers and closers: index of the partner tag
  bool standalone = false;   // tags: on a standalone line
  bool removed = false;      // text: on a standalone line, so not printed
  std::string_view indent;   // standalone tags: whitespace before the first tag
  std::string block_indent;  // standalone blocks: the indentation for expansion
};

// A logical line: tokens up to and including a text piece that ends in '\n'.
// It may span several source lines when a tag (a comment) contains newlines.
struct Line {
  size_t first = 0;  // first token
  size_t begin = 0;  // source offset where the line starts
  size_t end = 0;    // source offset one past its '\n' (or the end)
  size_t strip = 0;  // leading whitespace to drop (block dedent)
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EndsWithNewline(std::string_view s) { return !s.empty() && s.back() == '\n'; }

class Parser {
 public:
  Parser(std::string_view source, std::string_view name) : src_(source), name_(name) {
    if (name_.empty()) name_ = "template";
  }

  Result<std::vector<Node>> Run() {
    CHANCERY_RETURN_IF_ERROR(Tokenize());
    CHANCERY_RETURN_IF_ERROR(Match());
    MarkStandaloneLines();
    DedentBlocks();
    return Build();
  }

 private:
  Status Error(int line, std::string_view message) const {
    return Status::InvalidArgument(name_ + ":" + std::to_string(line) + ": " + std::string(message));
  }

  // Adds src_[begin, end) as text tokens split after each '\n'.
  void AddText(size_t begin, size_t end, int& line) {
    while (begin < end) {
      const size_t nl = src_.find('\n', begin);
      const size_t piece_end = (nl == std::string_view::npos || nl >= end) ? end : nl + 1;
      Token t;
      t.kind = TokenKind::kText;
      t.begin = begin;
      t.end = piece_end;
      t.content = src_.substr(begin, piece_end - begin);
      t.line = line;
      tokens_.push_back(t);
      if (EndsWithNewline(t.content)) ++line;
      begin = piece_end;
    }
  }

  Status Tokenize() {
    std::string open = "{{";
    std::string close = "}}";
    size_t pos = 0;
    int line = 1;
    while (pos < src_.size()) {
      const size_t tag = src_.find(open, pos);
      AddText(pos, tag == std::string_view::npos ? src_.size() : tag, line);
      if (tag == std::string_view::npos) break;

      Token t;
      t.begin = tag;
      t.line = line;
      const size_t inner = tag + open.size();
      const char sigil = inner < src_.size() ? src_[inner] : '\0';
      // Triple mustaches and delimiter changes close with their sigil too.
      const bool paired_sigil = sigil == '{' || sigil == '=';
      const std::string closing = paired_sigil ? std::string(1, sigil == '{' ? '}' : '=') + close : close;
      const size_t content_begin = inner + (paired_sigil ? 1 : 0);
      const size_t stop =
          content_begin <= src_.size() ? src_.find(closing, content_begin) : std::string_view::npos;
      if (stop == std::string_view::npos) return Error(line, "unclosed tag '" + open + "'");
      std::string_view raw = src_.substr(content_begin, stop - content_begin);
      t.end = stop + closing.size();
      line += static_cast<int>(std::count(src_.begin() + tag, src_.begin() + t.end, '\n'));
      pos = t.end;

      switch (sigil) {
        case '{':
          t.kind = TokenKind::kUnescaped;
          break;
        case '&':
          t.kind = TokenKind::kUnescaped;
          raw.remove_prefix(1);
          break;
        case '#':
          t.kind = TokenKind::kSection;
          raw.remove_prefix(1);
          break;
        case '^':
          t.kind = TokenKind::kInverted;
          raw.remove_prefix(1);
          break;
        case '/':
          t.kind = TokenKind::kClose;
          raw.remove_prefix(1);
          break;
        case '!':
          t.kind = TokenKind::kComment;
          raw.remove_prefix(1);
          break;
        case '>':
          t.kind = TokenKind::kPartial;
          raw.remove_prefix(1);
          break;
        case '<':
          t.kind = TokenKind::kParent;
          raw.remove_prefix(1);
          break;
        case '$':
          t.kind = TokenKind::kBlock;
          raw.remove_prefix(1);
          break;
        case '=':
          t.kind = TokenKind::kDelimiters;
          break;
        default:
          t.kind = TokenKind::kVariable;
          break;
      }
      t.content = Trim(raw);
      if (t.kind == TokenKind::kDelimiters) {
        CHANCERY_RETURN_IF_ERROR(SetDelimiters(t.content, t.line, open, close));
      } else if (t.kind != TokenKind::kComment) {
        CHANCERY_RETURN_IF_ERROR(CheckName(t));
      }
      tokens_.push_back(t);
    }
    return Status::Ok();
  }

  Status SetDelimiters(std::string_view spec, int line, std::string& open, std::string& close) const {
    size_t gap = 0;
    while (gap < spec.size() && !IsSpace(spec[gap])) ++gap;
    const std::string_view first = spec.substr(0, gap);
    const std::string_view second = Trim(spec.substr(gap));
    const auto bad = [](std::string_view d) {
      return d.empty() || d.find('=') != std::string_view::npos || std::any_of(d.begin(), d.end(), IsSpace);
    };
    if (bad(first) || bad(second)) {
      return Error(line, "invalid set-delimiters tag '" + std::string(spec) + "'");
    }
    open = first;
    close = second;
    return Status::Ok();
  }

  Status CheckName(const Token& t) const {
    std::string_view name = t.content;
    if (name.empty()) return Error(t.line, "empty tag");
    if ((t.kind == TokenKind::kPartial || t.kind == TokenKind::kParent) && name.front() == '*') {
      name = Trim(name.substr(1));
      if (name.empty()) return Error(t.line, "empty dynamic name");
    }
    if (std::any_of(name.begin(), name.end(), IsSpace)) {
      return Error(t.line, "invalid name '" + std::string(name) + "' (names contain no spaces)");
    }
    return Status::Ok();
  }

  Status Match() {
    std::vector<size_t> open;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      Token& t = tokens_[i];
      if (IsOpener(t.kind)) {
        open.push_back(i);
      } else if (t.kind == TokenKind::kClose) {
        if (open.empty()) {
          return Error(t.line, "closing tag '" + std::string(t.content) + "' has no open section");
        }
        Token& opener = tokens_[open.back()];
        if (opener.content != t.content) {
          return Error(t.line, "closing tag '" + std::string(t.content) + "' does not match section '" +
                                   std::string(opener.content) + "' opened on line " +
                                   std::to_string(opener.line));
        }
        opener.match = i;
        t.match = open.back();
        open.pop_back();
      }
    }
    if (!open.empty()) {
      const Token& t = tokens_[open.back()];
      return Error(t.line, "unclosed section '" + std::string(t.content) + "'");
    }
    return Status::Ok();
  }

  void MarkStandaloneLines() {
    size_t i = 0;
    while (i < tokens_.size()) {
      const size_t first = i;
      while (i < tokens_.size() &&
             !(tokens_[i].kind == TokenKind::kText && EndsWithNewline(tokens_[i].content))) {
        ++i;
      }
      const size_t last = std::min(i, tokens_.size() - 1);
      i = last + 1;
      Line line;
      line.first = first;
      line.begin = tokens_[first].begin;
      line.end = tokens_[last].end;
      for (size_t k = first; k <= last; ++k) tokens_[k].group = lines_.size();
      lines_.push_back(line);
      if (IsStandalone(first, last)) MarkStandalone(first, last);
    }
  }

  bool IsStandalone(size_t first, size_t last) const {
    bool has_tag = false;
    for (size_t k = first; k <= last; ++k) {
      const Token& t = tokens_[k];
      switch (t.kind) {
        case TokenKind::kText:
          if (!std::all_of(t.content.begin(), t.content.end(), IsSpace)) return false;
          break;
        case TokenKind::kVariable:
        case TokenKind::kUnescaped:
          return false;
        default:
          has_tag = true;
      }
    }
    return has_tag;
  }

  void MarkStandalone(size_t first, size_t last) {
    const std::string_view leading =
        tokens_[first].kind == TokenKind::kText ? tokens_[first].content : std::string_view();
    std::vector<size_t> tags;
    for (size_t k = first; k <= last; ++k) {
      Token& t = tokens_[k];
      if (t.kind == TokenKind::kText) {
        t.removed = true;
      } else {
        t.standalone = true;
        t.indent = leading;
        tags.push_back(k);
      }
    }
    // `  {{$b}}{{/b}}` alone on a line keeps its line break: the block's
    // content replaces the tags, not the line (mustache/spec "Standalone
    // block").
    Token& end = tokens_[last];
    if (tags.size() == 2 && tokens_[tags[0]].kind == TokenKind::kBlock && tokens_[tags[0]].match == tags[1] &&
        end.kind == TokenKind::kText && EndsWithNewline(end.content)) {
      end.removed = false;
      end.content = end.content.substr(end.content.size() >= 2 && end.content[end.content.size() - 2] == '\r'
                                           ? end.content.size() - 2
                                           : end.content.size() - 1);
    }
  }

  // The longest whitespace prefix shared by the non-blank source lines that
  // start in [begin, end).
  std::string_view CommonIndent(size_t begin, size_t end) const {
    std::optional<std::string_view> common;
    size_t p = begin;
    while (p < end) {
      const size_t nl = src_.find('\n', p);
      const size_t line_end = std::min(nl == std::string_view::npos ? src_.size() : nl, end);
      const std::string_view text = src_.substr(p, line_end - p);
      size_t ws = 0;
      while (ws < text.size() && IsBlank(text[ws])) ++ws;
      const bool blank = ws == text.size() || text.substr(ws) == "\r";
      if (!blank) {
        const std::string_view lead = text.substr(0, ws);
        if (!common) {
          common = lead;
        } else {
          size_t k = 0;
          while (k < common->size() && k < lead.size() && (*common)[k] == lead[k]) ++k;
          common = common->substr(0, k);
        }
      }
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    return common.value_or(std::string_view());
  }

  // Openers come before the blocks they enclose, so an enclosing block's
  // dedent is known when an inner one is measured.
  void DedentBlocks() {
    for (Token& t : tokens_) {
      if (t.kind != TokenKind::kBlock || !t.standalone) continue;
      const Token& close = tokens_[t.match];
      const size_t begin = lines_[t.group].end;
      const size_t end = close.standalone ? lines_[close.group].begin : close.begin;
      const size_t enclosing = lines_[t.group].strip;
      std::string_view intrinsic;
      if (begin < end) {
        const std::string_view common = CommonIndent(begin, end);
        for (size_t g = t.group + 1; g < lines_.size() && lines_[g].begin < end; ++g) {
          lines_[g].strip = std::max(lines_[g].strip, common.size());
        }
        intrinsic = common.substr(std::min(enclosing, common.size()));
      }
      // The content's own indentation wins; an unindented default content
      // takes the tag's indentation instead.
      t.block_indent = std::string(intrinsic.empty() ? StripIndent(t.indent, enclosing) : intrinsic);
    }
  }

  static std::string_view StripIndent(std::string_view indent, size_t strip) {
    return indent.substr(std::min(strip, indent.size()));
  }

  Result<std::vector<std::string>> SplitName(std::string_view name, int line) const {
    std::vector<std::string> path;
    if (name == ".") return path;
    size_t start = 0;
    while (true) {
      const size_t dot = name.find('.', start);
      const std::string_view part = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (part.empty()) return Error(line, "invalid name '" + std::string(name) + "'");
      path.emplace_back(part);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return path;
  }

  static void AppendText(std::vector<Node>& nodes, std::string_view text) {
    if (text.empty()) return;
    if (nodes.empty() || nodes.back().kind != NodeKind::kText) {
      nodes.emplace_back();
      nodes.back().kind = NodeKind::kText;
    }
    nodes.back().text.append(text);
  }

  // Sets the name of a partial or parent node; `*name` is dynamic.
  Status SetTemplateName(const Token& t, Node& node) const {
    std::string_view name = t.content;
    if (name.front() == '*') {
      node.dynamic = true;
      name = Trim(name.substr(1));
      CHANCERY_ASSIGN_OR_RETURN(node.path, SplitName(name, t.line));
    }
    node.text = name;
    return Status::Ok();
  }

  Result<std::vector<Node>> Build() {
    struct Open {
      std::vector<Node>* nodes;
      Node* owner;  // the section/parent/block node whose children these are
    };
    std::vector<Node> root;
    std::vector<Open> stack{{&root, nullptr}};
    for (const Token& t : tokens_) {
      std::vector<Node>& nodes = *stack.back().nodes;
      switch (t.kind) {
        case TokenKind::kText: {
          if (t.removed) break;
          std::string_view text = t.content;
          const Line& line = lines_[t.group];
          if (t.begin == line.begin && line.strip > 0) {
            size_t ws = 0;
            while (ws < line.strip && ws < text.size() && IsBlank(text[ws])) ++ws;
            text.remove_prefix(ws);
          }
          AppendText(nodes, text);
          break;
        }
        case TokenKind::kVariable:
        case TokenKind::kUnescaped: {
          Node node;
          node.kind = NodeKind::kVariable;
          node.escape = t.kind == TokenKind::kVariable;
          CHANCERY_ASSIGN_OR_RETURN(node.path, SplitName(t.content, t.line));
          nodes.push_back(std::move(node));
          break;
        }
        case TokenKind::kSection:
        case TokenKind::kInverted:
        case TokenKind::kBlock:
        case TokenKind::kParent: {
          Node node;
          if (t.kind == TokenKind::kSection || t.kind == TokenKind::kInverted) {
            node.kind = t.kind == TokenKind::kSection ? NodeKind::kSection : NodeKind::kInverted;
            CHANCERY_ASSIGN_OR_RETURN(node.path, SplitName(t.content, t.line));
          } else if (t.kind == TokenKind::kBlock) {
            node.kind = NodeKind::kBlock;
            node.text = t.content;
            node.standalone = t.standalone;
            node.indent = t.block_indent;
          } else {
            node.kind = NodeKind::kParent;
            CHANCERY_RETURN_IF_ERROR(SetTemplateName(t, node));
            node.standalone = t.standalone;
            node.indent = StripIndent(t.indent, lines_[t.group].strip);
          }
          nodes.push_back(std::move(node));
          stack.push_back({&nodes.back().children, &nodes.back()});
          break;
        }
        case TokenKind::kClose: {
          Node* owner = stack.back().owner;
          stack.pop_back();
          if (owner->kind == NodeKind::kParent) {
            // Only blocks mean something inside a parent tag; other content
            // is ignored, as the spec says.
            std::erase_if(owner->children, [](const Node& n) { return n.kind != NodeKind::kBlock; });
          }
          break;
        }
        case TokenKind::kPartial: {
          Node node;
          node.kind = NodeKind::kPartial;
          CHANCERY_RETURN_IF_ERROR(SetTemplateName(t, node));
          node.standalone = t.standalone;
          node.indent = StripIndent(t.indent, lines_[t.group].strip);
          nodes.push_back(std::move(node));
          break;
        }
        case TokenKind::kComment:
        case TokenKind::kDelimiters:
          break;
      }
    }
    return root;
  }

  std::string_view src_;
  std::string name_;
  std::vector<Token> tokens_;
  std::vector<Line> lines_;
};

bool Truthy(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return false;
    case json::kind::bool_:
      return v.get_bool();
    case json::kind::int64:
      return v.get_int64() != 0;
    case json::kind::uint64:
      return v.get_uint64() != 0;
    case json::kind::double_:
      return v.get_double() != 0.0;
    case json::kind::string:
      return !v.get_string().empty();
    case json::kind::array:
      return !v.get_array().empty();
    case json::kind::object:
      return true;
  }
  return false;
}

// Passes `text` to append(string_view) in pieces, with & < > " ' replaced by
// entities: the runs between the few bytes that need one are passed whole.
template <typename Append>
void EscapeHtml(std::string_view text, Append&& append) {
  std::size_t from = 0;
  for (std::size_t i = FindHtmlSpecial(text, 0); i < text.size(); i = FindHtmlSpecial(text, from)) {
    if (i > from) append(text.substr(from, i - from));
    append(HtmlEntity(text[i]));
    from = i + 1;
  }
  if (from < text.size()) append(text.substr(from));
}

// The rendered page, written through a cursor: its many small pieces (a
// line of template, its indentation, an escaped name) each cost a bounds
// check and a copy, not a call into std::string. The string is sized ahead
// and cut to the written length by Finish.
class Output {
 public:
  explicit Output(std::string& out) : out_(out) { out_.resize(out_.capacity()); }
  [[gnu::always_inline]] void Append(std::string_view piece) {
    if (piece.empty()) return;  // an empty view may carry a null pointer, which memcpy must not get
    if (piece.size() > out_.size() - size_) Grow(piece.size());
    std::memcpy(out_.data() + size_, piece.data(), piece.size());
    size_ += piece.size();
  }
  void Finish() { out_.resize(size_); }

 private:
  [[gnu::noinline]] void Grow(size_t more) { out_.resize(std::max(out_.size() * 2, size_ + more)); }

  std::string& out_;
  size_t size_ = 0;
};

}  // namespace

// Walks a compiled tree for one Render call. Holds only pointers into the
// context and the templates; lives on the caller's stack.
class Renderer {
 public:
  Renderer(Output& out, const PartialResolver& partials) : out_(out), partials_(partials) {
    stack_.reserve(16);
  }

  static const internal::CompiledTemplate& Compiled(const Template& t) { return *t.impl_; }

  // `contexts` outermost first; null entries are skipped.
  void Run(const internal::CompiledTemplate& tmpl, std::span<const json::value* const> contexts) {
    for (const json::value* context : contexts)
      if (context != nullptr) stack_.push_back(context);
    // An empty stack would leave `{{.}}` nothing to name.
    if (stack_.empty()) stack_.push_back(&kNull);
    RenderNodes(tmpl.nodes);
  }

 private:
  void RenderNodes(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) {
      switch (node.kind) {
        case NodeKind::kText:
          EmitText(node);
          break;
        case NodeKind::kVariable:
          if (const json::value* v = Lookup(node)) EmitValue(*v, node.escape);
          break;
        case NodeKind::kSection:
          RenderSection(node);
          break;
        case NodeKind::kInverted: {
          const json::value* v = Lookup(node);
          if (v == nullptr || !Truthy(*v)) RenderNodes(node.children);
          break;
        }
        case NodeKind::kPartial:
          if (const Template* t = Resolve(node)) Expand(node, Compiled(*t).nodes);
          break;
        case NodeKind::kParent:
          if (const Template* t = Resolve(node)) {
            overrides_.push_back(&node);
            Expand(node, Compiled(*t).nodes);
            overrides_.pop_back();
          }
          break;
        case NodeKind::kBlock: {
          const Node* argument = FindOverride(node.text);
          Expand(node, argument != nullptr ? argument->children : node.children);
          break;
        }
      }
    }
  }

  void RenderSection(const Node& node) {
    const json::value* v = Lookup(node);
    if (v == nullptr || !Truthy(*v)) return;
    if (v->is_array()) {
      for (const json::value& item : v->get_array()) {
        stack_.push_back(&item);
        RenderNodes(node.children);
        stack_.pop_back();
      }
    } else {
      stack_.push_back(v);
      RenderNodes(node.children);
      stack_.pop_back();
    }
  }

  // Renders `nodes` in place of a partial, parent or block tag. A standalone
  // tag indents every line of the expansion; an inline one does not.
  void Expand(const Node& tag, const std::vector<Node>& nodes) {
    if (depth_ >= kMaxExpansionDepth) return;
    ++depth_;
    const size_t saved_size = indent_.size();
    const size_t saved_begin = indent_begin_;
    if (tag.standalone) {
      indent_.append(tag.indent);
      at_line_start_ = true;
    } else {
      indent_begin_ = indent_.size();
    }
    RenderNodes(nodes);
    indent_.resize(saved_size);
    indent_begin_ = saved_begin;
    --depth_;
  }

  const Template* Resolve(const Node& node) {
    if (!partials_) return nullptr;
    if (!node.dynamic) {
      // A partial inside a loop (a comment in a thread) names the same
      // template on every pass: ask the resolver once per tag.
      for (const auto& [tag, tmpl] : resolved_)
        if (tag == &node) return tmpl;
      const Template* tmpl = partials_(node.text);
      resolved_.emplace_back(&node, tmpl);
      return tmpl;
    }
    const json::value* name = Lookup(node);
    if (name == nullptr || !name->is_string()) return nullptr;
    const json::string& s = name->get_string();
    return partials_(std::string_view(s.data(), s.size()));
  }

  // The outermost parent's argument wins (the spec's "top-level substitutions
  // take precedence").
  const Node* FindOverride(std::string_view name) const {
    for (const Node* parent : overrides_) {
      for (const Node& block : parent->children) {
        if (block.text == name) return &block;
      }
    }
    return nullptr;
  }

  // Lookup(node.path), trying first the slots where its parts were found
  // last: path[0] in the innermost context that has names, and each later
  // part in what the part before it named. A section over true, a string
  // or a number pushes a context without names, which no name resolves in:
  // it is passed over, not searched.
  const json::value* Lookup(const Node& node) const {
    const std::vector<std::string>& path = node.path;
    if (path.empty()) return stack_.back();
    size_t level = stack_.size();
    while (level > 0 && !stack_[level - 1]->is_object()) --level;
    if (level == 0) return nullptr;
    const json::value* found = Find(stack_[level - 1]->get_object(), path[0], &node.guesses[0]);
    // Else the contexts outside it. The rest of a dotted name resolves only
    // inside what the first part found, never further down the stack.
    if (found == nullptr) found = Lookup(path.front(), level - 1);
    for (size_t i = 1; i < path.size() && found != nullptr; ++i) {
      if (!found->is_object()) return nullptr;
      found = Find(found->get_object(), path[i], i < Node::kGuessedParts ? &node.guesses[i] : nullptr);
    }
    return found;
  }

  // `name` in `obj`, trying the guessed slot first and keeping where it was
  // found; null when absent.
  static const json::value* Find(const json::object& obj, const std::string& name, const Node::SlotGuess* guess) {
    const json::key_value_pair* const begin = obj.begin();
    const size_t size = obj.size();
    if (guess != nullptr) {
      const uint32_t slot = guess->slot.load(std::memory_order_relaxed);
      if (slot < size && SameKey(begin[slot].key(), name)) return &begin[slot].value();
    }
    // Objects as small as a view's (Boost.JSON hashes only larger ones) are
    // scanned here with SameKey rather than by find, which calls memcmp for
    // each key of the name's length.
    const json::key_value_pair* hit = nullptr;
    if (size <= kScannedKeys) {
      for (const json::key_value_pair* kv = begin; kv != begin + size; ++kv) {
        if (SameKey(kv->key(), name)) {
          hit = kv;
          break;
        }
      }
    } else if (const auto found = obj.find(name); found != obj.end()) {
      hit = found;
    }
    if (hit == nullptr) return nullptr;
    if (guess != nullptr) guess->slot.store(static_cast<uint32_t>(hit - begin), std::memory_order_relaxed);
    return &hit->value();
  }

  // The most keys Boost.JSON keeps in an object without a hash table.
  static constexpr size_t kScannedKeys = 18;

  // key == name for the short names templates use: the bytes compared as
  // at most two overlapping words each, not through a call to memcmp.
  [[gnu::always_inline]] static bool SameKey(std::string_view key, std::string_view name) {
    const size_t n = key.size();
    if (n != name.size()) return false;
    const char* a = key.data();
    const char* b = name.data();
    auto load8 = [](const char* p) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    };
    auto load4 = [](const char* p) {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    };
    if (n >= 8) {
      if (n > 16) return std::memcmp(a, b, n) == 0;
      return ((load8(a) ^ load8(b)) | (load8(a + n - 8) ^ load8(b + n - 8))) == 0;
    }
    if (n >= 4) return ((load4(a) ^ load4(b)) | (load4(a + n - 4) ^ load4(b + n - 4))) == 0;
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

  // `name` in the innermost `levels` contexts of the stack, innermost first.
  const json::value* Lookup(const std::string& name, size_t levels) const {
    for (size_t level = std::min(levels, stack_.size()); level > 0; --level) {
      const json::value* context = stack_[level - 1];
      if (!context->is_object()) continue;
      if (const json::value* found = Find(context->get_object(), name, nullptr)) return found;
    }
    return nullptr;
  }

  std::string_view ActiveIndent() const { return std::string_view(indent_).substr(indent_begin_); }

  // Template text: the active indentation goes before each non-empty line.
  void EmitText(const Node& node) {
    const std::string_view text = node.text;
    const std::string_view indent = ActiveIndent();
    if (indent.empty()) {
      out_.Append(text);
      at_line_start_ = EndsWithNewline(text);
      return;
    }
    uint32_t start = 0;
    for (const uint32_t mark : node.lines) {
      const uint32_t end = mark & ~Node::kBlankLine;
      if (at_line_start_ && !(mark & Node::kBlankLine)) out_.Append(indent);
      out_.Append(text.substr(start, end - start));
      at_line_start_ = text[end - 1] == '\n';
      start = end;
    }
  }

  // Before a value: indentation if the value starts a line. Values' own
  // newlines are not indented (they are data, not template lines).
  void BeginValue() {
    if (at_line_start_) {
      out_.Append(ActiveIndent());
      at_line_start_ = false;
    }
  }

  void EmitValue(const json::value& v, bool escape) {
    char buf[32];
    std::to_chars_result r{buf, std::errc()};
    switch (v.kind()) {
      case json::kind::string: {
        const json::string& s = v.get_string();
        if (s.empty()) return;
        BeginValue();
        const std::string_view text(s.data(), s.size());
        if (escape) {
          EscapeHtml(text, [this](std::string_view piece) { out_.Append(piece); });
        } else {
          out_.Append(text);
        }
        return;
      }
      case json::kind::int64:
        r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
        break;
      case json::kind::uint64:
        r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
        break;
      case json::kind::double_:
        r = std::to_chars(buf, buf + sizeof buf, v.get_double());
        break;
      case json::kind::bool_:
        BeginValue();
        out_.Append(v.get_bool() ? "true" : "false");
        return;
      case json::kind::null:
      case json::kind::array:
      case json::kind::object:
        return;
    }
    if (r.ec != std::errc()) return;
    BeginValue();
    out_.Append(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  }

  static inline const json::value kNull;

  Output& out_;
  const PartialResolver& partials_;
  std::vector<std::pair<const Node*, const Template*>> resolved_;  // static partial and parent tags met so far
  std::vector<const json::value*> stack_;  // context stack, innermost last
  std::vector<const Node*> overrides_;     // parent tags being expanded, outermost first
  std::string indent_;                     // all indentation pushed so far
  size_t indent_begin_ = 0;                // where the active part of indent_ starts
  bool at_line_start_ = true;              // the next template line starts here
  int depth_ = 0;                          // nested expansions
};

namespace {

// Fills the `lines` of every text node in `nodes` and below.
void IndexLines(std::vector<Node>& nodes) {
  for (Node& node : nodes) {
    IndexLines(node.children);
    if (node.kind != NodeKind::kText) continue;
    const std::string_view text = node.text;
    node.lines.clear();
    for (size_t pos = 0; pos < text.size();) {
      const size_t nl = text.find('\n', pos);
      const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
      const std::string_view line = text.substr(pos, end - pos);
      const bool blank = line == "\n" || line == "\r\n";
      node.lines.push_back(static_cast<uint32_t>(end) | (blank ? Node::kBlankLine : 0));
      pos = end;
    }
  }
}

}  // namespace

Result<Template> Template::Compile(std::string_view source, std::string_view name) {
  // Offsets into a text are kept in 31 bits.
  if (source.size() >= Node::kBlankLine)
    return Status::InvalidArgument("template " + std::string(name) + " is over 2 GiB");
  Parser parser(source, name);
  CHANCERY_ASSIGN_OR_RETURN(std::vector<Node> nodes, parser.Run());
  IndexLines(nodes);
  auto compiled = std::make_shared<internal::CompiledTemplate>();
  compiled->name = name;
  compiled->nodes = std::move(nodes);
  compiled->size_hint = source.size() + source.size() / 2 + 64;
  return Template(std::move(compiled));
}

const std::string& Template::name() const { return impl_->name; }

std::string Render(const Template& tmpl, const json::value& context, const PartialResolver& partials) {
  const json::value* contexts[] = {&context};
  return Render(tmpl, contexts, partials);
}

std::string Render(const Template& tmpl, std::span<const json::value* const> contexts,
                   const PartialResolver& partials) {
  const internal::CompiledTemplate& compiled = Renderer::Compiled(tmpl);
  const size_t last = compiled.last_size.load(std::memory_order_relaxed);
  std::string out;
  out.reserve(std::max(compiled.size_hint, last + last / 8));
  Output output(out);
  Renderer renderer(output, partials);
  renderer.Run(compiled, contexts);
  output.Finish();
  compiled.last_size.store(out.size(), std::memory_order_relaxed);
  return out;
}

Result<std::string> RenderString(std::string_view source, const json::value& context,
                                 const std::map<std::string, std::string, std::less<>>& partials) {
  CHANCERY_ASSIGN_OR_RETURN(Template main, Template::Compile(source));
  std::map<std::string, Template, std::less<>> compiled;
  for (const auto& [name, text] : partials) {
    CHANCERY_ASSIGN_OR_RETURN(Template t, Template::Compile(text, name));
    compiled.emplace(name, std::move(t));
  }
  return Render(main, context, [&compiled](std::string_view name) -> const Template* {
    const auto it = compiled.find(name);
    return it == compiled.end() ? nullptr : &it->second;
  });
}


}  // namespace chancery::theme
