// lib/common/json_text: the check of a stored text before it is spliced into an answer agrees with
// nlohmann::json::accept on generated texts (valid ones and their random mutations), and a string is written
// byte for byte as nlohmann::json(text).dump() writes it.
#include "common/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace permitflow::json_text {
namespace {

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> s = {
      R"({"id":"clerk-1","role":"clerk"})",
      R"({"items":[{"code":"site_plan","reason":"缺少盖章"}],"due":"2026-06-08","round":1})",
      R"([1,-0,0.5,-12.25e+3,1E-7,true,false,null,"",{}, [ ] ])",
      R"("\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00")",
      R"({"nested":{"a":[[[[{"b":null}]]]],"c":"道路挖掘 🚧"}})",
      " \t\r\n{ \"a\" : [ 1 , 2 ] } \n",
      "123456789012345678901234567890",
      "-9223372036854775809",
  };
  return s;
}

TEST(JsonText, AcceptsWhatTheEngineWrites) {
  for (const auto& text : seeds()) EXPECT_TRUE(well_formed(text)) << text;
  const nlohmann::json data = {
      {"reason", "缺材料\n\"第2轮\""}, {"amount", 12.5}, {"list", {1, "two", nullptr}}};
  EXPECT_TRUE(well_formed(data.dump()));
}

TEST(JsonText, RefusesWhatIsNotOneJsonValue) {
  for (const char* text : {"",
                           " ",
                           "{",
                           "}",
                           "[1,]",
                           "{\"a\":1,}",
                           "{\"a\"}",
                           "{1:2}",
                           "01",
                           "1.",
                           ".5",
                           "-",
                           "1e",
                           "+1",
                           "tru",
                           "nul",
                           "'a'",
                           "\"a",
                           "\"\\x\"",
                           "\"\\u12\"",
                           "\"\\ud800\"",
                           "\"\\udc00\"",
                           "\"\\ud800\\u0041\"",
                           "\"tab\there\"",
                           "[1 2]",
                           "{} {}",
                           "1e400",
                           "\"\xC0\xAF\"",
                           "\"\xED\xA0\x80\"",
                           "\xEF\xBB\xBF{}",
                           "{}\0x",
                           "NaN",
                           "[",
                           "]"}) {
    const std::string s(text, text == std::string_view("{}\0x") ? 4 : std::char_traits<char>::length(text));
    EXPECT_FALSE(well_formed(s)) << s;
  }
}

TEST(JsonText, NestingDeeperThanARecursiveParserWouldTake) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(well_formed(deep));
  EXPECT_FALSE(well_formed(deep.substr(1)));
}

// Random mutations of the seeds: inserted, deleted and replaced bytes drawn from JSON's own characters. A
// leading byte-order mark and a NUL byte are left out: nlohmann skips the first and stops at the second,
// where splicing needs a refusal (both are refused above).
TEST(JsonText, AgreesWithNlohmannAcceptOnMutatedTexts) {
  std::mt19937 rng(20261206);
  const std::string alphabet = "{}[]\",:\\ -+.eE0123456789tfnulrsa\xE4\xBD\xA0\xF0\x9F";
  int valid = 0;
  int checked = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string text = seeds()[rng() % seeds().size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text[at] = c;
      }
    }
    if (text.find('\0') != std::string::npos || text.rfind("\xEF\xBB\xBF", 0) == 0) continue;
    const bool expected = nlohmann::json::accept(text);
    ASSERT_EQ(well_formed(text), expected) << text;
    valid += expected ? 1 : 0;
    ++checked;
  }
  // Both outcomes were exercised, not one of them 40,000 times.
  EXPECT_GT(valid, 1000);
  EXPECT_GT(checked - valid, 1000);
}

TEST(JsonText, AppendStringWritesWhatDumpWrites) {
  std::mt19937 rng(7);
  // Whole characters (ASCII, escapes, 道, 路, é) and a lone lead byte, which makes a text not UTF-8.
  const std::vector<std::string> alphabet = {"a",  "b",  "c",    "X",    "Y",  "Z",  "0",        "1",   "9",
                                             " ",  "-",  "_",    ":",    "@",  "/",  ".",        "\"",  "\\",
                                             "\t", "\n", "\x01", "\x7F", "道", "路", "\xC3\xA9", "\xE9"};
  std::vector<std::string> texts = {"",
                                    "320922-RE-20260601-100001",
                                    "under_review",
                                    "2026-06-01T09:00:00+08:00",
                                    "道路挖掘",
                                    "a\"b",
                                    "c\\d",
                                    "\x1F"};
  for (int i = 0; i < 2000; ++i) {
    std::string t;
    // Up to 40 characters: several of the eight-byte words the scan reads at a time, and a tail.
    for (int n = static_cast<int>(rng() % 41); n > 0; --n) t += alphabet[rng() % alphabet.size()];
    texts.push_back(t);
  }
  int escaped = 0;
  for (const auto& t : texts) {
    std::string expected;
    try {
      expected = nlohmann::json(t).dump();
    } catch (const nlohmann::json::exception&) {  // not UTF-8: refused by both
      std::string out;
      EXPECT_THROW(append_string(out, t), nlohmann::json::exception) << t;
      EXPECT_THROW(append_string_then(out, t, ':'), nlohmann::json::exception) << t;
      continue;
    }
    std::string out = "x";
    append_string(out, t);
    EXPECT_EQ(out, "x" + expected) << t;
    std::string key = "x";  // as Writer::key_text writes it
    append_string_then(key, t, ':');
    EXPECT_EQ(key, "x" + expected + ":") << t;
    escaped += expected.size() != t.size() + 2 ? 1 : 0;
  }
  EXPECT_GT(escaped, 100);  // the escaping path ran, not only the plain one
  std::string empty_key;    // a default string_view: no data at all (an empty Text gives one)
  append_string_then(empty_key, std::string_view(), ':');
  EXPECT_EQ(empty_key, "\"\":");
}

// A literal key (PlainKey, checked when compiled and copied) is written as any other text is: its comma, its
// quotes, its colon, whatever comes before it.
TEST(JsonText, APlainKeyIsWrittenAsTheSameTextWouldBe) {
  std::string literal;
  std::string text;
  Writer a(literal);
  Writer b(text);
  a.begin_object();
  b.begin_object();
  a.key("accepted_on");
  b.key_text("accepted_on");
  a.null();
  b.null();
  a.key("");
  b.key_text("");
  a.begin_array();
  b.begin_array();
  a.end_array();
  b.end_array();
  a.key("a-b_c 9/@:.");
  b.key_text("a-b_c 9/@:.");
  a.number(1);
  b.number(1);
  a.end_object();
  b.end_object();
  EXPECT_EQ(literal, text);
  EXPECT_EQ(literal, R"({"accepted_on":null,"":[],"a-b_c 9/@:.":1})");
}

// A word of the vocabulary is written from the JSON string made when it was added: the same bytes as dump
// writes, escapes included; a Text of the other forms (inline, owned) is escaped as it is written.
TEST(JsonText, AVocabularyWordIsWrittenAsDumpWritesIt) {
  const std::vector<std::string> words = {"缺少加盖公章的申请表", "a \"quoted\" note\\ over\ttwo\nlines",
                                          "control \x01\x1f char", "plain_ascii_word"};
  Text::add_to_vocabulary(words);
  for (const auto& word : words) {
    const Text t(word);
    ASSERT_TRUE(Text::in_vocabulary(word));
    EXPECT_EQ(t.json_string(), nlohmann::json(word).dump());
    std::string out;
    Writer w(out);
    w.begin_array();
    w.string(t);
    w.string(t);
    w.end_array();
    const std::string dumped = nlohmann::json(word).dump();
    EXPECT_EQ(out, "[" + dumped + "," + dumped + "]");
  }
  for (const std::string other : {"short", "an owned text with \"quotes\" not in the vocabulary"}) {
    const Text t(other);
    EXPECT_TRUE(t.json_string().empty()) << other;
    std::string out;
    Writer(out).string(t);
    EXPECT_EQ(out, nlohmann::json(other).dump());
  }
  EXPECT_TRUE(Text().json_string().empty());
}

// A word that is not UTF-8 has no JSON string: written as a Text it is refused as any such text is.
TEST(JsonText, AVocabularyWordThatIsNotUtf8IsRefusedWhenWritten) {
  const std::string bad = "not utf-8: \xff\xfe";
  Text::add_to_vocabulary({bad});
  const Text t(bad);
  ASSERT_TRUE(Text::in_vocabulary(bad));
  EXPECT_TRUE(t.json_string().empty());
  std::string out;
  EXPECT_THROW(Writer(out).string(t), nlohmann::json::exception);
}

}  // namespace
}  // namespace permitflow::json_text
