// chancery/insight internal: the dates written in a sentence.
//
// Read from folded text (with the source's capitals for month names, so the
// verb "may" is no month). What counts and what does not is listed in
// insight.h (rule 9). Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insight/fold.h"

namespace chancery::insight::internal {

struct DateMatch {
  std::string date;       // ISO 8601: "2003", "2012-03", "2012-03-05"; a decade as its first year, "1990"
  std::string precision;  // "year", "month", "day", "decade"
  int year = 0;
  std::uint32_t begin = 0, end = 0;  // in the folded text
};

// The distinct dates of the folded sentence `s`, in text order.
std::vector<DateMatch> FindDates(const Folded& s);

}  // namespace chancery::insight::internal
