#include "truce/merge_json.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "truce/error.hpp"
#include "truce/pointer.hpp"
#include "json_index.hpp"
#include "merge_within_depth.hpp"
#include "rule_pattern.hpp"

// Why a stub can stand for an item (json_index.hpp): stubs are made only in
// arrays reached through members only, where every item on every side is an
// object with a plain string id, no id repeats within a side, and no rule
// names the array. The merge then matches those items by id (or takes a
// whole array), so a stub only ever meets its own copies from the other
// sides, which are byte-identical: merge_value finds the three equal and
// takes one, never looking inside. Any other comparison involving a stub
// is between items of different ids, unequal with or without stubs.

namespace truce {
namespace {

constexpr const char* kSides[] = {"base", "mine", "theirs"};

template <class Read>
auto on_side(std::size_t side, Read&& read) {
  try {
    return read();
  } catch (const Error& error) {
    Document details = error.details();
    details["side"] = kSides[side];
    throw Error(error.code(), std::string(kSides[side]) + ": " + error.message(), std::move(details));
  }
}

// Item ids of one array by their 64-bit hashes: hash -> item position. Two
// ids with one hash count as a repeat (the array then gets no stubs), and a
// lookup may find an item with another id of the same hash (its text then
// differs, so no stub is made): a collision costs speed, never correctness,
// and the texts' ids, long out of cache by now, are not read again.
class IdTable {
 public:
  // False when a hash repeats.
  bool fill(const std::vector<detail::IndexedItem>& items) {
    std::size_t capacity = 16;
    while (capacity < items.size() * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    items_ = &items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::size_t s = slot_of(items[i].id_hash);
      if (slots_[s] != 0) return false;
      slots_[s] = static_cast<std::uint32_t>(i + 1);
    }
    return true;
  }
  // An item whose id has this hash, or -1.
  std::ptrdiff_t find(std::uint64_t id_hash) const {
    const std::uint32_t slot = slots_[slot_of(id_hash)];
    return slot == 0 ? -1 : static_cast<std::ptrdiff_t>(slot - 1);
  }

 private:
  // The slot holding `id_hash`, or the empty one where it would go.
  std::size_t slot_of(std::uint64_t id_hash) const {
    const std::size_t mask = slots_.size() - 1;
    auto s = static_cast<std::size_t>(id_hash ^ (id_hash >> 32)) & mask;
    while (slots_[s] != 0 && (*items_)[slots_[s] - 1].id_hash != id_hash) s = (s + 1) & mask;
    return s;
  }

  const std::vector<detail::IndexedItem>* items_ = nullptr;
  std::vector<std::uint32_t> slots_;  // position + 1, 0 = empty
};

// The path as one string (each name's length, then the name), to find the
// same array in each text.
std::string path_key(const std::vector<std::string>& path) {
  std::string key;
  for (const auto& name : path) {
    key += std::to_string(name.size());
    key += ':';
    key += name;
  }
  return key;
}

class TextMerge {
 public:
  TextMerge(const std::array<std::string_view, 3>& texts, const MergeOptions& options, const ParseLimits& limits)
      : texts_(texts), options_(options), limits_(limits) {}

  JsonMergeResult run() {
    // Every size before any text is read, as the JS layer refuses a text before it crosses.
    for (std::size_t side = 0; side < 3; ++side) on_side(side, [&] { detail::refuse_oversized(texts_[side], limits_); });
    std::array<detail::TextIndex, 3> index;
    for (std::size_t side = 0; side < 3; ++side)
      index[side] = on_side(side, [&] {
        // Mine and theirs are read against base: their unchanged items are compared, not read again.
        return side == 0 ? detail::index_json(texts_[0], limits_, options_.id_key)
                         : detail::index_json(texts_[side], limits_, options_.id_key, &index[0], texts_[0]);
      });
    // Possibly too deep for the merge: no stubs, and merge() checks the real
    // depth of whole documents (refusing them as it always does, if it must).
    const bool too_deep = std::any_of(index.begin(), index.end(),
                                      [&](const detail::TextIndex& text) { return text.depth > options_.max_depth; });
    if (!options_.id_key.empty() && !too_deep) choose_stubs(index);

    std::array<Document, 3> documents;
    for (std::size_t side = 0; side < 3; ++side)
      documents[side] = detail::parse_json_with_stubs(texts_[side], limits_, stubs_[side], options_.id_key);
    MergeResult merged =
        too_deep ? merge(std::move(documents[0]), std::move(documents[1]), std::move(documents[2]), options_)
                 : detail::merge_within_depth(std::move(documents[0]), std::move(documents[1]),
                                              std::move(documents[2]), options_);

    JsonMergeResult out;
    // About theirs' size: the merge keeps most of theirs.
    const std::size_t expected_size = texts_[2].size() + texts_[2].size() / 16 + 64;
    out.merged_text = detail::print_json_with_stubs(merged.merged, spans_, expected_size);
    merged.merged = nullptr;
    out.conflicts = std::move(merged.conflicts);
    out.stats = merged.stats;
    out.items_copied_as_text = spans_.size();
    if (!spans_.empty()) {
      for (Conflict& conflict : out.conflicts) {
        for (std::optional<Document>* side : {&conflict.base, &conflict.mine, &conflict.theirs})
          if (*side) expand_stubs(**side);
      }
    }
    return out;
  }

 private:
  void choose_stubs(std::array<detail::TextIndex, 3>& index) {
    // Each side's arrays by path. A path met twice in one text (a repeated
    // member name on the way) is left alone: parsing keeps only the last of
    // the two, and a stub in one could meet its item, unstubbed, in the other.
    std::array<std::unordered_map<std::string, detail::IndexedArray*>, 3> by_path;
    for (std::size_t side = 0; side < 3; ++side) {
      for (auto& array : index[side].arrays) {
        const auto [at, added] = by_path[side].emplace(path_key(array.path), &array);
        if (!added) at->second = nullptr;
      }
    }
    std::vector<std::vector<std::string>> patterns;
    for (const auto& rule : options_.rules) patterns.push_back(Pointer::parse(rule.first).tokens());
    const auto has_rule = [&](const std::vector<std::string>& path) {
      return std::any_of(patterns.begin(), patterns.end(),
                         [&](const auto& pattern) { return detail::pattern_matches(pattern, path); });
    };
    std::array<IdTable, 3> ids;
    for (const auto& entry : by_path[0]) {
      const std::string& key = entry.first;
      detail::IndexedArray* const base = entry.second;
      if (base == nullptr || !base->plain_ids || base->items.empty() || has_rule(base->path)) continue;
      const auto base_position = static_cast<std::ptrdiff_t>(base - index[0].arrays.data());
      std::array<detail::IndexedArray*, 3> arrays{base, nullptr, nullptr};
      bool everywhere = true;
      for (std::size_t side = 1; side < 3 && everywhere; ++side) {
        const auto found = by_path[side].find(key);
        everywhere = found != by_path[side].end() && found->second != nullptr && found->second->plain_ids;
        if (everywhere) arrays[side] = found->second;
      }
      if (!everywhere) continue;
      bool unique = true;
      for (std::size_t side = 0; side < 3 && unique; ++side) unique = ids[side].fill(arrays[side]->items);
      if (!unique) continue;  // not matched by identity: merged as a sequence
      // Each base item's copies, found by id hash; the same text on all
      // three sides makes a stub. Most were compared while mine and theirs
      // were read (their twins); the rest are compared now.
      for (std::size_t at = 0; at < base->items.size(); ++at) {
        detail::IndexedItem& item = base->items[at];
        const std::string_view text = texts_[0].substr(item.begin, item.end - item.begin);
        std::array<detail::IndexedItem*, 3> copies{&item, nullptr, nullptr};
        bool same = item.printed_form;
        for (std::size_t side = 1; side < 3 && same; ++side) {
          const std::ptrdiff_t found = ids[side].find(item.id_hash);
          if (found < 0) break;
          detail::IndexedItem& copy = arrays[side]->items[static_cast<std::size_t>(found)];
          copies[side] = &copy;
          if (arrays[side]->reference == base_position && copy.twin >= 0) {
            same = copy.twin == static_cast<std::ptrdiff_t>(at);
          } else {
            same = copy.printed_form && copy.end - copy.begin == text.size() &&
                   detail::same_bytes(texts_[side].data() + copy.begin, text.data(), text.size());
          }
        }
        if (!same || copies[2] == nullptr) continue;
        for (detail::IndexedItem* copy : copies) copy->stub = static_cast<std::int64_t>(spans_.size());
        spans_.push_back(text);
      }
    }
    // Each side's stubs in its text's order, as the parser meets them.
    for (std::size_t side = 0; side < 3; ++side) {
      for (const auto& array : index[side].arrays) {
        for (const detail::IndexedItem& item : array.items) {
          if (item.stub < 0) continue;
          stubs_[side].push_back({item.begin, item.end, static_cast<std::uint64_t>(item.stub)});
        }
      }
    }
  }

  // Conflicts hold copies of the sides' values, stubs included: give them
  // their items back.
  void expand_stubs(Document& value) const {
    std::vector<Document*> pending{&value};
    while (!pending.empty()) {
      Document& next = *pending.back();
      pending.pop_back();
      if (const std::int64_t stub = detail::stub_index(next); stub >= 0) {
        next = parse_json(spans_[static_cast<std::size_t>(stub)], ParseLimits::none());
      } else if (next.is_structured()) {
        for (Document& child : next) pending.push_back(&child);
      }
    }
  }

  const std::array<std::string_view, 3>& texts_;
  const MergeOptions& options_;
  const ParseLimits& limits_;
  std::array<std::vector<detail::TextStub>, 3> stubs_;
  std::vector<std::string_view> spans_;  // stub index -> the item's text
};

}  // namespace

JsonMergeResult merge_json(std::string_view base, std::string_view mine, std::string_view theirs,
                           const MergeOptions& options, const ParseLimits& limits) {
  const std::array<std::string_view, 3> texts{base, mine, theirs};
  return TextMerge(texts, options, limits).run();
}

}  // namespace truce
