#include "insight/automaton.h"

#include <cassert>
#include <deque>

namespace chancery::insight::internal {

std::uint32_t Automaton::Add(std::string_view pattern) {
  assert(!pattern.empty() && delta_.empty());
  auto [it, inserted] = ids_.try_emplace(std::string(pattern), static_cast<std::uint32_t>(patterns_.size()));
  if (inserted) patterns_.emplace_back(pattern);
  return it->second;
}

void Automaton::Build() {
  // The alphabet: one column per byte value used by a pattern, column 0 for
  // every other byte (which always leads back to the root).
  class_of_.fill(0);
  classes_ = 1;
  for (const auto& p : patterns_)
    for (unsigned char c : p)
      if (class_of_[c] == 0) class_of_[c] = static_cast<std::uint16_t>(classes_++);

  // The trie, with -1 for a missing edge.
  delta_.assign(classes_, -1);
  out_.assign(1, -1);
  for (std::uint32_t id = 0; id < patterns_.size(); ++id) {
    std::int32_t state = 0;
    for (unsigned char c : patterns_[id]) {
      auto& next = delta_[static_cast<std::size_t>(state) * classes_ + class_of_[c]];
      if (next < 0) {
        next = static_cast<std::int32_t>(out_.size());
        out_.push_back(-1);
        delta_.resize(delta_.size() + classes_, -1);
      }
      // `next` may dangle after the resize; read the edge again.
      state = delta_[static_cast<std::size_t>(state) * classes_ + class_of_[c]];
    }
    out_[state] = static_cast<std::int32_t>(id);
  }

  // Breadth first: failure links, then missing edges borrowed from the
  // failure state, which makes the trie a DFA.
  const std::size_t states = out_.size();
  std::vector<std::int32_t> fail(states, 0);
  dict_.assign(states, -1);
  std::deque<std::int32_t> queue;
  for (std::size_t c = 0; c < classes_; ++c) {
    auto& edge = delta_[c];
    if (edge < 0) {
      edge = 0;
    } else {
      fail[edge] = 0;
      queue.push_back(edge);
    }
  }
  while (!queue.empty()) {
    const std::int32_t state = queue.front();
    queue.pop_front();
    for (std::size_t c = 0; c < classes_; ++c) {
      const std::size_t slot = static_cast<std::size_t>(state) * classes_ + c;
      const std::int32_t via_fail = delta_[static_cast<std::size_t>(fail[state]) * classes_ + c];
      if (delta_[slot] < 0) {
        delta_[slot] = via_fail;
        continue;
      }
      const std::int32_t child = delta_[slot];
      fail[child] = via_fail;
      dict_[child] = out_[via_fail] >= 0 ? via_fail : dict_[via_fail];
      queue.push_back(child);
    }
  }
}

}  // namespace chancery::insight::internal
