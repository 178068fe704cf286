#include "double_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace truce::detail {
namespace {

// Products of two 64-bit words and quotients by one: GCC and clang have them
// natively and in WebAssembly.
__extension__ typedef unsigned __int128 Wide;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Pow5 {
  std::uint64_t value[28];  // 5^27 is the largest power of 5 in 64 bits
  constexpr Pow5() : value() {
    value[0] = 1;
    for (int i = 1; i < 28; ++i) value[i] = value[i - 1] * 5;
  }
};
constexpr Pow5 kPow5;

int leading_zeros(std::uint64_t v) { return __builtin_clzll(v); }

// A nonnegative integer in 32-bit words, least significant first. 96 words
// hold the largest numbers below: 801 digits over 5^1124 shifted by 66 bits
// (2,680 bits) and a subnormal's 2^-1074 scaled to an integer (2,547 bits).
class Big {
 public:
  explicit Big(std::uint64_t value) {
    for (; value != 0; value >>= 32) words_[size_++] = static_cast<std::uint32_t>(value);
  }

  bool is_zero() const { return size_ == 0; }

  int bit_length() const { return size_ == 0 ? 0 : 32 * size_ - (leading_zeros(words_[size_ - 1]) - 32); }

  // *this = *this × factor + addend
  void multiply_add(std::uint32_t factor, std::uint32_t addend) {
    std::uint64_t carry = addend;
    for (int i = 0; i < size_; ++i) {
      carry += static_cast<std::uint64_t>(words_[i]) * factor;
      words_[i] = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry != 0) words_[size_++] = static_cast<std::uint32_t>(carry);
  }

  void multiply_pow5(std::int64_t exponent) {
    for (; exponent >= 13; exponent -= 13) multiply_add(static_cast<std::uint32_t>(kPow5.value[13]), 0);
    if (exponent > 0) multiply_add(static_cast<std::uint32_t>(kPow5.value[exponent]), 0);
  }

  void shift_left(std::int64_t bits) {
    if (size_ == 0 || bits == 0) return;
    const int whole = static_cast<int>(bits / 32);
    const int part = static_cast<int>(bits % 32);
    if (part != 0) {
      std::uint32_t carry = 0;
      for (int i = 0; i < size_; ++i) {
        const std::uint32_t word = words_[i];
        words_[i] = (word << part) | carry;
        carry = word >> (32 - part);
      }
      if (carry != 0) words_[size_++] = carry;
    }
    if (whole != 0) {
      std::memmove(words_ + whole, words_, sizeof(std::uint32_t) * static_cast<std::size_t>(size_));
      std::fill(words_, words_ + whole, 0U);
      size_ += whole;
    }
  }

  void shift_right_one() {
    for (int i = 0; i < size_; ++i) words_[i] = (words_[i] >> 1) | (i + 1 < size_ ? words_[i + 1] << 31 : 0U);
    trim();
  }

  int compare(const Big& other) const {
    if (size_ != other.size_) return size_ < other.size_ ? -1 : 1;
    for (int i = size_ - 1; i >= 0; --i)
      if (words_[i] != other.words_[i]) return words_[i] < other.words_[i] ? -1 : 1;
    return 0;
  }

  // other <= *this
  void subtract(const Big& other) {
    std::uint64_t borrow = 0;
    for (int i = 0; i < size_; ++i) {
      const std::uint64_t difference = std::uint64_t{words_[i]} - (i < other.size_ ? other.words_[i] : 0U) - borrow;
      words_[i] = static_cast<std::uint32_t>(difference);
      borrow = difference >> 63;
    }
    trim();
  }

  // Divides in place and returns the remainder.
  std::uint32_t divide(std::uint32_t divisor) {
    std::uint64_t remainder = 0;
    for (int i = size_ - 1; i >= 0; --i) {
      const std::uint64_t current = (remainder << 32) | words_[i];
      words_[i] = static_cast<std::uint32_t>(current / divisor);
      remainder = current % divisor;
    }
    trim();
    return static_cast<std::uint32_t>(remainder);
  }

  // The top 64 bits (the number is at least 2^63) and whether a bit below them is set.
  std::uint64_t top64(bool& lower_bits) const {
    const int low = bit_length() - 64;
    const int index = low / 32;
    const int part = low % 32;
    const Wide window = Wide{word(index)} | (Wide{word(index + 1)} << 32) | (Wide{word(index + 2)} << 64);
    lower_bits = (words_[index] & ((std::uint32_t{1} << part) - 1)) != 0 ||
                 std::any_of(words_, words_ + index, [](std::uint32_t w) { return w != 0; });
    return static_cast<std::uint64_t>(window >> part);
  }

 private:
  std::uint32_t word(int i) const { return i < size_ ? words_[i] : 0U; }
  void trim() {
    while (size_ > 0 && words_[size_ - 1] == 0) --size_;
  }

  std::uint32_t words_[96] = {};
  int size_ = 0;
};

// The double nearest t × 2^exponent (t's top bit set), a little more when
// `sticky` (some bits below t were set), ties to even.
double round_to_double(std::uint64_t t, std::int64_t exponent, bool sticky) {
  const std::int64_t top = exponent + 63;  // the exponent of t's top bit
  if (top > 1023) return kInfinity;
  const std::int64_t kept = top >= -1022 ? 53 : 53 - (-1022 - top);  // subnormals keep fewer bits
  if (kept < 0) return 0.0;
  const int dropped = static_cast<int>(64 - kept);
  std::uint64_t mantissa = dropped == 64 ? 0 : t >> dropped;
  const std::uint64_t half = std::uint64_t{1} << (dropped - 1);
  const bool above_half = (t & (half - 1)) != 0 || sticky;
  if ((t & half) != 0 && (above_half || (mantissa & 1) != 0)) ++mantissa;
  std::uint64_t bits = mantissa;  // a subnormal, or 2^52: the smallest normal
  if (top >= -1022) {
    auto biased = static_cast<std::uint64_t>(top + 1023);
    if (mantissa >> 53 != 0) {  // rounded up to the next power of two
      mantissa >>= 1;
      ++biased;
    }
    if (biased > 2046) return kInfinity;
    bits = (biased << 52) | (mantissa & ((std::uint64_t{1} << 52) - 1));
  }
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

double round_to_double(Wide q, std::int64_t exponent, bool sticky) {
  const auto high = static_cast<std::uint64_t>(q >> 64);
  const int length = high != 0 ? 128 - leading_zeros(high) : 64 - leading_zeros(static_cast<std::uint64_t>(q));
  if (length > 64) {
    const int cut = length - 64;
    sticky = sticky || (q & ((Wide{1} << cut) - 1)) != 0;
    return round_to_double(static_cast<std::uint64_t>(q >> cut), exponent + cut, sticky);
  }
  return round_to_double(static_cast<std::uint64_t>(q) << (64 - length), exponent - (64 - length), sticky);
}

// DIGITS × 10^exponent: significant digits from `first` to `last` (both ends
// nonzero digits; a '.' among them is skipped), `count` of them.
struct Digits {
  const char* first;
  const char* last;
  std::int64_t count;
  std::int64_t exponent;
};

Digits significant(const char* first, const char* last, std::int64_t exponent) {
  while (first != last && (*first == '0' || *first == '.')) ++first;
  if (first == last) return {first, first, 0, 0};
  for (; last[-1] == '0' || last[-1] == '.'; --last)
    if (last[-1] == '0') ++exponent;
  const auto count = static_cast<std::int64_t>(last - first) - (std::find(first, last, '.') != last ? 1 : 0);
  return {first, last, count, exponent};
}

double to_double(const Digits& digits) {
  if (digits.count == 0) return 0.0;
  const std::int64_t point = digits.count + digits.exponent;  // the value is below 10^point, at least 10^(point-1)
  if (point > 309) return kInfinity;
  if (point < -323) return 0.0;  // below 10^-324, less than half the smallest subnormal
  std::int64_t exponent = digits.exponent;

  if (digits.count <= 19) {
    std::uint64_t w = 0;
    for (const char* p = digits.first; p != digits.last; ++p)
      if (*p != '.') w = w * 10 + static_cast<std::uint64_t>(*p - '0');
    // Clinger's fast path: both operands exact, so the one rounding is right.
    if (w <= (std::uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
      const std::int64_t n = exponent < 0 ? -exponent : exponent;
      const double scale = static_cast<double>(kPow5.value[n]) * static_cast<double>(std::uint64_t{1} << n);
      return exponent < 0 ? static_cast<double>(w) / scale : static_cast<double>(w) * scale;
    }
    // w × 5^e × 2^e exactly in 128 bits.
    if (exponent >= 0 && exponent <= 27) return round_to_double(Wide{w} * kPow5.value[exponent], exponent, false);
    // w × 2^k / 5^n: a quotient of at least 64 bits and whether it was exact.
    if (exponent < 0 && exponent >= -27) {
      const int shift = leading_zeros(w);
      const Wide numerator = Wide{w << shift} << 64;
      const std::uint64_t divisor = kPow5.value[-exponent];
      return round_to_double(numerator / divisor, exponent - 64 - shift, numerator % divisor != 0);
    }
  }

  // Exact big-integer arithmetic. Beyond 800 digits, the first 800 and a
  // nonzero 801st stand for the rest: no halfway point between two doubles
  // has more than 767 significant digits, so the rounding comes out the same.
  Big value(0);
  std::uint32_t chunk = 0;
  int chunk_digits = 0;
  std::int64_t taken = 0;
  for (const char* p = digits.first; p != digits.last && taken < 800; ++p) {
    if (*p == '.') continue;
    chunk = chunk * 10 + static_cast<std::uint32_t>(*p - '0');
    ++taken;
    if (++chunk_digits == 9) {
      value.multiply_add(1000000000U, chunk);
      chunk = 0;
      chunk_digits = 0;
    }
  }
  if (chunk_digits != 0)
    value.multiply_add(static_cast<std::uint32_t>(kPow5.value[chunk_digits] << chunk_digits), chunk);
  if (digits.count > 800) {
    value.multiply_add(10, 1);
    exponent += digits.count - 801;
  }

  if (exponent >= 0) {  // an integer: its top 64 bits and whether any below is set
    value.multiply_pow5(exponent);
    bool lower_bits = false;
    const std::uint64_t top = value.top64(lower_bits);
    return round_to_double(top, value.bit_length() - 64 + exponent, lower_bits);
  }
  // value / 10^n = value / 5^n × 2^-n: a quotient of 66 bits by long division.
  const std::int64_t n = -exponent;
  Big divisor(1);
  divisor.multiply_pow5(n);
  const std::int64_t shift = divisor.bit_length() + 66 - value.bit_length();
  if (shift >= 0) {
    value.shift_left(shift);
  } else {
    divisor.shift_left(-shift);
  }
  divisor.shift_left(66);
  Wide quotient = 0;
  for (int bit = 66; bit >= 0; --bit) {
    quotient <<= 1;
    if (value.compare(divisor) >= 0) {
      value.subtract(divisor);
      quotient |= 1;
    }
    divisor.shift_right_one();
  }
  return round_to_double(quotient, -shift - n, !value.is_zero());
}

}  // namespace

double parse_double(std::string_view number) noexcept {
  const char* p = number.data();
  const char* const end = p + number.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* const first = p;
  while (p != end && ((*p >= '0' && *p <= '9') || *p == '.')) ++p;
  const char* const mantissa_end = p;
  std::int64_t exponent = 0;
  if (p != end) {  // 'e' or 'E'
    ++p;
    const bool exponent_negative = p != end && *p == '-';
    if (p != end && (*p == '+' || *p == '-')) ++p;
    // Capped far beyond any double and any text's digit count (10^17 digits),
    // so it cannot overflow.
    for (; p != end; ++p)
      if (exponent < 100000000000000000) exponent = exponent * 10 + (*p - '0');
    if (exponent_negative) exponent = -exponent;
  }
  const char* const dot = std::find(first, mantissa_end, '.');
  if (dot != mantissa_end) exponent -= mantissa_end - dot - 1;
  const double magnitude = to_double(significant(first, mantissa_end, exponent));
  return negative ? -magnitude : magnitude;
}

double decimal_to_double(std::string_view digits, int exponent) noexcept {
  return to_double(significant(digits.data(), digits.data() + digits.size(), exponent));
}

ExactDecimal exact_decimal(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  int exponent = -1074;
  if (biased != 0) {
    mantissa |= std::uint64_t{1} << 52;
    exponent = biased - 1075;
  }
  const int zeros = __builtin_ctzll(mantissa);
  mantissa >>= zeros;
  exponent += zeros;
  // x = N × 10^power with N an integer: m × 2^e, or m × 5^-e × 10^e.
  Big n(mantissa);
  int power = 0;
  if (exponent >= 0) {
    n.shift_left(exponent);
  } else {
    n.multiply_pow5(-exponent);
    power = exponent;
  }
  char buffer[810];  // N has at most 767 digits
  char* const end = buffer + sizeof buffer;
  char* first = end;
  while (!n.is_zero()) {
    std::uint32_t chunk = n.divide(1000000000U);
    for (int i = 0; i < 9; ++i, chunk /= 10) *--first = static_cast<char>('0' + chunk % 10);
  }
  while (*first == '0') ++first;
  char* last = end;
  while (last[-1] == '0') --last;
  return {std::string(first, last), static_cast<int>(end - first) + power};
}

}  // namespace truce::detail
