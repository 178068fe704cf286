#include "truce/sequence.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace truce {
namespace {

// A Myers search gives up (its box counts as replaced) once the edit distance
// exceeds this: past it the work grows as (n+m)·d and the result is a rewrite
// that no merge would resolve cleanly anyway.
constexpr std::ptrdiff_t kMaxEditDistance = 2000;

// Gaps with at most this many elements that could match are searched
// exactly (Myers) rather than anchored: patience anchors are not always on a
// longest common subsequence (one unique line that moved can outweigh a run
// of repeated ones), and exact diffs are what git computes, so small merges
// agree with `git merge-file`. Anchoring is for the large gaps, to keep them
// near-linear. Below kMaxEditDistance, so these searches never hit the cap.
constexpr std::size_t kExactSearchLimit = 1024;

// Work budgets, in element visits, as a fixed allowance plus a multiple of the
// input size: they keep adversarial inputs near-linear while leaving ordinary
// ones untouched. Patience anchoring rescans every nested gap, so it gets a
// few passes over the input; Myers gets a larger allowance for its snakes.
constexpr std::size_t kAnchoringPasses = 8;
constexpr std::size_t kAnchoringAllowance = std::size_t{1} << 16;
constexpr std::size_t kMyersPerElement = 32;
constexpr std::size_t kMyersAllowance = std::size_t{1} << 24;

// Tokens are used as indices into the occurrence table; tokens larger than
// this multiple of the input size are renumbered first so it stays O(n).
constexpr std::size_t kDirectTokenFactor = 2;
constexpr std::size_t kDirectTokenAllowance = 1024;

// Half-open index ranges of a and b still to be matched.
template <class Index>
struct Box {
  Index a_begin, a_end, b_begin, b_end;
  bool a_empty() const noexcept { return a_begin == a_end; }
  bool b_empty() const noexcept { return b_begin == b_end; }
};

template <class Index>
struct Occurrence {
  // In the current gap of each side, saturated at 2: anchoring only tells
  // "unique" from "repeated", the filters "absent" from "present".
  std::uint8_t in_a = 0;
  std::uint8_t in_b = 0;
  bool anywhere_in_a = false;
  bool anywhere_in_b = false;
  // For a token unique to both sides of the gap being anchored: its b index.
  Index position_in_b = 0;
};

// A change group of one side: the run of unmatched elements between two
// matched ones (possibly empty), as in git's xdiff.
struct Group {
  std::size_t start = 0;
  std::size_t end = 0;
  bool empty() const noexcept { return start == end; }
};

// One side of a finished matching, prepared for sliding change groups.
struct ChangeMap {
  const Token* tokens;
  std::size_t size;
  std::vector<char> changed;

  Group first_group() const {
    Group group;
    while (group.end < size && changed[group.end]) ++group.end;
    return group;
  }
  bool next_group(Group& group) const {
    if (group.end == size) return false;
    group.start = group.end + 1;
    group.end = group.start;
    while (group.end < size && changed[group.end]) ++group.end;
    return true;
  }
  bool previous_group(Group& group) const {
    if (group.start == 0) return false;
    group.end = group.start - 1;
    group.start = group.end;
    while (group.start > 0 && changed[group.start - 1]) --group.start;
    return true;
  }
  // Moving a non-empty group by one keeps the matching valid: the element it
  // uncovers equals the one it covers. A group that bumps into its neighbour
  // absorbs it.
  bool slide_down(Group& group) {
    if (group.end == size || tokens[group.start] != tokens[group.end]) return false;
    changed[group.start++] = 0;
    changed[group.end++] = 1;
    while (group.end < size && changed[group.end]) ++group.end;
    return true;
  }
  bool slide_up(Group& group) {
    if (group.start == 0 || tokens[group.start - 1] != tokens[group.end - 1]) return false;
    changed[--group.start] = 1;
    changed[--group.end] = 0;
    while (group.start > 0 && changed[group.start - 1]) --group.start;
    return true;
  }
};

// Where equal elements make the placement of an insertion or deletion
// ambiguous, place it as git's xdiff does (xdl_change_compact without the
// indent heuristic): as late as possible, or, if some position lines it up
// with a change on the other side, the latest such position. Diff3 results,
// and so clean merges, then agree with `git merge-file`. `other`'s groups
// stay in step with `side`'s: both are delimited by the same matched pairs.
void slide_changes(ChangeMap& side, const ChangeMap& other) {
  Group group = side.first_group();
  Group other_group = other.first_group();
  while (true) {
    if (!group.empty()) {
      std::size_t earliest_end = 0;
      bool meets_other_change = false;
      std::size_t size_before = 0;
      do {
        size_before = group.end - group.start;
        meets_other_change = false;
        while (side.slide_up(group)) other.previous_group(other_group);
        earliest_end = group.end;
        if (!other_group.empty()) meets_other_change = true;
        while (side.slide_down(group)) {
          other.next_group(other_group);
          if (!other_group.empty()) meets_other_change = true;
        }
      } while (size_before != group.end - group.start);
      if (group.end != earliest_end && meets_other_change) {
        while (other_group.empty()) {
          side.slide_up(group);
          other.previous_group(other_group);
        }
      }
    }
    if (!side.next_group(group)) break;
    other.next_group(other_group);
  }
}

// Index is the narrowest type that addresses both inputs: memory traffic
// dominates the running time on large inputs.
template <class Index>
class Matcher {
 public:
  Matcher(const Tokens& a, const Tokens& b)
      : a_(a.data()), b_(b.data()), a_size_(static_cast<Index>(a.size())), b_size_(static_cast<Index>(b.size())) {
    const std::size_t total = a.size() + b.size();
    anchoring_budget_ = kAnchoringPasses * total + kAnchoringAllowance;
    myers_budget_ = kMyersPerElement * total + kMyersAllowance;
    use_small_token_ids(a, b);
    for (Index i = 0; i < a_size_; ++i) occurrences_[a_[i]].anywhere_in_a = true;
    for (Index j = 0; j < b_size_; ++j) occurrences_[b_[j]].anywhere_in_b = true;
    partner_.assign(a_size_, kUnmatched);
  }

  std::vector<std::pair<std::size_t, std::size_t>> run() {
    std::vector<Box<Index>> pending{Box<Index>{0, a_size_, 0, b_size_}};
    while (!pending.empty()) {
      Box<Index> box = pending.back();
      pending.pop_back();
      match_common_ends(box);
      if (box.a_empty() || box.b_empty()) continue;
      match_gap(box, pending);
    }
    return slid_pairs();
  }

 private:
  static constexpr Index kUnmatched = std::numeric_limits<Index>::max();

  // The occurrence table is indexed by token; renumber when the caller's
  // tokens are sparse so that it stays proportional to the input.
  void use_small_token_ids(const Tokens& a, const Tokens& b) {
    Token largest = 0;
    for (const Token token : a) largest = std::max(largest, token);
    for (const Token token : b) largest = std::max(largest, token);
    if (largest < kDirectTokenFactor * (a.size() + b.size()) + kDirectTokenAllowance) {
      occurrences_.resize(std::size_t{largest} + 1);
      return;
    }
    std::unordered_map<Token, Token> renumbered;
    const auto renumber = [&renumbered](const Tokens& from, Tokens& to) {
      to.reserve(from.size());
      for (const Token token : from) to.push_back(renumbered.emplace(token, renumbered.size()).first->second);
    };
    renumber(a, renumbered_a_);
    renumber(b, renumbered_b_);
    a_ = renumbered_a_.data();
    b_ = renumbered_b_.data();
    occurrences_.resize(renumbered.size());
  }

  void match_common_ends(Box<Index>& box) {
    while (!box.a_empty() && !box.b_empty() && a_[box.a_begin] == b_[box.b_begin]) {
      partner_[box.a_begin++] = box.b_begin++;
    }
    while (!box.a_empty() && !box.b_empty() && a_[box.a_end - 1] == b_[box.b_end - 1]) {
      partner_[--box.a_end] = --box.b_end;
    }
  }

  // Gaps sharing no token are left unmatched without searching. Small gaps
  // get an exact search; larger ones are anchored on tokens unique to both
  // sides (queueing the gaps between anchors), or searched when there are none.
  void match_gap(const Box<Index>& box, std::vector<Box<Index>>& pending) {
    for (Index i = box.a_begin; i < box.a_end; ++i) saturating_increment(occurrences_[a_[i]].in_a);
    for (Index j = box.b_begin; j < box.b_end; ++j) saturating_increment(occurrences_[b_[j]].in_b);
    const auto in_other_gap = [](const Occurrence<Index>& occurrence, bool on_a) {
      return (on_a ? occurrence.in_b : occurrence.in_a) > 0;
    };
    // Elements occurring anywhere on the other side: what git's xdiff
    // searches (xdl_cleanup_records), so that ties are broken alike.
    const auto anywhere_in_other = [](const Occurrence<Index>& occurrence, bool on_a) {
      return on_a ? occurrence.anywhere_in_b : occurrence.anywhere_in_a;
    };

    std::vector<Index> a_searched, b_searched;
    bool search = false;
    if (count(box.a_begin, box.a_end, true, in_other_gap) > 0) {
      if (count(box.a_begin, box.a_end, true, anywhere_in_other) +
              count(box.b_begin, box.b_end, false, anywhere_in_other) <=
          kExactSearchLimit) {
        a_searched = kept(box.a_begin, box.a_end, true, anywhere_in_other);
        b_searched = kept(box.b_begin, box.b_end, false, anywhere_in_other);
        search = true;
      } else if (!anchor(box, pending)) {
        a_searched = kept(box.a_begin, box.a_end, true, in_other_gap);
        b_searched = kept(box.b_begin, box.b_end, false, in_other_gap);
        search = true;
      }
    }

    for (Index i = box.a_begin; i < box.a_end; ++i) occurrences_[a_[i]].in_a = occurrences_[a_[i]].in_b = 0;
    for (Index j = box.b_begin; j < box.b_end; ++j) occurrences_[b_[j]].in_a = occurrences_[b_[j]].in_b = 0;
    if (search) myers(a_searched, b_searched);
  }

  static void saturating_increment(std::uint8_t& count) noexcept {
    if (count < 2) ++count;
  }

  // How many indices of [begin, end) in a (on_a) or b pass `keep`, and which.
  template <class Keep>
  std::size_t count(Index begin, Index end, bool on_a, Keep keep) const {
    const Token* tokens = on_a ? a_ : b_;
    std::size_t passing = 0;
    for (Index i = begin; i < end; ++i) passing += keep(occurrences_[tokens[i]], on_a) ? 1 : 0;
    return passing;
  }
  template <class Keep>
  std::vector<Index> kept(Index begin, Index end, bool on_a, Keep keep) const {
    const Token* tokens = on_a ? a_ : b_;
    std::vector<Index> indices;
    indices.reserve(count(begin, end, on_a, keep));
    for (Index i = begin; i < end; ++i) {
      if (keep(occurrences_[tokens[i]], on_a)) indices.push_back(i);
    }
    return indices;
  }

  // Matches the longest increasing run, by b index, of the tokens occurring
  // once in each side of the gap (patience sorting with predecessor links,
  // O(k log k)) and queues the gaps between these anchors. Reads the gap's
  // occurrences; false when there is no such token or no budget left.
  bool anchor(const Box<Index>& box, std::vector<Box<Index>>& pending) {
    const std::size_t gap_size = std::size_t{box.a_end - box.a_begin} + (box.b_end - box.b_begin);
    if (anchoring_budget_ < gap_size) return false;
    anchoring_budget_ -= gap_size;
    const auto unique = [this](Token token) {
      const Occurrence<Index>& occurrence = occurrences_[token];
      return occurrence.in_a == 1 && occurrence.in_b == 1;
    };
    std::size_t unique_count = 0;
    for (Index j = box.b_begin; j < box.b_end; ++j) {
      if (!unique(b_[j])) continue;
      occurrences_[b_[j]].position_in_b = j;
      ++unique_count;
    }
    if (unique_count == 0) return false;
    std::vector<std::pair<Index, Index>> candidates;  // in a order
    candidates.reserve(unique_count);
    for (Index i = box.a_begin; i < box.a_end; ++i) {
      if (unique(a_[i])) candidates.emplace_back(i, occurrences_[a_[i]].position_in_b);
    }

    std::vector<Index> pile_tops;  // per run length, the candidate ending the best run found so far
    std::vector<Index> predecessor(candidates.size(), kUnmatched);
    for (Index c = 0; c < candidates.size(); ++c) {
      const auto pile = std::lower_bound(pile_tops.begin(), pile_tops.end(), candidates[c].second,
                                         [&](Index top, Index j) { return candidates[top].second < j; });
      if (pile != pile_tops.begin()) predecessor[c] = *(pile - 1);
      if (pile == pile_tops.end()) {
        pile_tops.push_back(c);
      } else {
        *pile = c;
      }
    }
    // Walk the run backwards from the gap's end; only gaps with elements on
    // both sides can hold matches.
    Index a_end = box.a_end, b_end = box.b_end;
    for (Index c = pile_tops.back(); c != kUnmatched; c = predecessor[c]) {
      const auto [i, j] = candidates[c];
      partner_[i] = j;
      if (i + 1 < a_end && j + 1 < b_end) pending.push_back(Box<Index>{i + 1, a_end, j + 1, b_end});
      a_end = i;
      b_end = j;
    }
    if (box.a_begin < a_end && box.b_begin < b_end) {
      pending.push_back(Box<Index>{box.a_begin, a_end, box.b_begin, b_end});
    }
    return true;
  }

  // Myers' O((n+m)·d) search in linear space over the given elements,
  // splitting boxes at the middle snake with an explicit stack. Boxes past
  // kMaxEditDistance or the work budget stay unmatched.
  void myers(const std::vector<Index>& a_kept, const std::vector<Index>& b_kept) {
    std::vector<Box<Index>> boxes{
        Box<Index>{0, static_cast<Index>(a_kept.size()), 0, static_cast<Index>(b_kept.size())}};
    while (!boxes.empty()) {
      Box<Index> box = boxes.back();
      boxes.pop_back();
      while (!box.a_empty() && !box.b_empty() && a_[a_kept[box.a_begin]] == b_[b_kept[box.b_begin]]) {
        partner_[a_kept[box.a_begin++]] = b_kept[box.b_begin++];
      }
      while (!box.a_empty() && !box.b_empty() && a_[a_kept[box.a_end - 1]] == b_[b_kept[box.b_end - 1]]) {
        partner_[a_kept[--box.a_end]] = b_kept[--box.b_end];
      }
      if (box.a_empty() || box.b_empty()) continue;
      Index split_a = 0, split_b = 0;
      if (!middle_snake(a_kept, b_kept, box, split_a, split_b)) continue;
      boxes.push_back(Box<Index>{box.a_begin, split_a, box.b_begin, split_b});
      boxes.push_back(Box<Index>{split_a, box.a_end, split_b, box.b_end});
    }
  }

  // Runs the forward and backward searches of the box in lockstep until they
  // overlap on a diagonal, and reports a point on an optimal path strictly
  // inside the box (the box has no common prefix or suffix, so d >= 2). Ties
  // go the way xdiff's xdl_split breaks them, so that given git's input the
  // same path comes out. Diagonal k holds the points with x - y == k.
  bool middle_snake(const std::vector<Index>& a_kept, const std::vector<Index>& b_kept, const Box<Index>& box,
                    Index& split_a, Index& split_b) {
    const auto a_at = [&](std::ptrdiff_t x) { return a_[a_kept[static_cast<std::size_t>(x)]]; };
    const auto b_at = [&](std::ptrdiff_t y) { return b_[b_kept[static_cast<std::size_t>(y)]]; };
    const auto a_begin = static_cast<std::ptrdiff_t>(box.a_begin), a_end = static_cast<std::ptrdiff_t>(box.a_end);
    const auto b_begin = static_cast<std::ptrdiff_t>(box.b_begin), b_end = static_cast<std::ptrdiff_t>(box.b_end);
    const std::ptrdiff_t lowest_diagonal = a_begin - b_end, highest_diagonal = a_end - b_begin;
    const std::ptrdiff_t forward_center = a_begin - b_begin, backward_center = a_end - b_end;
    const bool odd = ((forward_center - backward_center) & 1) != 0;

    // Only diagonals within kMaxEditDistance / 2 + 2 of either center are
    // ever touched, so the arrays cover that band, not the whole box.
    const std::ptrdiff_t reach = std::min(kMaxEditDistance / 2 + 2, highest_diagonal - lowest_diagonal + 2);
    const std::ptrdiff_t forward_offset = reach - forward_center, backward_offset = reach - backward_center;
    forward_.assign(static_cast<std::size_t>(2 * reach + 1), 0);
    backward_.assign(static_cast<std::size_t>(2 * reach + 1), 0);
    const auto forward = [&](std::ptrdiff_t k) -> std::ptrdiff_t& {
      return forward_[static_cast<std::size_t>(k + forward_offset)];
    };
    const auto backward = [&](std::ptrdiff_t k) -> std::ptrdiff_t& {
      return backward_[static_cast<std::size_t>(k + backward_offset)];
    };

    // Unreached diagonals read as behind every real point of their search.
    const std::ptrdiff_t forward_unreached = -1, backward_unreached = std::numeric_limits<std::ptrdiff_t>::max();
    std::ptrdiff_t forward_min = forward_center, forward_max = forward_center;
    std::ptrdiff_t backward_min = backward_center, backward_max = backward_center;
    forward(forward_center) = a_begin;
    backward(backward_center) = a_end;

    for (std::ptrdiff_t cost = 1; cost <= kMaxEditDistance / 2 + 1; ++cost) {
      // Widen each band by one diagonal where the box allows, else narrow it
      // so that the band keeps the parity of this round.
      if (forward_min > lowest_diagonal) {
        forward(--forward_min - 1) = forward_unreached;
      } else {
        ++forward_min;
      }
      if (forward_max < highest_diagonal) {
        forward(++forward_max + 1) = forward_unreached;
      } else {
        --forward_max;
      }
      for (std::ptrdiff_t k = forward_max; k >= forward_min; k -= 2) {
        // Step right from diagonal k - 1 or down from k + 1, whichever gets
        // further (right on a tie, as xdiff does) without leaving the box.
        const bool can_go_right = forward(k - 1) != forward_unreached && forward(k - 1) < a_end;
        const bool can_go_down = forward(k + 1) != forward_unreached && forward(k + 1) - k <= b_end;
        if (!can_go_right && !can_go_down) {
          forward(k) = forward_unreached;
          continue;
        }
        std::ptrdiff_t x =
            can_go_right && (!can_go_down || forward(k - 1) >= forward(k + 1)) ? forward(k - 1) + 1 : forward(k + 1);
        const std::ptrdiff_t snake_start = x;
        std::ptrdiff_t y = x - k;
        while (x < a_end && y < b_end && a_at(x) == b_at(y)) ++x, ++y;
        if (!spend(static_cast<std::size_t>(x - snake_start) + 1)) return false;
        forward(k) = x;
        if (odd && backward_min <= k && k <= backward_max && backward(k) <= x) {
          split_a = static_cast<Index>(x);
          split_b = static_cast<Index>(y);
          return true;
        }
      }

      if (backward_min > lowest_diagonal) {
        backward(--backward_min - 1) = backward_unreached;
      } else {
        ++backward_min;
      }
      if (backward_max < highest_diagonal) {
        backward(++backward_max + 1) = backward_unreached;
      } else {
        --backward_max;
      }
      for (std::ptrdiff_t k = backward_max; k >= backward_min; k -= 2) {
        // Step up from diagonal k - 1 or left from k + 1, mirroring the above.
        const bool can_go_up = backward(k - 1) != backward_unreached && backward(k - 1) - k >= b_begin;
        const bool can_go_left = backward(k + 1) != backward_unreached && backward(k + 1) > a_begin;
        if (!can_go_up && !can_go_left) {
          backward(k) = backward_unreached;
          continue;
        }
        std::ptrdiff_t x =
            can_go_up && (!can_go_left || backward(k - 1) < backward(k + 1)) ? backward(k - 1) : backward(k + 1) - 1;
        const std::ptrdiff_t snake_start = x;
        std::ptrdiff_t y = x - k;
        while (x > a_begin && y > b_begin && a_at(x - 1) == b_at(y - 1)) --x, --y;
        if (!spend(static_cast<std::size_t>(snake_start - x) + 1)) return false;
        backward(k) = x;
        if (!odd && forward_min <= k && k <= forward_max && x <= forward(k)) {
          split_a = static_cast<Index>(x);
          split_b = static_cast<Index>(y);
          return true;
        }
      }
    }
    return false;
  }

  bool spend(std::size_t work) noexcept {
    if (work > myers_budget_) {
      myers_budget_ = 0;
      return false;
    }
    myers_budget_ -= work;
    return true;
  }

  std::vector<std::pair<std::size_t, std::size_t>> slid_pairs() {
    ChangeMap a_side{a_, a_size_, std::vector<char>(a_size_, 1)};
    ChangeMap b_side{b_, b_size_, std::vector<char>(b_size_, 1)};
    std::size_t matched = 0;
    for (Index i = 0; i < a_size_; ++i) {
      if (partner_[i] == kUnmatched) continue;
      a_side.changed[i] = 0;
      b_side.changed[partner_[i]] = 0;
      ++matched;
    }
    slide_changes(a_side, b_side);
    slide_changes(b_side, a_side);

    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    pairs.reserve(matched);
    std::size_t j = 0;
    for (std::size_t i = 0; i < a_side.size; ++i) {
      if (a_side.changed[i]) continue;
      while (b_side.changed[j]) ++j;
      pairs.emplace_back(i, j++);
    }
    return pairs;
  }

  const Token* a_;
  const Token* b_;
  Index a_size_;
  Index b_size_;
  Tokens renumbered_a_, renumbered_b_;
  std::vector<Occurrence<Index>> occurrences_;  // by token
  std::vector<Index> partner_;                  // partner_[i]: the b index matched to a[i], or kUnmatched
  std::size_t anchoring_budget_ = 0;
  std::size_t myers_budget_ = 0;
  std::vector<std::ptrdiff_t> forward_, backward_;  // furthest x reached per diagonal, reused across boxes
};

bool same_tokens(const Tokens& x, Span x_span, const Tokens& y, Span y_span) {
  return x_span.size() == y_span.size() && std::equal(x.begin() + static_cast<std::ptrdiff_t>(x_span.begin),
                                                      x.begin() + static_cast<std::ptrdiff_t>(x_span.end),
                                                      y.begin() + static_cast<std::ptrdiff_t>(y_span.begin));
}

constexpr std::size_t kNoPartner = std::numeric_limits<std::size_t>::max();

// partner[i]: the index in `side` matched to base[i], or kNoPartner.
std::vector<std::size_t> partners(const Tokens& base, const Tokens& side) {
  std::vector<std::size_t> partner(base.size(), kNoPartner);
  for (const auto& [i, j] : common_subsequence(base, side)) partner[i] = j;
  return partner;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> common_subsequence(const Tokens& a, const Tokens& b) {
  if (a.size() + b.size() < std::numeric_limits<std::uint32_t>::max()) return Matcher<std::uint32_t>(a, b).run();
  return Matcher<std::size_t>(a, b).run();
}

std::vector<Diff3Chunk> diff3(const Tokens& base, const Tokens& mine, const Tokens& theirs) {
  const std::vector<std::size_t> in_mine = partners(base, mine);
  const std::vector<std::size_t> in_theirs = partners(base, theirs);

  std::vector<Diff3Chunk> chunks;
  const auto emit = [&chunks](Diff3Chunk::Kind kind, Span b, Span m, Span t) {
    if (b.empty() && m.empty() && t.empty()) return;
    if (kind == Diff3Chunk::Kind::Stable && !chunks.empty() && chunks.back().kind == kind) {
      chunks.back().base.end = b.end;
      chunks.back().mine.end = m.end;
      chunks.back().theirs.end = t.end;
      return;
    }
    chunks.push_back(Diff3Chunk{kind, b, m, t});
  };

  std::size_t o = 0, a = 0, b = 0;  // next unconsumed index in base, mine, theirs
  while (o < base.size() || a < mine.size() || b < theirs.size()) {
    // A stable run: base elements that both matchings send to the next
    // element of their side.
    std::size_t run = 0;
    while (o + run < base.size() && in_mine[o + run] == a + run && in_theirs[o + run] == b + run) ++run;
    if (run > 0) {
      emit(Diff3Chunk::Kind::Stable, Span{o, o + run}, Span{a, a + run}, Span{b, b + run});
      o += run;
      a += run;
      b += run;
      continue;
    }
    // An unstable chunk reaches up to the next base element matched on both
    // sides (matchings are monotone, so its partners lie ahead of a and b).
    // Changes that touch, with no stable element between them, share one
    // chunk: git merge-file treats them as one hunk too.
    std::size_t next = o;
    while (next < base.size() && (in_mine[next] == kNoPartner || in_theirs[next] == kNoPartner)) ++next;
    const Span base_span{o, next};
    const Span mine_span{a, next < base.size() ? in_mine[next] : mine.size()};
    const Span theirs_span{b, next < base.size() ? in_theirs[next] : theirs.size()};
    const bool mine_kept = same_tokens(mine, mine_span, base, base_span);
    const bool theirs_kept = same_tokens(theirs, theirs_span, base, base_span);
    Diff3Chunk::Kind kind = Diff3Chunk::Kind::Conflict;
    // All three can agree here only where a capped or anchored matching
    // missed an alignment; that is stable all the same.
    if (mine_kept && theirs_kept) {
      kind = Diff3Chunk::Kind::Stable;
    } else if (mine_kept) {
      kind = Diff3Chunk::Kind::TheirsChanged;
    } else if (theirs_kept) {
      kind = Diff3Chunk::Kind::MineChanged;
    } else if (same_tokens(mine, mine_span, theirs, theirs_span)) {
      kind = Diff3Chunk::Kind::BothSame;
    }
    emit(kind, base_span, mine_span, theirs_span);
    o = base_span.end;
    a = mine_span.end;
    b = theirs_span.end;
  }
  return chunks;
}

}  // namespace truce
