// lib/common/sorted_map.hpp: a map of a few entries held as a sorted vector reads and orders as the std::map
// it replaced in the case (the opinions), and holds its entries in one block without spare room.
#include <gtest/gtest.h>

#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/sorted_map.hpp"
#include "common/text.hpp"

namespace permitflow {
namespace {

template <class M>
std::vector<std::string> keys(const M& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.emplace_back(std::string_view(k));
  return out;
}

TEST(SortedMap, IteratesInStdMapOrderWhateverTheInsertionOrder) {
  const std::vector<std::string> words{"traffic_police", "municipal_roads", "greening", "Zoning", "a", "b"};
  SortedMap<Text, int> sorted;
  std::map<std::string, int> reference;
  int n = 0;
  for (const auto& w : words) {
    sorted[w] = ++n;
    reference[w] = n;
  }
  EXPECT_EQ(keys(sorted), keys(reference));
  EXPECT_EQ(keys(sorted),
            (std::vector<std::string>{"Zoning", "a", "b", "greening", "municipal_roads", "traffic_police"}));
  EXPECT_EQ(sorted.size(), 6u);
}

TEST(SortedMap, SubscriptInsertsADefaultOnceAndThenFindsIt) {
  SortedMap<Text, std::optional<int>> m;
  m["municipal_roads"] = std::nullopt;
  m["traffic_police"] = std::nullopt;
  EXPECT_EQ(m.size(), 2u);
  m[std::string("traffic_police")] = 7;  // the same key through another string type: no second entry
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("traffic_police"), 7);
  EXPECT_EQ(m.at(std::string_view("municipal_roads")), std::nullopt);
  EXPECT_EQ(m["greening"], std::nullopt);  // a new key reads as V{}
  EXPECT_EQ(m.size(), 3u);
}

TEST(SortedMap, FindsAndRefusesByAnyComparableKey) {
  SortedMap<Text, int> m;
  m["traffic_police"] = 1;
  m["municipal_roads"] = 2;
  const auto& cm = m;
  ASSERT_NE(cm.find(std::string_view("municipal_roads")), cm.end());
  EXPECT_EQ(cm.find("municipal_roads")->second, 2);
  EXPECT_EQ(cm.find("municipal"), cm.end());         // a prefix is no key
  EXPECT_EQ(cm.find("traffic_police_x"), cm.end());  // nor a longer word
  EXPECT_EQ(cm.find(""), cm.end());
  EXPECT_TRUE(cm.contains(std::string("traffic_police")));
  EXPECT_FALSE(cm.contains("zoning"));
  EXPECT_THROW((void)cm.at("zoning"), std::out_of_range);
  m.find("traffic_police")->second = 5;
  EXPECT_EQ(m.at("traffic_police"), 5);
}

TEST(SortedMap, ComparesByContentAndClearsAndSwaps) {
  SortedMap<Text, int> a;
  SortedMap<Text, int> b;
  a["x_department"] = 1;
  a["y_department"] = 2;
  b["y_department"] = 2;
  b["x_department"] = 1;
  EXPECT_EQ(a, b);  // the same entries, whichever came first
  b["y_department"] = 3;
  EXPECT_NE(a, b);
  SortedMap<Text, int>().swap(b);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 0u);  // the entries' block went with the swapped-out map
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.find("x_department"), a.end());
}

TEST(SortedMap, HoldsItsReservedEntriesInOneBlockWithoutNodes) {
  SortedMap<Text, std::optional<int>> m;
  m.reserve(2);
  m["traffic_police"] = 1;
  const auto* first = &*m.begin();
  m["municipal_roads"] = 2;  // inserted before it: the entries move within the block, none is allocated
  EXPECT_EQ(&*m.begin(), first);
  EXPECT_EQ(m.capacity(), 2u);
  EXPECT_EQ(reinterpret_cast<const char*>(&*std::next(m.begin())) - reinterpret_cast<const char*>(first),
            static_cast<std::ptrdiff_t>(sizeof(std::pair<Text, std::optional<int>>)));
}

}  // namespace
}  // namespace permitflow
