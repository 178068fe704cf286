#pragma once
// Parsing and printing JSON text with the limits hostile input needs: a
// depth cap (so no document is deeper than the code that walks it can bear)
// and a size cap, reported as errors with stable codes and byte offsets.

#include <cstddef>
#include <string>
#include <string_view>

#include "truce/document.hpp"

namespace truce {

struct ParseLimits {
  std::size_t max_depth = 1000;
  std::size_t max_bytes = 64u << 20;
};

// INVALID_JSON (details: offset, the byte where parsing failed) for malformed
// text or invalid UTF-8; LIMIT_EXCEEDED (details: limit, max) past a limit.
Document parse_json(std::string_view text, const ParseLimits& limits = {});

// Compact text (indent < 0) or pretty-printed with `indent` spaces.
std::string to_json_text(const Document& value, int indent = -1);

}  // namespace truce
