#pragma once
// JSON Pointer (RFC 6901): how patches, conflicts and rules name a place in a
// document. Parsed once into reference tokens; escaping ("~0", "~1") happens
// only at the text boundary.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "truce/document.hpp"

namespace truce {

class Pointer {
 public:
  Pointer() = default;  // the whole document ("")

  // INVALID_POINTER (details: pointer) unless `text` is "" or starts with "/"
  // and every "~" is followed by "0" or "1".
  static Pointer parse(std::string_view text);

  const std::vector<std::string>& tokens() const noexcept { return tokens_; }
  bool is_root() const noexcept { return tokens_.empty(); }
  // The parent pointer; the root's parent is the root.
  Pointer parent() const;
  // The last token; "" for the root.
  const std::string& back() const;

  Pointer child(std::string_view key) const;
  Pointer child(std::size_t index) const;

  // RFC 6901 text: "/a~1b/0".
  std::string to_string() const;

  friend bool operator==(const Pointer& a, const Pointer& b) noexcept { return a.tokens_ == b.tokens_; }
  friend bool operator!=(const Pointer& a, const Pointer& b) noexcept { return !(a == b); }
  friend bool operator<(const Pointer& a, const Pointer& b) noexcept { return a.tokens_ < b.tokens_; }

 private:
  std::vector<std::string> tokens_;
};

// "~0" / "~1" escaping of one reference token.
std::string escape_token(std::string_view token);

// An array index token per RFC 6901: "0" or digits without a leading zero,
// below `size` (or equal to it when `allow_end`); "-" means `size` when
// `allow_end`. Nothing otherwise.
std::optional<std::size_t> array_index(std::string_view token, std::size_t size, bool allow_end);

// The value at `pointer`, or nullptr when there is none (missing key, index
// out of range, or a token that is not an index into an array).
const Document* find(const Document& document, const Pointer& pointer);
Document* find(Document& document, const Pointer& pointer);

}  // namespace truce
