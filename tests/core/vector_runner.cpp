#include "vector_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters.hpp"
#include "truce/json.hpp"

namespace truce::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<VectorCase> load_vector_cases() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(TRUCE_VECTORS_DIR))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  std::vector<VectorCase> cases;
  for (const auto& path : files) {
    const Document suite = parse_json(read_file(path));
    for (const auto& spec : suite.at("cases"))
      cases.push_back({path.stem().string(), spec.at("name").get<std::string>(), spec});
  }
  return cases;
}

std::string run_vector_case(const VectorCase& vector_case) {
  const Document& spec = vector_case.spec;
  Document args = spec.at("input");
  if (spec.contains("options")) args.push_back(spec["options"]);
  const Document envelope = parse_json(wasm::call_adapter(spec.at("call").get<std::string>(), to_json_text(args)));

  if (spec.contains("error")) {
    if (!envelope.contains("error")) return "expected error " + spec["error"].dump() + ", got " + envelope.dump();
    for (const auto& [field, wanted] : spec["error"].items())
      if (envelope["error"].value(field, Document()) != wanted)
        return "error " + field + ": expected " + wanted.dump() + ", got " + envelope["error"].dump();
    return {};
  }
  if (!envelope.contains("ok")) return "expected " + spec.at("expected").dump() + ", got " + envelope.dump();
  Document actual = envelope["ok"];
  for (const auto& member : spec.value("ignore", Document::array())) actual.erase(member.get<std::string>());
  if (actual != spec.at("expected"))
    return "expected " + spec["expected"].dump() + ", got " + actual.dump();
  return {};
}

}  // namespace truce::testing
