// Hostile input natively: every parse limit at its default and configured,
// invalid UTF-8 in all its forms, numbers JSON text can spell but a double
// cannot hold, and a 100 MB text refused before anything is built. The same
// limits through the adapters the WASM module exports are checked in
// js/test/hardening.test.mjs and tests/vectors/limits.json. docs/limits.md
// lists them.
#include <gtest/gtest.h>

#include <chrono>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "adapters.hpp"
#include "boundary.hpp"
#include "test_support.hpp"
#include "truce/json.hpp"
#include "truce/patch.hpp"

namespace truce {
namespace {

using test_support::parse_error;

void expect_limit(const Error& error, const char* limit, std::size_t max, std::size_t offset) {
  EXPECT_EQ(error.code(), Code::LimitExceeded) << error.message();
  EXPECT_EQ(error.details(), Document({{"limit", limit}, {"max", max}, {"offset", offset}})) << error.message();
  EXPECT_EQ(error.status(), 413);
}

std::string repeated(const std::string& item, std::size_t count, const char* open, const char* close) {
  std::string text = open;
  text.reserve(count * (item.size() + 1) + 2);
  for (std::size_t i = 0; i < count; ++i) (text += i ? "," : "") += item;
  return text + close;
}

TEST(ParseLimitDefaults, AreTheDocumentedOnes) {
  const ParseLimits limits;
  EXPECT_EQ(limits.max_depth, 1000u);
  EXPECT_EQ(limits.max_bytes, 64u << 20);
  EXPECT_EQ(limits.max_string_bytes, 16u << 20);
  EXPECT_EQ(limits.max_key_bytes, 64u << 10);
  EXPECT_EQ(limits.max_array_items, 1000000u);
  EXPECT_EQ(limits.max_object_members, 1000000u);
}

TEST(StringLimit, HoldsAtTheDefaultAndCountsDecodedBytes) {
  const std::size_t max = ParseLimits{}.max_string_bytes;
  EXPECT_EQ(parse_json("[\"" + std::string(max, 'a') + "\"]")[0].get_ref<const std::string&>().size(), max);
  expect_limit(parse_error("[\"" + std::string(max + 1, 'a') + "\"]"), "string_bytes", max, 1);

  ParseLimits small;
  small.max_string_bytes = 4;
  EXPECT_NO_THROW(parse_json(R"(["\u00e9\u00e9"])", small));  // 12 bytes of text, 4 decoded
  expect_limit(parse_error(R"({"k": "\u00e9\u00e9x"})", small), "string_bytes", 4, 6);
  EXPECT_NO_THROW(parse_json(R"({"a long name is not a string value": 1})", small));
}

TEST(KeyLimit, HoldsOnPlainAndEscapedNames) {
  const std::size_t max = ParseLimits{}.max_key_bytes;
  EXPECT_NO_THROW(parse_json("{\"" + std::string(max, 'k') + "\":1}"));
  expect_limit(parse_error("{\"" + std::string(max + 1, 'k') + "\":1}"), "key_bytes", max, 1);

  ParseLimits small;
  small.max_key_bytes = 3;
  EXPECT_NO_THROW(parse_json(R"({"abc":"a string longer than three"})", small));
  expect_limit(parse_error(R"({"a":1, "abcd":2})", small), "key_bytes", 3, 8);
  expect_limit(parse_error(R"({"a":{"\u0061bcd":2}})", small), "key_bytes", 3, 6);  // the escaped path
}

TEST(ArrayLimit, HoldsAtTheDefaultAtTheCommaThatWouldPassIt) {
  const std::size_t max = ParseLimits{}.max_array_items;
  EXPECT_EQ(parse_json(repeated("0", max, "[", "]")).size(), max);
  // "[" then max items of "0," : the comma after the last allowed item.
  expect_limit(parse_error(repeated("0", max + 1, "[", "]")), "array_items", max, 2 * max);

  ParseLimits small;
  small.max_array_items = 2;
  EXPECT_NO_THROW(parse_json("[[1,2],[3,4]]", small));
  expect_limit(parse_error("[[1,2],[3,4,5]]", small), "array_items", 2, 11);
}

TEST(ObjectLimit, CountsRepeatedNamesToo) {
  const std::size_t max = ParseLimits{}.max_object_members;
  EXPECT_EQ(parse_json(repeated("\"a\":0", max, "{", "}")).size(), 1u);  // one member, the last value
  expect_limit(parse_error(repeated("\"a\":0", max + 1, "{", "}")), "object_members", max, 6 * max);

  ParseLimits small;
  small.max_object_members = 1;
  EXPECT_NO_THROW(parse_json(R"([{"a":1},{"b":2}])", small));
  expect_limit(parse_error(R"({"a":1,"b":2})", small), "object_members", 1, 6);
}

TEST(DepthLimit, ReportsWhereTheTextCrossedIt) {
  expect_limit(parse_error(std::string(1001, '[') + std::string(1001, ']')), "depth", 1000, 1000);
  ParseLimits small;
  small.max_depth = 1;
  expect_limit(parse_error(R"({"a":{}})", small), "depth", 1, 5);
}

// The heap in use (mallinfo) is how "nothing was built" is measured.
TEST(SizeLimit, A100MegabyteTextIsRefusedAtOnceWithoutAllocating) {
  const std::string huge(100u << 20, ' ');
  const std::size_t heap_before = wasm::heap_bytes_in_use();
  const auto start = std::chrono::steady_clock::now();

  const Error error = parse_error(huge);
  EXPECT_EQ(error.code(), Code::LimitExceeded);
  EXPECT_EQ(error.details(), Document({{"limit", "bytes"}, {"max", 64u << 20}, {"actual", 100u << 20}}));
  // The exported entry points: mergeJSON's texts and a call's argument array.
  const Document merge = parse_json(wasm::merge_text_views("{}", huge, "{}", "").substr(0, 300));
  EXPECT_EQ(merge["error"]["code"], "LIMIT_EXCEEDED");
  EXPECT_EQ(merge["error"]["details"]["side"], "mine");
  EXPECT_EQ(parse_json(wasm::call_adapter("merge", huge))["error"]["details"]["limit"], "bytes");

  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
  EXPECT_LT(wasm::heap_bytes_in_use() - heap_before, 64u << 10);
}

TEST(SizeLimit, IsConfigurable) {
  ParseLimits roomy;
  roomy.max_bytes = 128u << 20;
  roomy.max_string_bytes = 128u << 20;
  EXPECT_EQ(parse_json("\"" + std::string(70u << 20, 'a') + "\"", roomy).get_ref<const std::string&>().size(),
            70u << 20);
}

struct BadText {
  const char* what;
  std::string text;
  std::size_t offset;
};

TEST(InvalidUtf8, IsInvalidJsonAtTheFirstBadByte) {
  const std::vector<BadText> cases = {
      {"overlong NUL", "\"\xC0\x80\"", 1},
      {"overlong '/'", "\"\xC0\xAF\"", 1},
      {"overlong 2-byte form", "\"\xC1\xBF\"", 1},
      {"overlong 3-byte form", "\"a\xE0\x80\xAF\"", 2},
      {"overlong U+07FF", "\"\xE0\x9F\xBF\"", 1},
      {"overlong 4-byte form", "\"\xF0\x80\x80\xAF\"", 1},
      {"overlong U+FFFF", "\"\xF0\x8F\xBF\xBF\"", 1},
      {"high surrogate U+D800", "\"\xED\xA0\x80\"", 1},
      {"low surrogate U+DFFF", "\"\xED\xBF\xBF\"", 1},
      {"surrogate pair in CESU-8", "\"\xED\xA0\xBD\xED\xB8\x80\"", 1},
      {"above U+10FFFF", "\"\xF4\x90\x80\x80\"", 1},
      {"F5 lead byte", "\"\xF5\x80\x80\x80\"", 1},
      {"FF byte", "\"x\xFF\"", 2},
      {"lone continuation byte", "\"\x80\"", 1},
      {"truncated 2-byte", "\"\xC3\"", 1},
      {"truncated 3-byte", "\"\xE2\x82\"", 1},
      {"truncated 4-byte", "\"\xF0\x9F\x98\"", 1},
      {"truncated at the end of the text", "\"\xF0\x9F", 1},
      {"continuation missing mid-text", "[\"\xE2\x82x\"]", 2},
      {"in a member name", "{\"a\xC0\x80\":1}", 3},
      {"outside any string", "[\xC3\xA9]", 1},
      {"byte order mark", "\xEF\xBB\xBF{}", 0},
  };
  for (const BadText& bad : cases) {
    const Error error = parse_error(bad.text);
    EXPECT_EQ(error.code(), Code::InvalidJson) << bad.what;
    EXPECT_EQ(error.details(), Document({{"offset", bad.offset}})) << bad.what << ": " << error.message();
  }
  // The edges of each range are characters.
  for (const char* good : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
                           "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    const std::string text = std::string("\"") + good + "\"";
    EXPECT_EQ(parse_json(text).get<std::string>(), good);
    EXPECT_EQ(to_json_text(parse_json(text)), text);
  }
}

// A JSON text can escape a lone surrogate; no UTF-8 string can hold one. We
// refuse rather than substitute U+FFFD: JS's JSON.stringify writes exactly
// these escapes for a lone surrogate in a string, and a merge must not hand
// back a different string than it was given.
TEST(EscapedLoneSurrogates, AreInvalidJson) {
  for (const char* text : {R"("\ud800")", R"("\udc00")", R"("\uDBFFx")", R"("\ud800\u0041")", R"("\ud800\ud800")",
                           R"("\udc00\ud800")", R"({"\ud800":1})", R"(["ok", "\udfff"])"}) {
    EXPECT_EQ(parse_error(text).code(), Code::InvalidJson) << text;
  }
  EXPECT_EQ(parse_json(R"("\ud800\udc00")").get<std::string>(), "\xF0\x90\x80\x80");
}

TEST(Numbers, BeyondADoubleAreInvalidJsonAndTheRestKeepTheirValue) {
  for (const char* text : {"1e400", "-1e400", "1e309", "[0, 2E+999]", "17976931348623159e292"}) {
    const Error error = parse_error(text);
    EXPECT_EQ(error.code(), Code::InvalidJson) << text;
  }
  EXPECT_EQ(parse_error("[0, 2E+999]").details()["offset"], 4);
  EXPECT_EQ(parse_error("1" + std::string(400, '0')).code(), Code::InvalidJson);  // a 401-digit integer
  // Printed as the core prints them: what mergeJSON returns in both runtimes.
  const std::vector<std::pair<const char*, const char*>> kept = {
      {"-0", "0"},  // the integer 0, as nlohmann reads it
      {"-0.0", "-0.0"},
      {"1e-400", "0.0"},  // underflow is a value (zero), not an error
      {"1.7976931348623157e308", "1.7976931348623157e+308"},
      {"5e-324", "5e-324"},
      {"18446744073709551615", "18446744073709551615"},    // uint64 max, exact
      {"18446744073709551616", "1.8446744073709552e+19"},  // past it: a double
      {"-9223372036854775808", "-9223372036854775808"},    // int64 min, exact
      {"-9223372036854775809", "-9.223372036854776e+18"},
      {"9007199254740993", "9007199254740993"},  // past 2^53: exact here, not in JS numbers
  };
  for (const auto& [text, printed] : kept) EXPECT_EQ(to_json_text(parse_json(text)), printed) << text;
}

TEST(PatchOperationLimit, HoldsAtTheDefault) {
  const std::size_t max = PatchLimits{}.max_operations;
  EXPECT_EQ(max, 100000u);
  // Counted before any op is read, so the ops need not even be objects.
  const Document patch = parse_json(repeated("0", max + 1, "[", "]"));
  EXPECT_TRUCE_ERROR(apply_patch(Document::object(), patch), Code::LimitExceeded);
  const Document envelope =
      parse_json(wasm::call_adapter("apply_patch", "[{}," + repeated("0", max + 1, "[", "]") + "]"));
  EXPECT_EQ(envelope["error"]["details"], Document({{"limit", "operations"}, {"max", max}, {"actual", max + 1}}));
}

TEST(MergeJsonLimits, AreTakenFromTheLimitsOption) {
  const auto error_of = [](const std::string& mine, const char* options) {
    const std::string out = wasm::merge_text_views("{}", mine, "{}", options);
    return parse_json(out.substr(0, out.find('\n')))["error"];
  };
  const Document error = error_of(R"({"a":"four"})", R"({"limits":{"maxStringBytes":3},"onConflict":"mine"})");
  EXPECT_EQ(error["code"], "LIMIT_EXCEEDED");
  EXPECT_EQ(error["details"], Document({{"limit", "string_bytes"}, {"max", 3}, {"offset", 5}, {"side", "mine"}}));
  EXPECT_EQ(error_of("[1,2]", R"({"limits":{"maxArrayItems":1}})")["details"]["limit"], "array_items");
  EXPECT_EQ(error_of("{}", R"({"limits":{"maxBytes":1}})")["details"]["limit"], "bytes");
  EXPECT_EQ(error_of("{}", R"({"limits":{"maxWidth":1}})")["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(error_of("{}", R"({"limits":{"maxDepth":0}})")["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(parse_json(wasm::call_adapter("parse_limits", "[null]"))["ok"],
            parse_json(R"({"maxDepth":1000,"maxBytes":67108864,"maxStringBytes":16777216,"maxKeyBytes":65536,
                          "maxArrayItems":1000000,"maxObjectMembers":1000000})"));
}

// The order both runtimes refuse in (the JS layer refuses a long text before
// it crosses): options, then every side's size, then each side's content.
TEST(MergeJsonLimits, OptionsThenSizesThenContents) {
  const auto error_of = [](const char* base, const char* mine, const char* options) {
    const std::string out = wasm::merge_text_views(base, mine, "{}", options);
    return parse_json(out.substr(0, out.find('\n')))["error"];
  };
  const char* twelve_bytes = "\"\u00e9\u00e9\u00e9\u00e9\u00e9\"";  // 7 UTF-16 units in JS
  const Document too_long = error_of("{bad", twelve_bytes, R"({"limits":{"maxBytes":10}})");
  EXPECT_EQ(too_long["details"], Document({{"limit", "bytes"}, {"max", 10}, {"actual", 12}, {"side", "mine"}}));
  const Document bad_option = error_of("{bad", twelve_bytes, R"({"limits":{"maxBytes":10},"x":1})");
  EXPECT_EQ(bad_option["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(error_of("{bad", "{}", R"({"limits":{"maxBytes":10}})")["details"]["side"], "base");
}

TEST(OutOfMemory, IsAnOutOfMemoryEnvelope) {
  const Document envelope = parse_json(wasm::guarded("[]", 0, [](const Document&) -> Document { throw std::bad_alloc(); }));
  EXPECT_EQ(envelope["error"]["code"], "OUT_OF_MEMORY");
  EXPECT_EQ(envelope["error"]["status"], 503);
}

// The native twin of the JS 100k-call measurement: what the adapters
// allocate per call they give back.
TEST(AdapterCalls, LeaveTheHeapAsTheyFoundIt) {
  const auto one_round = [] {
    wasm::call_adapter("merge", R"([{"a":1,"t":[1,2]},{"a":2,"t":[1,2,3]},{"a":1,"b":"x","t":[0,1,2]}])");
    wasm::call_adapter("apply_patch", R"([{"a":1},[{"op":"copy","from":"/a","path":"/b"}]])");
    wasm::call_adapter("merge", R"([{"a":1},{"a":2},{"a":3}])");  // a conflict
    wasm::call_adapter("diff", R"([{"a":"\ud800"},{}])");         // an error
    wasm::merge_text_views(R"({"a":1})", R"({"a":2})", R"({"a":1,"b":2})", "");
  };
  one_round();  // first-use allocations (the adapter table, static strings)
  const std::size_t before = wasm::heap_bytes_in_use();
  for (int i = 0; i < 20000; ++i) one_round();
  EXPECT_LT(wasm::heap_bytes_in_use(), before + (16u << 10));
}

}  // namespace
}  // namespace truce
