// `permitctl calendar add|between|is-working`: working-day arithmetic on the official calendar, optionally
// merged with a host's calendar file. Errors print one line to stderr and exit with the C API status code.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "permitflow/calendar.hpp"
#include "permitflow/error.hpp"

namespace permitctl {
namespace {

using permitflow::Date;
using permitflow::Error;
using permitflow::ErrorCode;
using permitflow::WorkingCalendar;

struct CalendarOptions {
  std::string calendar_file;
  bool json = false;
};

WorkingCalendar load_calendar(const CalendarOptions& o) {
  WorkingCalendar cal = WorkingCalendar::official();
  if (!o.calendar_file.empty()) cal = cal.merged_with(WorkingCalendar::from_file(o.calendar_file));
  return cal;
}

int parse_count(const std::string& text) {
  std::size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw Error(ErrorCode::invalid_argument, "expected a number of working days: '" + text + "'");
  }
  return n;
}

const char* json_bool(bool b) { return b ? "true" : "false"; }

// Runs a command body; a permitflow::Error becomes one line on stderr and the matching exit code.
template <typename F>
void run(F&& body) {
  try {
    body();
  } catch (const Error& e) {
    std::cerr << "permitctl: " << e.what() << '\n';
    throw CLI::RuntimeError(static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    std::cerr << "permitctl: internal error: " << e.what() << '\n';
    throw CLI::RuntimeError(static_cast<int>(ErrorCode::internal));
  }
}

void common_options(CLI::App* sub, CalendarOptions& o) {
  sub->add_option("--calendar", o.calendar_file,
                  "A calendar JSON file merged over the official one (year by year)");
  sub->add_flag("--json", o.json, "Print JSON");
}

void add_add_command(CLI::App& calendar) {
  struct Options : CalendarOptions {
    std::string date;
    std::string n;
    bool batch = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = calendar.add_subcommand("add", "The N-th working day after DATE (DATE itself not counted)");
  sub->add_option("date", o->date, "YYYY-MM-DD");
  sub->add_option("n", o->n, "Working days (≥ 0)");
  sub->add_flag("--batch", o->batch, "Read lines 'DATE N' from stdin; print one result date per line");
  common_options(sub, *o);
  sub->callback([o] {
    run([&] {
      const WorkingCalendar cal = load_calendar(*o);
      const auto print = [&](const permitflow::WorkingDate& r, bool batch) {
        if (o->json) {
          std::cout << R"({"date":")" << r.date.to_string() << R"(","provisional":)"
                    << json_bool(r.provisional) << "}\n";
        } else if (batch || !r.provisional) {
          std::cout << r.date.to_string() << '\n';
        } else {
          std::cout << r.date.to_string() << " (provisional)\n";
        }
      };
      if (!o->batch) {
        if (o->date.empty() || o->n.empty()) {
          throw Error(ErrorCode::invalid_argument, "calendar add needs DATE and N (or --batch)");
        }
        print(cal.add_working_days(Date::parse(o->date), parse_count(o->n)), false);
        return;
      }
      if (!o->date.empty())
        throw Error(ErrorCode::invalid_argument, "calendar add --batch reads its input from stdin");
      std::string line;
      for (int line_no = 1; std::getline(std::cin, line); ++line_no) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        std::istringstream fields(line);
        std::string date, n, extra;
        fields >> date >> n;
        try {
          if (n.empty() || (fields >> extra)) {
            throw Error(ErrorCode::invalid_argument, "expected 'DATE N', got '" + line + "'");
          }
          print(cal.add_working_days(Date::parse(date), parse_count(n)), true);
        } catch (const Error& e) {
          throw Error(e.code(), "stdin line " + std::to_string(line_no) + ": " + e.what());
        }
      }
    });
  });
}

void add_between_command(CLI::App& calendar) {
  struct Options : CalendarOptions {
    std::string from, to;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = calendar.add_subcommand("between", "Working days d with A ≤ d ≤ B (0 when B < A)");
  sub->add_option("a", o->from, "YYYY-MM-DD")->required();
  sub->add_option("b", o->to, "YYYY-MM-DD")->required();
  common_options(sub, *o);
  sub->callback([o] {
    run([&] {
      const WorkingCalendar cal = load_calendar(*o);
      const Date a = Date::parse(o->from);
      const Date b = Date::parse(o->to);
      const int n = cal.working_days_between(a, b);
      if (o->json) {
        std::cout << R"({"from":")" << a.to_string() << R"(","to":")" << b.to_string()
                  << R"(","working_days":)" << n << "}\n";
      } else {
        std::cout << n << '\n';
      }
    });
  });
}

void add_is_working_command(CLI::App& calendar) {
  struct Options : CalendarOptions {
    std::string date;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = calendar.add_subcommand("is-working", "Whether DATE is a working day");
  sub->add_option("date", o->date, "YYYY-MM-DD")->required();
  common_options(sub, *o);
  sub->callback([o] {
    run([&] {
      const WorkingCalendar cal = load_calendar(*o);
      const Date d = Date::parse(o->date);
      const bool working = cal.is_working_day(d);
      const bool provisional = !cal.is_loaded(d.year());
      if (o->json) {
        std::cout << R"({"date":")" << d.to_string() << R"(","working_day":)" << json_bool(working)
                  << R"(,"provisional":)" << json_bool(provisional) << "}\n";
      } else {
        std::cout << (working ? "yes" : "no") << (provisional ? " (provisional)" : "") << '\n';
      }
    });
  });
}

}  // namespace

void add_calendar_commands(CLI::App& app) {
  CLI::App* calendar =
      app.add_subcommand("calendar", "Working-day arithmetic (工作日) on the official calendar");
  calendar->require_subcommand(1);
  add_add_command(*calendar);
  add_between_command(*calendar);
  add_is_working_command(*calendar);
}

}  // namespace permitctl
