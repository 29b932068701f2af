// The contract strings of the enums in permitflow/case.hpp, error.hpp, event.hpp and timer.hpp, and of the
// clock names (common/clock_name.hpp): one table per enum.
#include <array>
#include <charconv>
#include <string>
#include <utility>

#include "common/clock_name.hpp"
#include "permitflow/case.hpp"
#include "permitflow/error.hpp"
#include "permitflow/event.hpp"
#include "permitflow/timer.hpp"

namespace permitflow {
namespace {

template <typename E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<State, 23> kStates{{{State::submitted, "submitted"},
                                    {State::awaiting_correction, "awaiting_correction"},
                                    {State::not_accepted, "not_accepted"},
                                    {State::under_review, "under_review"},
                                    {State::suspended, "suspended"},
                                    {State::approved, "approved"},
                                    {State::denied, "denied"},
                                    {State::issued, "issued"},
                                    {State::withdrawn, "withdrawn"},
                                    {State::expired, "expired"},
                                    {State::revoked, "revoked"},
                                    {State::closed, "closed"},
                                    {State::received, "received"},
                                    {State::registered, "registered"},
                                    {State::dispatched, "dispatched"},
                                    {State::handling, "handling"},
                                    {State::replied, "replied"},
                                    {State::checked, "checked"},
                                    {State::rated, "rated"},
                                    {State::returned, "returned"},
                                    {State::escalated, "escalated"},
                                    {State::reopened, "reopened"},
                                    {State::terminated, "terminated"}}};
constexpr Table<Kind, 2> kKinds{{{Kind::permit, "permit"}, {Kind::complaint, "complaint"}}};
constexpr Table<Light, 5> kLights{{{Light::green, "green"},
                                   {Light::yellow, "yellow"},
                                   {Light::red, "red"},
                                   {Light::stopped, "stopped"},
                                   {Light::met, "met"}}};
constexpr Table<Role, 10> kRoles{{{Role::applicant, "applicant"},
                                  {Role::clerk, "clerk"},
                                  {Role::reviewer, "reviewer"},
                                  {Role::head, "head"},
                                  {Role::supervisor, "supervisor"},
                                  {Role::system, "system"},
                                  {Role::reporter, "reporter"},
                                  {Role::dispatcher, "dispatcher"},
                                  {Role::handler, "handler"},
                                  {Role::leader, "leader"}}};
constexpr Table<CommandType, 26> kCommands{{{CommandType::accept, "accept"},
                                            {CommandType::request_correction, "request_correction"},
                                            {CommandType::resubmit, "resubmit"},
                                            {CommandType::reject, "reject"},
                                            {CommandType::withdraw, "withdraw"},
                                            {CommandType::record_opinion, "record_opinion"},
                                            {CommandType::record_inspection, "record_inspection"},
                                            {CommandType::suspend, "suspend"},
                                            {CommandType::resume, "resume"},
                                            {CommandType::extend, "extend"},
                                            {CommandType::decide, "decide"},
                                            {CommandType::issue_certificate, "issue_certificate"},
                                            {CommandType::report_completion, "report_completion"},
                                            {CommandType::close, "close"},
                                            {CommandType::revoke, "revoke"},
                                            {CommandType::register_, "register"},
                                            {CommandType::dispatch, "dispatch"},
                                            {CommandType::return_, "return"},
                                            {CommandType::start_handling, "start_handling"},
                                            {CommandType::reply, "reply"},
                                            {CommandType::check, "check"},
                                            {CommandType::rate, "rate"},
                                            {CommandType::escalate, "escalate"},
                                            {CommandType::assign_deputy, "assign_deputy"},
                                            {CommandType::supply, "supply"},
                                            {CommandType::record_verification, "record_verification"}}};
constexpr Table<EventType, 41> kEventTypes{{{EventType::submitted, "submitted"},
                                            {EventType::correction_requested, "correction_requested"},
                                            {EventType::resubmitted, "resubmitted"},
                                            {EventType::accepted, "accepted"},
                                            {EventType::acceptance_deemed, "acceptance_deemed"},
                                            {EventType::rejected, "rejected"},
                                            {EventType::withdrawn, "withdrawn"},
                                            {EventType::opinion_recorded, "opinion_recorded"},
                                            {EventType::inspection_recorded, "inspection_recorded"},
                                            {EventType::suspended, "suspended"},
                                            {EventType::resumed, "resumed"},
                                            {EventType::extended, "extended"},
                                            {EventType::decided, "decided"},
                                            {EventType::certificate_issued, "certificate_issued"},
                                            {EventType::completion_reported, "completion_reported"},
                                            {EventType::closed, "closed"},
                                            {EventType::revoked, "revoked"},
                                            {EventType::deadline_warning, "deadline_warning"},
                                            {EventType::deadline_overdue, "deadline_overdue"},
                                            {EventType::suspension_overrun, "suspension_overrun"},
                                            {EventType::correction_lapsed, "correction_lapsed"},
                                            {EventType::permit_expiring, "permit_expiring"},
                                            {EventType::permit_expired, "permit_expired"},
                                            {EventType::renewal_deemed, "renewal_deemed"},
                                            {EventType::deadlines_recomputed, "deadlines_recomputed"},
                                            {EventType::supplied, "supplied"},
                                            {EventType::supply_reminder, "supply_reminder"},
                                            {EventType::terminated, "terminated"},
                                            {EventType::verification_recorded, "verification_recorded"},
                                            {EventType::credit_flagged, "credit_flagged"},
                                            {EventType::registered, "registered"},
                                            {EventType::dispatched, "dispatched"},
                                            {EventType::returned, "returned"},
                                            {EventType::handling_started, "handling_started"},
                                            {EventType::escalated, "escalated"},
                                            {EventType::deputy_assigned, "deputy_assigned"},
                                            {EventType::replied, "replied"},
                                            {EventType::check_failed, "check_failed"},
                                            {EventType::checked, "checked"},
                                            {EventType::rated, "rated"},
                                            {EventType::reopened, "reopened"}}};
constexpr Table<TimerKind, 10> kTimerKinds{{{TimerKind::acceptance_deemed, "acceptance_deemed"},
                                            {TimerKind::correction_lapsed, "correction_lapsed"},
                                            {TimerKind::deadline_warning, "deadline_warning"},
                                            {TimerKind::deadline_overdue, "deadline_overdue"},
                                            {TimerKind::suspension_overrun, "suspension_overrun"},
                                            {TimerKind::permit_expiring, "permit_expiring"},
                                            {TimerKind::permit_expired, "permit_expired"},
                                            {TimerKind::renewal_deemed, "renewal_deemed"},
                                            {TimerKind::supply_reminder, "supply_reminder"},
                                            {TimerKind::tolerance_lapsed, "tolerance_lapsed"}}};
constexpr Table<ClockName, 12> kClockNames{{{ClockName::acceptance_notice, "acceptance_notice"},
                                            {ClockName::correction, "correction"},
                                            {ClockName::decision, "decision"},
                                            {ClockName::decision_statutory, "decision_statutory"},
                                            {ClockName::issuance, "issuance"},
                                            {ClockName::verification, "verification"},
                                            {ClockName::suspension, "suspension"},
                                            {ClockName::renewal, "renewal"},
                                            {ClockName::validity, "validity"},
                                            {ClockName::tolerance, "tolerance"},
                                            {ClockName::handling, "handling"},
                                            {ClockName::review, "review"}}};
constexpr Table<Problem, 5> kProblems{{{Problem::missing, "missing"},
                                       {Problem::expired, "expired"},
                                       {Problem::invalid_format, "invalid_format"},
                                       {Problem::condition_required, "condition_required"},
                                       {Problem::invalid_content, "invalid_content"}}};
constexpr Table<ErrorCode, 9> kErrors{{{ErrorCode::ok, "ok"},
                                       {ErrorCode::invalid_argument, "invalid_argument"},
                                       {ErrorCode::not_found, "not_found"},
                                       {ErrorCode::invalid_state, "invalid_state"},
                                       {ErrorCode::permission_denied, "permission_denied"},
                                       {ErrorCode::conflict, "conflict"},
                                       {ErrorCode::rule_violation, "rule_violation"},
                                       {ErrorCode::storage, "storage"},
                                       {ErrorCode::internal, "internal"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Table<E, N>& t, E e) noexcept {
  for (const auto& [v, s] : t)
    if (v == e) return s;
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const Table<E, N>& t, std::string_view text) noexcept {
  for (const auto& [v, s] : t)
    if (s == text) return v;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(State s) noexcept { return name_of(kStates, s); }
std::string_view to_string(Kind k) noexcept { return name_of(kKinds, k); }
std::string_view to_string(Light l) noexcept { return name_of(kLights, l); }
std::string_view to_string(Role r) noexcept { return name_of(kRoles, r); }
std::string_view to_string(CommandType c) noexcept { return name_of(kCommands, c); }
std::string_view to_string(Problem p) noexcept { return name_of(kProblems, p); }
std::string_view to_string(ErrorCode c) noexcept { return name_of(kErrors, c); }
std::string_view to_string(EventType t) noexcept { return name_of(kEventTypes, t); }
std::string_view to_string(TimerKind k) noexcept { return name_of(kTimerKinds, k); }
std::string_view to_string(ClockName c) noexcept { return name_of(kClockNames, c); }

std::optional<State> parse_state(std::string_view t) noexcept { return value_of(kStates, t); }
std::optional<Kind> parse_kind(std::string_view t) noexcept { return value_of(kKinds, t); }
std::optional<Light> parse_light(std::string_view t) noexcept { return value_of(kLights, t); }
std::optional<Role> parse_role(std::string_view t) noexcept { return value_of(kRoles, t); }
std::optional<CommandType> parse_command_type(std::string_view t) noexcept { return value_of(kCommands, t); }
std::optional<Problem> parse_problem(std::string_view t) noexcept { return value_of(kProblems, t); }
std::optional<EventType> parse_event_type(std::string_view t) noexcept { return value_of(kEventTypes, t); }
std::optional<TimerKind> parse_timer_kind(std::string_view t) noexcept { return value_of(kTimerKinds, t); }
std::optional<ClockName> parse_clock_name(std::string_view t) noexcept { return value_of(kClockNames, t); }

namespace {
constexpr std::string_view kSuspensionPrefix = "suspension:";
}  // namespace

std::string TimerClock::text() const {
  if (name == ClockName::suspension) return std::string(kSuspensionPrefix) + std::to_string(suspension);
  return std::string(to_string(name));
}

std::optional<TimerClock> parse_timer_clock(std::string_view text) noexcept {
  if (text.starts_with(kSuspensionPrefix)) {
    const std::string_view digits = text.substr(kSuspensionPrefix.size());
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc() && end == digits.data() + digits.size() && n > 0 && digits[0] != '0')
      return TimerClock{ClockName::suspension, n};
  } else if (const auto name = parse_clock_name(text); name && *name != ClockName::suspension) {
    return TimerClock{*name};
  }
  return std::nullopt;
}

bool is_complaint_state(State s) noexcept { return s >= State::received && s != State::terminated; }

bool is_terminal(State s) noexcept {
  switch (s) {
    case State::not_accepted:
    case State::denied:
    case State::withdrawn:
    case State::expired:
    case State::revoked:
    case State::closed:
    case State::rated:
    case State::terminated:
      return true;
    default:
      return false;
  }
}

}  // namespace permitflow
