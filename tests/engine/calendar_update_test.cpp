// Loading a newer calendar (docs/calendar.md, docs/worked_examples.md T14): the engine opens again on
// the same SQLite file with a calendar file for 2027. Cases whose deadlines it moves get a
// `deadlines_recomputed` event at once (new timers included); other open cases move to it at their next
// write; replay stays deterministic because every event is applied on the calendar it was written with.
#include <gtest/gtest.h>

#include <fstream>

#include "support/engine_fixture.hpp"

namespace permitflow {
namespace {

using namespace permitflow::testing;

class CalendarUpdateTest : public EngineTest {
 protected:
  std::string calendar_file;

  void SetUp() override {
    EngineTest::SetUp();
    calendar_file = (database().parent_path() / "cal2027.json").string();
    // 元旦 as published plus a two-day closure, so the 2027 count differs from the provisional one (which
    // only knows weekends and the fixed-date holidays, Jan 1 among them).
    std::ofstream(calendar_file) << R"({"years": [{"year": 2027, "holidays": [
        {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
        {"name": "closure", "from": "2027-01-11", "to": "2027-01-12"}], "workdays": []}]})";
  }

  json last_event(const std::string& id) { return history(id).back(); }
  bool verified() { return json::parse(engine().verify())["ok"].get<bool>(); }
  json fired(const json& run, const std::string& kind, const std::string& clock) {
    json out = json::array();
    for (const auto& f : run)
      if (f["kind"] == kind && f["clock"] == clock) out.push_back(f);
    return out;
  }
};

TEST_F(CalendarUpdateTest, AffectedCaseIsRecomputedWhenTheEngineOpensWithTheNewCalendar) {
  const json c = accepted("construction_waste", "2026-12-15");
  const std::string id = c["id"];
  // Statutory 20 working days from 2026-12-15 on the provisional 2027 rule: 2027-01-13.
  ASSERT_EQ(c["deadlines"]["decision"]["statutory_due"], "2027-01-13");
  ASSERT_TRUE(c["deadlines"]["decision"]["provisional"].get<bool>());
  const std::string old_version = history(id)[0]["data"]["calendar_version"];
  // An ended case keeps the calendar it was decided on, though its old clocks ran into 2027 too.
  const std::string ended = accepted("construction_waste", "2026-12-15")["id"];
  ASSERT_EQ(execute(ended, command("withdraw", kApplicant, at("2026-12-16"),
                                   {{"reason", "no longer needed"}}))["state"],
            "withdrawn");

  open({{"calendar_file", calendar_file}});
  EXPECT_EQ(history(ended).size(), 3u);
  EXPECT_EQ(get(ended)["version"], 3);
  const json now = get(id);
  // Dec 16–31: 12 working days; Jan 4–8: 17; Jan 11–12 closed; Jan 13, 14, 15: 20.
  EXPECT_EQ(now["deadlines"]["decision"]["statutory_due"], "2027-01-15");
  EXPECT_FALSE(now["deadlines"]["decision"]["provisional"].get<bool>());
  EXPECT_EQ(now["version"], 3);
  const json e = last_event(id);
  EXPECT_EQ(e["type"], "deadlines_recomputed");
  EXPECT_EQ(e["actor"]["role"], "system");
  EXPECT_EQ(e["at"], "2026-12-15T11:00:00+08:00");  // dated at the case's latest event
  EXPECT_EQ(e["data"]["previous_calendar_version"], old_version);
  EXPECT_NE(e["data"]["calendar_version"], old_version);
  const json expected_changes = json::array(
      {{{"clock", "decision"}, {"field", "statutory_due"}, {"from", "2027-01-13"}, {"to", "2027-01-15"}},
       {{"clock", "decision"}, {"field", "provisional"}, {"from", true}, {"to", false}}});
  EXPECT_EQ(e["data"]["changes"], expected_changes);
  EXPECT_TRUE(verified());

  // Opening again with the same calendar recomputes nothing more.
  open({{"calendar_file", calendar_file}});
  EXPECT_EQ(history(id).size(), 3u);

  // The statutory red timer moved with the due: nothing on 2027-01-15, the overdue event from its end.
  EXPECT_EQ(fired(run_due(at("2027-01-15", "23:00")), "deadline_overdue", "decision_statutory").size(), 0u);
  const json red = fired(run_due("2027-01-16T00:00:01+08:00"), "deadline_overdue", "decision_statutory");
  ASSERT_EQ(red.size(), 1u);
  EXPECT_EQ(red[0]["due"], "2027-01-16T00:00:00+08:00");
  EXPECT_EQ(red[0]["events"][0]["data"]["due"], "2027-01-15");
  EXPECT_TRUE(verified());

  // Back on the compiled-in calendar (already stored): the case keeps the calendar it is on, replay agrees.
  open();
  EXPECT_EQ(get(id)["deadlines"]["decision"]["statutory_due"], "2027-01-15");
  EXPECT_TRUE(verified());
}

TEST_F(CalendarUpdateTest, UnaffectedCaseMovesToTheNewCalendarAtItsNextWrite) {
  const std::string id = accepted("construction_waste", "2026-03-10")["id"];  // every deadline in 2026
  open({{"calendar_file", calendar_file}});
  EXPECT_EQ(history(id).size(), 2u);  // nothing of it moved: no event at open
  EXPECT_TRUE(verified());

  const json after =
      execute(id, command("withdraw", kApplicant, at("2026-03-11"), {{"reason", "plans changed"}}));
  EXPECT_EQ(after["state"], "withdrawn");
  const json h = history(id);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[2]["type"], "deadlines_recomputed");
  EXPECT_EQ(h[2]["at"], "2026-03-11T10:00:00+08:00");
  EXPECT_EQ(h[2]["data"]["changes"], json::array());
  EXPECT_EQ(h[3]["type"], "withdrawn");
  EXPECT_TRUE(verified());
}

TEST_F(CalendarUpdateTest, ATimerTheNewCalendarMovesDoesNotFireAtItsOldTime) {
  // Received Wed 2027-01-06: 5 working days end on 2027-01-13 on the provisional rule, on 2027-01-15 with
  // the closure of the 11th and 12th.
  const json c = submit(application("construction_waste", at("2027-01-06")));
  const std::string id = c["id"];
  ASSERT_EQ(c["deadlines"]["acceptance_notice"]["due"], "2027-01-13");
  open({{"calendar_file", calendar_file}});
  ASSERT_EQ(get(id)["deadlines"]["acceptance_notice"]["due"], "2027-01-15");
  // Under the old calendar the deemed acceptance was due from 2027-01-14 00:00; now from 2027-01-16.
  EXPECT_EQ(fired(run_due(at("2027-01-15", "12:00")), "acceptance_deemed", "acceptance_notice").size(), 0u);
  EXPECT_EQ(get(id)["state"], "submitted");
  EXPECT_EQ(fired(run_due("2027-01-16T00:00:01+08:00"), "acceptance_deemed", "acceptance_notice").size(), 1u);
  EXPECT_TRUE(verified());
}

}  // namespace
}  // namespace permitflow
