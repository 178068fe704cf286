// JSON text: parse → print → parse gives the same document and the same
// text; the canonical form is a fixed point.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace truce;
  const auto doc = fuzz::parsed(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!doc) return 0;
  const std::string text = to_json_text(*doc);
  const auto again = fuzz::parsed(text);
  fuzz::check(again.has_value(), "printed text parses", text);
  fuzz::check(to_json_text(*again) == text, "print(parse(print(d))) == print(d)", text);
  if (const auto form = fuzz::canonical(*doc)) {
    const auto reparsed = fuzz::parsed(*form);
    fuzz::check(reparsed.has_value(), "canonical text parses", *form);
    fuzz::check(fuzz::canonical(*reparsed) == form, "canonical form is a fixed point", *form);
  }
  return 0;
}
