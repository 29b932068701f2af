// lib/common/out_of_line.hpp: the heap-held optional and the out-of-line value copy deeply, move by handing
// the block over, and compare by value, so the case that holds them keeps its value semantics.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/out_of_line.hpp"

namespace permitflow {
namespace {

struct Part {
  std::string name;
  std::vector<int> items;
  bool operator==(const Part&) const = default;
};

TEST(HeapOptional, ActsAsAnOptional) {
  HeapOptional<Part> p;
  EXPECT_FALSE(p.has_value());
  EXPECT_FALSE(p);
  EXPECT_EQ(p, std::nullopt);
  EXPECT_THROW((void)p.value(), std::bad_optional_access);
  EXPECT_EQ(p.value_or(Part{"fallback", {}}).name, "fallback");
  p = Part{"a", {1, 2}};
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "a");
  EXPECT_EQ((*p).items, (std::vector<int>{1, 2}));
  EXPECT_EQ(p.value().name, "a");
  p->items.push_back(3);
  EXPECT_EQ(p->items.size(), 3u);
  p = std::nullopt;
  EXPECT_FALSE(p);
  p.emplace(Part{"b", {}});
  EXPECT_EQ(p->name, "b");
  p.reset();
  EXPECT_FALSE(p.has_value());
}

TEST(HeapOptional, TakesAStdOptional) {
  HeapOptional<std::string> s = std::optional<std::string>("x");
  EXPECT_EQ(*s, "x");
  s = std::optional<std::string>();
  EXPECT_FALSE(s);
  s = std::optional<std::string>("y");
  EXPECT_EQ(*s, "y");
}

TEST(HeapOptional, CopiesDeeplyAndComparesByValue) {
  HeapOptional<Part> a = Part{"a", {1}};
  HeapOptional<Part> b = a;
  EXPECT_EQ(a, b);
  EXPECT_NE(&*a, &*b);  // its own block
  b->items.push_back(2);
  EXPECT_NE(a, b);
  EXPECT_EQ(a->items.size(), 1u);
  HeapOptional<Part> none;
  EXPECT_NE(a, none);
  EXPECT_NE(none, a);
  EXPECT_EQ(none, HeapOptional<Part>());
  b = a;  // assigned over an existing value
  EXPECT_EQ(b, a);
  b = none;
  EXPECT_FALSE(b);
  b = a;  // assigned into an empty one
  EXPECT_EQ(b, a);
  const HeapOptional<Part>& same = b;
  b = same;  // self-assignment keeps the value
  EXPECT_EQ(b, a);
}

TEST(HeapOptional, MovesTheBlock) {
  HeapOptional<Part> a = Part{"a", {1}};
  const Part* block = &*a;
  HeapOptional<Part> b = std::move(a);
  EXPECT_EQ(&*b, block);
  HeapOptional<Part> c;
  c = std::move(b);
  EXPECT_EQ(&*c, block);
  EXPECT_EQ(c->name, "a");
}

TEST(HeapOptional, IsOnePointer) { EXPECT_EQ(sizeof(HeapOptional<Part>), sizeof(void*)); }

TEST(OutOfLine, ReadsAsADefaultValueWithoutABlock) {
  OutOfLine<Part> p;
  EXPECT_FALSE(p.allocated());
  EXPECT_EQ(*p, Part{});
  EXPECT_TRUE(p->name.empty());
  EXPECT_FALSE(p.allocated());  // reading allocates nothing
  EXPECT_EQ(p, OutOfLine<Part>());
  EXPECT_EQ(sizeof(OutOfLine<Part>), sizeof(void*));
}

TEST(OutOfLine, WritesThroughMut) {
  OutOfLine<Part> p;
  p.mut().name = "a";
  EXPECT_TRUE(p.allocated());
  EXPECT_EQ(p->name, "a");
  p.mut().items.push_back(1);
  EXPECT_EQ(p->items, std::vector<int>{1});
  p.reset();
  EXPECT_FALSE(p.allocated());
  EXPECT_EQ(*p, Part{});
}

TEST(OutOfLine, ComparesByValueWhetherOrNotABlockIsHeld) {
  OutOfLine<Part> empty;
  OutOfLine<Part> written_default;
  written_default.mut();
  EXPECT_EQ(empty, written_default);
  EXPECT_EQ(written_default, empty);
  OutOfLine<Part> a = Part{"a", {1}};
  EXPECT_NE(a, empty);
  EXPECT_NE(empty, a);
}

TEST(OutOfLine, CopiesDeeplyAndMovesTheBlock) {
  OutOfLine<Part> a = Part{"a", {1}};
  OutOfLine<Part> b = a;
  EXPECT_EQ(a, b);
  EXPECT_NE(&*a, &*b);
  b.mut().name = "b";
  EXPECT_EQ(a->name, "a");
  b = a;
  EXPECT_EQ(b, a);
  b = OutOfLine<Part>();
  EXPECT_FALSE(b.allocated());
  b = a;
  EXPECT_EQ(b->name, "a");
  const Part* block = &*a;
  OutOfLine<Part> c = std::move(a);
  EXPECT_EQ(&*c, block);
  OutOfLine<Part> d;
  d = std::move(c);
  EXPECT_EQ(&*d, block);
}

}  // namespace
}  // namespace permitflow
