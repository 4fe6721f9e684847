#include "insight/fold.h"

#include <gtest/gtest.h>

namespace chancery::insight::internal {
namespace {

TEST(FoldTest, CaseFoldsAndStripsDiacritics) {
  EXPECT_EQ(FoldString("MOSCOW Moscow"), "moscow moscow");
  EXPECT_EQ(FoldString("Côte d’Ivoire"), "cote d'ivoire");
  EXPECT_EQ(FoldString("Türkiye"), "turkiye");
  EXPECT_EQ(FoldString("Straße"), "strasse");
  EXPECT_EQ(FoldString("ﬁnal"), "final");  // NFKC
}

TEST(FoldTest, TypographicQuotesAndDashesBecomeAscii) {
  EXPECT_EQ(FoldString("“hit the bottom”"), "\"hit the bottom\"");
  EXPECT_EQ(FoldString("Pakistan–India — ties"), "pakistan-india - ties");
  EXPECT_EQ(FoldString("‘do-more’"), "'do-more'");
}

TEST(FoldTest, PossessiveIsDropped) {
  EXPECT_EQ(FoldString("Moscow’s view"), "moscow view");
  EXPECT_EQ(FoldString("Moscow's view"), "moscow view");
  EXPECT_EQ(FoldString("Islamabad-Moscow\\'s romance"), "islamabad-moscow\\'s romance");
  EXPECT_EQ(FoldString("Pakistan's."), "pakistan.");
  // Not a possessive: a contraction, and a quote that opens a word.
  EXPECT_EQ(FoldString("don't"), "don't");
  EXPECT_EQ(FoldString("'sanctions'"), "'sanctions'");
}

TEST(FoldTest, WhitespaceCollapses) {
  EXPECT_EQ(FoldString("New \n\t Delhi"), "new delhi");
  EXPECT_EQ(FoldString("New\xC2\xA0"
                       "Delhi"),
            "new delhi");
}

TEST(FoldTest, OffsetsMapBackToTheSource) {
  const std::string source = "Hé’s in MOSCOW";
  Folded f;
  Fold(source, f);
  ASSERT_EQ(f.text, "he in moscow");
  ASSERT_EQ(f.begin.size(), f.text.size());
  // "e" comes from the two bytes of "é".
  EXPECT_EQ(f.begin[1], 1u);
  EXPECT_EQ(f.end[1], 3u);
  EXPECT_EQ(f.source_case[0], kUpper);
  EXPECT_EQ(f.source_case[1], kLower);
  const std::size_t m = f.text.find("moscow");
  EXPECT_EQ(source.substr(f.begin[m], f.end[m + 5] - f.begin[m]), "MOSCOW");
  EXPECT_EQ(f.source_case[m + 2], kUpper);
  EXPECT_EQ(f.source_case[2], kNoCase);  // the space
}

TEST(FoldTest, InvalidBytesDoNotCrash) {
  Folded f;
  Fold(std::string("a\xFF"
                   "b"),
       f);
  EXPECT_EQ(f.text.front(), 'a');
  EXPECT_EQ(f.text.back(), 'b');
  EXPECT_EQ(f.text.size(), f.begin.size());
}

}  // namespace
}  // namespace chancery::insight::internal
