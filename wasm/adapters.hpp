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

// For callers that hold wire text: three JSON texts and the options (JSON) in;
// out, an envelope on the first line and, after the newline, the result text
// itself (so a 9 MB document is not escaped into a JSON string and back).
using TextAdapterFn = std::string (*)(const std::string& base, const std::string& mine, const std::string& theirs,
                                      const std::string& options_json);
struct TextAdapter {
  const char* name;
  TextAdapterFn fn;
};

const std::vector<Adapter>& adapters();
const std::vector<TextAdapter>& text_adapters();

// Each module's own slice of the table.
void add_version_adapters(std::vector<Adapter>& table);
void add_merge_adapters(std::vector<Adapter>& table);
void add_idempotency_adapters(std::vector<Adapter>& table);
void add_merge_text_adapters(std::vector<TextAdapter>& table);

// Calls adapter `name` (INVALID_ARGUMENT envelope if there is none).
std::string call_adapter(const std::string& name, const std::string& args_json);

}  // namespace truce::wasm
