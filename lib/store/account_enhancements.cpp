#include "account_enhancements.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "resellers.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

// A JSON file's object, or nullopt when it is not one.
std::optional<nlohmann::json> json_object(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

std::string string_field(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

// cPanel's enhancement ids: what update_usage accepts (they are YAML keys and cpuser values).
bool id_syntax_ok(const std::string& id) {
  return !id.empty() && id.size() <= 32 &&
         id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz_-") == std::string::npos;
}

std::optional<std::string> name_error(const std::string& name) {
  if (name.empty() || name.size() > enhancements::kMaxNameLength)
    return "The " + in_quotes(name) + " enhancement name must be between “1” and “" +
           std::to_string(enhancements::kMaxNameLength) + "” characters.";
  // A file name (no "/", no leading "."), and a cpuser key: no "=", no line break.
  const bool control =
      std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (control || name.find('/') != std::string::npos || name.find('=') != std::string::npos || name[0] == '.' ||
      trim(name) != name)
    return "The " + in_quotes(name) + " enhancement name is reserved or contains unsupported characters.";
  return std::nullopt;
}

nlohmann::json limit_json(const EnhancementLimit& l) {
  return {{"limit", l.limit}, {"limited", l.limited ? 1 : 0}, {"usage", l.usage}};
}

long long int_field(const nlohmann::json& entry, const char* key, long long fallback) {
  auto it = entry.find(key);
  if (it == entry.end()) return fallback;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_string()) return parse_int(it->get<std::string>()).value_or(fallback);
  return fallback;
}

// The stored entries under <reseller>.limits.account_enhancements.
nlohmann::json stored_entries(const nlohmann::json& limits, const std::string& reseller) {
  auto r = limits.find(reseller);
  if (r == limits.end() || !r->is_object()) return nlohmann::json::object();
  auto l = r->find("limits");
  if (l == r->end() || !l->is_object()) return nlohmann::json::object();
  auto e = l->find("account_enhancements");
  return e != l->end() && e->is_object() ? *e : nlohmann::json::object();
}

// The cpuser file of `user` as `txn` sees it (nullopt once removed).
std::optional<CpUser> cpuser_in(const Transaction& txn, const std::string& user) {
  auto text = txn.read(paths::cpuser(user));
  if (!text) return std::nullopt;
  return parse_cpuser(*text);
}

// Assignments live in the cpuser file, which the cpuser part moves, archives
// and restores; this part keeps each reseller's stored usage counts in step
// when an account leaves or comes back. It walks after the cpuser part, so
// it sees the account's file as the transaction leaves it.
class EnhancementsPart : public AccountPart {
 public:
  // The account's assignments are lines of its cpuser file.
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    auto text = root.read(paths::cpuser(a.user));
    if (!text || assignments_of(parse_cpuser(*text)).empty()) return {};
    return {paths::cpuser(a.user)};
  }
  // A new account has no assignment yet.
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.owner != to.owner) sync_enhancement_usage(root, txn, from.owner);
    sync_enhancement_usage(root, txn, to.owner);
  }
  // A suspended account keeps its assignments, as in cPanel.
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    sync_enhancement_usage(root, txn, a.owner);
  }
  // The assignments travel in the archived cpuser file (cp/<user>).
  void archive(const StateRoot&, const Transaction&, const AccountFacts&, const PkgacctOptions&,
               ArchiveOut&) const override {}
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string&) const override {
    sync_enhancement_usage(root, txn, src.facts.owner);
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    auto u = cpuser_in(view, a.user);
    if (!u) return;
    for (const auto& [name, id] : assignments_of(*u))
      if (!id_syntax_ok(id))
        out.push_back("Account " + in_quotes(a.user) + ": the Account Enhancement " + in_quotes(name) +
                      " is assigned with the invalid ID " + in_quotes(id) + ".");
  }
  // Per reseller (once, not per account): a stored usage that is not the count.
  void orphans(const StateRoot& root, const Transaction& view, const std::set<std::string>&,
               Problems& out) const override {
    // The usage of every reseller from one pass over the cpuser files (not a
    // pass per reseller), and none when no reseller has a stored count.
    std::map<std::string, std::map<std::string, EnhancementLimit>> limits;
    for (const auto& [reseller, acls] : read_resellers(view))
      if (auto l = enhancement_limits(view, reseller); !l.empty()) limits[reseller] = std::move(l);
    if (limits.empty()) return;
    const auto usage = enhancement_usage_by_owner(root, view);
    for (const auto& [reseller, reseller_limits] : limits) {
      static const std::map<std::string, long long> kNone;
      const auto found = usage.find(reseller);
      const auto& counted = found == usage.end() ? kNone : found->second;
      for (const auto& [id, limit] : reseller_limits) {
        const long long actual = counted.count(id) ? counted.at(id) : 0;
        if (limit.usage != actual)
          out.push_back("Reseller " + in_quotes(reseller) + ": var/cpanel/reseller-limits.yaml counts " +
                        std::to_string(limit.usage) + " assignments of the Account Enhancement ID " + in_quotes(id) +
                        ", but its accounts hold " + std::to_string(actual) + ".");
      }
    }
  }
};

}  // namespace

std::string enhancement_rel(const std::string& name) {
  check_path_component(name + ".json", "enhancement name");
  return std::string(enhancements::kDir) + "/" + name + ".json";
}

std::vector<Enhancement> list_enhancements(const StateRoot& root, const Transaction& txn,
                                           std::vector<std::string>& warnings) {
  const auto installed = installed_enhancement_ids(txn);
  std::vector<Enhancement> out;
  for (const auto& file : root.list_dir(enhancements::kDir)) {
    if (!ends_with(file, ".json") || name_error(file.substr(0, file.size() - 5))) continue;
    const std::string rel = std::string(enhancements::kDir) + "/" + file;
    auto doc = json_object(txn.read(rel));
    if (!doc) continue;  // a directory, or not a JSON object: not an enhancement
    Enhancement e{string_field(*doc, "name"), string_field(*doc, "id")};
    if (e.name.empty() || e.id.empty()) {
      warnings.push_back("The enhancement file " + in_quotes(server_path(rel)) +
                         " contains incomplete or corrupt data.");
      continue;
    }
    if (name_error(e.name))
      warnings.push_back("The enhancement file " + in_quotes(server_path(rel)) +
                         " contains an invalid enhancement “name”: " + in_quotes(e.name) + ".");
    if (std::find(installed.begin(), installed.end(), e.id) == installed.end())
      warnings.push_back("The enhancement file " + in_quotes(server_path(rel)) +
                         " contains an invalid enhancement “id”: " + in_quotes(e.id) + ".");
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const Enhancement& a, const Enhancement& b) {
    return std::make_pair(to_lower(a.name), a.name) < std::make_pair(to_lower(b.name), b.name);
  });
  return out;
}

void check_enhancement_name(const std::string& name) {
  if (auto error = name_error(name)) throw ApiError(*error);
}

std::vector<std::string> installed_enhancement_ids(const Transaction& txn) {
  std::vector<std::string> ids;
  auto installed = json_object(txn.read(enhancements::kInstalled));
  if (!installed) return ids;
  for (const auto& [name, plugin] : installed->items())
    if (plugin.is_object()) {
      const std::string id = string_field(plugin, "id");
      if (id_syntax_ok(id) && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  return ids;
}

void check_enhancement_id(const Transaction& txn, const std::string& id) {
  const auto ids = installed_enhancement_ids(txn);
  if (std::find(ids.begin(), ids.end(), id) == ids.end())
    throw ApiError("The " + in_quotes(id) + " enhancement ID is not valid.");
}

Enhancement find_enhancement(const Transaction& txn, const std::string& name) {
  check_enhancement_name(name);
  auto doc = json_object(txn.read(enhancement_rel(name)));
  if (!doc) throw ApiError("The system was unable to find the " + in_quotes(name) + " enhancement.");
  return {string_field(*doc, "name"), string_field(*doc, "id")};
}

void stage_enhancement(Transaction& txn, const Enhancement& e) {
  txn.write(enhancement_rel(e.name), json_text({{"id", e.id}, {"name", e.name}}), 0644);
}

std::map<std::string, std::string> assignments_of(const CpUser& u) {
  std::map<std::string, std::string> out;
  const std::string prefix = enhancements::kAssignmentPrefix;
  for (const auto& [key, value] : u.kv)
    if (starts_with(key, prefix) && key.size() > prefix.size()) out[key.substr(prefix.size())] = value;
  return out;
}

std::map<std::string, EnhancementLimit> enhancement_limits(const Transaction& txn, const std::string& reseller) {
  std::map<std::string, EnhancementLimit> out;
  const nlohmann::json entries = stored_entries(read_reseller_limits(txn), reseller);  // bound: items() refers to it
  for (const auto& [id, entry] : entries.items()) {
    if (!entry.is_object()) continue;
    EnhancementLimit l;
    l.limited = int_field(entry, "limited", 1) != 0;
    l.limit = int_field(entry, "limit", 0);
    l.usage = int_field(entry, "usage", 0);
    out[id] = l;
  }
  return out;
}

namespace {
// Every account the transaction may have touched is among these names: a
// restored account's file is in place before its lookup lines are.
std::set<std::string> cpuser_names(const StateRoot& root) {
  std::set<std::string> users;
  for (const auto& name : root.list_dir("var/cpanel/users"))
    if (name[0] != '.') users.insert(name);
  return users;
}
}  // namespace

std::map<std::string, long long> enhancement_usage(const StateRoot& root, const Transaction& txn,
                                                   const std::string& reseller) {
  std::map<std::string, long long> out;
  for (const auto& user : cpuser_names(root)) {
    auto u = cpuser_in(txn, user);
    if (!u || u->get("OWNER") != reseller || user == reseller) continue;
    for (const auto& [name, id] : assignments_of(*u)) ++out[id];
  }
  return out;
}

std::map<std::string, std::map<std::string, long long>> enhancement_usage_by_owner(const StateRoot& root,
                                                                                   const Transaction& txn) {
  std::map<std::string, std::map<std::string, long long>> out;
  for (const auto& user : cpuser_names(root)) {
    auto u = cpuser_in(txn, user);
    if (!u) continue;
    const std::string owner = u->get("OWNER");
    if (user == owner) continue;
    for (const auto& [name, id] : assignments_of(*u)) ++out[owner][id];
  }
  return out;
}

void stage_enhancement_limit(const StateRoot& root, Transaction& txn, const std::string& reseller,
                             const std::string& id, bool limited, std::optional<long long> limit) {
  auto limits = read_reseller_limits(txn);
  auto current = enhancement_limits(txn, reseller);
  EnhancementLimit l = current.count(id) ? current[id] : EnhancementLimit{};
  l.limited = limited;
  if (limit) l.limit = *limit;
  const auto usage = enhancement_usage(root, txn, reseller);
  l.usage = usage.count(id) ? usage.at(id) : 0;
  limits[reseller]["limits"]["account_enhancements"][id] = limit_json(l);
  write_reseller_limits(txn, limits);
}

void stage_enhancement_usage(const StateRoot& root, Transaction& txn, const std::string& reseller,
                             const std::string& id) {
  if (reseller.empty() || reseller == "root" || !is_reseller(txn, reseller)) return;
  if (!enhancement_limits(txn, reseller).count(id)) {
    auto limits = read_reseller_limits(txn);
    limits[reseller]["limits"]["account_enhancements"][id] = limit_json(EnhancementLimit{});
    write_reseller_limits(txn, limits);
  }
  sync_enhancement_usage(root, txn, reseller);
}

void sync_enhancement_usage(const StateRoot& root, Transaction& txn, const std::string& reseller) {
  if (reseller.empty() || reseller == "root" || !is_reseller(txn, reseller)) return;
  auto stored = enhancement_limits(txn, reseller);
  if (stored.empty()) return;
  const auto usage = enhancement_usage(root, txn, reseller);
  auto limits = read_reseller_limits(txn);
  bool changed = false;
  for (auto& [id, l] : stored) {
    const long long actual = usage.count(id) ? usage.at(id) : 0;
    if (l.usage == actual) continue;
    l.usage = actual;
    limits[reseller]["limits"]["account_enhancements"][id] = limit_json(l);
    changed = true;
  }
  if (changed) write_reseller_limits(txn, limits);
}

const AccountPart& enhancements_part() { return part_instance<EnhancementsPart>(); }

}  // namespace whm
