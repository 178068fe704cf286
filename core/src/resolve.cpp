// resolve(): apply per-path decisions to a merge result.
#include <algorithm>
#include <cctype>

#include "truce/error.hpp"
#include "truce/merge.hpp"
#include "truce/pointer.hpp"

namespace truce {
namespace {

bool all_digits(const std::string& token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Document order, with array indexes compared as numbers, so that applying
// decisions from last to first never shifts a position still to be used.
bool before(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (all_digits(a[i]) && all_digits(b[i]) && a[i].size() != b[i].size()) return a[i].size() < b[i].size();
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

std::optional<Document> chosen_value(const Conflict& conflict, const Choice& choice) {
  switch (choice.side) {
    case Choice::Side::Mine:
      return conflict.mine;
    case Choice::Side::Theirs:
      return conflict.theirs;
    case Choice::Side::Base:
      return conflict.base;
    case Choice::Side::Value:
      break;
  }
  return choice.value;
}

[[noreturn]] void unresolvable(const Conflict& conflict, const std::string& why) {
  throw Error(Code::InvalidArgument, "Cannot resolve the conflict at " + conflict.path + ": " + why,
              {{"path", conflict.path}});
}

// Sets, inserts or removes the value at `pointer` in `document`.
void put(Document& document, const Pointer& pointer, bool exists, const std::optional<Document>& value) {
  if (pointer.is_root()) {
    document = value.value_or(Document(nullptr));
    return;
  }
  Document* parent = find(document, pointer.parent());
  if (parent == nullptr || !parent->is_structured()) return;  // an ancestor was itself replaced by a decision
  if (parent->is_object()) {
    if (value)
      (*parent)[pointer.back()] = *value;
    else
      parent->erase(pointer.back());
    return;
  }
  const auto index = array_index(pointer.back(), parent->size(), true);
  const std::size_t at = index ? *index : parent->size();
  if (exists && at < parent->size()) {
    if (value)
      (*parent)[at] = *value;
    else
      parent->erase(at);
  } else if (value) {
    parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(at), *value);
  }
}

void apply_sequence_choice(Document& document, const Conflict& conflict, const std::optional<Document>& chunk) {
  if (!chunk || !chunk->is_array()) unresolvable(conflict, "a sequence conflict takes an array");
  Document* array = find(document, Pointer::parse(conflict.path));
  if (array == nullptr || !array->is_array()) return;
  const std::size_t begin = conflict.ranges.at("merged").at(0), end = conflict.ranges.at("merged").at(1);
  if (end > array->size() || begin > end) unresolvable(conflict, "the merged document no longer has that range");
  array->erase(array->begin() + static_cast<std::ptrdiff_t>(begin), array->begin() + static_cast<std::ptrdiff_t>(end));
  array->insert(array->begin() + static_cast<std::ptrdiff_t>(begin), chunk->begin(), chunk->end());
}

void apply_move_choice(Document& document, const Conflict& conflict, const Choice& choice) {
  if (choice.side == Choice::Side::Value) unresolvable(conflict, "a move conflict takes mine, theirs or base");
  const Pointer pointer = Pointer::parse(conflict.path);
  Document* array = find(document, pointer.parent());
  const std::optional<Document> target = chosen_value(conflict, choice);
  if (array == nullptr || !target || !target->is_number_integer() || target->get<std::int64_t>() < 0) return;
  const std::size_t from = array_index(pointer.back(), array->size(), false).value_or(array->size());
  if (from >= array->size()) return;
  Document item = std::move((*array)[from]);
  array->erase(from);
  const std::size_t to = std::min(static_cast<std::size_t>(target->get<std::int64_t>()), array->size());
  array->insert(array->begin() + static_cast<std::ptrdiff_t>(to), std::move(item));
}

}  // namespace

Choice Choice::from_json(const Document& wire) {
  Choice choice;
  if (wire == "mine")
    choice.side = Side::Mine;
  else if (wire == "theirs")
    choice.side = Side::Theirs;
  else if (wire == "base")
    choice.side = Side::Base;
  else if (wire.is_object() && wire.size() == 1 && wire.contains("value")) {
    choice.side = Side::Value;
    choice.value = wire.at("value");
  } else {
    throw Error(Code::InvalidArgument, "A choice is \"mine\", \"theirs\", \"base\" or {\"value\": …}",
                {{"choice", wire}});
  }
  return choice;
}

Document resolve(const MergeResult& result, const std::map<std::string, Choice>& choices) {
  for (const auto& entry : choices) {
    const std::string& path = entry.first;
    const bool known = std::any_of(result.conflicts.begin(), result.conflicts.end(),
                                   [&](const Conflict& c) { return c.path == path; });
    if (!known) throw Error(Code::InvalidArgument, "No conflict at " + path + " to resolve", {{"path", path}});
  }
  // Decisions apply from the end of the document to its start.
  struct Decision {
    std::vector<std::string> order;
    const Conflict* conflict;
    const Choice* choice;
  };
  std::vector<Decision> decisions;
  for (const Conflict& conflict : result.conflicts) {
    const auto choice = choices.find(conflict.path);
    if (choice == choices.end()) continue;
    std::vector<std::string> order = Pointer::parse(conflict.path).tokens();
    if (conflict.kind == Conflict::Kind::Sequence)
      order.push_back(std::to_string(conflict.ranges.at("merged").at(0).get<std::size_t>()));
    decisions.push_back({std::move(order), &conflict, &choice->second});
  }
  std::stable_sort(decisions.begin(), decisions.end(),
                   [](const Decision& a, const Decision& b) { return before(b.order, a.order); });

  Document document = result.merged;
  for (const Decision& decision : decisions) {
    const Conflict& conflict = *decision.conflict;
    switch (conflict.kind) {
      case Conflict::Kind::Sequence:
        apply_sequence_choice(document, conflict, chosen_value(conflict, *decision.choice));
        break;
      case Conflict::Kind::Move:
        apply_move_choice(document, conflict, *decision.choice);
        break;
      default:
        put(document, Pointer::parse(conflict.path), conflict.in_merged, chosen_value(conflict, *decision.choice));
    }
  }
  return document;
}

}  // namespace truce
