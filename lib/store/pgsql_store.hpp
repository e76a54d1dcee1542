// One account's PostgreSQL databases and users: cPanel's checks (names,
// prefix, ownership through the DB map, collisions with other accounts and
// with server objects), the server change (pgsql_server.hpp), then the map
// (db_map.hpp) staged into the caller's transaction. A refused call changes
// neither the server nor a file; a failed statement throws before the map
// is staged. The lifecycle part (pgsql_part) is listed in account_parts.cpp.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "account_parts.hpp"
#include "db_map.hpp"

namespace whm {

struct PgDatabaseInfo {
  std::string name;
  std::vector<std::string> users;
  long long disk_usage = 0;
};

class PgAccount {
 public:
  PgAccount(const StateRoot& root, Transaction& txn, std::string cpuser);
  const std::string& cpuser() const { return cpuser_; }
  const DbEngineMap& map() const { return map_.pgsql; }

  // The name with the account's prefix added when prefixing is on and it lacks it.
  std::string prefixed(const std::string& name) const;
  void create_database(const std::string& name);
  void delete_database(const std::string& name);
  void create_user(const std::string& name, const std::string& password);
  void delete_user(const std::string& name);
  void grant(const std::string& db, const std::string& user);
  void revoke(const std::string& db, const std::string& user);
  void rename_database(const std::string& from, const std::string& to);
  // password == nullptr: rename_user_no_password (the user cannot log in until a password is set).
  void rename_user(const std::string& from, const std::string& to, const std::string* password);
  void set_password(const std::string& user, const std::string& password);
  void update_privileges();
  // From the map; sizes from the server when `with_usage` (0 for a database the server lacks).
  std::vector<PgDatabaseInfo> databases(bool with_usage) const;

  // Throws cPanel's "does not control" errors.
  void require_db(const std::string& db) const;
  void require_user(const std::string& user) const;

 private:
  void stage();
  const StateRoot& root_;
  Transaction& txn_;
  std::string cpuser_;
  DbMap map_;
};

const AccountPart& pgsql_part();

}  // namespace whm
