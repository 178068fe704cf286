#pragma once
// Parsing and printing JSON text with the limits hostile input needs: a
// depth cap (so no document is deeper than the code that walks it can bear),
// a size cap, and caps on single strings, names and containers (so a text
// within the size cap still cannot ask for one giant allocation), reported as
// errors with stable codes and byte offsets. docs/limits.md lists them all.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "truce/document.hpp"

namespace truce {

struct ParseLimits {
  std::size_t max_depth = 1000;
  std::size_t max_bytes = 64u << 20;
  std::size_t max_string_bytes = 16u << 20;  // one string value, in UTF-8 bytes once decoded
  std::size_t max_key_bytes = 64u << 10;     // one member name, likewise
  std::size_t max_array_items = 1000000;     // items of one array
  std::size_t max_object_members = 1000000;  // members of one object, repeated names included

  // No limit at all: for texts Truce printed itself.
  static constexpr ParseLimits none() { return {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}; }
};
// none() names every field: a new limit must be added there too.
static_assert(sizeof(ParseLimits) == 6 * sizeof(std::size_t));

// INVALID_JSON (details: offset, the byte where parsing failed) for malformed
// text or invalid UTF-8 (overlong forms, surrogates, truncated sequences, and
// \u escapes of lone surrogates, which no UTF-8 string can hold);
// LIMIT_EXCEEDED past a limit, details {limit, max} plus offset (where the
// string or container starts, or the depth was crossed) or actual (for
// "bytes", refused before anything is read). limit is one of "bytes",
// "depth", "string_bytes", "key_bytes", "array_items", "object_members".
Document parse_json(std::string_view text, const ParseLimits& limits = {});

// Compact text (indent < 0) or pretty-printed with `indent` spaces.
std::string to_json_text(const Document& value, int indent = -1);

}  // namespace truce
