#pragma once
// Internal: hashing JSON values consistently with their equality (1 == 1.0,
// objects regardless of key order) and interning them as sequence tokens, so
// array algorithms compare small integers instead of documents.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "truce/document.hpp"
#include "truce/sequence.hpp"

namespace truce::detail {

// Equal values hash equally. Recursion follows the value's depth, which callers
// have bounded (parse limits, merge's depth check).
// (bugprone-exception-escape: the accessors it calls are each reached only for
// the type they read, so none throws.)
std::size_t value_hash(const Document& value) noexcept;  // NOLINT(bugprone-exception-escape)

// Hints for walks over many containers. A container's items live two
// pointers away from its Document (the container object, then its buffer),
// so a walk that asks for the container of the value kPrefetchFar steps ahead
// and for the items of the one kPrefetchNear steps ahead (whose container has
// arrived by then) overlaps the memory reads of several values instead of
// waiting for each. Both read only the value's type and container pointer.
constexpr std::size_t kPrefetchFar = 8, kPrefetchNear = 4;
void prefetch_container(const Document& value);
void prefetch_items(const Document& value);

// The deepest nesting in `value`, computed without recursion.
std::size_t depth_of(const Document& value);

class ValueInterner;

// Whether every one of `arrays` can be matched by identity (every item an
// object whose `id_key` member is a string or an integer, no id twice in one
// array), interning the ids as it checks, array after array, into `ids`; when
// true, tokens[k] holds the ids of arrays[k] in order. One pass over the
// items instead of a check and then an interning.
bool intern_identities(ValueInterner& ids, const std::vector<const Document*>& arrays, const std::string& id_key,
                       std::vector<Tokens>& tokens);

class ValueInterner {
 public:
  // The token of `value`: equal values (by JSON equality) get equal tokens.
  // `value` must outlive the interner.
  Token intern(const Document& value) { return intern(value, value_hash(value)); }
  // The same, with value_hash(value) already at hand.
  Token intern(const Document& value, std::size_t hash);
  Tokens intern_all(const Document& array);
  // How many distinct values have been interned (tokens are 0 .. size() - 1).
  std::size_t size() const noexcept { return values_.size(); }

 private:
  void grow();

  // Open addressing over tokens: one flat table, no allocation per value.
  std::vector<const Document*> values_;  // token -> first value seen
  std::vector<std::size_t> hashes_;      // token -> its hash
  std::vector<Token> slots_;             // token + 1, 0 = empty
};

}  // namespace truce::detail
