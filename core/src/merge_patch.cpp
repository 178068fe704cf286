// RFC 7396 JSON Merge Patch.
//
// Both directions recurse once per level of object nesting. That depth is the
// documents' own, which parse_json caps (ParseLimits::max_depth, 1000), so the
// stack stays bounded; nothing here recurses on the number of members.

#include <string>
#include <utility>
#include <vector>

#include "truce/error.hpp"
#include "truce/patch.hpp"

namespace truce {
namespace {

// MergePatch(target, patch) from RFC 7396 §2, consuming `target`. Members
// are set in place (O(1) each) and removals, which are O(n) per erase on an
// indexed_map, are done in one rebuilding pass.
Document merged(Document target, const Document& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = Document::object();
  auto& members = target.get_ref<Document::object_t&>();
  const auto& changes = patch.get_ref<const Document::object_t&>();
  bool removes_a_member = false;
  for (const auto& [key, change] : changes) {
    const auto member = members.find(key);
    if (change.is_null()) {
      removes_a_member = removes_a_member || member != members.end();
    } else if (member == members.end()) {
      members.emplace(key, merged(Document(), change));
    } else {
      member->second = merged(std::move(member->second), change);
    }
  }
  if (!removes_a_member) return target;

  Document::object_t kept;
  for (auto& [key, value] : members) {
    const auto change = changes.find(key);
    if (change == changes.end() || !change->second.is_null()) kept.emplace(key, std::move(value));
  }
  return Document(std::move(kept));
}

// Builds the merge patch from one document to another, remembering the keys
// on the way down so that an unrepresentable null can be reported by path.
class MergePatchBuilder {
 public:
  Document diff(const Document& from, const Document& to) {
    if (!from.is_object() || !to.is_object()) {
      // Applying a non-object patch replaces the target with it; an object
      // patch applied to a non-object starts from {}, where null members vanish.
      if (to.is_object()) reject_null_members(to);
      return to;
    }
    const auto& old_members = from.get_ref<const Document::object_t&>();
    const auto& new_members = to.get_ref<const Document::object_t&>();
    Document::object_t patch;
    for (const auto& [key, value] : new_members) {
      trail_.push_back(&key);
      const auto old_member = old_members.find(key);
      if (value.is_null()) {
        if (old_member == old_members.end() || !old_member->second.is_null()) reject_null();
      } else if (old_member == old_members.end()) {
        patch.emplace(key, diff(Document(), value));
      } else if (old_member->second.is_object() && value.is_object()) {
        Document nested = diff(old_member->second, value);
        if (!nested.empty()) patch.emplace(key, std::move(nested));
      } else if (old_member->second != value) {
        patch.emplace(key, diff(old_member->second, value));
      }
      trail_.pop_back();
    }
    for (const auto& [key, value] : old_members) {
      if (new_members.find(key) == new_members.end()) patch.emplace(key, nullptr);
    }
    return Document(std::move(patch));
  }

 private:
  void reject_null_members(const Document& object) {
    for (const auto& [key, value] : object.get_ref<const Document::object_t&>()) {
      trail_.push_back(&key);
      if (value.is_null()) reject_null();
      if (value.is_object()) reject_null_members(value);
      trail_.pop_back();
    }
  }

  [[noreturn]] void reject_null() const {
    std::string path;
    for (const std::string* key : trail_) path += "/" + escape_token(*key);
    throw Error(Code::InvalidArgument,
                "A merge patch cannot set " + path +
                    " to null: in RFC 7396 null removes a member. Use a JSON Patch to store a null",
                {{"path", path}});
  }

  std::vector<const std::string*> trail_;
};

}  // namespace

Document create_merge_patch(const Document& from, const Document& to) { return MergePatchBuilder().diff(from, to); }

Document apply_merge_patch(const Document& target, const Document& patch) { return merged(target, patch); }

}  // namespace truce
