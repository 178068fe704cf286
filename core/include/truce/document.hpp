#pragma once
// The JSON document type every Truce API takes and returns.
//
// Objects keep insertion order (merge output must follow `theirs`' key order,
// and users diff documents by eye) and look keys up in O(1): a 100,000-key
// object must not make parsing or merging quadratic. nlohmann::ordered_json
// scans linearly on every insert (10 s to parse 100k keys) and
// tsl::ordered_map does not fit nlohmann's ObjectType, so `indexed_map` keeps
// ordered_map's vector-of-pairs layout and adds an open-addressing index of
// positions once an object grows past a few keys.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace truce {

template <class Key, class T, class IgnoredLess = std::less<Key>,
          class Allocator = std::allocator<std::pair<const Key, T>>>
struct indexed_map : std::vector<std::pair<const Key, T>, Allocator> {
  using key_type = Key;
  using mapped_type = T;
  using Container = std::vector<std::pair<const Key, T>, Allocator>;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using value_type = typename Container::value_type;
  using key_compare = std::equal_to<>;

  // Key-taking members accept anything that views as a string (std::string,
  // string_view, const char*), never a position.
  template <class KeyLike>
  using if_key = std::enable_if_t<std::is_convertible<const KeyLike&, std::string_view>::value, int>;

  indexed_map() noexcept(noexcept(Container())) : Container{} {}
  explicit indexed_map(const Allocator& alloc) : Container{alloc} {}
  template <class It>
  indexed_map(It first, It last, const Allocator& alloc = Allocator()) : Container{alloc} {
    insert(first, last);
  }
  indexed_map(std::initializer_list<value_type> init, const Allocator& alloc = Allocator()) : Container{alloc} {
    insert(init.begin(), init.end());
  }

  template <class KeyLike, class V, if_key<std::decay_t<KeyLike>> = 0>
  std::pair<iterator, bool> emplace(KeyLike&& key, V&& value) {
    const std::string_view k = as_view(key);
    if (const size_type pos = position_of(k); pos != npos) return {this->begin() + pos, false};
    Container::emplace_back(std::forward<KeyLike>(key), std::forward<V>(value));
    index_appended();
    return {std::prev(this->end()), true};
  }

  // Appends a member whose key the caller knows is not in the map yet (the
  // parser, which checked its names): no lookup.
  template <class KeyLike, class V, if_key<std::decay_t<KeyLike>> = 0>
  void emplace_back_new(KeyLike&& key, V&& value) {
    Container::emplace_back(std::forward<KeyLike>(key), std::forward<V>(value));
    index_appended();
  }

  template <class KeyLike, if_key<std::decay_t<KeyLike>> = 0>
  T& operator[](KeyLike&& key) {
    return emplace(std::forward<KeyLike>(key), T{}).first->second;
  }
  template <class KeyLike, if_key<std::decay_t<KeyLike>> = 0>
  const T& operator[](KeyLike&& key) const {
    return at(std::forward<KeyLike>(key));
  }

  template <class KeyLike, if_key<KeyLike> = 0>
  T& at(const KeyLike& key) {
    const size_type pos = position_of(as_view(key));
    if (pos == npos) throw std::out_of_range("key not found");
    return (this->begin() + pos)->second;
  }
  template <class KeyLike, if_key<KeyLike> = 0>
  const T& at(const KeyLike& key) const {
    const size_type pos = position_of(as_view(key));
    if (pos == npos) throw std::out_of_range("key not found");
    return (this->begin() + pos)->second;
  }

  template <class KeyLike, if_key<KeyLike> = 0>
  size_type count(const KeyLike& key) const {
    return position_of(as_view(key)) == npos ? 0 : 1;
  }
  template <class KeyLike, if_key<KeyLike> = 0>
  iterator find(const KeyLike& key) {
    const size_type pos = position_of(as_view(key));
    return pos == npos ? this->end() : this->begin() + pos;
  }
  template <class KeyLike, if_key<KeyLike> = 0>
  const_iterator find(const KeyLike& key) const {
    const size_type pos = position_of(as_view(key));
    return pos == npos ? this->end() : this->begin() + pos;
  }

  template <class KeyLike, if_key<KeyLike> = 0>
  size_type erase(const KeyLike& key) {
    const size_type pos = position_of(as_view(key));
    if (pos == npos) return 0;
    erase(this->begin() + pos);
    return 1;
  }
  iterator erase(iterator pos) { return erase(pos, std::next(pos)); }
  iterator erase(iterator first, iterator last) {
    if (first == last) return first;
    const auto removed = std::distance(first, last);
    const auto offset = std::distance(this->begin(), first);
    // pair<const Key, T> is not move-assignable: rebuild each slot in place,
    // exactly as nlohmann::ordered_map does.
    for (auto it = first; std::next(it, removed) != this->end(); ++it) {
      it->~value_type();
      new (&*it) value_type{std::move(*std::next(it, removed))};
    }
    Container::resize(this->size() - static_cast<size_type>(removed));
    rebuild_index();
    return this->begin() + offset;
  }

  std::pair<iterator, bool> insert(value_type&& value) { return emplace(value.first, std::move(value.second)); }
  std::pair<iterator, bool> insert(const value_type& value) { return emplace(value.first, value.second); }
  template <class InputIt,
            class = std::enable_if_t<std::is_convertible<typename std::iterator_traits<InputIt>::iterator_category,
                                                         std::input_iterator_tag>::value>>
  void insert(InputIt first, InputIt last) {
    for (auto it = first; it != last; ++it) insert(*it);
  }

  void clear() noexcept {
    Container::clear();
    slots_.clear();
  }

  // JSON objects are unordered for equality: {"a":1,"b":2} == {"b":2,"a":1}.
  // Keys are usually in the same order on both sides: each is looked for at
  // its own position first.
  friend bool operator==(const indexed_map& lhs, const indexed_map& rhs) {
    if (lhs.size() != rhs.size()) return false;
    for (size_type i = 0; i < lhs.size(); ++i) {
      const value_type& member = lhs.Container::operator[](i);
      const value_type& same_place = rhs.Container::operator[](i);
      const T* other = &same_place.second;
      if (same_place.first != member.first) {
        const auto it = rhs.find(member.first);
        if (it == rhs.end()) return false;
        other = &it->second;
      }
      if (!(*other == member.second)) return false;
    }
    return true;
  }
  friend bool operator!=(const indexed_map& lhs, const indexed_map& rhs) { return !(lhs == rhs); }

 private:
  static constexpr size_type npos = static_cast<size_type>(-1);
  // Below this size a linear scan beats hashing and saves the index's memory.
  static constexpr size_type kIndexThreshold = 8;

  template <class KeyLike>
  static std::string_view as_view(const KeyLike& key) {
    return std::string_view(key);
  }
  std::string_view key_at(size_type pos) const { return std::string_view(Container::operator[](pos).first); }
  static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  size_type position_of(std::string_view key) const {
    if (slots_.empty()) {
      for (size_type i = 0; i < this->size(); ++i)
        if (key_at(i) == key) return i;
      return npos;
    }
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash(key) & mask;; s = (s + 1) & mask) {
      const std::uint32_t slot = slots_[s];
      if (slot == 0) return npos;
      if (key_at(slot - 1) == key) return slot - 1;
    }
  }

  void place(size_type pos) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = hash(key_at(pos)) & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = static_cast<std::uint32_t>(pos + 1);
  }

  void index_appended() {
    if (this->size() <= kIndexThreshold) return;
    if (slots_.empty() || this->size() * 2 > slots_.size()) return rebuild_index();
    place(this->size() - 1);
  }

  void rebuild_index() {
    slots_.clear();
    if (this->size() <= kIndexThreshold) return;
    std::size_t capacity = 16;
    while (capacity < this->size() * 4) capacity <<= 1;
    slots_.assign(capacity, 0);
    for (size_type i = 0; i < this->size(); ++i) place(i);
  }

  // Positions + 1 into the vector (0 = empty), so copies of the map stay valid.
  std::vector<std::uint32_t> slots_;
};

using Document = nlohmann::basic_json<indexed_map>;

}  // namespace truce
