#pragma once
// Internal: UTF-8 well-formedness as RFC 3629 §4 defines it (no overlong
// forms, no surrogates, nothing above U+10FFFF), shared by the parser, the
// printer and error messages.
#include <cstddef>
#include <string>
#include <string_view>

namespace truce::detail {

// What a byte asks of the character it starts: its length in bytes (0: no
// character starts with it) and the range of its second byte, which rules
// out overlong forms, surrogates and code points past U+10FFFF.
struct Utf8Lead {
  std::size_t length;
  unsigned char low, high;
};

inline Utf8Lead utf8_lead(unsigned char c) noexcept {
  if (c < 0x80) return {1, 0, 0};
  if (c >= 0xC2 && c <= 0xDF) return {2, 0x80, 0xBF};
  if (c >= 0xE0 && c <= 0xEF)
    return {3, static_cast<unsigned char>(c == 0xE0 ? 0xA0 : 0x80),
            static_cast<unsigned char>(c == 0xED ? 0x9F : 0xBF)};
  if (c >= 0xF0 && c <= 0xF4)
    return {4, static_cast<unsigned char>(c == 0xF0 ? 0x90 : 0x80),
            static_cast<unsigned char>(c == 0xF4 ? 0x8F : 0xBF)};
  return {0, 0, 0};
}

// Length of the well-formed character at p (1 to 4), or 0 when there is none.
inline std::size_t utf8_length(const char* p, const char* end) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  if (u[0] < 0x80) return 1;
  const Utf8Lead lead = utf8_lead(u[0]);
  if (lead.length == 0 || static_cast<std::size_t>(end - p) < lead.length || u[1] < lead.low || u[1] > lead.high)
    return 0;
  for (std::size_t i = 2; i < lead.length; ++i)
    if (u[i] < 0x80 || u[i] > 0xBF) return 0;
  return lead.length;
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

// `text` with each invalid sequence spelled as one U+FFFD: a byte that starts
// no character alone, else the start of a character up to the byte that
// breaks it (Unicode's "maximal subpart", which nlohmann's dump with
// error_handler_t::replace also follows).
std::string replace_invalid_utf8(std::string_view text);

}  // namespace truce::detail
