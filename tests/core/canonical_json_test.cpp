// RFC 8785 canonical JSON: the suite's files, ECMAScript number formatting
// (the RFC's Appendix B, its 100-million-line test file's published hashes,
// random doubles against std::to_chars), member order by UTF-16 code units,
// escapes, errors, and request fingerprints.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if __has_include(<charconv>)
#include <charconv>
#endif

#include "test_support.hpp"
#include "truce/canonical_json.hpp"
#include "truce/error.hpp"
#include "truce/fingerprint.hpp"
#include "truce/json.hpp"
#include "truce/sha256.hpp"

#ifndef TRUCE_CONFORMANCE_DIR
#error "TRUCE_CONFORMANCE_DIR must name the folder holding rfc8785/"
#endif

namespace truce {
namespace {

double from_bits(std::uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

std::uint64_t to_bits(double x) {
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---------------------------------------------------------------------------
// The cyberphone/json-canonicalization suite: input/, output/ and outhex/
// hold one file per case under the same name.

const std::filesystem::path kSuite = std::filesystem::path(TRUCE_CONFORMANCE_DIR) / "rfc8785";

struct SuiteCase {
  std::string name;          // "arrays", ...
  std::string load_problem;  // set when the folder could not be listed
};

void PrintTo(const SuiteCase& suite_case, std::ostream* out) { *out << suite_case.name; }

std::vector<SuiteCase> suite_cases() {
  std::vector<SuiteCase> cases;
  try {
    for (const auto& entry : std::filesystem::directory_iterator(kSuite / "input"))
      if (entry.path().extension() == ".json") cases.push_back({entry.path().stem().string(), ""});
  } catch (const std::exception& problem) {
    return {{"unreadable", problem.what()}};
  }
  if (cases.empty()) return {{"empty", "no input/*.json in " + kSuite.string()}};
  std::sort(cases.begin(), cases.end(), [](const SuiteCase& a, const SuiteCase& b) { return a.name < b.name; });
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<SuiteCase>& info) {
  std::string name;
  for (const char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

std::string bytes_from_hex(const std::string& text) {
  std::string bytes;
  std::istringstream in(text);
  std::string pair;
  while (in >> pair) bytes += static_cast<char>(std::stoi(pair, nullptr, 16));
  return bytes;
}

class Rfc8785Conformance : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Rfc8785Conformance, File) {
  const SuiteCase& suite_case = GetParam();
  ASSERT_TRUE(suite_case.load_problem.empty()) << suite_case.load_problem;
  const std::string input = read_file(kSuite / "input" / (suite_case.name + ".json"));
  const std::string expected = read_file(kSuite / "output" / (suite_case.name + ".json"));
  const std::string expected_hex = read_file(kSuite / "outhex" / (suite_case.name + ".txt"));
  const std::string actual = canonical_json(parse_json(input));
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(actual, bytes_from_hex(expected_hex));
  // Canonical text is a fixed point.
  EXPECT_EQ(canonical_json(parse_json(actual)), actual);
}

INSTANTIATE_TEST_SUITE_P(Suite, Rfc8785Conformance, ::testing::ValuesIn(suite_cases()), case_name);

// ---------------------------------------------------------------------------
// Numbers: ECMAScript's Number::toString of the double.

struct BitsCase {
  std::uint64_t bits;
  const char* expected;
};

// RFC 8785 Appendix B (NaN and Infinity are below, as errors).
constexpr BitsCase kAppendixB[] = {
    {0x0000000000000000, "0"},
    {0x8000000000000000, "0"},
    {0x0000000000000001, "5e-324"},
    {0x8000000000000001, "-5e-324"},
    {0x7fefffffffffffff, "1.7976931348623157e+308"},
    {0xffefffffffffffff, "-1.7976931348623157e+308"},
    {0x4340000000000000, "9007199254740992"},
    {0xc340000000000000, "-9007199254740992"},
    {0x4430000000000000, "295147905179352830000"},
    {0x44b52d02c7e14af5, "9.999999999999997e+22"},
    {0x44b52d02c7e14af6, "1e+23"},
    {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
    {0x444b1ae4d6e2ef4e, "999999999999999700000"},
    {0x444b1ae4d6e2ef4f, "999999999999999900000"},
    {0x444b1ae4d6e2ef50, "1e+21"},
    {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
    {0x3eb0c6f7a0b5ed8d, "0.000001"},
    {0x41b3de4355555553, "333333333.3333332"},
    {0x41b3de4355555554, "333333333.33333325"},
    {0x41b3de4355555555, "333333333.3333333"},
    {0x41b3de4355555556, "333333333.3333334"},
    {0x41b3de4355555557, "333333333.33333343"},
    {0xbecbf647612f3696, "-0.0000033333333333333333"},
    {0x43143ff3c1cb0959, "1424953923781206.2"},
};

TEST(CanonicalNumber, RfcAppendixB) {
  for (const BitsCase& c : kAppendixB) EXPECT_EQ(canonical_number(from_bits(c.bits)), c.expected) << std::hex << c.bits;
}

struct DoubleCase {
  double value;
  const char* expected;
};

TEST(CanonicalNumber, TrickyDoubles) {
  const DoubleCase cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1.0, "1"},
      {-1.0, "-1"},
      {0.1, "0.1"},
      {-0.5, "-0.5"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0 / 3, "0.3333333333333333"},
      {4.35, "4.35"},
      {12345.6789, "12345.6789"},
      {100.0, "100"},
      {1e15, "1000000000000000"},
      {1e16, "10000000000000000"},
      {1e20, "100000000000000000000"},
      {123456789012345680000.0, "123456789012345680000"},
      {1e21, "1e+21"},
      {-1e21, "-1e+21"},
      {1.5e21, "1.5e+21"},
      {1e23, "1e+23"},
      {1e30, "1e+30"},
      {1e-6, "0.000001"},
      {0.000001234, "0.000001234"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {1.5e-7, "1.5e-7"},
      {123e-20, "1.23e-18"},
      {1e-27, "1e-27"},
      {5e-324, "5e-324"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},  // the smallest normal
      {2.225073858507201e-308, "2.225073858507201e-308"},    // the largest subnormal
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740992.0, "9007199254740992"},
      {9007199254740994.0, "9007199254740994"},
      {18446744073709551616.0, "18446744073709552000"},
      // Powers of two whose nearest 16-digit decimal falls outside the narrow
      // gap below them: only the next decimal up reads back.
      {std::ldexp(1.0, 89), "6.189700196426902e+26"},
      {std::ldexp(1.0, 976), "6.386688990511104e+293"},
      {std::ldexp(1.0, -1017), "7.120236347223045e-307"},
      // Where Grisu2 (nlohmann's to_chars) prints a digit too many.
      {8.48162069870304e18, "8481620698703040000"},
      {4.1752050594835e78, "4.1752050594835e+78"},
      {3.484060486691407e210, "3.484060486691407e+210"},
      // Halfway between two 17-digit decimals: the even one.
      {1424953923781206.25, "1424953923781206.2"},
  };
  for (const DoubleCase& c : cases) EXPECT_EQ(canonical_number(c.value), c.expected) << c.expected;
}

TEST(CanonicalNumber, IntegersBecomeDoublesFirst) {
  EXPECT_EQ(canonical_json(Document(std::uint64_t{9007199254740993})), "9007199254740992");
  EXPECT_EQ(canonical_json(parse_json("9007199254740993")), "9007199254740992");
  EXPECT_EQ(canonical_json(Document(std::int64_t{-9007199254740993})), "-9007199254740992");
  EXPECT_EQ(canonical_json(Document(std::uint64_t{9007199254740995})), "9007199254740996");  // ties to even
  EXPECT_EQ(canonical_json(Document(std::numeric_limits<std::int64_t>::min())), "-9223372036854776000");
  EXPECT_EQ(canonical_json(Document(std::numeric_limits<std::int64_t>::max())), "9223372036854776000");
  EXPECT_EQ(canonical_json(Document(std::numeric_limits<std::uint64_t>::max())), "18446744073709552000");
  EXPECT_EQ(canonical_json(Document(std::int64_t{-42})), "-42");
  EXPECT_EQ(canonical_json(parse_json("-0")), "0");
  EXPECT_EQ(canonical_json(parse_json("-0.0")), "0");
  EXPECT_EQ(canonical_json(parse_json("1.0")), "1");
  EXPECT_EQ(canonical_json(parse_json("1E2")), "100");
  EXPECT_EQ(canonical_json(parse_json("123456789012345678901234567890")), "1.2345678901234568e+29");
}

TEST(CanonicalNumber, RefusesNanAndInfinity) {
  EXPECT_TRUCE_ERROR(canonical_number(std::numeric_limits<double>::quiet_NaN()), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(canonical_number(std::numeric_limits<double>::infinity()), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(canonical_number(-std::numeric_limits<double>::infinity()), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(canonical_number(from_bits(0x7fffffffffffffff)), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(canonical_number(from_bits(0x7ff0000000000000)), Code::InvalidArgument);
}

// The significant digits and the power of ten of the first digit, however the
// number is spelled: "1.5e-7", "0.00000015" and "15e-8" all give ("15", -7).
struct Shape {
  std::string digits;
  int exponent = 0;
  friend bool operator==(const Shape& a, const Shape& b) { return a.digits == b.digits && a.exponent == b.exponent; }
  friend std::ostream& operator<<(std::ostream& out, const Shape& s) { return out << s.digits << "e" << s.exponent; }
};

Shape shape(std::string text) {
  if (!text.empty() && text[0] == '-') text.erase(0, 1);
  int exponent = 0;
  if (const auto e = text.find_first_of("eE"); e != std::string::npos) {
    exponent = std::stoi(text.substr(e + 1));
    text.resize(e);
  }
  const auto dot = text.find('.');
  const int integer_digits = static_cast<int>(dot == std::string::npos ? text.size() : dot);
  if (dot != std::string::npos) text.erase(dot, 1);
  const auto lead = text.find_first_not_of('0');
  if (lead == std::string::npos) return {"0", 0};
  std::string digits = text.substr(lead);
  digits.erase(digits.find_last_not_of('0') + 1);
  return {digits, exponent + integer_digits - 1 - static_cast<int>(lead)};
}

// Reads back as x, and has the digits of the shortest round-trip form (the
// closest one when several are as short), which libstdc++'s to_chars gives.
void expect_shortest(double x) {
  const std::string text = canonical_number(x);
  ASSERT_EQ(std::strtod(text.c_str(), nullptr), x) << text << " does not read back as bits " << std::hex << to_bits(x);
#if defined(__cpp_lib_to_chars)
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
  ASSERT_EQ(shape(text), shape(std::string(buffer, result.ptr))) << text << " for bits " << std::hex << to_bits(x);
#endif
}

TEST(CanonicalNumber, RandomBitPatternsAreShortestAndReadBack) {
  std::mt19937_64 rng(8785);
  int checked = 0;
  while (checked < 200000) {
    const double x = from_bits(rng());
    if (!std::isfinite(x)) continue;
    expect_shortest(x);
    if (::testing::Test::HasFatalFailure()) return;
    ++checked;
  }
}

TEST(CanonicalNumber, DecimalLookingDoublesAreShortestAndReadBack) {
  std::mt19937_64 rng(20240217);
  for (int i = 0; i < 100000; ++i) {
    // Prices, measurements, coordinates: up to 8 digits, scaled by 1e-20 .. 1e19.
    const std::string text =
        std::to_string(rng() % 100000000) + "e" + std::to_string(static_cast<int>(rng() % 40) - 20);
    expect_shortest(std::strtod(text.c_str(), nullptr));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(CanonicalNumber, EveryPowerOfTwoAndItsNeighbours) {
  for (int e = -1074; e <= 1023; ++e) {
    const double x = std::ldexp(1.0, e);
    for (const double y : {x, std::nextafter(x, 0.0), std::nextafter(x, HUGE_VAL), -x}) {
      if (!std::isfinite(y) || y == 0) continue;
      expect_shortest(y);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// The suite's README generates es6testfile100m.txt ("<hex bits>,<Number::toString>\n"
// per line) from fixed values, 2000 values above the smallest normal, then
// doubles read from a SHA-256 chain, and publishes the SHA-256 of its first
// lines. Generating the lines here checks this implementation's SHA-256 and
// number formatting against V8's at once.
class Es6TestNumbers {
 public:
  double next() {
    if (index_ < std::size(kFixed)) return from_bits(kFixed[index_++]);
    if (index_ < std::size(kFixed) + 2000) return from_bits(0x0010000000000000 + (index_++ - std::size(kFixed)));
    for (;;) {
      if (taken_ == 4) {
        block_ = sha256(std::string_view(reinterpret_cast<const char*>(block_.data()), block_.size()));
        taken_ = 0;
      }
      std::uint64_t bits = 0;  // a Float64Array over the digest: little-endian
      for (int i = 7; i >= 0; --i) bits = bits << 8 | block_[8 * taken_ + static_cast<std::size_t>(i)];
      ++taken_;
      const double x = from_bits(bits);
      if (x != 0 && std::isfinite(x)) return x;
    }
  }

 private:
  static constexpr std::uint64_t kFixed[] = {
      0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x8000000000000001, 0xc46696695dbd1cc3,
      0xc43211ede4974a35, 0xc3fce97ca0f21056, 0xc3c7213080c1a6ac, 0xc39280f39a348556, 0xc35d9b1f5d20d557,
      0xc327af4c4a80aaac, 0xc2f2f2a36ecd5556, 0xc2be51057e155558, 0xc28840d131aaaaac, 0xc253670dc1555557,
      0xc21f0b4935555557, 0xc1e8d5d42aaaaaac, 0xc1b3de4355555556, 0xc17fca0555555556, 0xc1496e6aaaaaaaab,
      0xc114585555555555, 0xc0e046aaaaaaaaab, 0xc0aa0aaaaaaaaaaa, 0xc074d55555555555, 0xc040aaaaaaaaaaab,
      0xc00aaaaaaaaaaaab, 0xbfd5555555555555, 0xbfa1111111111111, 0xbf6b4e81b4e81b4f, 0xbf35d867c3ece2a5,
      0xbf0179ec9cbd821e, 0xbecbf647612f3696, 0xbe965e9f80f29212, 0xbe61e54c672874db, 0xbe2ca213d840baf8,
      0xbdf6e80fe033c8c6, 0xbdc2533fe68fd3d2, 0xbd8d51ffd74c861c, 0xbd5774ccac3d3817, 0xbd22c3d6f030f9ac,
      0xbcee0624b3818f79, 0xbcb804ea293472c7, 0xbc833721ba905bd3, 0xbc4ebe9c5db3c61e, 0xbc18987d17c304e5,
      0xbbe3ad30dfcf371d, 0xbbaf7b816618582f, 0xbb792f9ab81379bf, 0xbb442615600f9499, 0xbb101e77800c76e1,
      0xbad9ca58cce0be35, 0xbaa4a1e0a3e6fe90, 0xba708180831f320d, 0xba3a68cd9e985016, 0x446696695dbd1cc3,
      0x443211ede4974a35, 0x43fce97ca0f21056, 0x43c7213080c1a6ac, 0x439280f39a348556, 0x435d9b1f5d20d557,
      0x4327af4c4a80aaac, 0x42f2f2a36ecd5556, 0x42be51057e155558, 0x428840d131aaaaac, 0x4253670dc1555557,
      0x421f0b4935555557, 0x41e8d5d42aaaaaac, 0x41b3de4355555556, 0x417fca0555555556, 0x41496e6aaaaaaaab,
      0x4114585555555555, 0x40e046aaaaaaaaab, 0x40aa0aaaaaaaaaaa, 0x4074d55555555555, 0x4040aaaaaaaaaaab,
      0x400aaaaaaaaaaaab, 0x3fd5555555555555, 0x3fa1111111111111, 0x3f6b4e81b4e81b4f, 0x3f35d867c3ece2a5,
      0x3f0179ec9cbd821e, 0x3ecbf647612f3696, 0x3e965e9f80f29212, 0x3e61e54c672874db, 0x3e2ca213d840baf8,
      0x3df6e80fe033c8c6, 0x3dc2533fe68fd3d2, 0x3d8d51ffd74c861c, 0x3d5774ccac3d3817, 0x3d22c3d6f030f9ac,
      0x3cee0624b3818f79, 0x3cb804ea293472c7, 0x3c833721ba905bd3, 0x3c4ebe9c5db3c61e, 0x3c18987d17c304e5,
      0x3be3ad30dfcf371d, 0x3baf7b816618582f, 0x3b792f9ab81379bf, 0x3b442615600f9499, 0x3b101e77800c76e1,
      0x3ad9ca58cce0be35, 0x3aa4a1e0a3e6fe90, 0x3a708180831f320d, 0x3a3a68cd9e985016, 0x4024000000000000,
      0x4014000000000000, 0x3fe0000000000000, 0x3fa999999999999a, 0x3f747ae147ae147b, 0x3f40624dd2f1a9fc,
      0x3f0a36e2eb1c432d, 0x3ed4f8b588e368f1, 0x3ea0c6f7a0b5ed8d, 0x3e6ad7f29abcaf48, 0x3e35798ee2308c3a,
      0x3ed539223589fa95, 0x3ed4ff26cd5a7781, 0x3ed4f95a762283ff, 0x3ed4f8c60703520c, 0x3ed4f8b72f19cd0d,
      0x3ed4f8b5b31c0c8d, 0x3ed4f8b58d1c461a, 0x3ed4f8b5894f7f0e, 0x3ed4f8b588ee37f3, 0x3ed4f8b588e47da4,
      0x3ed4f8b588e3849c, 0x3ed4f8b588e36bb5, 0x3ed4f8b588e36937, 0x3ed4f8b588e368f8, 0x3ed4f8b588e368f1,
      0x3ff0000000000000, 0xbff0000000000000, 0xbfeffffffffffffa, 0xbfeffffffffffffb, 0x3feffffffffffffa,
      0x3feffffffffffffb, 0x3feffffffffffffc, 0x3feffffffffffffe, 0xbfefffffffffffff, 0xbfefffffffffffff,
      0x3fefffffffffffff, 0x3fefffffffffffff, 0x3fd3333333333332, 0x3fd3333333333333, 0x3fd3333333333334,
      0x0010000000000000, 0x000ffffffffffffd, 0x000fffffffffffff, 0x7fefffffffffffff, 0xffefffffffffffff,
      0x4340000000000000, 0xc340000000000000, 0x4430000000000000, 0x44b52d02c7e14af5, 0x44b52d02c7e14af6,
      0x44b52d02c7e14af7, 0x444b1ae4d6e2ef4e, 0x444b1ae4d6e2ef4f, 0x444b1ae4d6e2ef50, 0x3eb0c6f7a0b5ed8c,
      0x3eb0c6f7a0b5ed8d, 0x41b3de4355555553, 0x41b3de4355555554, 0x41b3de4355555555, 0x41b3de4355555556,
      0x41b3de4355555557, 0xbecbf647612f3696, 0x43143ff3c1cb0959,
  };
  std::size_t index_ = 0;
  Sha256::Digest block_{};
  std::size_t taken_ = 4;
};

TEST(CanonicalNumber, Es6TestFileHashes) {
  struct Published {
    int lines;
    std::size_t bytes;
    const char* sha256;
  };
  const Published published[] = {
      {1000, 37967, "be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687"},
      {10000, 399022, "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892"},
      {100000, 4031728, "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7"},
  };
  Es6TestNumbers numbers;
  Sha256 hasher;
  std::size_t bytes = 0;
  int line = 0;
  for (const Published& checkpoint : published) {
    for (; line < checkpoint.lines; ++line) {
      const double x = numbers.next();
      char hex[24];
      std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(to_bits(x)));
      const std::string text = std::string(hex) + "," + canonical_number(x) + "\n";
      hasher.update(text);
      bytes += text.size();
    }
    Sha256 copy = hasher;
    EXPECT_EQ(bytes, checkpoint.bytes) << checkpoint.lines << " lines";
    EXPECT_EQ(to_hex(copy.finish()), checkpoint.sha256) << checkpoint.lines << " lines";
  }
}

// ---------------------------------------------------------------------------
// Member order and strings.

// UTF-8 spellings, so the tests do not depend on the compiler's execution charset.
const std::string kReplacement = "\xEF\xBF\xBD";   // U+FFFD: one UTF-16 unit, FFFD
const std::string kGrinning = "\xF0\x9F\x98\x80";  // U+1F600: D83D DE00
const std::string kPrivateUse = "\xEE\x80\x80";    // U+E000
const std::string kLinearB = "\xF0\x90\x80\x80";   // U+10000: D800 DC00
const std::string kHangulEnd = "\xED\x9F\xBF";     // U+D7FF, just below the surrogates
const std::string kEAcute = "\xC3\xA9";            // U+00E9

std::string keys_in_canonical_order(const Document& object) {
  const Document reparsed = parse_json(canonical_json(object));  // keeps the canonical order
  std::string order;
  for (const auto& [name, value] : reparsed.items()) order += name + "|";
  return order;
}

TEST(CanonicalJson, SortsMemberNamesByUtf16CodeUnits) {
  // Code point order would put U+FFFD first; UTF-16 puts the surrogates of U+1F600 first.
  Document object = Document::object();
  object[kReplacement] = 1;
  object[kGrinning] = 2;
  EXPECT_EQ(canonical_json(object), "{\"" + kGrinning + "\":2,\"" + kReplacement + "\":1}");

  Document mixed = Document::object();
  for (const std::string& name : {kLinearB, kPrivateUse, kHangulEnd, kEAcute, std::string("b"), std::string("a"),
                                  std::string(""), std::string("ab"), std::string("B")})
    mixed[name] = 0;
  EXPECT_EQ(keys_in_canonical_order(mixed),
            "|B|a|ab|b|" + kEAcute + "|" + kHangulEnd + "|" + kLinearB + "|" + kPrivateUse + "|");

  // The difference may come after a shared multi-byte prefix.
  Document shared = Document::object();
  shared[kEAcute + kReplacement] = 1;
  shared[kEAcute + kGrinning] = 2;
  shared[kEAcute] = 3;
  EXPECT_EQ(keys_in_canonical_order(shared), kEAcute + "|" + kEAcute + kGrinning + "|" + kEAcute + kReplacement + "|");
}

std::u16string utf16(const std::string& utf8) {
  std::u16string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < length; ++k) code = code << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    if (code >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((code - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((code - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(code);
    }
    i += length;
  }
  return out;
}

TEST(CanonicalJson, RandomNamesSortAsTheirUtf16Forms) {
  const std::string alphabet[] = {"a",
                                  "z",
                                  "~",
                                  kEAcute,
                                  "\xDF\xBF",
                                  "\xE0\xA0\x80",
                                  kHangulEnd,
                                  kPrivateUse,
                                  kReplacement,
                                  "\xEF\xBF\xBF",
                                  kLinearB,
                                  kGrinning,
                                  "\xF4\x8F\xBF\xBF"};
  std::mt19937 rng(16);
  for (int round = 0; round < 2000; ++round) {
    Document object = Document::object();
    std::vector<std::string> names;
    const int count = static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) {
      std::string name;
      for (auto length = rng() % 4; length > 0; --length) name += alphabet[rng() % std::size(alphabet)];
      if (object.contains(name)) continue;
      object[name] = i;
      names.push_back(name);
    }
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return utf16(a) < utf16(b); });
    std::string expected;
    for (const std::string& name : names) expected += name + "|";
    ASSERT_EQ(keys_in_canonical_order(object), expected) << "round " << round;
  }
}

TEST(CanonicalJson, EscapesExactlyAsJsonStringify) {
  std::string all_ascii;
  for (int c = 0; c < 0x80; ++c) all_ascii += static_cast<char>(c);
  std::string expected = "\"";
  for (int c = 0; c < 0x80; ++c) {
    static const char* const named[] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                                        nullptr, "\\b",   "\\t",   "\\n",   nullptr, "\\f",   "\\r"};
    if (c < 0x20) {
      if (c < 14 && named[c]) {
        expected += named[c];
      } else {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        expected += escaped;
      }
    } else if (c == '"' || c == '\\') {
      expected += '\\';
      expected += static_cast<char>(c);
    } else {
      expected += static_cast<char>(c);  // '/' and DEL included
    }
  }
  expected += "\"";
  EXPECT_EQ(canonical_json(Document(all_ascii)), expected);
  EXPECT_EQ(canonical_json(Document(std::string("\x1f\x7f/", 3))), "\"\\u001f\x7f/\"");
  // Everything else stays literal UTF-8, U+2028 and U+2029 included.
  const std::string literal = kEAcute + "\xE2\x82\xAC" + kGrinning + "\xE2\x80\xA8\xE2\x80\xA9" + kReplacement;
  EXPECT_EQ(canonical_json(Document(literal)), "\"" + literal + "\"");
  // Names are escaped the same way.
  EXPECT_EQ(canonical_json(parse_json(R"({"\n\"":"\u0000"})")), R"({"\n\"":"\u0000"})");
}

TEST(CanonicalJson, ScalarsAndEmptyContainers) {
  EXPECT_EQ(canonical_json(Document(nullptr)), "null");
  EXPECT_EQ(canonical_json(Document(true)), "true");
  EXPECT_EQ(canonical_json(Document(false)), "false");
  EXPECT_EQ(canonical_json(Document::object()), "{}");
  EXPECT_EQ(canonical_json(Document::array()), "[]");
  EXPECT_EQ(canonical_json(parse_json(" [ [ ] , { } , [ { } ] ] ")), "[[],{},[{}]]");
  EXPECT_EQ(canonical_json(parse_json(R"({"b":[3,1,2],"a":{"y":1,"x":[{"d":1,"c":2}]}})")),
            R"({"a":{"x":[{"c":2,"d":1}],"y":1},"b":[3,1,2]})");
}

// Rebuilds every object of `value` with its members in reverse order.
Document reversed(const Document& value) {
  if (value.is_array()) {
    Document out = Document::array();
    for (const auto& item : value) out.push_back(reversed(item));
    return out;
  }
  if (!value.is_object()) return value;
  std::vector<std::pair<std::string, const Document*>> members;
  for (const auto& [name, member] : value.items()) members.emplace_back(name, &member);
  Document out = Document::object();
  for (auto it = members.rbegin(); it != members.rend(); ++it) out[it->first] = reversed(*it->second);
  return out;
}

TEST(CanonicalJson, KeyOrderNeverMattersAndTheTextIsAFixedPoint) {
  const char* const texts[] = {
      R"({"b":1,"a":2,"c":{"z":[1,{"y":2,"x":3}],"é":null}})",
      R"([{"id":2,"n":"two","tags":["b","a"]},{"n":"one","id":1}])",
      R"({"\u00e9":1,"e\u0301":2,"\ud83d\ude00":3,"\ufffd":4,"":5})",
  };
  for (const char* text : texts) {
    const Document value = parse_json(text);
    const std::string canonical = canonical_json(value);
    EXPECT_EQ(canonical_json(reversed(value)), canonical) << text;
    EXPECT_EQ(canonical_json(parse_json(canonical)), canonical) << text;
  }
}

// ---------------------------------------------------------------------------
// Errors and depth.

Error error_from(const Document& value) {
  try {
    canonical_json(value);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error for " << value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  return Error(Code::Internal, "none");
}

TEST(CanonicalJson, RefusesNonFiniteNumbersWithTheirPointer) {
  Document value = parse_json(R"({"a":[1,2],"b~/":{}})");
  value["a"][1] = std::numeric_limits<double>::quiet_NaN();
  value["b~/"]["c"] = std::numeric_limits<double>::infinity();
  const Error nan = error_from(value);
  EXPECT_EQ(nan.code(), Code::InvalidArgument);
  EXPECT_EQ(nan.details()["pointer"], "/a/1");
  EXPECT_NE(nan.message().find("NaN"), std::string::npos) << nan.message();
  value["a"][1] = 2;
  const Error infinity = error_from(value);
  EXPECT_EQ(infinity.code(), Code::InvalidArgument);
  EXPECT_EQ(infinity.details()["pointer"], "/b~0~1/c");
  EXPECT_EQ(error_from(Document(-std::numeric_limits<double>::infinity())).details()["pointer"], "");
}

TEST(CanonicalJson, RefusesTextThatIsNotUtf8) {
  const Error value = error_from(Document::array({"ok", std::string("\xED\xA0\x80")}));  // an encoded surrogate
  EXPECT_EQ(value.code(), Code::InvalidJson);
  EXPECT_EQ(value.details()["pointer"], "/1");
  Document object = Document::object();
  object["x"] = Document::object();
  object["x"][std::string("\xC3")] = 1;  // a truncated character
  const Error name = error_from(object);
  EXPECT_EQ(name.code(), Code::InvalidJson);
  EXPECT_EQ(name.details()["pointer"], "/x");
  EXPECT_EQ(error_from(Document(std::string("\xC0\xAF"))).code(), Code::InvalidJson);  // overlong '/'
}

TEST(CanonicalJson, RefusesValuesJsonCannotHold) {
  EXPECT_EQ(error_from(Document::binary({1, 2, 3})).code(), Code::InvalidArgument);
}

TEST(CanonicalJson, NestingDeeperThanAnyCallStack) {
  constexpr int kDepth = 200000;
  Document value = Document::object();
  for (int i = 0; i < kDepth; ++i) {
    Document outer = Document::array();
    outer.push_back(std::move(value));
    Document wrapper = Document::object();
    wrapper["k"] = std::move(outer);
    value = std::move(wrapper);
  }
  std::string expected;
  for (int i = 0; i < kDepth; ++i) expected += "{\"k\":[";
  expected += "{}";
  for (int i = 0; i < kDepth; ++i) expected += "]}";
  EXPECT_EQ(canonical_json(value), expected);
}

// ---------------------------------------------------------------------------
// Fingerprints.

TEST(Fingerprint, IsTheSha256OfTheCanonicalRequest) {
  const Document body = parse_json(R"({"items":[{"sku":"A1","qty":2}],"note":"é 😀"})");
  const std::string request = canonical_json({{"method", "POST"}, {"path", "/orders"}, {"body", body}});
  EXPECT_EQ(request, R"({"body":{"items":[{"qty":2,"sku":"A1"}],"note":"é 😀"},"method":"POST","path":"/orders"})");
  EXPECT_EQ(fingerprint("POST", "/orders", body), sha256_hex(request));
  // Computed with the canonicalize npm package and node:crypto.
  EXPECT_EQ(fingerprint("POST", "/orders", body), "36b0f14d1d0fbb265250e10a2c6a29cc946aebec64cb377419048d9d7678bdf1");
  EXPECT_EQ(fingerprint("DELETE", "/orders/42", nullptr),
            "8ddcd9233325173f8a84d9a02dc3cc64188af9bfb1133788f596b8e8de65246a");
}

TEST(Fingerprint, KeyOrderDoesNotMatterArrayOrderDoes) {
  const Document body = parse_json(R"({"items":[{"sku":"A1","qty":2},{"sku":"B2","qty":1}],"n":1.0})");
  const std::string expected = fingerprint("POST", "/orders", body);
  EXPECT_EQ(fingerprint("POST", "/orders", reversed(body)), expected);
  EXPECT_EQ(
      fingerprint("POST", "/orders", parse_json(R"({"n":1,"items":[{"qty":2,"sku":"A1"},{"qty":1,"sku":"B2"}]})")),
      expected);
  EXPECT_NE(
      fingerprint("POST", "/orders", parse_json(R"({"items":[{"sku":"B2","qty":1},{"sku":"A1","qty":2}],"n":1})")),
      expected);
  EXPECT_EQ(fingerprint("POST", "/orders", parse_json(R"({"items":[{"sku":"B2","qty":1},{"sku":"A1","qty":2}]})")),
            "b47dcd4888cbbb4b1217caab1c77a5d649dcd36281338512f87826e14dacaf3c");
}

TEST(Fingerprint, MethodAndPathAreTakenAsGiven) {
  const Document body = parse_json(R"({"a":1})");
  EXPECT_NE(fingerprint("post", "/orders", body), fingerprint("POST", "/orders", body));
  EXPECT_NE(fingerprint("POST", "/orders/", body), fingerprint("POST", "/orders", body));
  EXPECT_NE(fingerprint("POST", "/orders", nullptr), fingerprint("POST", "/orders", Document::object()));
  // No ambiguity between the parts: each is its own JSON string.
  EXPECT_NE(fingerprint("PO", "ST/orders", body), fingerprint("POST", "/orders", body));
}

TEST(Fingerprint, ErrorsNameTheArgument) {
  try {
    fingerprint(std::string("P\xFF"), "/", nullptr);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::InvalidJson);
    EXPECT_EQ(error.details()["argument"], "method");
  }
  try {
    fingerprint("POST", "/", Document::array({1, std::numeric_limits<double>::quiet_NaN()}));
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), Code::InvalidArgument);
    EXPECT_EQ(error.details()["argument"], "body");
    EXPECT_EQ(error.details()["pointer"], "/1");
  }
}

}  // namespace
}  // namespace truce
