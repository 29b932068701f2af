// The feed as the store writes it (docs/feed.md, docs/log_format.md): one record per surviving event,
// numbered at commit without gaps, on each backend (PostgreSQL when PERMITFLOW_TEST_POSTGRES_URL is set).
#include <gtest/gtest.h>

#include "permitflow/error.hpp"
#include "store/append_protocol.hpp"
#include "store/store.hpp"
#include "store/store_test_util.hpp"
#include "support/test_database.hpp"

namespace permitflow::store {
namespace {

using testing::code_of;
using testing::make_case;
using testing::make_events;

class FeedStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { PF_REQUIRE_DATABASE(db_); }
  std::unique_ptr<Store> open() { return open_store(testing::config(db_.url())); }

  static std::vector<FeedRecord> all(Store& store) {
    FeedQuery q;
    q.limit = 1000;
    return store.begin_read()->feed(q);
  }

  permitflow::testing::TestDatabase db_{GetParam()};
};

TEST_P(FeedStoreTest, OneRecordPerSurvivingEventInCommitOrder) {
  auto store = open();
  std::vector<EventRecord> a = make_events(1), b = make_events(2), c = make_events(1), d = make_events(2);
  d[0].state = "under_review";  // a command's first event leaves the case in another state than its last
  auto complaint = make_case("C", "noise", "received");
  complaint.kind = "complaint";
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->savepoint("cmd_1");
    tx->append(make_case("B"), 0, b);
    tx->rollback_to("cmd_1");
    tx->savepoint("cmd_2");
    tx->append(complaint, 0, c);
    tx->release("cmd_2");
    tx->append(make_case("A", "road_excavation", "suspended"), 1, d);
    tx->commit();
  }
  const auto records = all(*store);
  ASSERT_EQ(records.size(), 4u);
  const std::vector<std::pair<std::string, std::int64_t>> want{{"A", 1}, {"C", 1}, {"A", 2}, {"A", 3}};
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(records[i].case_id, want[i].first);
    EXPECT_EQ(records[i].version, want[i].second);
    EXPECT_FALSE(records[i].backfilled);
  }
  EXPECT_EQ(records[0].kind, "permit");
  EXPECT_EQ(records[0].subject, "road_excavation");
  EXPECT_EQ(records[0].state, "submitted");
  EXPECT_EQ(records[1].kind, "complaint");
  EXPECT_EQ(records[1].subject, "noise");
  EXPECT_EQ(records[1].state, "received");
  EXPECT_EQ(records[2].state, "under_review");
  EXPECT_EQ(records[3].state, "suspended");
  EXPECT_EQ(records[3].event.type, "opinion_recorded");
  EXPECT_EQ(records[3].event.hash, d[1].hash);
  EXPECT_EQ(records[3].event.actor, d[1].actor);
  const FeedBounds bounds = store->begin_read()->feed_bounds();
  EXPECT_EQ(bounds.head, 4);
  EXPECT_EQ(store->begin_read()->feed_index().size(), 4u);
  EXPECT_EQ(bounds.pruned, 0);

  // The next transaction goes on from the head.
  auto e = make_events(1);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 3, e);
    tx->commit();
  }
  EXPECT_EQ(all(*store).back().seq, 5);
}

TEST_P(FeedStoreTest, RefusedOrRolledBackAppendWritesNoRecord) {
  auto store = open();
  auto a = make_events(1);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->commit();
  }
  {
    auto tx = store->begin_write();
    auto wrong = make_events(1);
    EXPECT_EQ(code_of([&] { tx->append(make_case("A"), 5, wrong); }), ErrorCode::conflict);
    tx->commit();
  }
  {
    auto tx = store->begin_write();
    auto lost = make_events(3);
    tx->append(make_case("A"), 1, lost);
  }  // destroyed without commit
  const auto records = all(*store);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(store->begin_read()->feed_bounds().head, 1);
}

TEST_P(FeedStoreTest, FiltersLimitAndCursor) {
  auto store = open();
  auto complaint = make_case("C", "noise", "received");
  complaint.kind = "complaint";
  auto a = make_events(3, "opinion_recorded");
  auto c = make_events(2, "dispatched");
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->append(complaint, 0, c);
    tx->commit();
  }
  auto r = store->begin_read();
  FeedQuery q;
  q.limit = 2;
  auto page = r->feed(q);
  ASSERT_EQ(page.size(), 2u);
  q.after = page.back().seq;
  page = r->feed(q);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 3);
  q = FeedQuery{};
  q.kinds = {"complaint"};
  page = r->feed(q);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 4);
  EXPECT_EQ(page[0].event.type, "dispatched");
  q = FeedQuery{};
  q.types = {"opinion_recorded"};
  q.after = 1;
  EXPECT_EQ(r->feed(q).size(), 2u);
  q = FeedQuery{};
  q.cases = {"C"};  // one case's records, with the other filters too
  page = r->feed(q);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].case_id, "C");
  q.cases = {"A", "C"};
  q.types = {"opinion_recorded"};
  EXPECT_EQ(r->feed(q).size(), 3u);
  q.cases = {"nobody"};
  EXPECT_TRUE(r->feed(q).empty());
  q.kinds = {"complaint"};
  EXPECT_TRUE(r->feed(q).empty());
}

TEST_P(FeedStoreTest, ConsumersAndPruning) {
  auto store = open();
  auto a = make_events(5);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 0, a);
    tx->set_feed_cursor("sms", 2);
    tx->set_feed_cursor("province", 4);
    tx->commit();
  }
  {
    auto tx = store->begin_write();
    tx->set_feed_cursor("sms", 3);
    tx->prune_feed(3);
    tx->commit();
  }
  auto r = store->begin_read();
  const auto consumers = r->feed_consumers();
  ASSERT_EQ(consumers.size(), 2u);
  EXPECT_EQ(consumers[0].name, "province");
  EXPECT_EQ(consumers[0].cursor, 4);
  EXPECT_EQ(consumers[1].cursor, 3);
  const FeedBounds b = r->feed_bounds();
  EXPECT_EQ(b.pruned, 3);
  EXPECT_EQ(b.head, 5);
  EXPECT_EQ(r->feed_index().size(), 2u);
  EXPECT_EQ(r->feed_index().front().seq, 4);
  r.reset();
  {  // pruning everything keeps the head: numbering goes on after it
    auto tx = store->begin_write();
    tx->prune_feed(5);
    tx->prune_feed(1);  // never lowers the mark
    tx->commit();
  }
  EXPECT_EQ(store->begin_read()->feed_bounds().head, 5);
  EXPECT_EQ(store->begin_read()->feed_bounds().pruned, 5);
  auto more = make_events(1);
  {
    auto tx = store->begin_write();
    tx->append(make_case("A"), 5, more);
    tx->commit();
  }
  const auto records = all(*store);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].seq, 6);
}

TEST_P(FeedStoreTest, SavepointNamesFollowOneRule) {
  auto store = open();
  auto tx = store->begin_write();
  const std::string longest(63, 's');
  tx->savepoint(longest);
  tx->release(longest);
  EXPECT_EQ(code_of([&] { tx->savepoint(std::string(64, 's')); }), ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { tx->savepoint("1st"); }), ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { tx->savepoint(""); }), ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([] { check_savepoint_name("a\"b"); }), ErrorCode::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace permitflow::store
