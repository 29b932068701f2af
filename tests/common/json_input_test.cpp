// lib/common/json_input directly: the strict reader every document goes through. Each refusal is an
// Error(invalid_argument) whose field() is the JSON pointer of the offending input (docs/contract.md §1).
#include <gtest/gtest.h>

#include <string>

#include "common/json_input.hpp"
#include "permitflow/error.hpp"

namespace permitflow::input {
namespace {

/// The field (JSON pointer) of the error `f` throws; "(none)" when it throws nothing.
template <class F>
std::string pointer_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
    return e.field();
  }
  return "(none)";
}

TEST(ParseDocument, AcceptsAnObject) {
  const json doc = parse_document(R"({"a": 1, "b": [true, null]})", "the command");
  EXPECT_EQ(doc["a"], 1);
}

TEST(ParseDocument, RefusesWhatIsNotAnObject) {
  for (const char* text : {"[]", "1", "\"x\"", "null"}) {
    try {
      parse_document(text, "the command");
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
      EXPECT_NE(std::string(e.what()).find("the command must be a JSON object"), std::string::npos)
          << e.what();
    }
  }
}

TEST(ParseDocument, NamesTheByteOfASyntaxError) {
  try {
    parse_document(R"({"a": 1,})", "the application");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the application is not valid JSON (byte "), std::string::npos)
        << e.what();
  }
}

TEST(ParseDocument, RefusesNestingDeeperThan32) {
  std::string ok = "{\"a\":", deep = "{\"a\":";
  for (int i = 0; i < 30; ++i) ok += "[";
  ok += "1";
  for (int i = 0; i < 30; ++i) ok += "]";
  ok += "}";
  EXPECT_NO_THROW(parse_document(ok, "x"));  // 31 levels
  for (int i = 0; i < 32; ++i) deep += "[";
  deep += "1";
  for (int i = 0; i < 32; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(pointer_of([&] { parse_document(deep, "x"); }), "");
}

TEST(ParseDocument, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"a\": \"" + std::string(100, '[') + "\"}";
  EXPECT_EQ(parse_document(text, "x")["a"].get<std::string>().size(), 100u);
}

TEST(ParseDocument, RefusesMoreThan4MiB) {
  const std::string big = "{\"a\": \"" + std::string(kMaxDocument, 'x') + "\"}";
  EXPECT_EQ(pointer_of([&] { parse_document(big, "x"); }), "");
}

TEST(ParseDocument, RefusesANumberNoDoubleHolds) {
  EXPECT_EQ(pointer_of([] { parse_document(R"({"a": 1e999})", "x"); }), "");
}

TEST(OnlyKeys, NamesTheUnknownKeyByPointer) {
  const json doc = json::parse(R"({"actor": {"id": "a", "rank": 3}})");
  EXPECT_EQ(pointer_of([&] { only_keys(doc["actor"], "/actor", {"id", "role"}); }), "/actor/rank");
  EXPECT_NO_THROW(only_keys(doc, "", {"actor"}));
}

TEST(GetString, RequiresAStringWithinItsLength) {
  const json doc = json::parse(R"({"s": "abc", "e": "", "n": 5, "z": null})");
  EXPECT_EQ(get_string(doc, "s", "/x", 3), "abc");
  EXPECT_EQ(pointer_of([&] { get_string(doc, "s", "/x", 2); }), "/x/s");
  EXPECT_EQ(pointer_of([&] { get_string(doc, "e", "", 10); }), "/e");
  EXPECT_EQ(get_string(doc, "e", "", 10, false), "");
  EXPECT_EQ(pointer_of([&] { get_string(doc, "n", "", 10); }), "/n");
  EXPECT_EQ(pointer_of([&] { get_string(doc, "z", "", 10); }), "/z");
  EXPECT_EQ(pointer_of([&] { get_string(doc, "missing", "", 10); }), "/missing");
}

TEST(OptString, AbsentOrNullIsNothing) {
  const json doc = json::parse(R"({"z": null, "s": "v"})");
  EXPECT_EQ(opt_string(doc, "z", "", 10), std::nullopt);
  EXPECT_EQ(opt_string(doc, "missing", "", 10), std::nullopt);
  EXPECT_EQ(opt_string(doc, "s", "", 10), "v");
}

TEST(GetInt, WholeNumbersInRangeOnly) {
  const json doc = json::parse(R"({"i": 12, "f": 12.0, "neg": -3, "huge": 18446744073709551615, "s": "12"})");
  EXPECT_EQ(get_int(doc, "i", "", 0, 100), 12);
  EXPECT_EQ(pointer_of([&] { get_int(doc, "f", "", 0, 100); }), "/f");
  EXPECT_EQ(pointer_of([&] { get_int(doc, "neg", "", 0, 100); }), "/neg");
  EXPECT_EQ(pointer_of([&] { get_int(doc, "i", "", 0, 11); }), "/i");
  EXPECT_EQ(pointer_of([&] { get_int(doc, "huge", "", 0, 100); }), "/huge");
  EXPECT_EQ(pointer_of([&] { get_int(doc, "s", "", 0, 100); }), "/s");
  EXPECT_EQ(opt_int(doc, "missing", "", 0, 1), std::nullopt);
}

TEST(GetDateAndTime, ParseTheContractFormats) {
  const json doc = json::parse(
      R"({"d": "2026-02-29", "ok": "2026-03-02", "t": "2026-03-02T09:10:00+08:00", "naive": "2026-03-02T09:10:00"})");
  EXPECT_EQ(get_date(doc, "ok", ""), Date::parse("2026-03-02"));
  EXPECT_EQ(pointer_of([&] { get_date(doc, "d", "/facts"); }), "/facts/d");  // no 29 February in 2026
  EXPECT_EQ(get_time(doc, "t", "").to_rfc3339(480), "2026-03-02T09:10:00+08:00");
  EXPECT_EQ(pointer_of([&] { get_time(doc, "naive", ""); }), "/naive");  // a time needs its offset
  EXPECT_EQ(opt_date(doc, "missing", ""), std::nullopt);
}

TEST(GetBool, OnlyTrueOrFalse) {
  const json doc = json::parse(R"({"b": false, "n": 0})");
  EXPECT_FALSE(get_bool(doc, "b", ""));
  EXPECT_EQ(pointer_of([&] { get_bool(doc, "n", "/x"); }), "/x/n");
}

TEST(ValidUtf8, RefusesOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(valid_utf8("滨海 ok"));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xE6\xBB"));          // truncated
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(Child, AppendsAKey) { EXPECT_EQ(child("/materials/2", "format"), "/materials/2/format"); }

}  // namespace
}  // namespace permitflow::input
