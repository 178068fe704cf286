#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <string_view>

#include "test_support.hpp"
#include "truce/error.hpp"
#include "truce/json.hpp"
#include "truce/patch.hpp"

namespace truce {
namespace {

Document merge_text(std::string_view target, std::string_view patch) {
  return apply_merge_patch(parse_json(target), parse_json(patch));
}

Document diff_text(std::string_view from, std::string_view to) {
  return create_merge_patch(parse_json(from), parse_json(to));
}

// The INVALID_ARGUMENT that create_merge_patch raises for `to`'s null member.
Error null_member_error(std::string_view from, std::string_view to) {
  try {
    const Document patch = diff_text(from, to);
    ADD_FAILURE() << "created " << patch.dump();
  } catch (const Error& error) {
    return error;
  }
  return Error(Code::Internal, "no error thrown");
}

// ---- apply_merge_patch ----------------------------------------------------------

struct Rfc7396Example {
  const char* original;
  const char* patch;
  const char* result;
};

TEST(ApplyMergePatch, EveryExampleOfRfc7396AppendixA) {
  const Rfc7396Example examples[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const auto& example : examples) {
    SCOPED_TRACE(::testing::Message() << example.original << " + " << example.patch);
    EXPECT_EQ(merge_text(example.original, example.patch), parse_json(example.result));
  }
}

TEST(ApplyMergePatch, TheExampleOfRfc7396Section3) {
  const Document target = parse_json(R"({
    "title": "Goodbye!",
    "author": {"givenName": "John", "familyName": "Doe"},
    "tags": ["example", "sample"],
    "content": "This will be unchanged"
  })");
  const Document patch = parse_json(R"({
    "title": "Hello!",
    "phoneNumber": "+01-123-456-7890",
    "author": {"familyName": null},
    "tags": ["example"]
  })");
  EXPECT_EQ(to_json_text(apply_merge_patch(target, patch)),
            R"({"title":"Hello!","author":{"givenName":"John"},"tags":["example"],)"
            R"("content":"This will be unchanged","phoneNumber":"+01-123-456-7890"})");
}

TEST(ApplyMergePatch, KeepsTheTargetsKeyOrderAndAppendsNewKeys) {
  EXPECT_EQ(to_json_text(merge_text(R"({"z":1,"y":2,"x":3})", R"({"w":0,"y":null,"z":9})")), R"({"z":9,"x":3,"w":0})");
}

TEST(ApplyMergePatch, AnEmptyObjectPatchChangesNothing) {
  EXPECT_EQ(to_json_text(merge_text(R"({"b":1,"a":{"c":null}})", "{}")), R"({"b":1,"a":{"c":null}})");
}

TEST(ApplyMergePatch, RemovingAnAbsentKeyIsANoOp) {
  EXPECT_EQ(merge_text(R"({"a":1})", R"({"b":null})"), parse_json(R"({"a":1})"));
}

TEST(ApplyMergePatch, NullsInsideArraysAreValuesNotRemovals) {
  EXPECT_EQ(merge_text(R"({"a":1})", R"({"a":[null,{"b":null}]})"), parse_json(R"({"a":[null,{"b":null}]})"));
}

TEST(ApplyMergePatch, LeavesItsArgumentsUntouched) {
  const Document target = parse_json(R"({"a":{"b":1,"c":2}})");
  const Document patch = parse_json(R"({"a":{"b":null,"d":3}})");
  const std::string target_text = to_json_text(target);
  const std::string patch_text = to_json_text(patch);
  EXPECT_EQ(apply_merge_patch(target, patch), parse_json(R"({"a":{"c":2,"d":3}})"));
  EXPECT_EQ(to_json_text(target), target_text);
  EXPECT_EQ(to_json_text(patch), patch_text);
}

TEST(ApplyMergePatch, RemovesManyKeysOfAWideObjectInOrder) {
  Document target = Document::object();
  Document patch = Document::object();
  for (int i = 0; i < 50000; ++i) {
    target["k" + std::to_string(i)] = i;
    if (i % 2 == 0) patch["k" + std::to_string(i)] = nullptr;
  }
  patch["k1"] = "one";
  const Document result = apply_merge_patch(target, patch);
  ASSERT_EQ(result.size(), 25000u);
  EXPECT_EQ(result.begin().key(), "k1");
  EXPECT_EQ(result.at("k1"), "one");
  EXPECT_EQ(std::prev(result.end()).key(), "k49999");
  EXPECT_FALSE(result.contains("k2"));
}

TEST(ApplyMergePatch, TheDeepestParsableDocuments) {
  const std::size_t depth = ParseLimits{}.max_depth;
  std::string target;
  std::string patch;
  for (std::size_t level = 1; level < depth; ++level) target += "{\"k\":", patch += "{\"k\":";
  target += "{\"old\":1}";
  patch += "{\"old\":null,\"new\":2}";
  target += std::string(depth - 1, '}');
  patch += std::string(depth - 1, '}');
  const Document merged = apply_merge_patch(parse_json(target), parse_json(patch));
  EXPECT_EQ(to_json_text(merged), std::string(target).replace(target.find("\"old\":1"), 7, "\"new\":2"));
}

// ---- create_merge_patch ---------------------------------------------------------

TEST(CreateMergePatch, DescribesAddedChangedAndRemovedMembers) {
  EXPECT_EQ(diff_text(R"({"a":1,"b":2,"c":{"d":3,"e":4}})", R"({"a":1,"c":{"d":3,"e":5},"f":[1]})"),
            parse_json(R"({"b":null,"c":{"e":5},"f":[1]})"));
}

TEST(CreateMergePatch, EqualObjectsGiveAnEmptyPatch) {
  EXPECT_EQ(diff_text(R"({"a":{"b":[1,2]},"c":null})", R"({"c":null,"a":{"b":[1,2]}})"), Document::object());
  EXPECT_EQ(diff_text(R"({"n":1})", R"({"n":1.0})"), Document::object());
}

TEST(CreateMergePatch, ArraysAndScalarsAreReplacedWhole) {
  EXPECT_EQ(diff_text(R"({"a":[1,2,3]})", R"({"a":[1,2]})"), parse_json(R"({"a":[1,2]})"));
  EXPECT_EQ(diff_text(R"({"a":{"b":1}})", R"({"a":"flat"})"), parse_json(R"({"a":"flat"})"));
  EXPECT_EQ(diff_text(R"({"a":"flat"})", R"({"a":{"b":1}})"), parse_json(R"({"a":{"b":1}})"));
  EXPECT_EQ(diff_text("[1]", "[2]"), parse_json("[2]"));
  EXPECT_EQ(diff_text(R"({"a":1})", "[1]"), parse_json("[1]"));
  EXPECT_EQ(diff_text(R"({"a":1})", "null"), Document(nullptr));
}

TEST(CreateMergePatch, ANewNestedObjectIsWrittenWhole) {
  EXPECT_EQ(diff_text("{}", R"({"a":{"b":{"c":1}}})"), parse_json(R"({"a":{"b":{"c":1}}})"));
}

TEST(CreateMergePatch, NullsInsideArraysAreFine) {
  EXPECT_EQ(diff_text(R"({"a":[]})", R"({"a":[null,{"b":null}]})"), parse_json(R"({"a":[null,{"b":null}]})"));
}

TEST(CreateMergePatch, AnUnchangedNullMemberIsFine) {
  EXPECT_EQ(diff_text(R"({"a":null,"b":{"c":null}})", R"({"a":null,"b":{"c":null,"d":1}})"),
            parse_json(R"({"b":{"d":1}})"));
}

TEST(CreateMergePatch, RefusesANullMemberTheTargetDoesNotHave) {
  struct Case {
    const char* from;
    const char* to;
    const char* path;
  };
  const Case cases[] = {
      {"{}", R"({"a":null})", "/a"},
      {R"({"a":1})", R"({"a":null})", "/a"},
      {R"({"x":{"a/b":{}}})", R"({"x":{"a/b":{"m~n":null}}})", "/x/a~1b/m~0n"},
      {R"({"x":1})", R"({"x":{"y":{"z":null}}})", "/x/y/z"},
      {"[]", R"({"a":{"b":null}})", "/a/b"},
      {"null", R"({"":null})", "/"},
  };
  for (const Case& test_case : cases) {
    SCOPED_TRACE(::testing::Message() << test_case.from << " -> " << test_case.to);
    const Error error = null_member_error(test_case.from, test_case.to);
    EXPECT_EQ(error.code(), Code::InvalidArgument);
    EXPECT_EQ(error.details(), Document({{"path", test_case.path}}));
  }
  EXPECT_EQ(null_member_error(R"({"a":{"b":1}})", R"({"a":{"b":null}})").message(),
            "A merge patch cannot set /a/b to null: in RFC 7396 null removes a member. Use a JSON Patch to store a "
            "null");
}

// ---- create then apply on random documents --------------------------------------

class RandomDocuments {
 public:
  explicit RandomDocuments(std::uint32_t seed) : rng_(seed) {}

  // Null members only when `null_members`; nulls inside arrays either way.
  Document value(int depth, bool null_members) {
    if (depth <= 0 || one_in(3)) return scalar(true);
    const std::size_t size = below(5);
    if (one_in(3)) {
      Document array = Document::array();
      for (std::size_t i = 0; i < size; ++i) array.push_back(value(depth - 1, null_members));
      return array;
    }
    Document object = Document::object();
    for (std::size_t i = 0; i < size; ++i) {
      object[key()] = null_members ? value(depth - 1, true) : non_null(depth - 1);
    }
    return object;
  }

  // `from` edited here and there, so that `to` shares most of its structure.
  // Members `from` already has as null may stay null; new values have no null members.
  Document edited(const Document& from, int depth) {
    if (!from.is_object() || one_in(6)) return non_null(depth);
    Document to = Document::object();
    for (const auto& [member_key, member] : from.items()) {
      switch (below(5)) {
        case 0:
          break;  // dropped
        case 1:
          to[member_key] = non_null(depth - 1);
          break;
        case 2:
          to[member_key] = member.is_null() ? Document(nullptr) : edited(member, depth - 1);
          break;
        default:
          to[member_key] = member;
      }
    }
    if (one_in(2)) to[key()] = non_null(depth - 1);
    return to;
  }

 private:
  std::size_t below(std::size_t bound) { return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng_); }
  bool one_in(std::size_t n) { return below(n) == 0; }

  std::string key() {
    static constexpr const char* kKeys[] = {"a", "b", "c", "d", "a/b", "~", ""};
    return kKeys[below(std::size(kKeys))];
  }

  Document scalar(bool allow_null) {
    switch (below(allow_null ? 5 : 4)) {
      case 0:
        return static_cast<int>(below(7)) - 3;
      case 1:
        return one_in(2);
      case 2:
        return key();
      case 3:
        return static_cast<double>(below(4)) / 2.0;
      default:
        return nullptr;
    }
  }

  // Any value, but never null and never holding an object member that is null.
  Document non_null(int depth) {
    Document result = value(depth, false);
    return result.is_null() ? scalar(false) : result;
  }

  std::mt19937 rng_;
};

TEST(MergePatchProperties, ApplyingTheCreatedPatchGivesTheTarget) {
  for (std::uint32_t seed = 0; seed < 1000; ++seed) {
    RandomDocuments random(seed);
    const Document from = random.value(4, true);
    const Document to = seed % 3 == 0 ? random.value(4, false) : random.edited(from, 4);
    SCOPED_TRACE(::testing::Message() << "seed " << seed << ": " << to_json_text(from) << " -> " << to_json_text(to));
    Document patch;
    ASSERT_NO_THROW(patch = create_merge_patch(from, to));
    EXPECT_EQ(apply_merge_patch(from, patch), to) << "patch " << to_json_text(patch);
    EXPECT_EQ(apply_merge_patch(from, create_merge_patch(from, from)), from);
    if (from.is_object()) {
      EXPECT_EQ(create_merge_patch(from, from), Document::object());
    }
  }
}

}  // namespace
}  // namespace truce
