#include "common/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace permitflow {
namespace {

TEST(Text, HoldsItsBytesWhateverItsForm) {
  Text::add_to_vocabulary({"legal_representative_id"});
  const std::vector<std::string> samples{"",
                                         "pdf",
                                         "1234567",                  // the longest inline
                                         "12345678",                 // the shortest owned
                                         "legal_representative_id",  // a vocabulary word
                                         "缺少：营业执照",           // multi-byte, owned
                                         std::string("a\0b", 3)};    // a NUL inside
  for (const auto& s : samples) {
    const Text t(s);
    EXPECT_EQ(t.view(), s);
    EXPECT_EQ(t.size(), s.size());
    EXPECT_EQ(t.str(), s);
    EXPECT_EQ(t.empty(), s.empty());
  }
  EXPECT_EQ(sizeof(Text), 8u);
}

TEST(Text, EqualBytesCompareEqualAcrossForms) {
  Text::add_to_vocabulary({"business_licence"});
  const std::string word = "business_licence";
  const Text shared(word);
  Text copy = shared;
  EXPECT_EQ(shared, copy);
  EXPECT_EQ(shared, word);
  EXPECT_EQ(shared, "business_licence");
  EXPECT_NE(shared, Text("business_licencE"));
  EXPECT_TRUE(Text::in_vocabulary(word));
  EXPECT_FALSE(Text::in_vocabulary("business_licencE"));
  EXPECT_FALSE(Text::in_vocabulary("pdf"));  // inline: never needs the vocabulary
  // Made before its word joined the vocabulary, a Text owns its bytes and still equals the shared form.
  const Text early("vehicle_registration");
  Text::add_to_vocabulary({"vehicle_registration"});
  const Text late("vehicle_registration");
  EXPECT_EQ(early, late);
  EXPECT_EQ(late, early);
  EXPECT_NE(late, shared);  // two words of the vocabulary
  EXPECT_NE(Text("insp-1"), Text("insp-2"));
  EXPECT_NE(Text("insp-1"), late);
}

TEST(Text, OrdersAsStdStringDoes) {
  // std::string orders bytes as unsigned: "é" (0xC3 0xA9) sorts after every ASCII name.
  std::vector<std::string> strings{"b", "B", "a_b", "ab", "é", "", "abcdefgh", "abcdefg", "abcdefgi"};
  std::vector<Text> texts(strings.begin(), strings.end());
  std::sort(strings.begin(), strings.end());
  std::sort(texts.begin(), texts.end());
  ASSERT_EQ(texts.size(), strings.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(texts[i], strings[i]) << i;
  std::map<Text, int, std::less<>> by_name{{"traffic_police", 1}, {"municipal_roads", 2}};
  EXPECT_EQ(by_name.find(std::string_view("municipal_roads"))->second, 2);
}

TEST(Text, CopiesAndMovesOwnTheirBytes) {
  Text a("an applicant's own long string");
  Text b = a;                     // a copy of an owned block is a new block
  EXPECT_NE(a.data(), b.data());  // NOLINT: the pointers are what is compared
  Text c = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from Text is empty, as documented
  EXPECT_EQ(c, b);
  c = Text("short");
  EXPECT_EQ(c, "short");
  c = b;
  EXPECT_EQ(c, "an applicant's own long string");
  c = c;  // NOLINT: self-assignment keeps the value
  EXPECT_EQ(c, "an applicant's own long string");
}

TEST(Text, ReadsAsAStringDoes) {
  const Text t("vehicle:苏A12345");
  EXPECT_EQ(t.find(':'), 7u);
  EXPECT_EQ(t.substr(0, t.find(':')), "vehicle");
  EXPECT_TRUE(t.starts_with("vehicle:"));
  EXPECT_EQ(t.rfind("fact:", 0), Text::npos);
  EXPECT_EQ("fact:" + Text("area_m2"), "fact:area_m2");
  EXPECT_EQ(nlohmann::json(t), nlohmann::json("vehicle:苏A12345"));
}

// Words added while other threads read the vocabulary: every reader finds a word once it was added, and
// never a wrong one (TSan runs this too).
TEST(Text, TheVocabularyGrowsWhileOthersRead) {
  std::vector<std::string> words;
  for (int i = 0; i < 2000; ++i) words.push_back("concurrent_word_" + std::to_string(i));
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread reader([&] {
    while (!done.load()) {
      for (const auto& w : words) {
        const Text t(w);
        if (t != w) wrong.fetch_add(1);
      }
    }
  });
  for (const auto& w : words) Text::add_to_vocabulary({w});
  done = true;
  reader.join();
  EXPECT_EQ(wrong.load(), 0);
  for (const auto& w : words) EXPECT_TRUE(Text::in_vocabulary(w)) << w;
}

}  // namespace
}  // namespace permitflow
