#pragma once
// A folder of the test's own under the system's temporary folder, removed
// with everything in it when the object goes.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace truce::testing {

struct TempDir {
  explicit TempDir(const std::string& prefix = "truce-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

}  // namespace truce::testing
