// The report's parts on their own (lib/engine/report.hpp): the typed request, and the CSV cells and tables
// the sections write with. The whole document is pinned by report_test.cpp's golden texts.
#include <gtest/gtest.h>

#include "engine/report.hpp"
#include "permitflow/error.hpp"

namespace permitflow::report {
namespace {

using nlohmann::json;

const WorkingCalendar& cal() {
  static const WorkingCalendar c = WorkingCalendar::official();
  return c;
}

TEST(ReportRequest, WeekRunsMondayToSundayAndIsDatedTheNextWorkingDay) {
  // Sat 2026-02-14: the week of Mon 02-09; the next Monday is inside the Spring Festival holiday.
  const Request r = parse_request(R"({"week": "2026-02-14"})", cal(), 480);
  EXPECT_EQ(r.week.monday.to_string(), "2026-02-09");
  EXPECT_EQ(r.week.sunday.to_string(), "2026-02-15");
  EXPECT_EQ(r.week.dated.to_string(), "2026-02-24");
  EXPECT_EQ(r.week.from.to_rfc3339(480), "2026-02-09T00:00:00+08:00");
  EXPECT_EQ(r.week.to.to_rfc3339(480), "2026-02-16T00:00:00+08:00");
  EXPECT_EQ(r.format, Format::json);
  EXPECT_FALSE(r.actor);
}

TEST(ReportRequest, FormatAndActorAreTyped) {
  const Request r = parse_request(
      R"({"week": "2026-06-10", "format": "csv", "actor": {"id": "staff-1", "role": "handler", "unit": "sanitation"}})",
      cal(), 480);
  EXPECT_EQ(r.format, Format::csv);
  ASSERT_TRUE(r.actor);
  EXPECT_EQ(r.actor->role, Role::handler);
  EXPECT_EQ(r.actor->unit, "sanitation");
  EXPECT_FALSE(parse_request(R"({"week": "2026-06-10", "actor": null})", cal(), 480).actor);
}

TEST(ReportRequest, RefusesNamingTheField) {
  try {
    parse_request(R"({"week": "2026-06-10", "format": "xml"})", cal(), 480);
    ADD_FAILURE() << "accepted format xml";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    EXPECT_EQ(e.field(), "/format");
  }
}

TEST(ReportCsv, CellsAreTextNumbersOrJoinedLists) {
  EXPECT_EQ(csv_cell(json(nullptr)), "");
  EXPECT_EQ(csv_cell(json("a,b")), "a,b");
  EXPECT_EQ(csv_cell(json(7)), "7");
  EXPECT_EQ(csv_cell(json(7.5)), "7.5");
  EXPECT_EQ(csv_cell(json(false)), "false");
  EXPECT_EQ(csv_cell(json::array({"x", "y", nullptr})), "x;y;");
}

TEST(ReportCsv, LinesQuoteAndDefuseFormulas) {
  EXPECT_EQ(csv_line({"a", "b,c", "say \"hi\""}), "a,\"b,c\",\"say \"\"hi\"\"\"\n");
  EXPECT_EQ(csv_line({"=SUM(A1)", "-3", "-", "-x"}), "'=SUM(A1),-3,-,'-x\n");
}

TEST(ReportCsv, TablesAreListsOrKeyedObjects) {
  static const char* const columns[] = {"n", "items"};
  std::string csv;
  csv_table(csv, "rows",
            json::array({{{"n", 1}, {"items", {"a", "b"}}}, {{"n", 2}, {"items", json::array()}}}), columns);
  EXPECT_EQ(csv, "rows,n,items\nrows,1,a;b\nrows,2,\n");
  csv.clear();
  csv_table(csv, "units", {{"east", {{"n", 3}, {"items", nullptr}}}}, columns, "unit");
  EXPECT_EQ(csv, "units,unit,n,items\nunits,east,3,\n");
}

}  // namespace
}  // namespace permitflow::report
