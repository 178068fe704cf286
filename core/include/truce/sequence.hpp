#pragma once
// Sequence comparison for arrays and text: longest common subsequence and
// three-way diff3 over sequences of tokens. Tokens are small integers the
// caller assigned so that equal elements have equal tokens (interning), which
// keeps these algorithms independent of what the elements are.
//
// Near-linear on the inputs merges meet: common prefix/suffix are stripped;
// small gaps (up to ~1,000 elements) are searched exactly with Myers, tie-broken
// and slid like git's xdiff so text merges agree with `git merge-file`; larger
// gaps are first anchored on tokens unique to both sides (patience diff: longest
// increasing subsequence, O(n log n)). The Myers search gives up past an edit
// distance of 2,000 and a work budget, treating that gap as replaced whole.
// No O(n·m) table, no recursion on input size.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace truce {

using Token = std::uint32_t;
using Tokens = std::vector<Token>;

// Index pairs (i, j) with a[i] == b[j], strictly increasing in both: a common
// subsequence of a and b. Exactly the longest one when every token occurs at
// most once in each input (identity arrays); otherwise a long one.
std::vector<std::pair<std::size_t, std::size_t>> common_subsequence(const Tokens& a, const Tokens& b);

// Half-open index range [begin, end).
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return begin == end; }
  friend bool operator==(const Span& x, const Span& y) noexcept { return x.begin == y.begin && x.end == y.end; }
};

// One chunk of a three-way comparison (Khanna, Kunal & Pierce, "A Formal
// Investigation of Diff3"): the chunks tile base, mine and theirs in order.
struct Diff3Chunk {
  enum class Kind {
    Stable,         // the three agree
    MineChanged,    // theirs == base: take mine
    TheirsChanged,  // mine == base: take theirs
    BothSame,       // both changed the same way: take either (not a conflict)
    Conflict,       // both changed, differently
  };
  Kind kind;
  Span base;
  Span mine;
  Span theirs;
};

std::vector<Diff3Chunk> diff3(const Tokens& base, const Tokens& mine, const Tokens& theirs);

}  // namespace truce
