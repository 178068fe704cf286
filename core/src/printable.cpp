#include "printable.hpp"

#include <utility>

#include "truce/json.hpp"
#include "utf8.hpp"

namespace truce::detail {
namespace {

bool holds_only_valid_utf8(const Document& value) {
  if (value.is_string()) return is_valid_utf8(value.get_ref<const std::string&>());
  if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      if (!is_valid_utf8(key) || !holds_only_valid_utf8(item)) return false;
  } else if (value.is_array()) {
    for (const auto& item : value)
      if (!holds_only_valid_utf8(item)) return false;
  }
  return true;
}

}  // namespace

std::string printable(std::string text) {
  if (is_valid_utf8(text)) return text;
  return replace_invalid_utf8(text);
}

// Names that become equal once spelled with U+FFFD keep the last value, at
// the first one's position, as JSON.parse would read the printed text.
Document printable(Document value) {
  if (holds_only_valid_utf8(value)) return value;
  if (value.is_string()) return printable(value.get<std::string>());
  if (value.is_array()) {
    for (auto& item : value) item = printable(std::move(item));
    return value;
  }
  Document out = Document::object();
  for (auto& [key, item] : value.items()) out[printable(key)] = printable(std::move(item));
  return out;
}

std::string printable_json_text(const Document& value) { return to_json_text(printable(value)); }

}  // namespace truce::detail
