#pragma once
// Optimistic locking: what a writer expects the resource's version to be, and
// the check a store runs before it writes.
//
// Versions are int64 revisions. A resource that does not exist has no version;
// the first write creates version 1 and every successful write produces
// exactly `actual + 1`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "truce/document.hpp"
#include "truce/error.hpp"

namespace truce {

using Version = std::int64_t;

class Expected {
 public:
  enum class Kind { Any, NoStream, Exists, Exact };

  static Expected any() noexcept { return Expected(Kind::Any, 0); }
  // The resource must not exist yet (create-only).
  static Expected no_stream() noexcept { return Expected(Kind::NoStream, 0); }
  static Expected exists() noexcept { return Expected(Kind::Exists, 0); }
  // INVALID_VERSION when revision < 0.
  static Expected exact(Version revision);

  // Wire form: "any", "exists", null / -1 / "no_stream", an integer >= 0, or
  // that integer as a decimal string (how JS carries versions past 2^53 - 1).
  // Anything else: INVALID_VERSION.
  static Expected from_json(const Document& wire);
  // Header form (X-Expected-Version): "any", "exists", "no_stream", "-1", digits.
  static Expected parse(std::string_view text);

  Kind kind() const noexcept { return kind_; }
  // Meaningful for Kind::Exact only.
  Version revision() const noexcept { return revision_; }

  // "any", "exists", -1 (no_stream) or the revision.
  Document to_json() const;
  // "any", "exists", "no_stream" or the revision: the form used in messages.
  std::string to_string() const;

  friend bool operator==(const Expected& a, const Expected& b) noexcept {
    return a.kind_ == b.kind_ && (a.kind_ != Kind::Exact || a.revision_ == b.revision_);
  }
  friend bool operator!=(const Expected& a, const Expected& b) noexcept { return !(a == b); }

 private:
  Expected(Kind kind, Version revision) noexcept : kind_(kind), revision_(revision) {}
  Kind kind_;
  Version revision_;
};

// Empty when `actual` (absent: the resource does not exist) satisfies
// `expected`; otherwise a VERSION_CONFLICT error whose message reads
// "Expected version 2, resource is at version 3" and whose details are
// {"expected": <Expected::to_json()>, "actual": <version or null>}.
[[nodiscard]] std::optional<Error> check_version(const Expected& expected, std::optional<Version> actual);

// The version a successful write produces: 1 for a new resource, else
// current + 1. INVALID_VERSION for a negative current, LIMIT_EXCEEDED at
// INT64_MAX (never a wrap).
Version next_version(std::optional<Version> current);

// A version from JSON (integer >= 0 or its decimal string): INVALID_VERSION otherwise.
Version version_from_json(const Document& wire);

}  // namespace truce
