#pragma once
// Seeded random documents for property tests: task-board-like objects with
// identity arrays, plain arrays, strings and numbers, and edits of them that
// a user could make (change, add, delete, move).
#include <random>
#include <string>

#include "truce/document.hpp"

namespace truce::testing {

class RandomDocuments {
 public:
  explicit RandomDocuments(std::uint32_t seed) : rng_(seed) {}

  Document document(int depth = 3) {
    Document doc = Document::object();
    const int keys = pick(1, 5);
    for (int i = 0; i < keys; ++i) doc[key()] = value(depth - 1);
    return doc;
  }

  // A copy of `doc` with a few random edits anywhere in it.
  Document edit(const Document& doc) {
    Document copy = doc;
    const int edits = pick(1, 3);
    for (int i = 0; i < edits; ++i) edit_in_place(copy, 4);
    return copy;
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::string key() { return std::string(1, static_cast<char>('a' + pick(0, 7))); }

  Document scalar() {
    switch (pick(0, 4)) {
      case 0:
        return pick(0, 9);
      case 1:
        return "s" + std::to_string(pick(0, 9));
      case 2:
        return pick(0, 1) == 1;
      case 3:
        return nullptr;
      default:
        return pick(0, 99) / 4.0;
    }
  }

  Document identity_item() {
    return {{"id", "t" + std::to_string(next_id_++)}, {"title", scalar()}, {"n", pick(0, 5)}};
  }

  Document value(int depth) {
    if (depth <= 0) return scalar();
    switch (pick(0, 4)) {
      case 0:
        return document(depth);
      case 1: {
        Document items = Document::array();
        const int n = pick(0, 6);
        for (int i = 0; i < n; ++i) items.push_back(identity_item());
        return items;
      }
      case 2: {
        Document items = Document::array();
        const int n = pick(0, 6);
        for (int i = 0; i < n; ++i) items.push_back(pick(0, 4));
        return items;
      }
      default:
        return scalar();
    }
  }

  void edit_array(Document& array, int depth) {
    const bool identity = !array.empty() && array[0].is_object() && array[0].contains("id");
    const int size = static_cast<int>(array.size());
    switch (pick(0, 3)) {
      case 0:  // insert
        array.insert(array.begin() + pick(0, size), identity ? identity_item() : Document(pick(0, 4)));
        break;
      case 1:  // delete
        if (size > 0) array.erase(static_cast<std::size_t>(pick(0, size - 1)));
        break;
      case 2:  // move
        if (size > 1) {
          Document item = array[static_cast<std::size_t>(pick(0, size - 1))];
          array.erase(std::find(array.begin(), array.end(), item));
          array.insert(array.begin() + pick(0, size - 1), item);
        }
        break;
      default:  // edit an element
        if (size > 0) {
          Document& element = array[static_cast<std::size_t>(pick(0, size - 1))];
          if (element.is_object())
            element["title"] = scalar();
          else
            edit_in_place(element, depth - 1);
        }
    }
  }

  void edit_in_place(Document& node, int depth) {
    if (node.is_object() && !node.empty() && depth > 0 && pick(0, 2) > 0) {
      auto it = node.begin();
      std::advance(it, pick(0, static_cast<int>(node.size()) - 1));
      if (it.key() != "id") return edit_in_place(*it, depth - 1);
    }
    if (node.is_array() && depth > 0 && pick(0, 1) == 1) return edit_array(node, depth);
    if (node.is_object()) {
      if (pick(0, 2) == 0 && !node.empty()) {
        auto it = node.begin();
        std::advance(it, pick(0, static_cast<int>(node.size()) - 1));
        if (it.key() != "id") node.erase(it);
      } else {
        node[key()] = value(1);
      }
      return;
    }
    node = value(1);
  }

  std::mt19937 rng_;
  int next_id_ = 0;
};

}  // namespace truce::testing
