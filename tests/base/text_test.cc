#include "base/text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/byte_search.h"

namespace chancery {
namespace {

// The byte-by-byte definition the fast escaper must agree with.
std::string Reference(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

TEST(HtmlEscape, LeavesPlainTextAlone) {
  std::string out = "a";
  AppendHtmlEscaped(out, "Islamabad — Москва");
  EXPECT_EQ(out, "aIslamabad — Москва");
}

TEST(HtmlEscape, EscapesAttributeBreakers) {
  std::string out;
  AppendHtmlEscaped(out, "<a title='x' href=\"y\">&</a>");
  EXPECT_EQ(out, "&lt;a title=&#39;x&#39; href=&quot;y&quot;&gt;&amp;&lt;/a&gt;");
}

// Plain text is skipped sixteen bytes at a time: every special character at
// every offset, in text of every length around one and two blocks, must come
// out as the definition says, with bytes above 0x7F around it.
TEST(HtmlEscape, MatchesTheDefinitionAtEveryOffset) {
  for (char special : std::string("&<>\"'")) {
    for (size_t length = 0; length <= 40; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string text(length, 'x');
        text[at] = special;
        if (at + 3 < length) text[at + 3] = '\xC3';
        if (at + 17 < length) text[at + 17] = '&';  // a second one in the next block
        std::string out;
        AppendHtmlEscaped(out, text);
        EXPECT_EQ(out, Reference(text)) << "length " << length << ", '" << special << "' at " << at;
        EXPECT_EQ(FindHtmlSpecial(text, 0), at);
        EXPECT_EQ(FindHtmlSpecial(text, at + 1), at + 17 < length ? at + 17 : length);
      }
    }
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string out;
  AppendHtmlEscaped(out, all + all);
  EXPECT_EQ(out, Reference(all + all));
}

// Any set of bytes: each of the set is found wherever it stands, in the
// sixteen-byte blocks and in the bytes after the last.
TEST(FindFirstOfBytes, FindsEachByteOfItsSetAtEveryOffset) {
  for (char wanted : std::string("\x1e\x1f")) {
    for (size_t length = 1; length <= 40; ++length) {
      for (size_t at = 0; at < length; ++at) {
        std::string text(length, '\x1d');  // a neighbour of both, found by neither
        text[at] = wanted;
        EXPECT_EQ((FindFirstOfBytes<'\x1e', '\x1f'>(text, 0)), at) << "length " << length << ", at " << at;
        EXPECT_EQ((FindFirstOfBytes<'\x1e', '\x1f'>(text, at + 1)), length);
      }
    }
  }
}

TEST(HtmlEscape, FindsNothingInPlainTextOrPastTheEnd) {
  const std::string plain(100, 'p');
  EXPECT_EQ(FindHtmlSpecial(plain, 0), plain.size());
  EXPECT_EQ(FindHtmlSpecial(plain, 99), plain.size());
  EXPECT_EQ(FindHtmlSpecial(plain, 100), plain.size());
  EXPECT_EQ(FindHtmlSpecial("", 0), 0u);
  EXPECT_EQ(HtmlEntity('x'), "");
  EXPECT_EQ(HtmlEntity('\''), "&#39;");
}

}  // namespace
}  // namespace chancery
