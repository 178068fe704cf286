#pragma once
// What the libFuzzer harnesses share: the input cut into parts at NUL bytes
// (JSON text never holds a raw NUL), parsing that tolerates refusals, and a
// property check that stops the run with a message when a property fails.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "truce/canonical_json.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce::fuzz {

inline std::vector<std::string_view> parts(const std::uint8_t* data, std::size_t size, std::size_t count) {
  std::vector<std::string_view> out;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (out.size() + 1 < count) {
    const auto cut = rest.find('\0');
    if (cut == std::string_view::npos) break;
    out.push_back(rest.substr(0, cut));
    rest.remove_prefix(cut + 1);
  }
  out.push_back(rest);
  return out;
}

// Bad input is refused with a truce::Error: fine, and nothing to check.
inline std::optional<Document> parsed(std::string_view text) {
  try {
    return parse_json(text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

// Order-insensitive and number-spelling-insensitive comparison; nullopt
// when a value has no canonical form (e.g. a number beyond double range).
inline std::optional<std::string> canonical(const Document& value) {
  try {
    return canonical_json(value);
  } catch (const Error&) {
    return std::nullopt;
  }
}

[[noreturn]] inline void property_failed(const char* property, const std::string& detail) {
  std::fprintf(stderr, "property failed: %s\n%s\n", property, detail.c_str());
  std::abort();
}

inline void check(bool holds, const char* property, const std::string& detail = {}) {
  if (!holds) property_failed(property, detail);
}

}  // namespace truce::fuzz
