#pragma once
// Internal: what merge_json needs from the parser and the printer to leave
// unchanged parts of a text as text (docs/decisions.md, "Merging texts").
//
// index_json reads a text exactly as parse_json does (the same errors at the
// same offsets, the same limits) without building anything, and notes the
// items of every array reached from the root through object members only
// ("/tasks", not "/tasks/3/tags"): where each item's text lies, its id when
// that is a plain string, and whether the text is already in the form the
// compact printer gives (no whitespace, the printer's escapes and number
// spellings, no repeated member names), so that copying it equals printing it.
//
// parse_json_with_stubs then builds the document with chosen items replaced
// by stubs: an object whose first member's name is a marker no JSON text can
// give (stub_marker) and whose second, under the id key, is the stub's
// number, so identity matching still finds one id per item. Stubs stand only
// for items that are byte-identical on all three sides, so two stubs are
// equal exactly when their items are.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "truce/document.hpp"
#include "truce/json.hpp"

namespace truce::detail {

struct IndexedItem {
  std::size_t begin = 0, end = 0;  // the item's text
  std::uint64_t id_hash = 0;       // hash64 of its id's text, taken while it is in cache
  bool has_id = false;
  bool printed_form = false;
  // The item of the reference's array (index_json) with this very text, or -1.
  std::ptrdiff_t twin = -1;
  std::int64_t stub = -1;  // merge_json's choice: the stub standing for it
};

struct IndexedArray {
  std::vector<std::string> path;  // member names from the root
  // Whether every item is an object with exactly one `id_key` member whose
  // value is a string without escapes (what the merge can match by identity).
  bool plain_ids = true;
  std::vector<IndexedItem> items;  // filled only while plain_ids holds
  std::ptrdiff_t reference = -1;   // the reference's array at the same path, or -1
};

// FNV-1a over 64 bits in every runtime (std::hash has 32 in WebAssembly,
// where among 100,000 ids two would likely share one, and a shared hash
// turns the shortcut off for their whole array).
inline std::uint64_t hash64(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return hash;
}

struct TextIndex {
  // In the text's order, and never one inside another (an item is reached
  // through an array, so arrays inside it are not indexed).
  std::vector<IndexedArray> arrays;
  // At least the deepest nesting as depth_of counts it (more when repeated
  // members are dropped, or a twin is taken: then the reference's stands in).
  std::size_t depth = 0;
};

// LIMIT_EXCEEDED, as parse_json gives it, for a text past limits.max_bytes.
void refuse_oversized(std::string_view text, const ParseLimits& limits);

// Throws exactly what parse_json(text, limits) throws. With a reference (the
// index of another text read under the same limits, and that text), an item
// whose text is the reference's next item at the same path, byte for byte,
// is taken whole, not read again: identical bytes at the same depth are as
// valid here as there. That is most of mine and theirs, given base.
TextIndex index_json(std::string_view text, const ParseLimits& limits, std::string_view id_key,
                     const TextIndex* reference = nullptr, std::string_view reference_text = {});

// memcmp == 0, 32 then 8 bytes a step: WebAssembly's memcmp goes a byte at a
// time, and the items compared are most of three texts.
inline bool same_bytes(const char* a, const char* b, std::size_t size) {
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    std::uint64_t x[4], y[4];
    std::memcpy(x, a + i, 32);
    std::memcpy(y, b + i, 32);
    if (((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) != 0) return false;
  }
  for (; i + 8 <= size; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return false;
  }
  for (; i < size; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// An item to leave as text.
struct TextStub {
  std::size_t begin = 0, end = 0;
  std::uint64_t index = 0;  // into the spans print_json_with_stubs is given
};

// For a text index_json has read with the same limits. `stubs` sorted by begin.
Document parse_json_with_stubs(std::string_view text, const ParseLimits& limits, const std::vector<TextStub>& stubs,
                               const std::string& id_key);

// The marker member's name of stub `index`.
std::string stub_marker(std::uint64_t index);
// The stub's index, or -1 when `value` is no stub.
std::int64_t stub_index(const Document& value);

// Compact text, with each stub printed as spans[its index]; room for
// size_hint bytes is made first (growing the text as it is written costs
// copies of all of it).
std::string print_json_with_stubs(const Document& value, const std::vector<std::string_view>& spans,
                                  std::size_t size_hint);

}  // namespace truce::detail
