// The typed event data against the texts the log stores (lib/case/event_payload.hpp). A stored text is hashed
// as written, so payload_text must write byte for byte what the dump of the tree earlier versions built
// wrote, and payload_from_text must read every text they wrote. Pinned three ways: one text of every event
// type (each checked to be in nlohmann's dump form), every event of the 0.1.0 databases in tests/fixtures,
// and tests/case/golden/events.jsonl: every distinct event text the test suite made the engine write while
// the rules still built the data as a tree (never regenerated from payload_text).
#include "case/event_payload.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "case/case.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

const std::string kSource = PERMITFLOW_SOURCE_DIR;

// One text of every event type, in the form the dump of a tree writes (checked below).
const std::map<EventType, std::vector<std::string>>& samples() {
  static const std::map<EventType, std::vector<std::string>> s{
      {EventType::submitted,
       {R"({"applicant":{"id":"A1","name":"示例工程有限公司"},"calendar_version":"cal","case_id":"C-1",)"
        R"("definition_hash":"abc","definition_version":2,"facts":{"emergency":false,"n":3.5,"s":"x"},)"
        R"("flags":["late"],"materials":[{"expires_on":null,"format":"pdf","id":"plan","received_on":)"
        R"("2026-01-05"},{"expires_on":"2027-01-01","format":"jpg","id":"vehicle:苏A1","received_on":)"
        R"("2026-01-05","sha256":"ff"}],"permit":"road_excavation","received_on":"2026-01-05"})",
        // 0.1.0: no definition_hash; a renewal with a commitment
        R"({"applicant":{"id":"A1","name":""},"calendar_version":"cal","case_id":"C-2",)"
        R"("commitment":{"items":["plan"],"signed_at":"2026-01-05T09:00:00+08:00","signed_by":"Li",)"
        R"("text_sha256":"aa"},"definition_version":1,"facts":{},"flags":[],"materials":[],)"
        R"("permit":"road_occupation","received_on":"2026-01-05","renewal_expiry":"2026-06-30",)"
        R"("renewal_of":"C-0"})",
        // a complaint
        R"({"calendar_version":"cal","case_id":"C-3","category":"noise","definition_version":1,)"
        R"("description":"loud \"music\"\n","facts":{},"flags":[],"kind":"complaint","location":"",)"
        R"("materials":[],"permit":"noise","received_on":"2026-01-05","reporter":{"id":"R1","name":"王"},)"
        R"("source":"hotline"})"}},
      {EventType::correction_requested,
       {R"({"issued_on":"2026-01-06","items":[{"material":"plan","problem":"missing"},)"
        R"({"material":"id","note":"blurred\u0001","problem":"invalid_content"}]})"}},
      {EventType::resubmitted,
       {R"({"facts":{"a":[1,2]},"flags":[],"materials":[{"expires_on":null,"format":"pdf","id":"plan",)"
        R"("received_on":"2026-01-07"}],"received_on":"2026-01-07"})",
        R"({"flags":["x"],"materials":[],"received_on":"2026-01-07"})"}},
      {EventType::accepted,
       {R"({"accepted_on":"2026-01-08"})",
        R"({"accepted_on":"2026-01-08","tolerance":{"commitment":{"signed_at":"2026-01-08T09:00:00+08:00",)"
        R"("signed_by":"Li","text_sha256":"bb"},"items":["plan"],"supply_by":"2026-01-20"}})"}},
      {EventType::acceptance_deemed, {R"({"accepted_on":"2026-01-05","clock":"acceptance_notice"})"}},
      {EventType::rejected, {R"({"reason":"not ours"})"}},
      {EventType::withdrawn, {R"({"reason":""})"}},
      {EventType::opinion_recorded,
       {R"({"comment":"ok","department":"traffic_police","opinion":"approve"})",
        R"({"comment":"","department":"x","opinion":"deny"})"}},
      {EventType::inspection_recorded, {R"({"findings":"fine","inspectors":["i1","i2"]})"}},
      {EventType::suspended,
       {R"({"expected_working_days":10,"from":"2026-01-09","notice":"N-1","reason":"hearing"})"}},
      {EventType::resumed, {R"({"to":"2026-01-12"})"}},
      {EventType::extended, {R"({"reason":"complex","working_days":10})"}},
      {EventType::decided,
       {R"({"outcome":"approved","reasons":""})", R"({"outcome":"denied","reasons":"no"})"}},
      {EventType::certificate_issued,
       {R"({"number":"C-1-Z","valid_from":"2026-02-01","valid_until":"2026-08-01"})",
        R"({"number":"C-1-Z","valid_from":"2026-02-01","valid_until":null})"}},
      {EventType::completion_reported, {"{}"}},
      {EventType::closed, {"{}"}},
      {EventType::revoked, {R"({"reason":"false_commitment"})"}},
      {EventType::deadline_warning,
       {R"({"clock":"decision","due":"2026-02-01","level":"yellow","responsible":"window"})",
        R"({"clock":"decision_statutory","due":"2026-02-01","level":"yellow","responsible":["a","b"]})",
        R"({"clock":"handling","due":"2026-02-01T17:30:00+08:00","level":"yellow","responsible":"dispatcher"})"}},
      {EventType::deadline_overdue,
       {R"({"clock":"issuance","due":"2026-02-01","escalated_to":"supervision_office","level":"red",)"
        R"("responsible":"window"})"}},
      {EventType::suspension_overrun, {R"({"clock":"suspension:2","expected_end":"2026-02-01"})"}},
      {EventType::correction_lapsed, {R"({"clock":"correction"})"}},
      {EventType::permit_expiring,
       {R"({"clock":"validity","valid_until":"2026-08-01"})", R"({"clock":"validity"})"}},
      {EventType::permit_expired, {R"({"clock":"validity","valid_until":"2026-08-01"})"}},
      {EventType::renewal_deemed,
       {R"({"clock":"renewal","number":"C-2-Z","valid_from":"2026-07-01","valid_until":null})"}},
      {EventType::deadlines_recomputed,
       {R"({"calendar_version":"new","changes":[{"clock":"decision","field":"due","from":"2026-02-01",)"
        R"("to":"2026-02-02"},{"clock":"correction","field":"provisional","from":false,"to":true},)"
        R"({"clock":"handling","field":"due","from":null,"to":"2026-02-01T17:30:00+08:00"}],)"
        R"("previous_calendar_version":"old"})",
        R"({"calendar_version":"new","changes":[],"previous_calendar_version":"old"})"}},
      {EventType::supplied,
       {R"({"materials":[{"expires_on":null,"format":"pdf","id":"plan","received_on":"2026-01-09"}],)"
        R"("outstanding":[],"pending":false,"received_on":"2026-01-09"})"}},
      {EventType::supply_reminder,
       {R"({"clock":"tolerance","due":"2026-01-20","items":["plan"],"supply_by":"2026-01-20"})"}},
      {EventType::terminated,
       {R"({"clock":"tolerance","items":["plan"],"outstanding":["plan"],"reason":"tolerance_lapsed",)"
        R"("supply_by":"2026-01-20"})"}},
      {EventType::verification_recorded,
       {R"({"due":"2026-03-01","items":["plan"],"method":"site_visit","note":"","result":"confirmed"})",
        R"({"due":"2026-03-01","items":["plan"],"method":null,"note":"n","result":"false"})"}},
      {EventType::credit_flagged,
       {R"({"applicant":{"id":"A1","name":"n"},"items":["plan"],"reason":"false_commitment","signed_by":"Li"})"}},
      {EventType::registered, {R"({"note":"seen","verified":true})", R"({"verified":false})"}},
      {EventType::dispatched,
       {R"({"by_table":true,"unit":"sanitation"})", R"({"by_table":false,"note":"n","unit":"water"})"}},
      {EventType::returned, {R"({"reasons":"not ours","unit":"water"})"}},
      {EventType::handling_started, {"{}", R"({"note":"on it"})"}},
      {EventType::escalated, {R"({"reason":"major"})"}},
      {EventType::deputy_assigned, {R"({"deputy":"d1"})", R"({"deputy":"d1","instructions":"go"})"}},
      {EventType::replied, {R"({"reply":"done"})"}},
      {EventType::check_failed, {R"({"note":"still loud"})"}},
      {EventType::checked, {"{}", R"({"note":"ok"})"}},
      {EventType::rated, {R"({"comment":"good","rating":5})", R"({"rating":1})"}},
      {EventType::reopened, {R"({"rating":1,"working_days":5})"}},
  };
  return s;
}

// The round trip of one stored text; "" when it holds, else what went wrong (for the caller to name the
// event).
std::string round_trip(EventType type, const std::string& text) {
  try {
    const EventPayload p = payload_from_text(type, text);
    if (!payload_fits(type, p)) return "the payload read is not the shape of its type";
    const std::string again = payload_text(type, p);
    if (again != text) return "written back as\n  " + again + "\ninstead of\n  " + text;
    if (payload_from_text(type, again) != p) return "the text written back reads as another payload";
    return "";
  } catch (const std::exception& e) {
    return std::string("cannot read it: ") + e.what();
  }
}

TEST(EventPayload, EveryTypeHasASampleAndEachRoundTripsByteForByte) {
  for (int t = 0; t <= static_cast<int>(EventType::reopened); ++t) {
    const auto type = static_cast<EventType>(t);
    const auto it = samples().find(type);
    ASSERT_NE(it, samples().end()) << "no sample of " << to_string(type);
    for (const std::string& text : it->second) {
      // The sample is what the dump of a tree writes, so the round trip below holds the writer to it.
      ASSERT_EQ(json::parse(text).dump(), text) << to_string(type) << ": the sample is not in dump form";
      EXPECT_EQ(round_trip(type, text), "") << to_string(type);
    }
  }
}

TEST(EventPayload, ShapesAreCheckedAgainstTheType) {
  EXPECT_TRUE(payload_fits(EventType::deadline_warning, payload::DeadlineAlert{}));
  EXPECT_TRUE(payload_fits(EventType::deadline_overdue, payload::DeadlineAlert{}));
  EXPECT_FALSE(payload_fits(EventType::accepted, payload::DeadlineAlert{}));
  EXPECT_FALSE(payload_fits(EventType::closed, payload::Empty{}));
  try {
    (void)payload_text(EventType::accepted, payload::Resumed{});
    FAIL() << "a payload of another shape was written";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(std::string(e.what()).find("accepted"), std::string::npos) << e.what();
  }
}

TEST(EventPayload, WritesWhatTheDumpOfTheTreeWrites) {
  // Escaping and non-ASCII text, as the rules would put them in a tree.
  const std::string odd = "q\"b\\s/t\tn\nc\x01\x1f é 中 😀";
  payload::Suspended s{odd, Date::parse("2026-01-09"), 7, odd};
  const json tree = {{"reason", odd}, {"from", "2026-01-09"}, {"expected_working_days", 7}, {"notice", odd}};
  EXPECT_EQ(payload_text(EventType::suspended, s), tree.dump());
  EXPECT_EQ(std::get<payload::Suspended>(payload_from_text(EventType::suspended, tree.dump())), s);
  payload::Rated r{-3, std::nullopt};
  EXPECT_EQ(payload_text(EventType::rated, r), json({{"rating", -3}}).dump());
}

TEST(EventPayload, AbsentKeysKeepTheDefaultsApplyGave) {
  // A submission before complaints existed names no kind: a permit's.
  const auto sub = std::get<payload::Submitted>(payload_from_text(
      EventType::submitted,
      R"({"applicant":{"id":"A"},"case_id":"C","definition_version":1,"facts":{},"flags":[],)"
      R"("materials":[{"id":"m","received_on":"2026-01-05"}],"permit":"p","received_on":"2026-01-05"})"));
  EXPECT_FALSE(sub.kind.has_value());
  EXPECT_FALSE(sub.calendar_version.has_value());
  EXPECT_EQ(sub.applicant->name, "");
  EXPECT_EQ(sub.materials.at(0).format, "");
  const auto rej = std::get<payload::Reasoned>(payload_from_text(EventType::rejected, "{}"));
  EXPECT_EQ(rej.reason, "");
  const auto noted = std::get<payload::Noted>(payload_from_text(EventType::checked, R"({"note":null})"));
  EXPECT_FALSE(noted.note.has_value());
  // Keys this version does not know are skipped, whatever their value.
  const auto res = std::get<payload::Resumed>(
      payload_from_text(EventType::resumed, R"( { "x" : [ {"y":"]}\""} , 1e5 ], "to" : "2026-01-12" } )"));
  EXPECT_EQ(res.to, Date::parse("2026-01-12"));
}

TEST(EventPayload, AnUnreadableTextNamesTheTypeAndTheKey) {
  const auto message = [](EventType type, const std::string& text) -> std::string {
    try {
      (void)payload_from_text(type, text);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::internal) << e.what();
      return e.what();
    }
    return "(read)";
  };
  const std::string missing = message(EventType::resumed, "{}");
  EXPECT_NE(missing.find("'resumed'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("/to"), std::string::npos) << missing;
  const std::string bad_date =
      message(EventType::suspended, R"({"expected_working_days":1,"from":"soon","reason":"r"})");
  EXPECT_NE(bad_date.find("'suspended'"), std::string::npos) << bad_date;
  EXPECT_NE(bad_date.find("/from"), std::string::npos) << bad_date;
  const std::string bad_item =
      message(EventType::correction_requested,
              R"({"issued_on":"2026-01-06","items":[{"material":"a","problem":"x"}]})");
  EXPECT_NE(bad_item.find("/items/0/problem"), std::string::npos) << bad_item;
  EXPECT_NE(message(EventType::rated, R"({"rating":"5"})").find("/rating"), std::string::npos);
  EXPECT_NE(message(EventType::rated, R"({"rating":4.5})").find("/rating"), std::string::npos);
  EXPECT_NE(
      message(EventType::deadline_warning, R"({"clock":"nap","due":"x","level":"yellow","responsible":"w"})")
          .find("/clock"),
      std::string::npos);
  EXPECT_NE(message(EventType::closed, R"({"reason":"x"} tail)").find("'closed'"), std::string::npos);
  EXPECT_NE(message(EventType::closed, R"({"reason":"x)").find("'closed'"), std::string::npos);
}

// Every event of a SQLite database: "case_id seq type" and its data.
struct StoredEvent {
  std::string where;
  std::string type;
  std::string data;
};

std::vector<StoredEvent> events_of(const std::string& path) {
  sqlite3* db = nullptr;
  std::vector<StoredEvent> out;
  // immutable: read as a plain file, so no -shm or -wal is made next to a fixture (nothing writes there).
  const std::string uri = "file:" + path + "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    ADD_FAILURE() << "cannot open " << path;
    return out;
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT case_id, seq, type, data FROM events ORDER BY case_id, seq", -1, &st,
                         nullptr) != SQLITE_OK) {
    ADD_FAILURE() << path << ": " << sqlite3_errmsg(db);
  } else {
    const auto text = [&](int i) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    };
    while (sqlite3_step(st) == SQLITE_ROW)
      out.push_back({text(0) + " seq " + text(1) + " (" + text(2) + ")", text(2), text(3)});
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(EventPayload, EveryEventOfTheFixtureDatabasesRoundTrips) {
  int n = 0;
  std::set<std::string> types;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/tests/fixtures")) {
    if (entry.path().extension() != ".sqlite") continue;
    for (const StoredEvent& e : events_of(entry.path().string())) {
      ++n;
      types.insert(e.type);
      EXPECT_EQ(round_trip(logged_event_type(e.type), e.data), "")
          << entry.path().filename().string() << ": event " << e.where;
    }
  }
  EXPECT_GE(n, 152);  // the 150 + 2 events the two fixtures hold
  EXPECT_GE(types.size(), 30u);
}

TEST(EventPayload, EveryEventTheTreeRulesWroteRoundTrips) {
  std::ifstream in(kSource + "/tests/case/golden/events.jsonl");
  ASSERT_TRUE(in) << "tests/case/golden/events.jsonl is missing";
  std::string line;
  int n = 0;
  std::set<std::string> types;
  while (std::getline(in, line)) {
    ++n;
    const json g = json::parse(line);
    const std::string type = g.at("type");
    types.insert(type);
    EXPECT_EQ(round_trip(logged_event_type(type), g.at("data").get<std::string>()), "")
        << "line " << n << " (" << type << ")";
  }
  EXPECT_GE(n, 500);
  // 40 of the 41 event types: no test lets a correction period lapse (the samples above hold that one).
  EXPECT_GE(types.size(), 40u);
}

}  // namespace
}  // namespace permitflow
