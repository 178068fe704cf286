#pragma once
// Internal: whether a merge rule's pattern (pointer tokens, "*" matching any
// one token) names a path.
#include <string>
#include <vector>

namespace truce::detail {

inline bool pattern_matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (pattern[i] != "*" && pattern[i] != path[i]) return false;
  return true;
}

}  // namespace truce::detail
