#pragma once
// JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7396).
//
// apply_patch is atomic: it works on a copy and returns the result only when
// every operation succeeded, so a failing patch changes nothing.

#include <cstddef>

#include "truce/document.hpp"
#include "truce/pointer.hpp"

namespace truce {

struct PatchLimits {
  std::size_t max_operations = 100000;
  // JSON values (each object, array, string, number... counted once) that
  // copy ops may duplicate in all: a few dozen ops copying the root into
  // itself would otherwise double the document each time.
  std::size_t max_copied_values = 1000000;
};

// Applies an RFC 6902 patch (an array of operations) to `document`.
// - INVALID_PATCH when the patch is not an array of objects, an op is
//   unknown, a member is missing or of the wrong type ("path"/"from" not
//   strings, "value" missing for add/replace/test), an op's target does not
//   exist (remove/replace/move/copy/test from a missing location, add under a
//   missing parent or at an out-of-range index), a value is moved into its own
//   child, or a test op does not hold. details: {"index": n (0-based op index),
//   "op": the op name or null, "reason": short machine-readable word:
//   "malformed" | "unknown_op" | "missing_target" | "test_failed" | "move_into_child"}.
// - INVALID_POINTER (details also carry "index") when a "path"/"from" is not
//   a valid JSON Pointer.
// - LIMIT_EXCEEDED when the patch has more than limits.max_operations ops, or
//   its copy ops duplicate more than limits.max_copied_values values
//   (details: limit "copied_values", max, index).
// Test ops compare by JSON value: 1 == 1.0, objects regardless of key order.
Document apply_patch(const Document& document, const Document& patch, const PatchLimits& limits = {});

// RFC 7396: the merge patch that turns `from` into `to` (null removes a key;
// arrays and scalars are replaced whole; objects recurse). A merge patch
// cannot give an object member the value null (null means "remove"), so when
// `to` has a null member that `from` does not have with that value,
// INVALID_ARGUMENT (details: path, the JSON Pointer of that member) rather
// than a patch that would silently delete it.
Document create_merge_patch(const Document& from, const Document& to);
// RFC 7396 MergePatch(target, patch).
Document apply_merge_patch(const Document& target, const Document& patch);

}  // namespace truce
