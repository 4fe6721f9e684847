// Folding with ICU: NFKC + case folding (the nfkc_cf normaliser), then NFD
// with nonspacing marks removed. Code points are folded one at a time so
// every output byte maps back to one source character; ASCII, the commonest
// case by far, never reaches ICU.
#include "insight/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "base/text.h"

namespace chancery::insight::internal {
namespace {

// Typographic punctuation that must read as its ASCII form; 0 if none.
char AsciiPunctuation(char32_t cp) {
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x2035:
    case 0x02BC:
    case 0x02B9:
    case 0x0060:
    case 0x00B4:
    case 0xFF07:
      return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x2036:
    case 0x00AB:
    case 0x00BB:
    case 0x301D:
    case 0x301E:
    case 0xFF02:
      return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
    case 0x2E3A:
    case 0x2E3B:
      return '-';
    default:
      return 0;
  }
}

struct Normalizers {
  const icu::Normalizer2* nfkc_cf = nullptr;
  const icu::Normalizer2* nfd = nullptr;
};

const Normalizers& GetNormalizers() {
  static const Normalizers normalizers = [] {
    Normalizers n;
    UErrorCode status = U_ZERO_ERROR;
    n.nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) n.nfkc_cf = nullptr;
    status = U_ZERO_ERROR;
    n.nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) n.nfd = nullptr;
    return n;
  }();
  return normalizers;
}

SourceCase CaseOf(char32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return kUpper;
    if (cp >= 'a' && cp <= 'z') return kLower;
    return kNoCase;
  }
  if (u_isUUppercase(static_cast<UChar32>(cp)) || u_istitle(static_cast<UChar32>(cp))) return kUpper;
  if (u_isULowercase(static_cast<UChar32>(cp))) return kLower;
  return kNoCase;
}

bool IsSpace(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) || u_charType(static_cast<UChar32>(cp)) == U_CONTROL_CHAR;
}

// Appends the folding of the non-ASCII code point `cp` to `out`.
void FoldNonAscii(char32_t cp, std::string& out) {
  if (char p = AsciiPunctuation(cp)) {
    out.push_back(p);
    return;
  }
  const Normalizers& n = GetNormalizers();
  if (cp == kInvalidCodePoint || n.nfkc_cf == nullptr || n.nfd == nullptr) {
    AppendUtf8(out, 0xFFFD);
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded =
      n.nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), status);
  if (U_FAILURE(status)) return;
  const icu::UnicodeString decomposed = n.nfd->normalize(folded, status);
  if (U_FAILURE(status)) return;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (char p = AsciiPunctuation(static_cast<char32_t>(c))) {
      out.push_back(p);
    } else if (IsSpace(static_cast<char32_t>(c))) {
      out.push_back(' ');
    } else {
      AppendUtf8(out, static_cast<char32_t>(c));
    }
  }
}

// Whether source[pos..] starts with an "s" or "S" that ends its word.
bool PossessiveSAt(std::string_view source, std::size_t pos) {
  if (pos >= source.size() || (source[pos] != 's' && source[pos] != 'S')) return false;
  if (pos + 1 == source.size()) return true;
  const unsigned char next = static_cast<unsigned char>(source[pos + 1]);
  return !IsWordByte(next) && next != '\'';
}

}  // namespace

void Fold(std::string_view source, Folded& out) {
  out.clear();
  out.text.reserve(source.size());
  out.begin.reserve(source.size());
  out.end.reserve(source.size());
  out.source_case.reserve(source.size());
  std::string scratch;
  std::size_t pos = 0;
  while (pos < source.size()) {
    const std::size_t start = pos;
    char32_t cp;
    const unsigned char byte = static_cast<unsigned char>(source[pos]);
    if (byte < 0x80) {
      cp = byte;
      ++pos;
    } else {
      cp = DecodeUtf8(source, pos);
    }
    const auto emit = [&](char c, std::uint8_t source_case) {
      out.text.push_back(c);
      out.begin.push_back(static_cast<std::uint32_t>(start));
      out.end.push_back(static_cast<std::uint32_t>(pos));
      out.source_case.push_back(source_case);
    };
    if (IsSpace(cp)) {
      // Runs of whitespace read as one space.
      if (!out.text.empty() && out.text.back() == ' ') {
        out.end.back() = static_cast<std::uint32_t>(pos);
      } else {
        emit(' ', kNoCase);
      }
      continue;
    }
    char ascii = 0;
    if (cp < 0x80) {
      ascii = static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
    } else {
      ascii = AsciiPunctuation(cp);
    }
    if (ascii == '\'' && !out.text.empty() && IsWordByte(static_cast<unsigned char>(out.text.back())) &&
        PossessiveSAt(source, pos)) {
      ++pos;  // the possessive "'s" is dropped: "Moscow's" reads as "moscow"
      continue;
    }
    if (ascii != 0) {
      emit(ascii, CaseOf(cp));
      continue;
    }
    scratch.clear();
    FoldNonAscii(cp, scratch);
    const std::uint8_t source_case = CaseOf(cp);
    for (char c : scratch) {
      if (c == ' ' && !out.text.empty() && out.text.back() == ' ') continue;
      emit(c, source_case);
    }
  }
}

std::string FoldString(std::string_view source) {
  Folded folded;
  Fold(source, folded);
  return std::move(folded.text);
}

}  // namespace chancery::insight::internal
