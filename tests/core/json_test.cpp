#include "truce/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "test_support.hpp"
#include "truce/canonical_json.hpp"

namespace truce {
namespace {

using test_support::parse_error;

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

// Random JSON-ish text: mostly valid, with the corners parsers get wrong
// (escapes, surrogates, multi-byte and broken UTF-8, big and odd numbers,
// repeated keys, whitespace), and sometimes one byte changed or cut off.
class RandomText {
 public:
  explicit RandomText(std::uint32_t seed) : rng_(seed) {}

  std::string next() {
    std::string text;
    value(text, 4);
    switch (pick(0, 5)) {
      case 0:
        if (!text.empty()) text[static_cast<std::size_t>(pick(0, static_cast<int>(text.size()) - 1))] = byte();
        break;
      case 1:
        text.resize(static_cast<std::size_t>(pick(0, static_cast<int>(text.size()))));
        break;
      default:
        break;
    }
    return text;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  char byte() {
    static const char bytes[] = "{}[],:\"\\/ \t\nabefnrtu0123456789+-.eE\x01\x7f\x80\xbf\xc3\xed\xf0\xf4\xff";
    return bytes[pick(0, sizeof bytes - 2)];
  }
  void space(std::string& out) {
    static const char* spaces[] = {"", "", "", " ", "\n\t ", "\r\n"};
    out += spaces[pick(0, 5)];
  }
  void string(std::string& out) {
    static const char* pieces[] = {
        "a", "Zz", " ", "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u0041", "\\u00e9", "\\u0000", "\\u001f",
        "\\ud83d\\ude00", "\\ud800", "\\udc00", "\\uD834\\uDD1E", "\\x", "\\u12", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\x80", "\x7f", "\x01", "\xff",
        "long string without anything special in it at all",
    };
    out += '"';
    for (int i = pick(0, 4); i > 0; --i) out += pieces[pick(0, sizeof pieces / sizeof *pieces - 1)];
    out += '"';
  }
  void number(std::string& out) {
    static const char* numbers[] = {
        "0", "-0", "7", "-12", "1.5", "-0.0", "1e3", "1E-3", "2.5e+10", "1e400", "-1e400", "4.9e-324",
        "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
        "0.1", "1.0", "100", "01", "1.", ".5", "-", "1e", "+1", "0x10", "1.5e3.2",
    };
    out += numbers[pick(0, sizeof numbers / sizeof *numbers - 1)];
  }
  void value(std::string& out, int depth) {
    space(out);
    const int kind = depth <= 0 ? pick(2, 4) : pick(0, 4);
    if (kind == 0) {
      out += '{';
      for (int i = pick(0, 4); i > 0; --i) {
        space(out);
        if (pick(0, 3) == 0) out += "\"k\"";
        else string(out);
        space(out);
        out += ':';
        value(out, depth - 1);
        if (i > 1) out += ',';
      }
      space(out);
      out += '}';
    } else if (kind == 1) {
      out += '[';
      for (int i = pick(0, 4); i > 0; --i) {
        value(out, depth - 1);
        if (i > 1) out += ',';
      }
      out += ']';
    } else if (kind == 2) {
      string(out);
    } else if (kind == 3) {
      number(out);
    } else {
      static const char* literals[] = {"true", "false", "null", "tru", "nul"};
      out += literals[pick(0, 4)];
    }
    space(out);
  }

  std::mt19937 rng_;
};

// The text as a JSON string with every non-ASCII byte escaped, for messages.
std::string shown(const std::string& text) {
  return Document(text).dump(-1, ' ', true, nlohmann::detail::error_handler_t::replace);
}

// Same type everywhere, not only equal values: nlohmann's == calls 1u and 1 equal.
bool same_types(const Document& a, const Document& b) {
  if (a.type() != b.type() || a != b) return false;
  if (a.is_object()) {
    auto it = b.begin();
    for (const auto& [key, value] : a.items()) {
      if (it.key() != key || !same_types(value, it.value())) return false;
      ++it;
    }
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_types(a[i], b[i])) return false;
  }
  return true;
}

TEST(ParseJson, AgreesWithNlohmannOnRandomText) {
  RandomText random(20261123);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = random.next();
    std::optional<Document> reference;
    try {
      reference = Document::parse(text);
    } catch (const nlohmann::json::exception&) {
    }
    std::optional<Document> ours;
    try {
      ours = parse_json(text);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), Code::InvalidJson) << text;
    }
    ASSERT_EQ(ours.has_value(), reference.has_value()) << "text: " << shown(text);
    if (!ours) continue;
    ++accepted;
    ASSERT_TRUE(same_types(*ours, *reference)) << "text: " << shown(text);
    ASSERT_EQ(to_json_text(*ours), reference->dump()) << "text: " << shown(text);
  }
  EXPECT_GT(accepted, 5000);  // the generator must exercise valid text too
}

TEST(ToJsonText, PrintsWhatNlohmannPrints) {
  const Document doc = {{"control", std::string("\x00\x01\x1f\x7f\b\f\n\r\t\"\\/", 12)},
                        {"numbers", {0, -1, 18446744073709551615ull, -9223372036854775807ll - 1, 0.1, 1e300, -0.0, 1.0,
                                     5e-324, std::numeric_limits<double>::infinity()}},
                        {"unicode", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
                        {"nested", {{"a", Document::array()}, {"b", Document::object()}, {"c", nullptr}, {"d", true}}}};
  EXPECT_EQ(to_json_text(doc), doc.dump());
}

// The printer and the canonical form share one escaper: long strings whose
// escapes outgrow the printer's first guess of their size, at every offset.
TEST(ToJsonText, EscapeHeavyStringsPrintAsNlohmannAndTheCanonicalFormDo) {
  std::mt19937 random(11);
  const std::string pieces[] = {"a", "plain text ", "\"", "\\", "\n", "\t", std::string(1, '\0'), "\x1f",
                                "\x7f", "\xc3\xa9", "\xf0\x9f\x98\x80", "/"};
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const std::size_t length = random() % 3000;
    while (text.size() < length) text += pieces[random() % std::size(pieces)];
    const Document value = text;
    const std::string printed = to_json_text(value);
    ASSERT_EQ(printed, value.dump()) << "round " << round;
    ASSERT_EQ(printed, canonical_json(value)) << "round " << round;
    ASSERT_EQ(parse_json(printed), value) << "round " << round;
  }
}

TEST(ToJsonText, PrintsBinaryValuesAsNlohmannDoes) {
  Document doc = {{"a", Document::binary({1, 2, 255})}, {"b", Document::binary({}, 7)}};
  EXPECT_EQ(to_json_text(doc), doc.dump());
  EXPECT_EQ(to_json_text(doc), R"({"a":{"bytes":[1,2,255],"subtype":null},"b":{"bytes":[],"subtype":7}})");
}

// ---- numbers: the parser's own decimal-to-double conversion -------------------

std::uint64_t bits_of(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

// glibc's strtod rounds correctly; the parser must give the very same double,
// and refuse exactly the texts strtod takes to infinity.
void expect_parsed_as_strtod(const std::string& text) {
  const double expected = std::strtod(text.c_str(), nullptr);
  if (std::isinf(expected)) {
    EXPECT_EQ(parse_error(text).code(), Code::InvalidJson) << text;
    return;
  }
  const Document value = parse_json(text);
  ASSERT_TRUE(value.is_number_float()) << text;
  ASSERT_EQ(bits_of(value.get<double>()), bits_of(expected)) << text;
}

// Random spellings around the hard cases: 17-digit doubles, exact halfway
// points between neighbours (and a hair either side), subnormals, the largest
// doubles, mantissas of up to 900 digits, exponents past either end.
class RandomNumberText {
 public:
  explicit RandomNumberText(std::uint64_t seed) : rng_(seed) {}

  std::string next() {
    std::string text = rng_() % 2 ? "-" : "";
    switch (rng_() % 7) {
      case 0: {
        const int count = 1 + static_cast<int>(rng_() % 25);
        std::string d = digits(count);
        const int point = 1 + static_cast<int>(rng_() % static_cast<std::uint64_t>(count));
        if (point > 1 && d[0] == '0') d[0] = '7';  // JSON has no leading zeros
        text += d.substr(0, point) + "." + (point < count ? d.substr(point) : "0") + "e" +
                std::to_string(static_cast<int>(rng_() % 700) - 350);
        break;
      }
      case 1:
        text += printed("%.17e", random_double());
        break;
      case 2: {  // halfway between x and the next double up: exact in a long double
        const double x = random_double();
        const double up = std::nextafter(x, std::numeric_limits<double>::infinity());
        if (std::isinf(up)) return text + "1.5";
        std::string half = printed("%.800Le", (static_cast<long double>(x) + up) / 2);
        const std::size_t e = half.find('e');
        std::string mantissa = half.substr(0, e);
        while (mantissa.back() == '0') mantissa.pop_back();
        if (mantissa.back() == '.') return text + "1e23";  // a halfway point with one digit, as 1e23 is
        const std::string exponent = half.substr(e);
        switch (rng_() % 3) {
          case 0:  // exactly halfway
            text += mantissa + exponent;
            break;
          case 1:  // just below
            mantissa.back() = static_cast<char>(mantissa.back() - 1);
            text += mantissa + "999" + exponent;
            break;
          default:  // just above
            text += mantissa + std::string(rng_() % 40, '0') + "1" + exponent;
            break;
        }
        break;
      }
      case 3:
        text += "0." + digits(1 + static_cast<int>(rng_() % 20)) + "e-" + std::to_string(300 + rng_() % 30);
        break;
      case 4:
        text += "1.797693134862315" + digits(1 + static_cast<int>(rng_() % 10)) + "e308";
        break;
      case 5: {
        std::string d = digits(20 + static_cast<int>(rng_() % 900));
        d[0] = static_cast<char>('1' + rng_() % 9);
        text += d.substr(0, 1) + "." + d.substr(1) + "e" + std::to_string(static_cast<int>(rng_() % 640) - 330);
        break;
      }
      default:
        text += std::to_string(rng_() % 100000) + "." + digits(1 + static_cast<int>(rng_() % 6));
        break;
    }
    return text;
  }

 private:
  std::string digits(int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += static_cast<char>('0' + rng_() % 10);
    return out;
  }
  double random_double() {  // finite, positive; a quarter of them subnormal
    std::uint64_t bits = rng_() & 0x7FEFFFFFFFFFFFFFULL;
    if (rng_() % 4 == 0) bits &= 0x000FFFFFFFFFFFFFULL;
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x > 0 ? x : 5e-324;
  }
  template <typename T>
  static std::string printed(const char* format, T value) {
    char buffer[1024];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
  }

  std::mt19937_64 rng_;
};

TEST(Numbers, ParseToTheDoubleStrtodGivesOnRandomTexts) {
  RandomNumberText random(20261202);
  for (int i = 0; i < 100000; ++i) expect_parsed_as_strtod(random.next());
}

TEST(Numbers, ParseToTheDoubleStrtodGivesAtTheEdges) {
  for (const char* text : {
           "0.0", "-0.0", "0e999999999999", "1e-400", "-1e-400", "0.1", "0.30000000000000004", "1e23",
           "9007199254740993.0", "9007199254740992.5", "9007199254740993.0000000001", "18446744073709551616.0",
           "123456789012345678901234567890.0", "2.4703282292062327e-324", "2.4703282292062328e-324",
           "2.47032822920623272088e-324", "4.9406564584124654e-324", "1e-324", "3e-324",
           "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
           "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
           "1.00000000000000011102230246251565404236316680908203125",
           "1.00000000000000011102230246251565404236316680908203124",
           "1.00000000000000011102230246251565404236316680908203126",
           "0.000000000000000000000000000000000000000000001e353", "100000000000000000000000000000000000e-35",
           "1e+308", "1E309", "1e-0000000000000000000000000000003", "7.450580596923828125e-9",
       }) {
    expect_parsed_as_strtod(text);
  }
  // The largest double in full, and the halfway point above it (ties to
  // even: infinity, so refused) with a hair less (the largest double).
  const std::string largest =
      "17976931348623157081452742373170435679807056752584499659891747680315726078002853"
      "87605895586327668781715404589535143824642343213268894641827684675467035375169860"
      "49910576551282076245490090389328944075868508455133942304583236903222948165808559"
      "332123348274797826204144723168738177180919299881250404026184124858368";
  const std::string halfway_to_infinity =
      "17976931348623158079372897140530341507993413271003782693617377898044496829276475"
      "09466490179775872070963302864166928879109465555478519404026306574886715058206819"
      "08902000708383676273854845817711531764475730270069855571366959622842914819860834"
      "936475292719074168444365510704342711559699508093042880177904174497792";
  const std::string a_hair_less = halfway_to_infinity.substr(0, 308) + "1.9999999999999999999999";
  for (const std::string& text :
       {largest + ".0", halfway_to_infinity + ".0", a_hair_less, "0." + halfway_to_infinity + "e309"})
    expect_parsed_as_strtod(text);
  EXPECT_EQ(parse_json(largest + ".0"), std::numeric_limits<double>::max());
  EXPECT_EQ(parse_json(a_hair_less), std::numeric_limits<double>::max());
  EXPECT_EQ(parse_error(halfway_to_infinity + ".0").code(), Code::InvalidJson);
  // A mantissa far past 800 digits whose tail decides the rounding.
  expect_parsed_as_strtod("9007199254740993" + std::string(5000, '0') + "1e-5000");
  expect_parsed_as_strtod("9007199254740993" + std::string(5000, '0') + "e-5000");
  expect_parsed_as_strtod("0." + std::string(100000, '0') + "1e100100");
}

TEST(ParseJson, ByteOrderMarkIsRejectedLikeJsonParse) {
  EXPECT_EQ(parse_error("\xef\xbb\xbf{}").code(), Code::InvalidJson);
}

TEST(ParseJson, RepeatedNameKeepsTheLastValueAtTheFirstPosition) {
  EXPECT_EQ(to_json_text(parse_json(R"({"a":1,"b":2,"a":3})")), R"({"a":3,"b":2})");
}

}  // namespace
}  // namespace truce
