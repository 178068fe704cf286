#include "truce/patch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "test_support.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/pointer.hpp"

namespace truce {
namespace {

Document apply_text(std::string_view document, std::string_view patch) {
  return apply_patch(parse_json(document), parse_json(patch));
}

// The Error the patch raises; a test failure (and an INTERNAL placeholder)
// when it applies cleanly, so callers can check code and details unconditionally.
Error patch_error(const Document& document, const Document& patch, const PatchLimits& limits = {}) {
  try {
    const Document result = apply_patch(document, patch, limits);
    ADD_FAILURE() << "patch applied without error: " << result.dump();
  } catch (const Error& error) {
    return error;
  }
  return Error(Code::Internal, "no error thrown");
}

Error patch_error_for_text(std::string_view document, std::string_view patch) {
  return patch_error(parse_json(document), parse_json(patch));
}

// An INVALID_PATCH with the given details; returns its message for closer checks.
std::string expect_invalid_patch(std::string_view document, std::string_view patch, const Document& index,
                                 const Document& op, std::string_view reason) {
  SCOPED_TRACE(::testing::Message() << "patch: " << patch);
  const Error error = patch_error_for_text(document, patch);
  EXPECT_EQ(error.code(), Code::InvalidPatch) << error.message();
  EXPECT_EQ(error.details()["index"], index) << error.details().dump();
  EXPECT_EQ(error.details()["op"], op) << error.details().dump();
  EXPECT_EQ(error.details()["reason"], reason) << error.details().dump();
  return error.message();
}

// ---- add ------------------------------------------------------------------------

TEST(PatchAdd, AddsAMemberAfterTheExistingOnes) {
  EXPECT_EQ(to_json_text(apply_text(R"({"b":1,"a":2})", R"([{"op":"add","path":"/c","value":3}])")),
            R"({"b":1,"a":2,"c":3})");
}

TEST(PatchAdd, ReplacesAnExistingMemberInPlace) {
  EXPECT_EQ(to_json_text(apply_text(R"({"a":1,"b":2})", R"([{"op":"add","path":"/a","value":[3]}])")),
            R"({"a":[3],"b":2})");
}

TEST(PatchAdd, InsertsIntoArraysAtAnIndexOrTheEnd) {
  EXPECT_EQ(apply_text("[1,2,3]", R"([{"op":"add","path":"/1","value":"x"}])"), parse_json(R"([1,"x",2,3])"));
  EXPECT_EQ(apply_text("[1,2,3]", R"([{"op":"add","path":"/0","value":"x"}])"), parse_json(R"(["x",1,2,3])"));
  EXPECT_EQ(apply_text("[1,2,3]", R"([{"op":"add","path":"/3","value":"x"}])"), parse_json(R"([1,2,3,"x"])"));
  EXPECT_EQ(apply_text("[1,2,3]", R"([{"op":"add","path":"/-","value":"x"}])"), parse_json(R"([1,2,3,"x"])"));
  EXPECT_EQ(apply_text("[]", R"([{"op":"add","path":"/0","value":"x"}])"), parse_json(R"(["x"])"));
  EXPECT_EQ(apply_text("[]", R"([{"op":"add","path":"/-","value":"x"}])"), parse_json(R"(["x"])"));
}

TEST(PatchAdd, AtTheRootReplacesTheWholeDocument) {
  EXPECT_EQ(apply_text(R"({"a":1})", R"([{"op":"add","path":"","value":[1]}])"), parse_json("[1]"));
  EXPECT_EQ(apply_text("3", R"([{"op":"add","path":"","value":null}])"), Document(nullptr));
}

TEST(PatchAdd, NeedsAnExistingParent) {
  EXPECT_EQ(
      expect_invalid_patch(R"({"a":{}})", R"([{"op":"add","path":"/b/c","value":1}])", 0, "add", "missing_target"),
      "Patch operation 0 (add): cannot add at /b/c: the document has no member \"b\"");
  EXPECT_EQ(
      expect_invalid_patch(R"({"a":{}})", R"([{"op":"add","path":"/a/b/c","value":1}])", 0, "add", "missing_target"),
      "Patch operation 0 (add): cannot add at /a/b/c: /a has no member \"b\"");
}

TEST(PatchAdd, CannotAddBelowAScalar) {
  EXPECT_EQ(expect_invalid_patch(R"({"a":1})", R"([{"op":"add","path":"/a/b","value":1}])", 0, "add", "missing_target"),
            "Patch operation 0 (add): cannot add at /a/b: /a is a number, not an object or array");
  EXPECT_EQ(expect_invalid_patch(R"("text")", R"([{"op":"add","path":"/a","value":1}])", 0, "add", "missing_target"),
            "Patch operation 0 (add): cannot add at /a: the document is a string, not an object or array");
}

TEST(PatchAdd, RefusesIndicesPastTheEnd) {
  EXPECT_EQ(expect_invalid_patch(R"({"list":[1,2]})", R"([{"op":"add","path":"/list/3","value":0}])", 0, "add",
                                 "missing_target"),
            "Patch operation 0 (add): cannot add at /list/3: index 3 is out of range, /list has 2 items");
}

TEST(PatchAdd, RefusesTokensThatAreNotArrayIndices) {
  for (const char* path : {"/x", "/01", "/-1", "/1e0", "/", "/+1"}) {
    const std::string patch = R"([{"op":"add","path":")" + std::string(path) + R"(","value":0}])";
    expect_invalid_patch("[1,2]", patch, 0, "add", "missing_target");
  }
  EXPECT_EQ(expect_invalid_patch("[1]", R"([{"op":"add","path":"/01","value":0}])", 0, "add", "missing_target"),
            "Patch operation 0 (add): cannot add at /01: \"01\" is not an array index (leading zero)");
  EXPECT_EQ(expect_invalid_patch("[1]", R"([{"op":"add","path":"/x","value":0}])", 0, "add", "missing_target"),
            "Patch operation 0 (add): cannot add at /x: \"x\" is not an array index, and the document is an array");
}

TEST(PatchAdd, ValueMayBeNull) {
  EXPECT_EQ(apply_text("{}", R"([{"op":"add","path":"/a","value":null}])"), parse_json(R"({"a":null})"));
}

// ---- remove ---------------------------------------------------------------------

TEST(PatchRemove, RemovesMembersAndArrayItems) {
  EXPECT_EQ(apply_text(R"({"a":1,"b":[1,2,3]})", R"([{"op":"remove","path":"/a"},{"op":"remove","path":"/b/0"}])"),
            parse_json(R"({"b":[2,3]})"));
}

TEST(PatchRemove, KeepsTheOrderOfTheRemainingMembers) {
  EXPECT_EQ(to_json_text(apply_text(R"({"c":1,"a":2,"b":3})", R"([{"op":"remove","path":"/a"}])")), R"({"c":1,"b":3})");
}

TEST(PatchRemove, RemovesANullMember) {
  EXPECT_EQ(apply_text(R"({"a":null,"b":1})", R"([{"op":"remove","path":"/a"}])"), parse_json(R"({"b":1})"));
}

TEST(PatchRemove, NeedsAnExistingValue) {
  EXPECT_EQ(expect_invalid_patch(R"({"a":1})", R"([{"op":"remove","path":"/x"}])", 0, "remove", "missing_target"),
            "Patch operation 0 (remove): no value at /x to remove: the document has no member \"x\"");
  EXPECT_EQ(expect_invalid_patch("[1,2]", R"([{"op":"remove","path":"/2"}])", 0, "remove", "missing_target"),
            "Patch operation 0 (remove): no value at /2 to remove: index 2 is out of range, the document has 2 items");
  EXPECT_EQ(expect_invalid_patch(R"({"a":[1]})", R"([{"op":"remove","path":"/a/-"}])", 0, "remove", "missing_target"),
            "Patch operation 0 (remove): no value at /a/- to remove: \"-\" (after the last item) can only be used to "
            "add");
}

TEST(PatchRemove, TheWholeDocumentCannotBeRemoved) {
  EXPECT_EQ(expect_invalid_patch(R"({"a":1})", R"([{"op":"remove","path":""}])", 0, "remove", "malformed"),
            "Patch operation 0 (remove): cannot remove the whole document (path \"\"); use replace to change it");
}

// ---- replace --------------------------------------------------------------------

TEST(PatchReplace, ReplacesMembersItemsAndTheRoot) {
  EXPECT_EQ(to_json_text(apply_text(R"({"a":1,"b":2})", R"([{"op":"replace","path":"/a","value":{"x":1}}])")),
            R"({"a":{"x":1},"b":2})");
  EXPECT_EQ(apply_text("[1,2]", R"([{"op":"replace","path":"/1","value":null}])"), parse_json("[1,null]"));
  EXPECT_EQ(apply_text(R"({"a":1})", R"([{"op":"replace","path":"","value":"all"}])"), Document("all"));
}

TEST(PatchReplace, ANullMemberExistsButAnAbsentOneDoesNot) {
  EXPECT_EQ(apply_text(R"({"a":null})", R"([{"op":"replace","path":"/a","value":1}])"), parse_json(R"({"a":1})"));
  expect_invalid_patch(R"({"a":null})", R"([{"op":"replace","path":"/b","value":1}])", 0, "replace", "missing_target");
}

TEST(PatchReplace, MessageNamesTheOperationAndWhereTheWalkStopped) {
  const std::string patch = R"([{"op":"test","path":"/a","value":{}},{"op":"add","path":"/a/x","value":1},
                                {"op":"replace","path":"/a/b","value":2}])";
  EXPECT_EQ(expect_invalid_patch(R"({"a":{}})", patch, 2, "replace", "missing_target"),
            "Patch operation 2 (replace): no value at /a/b to replace: /a has no member \"b\"");
  EXPECT_EQ(patch_error_for_text(R"({"a":{}})", patch).details()["pointer"], "/a/b");
}

// ---- move -----------------------------------------------------------------------

TEST(PatchMove, MovesAValueBetweenObjects) {
  EXPECT_EQ(apply_text(R"({"a":{"x":1},"b":{}})", R"([{"op":"move","from":"/a/x","path":"/b/y"}])"),
            parse_json(R"({"a":{},"b":{"y":1}})"));
}

TEST(PatchMove, RemovesBeforeAddingWithinOneArray) {
  // RFC 6902 A.7: the target index is read after the source was removed.
  EXPECT_EQ(apply_text(R"(["all","grass","cows","eat"])", R"([{"op":"move","from":"/1","path":"/3"}])"),
            parse_json(R"(["all","cows","eat","grass"])"));
  EXPECT_EQ(apply_text("[1,2,3]", R"([{"op":"move","from":"/2","path":"/0"}])"), parse_json("[3,1,2]"));
}

TEST(PatchMove, ReplacesAnExistingDestinationMember) {
  EXPECT_EQ(apply_text(R"({"a":1,"b":2})", R"([{"op":"move","from":"/a","path":"/b"}])"), parse_json(R"({"b":1})"));
}

TEST(PatchMove, OntoItselfChangesNothingButTheSourceMustExist) {
  EXPECT_EQ(to_json_text(apply_text(R"({"a":1,"b":2})", R"([{"op":"move","from":"/a","path":"/a"}])")),
            R"({"a":1,"b":2})");
  EXPECT_EQ(apply_text(R"({"a":1})", R"([{"op":"move","from":"","path":""}])"), parse_json(R"({"a":1})"));
  expect_invalid_patch(R"({"a":1})", R"([{"op":"move","from":"/x","path":"/x"}])", 0, "move", "missing_target");
}

TEST(PatchMove, CannotMoveAValueIntoItsOwnChild) {
  const Error error = patch_error_for_text(R"({"a":{"b":{}}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])");
  EXPECT_EQ(error.code(), Code::InvalidPatch);
  EXPECT_EQ(error.message(), "Patch operation 0 (move): cannot move /a into its own child /a/b/c");
  EXPECT_EQ(error.details(), parse_json(R"({"index":0,"op":"move","reason":"move_into_child","pointer":"/a/b/c"})"));
  EXPECT_EQ(
      expect_invalid_patch(R"({"a":1})", R"([{"op":"move","from":"","path":"/x"}])", 0, "move", "move_into_child"),
      "Patch operation 0 (move): cannot move the document into its own child /x");
}

TEST(PatchMove, APrefixOfTheTextIsNotAPrefixOfTheTokens) {
  EXPECT_EQ(apply_text(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/ab"}])"), parse_json(R"({"ab":1})"));
}

TEST(PatchMove, NeedsAnExistingSourceAndDestinationParent) {
  EXPECT_EQ(
      expect_invalid_patch(R"({"a":1})", R"([{"op":"move","from":"/x","path":"/y"}])", 0, "move", "missing_target"),
      "Patch operation 0 (move): no value at /x to move: the document has no member \"x\"");
  expect_invalid_patch(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/y/z"}])", 0, "move", "missing_target");
}

// ---- copy -----------------------------------------------------------------------

TEST(PatchCopy, CopiesADeepValueThatThenChangesIndependently) {
  EXPECT_EQ(apply_text(R"({"a":{"b":[1]}})",
                       R"([{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}])"),
            parse_json(R"({"a":{"b":[1]},"c":{"b":[1,2]}})"));
}

TEST(PatchCopy, CopiesIntoArraysAndTheWholeDocumentIntoItself) {
  EXPECT_EQ(apply_text("[1,2]", R"([{"op":"copy","from":"/1","path":"/0"}])"), parse_json("[2,1,2]"));
  EXPECT_EQ(apply_text(R"({"a":1})", R"([{"op":"copy","from":"","path":"/b"}])"), parse_json(R"({"a":1,"b":{"a":1}})"));
}

TEST(PatchCopy, NeedsAnExistingSource) {
  EXPECT_EQ(
      expect_invalid_patch(R"({"a":[1]})", R"([{"op":"copy","from":"/a/1","path":"/b"}])", 0, "copy", "missing_target"),
      "Patch operation 0 (copy): no value at /a/1 to copy: index 1 is out of range, /a has 1 item");
}

// ---- test -----------------------------------------------------------------------

TEST(PatchTest, ComparesNumbersByValue) {
  const Document document = parse_json(R"({"int":1,"float":1.0,"big":10000000000})");
  for (const char* patch :
       {R"([{"op":"test","path":"/int","value":1.0}])", R"([{"op":"test","path":"/float","value":1}])",
        R"([{"op":"test","path":"/int","value":1e0}])", R"([{"op":"test","path":"/big","value":1e10}])"}) {
    SCOPED_TRACE(patch);
    EXPECT_EQ(apply_patch(document, parse_json(patch)), document);
  }
  expect_invalid_patch(R"({"int":1})", R"([{"op":"test","path":"/int","value":"1"}])", 0, "test", "test_failed");
  expect_invalid_patch(R"({"int":1})", R"([{"op":"test","path":"/int","value":1.5}])", 0, "test", "test_failed");
  expect_invalid_patch(R"({"int":1})", R"([{"op":"test","path":"/int","value":true}])", 0, "test", "test_failed");
}

TEST(PatchTest, ComparesObjectsRegardlessOfKeyOrderButArraysInOrder) {
  EXPECT_NO_THROW(apply_text(R"({"o":{"a":1,"b":[1,{"c":2,"d":3}]}})",
                             R"([{"op":"test","path":"/o","value":{"b":[1,{"d":3,"c":2}],"a":1}}])"));
  expect_invalid_patch("[[1,2]]", R"([{"op":"test","path":"/0","value":[2,1]}])", 0, "test", "test_failed");
  expect_invalid_patch(R"({"o":{"a":1}})", R"([{"op":"test","path":"/o","value":{"a":1,"b":null}}])", 0, "test",
                       "test_failed");
}

TEST(PatchTest, NullIsNotAbsent) {
  EXPECT_NO_THROW(apply_text(R"({"a":null})", R"([{"op":"test","path":"/a","value":null}])"));
  expect_invalid_patch(R"({"a":null})", R"([{"op":"test","path":"/b","value":null}])", 0, "test", "missing_target");
  expect_invalid_patch(R"({"a":null})", R"([{"op":"test","path":"/a","value":false}])", 0, "test", "test_failed");
  expect_invalid_patch(R"({"a":false})", R"([{"op":"test","path":"/a","value":null}])", 0, "test", "test_failed");
}

TEST(PatchTest, TheRootCanBeTested) {
  EXPECT_NO_THROW(apply_text(R"({"a":1})", R"([{"op":"test","path":"","value":{"a":1}}])"));
  expect_invalid_patch(R"({"a":1})", R"([{"op":"test","path":"","value":{}}])", 0, "test", "test_failed");
}

TEST(PatchTest, FailureShowsBothValues) {
  const Error error = patch_error_for_text(R"({"a":1})", R"([{"op":"test","path":"/a","value":2}])");
  EXPECT_EQ(error.message(), "Patch operation 0 (test): test failed: /a is 1, the patch expects 2");
  EXPECT_EQ(error.details(), parse_json(R"({"index":0,"op":"test","reason":"test_failed","pointer":"/a"})"));
}

TEST(PatchTest, FailureCutsLongValuesShortOnACharacterBoundary) {
  Document document = Document::object();
  document["text"] = std::string(100, 'x') + "\xC3\xA9";
  Document long_accented = Document::object();
  long_accented["text"] = std::string(58, 'y') + "\xC3\xA9\xC3\xA9";
  const Error error =
      patch_error(long_accented, Document::array({{{"op", "test"}, {"path", "/text"}, {"value", document["text"]}}}));
  // Byte 60 of the first preview falls inside "é": the cut moves back before it.
  EXPECT_EQ(error.message(), "Patch operation 0 (test): test failed: /text is \"" + std::string(58, 'y') +
                                 "…, the patch expects \"" + std::string(59, 'x') + "…");
}

// ---- malformed patches ----------------------------------------------------------

TEST(PatchMalformed, ThePatchMustBeAnArray) {
  for (const char* patch : {"{}", R"({"op":"add","path":"/a","value":1})", "null", "\"[]\"", "1"}) {
    const Error error = patch_error_for_text("{}", patch);
    EXPECT_EQ(error.code(), Code::InvalidPatch);
    EXPECT_EQ(error.details(), parse_json(R"({"index":null,"op":null,"reason":"malformed"})"));
  }
  EXPECT_EQ(patch_error_for_text("{}", "{}").message(), "A JSON Patch must be an array of operations, not an object");
}

TEST(PatchMalformed, EachOperationMustBeAnObjectWithAStringOp) {
  EXPECT_EQ(expect_invalid_patch("{}", "[1]", 0, nullptr, "malformed"),
            "Patch operation 0: an operation must be an object, not a number");
  EXPECT_EQ(expect_invalid_patch("{}", R"([{"path":"/a","value":1}])", 0, nullptr, "malformed"),
            "Patch operation 0: missing \"op\" member");
  EXPECT_EQ(expect_invalid_patch("{}", R"([{"op":null,"path":"/a","value":1}])", 0, nullptr, "malformed"),
            "Patch operation 0: \"op\" must be a string, not null");
  expect_invalid_patch("{}", R"([{"op":["add"],"path":"/a","value":1}])", 0, nullptr, "malformed");
}

TEST(PatchMalformed, UnknownOpsAreNamed) {
  EXPECT_EQ(expect_invalid_patch("{}", R"([{"op":"spam","path":"/a"}])", 0, "spam", "unknown_op"),
            "Patch operation 0 (spam): unknown op; expected add, remove, replace, move, copy or test");
  expect_invalid_patch("{}", R"([{"op":"ADD","path":"/a","value":1}])", 0, "ADD", "unknown_op");
  expect_invalid_patch("{}", R"([{"op":"","path":"/a","value":1}])", 0, "", "unknown_op");
}

TEST(PatchMalformed, PathMustBeAString) {
  EXPECT_EQ(expect_invalid_patch("{}", R"([{"op":"add","value":1}])", 0, "add", "malformed"),
            "Patch operation 0 (add): missing \"path\" member");
  EXPECT_EQ(expect_invalid_patch("{}", R"([{"op":"add","path":null,"value":1}])", 0, "add", "malformed"),
            "Patch operation 0 (add): \"path\" must be a string, not null");
  expect_invalid_patch("{}", R"([{"op":"remove","path":["a"]}])", 0, "remove", "malformed");
}

TEST(PatchMalformed, MoveAndCopyNeedAStringFrom) {
  EXPECT_EQ(expect_invalid_patch(R"({"a":1})", R"([{"op":"move","path":"/b"}])", 0, "move", "malformed"),
            "Patch operation 0 (move): missing \"from\" member");
  EXPECT_EQ(expect_invalid_patch(R"({"a":1})", R"([{"op":"copy","from":1,"path":"/b"}])", 0, "copy", "malformed"),
            "Patch operation 0 (copy): \"from\" must be a string, not a number");
}

TEST(PatchMalformed, AddReplaceAndTestNeedAValue) {
  for (const char* op : {"add", "replace", "test"}) {
    const std::string patch = R"([{"op":")" + std::string(op) + R"(","path":"/a"}])";
    EXPECT_EQ(expect_invalid_patch(R"({"a":1})", patch, 0, op, "malformed"),
              "Patch operation 0 (" + std::string(op) + "): missing \"value\" member");
  }
}

TEST(PatchMalformed, StructureIsCheckedBeforeAnyOperationRuns) {
  // Operation 0 would fail on this document, but the patch itself is broken at
  // operation 1: that is reported whatever the document.
  expect_invalid_patch(R"({"a":1})", R"([{"op":"test","path":"/a","value":2},{"op":"nope"}])", 1, "nope", "unknown_op");
}

TEST(PatchMalformed, ExtraMembersAreIgnored) {
  EXPECT_EQ(apply_text("{}", R"([{"op":"add","path":"/a","value":1,"from":7,"extra":{"x":[]}},
                                 {"op":"remove","path":"/a","value":"ignored"}])"),
            parse_json("{}"));
}

// ---- invalid pointers and limits ------------------------------------------------

TEST(PatchPointers, AnInvalidPathIsAnInvalidPointerError) {
  const Error error =
      patch_error_for_text("{}", R"([{"op":"test","path":"","value":{}},{"op":"add","path":"a","value":1}])");
  EXPECT_EQ(error.code(), Code::InvalidPointer);
  EXPECT_EQ(error.message(),
            "Patch operation 1 (add): in \"path\", invalid JSON Pointer \"a\": it must be empty or start with \"/\"");
  EXPECT_EQ(error.details(), parse_json(R"({"pointer":"a","index":1,"op":"add","member":"path"})"));
}

TEST(PatchPointers, AnInvalidFromIsAnInvalidPointerError) {
  const Error error = patch_error_for_text(R"({"a":1})", R"([{"op":"move","from":"/a~2","path":"/b"}])");
  EXPECT_EQ(error.code(), Code::InvalidPointer);
  EXPECT_EQ(error.details(), parse_json(R"({"pointer":"/a~2","index":0,"op":"move","member":"from"})"));
}

TEST(PatchLimitsTest, RefusesMoreOperationsThanTheLimit) {
  const Document patch = parse_json(R"([{"op":"add","path":"/a","value":1},{"op":"add","path":"/b","value":2},
                                        {"op":"add","path":"/c","value":3}])");
  const Error error = patch_error(Document::object(), patch, PatchLimits{2});
  EXPECT_EQ(error.code(), Code::LimitExceeded);
  EXPECT_EQ(error.message(), "Patch has 3 operations, the limit is 2");
  EXPECT_EQ(error.details(), parse_json(R"({"limit":"operations","max":2,"actual":3})"));
  EXPECT_EQ(apply_patch(Document::object(), patch, PatchLimits{3}).size(), 3u);
}

// Each op copies the whole document into itself: 60 of them would make 2^60
// values out of a body of a few kilobytes.
TEST(PatchLimitsTest, CopiesThatWouldDoubleTheDocumentOverAndOverAreRefused) {
  Document patch = Document::array();
  for (int i = 0; i < 60; ++i) patch.push_back({{"op", "copy"}, {"from", ""}, {"path", "/x/-"}});
  const Error error = patch_error(parse_json(R"({"x":[1,2,3]})"), patch);
  EXPECT_EQ(error.code(), Code::LimitExceeded);
  EXPECT_EQ(error.details()["limit"], "copied_values");
  EXPECT_EQ(error.details()["max"], 1000000);
  EXPECT_LT(error.details()["index"].get<int>(), 25);
  // Within the budget, copies go through.
  PatchLimits small;
  small.max_copied_values = 4;
  EXPECT_EQ(
      apply_patch(parse_json(R"({"a":[1,2,3]})"), parse_json(R"([{"op":"copy","from":"/a","path":"/b"}])"), small),
      parse_json(R"({"a":[1,2,3],"b":[1,2,3]})"));
  EXPECT_EQ(
      patch_error(parse_json(R"({"a":[1,2,3]})"),
                  parse_json(R"([{"op":"copy","from":"/a","path":"/b"},{"op":"copy","from":"/a","path":"/c"}])"), small)
          .details()["index"],
      1);
}

TEST(PatchLimitsTest, AnEmptyPatchReturnsTheDocument) {
  EXPECT_EQ(apply_text(R"({"a":[1,{"b":null}]})", "[]"), parse_json(R"({"a":[1,{"b":null}]})"));
  EXPECT_EQ(apply_patch(parse_json("[1]"), parse_json("[]"), PatchLimits{0}), parse_json("[1]"));
}

// ---- escaping -------------------------------------------------------------------

TEST(PatchEscaping, TildeAndSlashInKeys) {
  EXPECT_EQ(apply_text("{}", R"([{"op":"add","path":"/a~1b","value":1},{"op":"add","path":"/m~0n","value":2},
                                 {"op":"add","path":"/~01","value":3},{"op":"add","path":"/","value":4}])"),
            parse_json(R"({"a/b":1,"m~n":2,"~1":3,"":4})"));
  EXPECT_EQ(apply_text(R"({"a/b":{"~":1}})", R"([{"op":"move","from":"/a~1b/~0","path":"/c~1d"},
                                                 {"op":"remove","path":"/a~1b"}])"),
            parse_json(R"({"c/d":1})"));
}

TEST(PatchEscaping, MessagesShowEscapedPointersAndDecodedKeys) {
  EXPECT_EQ(expect_invalid_patch(R"({"x":1})", R"([{"op":"remove","path":"/x~1y"}])", 0, "remove", "missing_target"),
            "Patch operation 0 (remove): no value at /x~1y to remove: the document has no member \"x/y\"");
  const Error error = patch_error_for_text(R"({"m~n":{}})", R"([{"op":"test","path":"/m~0n/a~1b","value":1}])");
  EXPECT_EQ(error.message(), "Patch operation 0 (test): no value at /m~0n/a~1b to test: /m~0n has no member \"a/b\"");
  EXPECT_EQ(error.details()["pointer"], "/m~0n/a~1b");
}

// ---- atomicity and scale --------------------------------------------------------

TEST(PatchAtomicity, AFailingOperationLeavesNoTrace) {
  const Document document = parse_json(R"({"a":{"b":1},"list":[1,2]})");
  const Document snapshot = document;
  const Error error = patch_error(document, parse_json(R"([{"op":"remove","path":"/a"},{"op":"add","path":"/list/0",
                                                           "value":0},{"op":"test","path":"/a/b","value":1}])"));
  EXPECT_EQ(error.details()["index"], 2);
  EXPECT_EQ(error.details()["reason"], "missing_target");
  EXPECT_EQ(to_json_text(document), to_json_text(snapshot));
}

TEST(PatchScale, ManyOperationsOnAWideObject) {
  constexpr int kMembers = 20000;
  Document patch = Document::array();
  for (int i = 0; i < kMembers; ++i) patch.push_back({{"op", "add"}, {"path", "/k" + std::to_string(i)}, {"value", i}});
  // Each remove costs O(members) (indexed_map::erase), so only a few here.
  constexpr int kRemovedEvery = 100;
  for (int i = 0; i < kMembers; i += kRemovedEvery) {
    patch.push_back({{"op", "remove"}, {"path", "/k" + std::to_string(i)}});
  }
  const Document result = apply_patch(Document::object(), patch);
  ASSERT_EQ(result.size(), static_cast<std::size_t>(kMembers - kMembers / kRemovedEvery));
  EXPECT_EQ(result.begin().key(), "k1");
  EXPECT_EQ(result.at("k19999"), 19999);
  EXPECT_FALSE(result.contains("k19900"));
  EXPECT_EQ(result.at("k19901"), 19901);
}

TEST(PatchScale, TheDeepestParsableDocument) {
  const std::size_t depth = ParseLimits{}.max_depth;
  const Document document = parse_json(std::string(depth - 1, '[') + "[0]" + std::string(depth - 1, ']'));
  std::string path;
  for (std::size_t level = 0; level < depth; ++level) path += "/0";
  Document patch = Document::array(
      {{{"op", "replace"}, {"path", path}, {"value", 1}}, {{"op", "test"}, {"path", path}, {"value", 1}}});
  const Document result = apply_patch(document, patch);
  EXPECT_EQ(*find(result, Pointer::parse(path)), 1);
}

TEST(PatchScale, AHugePointerFailsCleanly) {
  std::string path;
  for (int i = 0; i < 100000; ++i) path += "/a";
  const Document patch = Document::array({{{"op", "add"}, {"path", path}, {"value", 1}}});
  EXPECT_TRUCE_ERROR(apply_patch(parse_json(R"({"a":{"a":{}}})"), patch), Code::InvalidPatch);
}

// ---- properties on random documents ---------------------------------------------

// An operation generated against a known state, with operations that undo it
// and, unless it is a test, where it leaves which value.
struct GeneratedOperation {
  Document operation;
  Document undo = Document::array();
  std::optional<Pointer> placed_at;
  Document placed_value;
};

// An operation that must fail against a known state, and the reason it gives.
struct FailingOperation {
  Document operation;
  std::string reason;
};

// Random documents and valid patches. Keys come from a small pool so that
// patches collide with existing members, and several need escaping. No
// generated document ever holds the key "absent", so failures can be forced.
class RandomPatches {
 public:
  explicit RandomPatches(std::uint32_t seed) : rng_(seed) {}

  Document document() { return one_in(8) ? scalar() : container(3); }

  GeneratedOperation operation(const Document& state) {
    switch (below(6)) {
      case 0:
        return add(state);
      case 1:
        if (auto generated = remove(state)) return std::move(*generated);
        break;
      case 2:
        return replace(state);
      case 3:
        if (auto generated = move(state)) return std::move(*generated);
        break;
      case 4:
        if (auto generated = copy(state)) return std::move(*generated);
        break;
      default:
        break;
    }
    return test(state);
  }

  FailingOperation failing_operation(const Document& state) {
    switch (below(6)) {
      case 0:
        return {{{"op", "remove"}, {"path", "/absent"}}, "missing_target"};
      case 1:
        return {{{"op", "test"}, {"path", pick(pointers(state)).to_string()}, {"value", {{"absent", true}}}},
                "test_failed"};
      case 2:
        return {{{"op", "add"}, {"path", "/absent/" + escape_token(key())}, {"value", 1}}, "missing_target"};
      case 3:
        return {{{"op", "move"}, {"from", "/absent"}, {"path", "/a"}}, "missing_target"};
      case 4:
        return {{{"op", "copy"}, {"from", "/0/absent"}, {"path", "/b"}}, "missing_target"};
      default:
        return {{{"op", "replace"}, {"path", past_the_end(state)}, {"value", 2}}, "missing_target"};
    }
  }

  std::size_t below(std::size_t bound) { return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng_); }

 private:
  bool one_in(std::size_t n) { return below(n) == 0; }

  std::string key() {
    static constexpr const char* kKeys[] = {"a", "b", "c", "a/b", "m~n", "~1", "", " ", "0"};
    return kKeys[below(std::size(kKeys))];
  }

  Document scalar() {
    switch (below(6)) {
      case 0:
        return nullptr;
      case 1:
        return one_in(2);
      case 2:
        return static_cast<int>(below(11)) - 5;
      case 3:
        return static_cast<double>(below(8)) / 4.0;
      default:
        return key();
    }
  }

  Document container(int depth) {
    const std::size_t size = below(4);
    if (one_in(2)) {
      Document object = Document::object();
      for (std::size_t i = 0; i < size; ++i) object[key()] = value(depth - 1);
      return object;
    }
    Document array = Document::array();
    for (std::size_t i = 0; i < size; ++i) array.push_back(value(depth - 1));
    return array;
  }

  Document value(int depth) { return depth <= 0 || one_in(3) ? scalar() : container(depth); }

  template <class T>
  T pick(const std::vector<T>& choices) {
    return choices[below(choices.size())];
  }

  static void collect(const Document& value, const Pointer& at, std::vector<Pointer>& out) {
    out.push_back(at);
    if (value.is_object()) {
      for (const auto& [member_key, member] : value.items()) collect(member, at.child(member_key), out);
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) collect(value[i], at.child(i), out);
    }
  }

  static std::vector<Pointer> pointers(const Document& state) {
    std::vector<Pointer> out;
    collect(state, Pointer(), out);
    return out;
  }

  static std::vector<Pointer> containers(const Document& state) {
    std::vector<Pointer> out;
    for (const Pointer& pointer : pointers(state)) {
      if (find(state, pointer)->is_structured()) out.push_back(pointer);
    }
    return out;
  }

  static std::vector<Pointer> below_root(const Document& state) {
    std::vector<Pointer> out = pointers(state);
    out.erase(out.begin());  // collect() lists the root first
    return out;
  }

  // A place in `container` where add inserts rather than replaces, as the
  // token to write and the token it names afterwards ("-" becomes an index).
  std::pair<std::string, std::string> fresh_location(const Document& container) {
    if (container.is_array()) {
      const std::size_t index = below(container.size() + 1);
      const std::string token = std::to_string(index);
      return {index == container.size() && one_in(2) ? "-" : token, token};
    }
    std::string token = key();
    if (container.contains(token)) token = "new" + std::to_string(fresh_keys_++);
    return {token, token};
  }

  static Document op(std::string_view name, const Pointer& path) {
    return {{"op", std::string(name)}, {"path", path.to_string()}};
  }
  static Document op(std::string_view name, const Pointer& path, const Document& value) {
    Document operation = op(name, path);
    operation["value"] = value;
    return operation;
  }

  GeneratedOperation add(const Document& state) {
    const Document added = value(2);
    const std::vector<Pointer> targets = containers(state);
    if (targets.empty())
      return {op("add", Pointer(), added), undo({op("replace", Pointer(), state)}), Pointer(), added};
    const Pointer parent = pick(targets);
    const Document& container = *find(state, parent);
    if (container.is_object() && !container.empty() && one_in(3)) {
      const auto& members = container.get_ref<const Document::object_t&>();
      const Pointer path = parent.child((members.begin() + static_cast<std::ptrdiff_t>(below(members.size())))->first);
      return {op("add", path, added), undo({op("replace", path, *find(state, path))}), path, added};
    }
    const auto [written, named] = fresh_location(container);
    return {op("add", parent.child(written), added), undo({op("remove", parent.child(named))}), parent.child(named),
            added};
  }

  std::optional<GeneratedOperation> remove(const Document& state) {
    const std::vector<Pointer> targets = below_root(state);
    if (targets.empty()) return std::nullopt;
    const Pointer path = pick(targets);
    return GeneratedOperation{op("remove", path), undo({op("add", path, *find(state, path))}), std::nullopt, nullptr};
  }

  GeneratedOperation replace(const Document& state) {
    const Pointer path = pick(pointers(state));
    const Document replacement = value(2);
    return {op("replace", path, replacement), undo({op("replace", path, *find(state, path))}), path, replacement};
  }

  // Undone as "remove the destination, put the value back at the source":
  // moving it back could itself be a move into a child once indices shift.
  std::optional<GeneratedOperation> move(const Document& state) {
    const std::vector<Pointer> sources = below_root(state);
    if (sources.empty()) return std::nullopt;
    const Pointer from = pick(sources);
    const Document moved = *find(state, from);
    const Document without = apply_patch(state, undo({op("remove", from)}));
    std::vector<Pointer> targets;
    for (const Pointer& candidate : containers(without)) {
      const auto& outer = from.tokens();
      const auto& inner = candidate.tokens();
      const bool inside_source = outer.size() <= inner.size() && std::equal(outer.begin(), outer.end(), inner.begin());
      if (!inside_source) targets.push_back(candidate);
    }
    if (targets.empty()) return std::nullopt;
    const Pointer parent = pick(targets);
    const auto [written, named] = fresh_location(*find(without, parent));
    Document operation = op("move", parent.child(written));
    operation["from"] = from.to_string();
    return GeneratedOperation{operation, undo({op("remove", parent.child(named)), op("add", from, moved)}),
                              parent.child(named), moved};
  }

  std::optional<GeneratedOperation> copy(const Document& state) {
    const std::vector<Pointer> targets = containers(state);
    if (targets.empty()) return std::nullopt;
    const Pointer parent = pick(targets);
    const Pointer from = pick(pointers(state));
    const auto [written, named] = fresh_location(*find(state, parent));
    Document operation = op("copy", parent.child(written));
    operation["from"] = from.to_string();
    return GeneratedOperation{operation, undo({op("remove", parent.child(named))}), parent.child(named),
                              *find(state, from)};
  }

  GeneratedOperation test(const Document& state) {
    const Pointer path = pick(pointers(state));
    Document expected = *find(state, path);
    // The same number spelled as a float must still pass.
    if (expected.is_number_integer() && one_in(2)) expected = expected.get<double>();
    return {op("test", path, expected), undo({}), std::nullopt, nullptr};
  }

  static Document undo(std::initializer_list<Document> operations) {
    Document list = Document::array();
    for (const Document& operation : operations) list.push_back(operation);
    return list;
  }

  // A replace that misses: one past the end of some array, else an absent member.
  std::string past_the_end(const Document& state) {
    for (const Pointer& pointer : containers(state)) {
      const Document& container = *find(state, pointer);
      if (container.is_array()) return pointer.child(container.size()).to_string();
    }
    return "/absent";
  }

  std::mt19937 rng_;
  int fresh_keys_ = 0;
};

void check_random_patch(std::uint32_t seed) {
  RandomPatches random(seed);
  const Document original = random.document();
  const std::string original_text = to_json_text(original);
  SCOPED_TRACE(::testing::Message() << "document: " << original_text);

  std::vector<Document> states{original};
  Document patch = Document::array();
  std::vector<Document> undos;
  const std::size_t length = 1 + random.below(12);
  for (std::size_t i = 0; i < length; ++i) {
    GeneratedOperation generated = random.operation(states.back());
    SCOPED_TRACE(::testing::Message() << "operation " << i << ": " << generated.operation.dump());
    Document next;
    ASSERT_NO_THROW(next = apply_patch(states.back(), Document::array({generated.operation})));
    if (generated.placed_at) {
      const Document* placed = find(next, *generated.placed_at);
      ASSERT_NE(placed, nullptr) << generated.placed_at->to_string();
      EXPECT_EQ(*placed, generated.placed_value) << generated.placed_at->to_string();
    }
    states.push_back(std::move(next));
    patch.push_back(std::move(generated.operation));
    undos.push_back(std::move(generated.undo));
  }
  SCOPED_TRACE(::testing::Message() << "patch: " << patch.dump());

  // The whole patch equals its operations one by one, and the undo operations
  // (worked out independently of the implementation) bring the document back.
  const Document result = apply_patch(original, patch);
  EXPECT_EQ(result, states.back());
  Document undo = Document::array();
  for (auto step = undos.rbegin(); step != undos.rend(); ++step) {
    for (const Document& operation : *step) undo.push_back(operation);
  }
  EXPECT_EQ(apply_patch(result, undo), original) << "undo: " << undo.dump();

  // A failing operation slipped in at position k: error at k, nothing changed.
  const std::size_t failing_index = random.below(length + 1);
  const FailingOperation failing = random.failing_operation(states[failing_index]);
  Document broken = patch;
  broken.insert(broken.begin() + static_cast<std::ptrdiff_t>(failing_index), failing.operation);
  SCOPED_TRACE(::testing::Message() << "broken patch: " << broken.dump());
  const Error error = patch_error(original, broken);
  EXPECT_EQ(error.code(), Code::InvalidPatch);
  EXPECT_EQ(error.details()["index"], failing_index);
  EXPECT_EQ(error.details()["op"], failing.operation["op"]);
  EXPECT_EQ(error.details()["reason"], failing.reason) << error.message();
  EXPECT_EQ(error.message().rfind("Patch operation " + std::to_string(failing_index) + " (", 0), 0u);
  EXPECT_EQ(to_json_text(original), original_text);
}

TEST(PatchProperties, RandomPatchesComposeUndoAndFailAtomically) {
  for (std::uint32_t seed = 0; seed < 500; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    check_random_patch(seed);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace truce
