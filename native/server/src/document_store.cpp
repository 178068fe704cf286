#include "truce/document_store.hpp"

namespace truce {

void DocumentStoreOptions::validate() const {
  if (history < 1) throw Error(Code::InvalidArgument, "A document store keeps at least one version (history >= 1)");
}

Error PutResult::conflict_error(const Expected& expected) const {
  const std::optional<Version> actual = current ? std::optional<Version>(current->version) : std::nullopt;
  if (auto error = check_version(expected, actual)) return *error;
  return Error(Code::Internal, "conflict_error called on a write that the version check allows");
}

}  // namespace truce
