// The contract strings of the case kinds (lib/common/vocabulary.cpp): "permit" and "complaint" read back as
// their kinds, and nothing else reads as a kind.
#include <gtest/gtest.h>

#include <string_view>

#include "permitflow/case.hpp"

namespace permitflow {
namespace {

TEST(KindVocabulary, EachKindRoundTripsThroughItsContractString) {
  EXPECT_EQ(to_string(Kind::permit), "permit");
  EXPECT_EQ(to_string(Kind::complaint), "complaint");
  for (const Kind k : {Kind::permit, Kind::complaint}) EXPECT_EQ(parse_kind(to_string(k)), k);
}

TEST(KindVocabulary, UnknownStringIsRefused) {
  for (const std::string_view s : {"", "Permit", "complaints", "bundle", "permit ", "state"})
    EXPECT_FALSE(parse_kind(s).has_value()) << "'" << s << "'";
}

TEST(KindVocabulary, OnlyRatedEndsAComplaintWhileClosedEndsAPermit) {
  EXPECT_TRUE(is_terminal(State::closed, Kind::permit));
  EXPECT_FALSE(is_terminal(State::closed, Kind::complaint));
  EXPECT_TRUE(is_terminal(State::rated, Kind::complaint));
}

}  // namespace
}  // namespace permitflow
