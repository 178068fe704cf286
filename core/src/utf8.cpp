#include "truce/utf8.hpp"

#include "utf8.hpp"

namespace truce {

bool is_valid_utf8(std::string_view text) noexcept { return detail::is_valid_utf8(text); }

namespace detail {

std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    if (const std::size_t length = utf8_length(p, end); length != 0) {
      out.append(p, length);
      p += length;
      continue;
    }
    // How far the character starting at p stays well-formed: its lead byte
    // and the continuation bytes that fit it.
    const Utf8Lead lead = utf8_lead(static_cast<unsigned char>(*p++));
    unsigned char low = lead.low, high = lead.high;
    for (std::size_t more = lead.length > 1 ? lead.length - 1 : 0; more > 0 && p < end;
         --more, low = 0x80, high = 0xBF) {
      const auto c = static_cast<unsigned char>(*p);
      if (c < low || c > high) break;
      ++p;
    }
    out += "\xEF\xBF\xBD";
  }
  return out;
}

}  // namespace detail

}  // namespace truce
