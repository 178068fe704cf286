#pragma once
// The functions the WASM module exports, as one table. embind.cpp registers
// each entry under its name; the native vector runner calls the same entries,
// so a shared vector exercises exactly the code the browser runs.

#include <string>
#include <vector>

namespace truce::wasm {

using AdapterFn = std::string (*)(const std::string& args_json);

struct Adapter {
  const char* name;
  AdapterFn fn;
};

const std::vector<Adapter>& adapters();

// Each module's own slice of the table.
void add_version_adapters(std::vector<Adapter>& table);

// Calls adapter `name` (INVALID_ARGUMENT envelope if there is none).
std::string call_adapter(const std::string& name, const std::string& args_json);

}  // namespace truce::wasm
