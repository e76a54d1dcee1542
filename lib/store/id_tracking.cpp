#include "id_tracking.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "output.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

// {"1001": 1, ...}: the keys are the ids; a key that is not one is damage.
void read_ids(const nlohmann::json& doc, const char* key, std::set<long>& out, FileProblems& problems) {
  auto it = doc.find(key);
  if (it == doc.end()) return;
  if (!it->is_object()) {
    problems.push_back(std::string("its “") + key + "” is not a JSON object");
    return;
  }
  for (const auto& [id, value] : it->items()) {
    auto n = parse_int(id);
    if (n && *n >= 0)
      out.insert(static_cast<long>(*n));
    else
      problems.push_back(std::string("its “") + key + "” holds “" + id + "”, which is not an id");
  }
}

// The file as whmkit writes it, {"gids":{"1000":1,...},"uids":{...}} with
// the keys in string order, read without building a JSON document (at
// 100,000 accounts that document was a third of createacct's work). Anything
// else (spaces, other keys or values, a damaged file) returns false, and the
// JSON parser reads it.
bool read_canonical_ids(std::string_view text, std::set<long>& gids, std::set<long>& uids) {
  auto eat = [&text](std::string_view what) {
    if (text.substr(0, what.size()) != what) return false;
    text.remove_prefix(what.size());
    return true;
  };
  auto ids = [&](std::vector<long>& out) {
    std::string_view previous;
    if (eat("}")) return true;
    for (;;) {
      if (!eat("\"")) return false;
      const size_t end = text.find('"');
      if (end == std::string_view::npos || end == 0 || end > 18) return false;
      const std::string_view key = text.substr(0, end);
      if ((key[0] == '0' && key.size() > 1) || (!previous.empty() && key <= previous)) return false;
      long id = 0;
      for (char c : key) {
        if (c < '0' || c > '9') return false;
        id = id * 10 + (c - '0');
      }
      out.push_back(id);
      previous = key;
      text.remove_prefix(end + 1);
      if (!eat(":1")) return false;
      if (eat("}")) return true;
      if (!eat(",")) return false;
    }
  };
  std::vector<long> g, u;
  if (!eat("{\"gids\":{") || !ids(g) || !eat(",\"uids\":{") || !ids(u) || !eat("}") || !text.empty()) return false;
  std::sort(g.begin(), g.end());  // keys come in string order; a set built from sorted ids is built in one pass
  std::sort(u.begin(), u.end());
  gids = std::set<long>(g.begin(), g.end());
  uids = std::set<long>(u.begin(), u.end());
  return true;
}

// {"1001":1,...} as json_text writes an object: keys in string order.
void append_id_object(std::string& out, const std::set<long>& ids) {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (long id : ids) keys.push_back(std::to_string(id));
  std::sort(keys.begin(), keys.end());
  out += '{';
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += keys[i];
    out += "\":1";
  }
  out += '}';
}

}  // namespace

std::string used_ids_text(const std::set<long>& gids, const std::set<long>& uids) {
  std::string out = "{\"gids\":";
  out.reserve(16 * (gids.size() + uids.size()) + 32);
  append_id_object(out, gids);
  out += ",\"uids\":";
  append_id_object(out, uids);
  out += '}';
  return out;
}

TrackedIds::TrackedIds(const Transaction& txn) {
  auto text = txn.read(kUsedIdsFile);
  if (!text) return;
  if (read_canonical_ids(*text, gids_, uids_)) return;
  const nlohmann::json doc = parse_json_object(*text, problems_);
  read_ids(doc, "uids", uids_, problems_);
  read_ids(doc, "gids", gids_, problems_);
}

void TrackedIds::add(FileOwner ids) {
  if (ids.uid != static_cast<uid_t>(-1)) uids_.insert(static_cast<long>(ids.uid));
  if (ids.gid != static_cast<gid_t>(-1)) gids_.insert(static_cast<long>(ids.gid));
}

void TrackedIds::add_system_ids(const SystemUsers& sys) {
  uids_.merge(sys.uids());
  gids_.merge(sys.gids());
}

void TrackedIds::save(Transaction& txn) const {
  refuse_if_damaged(kUsedIdsFile, problems_);
  txn.write(kUsedIdsFile, used_ids_text(gids_, uids_), 0644);
}

void track_account_ids(Transaction& txn, FileOwner ids) {
  TrackedIds tracked(txn);
  tracked.add(ids);
  SystemUsers sys;
  sys.load(txn);
  tracked.add_system_ids(sys);
  tracked.save(txn);
}

}  // namespace whm
