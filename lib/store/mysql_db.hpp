// An account's MariaDB databases and database users: the server (through
// mysql_server.hpp) and cPanel's map (db_map.hpp) kept together. Each change
// runs its statements first and stages the map only once they succeeded: a
// failed statement throws and no file changes.
//
// Database users exist on the server as 'user'@'localhost' (cPanel adds one
// per remote host of the account; whmkit's remote hosts are not implemented,
// so only localhost). Grants are on the database name as a pattern ("_", "%"
// and "\" escaped). A suspended account's users are locked (ACCOUNT LOCK):
// cPanel's own method on MariaDB is UNCONFIRMED.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpmove.hpp"
#include "db_map.hpp"
#include "mysql_server.hpp"
#include "state.hpp"

namespace whm {

// cPanel's privilege names, in its order.
const std::vector<std::string>& mysql_privilege_names();

class MysqlAccount {
 public:
  // The account's map as `view` sees it (damaged: DamagedFileError); the
  // server connection is opened on first need.
  MysqlAccount(const StateRoot& root, const Transaction& view, std::string cpuser);

  const DbMap& map() const { return map_; }
  DbMap& map() { return map_; }
  MysqlConnection& server();

  void create_database(const Transaction& view, const std::string& name);
  void delete_database(const std::string& name);
  void create_user(const Transaction& view, const std::string& name, const std::string& password);
  void delete_user(const std::string& name);
  // ALTER USER on every host the user has; returns failures (host, error).
  std::vector<std::pair<std::string, std::string>> set_password(const std::string& name, const std::string& password);
  // `privileges`: names of mysql_privilege_names() or "ALL PRIVILEGES" (ALL).
  void set_privileges(const std::string& user, const std::string& db, const std::vector<std::string>& privileges);
  void revoke(const std::string& user, const std::string& db);
  std::vector<std::string> privileges(const std::string& user, const std::string& db);
  void rename_database(const Transaction& view, const std::string& from, const std::string& to);
  void rename_user(const Transaction& view, const std::string& from, const std::string& to);
  // The same without the name checks (account rename: the new prefix).
  void move_database(const std::string& from, const std::string& to);
  void move_user(const std::string& from, const std::string& to);
  // Sizes from information_schema (bytes), by database.
  std::map<std::string, long long> sizes();
  // CHECK TABLE / REPAIR TABLE on every table: {table, msg_type, msg_text}.
  std::vector<std::vector<std::string>> check_or_repair(const std::string& db, bool repair);
  // SHOW CREATE for the database and its tables (dump_database_schema).
  std::string schema_dump(const std::string& db);
  std::vector<std::string> routines(const std::string& user_or_empty);
  // pkgacct's files: mysql/<db>.create, mysql/<db>.sql (mariadb-dump), mysql.sql (grants).
  std::map<std::string, std::string> archive_files();
  // Recreates databases, users, grants and data from those files (checked:
  // only the archive map's own names, privileges parsed, data loaded by a
  // temporary user limited to the one database).
  void restore_files(const AccountArchive& archive, const DbMap& archived);
  // Locks (suspension) or unlocks every user of the account.
  void lock_users(bool lock);

  // Refusals with cPanel's wording, for names the account does not own.
  void require_database(const std::string& name) const;
  void require_user(const std::string& name) const;

  // Stages the map.
  void stage(Transaction& txn) const { stage_db_map(txn, map_); }

 private:
  std::vector<std::string> hosts_of(const std::string& user);
  const StateRoot& root_;
  std::string cpuser_;
  DbMap map_;
  std::unique_ptr<MysqlConnection> conn_;
};

// Parses "SELECT,INSERT" / "ALL PRIVILEGES" into cPanel's names; throws ApiError on an unknown one.
std::vector<std::string> parse_mysql_privileges(const std::string& text);

class AccountPart;
// The lifecycle part (account_parts.cpp).
const AccountPart& mysql_part();

}  // namespace whm
