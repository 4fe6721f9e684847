#include "insight/segment.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <mutex>
#include <string>

#include "base/text.h"

namespace chancery::insight::internal {
namespace {

// Abbreviations after which a full stop does not end a sentence (ICU's
// break is undone when the sentence's last word is one of them; case
// matters).
constexpr const char* kAbbreviations[] = {
    "U.S.", "U.N.",    "U.K.", "E.U.",  "U.S.A.", "U.S.S.R.", "U.A.E.", "D.C.",  "Mr.",  "Mrs.",  "Ms.",
    "Dr.",  "Prof.",   "Gen.", "Lt.",   "Col.",   "Maj.",     "Capt.",  "Cmdr.", "Adm.", "Brig.", "Sgt.",
    "Sen.", "Rep.",    "Gov.", "Pres.", "Amb.",   "Rev.",     "Hon.",   "Jr.",   "Sr.",  "St.",   "Mt.",
    "No.",  "Nos.",    "Vol.", "Art.",  "Sec.",   "Ch.",      "p.",     "pp.",   "cf.",  "e.g.",  "i.e.",
    "vs.",  "approx.", "est.", "Jan.",  "Feb.",   "Mar.",     "Apr.",   "Aug.",  "Sep.", "Sept.", "Oct.",
    "Nov.", "Dec.",    "Inc.", "Ltd.",  "Co.",    "Corp."};

// Iterators are not thread-safe, so each Split borrows one from a pool.
constexpr std::size_t kMaxPooled = 32;

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos; }

std::pair<std::size_t, std::size_t> TrimRange(std::string_view text, std::size_t begin, std::size_t end) {
  auto space = [&](std::size_t i) {
    const char c = text[i];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (begin < end && space(begin)) ++begin;
  while (end > begin && space(end - 1)) --end;
  // A no-break space (U+00A0) at either end is trimmed too.
  while (end - begin >= 2 && text.substr(begin, 2) == "\xC2\xA0") begin += 2;
  while (end - begin >= 2 && text.substr(end - 2, 2) == "\xC2\xA0") end -= 2;
  return {begin, end};
}

}  // namespace

bool EndsWithAbbreviation(std::string_view sentence) {
  // The last word: after the last space or opening bracket/quote.
  std::size_t start = sentence.size();
  while (start > 0) {
    const char c = sentence[start - 1];
    if (c == ' ' || c == '(' || c == '[' || c == '"' || c == '\'' || c == '\n' || c == '\t') break;
    --start;
  }
  const std::string_view word = sentence.substr(start);
  for (const char* abbreviation : kAbbreviations)
    if (word == abbreviation) return true;
  // An initial: "George W. Bush".
  return word.size() == 2 && word[0] >= 'A' && word[0] <= 'Z' && word[1] == '.';
}

bool LooksLikeHeading(std::string_view p) {
  if (p.empty() || p.find('\n') != std::string_view::npos || p.size() > 160) return false;
  int words = 0;
  bool in_word = false;
  for (char c : p) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  if (words > 16) return false;
  // The last character, and the one before a closing quote or bracket.
  std::size_t pos = 0;
  char32_t last = 0, before_last = 0;
  while (pos < p.size()) {
    before_last = last;
    last = DecodeUtf8(p, pos);
  }
  auto final_punctuation = [](char32_t c) {
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == 0x2026 || c == ',';
  };
  auto closer = [](char32_t c) {
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0x00BB;
  };
  if (final_punctuation(last)) return false;
  if (closer(last) && final_punctuation(before_last)) return false;
  return true;
}

struct Segmenter::Impl {
  std::unique_ptr<icu::BreakIterator> prototype;
  std::mutex mutex;
  std::vector<std::unique_ptr<icu::BreakIterator>> pool;  // guarded by mutex

  std::unique_ptr<icu::BreakIterator> Borrow() {
    std::lock_guard lock(mutex);
    if (!pool.empty()) {
      auto it = std::move(pool.back());
      pool.pop_back();
      return it;
    }
    return std::unique_ptr<icu::BreakIterator>(prototype->clone());
  }
  void Return(std::unique_ptr<icu::BreakIterator> it) {
    if (!it) return;
    std::lock_guard lock(mutex);
    if (pool.size() < kMaxPooled) pool.push_back(std::move(it));
  }

  // Runs `it` over text[begin, end) and appends the trimmed sentences.
  static Status SplitRange(icu::BreakIterator& it, std::string_view text, std::size_t begin, std::size_t end,
                           int paragraph, std::vector<SentenceSpan>& out) {
    UErrorCode status = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, text.data() + begin, static_cast<int64_t>(end - begin), &status);
    if (U_FAILURE(status)) return Status::Internal(std::string("ICU utext_openUTF8: ") + u_errorName(status));
    it.setText(ut, status);
    if (U_FAILURE(status)) {
      utext_close(ut);
      return Status::Internal(std::string("ICU setText: ") + u_errorName(status));
    }
    int32_t start = it.first();
    bool join = false;  // the previous sentence ended in an abbreviation
    for (int32_t next = it.next(); next != icu::BreakIterator::DONE; start = next, next = it.next()) {
      auto [b, e] =
          TrimRange(text, begin + static_cast<std::size_t>(start), begin + static_cast<std::size_t>(next));
      if (b >= e) continue;
      if (join) {
        out.back().end = e;
      } else {
        out.push_back(SentenceSpan{b, e, paragraph, false});
      }
      join = EndsWithAbbreviation(text.substr(out.back().begin, out.back().end - out.back().begin));
    }
    // Detach the iterator from the UText before closing it.
    it.setText(icu::UnicodeString());
    utext_close(ut);
    return Status::Ok();
  }
};

Segmenter::Segmenter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segmenter::~Segmenter() = default;

Result<std::unique_ptr<Segmenter>> Segmenter::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getEnglish(), status));
  if (U_FAILURE(status) || !it)
    return Status::Internal(std::string("ICU sentence iterator: ") + u_errorName(status));
  auto impl = std::make_unique<Impl>();
  impl->prototype = std::move(it);
  return std::unique_ptr<Segmenter>(new Segmenter(std::move(impl)));
}

Status Segmenter::Split(std::string_view text, std::vector<SentenceSpan>& out) const {
  std::unique_ptr<icu::BreakIterator> it;
  int paragraph = 0;
  std::size_t para_begin = std::string_view::npos, para_end = 0;
  auto flush = [&]() -> Status {
    if (para_begin == std::string_view::npos) return Status::Ok();
    auto [b, e] = TrimRange(text, para_begin, para_end);
    para_begin = std::string_view::npos;
    if (b >= e) return Status::Ok();
    const int index = paragraph++;
    if (LooksLikeHeading(text.substr(b, e - b))) {
      out.push_back(SentenceSpan{b, e, index, true});
      return Status::Ok();
    }
    if (!it) {
      it = impl_->Borrow();
      if (!it) return Status::Internal("ICU could not clone the sentence iterator");
    }
    return Impl::SplitRange(*it, text, b, e, index, out);
  };
  Status status;
  std::size_t pos = 0;
  while (pos <= text.size() && status.ok()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (IsBlank(line)) {
      status = flush();
    } else {
      if (para_begin == std::string_view::npos) para_begin = pos;
      para_end = nl;
    }
    pos = nl + 1;
  }
  if (status.ok()) status = flush();
  impl_->Return(std::move(it));
  return status;
}

Result<std::size_t> Segmenter::CountIcuSentences(std::string_view text) const {
  auto it = impl_->Borrow();
  if (!it) return Status::Internal("ICU could not clone the sentence iterator");
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return Status::Internal(std::string("ICU utext_openUTF8: ") + u_errorName(status));
  it->setText(ut, status);
  std::size_t count = 0;
  if (U_SUCCESS(status)) {
    it->first();
    while (it->next() != icu::BreakIterator::DONE) ++count;
  }
  it->setText(icu::UnicodeString());
  utext_close(ut);
  impl_->Return(std::move(it));
  if (U_FAILURE(status)) return Status::Internal(std::string("ICU setText: ") + u_errorName(status));
  return count;
}

}  // namespace chancery::insight::internal
