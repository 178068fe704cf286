#pragma once
// Assertions on Truce errors: the code is the contract, so tests check it.
#include <gtest/gtest.h>

#include "truce/error.hpp"

#define EXPECT_TRUCE_ERROR(statement, expected_code)                                      \
  do {                                                                                    \
    try {                                                                                 \
      statement;                                                                          \
      ADD_FAILURE() << #statement " did not throw " << truce::code_name(expected_code);   \
    } catch (const truce::Error& error_) {                                                \
      EXPECT_EQ(error_.code_name(), truce::code_name(expected_code)) << error_.message(); \
    }                                                                                     \
  } while (false)
