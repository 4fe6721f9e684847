#include "insight/segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chancery::insight::internal {
namespace {

std::vector<std::string> Sentences(std::string_view text, std::vector<SentenceSpan>* spans_out = nullptr) {
  auto segmenter = Segmenter::Create();
  EXPECT_TRUE(segmenter.ok()) << segmenter.status().ToString();
  std::vector<SentenceSpan> spans;
  EXPECT_TRUE((*segmenter)->Split(text, spans).ok());
  std::vector<std::string> out;
  for (const auto& s : spans) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  if (spans_out) *spans_out = spans;
  return out;
}

TEST(SegmentTest, AbbreviationsDoNotEndSentences) {
  EXPECT_EQ(Sentences("The U.S. Secretary of State met Gen. Bajwa. Then he left."),
            (std::vector<std::string>{"The U.S. Secretary of State met Gen. Bajwa.", "Then he left."}));
  EXPECT_EQ(Sentences("The U.N. Security Council met. Dr. Rahman spoke, e.g. on aid. It ended."),
            (std::vector<std::string>{"The U.N. Security Council met.", "Dr. Rahman spoke, e.g. on aid.",
                                      "It ended."}));
  EXPECT_EQ(
      Sentences("Resolution No. 1267 stands. Mr. Khan agreed with the U.K. Government."),
      (std::vector<std::string>{"Resolution No. 1267 stands.", "Mr. Khan agreed with the U.K. Government."}));
}

TEST(SegmentTest, ParagraphsAndHeadings) {
  std::vector<SentenceSpan> spans;
  const auto s = Sentences(
      "Islamabad-Moscow Evolving Romance\n\nFirst sentence here. Second one!\n\n\n  Third?  \n", &spans);
  ASSERT_EQ(s, (std::vector<std::string>{"Islamabad-Moscow Evolving Romance", "First sentence here.",
                                         "Second one!", "Third?"}));
  EXPECT_TRUE(spans[0].heading);
  EXPECT_EQ(spans[0].paragraph, 0);
  EXPECT_FALSE(spans[1].heading);
  EXPECT_EQ(spans[1].paragraph, 1);
  EXPECT_EQ(spans[2].paragraph, 1);
  EXPECT_EQ(spans[3].paragraph, 2);
}

TEST(SegmentTest, HeadingRule) {
  EXPECT_TRUE(LooksLikeHeading("Sergey Lavrov: Moscow’s Kissinger"));
  EXPECT_TRUE(LooksLikeHeading("Regional Realignment – Afghanistan, a Common Denominator"));
  EXPECT_FALSE(LooksLikeHeading("The talks ended."));
  EXPECT_FALSE(LooksLikeHeading("He said “no.”"));
  EXPECT_FALSE(LooksLikeHeading("one\ntwo"));
  EXPECT_FALSE(LooksLikeHeading("a b c d e f g h i j k l m n o p q r s t"));
}

TEST(SegmentTest, QuotesStayWithTheirSentence) {
  EXPECT_EQ(Sentences("He called it “the root of the problems.” Moscow agreed."),
            (std::vector<std::string>{"He called it “the root of the problems.”", "Moscow agreed."}));
}

TEST(SegmentTest, EmptyAndBlankText) {
  EXPECT_TRUE(Sentences("").empty());
  EXPECT_TRUE(Sentences("\n \n\t\n").empty());
}

}  // namespace
}  // namespace chancery::insight::internal
