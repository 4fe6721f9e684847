// chancery/base: calendar time without the C library's global time zone —
// named zones read from the system's TZif files, the civil calendar, and
// the date formats a site can choose.
//
// "Local" seconds below are wall-clock seconds in some zone counted as if
// they were UTC: t + zone.OffsetAt(t) for a UTC instant t.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery {

// A named time zone read from the system's TZif files (/usr/share/zoneinfo),
// for "schedule at" in the site's zone. Times past the file's last
// transition keep its last offset (Debian ships "fat" files reaching 2037).
class TimeZone {
 public:
  // kInvalidArgument for a malformed name, kNotFound when no file has it.
  // "UTC" and "" need no file.
  static Result<TimeZone> Load(std::string_view name, std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  // Offset from UTC in seconds at the UTC instant `t`.
  int OffsetAt(int64_t t) const;
  // The UTC instant of local wall time `local` (seconds as if it were UTC).
  // A time skipped by a DST jump moves forward; a repeated one takes the
  // earlier instant.
  int64_t ToUtc(int64_t local) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC instants, ascending
  std::vector<int> offsets_;          // offsets_[i] applies from transitions_[i]
  int initial_offset_ = 0;            // before the first transition
};

// "2026-09-08T09:00" (datetime-local, seconds optional) → seconds as if UTC.
std::optional<int64_t> ParseLocalDateTime(std::string_view text);
// Seconds-as-if-UTC → "2026-09-08T09:00" / "2026-09-08 09:00".
std::string FormatLocalDateTime(int64_t local, bool for_input);

// A local time's calendar date and seconds since midnight.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int seconds = 0;
};
CivilDate ToCivil(int64_t local);

// The site's date formats (the "site.date_format" setting).
enum class DateFormat { kDayMonthYear, kMonthDayYear, kIso };
// "day_month_year", "month_day_year", "iso".
std::optional<DateFormat> ParseDateFormat(std::string_view name);
// "29 November 2026", "November 29, 2026", "2026-11-29".
std::string FormatDate(int64_t local, DateFormat format);

// How a site shows moments: in its zone, in its date format.
struct DateStyle {
  TimeZone zone;
  DateFormat format = DateFormat::kDayMonthYear;
  // The UTC instant's local date: "29 November 2026".
  std::string Date(int64_t utc) const;
  // "29 November 2026 at 14:05 UTC" (the zone's name unless it is UTC:
  // "at 19:05, Asia/Karachi time").
  std::string DateTime(int64_t utc) const;
  // The same, appended to `out`.
  void AppendDateTime(std::string& out, int64_t utc) const;
};

}  // namespace chancery
