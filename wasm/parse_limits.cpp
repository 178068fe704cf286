#include "parse_limits.hpp"

#include <cstdint>
#include <string>

#include "truce/error.hpp"

namespace truce::wasm {
namespace {

struct Member {
  const char* name;
  std::size_t ParseLimits::*field;
};
constexpr Member kMembers[] = {
    {"maxDepth", &ParseLimits::max_depth},
    {"maxBytes", &ParseLimits::max_bytes},
    {"maxStringBytes", &ParseLimits::max_string_bytes},
    {"maxKeyBytes", &ParseLimits::max_key_bytes},
    {"maxArrayItems", &ParseLimits::max_array_items},
    {"maxObjectMembers", &ParseLimits::max_object_members},
};

}  // namespace

ParseLimits parse_limits_from_json(const Document& wire) {
  ParseLimits limits;
  if (wire.is_null()) return limits;
  if (!wire.is_object()) throw Error(Code::InvalidArgument, "limits must be an object");
  for (const auto& [name, value] : wire.items()) {
    const Member* member = nullptr;
    for (const Member& candidate : kMembers)
      if (name == candidate.name) member = &candidate;
    if (!member) throw Error(Code::InvalidArgument, "unknown limit '" + name + "'", {{"option", name}});
    // Integers past 2^53 come from JS as decimal strings; no limit needs them.
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1)
      throw Error(Code::InvalidArgument, name + " must be a whole number from 1", {{"option", name}, {"value", value}});
    limits.*(member->field) = value.get<std::size_t>();
  }
  return limits;
}

Document parse_limits_to_json(const ParseLimits& limits) {
  Document out = Document::object();
  for (const Member& member : kMembers) out[member.name] = limits.*(member.field);
  return out;
}

}  // namespace truce::wasm
