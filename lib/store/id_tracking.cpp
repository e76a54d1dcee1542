#include "id_tracking.hpp"

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

nlohmann::json id_object(const std::set<long>& ids) {
  nlohmann::json out = nlohmann::json::object();
  for (long id : ids) out[std::to_string(id)] = 1;
  return out;
}

}  // namespace

TrackedIds::TrackedIds(const Transaction& txn) {
  auto text = txn.read(kUsedIdsFile);
  if (!text) return;
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
  txn.write(kUsedIdsFile, json_text({{"gids", id_object(gids_)}, {"uids", id_object(uids_)}}), 0644);
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
