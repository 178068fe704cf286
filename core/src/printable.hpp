#pragma once
// Internal: what errors quote (a header, a key, a rejected value) may hold any
// bytes; quoted with invalid UTF-8 spelled as U+FFFD, it always prints as JSON.
#include <string>

#include "truce/document.hpp"

namespace truce::detail {

std::string printable(std::string text);
Document printable(Document value);

// Compact JSON text of printable(value).
std::string printable_json_text(const Document& value);

}  // namespace truce::detail
