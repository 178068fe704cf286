#pragma once
// Internal: the one parser for version digits in text (wire strings, headers, ETags).
#include <limits>
#include <optional>
#include <string_view>

#include "truce/version.hpp"

namespace truce::detail {

// Digits only (no sign, no spaces) that fit int64; nothing otherwise.
inline std::optional<Version> parse_version_digits(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  Version value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const int digit = c - '0';
    if (value > (std::numeric_limits<Version>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace truce::detail
