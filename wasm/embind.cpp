// Registration only: every adapter is exported under its own name.
#include <emscripten/bind.h>

#include "adapters.hpp"

EMSCRIPTEN_BINDINGS(truce) {
  for (const truce::wasm::Adapter& adapter : truce::wasm::adapters()) emscripten::function(adapter.name, adapter.fn);
  for (const truce::wasm::TextAdapter& adapter : truce::wasm::text_adapters())
    emscripten::function(adapter.name, adapter.fn);
}
