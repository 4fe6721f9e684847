#include "insight/dates.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace chancery::insight::internal {
namespace {

struct Token {
  std::uint32_t begin, end;
  bool word;
};

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::uint32_t i = 0;
  const auto n = static_cast<std::uint32_t>(text.size());
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ') {
      ++i;
    } else if (IsWordByte(c)) {
      std::uint32_t j = i;
      while (j < n && IsWordByte(static_cast<unsigned char>(text[j]))) ++j;
      tokens.push_back(Token{i, j, true});
      i = j;
    } else {
      tokens.push_back(Token{i, i + 1, false});
      ++i;
    }
  }
  return tokens;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// 1..12 for a month's name or abbreviation, else 0.
int MonthNumber(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  static constexpr std::array<std::string_view, 12> kShort = {"jan", "feb", "mar", "apr", "",    "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 0; m < 12; ++m)
    if (w == kNames[m]) return m + 1;
  for (int m = 0; m < 12; ++m)
    if (!kShort[m].empty() && (w == kShort[m] || (m == 8 && w == "sept"))) return m + 1;
  return 0;
}

bool FullMonthName(std::string_view w) {
  const int m = MonthNumber(w);
  return m != 0 && w.size() >= 3 && (w.size() > 4 || w == "may" || w == "june" || w == "july");
}

// A day of the month: "5", "05", "5th", "21st".
int DayNumber(std::string_view w) {
  std::size_t digits = 0;
  while (digits < w.size() && w[digits] >= '0' && w[digits] <= '9') ++digits;
  if (digits == 0 || digits > 2) return 0;
  const std::string_view suffix = w.substr(digits);
  if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") return 0;
  const int day = ToInt(w.substr(0, digits));
  return day >= 1 && day <= 31 ? day : 0;
}

bool OneOf(std::string_view w, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

// Words before a number that make it a reference, not a year.
bool ReferenceWord(std::string_view w) {
  return OneOf(
      w, {"resolution", "resolutions", "res",      "no",         "nos",      "number", "numbers", "page",
          "pages",      "p",           "pp",       "article",    "articles", "art",    "section", "sections",
          "sec",        "chapter",     "chapters", "paragraph",  "para",     "clause", "flight",  "room",
          "route",      "highway",     "unit",     "units",      "rs",       "usd",    "inr",     "pkr",
          "rupees",     "dollars",     "code",     "model",      "item",     "table",  "figure",  "fig",
          "vol",        "volume",      "ward",     "regulation", "decree",   "order",  "act",     "bill",
          "case",       "file",        "serial",   "tail",       "hull",     "grid"});
}

// Words after a number that make it a count.
bool CountWord(std::string_view w) {
  return OneOf(w,
               {"troops",     "soldiers",   "men",        "women",     "children",  "people",    "persons",
                "personnel",  "militants",  "fighters",   "civilians", "refugees",  "migrants",  "casualties",
                "deaths",     "dead",       "killed",     "wounded",   "injured",   "km",        "kms",
                "kilometres", "kilometers", "miles",      "mile",      "metres",    "meters",    "m",
                "feet",       "ft",         "tons",       "tonnes",    "tanks",     "aircraft",  "jets",
                "planes",     "missiles",   "warheads",   "rounds",    "dollars",   "rupees",    "yuan",
                "roubles",    "rubles",     "euros",      "pounds",    "barrels",   "megawatts", "mw",
                "gw",         "kg",         "households", "families",  "students",  "members",   "delegates",
                "years",      "year",       "days",       "months",    "hours",     "hrs",       "weeks",
                "times",      "votes",      "seats",      "villages",  "schools",   "cases",     "words",
                "acres",      "hectares",   "units",      "vehicles",  "trucks",    "sorties",   "posts",
                "officers",   "officials",  "workers",    "prisoners", "detainees", "strong",    "pages",
                "points",     "percent",    "per",        "million",   "billion",   "trillion",  "thousand",
                "crore",      "lakh",       "bn",         "mn",        "copies",    "sq",        "square",
                "cubic",      "kw",         "mbps",       "bpd"});
}

// Prepositions and words that announce a year.
bool TemporalWord(std::string_view w) {
  return OneOf(
      w, {"in",     "since",  "by",      "until",      "till",   "from",   "of",     "during", "after",
          "before", "around", "circa",   "c",          "year",   "early",  "late",   "mid",    "between",
          "to",     "and",    "through", "throughout", "summer", "winter", "spring", "autumn", "fall"});
}

}  // namespace

std::vector<DateMatch> FindDates(const Folded& s) {
  const std::string_view text = s.text;
  const std::vector<Token> tokens = Tokenize(text);
  const std::size_t n = tokens.size();
  auto str = [&](std::size_t i) { return text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin); };
  auto glued = [&](std::size_t a, std::size_t b) { return b < n && tokens[a].end == tokens[b].begin; };
  auto is = [&](std::size_t i, char c) { return i < n && !tokens[i].word && text[tokens[i].begin] == c; };
  auto capitalised = [&](std::size_t i) { return s.source_case[tokens[i].begin] == kUpper; };
  // The word before token i, across an abbreviation's full stop ("No. 1988");
  // empty after other punctuation.
  auto word_before = [&](std::size_t i) -> std::string_view {
    if (i >= 2 && is(i - 1, '.') && tokens[i - 2].word) return str(i - 2);
    if (i == 0 || !tokens[i - 1].word) return {};
    return str(i - 1);
  };
  auto word_after = [&](std::size_t i) -> std::string_view {
    if (i + 1 >= n || !tokens[i + 1].word) return {};
    return str(i + 1);
  };

  std::vector<DateMatch> dates;
  std::vector<bool> used(n, false);
  auto add = [&](std::string date, std::string precision, int year, std::size_t first, std::size_t last) {
    for (std::size_t k = first; k <= last; ++k) used[k] = true;
    for (const auto& d : dates)
      if (d.date == date) return;
    dates.push_back(
        DateMatch{std::move(date), std::move(precision), year, tokens[first].begin, tokens[last].end});
  };
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  auto year_token = [&](std::size_t i) {
    return i < n && tokens[i].word && str(i).size() == 4 && AllDigits(str(i));
  };

  // Months with a year: "March 2012", "March 5, 2012", "5 March 2012", "5th of March, 2012".
  for (std::size_t i = 0; i < n; ++i) {
    if (!tokens[i].word || used[i]) continue;
    const int month = MonthNumber(str(i));
    if (month == 0 || !capitalised(i)) continue;
    // An abbreviation ("Mar.") must carry its full stop: "Mar" alone is a word.
    if (!FullMonthName(str(i)) && !is(i + 1, '.')) continue;
    std::size_t j = i + 1;
    if (is(j, '.')) ++j;
    int day = 0;
    std::size_t first = i, last = i;
    if (j < n && tokens[j].word && DayNumber(str(j))) {  // March 5, 2012
      day = DayNumber(str(j));
      ++j;
      if (is(j, ',')) ++j;
    } else if (i >= 1 && tokens[i - 1].word && DayNumber(str(i - 1))) {  // 5 March 2012
      day = DayNumber(str(i - 1));
      first = i - 1;
    } else if (i >= 2 && str(i - 1) == "of" && DayNumber(str(i - 2))) {  // 5th of March
      day = DayNumber(str(i - 2));
      first = i - 2;
    }
    if (is(j, ',')) ++j;
    if (!year_token(j)) continue;
    const int year = ToInt(str(j));
    if (year < 1000 || year > 2099) continue;
    last = j;
    if (day) {
      add(std::to_string(year) + "-" + two(month) + "-" + two(day), "day", year, first, last);
    } else {
      add(std::to_string(year) + "-" + two(month), "month", year, first, last);
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    if (!tokens[i].word || used[i]) continue;
    const std::string_view w = str(i);
    // 9/11, and no other day/month pair: without a year it names nothing.
    if (w == "9" && is(i + 1, '/') && glued(i, i + 1) && i + 2 < n && str(i + 2) == "11" &&
        glued(i + 1, i + 2) && !(i > 0 && glued(i - 1, i) && !tokens[i - 1].word) &&
        !(is(i + 3, '/') && glued(i + 2, i + 3))) {
      add("2001-09-11", "day", 2001, i, i + 2);
      continue;
    }
    // A decade: "the 1990s".
    if (w.size() == 5 && w.back() == 's' && AllDigits(w.substr(0, 4))) {
      const int year = ToInt(w.substr(0, 4));
      if (year % 10 == 0 && year >= 1500 && year <= 2090) add(std::to_string(year), "decade", year, i, i);
      continue;
    }
    if (w.size() != 4 || !AllDigits(w)) continue;
    const int year = ToInt(w);
    if (year < 1000 || year > 2099) continue;
    // Part of a bigger number: 12,500 / 3.1415 / $2000 / #1267.
    if (i > 0 && glued(i - 1, i) && !tokens[i - 1].word) {
      const char p = text[tokens[i - 1].begin];
      if (p == '$' || p == '#' || p == '+') continue;
      if ((p == ',' || p == '.') && i >= 2 && glued(i - 2, i - 1) && AllDigits(str(i - 2))) continue;
      if (p == '-' && i >= 2 && glued(i - 2, i - 1) && tokens[i - 2].word && !AllDigits(str(i - 2)) &&
          str(i - 2) != "mid" && str(i - 2) != "pre" && str(i - 2) != "post")
        continue;  // a model or code: "F-2000", "S-1000"
    }
    if (i + 1 < n && glued(i, i + 1) && !tokens[i + 1].word) {
      const char p = text[tokens[i + 1].begin];
      if (p == '%') continue;
      if ((p == ',' || p == '.') && i + 2 < n && glued(i + 1, i + 2) && AllDigits(str(i + 2))) continue;
    }
    // An ISO date: 2012-03-05.
    if (is(i + 1, '-') && glued(i, i + 1) && i + 4 < n && glued(i + 1, i + 2) && str(i + 2).size() == 2 &&
        AllDigits(str(i + 2)) && is(i + 3, '-') && glued(i + 2, i + 3) && glued(i + 3, i + 4) &&
        str(i + 4).size() == 2 && AllDigits(str(i + 4))) {
      const int month = ToInt(str(i + 2)), day = ToInt(str(i + 4));
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        add(std::string(w) + "-" + two(month) + "-" + two(day), "day", year, i, i + 4);
        continue;
      }
    }
    const std::string_view before = word_before(i);
    std::string_view after = word_after(i);
    // "2000-strong": a count joined by a hyphen.
    if (is(i + 1, '-') && glued(i, i + 1) && i + 2 < n && tokens[i + 2].word && glued(i + 1, i + 2) &&
        !AllDigits(str(i + 2)))
      after = str(i + 2);
    if (!before.empty() && ReferenceWord(before)) continue;
    if (!after.empty() && CountWord(after)) continue;
    if (year < 1500 && !(before.empty() ? false : TemporalWord(before))) continue;
    add(std::string(w), "year", year, i, i);
  }
  std::sort(dates.begin(), dates.end(),
            [](const DateMatch& a, const DateMatch& b) { return a.begin < b.begin; });
  return dates;
}

}  // namespace chancery::insight::internal
