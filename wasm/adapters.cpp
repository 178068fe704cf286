#include "adapters.hpp"

#include <cstring>

#include "boundary.hpp"
#include "truce/error.hpp"

namespace truce::wasm {

const std::vector<Adapter>& adapters() {
  static const std::vector<Adapter> table = [] {
    std::vector<Adapter> all;
    add_version_adapters(all);
    add_merge_adapters(all);
    add_idempotency_adapters(all);
    return all;
  }();
  return table;
}

const std::vector<TextAdapter>& text_adapters() {
  static const std::vector<TextAdapter> table = [] {
    std::vector<TextAdapter> all;
    add_merge_text_adapters(all);
    return all;
  }();
  return table;
}

std::string call_adapter(const std::string& name, const std::string& args_json) {
  for (const Adapter& adapter : adapters())
    if (name == adapter.name) return adapter.fn(args_json);
  return guarded(args_json, 0,
                 [&](const Document&) -> Document { throw Error(Code::InvalidArgument, "no such function: " + name); });
}

}  // namespace truce::wasm
