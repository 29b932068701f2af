// The complaint kind's share of the case aggregate (docs/complaints.md), its CaseKind entry: its events, its
// handling clock in working days or working hours, and its own keys of the case document. The fields and keys
// every kind shares are case.cpp's.
#include <algorithm>

#include "case/case.hpp"
#include "case/case_kind.hpp"
#include "case/document_writer.hpp"
#include "clock/legal_clock.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

const ComplaintRules& rules_of(const CaseContext& ctx) {
  if (!ctx.definition.complaint)
    throw Error(ErrorCode::internal, "definition " + ctx.definition.id + " is not a complaint category");
  return *ctx.definition.complaint;
}

// The due of the running handling clock: a limit in working hours ends inside office hours; one in working
// days at the close of business of its last day. An extension adds whole working days of office time.
Instant handling_due(const ComplaintFile& f, const CaseContext& ctx) {
  const OfficeHours hours = office_hours_of(ctx);
  if (f.limit_working_hours > 0) {
    const Instant due = add_working_hours(ctx.calendar, hours, f.clock_start, f.limit_working_hours);
    return add_working_minutes(ctx.calendar, hours, due,
                               static_cast<std::int64_t>(f.extended_working_days) * hours.minutes_per_day());
  }
  const Date start = f.clock_start.local_date(ctx.utc_offset_minutes);
  const WorkingDate last =
      ctx.calendar.add_working_days(start, f.limit_working_days + f.extended_working_days);
  return close_of_business(hours, last.date);
}

}  // namespace

OfficeHours office_hours_of(const CaseContext& ctx) { return rules_of(ctx).hours(ctx.utc_offset_minutes); }

Instant complaint_yellow_at(const Case& c, const CaseContext& ctx) {
  const ComplaintFile& f = *c.complaint;
  const OfficeHours hours = office_hours_of(ctx);
  const std::int64_t total = working_minutes_between(ctx.calendar, hours, f.clock_start, *f.due);
  const std::int64_t warn = total * rules_of(ctx).warning_percent / 100;
  return add_working_minutes(ctx.calendar, hours, f.clock_start, total - warn);
}

namespace {

void apply_complaint_event(Case& c, const Event& e, const CaseContext& ctx) {
  ComplaintFile& f = c.complaint.mut();
  const ComplaintRules& r = rules_of(ctx);
  switch (e.type) {
    case EventType::submitted: {  // after the fields every kind has (apply())
      const auto& d = data_of<payload::Submitted>(e);
      f = ComplaintFile{};
      f.source = d.source.value_or("");
      f.description = d.description.value_or("");
      f.location = d.location.value_or("");
      f.clock_start = e.at;
      f.limit_working_days = r.working_days.value_or(0);
      f.limit_working_hours = r.working_hours.value_or(0);
      c.state = State::received;
      break;
    }
    case EventType::registered:
      f.registered_at = e.at;
      c.state = State::registered;
      break;
    case EventType::dispatched:
      f.unit = data_of<payload::Dispatched>(e).unit;
      if (std::find(f.units_held.begin(), f.units_held.end(), f.unit) == f.units_held.end())
        f.units_held.push_back(f.unit);
      f.dispatched_at = e.at;
      c.state = State::dispatched;
      break;
    case EventType::returned:
      f.returned_by.push_back(data_of<payload::Returned>(e).unit);
      f.unit.clear();
      f.dispatched_at.reset();
      c.state = State::returned;
      break;
    case EventType::handling_started:
      c.state = State::handling;
      break;
    case EventType::extended:
      f.extended_working_days += data_of<payload::Extended>(e).working_days;
      break;
    case EventType::escalated:
      f.escalated_at = e.at;
      f.escalation_reason = data_of<payload::Reasoned>(e).reason;
      c.state = State::escalated;
      break;
    case EventType::deputy_assigned:
      f.deputy = data_of<payload::DeputyAssigned>(e).deputy;
      c.state = State::handling;
      break;
    case EventType::replied:
      f.replied_at = e.at;
      f.reply = data_of<payload::Replied>(e).reply;
      c.state = State::replied;
      break;
    case EventType::check_failed:
      ++f.failed_checks;
      f.replied_at.reset();
      c.state = State::handling;
      break;
    case EventType::checked:
      c.state = State::checked;
      break;
    case EventType::closed:
      f.closed_at = e.at;
      c.ended_on = e.at.local_date(ctx.utc_offset_minutes);
      c.state = State::closed;
      break;
    case EventType::rated: {
      const auto& d = data_of<payload::Rated>(e);
      f.ratings.push_back(d.rating);
      f.rating_comment = d.comment.value_or("");
      c.state = State::rated;
      break;
    }
    case EventType::reopened:  // a bad rating: rectification within its own limit, from now
      ++f.reopened;
      f.clock_start = e.at;
      f.limit_working_days = data_of<payload::Reopened>(e).working_days;
      f.limit_working_hours = 0;
      f.extended_working_days = 0;
      f.replied_at.reset();
      f.closed_at.reset();
      c.ended_on.reset();
      c.state = State::reopened;
      break;
    default:  // a permit's events, and those apply() applies itself for every kind (never passed here)
      refuse_foreign_event(c, e);
  }
}

void recompute_complaint_deadlines(Case& c, const CaseContext& ctx, Instant now) {
  ComplaintFile& f = c.complaint.mut();
  f.due = handling_due(f, ctx);
  if (f.replied_at) {
    f.light = *f.replied_at <= *f.due ? Light::met : Light::red;
  } else if (c.state == State::rated) {
    f.light = Light::met;
  } else {
    f.light = light_at(now, complaint_yellow_at(c, ctx), f.due->plus_seconds(1));
  }
  if (c.state == State::escalated && f.escalated_at) {
    const Date from = f.escalated_at->local_date(ctx.utc_offset_minutes);
    f.review_due = close_of_business(
        office_hours_of(ctx), ctx.calendar.add_working_days(from, rules_of(ctx).leadership_review_days).date);
    f.review_light = now > *f.review_due ? Light::red : Light::green;
  } else {
    f.review_due.reset();
    f.review_light = Light::green;
  }
}

// A closed complaint still takes its call-back rating (docs/complaints.md: Closed -> Rated): only `rated`
// ends it.
bool complaint_is_terminal(State s) noexcept { return s == State::rated; }

std::optional<ClockName> complaint_active_clock(const Case& c) {
  if (c.state == State::closed || c.state == State::rated || c.complaint->replied_at) return std::nullopt;
  return ClockName::handling;
}

// The complaint's own keys of its document.
void write_complaint_document(CaseDocument& doc, const Case& c, const CaseContext& ctx) {
  json_text::Writer& w = doc.writer();
  const int off = ctx.utc_offset_minutes;
  const ComplaintFile& f = *c.complaint;
  const ComplaintRules& r = rules_of(ctx);
  doc.key("closed_at");
  document::time_or_null(w, f.closed_at, off);
  doc.key("deadlines");
  w.begin_object();
  w.key("handling");
  w.begin_object();
  w.key("due");
  document::time_or_null(w, f.due, off);
  w.key("extended_working_days");
  w.number(f.extended_working_days);
  w.key("light");
  w.string(to_string(f.light));
  w.key("limit");
  w.begin_object();
  if (f.limit_working_hours > 0) {
    w.key("working_hours");
    w.number(f.limit_working_hours);
  } else {
    w.key("working_days");
    w.number(f.limit_working_days);
  }
  w.end_object();
  w.key("rectification");
  w.boolean(f.reopened > 0);
  w.key("started_at");
  w.string(f.clock_start.to_rfc3339(off));
  w.end_object();
  w.key("return");
  if (c.state == State::dispatched && f.dispatched_at) {
    const Date from = f.dispatched_at->local_date(off);
    w.begin_object();
    w.key("due");
    w.string(close_of_business(office_hours_of(ctx), ctx.calendar.add_working_days(from, r.return_days).date)
                 .to_rfc3339(off));
    w.end_object();
  } else {
    w.null();
  }
  w.key("review");
  if (f.review_due) {
    w.begin_object();
    w.key("due");
    w.string(f.review_due->to_rfc3339(off));
    w.key("light");
    w.string(to_string(f.review_light));
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  doc.key("deputy");
  document::string_or_null(w, f.deputy);
  doc.key("description");
  w.string(f.description);
  doc.key("dispatched_at");
  document::time_or_null(w, f.dispatched_at, off);
  doc.key("escalated_at");
  document::time_or_null(w, f.escalated_at, off);
  doc.key("escalation_reason");
  document::string_or_null(w, f.escalation_reason);
  doc.key("failed_checks");
  w.number(f.failed_checks);
  doc.key("location");
  w.string(f.location);
  doc.key("rating");
  if (f.ratings.empty()) {
    w.null();
  } else {
    w.number(f.ratings.back());
  }
  doc.key("rating_comment");
  document::string_or_null(w, f.rating_comment);
  doc.key("ratings");
  w.begin_array();
  for (const int v : f.ratings) w.number(v);
  w.end_array();
  doc.key("registered_at");
  document::time_or_null(w, f.registered_at, off);
  doc.key("reopened");
  w.number(f.reopened);
  doc.key("replied_at");
  document::time_or_null(w, f.replied_at, off);
  doc.key("reply");
  document::string_or_null(w, f.reply);
  doc.key("responsible_unit");
  w.string(r.unit.id);
  doc.key("returned_by");
  document::strings(w, f.returned_by);
  doc.key("source");
  w.string(f.source);
  doc.key("unit");
  document::string_or_null(w, f.unit);
}

}  // namespace

constinit const CaseKind kComplaintCase{
    Kind::complaint,          document_keys({"category", "category_name", "reporter"}),
    &apply_complaint_event,   &recompute_complaint_deadlines,
    &complaint_active_clock,  &complaint_is_terminal,
    &write_complaint_document};

}  // namespace permitflow
