// Accounts: the settings around an account — who the caller may list, the
// license's account limit, disk usage and quotas, password strength rules and
// forced password changes, Digest Authentication, the MySQL client file,
// WHM's personalization store, upgrade opportunities, and the uids and gids
// kept from reuse (untrack_acct_id).
#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "account_common.hpp"
#include "bandwidth.hpp"
#include "digest_auth.hpp"
#include "errors.hpp"
#include "force_password.hpp"
#include "id_tracking.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "nvdata.hpp"
#include "password_strength.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

// WHM API 1 puts warnings in metadata.output.warnings.
void add_warning(Response& r, const std::string& text) {
  auto& warnings = r.metadata["output"]["warnings"];
  if (!warnings.is_array()) warnings = nlohmann::json::array();
  warnings.push_back(text);
}

// ---------------------------------------------------------------- listing

Response list_users(Context& ctx, const Request&) {
  std::set<std::string> users;
  for (const auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners"))
    if (ctx.rights.sees(user, owner)) users.insert(user);
  users.insert(ctx.caller);  // a reseller without an account of its own is still a WHM user
  if (ctx.rights.privileged) users.insert("root");
  Response r;
  r.data = {{"users", std::vector<std::string>(users.begin(), users.end())}};
  return r;
}

// The license file cPanel reads (usr/local/cpanel/cpanel.lisc, "key: value"
// lines): whmkit has no license server, so it reports what a license file
// present on the server says, and otherwise that it sets no limit (0).
constexpr const char* kLicenseFile = "usr/local/cpanel/cpanel.lisc";

Response get_maximum_users(Context& ctx, const Request&) {
  Response r;
  std::optional<long long> maxusers;
  if (auto text = ctx.root.read(kLicenseFile))
    for (const auto& line : split(text->substr(0, 1024), '\n'))
      if (starts_with(line, "maxusers: ")) maxusers = parse_int(trim(line.substr(10)));
  if (!maxusers || *maxusers < 0) {
    add_warning(r, std::string("There is no license file with a “maxusers” entry (/") + kLicenseFile +
                       "): whmkit sets no limit on the number of accounts (0 = unlimited).");
    maxusers = 0;
  }
  r.data = {{"users", *maxusers}};
  return r;
}

// ---------------------------------------------------------------- quotas

// Where the homes are: the roots new homes go into, and every account's.
std::vector<std::string> home_roots_in_use(const StateRoot& root) {
  std::vector<std::string> roots = home_roots(root, load_server_config(root));
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  for (const auto& user : AccountStore(root).usernames())
    if (auto pw = sys.user(user); pw && pw->home.rfind('/') > 0) {
      std::string parent = pw->home.substr(0, pw->home.rfind('/'));
      if (std::find(roots.begin(), roots.end(), parent) == roots.end()) roots.push_back(parent);
    }
  return roots;
}

Response get_homedir_roots(Context& ctx, const Request&) {
  // Most free space first, as cPanel orders them.
  std::vector<std::pair<unsigned long long, std::string>> roots;
  for (const auto& dir : home_roots(ctx.root, load_server_config(ctx.root))) {
    struct statvfs fs {};
    unsigned long long free_bytes = 0;
    if (::statvfs(ctx.root.path(paths::rel_from_abs(dir)).c_str(), &fs) == 0)
      free_bytes = static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    roots.emplace_back(free_bytes, dir);
  }
  std::stable_sort(roots.begin(), roots.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& [free_bytes, dir] : roots) payload.push_back({{"path", dir}});
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response quota_enabled(Context& ctx, const Request&) {
  QuotaReader quotas;
  bool enabled = false;
  for (const auto& dir : home_roots_in_use(ctx.root))
    enabled = enabled || quotas.enabled(ctx.root.path(paths::rel_from_abs(dir)));
  Response r;
  r.data = {{"quota_enabled", enabled ? 1 : 0}};
  return r;
}

nlohmann::json limit_or_null(long long limit) { return limit > 0 ? nlohmann::json(limit) : nlohmann::json(nullptr); }

// One record per account the caller sees: usage from the quota system, and
// its hard limits. Where quotas are off the usage is unknown (null) and the
// limits are those the cpuser file sets.
struct DiskUsage {
  std::string user;
  std::optional<long long> blocks_used, inodes_used;
  long long blocks_limit = 0, inodes_limit = 0;
};

std::vector<DiskUsage> disk_usage(const Context& ctx, bool& all_known) {
  AccountStore store(ctx.root);
  Transaction view(ctx.root);
  SystemUsers sys;
  sys.load(view);
  QuotaReader quotas;
  std::vector<DiskUsage> out;
  all_known = true;
  for (const auto& name : store.usernames()) {
    auto u = store.load(name);
    if (!u || !ctx.rights.sees(name, u->get("OWNER"))) continue;
    DiskUsage d;
    d.user = name;
    auto pw = sys.user(name);
    QuotaReader::Usage q;
    if (pw) q = quotas.usage(ctx.root.path(paths::rel_from_abs(pw->home)), static_cast<uid_t>(owner_of(*pw).uid));
    if (q.known) {
      d.blocks_used = (q.bytes + 1023) / 1024;
      d.inodes_used = q.inodes;
      d.blocks_limit = q.block_limit;
      d.inodes_limit = q.inode_limit;
    } else {
      all_known = false;
      d.blocks_limit = parse_int(u->get("DISK_BLOCK_LIMIT", "0")).value_or(0);
      d.inodes_limit = parse_int(u->get("DISK_INODE_LIMIT", "0")).value_or(0);
    }
    out.push_back(d);
  }
  return out;
}

const char* kQuotasOff =
    "Disk quotas are not enabled on the file systems that hold the homes: the usage is unknown (null) and the limits "
    "are those of the accounts' settings.";

nlohmann::json optional_number(const std::optional<long long>& n) { return n ? nlohmann::json(*n) : nlohmann::json(); }

// cache_mode: whmkit keeps no quota cache; both modes read the quota system.
Response get_disk_usage(Context& ctx, const Request&) {
  bool all_known = true;
  nlohmann::json accounts = nlohmann::json::array();
  for (const auto& d : disk_usage(ctx, all_known))
    accounts.push_back({{"blocks_limit", limit_or_null(d.blocks_limit)},
                        {"blocks_used", optional_number(d.blocks_used)},
                        {"inodes_limit", limit_or_null(d.inodes_limit)},
                        {"inodes_used", optional_number(d.inodes_used)},
                        {"user", d.user}});
  Response r;
  r.data = {{"accounts", accounts}};
  if (!all_known) add_warning(r, kQuotasOff);
  return r;
}

// ---------------------------------------------------------------- tracked ids

// Entries a walk of the home roots looks at before it gives up: it runs
// under the state lock, so it must end.
constexpr long kMaxWalkedEntries = 1000000;

// Whether something under `dir` (walked without following a symlink) belongs
// to `uid`; `budget` counts the entries down.
bool owns_something_under(const UserDir& dir, uid_t uid, long& budget) {
  for (const auto& name : dir.entries()) {
    if (--budget < 0) throw ApiError("more than " + std::to_string(kMaxWalkedEntries) + " files under the home roots");
    auto st = dir.status(name);
    if (!st) continue;  // gone meanwhile
    if (st->st_uid == uid) return true;
    if (S_ISDIR(st->st_mode))
      if (auto sub = dir.dir(name); sub && owns_something_under(*sub, uid, budget)) return true;
  }
  return false;
}

// Whether `uid` still owns files in the home roots. cPanel asks the quota
// system, and without quotas assumes there are none; whmkit asks the quota
// system where user quotas are on and otherwise walks the home roots, so an
// id is not released while a file there is still its.
bool uid_has_files(const StateRoot& root, uid_t uid) {
  QuotaReader quotas;
  long budget = kMaxWalkedEntries;
  for (const auto& home_root : home_roots_in_use(root)) {
    const std::string abs = root.path(paths::rel_from_abs(home_root));
    if (quotas.enabled(abs)) {
      auto usage = quotas.usage(abs, uid);
      if (usage.known && (usage.bytes > 0 || usage.inodes > 0)) return true;
      if (usage.known) continue;
    }
    auto dir = UserDir::open(abs, home_root);
    if (dir && owns_something_under(*dir, uid, budget)) return true;
  }
  return false;
}

// cPanel's checks in its order (uid first; the file system only for a uid),
// with its wording; nothing is written unless every check passes.
Response untrack_acct_id(Context& ctx, const Request& req) {
  const auto uid = req.get("uid"), gid = req.get("gid");  // declared integers >= 0
  if (!uid && !gid) throw ApiError("No uid or gid supplied");
  const bool protect_system = req.flag("protect_system", true), check_exists = req.flag("check_exists", true);
  const LoginDefs defs = load_login_defs(ctx.root);
  SystemUsers sys;
  sys.load(ctx.txn());
  TrackedIds tracked(ctx.txn());
  refuse_if_damaged(kUsedIdsFile, tracked.problems());
  bool changed = false;
  if (uid) {
    const long id = static_cast<long>(*parse_int(*uid));
    if (protect_system && id < defs.uid_min) throw ApiError("System uid supplied");
    if (check_exists && sys.uid_in_use(id)) throw ApiError("The supplied uid (" + *uid + ") is still in use");
    if (req.flag("check_quota", true)) {
      bool has_files = false;
      try {
        has_files = uid_has_files(ctx.root, static_cast<uid_t>(id));
      } catch (const ApiError& e) {
        throw ApiError("The system failed to determine if the supplied uid (" + *uid +
                       ") still has files because of an error: " + e.what());
      }
      if (has_files) throw ApiError("The supplied uid (" + *uid + ") still has files");
    }
    changed = tracked.remove_uid(id);
  }
  if (gid) {
    const long id = static_cast<long>(*parse_int(*gid));
    if (protect_system && id < defs.gid_min) throw ApiError("System gid supplied");
    if (check_exists && sys.gid_in_use(id)) throw ApiError("The supplied gid is still in use");
    changed = tracked.remove_gid(id) || changed;
  }
  if (changed) tracked.save(ctx.txn());
  return {};
}

// ---------------------------------------------------------------- password strength

// The names getminimumpasswordstrengths and setminimumpasswordstrengths take:
// "default" is minpwstrength, every other one minpwstrength_<name>.
const std::vector<std::string> kStrengthNames = {"cpaddons", "createacct", "default", "list",   "mysql",
                                                 "passwd",   "postgres",   "sshkey",  "virtual"};

std::string strength_key(const std::string& name) {
  return name == password_app::kDefault ? "minpwstrength" : "minpwstrength_" + name;
}

Response get_password_strength(Context& ctx, const Request& req) {
  Response r;
  r.data = {{"strength", password_strength(*req.get("password"), bad_passwords(ctx.root))}};
  return r;
}

// The minimums that createacct, passwd and the FTP functions enforce.
Response getminimumpasswordstrengths(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& name : kStrengthNames)
    if (!req.has("name") || *req.get("name") == name) r.data[name] = required_password_strength(ctx.root, name);
  return r;
}

// An empty value removes the setting (it then follows "default").
Response setminimumpasswordstrengths(Context& ctx, const Request& req) {
  bool any = false;
  for (const auto& name : kStrengthNames) any = any || req.has(name);
  if (!any) throw ApiError("No new values were given.");
  Transaction txn(ctx.root);
  ConfigValues config = load_tweak_settings_for_change(txn);
  for (const auto& name : kStrengthNames) {
    auto value = req.get(name);
    if (!value) continue;
    if (value->empty()) {
      if (name == password_app::kDefault)
        throw invalid_param(name, "The value for “default” may not be empty or undefined.");
      config.erase(strength_key(name));
      continue;
    }
    auto n = parse_int(*value);
    if (!n || *n < 1 || *n > 100) throw invalid_param(name, "“" + *value + "” is not an integer from 1 to 100.");
    config[strength_key(name)] = std::to_string(*n);
  }
  stage_tweak_settings(txn, config);
  txn.commit();
  return {};
}

// ---------------------------------------------------------------- forced password change

// An existing account's name can be looked up (new names have stricter rules).
bool plausible_username(const std::string& name) {
  return !name.empty() && name.size() <= 64 && name[0] != '.' &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
}

// users_json: {"user": 1 to force, 0 to lift}. A reseller names only its own accounts.
Response forcepasswordchange(Context& ctx, const Request& req) {
  nlohmann::json users;
  try {
    users = nlohmann::json::parse(*req.get("users_json"));
  } catch (const nlohmann::json::exception&) {
    throw invalid_param("users_json", "it is not valid JSON.");
  }
  if (!users.is_object() || users.empty())
    throw invalid_param("users_json", "it must be a JSON object of usernames, each with 1 or 0.");

  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  std::vector<std::string> invalid;
  std::map<std::string, std::pair<AccountFacts, bool>> wanted;  // by name: sorted
  for (auto it = users.begin(); it != users.end(); ++it) {
    auto u = plausible_username(it.key()) ? store.load(it.key()) : std::nullopt;
    if (!u || !ctx.rights.sees(it.key(), u->get("OWNER"))) {
      invalid.push_back(it.key());
      continue;
    }
    const bool force = it.value().is_boolean()  ? it.value().get<bool>()
                       : it.value().is_number() ? it.value().get<double>() != 0
                       : it.value().is_string()
                           ? !it.value().get<std::string>().empty() && it.value().get<std::string>() != "0"
                           : !it.value().is_null();
    wanted.emplace(it.key(), std::make_pair(load_account_facts(txn, *u), force));
  }
  if (!invalid.empty()) throw ApiError("Invalid user(s): " + join(invalid, ", "));

  std::vector<std::string> updated;
  std::map<std::string, std::string> failed;
  for (const auto& [user, want] : wanted) {
    const auto& [facts, force] = want;
    try {
      if (stage_force_password(txn, facts.home_rel, facts.ids, user, force)) updated.push_back(user);
    } catch (const ApiError& e) {
      failed[user] = e.what();
      if (req.flag("stop_on_failure")) break;
    }
  }
  Response r;
  if (updated.empty() && failed.empty()) {
    r.reason = "Nothing to do.";
    return r;
  }
  txn.commit();
  r.data = {{"updated", updated}};
  if (!failed.empty()) {
    r.data["failed"] = failed;
    r.ok = false;
    r.reason = failed.size() == 1 || req.flag("stop_on_failure")
                   ? failed.begin()->second
                   : "Force password change flags for the following users could not be updated: " +
                         join(
                             [&] {
                               std::vector<std::string> names;
                               for (const auto& [user, why] : failed) names.push_back(user);
                               return names;
                             }(),
                             ", ");
  }
  return r;
}

// ---------------------------------------------------------------- Digest Authentication, MySQL

Response has_digest_auth(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  AccountStore(ctx.root).require(user);
  Transaction view(ctx.root);
  Response r;
  r.data = {{"digestauth", digest_entry(view, user) ? 1 : 0}};
  return r;
}

// Enabling needs the account's password: the digest hash is made from it.
Response set_digest_auth(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  if (!req.has("enabledigest") && !req.has("digestauth")) throw missing_param("enabledigest");
  const bool enable = req.has("digestauth") ? req.flag("digestauth") : req.flag("enabledigest");
  AccountStore(ctx.root).require(user);
  Transaction txn(ctx.root);
  Response r;
  if (!enable) {
    stage_digest_removal(txn, user);
    txn.commit();
    r.reason = "Digest Authentication disabled.";
    return r;
  }
  const std::string password = req.get_or("password", "");
  if (password.empty()) throw missing_param("password");
  SystemUsers sys;
  sys.load(txn);
  auto shadow = sys.shadow.find(user);
  const std::string hash = shadow && shadow->size() > 1 ? (*shadow)[1] : "";
  if (hash.empty() || hash == "!!")
    throw ApiError("Digest Authentication could not be enabled because there is no crypted password set.");
  if (starts_with(hash, "!") || hash.find("*LOCKED*") != std::string::npos)
    throw ApiError("Digest Authentication could not be enabled because the account is suspended.");
  if (!verify_password(password, hash))
    throw ApiError("Digest Authentication could not be enabled because the supplied password was not correct.");
  stage_digest_password(txn, user, password, false);
  txn.commit();
  r.reason = "Digest Authentication enabled.";
  return r;
}

// The "user" of the [client] section of ~/.my.cnf, without quotes.
std::string mycnf_client_user(const std::string& text) {
  bool client = false;
  std::string user;
  for (const auto& raw : split(text, '\n')) {
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      client = line == "[client]";
      continue;
    }
    const auto eq = line.find('=');
    if (!client || eq == std::string::npos || trim(line.substr(0, eq)) != "user") continue;
    user = trim(line.substr(eq + 1));
    if (user.size() >= 2 && (user[0] == '"' || user[0] == '\'') && user.back() == user[0])
      user = user.substr(1, user.size() - 2);
  }
  return user;
}

Response has_mycnf_for_cpuser(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  CpUser u = AccountStore(ctx.root).require(user);
  Transaction view(ctx.root);
  const AccountFacts facts = load_account_facts(view, u);
  auto text = view.read(UserPath{facts.home_rel, ".my.cnf"});
  Response r;
  r.data = {{"has_mycnf_for_cpuser", text && mycnf_client_user(*text) == user ? 1 : 0}};
  return r;
}

// ---------------------------------------------------------------- personalization

// Only root (or a reseller holding "all") names a store; cPanel ignores it for the others.
std::string personalization_base(const Context& ctx, const Request& req) {
  const std::string store = req.get_or("store", "");
  if (store.size() > nvdata::kMaxStoreLength)
    throw invalid_param("store", "Stores can only be " + std::to_string(nvdata::kMaxStoreLength) + " characters.");
  return nvdata_base(ctx.caller, ctx.rights.privileged ? store : "");
}

void check_name(const std::string& param, const std::string& name) {
  if (name.size() > nvdata::kMaxNameLength)
    throw invalid_param(param, "Name " + name + " is invalid. Names can only be " +
                                   std::to_string(nvdata::kMaxNameLength) + " characters.");
}

Response personalization_get(Context& ctx, const Request& req) {
  const auto& names = req.list("names");
  if (names.empty()) throw ApiError("You must provide at least one personalization property name to fetch.");
  for (const auto& name : names) check_name("names", name);
  Transaction view(ctx.root);
  const auto stored = load_nvdata(view, personalization_base(ctx, req));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& name : names) {
    if (!stored)
      out[name] = {
          {"reason", "The system could not load the Personalization datastore."}, {"success", 0}, {"value", nullptr}};
    else  // a name never set is a success too, with a null value
      out[name] = {{"reason", "OK"}, {"success", 1}, {"value", stored->value(name, nlohmann::json())}};
  }
  Response r;
  r.data = {{"personalization", out}};
  return r;
}

// personalization: a JSON object of names and values.
Response personalization_set(Context& ctx, const Request& req) {
  nlohmann::json pairs;
  try {
    pairs = nlohmann::json::parse(*req.get("personalization"));
  } catch (const nlohmann::json::exception&) {
    throw invalid_param("personalization", "it is not valid JSON.");
  }
  if (!pairs.is_object())
    throw invalid_param("personalization", "it must be a JSON object of names and values ({\"name\": \"value\"}).");
  if (pairs.empty())
    throw invalid_param("personalization",
                        "The personalization property must be an object which contains one or more name/value pairs.");
  nlohmann::json out = nlohmann::json::object();
  for (auto it = pairs.begin(); it != pairs.end(); ++it) {
    check_name("personalization", it.key());
    const size_t length = it.value().is_string() ? it.value().get<std::string>().size() : it.value().dump().size();
    if (!it.value().is_null() && length > nvdata::kMaxValueLength)
      throw invalid_param("personalization", "The value of " + it.key() + " is invalid. Values can only be " +
                                                 std::to_string(nvdata::kMaxValueLength) + " characters.");
    out[it.key()] = {{"reason", "OK"}, {"success", 1}, {"value", it.value()}};
  }
  Transaction txn(ctx.root);
  stage_nvdata(txn, personalization_base(ctx, req), pairs);
  txn.commit();
  Response r;
  r.data = {{"personalization", out}};
  return r;
}

// ---------------------------------------------------------------- upgrade opportunities

// A fraction rounded to 2 places, as cPanel prints it.
double rounded(double x) { return std::round(x * 100) / 100; }
std::string percent(double fraction) { return fmt::format("{:.15g}", fraction * 100); }

long long month_bytes(const StateRoot& root, const std::string& user, int year, int month) {
  long long total = 0;
  for (const auto& [domain, bytes] : bandwidth_for_month(root.path(paths::bandwidth_db(user)), year, month))
    total += bytes;
  return total;
}

void add_message(nlohmann::json& account, nlohmann::json& part, const std::string& text) {
  account["messages"].push_back(text);
  part["messages"].push_back(text);
}

// Bandwidth this month and last against the account's limit.
nlohmann::json bandwidth_opportunity(const Context& ctx, const CpUser& u, double nearness, nlohmann::json& account) {
  const std::time_t t = now();
  const int year = std::stoi(format_time(t, "%Y", true)), month = std::stoi(format_time(t, "%m", true));
  const long long limit = parse_int(u.get("BWLIMIT")).value_or(0);  // bytes; "unlimited" or 0: none
  nlohmann::json part = {{"messages", nlohmann::json::array()}};
  for (const bool this_month : {true, false}) {
    const int m = this_month ? month : (month == 1 ? 12 : month - 1);
    const int y = this_month || month > 1 ? year : year - 1;
    const long long used = month_bytes(ctx.root, u.user(), y, m);
    const double fraction = limit > 0 ? rounded(static_cast<double>(used) / static_cast<double>(limit)) : 0;
    const bool reached = limit > 0 && used >= limit, near = fraction >= nearness;
    part[this_month ? "this_month" : "last_month"] = {
        {"fraction", fraction}, {"near", near ? 1 : 0}, {"reached", reached ? 1 : 0}};
    if (reached)
      add_message(account, part,
                  this_month ? "This account has exceeded its bandwidth quota for this month."
                             : "This account exceeded its bandwidth quota last month.");
    else if (near)
      add_message(account, part,
                  this_month ? "This account has used " + percent(fraction) + "% of its bandwidth quota for this month."
                             : "This account used " + percent(fraction) + "% of its bandwidth quota last month.");
  }
  return part;
}

// Disk usage against the quota and against a fixed block count; unknown
// (null) where quotas are off.
nlohmann::json disk_opportunity(const DiskUsage& d, double nearness, long long threshold, nlohmann::json& account) {
  nlohmann::json part = {{"messages", nlohmann::json::array()}};
  for (const bool to_quota : {true, false}) {
    const long long limit = to_quota ? d.blocks_limit : threshold;
    const char* key = to_quota ? "relative_to_quota" : "relative_to_fixed_amount";
    if (!d.blocks_used) {
      part[key] = {{"fraction", nullptr}, {"near", nullptr}, {"reached", nullptr}, {"threshold_blocks", nullptr}};
      continue;
    }
    const double fraction = limit > 0 ? rounded(static_cast<double>(*d.blocks_used) / static_cast<double>(limit)) : 0;
    const bool reached = fraction >= 1, near = fraction >= nearness;
    part[key] = {{"fraction", fraction},
                 {"near", near ? 1 : 0},
                 {"reached", reached ? 1 : 0},
                 {"threshold_blocks", limit_or_null(limit)}};
    const std::string blocks = std::to_string(limit);
    if (reached)
      add_message(account, part,
                  to_quota ? "This account has reached its disk quota."
                           : "This account has reached the fixed block count " + blocks + ".");
    else if (near)
      add_message(account, part,
                  to_quota ? "This account has used " + percent(fraction) + "% of its disk quota."
                           : "This account has used " + percent(fraction) + "% of the block count (" + blocks + ").");
  }
  return part;
}

Response get_upgrade_opportunities(Context& ctx, const Request& req) {
  const std::string nearness_text = req.get_or("nearness_fraction", "0.8");
  double nearness = 0;
  try {
    size_t used = 0;
    nearness = std::stod(nearness_text, &used);
    if (used != nearness_text.size()) nearness = -1;
  } catch (const std::exception&) {
    nearness = -1;
  }
  if (!(nearness > 0 && nearness < 1))
    throw invalid_param("nearness_fraction", "nearness_fraction must be a number greater than 0 and less than 1.");
  const long long threshold = parse_int(req.get_or("disk_threshold_blocks", "2097152")).value_or(0);

  bool all_known = true;
  const auto usage = disk_usage(ctx, all_known);
  AccountStore store(ctx.root);
  nlohmann::json opportunities = nlohmann::json::object();
  for (const auto& d : usage) {
    auto u = store.load(d.user);
    if (!u) continue;
    nlohmann::json account = {{"messages", nlohmann::json::array()}};
    account["bw_limit"] = bandwidth_opportunity(ctx, *u, nearness, account);
    account["disk_usage"] = disk_opportunity(d, nearness, threshold, account);
    opportunities[d.user] = account;
  }
  Response r;
  r.data = {{"supplemental",
             {{"friendly_name", {{"opportunity", {{"bw_limit", "Bandwidth Limit"}, {"disk_usage", "Disk Usage"}}}}}}},
            {"upgrade_opportunities", opportunities}};
  if (!all_known) add_warning(r, kQuotasOff);
  return r;
}

// ---------------------------------------------------------------- registrations

std::vector<ParamSpec> strength_params() {
  std::vector<ParamSpec> out;  // empty = remove the setting: checked by the handler
  for (const auto& name : kStrengthNames) out.push_back(optional_param(name, ParamType::String));
  return out;
}

ParamSpec id_param(const char* name, const char* description) {
  ParamSpec p = described(optional_param(name, ParamType::Integer), description);
  p.min = 0;
  p.max = 4294967295LL;
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"list_users", list_users, Access::Read, any_reseller()}),
    Registration({"get_maximum_users", get_maximum_users, Access::Read, any_reseller()}),
    Registration({"get_homedir_roots", get_homedir_roots, Access::Read, root_only()}),
    Registration({"quota_enabled", quota_enabled, Access::Read, any_reseller()}),
    Registration({"get_disk_usage", get_disk_usage, Access::Read, needs("list-accts")}),
    Registration({"get_password_strength", get_password_strength, Access::Read, any_reseller()}),
    Registration({"getminimumpasswordstrengths", getminimumpasswordstrengths, Access::Read, any_reseller()}),
    Registration({"setminimumpasswordstrengths", setminimumpasswordstrengths, Access::Write, root_only(),
                  strength_params()}),
    // The accounts are inside users_json: the handler checks that the reseller owns each.
    Registration({"forcepasswordchange", forcepasswordchange, Access::Write, needs("passwd")}),
    Registration({"has_digest_auth", has_digest_auth, Access::Read, needs("digest-auth", {account_or_self("user")})}),
    // enabledigest or digestauth: the handler requires one of them.
    Registration({"set_digest_auth",
                  set_digest_auth,
                  Access::Write,
                  needs("digest-auth", {account_or_self("user")}),
                  {optional_param("enabledigest", ParamType::Boolean), optional_param("digestauth", ParamType::Boolean),
                   optional_param("password", ParamType::String)}}),
    Registration({"has_mycnf_for_cpuser", has_mycnf_for_cpuser, Access::Read,
                  needs("mysql-info", {account_or_self("user")})}),
    Registration({"personalization_get",
                  personalization_get,
                  Access::Read,
                  any_reseller(),
                  {list_param("names", ParamType::String, true)}}),
    // api.version is an api.* argument here, not a parameter.
    Registration({"personalization_set",
                  personalization_set,
                  Access::Write,
                  any_reseller(),
                  {optional_param("api.version", ParamType::Integer)}}),
    // uid or gid: the handler requires one of them.
    Registration({"untrack_acct_id",
                  untrack_acct_id,
                  Access::Write,
                  root_only(),
                  {id_param("uid", "The user ID to remove from the tracked list."),
                   id_param("gid", "The group ID to remove from the tracked list.")}}),
    Registration({"get_upgrade_opportunities",
                  get_upgrade_opportunities,
                  Access::Read,
                  needs("list-accts"),
                  {optional_param("nearness_fraction", ParamType::String)}}), );

}  // namespace
}  // namespace whm
