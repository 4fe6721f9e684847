// Slugify, IsValidUtf8, Excerpt, CountWords and the TOC JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "content/content.h"

namespace chancery::content {
namespace {

TEST(SlugifyTest, Basics) {
  EXPECT_EQ(Slugify("Pakistan–Russia Ties: A Thaw?"), "pakistan-russia-ties-a-thaw");
  EXPECT_EQ(Slugify("Hello, World"), "hello-world");
  EXPECT_EQ(Slugify("  --Leading and trailing--  "), "leading-and-trailing");
  EXPECT_EQ(Slugify("a  --  b"), "a-b");
  EXPECT_EQ(Slugify("CPEC 2.0"), "cpec-2-0");
  EXPECT_EQ(Slugify("Regional Realignment — Afghanistan, a Common Denominator"),
            "regional-realignment-afghanistan-a-common-denominator");
  EXPECT_EQ(Slugify("already-a-slug"), "already-a-slug");
}

TEST(SlugifyTest, ApostrophesJoin) {
  EXPECT_EQ(Slugify("Pakistan’s Choice"), "pakistans-choice");
  EXPECT_EQ(Slugify("Moscow's Kissinger"), "moscows-kissinger");
}

TEST(SlugifyTest, AccentsTransliterated) {
  EXPECT_EQ(Slugify("Café Déjà Vu"), "cafe-deja-vu");
  EXPECT_EQ(Slugify("Straße"), "strasse");
  EXPECT_EQ(Slugify("Łódź Œuvre Ærø"), "lodz-oeuvre-aero");
  EXPECT_EQ(Slugify("Erdoğan and Şahin"), "erdogan-and-sahin");
  // Decomposed: e + COMBINING ACUTE ACCENT.
  EXPECT_EQ(Slugify("Cafe\xCC\x81"), "cafe");
}

TEST(SlugifyTest, UnicodeDashesAndSpaces) {
  EXPECT_EQ(Slugify("a\u2013b\u2014c\u00A0d\u2009e"), "a-b-c-d-e");
  EXPECT_EQ(Slugify("«Quoted» “words”"), "quoted-words");
}

TEST(SlugifyTest, OtherScriptsDroppedButNeverEmpty) {
  EXPECT_EQ(Slugify("Москва Talks"), "talks");
  const std::string urdu = Slugify("اسلام آباد");
  EXPECT_EQ(urdu.size(), 10u);
  EXPECT_EQ(urdu.rfind("n-", 0), 0u);
  EXPECT_EQ(urdu, Slugify("اسلام آباد"));  // stable
  EXPECT_NE(urdu, Slugify("ماسکو"));
}

TEST(SlugifyTest, EmptyForPunctuationOnly) {
  EXPECT_EQ(Slugify(""), "");
  EXPECT_EQ(Slugify("?!—…"), "");
}

TEST(SlugifyTest, LengthCappedAtHyphen) {
  std::string title;
  for (int i = 0; i < 30; ++i) title += "word ";
  const std::string slug = Slugify(title);
  EXPECT_LE(slug.size(), kMaxSlugLength);
  EXPECT_FALSE(slug.ends_with("-"));
  EXPECT_TRUE(slug.ends_with("word"));
  EXPECT_EQ(Slugify(std::string(100, 'a')).size(), kMaxSlugLength);
}

TEST(SlugifyTest, InvalidUtf8IsASeparator) {
  EXPECT_EQ(Slugify("a\xFF"
                    "b"),
            "a-b");
}

TEST(IsValidUtf8Test, Accepts) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("é – 中文 😀"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
}

TEST(IsValidUtf8Test, RejectsOverlongs) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
}

TEST(IsValidUtf8Test, RejectsSurrogatesAndOutOfRange) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(IsValidUtf8Test, RejectsTruncatedAndStray) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("abc\xE2\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x28\xA1"));
}

TEST(ExcerptTest, CutsAtWordBoundary) {
  EXPECT_EQ(Excerpt("one two three four five", 3), "one two three\u2026");
  EXPECT_EQ(Excerpt("one two three", 3), "one two three");
  EXPECT_EQ(Excerpt("  one\n\ntwo  ", 5), "one two");
  EXPECT_EQ(Excerpt("one, two, three", 2), "one, two\u2026");
}

TEST(ExcerptTest, CharacterCap) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "abcdefghi ";  // 10 bytes a word
  const std::string excerpt = Excerpt(text, 1000);
  EXPECT_TRUE(excerpt.ends_with("abcdefghi\u2026"));
  EXPECT_LE(excerpt.size(), kExcerptMaxChars + 3);
}

TEST(ExcerptTest, OneHugeWordCutOnCharacterBoundary) {
  std::string word;
  for (int i = 0; i < 200; ++i) word += "é";  // 400 bytes
  const std::string excerpt = Excerpt(word, 40);
  EXPECT_TRUE(IsValidUtf8(excerpt));
  EXPECT_TRUE(excerpt.ends_with("\u2026"));
  EXPECT_LE(excerpt.size(), kExcerptMaxChars + 3);
}

TEST(CountWordsTest, CountsWordsNotPunctuation) {
  EXPECT_EQ(CountWords(""), 0);
  EXPECT_EQ(CountWords("one two  three\nfour"), 4);
  EXPECT_EQ(CountWords("a — b – c"), 3);
  EXPECT_EQ(CountWords("Islamabad-Moscow ties’ future"), 3);
  EXPECT_EQ(CountWords("اسلام آباد"), 2);
}

TEST(TocJsonTest, RoundTrip) {
  const std::vector<Heading> toc = {{2, "context", "Context"}, {3, "a-thaw", "A \"Thaw\" – </script>"}};
  const std::string json = TocJson(toc);
  EXPECT_EQ(json.rfind("[{\"level\":2,\"id\":\"context\",\"text\":\"Context\"}", 0), 0u) << json;
  const std::vector<Heading> parsed = ParseTocJson(json);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1].level, 3);
  EXPECT_EQ(parsed[1].id, "a-thaw");
  EXPECT_EQ(parsed[1].text, toc[1].text);
  EXPECT_EQ(TocJson({}), "[]");
}

TEST(TocJsonTest, BadInputGivesEmpty) {
  EXPECT_TRUE(ParseTocJson("").empty());
  EXPECT_TRUE(ParseTocJson("{}").empty());
  EXPECT_TRUE(ParseTocJson("[1]").empty());
  EXPECT_TRUE(ParseTocJson("[{\"level\":\"2\",\"id\":\"a\",\"text\":\"b\"}]").empty());
  EXPECT_TRUE(ParseTocJson("[{\"level\":9,\"id\":\"a\",\"text\":\"b\"}]").empty());
  EXPECT_TRUE(ParseTocJson("[{\"level\":2,\"id\":\"a\"}]").empty());
  EXPECT_TRUE(ParseTocJson("[{\"level\":2,\"id\":\"a\",\"text\":\"b\"}").empty());
}

}  // namespace
}  // namespace chancery::content
