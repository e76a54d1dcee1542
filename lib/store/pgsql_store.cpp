#include "pgsql_store.hpp"

#include <algorithm>

#include "db_names.hpp"
#include "password_strength.hpp"
#include "pgsql_server.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr Engine kPg = Engine::PostgreSQL;
constexpr const char* kPasswordApp = "postgres";  // cPanel's minpwstrength_postgres

[[noreturn]] void database_not_found(const std::string& cpuser, const std::string& name) {
  throw ApiError("The system user “" + cpuser + "” does not control a PostgreSQL database named “" + name + "”.");
}
// UNCONFIRMED: Cpanel::Exception::Database::UserNotFound's wording, taken as the database one's twin.
[[noreturn]] void user_not_found(const std::string& cpuser, const std::string& name) {
  throw ApiError("The system user “" + cpuser + "” does not control a PostgreSQL user named “" + name + "”.");
}

// A database name no other account and no server object may hold yet.
void check_new_database(const Transaction& view, PgServer& server, const DbEngineMap& mine, const std::string& db) {
  if (mine.dbs.count(db) || db_object_owner(view, kPg, DbObject::Database, db) || server.database_exists(db))
    throw ApiError("The database “" + db + "” already exists.");
  if (mine.users.count(db) || db_object_owner(view, kPg, DbObject::User, db) || server.role_exists(db))
    throw ApiError("The database “" + db + "” cannot be added because a user with the same name already exists.");
}

void check_new_user(const Transaction& view, PgServer& server, const DbEngineMap& mine, const std::string& cpuser,
                    const std::string& user) {
  if (mine.users.count(user) || db_object_owner(view, kPg, DbObject::User, user) || server.role_exists(user))
    throw ApiError("The user “" + user + "” already exists, and you, “" + cpuser +
                   "”, are not allowed to re-create it.");
  if (mine.dbs.count(user) || db_object_owner(view, kPg, DbObject::Database, user) || server.database_exists(user))
    throw ApiError("The database “" + user + "” already exists, and you, “" + cpuser +
                   "”, are not allowed to create a user with the same name.");
}

std::set<std::string> user_names(const DbEngineMap& m) {
  std::set<std::string> out;
  for (const auto& [name, u] : m.users) out.insert(name);
  return out;
}

// The archive's SQL files: whmkit writes them with standard quoting ("x""y",
// 'it''s') and reads them back by parsing, never by running them.
std::string quote_ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}
// Reads a quoted token at `pos` (quote char q, doubled inside); advances pos.
std::optional<std::string> read_quoted(const std::string& line, size_t& pos, char q) {
  if (pos >= line.size() || line[pos] != q) return std::nullopt;
  std::string out;
  for (++pos; pos < line.size(); ++pos) {
    if (line[pos] == q) {
      if (pos + 1 < line.size() && line[pos + 1] == q) {
        out += q;
        ++pos;
        continue;
      }
      ++pos;
      return out;
    }
    out += line[pos];
  }
  return std::nullopt;
}
bool expect_word(const std::string& line, size_t& pos, const std::string& word) {
  if (line.compare(pos, word.size(), word) != 0) return false;
  pos += word.size();
  return true;
}

}  // namespace

PgAccount::PgAccount(const StateRoot& root, Transaction& txn, std::string cpuser)
    : root_(root), txn_(txn), cpuser_(std::move(cpuser)), map_(load_db_map(txn, cpuser_)) {
  map_.cpuser = cpuser_;
}

std::string PgAccount::prefixed(const std::string& name) const { return add_db_prefix_if_needed(txn_, cpuser_, name); }

void PgAccount::stage() {
  map_.pgsql.present = true;
  stage_db_map(txn_, map_);
}

void PgAccount::require_db(const std::string& db) const {
  if (!map_.pgsql.dbs.count(db)) database_not_found(cpuser_, db);
}

void PgAccount::require_user(const std::string& user) const {
  if (to_lower(user) == "postgres" || !map_.pgsql.users.count(user)) user_not_found(cpuser_, user);
}

void PgAccount::create_database(const std::string& name) {
  std::string db = prefixed(name);
  verify_database_name(kPg, db);
  require_db_prefix(txn_, cpuser_, db);
  PgServer server(root_);
  check_new_database(txn_, server, map_.pgsql, db);
  server.create_database(db);
  map_.pgsql.dbs.insert(db);
  stage();
}

void PgAccount::delete_database(const std::string& db) {
  require_db(db);
  PgServer server(root_);
  server.drop_database(db);
  map_.pgsql.drop_db(db);
  stage();
}

void PgAccount::create_user(const std::string& name, const std::string& password) {
  std::string user = prefixed(name);
  verify_dbuser_name(kPg, user);
  require_db_prefix(txn_, cpuser_, user);
  check_password_strength(root_, kPasswordApp, "password", password);
  PgServer server(root_);
  check_new_user(txn_, server, map_.pgsql, cpuser_, user);
  server.create_user(user, password);
  map_.pgsql.users[user];
  stage();
}

void PgAccount::delete_user(const std::string& user) {
  require_user(user);
  PgServer server(root_);
  server.drop_user(user, {map_.pgsql.dbs.begin(), map_.pgsql.dbs.end()});
  map_.pgsql.users.erase(user);
  stage();
}

void PgAccount::grant(const std::string& db, const std::string& user) {
  require_db(db);
  require_user(user);
  PgServer server(root_);
  server.grant(db, user);
  map_.pgsql.grant(user, db);
  stage();
}

void PgAccount::revoke(const std::string& db, const std::string& user) {
  require_db(db);
  require_user(user);
  PgServer server(root_);
  server.revoke(db, user);
  map_.pgsql.revoke(user, db);
  stage();
}

void PgAccount::rename_database(const std::string& from, const std::string& to) {
  if (from == to) throw ApiError("The “oldname” and “newname” parameters cannot be the same value.");
  require_db(from);
  verify_database_name(kPg, to);
  require_db_prefix(txn_, cpuser_, to);
  PgServer server(root_);
  check_new_database(txn_, server, map_.pgsql, to);
  server.rename_database(from, to);
  map_.pgsql.rename_db(from, to);
  stage();
}

void PgAccount::rename_user(const std::string& from, const std::string& to, const std::string* password) {
  if (from == to) throw ApiError("The “oldname” and “newname” parameters cannot be the same value.");
  verify_dbuser_name(kPg, to);
  require_user(from);
  require_db_prefix(txn_, cpuser_, to);
  if (password) check_password_strength(root_, kPasswordApp, "password", *password);
  PgServer server(root_);
  check_new_user(txn_, server, map_.pgsql, cpuser_, to);
  server.rename_user(from, to, password);
  map_.pgsql.rename_user(from, to);
  stage();
}

void PgAccount::set_password(const std::string& user, const std::string& password) {
  require_user(user);
  check_password_strength(root_, kPasswordApp, "password", password);
  PgServer server(root_);
  server.set_password(user, password);
}

void PgAccount::update_privileges() {
  if (map_.pgsql.dbs.empty()) return;
  PgServer server(root_);
  auto owners = user_names(map_.pgsql);
  for (const auto& db : map_.pgsql.dbs) {
    if (!server.database_exists(db)) continue;
    server.sync_privileges(db, owners);
    for (const auto& user : map_.pgsql.users_of(db))
      if (server.role_exists(user)) server.grant(db, user);
  }
}

std::vector<PgDatabaseInfo> PgAccount::databases(bool with_usage) const {
  std::vector<PgDatabaseInfo> out;
  std::map<std::string, long long> sizes;
  if (with_usage && !map_.pgsql.dbs.empty()) {
    PgServer server(root_);
    sizes = server.sizes({map_.pgsql.dbs.begin(), map_.pgsql.dbs.end()});
  }
  for (const auto& db : map_.pgsql.dbs) {
    PgDatabaseInfo info{db, map_.pgsql.users_of(db), 0};
    if (auto it = sizes.find(db); it != sizes.end()) info.disk_usage = it->second;
    out.push_back(std::move(info));
  }
  return out;
}

// ---- the lifecycle part ----------------------------------------------------

namespace {

bool has_pg_objects(const DbEngineMap& m) { return !m.dbs.empty() || !m.users.empty(); }

class PgsqlPart : public AccountPart {
 public:
  // The DB map (shared with the MySQL part, which owns the file) holds this
  // part's records; the rest of its state lives on the server.
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {db_map_rel(a.user)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}

  // The account's prefix changes: every database and user that carries it
  // is renamed on the server and in the map. PostgreSQL clears a renamed
  // role's password (its hash includes the name), as on cPanel.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string& raw) const override {
    if (from.user == to.user) return;
    bool moved = txn.exists(db_map_rel(to.user)) && !txn.exists(db_map_rel(from.user));
    DbMap map = load_db_map(txn, moved ? to.user : from.user);
    auto& pg = map.pgsql;
    if (!has_pg_objects(pg)) return;
    std::string old_prefix = db_prefix(txn, from.user), new_prefix = db_prefix(txn, to.user);
    PgServer server(root);
    for (const auto& db : std::set<std::string>(pg.dbs)) {
      std::string renamed = reprefix_db_name(db, old_prefix, new_prefix);
      if (renamed == db) continue;
      server.rename_database(db, renamed);
      pg.rename_db(db, renamed);
    }
    for (const auto& user : user_names(pg)) {
      std::string renamed = reprefix_db_name(user, old_prefix, new_prefix);
      if (renamed == user) continue;
      server.rename_user(user, renamed, nullptr);
      pg.rename_user(user, renamed);
    }
    // The file itself is moved to the new name by db_map's owner, the MySQL
    // part (stage_db_map_rename), which runs after this one in a rename's
    // backward walk and reads the map as staged here; when it has already
    // moved it, the new name's file is updated.
    stage_db_map(txn, map);
    raw += "Renaming PostgreSQL databases and users...Done\n";
  }

  void suspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string& raw) const override {
    set_login(root, txn, a, false, raw);
  }
  void unsuspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, std::string& raw) const override {
    set_login(root, txn, a, true, raw);
  }

  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    DbMap map = load_db_map(root, a.user);  // as committed: db_map's part may have staged the file's removal
    auto& pg = map.pgsql;
    if (!has_pg_objects(pg)) return;
    PgServer server(root);
    std::vector<std::string> dbs(pg.dbs.begin(), pg.dbs.end());
    for (const auto& user : user_names(pg)) server.drop_user(user, dbs);
    for (const auto& db : dbs) server.drop_database(db);
    // The map: db_map's own part may already have staged its removal (then
    // the view has no file); otherwise the PGSQL records go, and the whole
    // file when no MYSQL record is left.
    if (txn.exists(db_map_rel(a.user))) {
      DbMap staged = load_db_map(txn, a.user);
      if (staged.mysql.dbs.empty() && staged.mysql.users.empty()) {
        stage_db_map_removal(txn, a.user);
      } else {
        staged.pgsql.dbs.clear();
        staged.pgsql.users.clear();
        stage_db_map(txn, staged);
      }
    }
    raw += "Removing PostgreSQL databases and users...Done\n";
  }

  // pkgacct's layout: psql/<db>.tar (pg_dump --format=tar), psql_users.sql
  // (CREATE USER ... WITH PASSWORD '<hash>'), psql_grants.sql (GRANT "<db>" TO "<user>").
  void archive(const StateRoot& root, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    DbMap map = load_db_map(txn, a.user);
    const auto& pg = map.pgsql;
    if (!has_pg_objects(pg)) return;
    PgServer server(root);
    for (const auto& db : pg.dbs) out.file("psql/" + db + ".tar", server.dump(db));
    std::string users, grants;
    auto names = user_names(pg);
    auto hashes = server.password_hashes({names.begin(), names.end()});
    for (const auto& user : names)
      users += "CREATE USER " + quote_ident(user) + " WITH PASSWORD " + quote_literal(hashes[user]) + ";\n";
    for (const auto& db : pg.dbs)
      for (const auto& user : pg.users_of(db))
        grants += "GRANT " + quote_ident(db) + " TO " + quote_ident(user) + ";\n";
    out.file("psql_users.sql", users);
    out.file("psql_grants.sql", grants);
  }

  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const auto* users_sql = src.archive.file("psql_users.sql");
    const auto* grants_sql = src.archive.file("psql_grants.sql");
    auto tars = src.archive.under("psql");
    if (!users_sql && !grants_sql && tars.empty()) return;
    const std::string& cpuser = src.facts.user;
    DbMap map = load_db_map(txn, cpuser);
    map.cpuser = cpuser;
    auto& pg = map.pgsql;
    pg.dbs.clear();  // what the archive holds replaces any record of it (db_map's part may have restored the file)
    pg.users.clear();
    // Everything is parsed and checked before the server is touched.
    std::map<std::string, std::string> users;  // name -> hash
    for (const auto& line : split(users_sql ? *users_sql : "", '\n')) {
      if (line.empty()) continue;
      size_t pos = 0;
      std::optional<std::string> name, hash;
      if (!expect_word(line, pos, "CREATE USER ") || !(name = read_quoted(line, pos, '"')) ||
          !expect_word(line, pos, " WITH PASSWORD ") || !(hash = read_quoted(line, pos, '\'')) ||
          line.substr(pos) != ";")
        throw ApiError("The archive’s psql_users.sql has a line whmkit cannot read: " + line.substr(0, 80));
      verify_dbuser_name(kPg, *name);
      users[*name] = *hash;
    }
    std::vector<std::pair<std::string, std::string>> grants;  // db, user
    for (const auto& line : split(grants_sql ? *grants_sql : "", '\n')) {
      if (line.empty()) continue;
      size_t pos = 0;
      std::optional<std::string> db, user;
      if (!expect_word(line, pos, "GRANT ") || !(db = read_quoted(line, pos, '"')) || !expect_word(line, pos, " TO ") ||
          !(user = read_quoted(line, pos, '"')) || line.substr(pos) != ";")
        throw ApiError("The archive’s psql_grants.sql has a line whmkit cannot read: " + line.substr(0, 80));
      grants.emplace_back(*db, *user);
    }
    std::vector<std::string> dbs;
    for (const auto& file : tars) {
      if (!ends_with(file, ".tar")) continue;
      std::string db = file.substr(0, file.size() - 4);
      verify_database_name(kPg, db);
      dbs.push_back(db);
    }
    PgServer server(root);
    for (const auto& db : dbs) check_new_database(txn, server, pg, db);
    for (const auto& [user, hash] : users) check_new_user(txn, server, pg, cpuser, user);
    for (const auto& [user, hash] : users) {
      server.create_user_with_hash(user, hash);
      pg.users[user];
    }
    for (const auto& db : dbs) {
      server.create_database(db);
      pg.dbs.insert(db);
      server.restore(db, *src.archive.file("psql/" + db + ".tar"));
    }
    for (const auto& [db, user] : grants) {
      if (!pg.dbs.count(db) || !pg.users.count(user)) continue;
      server.grant(db, user);
      pg.grant(user, db);
    }
    pg.present = true;
    stage_db_map(txn, map);
    raw += "Restoring PostgreSQL databases and users...Done (" + std::to_string(dbs.size()) + " databases, " +
           std::to_string(users.size()) + " users)\n";
  }

  void check(const StateRoot& root, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    DbMap map;
    try {
      map = load_db_map(view, a.user);
    } catch (const ApiError&) {
      return;  // db_map's part reports the damaged file
    }
    const auto& pg = map.pgsql;
    if (!has_pg_objects(pg)) return;
    try {
      PgServer server(root);
      for (const auto& db : pg.dbs)
        if (!server.database_exists(db))
          out.push_back(a.user + ": the PostgreSQL database “" + db + "” in the DB map is not on the server");
      for (const auto& [user, u] : pg.users)
        if (!server.role_exists(user))
          out.push_back(a.user + ": the PostgreSQL user “" + user + "” in the DB map is not on the server");
      auto members = server.members({pg.dbs.begin(), pg.dbs.end()});
      for (const auto& db : pg.dbs)
        for (const auto& user : pg.users_of(db))
          if (!members[db].count(user))
            out.push_back(a.user + ": the PostgreSQL user “" + user + "” has no privileges on “" + db +
                          "” on the server, as the DB map says it has");
    } catch (const ApiError& e) {
      out.push_back(a.user + ": PostgreSQL: " + e.what());
    }
  }

  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {
    // The maps of removed accounts are db_map's; this part keeps no file.
  }

 private:
  // Suspension: the account's PostgreSQL users lose (and get back) their
  // login (UNCONFIRMED: cPanel marks the password hash instead; the effect,
  // no login while suspended, is the same).
  static void set_login(const StateRoot& root, const Transaction& txn, const AccountFacts& a, bool allowed,
                        std::string& raw) {
    DbMap map = load_db_map(txn, a.user);
    if (map.pgsql.users.empty()) return;
    PgServer server(root);
    for (const auto& [user, u] : map.pgsql.users) server.set_login(user, allowed);
    raw += allowed ? "Unlocking PostgreSQL users...Done\n" : "Locking PostgreSQL users...Done\n";
  }
};

}  // namespace

const AccountPart& pgsql_part() { return part_instance<PgsqlPart>(); }

}  // namespace whm
