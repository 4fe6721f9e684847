// ParseMarkdownArticle: front matter -> Article fields, body -> content module.
#include "importers/markdown.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/content.h"
#include "importers/front_matter.h"

namespace chancery::importers {
namespace {

using internal::FrontMatterEntry;
using internal::LineError;

// The 1-based line holding the first byte that is not UTF-8, or 0.
int FirstInvalidUtf8Line(std::string_view text) {
  int line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    // A line break is never inside a valid multi-byte sequence, so checking
    // line by line finds the same first error as checking the whole text.
    if (!content::IsValidUtf8(text.substr(start, end - start))) return line;
    start = end + 1;
    ++line;
  }
  return 0;
}

// What one front-matter key means, applied to the article being built.
class ArticleBuilder {
 public:
  ArticleBuilder(std::string_view source_name, int64_t now) : source_name_(source_name), now_(now) {}

  Status Apply(const FrontMatterEntry& entry) {
    const std::string& key = entry.key;
    static constexpr std::string_view kKnownKeys[] = {
        "title",   "slug",   "dek",   "authors",      "author",    "tags",          "date",
        "updated", "status", "image", "image_credit", "image_alt", "image_caption", "comments"};
    if (std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) == std::end(kKnownKeys)) {
      return Error(entry, "unknown key '" + key +
                              "' (known: title, slug, dek, authors, author, tags, date, updated, status, "
                              "image, image_credit, image_alt, image_caption, comments)");
    }
    if (key == "authors" || key == "author") return SetAuthors(entry);
    if (key == "tags") return SetTags(entry);
    if (entry.is_list) return Error(entry, "'" + key + "' takes one value, not a list");
    const std::string& value = entry.value;
    if (key == "title") {
      article_.title = value;
      title_line_ = entry.line;
    } else if (key == "slug") {
      // Slugify also shortens to the limit: a long slug is said to be long.
      if (value.size() > content::kMaxSlugLength) {
        return Error(entry, "slug '" + value + "' is " + std::to_string(value.size()) +
                                " characters long; the most is " + std::to_string(content::kMaxSlugLength));
      }
      if (value.empty() || content::Slugify(value) != value) {
        return Error(entry, "slug '" + value +
                                "' is not URL-safe; use lower-case letters, digits and "
                                "single hyphens, e.g. '" +
                                content::Slugify(value) + "'");
      }
      article_.slug = value;
    } else if (key == "dek") {
      article_.dek = value;
    } else if (key == "date" || key == "updated") {
      const std::optional<int64_t> time = internal::ParseDateTime(value);
      if (!time) {
        return Error(entry, "'" + key + "' is not a date: '" + value +
                                "' (use YYYY-MM-DD, YYYY-MM-DD HH:MM or 2026-03-04T09:30:00Z)");
      }
      (key == "date" ? date_ : updated_) = *time;
    } else if (key == "status") {
      if (value == "draft") {
        article_.status = store::ArticleStatus::kDraft;
      } else if (value == "scheduled") {
        article_.status = store::ArticleStatus::kScheduled;
      } else if (value == "published") {
        article_.status = store::ArticleStatus::kPublished;
      } else {
        return Error(entry, "status '" + value + "' is not one of draft, scheduled, published");
      }
    } else if (key == "image") {
      // The theme puts this in <img src>; only web URLs and site paths belong there.
      if (!value.empty() && !(value.starts_with("https://") || value.starts_with("http://") ||
                              (value.starts_with('/') && !value.starts_with("//")))) {
        return Error(entry, "image '" + value + "' must be an http(s) URL or a path starting with /");
      }
      article_.image.url = value;
    } else if (key == "image_credit") {
      article_.image.credit = value;
    } else if (key == "image_alt") {
      article_.image.alt = value;
    } else if (key == "image_caption") {
      article_.image.caption = value;
    } else {  // comments
      if (value != "open" && value != "closed") {
        return Error(entry, "comments '" + value + "' is not one of open, closed");
      }
      article_.comments_open = value == "open";
    }
    return Status::Ok();
  }

  // Fills what the keys did not give and what the body determines.
  Result<store::Article> Finish(std::string_view body, int body_line) && {
    if (article_.title.empty()) {
      return LineError(source_name_, title_line_ > 0 ? title_line_ : 1, "the article has no title");
    }
    if (article_.slug.empty()) {
      article_.slug = content::Slugify(article_.title);
      if (article_.slug.empty()) {
        return LineError(source_name_, title_line_, "the title gives no slug; add a 'slug:' line");
      }
    }
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return LineError(source_name_, body_line, "the article body is empty");
    }
    Result<content::RenderedDocument> rendered = content::RenderMarkdown(body);
    if (!rendered.ok()) return LineError(source_name_, body_line, rendered.status().message());

    article_.body_markdown = std::string(body);
    article_.body_html = std::move(rendered->html);
    article_.toc_json = content::TocJson(rendered->toc);
    article_.excerpt = std::move(rendered->excerpt);
    article_.plain_text = std::move(rendered->plain_text);
    article_.reading_minutes = rendered->reading_minutes;

    // A draft keeps its intended date if it has one; 0 means never published.
    const bool is_draft = article_.status == store::ArticleStatus::kDraft;
    article_.published_at = date_ ? *date_ : (is_draft ? 0 : now_);
    if (article_.status == store::ArticleStatus::kPublished && article_.published_at > now_) {
      article_.status = store::ArticleStatus::kScheduled;
    }
    article_.updated_at = updated_ ? *updated_ : (article_.published_at != 0 ? article_.published_at : now_);
    article_.created_at = now_;
    return std::move(article_);
  }

 private:
  Status Error(const FrontMatterEntry& entry, std::string_view message) const {
    return LineError(source_name_, entry.line, message);
  }

  std::vector<std::string> Names(const FrontMatterEntry& entry) const {
    if (entry.is_list) return entry.items;
    if (entry.value.empty()) return {};
    return {entry.value};
  }

  // Byline names become authors keyed by the slug of the name.
  Status SetAuthors(const FrontMatterEntry& entry) {
    if (authors_line_ > 0) {
      return Error(entry, "give either 'author' or 'authors', not both (the other is on line " +
                              std::to_string(authors_line_) + ")");
    }
    authors_line_ = entry.line;
    for (const std::string& name : Names(entry)) {
      std::string slug = content::Slugify(name);
      if (slug.empty()) return Error(entry, "author '" + name + "' has no letters or digits");
      bool duplicate = false;
      for (const store::Author& author : article_.authors) duplicate = duplicate || author.slug == slug;
      if (duplicate) continue;
      store::Author author;
      author.slug = std::move(slug);
      author.name = name;
      article_.authors.push_back(std::move(author));
    }
    return Status::Ok();
  }

  Status SetTags(const FrontMatterEntry& entry) {
    for (const std::string& name : Names(entry)) {
      std::string slug = content::Slugify(name);
      if (slug.empty()) return Error(entry, "tag '" + name + "' has no letters or digits");
      bool duplicate = false;
      for (const store::Tag& tag : article_.tags) duplicate = duplicate || tag.slug == slug;
      if (duplicate) continue;
      store::Tag tag;
      tag.slug = std::move(slug);
      tag.name = name;
      article_.tags.push_back(std::move(tag));
    }
    return Status::Ok();
  }

  std::string_view source_name_;
  int64_t now_;
  store::Article article_ = DefaultArticle();
  int title_line_ = 0;
  int authors_line_ = 0;
  std::optional<int64_t> date_;
  std::optional<int64_t> updated_;

  static store::Article DefaultArticle() {
    store::Article article;
    article.status = store::ArticleStatus::kPublished;
    article.comments_open = true;
    return article;
  }
};

}  // namespace

Result<store::Article> ParseMarkdownArticle(std::string_view text, std::string_view source_name,
                                            int64_t now) {
  if (const int bad_line = FirstInvalidUtf8Line(text); bad_line > 0) {
    return LineError(source_name, bad_line, "the text is not valid UTF-8");
  }
  CHANCERY_ASSIGN_OR_RETURN(internal::FrontMatter front_matter,
                            internal::ParseFrontMatter(text, source_name));
  ArticleBuilder builder(source_name, now);
  for (const FrontMatterEntry& entry : front_matter.entries) {
    CHANCERY_RETURN_IF_ERROR(builder.Apply(entry));
  }
  return std::move(builder).Finish(front_matter.body, front_matter.body_line);
}

}  // namespace chancery::importers
