// What whmkit does on the PostgreSQL server for cPanel accounts, in
// cPanel's role model (docs/postgresql.md): each database has a group role
// of the same name (NOLOGIN) that owns it; a database user is a LOGIN role,
// and "privileges on a database" are membership of the database's role.
// Every statement goes through PgConnection::run(); names and passwords only
// through its ident()/literal(). These functions know nothing of the DB map:
// the callers (pgsql_store.cpp) check ownership and record the result.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pgsql_conn.hpp"

namespace whm {

class PgServer {
 public:
  explicit PgServer(const StateRoot& root) : root_(root), conn_(root) {}
  PgConnection& conn() { return conn_; }

  bool role_exists(const std::string& name);
  bool database_exists(const std::string& name);
  // CREATE ROLE db; CREATE DATABASE db OWNER db; GRANT ALL ON DATABASE db TO db.
  // Undoes the role when the database cannot be created.
  void create_database(const std::string& db);
  // Ends the database's sessions, drops it and its group role.
  void drop_database(const std::string& db);
  void create_user(const std::string& user, const std::string& password);
  // Hands what `user` owns in each of `dbs` to that database's role, then drops the role.
  void drop_user(const std::string& user, const std::vector<std::string>& dbs);
  void grant(const std::string& db, const std::string& user);
  void revoke(const std::string& db, const std::string& user);
  // ALTER DATABASE and its role's rename, in one transaction (sessions ended first).
  void rename_database(const std::string& from, const std::string& to);
  // The rename clears the password (its hash includes the name): a new one is set in the same transaction when given.
  void rename_user(const std::string& from, const std::string& to, const std::string* password);
  void set_password(const std::string& user, const std::string& password);
  // LOGIN / NOLOGIN (account suspension).
  void set_login(const std::string& user, bool allowed);
  // cPanel's "synchronize grants": the database role gets every privilege on
  // the database and on its tables and sequences owned by `owners` or in the public schema.
  void sync_privileges(const std::string& db, const std::set<std::string>& owners);
  // Sizes in bytes (pg_database_size) of those of `dbs` that exist.
  std::map<std::string, long long> sizes(const std::vector<std::string>& dbs);
  // The password hash of each existing role of `users` (pg_authid.rolpassword; "" if none).
  std::map<std::string, std::string> password_hashes(const std::vector<std::string>& users);
  // Members (login roles) of each database's role.
  std::map<std::string, std::set<std::string>> members(const std::vector<std::string>& dbs);
  // CREATE USER ... WITH PASSWORD '<hash>' from an archive: the hash is kept as it is.
  void create_user_with_hash(const std::string& user, const std::string& hash);

  // pg_dump --format=tar of `db` (the archive's psql/<db>.tar); throws on failure.
  std::string dump(const std::string& db);
  // pg_restore of such a dump into the (new, empty) database `db`, objects owned by its role.
  void restore(const std::string& db, const std::string& tar);

 private:
  void end_sessions(const std::string& db);
  std::string conninfo(const std::string& db) const;
  const StateRoot& root_;
  PgConnection conn_;
};

}  // namespace whm
