// Each workflow's Boost.Statechart chart, sealed in chart.cpp (the only translation unit that includes
// Boost.Statechart): a workflow returns its chart's entry points, and run_command, state_takes and run_timer
// (lifecycle.hpp) go to the chart of the case's workflow.
#pragma once

#include "lifecycle/lifecycle.hpp"

namespace permitflow {

struct WorkflowChart {
  // On `out.after` in place, as the Outcome& overloads of lifecycle.hpp.
  void (*run_command)(Outcome& out, const Command& cmd, const CaseContext& ctx);
  bool (*state_takes)(const Case& c, const Command& cmd, const CaseContext& ctx);
  bool (*run_timer)(Outcome& out, const TimerDue& timer, const CaseContext& ctx);
};

const WorkflowChart& permit_chart() noexcept;
const WorkflowChart& complaint_chart() noexcept;

}  // namespace permitflow
