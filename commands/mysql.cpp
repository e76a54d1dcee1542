// MariaDB for cPanel accounts: the UAPI Mysql module, the API 2 MysqlFE
// functions clients still call, and the WHM API 1 "Databases" category
// (except the three PostgreSQL functions). The server is reached through
// lib/store/mysql_server.hpp, an account's records are its database map
// (lib/store/db_map.hpp); docs/databases.md describes both.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "apt_packages.hpp"
#include "curl_api.hpp"
#include "damage.hpp"
#include "db_map.hpp"
#include "db_names.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mysql_db.hpp"
#include "mysql_profiles.hpp"
#include "mysql_server.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "services.hpp"
#include "sysusers.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

const char* const kFeature = "mysql";

// The name without the account's prefix ("bob_app" -> "app").
std::string short_name(const Transaction& view, const std::string& cpuser, const std::string& name) {
  const std::string p = db_prefix(view, cpuser) + "_";
  return has_db_prefix(view, cpuser, name) ? name.substr(p.size()) : name;
}

// API 2 passes names without the prefix; it is added when needed.
std::string api2_name(const Transaction& view, const Context& ctx, const std::string& name) {
  return add_db_prefix_if_needed(view, ctx.account.user, name);
}

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its databases cannot be changed.");
}

// Runs `fn` on the account's databases and stages the map.
template <class Fn>
Response change(Context& ctx, Fn fn) {
  refuse_if_suspended(ctx);
  Transaction& txn = ctx.txn();
  MysqlAccount acct(ctx.root, txn, ctx.account.user);
  Response r;
  fn(acct, txn, r);
  acct.stage(txn);
  return r;
}

// ---- UAPI Mysql ----

Response create_database(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) { a.create_database(txn, name); });
}

Response delete_database(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response&) { a.delete_database(name); });
}

Response create_user(Context& ctx, const Request& req) {
  const std::string name = req.require("name"), password = req.require("password");
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) { a.create_user(txn, name, password); });
}

Response delete_user(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response&) { a.delete_user(name); });
}

Response set_password(Context& ctx, const Request& req) {
  const std::string user = req.require("user"), password = req.require("password");
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response& r) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& [host, error] : a.set_password(user, password))
      failures.push_back({{"host", host}, {"error", error}});
    r.data = {{"failures", failures}};
  });
}

std::vector<std::string> privileges_arg(const Request& req) {
  const auto text = req.get("privileges");
  if (!text || trim(*text).empty()) return {"USAGE"};
  return parse_mysql_privileges(*text);
}

Response set_privileges_on_database(Context& ctx, const Request& req) {
  const std::string user = req.require("user"), db = req.require("database");
  const auto privs = privileges_arg(req);
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response&) { a.set_privileges(user, db, privs); });
}

Response revoke_access_to_database(Context& ctx, const Request& req) {
  const std::string user = req.require("user"), db = req.require("database");
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response&) { a.revoke(user, db); });
}

Response get_privileges_on_database(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  r.data = a.privileges(req.require("user"), req.require("database"));
  return r;
}

Response rename_database(Context& ctx, const Request& req) {
  const std::string from = req.require("oldname"), to = req.require("newname");
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) { a.rename_database(txn, from, to); });
}

Response rename_user(Context& ctx, const Request& req) {
  const std::string from = req.require("oldname"), to = req.require("newname");
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) { a.rename_user(txn, from, to); });
}

// Sizes need the server; without one (a map-only root) they are 0 and the
// call warns.
std::map<std::string, long long> sizes_or_warn(const Context& ctx, MysqlAccount& a, Response& r) {
  if (a.map().mysql.dbs.empty()) return {};
  if (!read_root_my_cnf(ctx.root).found) return {};
  try {
    return a.sizes();
  } catch (const ApiError& e) {
    r.warnings.push_back(e.what());
    return {};
  }
}

Response list_databases(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  const auto sizes = sizes_or_warn(ctx, a, r);
  r.data = nlohmann::json::array();
  for (const auto& db : a.map().mysql.dbs) {
    auto it = sizes.find(db);
    r.data.push_back(
        {{"database", db}, {"disk_usage", it == sizes.end() ? 0 : it->second}, {"users", a.map().mysql.users_of(db)}});
  }
  return r;
}

Response list_users(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const DbMap m = load_db_map(view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& [name, u] : m.mysql.users)
    r.data.push_back({{"user", name},
                      {"shortuser", short_name(view, ctx.account.user, name)},
                      {"databases", std::vector<std::string>(u.dbs.begin(), u.dbs.end())}});
  return r;
}

Response get_restrictions(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"max_database_name_length", kMysqlDbNameMax},
            {"max_username_length", kMysqlDbUserMax},
            {"prefix", db_prefixing_enabled(view) ? nlohmann::json(db_prefix(view, ctx.account.user) + "_")
                                                  : nlohmann::json(nullptr)}};
  return r;
}

bool is_remote_host(const MysqlCredentials& c) {
  return !(c.host.empty() || c.host == "localhost" || c.host == "127.0.0.1" || c.host == "::1");
}

Response get_server_information(Context& ctx, const Request&) {
  const MysqlCredentials c = read_root_my_cnf(ctx.root);
  auto conn = MysqlConnection::open_root(ctx.root);
  const std::string full = conn->server_version();
  Response r;
  r.data = {{"host", c.host.empty() ? "localhost" : c.host},
            {"is_remote", is_remote_host(c) ? 1 : 0},
            {"version", full.substr(0, full.find('-'))}};
  return r;
}

Response locate_server(Context& ctx, const Request&) {
  const MysqlCredentials c = read_root_my_cnf(ctx.root);
  Response r;
  r.data = {{"is_remote", is_remote_host(c) ? 1 : 0}, {"remote_host", c.host.empty() ? "localhost" : c.host}};
  return r;
}

Response check_or_repair(Context& ctx, const Request& req, bool repair) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& row : a.check_or_repair(req.require("name"), repair))
    r.data.push_back({{"table", row[0]}, {"msg_type", row[1]}, {"msg_text", row[2]}});
  return r;
}
Response check_database(Context& ctx, const Request& req) { return check_or_repair(ctx, req, false); }
Response repair_database(Context& ctx, const Request& req) { return check_or_repair(ctx, req, true); }

Response dump_database_schema(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  r.data = a.schema_dump(req.require("dbname"));
  return r;
}

Response list_routines(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  r.data = a.routines(req.get("database_user").value_or(""));
  return r;
}

Response update_privileges(Context& ctx, const Request&) {
  refuse_if_suspended(ctx);
  auto conn = MysqlConnection::open_root(ctx.root);
  conn->run("FLUSH PRIVILEGES");
  return {};
}

Response setup_db_and_user(Context& ctx, const Request& req) {
  const std::string extra = req.get("prefix").value_or("");
  for (char c : extra)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      throw ApiError("The prefix “" + extra + "” may contain only letters and numbers.");
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response& r) {
    std::string base = db_prefixing_enabled(txn) ? db_prefix(txn, ctx.account.user) + "_" : "";
    if (!extra.empty()) base += extra + "_";
    if (base.size() + 8 > kMysqlDbUserMax) throw ApiError("The prefix “" + extra + "” is too long.");
    const std::string db = base + to_lower(random_alphanumeric(kMysqlDbNameMax - base.size()));
    const std::string user = base + to_lower(random_alphanumeric(kMysqlDbUserMax - base.size()));
    const std::string password = generate_password(30);
    a.create_database(txn, db);
    a.create_user(txn, user, password);
    a.set_privileges(user, db, {"ALL PRIVILEGES"});
    const MysqlCredentials c = read_root_my_cnf(ctx.root);
    r.data = {{"database", db},
              {"database_user", user},
              {"database_user_password", password},
              {"hostname", c.host.empty() ? "localhost" : c.host},
              {"port", std::to_string(c.port)}};
  });
}

// ---- Remote access hosts ----

Response add_host(Context& ctx, const Request& req) {
  const std::string host = normalize_mysql_host(req.require("host"));
  return change(ctx, [&](MysqlAccount& a, Transaction&, Response&) { a.add_host(host); });
}

Response delete_host(Context& ctx, const Request& req) {
  const std::string given = req.require("host");
  if (given == "localhost") throw ApiError("You cannot remove the entry for “localhost”.");
  const std::string host = normalize_mysql_host(given);
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.delete_host(host);
    nlohmann::json notes = load_mysql_notes(txn, ctx.account.user);
    if (notes.contains(host)) {
      notes.erase(host);
      stage_mysql_notes(txn, ctx.account.user, notes);
    }
  });
}

// UTF-8 text cut to at most `n` characters (cPanel's substr on characters).
std::string cut_chars(const std::string& s, size_t n) {
  size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == n) break;
      ++chars;
    }
  }
  return s.substr(0, i);
}

Response add_host_note(Context& ctx, const Request& req) {
  const std::string given = req.require("host"), note = req.require("note");
  const std::string host = given == "localhost" ? given : normalize_mysql_host(given);
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    const auto hosts = a.remote_hosts();
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end())
      throw ApiError("That host is not authorized for remote access.");
    nlohmann::json notes = load_mysql_notes(txn, ctx.account.user);
    notes[cut_chars(host, 60)] = cut_chars(note, 255);
    stage_mysql_notes(txn, ctx.account.user, notes);
  });
}

Response get_host_notes(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = load_mysql_notes(view, ctx.account.user);
  return r;
}

// ---- API 2 MysqlFE (names without the prefix get it) ----

Response fe_listdbs(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  MysqlAccount a(ctx.root, view, ctx.account.user);
  Response r;
  const auto sizes = sizes_or_warn(ctx, a, r);
  r.data = nlohmann::json::array();
  for (const auto& db : a.map().mysql.dbs) {
    auto it = sizes.find(db);
    const long long size = it == sizes.end() ? 0 : it->second;
    nlohmann::json users = nlohmann::json::array();
    for (const auto& u : a.map().mysql.users_of(db)) users.push_back({{"db", db}, {"user", u}});
    char meg[32];
    std::snprintf(meg, sizeof meg, "%.2f", static_cast<double>(size) / (1024.0 * 1024.0));
    r.data.push_back({{"db", db}, {"size", size}, {"sizemeg", meg}, {"usercount", users.size()}, {"userlist", users}});
  }
  return r;
}

Response fe_listusers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const DbMap m = load_db_map(view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& [name, u] : m.mysql.users) {
    nlohmann::json dbs = nlohmann::json::array();
    for (const auto& db : u.dbs) dbs.push_back({{"db", db}, {"user", name}});
    r.data.push_back({{"user", name},
                      {"shortuser", short_name(view, ctx.account.user, name)},
                      {"dbcount", u.dbs.size()},
                      {"dblist", dbs}});
  }
  return r;
}

Response fe_listusersindb(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const DbMap m = load_db_map(view, ctx.account.user);
  const std::string db = api2_name(view, ctx, req.require("db"));
  if (!m.mysql.dbs.count(db))
    throw ApiError("The system user “" + ctx.account.user + "” does not control a MySQL database named “" + db + "”.");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& u : m.mysql.users_of(db))
    r.data.push_back({{"db", db}, {"user", u}, {"shortuser", short_name(view, ctx.account.user, u)}});
  return r;
}

Response fe_createdb(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.create_database(txn, api2_name(txn, ctx, req.require("db")));
  });
}

Response fe_deletedb(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.delete_database(api2_name(txn, ctx, req.require("db")));
  });
}

Response fe_createdbuser(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.create_user(txn, api2_name(txn, ctx, req.require("dbuser")), req.require("password"));
  });
}

Response fe_deletedbuser(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.delete_user(api2_name(txn, ctx, req.require("dbuser")));
  });
}

Response fe_changedbuserpassword(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.set_password(api2_name(txn, ctx, req.require("dbuser")), req.require("password"));
  });
}

Response fe_setdbuserprivileges(Context& ctx, const Request& req) {
  const auto privs = privileges_arg(req);
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.set_privileges(api2_name(txn, ctx, req.require("dbuser")), api2_name(txn, ctx, req.require("db")), privs);
  });
}

Response fe_revokedbuserprivileges(Context& ctx, const Request& req) {
  return change(ctx, [&](MysqlAccount& a, Transaction& txn, Response&) {
    a.revoke(api2_name(txn, ctx, req.require("dbuser")), api2_name(txn, ctx, req.require("db")));
  });
}

// ---- WHM API 1 ----

// Every map's objects of both engines: {cpuser, engine, name}.
Response list_db_objects(Context& ctx, DbObject kind) {
  Transaction view(ctx.root);
  Response r;
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& user : db_map_users(view)) {
    const auto text = view.read(db_map_rel(user));
    if (!text) continue;
    std::vector<std::string> problems;
    const DbMap m = parse_db_map(user, *text, problems);
    if (!problems.empty()) {
      r.warnings.push_back(damage_summary(db_map_rel(user), problems));
      continue;
    }
    for (Engine e : {Engine::MySQL, Engine::PostgreSQL}) {
      const DbEngineMap& em = m.engine(e);
      if (kind == DbObject::Database) {
        for (const auto& db : em.dbs)
          payload.push_back({{"cpuser", user}, {"engine", engine_api_name(e)}, {"name", db}});
      } else {
        for (const auto& [name, u] : em.users)
          payload.push_back({{"cpuser", user}, {"engine", engine_api_name(e)}, {"name", name}});
      }
    }
  }
  r.data = {{"payload", payload}};
  return r;
}
Response whm_list_databases(Context& ctx, const Request&) { return list_db_objects(ctx, DbObject::Database); }
Response whm_list_database_users(Context& ctx, const Request&) { return list_db_objects(ctx, DbObject::User); }

Response list_mysql_databases_and_users(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  Transaction view(ctx.root);
  if (!view.exists("var/cpanel/users/" + user)) throw ApiError("The user “" + user + "” does not exist.");
  const DbMap m = load_db_map(view, user);
  nlohmann::json dbs = nlohmann::json::object();
  for (const auto& db : m.mysql.dbs) dbs[db] = m.mysql.users_of(db);
  Response r;
  r.data = {{"mysql_config",
             {{"mysql-version", read_tweak_setting(view, "mysql-version").value_or("")},
              {"prefix_length", db_prefix_length(view)},
              {"use_db_prefix", db_prefixing_enabled(view) ? 1 : 0}}},
            {"mysql_databases", dbs}};
  return r;
}

// The account owning a database or user: `cpuser`, else looked up in the maps.
std::string owner_of(const Transaction& view, const Request& req, DbObject kind, const std::string& name) {
  if (auto cpuser = req.get("cpuser"); cpuser && !cpuser->empty()) {
    const DbMap m = load_db_map(view, *cpuser);
    const bool has = kind == DbObject::Database ? m.mysql.dbs.count(name) > 0 : m.mysql.users.count(name) > 0;
    if (!has)
      throw ApiError("The system user “" + *cpuser + "” does not control a MySQL " +
                     (kind == DbObject::Database ? "database" : "user") + " named “" + name + "”.");
    return *cpuser;
  }
  if (auto owner = db_object_owner(view, Engine::MySQL, kind, name)) return *owner;
  throw ApiError(std::string("No cPanel user controls a MySQL ") + (kind == DbObject::Database ? "database" : "user") +
                 " named “" + name + "”.");
}

template <class Fn>
Response whm_change(Context& ctx, const Request& req, DbObject kind, const std::string& name, Fn fn) {
  Transaction& txn = ctx.txn();
  const std::string cpuser = owner_of(txn, req, kind, name);
  MysqlAccount a(ctx.root, txn, cpuser);
  fn(a, txn);
  a.stage(txn);
  return {};
}

Response rename_mysql_database(Context& ctx, const Request& req) {
  const std::string from = req.require("oldname"), to = req.require("newname");
  return whm_change(ctx, req, DbObject::Database, from,
                    [&](MysqlAccount& a, Transaction& txn) { a.rename_database(txn, from, to); });
}

Response rename_mysql_user(Context& ctx, const Request& req) {
  const std::string from = req.require("oldname"), to = req.require("newname");
  return whm_change(ctx, req, DbObject::User, from,
                    [&](MysqlAccount& a, Transaction& txn) { a.rename_user(txn, from, to); });
}

Response set_mysql_password(Context& ctx, const Request& req) {
  const std::string user = req.require("user"), password = req.require("password");
  return whm_change(ctx, req, DbObject::User, user,
                    [&](MysqlAccount& a, Transaction&) { a.set_password(user, password); });
}

Response current_mysql_version(Context& ctx, const Request&) {
  auto conn = MysqlConnection::open_root(ctx.root);
  const std::string full = conn->server_version();
  const bool mariadb = full.find("MariaDB") != std::string::npos;
  const auto parts = split(full.substr(0, full.find('-')), '.');
  Response r;
  r.data = {{"server", mariadb ? "mariadb" : "mysql"},
            {"version", parts.size() >= 2 ? parts[0] + "." + parts[1] : full}};
  return r;
}

Response set_local_mysql_root_password(Context& ctx, const Request& req) {
  const std::string password = req.require("password");
  if (password.empty()) throw ApiError("The password cannot be empty.");
  const MysqlCredentials c = read_root_my_cnf(ctx.root);
  if (is_remote_host(c))
    throw ApiError("The active MySQL profile is a remote server; this function changes the local one.");
  auto conn = MysqlConnection::open_root(ctx.root);
  Transaction& txn = ctx.txn();
  const std::string cnf = txn.read(kRootMyCnf).value_or("[client]\nuser=root\n");
  // The account whmkit logged in as first: once it has the new password,
  // /root/.my.cnf must get it too. The same user's other local hosts follow;
  // one that refuses is reported, not fatal.
  const auto current = conn->value("SELECT CURRENT_USER()").value_or("");
  const auto at = current.rfind('@');
  if (at == std::string::npos) throw ApiError("The MySQL server did not name the current user.");
  conn->run("ALTER USER " + conn->account(current.substr(0, at), current.substr(at + 1)) + " IDENTIFIED BY " +
            conn->literal(password));
  Response r;
  for (const auto& row : conn->run("SELECT Host FROM mysql.user WHERE User = " + conn->literal(c.user))) {
    if (!row[0] || current == c.user + "@" + *row[0]) continue;
    if (*row[0] != "localhost" && *row[0] != "127.0.0.1" && *row[0] != "::1") continue;
    try {
      conn->run("ALTER USER " + conn->account(c.user, *row[0]) + " IDENTIFIED BY " + conn->literal(password));
    } catch (const ApiError& e) {
      r.warnings.push_back(e.what());
    }
  }
  txn.write(kRootMyCnf, my_cnf_with_password(cnf, password), 0600, FileOwner{0, 0});
  r.data = {{"configs_updated", 1}, {"password_reset", 1}, {"profile_updated", 1}};
  return r;
}

// The server packages the distribution offers, as "major.minor" per server.
std::vector<std::pair<std::string, std::string>> offered_server_versions(const StateRoot& root) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : apt_offered_versions(root, {"mariadb-server", "mysql-server"})) {
    std::string v = p.version.substr(p.version.find(':') == std::string::npos ? 0 : p.version.find(':') + 1);
    const auto parts = split(v, '.');
    if (parts.size() < 2) continue;
    std::string minor;
    for (char c : parts[1])
      if (std::isdigit(static_cast<unsigned char>(c)))
        minor += c;
      else
        break;
    const std::pair<std::string, std::string> entry{p.package == "mariadb-server" ? "mariadb" : "mysql",
                                                    parts[0] + "." + minor};
    if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(entry);
  }
  return out;
}

Response installable_mysql_versions(Context& ctx, const Request&) {
  Response r;
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& [server, version] : offered_server_versions(ctx.root))
    versions.push_back({{"server", server}, {"version", version}});
  r.data = {{"versions", versions}};
  return r;
}

Response latest_available_mysql_version(Context& ctx, const Request&) {
  const auto offered = offered_server_versions(ctx.root);
  if (offered.empty()) throw ApiError("The package manager offers no MariaDB or MySQL server package.");
  // The installed server's kind first (MariaDB on Debian), its newest version.
  auto best = offered.front();
  for (const auto& o : offered)
    if (o.first == best.first && compare_deb_versions(o.second, best.second) > 0) best = o;
  Response r;
  r.data = {{"server", best.first}, {"version", best.second}};
  return r;
}

// ---- MySQL upgrades (the distribution's packages) ----
//
// A job is var/cpanel/logs/mysql_upgrade.<YYYYMMDD-HHMMSS>/ (cPanel's log
// directory and id): unattended_background_upgrade.log (apt-get's output),
// unattended_background_upgrade_error.log (its errors) and whmkit's record
// whmkit_upgrade.json {"state": "inprogress"|"success"|"failed", "package",
// "version", "pid", "exit_status"} (cPanel's own record is UNCONFIRMED).

constexpr const char* kUpgradeLogDir = "var/cpanel/logs";

void require_system_root(const Context& ctx, const std::string& what) {
  if (!ctx.root.is_system_root())
    throw ApiError(what + " runs the distribution's package manager (apt-get), which whmkit does only when the state " +
                   "root is “/”; this state root is “" + ctx.root.root() + "”.");
}

std::string upgrade_dir(const std::string& id) {
  static const std::regex form(R"(^mysql_upgrade\.\d{8}-\d{6}$)");
  if (!std::regex_match(id, form)) throw ApiError("“" + id + "” is not a valid upgrade ID.");
  return std::string(kUpgradeLogDir) + "/" + id;
}

// Runs apt-get in a detached process; its parent records the outcome.
void launch_apt_upgrade(const StateRoot& root, const std::string& dir, const std::string& package,
                        const std::string& version, nlohmann::json record) {
  const std::string log = root.path(dir + "/unattended_background_upgrade.log");
  const std::string err = root.path(dir + "/unattended_background_upgrade_error.log");
  const std::string rec = root.path(dir + "/whmkit_upgrade.json");
  const pid_t first = ::fork();
  if (first < 0) throw ApiError("The upgrade could not be started: fork failed.");
  if (first > 0) {
    ::waitpid(first, nullptr, 0);
    return;
  }
  ::setsid();
  if (::fork() != 0) ::_exit(0);  // the recorder is adopted by init
  const pid_t apt = ::fork();
  if (apt == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
    const int er = ::open(err.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || er < 0 || in < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(er, 2);
    ::setenv("DEBIAN_FRONTEND", "noninteractive", 1);
    const std::string target = package + "=" + version;
    ::execlp("apt-get", "apt-get", "install", "-y", "--allow-downgrades", "-o", "Dpkg::Options::=--force-confold",
             target.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = -1;
  if (apt > 0) ::waitpid(apt, &status, 0);
  const bool ok = apt > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  record["state"] = ok ? "success" : "failed";
  record["exit_status"] = apt > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  try {
    atomic_write_file(rec, json_text(record) + "\n", 0600, FileOwner{0, 0});
  } catch (...) {
  }
  ::_exit(0);
}

Response start_background_mysql_upgrade(Context& ctx, const Request& req) {
  const std::string version = req.require("version");
  static const std::regex form(R"(^\d+\.\d+$)");
  if (!std::regex_match(version, form))
    throw ApiError("The version “" + version + "” is not valid: it must contain one decimal.");
  require_system_root(ctx, "The MySQL upgrade");
  // The newest package version of that major.minor the lists offer.
  std::string package, full;
  for (const auto& p : apt_offered_versions(ctx.root, {"mariadb-server", "mysql-server"})) {
    const std::string v = p.version.substr(p.version.find(':') == std::string::npos ? 0 : p.version.find(':') + 1);
    if (!starts_with(v, version + ".")) continue;
    if (full.empty() || compare_deb_versions(p.version, full) > 0) {
      package = p.package;
      full = p.version;
    }
  }
  if (full.empty()) throw ApiError("The package manager does not offer MariaDB or MySQL version “" + version + "”.");
  const std::string id = "mysql_upgrade." + format_time(now(), "%Y%m%d-%H%M%S"), dir = upgrade_dir(id);
  Transaction& txn = ctx.txn();
  if (txn.exists(dir + "/whmkit_upgrade.json")) throw ApiError("An upgrade started this second already: “" + id + "”.");
  nlohmann::json record = {{"state", "inprogress"}, {"package", package}, {"version", full}, {"pid", nullptr}};
  txn.write(dir + "/unattended_background_upgrade.log",
            "Starting process with log file at /" + dir + "/unattended_background_upgrade.log\nInstalling " + package +
                " " + full + " with apt-get.\n",
            0600, FileOwner{0, 0});
  txn.write(dir + "/whmkit_upgrade.json", json_text(record) + "\n", 0600, FileOwner{0, 0});
  const StateRoot& root = ctx.root;
  txn.on_commit("run apt-get install " + package + "=" + full,
                [&root, dir, package, full, record] { launch_apt_upgrade(root, dir, package, full, record); });
  Response r;
  r.data = {{"upgrade_id", id}};
  return r;
}

Response background_mysql_upgrade_status(Context& ctx, const Request& req) {
  const std::string id = req.require("upgrade_id");
  const std::string dir = upgrade_dir(id);
  Transaction view(ctx.root);
  const auto record_text = view.read(dir + "/whmkit_upgrade.json");
  const auto log = view.read(dir + "/unattended_background_upgrade.log");
  if (!record_text && !log) throw ApiError("No MySQL upgrade with the ID “" + id + "” exists.");
  std::string state = "inprogress";
  if (record_text) {
    FileProblems problems;
    const nlohmann::json rec = parse_json_object(*record_text, problems);
    refuse_if_damaged(dir + "/whmkit_upgrade.json", problems, "used");
    if (rec.contains("state") && rec["state"].is_string()) state = rec["state"].get<std::string>();
  }
  Response r;
  r.data = {{"error", state == "failed" ? 1 : 0},
            {"error_log", view.read(dir + "/unattended_background_upgrade_error.log").value_or("")},
            {"log", log.value_or("")},
            {"state", state}};
  return r;
}

// ---- The server's configuration (/etc/my.cnf) ----

constexpr const char* kMyCnf = "etc/my.cnf";

// MySQL treats "-" and "_" in option names alike.
std::string option_key(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return to_lower(name);
}

// Sets `name=value` in `[section]`: the option's line replaced where the
// section has it, else added at the section's end (a new section at the end
// of the file). Other lines, comments and !include directives stay.
std::string my_cnf_with(const std::string& text, const std::string& section, const std::string& name,
                        const std::string& value) {
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string current;
  long last_in_section = -1;
  bool found_section = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    if (!t.empty() && t.front() == '[' && t.back() == ']') {
      current = to_lower(trim(t.substr(1, t.size() - 2)));
      if (current == to_lower(section)) {
        found_section = true;
        last_in_section = static_cast<long>(i);
      }
      continue;
    }
    if (current != to_lower(section)) continue;
    if (t.empty() || t[0] == '#' || t[0] == ';' || t[0] == '!') continue;
    last_in_section = static_cast<long>(i);  // a new option goes after the section's last one
    const std::string key = trim(t.substr(0, t.find('=')));
    if (option_key(key) == option_key(name)) {
      lines[i] = name + "=" + value;
      return join(lines, "\n") + "\n";
    }
  }
  if (found_section) {
    lines.insert(lines.begin() + last_in_section + 1, name + "=" + value);
  } else {
    if (!lines.empty() && !trim(lines.back()).empty()) lines.push_back("");
    lines.push_back("[" + section + "]");
    lines.push_back(name + "=" + value);
  }
  return join(lines, "\n") + "\n";
}

struct SqlSetting {
  std::string section, name, value;
};

std::vector<SqlSetting> sql_settings_arg(const Request& req) {
  std::vector<SqlSetting> out;
  if (auto data = req.get("data")) {
    // The reference's body: [{"name": ..., "section": ..., "value": ...}].
    nlohmann::json j = nlohmann::json::parse(*data, nullptr, false);
    if (j.is_object() && j.contains("data")) j = j["data"];
    if (!j.is_array()) throw ApiError("The “data” parameter must be a JSON array of objects.");
    for (const auto& item : j) {
      if (!item.is_object() || !item.contains("name") || !item.contains("value"))
        throw ApiError("Each item of “data” needs a “name” and a “value”.");
      auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
      out.push_back(
          {item.contains("section") ? text(item["section"]) : "mysqld", text(item["name"]), text(item["value"])});
    }
  } else {
    const auto& names = req.list("name");
    const auto& values = req.list("value");
    const auto& sections = req.list("section");
    if (names.empty()) throw ApiError("Missing required parameter “data”.");
    if (values.size() != names.size()) throw ApiError("Each “name” needs a “value”.");
    for (size_t i = 0; i < names.size(); ++i)
      out.push_back({i < sections.size() && !sections[i].empty() ? sections[i] : "mysqld", names[i], values[i]});
  }
  static const std::regex name_form(R"(^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$)"), section_form(R"(^[A-Za-z0-9_.-]{1,64}$)");
  for (const auto& s : out) {
    if (!std::regex_match(s.name, name_form)) throw ApiError("“" + s.name + "” is not a valid option name.");
    if (!std::regex_match(s.section, section_form)) throw ApiError("“" + s.section + "” is not a valid section.");
    check_single_line("value", s.value);
    if (s.value.size() > 1024) throw ApiError("The value for “" + s.name + "” is too long.");
  }
  return out;
}

Response update_sql_config(Context& ctx, const Request& req) {
  const auto settings = sql_settings_arg(req);
  Transaction& txn = ctx.txn();
  std::string text = txn.read(kMyCnf).value_or("");
  for (const auto& s : settings) text = my_cnf_with(text, s.section, s.name, s.value);
  txn.write(kMyCnf, text, 0644, FileOwner{0, 0});
  // The server reads the file when it starts: a running server is restarted
  // once the file is written (one that does not come back is the call's
  // error, the file stays written); a stopped one is left alone.
  const StateRoot& root = ctx.root;
  txn.on_commit("restart the MySQL server", [&root] {
    const ServiceInfo* mysql = find_service("mysql");
    if (!mysql) return;
    Services services(root);
    if (!services.running(*mysql)) {
      add_notice("The MySQL server is not running: it reads the new settings when it starts.");
      return;
    }
    add_notice(services.restart(*mysql));
  });
  return {};
}

// ---- Remote MySQL profiles ----

std::string profile_name_arg(const Request& req) { return req.require("name"); }

nlohmann::json require_profile(const nlohmann::json& profiles, const std::string& name) {
  if (!profiles.contains(name)) throw ApiError("No profile named “" + name + "” found on the system.");
  return profiles[name];
}

// The profile's fields from the call: given ones replace `base`'s.
nlohmann::json profile_from(const Request& req, nlohmann::json base) {
  for (const char* key : {"mysql_host", "mysql_user", "mysql_pass", "mysql_port", "setup_via", "cpcloud"})
    if (auto v = req.get(key)) base[key] = *v;
  return base;
}

Response profile_saved(const std::string& name, const nlohmann::json& details) {
  Response r;
  r.data = {{"profile_saved", name}, {"profile_details", details}};
  return r;
}

Response remote_mysql_create_profile(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction& txn = ctx.txn();
  nlohmann::json profiles = load_mysql_profiles(txn);
  if (profiles.contains(name)) throw ApiError("A Remote MySQL profile named “" + name + "” already exists.");
  nlohmann::json p = profile_from(req, nlohmann::json::object());
  if (!p.contains("setup_via")) p["setup_via"] = "Main terminal";  // UNCONFIRMED: the reference's sample value
  profiles[name] = sanitize_mysql_profile(name, p);
  stage_mysql_profiles(txn, profiles);
  return profile_saved(name, profiles[name]);
}

Response remote_mysql_update_profile(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction& txn = ctx.txn();
  nlohmann::json profiles = load_mysql_profiles(txn);
  nlohmann::json p = profile_from(req, require_profile(profiles, name));
  profiles[name] = sanitize_mysql_profile(name, p);
  stage_mysql_profiles(txn, profiles);
  return profile_saved(name, profiles[name]);
}

Response remote_mysql_delete_profile(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction& txn = ctx.txn();
  nlohmann::json profiles = load_mysql_profiles(txn);
  const nlohmann::json p = require_profile(profiles, name);
  if (p.value("active", 0) == 1) throw ApiError("You cannot delete the active MySQL profile: " + name);
  profiles.erase(name);
  stage_mysql_profiles(txn, profiles);
  Response r;
  r.data = {{"profile_deleted", name}, {"profile_details", p}};
  return r;
}

Response remote_mysql_read_profile(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction view(ctx.root);
  Response r;
  r.data = {{"profile_name", name}, {"profile_details", require_profile(load_mysql_profiles(view), name)}};
  return r;
}

MysqlCredentials credentials_of(const nlohmann::json& p) {
  MysqlCredentials c;
  c.host = p.value("mysql_host", "localhost");
  c.user = p.value("mysql_user", "");
  c.password = p.value("mysql_pass", "");
  c.port = static_cast<unsigned>(p.value("mysql_port", 3306));
  c.found = true;
  return c;
}

// Versions cPanel's profile manager accepts (Cpanel::MysqlUtils::Versions: UNCONFIRMED list).
bool supported_version(const std::string& full) {
  const bool mariadb = full.find("MariaDB") != std::string::npos;
  const auto parts = split(full.substr(0, full.find('-')), '.');
  if (parts.size() < 2) return false;
  const std::string v = parts[0] + "." + parts[1];
  static const std::vector<std::string> maria = {"10.3", "10.5", "10.6", "10.11", "11.4"}, mysql = {"8.0", "8.4"};
  const auto& list = mariadb ? maria : mysql;
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Connects with the profile and checks what cPanel checks: a supported
// version, ALL PRIVILEGES on *.* WITH GRANT OPTION, no caching_sha2_password.
void validate_profile(const nlohmann::json& p) {
  const MysqlCredentials c = credentials_of(p);
  std::unique_ptr<MysqlConnection> conn;
  try {
    conn = std::make_unique<MysqlConnection>(c);
  } catch (const ApiError& e) {
    throw ApiError("Unable to connect to the MySQL host “" + c.host + "”. Connection failed with error: " + e.what());
  }
  const std::string full = conn->server_version();
  if (!supported_version(full)) {
    const auto parts = split(full.substr(0, full.find('-')), '.');
    throw ApiError(std::string("The system does not support ") +
                   (full.find("MariaDB") != std::string::npos ? "MariaDB" : "MySQL") + " " +
                   (parts.size() >= 2 ? parts[0] + "." + parts[1] : full) + " running on the remote server.");
  }
  bool super = false;
  for (const auto& row : conn->run("SHOW GRANTS FOR CURRENT_USER()"))
    if (row[0] && starts_with(*row[0], "GRANT ALL PRIVILEGES ON *.* ") &&
        row[0]->find("WITH GRANT OPTION") != std::string::npos)
      super = true;
  if (!super)
    throw ApiError("The MySQL user “" + c.user + "” does not have the proper PRIVILEGES to act as a MySQL superuser.");
  const auto plugin = conn->run("SHOW VARIABLES WHERE VARIABLE_NAME = 'default_authentication_plugin'");
  if (!plugin.empty() && plugin[0].size() > 1 && plugin[0][1] && *plugin[0][1] == "caching_sha2_password")
    throw ApiError(
        "The MySQL server uses the “caching_sha2_password” authentication plugin, which is not currently supported.");
}

// remote_mysql_create_profile_via_ssh: OpenSSH's client (`ssh`, run without
// a shell, BatchMode: key logins only) logs in to the MySQL server's host,
// learns the address it sees this server connect from ($SSH_CONNECTION),
// then runs the host's own `mysql` client as root (directly, or `sudo -n`)
// with the statements on its standard input: a new superuser
// 'cpremote_<random>'@'<that address>' with a random password and ALL
// PRIVILEGES ... WITH GRANT OPTION, and the server's port. The profile is
// then validated by connecting, as remote_mysql_validate_profile does, and
// saved. UNCONFIRMED: cPanel's user name, its host-key policy (whmkit
// accepts the host key it is shown, as a first login does) and its password
// and `su` logins, which whmkit does not offer (no libssh2): a password,
// a key passphrase or root_escalation_method=su is refused.
std::string ssh_key_path(const Context& ctx, const std::string& name) {
  static const std::regex form(R"(^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$)");
  if (!std::regex_match(name, form) || name.find("..") != std::string::npos)
    throw ApiError("“" + name + "” is not a valid SSH key name.");
  const std::string rel = "root/.ssh/" + name;
  if (!ctx.root.exists(rel)) throw ApiError("The SSH key “" + name + "” does not exist.");
  return ctx.root.path(rel);
}

ProgramOutput run_ssh(const std::vector<std::string>& base, const std::string& command, const std::string& input) {
  std::vector<std::string> argv = base;
  argv.push_back(command);
  auto out = run_with_input(argv, input);
  if (!out) throw ApiError("The SSH client (ssh) could not be started.");
  return *out;
}

Response remote_mysql_create_profile_via_ssh(Context& ctx, const Request& req) {
  const std::string name = req.require("name"), host = req.require("host"), user = req.require("user");
  const long long port = req.integer("port", 1, 65535).value_or(22);
  if (req.get("password").value_or("") != "" || req.get("sshkey_passphrase").value_or("") != "")
    throw ApiError(
        "whmkit logs in with an SSH key without a passphrase only (sshkey_name): password logins need an "
        "SSH library whmkit does not have.");
  const std::string key = req.get("sshkey_name").value_or("");
  if (key.empty()) throw ApiError("You must specify either the “password” or the “sshkey_name” parameter.");
  const std::string escalation = req.get("root_escalation_method").value_or("");
  if (user != "root" && escalation.empty())
    throw ApiError("The “root_escalation_method” parameter is required when the user is not “root”.");
  if (user != "root" && escalation != "sudo")
    throw ApiError("whmkit escalates with sudo only (root_escalation_method=sudo).");
  static const std::regex user_form(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$)");
  if (!std::regex_match(user, user_form)) throw ApiError("“" + user + "” is not a valid SSH user name.");
  // The profile's checks first (name, host): nothing is done on a bad one.
  Transaction& txn = ctx.txn();
  nlohmann::json profiles = load_mysql_profiles(txn);
  if (profiles.contains(name)) throw ApiError("A Remote MySQL profile named “" + name + "” already exists.");
  sanitize_mysql_profile(name, {{"mysql_host", host},
                                {"mysql_port", 3306},
                                {"mysql_user", "cpremote"},
                                {"mysql_pass", "x"},
                                {"setup_via", "Created via SSH"}});
  if (!connections_beyond_loopback_allowed() && !is_loopback_host(host))
    throw ApiError("The host “" + host + "” is not a loopback address: only the server at “/” connects elsewhere.");
  const std::vector<std::string> base = {"ssh",
                                         "-F",
                                         "/dev/null",
                                         "-p",
                                         std::to_string(port),
                                         "-i",
                                         ssh_key_path(ctx, key),
                                         "-o",
                                         "IdentitiesOnly=yes",
                                         "-o",
                                         "IdentityAgent=none",
                                         "-o",
                                         "BatchMode=yes",
                                         "-o",
                                         "StrictHostKeyChecking=no",
                                         "-o",
                                         "UserKnownHostsFile=/dev/null",
                                         "-o",
                                         "LogLevel=ERROR",
                                         "-o",
                                         "ConnectTimeout=15",
                                         "-l",
                                         user,
                                         "--",
                                         host};
  // The address this server has as the other one sees it.
  const ProgramOutput where = run_ssh(base, "printf '%s\\n' \"${SSH_CONNECTION%% *}\"", "");
  if (where.status != 0) throw ApiError("The SSH login to “" + host + "” failed: " + trim(where.output.substr(0, 500)));
  const std::string from = trim(where.output);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, from.c_str(), &a4) != 1 && inet_pton(AF_INET6, from.c_str(), &a6) != 1)
    throw ApiError("The SSH server did not tell the address this server connects from.");
  const std::string mysql_user = "cpremote_" + to_lower(random_alphanumeric(8));
  const std::string mysql_pass = random_alphanumeric(32);
  // Only generated names, a checked address and a generated password go
  // into the statements (and they need no escaping: letters, digits, ".", ":").
  const std::string account = "'" + mysql_user + "'@'" + from + "'";
  const std::string sql = "CREATE USER " + account + " IDENTIFIED BY '" + mysql_pass +
                          "';\nGRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION;\nSELECT @@port;\n";
  const std::string client = std::string(user == "root" ? "" : "sudo -n ") + "mysql --batch --skip-column-names";
  const ProgramOutput made = run_ssh(base, client, sql);
  if (made.status != 0)
    throw ApiError("The MySQL user could not be created on “" + host + "”: " + trim(made.output.substr(0, 500)));
  const auto lines = split(trim(made.output), '\n');
  const auto mysql_port = lines.empty() ? std::nullopt : parse_int(trim(lines.back()));
  if (!mysql_port || *mysql_port < 1 || *mysql_port > 65535)
    throw ApiError("The MySQL server on “" + host + "” did not name its port.");
  nlohmann::json p = sanitize_mysql_profile(name, {{"mysql_host", host},
                                                   {"mysql_port", *mysql_port},
                                                   {"mysql_user", mysql_user},
                                                   {"mysql_pass", mysql_pass},
                                                   {"setup_via", "Created via SSH"},
                                                   {"cpcloud", req.get("cpcloud").value_or("0")}});
  validate_profile(p);
  profiles[name] = p;
  stage_mysql_profiles(txn, profiles);
  return profile_saved(name, p);
}

Response remote_mysql_read_profiles(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json profiles = load_mysql_profiles(view);
  for (auto it = profiles.begin(); it != profiles.end(); ++it) {
    auto& p = it.value();
    p["is_localhost_profile"] = is_local_mysql_host(p.value("mysql_host", "")) ? 1 : 0;
    int supported = 0;
    try {
      MysqlConnection conn(credentials_of(p));
      supported = supported_version(conn.server_version()) ? 1 : 0;
    } catch (const ApiError&) {
    }
    p["mysql_version_is_supported"] = supported;
  }
  Response r;
  r.data = profiles;
  return r;
}

Response remote_mysql_validate_profile(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction view(ctx.root);
  validate_profile(require_profile(load_mysql_profiles(view), name));
  Response r;
  r.data = {{"profile_validated", name}};
  return r;
}

// The activation, run to its end within the call (cPanel runs a background
// job; whmkit's steps are short): validate, point /root/.my.cnf at the
// profile, mark it active. The record is what the monitor function reports.
Response remote_mysql_initiate_profile_activation(Context& ctx, const Request& req) {
  const std::string name = profile_name_arg(req);
  Transaction& txn = ctx.txn();
  nlohmann::json profiles = load_mysql_profiles(txn);
  const nlohmann::json p = require_profile(profiles, name);
  nlohmann::json job = {{"profile_name", name}, {"start_time", static_cast<long long>(now())}};
  nlohmann::json steps = nlohmann::json::array();
  auto step = [&](const std::string& what, const std::function<void()>& fn) {
    nlohmann::json s = {{"name", what}, {"start_time", static_cast<long long>(now())}};
    try {
      fn();
      s["status"] = "DONE";
    } catch (const ApiError& e) {
      s["status"] = "FAILED";
      s["end_time"] = static_cast<long long>(now());
      steps.push_back(s);
      job["steps"] = steps;
      job["status"] = "FAILED";
      job["error"] = e.what();
      job["end_time"] = static_cast<long long>(now());
      throw;
    }
    s["end_time"] = static_cast<long long>(now());
    steps.push_back(s);
  };
  try {
    step("Validating the MySQL profile", [&] { validate_profile(p); });
    step("Updating /root/.my.cnf", [&] {
      std::string cnf = "[client]\nuser=" + p.value("mysql_user", "") + "\n";
      std::string quoted;
      for (char c : p.value("mysql_pass", "")) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      cnf += "password=\"" + quoted + "\"\nhost=" + p.value("mysql_host", "localhost") + "\n";
      cnf += "port=" + std::to_string(p.value("mysql_port", 3306)) + "\n";
      // A local profile keeps the socket the current file names.
      const MysqlCredentials current = read_root_my_cnf(ctx.root);
      if (is_local_mysql_host(p.value("mysql_host", "")) && !current.socket.empty())
        cnf += "socket=" + current.socket + "\n";
      txn.write(kRootMyCnf, cnf, 0600, FileOwner{0, 0});
    });
    step("Marking the profile active", [&] {
      for (auto it = profiles.begin(); it != profiles.end(); ++it) it.value()["active"] = it.key() == name ? 1 : 0;
      stage_mysql_profiles(txn, profiles);
    });
  } catch (const ApiError&) {
    // The failure is recorded in its own transaction (this one is abandoned).
    Transaction record(ctx.root);
    record.write(kMysqlActivationFile, json_text(job) + "\n", 0600, FileOwner{0, 0});
    record.commit();
    throw;
  }
  job["steps"] = steps;
  job["status"] = "DONE";
  job["end_time"] = static_cast<long long>(now());
  txn.write(kMysqlActivationFile, json_text(job) + "\n", 0600, FileOwner{0, 0});
  Response r;
  r.data = {{"activation_job_started", static_cast<long long>(::getpid())}};
  return r;
}

Response remote_mysql_monitor_profile_activation(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json last = nullptr;
  if (auto text = view.read(kMysqlActivationFile)) {
    FileProblems problems;
    last = parse_json_object(*text, problems);
    if (!problems.empty()) last = nullptr;
  }
  Response r;
  r.data = {{"job_in_progress", nullptr}, {"last_job_details", last}};
  return r;
}

std::vector<ParamSpec> name_param(const char* name) { return {required_param(name)}; }

WHMKIT_REGISTRATIONS(
    mysql_functions,
    // UAPI Mysql
    Registration({Api::Uapi,
                  "Mysql",
                  "create_database",
                  create_database,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("name"), optional_param("prefix-size", ParamType::Integer, "16")}}),
    Registration({Api::Uapi, "Mysql", "delete_database", delete_database, Access::Write, needs_feature(kFeature),
                  name_param("name")}),
    Registration({Api::Uapi,
                  "Mysql",
                  "create_user",
                  create_user,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("name"), required_param("password"),
                   optional_param("prefix-size", ParamType::Integer, "16")}}),
    Registration({Api::Uapi, "Mysql", "delete_user", delete_user, Access::Write, needs_feature(kFeature),
                  name_param("name")}),
    Registration({Api::Uapi,
                  "Mysql",
                  "set_password",
                  set_password,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("user"), required_param("password")}}),
    Registration({Api::Uapi,
                  "Mysql",
                  "set_privileges_on_database",
                  set_privileges_on_database,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("user"), required_param("database"), optional_param("privileges")}}),
    Registration({Api::Uapi,
                  "Mysql",
                  "revoke_access_to_database",
                  revoke_access_to_database,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("user"), required_param("database")}}),
    Registration({Api::Uapi,
                  "Mysql",
                  "get_privileges_on_database",
                  get_privileges_on_database,
                  Access::Read,
                  needs_feature(kFeature),
                  {required_param("user"), required_param("database")}}),
    Registration({Api::Uapi,
                  "Mysql",
                  "rename_database",
                  rename_database,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("oldname"), required_param("newname")}}),
    Registration({Api::Uapi,
                  "Mysql",
                  "rename_user",
                  rename_user,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("oldname"), required_param("newname")}}),
    Registration({Api::Uapi, "Mysql", "list_databases", list_databases, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Uapi, "Mysql", "list_users", list_users, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Uapi, "Mysql", "get_restrictions", get_restrictions, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Uapi, "Mysql", "get_server_information", get_server_information, Access::Read,
                  needs_feature(kFeature)}),
    Registration({Api::Uapi, "Mysql", "locate_server", locate_server, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Uapi, "Mysql", "check_database", check_database, Access::Read, needs_feature(kFeature),
                  name_param("name")}),
    Registration({Api::Uapi, "Mysql", "repair_database", repair_database, Access::Write, needs_feature(kFeature),
                  name_param("name")}),
    Registration({Api::Uapi, "Mysql", "dump_database_schema", dump_database_schema, Access::Read,
                  needs_feature(kFeature), name_param("dbname")}),
    Registration({Api::Uapi,
                  "Mysql",
                  "list_routines",
                  list_routines,
                  Access::Read,
                  needs_feature(kFeature),
                  {optional_param("database_user")}}),
    Registration({Api::Uapi, "Mysql", "update_privileges", update_privileges, Access::Write, needs_feature(kFeature)}),
    Registration({Api::Uapi,
                  "Mysql",
                  "setup_db_and_user",
                  setup_db_and_user,
                  Access::Write,
                  needs_feature(kFeature),
                  {optional_param("prefix")}}),
    Registration({Api::Uapi, "Mysql", "add_host", add_host, Access::Write, needs_feature(kFeature),
                  name_param("host")}),
    Registration({Api::Uapi, "Mysql", "delete_host", delete_host, Access::Write, needs_feature(kFeature),
                  name_param("host")}),
    Registration({Api::Uapi,
                  "Mysql",
                  "add_host_note",
                  add_host_note,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("host"), required_param("note")}}),
    Registration({Api::Uapi, "Mysql", "get_host_notes", get_host_notes, Access::Read, needs_feature(kFeature)}),
    // API 2 MysqlFE
    Registration({Api::Api2, "MysqlFE", "listdbs", fe_listdbs, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Api2, "MysqlFE", "listusers", fe_listusers, Access::Read, needs_feature(kFeature)}),
    Registration({Api::Api2, "MysqlFE", "listusersindb", fe_listusersindb, Access::Read, needs_feature(kFeature),
                  name_param("db")}),
    Registration({Api::Api2, "MysqlFE", "createdb", fe_createdb, Access::Write, needs_feature(kFeature),
                  name_param("db")}),
    Registration({Api::Api2, "MysqlFE", "deletedb", fe_deletedb, Access::Write, needs_feature(kFeature),
                  name_param("db")}),
    Registration({Api::Api2,
                  "MysqlFE",
                  "createdbuser",
                  fe_createdbuser,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("dbuser"), required_param("password")}}),
    Registration({Api::Api2, "MysqlFE", "deletedbuser", fe_deletedbuser, Access::Write, needs_feature(kFeature),
                  name_param("dbuser")}),
    Registration({Api::Api2,
                  "MysqlFE",
                  "changedbuserpassword",
                  fe_changedbuserpassword,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("dbuser"), required_param("password")}}),
    Registration({Api::Api2,
                  "MysqlFE",
                  "setdbuserprivileges",
                  fe_setdbuserprivileges,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("dbuser"), required_param("db"), optional_param("privileges")}}),
    Registration({Api::Api2,
                  "MysqlFE",
                  "revokedbuserprivileges",
                  fe_revokedbuserprivileges,
                  Access::Write,
                  needs_feature(kFeature),
                  {required_param("dbuser"), required_param("db")}}),
    // WHM API 1 Databases
    Registration({"list_databases", whm_list_databases, Access::Read, root_only()}),
    Registration({"list_database_users", whm_list_database_users, Access::Read, root_only()}),
    Registration({"list_mysql_databases_and_users", list_mysql_databases_and_users, Access::Read,
                  needs("list-accts", {account("user")})}),
    Registration({"rename_mysql_database", rename_mysql_database, Access::Write, root_only()}),
    Registration({"rename_mysql_user", rename_mysql_user, Access::Write, root_only()}),
    Registration({"set_mysql_password", set_mysql_password, Access::Write, root_only()}),
    Registration({"current_mysql_version", current_mysql_version, Access::Read, root_only()}),
    Registration({"installable_mysql_versions", installable_mysql_versions, Access::Read, root_only()}),
    Registration({"latest_available_mysql_version", latest_available_mysql_version, Access::Read, root_only()}),
    Registration({"remote_mysql_create_profile", remote_mysql_create_profile, Access::Write, root_only()}),
    Registration({"remote_mysql_update_profile", remote_mysql_update_profile, Access::Write, root_only()}),
    Registration({"remote_mysql_create_profile_via_ssh", remote_mysql_create_profile_via_ssh, Access::Write,
                  root_only()}),
    Registration({"remote_mysql_delete_profile", remote_mysql_delete_profile, Access::Write, root_only()}),
    Registration({"remote_mysql_read_profile", remote_mysql_read_profile, Access::Read, root_only()}),
    Registration({"remote_mysql_read_profiles", remote_mysql_read_profiles, Access::Read, root_only()}),
    Registration({"remote_mysql_validate_profile", remote_mysql_validate_profile, Access::Read, root_only()}),
    Registration({"remote_mysql_initiate_profile_activation", remote_mysql_initiate_profile_activation, Access::Write,
                  root_only()}),
    Registration({"remote_mysql_monitor_profile_activation", remote_mysql_monitor_profile_activation, Access::Read,
                  root_only()}),
    Registration({"set_local_mysql_root_password", set_local_mysql_root_password, Access::Write, root_only()}),
    Registration({"start_background_mysql_upgrade", start_background_mysql_upgrade, Access::Write, root_only()}),
    Registration({"background_mysql_upgrade_status", background_mysql_upgrade_status, Access::Read, root_only()}),
    Registration({"update_sql_config",
                  update_sql_config,
                  Access::Write,
                  root_only(),
                  {optional_param("data"), optional_param("name"), optional_param("value"),
                   optional_param("section")}}), );

}  // namespace
}  // namespace whm
