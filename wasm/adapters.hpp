#pragma once
// The functions the WASM module exports, as one table. embind.cpp registers
// each entry under its name; the native vector runner calls the same entries,
// so a shared vector exercises exactly the code the browser runs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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

// merge_json over texts already in memory (UTF-8; not copied again).
std::string merge_text_views(std::string_view base, std::string_view mine, std::string_view theirs,
                             const std::string& options_json);

// What call_adapter("merge", "[" + base + "," + mine + "," + theirs + "," +
// options + "]") answers, byte for byte, for the JS merge of values: through
// merge_json when it can (the documents are not built whole), through that
// argument array whenever merge_json fails, so errors are the array's own.
std::string merge_value_texts(std::string_view base, std::string_view mine, std::string_view theirs,
                              std::string_view options_json);

const std::vector<Adapter>& adapters();
const std::vector<TextAdapter>& text_adapters();

// Each module's own slice of the table.
void add_version_adapters(std::vector<Adapter>& table);
void add_merge_adapters(std::vector<Adapter>& table);
void add_idempotency_adapters(std::vector<Adapter>& table);
void add_merge_text_adapters(std::vector<TextAdapter>& table);

// Calls adapter `name` (INVALID_ARGUMENT envelope if there is none).
std::string call_adapter(const std::string& name, const std::string& args_json);

// For JS, texts in and out through the module's memory (memory_calls.cpp):
// embind's std::string conversion runs a JS loop per byte each way (95 ms in
// for a 9 MB text), while TextEncoder and TextDecoder over the heap take a
// few. Arguments are (address, size) of UTF-8 the caller wrote; the answer is
// the address of a TextInMemory, valid until the next call or release.
struct TextInMemory {
  const char* data;
  std::size_t size;
};
std::uintptr_t merge_json_in_memory(std::uintptr_t base, std::size_t base_size, std::uintptr_t mine,
                                    std::size_t mine_size, std::uintptr_t theirs, std::size_t theirs_size,
                                    const std::string& options_json);
std::uintptr_t call_adapter_in_memory(const std::string& name, std::uintptr_t args_json, std::size_t size);
// merge_value_texts over texts already in memory.
std::uintptr_t merge_values_in_memory(std::uintptr_t base, std::size_t base_size, std::uintptr_t mine,
                                      std::size_t mine_size, std::uintptr_t theirs, std::size_t theirs_size,
                                      std::uintptr_t options, std::size_t options_size);
void release_text_in_memory();

// Bytes malloc has handed out and not had back (mallinfo): how a
// test sees that calls leave nothing behind, and how an app can watch the
// module's heap, which a WebAssembly memory never gives back to the system.
std::size_t heap_bytes_in_use();

}  // namespace truce::wasm
