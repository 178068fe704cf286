#include "truce/document.hpp"

#include <gtest/gtest.h>

#include <string>

#include "truce/json.hpp"

namespace truce {
namespace {

std::vector<std::string> keys_of(const Document& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

TEST(Document, KeepsInsertionOrderOfParsedObjects) {
  const Document doc = parse_json(R"({"zeta":1,"alpha":2,"10":3,"2":4,"mid":5})");
  EXPECT_EQ(keys_of(doc), (std::vector<std::string>{"zeta", "alpha", "10", "2", "mid"}));
  EXPECT_EQ(to_json_text(doc), R"({"zeta":1,"alpha":2,"10":3,"2":4,"mid":5})");
}

TEST(Document, DuplicateKeysKeepFirstPositionAndLastValueLikeJsonParse) {
  const Document doc = parse_json(R"({"a":1,"b":2,"a":3})");
  EXPECT_EQ(to_json_text(doc), R"({"a":3,"b":2})");
}

TEST(Document, LooksUpAndErasesInWideObjects) {
  Document doc = Document::object();
  for (int i = 0; i < 1000; ++i) doc["k" + std::to_string(i)] = i;
  EXPECT_EQ(doc.size(), 1000u);
  EXPECT_EQ(doc.at("k777"), 777);
  EXPECT_FALSE(doc.contains("k1000"));
  doc.erase("k500");
  EXPECT_FALSE(doc.contains("k500"));
  EXPECT_EQ(doc.at("k501"), 501);  // positions after the erased key are re-indexed
  EXPECT_EQ(doc.at("k999"), 999);
  EXPECT_EQ(doc.size(), 999u);
  EXPECT_EQ(keys_of(doc)[500], "k501");
  doc["k500"] = -1;  // re-added keys go to the end
  EXPECT_EQ(keys_of(doc).back(), "k500");
}

TEST(Document, EraseShrinksBackBelowTheIndexThreshold) {
  Document doc = Document::object();
  for (int i = 0; i < 20; ++i) doc[std::to_string(i)] = i;
  for (int i = 0; i < 18; ++i) doc.erase(std::to_string(i));
  EXPECT_EQ(to_json_text(doc), R"({"18":18,"19":19})");
  EXPECT_EQ(doc.at("19"), 19);
}

TEST(Document, CopiesAreIndependentAndIndexed) {
  Document original = Document::object();
  for (int i = 0; i < 100; ++i) original["k" + std::to_string(i)] = i;
  Document copy = original;
  copy["k5"] = "changed";
  copy.erase("k6");
  EXPECT_EQ(original.at("k5"), 5);
  EXPECT_TRUE(original.contains("k6"));
  EXPECT_EQ(copy.at("k99"), 99);
}

TEST(Document, ObjectEqualityIgnoresKeyOrderAndNumberSpelling) {
  EXPECT_EQ(parse_json(R"({"a":1,"b":[1,2]})"), parse_json(R"({"b":[1.0,2],"a":1.0})"));
  EXPECT_NE(parse_json(R"({"a":1})"), parse_json(R"({"a":1,"b":null})"));
  EXPECT_NE(parse_json(R"({"a":null})"), parse_json(R"({"b":null})"));
  EXPECT_NE(parse_json(R"([1,2])"), parse_json(R"([2,1])"));  // array order is meaningful
}

TEST(Document, HundredThousandKeyObjectRoundTrips) {
  std::string text = "{";
  for (int i = 0; i < 100000; ++i)
    text += (i ? ",\"" : "\"") + std::to_string(i * 7919 % 100003) + "\":" + std::to_string(i);
  text += "}";
  const Document doc = parse_json(text);
  EXPECT_EQ(doc.size(), 100000u);
  EXPECT_EQ(to_json_text(doc), text);
  EXPECT_EQ(doc.at(std::to_string(99999 * 7919 % 100003)), 99999);
}

TEST(Document, InitializerListsAndInsertRangesBuildIndexedObjects) {
  Document doc = {{"b", 1}, {"a", 2}};
  Document more = Document::object();
  for (int i = 0; i < 30; ++i) more["m" + std::to_string(i)] = i;
  doc.update(more);
  EXPECT_EQ(doc.size(), 32u);
  EXPECT_EQ(keys_of(doc).front(), "b");
  EXPECT_EQ(doc.at("m29"), 29);
}

}  // namespace
}  // namespace truce
