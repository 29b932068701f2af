#include "users.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "assets.hpp"

namespace portal {

using nlohmann::json;

Users Users::from_json(std::string_view text, std::string_view source) {
  const std::string where(source);
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("users") || !doc["users"].is_array())
    throw std::runtime_error(where + ": expected {\"users\": [...]}");
  Users out;
  if (doc.contains("demo")) {
    if (!doc["demo"].is_boolean()) throw std::runtime_error(where + ": \"demo\" must be true or false");
    out.listed_ = doc["demo"].get<bool>();
  }
  static const std::set<std::string> kRoles = {"applicant", "clerk", "reviewer", "head", "supervisor"};
  std::set<std::string> tokens;
  for (std::size_t i = 0; i < doc["users"].size(); ++i) {
    const json& u = doc["users"][i];
    const std::string at = where + ": users[" + std::to_string(i) + "]";
    auto text_field = [&](const char* key, bool required) -> std::string {
      if (!u.contains(key)) {
        if (required) throw std::runtime_error(at + " lacks \"" + key + "\"");
        return {};
      }
      if (!u[key].is_string() || u[key].get<std::string>().empty())
        throw std::runtime_error(at + ": \"" + key + "\" must be a non-empty string");
      return u[key].get<std::string>();
    };
    if (!u.is_object()) throw std::runtime_error(at + " must be an object");
    User user{text_field("token", true),       text_field("id", true),    text_field("role", true),
              text_field("department", false), text_field("name", false), false};
    if (u.contains("admin")) {
      if (!u["admin"].is_boolean()) throw std::runtime_error(at + ": \"admin\" must be true or false");
      user.admin = u["admin"].get<bool>();
    }
    if (!kRoles.count(user.role))
      throw std::runtime_error(at + ": unknown role '" + user.role +
                               "' (applicant, clerk, reviewer, head or supervisor)");
    if ((user.role == "reviewer") != !user.department.empty())
      throw std::runtime_error(at + ": a reviewer, and only a reviewer, has a department");
    if (!tokens.insert(user.token).second) throw std::runtime_error(at + ": the token is used twice");
    if (user.name.empty()) user.name = user.id;
    out.users_.push_back(std::move(user));
  }
  return out;
}

Users Users::demo() {
  for (const auto& f : assets::embedded_files())
    if (f.name == "examples/portal/demo-config.json")
      return from_json(f.content, "demo-config.json (built in)");
  throw std::logic_error("demo-config.json is not compiled in");
}

const User* Users::find(std::string_view token) const {
  for (const auto& u : users_)
    if (u.token == token) return &u;
  return nullptr;
}

}  // namespace portal
