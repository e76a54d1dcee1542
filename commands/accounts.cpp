// Accounts: create, list, modify, suspend, remove cPanel accounts.
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <random>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include "account_common.hpp"
#include "bandwidth.hpp"
#include "digest_auth.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "force_password.hpp"
#include "ftp_store.hpp"
#include "ip_addresses.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "packages.hpp"
#include "password_strength.hpp"
#include "plan_params.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "spamassassin.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- helpers

std::string random_uuid() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (auto& c : s) {
    if (c == 'x')
      c = "0123456789abcdef"[hex(rd)];
    else if (c == 'y')
      c = "89ab"[hex(rd) & 3];
  }
  return s;
}

// Normalises a domain the user typed: lower case, no trailing dot, no "www.".
std::string normalize_domain(std::string d) {
  d = to_lower(trim(d));
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (starts_with(d, "www.")) d = d.substr(4);
  return d;
}

// Reads a request value as "unlimited" or a non-negative integer string.
std::optional<std::string> limit_arg(const Request& req, const std::string& key) {
  auto v = req.get(key);
  if (!v) return std::nullopt;
  return normalize_limit(*v);
}

// The cpuser data as modifyacct returns it.
nlohmann::json cpuser_response(const CpUser& u) {
  auto j = u.loaded_view();
  j["__CACHE_DATA_VERSION"] = "0.82";
  return j;
}

// Matches a listaccts/showbw "search" against the account's chosen field.
class AccountSearch {
 public:
  AccountSearch(const Request& req) {
    auto search = req.get("search");
    if (!search || search->empty()) return;
    pattern_ = *search;
    type_ = req.get_or("searchtype", "domain");
    exact_ = req.get_or("searchmethod", "regex") == "exact";
    if (!exact_) {
      int err = 0;
      PCRE2_SIZE off = 0;
      code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern_.c_str()), pattern_.size(), PCRE2_UTF, &err, &off,
                            nullptr);
      if (!code_) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        throw invalid_param("search",
                            std::string(reinterpret_cast<char*>(msg)) + " at offset " + std::to_string(off) + ".");
      }
      pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // where JIT is not available, pcre2_match interprets
      match_ = pcre2_match_data_create_from_pattern(code_, nullptr);
    }
  }
  ~AccountSearch() {
    if (match_) pcre2_match_data_free(match_);
    if (code_) pcre2_code_free(code_);
  }
  AccountSearch(const AccountSearch&) = delete;
  AccountSearch& operator=(const AccountSearch&) = delete;

  bool matches(const CpUser& u) const {
    if (pattern_.empty()) return true;
    std::vector<std::string> values;
    if (type_ == "domain")
      values = u.all_domains();
    else if (type_ == "owner")
      values = {u.get("OWNER")};
    else if (type_ == "user")
      values = {u.user()};
    else if (type_ == "ip")
      values = {u.get("IP")};
    else if (type_ == "package")
      values = {u.get("PLAN")};
    for (const auto& v : values)
      if (matches_value(v)) return true;
    return false;
  }
  // Whether one value of the searched field matches.
  bool matches_value(std::string_view v) const {
    return exact_ ? v == pattern_
                  : pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(v.data()), v.size(), 0, 0, match_, nullptr) >= 0;
  }
  // The lookup file's field for this search (nullopt: no search, or a type no lookup file holds).
  std::optional<LookupField> lookup_field() const {
    if (pattern_.empty()) return std::nullopt;
    if (type_ == "domain") return LookupField::Domain;
    if (type_ == "owner") return LookupField::Owner;
    if (type_ == "user") return LookupField::User;
    if (type_ == "ip") return LookupField::Ip;
    if (type_ == "package") return LookupField::Plan;
    return std::nullopt;
  }

 private:
  std::string pattern_, type_;
  bool exact_ = false;
  pcre2_code* code_ = nullptr;
  pcre2_match_data* match_ = nullptr;
};

ParamSpec one_of(ParamSpec p, std::vector<std::string> allowed) {
  p.allowed = std::move(allowed);
  return p;
}
ParamSpec ranged(ParamSpec p, long long min, long long max) {
  p.min = min;
  p.max = max;
  return p;
}

// ---------------------------------------------------------------- createacct

// `released_domain`: see stage_account_creation.
void check_new_domain(const AccountStore& store, const ServerConfig& config, const std::string& domain,
                      const std::string& released_domain = "") {
  if (auto why = domain_syntax_error(domain)) throw ApiError(*why);
  if (domain == to_lower(config.hostname))
    throw ApiError("The domain “" + domain + "” is the server's hostname and cannot be an account's domain.");
  if (auto owner = domain == released_domain ? std::nullopt : store.domain_owner(domain))
    throw ApiError("The domain “" + domain + "” is already owned by the account “" + *owner + "”.");
}

// Who owns a new account: root's choice (owner=, ownerself=), or the reseller
// creating it (the dispatcher has checked its create-acct privilege).
std::string choose_owner(const Context& ctx, const Transaction& txn, const Request& req, const std::string& user) {
  auto owner_arg = req.get("owner");
  if (ctx.caller != "root") {
    if (owner_arg && !owner_arg->empty() && *owner_arg != ctx.caller)
      throw ApiError("A reseller can only create accounts that it owns.");
    return ctx.caller;
  }
  if (req.flag("ownerself")) return user;
  if (owner_arg && !owner_arg->empty() && *owner_arg != "root") {
    if (!is_reseller(txn, *owner_arg))
      throw ApiError("The owner “" + *owner_arg + "” is not a reseller on this server.");
    return *owner_arg;
  }
  return "root";
}

// A reseller's account limit and package limits (reseller-limits.yaml, package-limits.yaml).
void check_reseller_limits(const Transaction& txn, const AccountStore& store, const std::string& owner,
                           const std::string& user, const std::string& plan) {
  if (owner == "root" || owner == user) return;
  long long owned = 0, on_plan = 0;
  for (const auto& name : store.usernames())
    if (auto u = store.load(name); u && u->get("OWNER") == owner && name != owner) {
      ++owned;
      on_plan += u->get("PLAN") == plan;
    }
  if (auto limit = account_limit(txn, owner); limit && owned >= *limit)
    throw ApiError("The reseller “" + owner + "” has reached its limit of " + std::to_string(*limit) + " accounts.");
  auto limits =
      read_reseller_limits(txn).value(owner, nlohmann::json::object()).value("limits", nlohmann::json::object());
  bool preassigned = limits.value("preassigned_packages", nlohmann::json::object()).value("enabled", 0) == 1;
  bool numbered = limits.value("number_of_packages", nlohmann::json::object()).value("enabled", 0) == 1;
  if (!preassigned) return;
  auto entry = read_package_limits(txn).value(owner, nlohmann::json::object()).value(plan, nlohmann::json::object());
  if (entry.value("allowed", 0) != 1)
    throw ApiError("The reseller “" + owner + "” may not use the package “" + plan + "”.");
  if (numbered && on_plan >= entry.value("number", 0LL))
    throw ApiError("The reseller “" + owner + "” has reached its limit of " +
                   std::to_string(entry.value("number", 0LL)) + " accounts on the package “" + plan + "”.");
}

// The largest uid or gid: (uid_t)-1 means "no id" to the kernel.
constexpr long long kMaxId = 4294967294;

// createacct homedir=: a new directory directly inside one of the home roots.
std::string checked_home_choice(const StateRoot& root, const ServerConfig& config, std::string home) {
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  if (auto why = plain_absolute_path_error(home)) throw invalid_param("homedir", *why);
  const auto roots = home_roots(root, config);
  const std::string parent = home.substr(0, std::max<size_t>(home.rfind('/'), 1));
  const std::string name = home.substr(home.rfind('/') + 1);
  if (std::find(roots.begin(), roots.end(), parent) == roots.end())
    throw invalid_param("homedir", "“" + home + "” is not directly inside a home directory root (" +
                                       (roots.empty() ? std::string("none is configured") : join(roots, ", ")) +
                                       ": HOMEDIR and HOMEMATCH in /etc/wwwacct.conf).");
  if (name[0] == '.') throw invalid_param("homedir", "“" + home + "”: a home directory's name cannot begin with “.”.");
  return home;
}

// A new home must not exist yet, nor lie inside (or around) any system
// user's home: another account's public_html is not a home.
void check_home_is_free(const StateRoot& root, const SystemUsers& sys, const std::string& home,
                        const std::string& param) {
  auto refuse = [&](const std::string& why) {
    if (param.empty()) throw ApiError("The home directory “" + home + "” " + why);
    throw invalid_param(param, "“" + home + "” " + why);
  };
  for (const std::string& line : sys.passwd.lines()) {
    // Fields 0 and 5 without splitting the line (one line per account).
    size_t at[7] = {0}, fields = 1;
    for (size_t i = 0; i < line.size() && fields < 7; ++i)
      if (line[i] == ':') at[fields++] = i + 1;
    if (fields < 7) continue;
    const size_t end = line.find(':', at[5]);
    const std::string_view other = std::string_view(line).substr(at[5], end == std::string::npos ? end : end - at[5]);
    if (other.empty() || other == "/") continue;
    auto inside = [](std::string_view path, std::string_view dir) {
      return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
    };
    if (home == other || inside(home, other) || inside(other, home))
      refuse("overlaps the home directory of the user “" + line.substr(0, at[1] - 1) + "” (" + std::string(other) +
             ").");
  }
  if (root.exists(paths::rel_from_abs(home))) refuse("already exists.");
}

// The new account's name, home and ids, checked against what exists.
AccountFacts new_account_facts(const Context& ctx, const Transaction& txn, const Request& req,
                               const AccountStore& store, const ServerConfig& config, const SystemUsers& sys,
                               const std::string& released_domain) {
  AccountFacts a;
  a.user = to_lower(req.require("username"));
  check_new_username(store, sys, a.user);
  auto domain_arg = req.get("domain");
  if (domain_arg && !domain_arg->empty()) {
    a.main_domain = normalize_domain(*domain_arg);
  } else {  // as in the reference: without a domain, a temporary domain
    const std::string base = temporary_domain_base(txn);
    if (base.empty())
      throw missing_param("domain", std::string("(this server has no temporary domain: the Tweak Setting “") +
                                        tweak_settings::kTemporaryDomainBase + "” names the domain they go under)");
    a.main_domain = temporary_domain_for(a.user, base);
  }
  check_new_domain(store, config, a.main_domain, released_domain);
  a.domains = {a.main_domain};

  // As in the reference, only root chooses the home directory and the ids.
  for (const char* root_only : {"homedir", "uid", "gid"})
    if (ctx.caller != "root" && req.has(root_only))
      throw ApiError(std::string("Only root may set “") + root_only + "”; the reseller “" + ctx.caller +
                     "” gets the default.");
  const auto homedir = req.get("homedir");
  a.home_rel =
      paths::rel_from_abs(homedir ? checked_home_choice(ctx.root, config, *homedir) : config.home_root + "/" + a.user);
  a.home = "/" + a.home_rel;
  check_home_is_free(ctx.root, sys, a.home, homedir ? "homedir" : "");

  auto [uid, gid] = sys.allocate_ids(ctx.root);
  if (auto v = req.get("uid")) {  // declared 1 .. kMaxId
    uid = static_cast<long>(*parse_int(*v));
    if (sys.uid_in_use(uid)) throw ApiError("The user ID " + *v + " is already in use.");
  }
  if (auto v = req.get("gid")) {
    gid = static_cast<long>(*parse_int(*v));
    if (sys.gid_in_use(gid)) throw ApiError("The group ID " + *v + " is already in use.");
  } else if (req.has("uid")) {
    gid = sys.gid_in_use(uid) ? sys.allocate_ids(ctx.root).second : uid;
  }
  a.ids = {static_cast<uid_t>(uid), static_cast<gid_t>(gid)};
  return a;
}

// The plan's theme, feature list and locale as the request overrides them.
KeyValues plan_with_overrides(const Request& req, KeyValues pkg) {
  for (auto [param, key] : {std::pair{"cpmod", "CPMOD"}, {"featurelist", "FEATURELIST"}, {"language", "LANG"}})
    if (auto v = req.get(param)) pkg[key] = *v;
  return pkg;
}

// The new account's cpuser file: the plan's values, then the explicit parameters.
CpUser new_cpuser(const Request& req, const AccountFacts& a, const std::string& plan, KeyValues pkg,
                  const std::string& ip) {
  CpUser u;
  u.set("USER", a.user);
  apply_package(u, pkg, plan);
  auto& kv = u.kv;
  const std::pair<const char*, const char*> limit_params[] = {
      {"maxaddon", "MAXADDON"},
      {"maxftp", "MAXFTP"},
      {"maxlst", "MAXLST"},
      {"maxpark", "MAXPARK"},
      {"maxpop", "MAXPOP"},
      {"maxsql", "MAXSQL"},
      {"maxsub", "MAXSUB"},
      {"max_defer_fail_percentage", "MAX_DEFER_FAIL_PERCENTAGE"},
      {"max_emailacct_quota", "MAX_EMAILACCT_QUOTA"},
      {"max_email_per_hour", "MAX_EMAIL_PER_HOUR"},
      {"max_team_users", "MAX_TEAM_USERS"}};
  for (auto [param_name, key] : limit_params)
    if (auto v = req.get(param_name)) kv[key] = normalize_limit(*v);
  if (auto v = req.get("bwlimit")) kv["BWLIMIT"] = mb_to_bytes(normalize_limit(*v));
  if (auto v = req.get("quota")) kv["DISK_BLOCK_LIMIT"] = mb_to_blocks(*v);
  if (auto v = req.get("featurelist")) kv["FEATURELIST"] = *v;
  if (auto v = req.get("cpmod")) kv["RS"] = *v;
  if (auto v = req.get("language")) kv["LANG"] = kv["LOCALE"] = *v;
  kv["HASCGI"] = (req.has("cgi") ? req.flag("cgi") : pkg["CGI"] != "n") ? "1" : "0";
  kv["BACKUP"] = "1";
  kv["CONTACTEMAIL"] = req.get_or("contactemail", "");
  kv["DEMO"] = "0";
  kv["DNS"] = a.main_domain;
  kv["HASDKIM"] = req.get_or("dkim", "1");
  kv["HASDMARC"] = req.get_or("dmarc", "1");
  kv["HASSPF"] = req.get_or("spf", "1");
  kv["IP"] = ip;
  kv["LEGACY_BACKUP"] = "0";
  kv["MAILBOX_FORMAT"] = req.get_or("mailbox_format", "maildir");
  kv["MTIME"] = std::to_string(now());
  kv["MXCHECK-" + a.main_domain] = req.get_or("mxcheck", "local");
  kv["OWNER"] = a.owner;
  kv["STARTDATE"] = std::to_string(now());
  kv["UTF8MAILBOX"] = "1";
  kv["UUID"] = random_uuid();
  return u;
}

// createacct's metadata.output.raw around the stores' progress lines.
std::string creation_report(const NewAccount& n, const std::string& password, const std::string& plan,
                            const std::string& progress) {
  const AccountFacts& a = n.facts;
  auto field = [&n](const char* key) {  // as written: no cpuser defaults
    auto it = n.cpuser.kv.find(key);
    return it == n.cpuser.kv.end() ? std::string() : it->second;
  };
  const std::string blocks = field("DISK_BLOCK_LIMIT");
  return fmt::format(
             "Checking input data...Done\nValidating Username...Done\nValidating IP...Done\n"
             "+===================================+\n| New Account Info                  |\n"
             "+===================================+\n| Domain: {}\n| Ip: {} (n)\n| HasCgi: {}\n| UserName: {}\n"
             "| PassWord: {}\n| CpanelMod: {}\n| HomeRoot: {}\n| Quota: {}\n| Contact Email: {}\n"
             "| Package: {}\n| Feature List: {}\n| Language: {}\n+===================================+\n",
             a.main_domain, field("IP"), field("HASCGI") == "1" ? "y" : "n", a.user, password, field("RS"),
             a.home.substr(0, a.home.rfind('/')),
             blocks == "0" ? "unlimited" : std::to_string(std::stoll(blocks) / 1024) + " MB", field("CONTACTEMAIL"),
             plan, field("FEATURELIST"), field("LOCALE")) +
         progress + "wwwacct creation finished\nAccount Creation Complete!!!\n";
}

nlohmann::json creation_data(const std::string& ip, const std::string& plan, const ServerConfig& config) {
  nlohmann::json data = {{"ip", ip}, {"package", plan}};
  const char* suffixes[] = {"", "2", "3", "4"};
  for (size_t i = 0; i < 4; ++i) {
    std::string ns = i < config.nameservers.size() ? config.nameservers[i] : "";
    data[std::string("nameserver") + suffixes[i]] = ns.empty() ? nlohmann::json(nullptr) : nlohmann::json(ns);
    // Resolving nameserver addresses needs DNS (not done: see README).
    data[std::string("nameservera") + suffixes[i]] = nullptr;
    data[std::string("nameserverentry") + suffixes[i]] = nullptr;
  }
  return data;
}

// createacct savepkg=1: "pkgname", or one made from the username; a
// reseller's plans carry its prefix ("res_bob"), as addpkg's do.
std::string new_plan_name(const Context& ctx, const Request& req, const std::string& user) {
  if (!ctx.rights.privileged && !ctx.rights.has("add-pkg"))
    throw ApiError("The reseller “" + ctx.caller + "” does not have the “add-pkg” privilege (“savepkg”).");
  if (auto name = req.get("pkgname"); name && !name->empty()) {
    if (auto why = package_name_error(*name)) throw invalid_param("pkgname", *why);
    if (package_exists(ctx.root, *name)) throw ApiError("The package “" + *name + "” already exists.");
    return *name;
  }
  const std::string stem = (ctx.rights.privileged ? "" : ctx.caller + "_") + user;
  std::string name = stem;
  for (int n = 2; package_exists(ctx.root, name); ++n) name = stem + "_" + std::to_string(n);
  return name;
}

}  // namespace

AccountCreation stage_account_creation(const Context& ctx, const Request& req, Transaction& txn,
                                       const std::string& released_domain) {
  AccountStore store(ctx.root);
  ServerConfig config = load_server_config(ctx.root);
  SystemUsers sys;
  sys.load(txn);

  AccountCreation c;
  NewAccount& n = c.account;
  n.facts = new_account_facts(ctx, txn, req, store, config, sys, released_domain);
  AccountFacts& a = n.facts;
  if (req.has("pass") && req.has("password")) throw ApiError("Use either “pass” or “password”, not both.");
  std::string& password = c.password;
  password = req.get_or("password", req.get_or("pass", ""));
  if (password.empty())
    password = generate_password();
  else
    check_password_strength(ctx.root, password_app::kCreateAccount, req.has("pass") ? "pass" : "password", password);

  const std::string chosen_plan = req.get_or("plan", "default");
  if (auto why = package_name_error(chosen_plan)) throw invalid_param("plan", *why);
  KeyValues pkg = load_package(ctx.root, chosen_plan);
  check_plan_names(ctx.root, plan_with_overrides(req, pkg));
  if (req.flag("reseller_without_domain"))
    throw NotAvailableError("Creating a reseller without a domain is not implemented by whmkit yet.");
  const bool make_reseller = req.flag("reseller");
  if (make_reseller && !ctx.rights.privileged)
    throw ApiError("Only root or a reseller with the “all” privilege may grant reseller privileges (“reseller”).");
  // savepkg=1: the plan's values as this call sets them become a new plan, which the account uses.
  const std::optional<std::string> saved_plan =
      req.flag("savepkg") ? std::optional(new_plan_name(ctx, req, a.user)) : std::nullopt;
  if (saved_plan) apply_plan_params(ctx.root, pkg, req);
  const std::string plan = saved_plan.value_or(chosen_plan);
  c.plan = plan;
  a.owner = choose_owner(ctx, txn, req, a.user);
  check_reseller_limits(txn, store, a.owner, a.user, plan);
  // An existing zone is only replaced with forcedns=1.
  if (zone_exists(txn, a.main_domain) && !req.flag("forcedns"))
    throw ApiError("A DNS zone for “" + a.main_domain + "” already exists; pass forcedns=1 to overwrite it.");

  // ip=y, or a plan with IP=y: a free dedicated address from the pool, unless "customip" names one.
  const bool dedicated_ip = (req.get_or("ip", "n") == "y" || pkg["IP"] == "y") && !req.has("customip");
  std::string ip = req.get_or("customip", config.shared_ip);
  if (dedicated_ip) {
    const auto pool = free_dedicated_ips(ctx.root, txn);
    if (pool.empty())
      throw ApiError(
          "The system cannot assign a dedicated IP address: no IP address in the pool is free (/etc/ipaddrpool). Add "
          "one with “addips”, or use “ip=n”.");
    ip = pool.front();
  }
  c.ip = ip;
  bool has_shell = req.has("hasshell") ? req.flag("hasshell") : pkg["HASSHELL"] == "y";
  a.shell = has_shell ? "/bin/bash" : kNoShell;
  n.cpuser = new_cpuser(req, a, plan, pkg, ip);
  n.password_hash = hash_password(password);

  c.progress = stage_creation(ctx.root, txn, n);
  if (dedicated_ip) stage_derived_ip_files(ctx.root, txn, {n.cpuser});
  if (saved_plan) txn.write(paths::package(*saved_plan), serialize_package(pkg), 0644);
  if (make_reseller) stage_reseller_grant(txn, a.user);
  return c;
}

namespace {

Response createacct(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  const AccountCreation c = stage_account_creation(ctx, req, txn);
  txn.commit();

  Response r;
  r.reason = "Account Creation Ok";
  r.data = creation_data(c.ip, c.plan, load_server_config(ctx.root));
  r.metadata["output"] = {
      {"raw",
       creation_report(c.account, req.get_or("showpass", "y") != "n" ? c.password : "(hidden)", c.plan, c.progress)}};
  return r;
}

Response verify_new_username(Context& ctx, const Request& req) {
  check_username_available(ctx.root, req.require("user"));
  return {};
}

// ---------------------------------------------------------------- listing

nlohmann::json filter_want(nlohmann::json record, const std::optional<std::string>& want) {
  if (!want || want->empty()) return record;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& key : split(*want, ','))
    if (record.contains(trim(key))) out[trim(key)] = record[trim(key)];
  return out;
}

struct Listing {
  AccountStore store;
  Transaction view;
  SystemUsers users;  // only etc/passwd: the records need nothing else
  ServerConfig config;
  explicit Listing(const StateRoot& root) : store(root), view(root), config(load_server_config(root)) {}
  AccountRecordContext record_context() const {
    return {store, users, config, find_users_with_backups(store.root()), temporary_domain_base(view)};
  }
};

// The accounts a search names, checked against their cpuser files, in
// listaccts' order (`loaded`: their records, kept for a short list): those
// the lookup file names, and those whose cpuser file changed after it.
// nullopt when the lookup file cannot answer, or when it named an account
// its cpuser file does not match (the file is then stale, and may miss
// others): every cpuser file is read instead.
struct SearchedAccounts {
  std::vector<std::string> names;
  std::vector<CpUser> loaded;
};
std::optional<SearchedAccounts> searched_accounts(const AccountStore& store, const AccountSearch& search) {
  const auto field = search.lookup_field();
  if (!field) return std::nullopt;
  auto found = store.lookup_candidates(*field, [&search](std::string_view v) { return search.matches_value(v); });
  if (!found) return std::nullopt;
  std::vector<std::pair<std::string, bool>> candidates;  // name, named by the lookup file
  for (auto& name : found->matched) candidates.emplace_back(std::move(name), true);
  for (auto& name : found->changed) candidates.emplace_back(std::move(name), false);
  // In name order; a name in both lists counts as changed: its line may be stale because of that change.
  std::sort(candidates.begin(), candidates.end());
  constexpr size_t kKept = 1000;
  SearchedAccounts out;
  std::vector<std::pair<std::string, CpUser>> hits;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& [name, named] = candidates[i];
    if (i > 0 && candidates[i - 1].first == name) continue;
    auto u = store.load(name);
    const bool match = u && search.matches(*u);
    if (!match && named) return std::nullopt;
    if (!match) continue;
    out.names.push_back(name);
    if (out.loaded.size() < kKept) out.loaded.push_back(std::move(*u));
  }
  if (out.names.size() > kKept) out.loaded.clear();
  return out;
}

Response listaccts(Context& ctx, const Request& req) {
  // Records are produced while the output is written: memory stays flat at any size.
  auto listing = std::make_shared<Listing>(ctx.root);
  auto search = std::make_shared<AccountSearch>(req);
  auto want = req.get("want");
  Response r;
  r.stream = RecordStream{"acct", [listing, search, want, rights = ctx.rights](const RecordEmitter& emit) {
                            // A search reads only its lookup file and the cpuser files of what it finds.
                            const auto found = searched_accounts(listing->store, *search);
                            if (found)
                              listing->users.passwd.load_only(listing->view, found->names);
                            else
                              listing->users.passwd.load(listing->view);
                            auto rctx = listing->record_context();  // caches mounts and quota state
                            const auto& names = found ? found->names : listing->store.usernames();
                            for (size_t i = 0; i < names.size(); ++i) {
                              const std::string& name = names[i];
                              auto u = found && !found->loaded.empty() ? std::optional(found->loaded[i])
                                                                       : listing->store.load(name);
                              if (u && rights.sees(name, u->get("OWNER")) && search->matches(*u))
                                emit(filter_want(account_record(rctx, *u), want));
                            }
                          }};
  return r;
}

Response accountsummary(Context& ctx, const Request& req) {
  Listing l(ctx.root);
  l.users.passwd.load(l.view);
  auto user = req.get("user");
  if (!user || user->empty()) {
    auto domain = req.get("domain");
    if (!domain || domain->empty()) throw ValidationError("You must specify either “user” or “domain”.");
    user = l.store.domain_owner(normalize_domain(*domain));
    if (!user) throw ApiError("The domain “" + *domain + "” does not belong to any account.");
  }
  CpUser u = l.store.require(*user);
  Response r;
  auto rctx = l.record_context();
  r.data = {{"acct", nlohmann::json::array({account_record(rctx, u)})}};
  return r;
}

Response get_current_users_count(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  size_t count = 0;
  if (ctx.rights.privileged) {
    count = store.count();
  } else {  // a reseller counts the accounts it sees
    for (const auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners"))
      if (ctx.rights.sees(user, owner)) ++count;
  }
  Response r;
  r.data = {{"users", count}};
  return r;
}

Response listsuspended(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : store.usernames()) {
    auto u = store.load(name);
    if (!u || !u->suspended() || !ctx.rights.sees(name, u->get("OWNER"))) continue;
    auto t = parse_int(u->get("SUSPENDTIME")).value_or(0);
    auto reason = ctx.root.read(paths::suspended(name));
    list.push_back({{"is_locked", ctx.root.exists(paths::suspended_lock(name)) ? 1 : 0},
                    {"owner", u->get("OWNER")},
                    {"reason", reason ? trim(*reason) : ""},
                    {"time", format_time(static_cast<std::time_t>(t), "%a %b %e %H:%M:%S %Y")},
                    {"unixtime", t},
                    {"user", name}});
  }
  Response r;
  r.data = {{"account", list}};
  return r;
}

Response listlockedaccounts(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : store.usernames())
    if (ctx.root.exists(paths::suspended_lock(name))) list.push_back(name);
  Response r;
  r.data = {{"account", list}};
  return r;
}

// ---------------------------------------------------------------- domains

Response getdomainowner(Context& ctx, const Request& req) {
  auto owner = AccountStore(ctx.root).domain_owner(normalize_domain(*req.get("domain")));
  Response r;
  r.data = {{"user", owner ? nlohmann::json(*owner) : nlohmann::json(nullptr)}};
  return r;
}

Response domainuserdata(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  std::string domain = normalize_domain(*req.get("domain"));
  auto owner = store.domain_owner(domain);
  if (!owner) throw ApiError("The domain “" + domain + "” does not belong to any account.");
  auto doc = store.userdata(*owner, domain);
  if (!doc)
    throw ApiError("The domain “" + domain + "” has no userdata of its own (it is not a main domain or subdomain).");
  Response r;
  r.reason = "Obtained userdata.";
  r.data = {{"userdata", *doc}};
  return r;
}

Response get_domain_info(Context& ctx, const Request&) {
  nlohmann::json list = nlohmann::json::array();
  auto null_if_empty = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  for (const auto& [domain, value] : read_lookup_pairs(ctx.root, "etc/userdatadomains")) {
    DomainRow row = parse_domain_row(domain, value);
    list.push_back({{"docroot", row.docroot},
                    {"domain", row.domain},
                    {"domain_type", row.type},
                    {"ipv4", row.ip},
                    {"ipv4_ssl", row.ip},
                    {"ipv6", null_if_empty(row.ipv6)},
                    {"ipv6_is_dedicated", 0},
                    {"modsecurity_enabled", row.modsec_disabled ? 0 : 1},
                    {"parent_domain", row.parent},
                    {"php_version", null_if_empty(row.php_version)},
                    {"port", row.port},
                    {"port_ssl", row.ssl_port},
                    {"user", row.user},
                    {"user_owner", row.owner}});
  }
  Response r;
  r.data = {{"domains", list}};
  return r;
}

// ---------------------------------------------------------------- modify

// cpuser keys that modifyacct/massmodifyacct set directly from a parameter of the same name.
const std::vector<std::string>& direct_limit_keys() {
  static const std::vector<std::string> keys = {"MAXADDON",
                                                "MAXFTP",
                                                "MAXLST",
                                                "MAXPARK",
                                                "MAXPASSENGERAPPS",
                                                "MAXPOP",
                                                "MAXSQL",
                                                "MAXSUB",
                                                "MAX_DEFER_FAIL_PERCENTAGE",
                                                "MAX_EMAIL_PER_HOUR",
                                                "MAX_EMAILACCT_QUOTA"};
  return keys;
}
const std::vector<std::string>& direct_flag_keys() {
  static const std::vector<std::string> keys = {"BACKUP", "HASCGI", "HASDKIM", "HASDMARC", "HASSPF"};
  return keys;
}
const std::vector<std::string>& notify_keys() {
  static const std::vector<std::string> keys = {"notify_account_authn_link",
                                                "notify_account_authn_link_notification_disabled",
                                                "notify_autossl_expiry",
                                                "notify_autossl_expiry_coverage",
                                                "notify_autossl_renewal",
                                                "notify_autossl_renewal_coverage",
                                                "notify_contact_address_change",
                                                "notify_contact_address_change_notification_disabled",
                                                "notify_disk_limit",
                                                "notify_password_change",
                                                "notify_password_change_notification_disabled",
                                                "notify_ssl_expiry",
                                                "notify_bandwidth_limit",
                                                "notify_email_quota_limit"};
  return keys;
}

// Where the reference is looser than the cpuser file allows, the account
// functions refine its declarations (limits, flags, formats).
ParamSpec limit_param(const std::string& name, long long max) {
  auto p = make_param(name, ParamType::IntOrUnlimited);
  p.max = max;
  return p;
}
std::vector<ParamSpec> limit_params(const std::vector<std::string>& names) {
  std::vector<ParamSpec> p;
  for (const auto& n : names) p.push_back(limit_param(n, plan_limit_max(n)));
  return p;
}

std::vector<ParamSpec> with_param(std::vector<ParamSpec> params, ParamSpec p) {
  params.push_back(std::move(p));
  return params;
}

std::vector<ParamSpec> modify_params() {
  auto p = limit_params(direct_limit_keys());
  p.push_back(limit_param("BWLIMIT", kMaxLimitMegabytes * 1048576));  // bytes here
  p.push_back(limit_param("QUOTA", kMaxLimitMegabytes));
  p.push_back(ranged(make_param("DISK_BLOCK_LIMIT", ParamType::Integer), 1, kMaxLimitMegabytes * 1024));
  for (const auto& k : direct_flag_keys()) p.push_back(make_param(k, ParamType::Boolean));
  for (const auto& k : notify_keys()) p.push_back(make_param(k, ParamType::Boolean));
  for (const char* k : {"HASSHELL", "OUTGOING_EMAIL_SUSPENDED", "reseller", "spamassassin"})
    p.push_back(make_param(k, ParamType::Boolean));
  p.push_back(make_param("CONTACTEMAIL", ParamType::Email));
  p.push_back(one_of(make_param("MAILBOX_FORMAT"), {"maildir", "mdbox", "mbox"}));
  return p;
}

struct ModifyOutcome {
  CpUser cpuser;
  std::string setshell = "unmodified";
  std::vector<std::string> messages;
};

// A rename modifyacct was asked for: newuser=, domain= (or DNS=).
struct RenameRequest {
  std::string user, domain;  // the new ones (the current ones when unchanged)
  bool wanted(const std::string& old_user, const CpUser& u) const {
    return user != old_user || domain != u.main_domain();
  }
};

RenameRequest rename_request(const Request& req, const std::string& user, const CpUser& u) {
  RenameRequest r{to_lower(req.get_or("newuser", "")), ""};
  if (r.user.empty()) r.user = user;
  for (const char* key : {"domain", "DNS"})
    if (auto v = req.get(key); v && !v->empty()) r.domain = normalize_domain(*v);
  if (r.domain.empty()) r.domain = u.main_domain();
  return r;
}

// Stages one account's modification into `txn` (shared by modifyacct and
// massmodifyacct); a rename is modifyacct's alone (see modifyacct).
ModifyOutcome modify_account(const Context& ctx, const AccountStore& store, Transaction& txn, SystemUsers& sys,
                             const std::string& user, const Request& req, bool rename_allowed) {
  CpUser u = store.require(user);
  ModifyOutcome out;
  if (!rename_allowed && rename_request(req, user, u).wanted(user, u))
    throw NotAvailableError(
        "Renaming an account or changing its domain with massmodifyacct is not implemented by "
        "whmkit yet; use modifyacct.");
  if (auto v = req.get("reseller")) {
    if (!ctx.rights.privileged)
      throw ApiError("Only root or a reseller with the “all” privilege may change reseller privileges (“reseller”).");
    const bool grant = *v == "1";
    if (grant != is_reseller(txn, user)) {
      if (grant) {
        stage_reseller_grant(txn, user);
      } else {  // as unsetupreseller: its accounts, and its own if it owns itself, go to root
        stage_reseller_revoke(store.root(), txn, user, true);
        if (u.get("OWNER") == user) u.set("OWNER", "root");
      }
      out.messages.push_back(grant ? "Reseller privileges granted" : "Reseller privileges removed");
    }
  }
  for (const auto& [key, values] : req.args)
    if (starts_with(key, "MXCHECK-")) {
      std::string d = key.substr(8);
      auto domains = u.all_domains();
      if (std::find(domains.begin(), domains.end(), d) == domains.end())
        throw ValidationError("Invalid parameter “" + key + "”: the account does not own “" + d + "”.");
      const auto& v = values.back();
      if (v != "auto" && v != "local" && v != "remote" && v != "secondary" && !is_digits(v))
        throw invalid_param(key, "use auto, local, remote or secondary.");
      u.set(key, v);
    }

  for (const auto& k : direct_limit_keys())
    if (auto v = limit_arg(req, k)) u.set(k, *v);
  for (const auto& k : direct_flag_keys())
    if (auto v = req.get(k)) u.set(k, *v);
  for (const auto& k : notify_keys())
    if (auto v = req.get(k)) u.set(k, *v);
  if (auto v = limit_arg(req, "BWLIMIT")) u.set("BWLIMIT", *v == "0" ? "unlimited" : *v);
  if (auto v = limit_arg(req, "QUOTA")) u.set("DISK_BLOCK_LIMIT", mb_to_blocks(*v));
  if (auto v = req.get("DISK_BLOCK_LIMIT")) u.set("DISK_BLOCK_LIMIT", *v);
  if (auto v = req.get("OUTGOING_EMAIL_SUSPENDED")) u.set("OUTGOING_MAIL_SUSPENDED", *v);
  if (auto v = req.get("STARTDATE")) u.set("STARTDATE", *v);
  if (auto v = req.get("max_team_users")) u.set("MAX_TEAM_USERS", *v);
  if (auto v = req.get("MAILBOX_FORMAT")) u.set("MAILBOX_FORMAT", *v);
  if (auto v = req.get("CONTACTEMAIL")) u.set("CONTACTEMAIL", *v);
  if (auto v = req.get("contactemail")) u.set("CONTACTEMAIL", *v);
  for (const std::string k : {"LANG", "LOCALE", "RS", "PUSHBULLET_ACCESS_TOKEN"})
    if (auto v = req.get(k)) {
      check_single_line(k, *v);
      if (k == "RS") check_theme(store.root(), k, *v);
      if (k == "LANG" || k == "LOCALE") check_locale(k, *v);
      u.set(k, *v);
    }
  for (const char* k : {"owner", "OWNER"})
    if (auto v = req.get(k); v && !v->empty()) {
      if (*v != "root" && *v != user && !is_reseller(txn, *v))
        throw ApiError("The owner “" + *v + "” is not a reseller on this server.");
      u.set("OWNER", *v);
    }
  if (auto v = req.get("remove_missing_extensions")) {
    auto removed = split(*v, ' ');
    std::vector<std::string> kept;
    for (const auto& e : split(u.get("_PACKAGE_EXTENSIONS"), ' '))
      if (!e.empty() && std::find(removed.begin(), removed.end(), e) == removed.end()) kept.push_back(e);
    u.set("_PACKAGE_EXTENSIONS", join(kept, " "));
  }

  // Shell: "shell" wins over HASSHELL.
  const PasswdEntry pw = sys.require_user(user);
  if (auto v = req.get("spamassassin")) {
    const std::string home_rel = paths::rel_from_abs(pw.home);
    const bool on = *v == "1";
    if (on != spamassassin_enabled(txn, home_rel))
      out.messages.push_back(on ? "Apache SpamAssassin enabled" : "Apache SpamAssassin disabled");
    stage_spamassassin(txn, home_rel, owner_of(pw), on);
  }
  std::optional<std::string> new_shell;
  if (auto v = req.get("HASSHELL")) new_shell = *v == "1" ? "/bin/bash" : kNoShell;
  if (auto v = req.get("shell"); v && !v->empty()) {
    if ((*v)[0] != '/' || !is_safe_colon_field(*v)) throw invalid_param("shell", "it must be an absolute path.");
    new_shell = *v;
  }
  if (new_shell && *new_shell != pw.shell) {
    if (u.suspended())
      throw ApiError("The account “" + user + "” is suspended: unsuspend it before changing its shell.");
    sys.passwd.upsert({pw.name, pw.password, pw.uid, pw.gid, pw.gecos, pw.home, *new_shell});
    out.setshell = *new_shell == kNoShell ? "noshell" : *new_shell;
    out.messages.push_back("Shell changed");
  }
  u.set("MTIME", std::to_string(now()));
  store.save(txn, u, store.domain_rows(user), owner_of(pw));
  out.cpuser = u;
  return out;
}

Response modifyacct(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  SystemUsers sys;
  sys.load(txn);
  std::string user = req.require("user");
  const CpUser current = store.require(user);
  const RenameRequest rename = rename_request(req, user, current);
  if (rename.user != user) check_new_username(store, sys, rename.user, user);
  if (rename.domain != current.main_domain()) check_new_domain(store, load_server_config(ctx.root), rename.domain);
  // Both would hand the reseller's accounts on: to root, and to the new name.
  if (rename.wanted(user, current) && req.has("reseller") && req.flag("reseller") != is_reseller(txn, user))
    throw ApiError("Change the reseller privileges and rename the account in two calls.");
  ModifyOutcome out = modify_account(ctx, store, txn, sys, user, req, true);
  sys.save(txn);
  // The rename comes last: it moves what was just modified.
  if (rename.wanted(user, out.cpuser)) {
    stage_rename(ctx.root, txn, user, rename.user, rename.domain);
    out.cpuser = parse_cpuser(*txn.read(paths::cpuser(rename.user)));
    out.messages.push_back("Account renamed");
  }
  txn.commit();
  Response r;
  r.reason = "Account Modified";
  r.data = {{"cpuser", cpuser_response(out.cpuser)},
            {"domain", out.cpuser.main_domain()},
            {"setshell", out.setshell},
            {"user", rename.user}};
  r.metadata["output"] = {{"messages", out.messages}, {"warnings", nlohmann::json::array()}};
  return r;
}

Response massmodifyacct(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  const auto& users = req.list("user");
  if (users.empty()) throw missing_param("user");
  nlohmann::json payload = nlohmann::json::array();
  bool all_ok = true;
  // Each account is its own transaction: one failure does not undo the others.
  for (const auto& user : users) {
    try {
      Transaction txn(ctx.root);
      SystemUsers sys;
      sys.load(txn);
      ModifyOutcome out = modify_account(ctx, store, txn, sys, user, req, false);
      sys.save(txn);
      txn.commit();
      payload.push_back({{"extended",
                          {{"cpuser", cpuser_response(out.cpuser)},
                           {"domain", out.cpuser.main_domain()},
                           {"setshell", out.setshell},
                           {"user", user}}},
                         {"messages", out.messages},
                         {"reason", "Account Modified"},
                         {"result", 1},
                         {"user", user},
                         {"warnings", nlohmann::json::array()}});
    } catch (const ApiError& e) {
      all_ok = false;
      payload.push_back({{"reason", e.what()}, {"result", 0}, {"user", user}});
    }
  }
  Response r;
  r.ok = all_ok;
  r.reason = all_ok ? "OK" : "Failed to modify one or more users.";
  r.data = {{"payload", payload}};
  r.metadata["messages"] = nlohmann::json::array();
  r.metadata["warnings"] = nlohmann::json::array();
  return r;
}

// ---------------------------------------------------------------- quota, bandwidth

Response editquota(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  std::string user = req.require("user");
  CpUser u = store.require(user);
  const std::string blocks = mb_to_blocks(normalize_limit(*req.get("quota")));
  u.set("DISK_BLOCK_LIMIT", blocks);
  u.set("MTIME", std::to_string(now()));
  save_account(store, txn, u);
  // Where user quotas are on for the home's file system, the kernel holds
  // the limit too: set before the commit, and put back if the commit fails.
  SystemUsers sys;
  sys.load(txn);
  const PasswdEntry pw = sys.require_user(user);
  const std::string home = ctx.root.path(paths::rel_from_abs(pw.home));
  const auto uid = static_cast<uid_t>(parse_int(pw.uid).value_or(0));
  QuotaReader quotas;
  const auto replaced = quotas.set_block_limit(home, uid, std::stoll(blocks));
  try {
    txn.commit();
  } catch (...) {
    if (replaced) quotas.set_block_limit(home, uid, replaced->block_limit);
    throw;
  }
  Response r;
  r.reason = "Set quota for " + user + ".";
  return r;
}

std::string human_mb(long long bytes) {
  if (bytes <= 0) return "none";
  return fmt::format("{:.2f} MB", static_cast<double>(bytes) / 1048576.0);
}

Response limitbw(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  std::string user = req.require("user");
  CpUser u = store.require(user);
  std::string mb = normalize_limit(req.get_or("bwlimit", "unlimited"));
  bool unlimited = mb == "unlimited" || mb == "0";
  u.set("BWLIMIT", unlimited ? "unlimited" : mb_to_bytes(mb));
  u.set("MTIME", std::to_string(now()));
  save_account(store, txn, u);
  txn.commit();

  std::time_t t = now();
  int year = std::stoi(format_time(t, "%Y", true)), month = std::stoi(format_time(t, "%m", true));
  long long used = 0;
  for (const auto& [d, bytes] : bandwidth_for_month(ctx.root.path(paths::bandwidth_db(user)), year, month))
    used += bytes;
  long long limit_bytes = unlimited ? 0 : parse_int(u.get("BWLIMIT")).value_or(0);
  Response r;
  r.reason = "Bandwidth Limit for " + user + " has been set to " + (unlimited ? "unlimited" : mb) + " megabytes";
  r.data = {{"bwlimits",
             {{{"bwlimit", limit_bytes},
               {"bwlimitenable", unlimited ? 0 : 1},
               {"domains", u.all_domains()},
               {"human_bwlimit", unlimited ? "unlimited" : mb + " MB"},
               {"human_bwused", human_mb(used)},
               {"unlimited", unlimited ? 1 : 0}}}}};
  return r;
}

Response showbw(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  AccountSearch search(req);
  std::time_t t = now();
  int year = static_cast<int>(parse_int(req.get_or("year", format_time(t, "%Y", true))).value_or(1970));
  int month = static_cast<int>(parse_int(req.get_or("month", format_time(t, "%m", true))).value_or(1));
  auto showres = req.get("showres");
  nlohmann::json accounts = nlohmann::json::array();
  long long total = 0;
  for (const auto& name : store.usernames()) {
    auto u = store.load(name);
    if (!u || !ctx.rights.sees(name, u->get("OWNER")) || !search.matches(*u)) continue;
    if (showres && !showres->empty() && u->get("OWNER") != *showres) continue;
    nlohmann::json usage = nlohmann::json::array();
    long long bytes_total = 0;
    auto per_domain = bandwidth_for_month(ctx.root.path(paths::bandwidth_db(name)), year, month);
    for (const auto& d : u->all_domains()) {
      long long b = per_domain.count(d) ? per_domain[d] : 0;
      bytes_total += b;
      usage.push_back({{"deleted", 0}, {"domain", d}, {"usage", b}});
    }
    total += bytes_total;
    accounts.push_back({{"bwusage", usage},
                        {"deleted", 0},
                        {"limit", parse_int(u->get("BWLIMIT")).value_or(0)},
                        {"maindomain", u->main_domain()},
                        {"owner", u->get("OWNER")},
                        {"reseller", 0},
                        {"totalbytes", bytes_total},
                        {"user", name}});
  }
  Response r;
  r.data = {{"acct", accounts},
            {"month", month},
            {"reseller", showres && !showres->empty() ? *showres : "root"},
            {"totalused", total},
            {"year", year}};
  return r;
}

// ---------------------------------------------------------------- password

Response passwd(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  Transaction txn(ctx.root);
  std::string user = req.require("user");
  CpUser u = store.require(user);
  std::string password = *req.get("password");
  if (password.empty()) throw missing_param("password");
  check_password_strength(ctx.root, password_app::kSystemAccount, "password", password);
  SystemUsers sys;
  sys.load(txn);
  auto sh = sys.shadow.find(user);
  if (!sh) throw ApiError("The system user “" + user + "” is missing from etc/shadow.");
  sh->resize(9);
  std::string hash = hash_password(password);
  // A suspended account keeps its "!" lock on the new hash.
  (*sh)[1] = (starts_with((*sh)[1], "!") ? "!" : "") + hash;
  (*sh)[2] = std::to_string(days_since_epoch());
  sys.shadow.upsert(*sh);
  sys.save(txn);
  nlohmann::json apps = {"system"};
  const auto pw = sys.user(user);
  const std::string pw_home = pw ? pw->home : "/home/" + user;
  // The new password meets a forced change; an enabled Digest Authentication follows it.
  if (pw) stage_force_password(txn, paths::rel_from_abs(pw_home), owner_of(*pw), user, false);
  if (auto digest = digest_entry(txn, user)) {
    stage_digest_password(txn, user, password, starts_with(*digest, digest_auth::kLocked));
    apps.push_back("digest");
  }
  // The FTP password file carries a copy of the main account's hash.
  std::string ftp_rel = ftp_paths::passwd(user);
  if (auto ftp = txn.read(ftp_rel)) {
    std::string out;
    for (const auto& line : split(*ftp, '\n')) {
      if (line.empty()) continue;
      auto f = split(line, ':');
      if (f[0] == user && f.size() >= 2) f[1] = hash;
      out += join(f, ":") + "\n";
    }
    txn.write(ftp_rel, out, 0640);
    stage_pureftpd_sync(txn, user, paths::rel_from_abs(pw_home));
    apps.push_back("ftp");
  }
  txn.commit();
  log_accounting(ctx.root, "PASSWD", user, u.main_domain(), "");
  Response r;
  r.reason = "Password changed for user “" + user + "”.";
  r.data = {{"app", apps}};
  return r;
}

// ---------------------------------------------------------------- suspension, removal

Response suspendacct(Context& ctx, const Request& req) {
  SuspendOptions opts;
  opts.reason = req.get_or("reason", "Unknown");
  opts.lock = req.flag("disallowun");
  opts.leave_ftp = req.flag("leave-ftp-accts-enabled");
  Transaction txn(ctx.root);
  std::string raw = stage_suspension(ctx.root, txn, req.require("user"), opts);
  txn.commit();
  Response r;
  r.metadata["output"] = {{"raw", raw}};
  return r;
}

Response unsuspendacct(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  stage_unsuspension(ctx.root, txn, req.require("user"));
  txn.commit();
  return {};
}

Response removeacct(Context& ctx, const Request& req) {
  auto user_arg = req.get("username");
  if (!user_arg || user_arg->empty()) user_arg = req.get("user");
  if (!user_arg || user_arg->empty()) throw missing_param("username");
  Transaction txn(ctx.root);
  std::string raw = stage_removal(ctx.root, txn, *user_arg, req.flag("keepdns"));
  txn.commit();
  Response r;
  r.reason = *user_arg + " account removed";
  r.metadata["output"] = {{"raw", raw}};
  return r;
}

// ---------------------------------------------------------------- registrations

std::vector<ParamSpec> createacct_params() {
  auto p = limit_params({"bwlimit", "maxaddon", "maxftp", "maxlst", "maxpark", "maxpop", "maxsql", "maxsub",
                         "max_defer_fail_percentage", "max_email_per_hour", "max_emailacct_quota"});
  p.push_back(one_of(make_param("mxcheck"), {"local", "secondary", "remote", "auto"}));
  for (const char* id : {"uid", "gid"}) p.push_back(ranged(make_param(id, ParamType::Integer), 1, kMaxId));
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"createacct", createacct, Access::Write, needs("create-acct", {self("owner"), package("pkgname")}),
                  createacct_params()}),
    Registration({"verify_new_username", verify_new_username, Access::Read, needs("create-acct")}),
    Registration({"listaccts", listaccts, Access::Read, needs("list-accts")}),
    Registration({"accountsummary", accountsummary, Access::Read,
                  needs("list-accts", {account_or_self("user"), domain("domain")})}),
    Registration({"modifyacct", modifyacct, Access::Write,
                  needs("edit-account", {account("user"), self("owner"), self("OWNER")}), modify_params()}),
    Registration({"massmodifyacct", massmodifyacct, Access::Write,
                  needs("edit-account", {account("user"), self("OWNER")}),
                  with_param(modify_params(), list_param("user", ParamType::String, true))}),
    // "username" or the deprecated "user": the handler requires one of them.
    Registration({"removeacct",
                  removeacct,
                  Access::Write,
                  needs("kill-acct", {account("user"), account("username")}),
                  {make_param("username")}}),
    Registration({"suspendacct", suspendacct, Access::Write, needs("suspend-acct", {account("user")})}),
    Registration({"unsuspendacct", unsuspendacct, Access::Write, needs("suspend-acct", {account("user")})}),
    Registration({"listsuspended", listsuspended, Access::Read, needs("list-accts")}),
    Registration({"listlockedaccounts", listlockedaccounts, Access::Read, root_only()}),
    Registration({"passwd", passwd, Access::Write, needs("passwd", {account_or_self("user")})}),
    Registration({"get_current_users_count", get_current_users_count, Access::Read, any_reseller()}),
    Registration({"domainuserdata",
                  domainuserdata,
                  Access::Read,
                  needs("list-accts", {domain("domain")}),
                  {make_param("domain", ParamType::Domain, true)}}),
    Registration({"getdomainowner", getdomainowner, Access::Read, needs("list-accts", {domain("domain")})}),
    Registration({"get_domain_info", get_domain_info, Access::Read, root_only()}),
    Registration({"editquota",
                  editquota,
                  Access::Write,
                  needs("quota", {account("user")}),
                  {ranged(make_param("quota", ParamType::IntOrUnlimited, true), 0, kMaxLimitMegabytes)}}),
    Registration({"limitbw", limitbw, Access::Write, needs("limit-bandwidth", {account("user")}),
                  limit_params({"bwlimit"})}),
    Registration({"showbw", showbw, Access::Read, needs("show-bandwidth")}), );

}  // namespace
}  // namespace whm
