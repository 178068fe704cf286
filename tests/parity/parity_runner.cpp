// The native side of the parity test (parity.mjs): calls the adapter table the
// WASM module exports, with the exact bytes the JS side hands the module.
//
// Framing is by length, not JSON lines, so any byte (a newline, invalid
// UTF-8, a NUL) crosses unchanged and the harness never relies on the JSON
// parser it is testing. Each request on stdin:
//   <count> <length>...\n  followed by <count> texts' bytes:
// the function's name (any bytes: unknown names are cases too), then its
// argument array text for a table adapter, or base, mine, theirs and options
// for a text adapter. Each answer on stdout:
//   <length>\n  followed by the adapter's output bytes.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters.hpp"

namespace {

using truce::wasm::TextAdapter;

[[noreturn]] void protocol_error(const std::string& what);

std::string text_adapter_call(const std::string& name, const std::vector<std::string>& texts) {
  for (const TextAdapter& adapter : truce::wasm::text_adapters())
    if (name == adapter.name) return adapter.fn(texts[0], texts[1], texts[2], texts[3]);
  protocol_error("no text adapter " + name);
}

[[noreturn]] void protocol_error(const std::string& what) {
  std::cerr << "parity_runner: " << what << '\n';
  std::exit(2);
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string header;
  while (std::getline(std::cin, header)) {
    std::istringstream fields(header);
    std::size_t count = 0;
    if (!(fields >> count) || (count != 2 && count != 5)) protocol_error("bad request header: " + header);
    std::vector<std::string> texts(count);
    for (auto& text : texts) {
      std::size_t length = 0;
      if (!(fields >> length)) protocol_error("bad request header: " + header);
      text.resize(length);
    }
    for (auto& text : texts)
      if (!std::cin.read(text.data(), static_cast<std::streamsize>(text.size())))
        protocol_error("request body cut short: " + header);
    const std::string name = std::move(texts.front());
    texts.erase(texts.begin());
    const std::string answer =
        texts.size() == 1 ? truce::wasm::call_adapter(name, texts[0]) : text_adapter_call(name, texts);
    std::cout << answer.size() << '\n';
    std::cout.write(answer.data(), static_cast<std::streamsize>(answer.size()));
    // Answers go out when the requests already sent are used up: one write per
    // batch, and the other side never waits on a full buffer of ours.
    if (std::cin.rdbuf()->in_avail() <= 0) std::cout.flush();
  }
  std::cout.flush();
  return 0;
}
