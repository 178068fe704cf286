// Every case of tests/vectors/*.json, one GoogleTest case each.
#include <gtest/gtest.h>

#include <cctype>

#include "vector_runner.hpp"

namespace truce::testing {
namespace {

class SharedVector : public ::testing::TestWithParam<VectorCase> {};

TEST_P(SharedVector, HoldsNatively) {
  const std::string failure = run_vector_case(GetParam());
  EXPECT_TRUE(failure.empty()) << GetParam().file << ": " << GetParam().name << ": " << failure;
}

std::string test_name(const ::testing::TestParamInfo<VectorCase>& info) {
  std::string name = info.param.file + "_" + std::to_string(info.index);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, SharedVector, ::testing::ValuesIn(load_vector_cases()), test_name);

TEST(SharedVectors, AreNotEmpty) { EXPECT_GE(load_vector_cases().size(), 50u); }

}  // namespace
}  // namespace truce::testing
