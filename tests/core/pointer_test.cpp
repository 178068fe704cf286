#include "truce/pointer.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "truce/error.hpp"
#include "truce/json.hpp"

namespace truce {
namespace {

using Tokens = std::vector<std::string>;

// The example document of RFC 6901 §5.
const Document& rfc6901_document() {
  static const Document document = parse_json(R"({
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\j": 5,
    "k\"l": 6,
    " ": 7,
    "m~n": 8
  })");
  return document;
}

Error parse_error(std::string_view text) {
  try {
    Pointer::parse(text);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "Pointer::parse(\"" << text << "\") did not throw";
  return Error(Code::Internal, "no error thrown");
}

// ---- Parsing and printing ------------------------------------------------------

TEST(PointerParse, EmptyTextIsTheRoot) {
  const Pointer root = Pointer::parse("");
  EXPECT_TRUE(root.is_root());
  EXPECT_TRUE(root.tokens().empty());
  EXPECT_EQ(root, Pointer());
}

TEST(PointerParse, SplitsOnSlashesKeepingEmptyTokens) {
  EXPECT_EQ(Pointer::parse("/").tokens(), Tokens{""});
  EXPECT_EQ(Pointer::parse("/a/b").tokens(), (Tokens{"a", "b"}));
  EXPECT_EQ(Pointer::parse("//").tokens(), (Tokens{"", ""}));
  EXPECT_EQ(Pointer::parse("/a/").tokens(), (Tokens{"a", ""}));
  EXPECT_EQ(Pointer::parse("/0/-").tokens(), (Tokens{"0", "-"}));
}

TEST(PointerParse, DecodesTildeOneThenTildeZero) {
  EXPECT_EQ(Pointer::parse("/a~1b").tokens(), Tokens{"a/b"});
  EXPECT_EQ(Pointer::parse("/m~0n").tokens(), Tokens{"m~n"});
  // RFC 6901 §4: "~01" is "~1", not "/".
  EXPECT_EQ(Pointer::parse("/~01").tokens(), Tokens{"~1"});
  EXPECT_EQ(Pointer::parse("/~10").tokens(), Tokens{"/0"});
  EXPECT_EQ(Pointer::parse("/~0~1~0").tokens(), Tokens{"~/~"});
}

TEST(PointerParse, KeepsOtherCharactersVerbatim) {
  EXPECT_EQ(Pointer::parse("/c%25d").tokens(), Tokens{"c%25d"});  // no percent-decoding
  EXPECT_EQ(Pointer::parse("/ ").tokens(), Tokens{" "});
  EXPECT_EQ(Pointer::parse("/\xC3\xA9t\xC3\xA9").tokens(), Tokens{"\xC3\xA9t\xC3\xA9"});
}

TEST(PointerParse, RejectsTextThatDoesNotStartWithASlash) {
  for (const char* text : {"a", "a/b", "#/a", " /a", "0"}) {
    SCOPED_TRACE(text);
    const Error error = parse_error(text);
    EXPECT_EQ(error.code(), Code::InvalidPointer);
    EXPECT_EQ(error.details(), Document({{"pointer", text}}));
  }
  EXPECT_EQ(parse_error("foo").message(), "Invalid JSON Pointer \"foo\": it must be empty or start with \"/\"");
}

TEST(PointerParse, RejectsATildeNotFollowedByZeroOrOne) {
  for (const char* text : {"/~", "/a~", "/~2", "/a~b", "/~~0", "/ok/~/x"}) {
    SCOPED_TRACE(text);
    const Error error = parse_error(text);
    EXPECT_EQ(error.code(), Code::InvalidPointer);
    EXPECT_EQ(error.details(), Document({{"pointer", text}}));
  }
  EXPECT_EQ(parse_error("/a~2").message(), "Invalid JSON Pointer \"/a~2\": \"~\" must be followed by \"0\" or \"1\"");
}

TEST(PointerToString, RoundTripsEveryValidText) {
  for (const char* text : {"", "/", "//", "/a", "/a/b/c", "/a~1b", "/m~0n", "/~01", "/~0~1", "/0/-", "/ /%/^"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Pointer::parse(text).to_string(), text);
  }
}

TEST(PointerToString, RoundTripsTokensThatNeedEscaping) {
  const Pointer pointer = Pointer().child("a/b").child("~").child("").child("~1").child("/~0/");
  EXPECT_EQ(pointer.to_string(), "/a~1b/~0//~01/~1~00~1");
  EXPECT_EQ(Pointer::parse(pointer.to_string()), pointer);
}

TEST(EscapeToken, EscapesTildeBeforeSlash) {
  EXPECT_EQ(escape_token(""), "");
  EXPECT_EQ(escape_token("plain"), "plain");
  EXPECT_EQ(escape_token("a/b"), "a~1b");
  EXPECT_EQ(escape_token("m~n"), "m~0n");
  EXPECT_EQ(escape_token("~1"), "~01");
  EXPECT_EQ(escape_token("/~"), "~1~0");
}

// ---- Navigation -----------------------------------------------------------------

TEST(PointerNavigation, ChildAppendsKeysAndIndices) {
  EXPECT_EQ(Pointer().child("a").to_string(), "/a");
  EXPECT_EQ(Pointer().child("a").child(std::size_t{3}).to_string(), "/a/3");
  EXPECT_EQ(Pointer().child("").to_string(), "/");
  EXPECT_EQ(Pointer::parse("/x").child("a/b").tokens(), (Tokens{"x", "a/b"}));
}

TEST(PointerNavigation, ChildLeavesTheOriginalUntouched) {
  const Pointer parent = Pointer::parse("/a");
  const Pointer child = parent.child("b");
  EXPECT_EQ(parent.to_string(), "/a");
  EXPECT_EQ(child.to_string(), "/a/b");
}

TEST(PointerNavigation, ParentDropsTheLastToken) {
  EXPECT_EQ(Pointer::parse("/a/b/c").parent(), Pointer::parse("/a/b"));
  EXPECT_EQ(Pointer::parse("/a").parent(), Pointer());
  EXPECT_EQ(Pointer::parse("/a~1b/c").parent().tokens(), Tokens{"a/b"});
}

TEST(PointerNavigation, TheRootIsItsOwnParent) {
  EXPECT_EQ(Pointer().parent(), Pointer());
  EXPECT_TRUE(Pointer().parent().is_root());
}

TEST(PointerNavigation, BackIsTheLastDecodedToken) {
  EXPECT_EQ(Pointer::parse("/a/b").back(), "b");
  EXPECT_EQ(Pointer::parse("/a/m~0n").back(), "m~n");
  EXPECT_EQ(Pointer::parse("/a/").back(), "");
  EXPECT_EQ(Pointer().back(), "");
}

TEST(PointerNavigation, ChildThenParentIsIdentity) {
  const Pointer pointer = Pointer::parse("/x/~1/0");
  EXPECT_EQ(pointer.child("k").parent(), pointer);
  EXPECT_EQ(pointer.child("k").back(), "k");
}

TEST(PointerComparison, ComparesTokensNotText) {
  EXPECT_EQ(Pointer::parse("/a~1b"), Pointer().child("a/b"));
  EXPECT_NE(Pointer::parse("/a/b"), Pointer().child("a/b"));
  EXPECT_LT(Pointer(), Pointer::parse("/a"));
  EXPECT_LT(Pointer::parse("/a"), Pointer::parse("/a/b"));
  EXPECT_LT(Pointer::parse("/a/z"), Pointer::parse("/b"));
  EXPECT_FALSE(Pointer::parse("/a") < Pointer::parse("/a"));
}

// ---- array_index ----------------------------------------------------------------

TEST(ArrayIndex, AcceptsDecimalIndicesBelowTheSize) {
  EXPECT_EQ(array_index("0", 1, false), 0u);
  EXPECT_EQ(array_index("9", 10, false), 9u);
  EXPECT_EQ(array_index("10", 11, false), 10u);
  EXPECT_EQ(array_index("123456", 1000000, false), 123456u);
}

TEST(ArrayIndex, TheSizeItselfOnlyWhenTheEndIsAllowed) {
  EXPECT_EQ(array_index("2", 2, false), std::nullopt);
  EXPECT_EQ(array_index("2", 2, true), 2u);
  EXPECT_EQ(array_index("0", 0, false), std::nullopt);
  EXPECT_EQ(array_index("0", 0, true), 0u);
  EXPECT_EQ(array_index("3", 2, true), std::nullopt);
}

TEST(ArrayIndex, DashIsTheEndOnlyWhenAllowed) {
  EXPECT_EQ(array_index("-", 3, true), 3u);
  EXPECT_EQ(array_index("-", 0, true), 0u);
  EXPECT_EQ(array_index("-", 3, false), std::nullopt);
}

TEST(ArrayIndex, RejectsLeadingZeros) {
  for (const char* token : {"00", "01", "007", "010"}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(array_index(token, 100, true), std::nullopt);
  }
}

TEST(ArrayIndex, RejectsAnythingButDigits) {
  for (const char* token : {"", "-1", "+1", "1e0", "0x1", " 1", "1 ", "1.0", "a", "--", "\xD9\xA1"}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(array_index(token, 100, true), std::nullopt);
  }
}

TEST(ArrayIndex, DoesNotOverflowOnHugeNumbers) {
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  const std::string max_text = std::to_string(kMax);
  EXPECT_EQ(array_index(max_text, kMax, true), kMax);
  EXPECT_EQ(array_index(max_text, kMax, false), std::nullopt);
  EXPECT_EQ(array_index(max_text + "0", kMax, true), std::nullopt);
  EXPECT_EQ(array_index("1" + max_text, kMax, true), std::nullopt);
  EXPECT_EQ(array_index("99999999999999999999999999999999", 10, true), std::nullopt);
}

// ---- find -----------------------------------------------------------------------

TEST(PointerFind, ResolvesEveryExampleOfRfc6901Section5) {
  const Document& document = rfc6901_document();
  const std::vector<std::pair<const char*, Document>> examples = {
      {"", document},    {"/foo", parse_json(R"(["bar","baz"])")},
      {"/foo/0", "bar"}, {"/", 0},
      {"/a~1b", 1},      {"/c%d", 2},
      {"/e^f", 3},       {"/g|h", 4},
      {"/i\\j", 5},      {"/k\"l", 6},
      {"/ ", 7},         {"/m~0n", 8},
  };
  for (const auto& [text, expected] : examples) {
    SCOPED_TRACE(text);
    const Document* found = find(document, Pointer::parse(text));
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found, expected);
  }
}

TEST(PointerFind, TheRootIsTheDocumentItself) {
  const Document& document = rfc6901_document();
  EXPECT_EQ(find(document, Pointer()), &document);
}

TEST(PointerFind, ReturnsNullWhereThereIsNoValue) {
  const Document& document = rfc6901_document();
  for (const char* text : {"/nope", "/foo/2", "/foo/-", "/foo/01", "/foo/00", "/foo/-1", "/foo/bar", "/foo/0/x",
                           "/a~1b/x", "/a/b", "/m~1n", "/foo/1e0", "/ /0"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(find(document, Pointer::parse(text)), nullptr);
  }
}

TEST(PointerFind, DigitsAreKeysInObjectsAndIndicesInArrays) {
  const Document document = parse_json(R"({"0":"zero","01":"padded","list":["a","b"]})");
  EXPECT_EQ(*find(document, Pointer::parse("/0")), "zero");
  EXPECT_EQ(*find(document, Pointer::parse("/01")), "padded");
  EXPECT_EQ(*find(document, Pointer::parse("/list/1")), "b");
  EXPECT_EQ(find(document, Pointer::parse("/list/01")), nullptr);
}

TEST(PointerFind, NullIsAValueButAbsentIsNot) {
  const Document document = parse_json(R"({"present":null})");
  const Document* found = find(document, Pointer::parse("/present"));
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(found->is_null());
  EXPECT_EQ(find(document, Pointer::parse("/absent")), nullptr);
  EXPECT_EQ(find(document, Pointer::parse("/present/x")), nullptr);
}

TEST(PointerFind, MutableFindEditsInPlace) {
  Document document = parse_json(R"({"a":{"b":[1,2,3]}})");
  Document* found = find(document, Pointer::parse("/a/b/1"));
  ASSERT_NE(found, nullptr);
  *found = "two";
  EXPECT_EQ(document, parse_json(R"({"a":{"b":[1,"two",3]}})"));
}

TEST(PointerFind, ScalarsHaveNoChildren) {
  for (const char* text : {"1", "\"s\"", "true", "null"}) {
    SCOPED_TRACE(text);
    const Document scalar = parse_json(text);
    EXPECT_EQ(find(scalar, Pointer::parse("/0")), nullptr);
    EXPECT_EQ(find(scalar, Pointer::parse("/")), nullptr);
  }
}

TEST(PointerFind, WalksTheDeepestDocumentTheParserAllows) {
  const std::size_t depth = ParseLimits{}.max_depth;
  std::string text;
  for (std::size_t level = 0; level < depth - 1; ++level) text += level % 2 == 0 ? "{\"k\":" : "[";
  text += "[42]";
  for (std::size_t level = depth - 1; level-- > 0;) text += level % 2 == 0 ? "}" : "]";
  const Document document = parse_json(text);
  Pointer pointer;
  for (std::size_t level = 0; level < depth - 1; ++level)
    pointer = level % 2 == 0 ? pointer.child("k") : pointer.child(std::size_t{0});
  pointer = pointer.child(std::size_t{0});
  const Document* found = find(document, pointer);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, 42);
}

TEST(PointerFind, AVeryLongPointerIsALoopNotARecursion) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "/k";
  const Pointer pointer = Pointer::parse(text);
  EXPECT_EQ(pointer.tokens().size(), 200000u);
  EXPECT_EQ(find(parse_json(R"({"k":{"k":1}})"), pointer), nullptr);
}

}  // namespace
}  // namespace truce
