#pragma once
// Internal: merge() for callers that already know how deep the documents
// are (merge_json learnt it while reading the texts, and its documents hide
// most of their depth in stubs), so the check's walk of all three is skipped.
#include "truce/merge.hpp"

namespace truce::detail {

// The documents must be distinct and no deeper than options.max_depth.
MergeResult merge_within_depth(Document&& base, Document&& mine, Document&& theirs, const MergeOptions& options);

}  // namespace truce::detail
