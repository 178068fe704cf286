#include "truce/diff.hpp"

#include <algorithm>

#include "truce/error.hpp"
#include "truce/pointer.hpp"
#include "truce/sequence.hpp"
#include "value_index.hpp"

namespace truce {
namespace {

class Differ {
 public:
  explicit Differ(const DiffOptions& options) : options_(options) {}

  Document run(const Document& from, const Document& to) {
    diff_value(from, to, "");
    return std::move(ops_);
  }

 private:
  void op(const char* name, const std::string& path) { ops_.push_back({{"op", name}, {"path", path}}); }
  void op(const char* name, const std::string& path, const Document& value) {
    ops_.push_back({{"op", name}, {"path", path}, {"value", value}});
  }

  // Recursion follows the documents' depth, which parse limits bound.
  void diff_value(const Document& from, const Document& to, const std::string& path) {
    if (from == to) return;
    if (from.is_object() && to.is_object()) return diff_object(from, to, path);
    if (from.is_array() && to.is_array()) {
      if (!options_.id_key.empty()) {
        detail::ValueInterner ids;
        std::vector<Tokens> tokens;
        if (detail::intern_identities(ids, {&from, &to}, options_.id_key, tokens))
          return diff_identity_array(from, to, ids, tokens[0], tokens[1], path);
      }
      return diff_sequence_array(from, to, path);
    }
    op("replace", path, to);
  }

  void diff_object(const Document& from, const Document& to, const std::string& path) {
    for (const auto& [key, value] : from.items()) {
      (void)value;
      if (!to.contains(key)) op("remove", path + "/" + escape_token(key));
    }
    for (const auto& [key, value] : to.items()) {
      const auto before = from.find(key);
      if (before == from.end())
        op("add", path + "/" + escape_token(key), value);
      else
        diff_value(*before, value, path + "/" + escape_token(key));
    }
  }

  // Along a common subsequence of values; between matches, pairs of elements
  // are diffed in place and the surplus removed or added. The working array
  // always equals `to` up to the index being written.
  void diff_sequence_array(const Document& from, const Document& to, const std::string& path) {
    detail::ValueInterner interner;
    const Tokens a = interner.intern_all(from), b = interner.intern_all(to);
    auto matches = common_subsequence(a, b);
    matches.emplace_back(a.size(), b.size());  // sentinel closing the last gap
    std::size_t i = 0, j = 0;
    for (const auto& [match_a, match_b] : matches) {
      const std::size_t paired = std::min(match_a - i, match_b - j);
      for (std::size_t k = 0; k < paired; ++k) diff_value(from[i + k], to[j + k], path + "/" + std::to_string(j + k));
      for (std::size_t k = paired; k < match_a - i; ++k) op("remove", path + "/" + std::to_string(j + paired));
      for (std::size_t k = paired; k < match_b - j; ++k) op("add", path + "/" + std::to_string(j + k), to[j + k]);
      i = match_a + 1;
      j = match_b + 1;
    }
  }

  // Removes first, then each item not on the longest common subsequence of ids
  // is moved (or added) right after its predecessor in `to`, in `to`'s order;
  // last, the items' own contents.
  void diff_identity_array(const Document& from, const Document& to, const detail::ValueInterner& ids,
                           const Tokens& a, const Tokens& b, const std::string& path) {
    std::vector<std::ptrdiff_t> index_in_from(ids.size(), -1), index_in_to(ids.size(), -1);
    for (std::size_t i = 0; i < a.size(); ++i) index_in_from[a[i]] = static_cast<std::ptrdiff_t>(i);
    for (std::size_t j = 0; j < b.size(); ++j) index_in_to[b[j]] = static_cast<std::ptrdiff_t>(j);

    Tokens working;
    for (std::size_t i = a.size(); i-- > 0;)
      if (index_in_to[a[i]] < 0) op("remove", path + "/" + std::to_string(i));
    for (const Token id : a)
      if (index_in_to[id] >= 0) working.push_back(id);

    Tokens kept_to;
    for (const Token id : b)
      if (index_in_from[id] >= 0) kept_to.push_back(id);
    std::vector<char> stable(ids.size(), 0);
    for (const auto& [i, j] : common_subsequence(working, kept_to)) {
      (void)i;
      stable[kept_to[j]] = 1;
    }

    const auto position = [&working](Token id) {
      return static_cast<std::size_t>(std::find(working.begin(), working.end(), id) - working.begin());
    };
    for (std::size_t j = 0; j < b.size(); ++j) {
      const Token id = b[j];
      if (stable[id]) continue;
      std::size_t target = j == 0 ? 0 : position(b[j - 1]) + 1;
      if (index_in_from[id] >= 0) {
        const std::size_t from_index = position(id);
        working.erase(working.begin() + static_cast<std::ptrdiff_t>(from_index));
        if (from_index < target) --target;
        if (from_index != target) {
          ops_.push_back({{"op", "move"},
                          {"from", path + "/" + std::to_string(from_index)},
                          {"path", path + "/" + std::to_string(target)}});
        }
      } else {
        op("add", path + "/" + std::to_string(target), to[j]);
      }
      working.insert(working.begin() + static_cast<std::ptrdiff_t>(target), id);
    }
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (index_in_from[b[j]] >= 0)
        diff_value(from[static_cast<std::size_t>(index_in_from[b[j]])], to[j], path + "/" + std::to_string(j));
    }
  }

  const DiffOptions& options_;
  Document ops_ = Document::array();
};

}  // namespace

Document diff(const Document& from, const Document& to, const DiffOptions& options) {
  constexpr std::size_t kMaxDepth = 1000;
  if (detail::depth_of(from) > kMaxDepth || detail::depth_of(to) > kMaxDepth) {
    throw Error(Code::LimitExceeded, "Documents nested deeper than " + std::to_string(kMaxDepth) + " cannot be diffed",
                {{"limit", "depth"}, {"max", kMaxDepth}});
  }
  return Differ(options).run(from, to);
}

}  // namespace truce
