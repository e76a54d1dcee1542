#include "db_map.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

const char* const kKnownEngineKeys[] = {"owner", "server", "dbs", "dbusers", "noprefix"};

bool safe_map_user(const std::string& user) {
  if (user.empty() || user == "." || user == ".." || user.size() > 64) return false;
  for (unsigned char c : user)
    if (c < 0x21 || c == 0x7f || c == '/') return false;
  return true;
}

// A JSON object's keys as a set; anything else is a problem.
std::set<std::string> key_set(const nlohmann::json& v, const std::string& where, std::vector<std::string>& problems) {
  std::set<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_object()) {
    problems.push_back("“" + where + "” is not a JSON object");
    return out;
  }
  for (auto it = v.begin(); it != v.end(); ++it)
    if (!it.key().empty()) out.insert(it.key());  // cPanel drops empty names too (_clean_stash)
  return out;
}

std::string string_of(const nlohmann::json& v, const std::string& where, std::vector<std::string>& problems) {
  if (v.is_null()) return "";
  if (!v.is_string()) {
    problems.push_back("“" + where + "” is not a string");
    return "";
  }
  return v.get<std::string>();
}

DbEngineMap parse_engine(const nlohmann::json& v, const std::string& key, std::vector<std::string>& problems) {
  DbEngineMap e;
  if (!v.is_object()) {
    problems.push_back("“" + key + "” is not a JSON object");
    return e;
  }
  e.present = true;
  e.owner = string_of(v.value("owner", nlohmann::json()), key + ".owner", problems);
  e.server = string_of(v.value("server", nlohmann::json()), key + ".server", problems);
  e.dbs = key_set(v.value("dbs", nlohmann::json()), key + ".dbs", problems);
  e.noprefix = key_set(v.value("noprefix", nlohmann::json()), key + ".noprefix", problems);
  const nlohmann::json users = v.value("dbusers", nlohmann::json());
  if (!users.is_null() && !users.is_object()) problems.push_back("“" + key + ".dbusers” is not a JSON object");
  if (users.is_object())
    for (auto it = users.begin(); it != users.end(); ++it) {
      if (it.key().empty()) continue;
      const std::string where = key + ".dbusers." + it.key();
      if (!it.value().is_object()) {
        problems.push_back("“" + where + "” is not a JSON object");
        continue;
      }
      DbMapUser u;
      const auto& o = it.value();
      // Old maps name the server "domain" (Cpanel::DB::Map reads either).
      u.server = string_of(o.contains("server") ? o["server"] : o.value("domain", nlohmann::json()), where + ".server",
                           problems);
      u.dbs = key_set(o.value("dbs", nlohmann::json()), where + ".dbs", problems);
      for (auto f = o.begin(); f != o.end(); ++f)
        if (f.key() != "server" && f.key() != "dbs" && f.key() != "domain") u.extra[f.key()] = f.value();
      e.users.emplace(it.key(), std::move(u));
    }
  for (auto it = v.begin(); it != v.end(); ++it)
    if (std::find(std::begin(kKnownEngineKeys), std::end(kKnownEngineKeys), it.key()) == std::end(kKnownEngineKeys))
      e.extra[it.key()] = it.value();
  return e;
}

nlohmann::json engine_json(const DbEngineMap& e, const std::string& default_owner) {
  nlohmann::json j = e.extra;
  const std::string server = e.server.empty() ? "localhost" : e.server;
  j["owner"] = e.owner.empty() ? default_owner : e.owner;
  j["server"] = server;
  j["dbs"] = nlohmann::json::object();
  for (const auto& db : e.dbs) j["dbs"][db] = server;
  j["dbusers"] = nlohmann::json::object();
  for (const auto& [name, u] : e.users) {
    nlohmann::json uj = u.extra;
    uj["server"] = u.server.empty() ? server : u.server;
    uj["dbs"] = nlohmann::json::object();
    for (const auto& db : u.dbs) uj["dbs"][db] = server;
    j["dbusers"][name] = uj;
  }
  j["noprefix"] = nlohmann::json::object();
  for (const auto& n : e.noprefix) j["noprefix"][n] = 1;
  return j;
}

std::string dbowner_of(const std::string& user) {
  std::string out;
  for (char c : user)
    if (c != '_' && c != '.') out += c;
  return out;
}

}  // namespace

const char* engine_key(Engine e) { return e == Engine::MySQL ? "MYSQL" : "PGSQL"; }
const char* engine_api_name(Engine e) { return e == Engine::MySQL ? "mysql" : "postgresql"; }

std::vector<std::string> DbEngineMap::users_of(const std::string& db) const {
  std::vector<std::string> out;
  for (const auto& [name, u] : users)
    if (u.dbs.count(db)) out.push_back(name);
  return out;
}

void DbEngineMap::revoke(const std::string& user, const std::string& db) {
  auto it = users.find(user);
  if (it != users.end()) it->second.dbs.erase(db);
}

void DbEngineMap::drop_db(const std::string& db) {
  dbs.erase(db);
  for (auto& [name, u] : users) u.dbs.erase(db);
}

void DbEngineMap::rename_db(const std::string& from, const std::string& to) {
  if (!dbs.erase(from)) return;
  dbs.insert(to);
  for (auto& [name, u] : users)
    if (u.dbs.erase(from)) u.dbs.insert(to);
}

void DbEngineMap::rename_user(const std::string& from, const std::string& to) {
  auto it = users.find(from);
  if (it == users.end()) return;
  DbMapUser u = std::move(it->second);
  users.erase(it);
  users[to] = std::move(u);
}

std::string db_map_rel(const std::string& cpuser) {
  if (!safe_map_user(cpuser)) throw ApiError("“" + cpuser + "” is not a valid username.");
  return std::string(kDbMapDir) + "/" + cpuser + ".json";
}

DbMap parse_db_map(const std::string& cpuser, const std::string& text, std::vector<std::string>& problems) {
  DbMap m;
  m.cpuser = cpuser;
  m.exists = true;
  const nlohmann::json doc = parse_json_object(text, problems);
  if (!problems.empty()) return m;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() == "MYSQL")
      m.mysql = parse_engine(it.value(), "MYSQL", problems);
    else if (it.key() == "PGSQL")
      m.pgsql = parse_engine(it.value(), "PGSQL", problems);
    else if (it.key() == "version") {
      if (it.value().is_number_integer())
        m.version = it.value().get<int>();
      else
        problems.push_back("“version” is not a number");
    } else
      m.extra[it.key()] = it.value();
  }
  return m;
}

DbMap load_db_map(const Transaction& view, const std::string& cpuser) {
  const std::string rel = db_map_rel(cpuser);
  DbMap m;
  m.cpuser = cpuser;
  const auto text = view.read(rel);
  if (!text) return m;
  std::vector<std::string> problems;
  m = parse_db_map(cpuser, *text, problems);
  refuse_if_damaged(rel, problems, "used");
  return m;
}

DbMap load_db_map(const StateRoot& root, const std::string& cpuser) {
  Transaction view(root);
  return load_db_map(view, cpuser);
}

std::string db_map_text(const DbMap& map) {
  nlohmann::json doc = map.extra;
  const std::string owner = dbowner_of(map.cpuser);
  doc["MYSQL"] = engine_json(map.mysql, owner);
  // cPanel writes an engine's object once the account used it; whmkit writes
  // both (Cpanel::DB::Map::Reader fills a missing one with empty lists).
  doc["PGSQL"] = engine_json(map.pgsql, owner);
  doc["version"] = map.version;
  return json_text(doc);
}

std::vector<std::string> db_map_users(const Transaction& view) {
  std::vector<std::string> out;
  for (const auto& name : view.root().list_dir(kDbMapDir)) {
    if (name.empty() || name[0] == '.' || !ends_with(name, ".json")) continue;
    const std::string user = name.substr(0, name.size() - 5);
    if (safe_map_user(user) && view.exists(db_map_rel(user))) out.push_back(user);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// The owner index (see db_map.hpp): each map's stamp, and per engine and
// kind, name -> account.
struct OwnerIndex {
  std::map<std::string, std::vector<long long>> stamps;
  std::map<std::string, std::string> names[2][2];  // [engine][kind]
};

int engine_slot(Engine e) { return e == Engine::MySQL ? 0 : 1; }
int kind_slot(DbObject k) { return k == DbObject::Database ? 0 : 1; }

void index_forget(OwnerIndex& idx, const std::string& user) {
  for (auto& per_engine : idx.names)
    for (auto& names : per_engine)
      for (auto it = names.begin(); it != names.end();) it = it->second == user ? names.erase(it) : std::next(it);
}

void index_add(OwnerIndex& idx, const DbMap& m) {
  for (Engine e : {Engine::MySQL, Engine::PostgreSQL}) {
    const DbEngineMap& em = m.engine(e);
    for (const auto& db : em.dbs) idx.names[engine_slot(e)][0].emplace(db, m.cpuser);
    for (const auto& [u, rec] : em.users) idx.names[engine_slot(e)][1].emplace(u, m.cpuser);
  }
}

OwnerIndex parse_owner_index(const std::string& text) {
  OwnerIndex idx;
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("version", 0) != 1) return {};
    for (auto it = j.at("maps").begin(); it != j.at("maps").end(); ++it)
      idx.stamps[it.key()] = it.value().get<std::vector<long long>>();
    for (Engine e : {Engine::MySQL, Engine::PostgreSQL})
      for (int k = 0; k < 2; ++k)
        for (auto it = j.at(engine_key(e)).at(k ? "dbusers" : "dbs").begin();
             it != j.at(engine_key(e)).at(k ? "dbusers" : "dbs").end(); ++it)
          idx.names[engine_slot(e)][k][it.key()] = it.value().get<std::string>();
  } catch (const std::exception&) {
    return {};  // damaged: rebuilt from the maps
  }
  return idx;
}

std::string owner_index_text(const OwnerIndex& idx) {
  nlohmann::json j = {{"version", 1}, {"maps", nlohmann::json::object()}};
  for (const auto& [user, stamp] : idx.stamps) j["maps"][user] = stamp;
  for (Engine e : {Engine::MySQL, Engine::PostgreSQL}) {
    j[engine_key(e)] = {{"dbs", idx.names[engine_slot(e)][0]}, {"dbusers", idx.names[engine_slot(e)][1]}};
  }
  return j.dump();
}

// A map this transaction stages: its stamp is not known until the commit.
const std::vector<long long> kStagedStamp = {0, 0, 0};

// The index brought up to date with the maps as `view` sees them: a map whose
// stamp (on disk) differs from the index's, or that a transaction staged, is
// read again through `view`; maps gone are forgotten. Nothing is written.
OwnerIndex current_owner_index(const Transaction& view) {
  const StateRoot& root = view.root();
  OwnerIndex idx;
  if (auto text = view.read(kDbOwnerIndex)) idx = parse_owner_index(*text);
  std::map<std::string, std::vector<long long>> now;
  for (const auto& name : root.list_dir(kDbMapDir)) {
    if (name.empty() || name[0] == '.' || !ends_with(name, ".json")) continue;
    const std::string user = name.substr(0, name.size() - 5);
    struct stat st {};
    if (!safe_map_user(user) || ::lstat(root.path(db_map_rel(user)).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    now[user] = {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
                 static_cast<long long>(st.st_size), static_cast<long long>(st.st_ino)};
  }
  // Staged maps (and those the index marks as staged by an earlier change)
  // are read through the view whatever the disk says.
  // A marked map that is on disk as the view sees it gets its disk stamp back.
  for (const auto& [user, stamp] : idx.stamps) {
    if (stamp != kStagedStamp) continue;
    auto disk = now.find(user);
    if (disk != now.end() && view.read(db_map_rel(user)) == root.read(db_map_rel(user))) continue;
    now[user] = kStagedStamp;
  }
  for (auto it = idx.stamps.begin(); it != idx.stamps.end();) {
    if (now.count(it->first)) {
      ++it;
      continue;
    }
    index_forget(idx, it->first);
    it = idx.stamps.erase(it);
  }
  for (const auto& [user, stamp] : now) {
    auto it = idx.stamps.find(user);
    if (it != idx.stamps.end() && it->second == stamp && stamp != kStagedStamp) continue;
    index_forget(idx, user);
    idx.stamps.erase(user);
    if (auto text = view.read(db_map_rel(user))) {
      std::vector<std::string> problems;
      const DbMap m = parse_db_map(user, *text, problems);
      if (problems.empty()) index_add(idx, m);  // a damaged map is skipped
      idx.stamps[user] = stamp;
    }
  }
  return idx;
}

// Stages the index with `user`'s map replaced by `map` (null: removed).
void stage_owner_index(Transaction& txn, const std::string& user, const DbMap* map) {
  OwnerIndex idx = current_owner_index(txn);
  index_forget(idx, user);
  idx.stamps.erase(user);
  if (map) {
    index_add(idx, *map);
    idx.stamps[user] = kStagedStamp;
  }
  txn.write(kDbOwnerIndex, owner_index_text(idx), 0600, FileOwner{0, 0});
}

}  // namespace

std::optional<std::string> db_object_owner(const Transaction& view, Engine e, DbObject kind, const std::string& name) {
  const OwnerIndex idx = current_owner_index(view);
  const auto& names = idx.names[engine_slot(e)][kind_slot(kind)];
  auto it = names.find(name);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

void stage_db_map(Transaction& txn, const DbMap& map) {
  FileOwner owner{0, 0};
  ColonFile passwd{"etc/passwd", 0644, 7};
  passwd.load(txn);
  if (auto pw = passwd.find(map.cpuser)) {
    if (auto gid = parse_int((*pw)[3])) owner.gid = static_cast<gid_t>(*gid);
  }
  txn.write(db_map_rel(map.cpuser), db_map_text(map), 0640, owner);
  stage_owner_index(txn, map.cpuser, &map);
}

void stage_db_map_removal(Transaction& txn, const std::string& cpuser) {
  const std::string rel = db_map_rel(cpuser);
  if (txn.exists(rel)) {
    txn.remove(rel);
    stage_owner_index(txn, cpuser, nullptr);
  }
}

void stage_db_map_rename(Transaction& txn, DbMap map, const std::string& new_user) {
  const std::string old_user = map.cpuser;
  if (old_user == new_user) return stage_db_map(txn, map);
  map.cpuser = new_user;
  for (DbEngineMap* e : {&map.mysql, &map.pgsql})
    if (e->owner == dbowner_of(old_user)) e->owner = dbowner_of(new_user);
  stage_db_map_removal(txn, old_user);
  stage_db_map(txn, map);
}

}  // namespace whm
