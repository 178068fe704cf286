#pragma once
// Assertions on Truce errors: the code is the contract, so tests check it.
#include <gtest/gtest.h>

#include <string_view>

#include "truce/error.hpp"
#include "truce/json.hpp"

#define EXPECT_TRUCE_ERROR(statement, expected_code)                                      \
  do {                                                                                    \
    try {                                                                                 \
      statement;                                                                          \
      ADD_FAILURE() << #statement " did not throw " << truce::code_name(expected_code);   \
    } catch (const truce::Error& error_) {                                                \
      EXPECT_EQ(error_.code_name(), truce::code_name(expected_code)) << error_.message(); \
    }                                                                                     \
  } while (false)

namespace truce::test_support {

// The error parse_json refuses `text` with (a test failure if it parses).
inline Error parse_error(std::string_view text, const ParseLimits& limits = {}) {
  try {
    parse_json(text, limits);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "parsed without an error: " << text.substr(0, 80);
  return Error(Code::Internal, "no error");
}

}  // namespace truce::test_support
