#include "store/hash_chain.hpp"

#include <gtest/gtest.h>

#include "common/sha256.hpp"

namespace permitflow::store {
namespace {

EventRecord sample() {
  EventRecord e;
  e.case_id = "C1";
  e.seq = 1;
  e.type = "submitted";
  e.at = "2026-01-05T09:00:00+08:00";
  e.actor = R"({"id":"a"})";
  e.data = "{}";
  e.prev_hash = "ignored";
  e.hash = "ignored";
  return e;
}

TEST(HashChain, EventInputIsNetstringsInDocumentedOrder) {
  EXPECT_EQ(event_hash_input("", sample()),
            R"(0:,2:C1,1:1,9:submitted,25:2026-01-05T09:00:00+08:00,10:{"id":"a"},2:{},)");
}

TEST(HashChain, EventHashMatchesIndependentlyComputedValue) {
  // Computed with Python's hashlib over the bytes of the test above.
  EXPECT_EQ(event_hash("", sample()), "def2d89ccecb8f9636ba09fcd4891c40d1def6ecf4ca18c1f23cf1bd54a6d907");
}

TEST(HashChain, PrevHashAndSeqAreCovered) {
  auto e = sample();
  const auto base = event_hash("", e);
  EXPECT_NE(event_hash("00", e), base);
  e.seq = 2;
  EXPECT_NE(event_hash("", e), base);
  EXPECT_EQ(event_hash_input("abc", e).substr(0, 13), "3:abc,2:C1,1:");
}

TEST(HashChain, FieldBoundariesAreUnambiguous) {
  auto a = sample();
  auto b = sample();
  a.actor = R"({"id":"a"},)";
  a.data = "}";
  b.actor = R"({"id":"a"})";
  b.data = ",}";
  EXPECT_NE(event_hash("", a), event_hash("", b));
  a.data = std::string("x\0y", 3);
  b.data = "xy";
  b.actor = a.actor;
  EXPECT_NE(event_hash("", a), event_hash("", b));
  EXPECT_EQ(event_hash_input("", a).substr(event_hash_input("", a).size() - 6), std::string("3:x\0y,", 6));
}

TEST(HashChain, LedgerInput) {
  const std::string h1 = "def2d89ccecb8f9636ba09fcd4891c40d1def6ecf4ca18c1f23cf1bd54a6d907";
  EXPECT_EQ(ledger_hash_input("", {h1}), "0:,64:" + h1 + ",");
  EXPECT_EQ(ledger_hash("", {h1}), "02b7247988c260a75b15613973b1b7bf61548f3de066978ed64eae0c6a425d7f");
  EXPECT_EQ(ledger_hash_input("p", {"a", "b"}), "1:p,1:a,1:b,");
  EXPECT_NE(ledger_hash("p", {"a", "b"}), ledger_hash("p", {"b", "a"}));
  EXPECT_EQ(ledger_hash("p", {"a", "b"}), sha256_hex("1:p,1:a,1:b,"));
}

}  // namespace
}  // namespace permitflow::store
