// truce: command-line tools over the Truce merge engine. `truce merge-file`
// merges JSON files three ways and doubles as a git merge driver.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "merge_file.hpp"

namespace {

constexpr std::string_view kUsage = R"(usage: truce <command> [<args>]

Commands:
  merge-file   three-way merge of JSON files; works as a git merge driver

Run 'truce <command> --help' for details.
)";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.empty() && args[0] == "merge-file") {
    return truce::cli::run_merge_file(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
  }
  if (!args.empty()) std::cerr << "truce: unknown command '" << args[0] << "'\n";
  std::cerr << kUsage;
  return truce::cli::kExitError;
}
