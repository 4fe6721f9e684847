#include "base/time.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace chancery {

namespace {

int64_t ReadBigEndian(const std::string& data, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int k = 0; k < bytes; ++k) v = (v << 8) | static_cast<unsigned char>(data[pos + k]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
          c == '-' || c == '+'))
      return false;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// well-known civil-date arithmetic).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name, std::string_view zoneinfo_dir) {
  TimeZone zone;
  if (name.empty() || name == "UTC" || name == "Etc/UTC") return zone;
  if (!IsZoneName(name)) return Status::InvalidArgument("'" + std::string(name) + "' is not a time zone name");
  std::ifstream in(std::string(zoneinfo_dir) + "/" + std::string(name), std::ios::binary);
  if (!in) return Status::NotFound("no time zone named '" + std::string(name) + "'");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return Status::Corruption("the time zone file for '" + std::string(name) + "' is not TZif"); };
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad();

  // The header's counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t at) {
    std::array<int64_t, 6> c{};
    for (int k = 0; k < 6; ++k) c[k] = ReadBigEndian(data, at + 20 + 4 * k, 4);
    return c;
  };
  auto c = counts(0);
  size_t pos = 44;
  int time_bytes = 4;
  if (data[4] >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < pos + 44 || data.compare(pos, 4, "TZif") != 0) return bad();
    c = counts(pos);
    pos += 44;
    time_bytes = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt < 1 || data.size() < pos + timecnt * (time_bytes + 1) + typecnt * 6) return bad();
  std::vector<int> type_offsets;
  const size_t types_at = pos + timecnt * (time_bytes + 1);
  for (int64_t k = 0; k < typecnt; ++k) type_offsets.push_back(static_cast<int>(ReadBigEndian(data, types_at + 6 * k, 4)));
  for (int64_t k = 0; k < timecnt; ++k) {
    zone.transitions_.push_back(ReadBigEndian(data, pos + k * time_bytes, time_bytes));
    const auto type = static_cast<unsigned char>(data[pos + timecnt * time_bytes + k]);
    if (type >= type_offsets.size()) return bad();
    zone.offsets_.push_back(type_offsets[type]);
  }
  zone.initial_offset_ = type_offsets[0];
  zone.name_ = std::string(name);
  return zone;
}

int TimeZone::OffsetAt(int64_t t) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::ToUtc(int64_t local) const {
  // Try the offsets in force a day either side; the earliest instant whose
  // local time is `local` wins. None fits in a skipped hour: use the offset
  // before the jump, which moves the time forward.
  const int before = OffsetAt(local - 86400), after = OffsetAt(local + 86400);
  std::vector<int64_t> fits;
  for (int off : {before, after})
    if (OffsetAt(local - off) == off) fits.push_back(local - off);
  if (!fits.empty()) return *std::min_element(fits.begin(), fits.end());
  return local - before;
}

std::optional<int64_t> ParseLocalDateTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM[:SS]
  if (s.size() != 16 && s.size() != 19) return std::nullopt;
  auto num = [&](size_t at, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t k = at; k < at + len; ++k) {
      if (s[k] < '0' || s[k] > '9') return std::nullopt;
      v = v * 10 + (s[k] - '0');
    }
    return v;
  };
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':') return std::nullopt;
  if (s.size() == 19 && s[16] != ':') return std::nullopt;
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2);
  auto sec = s.size() == 19 ? num(17, 2) : std::optional<int>(0);
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*d > kDays[*mo - 1] || (*mo == 2 && *d == 29 && !leap)) return std::nullopt;
  return DaysFromCivil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)) * 86400 + *h * 3600 + *mi * 60 + *sec;
}

std::string FormatLocalDateTime(int64_t local, bool for_input) {
  const CivilDate c = ToCivil(local);
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}", c.year, c.month, c.day, for_input ? 'T' : ' ', c.seconds / 3600,
                     c.seconds % 3600 / 60);
}

namespace {
constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
}  // namespace

CivilDate ToCivil(int64_t local) {
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  CivilDate out;
  out.seconds = static_cast<int>(local - days * 86400);
  // The inverse of DaysFromCivil.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  out.year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (out.month <= 2));
  return out;
}

std::optional<DateFormat> ParseDateFormat(std::string_view name) {
  if (name == "day_month_year") return DateFormat::kDayMonthYear;
  if (name == "month_day_year") return DateFormat::kMonthDayYear;
  if (name == "iso") return DateFormat::kIso;
  return std::nullopt;
}

namespace {

// Dates are formatted on every page for every comment: plain appends, no
// format-string parsing.
void AppendNumber(std::string& out, int64_t n, int min_digits) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  for (int pad = n < 0 ? 0 : min_digits - static_cast<int>(end - buf); pad > 0; --pad) out += '0';
  out.append(buf, end);
}

void AppendDate(std::string& out, const CivilDate& c, DateFormat format) {
  switch (format) {
    case DateFormat::kMonthDayYear:
      out += kMonthNames[c.month - 1];
      out += ' ';
      AppendNumber(out, c.day, 1);
      out += ", ";
      AppendNumber(out, c.year, 1);
      return;
    case DateFormat::kIso:
      AppendNumber(out, c.year, 4);
      out += '-';
      AppendNumber(out, c.month, 2);
      out += '-';
      AppendNumber(out, c.day, 2);
      return;
    case DateFormat::kDayMonthYear: break;
  }
  AppendNumber(out, c.day, 1);
  out += ' ';
  out += kMonthNames[c.month - 1];
  out += ' ';
  AppendNumber(out, c.year, 1);
}

}  // namespace

std::string FormatDate(int64_t local, DateFormat format) {
  std::string out;
  AppendDate(out, ToCivil(local), format);
  return out;
}

std::string DateStyle::Date(int64_t utc) const { return FormatDate(utc + zone.OffsetAt(utc), format); }

std::string DateStyle::DateTime(int64_t utc) const {
  std::string out;
  out.reserve(40);
  AppendDateTime(out, utc);
  return out;
}

void DateStyle::AppendDateTime(std::string& out, int64_t utc) const {
  const CivilDate c = ToCivil(utc + zone.OffsetAt(utc));
  AppendDate(out, c, format);
  out += " at ";
  AppendNumber(out, c.seconds / 3600, 2);
  out += ':';
  AppendNumber(out, c.seconds % 3600 / 60, 2);
  if (zone.name() == "UTC") {
    out += " UTC";
  } else {
    out += ", ";
    out += zone.name();
    out += " time";
  }
}

}  // namespace chancery
