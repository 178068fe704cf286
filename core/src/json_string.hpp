#pragma once
// Internal: JSON string text, shared by the parser, the printer and the
// canonical form. nlohmann's dump and JSON.stringify (RFC 8785 §3.2.2.2)
// escape strings the same way: \" \\ \b \f \n \r \t, other control
// bytes as \u00xx in lowercase hex, everything else as it is.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "utf8.hpp"

namespace truce::detail {

// Eight bytes at a time: which bytes need a closer look inside a string (a
// quote, a backslash, a control byte, or a byte of a multi-byte character)?
// The lowest set bit (0x80 of a byte) marks the first such byte exactly;
// bits above it may be false alarms (borrows), which callers never read.
inline std::uint64_t special_bytes(std::uint64_t v) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
  const std::uint64_t control = (v - ones * 0x20) & ~v & highs;
  return control | has_zero(v ^ (ones * '"')) | has_zero(v ^ (ones * '\\')) | (v & highs);
}

inline bool plain_string_byte(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\' && c < 0x80; }

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "skip_plain reads the first byte as the lowest");

// The first byte from p on that is not plain (or end).
inline const char* skip_plain(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    // Little-endian loads (x86, WebAssembly): the first byte is the lowest.
    if (const std::uint64_t special = special_bytes(v); special != 0)
      return p + (__builtin_ctzll(special) >> 3);
    p += 8;
  }
  while (p < end && plain_string_byte(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// Writes `text` escaped, without its quotes, through `out`: plain runs and
// whole UTF-8 characters through out.copy(bytes, n); before each escape (at
// most 6 bytes) out.make_room(n) for the escape, the rest of the text and a
// closing quote, so a writer into a fixed buffer can grow it only there.
// False when `text` is not UTF-8 (with part of it written).
template <typename Out>
bool write_json_string_body(std::string_view text, Out& out) {
  static constexpr char hex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char* run = skip_plain(p, end);
    out.copy(p, static_cast<std::size_t>(run - p));
    p = run;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      const std::size_t length = utf8_length(p, end);
      if (length == 0) return false;
      out.copy(p, length);
      p += length;
      continue;
    }
    ++p;
    char escape[6] = {'\\', 0, '0', '0', hex[c >> 4], hex[c & 15]};
    std::size_t length = 2;
    switch (c) {
      case '"': escape[1] = '"'; break;
      case '\\': escape[1] = '\\'; break;
      case '\b': escape[1] = 'b'; break;
      case '\f': escape[1] = 'f'; break;
      case '\n': escape[1] = 'n'; break;
      case '\r': escape[1] = 'r'; break;
      case '\t': escape[1] = 't'; break;
      default:
        escape[1] = 'u';
        length = 6;
    }
    out.make_room(length + static_cast<std::size_t>(end - p) + 1);
    out.copy(escape, length);
  }
  return true;
}

// Appends `text` quoted and escaped; false when it is not UTF-8 (with `out`
// partly written).
inline bool append_json_string(std::string& out, std::string_view text) {
  struct Appender {
    std::string& out;
    void copy(const char* bytes, std::size_t n) { out.append(bytes, n); }
    void make_room(std::size_t) {}
  } appender{out};
  out += '"';
  if (!write_json_string_body(text, appender)) return false;
  out += '"';
  return true;
}

}  // namespace truce::detail
