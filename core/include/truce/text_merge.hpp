#pragma once
// Three-way merge inside a string (the `text` rule): diff3 over lines (the
// default, like git merge-file) or over words.

#include <string>
#include <string_view>
#include <vector>

namespace truce {

enum class TextUnit { Lines, Words };

struct TextConflict {
  // The conflicting region in each input, as byte offsets [begin, end).
  std::size_t base_begin = 0, base_end = 0;
  std::size_t mine_begin = 0, mine_end = 0;
  std::size_t theirs_begin = 0, theirs_end = 0;
};

struct TextMergeResult {
  // Clean regions merged; each conflicting region holds `theirs`' text, or
  // `mine`'s when prefer_mine was set.
  std::string merged;
  std::vector<TextConflict> conflicts;
  bool clean() const noexcept { return conflicts.empty(); }
};

// Lines keep their terminator ("\n" or "\r\n"); a last line without one is a
// line too. Words are maximal runs of non-space characters and maximal runs
// of whitespace, so joining the units gives back the text exactly.
// Clean results agree with `git merge-file -p` on the same three texts.
TextMergeResult merge_text(std::string_view base, std::string_view mine, std::string_view theirs,
                           TextUnit unit = TextUnit::Lines, bool prefer_mine = false);

}  // namespace truce
