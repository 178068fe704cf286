#pragma once
// ParseLimits on the wire, as JS names them: {maxDepth, maxBytes,
// maxStringBytes, maxKeyBytes, maxArrayItems, maxObjectMembers}. mergeJSON
// takes them as its `limits` option; the JS layer reads the effective values
// to refuse an oversized text before copying it into the module's memory.

#include "truce/document.hpp"
#include "truce/json.hpp"

namespace truce::wasm {

// The defaults overridden by the members given (null: the defaults).
// INVALID_ARGUMENT for an unknown member or a value that is not an integer >= 1.
ParseLimits parse_limits_from_json(const Document& wire);
Document parse_limits_to_json(const ParseLimits& limits);

}  // namespace truce::wasm
