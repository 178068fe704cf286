#pragma once
// Timestamps as versions (`updated_at` columns): two spellings of the same
// instant must compare equal, so text is parsed to a UTC instant first.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "truce/error.hpp"

namespace truce {

// Microseconds since 1970-01-01T00:00:00Z (UTC); may be negative.
struct Instant {
  std::int64_t micros = 0;
  friend bool operator==(Instant a, Instant b) noexcept { return a.micros == b.micros; }
  friend bool operator!=(Instant a, Instant b) noexcept { return a.micros != b.micros; }
  friend bool operator<(Instant a, Instant b) noexcept { return a.micros < b.micros; }
};

// RFC 3339 date-time, plus the ISO 8601 spellings servers emit:
//   YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[.fraction](Z|z|+hh:mm|-hh:mm|+hhmm|+hh)
// Years 0001-9999; day checked against the month (leap years included);
// second 60 (a leap second) is accepted and counts as the next second;
// fractions of up to 9 digits are truncated to microseconds.
// INVALID_VERSION (details: value) for anything else.
Instant parse_timestamp(std::string_view text);

// RFC 3339 in UTC: "2026-01-19T10:00:00Z", with ".ffffff" only when the
// instant has a sub-second part (trailing zeros trimmed to 3 or 6 digits).
std::string format_timestamp(Instant instant);

// Like check_version, for `updated_at` versions: empty when `actual` (absent:
// no resource) is the same instant as `expected`; otherwise VERSION_CONFLICT,
// message "Expected version <expected as given>, resource is at version
// <actual as given>" (or "..., resource does not exist"), details
// {"expected": text, "actual": text or null}. INVALID_VERSION if either text
// does not parse.
[[nodiscard]] std::optional<Error> check_timestamp_version(std::string_view expected,
                                                           std::optional<std::string_view> actual);

}  // namespace truce
