#pragma once
// The layout of a JSON file, so a merge driver can write its result the way
// the file was already written: a merged file that changes every line's
// indentation would bury the real change in the next diff.

#include <string>
#include <string_view>

#include "truce/document.hpp"

namespace truce::cli {

struct TextStyle {
  // One line, no indentation (`{"a":1}`).
  bool compact = false;
  // Per nesting level: `indent_width` copies of `indent_char` (' ' or '\t').
  char indent_char = ' ';
  int indent_width = 2;
  bool crlf = false;
  bool final_newline = false;
};

// Compact when the document is on one line; otherwise the indentation of the
// first indented line is one level. Assumes `text` is valid JSON, whose
// strings cannot hold raw line breaks, so every line break is layout.
TextStyle detect_text_style(std::string_view text);

// Non-ASCII characters are written as UTF-8, not as \u escapes.
// INVALID_JSON when a string in `value` is not valid UTF-8.
std::string format_json(const Document& value, const TextStyle& style);

}  // namespace truce::cli
