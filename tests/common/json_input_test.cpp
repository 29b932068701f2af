// lib/common/json_input directly: the strict reader every document goes through. Each refusal is an
// Error(invalid_argument) whose field() is the JSON pointer of the offending input (docs/contract.md §1).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/json_input.hpp"
#include "permitflow/error.hpp"
#include "support/same_json.hpp"

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

// Whether the common form reads `text`, and then as nlohmann's parser does, type for type.
bool read_as_nlohmann_does(const std::string& text) {
  const auto fast = parse_common_form(text);
  if (!fast) return false;
  json slow;
  EXPECT_NO_THROW(slow = json::parse(text)) << text;
  EXPECT_TRUE(testing::same_json(*fast, slow)) << text << " → " << fast->dump() << " vs " << slow.dump();
  return true;
}

TEST(ParseCommonForm, ReadsTheCommonFormAsNlohmannDoes) {
  const std::vector<std::string> common = {
      R"({"type":"accept","actor":{"id":"clerk-1","role":"clerk"},"at":"2026-06-03T15:00:00+08:00"})",
      " {\n\t\"a\" : [ 1 , -1 , 0 , -0 , 1.5 , -0.0 , 1e5 , 2E-3 , 6.02e+23 ] } \r\n",
      R"({"max":999999999999999999,"min":-999999999999999999,"zero":0.0,"tiny":4.9e-324})",
      R"({"s":"x\"y\\z\/\b\f\n\r\t","cjk":"现场核查符合","emoji":"😀"})",
      "{\"del\":\"\x7f\"}",
      R"({"e":[],"o":{},"l":[true,false,null],"n":{"q":[{"r":[1,[2,{"s":null}]]}]}})",
      R"({"dup":1,"dup":{"kept":"the last"}})",
      R"([1,"two",{"3":3}])",
      R"("a string alone")",
      "42",
      "null",
  };
  for (const auto& text : common) EXPECT_TRUE(read_as_nlohmann_does(text)) << text;
  // Underflow: whichever reads it, the two agree.
  for (const char* text : {"1e-400", "-4.9e-325", "2.4703282292062328e-324"}) read_as_nlohmann_does(text);
  EXPECT_EQ(parse_common_form(R"({"dup":1,"dup":2})")->at("dup"), 2);
  // 32 levels are the common form; 33 are nlohmann's (and parse_document's refusal).
  EXPECT_TRUE(read_as_nlohmann_does(std::string(32, '[') + std::string(32, ']')));
  EXPECT_FALSE(parse_common_form(std::string(33, '[') + std::string(33, ']')));
}

TEST(ParseCommonForm, LeavesEveryOtherTextToNlohmann) {
  const std::vector<std::string> others = {
      R"({"u":"\u00e9"})",             // a \u escape
      "\xEF\xBB\xBF{}",                // a byte-order mark
      R"({"n":1234567890123456789})",  // 19 digits: nlohmann decides where 64 bits end
      R"({"n":1e999})",
      R"({"a":1,})",
      "{'a':1}",
      "[1 2]",
      "01",
      "1.",
      ".5",
      "-",
      "+1",
      "tru",
      "nul",
      "[true false]",
      "{\"a\" 1}",
      "{\"a\":1",
      "{1:2}",
      "\"\x01\"",              // a control character in a string
      "\"\xC0\xAF\"",          // an overlong form
      "\"\xED\xA0\x80\"",      // a surrogate
      "\"\xF4\x90\x80\x80\"",  // past U+10FFFF
      "\"unterminated",
      "\"bad escape \\x\"",
      "{}x",
      "{} {}",
      "",
      "   ",
      std::string("{\"a\":\"\0\"}", 9),
  };
  for (const auto& text : others) EXPECT_FALSE(parse_common_form(text)) << text;
  // parse_document still answers as nlohmann does there, readings and refusals alike.
  EXPECT_EQ(parse_document(R"({"u":"\u00e9"})", "x")["u"], "é");
  EXPECT_EQ(parse_document(R"({"n":1234567890123456789})", "x")["n"], 1234567890123456789u);
  EXPECT_TRUE(parse_document("\xEF\xBB\xBF{}", "x").empty());
  EXPECT_EQ(pointer_of([] { parse_document("\"\xC0\xAF\"", "x"); }), "");
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

// Every lead byte from C0 up, with every second byte and the edges of the third, at the start and across
// the end of an eight-byte word: valid_utf8 answers as nlohmann's parser does for the same bytes in a string.
TEST(ValidUtf8, AgreesWithNlohmannOnEveryLeadAndSecondByte) {
  for (const std::size_t ascii_before : {0u, 7u}) {
    for (int lead = 0xC0; lead <= 0xFF; ++lead) {
      for (int second = 0; second <= 0xFF; ++second) {
        for (const int third : {0x7F, 0xBF, 0xC0}) {
          std::string bytes(ascii_before, 'a');
          bytes +=
              {static_cast<char>(lead), static_cast<char>(second), static_cast<char>(third), '\x80', 'z'};
          for (const std::size_t len : {3u, 5u}) {
            const std::string text = bytes.substr(0, ascii_before + len);
            // Bytes a JSON string refuses for another reason than UTF-8 are not the question here.
            if (std::any_of(text.begin(), text.end(), [](char c) {
                  return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
                }))
              continue;
            ASSERT_EQ(valid_utf8(text), json::accept("\"" + text + "\""))
                << std::hex << lead << " " << second << " " << third << " len " << len;
          }
        }
      }
    }
  }
}

TEST(Child, AppendsAnEscapedKey) {
  EXPECT_EQ(child("/materials/2", "format"), "/materials/2/format");
  EXPECT_EQ(child("", "a/b~c"), "/a~1b~0c");
}

// --- Field: the reader the definition and calendar loaders share with the engine ---------------------

/// The code, pointer and message of the error `f` throws.
template <class F>
std::tuple<ErrorCode, std::string, std::string> refusal(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.field(), e.what()};
  }
  ADD_FAILURE() << "nothing thrown";
  return {ErrorCode::ok, "(none)", ""};
}

using Refusal = std::tuple<ErrorCode, std::string, std::string>;

const json kDoc = json::parse(R"({
  "id": "road_excavation",
  "version": 0,
  "limits": {"promised": "5", "note": null},
  "rules": {"item_checks": [{"each": "vehicles", "require_true": [{"field": 7}]}]},
  "a/b~c": 1
})");

TEST(Field, AMissingFieldIsNamedByTheMembersPointer) {
  const Field root(kDoc, "", "defs/re.json");
  EXPECT_EQ(refusal([&] { root.child("short_code"); }),
            (Refusal{ErrorCode::invalid_argument, "/short_code", "defs/re.json: /short_code: is required"}));
  EXPECT_EQ(refusal([&] { root.child("limits").child("statutory"); }),
            (Refusal{ErrorCode::invalid_argument, "/limits/statutory",
                     "defs/re.json: /limits/statutory: is required"}));
  // The engine's members: absent and null alike are missing; a null optional is absent.
  EXPECT_EQ(refusal([&] { get_string(kDoc["limits"], "note", "/limits", kMaxText); }),
            (Refusal{ErrorCode::invalid_argument, "/limits/note", "/limits/note: is required"}));
  EXPECT_EQ(opt_string(kDoc["limits"], "note", "/limits", kMaxText), std::nullopt);
  // A null is present for has(): a definition refuses it where it wants a value.
  EXPECT_TRUE(root.child("limits").has("note"));
  EXPECT_EQ(refusal([&] { root.child("limits").child("note").str(); }),
            (Refusal{ErrorCode::invalid_argument, "/limits/note",
                     "defs/re.json: /limits/note: expected a string, found null"}));
}

TEST(Field, AWrongTypeNamesWhatWasExpectedAndFound) {
  const Field root(kDoc, "", "defs/re.json");
  EXPECT_EQ(refusal([&] { root.child("limits").child("promised").integer(1, 100); }),
            (Refusal{ErrorCode::invalid_argument, "/limits/promised",
                     "defs/re.json: /limits/promised: expected an integer, found a string"}));
  EXPECT_EQ(
      refusal([&] { root.child("id").boolean(); }),
      (Refusal{ErrorCode::invalid_argument, "/id", "defs/re.json: /id: expected a boolean, found a string"}));
  EXPECT_EQ(std::get<2>(refusal([&] { root.child("rules").array(); })),
            "defs/re.json: /rules: expected an array, found an object");
  EXPECT_EQ(std::get<2>(refusal([&] { root.child("version").object(); })),
            "defs/re.json: /version: expected an object, found an integer");
  EXPECT_EQ(std::get<2>(refusal([&] { get_int(kDoc["limits"], "promised", "/limits", 0, 9); })),
            "/limits/promised: expected an integer, found a string");  // no source: the engine's documents
}

TEST(Field, AnOutOfRangeNumberNamesTheBoundAndTheValue) {
  const Field root(kDoc, "", "defs/re.json");
  EXPECT_EQ(refusal([&] { root.child("version").integer(1, 100000); }),
            (Refusal{ErrorCode::invalid_argument, "/version",
                     "defs/re.json: /version: must be at least 1, found 0"}));
  EXPECT_EQ(std::get<2>(refusal([&] { root.child("version").integer(-5, -1); })),
            "defs/re.json: /version: must be at most -1, found 0");
  const json huge = json::parse(R"({"n": 18446744073709551615})");
  EXPECT_EQ(
      refusal([&] { Field(huge).child("n").integer(0, 100); }),
      (Refusal{ErrorCode::invalid_argument, "/n", "/n: must be at most 100, found 18446744073709551615"}));
  EXPECT_EQ(Field(kDoc).child("version").integer(0, 0), 0);
}

TEST(Field, AnUnknownKeyIsNamedByItsOwnPointer) {
  const Field root(kDoc, "", "defs/re.json");
  EXPECT_EQ(
      refusal([&] {
        root.object({"id", "version", "limits", "rules"});
      }),
      (Refusal{ErrorCode::invalid_argument, "/a~1b~0c", "defs/re.json: /a~1b~0c: unknown key 'a/b~c'"}));
  EXPECT_EQ(refusal([&] { root.child("limits").object({"promised"}); }),
            (Refusal{ErrorCode::invalid_argument, "/limits/note",
                     "defs/re.json: /limits/note: unknown key 'note'"}));
  EXPECT_NO_THROW(root.child("limits").object({"promised", "note"}));
}

TEST(Field, ANestedValueCarriesItsWholePointer) {
  const Field root(kDoc, "", "defs/re.json");
  const Field field =
      root.child("rules").child("item_checks").element(0).child("require_true").element(0).child("field");
  EXPECT_EQ(field.pointer(), "/rules/item_checks/0/require_true/0/field");
  EXPECT_EQ(
      refusal([&] { field.str(); }),
      (Refusal{
          ErrorCode::invalid_argument, "/rules/item_checks/0/require_true/0/field",
          "defs/re.json: /rules/item_checks/0/require_true/0/field: expected a string, found an integer"}));
  const Field check = root.child("rules").child("item_checks").element(0);
  EXPECT_EQ(refusal([&] { check.child("item"); }),
            (Refusal{ErrorCode::invalid_argument, "/rules/item_checks/0/item",
                     "defs/re.json: /rules/item_checks/0/item: is required"}));
  EXPECT_EQ(std::get<1>(refusal([&] { check.child("each").fail("not a list fact"); })),
            "/rules/item_checks/0/each");
}

TEST(Field, StringsDatesAndTimes) {
  const json doc =
      json::parse(R"({"e": "", "d": "2026-02-29", "t": "2026-03-02T09:10:00", "ok": "2026-03-02"})");
  const Field root(doc, "/facts", "x.json");
  EXPECT_EQ(std::get<2>(refusal([&] { root.child("e").nonempty_str(); })),
            "x.json: /facts/e: must not be empty");
  EXPECT_EQ(root.child("e").str(), "");
  EXPECT_EQ(std::get<1>(refusal([&] { root.child("d").date(); })), "/facts/d");
  EXPECT_EQ(std::get<1>(refusal([&] { root.child("t").time(); })), "/facts/t");
  EXPECT_EQ(root.child("ok").date(), Date::parse("2026-03-02"));
  EXPECT_EQ(std::get<2>(refusal([&] { root.child("ok").str(5); })),
            "x.json: /facts/ok: is longer than 5 bytes");
}

TEST(ParseDocument, ASourceStartsTheMessage) {
  EXPECT_EQ(
      refusal([] { parse_document("[1]", "the calendar", "calendar cal.json"); }),
      (Refusal{ErrorCode::invalid_argument, "", "calendar cal.json: the calendar must be a JSON object"}));
}

TEST(KindOf, NamesEachType) {
  const json doc = json::parse(R"([null, true, 1, -1, 1.5, "s", [], {}])");
  std::vector<std::string_view> kinds;
  for (const auto& v : doc) kinds.push_back(kind_of(v));
  EXPECT_EQ(kinds, (std::vector<std::string_view>{"null", "a boolean", "an integer", "an integer", "a number",
                                                  "a string", "an array", "an object"}));
}

}  // namespace
}  // namespace permitflow::input
