// The step-cost floor of the in-memory lifecycle figure (docs/performance.md): a bare Boost.Statechart
// machine with the permit chart's states and the same 9-event road-excavation case, guards on the role and on
// the co-approvals, and nothing else — no JSON, no clocks, no rules, no events to apply. permitflow's
// in-memory rate divided by this one is what our layers cost above the state machine they are built on.
#include <benchmark/benchmark.h>

#include <array>
#include <boost/mpl/list.hpp>
#include <boost/statechart/custom_reaction.hpp>
#include <boost/statechart/event.hpp>
#include <boost/statechart/simple_state.hpp>
#include <boost/statechart/state_machine.hpp>
#include <boost/statechart/transition.hpp>
#include <cstddef>

namespace {

namespace sc = boost::statechart;
namespace mpl = boost::mpl;

enum class Role { applicant, clerk, reviewer, head };
enum class Department { municipal_roads, traffic_police };

// Statechart events derive from a polymorphic base, so they are not aggregates: each has a constructor.
struct RequestCorrection : sc::event<RequestCorrection> {
  explicit RequestCorrection(Role r) : role(r) {}
  Role role;
};
struct Resubmit : sc::event<Resubmit> {
  explicit Resubmit(Role r) : role(r) {}
  Role role;
};
struct Accept : sc::event<Accept> {
  explicit Accept(Role r) : role(r) {}
  Role role;
};
struct RecordOpinion : sc::event<RecordOpinion> {
  RecordOpinion(Role r, Department d, bool a) : role(r), department(d), approve(a) {}
  Role role;
  Department department;
  bool approve;
};
struct RecordInspection : sc::event<RecordInspection> {
  explicit RecordInspection(Role r) : role(r) {}
  Role role;
};
struct Decide : sc::event<Decide> {
  Decide(Role r, bool a) : role(r), approve(a) {}
  Role role;
  bool approve;
};
struct IssueCertificate : sc::event<IssueCertificate> {
  explicit IssueCertificate(Role r) : role(r) {}
  Role role;
};

struct Submitted;
struct AwaitingCorrection;
struct UnderReview;
struct Approved;
struct Denied;
struct Issued;

struct Chart : sc::state_machine<Chart, Submitted> {
  std::array<bool, 2> approvals{};
  std::size_t inspections = 0;
};

bool staff(Role r) { return r == Role::clerk || r == Role::head; }

struct Submitted : sc::simple_state<Submitted, Chart> {
  using reactions = mpl::list<sc::custom_reaction<RequestCorrection>, sc::custom_reaction<Accept>>;
  sc::result react(const RequestCorrection& e) {
    return staff(e.role) ? transit<AwaitingCorrection>() : discard_event();
  }
  sc::result react(const Accept& e) { return staff(e.role) ? transit<UnderReview>() : discard_event(); }
};

struct AwaitingCorrection : sc::simple_state<AwaitingCorrection, Chart> {
  using reactions = sc::custom_reaction<Resubmit>;
  sc::result react(const Resubmit& e) {
    return e.role == Role::applicant ? transit<Submitted>() : discard_event();
  }
};

struct UnderReview : sc::simple_state<UnderReview, Chart> {
  using reactions = mpl::list<sc::custom_reaction<RecordOpinion>, sc::custom_reaction<RecordInspection>,
                              sc::custom_reaction<Decide>>;
  sc::result react(const RecordOpinion& e) {
    if (e.role != Role::reviewer) return discard_event();
    context<Chart>().approvals[static_cast<std::size_t>(e.department)] = e.approve;
    return discard_event();
  }
  sc::result react(const RecordInspection& e) {
    if (e.role == Role::applicant) return discard_event();
    ++context<Chart>().inspections;
    return discard_event();
  }
  sc::result react(const Decide& e) {
    if (e.role != Role::head) return discard_event();
    const auto& a = context<Chart>().approvals;
    if (e.approve && a[0] && a[1]) return transit<Approved>();
    if (!e.approve) return transit<Denied>();
    return discard_event();
  }
};

struct Approved : sc::simple_state<Approved, Chart> {
  using reactions = sc::custom_reaction<IssueCertificate>;
  sc::result react(const IssueCertificate& e) { return staff(e.role) ? transit<Issued>() : discard_event(); }
};
struct Denied : sc::simple_state<Denied, Chart> {};
struct Issued : sc::simple_state<Issued, Chart> {};

// One case: initiate (the submission) and the eight commands of the road-excavation case: 9 events.
void BM_BareStatechartLifecycle(benchmark::State& state) {
  std::size_t events = 0;
  for (auto _ : state) {
    Chart chart;
    chart.initiate();
    chart.process_event(RequestCorrection{Role::clerk});
    chart.process_event(Resubmit{Role::applicant});
    chart.process_event(Accept{Role::clerk});
    chart.process_event(RecordOpinion{Role::reviewer, Department::municipal_roads, true});
    chart.process_event(RecordOpinion{Role::reviewer, Department::traffic_police, true});
    chart.process_event(RecordInspection{Role::clerk});
    chart.process_event(Decide{Role::head, true});
    chart.process_event(IssueCertificate{Role::clerk});
    if (chart.state_cast<const Issued*>() == nullptr) {
      state.SkipWithError("the case did not end issued");
      break;
    }
    events += 9;
    benchmark::DoNotOptimize(chart);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareStatechartLifecycle);

}  // namespace
