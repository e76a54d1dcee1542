// PostgreSQL for cPanel accounts: the UAPI Postgresql module, the API 2
// Postgres functions clients still call, and WHM API 1's three PostgreSQL
// functions (Databases category). The work is lib/store/pgsql_store.* (the
// DB map and cPanel's checks) over lib/store/pgsql_server.* (the server, in
// cPanel's role model); docs/postgresql.md describes both.
#include <set>

#include "api2_answers.hpp"
#include "db_map.hpp"
#include "db_names.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "pgsql_store.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- UAPI ------------------------------------------------------------------

Response ok() { return {}; }

Response create_database(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).create_database(req.require("name"));
  return ok();
}

Response delete_database(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).delete_database(req.require("name"));
  return ok();
}

Response create_user(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).create_user(req.require("name"), req.require("password"));
  return ok();
}

Response delete_user(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).delete_user(req.require("name"));
  return ok();
}

Response grant_all_privileges(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).grant(req.require("database"), req.require("user"));
  return ok();
}

Response revoke_all_privileges(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).revoke(req.require("database"), req.require("user"));
  return ok();
}

Response rename_database(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).rename_database(req.require("oldname"), req.require("newname"));
  return ok();
}

Response rename_user(Context& ctx, const Request& req) {
  std::string password = req.require("password");
  PgAccount(ctx.root, ctx.txn(), ctx.account.user)
      .rename_user(req.require("oldname"), req.require("newname"), &password);
  return ok();
}

Response rename_user_no_password(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).rename_user(req.require("oldname"), req.require("newname"), nullptr);
  return ok();
}

Response set_password(Context& ctx, const Request& req) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).set_password(req.require("user"), req.require("password"));
  return ok();
}

Response update_privileges(Context& ctx, const Request&) {
  PgAccount(ctx.root, ctx.txn(), ctx.account.user).update_privileges();
  return ok();
}

Response get_restrictions(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  nlohmann::json prefix = nullptr;
  if (db_prefixing_enabled(view)) prefix = db_prefix(view, ctx.account.user) + "_";
  r.data = {
      {"max_database_name_length", kPgsqlDbNameMax}, {"max_username_length", kPgsqlDbUserMax}, {"prefix", prefix}};
  return r;
}

// The sizes come from the server only when the disk_usage column is asked
// for (api.columns), as on cPanel; the names and users from the DB map.
// The columns a UAPI call asked for (api.columns_1=database ..., or the
// api.columns.* section), empty = all.
std::set<std::string> wanted_columns(const Request& req) {
  std::set<std::string> out;
  if (!req.api.is_object()) return out;
  for (auto it = req.api.begin(); it != req.api.end(); ++it) {
    if (!starts_with(it.key(), "columns")) continue;
    if (it.value().is_string()) out.insert(it.value().get<std::string>());
    if (!it.value().is_object()) continue;
    for (auto c = it.value().begin(); c != it.value().end(); ++c)
      if (c.key() != "enable" && c.value().is_string()) out.insert(c.value().get<std::string>());
  }
  return out;
}

// As cPanel's list_databases: the users and the sizes are looked up only
// when their columns are wanted (has_column), and left out otherwise; only
// the sizes need the server.
Response list_databases(Context& ctx, const Request& req) {
  auto columns = wanted_columns(req);
  bool users = columns.empty() || columns.count("users"), usage = columns.empty() || columns.count("disk_usage");
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& db : account.databases(usage)) {
    nlohmann::json item = {{"database", db.name}};
    if (usage) item["disk_usage"] = db.disk_usage;
    if (users) item["users"] = db.users;
    r.data.push_back(std::move(item));
  }
  return r;
}

Response list_users(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& [name, u] : account.map().users) r.data.push_back(name);
  return r;
}

// ---- API 2 -----------------------------------------------------------------

std::string two_places(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

Response api2_listdbs(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  std::string regex = req.get_or("regex", "");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& db : account.databases(true)) {
    if (!regex.empty() && to_lower(db.name).find(to_lower(regex)) == std::string::npos) continue;
    nlohmann::json userlist = nlohmann::json::array();
    for (const auto& u : db.users) userlist.push_back({{"db", db.name}, {"user", u}});
    r.data.push_back({{"db", db.name},
                      {"size", db.disk_usage},
                      {"sizemeg", two_places(db.disk_usage / (1024.0 * 1024.0))},
                      {"usercount", db.users.size()},
                      {"userlist", userlist}});
  }
  return r;
}

Response api2_listusers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& [name, u] : account.map().users) {
    nlohmann::json dblist = nlohmann::json::array();
    for (const auto& db : u.dbs) dblist.push_back({{"db", db}, {"user", name}});
    r.data.push_back({{"dblist", dblist}, {"user", name}});
  }
  return r;
}

Response api2_listusersindb(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  std::string db = req.get_or("db", "");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& u : account.map().users_of(db)) r.data.push_back({{"db", db}, {"user", u}});
  return r;
}

// UNCONFIRMED: cPanel asks its admin binary, which looks the user up in the
// account's map; whmkit answers from the map alone (1 or 0).
Response api2_userexists(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  PgAccount account(ctx.root, view, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array({{{"userexists", account.map().users.count(req.get_or("user", "")) ? 1 : 0}}});
  return r;
}

// ---- WHM API 1 -------------------------------------------------------------
// Root's work, as the MySQL twins (commands/mysql.cpp).

// The account owning a database or user: `cpuser` when given (and the object
// must be its own), else the account whose map holds it.
std::string owner_of(Context& ctx, const Request& req, DbObject kind, const std::string& name) {
  if (req.has("cpuser")) return req.require("cpuser");
  auto owner = db_object_owner(ctx.txn(), Engine::PostgreSQL, kind, name);
  if (!owner) {
    if (kind == DbObject::Database) throw ApiError("You do not control a PostgreSQL database named “" + name + "”.");
    throw ApiError("You do not control a PostgreSQL user named “" + name + "”.");  // UNCONFIRMED wording
  }
  return *owner;
}

Response whm_rename_database(Context& ctx, const Request& req) {
  std::string oldname = req.require("oldname");
  PgAccount(ctx.root, ctx.txn(), owner_of(ctx, req, DbObject::Database, oldname))
      .rename_database(oldname, req.require("newname"));
  return ok();
}

Response whm_rename_user(Context& ctx, const Request& req) {
  std::string oldname = req.require("oldname"), password = req.require("password");
  PgAccount(ctx.root, ctx.txn(), owner_of(ctx, req, DbObject::User, oldname))
      .rename_user(oldname, req.require("newname"), &password);
  return ok();
}

Response whm_set_password(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  PgAccount(ctx.root, ctx.txn(), owner_of(ctx, req, DbObject::User, user)).set_password(user, req.require("password"));
  return ok();
}

// ---- registrations -----------------------------------------------------------

constexpr const char* kFeature = "postgres";

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Postgresql", name, std::move(h), access, needs_feature(kFeature), std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, std::vector<ParamSpec> params = {}) {
  return {Api::Api2, "Postgres", name, std::move(h), Access::Read, needs_feature(kFeature), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    postgresql_functions,
    Registration(uapi("create_database", create_database, Access::Write, {required_param("name")})),
    Registration(uapi("delete_database", delete_database, Access::Write, {required_param("name")})),
    Registration(uapi("create_user", create_user, Access::Write, {required_param("name"), required_param("password")})),
    Registration(uapi("delete_user", delete_user, Access::Write, {required_param("name")})),
    Registration(uapi("grant_all_privileges", grant_all_privileges, Access::Write,
                      {required_param("database"), required_param("user")})),
    Registration(uapi("revoke_all_privileges", revoke_all_privileges, Access::Write,
                      {required_param("database"), required_param("user")})),
    Registration(uapi("rename_database", rename_database, Access::Write,
                      {required_param("oldname"), required_param("newname")})),
    Registration(uapi("rename_user", rename_user, Access::Write,
                      {required_param("oldname"), required_param("newname"), required_param("password")})),
    Registration(uapi("rename_user_no_password", rename_user_no_password, Access::Write,
                      {required_param("oldname"), required_param("newname")})),
    Registration(uapi("set_password", set_password, Access::Write,
                      {required_param("user"), required_param("password")})),
    Registration(uapi("update_privileges", update_privileges, Access::Write)),
    Registration(uapi("get_restrictions", get_restrictions, Access::Read)),
    Registration(uapi("list_databases", list_databases, Access::Read)),
    Registration(uapi("list_users", list_users, Access::Read)),
    // API 2 (cPanel's Cpanel::Postgres %API: the listings and userexists).
    Registration(api2("listdbs", api2_listdbs, {optional_param("regex")})),
    Registration(api2("listusers", api2_listusers)),
    Registration(api2("listusersindb", api2_listusersindb, {required_param("db")})),
    Registration(api2("userexists", api2_userexists, {required_param("user")})),
    // WHM API 1
    Registration(Implementation{"rename_postgresql_database", whm_rename_database, Access::Write, root_only()}),
    Registration(Implementation{"rename_postgresql_user", whm_rename_user, Access::Write, root_only()}),
    Registration(Implementation{"set_postgresql_password", whm_set_password, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
