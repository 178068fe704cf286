// The json-patch-tests suite (tests.json and spec_tests.json), one GoogleTest
// per record, named after its file and position.

#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/patch.hpp"

#ifndef TRUCE_CONFORMANCE_DIR
#error "TRUCE_CONFORMANCE_DIR must name the folder holding json-patch-tests/"
#endif

namespace truce {
namespace {

constexpr const char* kSuiteFiles[] = {"tests.json", "spec_tests.json"};

struct ConformanceCase {
  std::string file;
  std::size_t index = 0;
  Document record;           // {doc, patch, expected?, error?, comment?, disabled?}
  std::string load_problem;  // set instead of `record` when the file could not be read
};

void PrintTo(const ConformanceCase& test_case, std::ostream* out) {
  *out << test_case.file << " #" << test_case.index;
  if (test_case.record.is_object() && test_case.record.contains("comment")) {
    *out << " (" << test_case.record["comment"].dump() << ")";
  }
}

std::string suite_path(const std::string& file) {
  return std::string(TRUCE_CONFORMANCE_DIR) + "/json-patch-tests/" + file;
}

// Runs while tests are being registered, where a failure cannot be reported
// yet: an unreadable file becomes one case that fails with the reason.
std::vector<ConformanceCase> load_cases() {
  std::vector<ConformanceCase> cases;
  for (const char* file : kSuiteFiles) {
    std::ifstream stream(suite_path(file), std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    Document records;
    try {
      if (!stream) throw std::runtime_error("cannot read " + suite_path(file));
      records = parse_json(text.str());
      if (!records.is_array()) throw std::runtime_error(suite_path(file) + " is not a JSON array");
    } catch (const std::exception& problem) {
      cases.push_back({file, 0, nullptr, problem.what()});
      continue;
    }
    for (std::size_t index = 0; index < records.size(); ++index) cases.push_back({file, index, records[index], ""});
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<ConformanceCase>& info) {
  std::string name;
  for (const char c : info.param.file) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name + "_" + std::to_string(info.param.index);
}

class JsonPatchConformance : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(JsonPatchConformance, Case) {
  const ConformanceCase& test_case = GetParam();
  ASSERT_TRUE(test_case.load_problem.empty()) << test_case.load_problem;
  const Document& record = test_case.record;
  ASSERT_TRUE(record.is_object());
  if (record.value("disabled", false)) GTEST_SKIP() << "disabled in the suite";
  // The suite allows records that hold only a comment.
  if (!record.contains("doc") || !record.contains("patch")) GTEST_SKIP() << "no doc and patch";

  const Document& document = record["doc"];
  const Document original = document;
  if (record.contains("error")) {
    try {
      const Document result = apply_patch(document, record["patch"]);
      ADD_FAILURE() << "expected an error (" << record["error"].dump() << "), got " << result.dump();
    } catch (const Error& error) {
      EXPECT_TRUE(error.code() == Code::InvalidPatch || error.code() == Code::InvalidPointer)
          << error.code_name() << ": " << error.message();
    }
    EXPECT_EQ(document, original) << "a failed patch changed its input";
    return;
  }
  try {
    const Document result = apply_patch(document, record["patch"]);
    if (record.contains("expected")) {
      EXPECT_EQ(result, record["expected"]) << "got " << result.dump();
    }
  } catch (const Error& error) {
    ADD_FAILURE() << "unexpected " << error.code_name() << ": " << error.message();
  }
}

INSTANTIATE_TEST_SUITE_P(Suite, JsonPatchConformance, ::testing::ValuesIn(load_cases()), case_name);

}  // namespace
}  // namespace truce
