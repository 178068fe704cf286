#pragma once
// Internal: UTF-8 well-formedness as RFC 3629 §4 defines it (no overlong
// forms, no surrogates, nothing above U+10FFFF), shared by the parser, the
// printer and error messages.
#include <cstddef>
#include <string_view>

namespace truce::detail {

// Length of the well-formed character at p (1 to 4), or 0 when there is none.
inline std::size_t utf8_length(const char* p, const char* end) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const auto left = static_cast<std::size_t>(end - p);
  const unsigned char c = u[0];
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (left < length || u[1] < low || u[1] > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (u[i] < 0x80 || u[i] > 0xBF) return 0;
  return length;
}

inline bool is_valid_utf8(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const std::size_t length = utf8_length(p, end);
    if (length == 0) return false;
    p += length;
  }
  return true;
}

}  // namespace truce::detail
