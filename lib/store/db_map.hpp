// cPanel's database map: which databases and database users an account owns,
// per engine (Cpanel::DB::Map). Engine-neutral: MariaDB (UAPI Mysql, WHM
// Databases) and PostgreSQL (UAPI Postgresql) both keep their records here.
//
// The file: var/cpanel/databases/<cpuser>.json, mode 0640, owner root and the
// account's group (so cPanel's unprivileged reader can open it; root's group
// when the user is not in etc/passwd). cPanel makes the directory 0751;
// whmkit's transaction creates missing directories 0755 (UNCONFIRMED
// difference, harmless: the files themselves are 0640). One JSON object:
//
//   {"MYSQL": {"owner": "bob", "server": "localhost",
//              "dbs": {"bob_shop": "localhost"},
//              "dbusers": {"bob_app": {"server": "localhost",
//                                      "dbs": {"bob_shop": "localhost"}}},
//              "noprefix": {}},
//    "PGSQL": {...same keys...},
//    "version": 1}
//
// `owner` is the account's database owner name (the username without "_" and
// "."), `server` the database host the objects live on (the values under
// `dbs` repeat it). Keys whmkit does not know are kept as they are. How cPanel
// orders and spaces the JSON is UNCONFIRMED: whmkit writes it compact with
// sorted keys.
//
// cPanel also keeps etc/dbowners ("cpuser: dbowner" lines, Cpanel::Config::
// DBOwners): whmkit derives it with the other lookup files (lookup.cpp).
// The reverse lookup ("which account owns database X") uses whmkit's derived
// owner index, var/cpanel/whmkit/db_owners (0600, root; lines: a header
// "#whmkit db owners v1", "S user mtime_ns size inode" per map, "N M|P d|u
// user name" per database (d) or user (u) of MySQL (M) or PostgreSQL (P), the
// name last with "%", control bytes and DEL as %XX). The maps stay the
// source of truth: a lookup lists the map directory, stats each map and
// re-reads only those whose stamp differs (all of them when the index is
// missing or damaged); it writes nothing. Staging a map stages the index
// too, in the same transaction (the map's stamp [0,0,0] = "read it again":
// its real stamp is known only after the commit).
//
// Interface (for both engines' code):
//   load_db_map(view, user)       the map; a missing file is an empty map;
//                                 a file that does not parse throws
//                                 DamagedFileError (it is never rewritten)
//   DbMap::engine(e)              per engine: dbs (sorted), users -> dbs
//   db_object_owner(view, e, kind, name)  the account owning a name, if any
//   stage_db_map(txn, map)        atomic write (0640, root:<user's group>)
//   stage_db_map_removal(txn, user)   account removal
//   stage_db_map_rename(txn, map, new_user)  account rename: the file, the
//                                 owner name; the caller has
//                                 already renamed the prefixed names in `map`
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

enum class Engine { MySQL, PostgreSQL };

// "MYSQL" / "PGSQL": the engine's key in the map file.
const char* engine_key(Engine e);
// "mysql" / "postgresql": the engine's name in API answers (Cpanel::DB::Map::Reader).
const char* engine_api_name(Engine e);

struct DbMapUser {
  std::string server;                               // "" = the engine's server
  std::set<std::string> dbs;                        // the databases this user has privileges on
  nlohmann::json extra = nlohmann::json::object();  // unknown keys, kept
};

struct DbEngineMap {
  std::string owner;   // the database owner name ("" = not recorded yet)
  std::string server;  // "" = not recorded yet (written as "localhost")
  std::set<std::string> dbs;
  std::map<std::string, DbMapUser> users;
  std::set<std::string> noprefix;
  nlohmann::json extra = nlohmann::json::object();  // unknown keys, kept
  bool present = false;                             // the engine's object is in the file

  // The users with privileges on `db`, sorted.
  std::vector<std::string> users_of(const std::string& db) const;
  // Adds a grant record (the user and the database must be in the map).
  void grant(const std::string& user, const std::string& db) { users[user].dbs.insert(db); }
  void revoke(const std::string& user, const std::string& db);
  // Removes a database and every user's record of it.
  void drop_db(const std::string& db);
  void rename_db(const std::string& from, const std::string& to);
  void rename_user(const std::string& from, const std::string& to);
};

struct DbMap {
  std::string cpuser;
  bool exists = false;  // the file was there
  int version = 1;
  DbEngineMap mysql, pgsql;
  nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys, kept

  DbEngineMap& engine(Engine e) { return e == Engine::MySQL ? mysql : pgsql; }
  const DbEngineMap& engine(Engine e) const { return e == Engine::MySQL ? mysql : pgsql; }
};

// "var/cpanel/databases/<user>.json" (the user is checked: no "/", "..").
std::string db_map_rel(const std::string& cpuser);
inline constexpr const char* kDbMapDir = "var/cpanel/databases";

// The map as `view` sees it (staged changes included).
DbMap load_db_map(const Transaction& view, const std::string& cpuser);
DbMap load_db_map(const StateRoot& root, const std::string& cpuser);
// Parses a map's text (for archives); problems go to `problems`.
DbMap parse_db_map(const std::string& cpuser, const std::string& text, std::vector<std::string>& problems);
// The file's text for `map`.
std::string db_map_text(const DbMap& map);

// The accounts that have a map file (sorted).
std::vector<std::string> db_map_users(const Transaction& view);

enum class DbObject { Database, User };
inline constexpr const char* kDbOwnerIndex = "var/cpanel/whmkit/db_owners";
// The account whose map holds the database or database user `name` for the
// engine (nullopt: none), through the owner index; a damaged map is skipped.
std::optional<std::string> db_object_owner(const Transaction& view, Engine e, DbObject kind, const std::string& name);

// Stages the map (mode 0640, root:<account's group>).
void stage_db_map(Transaction& txn, const DbMap& map);
// Stages the removal of the account's map.
void stage_db_map_removal(Transaction& txn, const std::string& cpuser);
// Account rename: writes `map` (already holding the renamed objects) as
// `new_user`'s, with the new owner name, and removes the old file and line.
void stage_db_map_rename(Transaction& txn, DbMap map, const std::string& new_user);

}  // namespace whm
