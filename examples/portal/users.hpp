// Who may call the portal: bearer tokens mapped to actors (id, role, department) from a JSON file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portal {

struct User {
  std::string token;
  std::string id;          // the actor id the engine sees (an applicant's id is its company's id)
  std::string role;        // applicant | clerk | reviewer | head | supervisor
  std::string department;  // reviewers only
  std::string name;        // shown in the UI
  bool admin = false;      // may run due timers and move the test clock (POST /api/run-due)
};

class Users {
 public:
  /// {"demo"?: bool, "users": [{"token", "id", "role", "department"?, "name"?, "admin"?}]}; throws
  /// std::runtime_error naming `source` and the offending entry.
  static Users from_json(std::string_view text, std::string_view source);
  /// The demo users shipped with the portal (demo-config.json, compiled in): one for every role.
  static Users demo();

  const User* find(std::string_view token) const;
  const std::vector<User>& all() const { return users_; }
  /// Whether the sign-in page may list the users with their tokens (demo configurations only).
  bool listed() const { return listed_; }

 private:
  std::vector<User> users_;
  bool listed_ = false;
};

}  // namespace portal
