// Registration only: every adapter is exported under its own name.
#include <emscripten/bind.h>

#include "adapters.hpp"

EMSCRIPTEN_BINDINGS(truce) {
  for (const truce::wasm::Adapter& adapter : truce::wasm::adapters()) emscripten::function(adapter.name, adapter.fn);
  for (const truce::wasm::TextAdapter& adapter : truce::wasm::text_adapters())
    emscripten::function(adapter.name, adapter.fn);
  emscripten::function("merge_json_in_memory", &truce::wasm::merge_json_in_memory);
  emscripten::function("call_in_memory", &truce::wasm::call_adapter_in_memory);
  emscripten::function("merge_values_in_memory", &truce::wasm::merge_values_in_memory);
  emscripten::function("release_text_in_memory", &truce::wasm::release_text_in_memory);
  emscripten::function("heap_bytes_in_use", &truce::wasm::heap_bytes_in_use);
}
