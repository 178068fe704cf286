#include "value_index.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

namespace truce::detail {
namespace {

std::size_t mix(std::size_t h) noexcept {
  // splitmix64 finaliser: spreads nearby hashes so sums of member hashes stay distinct.
  std::uint64_t x = static_cast<std::uint64_t>(h) + 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return static_cast<std::size_t>(x ^ (x >> 31));
}

}  // namespace

std::size_t value_hash(const Document& value) noexcept {  // NOLINT(bugprone-exception-escape): see the header
  switch (value.type()) {
    case Document::value_t::null:
      return 0x6e756c6c;
    case Document::value_t::boolean:
      return value.get<bool>() ? 0x74727565 : 0x66616c73;
    case Document::value_t::number_integer:
    case Document::value_t::number_unsigned:
    case Document::value_t::number_float: {
      // Hash through double so 1 and 1.0 agree; -0.0 folds into 0.0.
      const double number = value.get<double>() + 0.0;
      return mix(std::hash<double>{}(number));
    }
    case Document::value_t::string:
      return std::hash<std::string_view>{}(value.get_ref<const std::string&>());
    case Document::value_t::array: {
      std::size_t h = 0x61727261 ^ value.size();
      for (const auto& item : value) h = mix(h ^ value_hash(item));
      return h;
    }
    case Document::value_t::object: {
      // Order-independent: a sum of per-member hashes.
      std::size_t h = 0x6f626a65 ^ value.size();
      for (const auto& [key, item] : value.items())
        h += mix(std::hash<std::string_view>{}(key) ^ mix(value_hash(item)));
      return h;
    }
    default:
      return 0;
  }
}

namespace {

template <class Container>
void prefetch_buffer(const Container& container) {
  // The first few cache lines: all of a small object's members.
  const char* bytes = reinterpret_cast<const char*>(container.data());
  const std::size_t size = std::min<std::size_t>(container.size() * sizeof(typename Container::value_type), 512);
  for (std::size_t offset = 0; offset < size; offset += 64) __builtin_prefetch(bytes + offset);
}

}  // namespace

void prefetch_container(const Document& value) {
  if (value.is_object()) __builtin_prefetch(value.get_ptr<const Document::object_t*>());
  else if (value.is_array()) __builtin_prefetch(value.get_ptr<const Document::array_t*>());
}

void prefetch_items(const Document& value) {
  if (value.is_object()) prefetch_buffer(*value.get_ptr<const Document::object_t*>());
  else if (value.is_array()) prefetch_buffer(*value.get_ptr<const Document::array_t*>());
}

std::size_t depth_of(const Document& value) {
  if (!value.is_structured()) return 0;
  // Containers still to look into, with their depth. Empty ones and scalars
  // are never pushed: an empty container's depth is known without a visit.
  std::size_t deepest = 1;
  std::vector<std::pair<const Document*, std::size_t>> stack{{&value, 1}};
  const auto visit = [&](const Document& child, std::size_t depth) {
    if (!child.is_structured()) return;
    if (child.empty()) {
      deepest = std::max(deepest, depth);
    } else {
      stack.emplace_back(&child, depth);
    }
  };
  while (!stack.empty()) {
    // The containers popped next (siblings, mostly).
    if (stack.size() > kPrefetchFar) prefetch_container(*stack[stack.size() - 1 - kPrefetchFar].first);
    if (stack.size() > kPrefetchNear) prefetch_items(*stack[stack.size() - 1 - kPrefetchNear].first);
    const auto [node, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (node->is_object()) {
      for (const auto& member : *node->get_ptr<const Document::object_t*>()) visit(member.second, depth + 1);
    } else {
      for (const auto& item : *node->get_ptr<const Document::array_t*>()) visit(item, depth + 1);
    }
  }
  return deepest;
}

namespace {

// The id member of an identity-array item, or nullptr when `item` cannot be one.
const Document* identity_of(const Document& item, const std::string& id_key) {
  if (!item.is_object()) return nullptr;
  const auto& members = *item.get_ptr<const Document::object_t*>();
  const auto id = members.find(id_key);
  if (id == members.end() || !(id->second.is_string() || id->second.is_number_integer())) return nullptr;
  return &id->second;
}

}  // namespace

bool intern_identities(ValueInterner& ids, const std::vector<const Document*>& arrays, const std::string& id_key,
                       std::vector<Tokens>& tokens) {
  tokens.assign(arrays.size(), Tokens());
  std::vector<const Document*> items;
  std::vector<std::size_t> hashes;
  std::vector<std::size_t> last_seen;  // token -> 1 + the array that last interned it
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    if (!arrays[k]->is_array()) return false;
    const auto& array = *arrays[k]->get_ptr<const Document::array_t*>();
    // The ids first, then their hashes, then the table: each item is a chain
    // of pointers, and separate passes let the reads of many items overlap.
    items.clear();
    items.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i + kPrefetchFar < array.size()) prefetch_container(array[i + kPrefetchFar]);
      if (i + kPrefetchNear < array.size()) prefetch_items(array[i + kPrefetchNear]);
      const Document* id = identity_of(array[i], id_key);
      if (!id) return false;
      items.push_back(id);
    }
    hashes.resize(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) hashes[i] = value_hash(*items[i]);
    Tokens& out = tokens[k];
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Token token = ids.intern(*items[i], hashes[i]);
      if (token >= last_seen.size()) last_seen.resize(token + 1, 0);
      if (last_seen[token] == k + 1) return false;  // twice in this array
      last_seen[token] = k + 1;
      out.push_back(token);
    }
  }
  return true;
}

Token ValueInterner::intern(const Document& value, std::size_t hash) {
  if ((values_.size() + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t s = hash & mask;
  for (; slots_[s] != 0; s = (s + 1) & mask) {
    const Token known = slots_[s] - 1;
    if (hashes_[known] == hash && *values_[known] == value) return known;
  }
  const auto token = static_cast<Token>(values_.size());
  slots_[s] = token + 1;
  values_.push_back(&value);
  hashes_.push_back(hash);
  return token;
}

void ValueInterner::grow() {
  std::vector<Token> slots(std::max<std::size_t>(16, slots_.size() * 2), 0);
  const std::size_t mask = slots.size() - 1;
  for (std::size_t token = 0; token < values_.size(); ++token) {
    std::size_t s = hashes_[token] & mask;
    while (slots[s] != 0) s = (s + 1) & mask;
    slots[s] = static_cast<Token>(token + 1);
  }
  slots_ = std::move(slots);
}

Tokens ValueInterner::intern_all(const Document& array) {
  Tokens tokens;
  tokens.reserve(array.size());
  for (const auto& item : array) tokens.push_back(intern(item));
  return tokens;
}

}  // namespace truce::detail
