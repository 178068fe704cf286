#include "truce/pointer.hpp"

#include <iterator>
#include <limits>
#include <type_traits>

#include "truce/error.hpp"

namespace truce {
namespace {

[[noreturn]] void invalid_pointer(std::string_view text, std::string_view problem) {
  throw Error(Code::InvalidPointer, "Invalid JSON Pointer \"" + std::string(text) + "\": " + std::string(problem),
              {{"pointer", std::string(text)}});
}

// One reference token, decoded in a single left-to-right pass so that "~01"
// becomes "~1" and never "/" (RFC 6901 §4).
std::string unescape_token(std::string_view text, std::string_view escaped) {
  std::string token;
  token.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '~') {
      token += escaped[i];
      continue;
    }
    const char next = i + 1 < escaped.size() ? escaped[i + 1] : '\0';
    if (next != '0' && next != '1') invalid_pointer(text, "\"~\" must be followed by \"0\" or \"1\"");
    token += next == '0' ? '~' : '/';
    ++i;
  }
  return token;
}

// `To`, const when `From` is.
template <class From, class To>
using copy_const_t = std::conditional_t<std::is_const<From>::value, const To, To>;

// Shared by the const and mutable find(): the walk is iterative so a pointer
// with a million tokens costs a loop, not a stack.
template <class Json>
Json* find_in(Json& document, const Pointer& pointer) {
  Json* current = &document;
  for (const std::string& token : pointer.tokens()) {
    if (current->is_object()) {
      auto& members = current->template get_ref<copy_const_t<Json, Document::object_t>&>();
      const auto member = members.find(token);
      if (member == members.end()) return nullptr;
      current = &member->second;
    } else if (current->is_array()) {
      auto& items = current->template get_ref<copy_const_t<Json, Document::array_t>&>();
      const auto index = array_index(token, items.size(), false);
      if (!index) return nullptr;
      current = &items[*index];
    } else {
      return nullptr;
    }
  }
  return current;
}

}  // namespace

Pointer Pointer::parse(std::string_view text) {
  Pointer pointer;
  if (text.empty()) return pointer;
  if (text.front() != '/') invalid_pointer(text, "it must be empty or start with \"/\"");
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = text.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? text.size() : slash;
    pointer.tokens_.push_back(unescape_token(text, text.substr(start, end - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return pointer;
}

Pointer Pointer::parent() const {
  Pointer result;
  if (!tokens_.empty()) result.tokens_.assign(tokens_.begin(), std::prev(tokens_.end()));
  return result;
}

const std::string& Pointer::back() const {
  static const std::string kRootToken;
  return tokens_.empty() ? kRootToken : tokens_.back();
}

Pointer Pointer::child(std::string_view key) const {
  Pointer result = *this;
  result.tokens_.emplace_back(key);
  return result;
}

Pointer Pointer::child(std::size_t index) const { return child(std::to_string(index)); }

std::string Pointer::to_string() const {
  std::string text;
  for (const std::string& token : tokens_) {
    text += '/';
    text += escape_token(token);
  }
  return text;
}

std::string escape_token(std::string_view token) {
  std::string escaped;
  escaped.reserve(token.size());
  for (const char c : token) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return escaped;
}

std::optional<std::size_t> array_index(std::string_view token, std::size_t size, bool allow_end) {
  if (token == "-") return allow_end ? std::optional<std::size_t>(size) : std::nullopt;
  // "0" is the only index that may start with a zero: "01" and "00" would
  // give one element several names.
  if (token.empty() || (token.size() > 1 && token.front() == '0')) return std::nullopt;
  std::size_t index = 0;
  for (const char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::size_t>(c - '0');
    if (index > (std::numeric_limits<std::size_t>::max() - digit) / 10) return std::nullopt;
    index = index * 10 + digit;
  }
  if (index > size || (index == size && !allow_end)) return std::nullopt;
  return index;
}

const Document* find(const Document& document, const Pointer& pointer) { return find_in(document, pointer); }

Document* find(Document& document, const Pointer& pointer) { return find_in(document, pointer); }

}  // namespace truce
