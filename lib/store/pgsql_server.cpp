#include "pgsql_server.hpp"

#include "process.hpp"
#include "util.hpp"

namespace whm {
namespace {

// A value of a libpq connection string: single-quoted, ' and \ escaped.
std::string conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string in_list(PgConnection& conn, const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + conn.literal(v);
  return out;
}

}  // namespace

bool PgServer::role_exists(const std::string& name) {
  return !conn_.run("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = " + conn_.literal(name)).empty();
}

bool PgServer::database_exists(const std::string& name) {
  return !conn_.run("SELECT 1 FROM pg_catalog.pg_database WHERE datname = " + conn_.literal(name)).empty();
}

void PgServer::create_database(const std::string& db) {
  std::string q = conn_.ident(db);
  conn_.run("CREATE ROLE " + q);
  try {
    conn_.run("CREATE DATABASE " + q + " WITH OWNER = " + q);
    conn_.run("GRANT ALL PRIVILEGES ON DATABASE " + q + " TO " + q);
    // Only the database's role may connect, even on a server whose pg_hba.conf lacks cPanel's "samerole".
    conn_.run("REVOKE ALL ON DATABASE " + q + " FROM PUBLIC");
  } catch (...) {
    try {
      if (database_exists(db)) conn_.run("DROP DATABASE " + q);
      conn_.run("DROP ROLE IF EXISTS " + q);
    } catch (const PgError&) {
    }
    throw;
  }
}

void PgServer::end_sessions(const std::string& db) {
  conn_.run("SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = " +
            conn_.literal(db) + " AND pid <> pg_catalog.pg_backend_pid()");
}

void PgServer::drop_database(const std::string& db) {
  std::string q = conn_.ident(db);
  conn_.run("DROP DATABASE IF EXISTS " + q + " WITH (FORCE)");
  conn_.run("DROP ROLE IF EXISTS " + q);
}

void PgServer::create_user(const std::string& user, const std::string& password) {
  conn_.run("CREATE ROLE " + conn_.ident(user) + " WITH LOGIN PASSWORD " + conn_.literal(password));
}

void PgServer::create_user_with_hash(const std::string& user, const std::string& hash) {
  // A hash ("SCRAM-SHA-256$..." or "md5...") given as the password is stored as it is.
  conn_.run("CREATE ROLE " + conn_.ident(user) + " WITH LOGIN PASSWORD " + conn_.literal(hash));
}

void PgServer::drop_user(const std::string& user, const std::vector<std::string>& dbs) {
  if (!role_exists(user)) return;
  for (const auto& db : dbs) {
    if (!database_exists(db) || !role_exists(db)) continue;
    PgConnection in_db(root_, db);
    in_db.run("REASSIGN OWNED BY " + in_db.ident(user) + " TO " + in_db.ident(db));
    in_db.run("DROP OWNED BY " + in_db.ident(user));
  }
  conn_.run("DROP OWNED BY " + conn_.ident(user));
  conn_.run("DROP ROLE " + conn_.ident(user));
}

void PgServer::grant(const std::string& db, const std::string& user) {
  conn_.run("GRANT " + conn_.ident(db) + " TO " + conn_.ident(user));
}

void PgServer::revoke(const std::string& db, const std::string& user) {
  conn_.run("REVOKE " + conn_.ident(db) + " FROM " + conn_.ident(user));
}

void PgServer::rename_database(const std::string& from, const std::string& to) {
  end_sessions(from);
  conn_.run("BEGIN");
  try {
    conn_.run("ALTER DATABASE " + conn_.ident(from) + " RENAME TO " + conn_.ident(to));
    conn_.run("ALTER ROLE " + conn_.ident(from) + " RENAME TO " + conn_.ident(to));
    conn_.run("COMMIT");
  } catch (...) {
    conn_.run("ROLLBACK");
    throw;
  }
}

void PgServer::rename_user(const std::string& from, const std::string& to, const std::string* password) {
  conn_.run("BEGIN");
  try {
    conn_.run("ALTER ROLE " + conn_.ident(from) + " RENAME TO " + conn_.ident(to));
    if (password) conn_.run("ALTER ROLE " + conn_.ident(to) + " WITH PASSWORD " + conn_.literal(*password));
    conn_.run("COMMIT");
  } catch (...) {
    conn_.run("ROLLBACK");
    throw;
  }
}

void PgServer::set_password(const std::string& user, const std::string& password) {
  conn_.run("ALTER ROLE " + conn_.ident(user) + " WITH PASSWORD " + conn_.literal(password));
}

void PgServer::set_login(const std::string& user, bool allowed) {
  if (!role_exists(user)) return;
  conn_.run("ALTER ROLE " + conn_.ident(user) + (allowed ? " WITH LOGIN" : " WITH NOLOGIN"));
}

void PgServer::sync_privileges(const std::string& db, const std::set<std::string>& owners) {
  std::string role = conn_.ident(db);
  conn_.run("GRANT ALL PRIVILEGES ON DATABASE " + role + " TO " + role);
  PgConnection in_db(root_, db);
  std::vector<std::string> names(owners.begin(), owners.end());
  std::string filter = "schemaname = 'public'";
  if (!names.empty()) filter = "tableowner IN (" + in_list(in_db, names) + ") OR " + filter;
  auto tables = in_db.run("SELECT schemaname, tablename FROM pg_catalog.pg_tables WHERE " + filter);
  for (const auto& t : tables)
    in_db.run("GRANT ALL PRIVILEGES ON " + in_db.ident(t[0]) + "." + in_db.ident(t[1]) + " TO " + in_db.ident(db));
  in_db.run("GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO " + in_db.ident(db));
}

std::map<std::string, long long> PgServer::sizes(const std::vector<std::string>& dbs) {
  std::map<std::string, long long> out;
  if (dbs.empty()) return out;
  auto rows =
      conn_.run("SELECT datname, pg_catalog.pg_database_size(oid) FROM pg_catalog.pg_database WHERE datname IN (" +
                in_list(conn_, dbs) + ")");
  for (const auto& r : rows) out[r[0]] = parse_int(r[1]).value_or(0);
  return out;
}

std::map<std::string, std::string> PgServer::password_hashes(const std::vector<std::string>& users) {
  std::map<std::string, std::string> out;
  if (users.empty()) return out;
  auto rows = conn_.run("SELECT rolname, coalesce(rolpassword, '') FROM pg_catalog.pg_authid WHERE rolname IN (" +
                        in_list(conn_, users) + ")");
  for (const auto& r : rows) out[r[0]] = r[1];
  return out;
}

std::map<std::string, std::set<std::string>> PgServer::members(const std::vector<std::string>& dbs) {
  std::map<std::string, std::set<std::string>> out;
  if (dbs.empty()) return out;
  auto rows = conn_.run(
      "SELECT g.rolname, m.rolname FROM pg_catalog.pg_auth_members a JOIN pg_catalog.pg_roles g ON g.oid = a.roleid "
      "JOIN pg_catalog.pg_roles m ON m.oid = a.member WHERE g.rolname IN (" +
      in_list(conn_, dbs) + ")");
  for (const auto& r : rows) out[r[0]].insert(r[1]);
  return out;
}

std::string PgServer::conninfo(const std::string& db) const {
  PgCredentials c = pg_credentials(root_);
  // The password stays in the .pgpass file (passfile=): never in a command line.
  return "host=" + conninfo_value(c.host) + " port=" + conninfo_value(c.port) + " user=" + conninfo_value(c.user) +
         " passfile=" + conninfo_value(root_.path("root/.pgpass")) + " dbname=" + conninfo_value(db);
}

std::string PgServer::dump(const std::string& db) {
  auto out = run_capture({"pg_dump", "--format=tar", "--no-password", "--dbname=" + conninfo(db)});
  if (!out) throw ApiError("The system failed to dump the PostgreSQL database “" + db + "”.");
  return *out;
}

void PgServer::restore(const std::string& db, const std::string& tar) {
  auto out = run_with_input({"pg_restore", "--no-password", "--no-owner", "--no-privileges", "--role=" + db,
                             "--exit-on-error", "--dbname=" + conninfo(db)},
                            tar);
  if (!out || out->status != 0)
    throw ApiError("The system failed to restore the PostgreSQL database “" + db + "”: " + (out ? out->output : ""));
}

}  // namespace whm
