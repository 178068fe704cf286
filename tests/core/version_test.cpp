#include "truce/version.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "test_support.hpp"

namespace truce {
namespace {

constexpr Version kMax = std::numeric_limits<Version>::max();

TEST(CheckVersion, ExactMatchesOnlyTheSameVersion) {
  EXPECT_FALSE(check_version(Expected::exact(3), 3).has_value());
  const auto conflict = check_version(Expected::exact(2), 3);
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->code(), Code::VersionConflict);
  EXPECT_EQ(conflict->message(), "Expected version 2, resource is at version 3");
  EXPECT_EQ(conflict->details(), Document::parse(R"({"expected":2,"actual":3})"));
  EXPECT_EQ(conflict->status(), 409);
}

TEST(CheckVersion, AbsentResource) {
  const auto conflict = check_version(Expected::exact(2), std::nullopt);
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->message(), "Expected version 2, resource does not exist");
  EXPECT_TRUE(conflict->details().at("actual").is_null());
  EXPECT_FALSE(check_version(Expected::no_stream(), std::nullopt).has_value());
  EXPECT_FALSE(check_version(Expected::any(), std::nullopt).has_value());
  EXPECT_EQ(check_version(Expected::exists(), std::nullopt)->message(),
            "Expected an existing resource, resource does not exist");
}

TEST(CheckVersion, ExistingResource) {
  EXPECT_FALSE(check_version(Expected::any(), 7).has_value());
  EXPECT_FALSE(check_version(Expected::exists(), 0).has_value());
  const auto conflict = check_version(Expected::no_stream(), 7);
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->message(), "Expected no resource, resource is at version 7");
  EXPECT_EQ(conflict->details().at("expected"), -1);
}

TEST(Expected, WireForms) {
  EXPECT_EQ(Expected::from_json(nullptr), Expected::no_stream());
  EXPECT_EQ(Expected::from_json(-1), Expected::no_stream());
  EXPECT_EQ(Expected::from_json("no_stream"), Expected::no_stream());
  EXPECT_EQ(Expected::from_json("any"), Expected::any());
  EXPECT_EQ(Expected::from_json("exists"), Expected::exists());
  EXPECT_EQ(Expected::from_json(0), Expected::exact(0));
  EXPECT_EQ(Expected::from_json("9223372036854775807"), Expected::exact(kMax));
  EXPECT_EQ(Expected::from_json(Document(std::uint64_t{42})), Expected::exact(42));
  EXPECT_NE(Expected::exact(1), Expected::exact(2));
}

TEST(Expected, RejectsEverythingElse) {
  for (const char* bad : {R"(-2)", R"(1.5)", R"("")", R"("ANY")", R"("-1x")", R"("+1")", R"(" 1")",
                          R"("9223372036854775808")", R"(9223372036854775808)", R"(true)", R"([])", R"({})"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUCE_ERROR(Expected::from_json(Document::parse(bad)), Code::InvalidVersion);
  }
  EXPECT_TRUCE_ERROR(Expected::exact(-1), Code::InvalidVersion);
}

TEST(Expected, HeaderForm) {
  EXPECT_EQ(Expected::parse("12"), Expected::exact(12));
  EXPECT_EQ(Expected::parse("-1"), Expected::no_stream());
  EXPECT_EQ(Expected::parse("any"), Expected::any());
  EXPECT_EQ(Expected::parse("exists"), Expected::exists());
  EXPECT_TRUCE_ERROR(Expected::parse("12 "), Code::InvalidVersion);
  EXPECT_TRUCE_ERROR(Expected::parse(""), Code::InvalidVersion);
  EXPECT_TRUCE_ERROR(Expected::parse("-5"), Code::InvalidVersion);
}

// An X-Expected-Version header may hold any bytes (found by fuzz_host: the
// quote of the bad value used to throw nlohmann's invalid-UTF-8 error, a 500).
TEST(Expected, HeaderWithInvalidUtf8IsAnInvalidVersion) {
  try {
    Expected::parse("no_\xfestream");
    FAIL() << "parsed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::InvalidVersion);
    EXPECT_EQ(error.details()["value"], "\"no_\xEF\xBF\xBDstream\"");  // U+FFFD in the quote
  }
}

TEST(Expected, PrintsItsWireAndMessageForms) {
  EXPECT_EQ(Expected::no_stream().to_json(), -1);
  EXPECT_EQ(Expected::exact(5).to_json(), 5);
  EXPECT_EQ(Expected::any().to_string(), "any");
  EXPECT_EQ(Expected::no_stream().to_string(), "no_stream");
}

TEST(NextVersion, IsExactlyOneMoreAndNeverWraps) {
  EXPECT_EQ(next_version(std::nullopt), 1);
  EXPECT_EQ(next_version(0), 1);
  EXPECT_EQ(next_version(41), 42);
  EXPECT_EQ(next_version(kMax - 1), kMax);
  EXPECT_TRUCE_ERROR(next_version(kMax), Code::LimitExceeded);
  EXPECT_TRUCE_ERROR(next_version(-3), Code::InvalidVersion);
}

}  // namespace
}  // namespace truce
