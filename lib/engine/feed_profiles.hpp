// The feed's profiles (docs/feed.md): data files that turn raw feed records into what a receiver takes.
// `provincial` (data/profiles/provincial.json) maps each event to its stage of the provincial case-exchange
// record; `notify` (data/notifications/<definition>.json) renders the messages an event sends. Both are read
// and checked once, when the engine starts: a bad file is refused naming the file and the field.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace permitflow {

/// What a profile needs to know about a record's case beyond the record itself.
struct RecordContext {
  int round = 0;             // correction notices of the case up to this event
  std::string applicant_id;  // the applicant (a complaint's reporter)
  std::string subject_name;  // the permit's or category's Chinese name
  std::string subject_name_en;
  std::map<std::string, std::pair<std::string, std::string>> material_names;  // id -> (zh, en)
};

class ProvincialProfile {
 public:
  /// Parses and checks a profile file; throws Error(invalid_argument) naming `file` and the field.
  static ProvincialProfile parse(std::string_view text, const std::string& file);
  /// The built-in profile (data/profiles/provincial.json).
  static const ProvincialProfile& builtin();
  /// The exchange record of a feed record, or nullopt for an event the province does not take.
  std::optional<nlohmann::json> render(const store::FeedRecord& r, const RecordContext& ctx) const;
  /// Whether an event of this type takes a correction round (so the engine counts notices).
  bool needs_round(const std::string& type) const;

 private:
  struct Mapping {
    std::string stage, step, result, result_code, reason_field, items_field;
    bool round = false;
  };
  struct Rule {
    std::optional<Mapping> plain;
    std::string by;  // a data field whose value (case_value) picks one of `cases`
    std::map<std::string, Mapping> cases;
  };
  std::map<std::string, std::string> fields_;  // our name -> the province's name
  std::map<std::string, std::string> stages_;  // stage name -> code
  std::map<std::string, Rule> events_;
};

class NotifyProfile {
 public:
  /// The fields a template may name, as {field}.
  static const std::vector<std::string>& template_fields();
  /// Adds one notifications file; throws Error(invalid_argument) naming `file` and the field.
  void add(std::string_view text, const std::string& file);
  /// The built-in files (data/notifications/*.json).
  static const NotifyProfile& builtin();
  /// The messages a feed record sends: [{"seq", "case", "type", "to", "channel", "text", "text_en"}].
  std::vector<nlohmann::json> render(const store::FeedRecord& r, const RecordContext& ctx) const;
  /// Definitions (subjects) that have notifications.
  bool covers(const std::string& subject) const { return by_subject_.count(subject) > 0; }

 private:
  struct Message {
    nlohmann::json to;
    std::string channel, zh, en;
    std::map<std::string, std::string> when;  // data field -> the value it must have (case_value)
  };
  std::map<std::string, std::map<std::string, std::vector<Message>>> by_subject_;  // subject -> type -> …
};

}  // namespace permitflow
