#include "truce/patch.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "truce/error.hpp"
#include "printable.hpp"

namespace truce {
namespace {

enum class OpKind { Add, Remove, Replace, Move, Copy, Test };

struct OpSpelling {
  OpKind kind;
  std::string_view name;
};

constexpr std::array<OpSpelling, 6> kOpSpellings{{
    {OpKind::Add, "add"},
    {OpKind::Remove, "remove"},
    {OpKind::Replace, "replace"},
    {OpKind::Move, "move"},
    {OpKind::Copy, "copy"},
    {OpKind::Test, "test"},
}};

// Which operation an error is about: its position in the patch and its "op"
// member when that is a string (null in details otherwise).
struct OpSite {
  std::size_t index;
  std::optional<std::string_view> name;

  std::string message_prefix() const {
    std::string prefix = "Patch operation " + std::to_string(index);
    if (name) prefix += " (" + std::string(*name) + ")";
    return prefix + ": ";
  }

  Document details() const {
    return {{"index", index}, {"op", name ? Document(std::string(*name)) : Document(nullptr)}};
  }
};

// One operation, checked and decoded before anything is applied, so a
// malformed patch is rejected whatever document it meets.
struct Operation {
  OpSite site;
  OpKind kind;
  Pointer path;
  Pointer from;                     // move and copy
  const Document* value = nullptr;  // add, replace and test; points into the patch
};

[[noreturn]] void fail(const OpSite& site, std::string_view reason, const std::string& problem,
                       const Pointer* location = nullptr) {
  Document details = site.details();
  details["reason"] = std::string(reason);
  if (location) details["pointer"] = location->to_string();
  throw Error(Code::InvalidPatch, site.message_prefix() + problem, std::move(details));
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// How messages name a location: the root pointer "" would read as nothing.
std::string where(const Pointer& pointer) { return pointer.is_root() ? "the document" : pointer.to_string(); }

std::string with_article(const Document& value) {
  switch (value.type()) {
    case Document::value_t::null:
      return "null";
    case Document::value_t::array:
    case Document::value_t::object:
      return std::string("an ") + value.type_name();
    default:
      return std::string("a ") + value.type_name();
  }
}

std::string item_count(std::size_t count) { return std::to_string(count) + (count == 1 ? " item" : " items"); }

// A value for a message, cut short so that a huge value cannot flood a log.
std::string preview(const Document& value) {
  constexpr std::size_t kMaxBytes = 60;
  std::string text = detail::printable_json_text(value);
  if (text.size() <= kMaxBytes) return text;
  std::size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  text.resize(cut);
  return text + "…";
}

// Why `token` names no element of an array of `size` items at `array_path`.
std::string array_token_problem(const std::string& token, std::size_t size, const std::string& array_path) {
  if (token == "-") return in_quotes("-") + " (after the last item) can only be used to add";
  const bool all_digits =
      !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits) return in_quotes(token) + " is not an array index, and " + array_path + " is an array";
  if (token.size() > 1 && token.front() == '0') return in_quotes(token) + " is not an array index (leading zero)";
  return "index " + token + " is out of range, " + array_path + " has " + item_count(size);
}

// Why `pointer` names no value in `root`: where the walk left the document.
std::string why_missing(const Document& root, const Pointer& pointer) {
  const Document* current = &root;
  std::string reached;
  const auto current_name = [&reached] { return reached.empty() ? std::string("the document") : reached; };
  for (const std::string& token : pointer.tokens()) {
    if (current->is_object()) {
      const auto& members = current->get_ref<const Document::object_t&>();
      const auto member = members.find(token);
      if (member == members.end()) return current_name() + " has no member " + in_quotes(token);
      current = &member->second;
    } else if (current->is_array()) {
      const auto& items = current->get_ref<const Document::array_t&>();
      const auto index = array_index(token, items.size(), false);
      if (!index) return array_token_problem(token, items.size(), current_name());
      current = &items[*index];
    } else {
      return current_name() + " is " + with_article(*current) + ", not an object or array";
    }
    reached += "/" + escape_token(token);
  }
  return where(pointer) + " exists";  // callers ask only about missing values
}

// The value at `pointer`, which `verb` ("remove", "test", ...) needs.
Document& existing(Document& root, const Pointer& pointer, const OpSite& site, std::string_view verb) {
  if (Document* value = find(root, pointer)) return *value;
  fail(site, "missing_target",
       "no value at " + where(pointer) + " to " + std::string(verb) + ": " + why_missing(root, pointer), &pointer);
}

void add(Document& root, const Pointer& path, Document value, const OpSite& site) {
  if (path.is_root()) {
    root = std::move(value);
    return;
  }
  const Pointer parent_path = path.parent();
  Document* parent = find(root, parent_path);
  if (!parent) {
    fail(site, "missing_target", "cannot add at " + where(path) + ": " + why_missing(root, parent_path), &path);
  }
  if (parent->is_object()) {
    auto& members = parent->get_ref<Document::object_t&>();
    // RFC 6902 §4.1: adding an existing member replaces its value in place.
    const auto existing_member = members.find(path.back());
    if (existing_member != members.end()) {
      existing_member->second = std::move(value);
    } else {
      members.emplace(path.back(), std::move(value));
    }
  } else if (parent->is_array()) {
    auto& items = parent->get_ref<Document::array_t&>();
    const auto index = array_index(path.back(), items.size(), true);
    if (!index) {
      fail(site, "missing_target",
           "cannot add at " + where(path) + ": " + array_token_problem(path.back(), items.size(), where(parent_path)),
           &path);
    }
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
  } else {
    fail(site, "missing_target",
         "cannot add at " + where(path) + ": " + where(parent_path) + " is " + with_article(*parent) +
             ", not an object or array",
         &path);
  }
}

// Removes the value at `path` (never the root: parsing refuses that) and hands it back.
Document take(Document& root, const Pointer& path, const OpSite& site, std::string_view verb) {
  Document value = std::move(existing(root, path, site, verb));
  Document& parent = *find(root, path.parent());
  if (parent.is_object()) {
    parent.get_ref<Document::object_t&>().erase(path.back());
  } else {
    auto& items = parent.get_ref<Document::array_t&>();
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(*array_index(path.back(), items.size(), false)));
  }
  return value;
}

const Document* member(const Document& object, std::string_view name) {
  const auto& members = object.get_ref<const Document::object_t&>();
  const auto found = members.find(name);
  return found == members.end() ? nullptr : &found->second;
}

std::string lowercase_first(std::string text) {
  if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z') {
    text.front() = static_cast<char>(text.front() - 'A' + 'a');
  }
  return text;
}

Pointer pointer_member(const Document& entry, std::string_view name, const OpSite& site) {
  const Document* text = member(entry, name);
  if (!text) fail(site, "malformed", "missing " + in_quotes(name) + " member");
  if (!text->is_string()) fail(site, "malformed", in_quotes(name) + " must be a string, not " + with_article(*text));
  try {
    return Pointer::parse(text->get_ref<const std::string&>());
  } catch (const Error& error) {
    Document details = error.details();
    details.update(site.details());
    details["member"] = std::string(name);
    throw Error(Code::InvalidPointer,
                site.message_prefix() + "in " + in_quotes(name) + ", " + lowercase_first(error.message()),
                std::move(details));
  }
}

bool is_proper_prefix(const Pointer& prefix, const Pointer& pointer) {
  const auto& outer = prefix.tokens();
  const auto& inner = pointer.tokens();
  return outer.size() < inner.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

Operation parse_operation(const Document& entry, std::size_t index) {
  Operation operation{OpSite{index, std::nullopt}, OpKind::Add, {}, {}, nullptr};
  OpSite& site = operation.site;
  if (!entry.is_object()) fail(site, "malformed", "an operation must be an object, not " + with_article(entry));

  const Document* op = member(entry, "op");
  if (!op) fail(site, "malformed", "missing \"op\" member");
  if (!op->is_string()) fail(site, "malformed", "\"op\" must be a string, not " + with_article(*op));
  site.name = op->get_ref<const std::string&>();
  const auto spelling = std::find_if(kOpSpellings.begin(), kOpSpellings.end(),
                                     [&](const OpSpelling& known) { return known.name == *site.name; });
  if (spelling == kOpSpellings.end()) {
    fail(site, "unknown_op", "unknown op; expected add, remove, replace, move, copy or test");
  }
  operation.kind = spelling->kind;

  operation.path = pointer_member(entry, "path", site);
  if (operation.kind == OpKind::Move || operation.kind == OpKind::Copy) {
    operation.from = pointer_member(entry, "from", site);
  }
  if (operation.kind == OpKind::Add || operation.kind == OpKind::Replace || operation.kind == OpKind::Test) {
    operation.value = member(entry, "value");
    if (!operation.value) fail(site, "malformed", "missing \"value\" member");
  }

  // Decided here because neither depends on the document: a document cannot
  // be removed (there would be nothing left to return), and a value cannot
  // become part of itself.
  if (operation.kind == OpKind::Remove && operation.path.is_root()) {
    fail(site, "malformed", "cannot remove the whole document (path \"\"); use replace to change it");
  }
  if (operation.kind == OpKind::Move && is_proper_prefix(operation.from, operation.path)) {
    fail(site, "move_into_child",
         "cannot move " + where(operation.from) + " into its own child " + operation.path.to_string(), &operation.path);
  }
  return operation;
}

// Values in `value`, itself included; stops counting once past `limit`.
std::size_t count_values(const Document& value, std::size_t limit) {
  std::size_t count = 1;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      if (count > limit) break;
      count += count_values(item, limit - count);
    }
  }
  return count;
}

void apply_operation(Document& root, const Operation& operation, const PatchLimits& limits, std::size_t& copied) {
  const OpSite& site = operation.site;
  switch (operation.kind) {
    case OpKind::Add:
      add(root, operation.path, *operation.value, site);
      break;
    case OpKind::Remove:
      take(root, operation.path, site, "remove");
      break;
    case OpKind::Replace:
      existing(root, operation.path, site, "replace") = *operation.value;
      break;
    case OpKind::Move:
      // RFC 6902 §4.4 defines move as remove-then-add; onto itself that is a
      // no-op, but the value must still exist.
      if (operation.from == operation.path) {
        existing(root, operation.from, site, "move");
      } else {
        add(root, operation.path, take(root, operation.from, site, "move"), site);
      }
      break;
    case OpKind::Copy: {
      const Document& source = existing(root, operation.from, site, "copy");
      copied += count_values(source, limits.max_copied_values - std::min(copied, limits.max_copied_values));
      if (copied > limits.max_copied_values) {
        throw Error(Code::LimitExceeded,
                    "The patch's copy ops duplicate more than " + std::to_string(limits.max_copied_values) + " values",
                    {{"limit", "copied_values"}, {"max", limits.max_copied_values}, {"index", site.index}});
      }
      add(root, operation.path, Document(source), site);
      break;
    }
    case OpKind::Test: {
      // Document equality is by JSON value (1 == 1.0, key order ignored). It
      // recurses, but only as deep as the documents, which parse_json caps.
      const Document& actual = existing(root, operation.path, site, "test");
      if (actual != *operation.value) {
        fail(site, "test_failed",
             "test failed: " + where(operation.path) + " is " + preview(actual) + ", the patch expects " +
                 preview(*operation.value),
             &operation.path);
      }
      break;
    }
  }
}

}  // namespace

Document apply_patch(const Document& document, const Document& patch, const PatchLimits& limits) {
  if (!patch.is_array()) {
    // No operation to point at: index and op are null.
    throw Error(Code::InvalidPatch, "A JSON Patch must be an array of operations, not " + with_article(patch),
                {{"index", nullptr}, {"op", nullptr}, {"reason", "malformed"}});
  }
  if (patch.size() > limits.max_operations) {
    throw Error(Code::LimitExceeded,
                "Patch has " + std::to_string(patch.size()) + " operations, the limit is " +
                    std::to_string(limits.max_operations),
                {{"limit", "operations"}, {"max", limits.max_operations}, {"actual", patch.size()}});
  }
  std::vector<Operation> operations;
  operations.reserve(patch.size());
  for (std::size_t index = 0; index < patch.size(); ++index) operations.push_back(parse_operation(patch[index], index));

  // Atomic: every operation works on this copy, which is returned only once all succeeded.
  Document result = document;
  std::size_t copied = 0;
  for (const Operation& operation : operations) apply_operation(result, operation, limits, copied);
  return result;
}

}  // namespace truce
