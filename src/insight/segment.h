// chancery/insight internal: paragraphs and sentences.
//
// Paragraphs are split on blank lines. A paragraph of one short line with no
// final punctuation is a heading, one sentence by itself; every other
// paragraph goes through ICU's English sentence break iterator, and a break
// after a common abbreviation ("U.S.", "Dr.", "Gen.", "No.", "e.g." ...) or an
// initial ("George W. Bush") is undone. Create once; Split is thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chancery::insight::internal {

struct SentenceSpan {
  std::size_t begin = 0, end = 0;  // byte offsets, whitespace trimmed
  int paragraph = 0;
  bool heading = false;
};

// Whether a sentence's last word is an abbreviation or an initial, so that a
// break after it is no sentence end.
bool EndsWithAbbreviation(std::string_view sentence);

// Whether a paragraph (trimmed, one line) reads as a heading.
bool LooksLikeHeading(std::string_view paragraph);

class Segmenter {
 public:
  static Result<std::unique_ptr<Segmenter>> Create();
  ~Segmenter();

  // Appends the sentences of `text` (valid UTF-8) to `out`, in order.
  Status Split(std::string_view text, std::vector<SentenceSpan>& out) const;

  // ICU's sentence iterator alone, without paragraphs or headings: the number
  // of sentences. For the benchmark's floor.
  Result<std::size_t> CountIcuSentences(std::string_view text) const;

 private:
  struct Impl;
  explicit Segmenter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chancery::insight::internal
