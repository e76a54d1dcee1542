#include "db_map.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <mutex>

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

// The index file (whmkit's own, UNCONFIRMED for cPanel which has none): a
// header line, then "S user mtime_ns size inode" per map and
// "N engine(M|P) kind(d|u) user name" per name; the name is the rest of the
// line, "%", control bytes and DEL written as %XX.
constexpr const char* kOwnerIndexHeader = "#whmkit db owners v1";

std::string encode_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '%') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

OwnerIndex parse_owner_index(const std::string& text) {
  OwnerIndex idx;
  size_t pos = 0;
  bool header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return {};  // cut short: rebuilt from the maps
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!header) {
      if (line != kOwnerIndexHeader) return {};
      header = true;
      continue;
    }
    if (starts_with(line, "S ")) {
      const auto f = split(line, ' ');
      if (f.size() != 5) return {};
      std::vector<long long> stamp;
      for (size_t i = 2; i < 5; ++i) {
        // Nanosecond times have 19 digits: more than parse_int takes.
        if (f[i].empty() || f[i].size() > 19 || !std::all_of(f[i].begin(), f[i].end(), ::isdigit)) return {};
        errno = 0;
        const long long v = std::strtoll(f[i].c_str(), nullptr, 10);
        if (errno == ERANGE) return {};
        stamp.push_back(v);
      }
      idx.stamps[f[1]] = stamp;
    } else if (line.size() > 6 && starts_with(line, "N ") && (line[2] == 'M' || line[2] == 'P') && line[3] == ' ' &&
               (line[4] == 'd' || line[4] == 'u') && line[5] == ' ') {
      const size_t sp = line.find(' ', 6);
      if (sp == std::string::npos) return {};
      auto name = percent_decode(line.substr(sp + 1));
      if (!name) return {};
      idx.names[line[2] == 'M' ? 0 : 1][line[4] == 'd' ? 0 : 1].emplace(*name, line.substr(6, sp - 6));
    } else {
      return {};
    }
  }
  if (!header) return {};
  return idx;
}

std::string owner_index_text(const OwnerIndex& idx) {
  std::string out = std::string(kOwnerIndexHeader) + "\n";
  for (const auto& [user, stamp] : idx.stamps)
    out += "S " + user + " " + std::to_string(stamp[0]) + " " + std::to_string(stamp[1]) + " " +
           std::to_string(stamp[2]) + "\n";
  for (int e = 0; e < 2; ++e)
    for (int k = 0; k < 2; ++k)
      for (const auto& [name, user] : idx.names[e][k])
        out +=
            std::string("N ") + (e ? 'P' : 'M') + ' ' + (k ? 'u' : 'd') + ' ' + user + ' ' + encode_name(name) + "\n";
  return out;
}

// The last index text parsed in this process (a call looks up, then stages).
// whmkitd answers calls on several threads: the cache is shared under a lock.
OwnerIndex parsed_owner_index(const std::string& text) {
  static std::mutex mutex;
  static std::string last_text;
  static OwnerIndex last;
  std::lock_guard<std::mutex> lock(mutex);
  if (text != last_text || last.stamps.empty()) {
    last = parse_owner_index(text);
    last_text = text;
  }
  return last;
}

// A map this transaction stages: its stamp is not known until the commit.
const std::vector<long long> kStagedStamp = {0, 0, 0};

// The index brought up to date with the maps as `view` sees them: a map whose
// stamp (on disk) differs from the index's, or that a transaction staged, is
// read again through `view`; maps gone are forgotten. Nothing is written.
OwnerIndex current_owner_index(const Transaction& view) {
  const StateRoot& root = view.root();
  OwnerIndex idx;
  if (auto text = view.read(kDbOwnerIndex)) idx = parsed_owner_index(*text);
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
  // No map left: no index (an account created and removed leaves nothing).
  if (idx.stamps.empty()) {
    if (txn.exists(kDbOwnerIndex)) txn.remove(kDbOwnerIndex);
    return;
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
