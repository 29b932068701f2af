// lib/case snapshots directly: an archive of a case loads back to the same case, at every version of its
// log and for both kinds; a corrupt, truncated or foreign archive loads as nothing (the log is the truth).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "case/snapshot.hpp"
#include "support/case_replay.hpp"

namespace permitflow::testing {
namespace {

// A case holding every rarely used part (each field set to a value that is not its default).
inline Case every_rare_part() {
  Case c;
  c.id = "000000-RE-20260601-000042";
  c.kind = Kind::complaint;
  c.subject = "road_excavation";
  c.definition_version = 3;
  c.calendar_version = "cn-2026.1";
  c.state = State::under_review;
  c.version = 7;
  c.last_event_at = Instant::from_epoch_seconds(1780000000);
  c.applicant = {"app-1", "某建设公司"};
  c.facts = nlohmann::json{{"area_m2", 120}, {"road", "中山路"}};
  c.materials = {{"site_plan", "pdf", Date::parse("2030-12-31"), "ab12", Date::parse("2026-06-01")}};
  c.renewal_of = std::string("000000-RE-20250601-000001");
  c.renewal_expiry = Date::parse("2026-06-30");
  c.filed_at = Instant::from_epoch_seconds(1779990000);
  c.received_on = Date::parse("2026-06-01");
  c.last_submission_on = Date::parse("2026-06-02");
  c.accepted_on = Date::parse("2026-06-03");
  c.suspensions = {
      {"expert_review", Date::parse("2026-06-04"), Date::parse("2026-06-05"), 3, "专家评审", true}};
  ComplaintFile f;
  f.source = "hotline";
  f.description = "垃圾暴露";
  f.location = "中山路 1 号";
  f.unit = "street-2";
  f.returned_by = {"street-1"};
  f.units_held = {"street-1", "street-2"};
  f.registered_at = Instant::from_epoch_seconds(1779990100);
  f.dispatched_at = Instant::from_epoch_seconds(1779990200);
  f.clock_start = Instant::from_epoch_seconds(1779990000);
  f.due = Instant::from_epoch_seconds(1780500000);
  f.limit_working_days = 5;
  f.limit_working_hours = 4;
  f.extended_working_days = 2;
  f.replied_at = Instant::from_epoch_seconds(1780100000);
  f.reply = "已清理";
  f.failed_checks = 1;
  f.escalated_at = Instant::from_epoch_seconds(1780200000);
  f.escalation_reason = "逾期";
  f.deputy = "deputy-1";
  f.closed_at = Instant::from_epoch_seconds(1780300000);
  f.ratings = {2, 5};
  f.rating_comment = "好";
  f.reopened = 1;
  f.light = Light::yellow;
  f.review_due = Instant::from_epoch_seconds(1780400000);
  f.review_light = Light::red;
  c.complaint = f;
  Tolerance t;
  t.items = {"traffic_plan", "insurance"};
  t.supply_by = Date::parse("2026-06-20");
  t.pending = false;
  t.outstanding = {"insurance"};
  t.commitment = {"张三", "2026-06-03T10:00:00+08:00", "cafe"};
  t.supplied_on = Date::parse("2026-06-10");
  c.tolerance = t;
  c.commitment = Commitment{{"land_use"}, {"李四", "2026-06-01T09:00:00+08:00", "beef"}};
  c.verification = Verification{"confirmed", "site_visit", "核查无误", "clerk-1", Date::parse("2026-07-01")};
  c.credit_flagged = true;
  c.deadlines.verification.present = true;
  c.deadlines.verification.due = Date::parse("2026-07-10");
  return c;
}

template <class T>
bool exact(const std::vector<T>& v) {
  return v.capacity() == v.size();
}

class Snapshots : public CaseReplay {
 protected:
  std::string reviewed_case() {
    const std::string id = accepted("road_excavation", "2026-06-01")["id"];
    execute(id, command("suspend", kClerk, at("2026-06-02"),
                        {{"reason", "expert_review"}, {"expected_working_days", 3}, {"notice", "专家评审"}}));
    execute(id, command("record_opinion", reviewer("traffic_police"), at("2026-06-03"),
                        {{"department", "traffic_police"}, {"opinion", "approve"}, {"comment", "同意"}}));
    execute(id, command("resume", kClerk, at("2026-06-04")));
    return id;
  }
};

TEST_F(Snapshots, RoundTripAtEveryVersion) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  for (std::size_t n = 1; n <= events.size(); ++n) {
    const Case c = replay(events, ctx, n);
    const auto loaded = load_snapshot(save_snapshot(c));
    ASSERT_TRUE(loaded.has_value()) << "version " << n;
    EXPECT_EQ(*loaded, c) << "version " << n;
  }
}

TEST_F(Snapshots, ALoadedSnapshotTakesTheRestOfTheLog) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  auto c = load_snapshot(save_snapshot(replay(events, ctx, 2)));
  ASSERT_TRUE(c.has_value());
  for (std::size_t i = 2; i < events.size(); ++i) apply(*c, events[i], ctx);
  EXPECT_EQ(*c, replay(events, ctx));
  EXPECT_EQ(to_json(*c, ctx), get(id));
}

TEST_F(Snapshots, AComplaintRoundTrips) {
  const std::string id = submit({{"kind", "complaint"},
                                 {"category", "exposed_garbage"},
                                 {"reporter", {{"id", "resident-1"}}},
                                 {"actor", {{"id", "clerk-li"}, {"role", "dispatcher"}}},
                                 {"at", "2026-09-30T16:00:00+08:00"},
                                 {"description", "垃圾暴露"}})["id"];
  const CaseContext ctx = context_of(id);
  const Case c = replay(events_of(id), ctx);
  const auto loaded = load_snapshot(save_snapshot(c));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, c);
  EXPECT_EQ(to_json(*loaded, ctx)["deadlines"]["handling"]["due"], "2026-10-08T11:00:00+08:00");
}

TEST_F(Snapshots, BrokenArchivesLoadAsNothing) {
  const std::string id = reviewed_case();
  const CaseContext ctx = context_of(id);
  const std::string good = save_snapshot(replay(events_of(id), ctx));
  EXPECT_FALSE(load_snapshot("").has_value());
  EXPECT_FALSE(load_snapshot("22 serialization::archive 18 garbage").has_value());
  EXPECT_FALSE(load_snapshot(good.substr(0, good.size() / 2)).has_value());
  EXPECT_FALSE(load_snapshot("not an archive at all").has_value());
}

TEST(SnapshotFormat, ACaseWithEveryRarePartRoundTrips) {
  const Case c = every_rare_part();
  const auto loaded = load_snapshot(save_snapshot(c));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, c);
  EXPECT_EQ(loaded->complaint->units_held, (std::vector<std::string>{"street-1", "street-2"}));
  EXPECT_EQ(*loaded->renewal_of, "000000-RE-20250601-000001");
  EXPECT_EQ(loaded->tolerance->outstanding, std::vector<std::string>{"insurance"});
  EXPECT_EQ(loaded->commitment->signature.signed_by, "李四");
  EXPECT_EQ(loaded->verification->result, "confirmed");
}

// The archive a case with every rare part made when those parts were held inline (written by the code before
// they moved out of line): it still loads to the same case, and the case is written to the same bytes again.
TEST(SnapshotFormat, AnArchiveOfTheInlineLayoutLoads) {
  std::ifstream in(std::string(PERMITFLOW_SOURCE_DIR) + "/tests/case/golden/snapshot_every_rare_part.txt",
                   std::ios::binary);
  ASSERT_TRUE(in) << "tests/case/golden/snapshot_every_rare_part.txt is missing";
  const std::string archive((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto loaded = load_snapshot(archive);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, every_rare_part());
  EXPECT_EQ(save_snapshot(every_rare_part()), archive);
}

// The parts a live case packs (docs/performance.md, "A live case in 2 KB"): each clock in 12 bytes, its
// lights and the case's state and kind in a byte each, the opinions in a sorted vector. Every value they can
// hold comes back from an archive, the last light and state included.
TEST(SnapshotFormat, ThePackedPartsRoundTrip) {
  static_assert(sizeof(ClockView) == 12);
  Case c = every_rare_part();
  c.state = State::terminated;  // the last state
  const auto clock = [](const char* due, const char* statutory, Light light, Light statutory_light,
                        bool provisional) {
    return ClockView{.due = Date::parse(due),
                     .statutory_due = Date::parse(statutory),
                     .light = light,
                     .statutory_light = statutory_light,
                     .present = true,
                     .provisional = provisional};
  };
  c.deadlines.acceptance_notice = clock("2026-06-08", "1900-01-01", Light::met, Light::green, false);
  c.deadlines.correction = clock("2026-06-12", "1900-01-01", Light::stopped, Light::green, true);
  c.deadlines.decision = clock("2026-06-30", "2026-07-14", Light::yellow, Light::red, true);
  c.deadlines.issuance = clock("2199-12-31", "1900-01-01", Light::red, Light::met, false);
  c.deadlines.verification = clock("2026-07-10", "2026-07-11", Light::green, Light::stopped, false);
  c.opinions["traffic_police"] = Opinion{
      .comment = "同意", .actor = "reviewer-traffic", .on = Date::parse("2026-06-04"), .approve = true};
  c.opinions["municipal_roads"] = std::nullopt;
  c.opinions["greening"] =
      Opinion{.comment = "", .actor = "r-1", .on = Date::parse("2026-06-05"), .approve = false};
  c.decision =
      Decision{.reasons = "不符合", .actor = "head-1", .on = Date::parse("2026-06-06"), .approved = false};
  const auto loaded = load_snapshot(save_snapshot(c));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(*loaded, c);
  EXPECT_EQ(loaded->state, State::terminated);
  EXPECT_EQ(loaded->deadlines.decision.statutory_due, Date::parse("2026-07-14"));
  EXPECT_EQ(loaded->deadlines.decision.statutory_light, Light::red);
  EXPECT_EQ(loaded->deadlines.acceptance_notice.light, Light::met);
  EXPECT_TRUE(loaded->deadlines.correction.provisional);
  EXPECT_EQ(loaded->deadlines.issuance.due, Date::parse("2199-12-31"));
  std::vector<std::string> departments;
  for (const auto& [dept, o] : loaded->opinions) departments.push_back(dept.str());
  EXPECT_EQ(departments, (std::vector<std::string>{"greening", "municipal_roads", "traffic_police"}));
  EXPECT_EQ(loaded->opinions.at("traffic_police")->actor, "reviewer-traffic");
  EXPECT_FALSE(loaded->opinions.at("municipal_roads").has_value());
  EXPECT_FALSE(loaded->opinions.at("greening")->approve);
  EXPECT_EQ(loaded->decision->reasons, "不符合");
}

// The snapshots of tests/case/golden/documents.jsonl (written by earlier versions: cases of both kinds in
// every state the suite reached, with notices, opinions, decisions, certificates and every clock) load and
// are written again to the same bytes: the case's layout in memory (its member order, its one-byte enums, the
// opinions in a sorted vector) is no part of the archive.
TEST(SnapshotFormat, EveryGoldenSnapshotIsWrittenAgainToItsBytes) {
  std::ifstream in(std::string(PERMITFLOW_SOURCE_DIR) + "/tests/case/golden/documents.jsonl");
  ASSERT_TRUE(in) << "tests/case/golden/documents.jsonl is missing";
  std::string line;
  int n = 0;
  int with_opinion = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string archive = nlohmann::json::parse(line).at("snapshot").get<std::string>();
    const auto c = load_snapshot(archive);
    ASSERT_TRUE(c.has_value()) << "line " << n;
    ASSERT_EQ(save_snapshot(*c), archive) << "line " << n << " (" << c->id << ")";
    for (const auto& [dept, o] : c->opinions) with_opinion += o ? 1 : 0;
  }
  EXPECT_GE(n, 300);
  EXPECT_GT(with_opinion, 0);
}

// The complaint file is saved and loaded without asking the case's kind: whatever the kind, a file with
// content comes back as it was, and an empty one is held as none (which it equals).
TEST(SnapshotFormat, TheComplaintFileLoadsWhateverTheKind) {
  Case permit = every_rare_part();
  permit.kind = Kind::permit;
  const auto with_file = load_snapshot(save_snapshot(permit));
  ASSERT_TRUE(with_file.has_value());
  EXPECT_EQ(*with_file, permit);
  EXPECT_EQ(with_file->complaint->reply, "已清理");

  Case complaint = every_rare_part();
  complaint.complaint.mut() = ComplaintFile{};  // written through mut(): a block holding the default
  ASSERT_TRUE(complaint.complaint.allocated());
  const auto empty = load_snapshot(save_snapshot(complaint));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, complaint);
  EXPECT_FALSE(empty->complaint.allocated());
  EXPECT_EQ(save_snapshot(*empty), save_snapshot(complaint));
}

TEST_F(Snapshots, APermitCaseLoadsWithoutItsRareParts) {
  const std::string id = reviewed_case();
  const auto loaded = load_snapshot(save_snapshot(replay(events_of(id), context_of(id))));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(loaded->complaint.allocated());
  EXPECT_FALSE(loaded->renewal_of || loaded->tolerance || loaded->commitment || loaded->verification);
}

// apply() leaves no spare capacity in the case's vectors, after every event of a case that grows them.
TEST_F(Snapshots, ApplyLeavesNoSpareCapacity) {
  const json materials = complete_materials("road_excavation", at("2026-06-01"));
  const std::string id =
      submit(application("road_excavation", at("2026-06-01"), json::array({materials[0]})))["id"];
  execute(id, command("request_correction", kClerk, at("2026-06-02")));
  json rest = json::array();
  for (std::size_t i = 1; i < materials.size(); ++i) rest.push_back(materials[i]);
  execute(id, command("resubmit", kApplicant, at("2026-06-03"), {{"materials", rest}}));
  execute(id, command("accept", kClerk, at("2026-06-03", "15:00")));
  execute(id, command("record_inspection", kClerk, at("2026-06-04"),
                      {{"inspectors", {"insp-1", "insp-2", "insp-3"}}, {"findings", "符合"}}));
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  ASSERT_GE(events.size(), 5u);
  Case c;
  for (const Event& e : events) {
    apply(c, e, ctx);
    EXPECT_TRUE(exact(c.materials)) << e.seq;
    EXPECT_TRUE(exact(c.notices)) << e.seq;
    for (const auto& n : c.notices) EXPECT_TRUE(exact(n.items)) << e.seq;
    EXPECT_TRUE(exact(c.resubmitted_since_notice)) << e.seq;
    EXPECT_TRUE(exact(c.inspections)) << e.seq;
    for (const auto& i : c.inspections) EXPECT_TRUE(exact(i.inspectors)) << e.seq;
    EXPECT_TRUE(exact(c.flags) && exact(c.warnings) && exact(c.suspensions)) << e.seq;
  }
  EXPECT_GT(c.materials.size(), 1u);
  EXPECT_EQ(c.notices.size(), 1u);
  EXPECT_EQ(c.inspections.size(), 1u);
}

}  // namespace
}  // namespace permitflow::testing
