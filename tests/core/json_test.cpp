#include "truce/json.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace truce {
namespace {

Error parse_error(std::string_view text, const ParseLimits& limits = {}) {
  try {
    parse_json(text, limits);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "parsed: " << text;
  return Error(Code::Internal, "no error");
}

TEST(ParseJson, MalformedTextIsInvalidJsonWithByteOffset) {
  const Error error = parse_error(R"({"a": tru})");
  EXPECT_EQ(error.code(), Code::InvalidJson);
  EXPECT_EQ(error.details().at("offset"), 9);
  EXPECT_EQ(error.message().find("[json.exception"), std::string::npos);
  EXPECT_EQ(parse_error("").code(), Code::InvalidJson);
  EXPECT_EQ(parse_error("{} x").code(), Code::InvalidJson);
  EXPECT_EQ(parse_error("[1,]").code(), Code::InvalidJson);
  EXPECT_EQ(parse_error("01").code(), Code::InvalidJson);
}

TEST(ParseJson, InvalidUtf8IsInvalidJson) {
  EXPECT_EQ(parse_error("\"\xff\"").code(), Code::InvalidJson);
  EXPECT_EQ(parse_error("\"\xc3\"").code(), Code::InvalidJson);          // truncated sequence
  EXPECT_EQ(parse_error("\"\xed\xa0\x80\"").code(), Code::InvalidJson);  // encoded surrogate
  EXPECT_EQ(parse_error(R"("\ud800")").code(), Code::InvalidJson);       // lone escaped surrogate
  EXPECT_EQ(parse_json(R"("\ud83d\ude00")").get<std::string>(), "\xF0\x9F\x98\x80");
}

TEST(ParseJson, DepthLimitHoldsWithoutRecursionEvenAtHundredThousandLevels) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Error error = parse_error(deep);
  EXPECT_EQ(error.code(), Code::LimitExceeded);
  EXPECT_EQ(error.details().at("limit"), "depth");
  EXPECT_EQ(error.details().at("max"), 1000);

  ParseLimits shallow;
  shallow.max_depth = 2;
  EXPECT_NO_THROW(parse_json(R"({"a":[1]})", shallow));
  EXPECT_EQ(parse_error(R"({"a":[{}]})", shallow).code(), Code::LimitExceeded);
}

TEST(ParseJson, SizeLimitIsCheckedBeforeParsing) {
  ParseLimits small;
  small.max_bytes = 8;
  const Error error = parse_error("[1,2,3,4,5]", small);
  EXPECT_EQ(error.code(), Code::LimitExceeded);
  EXPECT_EQ(error.details().at("limit"), "bytes");
}

TEST(ToJsonText, PrintsCompactOrIndented) {
  const Document doc = parse_json(R"({"b":[1,2],"a":{}})");
  EXPECT_EQ(to_json_text(doc), R"({"b":[1,2],"a":{}})");
  EXPECT_EQ(to_json_text(doc, 2), "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": {}\n}");
}

TEST(ToJsonText, RefusesInvalidUtf8BuiltInCpp) {
  EXPECT_TRUCE_ERROR(to_json_text(Document("\xff")), Code::InvalidJson);
}

}  // namespace
}  // namespace truce
