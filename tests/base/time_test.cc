#include "base/time.h"

#include <gtest/gtest.h>

namespace chancery {
namespace {

// 2026-11-29 12:00:00 UTC.
constexpr int64_t kNoonNov29 = 1795953600;

TEST(CivilDate, RoundTripsThroughLocalDateTime) {
  const auto parsed = ParseLocalDateTime("2026-11-29T12:00");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, kNoonNov29);
  EXPECT_EQ(FormatLocalDateTime(kNoonNov29, true), "2026-11-29T12:00");
  EXPECT_EQ(FormatLocalDateTime(kNoonNov29, false), "2026-11-29 12:00");
  const CivilDate c = ToCivil(kNoonNov29);
  EXPECT_EQ(c.year, 2026);
  EXPECT_EQ(c.month, 11);
  EXPECT_EQ(c.day, 29);
  EXPECT_EQ(c.seconds, 12 * 3600);
}

TEST(CivilDate, LeapDaysAndTheEpoch) {
  EXPECT_EQ(FormatLocalDateTime(0, true), "1970-01-01T00:00");
  EXPECT_EQ(FormatLocalDateTime(-1, false), "1969-12-31 23:59");
  EXPECT_TRUE(ParseLocalDateTime("2024-02-29T00:00").has_value());
  EXPECT_FALSE(ParseLocalDateTime("2026-02-29T00:00").has_value());
  EXPECT_TRUE(ParseLocalDateTime("2000-02-29T00:00").has_value());
  EXPECT_FALSE(ParseLocalDateTime("1900-02-29T00:00").has_value());
}

TEST(CivilDate, RejectsMalformedInput) {
  for (const char* bad : {"", "2026-11-29", "2026-13-01T00:00", "2026-11-31T00:00", "2026-11-29T24:00",
                          "2026-11-29T12:60", "2026/11/29T12:00", "2026-11-29T12:00:61", "2026-11-29T1a:00"})
    EXPECT_FALSE(ParseLocalDateTime(bad).has_value()) << bad;
  EXPECT_TRUE(ParseLocalDateTime("2026-11-29 12:00:30").has_value());
}

TEST(DateFormat, EachFormatReadsAsDocumented) {
  EXPECT_EQ(FormatDate(kNoonNov29, DateFormat::kDayMonthYear), "29 November 2026");
  EXPECT_EQ(FormatDate(kNoonNov29, DateFormat::kMonthDayYear), "November 29, 2026");
  EXPECT_EQ(FormatDate(kNoonNov29, DateFormat::kIso), "2026-11-29");
  // Single digits: the day is not padded in words, every ISO field is.
  const int64_t early = *ParseLocalDateTime("0999-03-05T09:05");
  EXPECT_EQ(FormatDate(early, DateFormat::kDayMonthYear), "5 March 999");
  EXPECT_EQ(FormatDate(early, DateFormat::kMonthDayYear), "March 5, 999");
  EXPECT_EQ(FormatDate(early, DateFormat::kIso), "0999-03-05");
  EXPECT_EQ(DateStyle{}.DateTime(early), "5 March 999 at 09:05 UTC");
  EXPECT_EQ(ParseDateFormat("iso"), DateFormat::kIso);
  EXPECT_EQ(ParseDateFormat("day_month_year"), DateFormat::kDayMonthYear);
  EXPECT_EQ(ParseDateFormat("month_day_year"), DateFormat::kMonthDayYear);
  EXPECT_FALSE(ParseDateFormat("ISO").has_value());
  EXPECT_FALSE(ParseDateFormat("").has_value());
}

TEST(TimeZone, UtcNeedsNoFile) {
  auto zone = TimeZone::Load("UTC", "/nonexistent");
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ(zone->OffsetAt(kNoonNov29), 0);
  EXPECT_EQ(zone->name(), "UTC");
}

TEST(TimeZone, RefusesNamesThatLeaveTheFolder) {
  for (const char* bad : {"../etc/passwd", "/etc/localtime", "Europe/../../etc", "Asia/Karachi;rm", "a b"}) {
    auto zone = TimeZone::Load(bad);
    ASSERT_FALSE(zone.ok()) << bad;
    EXPECT_EQ(zone.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(TimeZone::Load("Nowhere/Special").status().code(), Status::Code::kNotFound);
}

TEST(TimeZone, ReadsFixedAndDaylightSavingZones) {
  auto karachi = TimeZone::Load("Asia/Karachi");
  if (!karachi.ok()) GTEST_SKIP() << "tzdata is not installed: " << karachi.status().ToString();
  EXPECT_EQ(karachi->OffsetAt(kNoonNov29), 5 * 3600);

  auto london = TimeZone::Load("Europe/London");
  ASSERT_TRUE(london.ok());
  EXPECT_EQ(london->OffsetAt(kNoonNov29), 0);                // GMT in November
  EXPECT_EQ(london->OffsetAt(kNoonNov29 - 150 * 86400), 3600);  // BST in July
  // 2026-03-29 01:30 does not exist in London (clocks go 01:00 → 02:00):
  // the time moves forward to 02:30 BST = 01:30 UTC.
  const int64_t skipped = *ParseLocalDateTime("2026-03-29T01:30");
  EXPECT_EQ(london->ToUtc(skipped), skipped);
  // 2026-10-25 01:30 happens twice; the earlier instant (BST) is taken.
  const int64_t repeated = *ParseLocalDateTime("2026-10-25T01:30");
  EXPECT_EQ(london->ToUtc(repeated), repeated - 3600);
}

TEST(DateStyle, ShowsDatesInTheSiteZone) {
  DateStyle utc;
  EXPECT_EQ(utc.Date(kNoonNov29), "29 November 2026");
  EXPECT_EQ(utc.DateTime(kNoonNov29), "29 November 2026 at 12:00 UTC");

  auto auckland = TimeZone::Load("Pacific/Auckland");
  if (!auckland.ok()) GTEST_SKIP() << "tzdata is not installed";
  DateStyle nz{*auckland, DateFormat::kIso};
  // Noon UTC on the 29th is 01:00 on the 30th in New Zealand's summer.
  EXPECT_EQ(nz.Date(kNoonNov29), "2026-11-30");
  EXPECT_EQ(nz.DateTime(kNoonNov29), "2026-11-30 at 01:00, Pacific/Auckland time");
}

}  // namespace
}  // namespace chancery
