// Reading an application and its parts (actor, materials) from the JSON of docs/contract.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "case/case.hpp"

namespace permitflow {

struct Application {
  Kind kind = Kind::permit;  // or a complaint (docs/complaints.md)
  std::string subject;       // the permit type, or a complaint's category ("permit" / "category" in JSON)
  Applicant applicant;
  Actor actor;
  Instant at;
  nlohmann::json facts = nlohmann::json::object();
  std::vector<SubmittedMaterial> materials;  // received_on is set by the engine (the receipt date)
  std::optional<std::string> renewal_of;
  std::optional<Commitment> commitment;  // 告知承诺 for materials that allow it
  std::string command_id;
  // complaints only
  std::string source;  // hotline, portal, wechat, window, patrol, referral
  std::string description;
  std::string location;
};

/// Parses and validates the shape of an application. Throws Error(invalid_argument) naming the field.
Application parse_application(std::string_view text);

/// {"id", "role", "department"?}; a reviewer must name its department.
Actor parse_actor(const nlohmann::json& parent, std::string_view key, const std::string& pointer);

/// [{"id", "format", "expires_on"?, "sha256"?}, …]; duplicate ids are refused.
std::vector<SubmittedMaterial> parse_materials(const nlohmann::json& array, const std::string& pointer,
                                               Date received_on);

/// {"signed_by", "signed_at" (RFC 3339), "text_sha256" (64 lower-case hex)}: a signed commitment text.
SignedCommitment parse_signed_commitment(const nlohmann::json& obj, const std::string& pointer);

/// A non-empty list of distinct material ids at `pointer` (a tolerance's or a commitment's items).
std::vector<std::string> parse_item_ids(const nlohmann::json& parent, std::string_view key,
                                        const std::string& pointer);

}  // namespace permitflow
