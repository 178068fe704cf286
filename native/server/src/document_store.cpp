#include "truce/document_store.hpp"

#include <algorithm>
#include <limits>

namespace truce {

Version DocumentStoreOptions::history_span() const {
  // Versions are int64: a longer history keeps them all (SIZE_MAX, "keep
  // everything", once wrapped to -1 and pruned the current version away).
  constexpr auto longest = static_cast<std::size_t>(std::numeric_limits<Version>::max());
  return static_cast<Version>(std::min(history, longest));
}

void DocumentStoreOptions::validate() const {
  if (history < 1) throw Error(Code::InvalidArgument, "A document store keeps at least one version (history >= 1)");
}

Error PutResult::conflict_error(const Expected& expected) const {
  const std::optional<Version> actual = current ? std::optional<Version>(current->version) : std::nullopt;
  if (auto error = check_version(expected, actual)) return *error;
  return Error(Code::Internal, "conflict_error called on a write that the version check allows");
}

}  // namespace truce
