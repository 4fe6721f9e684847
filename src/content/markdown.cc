// RenderMarkdown: cmark-gfm parses, its HTML goes through the sanitiser
// (which also anchors the headings), and the plain text is read off the AST.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "content/content.h"
#include "content/sanitizer.h"

namespace chancery::content {
namespace {

constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};

// cmark-gfm toggles a process-wide table of "special inline characters" at
// the start and end of every parse (cmark_manage_extensions_special_characters),
// so two parses with extensions attached must not overlap. Rendering the AST
// touches no shared state and runs outside the lock.
std::mutex& ParseMutex() {
  static std::mutex mutex;
  return mutex;
}

void EnsureExtensionsRegistered() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IterDeleter {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
struct CStringDeleter {
  void operator()(char* text) const { std::free(text); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

// Builds the plain text of a document from its AST: text, code and breaks,
// blocks separated by blank lines; footnotes and raw HTML tags left out.
// Alongside, `prose` gathers only paragraph text, for the excerpt.
class PlainTextBuilder {
 public:
  explicit PlainTextBuilder(bool read_html_blocks) : read_html_blocks_(read_html_blocks) {}

  void Build(cmark_node* root) {
    std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(root));
    cmark_event_type event;
    while ((event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
      cmark_node* node = cmark_iter_get_node(iter.get());
      const bool entering = event == CMARK_EVENT_ENTER;
      const cmark_node_type type = cmark_node_get_type(node);
      const std::string_view type_name = cmark_node_get_type_string(node);
      switch (type) {
        case CMARK_NODE_FOOTNOTE_DEFINITION:
          // The notes are sources, not running text.
          if (entering) cmark_iter_reset(iter.get(), node, CMARK_EVENT_EXIT);
          break;
        case CMARK_NODE_PARAGRAPH:
          BlockBreak();
          in_paragraph_ += entering ? 1 : -1;
          if (!entering) prose_ += "\n\n";
          break;
        case CMARK_NODE_HEADING:
        case CMARK_NODE_BLOCK_QUOTE:
        case CMARK_NODE_ITEM:
        case CMARK_NODE_LIST:
        case CMARK_NODE_THEMATIC_BREAK:
          BlockBreak();
          break;
        case CMARK_NODE_CODE_BLOCK:
          BlockBreak();
          Append(Literal(node));
          BlockBreak();
          break;
        case CMARK_NODE_HTML_BLOCK:
          if (read_html_blocks_) {
            BlockBreak();
            Append(internal::FragmentText(Literal(node)));
            BlockBreak();
          }
          break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          Append(Literal(node));
          break;
        case CMARK_NODE_SOFTBREAK:
          Append(" ");
          break;
        case CMARK_NODE_LINEBREAK:
          TrimTrailingSpace();
          Append("\n");
          break;
        default:
          // Extension nodes are known by name.
          if (type_name == "table_row" || type_name == "table") {
            if (entering) NewLine();
          } else if (type_name == "table_cell" && entering && !text_.empty() && text_.back() != '\n') {
            Append(" ");
          }
          break;
      }
    }
    TrimTrailingSpace();
    while (text_.ends_with('\n')) text_.pop_back();
  }

  std::string& text() { return text_; }
  std::string& prose() { return prose_; }

 private:
  static std::string_view Literal(cmark_node* node) {
    const char* literal = cmark_node_get_literal(node);
    std::string_view text = literal == nullptr ? std::string_view() : literal;
    while (text.ends_with('\n')) text.remove_suffix(1);
    return text;
  }
  void Append(std::string_view text) {
    text_.append(text);
    if (in_paragraph_ > 0) prose_.append(text);
  }
  void TrimTrailingSpace() {
    while (!text_.empty() && text_.back() == ' ') text_.pop_back();
  }
  void NewLine() {
    TrimTrailingSpace();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';
  }
  void BlockBreak() {
    TrimTrailingSpace();
    if (text_.empty() || text_.ends_with("\n\n")) return;
    text_ += text_.back() == '\n' ? "\n" : "\n\n";
  }

  bool read_html_blocks_;
  int in_paragraph_ = 0;
  std::string text_;
  std::string prose_;
};

}  // namespace

Result<RenderedDocument> RenderMarkdown(std::string_view markdown, const RenderOptions& options) {
  if (markdown.size() > kMaxMarkdownBytes) {
    return Status::InvalidArgument("the Markdown text is longer than " + std::to_string(kMaxMarkdownBytes) +
                                   " bytes");
  }
  if (!IsValidUtf8(markdown)) return Status::InvalidArgument("the Markdown text is not valid UTF-8");
  EnsureExtensionsRegistered();

  // Raw HTML is let through cmark only because the sanitiser sees all of it
  // next; with raw HTML off, cmark replaces it with a comment the sanitiser
  // then drops.
  int cmark_options = CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART;
  if (options.allow_raw_html) cmark_options |= CMARK_OPT_UNSAFE;

  ParserPtr parser(cmark_parser_new(cmark_options));
  NodePtr document;
  {
    std::lock_guard<std::mutex> lock(ParseMutex());
    for (const char* name : kExtensions) {
      cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
      if (extension == nullptr) return Status::Internal(std::string("cmark-gfm lacks the extension ") + name);
      cmark_parser_attach_syntax_extension(parser.get(), extension);
    }
    cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
    document.reset(cmark_parser_finish(parser.get()));
  }
  if (document == nullptr) return Status::Internal("cmark-gfm failed to parse the Markdown text");

  std::unique_ptr<char, CStringDeleter> raw_html(
      cmark_render_html(document.get(), cmark_options, cmark_parser_get_syntax_extensions(parser.get())));
  if (raw_html == nullptr) return Status::Internal("cmark-gfm failed to render HTML");

  internal::SanitizedFragment sanitized =
      internal::Sanitize(raw_html.get(), internal::SanitizeOptions{.assign_heading_ids = true});

  if (sanitized.too_deep) {
    return Status::InvalidArgument("the text nests blocks or HTML elements more than " +
                                   std::to_string(kMaxHtmlNesting) + " levels deep");
  }

  RenderedDocument rendered;
  rendered.html = std::move(sanitized.html);
  for (Heading& heading : sanitized.headings) {
    if (heading.level == 2 || heading.level == 3) rendered.toc.push_back(std::move(heading));
  }

  PlainTextBuilder text(options.allow_raw_html);
  text.Build(document.get());
  rendered.plain_text = std::move(text.text());
  rendered.word_count = CountWords(rendered.plain_text);
  const int words_per_minute = options.words_per_minute > 0 ? options.words_per_minute : 230;
  rendered.reading_minutes = std::max(1, (rendered.word_count + words_per_minute - 1) / words_per_minute);
  const std::string& excerpt_source = text.prose().empty() ? rendered.plain_text : text.prose();
  rendered.excerpt = Excerpt(excerpt_source, options.excerpt_words);
  return rendered;
}

}  // namespace chancery::content
