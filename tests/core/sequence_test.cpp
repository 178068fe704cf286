#include "truce/sequence.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace truce {
namespace {

using Pairs = std::vector<std::pair<std::size_t, std::size_t>>;
using Kind = Diff3Chunk::Kind;

// The textbook O(n·m) dynamic program: the oracle for small inputs.
std::size_t lcs_length(const Tokens& a, const Tokens& b) {
  std::vector<std::size_t> previous(b.size() + 1, 0), current(b.size() + 1, 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// Longest strictly increasing subsequence: the LCS of a permutation and the identity.
std::size_t lis_length(const Tokens& values) {
  Tokens tails;
  for (const Token value : values) {
    const auto pile = std::lower_bound(tails.begin(), tails.end(), value);
    if (pile == tails.end()) {
      tails.push_back(value);
    } else {
      *pile = value;
    }
  }
  return tails.size();
}

::testing::AssertionResult is_common_subsequence(const Tokens& a, const Tokens& b, const Pairs& pairs) {
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const auto [i, j] = pairs[k];
    if (i >= a.size() || j >= b.size()) return ::testing::AssertionFailure() << "pair " << k << " out of range";
    if (a[i] != b[j]) return ::testing::AssertionFailure() << "pair " << k << " joins unequal tokens";
    if (k > 0 && (i <= pairs[k - 1].first || j <= pairs[k - 1].second)) {
      return ::testing::AssertionFailure() << "pair " << k << " does not increase";
    }
  }
  return ::testing::AssertionSuccess();
}

Tokens random_tokens(std::mt19937& rng, std::size_t size, Token alphabet) {
  Tokens tokens(size);
  for (Token& token : tokens) token = static_cast<Token>(rng() % alphabet);
  return tokens;
}

// `tokens` after a few random single-element inserts, deletes and replacements.
Tokens edited(std::mt19937& rng, Tokens tokens, Token alphabet, int edits) {
  for (int e = 0; e < edits; ++e) {
    const auto position = [&](std::size_t bound) { return static_cast<std::ptrdiff_t>(rng() % bound); };
    const Token token = static_cast<Token>(rng() % alphabet);
    switch (tokens.empty() ? 0 : rng() % 3) {
      case 0:
        tokens.insert(tokens.begin() + position(tokens.size() + 1), token);
        break;
      case 1:
        tokens.erase(tokens.begin() + position(tokens.size()));
        break;
      default:
        tokens[static_cast<std::size_t>(position(tokens.size()))] = token;
        break;
    }
  }
  return tokens;
}

Tokens identity(std::size_t size) {
  Tokens tokens(size);
  std::iota(tokens.begin(), tokens.end(), Token{0});
  return tokens;
}

template <class Action>
double milliseconds(Action&& action) {
  const auto start = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// ---- common_subsequence ------------------------------------------------------

TEST(CommonSubsequence, EmptyInputsShareNothing) {
  EXPECT_TRUE(common_subsequence({}, {}).empty());
  EXPECT_TRUE(common_subsequence({}, {1, 2}).empty());
  EXPECT_TRUE(common_subsequence({1, 2}, {}).empty());
}

TEST(CommonSubsequence, IdenticalInputsMatchEverything) {
  EXPECT_EQ(common_subsequence({4, 4, 2, 7}, {4, 4, 2, 7}), (Pairs{{0, 0}, {1, 1}, {2, 2}, {3, 3}}));
}

TEST(CommonSubsequence, DisjointInputsMatchNothing) { EXPECT_TRUE(common_subsequence({1, 2, 3}, {4, 5}).empty()); }

TEST(CommonSubsequence, FindsALongestOneOnMyersExample) {
  // "ABCABBA" vs "CBABAC" from Myers' paper: edit distance 5, so LCS length 4.
  const Tokens a{0, 1, 2, 0, 1, 1, 0}, b{2, 1, 0, 1, 0, 2};
  const Pairs pairs = common_subsequence(a, b);
  EXPECT_TRUE(is_common_subsequence(a, b, pairs));
  EXPECT_EQ(pairs.size(), 4u);
}

TEST(CommonSubsequence, ExactOnSmallRepetitiveInputs) {
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    const Token alphabet = 1 + static_cast<Token>(rng() % 6);
    const Tokens a = random_tokens(rng, rng() % 40, alphabet);
    const Tokens b = round % 2 ? random_tokens(rng, rng() % 40, alphabet) : edited(rng, a, alphabet, 1 + round % 5);
    const Pairs pairs = common_subsequence(a, b);
    ASSERT_TRUE(is_common_subsequence(a, b, pairs)) << "round " << round;
    ASSERT_EQ(pairs.size(), lcs_length(a, b)) << "round " << round;
  }
}

TEST(CommonSubsequence, ExactWhenTokensAreUnique) {
  // Large enough that the gaps are anchored rather than searched directly.
  std::mt19937 rng(11);
  for (const std::size_t size : {30u, 300u, 1500u}) {
    for (int round = 0; round < 3; ++round) {
      Tokens a = identity(size * 2), b = identity(size * 2);
      std::shuffle(a.begin(), a.end(), rng);
      std::shuffle(b.begin(), b.end(), rng);
      a.resize(size);  // each keeps a different half, so some tokens are one-sided
      b.resize(size);
      std::sort(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(size / 2));
      const Pairs pairs = common_subsequence(a, b);
      ASSERT_TRUE(is_common_subsequence(a, b, pairs));
      EXPECT_EQ(pairs.size(), lcs_length(a, b)) << "size " << size;
    }
  }
}

TEST(CommonSubsequence, ExactOnLargerRepetitiveInputs) {
  // Too large for the direct search, but with no unique tokens to anchor
  // on: the whole gap is searched, and within the cap that search is exact.
  std::mt19937 rng(13);
  for (int round = 0; round < 10; ++round) {
    const Token alphabet = 2 + static_cast<Token>(rng() % 50);
    const Tokens a = random_tokens(rng, 1000 + rng() % 1500, alphabet);
    const Tokens b = edited(rng, a, alphabet, 1 + static_cast<int>(rng() % 200));
    const Pairs pairs = common_subsequence(a, b);
    ASSERT_TRUE(is_common_subsequence(a, b, pairs)) << "round " << round;
    EXPECT_EQ(pairs.size(), lcs_length(a, b)) << "round " << round;
  }
}

TEST(CommonSubsequence, PlacesAmbiguousInsertionsLast) {
  // Like git: an inserted copy of a repeated element goes after the run.
  EXPECT_EQ(common_subsequence({5}, {5, 5}), (Pairs{{0, 0}}));
  EXPECT_EQ(common_subsequence({1, 5, 5, 2}, {1, 5, 5, 5, 2}), (Pairs{{0, 0}, {1, 1}, {2, 2}, {3, 4}}));
  EXPECT_EQ(common_subsequence({1, 5, 5, 2}, {1, 5, 2}), (Pairs{{0, 0}, {1, 1}, {3, 2}}));
}

TEST(CommonSubsequence, AlignsAmbiguousDeletionWithAnInsertion) {
  // Deleting one 5 and inserting 9 in front: the deletion could sit anywhere
  // in the run; git pairs it with the insertion into one replacement.
  EXPECT_EQ(common_subsequence({5, 5, 5}, {9, 5, 5}), (Pairs{{1, 1}, {2, 2}}));
}

TEST(CommonSubsequence, BreaksTiesLikeGitDiff) {
  // Two alignments of equal length. `git diff` (xdiff) pairs a's 3 with the
  // second 3 of b: its search also covers b's second 0, which occurs in a
  // only within the common prefix, and that shifts how the tie is broken.
  const Tokens a{0, 1, 2, 3, 4, 5}, b{0, 0, 3, 3, 5, 5};
  EXPECT_EQ(common_subsequence(a, b), (Pairs{{0, 0}, {3, 3}, {5, 5}}));
}

TEST(CommonSubsequence, SparseTokenValuesWork) {
  const Tokens a{0xFFFFFFF0u, 7, 0x80000000u, 7}, b{7, 0x80000000u, 0xFFFFFFF0u, 7};
  const Pairs pairs = common_subsequence(a, b);
  EXPECT_TRUE(is_common_subsequence(a, b, pairs));
  EXPECT_EQ(pairs.size(), lcs_length(a, b));
}

// Timing bounds here are loose on purpose (sanitizer builds run them too):
// they catch quadratic behaviour, which would take seconds, not jitter.
TEST(CommonSubsequence, ReversedPermutationOf20000) {
  const Tokens forward = identity(20000);
  const Tokens reversed(forward.rbegin(), forward.rend());
  Pairs pairs;
  EXPECT_LT(milliseconds([&] { pairs = common_subsequence(forward, reversed); }), 500.0);
  EXPECT_EQ(pairs.size(), 1u);
  EXPECT_TRUE(is_common_subsequence(forward, reversed, pairs));
}

TEST(CommonSubsequence, ShuffledPermutationsOf20000AreExact) {
  std::mt19937 rng(17);
  const Tokens forward = identity(20000);
  for (int round = 0; round < 3; ++round) {
    Tokens shuffled = forward;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    Pairs pairs;
    EXPECT_LT(milliseconds([&] { pairs = common_subsequence(forward, shuffled); }), 500.0);
    EXPECT_TRUE(is_common_subsequence(forward, shuffled, pairs));
    EXPECT_EQ(pairs.size(), lis_length(shuffled));
  }
}

TEST(CommonSubsequence, MillionElementsWithScatteredEdits) {
  std::mt19937 rng(19);
  const Tokens base = random_tokens(rng, 1000000, 1u << 20);
  Tokens changed = base;
  std::size_t replaced = 0;
  for (std::size_t i = 500; i < changed.size(); i += 1000, ++replaced) changed[i] = (1u << 20) + Token(i);
  Pairs pairs;
  EXPECT_LT(milliseconds([&] { pairs = common_subsequence(base, changed); }), 5000.0);
  EXPECT_TRUE(is_common_subsequence(base, changed, pairs));
  EXPECT_EQ(pairs.size(), base.size() - replaced);
}

TEST(CommonSubsequence, MillionElementsSharingLittleStayBounded) {
  // No unique anchors and an edit distance far past the cap: the search
  // gives up and the gap counts as replaced, without n·m time or memory.
  std::mt19937 rng(23);
  const Tokens a = random_tokens(rng, 1000000, 8), b = random_tokens(rng, 1000000, 8);
  Pairs pairs;
  EXPECT_LT(milliseconds([&] { pairs = common_subsequence(a, b); }), 5000.0);
  EXPECT_TRUE(is_common_subsequence(a, b, pairs));
}

// ---- diff3 ---------------------------------------------------------------------

using Described = std::vector<std::string>;

// "conflict b[1,3) m[1,1) t[1,2)": readable expectations and failure messages.
Described described(const std::vector<Diff3Chunk>& chunks) {
  static const char* const kNames[] = {"stable", "mine", "theirs", "both", "conflict"};
  Described out;
  for (const Diff3Chunk& c : chunks) {
    std::ostringstream text;
    text << kNames[static_cast<int>(c.kind)] << " b[" << c.base.begin << "," << c.base.end << ") m[" << c.mine.begin
         << "," << c.mine.end << ") t[" << c.theirs.begin << "," << c.theirs.end << ")";
    out.push_back(text.str());
  }
  return out;
}

bool same_tokens(const Tokens& x, Span x_span, const Tokens& y, Span y_span) {
  return x_span.size() == y_span.size() && std::equal(x.begin() + static_cast<std::ptrdiff_t>(x_span.begin),
                                                      x.begin() + static_cast<std::ptrdiff_t>(x_span.end),
                                                      y.begin() + static_cast<std::ptrdiff_t>(y_span.begin));
}

// The chunks cover the three sequences in order, none is empty, and each
// kind says what the contents show.
::testing::AssertionResult tiles(const Tokens& base, const Tokens& mine, const Tokens& theirs,
                                 const std::vector<Diff3Chunk>& chunks) {
  std::size_t o = 0, a = 0, b = 0;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const Diff3Chunk& c = chunks[k];
    const auto fail = [&] { return ::testing::AssertionFailure() << described({c}).front(); };
    if (c.base.begin != o || c.mine.begin != a || c.theirs.begin != b) return fail() << " does not follow on";
    if (c.base.empty() && c.mine.empty() && c.theirs.empty()) return fail() << " is empty";
    const bool mine_kept = same_tokens(mine, c.mine, base, c.base);
    const bool theirs_kept = same_tokens(theirs, c.theirs, base, c.base);
    const bool sides_agree = same_tokens(mine, c.mine, theirs, c.theirs);
    bool consistent = false;
    switch (c.kind) {
      case Kind::Stable:
        consistent = mine_kept && theirs_kept && (k == 0 || chunks[k - 1].kind != Kind::Stable);
        break;
      case Kind::MineChanged:
        consistent = theirs_kept && !mine_kept;
        break;
      case Kind::TheirsChanged:
        consistent = mine_kept && !theirs_kept;
        break;
      case Kind::BothSame:
        consistent = sides_agree && !mine_kept;
        break;
      case Kind::Conflict:
        consistent = !mine_kept && !theirs_kept && !sides_agree;
        break;
    }
    if (!consistent) return fail() << " has the wrong kind";
    o = c.base.end;
    a = c.mine.end;
    b = c.theirs.end;
  }
  if (o != base.size() || a != mine.size() || b != theirs.size()) {
    return ::testing::AssertionFailure() << "chunks stop short of the ends";
  }
  return ::testing::AssertionSuccess();
}

TEST(Diff3, NothingChangedIsOneStableChunk) {
  EXPECT_EQ(described(diff3({1, 2, 3}, {1, 2, 3}, {1, 2, 3})), (Described{"stable b[0,3) m[0,3) t[0,3)"}));
}

TEST(Diff3, EmptyInputs) {
  EXPECT_TRUE(diff3({}, {}, {}).empty());
  EXPECT_EQ(described(diff3({}, {1}, {})), (Described{"mine b[0,0) m[0,1) t[0,0)"}));
  EXPECT_EQ(described(diff3({}, {}, {2})), (Described{"theirs b[0,0) m[0,0) t[0,1)"}));
  EXPECT_EQ(described(diff3({}, {3}, {3})), (Described{"both b[0,0) m[0,1) t[0,1)"}));
  EXPECT_EQ(described(diff3({}, {1}, {2})), (Described{"conflict b[0,0) m[0,1) t[0,1)"}));
  EXPECT_EQ(described(diff3({1, 2}, {}, {})), (Described{"both b[0,2) m[0,0) t[0,0)"}));
}

TEST(Diff3, PaperExample) {
  // Khanna, Kunal & Pierce's running example. Base↔mine has two longest
  // common subsequences (1 2 3 6 and 1 4 5 6); like git's diff, the search
  // keeps 4 5, so the deletion of 2 3 meets theirs' move of 3 in two conflicts
  // around a stable 4 5 (git merge-file reports the same two regions).
  const Tokens base{1, 2, 3, 4, 5, 6}, mine{1, 4, 5, 2, 3, 6}, theirs{1, 2, 4, 5, 3, 6};
  EXPECT_EQ(described(diff3(base, mine, theirs)), (Described{
                                                      "stable b[0,1) m[0,1) t[0,1)",
                                                      "conflict b[1,3) m[1,1) t[1,2)",
                                                      "stable b[3,5) m[1,3) t[2,4)",
                                                      "conflict b[5,5) m[3,5) t[4,5)",
                                                      "stable b[5,6) m[5,6) t[5,6)",
                                                  }));
}

TEST(Diff3, PaperExampleWithDisjointEdits) {
  // Edits far apart on each side: each is taken, nothing conflicts.
  const Tokens base{1, 2, 3, 4, 5, 6}, mine{1, 2, 3, 4, 5, 7, 6}, theirs{0, 1, 2, 3, 4, 5, 6};
  EXPECT_EQ(described(diff3(base, mine, theirs)), (Described{
                                                      "theirs b[0,0) m[0,0) t[0,1)",
                                                      "stable b[0,5) m[0,5) t[1,6)",
                                                      "mine b[5,5) m[5,6) t[6,6)",
                                                      "stable b[5,6) m[6,7) t[6,7)",
                                                  }));
}

TEST(Diff3, SameChangeOnBothSidesIsNotAConflict) {
  EXPECT_EQ(described(diff3({1, 2, 3}, {1, 9, 3}, {1, 9, 3})), (Described{
                                                                   "stable b[0,1) m[0,1) t[0,1)",
                                                                   "both b[1,2) m[1,2) t[1,2)",
                                                                   "stable b[2,3) m[2,3) t[2,3)",
                                                               }));
}

TEST(Diff3, DifferentInsertionsAtTheSamePointConflict) {
  EXPECT_EQ(described(diff3({1, 2}, {1, 7, 2}, {1, 8, 2})), (Described{
                                                                "stable b[0,1) m[0,1) t[0,1)",
                                                                "conflict b[1,1) m[1,2) t[1,2)",
                                                                "stable b[1,2) m[2,3) t[2,3)",
                                                            }));
}

TEST(Diff3, DeleteAgainstEditConflicts) {
  EXPECT_EQ(described(diff3({1, 2, 3}, {1, 3}, {1, 9, 3})), (Described{
                                                                "stable b[0,1) m[0,1) t[0,1)",
                                                                "conflict b[1,2) m[1,1) t[1,2)",
                                                                "stable b[2,3) m[1,2) t[2,3)",
                                                            }));
}

TEST(Diff3, AdjacentChangesShareOneChunk) {
  // Nothing stable separates the two edits, so they conflict, as in git.
  EXPECT_EQ(described(diff3({1, 2, 3, 4}, {1, 8, 3, 4}, {1, 2, 9, 4})), (Described{
                                                                            "stable b[0,1) m[0,1) t[0,1)",
                                                                            "conflict b[1,3) m[1,3) t[1,3)",
                                                                            "stable b[3,4) m[3,4) t[3,4)",
                                                                        }));
  // One stable element between them is enough to keep them apart.
  EXPECT_EQ(described(diff3({1, 2, 3, 4, 5}, {1, 8, 3, 4, 5}, {1, 2, 3, 9, 5})), (Described{
                                                                                     "stable b[0,1) m[0,1) t[0,1)",
                                                                                     "mine b[1,2) m[1,2) t[1,2)",
                                                                                     "stable b[2,3) m[2,3) t[2,3)",
                                                                                     "theirs b[3,4) m[3,4) t[3,4)",
                                                                                     "stable b[4,5) m[4,5) t[4,5)",
                                                                                 }));
}

TEST(Diff3, ChunksTileRandomInputs) {
  std::mt19937 rng(29);
  for (int round = 0; round < 500; ++round) {
    const Token alphabet = 2 + static_cast<Token>(rng() % 8);
    const Tokens base = random_tokens(rng, rng() % 30, alphabet);
    const Tokens mine = edited(rng, base, alphabet, static_cast<int>(rng() % 5));
    const Tokens theirs = round % 3 == 0 ? edited(rng, mine, alphabet, static_cast<int>(rng() % 3))
                                         : edited(rng, base, alphabet, static_cast<int>(rng() % 5));
    ASSERT_TRUE(tiles(base, mine, theirs, diff3(base, mine, theirs))) << "round " << round;
  }
}

TEST(Diff3, OneSidedChangesNeverConflict) {
  std::mt19937 rng(31);
  for (int round = 0; round < 300; ++round) {
    const Token alphabet = 2 + static_cast<Token>(rng() % 8);
    const Tokens base = random_tokens(rng, rng() % 30, alphabet);
    const Tokens changed = edited(rng, base, alphabet, 1 + static_cast<int>(rng() % 5));
    for (const auto& c : diff3(base, changed, base)) EXPECT_NE(c.kind, Kind::Conflict) << "round " << round;
    for (const auto& c : diff3(base, base, changed)) EXPECT_NE(c.kind, Kind::Conflict) << "round " << round;
    for (const auto& c : diff3(base, changed, changed)) EXPECT_NE(c.kind, Kind::Conflict) << "round " << round;
  }
}

}  // namespace
}  // namespace truce
