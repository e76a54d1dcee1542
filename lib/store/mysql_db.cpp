#include "mysql_db.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <regex>

#include "account_parts.hpp"
#include "damage.hpp"
#include "db_names.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "process.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

using Conn = MysqlConnection;

std::string db_pattern(const std::string& db) { return Conn::identifier(mysql_escape_pattern(db)); }

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::vector<std::string>& mysql_privilege_names() {
  static const std::vector<std::string> names = {
      "ALTER",       "ALTER ROUTINE", "CREATE",      "CREATE ROUTINE", "CREATE TEMPORARY TABLES",
      "CREATE VIEW", "DELETE",        "DROP",        "EVENT",          "EXECUTE",
      "INDEX",       "INSERT",        "LOCK TABLES", "REFERENCES",     "SELECT",
      "SHOW VIEW",   "TRIGGER",       "UPDATE"};
  return names;
}

std::vector<std::string> parse_mysql_privileges(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& part : split(text, ',')) {
    std::string p = upper(trim(part));
    // Runs of spaces count as one ("ALL  PRIVILEGES").
    std::string norm;
    for (char c : p)
      if (c != ' ' || (!norm.empty() && norm.back() != ' ')) norm += c;
    if (norm.empty()) continue;
    if (norm == "ALL" || norm == "ALL PRIVILEGES") return {"ALL PRIVILEGES"};
    const auto& names = mysql_privilege_names();
    if (std::find(names.begin(), names.end(), norm) == names.end())
      throw ApiError("“" + trim(part) + "” is not a valid MySQL privilege.");
    if (std::find(out.begin(), out.end(), norm) == out.end()) out.push_back(norm);
  }
  if (out.empty()) throw ApiError("You must specify at least one privilege.");
  return out;
}

namespace {

[[noreturn]] void bad_host(const std::string& host) {
  // UNCONFIRMED wording.
  throw ApiError("“" + host + "” is not a valid hostname, IP address, or IP address range.");
}

std::string ipv4_text(uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." + std::to_string((v >> 8) & 255) + "." +
         std::to_string(v & 255);
}

}  // namespace

std::string normalize_mysql_host(const std::string& host) {
  if (host.empty() || host.size() > 60) bad_host(host);
  if (host == "%") return host;
  for (char ch : host)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '%' || ch == ':' ||
          ch == '/'))
      bad_host(host);
  // A network: address/prefix or address/netmask.
  if (auto slash = host.find('/'); slash != std::string::npos) {
    in_addr addr{}, mask{};
    const std::string a = host.substr(0, slash), m = host.substr(slash + 1);
    if (inet_pton(AF_INET, a.c_str(), &addr) != 1) bad_host(host);
    uint32_t bits;
    if (is_digits(m) && m.size() <= 2) {
      const int n = std::stoi(m);
      if (n < 1 || n > 32) bad_host(host);
      bits = n == 32 ? 0xffffffffu : ~(0xffffffffu >> n);
    } else {
      if (inet_pton(AF_INET, m.c_str(), &mask) != 1) bad_host(host);
      bits = ntohl(mask.s_addr);
      if (bits == 0 || (~bits & (~bits + 1)) != 0) bad_host(host);  // contiguous ones
    }
    // MySQL matches host_ip & netmask == address: the host bits must be 0.
    return ipv4_text(ntohl(addr.s_addr) & bits) + "/" + ipv4_text(bits);
  }
  if (host.find(':') != std::string::npos) {
    in6_addr a6{};
    if (inet_pton(AF_INET6, host.c_str(), &a6) != 1) bad_host(host);
    return host;
  }
  const auto labels = split(host, '.');
  bool numeric = true;
  for (const auto& l : labels)
    for (char ch : l)
      if (!(std::isdigit(static_cast<unsigned char>(ch)) || ch == '%')) numeric = false;
  if (numeric) {
    // An IPv4 address or a pattern of numbers and "%".
    if (labels.size() > 4 || (labels.size() < 4 && host.find('%') == std::string::npos)) bad_host(host);
    for (const auto& l : labels) {
      if (l.empty()) bad_host(host);
      if (l.find('%') == std::string::npos && (l.size() > 3 || std::stoi(l) > 255)) bad_host(host);
    }
    return host;
  }
  // A hostname: labels of letters, digits, "-" and "%".
  for (const auto& l : labels)
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') bad_host(host);
  return host;
}

std::string mysql_notes_rel(const std::string& cpuser) {
  check_path_component(cpuser, "user name");  // as api_tokens_rel checks its file's name
  if (cpuser[0] == '.') throw ApiError("Invalid user name: “" + cpuser + "”.");
  return "var/cpanel/mysql/notes/" + cpuser + ".json";
}

nlohmann::json load_mysql_notes(const Transaction& view, const std::string& cpuser) {
  const std::string rel = mysql_notes_rel(cpuser);
  const auto text = view.read(rel);
  if (!text) return nlohmann::json::object();
  FileProblems problems;
  nlohmann::json j = parse_json_object(*text, problems);
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!it.value().is_string()) problems.push_back("the note for “" + it.key() + "” is not a string");
  refuse_if_damaged(rel, problems, "used");
  return j;
}

void stage_mysql_notes(Transaction& txn, const std::string& cpuser, const nlohmann::json& notes) {
  const std::string rel = mysql_notes_rel(cpuser);
  if (notes.empty()) {
    if (txn.exists(rel)) txn.remove(rel);
    return;
  }
  txn.write(rel, json_text(notes), 0600, FileOwner{0, 0});
}

MysqlAccount::MysqlAccount(const StateRoot& root, const Transaction& view, std::string cpuser)
    : root_(root), cpuser_(std::move(cpuser)), map_(load_db_map(view, cpuser_)) {}

MysqlConnection& MysqlAccount::server() {
  if (!conn_) conn_ = MysqlConnection::open_root(root_);
  return *conn_;
}

void MysqlAccount::require_database(const std::string& name) const {
  if (!map_.mysql.dbs.count(name))
    throw ApiError("The system user “" + cpuser_ + "” does not control a MySQL database named “" + name + "”.");
}

void MysqlAccount::require_user(const std::string& name) const {
  if (!map_.mysql.users.count(name))
    throw ApiError("The system user “" + cpuser_ + "” does not control a MySQL user named “" + name + "”.");
}

std::vector<std::string> MysqlAccount::hosts_of(const std::string& user) {
  auto& c = server();
  std::vector<std::string> hosts;
  for (const auto& row : c.run("SELECT Host FROM mysql.user WHERE User = " + c.literal(user) + " ORDER BY Host"))
    if (!row.empty() && row[0]) hosts.push_back(*row[0]);
  return hosts;
}

void MysqlAccount::create_database(const Transaction& view, const std::string& name) {
  verify_database_name(Engine::MySQL, name);
  require_db_prefix(view, cpuser_, name);
  if (map_.mysql.dbs.count(name)) throw ApiError("The database “" + name + "” already exists.");
  if (auto other = db_object_owner(view, Engine::MySQL, DbObject::Database, name))
    throw ApiError("The database “" + name + "” already exists.");
  auto& c = server();
  if (c.value("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + c.literal(name)))
    throw ApiError("The database “" + name + "” already exists.");
  c.run("CREATE DATABASE " + Conn::identifier(name));
  map_.mysql.dbs.insert(name);
}

void MysqlAccount::delete_database(const std::string& name) {
  require_database(name);
  auto& c = server();
  for (const auto& user : map_.mysql.users_of(name))
    for (const auto& host : hosts_of(user))
      if (c.value("SELECT 1 FROM mysql.db WHERE User = " + c.literal(user) + " AND Host = " + c.literal(host) +
                  " AND Db = " + c.literal(mysql_escape_pattern(name))))
        c.run("REVOKE ALL PRIVILEGES ON " + db_pattern(name) + ".* FROM " + c.account(user, host));
  c.run("DROP DATABASE IF EXISTS " + Conn::identifier(name));
  map_.mysql.drop_db(name);
}

void MysqlAccount::create_user(const Transaction& view, const std::string& name, const std::string& password) {
  verify_dbuser_name(Engine::MySQL, name);
  require_db_prefix(view, cpuser_, name);
  if (password.empty()) throw ApiError("The password cannot be empty.");
  if (name == username_to_dbowner(cpuser_) || map_.mysql.users.count(name) ||
      db_object_owner(view, Engine::MySQL, DbObject::User, name))
    throw ApiError("The user “" + name + "” already exists.");
  auto& c = server();
  if (!hosts_of(name).empty()) throw ApiError("The user “" + name + "” already exists.");
  c.run("CREATE USER " + c.account(name, "localhost") + " IDENTIFIED BY " + c.literal(password));
  map_.mysql.users[name];
  // The account's remote hosts get their copy (same hash, no grants yet).
  for (const auto& host : remote_hosts()) copy_user_to_host(name, host);
}

std::vector<std::string> MysqlAccount::remote_hosts() {
  std::vector<std::string> out;
  for (const auto& h : hosts_of(username_to_dbowner(cpuser_)))
    if (h != "localhost") out.push_back(h);
  return out;
}

void MysqlAccount::copy_user_to_host(const std::string& user, const std::string& host) {
  auto& c = server();
  if (user_exists_at(user, host)) return;
  const auto rows = c.run("SELECT plugin, authentication_string FROM mysql.user WHERE User = " + c.literal(user) +
                          " AND Host = 'localhost'");
  if (rows.empty() || !rows[0][0] || !rows[0][1]) throw ApiError("The MySQL server has no user named “" + user + "”.");
  const std::string plugin = rows[0][0]->empty() ? "mysql_native_password" : *rows[0][0];
  for (char ch : plugin)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      throw ApiError("The MySQL user “" + user + "” uses an authentication plugin whmkit does not copy: “" + plugin +
                     "”.");
  c.run("CREATE USER " + c.account(user, host) + " IDENTIFIED VIA " + plugin + " USING " + c.literal(*rows[0][1]));
  auto it = map_.mysql.users.find(user);
  if (it == map_.mysql.users.end()) return;
  for (const auto& db : it->second.dbs) {
    const auto privs = privileges(user, db);
    if (!privs.empty())
      c.run("GRANT " + join(privs, ", ") + " ON " + db_pattern(db) + ".* TO " + c.account(user, host));
  }
}

bool MysqlAccount::user_exists_at(const std::string& user, const std::string& host) {
  auto& c = server();
  return c.value("SELECT 1 FROM mysql.user WHERE User = " + c.literal(user) + " AND Host = " + c.literal(host))
      .has_value();
}

void MysqlAccount::add_owner_row(const std::string& host) {
  const std::string owner = username_to_dbowner(cpuser_);
  if (user_exists_at(owner, host)) return;
  auto& c = server();
  c.run("CREATE USER " + c.account(owner, host) + " IDENTIFIED BY " + c.literal(generate_password(30)) +
        " ACCOUNT LOCK");
}

void MysqlAccount::add_host(const std::string& host) {
  add_owner_row(host);
  for (const auto& [name, u] : map_.mysql.users) copy_user_to_host(name, host);
}

void MysqlAccount::delete_host(const std::string& host) {
  const auto hosts = remote_hosts();
  if (std::find(hosts.begin(), hosts.end(), host) == hosts.end())
    throw ApiError("That host is not authorized for remote access.");
  auto& c = server();
  for (const auto& [name, u] : map_.mysql.users)
    if (user_exists_at(name, host)) c.run("DROP USER " + c.account(name, host));
  c.run("DROP USER " + c.account(username_to_dbowner(cpuser_), host));
}

void MysqlAccount::delete_user(const std::string& name) {
  require_user(name);
  auto& c = server();
  for (const auto& host : hosts_of(name)) c.run("DROP USER " + c.account(name, host));
  map_.mysql.users.erase(name);
}

std::vector<std::pair<std::string, std::string>> MysqlAccount::set_password(const std::string& name,
                                                                            const std::string& password) {
  require_user(name);
  if (password.empty()) throw ApiError("The password cannot be empty.");
  auto& c = server();
  const auto hosts = hosts_of(name);
  if (hosts.empty()) throw ApiError("The MySQL server has no user named “" + name + "”.");
  std::vector<std::pair<std::string, std::string>> failures;
  for (const auto& host : hosts) {
    try {
      c.run("ALTER USER " + c.account(name, host) + " IDENTIFIED BY " + c.literal(password));
    } catch (const ApiError& e) {
      failures.emplace_back(host, e.what());
    }
  }
  if (failures.size() == hosts.size()) throw ApiError(failures[0].second);
  return failures;
}

void MysqlAccount::set_privileges(const std::string& user, const std::string& db,
                                  const std::vector<std::string>& privileges) {
  require_user(user);
  require_database(db);
  auto& c = server();
  const auto hosts = hosts_of(user);
  if (hosts.empty()) throw ApiError("The MySQL server has no user named “" + user + "”.");
  for (const auto& host : hosts) {
    if (c.value("SELECT 1 FROM mysql.db WHERE User = " + c.literal(user) + " AND Host = " + c.literal(host) +
                " AND Db = " + c.literal(mysql_escape_pattern(db))))
      c.run("REVOKE ALL PRIVILEGES ON " + db_pattern(db) + ".* FROM " + c.account(user, host));
    c.run("GRANT " + join(privileges, ", ") + " ON " + db_pattern(db) + ".* TO " + c.account(user, host));
  }
  map_.mysql.grant(user, db);
}

void MysqlAccount::revoke(const std::string& user, const std::string& db) {
  require_user(user);
  require_database(db);
  auto& c = server();
  for (const auto& host : hosts_of(user))
    if (c.value("SELECT 1 FROM mysql.db WHERE User = " + c.literal(user) + " AND Host = " + c.literal(host) +
                " AND Db = " + c.literal(mysql_escape_pattern(db))))
      c.run("REVOKE ALL PRIVILEGES ON " + db_pattern(db) + ".* FROM " + c.account(user, host));
  map_.mysql.revoke(user, db);
}

std::vector<std::string> MysqlAccount::privileges(const std::string& user, const std::string& db) {
  require_user(user);
  require_database(db);
  auto& c = server();
  // mysql.db's columns, by cPanel's names.
  static const std::pair<const char*, const char*> columns[] = {
      {"ALTER", "Alter_priv"},
      {"ALTER ROUTINE", "Alter_routine_priv"},
      {"CREATE", "Create_priv"},
      {"CREATE ROUTINE", "Create_routine_priv"},
      {"CREATE TEMPORARY TABLES", "Create_tmp_table_priv"},
      {"CREATE VIEW", "Create_view_priv"},
      {"DELETE", "Delete_priv"},
      {"DROP", "Drop_priv"},
      {"EVENT", "Event_priv"},
      {"EXECUTE", "Execute_priv"},
      {"INDEX", "Index_priv"},
      {"INSERT", "Insert_priv"},
      {"LOCK TABLES", "Lock_tables_priv"},
      {"REFERENCES", "References_priv"},
      {"SELECT", "Select_priv"},
      {"SHOW VIEW", "Show_view_priv"},
      {"TRIGGER", "Trigger_priv"},
      {"UPDATE", "Update_priv"},
  };
  std::string sql = "SELECT ";
  for (size_t i = 0; i < std::size(columns); ++i) sql += (i ? ", " : "") + std::string(columns[i].second);
  sql += " FROM mysql.db WHERE User = " + c.literal(user) +
         " AND Host = 'localhost' AND Db = " + c.literal(mysql_escape_pattern(db));
  const auto rows = c.run(sql);
  std::vector<std::string> out;
  if (rows.empty()) return out;
  for (size_t i = 0; i < std::size(columns); ++i)
    if (rows[0][i] && *rows[0][i] == "Y") out.push_back(columns[i].first);
  if (out.size() == std::size(columns)) return {"ALL PRIVILEGES"};
  return out;
}

void MysqlAccount::rename_database(const Transaction& view, const std::string& from, const std::string& to) {
  require_database(from);
  if (from == to) return;
  verify_database_name(Engine::MySQL, to);
  require_db_prefix(view, cpuser_, to);
  if (map_.mysql.dbs.count(to) || db_object_owner(view, Engine::MySQL, DbObject::Database, to))
    throw ApiError("The database “" + to + "” already exists.");
  move_database(from, to);
}

void MysqlAccount::move_database(const std::string& from, const std::string& to) {
  auto& c = server();
  if (c.value("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + c.literal(to)))
    throw ApiError("The database “" + to + "” already exists.");
  // MySQL cannot rename a database: create the new one, move every table
  // (RENAME TABLE keeps the data), move the grants, drop the old one.
  const auto charset = c.run(
      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
      "= " +
      c.literal(from));
  std::string create = "CREATE DATABASE " + Conn::identifier(to);
  if (!charset.empty() && charset[0][0] && charset[0][1])
    create += " CHARACTER SET " + c.literal(*charset[0][0]) + " COLLATE " + c.literal(*charset[0][1]);
  c.run(create);
  std::vector<std::string> moved;
  try {
    for (const auto& row : c.run("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                                 c.literal(from) + " AND TABLE_TYPE = 'BASE TABLE'")) {
      if (!row[0]) continue;
      c.run("RENAME TABLE " + Conn::identifier(from) + "." + Conn::identifier(*row[0]) + " TO " + Conn::identifier(to) +
            "." + Conn::identifier(*row[0]));
      moved.push_back(*row[0]);
    }
  } catch (...) {
    for (const auto& t : moved)
      c.run("RENAME TABLE " + Conn::identifier(to) + "." + Conn::identifier(t) + " TO " + Conn::identifier(from) + "." +
            Conn::identifier(t));
    c.run("DROP DATABASE IF EXISTS " + Conn::identifier(to));
    throw;
  }
  // The grants: each user's privileges on the old name, given on the new one.
  for (const auto& user : map_.mysql.users_of(from)) {
    const auto privs = privileges(user, from);
    for (const auto& host : hosts_of(user)) {
      if (!privs.empty())
        c.run("GRANT " + join(privs, ", ") + " ON " + db_pattern(to) + ".* TO " + c.account(user, host));
      if (c.value("SELECT 1 FROM mysql.db WHERE User = " + c.literal(user) + " AND Host = " + c.literal(host) +
                  " AND Db = " + c.literal(mysql_escape_pattern(from))))
        c.run("REVOKE ALL PRIVILEGES ON " + db_pattern(from) + ".* FROM " + c.account(user, host));
    }
  }
  c.run("DROP DATABASE IF EXISTS " + Conn::identifier(from));
  map_.mysql.rename_db(from, to);
}

void MysqlAccount::rename_user(const Transaction& view, const std::string& from, const std::string& to) {
  require_user(from);
  if (from == to) return;
  verify_dbuser_name(Engine::MySQL, to);
  require_db_prefix(view, cpuser_, to);
  if (map_.mysql.users.count(to) || db_object_owner(view, Engine::MySQL, DbObject::User, to))
    throw ApiError("The user “" + to + "” already exists.");
  move_user(from, to);
}

void MysqlAccount::move_user(const std::string& from, const std::string& to) {
  auto& c = server();
  if (!hosts_of(to).empty()) throw ApiError("The user “" + to + "” already exists.");
  for (const auto& host : hosts_of(from)) c.run("RENAME USER " + c.account(from, host) + " TO " + c.account(to, host));
  map_.mysql.rename_user(from, to);
}

std::map<std::string, long long> MysqlAccount::sizes() {
  std::map<std::string, long long> out;
  if (map_.mysql.dbs.empty()) return out;
  auto& c = server();
  std::string list;
  for (const auto& db : map_.mysql.dbs) list += (list.empty() ? "" : ", ") + c.literal(db);
  for (const auto& row : c.run("SELECT TABLE_SCHEMA, SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES "
                               "WHERE TABLE_SCHEMA IN (" +
                               list + ") GROUP BY TABLE_SCHEMA"))
    if (row[0] && row[1]) out[*row[0]] = parse_int(*row[1]).value_or(0);
  return out;
}

std::vector<std::vector<std::string>> MysqlAccount::check_or_repair(const std::string& db, bool repair) {
  require_database(db);
  auto& c = server();
  std::vector<std::vector<std::string>> out;
  for (const auto& row : c.run("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                               c.literal(db) + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
    if (!row[0]) continue;
    for (const auto& r : c.run(std::string(repair ? "REPAIR" : "CHECK") + " TABLE " + Conn::identifier(db) + "." +
                               Conn::identifier(*row[0]))) {
      if (r.size() < 4) continue;
      out.push_back({*row[0], r[2].value_or(""), r[3].value_or("")});
    }
  }
  return out;
}

std::string MysqlAccount::schema_dump(const std::string& db) {
  require_database(db);
  auto& c = server();
  std::string out = "-- Database: " + Conn::identifier(db) + "\n\n";
  const auto created = c.run("SHOW CREATE DATABASE " + Conn::identifier(db));
  if (!created.empty() && created[0].size() > 1 && created[0][1]) out += *created[0][1] + ";\n\n";
  out += "USE " + Conn::identifier(db) + ";\n";
  for (const auto& row : c.run("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                               c.literal(db) + " ORDER BY TABLE_NAME")) {
    if (!row[0]) continue;
    const auto t = c.run("SHOW CREATE TABLE " + Conn::identifier(db) + "." + Conn::identifier(*row[0]));
    if (!t.empty() && t[0].size() > 1 && t[0][1]) out += "\n" + *t[0][1] + ";\n";
  }
  return out;
}

std::vector<std::string> MysqlAccount::routines(const std::string& user) {
  std::vector<std::string> out;
  if (!user.empty()) require_user(user);
  if (map_.mysql.dbs.empty()) return out;
  auto& c = server();
  std::string list;
  for (const auto& db : map_.mysql.dbs) list += (list.empty() ? "" : ", ") + c.literal(db);
  std::string sql =
      "SELECT ROUTINE_SCHEMA, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (" + list + ")";
  if (!user.empty()) sql += " AND DEFINER LIKE " + c.literal(mysql_escape_pattern(user) + "@%");
  sql += " ORDER BY ROUTINE_SCHEMA, ROUTINE_NAME";
  for (const auto& row : c.run(sql))
    if (row[0] && row[1]) out.push_back(*row[0] + "." + *row[1]);
  return out;
}

void MysqlAccount::lock_users(bool lock) {
  if (map_.mysql.users.empty()) return;
  auto& c = server();
  for (const auto& [name, u] : map_.mysql.users)
    for (const auto& host : hosts_of(name))
      c.run("ALTER USER " + c.account(name, host) + (lock ? " ACCOUNT LOCK" : " ACCOUNT UNLOCK"));
}

std::map<std::string, std::string> MysqlAccount::archive_files() {
  std::map<std::string, std::string> files;
  auto& c = server();  // connects first: the loopback rule is checked before the dump tool runs
  for (const auto& db : map_.mysql.dbs) {
    const auto created = c.run("SHOW CREATE DATABASE " + Conn::identifier(db));
    if (!created.empty() && created[0].size() > 1 && created[0][1])
      files["mysql/" + db + ".create"] = *created[0][1] + ";\n";
    // cPanel's pkgacct calls mysqldump too; only the dump uses the server's tool.
    auto dump = run_capture({"mariadb-dump", "--defaults-file=" + root_.path(kRootMyCnf), "--no-create-db",
                             "--skip-triggers", "--single-transaction", "--", db});
    if (!dump) throw ApiError("mariadb-dump failed for the database “" + db + "”.");
    files["mysql/" + db + ".sql"] = std::move(*dump);
  }
  std::string grants;
  for (const auto& host : remote_hosts())
    for (const auto& row : c.run("SHOW GRANTS FOR " + c.account(username_to_dbowner(cpuser_), host)))
      if (!row.empty() && row[0]) grants += *row[0] + ";\n";
  for (const auto& [name, u] : map_.mysql.users)
    for (const auto& host : hosts_of(name))
      for (const auto& row : c.run("SHOW GRANTS FOR " + c.account(name, host)))
        if (!row.empty() && row[0]) grants += *row[0] + ";\n";
  files["mysql.sql"] = grants;
  return files;
}

namespace {

std::string unquote_backticks(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '`' && i + 1 < s.size() && s[i + 1] == '`') ++i;
  }
  return out;
}

std::string unescape_pattern(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

}  // namespace

void MysqlAccount::restore_files(const AccountArchive& archive, const DbMap& archived) {
  auto& c = server();
  // Users first: the grants file's USAGE lines carry their password hashes.
  static const std::regex usage(
      R"(^GRANT USAGE ON \*\.\* TO [`']([A-Za-z0-9_-]+)[`']@[`']([A-Za-z0-9_.%:/-]+)[`'](?: IDENTIFIED BY PASSWORD '(\*[0-9A-F]{40})')?;?$)");
  static const std::regex grant(
      R"(^GRANT ([A-Z ,]+) ON `((?:[^`]|``)+)`\.\* TO [`']([A-Za-z0-9_-]+)[`']@[`']([A-Za-z0-9_.%:/-]+)[`'];?$)");
  std::vector<std::smatch> usages, grants;
  const std::string grants_text = archive.file("mysql.sql") ? *archive.file("mysql.sql") : "";
  std::vector<std::string> lines = split(grants_text, '\n');
  std::set<std::string> created_users;
  for (const auto& line : lines) {
    std::smatch m;
    if (line.empty()) continue;
    if (std::regex_match(line, m, usage)) {
      const std::string user = m[1], host = m[2], hash = m[3];
      // The owner's rows: the account's remote hosts (locked, no privileges).
      if (user == username_to_dbowner(archived.cpuser) || user == archived.mysql.owner) {
        if (host == "localhost") continue;
        normalize_mysql_host(host);
        add_owner_row(host);
        continue;
      }
      if (!archived.mysql.users.count(user))
        throw ApiError("The archive's mysql.sql names a user (“" + user + "”) its map does not have.");
      if (!hosts_of(user).empty() && !created_users.count(user))
        throw ApiError("The user “" + user + "” already exists.");
      c.run("CREATE USER " + c.account(user, host) +
            (hash.empty() ? std::string() : " IDENTIFIED BY PASSWORD " + c.literal(hash)));
      created_users.insert(user);
    } else if (!std::regex_match(line, m, grant)) {
      throw ApiError("The archive's mysql.sql has a line whmkit does not restore: “" + line + "”.");
    }
  }
  for (const auto& [user, u] : archived.mysql.users)
    if (!created_users.count(user)) {
      if (!hosts_of(user).empty()) throw ApiError("The user “" + user + "” already exists.");
      c.run("CREATE USER " + c.account(user, "localhost") + " IDENTIFIED BY " + c.literal(generate_password(24)));
    }
  for (const auto& db : archived.mysql.dbs) {
    verify_database_name(Engine::MySQL, db);
    if (c.value("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + c.literal(db)))
      throw ApiError("The database “" + db + "” already exists.");
    c.run("CREATE DATABASE " + Conn::identifier(db));
  }
  for (const auto& line : lines) {
    std::smatch m;
    if (line.empty() || !std::regex_match(line, m, grant)) continue;
    const std::string db = unescape_pattern(unquote_backticks(m[2])), user = m[3], host = m[4];
    if (!archived.mysql.dbs.count(db) || !archived.mysql.users.count(user))
      throw ApiError("The archive's mysql.sql grants on a database (“" + db + "”) its map does not have.");
    const auto privs = parse_mysql_privileges(m[1]);
    c.run("GRANT " + join(privs, ", ") + " ON " + db_pattern(db) + ".* TO " + c.account(user, host));
  }
  // The data, loaded by a temporary user that may touch only that database.
  MysqlCredentials creds = read_root_my_cnf(root_);
  for (const auto& db : archived.mysql.dbs) {
    const std::string* dump = archive.file("mysql/" + db + ".sql");
    if (!dump || dump->empty()) continue;
    const std::string temp = "whmkit_restore_" + random_alphanumeric(10), password = generate_password(24);
    c.run("CREATE USER " + c.account(temp, "localhost") + " IDENTIFIED BY " + c.literal(password));
    try {
      c.run("GRANT ALL PRIVILEGES ON " + db_pattern(db) + ".* TO " + c.account(temp, "localhost"));
      MysqlCredentials tc = creds;
      tc.user = temp;
      tc.password = password;
      MysqlConnection loader(tc, true);
      loader.run("USE " + Conn::identifier(db));
      loader.run(*dump);
    } catch (...) {
      c.run("DROP USER IF EXISTS " + c.account(temp, "localhost"));
      throw;
    }
    c.run("DROP USER IF EXISTS " + c.account(temp, "localhost"));
  }
  map_.mysql = archived.mysql;  // the PostgreSQL part restores its own engine
}

namespace {

bool has_objects(const DbMap& m) { return !m.mysql.dbs.empty() || !m.mysql.users.empty(); }
constexpr const char* kArchivedMap = "whmkit/dbmap.json";
constexpr const char* kArchivedNotes = "mysql_host_notes.json";

class MysqlPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {db_map_rel(a.user), mysql_notes_rel(a.user)});
  }
  // cPanel's createacct sets up the account's (empty) map and database owner.
  void create(const StateRoot&, Transaction& txn, const NewAccount& a, std::string&) const override {
    if (txn.exists(db_map_rel(a.facts.user))) return;
    DbMap m;
    m.cpuser = a.facts.user;
    stage_db_map(txn, m);
  }
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string& raw) const override {
    if (from.user == to.user || !txn.exists(db_map_rel(from.user))) return;
    MysqlAccount acct(root, txn, from.user);
    const std::string old_prefix = db_prefix(txn, from.user), new_prefix = db_prefix(txn, to.user);
    if (old_prefix != new_prefix) {
      const auto dbs = acct.map().mysql.dbs;
      for (const auto& db : dbs)
        if (auto renamed = reprefix_db_name(db, old_prefix, new_prefix); renamed != db) {
          acct.move_database(db, renamed);
          raw += "Renamed the MySQL database “" + db + "” to “" + renamed + "”.\n";
        }
      std::vector<std::string> users;
      for (const auto& [name, u] : acct.map().mysql.users) users.push_back(name);
      for (const auto& user : users)
        if (auto renamed = reprefix_db_name(user, old_prefix, new_prefix); renamed != user) {
          acct.move_user(user, renamed);
          raw += "Renamed the MySQL user “" + user + "” to “" + renamed + "”.\n";
        }
    }
    // The remote hosts: the owner's rows take the new owner name.
    const std::string old_owner = username_to_dbowner(from.user), new_owner = username_to_dbowner(to.user);
    if (old_owner != new_owner && read_root_my_cnf(root).found) {
      auto& c = acct.server();
      for (const auto& host : acct.remote_hosts())
        c.run("RENAME USER " + c.account(old_owner, host) + " TO " + c.account(new_owner, host));
    }
    stage_db_map_rename(txn, acct.map(), to.user);
    const nlohmann::json notes = load_mysql_notes(txn, from.user);
    if (!notes.empty()) {
      stage_mysql_notes(txn, from.user, nlohmann::json::object());
      stage_mysql_notes(txn, to.user, notes);
    }
  }
  void suspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string&) const override {
    if (a.suspended || !txn.exists(db_map_rel(a.user))) return;
    MysqlAccount acct(root, txn, a.user);
    acct.lock_users(true);
  }
  void unsuspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, std::string&) const override {
    if (!txn.exists(db_map_rel(a.user))) return;
    MysqlAccount acct(root, txn, a.user);
    acct.lock_users(false);
  }
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    if (!txn.exists(db_map_rel(a.user))) return;
    MysqlAccount acct(root, txn, a.user);
    if (has_objects(acct.map())) {
      const auto dbs = acct.map().mysql.dbs;
      for (const auto& db : dbs) {
        acct.delete_database(db);
        raw += "Removed the MySQL database “" + db + "”.\n";
      }
      std::vector<std::string> users;
      for (const auto& [name, u] : acct.map().mysql.users) users.push_back(name);
      for (const auto& user : users) acct.delete_user(user);
    }
    // The remote hosts (the owner's rows) and their notes.
    if (read_root_my_cnf(root).found) {
      auto& c = acct.server();
      for (const auto& host : acct.remote_hosts()) c.run("DROP USER " + c.account(username_to_dbowner(a.user), host));
    }
    if (txn.exists(mysql_notes_rel(a.user))) txn.remove(mysql_notes_rel(a.user));
    // The file goes once no engine has anything left in it: the PostgreSQL
    // part (walked after this one) removes it when it has emptied its own.
    const DbEngineMap& pg = acct.map().pgsql;
    if (pg.dbs.empty() && pg.users.empty()) {
      stage_db_map_removal(txn, a.user);
    } else {
      acct.map().mysql.dbs.clear();
      acct.map().mysql.users.clear();
      acct.stage(txn);
    }
  }
  void archive(const StateRoot& root, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (!txn.exists(db_map_rel(a.user))) return;
    MysqlAccount acct(root, txn, a.user);
    out.file(kArchivedMap, db_map_text(acct.map()));
    // cPanel's pkgacct copies the notes file as mysql_host_notes.json.
    if (auto notes = txn.read(mysql_notes_rel(a.user))) out.file(kArchivedNotes, *notes);
    const bool hosts = read_root_my_cnf(root).found && !acct.remote_hosts().empty();
    if (!has_objects(acct.map()) && !hosts) return;
    for (const auto& [rel, content] : acct.archive_files()) out.file(rel, content);
  }
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const std::string* text = src.archive.file(kArchivedMap);
    if (!text) return;
    std::vector<std::string> problems;
    DbMap archived = parse_db_map(src.facts.user, *text, problems);
    if (!problems.empty()) throw ApiError(damage_summary(kArchivedMap, problems));
    archived.cpuser = src.facts.user;
    for (const auto& db : archived.mysql.dbs)
      if (auto other = db_object_owner(txn, Engine::MySQL, DbObject::Database, db); other && *other != src.facts.user)
        throw ApiError("The database “" + db + "” already exists.");
    for (const auto& [user, u] : archived.mysql.users)
      if (auto other = db_object_owner(txn, Engine::MySQL, DbObject::User, user); other && *other != src.facts.user)
        throw ApiError("The user “" + user + "” already exists.");
    MysqlAccount acct(root, txn, src.facts.user);
    if (const std::string* notes = src.archive.file(kArchivedNotes)) {
      FileProblems np;
      nlohmann::json j = parse_json_object(*notes, np);
      if (!np.empty()) throw ApiError(damage_summary(kArchivedNotes, np));
      nlohmann::json clean = nlohmann::json::object();
      for (auto it = j.begin(); it != j.end(); ++it)
        if (it.value().is_string()) clean[it.key().substr(0, 60)] = it.value();
      stage_mysql_notes(txn, src.facts.user, clean);
    }
    const std::string* grants = src.archive.file("mysql.sql");
    if (has_objects(archived) || (grants && !grants->empty())) {
      acct.restore_files(src.archive, archived);
      raw += "Restored " + std::to_string(archived.mysql.dbs.size()) + " MySQL database(s).\n";
    } else {
      acct.map().mysql = archived.mysql;
    }
    acct.stage(txn);
  }
  void check(const StateRoot& root, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    const auto text = view.read(db_map_rel(a.user));
    if (!text) return;
    std::vector<std::string> problems;
    const DbMap m = parse_db_map(a.user, *text, problems);
    if (!problems.empty()) {
      out.push_back(damage_summary(db_map_rel(a.user), problems));
      return;
    }
    if (!has_objects(m) || !read_root_my_cnf(root).found) return;
    try {
      auto c = MysqlConnection::open_root(root);
      for (const auto& db : m.mysql.dbs)
        if (!c->value("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + c->literal(db)))
          out.push_back("The MySQL database “" + db + "” of “" + a.user + "” is in its map but not on the server.");
      for (const auto& [user, u] : m.mysql.users)
        if (!c->value("SELECT User FROM mysql.user WHERE User = " + c->literal(user)))
          out.push_back("The MySQL user “" + user + "” of “" + a.user + "” is in its map but not on the server.");
    } catch (const ApiError& e) {
      out.push_back("The MySQL databases of “" + a.user + "” could not be checked: " + e.what());
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, kDbMapDir, ".json", users, out);
    report_orphans(root, "var/cpanel/mysql/notes", ".json", users, out);
  }
};

}  // namespace

const AccountPart& mysql_part() { return part_instance<MysqlPart>(); }

}  // namespace whm
