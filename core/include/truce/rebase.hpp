#pragma once
// rebase(patch, base, latest): the user's edits, expressed as a JSON Patch
// against `base`, carried onto `latest` (the server moved on meanwhile).

#include "truce/document.hpp"
#include "truce/merge.hpp"

namespace truce {

struct RebaseResult {
  MergeResult merge;  // merge(base, apply_patch(base, patch), latest)
  // The user's edits re-expressed against `latest`: apply_patch(latest, patch) == merge.merged.
  Document patch;
};

// INVALID_PATCH / INVALID_POINTER when `patch` does not apply to `base`.
RebaseResult rebase(const Document& patch, const Document& base, const Document& latest,
                    const MergeOptions& options = {});

}  // namespace truce
