// The Ftp module of cPanel API 2 and UAPI: one account's FTP logins
// (etc/proftpd/<cpuser> and friends, see ftp_store.hpp) and the live
// sessions of the machine's pure-ftpd.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "account_store.hpp"
#include "errors.hpp"
#include "ftp_store.hpp"
#include "password_strength.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- shared pieces -------------------------------------------------------

std::string domain_arg(const Context& ctx, const Request& req) {
  std::string d = to_lower(req.get_or("domain", ""));
  if (d.empty()) return ctx.account.main_domain;
  if (!ctx.account.owns_domain(d))
    throw ApiError("The domain “" + d + "” does not belong to the cPanel account “" + ctx.account.user + "”.");
  return d;
}

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its FTP accounts cannot be changed.");
}

// A suspended account keeps its FTP lines in etc/proftpd/<user>.suspended.
std::optional<std::string> suspended_ftp_text(const Context& ctx) {
  return ctx.root.read(ftp_paths::suspended_passwd(ctx.account.user));
}

// quota=0 or "unlimited" means no limit.
std::optional<long long> quota_arg(const Request& req) {
  std::string q = to_lower(req.get_or("quota", "0"));
  if (q == "unlimited") return std::nullopt;
  auto mb = parse_int(q);
  if (!mb || *mb <= 0) return std::nullopt;
  return *mb;
}

std::set<std::string> type_set(const std::string& pipe_list, const char* param) {
  std::set<std::string> out;
  for (const auto& t : split(pipe_list, '|')) {
    if (t.empty()) continue;
    if (t != "main" && t != "anonymous" && t != "logaccess" && t != "sub")
      throw invalid_param(param, "“" + t + "” is not one of main, anonymous, logaccess, sub.");
    out.insert(t);
  }
  return out;
}

// The logins the include/skip filters select, read as `view` sees them.
struct SelectedLogin {
  FtpLogin login;
  FtpType type;
  std::optional<long long> quota_mb;
  FtpExtras extras;
};
std::vector<SelectedLogin> select_logins(const Context& ctx, const Request& req) {
  auto include = type_set(req.get_or("include_acct_types", ""), "include_acct_types");
  auto skip = type_set(req.get_or("skip_acct_types", ""), "skip_acct_types");
  Transaction view(ctx.root);
  if (auto text = suspended_ftp_text(ctx)) view.write(ftp_paths::passwd(ctx.account.user), *text);  // never committed
  FtpAccounts accounts(view, ctx.account);
  std::vector<SelectedLogin> out;
  for (const auto& l : accounts.logins()) {
    FtpType t = accounts.type_of(l);
    std::string name = ftp_type_name(t);
    if ((!include.empty() && !include.count(name)) || skip.count(name)) continue;
    out.push_back({l, t, accounts.quota_mb(l.login), accounts.extras(l.login)});
  }
  return out;
}

// "name@domain" -> "name" (the main login and "ftp" stay as they are).
std::string short_name(const std::string& login) { return login.substr(0, login.find('@')); }

// The bytes under an FTP login's directory, counted only inside the
// account's home and never through a symlink: a directory reached through
// one counts nothing, with a warning naming it.
long long dir_bytes(const Context& ctx, const std::string& dir, std::vector<std::string>& warnings) {
  const std::string& home = ctx.account.home;
  if (dir != home && !starts_with(dir, home + "/")) return 0;
  try {
    auto top = UserDir::open(ctx.root.path(paths::rel_from_abs(home)), home);
    auto inside = top ? top->dir(dir.substr(std::min(home.size() + 1, dir.size()))) : std::nullopt;
    return inside ? inside->tree_bytes() : 0;
  } catch (const ApiError& e) {
    warnings.push_back(std::string(e.what()) + " Its disk use is not counted.");
    return 0;
  }
}

std::string mb_text(double mb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", mb);
  return buf;
}

nlohmann::json listed(const SelectedLogin& s) {
  return {{"homedir", s.login.home}, {"type", ftp_type_name(s.type)}, {"user", s.login.login}};
}

nlohmann::json listed_with_disk(const Context& ctx, const SelectedLogin& s, std::vector<std::string>& warnings) {
  const std::string& home = ctx.account.home;
  std::string reldir = s.login.home == home ? "" : s.login.home.substr(std::min(home.size() + 1, s.login.home.size()));
  double used_mb = static_cast<double>(dir_bytes(ctx, s.login.home, warnings)) / (1024 * 1024);
  nlohmann::json j = {
      {"accttype", ftp_type_name(s.type)},
      {"deleteable", s.type == FtpType::Sub ? 1 : 0},
      {"dir", s.login.home},
      {"diskused", mb_text(used_mb)},
      {"humandiskused", mb_text(used_mb) + " MB"},
      {"_diskused", mb_text(used_mb)},
      {"login", s.login.login},
      {"reldir", reldir},
      {"serverlogin", s.login.login},
      {"user", s.type == FtpType::Sub ? short_name(s.login.login) : s.login.login},
      {"enabled", s.login.enabled() ? 1 : 0},
      {"read_only", s.extras.read_only ? 1 : 0},
      {"allowed_ips", s.extras.allowed_ips},
  };
  if (s.quota_mb) {
    double pct = used_mb * 100.0 / static_cast<double>(*s.quota_mb);
    j["diskquota"] = std::to_string(*s.quota_mb);
    j["_diskquota"] = std::to_string(*s.quota_mb);
    j["humandiskquota"] = std::to_string(*s.quota_mb) + " MB";
    j["diskusedpercent"] = static_cast<int>(pct);
    j["diskusedpercent20"] = static_cast<int>(pct / 20) * 20;
  } else {
    j["diskquota"] = "unlimited";
    j["_diskquota"] = "0";
    j["humandiskquota"] = "Unlimited";
    j["diskusedpercent"] = 0;
    j["diskusedpercent20"] = 0;
  }
  return j;
}

std::vector<std::string> ip_list_arg(const Request& req) {
  std::vector<std::string> ips;
  for (const auto& value : req.list("allowed_ips"))
    for (const auto& ip : split(value, ','))
      if (!trim(ip).empty()) {
        check_client_ip(trim(ip));
        ips.push_back(trim(ip));
      }
  return ips;
}

// A new FTP login's directory is made with the rest of the change, owned by the account.
void stage_ftp_root(const Context& ctx, Transaction& txn, const FtpHomedir& home) {
  if (!home.dir.rel.empty()) txn.make_dir(home.dir, 0755, ctx.account.owner);
}

// Loads, lets `change` edit, and stages + commits the account's FTP files:
// one transaction, so a step that fails (the quota file in the home, the
// login's directory) leaves everything as it was.
template <typename Change>
void change_ftp(Context& ctx, Change change) {
  refuse_if_suspended(ctx);
  Transaction txn(ctx.root);
  FtpAccounts accounts(txn, ctx.account);
  change(accounts, txn);
  accounts.stage(txn);
  txn.commit();
}

// ---- sessions --------------------------------------------------------------

struct Session {
  long pid;
  std::string login, state, file, host, cmdline;
  std::time_t login_time;
};

// pure-ftpwho -s: pid|account|seconds since login|state|file|peer|local|port|cur|total|%|bandwidth
// ("|" inside a field is escaped as "\|").
std::vector<std::string> split_ftpwho(const std::string& line) {
  std::vector<std::string> f(1);
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      f.back() += '|';
      ++i;
    } else if (line[i] == '|') {
      f.emplace_back();
    } else {
      f.back() += line[i];
    }
  }
  return f;
}

std::string process_title(long pid, const std::string& state) {
  if (auto raw = read_file("/proc/" + std::to_string(pid) + "/cmdline")) {
    std::string t = *raw;
    for (auto& c : t)
      if (c == '\0') c = ' ';
    t = trim(t);
    if (!t.empty()) return t;
  }
  return "pure-ftpd (" + state + ")";
}

// The machine's live pure-ftpd sessions of `ctx`'s FTP logins.
std::vector<Session> live_sessions(const Context& ctx) {
  std::vector<Session> out;
  if (!program_available("pure-ftpwho")) return out;
  auto text = run_capture({"pure-ftpwho", "-s", "-H"});
  if (!text) return out;  // no scoreboard: pure-ftpd is not running
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  for (const auto& line : split(*text, '\n')) {
    auto f = split_ftpwho(line);
    if (f.size() < 6) continue;
    for (auto& field : f) field = trim(field);  // pure-ftpwho pads the state ("DL ")
    auto pid = parse_int(f[0]);
    auto since = parse_int(f[2]);
    if (!pid || !accounts.find_login(f[1])) continue;  // "?" = not logged in yet; others' logins
    out.push_back({static_cast<long>(*pid), f[1], f[3], f[4], f[5], process_title(*pid, f[3]),
                   now() - static_cast<std::time_t>(since.value_or(0))});
  }
  return out;
}

nlohmann::json session_json(const Session& s, bool pid_as_string) {
  nlohmann::json pid = pid_as_string ? nlohmann::json(std::to_string(s.pid)) : nlohmann::json(s.pid);
  return {{"cmdline", s.cmdline}, {"file", s.file},
          {"host", s.host},       {"login", format_time(s.login_time, "%a %b %e %H:%M:%S %Y")},
          {"pid", pid},           {"status", s.state},
          {"user", s.login}};
}

// ---- handlers --------------------------------------------------------------

Response list_ftp(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : select_logins(ctx, req)) r.data.push_back(listed(s));
  return r;
}

Response list_ftp_with_disk(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : select_logins(ctx, req)) r.data.push_back(listed_with_disk(ctx, s, r.warnings));
  return r;
}

Response add_ftp(Context& ctx, const Request& req) {
  const std::string name = to_lower(req.require("user"));
  check_ftp_name(name);
  const std::string pass = req.require("pass");
  check_ftp_password(pass);
  check_password_strength(ctx.root, password_app::kFtp, "pass", pass);
  const std::string domain = domain_arg(ctx, req);
  const FtpHomedir home = ftp_homedir(ctx.root, ctx.account, req.get_or("homedir", name));
  const auto quota = quota_arg(req);
  FtpExtras extras;
  extras.read_only = req.flag("read_only");
  extras.allowed_ips = ip_list_arg(req);
  CpUser cpuser = AccountStore(ctx.root).require(ctx.account.user);
  const std::string login = name + "@" + domain;
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    if (accounts.find(name, domain)) throw ApiError("The FTP account “" + login + "” already exists.");
    if (name == ctx.account.user && domain == ctx.account.main_domain)
      throw ApiError("The FTP account “" + login + "” is the account's main login.");
    size_t subs = std::count_if(accounts.logins().begin(), accounts.logins().end(),
                                [&](const FtpLogin& l) { return accounts.type_of(l) == FtpType::Sub; });
    std::string max = to_lower(cpuser.get("MAXFTP", "unlimited"));
    if (auto limit = parse_int(max); limit && static_cast<long long>(subs) >= *limit)
      throw ApiError("The account “" + ctx.account.user + "” has reached its limit of " + max + " FTP accounts.");
    accounts.add({login, hash_password(pass), std::to_string(ctx.account.owner.uid),
                  std::to_string(ctx.account.owner.gid), ctx.account.user, home.path, "/bin/ftpsh"});
    accounts.set_quota_mb(login, quota);
    accounts.set_extras(login, extras);
    stage_ftp_root(ctx, txn, home);
  });
  return {};
}

Response delete_ftp(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The FTP account “" + l.login + "” cannot be deleted: it is the account's " +
                     ftp_type_name(accounts.type_of(l)) + " login.");
    if (req.flag("destroy") && starts_with(l.home, ctx.account.home + "/")) {
      // Only a directory inside the home that no other login uses goes away,
      // removed without following a symlink on the way or in it.
      bool shared = std::any_of(accounts.logins().begin(), accounts.logins().end(),
                                [&](const FtpLogin& o) { return o.login != l.login && o.home == l.home; });
      const UserPath dir{paths::rel_from_abs(ctx.account.home), l.home.substr(ctx.account.home.size() + 1)};
      if (!shared && !ends_with(l.home, "/public_html") && txn.exists(dir)) txn.remove(dir);
    }
    accounts.erase(l.login);
  });
  return {};
}

Response change_password(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string pass = req.require("pass");
  check_ftp_password(pass);
  check_password_strength(ctx.root, password_app::kFtp, "pass", pass);
  const std::string domain = domain_arg(ctx, req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The password of “" + l.login + "” is the cPanel account's password; change it with passwd.");
    l.hash = (l.enabled() ? "" : "!") + hash_password(pass);
  });
  return {};
}

Response set_quota(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const auto quota = quota_arg(req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The quota of “" + l.login + "” is the cPanel account's disk quota.");
    accounts.set_quota_mb(l.login, quota);
  });
  return {};
}

Response get_quota(Context& ctx, const Request& req) {
  const std::string name = req.require("account");
  const std::string domain = domain_arg(ctx, req);
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  FtpLogin& l = accounts.require(name, domain);
  auto mb = accounts.quota_mb(l.login);
  Response r;
  r.data = mb ? std::to_string(*mb) : "unlimited";
  return r;
}

Response set_homedir(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const FtpHomedir home = ftp_homedir(ctx.root, ctx.account, req.require("homedir"));
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only an FTP sub-account's directory can be changed.");
    l.home = home.path;
    stage_ftp_root(ctx, txn, home);
  });
  return {};
}

// whmkit additions (seed 003's FTP API): enable/disable, read-only, allowed client IPs.
Response set_enabled(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const bool enable = req.flag("enabled", true);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts can be enabled or disabled.");
    if (enable && !l.enabled()) l.hash = l.hash.substr(1);
    if (!enable && l.enabled()) l.hash = "!" + l.hash;
  });
  return {};
}

Response set_read_only(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const bool read_only = req.flag("read_only", true);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts can be made read-only.");
    FtpExtras x = accounts.extras(l.login);
    x.read_only = read_only;
    accounts.set_extras(l.login, x);
  });
  return {};
}

Response set_allowed_ips(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const auto ips = ip_list_arg(req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts take IP restrictions.");
    FtpExtras x = accounts.extras(l.login);
    x.allowed_ips = ips;
    accounts.set_extras(l.login, x);
  });
  return {};
}

Response list_sessions(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : live_sessions(ctx)) r.data.push_back(session_json(s, false));
  return r;
}

Response listftpsessions(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : live_sessions(ctx)) r.data.push_back(session_json(s, true));
  return r;
}

// SIGTERM, then SIGKILL if the session is still there after a second (a
// pure-ftpd session in the middle of a transfer may not stop at once).
bool end_process(pid_t pid) {
  if (::kill(pid, SIGTERM) != 0) return false;
  for (int i = 0; i < 20; ++i) {
    if (::kill(pid, 0) != 0) return true;
    ::usleep(50 * 1000);
  }
  ::kill(pid, SIGKILL);
  return true;
}

Response kill_session(Context& ctx, const Request& req) {
  const std::string login = req.require("login");
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  if (login != "all" && !accounts.find_login(login) && !accounts.find(login, ""))
    throw ApiError("The FTP account “" + login + "” does not belong to the cPanel account “" + ctx.account.user + "”.");
  std::string target = login;
  if (login != "all" && !accounts.find_login(login)) target = accounts.find(login, "")->login;
  int killed = 0;
  for (const auto& s : live_sessions(ctx))
    if (login == "all" || s.login == target)
      if (end_process(static_cast<pid_t>(s.pid))) ++killed;
  Response r;
  r.messages.push_back("Ended " + std::to_string(killed) + " FTP session" + (killed == 1 ? "" : "s") + ".");
  return r;
}

// Anonymous FTP is the "ftp" line of etc/proftpd/<cpuser>, rooted at public_ftp.
Response set_anonymous(Context& ctx, bool allow) {
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    if (allow && !accounts.anonymous_allowed())
      accounts.add({"ftp", "*", std::to_string(ctx.account.owner.uid), std::to_string(ctx.account.owner.gid),
                    ctx.account.user, ctx.account.home + "/public_ftp", "/bin/ftpsh"});
    if (!allow && accounts.anonymous_allowed()) accounts.erase("ftp");
  });
  return {};
}

Response allows_anonymous(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  Response r;
  r.data = {{"allows", accounts.anonymous_allowed() ? 1 : 0}};
  return r;
}

// API 2 write functions answer [{"result": 1, "reason": "OK"}] on success.
Handler api2_ok(Handler h) {
  return [h](Context& ctx, const Request& req) {
    h(ctx, req);
    Response r;
    r.data = nlohmann::json::array({{{"reason", "OK"}, {"result", 1}}});
    return r;
  };
}

// Parameter lists, shared by UAPI and API 2 where they take the same ones.
ParamSpec required(const char* name, ParamType type = ParamType::String) { return make_param(name, type, true); }
ParamSpec optional(const char* name, ParamType type = ParamType::String) { return make_param(name, type); }

// A function about one login: user= (required), `before` the domain, domain=, `after`.
std::vector<ParamSpec> login_params(std::vector<ParamSpec> before, const std::vector<ParamSpec>& after = {}) {
  before.insert(before.begin(), required("user"));
  before.push_back(optional("domain"));
  before.insert(before.end(), after.begin(), after.end());
  return before;
}

const std::vector<ParamSpec> kListParams = {optional("include_acct_types"), optional("skip_acct_types")};
const std::vector<ParamSpec> kListWithDiskParams = {optional("include_acct_types"), optional("skip_acct_types"),
                                                    optional("dirhtml")};
const std::vector<ParamSpec> kAddParams = login_params(
    {required("pass")},
    {optional("quota", ParamType::IntOrUnlimited), optional("homedir"), optional("disallowdot", ParamType::Boolean)});
const std::vector<ParamSpec> kDeleteParams = login_params({}, {optional("destroy", ParamType::Boolean)});
const std::vector<ParamSpec> kPasswdParams = login_params({required("pass")});
const std::vector<ParamSpec> kQuotaParams =
    login_params({required("quota", ParamType::IntOrUnlimited)}, {optional("kill", ParamType::Boolean)});

// UAPI's add_ftp and list_ftp_with_disk take more than their API 2 twins.
std::vector<ParamSpec> with(std::vector<ParamSpec> params, const std::vector<ParamSpec>& more) {
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

Response allow_anonymous(Context& c, const Request&) { return set_anonymous(c, true); }
Response disallow_anonymous(Context& c, const Request&) { return set_anonymous(c, false); }

const Registration ftp_functions[] = {
    // UAPI
    Registration({Api::Uapi, "Ftp", "list_ftp", list_ftp, Access::Read, own_objects({domain("domain")}), kListParams}),
    Registration({Api::Uapi, "Ftp", "list_ftp_with_disk", list_ftp_with_disk, Access::Read,
                  own_objects({domain("domain")}), with(kListWithDiskParams, {optional("maxaccounts")})}),
    Registration({Api::Uapi, "Ftp", "add_ftp", add_ftp, Access::Write, own_objects({domain("domain")}),
                  with(kAddParams, {optional("read_only", ParamType::Boolean), optional("allowed_ips")})}),
    Registration(
        {Api::Uapi, "Ftp", "delete_ftp", delete_ftp, Access::Write, own_objects({domain("domain")}), kDeleteParams}),
    Registration(
        {Api::Uapi, "Ftp", "passwd", change_password, Access::Write, own_objects({domain("domain")}), kPasswdParams}),
    Registration(
        {Api::Uapi, "Ftp", "set_quota", set_quota, Access::Write, own_objects({domain("domain")}), kQuotaParams}),
    Registration({Api::Uapi,
                  "Ftp",
                  "get_quota",
                  get_quota,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {required("account"), optional("domain")}}),
    Registration({Api::Uapi, "Ftp", "set_homedir", set_homedir, Access::Write, own_objects({domain("domain")}),
                  login_params({required("homedir")})}),
    Registration({Api::Uapi, "Ftp", "set_enabled", set_enabled, Access::Write, own_objects({domain("domain")}),
                  login_params({required("enabled", ParamType::Boolean)})}),
    Registration({Api::Uapi, "Ftp", "set_read_only", set_read_only, Access::Write, own_objects({domain("domain")}),
                  login_params({required("read_only", ParamType::Boolean)})}),
    Registration({Api::Uapi, "Ftp", "set_allowed_ips", set_allowed_ips, Access::Write, own_objects({domain("domain")}),
                  login_params({optional("allowed_ips")})}),
    Registration({Api::Uapi, "Ftp", "list_sessions", list_sessions, Access::Read, own_objects({domain("domain")})}),
    Registration({Api::Uapi,
                  "Ftp",
                  "kill_session",
                  kill_session,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {required("login")}}),
    Registration(
        {Api::Uapi, "Ftp", "allow_anonymous_ftp", allow_anonymous, Access::Write, own_objects({domain("domain")})}),
    Registration({Api::Uapi, "Ftp", "disallow_anonymous_ftp", disallow_anonymous, Access::Write,
                  own_objects({domain("domain")})}),
    Registration(
        {Api::Uapi, "Ftp", "allows_anonymous_ftp", allows_anonymous, Access::Read, own_objects({domain("domain")})}),
    // API 2
    Registration({Api::Api2, "Ftp", "listftp", list_ftp, Access::Read, own_objects({domain("domain")}), kListParams}),
    Registration({Api::Api2, "Ftp", "listftpwithdisk", list_ftp_with_disk, Access::Read,
                  own_objects({domain("domain")}), kListWithDiskParams}),
    Registration({Api::Api2, "Ftp", "listftpsessions", listftpsessions, Access::Read, own_objects({domain("domain")})}),
    Registration(
        {Api::Api2, "Ftp", "addftp", api2_ok(add_ftp), Access::Write, own_objects({domain("domain")}), kAddParams}),
    Registration({Api::Api2, "Ftp", "delftp", api2_ok(delete_ftp), Access::Write, own_objects({domain("domain")}),
                  kDeleteParams}),
    Registration({Api::Api2, "Ftp", "passwd", api2_ok(change_password), Access::Write, own_objects({domain("domain")}),
                  kPasswdParams}),
    Registration({Api::Api2, "Ftp", "passwdftp", api2_ok(change_password), Access::Write,
                  own_objects({domain("domain")}), kPasswdParams}),
    Registration({Api::Api2, "Ftp", "setquota", api2_ok(set_quota), Access::Write, own_objects({domain("domain")}),
                  kQuotaParams}),
};

}  // namespace
}  // namespace whm
