#include "truce/merge.hpp"

#include <gtest/gtest.h>

#include "random_documents.hpp"
#include "test_support.hpp"
#include "truce/diff.hpp"
#include "truce/json.hpp"
#include "truce/patch.hpp"
#include "truce/rebase.hpp"

namespace truce {
namespace {

Document j(std::string_view text) { return parse_json(text); }

MergeResult merge_text3(std::string_view b, std::string_view m, std::string_view t, const MergeOptions& o = {}) {
  return merge(j(b), j(m), j(t), o);
}

std::vector<std::string> paths(const MergeResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.conflicts) out.push_back(c.path + " " + std::string(conflict_kind_name(c.kind)));
  return out;
}

// ---- laws, as properties on random documents ------------------------------

TEST(MergeLaws, HoldOnRandomDocuments) {
  testing::RandomDocuments gen(20261123);
  for (int round = 0; round < 3000; ++round) {
    SCOPED_TRACE(round);
    const Document base = gen.document();
    const Document edited = gen.edit(base);
    const Document other = gen.edit(base);

    const MergeResult keep_mine = merge(base, edited, base);
    ASSERT_TRUE(keep_mine.clean()) << base << "\n" << edited;
    ASSERT_EQ(keep_mine.merged, edited) << base;

    const MergeResult take_theirs = merge(base, base, edited);
    ASSERT_TRUE(take_theirs.clean());
    ASSERT_EQ(take_theirs.merged, edited);

    const MergeResult same_change = merge(base, edited, edited);
    ASSERT_TRUE(same_change.clean());
    ASSERT_EQ(same_change.merged, edited);

    // Deterministic, and merged is always a valid document whatever conflicts.
    const MergeResult once = merge(base, edited, other);
    const MergeResult twice = merge(base, edited, other);
    ASSERT_EQ(to_json_text(once.to_json()), to_json_text(twice.to_json()));
    ASSERT_NO_THROW(parse_json(to_json_text(once.merged)));

    // Giving the documents away (moves instead of copies) changes nothing.
    ASSERT_EQ(to_json_text(merge(Document(base), Document(edited), Document(other)).to_json()),
              to_json_text(once.to_json()));
    MergeOptions mine_wins;
    mine_wins.on_conflict = OnConflict::Mine;
    ASSERT_EQ(to_json_text(merge(Document(base), Document(edited), Document(other), mine_wins).to_json()),
              to_json_text(merge(base, edited, other, mine_wins).to_json()));
  }
}

TEST(MergeLaws, DisjointEditsCombine) {
  testing::RandomDocuments gen(7);
  for (int round = 0; round < 1000; ++round) {
    SCOPED_TRACE(round);
    Document base = {{"left", gen.document()}, {"right", gen.document()}};
    Document mine = base, theirs = base;
    mine["left"] = gen.edit(base["left"]);
    theirs["right"] = gen.edit(base["right"]);
    const MergeResult result = merge(base, mine, theirs);
    ASSERT_TRUE(result.clean());
    ASSERT_EQ(result.merged["left"], mine["left"]);
    ASSERT_EQ(result.merged["right"], theirs["right"]);
  }
}

TEST(DiffProperty, ApplyingTheDiffGivesTheTarget) {
  testing::RandomDocuments gen(99);
  for (int round = 0; round < 3000; ++round) {
    SCOPED_TRACE(round);
    const Document a = gen.document();
    const Document b = round % 2 ? gen.edit(a) : gen.document();
    const Document patch = diff(a, b);
    ASSERT_EQ(apply_patch(a, patch), b) << "a=" << a << "\nb=" << b << "\npatch=" << patch;
    ASSERT_EQ(diff(a, a), Document::array());
  }
}

// ---- objects ----------------------------------------------------------------

TEST(MergeObjects, KeyOrderFollowsTheirsWithMineAdditionsAfterTheirPredecessor) {
  const MergeResult r =
      merge_text3(R"({"a":1,"b":2,"c":3})", R"({"a":1,"m":0,"b":2,"c":3})", R"({"c":3,"a":1,"t":0,"b":2})");
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(to_json_text(r.merged), R"({"c":3,"a":1,"t":0,"m":0,"b":2})");
}

TEST(MergeObjects, ConflictKinds) {
  EXPECT_EQ(paths(merge_text3(R"({"a":1})", R"({"a":2})", R"({"a":3})")), std::vector<std::string>{"/a both_modified"});
  EXPECT_EQ(paths(merge_text3(R"({"a":1})", R"({"a":2})", R"({})")), std::vector<std::string>{"/a modify_delete"});
  EXPECT_EQ(paths(merge_text3(R"({"a":1})", R"({})", R"({"a":3})")), std::vector<std::string>{"/a delete_modify"});
  EXPECT_EQ(paths(merge_text3(R"({})", R"({"a":2})", R"({"a":3})")), std::vector<std::string>{"/a both_added"});
  EXPECT_EQ(paths(merge_text3(R"({"a":{"x":1}})", R"({"a":"flat"})", R"({"a":{"x":2}})")),
            std::vector<std::string>{"/a type_changed"});
  EXPECT_TRUE(merge_text3(R"({"a":1})", R"({"a":1.0})", R"({"a":1})").clean());  // 1 == 1.0
}

TEST(MergeObjects, OnConflictPicksWhatMergedHoldsAndStillListsConflicts) {
  const char* b = R"({"a":1,"d":1})";
  const char* m = R"({"a":2,"d":2})";
  const char* t = R"({"a":3})";
  MergeOptions options;
  const MergeResult report = merge_text3(b, m, t, options);
  EXPECT_EQ(report.merged, j(R"({"a":3})"));
  options.on_conflict = OnConflict::Mine;
  const MergeResult mine = merge_text3(b, m, t, options);
  EXPECT_EQ(mine.merged, j(R"({"a":2,"d":2})"));
  EXPECT_EQ(mine.conflicts.size(), 2u);
  options.on_conflict = OnConflict::Theirs;
  EXPECT_EQ(merge_text3(b, m, t, options).conflicts.size(), 2u);
  const Document c = report.conflicts[1].to_json();
  EXPECT_EQ(
      c, j(R"({"path":"/d","kind":"modify_delete","base":1,"mine":2,"inMerged":false})"));  // theirs absent: left out
}

TEST(MergeObjects, NullIsAValueAbsenceIsNot) {
  const MergeResult r = merge_text3(R"({"a":1})", R"({"a":null})", R"({})");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].to_json(),
            j(R"({"path":"/a","kind":"modify_delete","base":1,"mine":null,"inMerged":false})"));
}

TEST(MergeObjects, KeysWithSlashAndTildeEscapeInPaths) {
  const MergeResult r = merge_text3(R"({"a/b":{"c~d":1}})", R"({"a/b":{"c~d":2}})", R"({"a/b":{"c~d":3}})");
  EXPECT_EQ(paths(r), std::vector<std::string>{"/a~1b/c~0d both_modified"});
}

// ---- identity arrays ----------------------------------------------------------

const char* kBoard = R"({"tasks":[{"id":"a","v":0},{"id":"b","v":0},{"id":"c","v":0},{"id":"d","v":0}]})";

TEST(MergeIdentity, InsertsFromBothSidesAndEditsInsideItemsMerge) {
  const MergeResult r = merge_text3(
      kBoard, R"({"tasks":[{"id":"a","v":1},{"id":"b","v":0},{"id":"m","v":0},{"id":"c","v":0},{"id":"d","v":0}]})",
      R"({"tasks":[{"id":"t","v":0},{"id":"a","v":0},{"id":"b","v":0},{"id":"c","v":0},{"id":"d","v":2}]})");
  EXPECT_TRUE(r.clean()) << r.to_json();
  EXPECT_EQ(r.merged, j(R"({"tasks":[{"id":"t","v":0},{"id":"a","v":1},{"id":"b","v":0},{"id":"m","v":0},)"
                        R"({"id":"c","v":0},{"id":"d","v":2}]})"));
}

TEST(MergeIdentity, BothInsertAfterTheSamePredecessorTheirsFirst) {
  const MergeResult r = merge_text3(
      kBoard, R"({"tasks":[{"id":"a","v":0},{"id":"m","v":0},{"id":"b","v":0},{"id":"c","v":0},{"id":"d","v":0}]})",
      R"({"tasks":[{"id":"a","v":0},{"id":"t","v":0},{"id":"b","v":0},{"id":"c","v":0},{"id":"d","v":0}]})");
  EXPECT_TRUE(r.clean());
  std::string order;
  for (const auto& task : r.merged["tasks"]) order += task["id"].get<std::string>();
  EXPECT_EQ(order, "atmbcd");
}

TEST(MergeIdentity, OneSidedMoveIsAppliedAndDeletesApply) {
  const MergeResult r =
      merge_text3(kBoard, R"({"tasks":[{"id":"b","v":0},{"id":"c","v":0},{"id":"a","v":0},{"id":"d","v":0}]})",
                  R"({"tasks":[{"id":"a","v":5},{"id":"b","v":0},{"id":"d","v":0}]})");
  EXPECT_TRUE(r.clean()) << r.to_json();
  EXPECT_EQ(r.merged, j(R"({"tasks":[{"id":"b","v":0},{"id":"a","v":5},{"id":"d","v":0}]})"));
}

TEST(MergeIdentity, DifferentMovesOfOneItemConflict) {
  const MergeResult r =
      merge_text3(kBoard, R"({"tasks":[{"id":"b","v":0},{"id":"a","v":0},{"id":"c","v":0},{"id":"d","v":0}]})",
                  R"({"tasks":[{"id":"b","v":0},{"id":"c","v":0},{"id":"d","v":0},{"id":"a","v":0}]})");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].kind, Conflict::Kind::Move);
  EXPECT_EQ(r.conflicts[0].path, "/tasks/3");  // theirs' position kept in report mode
  EXPECT_EQ(r.conflicts[0].to_json()["mine"], 1);
}

TEST(MergeIdentity, SameIdAddedTwiceWithDifferentContentConflictsNeverDuplicates) {
  const MergeResult r = merge_text3(R"({"t":[]})", R"({"t":[{"id":"x","v":1}]})", R"({"t":[{"id":"x","v":2}]})");
  EXPECT_EQ(r.merged, j(R"({"t":[{"id":"x","v":2}]})"));
  EXPECT_EQ(paths(r), std::vector<std::string>{"/t/0 both_added"});
}

TEST(MergeIdentity, EditOfAnItemTheOtherSideDeletedConflicts) {
  const MergeResult r =
      merge_text3(kBoard, R"({"tasks":[{"id":"a","v":0},{"id":"b","v":9},{"id":"c","v":0},{"id":"d","v":0}]})",
                  R"({"tasks":[{"id":"a","v":0},{"id":"c","v":0},{"id":"d","v":0}]})");
  EXPECT_EQ(paths(r), std::vector<std::string>{"/tasks/1 modify_delete"});  // index in mine: not in merged
  EXPECT_EQ(r.merged["tasks"].size(), 3u);
  EXPECT_FALSE(r.conflicts[0].in_merged);
}

TEST(MergeIdentity, ConfigurableIdKeyPerPath) {
  MergeOptions options;
  options.rules.push_back({"/items", Rule{Rule::Kind::Identity, "sku", TextUnit::Lines}});
  const MergeResult r = merge_text3(R"({"items":[{"sku":"a","q":1},{"sku":"b","q":1}]})",
                                    R"({"items":[{"sku":"a","q":2},{"sku":"b","q":1}]})",
                                    R"({"items":[{"sku":"b","q":1},{"sku":"a","q":1},{"sku":"c","q":1}]})", options);
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.merged, j(R"({"items":[{"sku":"b","q":1},{"sku":"a","q":2},{"sku":"c","q":1}]})"));
}

TEST(MergeIdentity, TwentyThousandItemReorderIsFastEnoughToRunInATest) {
  Document base = {{"items", Document::array()}};
  for (int i = 0; i < 20000; ++i) base["items"].push_back({{"id", "i" + std::to_string(i)}, {"v", i}});
  Document mine = base;
  std::reverse(mine["items"].begin(), mine["items"].end());
  Document theirs = base;
  theirs["items"][5]["v"] = -1;
  const MergeResult r = merge(base, mine, theirs);
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.merged["items"][0]["id"], "i19999");
  EXPECT_EQ(r.merged["items"][19994]["v"], -1);
}

// ---- plain arrays -------------------------------------------------------------

TEST(MergeSequence, Diff3CombinesAndIdenticalChangesDoNotConflict) {
  EXPECT_EQ(merge_text3("[1,2,3,4,5]", "[0,1,2,3,4,5]", "[1,2,3,4,5,6]").merged, j("[0,1,2,3,4,5,6]"));
  EXPECT_TRUE(merge_text3("[1,2,3]", "[1,9,3]", "[1,9,3]").clean());
}

TEST(MergeSequence, EqualLengthChunksMergeElementwise) {
  const MergeResult r = merge_text3("[1,2,3]", "[1,5,3]", "[1,6,3]");
  EXPECT_EQ(paths(r), std::vector<std::string>{"/1 both_modified"});
  const MergeResult nested = merge_text3(R"([{"a":1,"b":1}])", R"([{"a":2,"b":1}])", R"([{"a":1,"b":2}])");
  EXPECT_TRUE(nested.clean());
  EXPECT_EQ(nested.merged, j(R"([{"a":2,"b":2}])"));
}

TEST(MergeSequence, UnstableChunkIsOneConflictWithRanges) {
  const MergeResult r = merge_text3("[1,2,3]", "[1,7,8,3]", "[1,9,3]");
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].to_json(), j(R"({"path":"","kind":"sequence","base":[2],"mine":[7,8],"theirs":[9],)"
                                        R"("ranges":{"base":[1,2],"mine":[1,3],"theirs":[1,2],"merged":[1,2]}})"));
  EXPECT_EQ(r.merged, j("[1,9,3]"));
  EXPECT_EQ(resolve(r, {{"", Choice{Choice::Side::Mine, {}}}}), j("[1,7,8,3]"));
}

// ---- rules ------------------------------------------------------------------------

MergeOptions with_rule(const char* pattern, Rule::Kind kind) {
  MergeOptions options;
  options.rules.push_back({pattern, Rule{kind, "", TextUnit::Lines}});
  return options;
}

TEST(MergeRules, SetCounterAtomicMineTheirs) {
  EXPECT_EQ(merge_text3(R"({"t":["a","b"]})", R"({"t":["a","c"]})", R"({"t":["b","a","d"]})",
                        with_rule("/t", Rule::Kind::Set))
                .merged,
            j(R"({"t":["a","d","c"]})"));
  EXPECT_EQ(merge_text3(R"({"n":10})", R"({"n":13})", R"({"n":15})", with_rule("/n", Rule::Kind::Counter)).merged,
            j(R"({"n":18})"));
  EXPECT_EQ(merge_text3(R"({"n":1.5})", R"({"n":2})", R"({"n":1})", with_rule("/n", Rule::Kind::Counter)).merged,
            j(R"({"n":1.5})"));
  EXPECT_EQ(paths(merge_text3(R"({"o":{"a":1,"b":1}})", R"({"o":{"a":2,"b":1}})", R"({"o":{"a":1,"b":2}})",
                              with_rule("/o", Rule::Kind::Atomic))),
            std::vector<std::string>{"/o both_modified"});
  EXPECT_EQ(merge_text3(R"({"x":1})", R"({"x":2})", R"({"x":3})", with_rule("/x", Rule::Kind::Mine)).merged,
            j(R"({"x":2})"));
  EXPECT_TRUE(merge_text3(R"({"x":1})", R"({"x":2})", R"({"x":3})", with_rule("/*", Rule::Kind::Theirs)).clean());
}

TEST(MergeRules, TextMergesLinesAndReportsConflictingRegions) {
  const MergeOptions text = with_rule("/tasks/*/description", Rule::Kind::Text);
  const MergeResult clean = merge_text3(R"({"tasks":[{"id":"a","description":"one\ntwo\nthree\n"}]})",
                                        R"({"tasks":[{"id":"a","description":"ONE\ntwo\nthree\n"}]})",
                                        R"({"tasks":[{"id":"a","description":"one\ntwo\nTHREE\n"}]})", text);
  EXPECT_TRUE(clean.clean());
  EXPECT_EQ(clean.merged["tasks"][0]["description"], "ONE\ntwo\nTHREE\n");
  const MergeResult conflicted =
      merge_text3(R"({"d":"a\nb\n"})", R"({"d":"A\nb\n"})", R"({"d":"X\nb\n"})", with_rule("/d", Rule::Kind::Text));
  EXPECT_EQ(paths(conflicted), std::vector<std::string>{"/d text"});
  EXPECT_EQ(conflicted.merged["d"], "X\nb\n");
}

TEST(MergeRules, FewestWildcardsWinThenDeclarationOrder) {
  MergeOptions options = with_rule("/*/x", Rule::Kind::Theirs);
  options.rules.push_back({"/a/x", Rule{Rule::Kind::Mine, "", TextUnit::Lines}});
  EXPECT_EQ(merge_text3(R"({"a":{"x":1}})", R"({"a":{"x":2}})", R"({"a":{"x":3}})", options).merged["a"]["x"], 2);
}

TEST(MergeOptionsJson, ParsesTheWireFormAndRejectsNonsense) {
  const MergeOptions options = MergeOptions::from_json(j(
      R"({"onConflict":"mine","idKey":"key","maxDepth":50,"rules":{"/a/*":"set","/b":{"idKey":"sku"},"/c":{"text":"words"}}})"));
  EXPECT_EQ(options.on_conflict, OnConflict::Mine);
  EXPECT_EQ(options.id_key, "key");
  EXPECT_EQ(options.max_depth, 50u);
  ASSERT_EQ(options.rules.size(), 3u);
  EXPECT_EQ(options.rules[1].second.id_key, "sku");
  EXPECT_EQ(options.rules[2].second.text_unit, TextUnit::Words);
  EXPECT_TRUCE_ERROR(MergeOptions::from_json(j(R"({"onConflict":"ours"})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(MergeOptions::from_json(j(R"({"colour":"red"})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(MergeOptions::from_json(j(R"({"rules":{"/a":"sometimes"}})")), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(MergeOptions::from_json(j(R"({"rules":{"a":"set"}})")), Code::InvalidPointer);
}

// ---- limits, resolve, rebase ----------------------------------------------------------

TEST(MergeLimits, DeepDocumentsFailCleanly) {
  Document deep = Document::array();
  Document* tip = &deep;
  for (int i = 0; i < 100000; ++i) {
    tip->push_back(Document::array());
    tip = &(*tip)[0];
  }
  EXPECT_TRUCE_ERROR(merge(deep, deep, Document::array()), Code::LimitExceeded);
  EXPECT_TRUCE_ERROR(diff(deep, Document::array()), Code::LimitExceeded);
}

TEST(Resolve, AppliesPerPathChoices) {
  const MergeResult r = merge_text3(R"({"a":1,"b":1,"c":1})", R"({"a":2,"b":2,"c":2})", R"({"a":3,"b":3})");
  const Document resolved = resolve(r, {{"/a", Choice::from_json("mine")},
                                        {"/b", Choice::from_json(j(R"({"value":42})"))},
                                        {"/c", Choice::from_json("mine")}});
  EXPECT_EQ(resolved, j(R"({"a":2,"b":42,"c":2})"));
  EXPECT_EQ(resolve(r, {{"/a", Choice::from_json("base")}}), j(R"({"a":1,"b":3})"));
  EXPECT_TRUCE_ERROR(resolve(r, {{"/zzz", Choice::from_json("mine")}}), Code::InvalidArgument);
  EXPECT_TRUCE_ERROR(Choice::from_json("ours"), Code::InvalidArgument);
}

TEST(Rebase, CarriesAPatchOntoTheLatestState) {
  const Document base = j(R"({"title":"a","n":1})");
  const Document latest = j(R"({"title":"a","n":2,"extra":true})");
  const RebaseResult r = rebase(j(R"([{"op":"replace","path":"/title","value":"b"}])"), base, latest);
  EXPECT_TRUE(r.merge.clean());
  EXPECT_EQ(r.merge.merged, j(R"({"title":"b","n":2,"extra":true})"));
  EXPECT_EQ(apply_patch(latest, r.patch), r.merge.merged);
  EXPECT_TRUCE_ERROR(rebase(j(R"([{"op":"remove","path":"/nope"}])"), base, latest), Code::InvalidPatch);
}

TEST(Diff, EmitsMovesForIdentityArrays) {
  const Document from = j(R"([{"id":1},{"id":2},{"id":3}])");
  const Document to = j(R"([{"id":3},{"id":1},{"id":2,"x":true}])");
  const Document patch = diff(from, to);
  EXPECT_EQ(patch, j(R"([{"op":"move","from":"/2","path":"/0"},{"op":"add","path":"/2/x","value":true}])"));
}

}  // namespace
}  // namespace truce
