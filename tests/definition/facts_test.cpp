#include "definition/facts.hpp"

#include <gtest/gtest.h>

#include "definition/definition.hpp"

namespace permitflow {
namespace {

using json = nlohmann::json;

TEST(Facts, TextIsTheDumpOfTheObject) {
  // Keys out of order, a multi-byte key, escapes, every kind of value: the text written back is byte for
  // byte nlohmann's dump of the parsed object, whatever order or spacing the input had.
  const std::string input =
      R"({ "z": [1, {"b": 2, "a": 1}], "a": null, "é": "\"quoted\"\n\t", "area_m2": 4.0, "n": -3,)"
      R"( "big": 18446744073709551615, "x": 1e300, "flag": true, "road": "中山路", "_": {},)"
      R"( "min": -9223372036854775808, "zero": -0, "off": false, "c": "\u0001" })";
  const Facts f = Facts::parse(input);
  EXPECT_EQ(f.text(), json::parse(input).dump());
  EXPECT_EQ(f.tree(), json::parse(input));
  EXPECT_EQ(Facts(json::parse(input)), f);
  EXPECT_EQ(Facts::parse(f.text()), f);
  EXPECT_EQ(Facts().text(), "{}");
  std::string out = "[";
  f.append_text(out);
  EXPECT_EQ(out, "[" + json::parse(input).dump());
}

TEST(Facts, EntriesAreSortedInByteOrder) {
  const Facts f = Facts::parse(R"({"b": 1, "B": 2, "a_b": 3, "ab": 4, "é": 5})");
  std::vector<std::string> names;
  for (const auto& e : f.entries()) names.push_back(e.name.str());
  EXPECT_EQ(names, (std::vector<std::string>{"B", "a_b", "ab", "b", "é"}));
}

TEST(Facts, FindAndAnswered) {
  const Facts f = Facts::parse(R"({"area_m2": 12, "road_overhauled_on": null, "on_roof": false})");
  ASSERT_NE(f.find("area_m2"), nullptr);
  EXPECT_EQ(*f.find("area_m2"), 12);
  ASSERT_NE(f.find("road_overhauled_on"), nullptr);  // given, as null
  EXPECT_TRUE(f.find("road_overhauled_on")->is_null());
  EXPECT_EQ(f.answered("road_overhauled_on"), nullptr);  // null is no answer
  ASSERT_NE(f.answered("on_roof"), nullptr);
  EXPECT_EQ(*f.answered("on_roof"), false);
  EXPECT_EQ(f.find("area"), nullptr);  // a prefix is another name
  EXPECT_EQ(f.find("area_m2x"), nullptr);
  EXPECT_EQ(f.find(""), nullptr);
}

TEST(Facts, SetKeepsTheOrderAndReplaces) {
  Facts f = Facts::parse(R"({"b": 1, "d": 2})");
  f.set("c", "x");
  f.set("a", true);
  f.set("e", nullptr);
  f.set("b", 5);
  EXPECT_EQ(f.text(), R"({"a":true,"b":5,"c":"x","d":2,"e":null})");
  EXPECT_EQ(f.entries().size(), 5U);
}

TEST(Facts, OnlyAnObjectHoldsFacts) {
  EXPECT_TRUE(Facts(json::array({1, 2})).empty());
  EXPECT_TRUE(Facts(json(nullptr)).empty());
  EXPECT_TRUE(Facts(json("text")).empty());
  EXPECT_TRUE(Facts::parse("[1]").empty());
  EXPECT_THROW(Facts::parse("{"), json::parse_error);
}

TEST(Facts, ALaterDuplicateKeyWinsAsInTheParse) {
  const std::string input = R"({"a": 1, "a": 2})";
  EXPECT_EQ(Facts::parse(input).text(), json::parse(input).dump());
  EXPECT_EQ(Facts::parse(input).text(), R"({"a":2})");
}

TEST(Facts, ABraceListReadsAsAnObject) {
  // {{"name", value}} is the object nlohmann makes of it, not an array holding a pair.
  const Facts f = {{"on_carriageway", true}, {"area_m2", 10}};
  EXPECT_EQ(f.text(), R"({"area_m2":10,"on_carriageway":true})");
  Condition c;
  c.kind = Condition::Kind::equals;
  c.fact = "on_carriageway";
  c.value = true;
  EXPECT_TRUE(evaluate(c, {{"on_carriageway", true}}));
  EXPECT_FALSE(evaluate(c, {{"on_carriageway", false}}));
  EXPECT_FALSE(evaluate(c, {}));
}

TEST(Facts, EveryFormReadsAsNlohmannReadsIt) {
  // The plain form (read without a tree) and its near misses (read by nlohmann): each value has the type and
  // content nlohmann's parse gives it, and the text written back is its dump.
  const char* const texts[] = {
      R"({})",
      R"({"a":1,"b":-2,"c":0,"d":true,"e":false,"f":null,"g":"2027-04-10","h":""})",
      R"({"emergency":false,"on_carriageway":true,"planned_end":"2027-04-10","planned_start":"2027-04-01",)"
      R"("protection_exception_approved":false,"road_opened_on":"2012-05-01","road_overhauled_on":null})",
      R"({"n":999999999999999999,"m":-999999999999999999})",
      R"({"n":1000000000000000000,"m":-9223372036854775808,"u":18446744073709551615,"v":18446744073709551616})",
      R"({"n":-0})",
      R"({"n":0.5})",
      R"({"n":1e3})",
      R"({"n":1E3})",
      R"({"n":4.0})",
      R"({"n":-1.5e-7})",
      R"({"s":"a\"b"})",
      R"({"s":"a\\b"})",
      R"({"s":"\u0041"})",
      R"({"s":"中山路"})",
      R"({"中":1})",
      R"({"b":1,"a":2})",
      R"({"a":1,"a":2})",
      R"({"a":[1,2]})",
      R"({"a":{"b":1}})",
      R"({ "a":1})",
      R"({"a" :1})",
      R"({"a":1 })",
      R"({"a":1} )",
      "{\"a\":1}\n",
      R"({"a":tru})",
      R"({"a":1,})",
      R"({"a":01})",
      R"({"a":-})",
      R"({"a":"x)",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    json expected;
    try {
      expected = json::parse(text);
    } catch (const json::parse_error&) {
      EXPECT_THROW(Facts::parse(text), json::parse_error);
      continue;
    }
    const Facts f = Facts::parse(text);
    EXPECT_EQ(f.text(), expected.dump());
    ASSERT_EQ(f.entries().size(), expected.size());
    auto it = expected.begin();
    for (const auto& e : f.entries()) {
      EXPECT_EQ(e.name, it.key());
      EXPECT_EQ(e.value.type(), it.value().type());
      EXPECT_EQ(e.value, it.value());
      ++it;
    }
  }
}

}  // namespace
}  // namespace permitflow
