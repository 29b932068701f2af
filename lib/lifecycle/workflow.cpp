#include "lifecycle/workflow.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "case/case_kind.hpp"
#include "lifecycle/kind_rules.hpp"
#include "permitflow/error.hpp"

namespace permitflow {
namespace {

using nlohmann::json;

std::string owner_of(const json& doc, const Workflow& w) {
  return doc.at(std::string(w.owner_key())).value("id", "");
}

// A permit application (docs/contract.md): applicant, clerk, head and reviewers of the co-approving
// departments.
class PermitWorkflow final : public Workflow {
  static constexpr Role kRoles[] = {Role::applicant, Role::clerk, Role::head, Role::reviewer,
                                    Role::supervisor};
  static constexpr std::string_view kFilters[] = {"awaiting_department", "tolerance_pending",
                                                  "verification_open"};

 public:
  PermitWorkflow() noexcept : Workflow({Kind::permit, "permit", true, kRoles, kFilters}) {}
  const WorkflowChart& chart() const noexcept override { return permit_chart(); }
  void submitted_fields(const Application& app, const Definition&, payload::Submitted& data) const override {
    data.applicant = app.applicant;
  }
  void authorize_submit(const Actor& actor, const std::string& owner_id, std::string_view) const override {
    authorize_submit_permit(actor, owner_id);
  }
  void authorize(const Case& c, const Command& cmd) const override { authorize_permit(c, cmd); }
  std::vector<TimerDue> timers(const Case& c, const CaseContext& ctx) const override {
    return permit_timers(c, ctx);
  }
  bool may_see(const Actor& a, const Audience& who, const Definition& def) const override {
    return may_see_permit(a, who, def);
  }
  bool may_see_reporter(const Actor&, const Audience&, std::string_view) const override { return true; }
  Audience audience_of_document(const json& doc, const std::function<Case()>&) const override {
    return {Kind::permit, owner_of(doc, *this), {}};
  }
  std::optional<Headline> headline(const Case& c, int) const override {
    const auto clock = active_clock(c);
    const ClockView* v = clock ? c.deadlines.find(*clock) : nullptr;
    if (!v || !v->present) return std::nullopt;
    return Headline{v->light, v->due};
  }
};

// A complaint of the quick-service line (docs/complaints.md): reporter, dispatcher, handlers of the units,
// leaders.
class ComplaintWorkflow final : public Workflow {
  static constexpr Role kRoles[] = {Role::reporter, Role::dispatcher, Role::handler, Role::leader,
                                    Role::supervisor};
  static constexpr std::string_view kFilters[] = {"unit"};

 public:
  ComplaintWorkflow() noexcept : Workflow({Kind::complaint, "complaint category", false, kRoles, kFilters}) {}
  const WorkflowChart& chart() const noexcept override { return complaint_chart(); }
  void submitted_fields(const Application& app, const Definition& def,
                        payload::Submitted& data) const override {
    // No facts or materials are asked of a reporter; the log names the kind (docs/log_format.md).
    data.reporter = app.applicant;
    data.kind = kind();
    data.category = def.id;
    data.source = app.source;
    data.description = app.description;
    data.location = app.location;
  }
  void authorize_submit(const Actor& actor, const std::string& owner_id,
                        std::string_view source) const override {
    authorize_submit_complaint(actor, owner_id, source);
  }
  void authorize(const Case& c, const Command& cmd) const override { authorize_complaint(c, cmd); }
  std::vector<TimerDue> timers(const Case& c, const CaseContext& ctx) const override {
    return complaint_timers(c, ctx);
  }
  bool may_see(const Actor& a, const Audience& who, const Definition& def) const override {
    return may_see_complaint(a, who, def);
  }
  bool may_see_reporter(const Actor& a, const Audience& who, std::string_view holding_unit) const override {
    return may_see_complaint_reporter(a, who, holding_unit);
  }
  Audience audience_of_document(const json& doc, const std::function<Case()>& load) const override {
    // Every unit it was dispatched to either returned it or holds it, unless it was reopened and sent on.
    if (doc.value("reopened", 0) > 0) return audience_of(load());
    Audience who{Kind::complaint, owner_of(doc, *this), doc.value("returned_by", std::vector<std::string>{})};
    if (doc.contains("unit") && doc["unit"].is_string()) who.units.push_back(doc["unit"].get<std::string>());
    return who;
  }
  std::optional<Headline> headline(const Case& c, int utc_offset_minutes) const override {
    if (active_clock(c) != ClockName::handling || !c.complaint->due) return std::nullopt;
    return Headline{c.complaint->light, c.complaint->due->local_date(utc_offset_minutes)};
  }
};

const PermitWorkflow kPermit;
const ComplaintWorkflow kComplaint;

// The registry: one workflow per Kind, in the order answers list the kinds.
constexpr std::array<const Workflow*, 2> kWorkflows{&kPermit, &kComplaint};

}  // namespace

bool Workflow::serves(Role r) const noexcept {
  return std::find(profile_.roles.begin(), profile_.roles.end(), r) != profile_.roles.end();
}

std::string_view Workflow::subject_key() const noexcept { return case_kind(kind()).document.names.subject; }
std::string_view Workflow::owner_key() const noexcept { return case_kind(kind()).document.names.owner; }

std::span<const Workflow* const> workflows() noexcept { return kWorkflows; }

const Workflow& workflow(Kind kind) {
  for (const Workflow* w : kWorkflows)
    if (w->kind() == kind) return *w;
  throw Error(ErrorCode::internal, "no workflow for kind '" + std::string(to_string(kind)) + "'");
}

std::vector<Kind> kinds_served_by(Role r) {
  std::vector<Kind> out;
  for (const Workflow* w : kWorkflows)
    if (w->serves(r)) out.push_back(w->kind());
  return out;
}

void authorize(const Case& c, const Command& cmd) { workflow(c.kind).authorize(c, cmd); }

void run_command(Outcome& out, const Command& cmd, const CaseContext& ctx) {
  workflow(out.after.kind).chart().run_command(out, cmd, ctx);
}

Outcome run_command(const Case& c, const Command& cmd, const CaseContext& ctx) {
  Outcome out{{}, c, {}};
  run_command(out, cmd, ctx);
  return out;
}

bool state_takes(const Case& c, const Command& cmd, const CaseContext& ctx) {
  return workflow(c.kind).chart().state_takes(c, cmd, ctx);
}

bool run_timer(Outcome& out, const TimerDue& timer, const CaseContext& ctx) {
  return workflow(out.after.kind).chart().run_timer(out, timer, ctx);
}

Outcome run_timer(const Case& c, const TimerDue& timer, const CaseContext& ctx) {
  Outcome out{{}, c, {}};
  run_timer(out, timer, ctx);
  return out;
}

void authorize_submit(const Actor& actor, const std::string& owner_id, Kind kind, std::string_view source) {
  workflow(kind).authorize_submit(actor, owner_id, source);
}

}  // namespace permitflow
