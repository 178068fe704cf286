#pragma once
// diff(from, to): an RFC 6902 JSON Patch that turns `from` into `to`, so that
// apply_patch(from, diff(from, to)) == to. Arrays of objects carrying an
// identity field are compared by identity: an item that moved becomes one
// `move` (items on the longest common subsequence of ids stay put), and edits
// inside it become ops on its fields. Other arrays are compared element by
// element along a common subsequence of values.

#include <string>

#include "truce/document.hpp"

namespace truce {

struct DiffOptions {
  std::string id_key = "id";  // empty: no identity matching
};

Document diff(const Document& from, const Document& to, const DiffOptions& options = {});

}  // namespace truce
