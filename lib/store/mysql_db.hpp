// An account's MariaDB databases and database users: the server (through
// mysql_server.hpp) and cPanel's map (db_map.hpp) kept together. Each change
// runs its statements first and stages the map only once they succeeded: a
// failed statement throws and no file changes.
//
// Database users exist on the server as 'user'@'localhost' plus one copy per
// remote access host of the account (same password hash, same grants). The
// account's host list is kept as cPanel keeps it, in the server's grant
// tables: the rows of the database owner user (the cpuser's dbowner name) in
// mysql.user, one per host besides localhost (whmkit's owner rows are locked
// carriers with no privileges: UNCONFIRMED, cPanel's owner user has the
// account's password). Notes about hosts are cPanel's
// var/cpanel/mysql/notes/<cpuser>.json (Cpanel::Mysql::Remote::Notes). Grants are on the database name as a pattern
// ("_", "%" and "\" escaped). A suspended account's users are locked (ACCOUNT LOCK): cPanel's own method on MariaDB is
// UNCONFIRMED.
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

  // The account's remote access hosts (the owner user's hosts but
  // localhost), sorted.
  std::vector<std::string> remote_hosts();
  // Adds `host` (normalized by normalize_mysql_host): the owner row, then a
  // copy of every user (hash and grants). Adding a known host again fills in
  // missing copies.
  void add_host(const std::string& host);
  // Drops the owner row and every user's copy at `host`.
  void delete_host(const std::string& host);

  // Refusals with cPanel's wording, for names the account does not own.
  void require_database(const std::string& name) const;
  void require_user(const std::string& name) const;

  // Stages the map.
  void stage(Transaction& txn) const { stage_db_map(txn, map_); }

 private:
  std::vector<std::string> hosts_of(const std::string& user);
  // Creates user@host with the localhost row's hash and grants.
  void copy_user_to_host(const std::string& user, const std::string& host);
  bool user_exists_at(const std::string& user, const std::string& host);
  // The owner's row at `host`, which records it as a remote host (a locked account without privileges).
  void add_owner_row(const std::string& host);
  const StateRoot& root_;
  std::string cpuser_;
  DbMap map_;
  std::unique_ptr<MysqlConnection> conn_;
};

// Parses "SELECT,INSERT" / "ALL PRIVILEGES" into cPanel's names; throws ApiError on an unknown one.
std::vector<std::string> parse_mysql_privileges(const std::string& text);

// A remote access host as cPanel accepts it: a hostname (letters, digits,
// "-", ".", "%" wildcards), an IPv4 address or pattern ("192.168.%.%"), an
// IPv4 network in CIDR ("10.1.0.0/16") or netmask form (MySQL's
// "10.1.0.0/255.255.0.0", what CIDR is written as), an IPv6 address, or "%".
// Returns the host as the server stores it; throws ApiError otherwise.
std::string normalize_mysql_host(const std::string& host);

// Remote host notes (Cpanel::Mysql::Remote::Notes):
// var/cpanel/mysql/notes/<cpuser>.json, one JSON object host -> note; the
// directory 0700, the file 0600 root (UNCONFIRMED file mode), removed when
// the last note goes. Hosts are cut to 60 characters, notes to 255.
std::string mysql_notes_rel(const std::string& cpuser);
nlohmann::json load_mysql_notes(const Transaction& view, const std::string& cpuser);
void stage_mysql_notes(Transaction& txn, const std::string& cpuser, const nlohmann::json& notes);

class AccountPart;
// The lifecycle part (account_parts.cpp).
const AccountPart& mysql_part();

}  // namespace whm
