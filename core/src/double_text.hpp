#pragma once
// Internal: exact conversions between decimal digits and doubles, the same
// in both runtimes without the C library's strtod and printf (musl's, with
// their long-double arithmetic, were 5 KB of the gzipped module).
#include <string>
#include <string_view>

namespace truce::detail {

// The double nearest a JSON number (RFC 8259 grammar, already checked), ties
// to even, as a correctly rounding strtod reads it: ±infinity past the
// largest double, ±0 at or below half the smallest subnormal; "-0" is -0.0.
double parse_double(std::string_view number) noexcept;

// The double nearest DIGITS × 10^exponent (digits: '0'-'9', at least one).
double decimal_to_double(std::string_view digits, int exponent) noexcept;

// The exact value of a finite x > 0: its significant digits, without leading
// or trailing zeros, and ECMAScript's n, so that x = 0.DIGITS × 10^n.
struct ExactDecimal {
  std::string digits;
  int point = 0;
};
ExactDecimal exact_decimal(double x);

}  // namespace truce::detail
