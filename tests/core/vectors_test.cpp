// Every case of tests/vectors/*.json, one GoogleTest case each.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "adapters.hpp"

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

// JS's path for large texts: the same answers through memory as through
// std::string, the answer kept until the next call or release.
TEST(InMemoryCalls, AnswerAsTheStringCallsDo) {
  const auto read = [](std::uintptr_t at) {
    const auto* text = reinterpret_cast<const wasm::TextInMemory*>(at);  // NOLINT(performance-no-int-to-ptr)
    return std::string(text->data, text->size);
  };
  const auto at = [](const std::string& text) { return reinterpret_cast<std::uintptr_t>(text.data()); };
  const std::string base = R"({"t":"café","n":1})", mine = R"({"t":"café ☕","n":1})", theirs = R"({"t":"café","n":2})";
  const std::string options = R"({"onConflict":"mine"})";
  EXPECT_EQ(read(wasm::merge_json_in_memory(at(base), base.size(), at(mine), mine.size(), at(theirs), theirs.size(),
                                            options)),
            wasm::merge_text_views(base, mine, theirs, options));
  const std::string bad = "{\"a\": tru}";
  EXPECT_NE(read(wasm::merge_json_in_memory(at(bad), bad.size(), at(mine), mine.size(), at(theirs), theirs.size(), ""))
                .find("INVALID_JSON"),
            std::string::npos);
  const std::string args = "[2, 3]";
  EXPECT_EQ(read(wasm::call_adapter_in_memory("check_version", at(args), args.size())),
            wasm::call_adapter("check_version", args));
  const std::uintptr_t answer = wasm::call_adapter_in_memory("next_version", at(args), 3);  // "[2,", cut short
  EXPECT_NE(read(answer).find("INVALID_JSON"), std::string::npos);
  wasm::release_text_in_memory();
  EXPECT_EQ(read(answer), "");
}

}  // namespace
}  // namespace truce::testing
