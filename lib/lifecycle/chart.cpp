// The Boost.Statechart charts of the workflows (docs/contract.md §7): one machine per kind, the permit's here
// and the complaint's in complaint_chart.inc, sealed in this translation unit, the only one that includes
// Boost.Statechart. A workflow reaches its chart through the WorkflowChart it returns (charts.hpp), so a case
// never meets a state of another kind.
//
// A chart is built for one command or timer: it is restored into the case's state (each chart's Restoring
// state posts EvRestore, whose reaction transits to the saved leaf — no transition is replayed, so no effect
// repeats), then it processes the command. Each state's reaction says which commands it takes and where they
// lead; the rules (rules.cpp) say whether the law allows them and which events they cause. A command no state
// takes is `invalid_state`. Reactions never throw (Boost.Statechart terminates a machine whose reaction
// throws): a refusal is kept in the machine and rethrown after process_event, so the machine is never
// terminated half-way.
#include <boost/mpl/list.hpp>
#include <boost/statechart/custom_reaction.hpp>
#include <boost/statechart/event.hpp>
#include <boost/statechart/simple_state.hpp>
#include <boost/statechart/state.hpp>
#include <boost/statechart/state_machine.hpp>
#include <exception>
#include <functional>

#include "clock/legal_clock.hpp"
#include "lifecycle/charts.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/rules.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

namespace sc = boost::statechart;
namespace mpl = boost::mpl;

struct EvRestore : sc::event<EvRestore> {};
struct EvCommand : sc::event<EvCommand> {
  explicit EvCommand(const Command& c) : cmd(c) {}
  const Command& cmd;
};
struct EvTimer : sc::event<EvTimer> {
  explicit EvTimer(const TimerDue& t) : timer(t) {}
  const TimerDue& timer;
};

/// What every chart holds: the case it was restored from, and what its one reaction produced.
struct ChartData {
  ChartData(const Case& c, const CaseContext& x) : kase(c), ctx(x) {}

  const Case& kase;
  const CaseContext& ctx;
  std::vector<Event> events;
  std::exception_ptr refusal;
  bool reacted = false;
  bool probing = false;  // only asks whether the state takes the event: no rule runs, nothing transits
};

// The permit workflow's machine (the complaint's is in complaint_chart.inc).
struct Restoring;
struct Chart : ChartData, sc::state_machine<Chart, Restoring> {
  using ChartData::ChartData;
  ~Chart() { terminate(); }
};

/// Every leaf names its contract state, so the machine's state can be read back.
struct Named {
  virtual ~Named() = default;
  virtual State name() const = 0;
};

/// A state with helpers to run a rule and then transit (or stay).
template <class MostDerived, class Context, class InnerInitial = mpl::list<>>
struct Step : sc::simple_state<MostDerived, Context, InnerInitial> {
  using Base = sc::simple_state<MostDerived, Context, InnerInitial>;
  using Rule = std::function<std::vector<Event>()>;

  template <class Target>
  sc::result run(const Rule& rule) {
    if (!record(rule)) return this->discard_event();
    return this->template transit<Target>();
  }
  sc::result stay(const Rule& rule) {
    record(rule);
    return this->discard_event();
  }
  ChartData& chart() { return this->outermost_context(); }
  const Case& kase() { return chart().kase; }
  const CaseContext& ctx() { return chart().ctx; }

 private:
  bool record(const Rule& rule) {
    ChartData& m = chart();
    m.reacted = true;
    if (m.probing) return false;
    try {
      m.events = rule();
      return true;
    } catch (...) {
      m.refusal = std::current_exception();
      return false;
    }
  }
};

// --- the states -----------------------------------------------------------------------------------------
struct Live;
struct PreDecision;
struct Intake;
struct Review;
struct Submitted;
struct AwaitingCorrection;
struct UnderReview;
struct Suspended;
struct Approved;
struct Issued;
struct Ended;
struct NotAccepted;
struct Denied;
struct Withdrawn;
struct Expired;
struct Revoked;
struct Closed;
struct Terminated;

struct Restoring : sc::state<Restoring, Chart> {
  using reactions = sc::custom_reaction<EvRestore>;
  explicit Restoring(my_context c) : my_base(c) { post_event(EvRestore()); }
  sc::result react(const EvRestore&);
};

/// Every case that exists: supervision timers (warnings, overdue) apply in any state and change none.
struct Live : Step<Live, Chart, PreDecision> {
  using reactions = sc::custom_reaction<EvTimer>;
  sc::result react(const EvTimer& e) {
    const TimerKind k = e.timer.kind;
    if (k == TimerKind::deadline_warning || k == TimerKind::deadline_overdue ||
        (k == TimerKind::supply_reminder && tolerance_pending(kase()))) {
      return stay([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return discard_event();  // a timer that no longer applies: nothing happens
  }
};

/// Before a decision the applicant may withdraw.
struct PreDecision : Step<PreDecision, Live, Intake> {
  using reactions = sc::custom_reaction<EvCommand>;
  sc::result react(const EvCommand& e) {
    if (e.cmd.type == CommandType::withdraw) {
      return run<Withdrawn>([&] { return rules::withdraw(kase(), e.cmd, ctx()); });
    }
    return forward_event();
  }
};

/// Intake (收件 to 受理): the window may refuse the application.
struct Intake : Step<Intake, PreDecision, Submitted> {
  using reactions = sc::custom_reaction<EvCommand>;
  sc::result react(const EvCommand& e) {
    if (e.cmd.type == CommandType::reject) {
      return run<NotAccepted>([&] { return rules::reject(kase(), e.cmd, ctx()); });
    }
    return forward_event();
  }
};

struct Submitted : Step<Submitted, Intake>, Named {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  State name() const override { return State::submitted; }
  sc::result react(const EvCommand& e) {
    switch (e.cmd.type) {
      case CommandType::accept:
        return run<UnderReview>([&] { return rules::accept(kase(), e.cmd, ctx()); });
      case CommandType::request_correction:
        return run<AwaitingCorrection>([&] { return rules::request_correction(kase(), e.cmd, ctx()); });
      default:
        return forward_event();
    }
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::acceptance_deemed) {
      return run<UnderReview>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return forward_event();
  }
};

struct AwaitingCorrection : Step<AwaitingCorrection, Intake>, Named {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  State name() const override { return State::awaiting_correction; }
  sc::result react(const EvCommand& e) {
    if (e.cmd.type == CommandType::resubmit) {
      return run<Submitted>([&] { return rules::resubmit(kase(), e.cmd, ctx()); });
    }
    return forward_event();
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::correction_lapsed) {
      return run<Withdrawn>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return forward_event();
  }
};

/// Review (审查): opinions, inspections and the extension, whether or not the clock is stopped.
struct Review : Step<Review, PreDecision, UnderReview> {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  sc::result react(const EvCommand& e) {
    switch (e.cmd.type) {
      case CommandType::record_opinion:
        return stay([&] { return rules::record_opinion(kase(), e.cmd, ctx()); });
      case CommandType::record_inspection:
        return stay([&] { return rules::record_inspection(kase(), e.cmd, ctx()); });
      case CommandType::extend:
        return stay([&] { return rules::extend(kase(), e.cmd, ctx()); });
      case CommandType::supply:
        return stay([&] { return rules::supply(kase(), e.cmd, ctx()); });
      default:
        return forward_event();
    }
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::renewal_deemed) {
      return run<Issued>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    if (e.timer.kind == TimerKind::tolerance_lapsed && tolerance_pending(kase())) {
      return run<Terminated>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return forward_event();
  }
};

struct UnderReview : Step<UnderReview, Review>, Named {
  using reactions = sc::custom_reaction<EvCommand>;
  State name() const override { return State::under_review; }
  sc::result react(const EvCommand& e) {
    switch (e.cmd.type) {
      case CommandType::suspend:
        return run<Suspended>([&] { return rules::suspend(kase(), e.cmd, ctx()); });
      case CommandType::decide:
        if (e.cmd.as<commands::Decide>().approve) {
          return run<Approved>([&] { return rules::decide(kase(), e.cmd, ctx()); });
        }
        return run<Denied>([&] { return rules::decide(kase(), e.cmd, ctx()); });
      default:
        return forward_event();
    }
  }
};

struct Suspended : Step<Suspended, Review>, Named {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  State name() const override { return State::suspended; }
  sc::result react(const EvCommand& e) {
    if (e.cmd.type == CommandType::resume) {
      return run<UnderReview>([&] { return rules::resume(kase(), e.cmd, ctx()); });
    }
    return forward_event();
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::suspension_overrun)
      return stay([&] { return rules::fire(kase(), e.timer, ctx()); });
    return forward_event();
  }
};

/// A result of a verification: false revokes the permit (告知承诺), otherwise the case stays where it is.
template <class S>
sc::result verify_commitment(S& state, const Command& cmd) {
  if (cmd.as<commands::RecordVerification>().result == commands::Verdict::false_commitment) {
    return state.template run<Revoked>(
        [&] { return rules::record_verification(state.kase(), cmd, state.ctx()); });
  }
  return state.stay([&] { return rules::record_verification(state.kase(), cmd, state.ctx()); });
}

struct Approved : Step<Approved, Live>, Named {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  State name() const override { return State::approved; }
  sc::result react(const EvCommand& e) {
    switch (e.cmd.type) {
      case CommandType::issue_certificate:
        return run<Issued>([&] { return rules::issue_certificate(kase(), e.cmd, ctx()); });
      case CommandType::revoke:
        return run<Revoked>([&] { return rules::revoke(kase(), e.cmd, ctx()); });
      case CommandType::supply:
        return stay([&] { return rules::supply(kase(), e.cmd, ctx()); });
      case CommandType::record_verification:
        return verify_commitment(*this, e.cmd);
      default:
        return forward_event();
    }
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::tolerance_lapsed && tolerance_pending(kase())) {
      return run<Terminated>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return forward_event();
  }
};

struct Issued : Step<Issued, Live>, Named {
  using reactions = mpl::list<sc::custom_reaction<EvCommand>, sc::custom_reaction<EvTimer>>;
  State name() const override { return State::issued; }
  sc::result react(const EvCommand& e) {
    switch (e.cmd.type) {
      case CommandType::report_completion:
        return stay([&] { return rules::report_completion(kase(), e.cmd, ctx()); });
      case CommandType::close:
        return run<Closed>([&] { return rules::close(kase(), e.cmd, ctx()); });
      case CommandType::revoke:
        return run<Revoked>([&] { return rules::revoke(kase(), e.cmd, ctx()); });
      case CommandType::record_verification:
        return verify_commitment(*this, e.cmd);
      default:
        return forward_event();
    }
  }
  sc::result react(const EvTimer& e) {
    if (e.timer.kind == TimerKind::permit_expiring)
      return stay([&] { return rules::fire(kase(), e.timer, ctx()); });
    if (e.timer.kind == TimerKind::permit_expired) {
      return run<Expired>([&] { return rules::fire(kase(), e.timer, ctx()); });
    }
    return forward_event();
  }
};

/// Terminal states take no command.
struct Ended : Step<Ended, Live, NotAccepted> {};
struct NotAccepted : Step<NotAccepted, Ended>, Named {
  State name() const override { return State::not_accepted; }
};
struct Denied : Step<Denied, Ended>, Named {
  State name() const override { return State::denied; }
};
struct Withdrawn : Step<Withdrawn, Ended>, Named {
  State name() const override { return State::withdrawn; }
};
struct Expired : Step<Expired, Ended>, Named {
  State name() const override { return State::expired; }
};
struct Revoked : Step<Revoked, Ended>, Named {
  State name() const override { return State::revoked; }
};
struct Closed : Step<Closed, Ended>, Named {
  State name() const override { return State::closed; }
};
struct Terminated : Step<Terminated, Ended>, Named {  // 终止: a tolerance lapsed
  State name() const override { return State::terminated; }
};

#include "lifecycle/complaint_chart.inc"

sc::result Restoring::react(const EvRestore&) {
  switch (outermost_context().kase.state) {
    case State::submitted:
      return transit<Submitted>();
    case State::awaiting_correction:
      return transit<AwaitingCorrection>();
    case State::not_accepted:
      return transit<NotAccepted>();
    case State::under_review:
      return transit<UnderReview>();
    case State::suspended:
      return transit<Suspended>();
    case State::approved:
      return transit<Approved>();
    case State::denied:
      return transit<Denied>();
    case State::issued:
      return transit<Issued>();
    case State::withdrawn:
      return transit<Withdrawn>();
    case State::expired:
      return transit<Expired>();
    case State::revoked:
      return transit<Revoked>();
    case State::closed:
      return transit<Closed>();
    case State::terminated:
      return transit<Terminated>();
    default:  // another workflow's state: the chart stays unrestored and takes nothing
      return discard_event();
  }
}

template <class Machine>
State leaf_state(const Machine& chart) {
  for (auto it = chart.state_begin(); it != chart.state_end(); ++it) {
    if (const auto* named = dynamic_cast<const Named*>(&*it)) return named->name();
  }
  throw Error(ErrorCode::internal, "the case chart is in no state");
}

// The chart and the rules decide on out.after as it is; only then are the events applied to it, in place
// (no copy of the case). Refused, it throws with `out` unchanged; returns false, `out` unchanged, when a
// timer no longer applies.
template <class Machine, class Ev, class Arg>
bool process(Outcome& out, const Arg& arg, const CaseContext& ctx, std::string_view what) {
  Case& c = out.after;
  Machine chart(c, ctx);
  chart.initiate();
  chart.process_event(Ev(arg));
  if (chart.refusal) std::rethrow_exception(chart.refusal);
  if (!chart.reacted) {
    if constexpr (std::is_same_v<Ev, EvTimer>) return false;
    throw Error(ErrorCode::invalid_state, "a case in state '" + std::string(to_string(c.state)) +
                                              "' does not take '" + std::string(what) + "'");
  }
  const State leaf = leaf_state(chart);
  out.events.reserve(out.events.size() + chart.events.size());
  for (Event& e : chart.events) {
    e.seq = c.version + 1;
    apply(c, e, ctx);  // throws only Error(internal): a bug, not a refusal
    out.states.push_back(c.state);
    out.events.push_back(std::move(e));
  }
  if (c.state != leaf) {
    throw Error(ErrorCode::internal, "the chart went to '" + std::string(to_string(leaf)) +
                                         "' but the events lead to '" + std::string(to_string(c.state)) +
                                         "'");
  }
  return true;
}

template <class Machine>
void run_command_on(Outcome& out, const Command& cmd, const CaseContext& ctx) {
  process<Machine, EvCommand>(out, cmd, ctx, to_string(cmd.type));
}

template <class Machine>
bool state_takes_on(const Case& c, const Command& cmd, const CaseContext& ctx) {
  Machine chart(c, ctx);
  chart.probing = true;
  chart.initiate();
  chart.process_event(EvCommand(cmd));
  return chart.reacted;
}

template <class Machine>
bool run_timer_on(Outcome& out, const TimerDue& timer, const CaseContext& ctx) {
  return process<Machine, EvTimer>(out, timer, ctx, to_string(timer.kind));
}

template <class Machine>
constexpr WorkflowChart kChartOf{&run_command_on<Machine>, &state_takes_on<Machine>, &run_timer_on<Machine>};

}  // namespace

const WorkflowChart& permit_chart() noexcept { return kChartOf<Chart>; }
const WorkflowChart& complaint_chart() noexcept { return kChartOf<ComplaintChart>; }

}  // namespace permitflow
