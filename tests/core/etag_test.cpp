#include "truce/etag.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace truce {
namespace {

constexpr Version kMaxVersion = std::numeric_limits<Version>::max();

EntityTag strong(std::string opaque) { return EntityTag{false, std::move(opaque)}; }
EntityTag weak(std::string opaque) { return EntityTag{true, std::move(opaque)}; }

// The Error `action` throws; a test failure (and an INTERNAL placeholder) when
// it throws nothing, so callers can check code and details unconditionally.
template <class Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a truce::Error";
  return Error(Code::Internal, "no error thrown");
}

std::string header_detail(const Error& error) {
  const auto& details = error.details();
  if (!details.contains("header") || !details["header"].is_string()) return "<no header detail>";
  return details["header"].get<std::string>();
}

void expect_invalid_etag(std::string_view text) {
  SCOPED_TRACE(::testing::Message() << "entity-tag: [" << text << "]");
  const Error error = error_from([&] { parse_etag(text); });
  EXPECT_EQ(error.code(), Code::InvalidPrecondition);
  EXPECT_EQ(error.message(), "Invalid entity-tag: " + std::string(text));
  EXPECT_EQ(header_detail(error), std::string(text));
}

void expect_invalid_condition(std::string_view header) {
  SCOPED_TRACE(::testing::Message() << "header: [" << header << "]");
  const Error error = error_from([&] { parse_etag_condition(header); });
  EXPECT_EQ(error.code(), Code::InvalidPrecondition);
  EXPECT_EQ(error.message(), "Invalid If-Match/If-None-Match header: " + std::string(header));
  EXPECT_EQ(header_detail(error), std::string(header));
}

void expect_not_a_version(const EntityTag& tag) {
  SCOPED_TRACE(::testing::Message() << "tag: " << tag.to_string());
  EXPECT_EQ(error_from([&] { version_from_etag(tag); }).code(), Code::InvalidVersion);
}

void expect_unsupported_write(std::optional<std::string_view> if_match_header,
                              std::optional<std::string_view> if_none_match_header) {
  SCOPED_TRACE(::testing::Message() << "If-Match: [" << if_match_header.value_or("<absent>") << "] If-None-Match: ["
                                    << if_none_match_header.value_or("<absent>") << "]");
  const Error error = error_from([&] { expected_from_headers(if_match_header, if_none_match_header); });
  EXPECT_EQ(error.code(), Code::InvalidPrecondition);
  EXPECT_EQ(error.status(), 400);
}

// ---- EntityTag ---------------------------------------------------------------

TEST(EntityTag, ToStringQuotesTheOpaqueTagAndPrefixesWeakTags) {
  EXPECT_EQ(strong("5").to_string(), "\"5\"");
  EXPECT_EQ(weak("5").to_string(), "W/\"5\"");
  EXPECT_EQ(strong("").to_string(), "\"\"");
  EXPECT_EQ(weak("").to_string(), "W/\"\"");
  EXPECT_EQ(strong("a,b").to_string(), "\"a,b\"");
}

TEST(EntityTag, EqualityComparesWeaknessAndOpaqueTag) {
  EXPECT_EQ(strong("1"), strong("1"));
  EXPECT_EQ(weak("1"), weak("1"));
  EXPECT_FALSE(strong("1") == weak("1"));
  EXPECT_FALSE(strong("1") == strong("2"));
}

// ---- parse_etag --------------------------------------------------------------

TEST(ParseEtag, ReadsStrongAndWeakTags) {
  EXPECT_EQ(parse_etag("\"xyzzy\""), strong("xyzzy"));
  EXPECT_EQ(parse_etag("W/\"xyzzy\""), weak("xyzzy"));
  EXPECT_EQ(parse_etag("\"\""), strong(""));
  EXPECT_EQ(parse_etag("W/\"\""), weak(""));
}

TEST(ParseEtag, IgnoresSurroundingSpacesAndTabs) {
  EXPECT_EQ(parse_etag("  \"7\"  "), strong("7"));
  EXPECT_EQ(parse_etag("\t W/\"7\" \t"), weak("7"));
}

TEST(ParseEtag, AcceptsEveryEtagcByte) {
  std::string opaque;
  opaque += '\x21';
  for (int byte = 0x23; byte <= 0x7E; ++byte) opaque += static_cast<char>(byte);
  for (int byte = 0x80; byte <= 0xFF; ++byte) opaque += static_cast<char>(byte);
  EXPECT_EQ(parse_etag("\"" + opaque + "\""), strong(opaque));
  EXPECT_EQ(parse_etag("W/\"" + opaque + "\""), weak(opaque));
}

TEST(ParseEtag, KeepsCommasAndObsTextInsideTheOpaqueTag) {
  EXPECT_EQ(parse_etag("\"a,b\""), strong("a,b"));
  EXPECT_EQ(parse_etag("\"caf\xC3\xA9\""), strong("caf\xC3\xA9"));
  EXPECT_EQ(parse_etag("W/\"\x80\xFF\""), weak("\x80\xFF"));
}

TEST(ParseEtag, RoundTripsThroughToString) {
  for (const auto& tag : {strong("1"), weak("1"), strong(""), weak("a,b"), strong("!#~\x80")}) {
    EXPECT_EQ(parse_etag(tag.to_string()), tag);
  }
}

TEST(ParseEtag, RejectsMalformedTags) {
  for (const std::string_view text : {
           "",
           "   ",
           "xyzzy",         // unquoted
           "\"xyzzy",       // unterminated
           "xyzzy\"",       // no opening quote
           "\"",            // a lone quote
           "W/",            // weak prefix alone
           "W/xyzzy",       // weak prefix, unquoted
           "w/\"xyzzy\"",   // "W/" is case-sensitive
           "W/ \"xyzzy\"",  // no whitespace after W/
           "W\"xyzzy\"",    // slash missing
           "/\"xyzzy\"",    // W missing
           "\"a b\"",       // SP is not etagc
           "\"a\tb\"",      // HTAB is not etagc
           "\"a\x7F\"",     // DEL is not etagc
           "\"a\x01\"",     // control bytes are not etagc
           "\"a\"b",        // trailing garbage
           "\"a\"\"b\"",    // two tags
           "\"a\" \"b\"",   // two tags
           "\"a\", \"b\"",  // a list is not one tag
           "\"a\",",        // list syntax
           "*",             // only conditions have a wildcard
           "\"a\"\r",       // CR is not OWS
           "\r\n\"a\"",     // neither is CRLF
       }) {
    expect_invalid_etag(text);
  }
  expect_invalid_etag(std::string_view("\"a\0b\"", 5));
}

// ---- parse_etag_condition ----------------------------------------------------

TEST(ParseEtagCondition, StarMeansAnyRepresentation) {
  for (const std::string_view header : {"*", " *", "* ", "\t*\t", "  *  "}) {
    const auto condition = parse_etag_condition(header);
    EXPECT_TRUE(condition.any) << header;
    EXPECT_TRUE(condition.tags.empty()) << header;
  }
}

TEST(ParseEtagCondition, ReadsASingleTag) {
  const auto condition = parse_etag_condition("\"5\"");
  EXPECT_FALSE(condition.any);
  EXPECT_EQ(condition.tags, std::vector<EntityTag>{strong("5")});
  EXPECT_EQ(parse_etag_condition("W/\"5\"").tags, std::vector<EntityTag>{weak("5")});
}

TEST(ParseEtagCondition, ReadsAListInOrderWithOptionalWhitespace) {
  const std::vector<EntityTag> expected{strong("xyzzy"), weak("r2d2xxxx"), strong("c3piozzzz")};
  for (const std::string_view header : {
           "\"xyzzy\", W/\"r2d2xxxx\", \"c3piozzzz\"",
           "\"xyzzy\",W/\"r2d2xxxx\",\"c3piozzzz\"",
           "  \"xyzzy\"  ,  W/\"r2d2xxxx\"  ,  \"c3piozzzz\"  ",
           "\t\"xyzzy\"\t,\tW/\"r2d2xxxx\" \t, \t\"c3piozzzz\"\t",
       }) {
    const auto condition = parse_etag_condition(header);
    EXPECT_FALSE(condition.any) << header;
    EXPECT_EQ(condition.tags, expected) << header;
  }
}

TEST(ParseEtagCondition, SkipsEmptyListElements) {
  const std::vector<EntityTag> expected{strong("a"), strong("b")};
  for (const std::string_view header : {
           "\"a\", , \"b\"",
           "\"a\",,\"b\"",
           ", \"a\", \"b\"",
           "\"a\", \"b\",",
           "\"a\", \"b\" , ",
           ",,\"a\",,,\"b\",,",
           " , \t, \"a\" ,\t, \"b\" , ",
       }) {
    EXPECT_EQ(parse_etag_condition(header).tags, expected) << header;
  }
}

TEST(ParseEtagCondition, KeepsCommasInsideOpaqueTags) {
  EXPECT_EQ(parse_etag_condition("\"a,b\"").tags, std::vector<EntityTag>{strong("a,b")});
  EXPECT_EQ(parse_etag_condition("\"a,b\", W/\",\", \",,\"").tags,
            (std::vector<EntityTag>{strong("a,b"), weak(","), strong(",,")}));
}

TEST(ParseEtagCondition, KeepsObsTextAndDuplicates) {
  EXPECT_EQ(parse_etag_condition("\"\x80\", W/\"\xFF\", \"\x80\"").tags,
            (std::vector<EntityTag>{strong("\x80"), weak("\xFF"), strong("\x80")}));
}

TEST(ParseEtagCondition, ReadsAQuotedStarAsATag) {
  EXPECT_EQ(parse_etag_condition("\"*\"").tags, std::vector<EntityTag>{strong("*")});
}

TEST(ParseEtagCondition, RejectsMalformedHeaders) {
  for (const std::string_view header : {
           "",                // empty
           "   ",             // only whitespace
           "\t",              // only whitespace
           ",",               // no tags at all
           " , ,\t, ",        // no tags at all
           "\"a",             // unterminated
           "\"a\", \"b",      // unterminated last tag
           "\"a, \"b\"",      // quote closes in the wrong place
           "\"a\" \"b\"",     // missing comma
           "\"a\"\"b\"",      // missing comma
           "\"a\" x, \"b\"",  // garbage after a tag
           "\"a\", x",        // garbage element
           "x, \"a\"",        // garbage element
           "\"a\";q=1",       // parameters are not allowed
           "*, \"a\"",        // "*" mixed with tags
           "\"a\", *",        // "*" mixed with tags
           "*,",              // "*" is not a list element
           ", *",             // "*" is not a list element
           "* *",             // two wildcards
           "**",              // not a wildcard
           "W/",              // weak prefix alone
           "W/\"a\", W/",     // trailing weak prefix
           "w/\"a\"",         // "W/" is case-sensitive
           "\"a b\"",         // SP inside a tag
           "\"a\"\r\n",       // CRLF is not OWS
       }) {
    expect_invalid_condition(header);
  }
  expect_invalid_condition(std::string_view("\"a\"\0", 4));
  expect_invalid_condition(std::string_view("\0", 1));
}

// Every short string over the bytes the grammar cares about either parses to
// tags that survive a round trip or fails with INVALID_PRECONDITION; under
// ASan this also shows the parser never reads outside the input.
TEST(ParseEtagCondition, SmallInputsParseConsistentlyOrFailCleanly) {
  const std::string alphabet = "\"W/, \t*a";
  std::vector<std::string> inputs{""};
  std::size_t shorter_begin = 0;
  for (int length = 1; length <= 5; ++length) {
    const std::size_t shorter_end = inputs.size();
    for (std::size_t i = shorter_begin; i < shorter_end; ++i)
      for (const char c : alphabet) inputs.push_back(inputs[i] + c);
    shorter_begin = shorter_end;
  }
  std::size_t parsed = 0;
  for (const auto& input : inputs) {
    // A fresh heap copy sized exactly to the input, so an over-read hits ASan's redzone.
    const std::unique_ptr<char[]> exact(new char[input.size()]);
    std::copy(input.begin(), input.end(), exact.get());
    const std::string_view header(exact.get(), input.size());
    try {
      const auto condition = parse_etag_condition(header);
      ++parsed;
      if (condition.any) {
        EXPECT_TRUE(condition.tags.empty()) << input;
        continue;
      }
      ASSERT_FALSE(condition.tags.empty()) << input;
      std::string rebuilt;
      for (const auto& tag : condition.tags) rebuilt += (rebuilt.empty() ? "" : ", ") + tag.to_string();
      EXPECT_EQ(parse_etag_condition(rebuilt).tags, condition.tags) << input;
    } catch (const Error& error) {
      ASSERT_EQ(error.code(), Code::InvalidPrecondition) << input;
    }
  }
  EXPECT_GT(parsed, 0u);
}

TEST(ParseEtagCondition, EveryPrefixOfAValidHeaderParsesOrFailsCleanly) {
  const std::string header = " \"a,b\" ,\tW/\"\x80\xFF\", , \"\" ,";
  for (std::size_t length = 0; length <= header.size(); ++length) {
    const std::unique_ptr<char[]> exact(new char[length]);
    std::copy(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(length), exact.get());
    try {
      parse_etag_condition(std::string_view(exact.get(), length));
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), Code::InvalidPrecondition) << length;
    }
  }
  EXPECT_EQ(parse_etag_condition(header).tags, (std::vector<EntityTag>{strong("a,b"), weak("\x80\xFF"), strong("")}));
}

// ---- strong_match / weak_match -----------------------------------------------

// RFC 9110 §8.8.3.2, the example table, checked in both argument orders.
TEST(EtagComparison, FollowsTheRfc9110Table) {
  struct Row {
    EntityTag a;
    EntityTag b;
    bool strong_result;
    bool weak_result;
  };
  const std::vector<Row> table{
      {weak("1"), weak("1"), false, true},
      {weak("1"), weak("2"), false, false},
      {weak("1"), strong("1"), false, true},
      {strong("1"), strong("1"), true, true},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.a.to_string() + " vs " + row.b.to_string());
    EXPECT_EQ(strong_match(row.a, row.b), row.strong_result);
    EXPECT_EQ(strong_match(row.b, row.a), row.strong_result);
    EXPECT_EQ(weak_match(row.a, row.b), row.weak_result);
    EXPECT_EQ(weak_match(row.b, row.a), row.weak_result);
  }
}

TEST(EtagComparison, DifferentOpaqueTagsNeverMatch) {
  EXPECT_FALSE(strong_match(strong("1"), strong("2")));
  EXPECT_FALSE(weak_match(strong("1"), strong("2")));
  EXPECT_FALSE(weak_match(strong("1"), weak("01")));
  EXPECT_FALSE(weak_match(strong("a"), strong("A")));
}

// ---- if_match ----------------------------------------------------------------

TEST(IfMatch, StarHoldsIffARepresentationExists) {
  EXPECT_TRUE(if_match("*", strong("1")));
  EXPECT_TRUE(if_match("*", weak("1")));
  EXPECT_FALSE(if_match("*", std::nullopt));
}

TEST(IfMatch, ListHoldsIffATagStronglyMatches) {
  EXPECT_TRUE(if_match("\"1\"", strong("1")));
  EXPECT_TRUE(if_match("\"2\", \"1\"", strong("1")));
  EXPECT_TRUE(if_match("W/\"1\", \"1\"", strong("1")));
  EXPECT_FALSE(if_match("\"2\"", strong("1")));
  EXPECT_FALSE(if_match("\"2\", \"3\"", strong("1")));
  // Strong comparison: a weak tag on either side never matches.
  EXPECT_FALSE(if_match("W/\"1\"", strong("1")));
  EXPECT_FALSE(if_match("\"1\"", weak("1")));
  EXPECT_FALSE(if_match("W/\"1\"", weak("1")));
}

TEST(IfMatch, ListNeverHoldsWithoutARepresentation) {
  EXPECT_FALSE(if_match("\"1\"", std::nullopt));
  EXPECT_FALSE(if_match("\"1\", W/\"2\"", std::nullopt));
}

TEST(IfMatch, MalformedHeaderIsAnErrorWhateverTheCurrentTag) {
  for (const std::optional<EntityTag>& current : {std::optional<EntityTag>(), std::optional<EntityTag>(strong("1"))}) {
    for (const std::string_view header : {"", "1", "\"1\" \"2\"", "*, \"1\""}) {
      const Error error = error_from([&] { if_match(header, current); });
      EXPECT_EQ(error.code(), Code::InvalidPrecondition) << header;
      EXPECT_EQ(header_detail(error), std::string(header));
    }
  }
}

// ---- if_none_match -----------------------------------------------------------

TEST(IfNoneMatch, StarHoldsIffNoRepresentationExists) {
  EXPECT_TRUE(if_none_match("*", std::nullopt));
  EXPECT_FALSE(if_none_match("*", strong("1")));
  EXPECT_FALSE(if_none_match("*", weak("1")));
}

TEST(IfNoneMatch, ListHoldsIffNoTagWeaklyMatches) {
  EXPECT_FALSE(if_none_match("\"1\"", strong("1")));
  EXPECT_FALSE(if_none_match("\"2\", \"1\"", strong("1")));
  // Weak comparison: weakness on either side does not prevent a match.
  EXPECT_FALSE(if_none_match("W/\"1\"", strong("1")));
  EXPECT_FALSE(if_none_match("\"1\"", weak("1")));
  EXPECT_FALSE(if_none_match("W/\"1\"", weak("1")));
  EXPECT_TRUE(if_none_match("\"2\"", strong("1")));
  EXPECT_TRUE(if_none_match("\"2\", W/\"3\"", weak("1")));
}

TEST(IfNoneMatch, ListAlwaysHoldsWithoutARepresentation) {
  EXPECT_TRUE(if_none_match("\"1\"", std::nullopt));
  EXPECT_TRUE(if_none_match("W/\"1\", \"2\"", std::nullopt));
}

TEST(IfNoneMatch, MalformedHeaderIsAnErrorWhateverTheCurrentTag) {
  for (const std::optional<EntityTag>& current : {std::optional<EntityTag>(), std::optional<EntityTag>(strong("1"))}) {
    for (const std::string_view header : {"", " , ", "\"1", "\"1\", *"}) {
      const Error error = error_from([&] { if_none_match(header, current); });
      EXPECT_EQ(error.code(), Code::InvalidPrecondition) << header;
      EXPECT_EQ(header_detail(error), std::string(header));
    }
  }
}

// ---- make_etag / version_from_etag -------------------------------------------

TEST(VersionEtag, MakeEtagIsAStrongTagOfTheDecimalVersion) {
  EXPECT_EQ(make_etag(0), strong("0"));
  EXPECT_EQ(make_etag(5), strong("5"));
  EXPECT_EQ(make_etag(5).to_string(), "\"5\"");
  EXPECT_EQ(make_etag(kMaxVersion), strong("9223372036854775807"));
}

TEST(VersionEtag, MakeEtagRejectsNegativeVersions) {
  for (const Version version : {Version{-1}, std::numeric_limits<Version>::min()}) {
    EXPECT_EQ(error_from([&] { make_etag(version); }).code(), Code::InvalidVersion) << version;
  }
}

TEST(VersionEtag, RoundTripsThroughTheHeaderSpelling) {
  for (const Version version : {Version{0}, Version{1}, Version{9}, Version{10}, Version{1234567890},
                                Version{std::int64_t{1} << 53}, kMaxVersion - 1, kMaxVersion}) {
    const EntityTag tag = make_etag(version);
    EXPECT_EQ(version_from_etag(tag), version);
    EXPECT_EQ(version_from_etag(parse_etag(tag.to_string())), version);
  }
}

TEST(VersionEtag, AcceptsWeakTags) {
  EXPECT_EQ(version_from_etag(weak("5")), 5);
  EXPECT_EQ(version_from_etag(parse_etag("W/\"9223372036854775807\"")), kMaxVersion);
}

TEST(VersionEtag, RejectsOpaqueTagsThatMakeEtagNeverProduces) {
  for (const char* opaque : {
           "",
           "-1",                    // negative
           "+1",                    // sign
           "-0",                    // sign
           "01",                    // leading zero
           "00",                    // leading zero
           "0009",                  // leading zeros
           "1a",                    // trailing garbage
           "a1",                    // leading garbage
           " 1",                    // whitespace
           "1 ",                    // whitespace
           "1.0",                   // not an integer
           "1e3",                   // not an integer
           "0x10",                  // not decimal
           "xyzzy",                 // a foreign tag
           "9223372036854775808",   // INT64_MAX + 1
           "10000000000000000000",  // 20 digits
           "18446744073709551616",  // 2^64
           "99999999999999999999",  // 20 digits
           "\xD9\xA1",              // ARABIC-INDIC DIGIT ONE is not a decimal digit here
       }) {
    expect_not_a_version(strong(opaque));
    expect_not_a_version(weak(opaque));
  }
}

TEST(VersionEtag, RejectsVeryLongDigitStrings) {
  expect_not_a_version(strong(std::string(1000, '9')));
  expect_not_a_version(strong("1" + std::string(1000, '0')));
}

TEST(VersionEtag, NamesTheTagInTheError) {
  const Error error = error_from([] { version_from_etag(weak("01")); });
  EXPECT_EQ(error.code(), Code::InvalidVersion);
  EXPECT_NE(error.message().find("W/\"01\""), std::string::npos) << error.message();
}

// ---- expected_from_headers ---------------------------------------------------

TEST(ExpectedFromHeaders, NoHeadersMeansNoExpectation) {
  EXPECT_EQ(expected_from_headers(std::nullopt, std::nullopt), std::nullopt);
}

TEST(ExpectedFromHeaders, IfNoneMatchStarExpectsNoResource) {
  EXPECT_EQ(expected_from_headers(std::nullopt, "*"), Expected::no_stream());
  EXPECT_EQ(expected_from_headers(std::nullopt, " \t* "), Expected::no_stream());
}

TEST(ExpectedFromHeaders, IfMatchStarExpectsAnExistingResource) {
  EXPECT_EQ(expected_from_headers("*", std::nullopt), Expected::exists());
  EXPECT_EQ(expected_from_headers("  *\t", std::nullopt), Expected::exists());
}

TEST(ExpectedFromHeaders, IfMatchWithOneVersionTagExpectsThatVersion) {
  EXPECT_EQ(expected_from_headers("\"5\"", std::nullopt), Expected::exact(5));
  EXPECT_EQ(expected_from_headers("\"0\"", std::nullopt), Expected::exact(0));
  EXPECT_EQ(expected_from_headers(" \"42\"\t", std::nullopt), Expected::exact(42));
  EXPECT_EQ(expected_from_headers(make_etag(kMaxVersion).to_string(), std::nullopt), Expected::exact(kMaxVersion));
  // Empty list elements are not tags, so this is still a single tag.
  EXPECT_EQ(expected_from_headers(", \"7\",", std::nullopt), Expected::exact(7));
}

TEST(ExpectedFromHeaders, RejectsIfMatchTagsNoSingleVersionSatisfies) {
  for (const std::string_view header : {
           "W/\"5\"",                  // weak: strong comparison can never match it
           "\"5\", \"6\"",             // several versions
           "\"5\", \"5\"",             // several tags, even if equal
           "\"5\", W/\"5\"",           // several tags
           "\"xyzzy\"",                // a foreign tag
           "\"\"",                     // a foreign tag
           "\"01\"",                   // not a spelling make_etag produces
           "\"-1\"",                   // negative
           "\"9223372036854775808\"",  // overflow
       }) {
    SCOPED_TRACE(header);
    const Error error = error_from([&] { expected_from_headers(header, std::nullopt); });
    EXPECT_EQ(error.code(), Code::InvalidPrecondition);
    EXPECT_EQ(header_detail(error), std::string(header));
  }
}

TEST(ExpectedFromHeaders, RejectsIfNoneMatchWithATagList) {
  for (const std::string_view header : {"\"5\"", "W/\"5\"", "\"5\", \"6\""}) {
    SCOPED_TRACE(header);
    const Error error = error_from([&] { expected_from_headers(std::nullopt, header); });
    EXPECT_EQ(error.code(), Code::InvalidPrecondition);
    EXPECT_EQ(header_detail(error), std::string(header));
    EXPECT_NE(error.message().find("If-None-Match"), std::string::npos) << error.message();
  }
}

TEST(ExpectedFromHeaders, RejectsBothHeadersTogether) {
  expect_unsupported_write("*", "*");
  expect_unsupported_write("\"5\"", "*");
  expect_unsupported_write("\"5\"", "\"6\"");
  expect_unsupported_write("", "");
  const Error error = error_from([] { expected_from_headers("\"5\"", "*"); });
  EXPECT_NE(error.message().find("If-Match"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("If-None-Match"), std::string::npos) << error.message();
  EXPECT_EQ(error.details().value("if_match", ""), "\"5\"");
  EXPECT_EQ(error.details().value("if_none_match", ""), "*");
}

TEST(ExpectedFromHeaders, RejectsMalformedHeaders) {
  for (const std::string_view header : {"", "  ", ",", "5", "\"5", "\"5\" \"6\"", "*, \"5\""}) {
    expect_unsupported_write(header, std::nullopt);
    expect_unsupported_write(std::nullopt, header);
  }
}

}  // namespace
}  // namespace truce
