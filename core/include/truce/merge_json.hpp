#pragma once
// Three-way merge of JSON texts, for callers that hold wire text (a server's
// request bodies, mergeJSON in JS): the answer is byte for byte that of
// parsing the three texts, merge() and compact to_json_text(), and it comes
// faster, because items of identity arrays that are byte-identical on all
// three sides are copied as text instead of being built, compared and
// printed (docs/decisions.md, "Merging texts").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "truce/json.hpp"
#include "truce/merge.hpp"

namespace truce {

// (bugprone-exception-escape: only inside Document's implicit noexcept moves
// and destructor, where nlohmann may allocate its teardown stack.)
// NOLINTNEXTLINE(bugprone-exception-escape)
struct JsonMergeResult {
  std::string merged_text;  // compact
  std::vector<Conflict> conflicts;
  MergeStats stats;
  // Identity-array items left as text (same bytes on all three sides): the
  // stubs made, counted once for the three sides.
  std::size_t items_copied_as_text = 0;

  bool clean() const noexcept { return conflicts.empty(); }
};

// Errors as merge() and parse_json() give them; those about a text say which
// one: the message starts "base: ", "mine: " or "theirs: " and details.side
// names it. Every text's size is checked before any is read, then base, mine
// and theirs in that order.
JsonMergeResult merge_json(std::string_view base, std::string_view mine, std::string_view theirs,
                           const MergeOptions& options = {}, const ParseLimits& limits = {});

}  // namespace truce
