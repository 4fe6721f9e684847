// Text helpers of the content module: UTF-8, slugs, excerpts, word counts and
// the table-of-contents JSON.
#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "content/content.h"
#include "content/utf8.h"

namespace chancery::content {
namespace internal {

std::string ScrubUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t cp = DecodeUtf8(text, pos);
    if (cp == kInvalidCodePoint) {
      AppendUtf8(out, 0xFFFD);
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

}  // namespace internal

namespace {

using internal::DecodeUtf8;
using internal::kInvalidCodePoint;

// Transliterations of U+00C0..U+00FF; "" marks a separator (× and ÷).
constexpr std::array<std::string_view, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// Base letters of U+0100..U+017F (Latin Extended-A), one per code point;
// '*' marks the two ligatures handled separately (Ĳĳ, Œœ).
constexpr std::string_view kLatinExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatinExtendedA.size() == 128);

bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

// Apostrophes vanish inside words so "Pakistan’s" stays one word.
bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC; }

// Combining diacritics follow the letter they modify (decomposed "é").
bool IsCombiningMark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

// Non-ASCII code points that are punctuation or spaces rather than letters.
bool IsNonAsciiSeparator(char32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x206F) ||  // General Punctuation: dashes, quotes, spaces
         (cp >= 0x2E00 && cp <= 0x2E7F) ||  // Supplemental Punctuation
         (cp >= 0x3000 && cp <= 0x303F) ||  // CJK punctuation
         cp == 0xFEFF || cp == 0xFFFD || kInvalidCodePoint == cp;
}

// The ASCII transliteration of `cp`, or "" when there is none.
std::string_view Transliterate(char32_t cp) {
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x132 || cp == 0x133) return "ij";
    if (cp == 0x152 || cp == 0x153) return "oe";
    return kLatinExtendedA.substr(cp - 0x100, 1);
  }
  return "";
}

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

bool IsWordCodePoint(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlnum(cp);
  return !IsNonAsciiSeparator(cp);
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Splits on ASCII whitespace and U+00A0; returns the pieces.
std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (IsSpace(text[i]) || text.substr(i, 2) == "\xC2\xA0")) {
      i += IsSpace(text[i]) ? 1 : 2;
    }
    const std::size_t start = i;
    while (i < text.size() && !IsSpace(text[i]) && text.substr(i, 2) != "\xC2\xA0") ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool HasWordCodePoint(std::string_view word) {
  std::size_t pos = 0;
  while (pos < word.size()) {
    if (IsWordCodePoint(DecodeUtf8(word, pos))) return true;
  }
  return false;
}

}  // namespace

bool IsValidUtf8(std::string_view text) { return ::chancery::IsValidUtf8(text); }

std::string Slugify(std::string_view text) {
  std::string slug;
  bool pending_hyphen = false;
  bool saw_untransliterable_letter = false;
  const auto append = [&](std::string_view letters) {
    if (pending_hyphen && !slug.empty()) slug += '-';
    pending_hyphen = false;
    slug.append(letters);
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = DecodeUtf8(text, pos);
    if (IsAsciiAlnum(cp)) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      append(std::string_view(&c, 1));
    } else if (IsApostrophe(cp) || IsCombiningMark(cp)) {
      // Dropped without breaking the word.
    } else if (std::string_view letters = Transliterate(cp); !letters.empty()) {
      append(letters);
    } else {
      if (cp >= 0x80 && !IsNonAsciiSeparator(cp)) saw_untransliterable_letter = true;
      pending_hyphen = true;
    }
  }
  if (slug.size() > kMaxSlugLength) {
    const std::size_t cut = slug.rfind('-', kMaxSlugLength);
    slug.resize(cut == std::string::npos || cut == 0 ? kMaxSlugLength : cut);
  }
  if (slug.empty() && saw_untransliterable_letter) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a64(text)));
    slug = "n-" + std::string(hex, 8);
  }
  return slug;
}

int CountWords(std::string_view plain_text) {
  int count = 0;
  for (std::string_view word : SplitWords(plain_text)) {
    if (HasWordCodePoint(word)) ++count;
  }
  return count;
}

std::string Excerpt(std::string_view plain_text, int max_words) {
  const std::vector<std::string_view> words = SplitWords(plain_text);
  std::string out;
  int taken = 0;
  bool cut = false;
  for (std::string_view word : words) {
    if (taken >= max_words) {
      cut = true;
      break;
    }
    const std::size_t needed = out.size() + (out.empty() ? 0 : 1) + word.size();
    if (needed > kExcerptMaxChars) {
      cut = true;
      if (out.empty()) {
        // One enormous "word" (a URL, say): cut it at a character boundary.
        std::size_t end = 0;
        while (end < word.size()) {
          std::size_t next = end;
          DecodeUtf8(word, next);
          if (next > kExcerptMaxChars) break;
          end = next;
        }
        out.append(word.substr(0, end));
      }
      break;
    }
    if (!out.empty()) out += ' ';
    out.append(word);
    if (HasWordCodePoint(word)) ++taken;
  }
  if (cut) {
    // "…" after a comma or colon reads badly.
    while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':')) out.pop_back();
    out += "\xE2\x80\xA6";
  }
  return out;
}

std::string TocJson(const std::vector<Heading>& toc) {
  boost::json::array array;
  array.reserve(toc.size());
  for (const Heading& heading : toc) {
    array.push_back(
        boost::json::object{{"level", heading.level}, {"id", heading.id}, {"text", heading.text}});
  }
  return boost::json::serialize(array);
}

boost::json::array ParseTocJsonArray(std::string_view json, boost::json::storage_ptr sp) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(json, error, sp);
  if (error || !value.is_array()) return boost::json::array(sp);
  for (const boost::json::value& item : value.get_array()) {
    const boost::json::object* object = item.if_object();
    if (object == nullptr) return boost::json::array(sp);
    const boost::json::value* level = object->if_contains("level");
    const boost::json::value* id = object->if_contains("id");
    const boost::json::value* text = object->if_contains("text");
    if (level == nullptr || !level->is_int64() || level->get_int64() < 1 || level->get_int64() > 6 ||
        id == nullptr || !id->is_string() || text == nullptr || !text->is_string()) {
      return boost::json::array(sp);
    }
  }
  return std::move(value.get_array());
}

std::vector<Heading> ParseTocJson(std::string_view json) {
  // Parsed in a buffer on the stack, dropped at once: the headings copy
  // what they keep.
  unsigned char scratch[4096];
  boost::json::monotonic_resource memory(scratch, sizeof scratch);
  std::vector<Heading> toc;
  for (const boost::json::value& item : ParseTocJsonArray(json, &memory)) {
    const boost::json::object& object = item.get_object();
    toc.push_back(Heading{static_cast<int>(object.at("level").get_int64()), std::string(object.at("id").get_string()),
                          std::string(object.at("text").get_string())});
  }
  return toc;
}

}  // namespace chancery::content
