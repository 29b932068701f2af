// lib/case apply() directly: the events a case logged, applied one by one without the engine, rebuild
// exactly the case the engine shows; each event moves the state and version it should; replay is
// deterministic; a log that does not begin with `submitted` or holds an unknown event is refused.
#include <gtest/gtest.h>

#include "support/case_replay.hpp"

namespace permitflow::testing {
namespace {

class Apply : public CaseReplay {
 protected:
  /// An outdoor advertising case taken to `issued`, with a suspension on the way (docs/worked_examples.md
  /// T09's dates).
  std::string issued_case() {
    const std::string id = accepted("outdoor_advertising", "2026-06-01")["id"];
    execute(id, command("suspend", kClerk, at("2026-06-08"),
                        {{"reason", "testing"}, {"expected_working_days", 5}, {"notice", "结构检测"}}));
    execute(id, command("resume", kClerk, at("2026-06-12", "17:00")));
    execute(id, command("record_inspection", kClerk, at("2026-06-15"),
                        {{"inspectors", {"insp-1", "insp-2"}}, {"findings", "符合"}}));
    execute(id, command("decide", kHead, at("2026-06-16"), {{"outcome", "approved"}}));
    execute(id, command("issue_certificate", kClerk, at("2026-06-17")));
    return id;
  }

  /// A complaint filed by a dispatcher on 2026-12-07: its id.
  std::string filed_complaint() {
    return submit({{"kind", "complaint"},
                   {"category", "complaint"},
                   {"reporter", {{"id", "resident-1"}, {"name", "张三"}}},
                   {"actor", {{"id", "clerk-li"}, {"role", "dispatcher"}}},
                   {"at", at("2026-12-07", "09:00")},
                   {"description", "占道经营"}})["id"];
  }
};

TEST_F(Apply, ReplayingTheLogGivesTheCaseTheEngineShows) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  const Case c = replay(events_of(id), ctx);
  EXPECT_EQ(to_json(c, ctx), get(id));
}

TEST_F(Apply, EachEventMovesStateAndVersion) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  Case c;
  std::vector<std::pair<std::string, State>> seen;
  for (const Event& e : events) {
    const std::int64_t before = c.version;
    apply(c, e, ctx);
    EXPECT_EQ(c.version, before + 1) << to_string(e.type);
    seen.emplace_back(to_string(e.type), c.state);
  }
  const std::vector<std::pair<std::string, State>> expected = {{"submitted", State::submitted},
                                                               {"accepted", State::under_review},
                                                               {"suspended", State::suspended},
                                                               {"resumed", State::under_review},
                                                               {"inspection_recorded", State::under_review},
                                                               {"decided", State::approved},
                                                               {"certificate_issued", State::issued}};
  EXPECT_EQ(seen, expected);
}

TEST_F(Apply, ASuspensionStopsTheDecisionClockAndResumingMovesItsDues) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  const json suspended = to_json(replay(events, ctx, 3), ctx);
  EXPECT_EQ(suspended["deadlines"]["decision"]["light"], "stopped");
  EXPECT_EQ(suspended["deadlines"]["decision"]["statutory_due"], "2026-06-30");
  EXPECT_TRUE(suspended["suspensions"][0]["to"].is_null());
  const json resumed = to_json(replay(events, ctx, 4), ctx);
  EXPECT_EQ(resumed["deadlines"]["decision"]["statutory_due"], "2026-07-07");  // 5 suspended working days
  EXPECT_EQ(resumed["suspensions"][0]["to"], "2026-06-12");
}

// The key a fired supervision event leaves in Case::warnings names its due, so an extension (a new due)
// warns again while the same due never warns twice.
TEST(WarningKey, NamesTheClockAndTheDueItWasAbout) {
  EXPECT_EQ(warning_key("deadline_warning", "decision", "2026-06-22"),
            "deadline_warning:decision@2026-06-22");
  EXPECT_EQ(warning_key("permit_expiring", "certificate", ""), "permit_expiring:certificate");
  Case c;
  c.warnings.push_back(warning_key("deadline_overdue", "handling", "2026-06-02T17:00:00+08:00"));
  EXPECT_TRUE(warned(c, "deadline_overdue", "handling", "2026-06-02T17:00:00+08:00"));
  EXPECT_FALSE(warned(c, "deadline_overdue", "handling", "2026-06-03T17:00:00+08:00"));
  EXPECT_FALSE(warned(c, "deadline_warning", "handling", "2026-06-02T17:00:00+08:00"));
}

TEST_F(Apply, IsDeterministic) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  EXPECT_EQ(replay(events, ctx), replay(events, ctx));
}

TEST_F(Apply, ALogMustBeginWithSubmitted) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  Case c;
  try {
    apply(c, events[1], ctx);
    ADD_FAILURE() << "applied '" << to_string(events[1].type) << "' to an empty case";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
  }
}

TEST_F(Apply, AnUnknownStoredEventTypeIsRefusedNamingIt) {
  try {
    (void)logged_event_type("teleported");
    ADD_FAILURE() << "read an unknown event type";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(std::string(e.what()).find("'teleported'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(logged_event_type("certificate_issued"), EventType::certificate_issued);
}

TEST_F(Apply, AComplaintEventOnAPermitCaseIsRefused) {
  const std::string id = issued_case();
  const CaseContext ctx = context_of(id);
  std::vector<Event> events = events_of(id);
  Case c = replay(events, ctx, 1);
  Event odd = events[1];
  odd.type = EventType::dispatched;
  try {
    apply(c, odd, ctx);
    ADD_FAILURE() << "applied a complaint's event to a permit";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(std::string(e.what()).find("'dispatched'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("which no permit case takes (case " + id + ")"), std::string::npos)
        << e.what();
  }
}

TEST_F(Apply, APermitEventOnAComplaintIsRefused) {
  const std::string id = filed_complaint();
  const CaseContext ctx = context_of(id);
  const std::vector<Event> events = events_of(id);
  Case c = replay(events, ctx, 1);
  Event odd = events[0];
  odd.seq = 2;
  odd.type = EventType::decided;
  try {
    apply(c, odd, ctx);
    ADD_FAILURE() << "applied a permit's event to a complaint";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::internal);
    EXPECT_NE(std::string(e.what()).find("'decided', which no complaint case takes (case " + id + ")"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(c.version, 1);  // not applied
}

TEST_F(Apply, AComplaintReplaysToo) {
  const std::string id = filed_complaint();
  const json dispatcher = {{"id", "clerk-li"}, {"role", "dispatcher"}};
  execute(id, command("register", dispatcher, at("2026-12-07", "10:00"), {{"verified", true}}));
  execute(id, command("dispatch", dispatcher, at("2026-12-07", "11:00")));
  const CaseContext ctx = context_of(id);
  const Case c = replay(events_of(id), ctx);
  EXPECT_EQ(c.state, State::dispatched);
  EXPECT_EQ(c.version, 3);
  EXPECT_EQ(to_json(c, ctx), get(id));
}

// Replay reads each event's actor with actor_from_text: the same actor, or the same error, as the tree.
TEST(ActorFromText, ReadsEveryFormAsTheTreeDoes) {
  const std::vector<std::string> texts = {
      R"({"id":"91320922MA1GAS001X","role":"applicant"})",
      R"({"department":"traffic_police","id":"rev-1","role":"reviewer"})",
      R"({"id":"h-1","role":"handler","unit":"sanitation"})",
      R"({"department":"municipal_roads","id":"d","role":"reviewer","unit":"u"})",
      R"({"department":"","id":"","role":"clerk","unit":""})",
      R"({"department":null,"id":"c","role":"clerk"})",  // null: read as empty
      R"({"role":"clerk","id":"c"})",                    // keys out of order
      R"({ "id": "c", "role": "clerk" })",               // spaces
      R"({"id":"c","id":"d","role":"clerk"})",           // a repeated key: the later wins
      R"({"id":"张三","role":"clerk"})",                 // not ASCII
      R"({"id":"a"b","role":"clerk"})",                  // an escape
      R"({"id":"c","note":"x","role":"clerk"})",         // another key: ignored
      R"({"id":"c","role":"wizard"})",                   // an unknown role: an error
      R"({"id":"c"})",                                   // no role: an error
      R"({"id":1,"role":"clerk"})",                      // not a string: an error
      R"({"id":"c","role":"clerk"} x)",                  // not JSON: an error
      R"({"id":"c","role":"clerk")",
      ""};
  for (const std::string& text : texts) {
    std::string tree_error;
    std::optional<Actor> tree;
    try {
      tree = actor_from_json(nlohmann::json::parse(text));
    } catch (const std::exception& e) {
      tree_error = e.what();
    }
    try {
      const Actor a = actor_from_text(text);
      ASSERT_TRUE(tree) << text << ": the tree refused it: " << tree_error;
      EXPECT_EQ(a, *tree) << text;
    } catch (const std::exception& e) {
      EXPECT_FALSE(tree) << text << ": refused with " << e.what();
      EXPECT_EQ(e.what(), tree_error) << text;
    }
  }
}

}  // namespace
}  // namespace permitflow::testing
