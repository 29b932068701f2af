// A kind of case as a workflow (docs/architecture.md, "Kinds as workflows"). What differs between a permit
// and a complaint above the case aggregate — who may file one and give which command, which timers it needs,
// who may see it, how its document names its subject and its owner, which roles work on it — is one
// implementation of Workflow per Kind, registered in one table (workflow.cpp). The engine, the store, verify
// and the bindings ask workflow(kind) and never branch on the kind themselves.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "case/application.hpp"
#include "case/case.hpp"
#include "lifecycle/charts.hpp"
#include "lifecycle/command.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/policy.hpp"

namespace permitflow {

/// The light and due (the bureau's local date) of the clock a case runs now: the store's list columns.
struct Headline {
  Light light = Light::green;
  Date due;
};

class Workflow {
 public:
  /// What a workflow is as plain data, given by its implementation.
  struct Profile {
    Kind kind;
    std::string_view subject_noun;
    bool checks_applications;
    std::span<const Role> roles;  // those it serves()
    std::span<const std::string_view> query_filters;
  };

  virtual ~Workflow() = default;

  Kind kind() const noexcept { return profile_.kind; }
  /// The keys of its case document that name the subject ("permit", "category") and the owner ("applicant",
  /// "reporter"), as its kind's document names them (lib/case/case_kind.hpp), and what the subject is called
  /// in messages.
  std::string_view subject_key() const noexcept;
  std::string_view owner_key() const noexcept;
  std::string_view subject_noun() const noexcept { return profile_.subject_noun; }
  /// Whether an application of this kind is checked against its definition's checklist and flagging rules
  /// (precheck, the flags of `submitted`).
  bool checks_applications() const noexcept { return profile_.checks_applications; }
  /// Its chart: the states a case of this kind goes through and which commands and timers each takes.
  virtual const WorkflowChart& chart() const noexcept = 0;
  /// Whether `r` works on cases of this kind: a query by such an actor selects this kind only.
  bool serves(Role r) const noexcept;
  /// The query filters that read fields only its documents have ("tolerance_pending", "unit", …): given
  /// without a kind, such a filter selects this kind.
  std::span<const std::string_view> query_filters() const noexcept { return profile_.query_filters; }
  /// Adds the owner under its key (owner_key()) and its own fields to the data of a new case's `submitted`
  /// event (docs/log_format.md); the common fields are written by submitted_event().
  virtual void submitted_fields(const Application& app, const Definition& def,
                                payload::Submitted& data) const = 0;

  /// Who may file a case of this kind for `owner_id` through `source`. Throws Error(permission_denied).
  virtual void authorize_submit(const Actor& actor, const std::string& owner_id,
                                std::string_view source) const = 0;
  /// Role and ownership of a command (docs/contract.md §4). Throws Error(permission_denied).
  virtual void authorize(const Case& c, const Command& cmd) const = 0;
  /// The timers its state and clocks need now, unsorted (timers_for orders them).
  virtual std::vector<TimerDue> timers(const Case& c, const CaseContext& ctx) const = 0;
  /// The visibility rule for every role but the supervisor's (who sees every kind).
  virtual bool may_see(const Actor& a, const Audience& who, const Definition& def) const = 0;
  /// Whether the actor may see the case's owner (a complaint's reporter is shown to few).
  virtual bool may_see_reporter(const Actor& a, const Audience& who, std::string_view holding_unit) const = 0;
  /// Who the case is for, read from its stored document; `load` gives the case when the document does not
  /// tell (a reopened complaint's units).
  virtual Audience audience_of_document(const nlohmann::json& doc,
                                        const std::function<Case()>& load) const = 0;
  /// The clock the case runs now, as listed; nullopt when none runs.
  virtual std::optional<Headline> headline(const Case& c, int utc_offset_minutes) const = 0;

 protected:
  explicit Workflow(const Profile& profile) noexcept : profile_(profile) {}

 private:
  Profile profile_;
};

/// The workflow of `kind`. Every Kind has one (tests/lifecycle/workflow_test.cpp).
const Workflow& workflow(Kind kind);

/// Every workflow, in the order of the registry (permit first).
std::span<const Workflow* const> workflows() noexcept;

/// The kinds whose workflows `r` works on (none for the system, every kind for the supervisor).
std::vector<Kind> kinds_served_by(Role r);

}  // namespace permitflow
