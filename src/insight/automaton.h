// chancery/insight internal: an Aho–Corasick automaton over bytes.
//
// Every pattern is added, Build() compiles them into a DFA (the goto and
// failure functions folded into one transition table over a compressed
// alphabet: only bytes that occur in some pattern get a column), and Scan
// reports every occurrence of every pattern — overlapping ones included — in
// one pass over the text. Choosing among overlapping matches (longest first,
// word boundaries) is the caller's business. Immutable after Build(), so
// Scan is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chancery::insight::internal {

class Automaton {
 public:
  // Adds `pattern` (non-empty) and returns its id; adding the same bytes again
  // returns the same id. REQUIRES: Build() not yet called.
  std::uint32_t Add(std::string_view pattern);

  // Compiles the patterns. REQUIRES: called once, after every Add.
  void Build();

  std::size_t pattern_count() const { return patterns_.size(); }
  std::size_t state_count() const { return out_.size(); }
  const std::string& pattern(std::uint32_t id) const { return patterns_[id]; }

  // Calls on_match(pattern_id, begin, end) for every occurrence of a pattern
  // in `text`, in order of `end`; [begin, end) are byte offsets.
  // REQUIRES: Build() was called.
  template <typename OnMatch>
  void Scan(std::string_view text, OnMatch&& on_match) const {
    std::int32_t state = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      state =
          delta_[static_cast<std::size_t>(state) * classes_ + class_of_[static_cast<unsigned char>(text[i])]];
      for (std::int32_t s = out_[state] >= 0 ? state : dict_[state]; s >= 0; s = dict_[s]) {
        const auto id = static_cast<std::uint32_t>(out_[s]);
        const std::size_t end = i + 1;
        on_match(id, static_cast<std::uint32_t>(end - patterns_[id].size()), static_cast<std::uint32_t>(end));
      }
    }
  }

 private:
  std::vector<std::string> patterns_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::array<std::uint16_t, 256> class_of_{};  // byte -> column; 0 for bytes in no pattern
  std::size_t classes_ = 1;
  std::vector<std::int32_t> delta_;  // state * classes_ + column -> next state
  std::vector<std::int32_t> out_;    // state -> the pattern ending exactly here, or -1
  std::vector<std::int32_t> dict_;   // state -> nearest proper suffix state with an output, or -1
};

}  // namespace chancery::insight::internal
