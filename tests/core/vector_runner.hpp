#pragma once
// Shared vectors (tests/vectors/*.json), run natively through the same
// adapter table the WASM module exports. node:test runs the same files
// through the public JS API.

#include <string>
#include <vector>

#include "truce/document.hpp"

namespace truce::testing {

struct VectorCase {
  std::string file;
  std::string name;
  truce::Document spec;  // {"call", "input", "options"?, "expected" | "error"}
};

std::vector<VectorCase> load_vector_cases();

// Empty when the case holds; otherwise what differed.
std::string run_vector_case(const VectorCase& vector_case);

}  // namespace truce::testing
