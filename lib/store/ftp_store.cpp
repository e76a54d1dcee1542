#include "ftp_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "process.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

constexpr const char* kFtpShell = "/bin/ftpsh";

const char* ftp_type_name(FtpType t) {
  switch (t) {
    case FtpType::Main: return "main";
    case FtpType::Anonymous: return "anonymous";
    case FtpType::Logaccess: return "logaccess";
    case FtpType::Sub: return "sub";
  }
  return "sub";
}

namespace ftp_paths {
std::string passwd(const std::string& cpuser) { return "etc/proftpd/" + cpuser; }
std::string suspended_passwd(const std::string& cpuser) { return passwd(cpuser) + ".suspended"; }
UserPath quota(const std::string& home_rel) { return {home_rel, "etc/ftpquota"}; }
std::string extras(const std::string& cpuser) { return "var/cpanel/whmkit/ftp/" + cpuser + ".json"; }
UserPath public_ftp(const std::string& home_rel) { return {home_rel, "public_ftp"}; }
UserPath anonymous_incoming(const std::string& home_rel) { return {home_rel, "public_ftp/incoming"}; }
UserPath welcome_message(const std::string& home_rel) { return {home_rel, "public_ftp/welcome.msg"}; }
UserPath anonymous_banner(const std::string& home_rel) { return {home_rel, "public_ftp/.banner"}; }
}  // namespace ftp_paths

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (auto& line : split(text, '\n'))
    if (!line.empty()) out.push_back(line);
  return out;
}

std::optional<FtpLogin> parse_login_line(const std::string& line) {
  if (line.empty() || line[0] == '#') return std::nullopt;
  auto f = split(line, ':');
  if (f.size() < 7) return std::nullopt;
  return FtpLogin{f[0], f[1], f[2], f[3], f[4], f[5], f[6]};
}

std::string login_line(const FtpLogin& l) {
  return l.login + ":" + l.hash + ":" + l.uid + ":" + l.gid + ":" + l.gecos + ":" + l.home + ":" + l.shell;
}

// A login's name after the account's rename: the main login follows the
// user, name@olddomain (or @sub.olddomain) moves to the new main domain.
std::string renamed_login(const std::string& login, const AccountFacts& from, const AccountFacts& to) {
  if (login == from.user) return to.user;
  if (login == from.user + "_logs") return to.user + "_logs";
  auto at = login.find('@');
  if (at == std::string::npos) return login;
  return login.substr(0, at + 1) + replace_domain(login.substr(at + 1), from.main_domain, to.main_domain);
}

// ~/etc/ftpquota: "login:MB" lines (a quota of 0 is no quota, and is not
// written back). Lists in `problems` what keeps the file from being read
// completely: rewriting it would lose that.
std::map<std::string, long long> parse_ftp_quotas(const std::string& text, FileProblems& problems) {
  std::map<std::string, long long> quotas;
  for_each_checked_line(text, &problems, [&](size_t number, std::string_view line) {
    if (line.empty()) return;
    const auto colon = line.rfind(':');
    const auto mb = colon == std::string_view::npos ? std::nullopt : parse_int(line.substr(colon + 1));
    if (!mb || *mb < 0 || colon == 0) {
      problems.push_back(line_problem(number, "is not “LOGIN:MEGABYTES”"));
      return;
    }
    const std::string login(line.substr(0, colon));
    if (quotas.count(login)) problems.push_back(line_problem(number, "repeats the login “" + login + "”"));
    if (*mb > 0) quotas[login] = *mb;
  });
  return quotas;
}

bool is_client_ip(const std::string& ip_or_cidr) {
  const auto slash = ip_or_cidr.find('/');
  if (!is_valid_ipv4(ip_or_cidr.substr(0, slash))) return false;
  if (slash == std::string::npos) return true;
  const auto bits = parse_int(ip_or_cidr.substr(slash + 1));
  return bits && *bits >= 0 && *bits <= 32;
}

// var/cpanel/whmkit/ftp/<user>.json: {login: {"allowed_ips": [...], "read_only": bool}}.
// Lists in `problems` anything else (a file that is not a JSON object, a
// setting whmkit does not know, a value of the wrong kind, an address that
// is not one): rewriting the file would lose it, and an address goes into
// a Pure-FTPd passwd line.
std::map<std::string, FtpExtras> parse_ftp_extras(const std::string& text, FileProblems& problems) {
  std::map<std::string, FtpExtras> out;
  const nlohmann::json doc = parse_json_object(text, problems);
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string entry = "the entry “" + it.key() + "”";
    if (!it.value().is_object()) {
      problems.push_back(entry + " is not a JSON object");
      continue;
    }
    FtpExtras e;
    for (auto field = it.value().begin(); field != it.value().end(); ++field) {
      const nlohmann::json& v = field.value();
      if (field.key() == "read_only" && v.is_boolean()) {
        e.read_only = v.get<bool>();
      } else if (field.key() == "allowed_ips" && v.is_array()) {
        for (const auto& ip : v) {
          if (ip.is_string() && is_client_ip(ip.get<std::string>()))
            e.allowed_ips.push_back(ip.get<std::string>());
          else
            problems.push_back(entry + " allows “" + (ip.is_string() ? ip.get<std::string>() : ip.dump()) +
                               "”, which is not an IPv4 address or CIDR block");
        }
      } else {
        problems.push_back(entry + " has “" + field.key() + "”, which is not “read_only” (true or false) or " +
                           "“allowed_ips” (a list)");
      }
    }
    out[it.key()] = e;
  }
  return out;
}

// Pure-FTPd's passwd line: login:hash:uid:gid:gecos:home/./:ul_bw:dl_bw:ul_ratio:
// dl_ratio:max_sessions:files_quota:size_quota:allow_local:deny_local:
// allow_client:deny_client:time ("/./" chroots the login to its home).
std::string pureftpd_line(const FtpLogin& l, const std::string& cpuser, std::optional<long long> quota_mb,
                          const FtpExtras& x) {
  std::string files_quota, size_quota;
  if (quota_mb && *quota_mb > 0) size_quota = std::to_string(*quota_mb * 1024 * 1024);
  // Pure-FTPd has no read-only flag: a one-byte quota makes it refuse every
  // upload ("Quota exceeded"); downloads are unaffected.
  if (x.read_only) {
    files_quota = "1";
    size_quota = "1";
  }
  std::string home = l.home;
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  return l.login + ":" + l.hash + ":" + l.uid + ":" + l.gid + ":" + cpuser + ":" + home + "/./" +
         "::::::" + files_quota + ":" + size_quota + ":::" + join(x.allowed_ips, ",") + "::";
}

std::string root_relative(const std::string& abs) { return paths::rel_from_abs(abs); }

}  // namespace

FtpAccounts::FtpAccounts(const Transaction& txn, const CpanelAccount& account)
    : account_(account), home_rel_(root_relative(account.home)) {
  auto text = txn.read(ftp_paths::passwd(account.user));
  if (!text) {
    SystemUsers sys;
    sys.load(txn);
    auto sh = sys.shadow.find(account.user);
    std::string hash = sh && sh->size() > 1 ? (*sh)[1] : "!";
    logins_.push_back({account.user, hash, std::to_string(account.owner.uid), std::to_string(account.owner.gid), "",
                       account.home, kFtpShell});
  } else {
    for (const auto& line : lines_of(*text)) {
      if (auto l = parse_login_line(line))
        logins_.push_back(*l);
      else
        other_lines_.push_back(line);
    }
  }
  // What parses is used; a damaged file is named in the call's warnings, and stage() refuses to rewrite it.
  const auto warn_if_damaged = [](const std::string& rel, const FileProblems& problems) {
    if (!problems.empty())
      add_notice(damage_summary(rel, problems) +
                 " What could be read is used; changes to the FTP accounts are refused until the file is repaired.");
  };
  if (auto q = home_rel_.empty() ? std::nullopt : txn.read(ftp_paths::quota(home_rel_))) {
    quotas_ = parse_ftp_quotas(*q, quota_problems_);
    warn_if_damaged(ftp_paths::quota(home_rel_).joined(), quota_problems_);
  }
  if (auto x = txn.read(ftp_paths::extras(account.user))) {
    extras_ = parse_ftp_extras(*x, extras_problems_);
    warn_if_damaged(ftp_paths::extras(account.user), extras_problems_);
  }
}

FtpType FtpAccounts::type_of(const FtpLogin& l) const {
  if (l.login == account_.user) return FtpType::Main;
  if (l.login == "ftp") return FtpType::Anonymous;
  if (l.login == account_.user + "_logs") return FtpType::Logaccess;
  return FtpType::Sub;
}

const FtpLogin* FtpAccounts::find_const(const std::string& login) const {
  for (const auto& l : logins_)
    if (l.login == login) return &l;
  return nullptr;
}

FtpLogin* FtpAccounts::find_login(const std::string& login) { return const_cast<FtpLogin*>(find_const(login)); }

FtpLogin* FtpAccounts::find(const std::string& name, const std::string& domain) {
  std::string d = domain.empty() ? account_.main_domain : to_lower(domain);
  std::string n = to_lower(name);
  if (n.find('@') != std::string::npos) {  // given as the full login
    auto at = n.find('@');
    d = n.substr(at + 1);
    n = n.substr(0, at);
  }
  if (auto* l = find_login(n + "@" + d)) return l;
  if (d == account_.main_domain)  // a bare login on the main domain, or the main login itself
    if (auto* l = find_login(n); l && (type_of(*l) == FtpType::Sub || type_of(*l) == FtpType::Main)) return l;
  return nullptr;
}

FtpLogin& FtpAccounts::require(const std::string& name, const std::string& domain) {
  if (auto* l = find(name, domain)) return *l;
  std::string d = domain.empty() ? account_.main_domain : domain;
  std::string shown = name.find('@') != std::string::npos ? name : name + "@" + d;
  throw ApiError("The FTP account “" + shown + "” does not exist for the cPanel account “" + account_.user + "”.");
}

void FtpAccounts::add(FtpLogin login) { logins_.push_back(std::move(login)); }

void FtpAccounts::add_anonymous_login() {
  if (has_anonymous_login()) return;
  std::string home = account_.home;
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  add({"ftp", "*", std::to_string(account_.owner.uid), std::to_string(account_.owner.gid), account_.user,
       home + "/public_ftp", kFtpShell});
}

void FtpAccounts::erase(std::string login) {
  for (auto it = logins_.begin(); it != logins_.end(); ++it)
    if (it->login == login) {
      logins_.erase(it);
      break;
    }
  quotas_.erase(login);
  extras_.erase(login);
}

std::optional<long long> FtpAccounts::quota_mb(const std::string& login) const {
  auto it = quotas_.find(login);
  if (it == quotas_.end()) return std::nullopt;
  return it->second;
}

void FtpAccounts::set_quota_mb(const std::string& login, std::optional<long long> mb) {
  if (mb && *mb > 0)
    quotas_[login] = *mb;
  else
    quotas_.erase(login);
}

FtpExtras FtpAccounts::extras(const std::string& login) const {
  auto it = extras_.find(login);
  return it == extras_.end() ? FtpExtras{} : it->second;
}

void FtpAccounts::set_extras(const std::string& login, const FtpExtras& e) {
  if (!e.read_only && e.allowed_ips.empty())
    extras_.erase(login);
  else
    extras_[login] = e;
}

void FtpAccounts::stage(Transaction& txn) const {
  if (!home_rel_.empty()) refuse_if_damaged(ftp_paths::quota(home_rel_).joined(), quota_problems_);
  refuse_if_damaged(ftp_paths::extras(account_.user), extras_problems_);
  std::string text;
  for (const auto& line : other_lines_) text += line + "\n";
  for (const auto& l : logins_) text += login_line(l) + "\n";
  txn.write(ftp_paths::passwd(account_.user), text, 0640);

  std::string quota_text;
  for (const auto& [login, mb] : quotas_) quota_text += login + ":" + std::to_string(mb) + "\n";
  if (!home_rel_.empty()) {
    const UserPath quota = ftp_paths::quota(home_rel_);
    if (!quota_text.empty() || txn.exists(quota)) txn.write(quota, quota_text, 0644, account_.owner);
  }

  nlohmann::json x = nlohmann::json::object();
  for (const auto& [login, e] : extras_) x[login] = {{"allowed_ips", e.allowed_ips}, {"read_only", e.read_only}};
  const std::string extras_rel = ftp_paths::extras(account_.user);
  if (!x.empty())
    txn.write(extras_rel, json_pretty(x), 0600);
  else if (txn.exists(extras_rel))
    txn.remove(extras_rel);
  stage_pureftpd_sync(txn, account_.user, home_rel_);
}

void stage_pureftpd_sync(Transaction& txn, const std::string& cpuser, const std::string& home_rel) {
  const std::string mine = ":" + cpuser + ":";
  std::string out;
  if (auto existing = txn.read(ftp_paths::kPureFtpdPasswd))
    for (const auto& line : lines_of(*existing)) {
      auto f = split(line, ':');
      if (f.size() > 4 && f[4] == cpuser) continue;  // this account's lines are rebuilt below
      out += line + "\n";
    }
  bool has_lines_before = txn.exists(ftp_paths::kPureFtpdPasswd);
  // A suspended account's placeholder has no login: nothing to read then
  // (not even the quota file in its home).
  const auto ftp_lines = lines_of(txn.read(ftp_paths::passwd(cpuser)).value_or(""));
  if (std::any_of(ftp_lines.begin(), ftp_lines.end(),
                  [](const std::string& line) { return parse_login_line(line).has_value(); })) {
    // Read through FtpAccounts so quotas and extras apply; the account's
    // identity only matters for naming here.
    CpanelAccount who;
    who.user = cpuser;
    who.home = "/" + home_rel;
    FtpAccounts accounts(txn, who);
    for (const auto& l : accounts.logins()) {
      if (!l.enabled() || accounts.type_of(l) == FtpType::Anonymous) continue;
      out += pureftpd_line(l, cpuser, accounts.quota_mb(l.login), accounts.extras(l.login)) + "\n";
    }
  }
  if (out.empty() && !has_lines_before) return;
  txn.write(ftp_paths::kPureFtpdPasswd, out, 0600);
  if (!program_available("pure-pw")) return;
  // pure-pw builds the PureDB from a passwd file; build it beside the state
  // root's copy and stage its bytes so both change together.
  char dir_template[] = "/tmp/whmkit-puredb-XXXXXX";
  if (!::mkdtemp(dir_template)) throw ApiError("Could not create a temporary directory for the PureDB file.");
  const std::string dir = dir_template;
  atomic_write_file(dir + "/passwd", out, 0600);
  int rc = run_program({"pure-pw", "mkdb", dir + "/db.pdb", "-f", dir + "/passwd"});
  auto pdb = read_file(dir + "/db.pdb");
  remove_tree(dir);
  if (rc != 0 || !pdb) throw ApiError("pure-pw mkdb failed to build the Pure-FTPd database.");
  txn.write(ftp_paths::kPureFtpdDb, *pdb, 0600);
}

FtpHomedir ftp_homedir(const StateRoot& root, const CpanelAccount& account, const std::string& requested) {
  std::vector<std::string> parts;
  for (const auto& p : split(requested, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") throw invalid_param("homedir", "“..” may not leave the home directory.");
    for (unsigned char c : p)
      if (c < 0x20 || c == 0x7f || c == ':') throw invalid_param("homedir", "it contains a control character or “:”.");
    parts.push_back(p);
  }
  std::string home = account.home;
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  FtpHomedir out{parts.empty() ? home : home + "/" + join(parts, "/"), {root_relative(home), join(parts, "/")}};
  // What exists of it must be real directories: never a symlink the user
  // planted (to another account's home, say).
  try {
    if (auto dir = UserDir::open(root.path(out.dir.dir), home)) dir->first_missing(out.dir.rel);
  } catch (const ApiError& e) {
    throw invalid_param("homedir", e.what());
  }
  return out;
}

void check_ftp_name(const std::string& name) {
  if (name.empty()) throw missing_param("user");
  if (name.size() > 64) throw invalid_param("user", "it is longer than 64 characters.");
  for (unsigned char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) throw invalid_param("user", "“" + name + "” may contain only letters, digits, “.”, “_” and “-”.");
  }
  if (name[0] == '.' || name[0] == '-') throw invalid_param("user", "it must start with a letter or digit.");
  if (to_lower(name) == "ftp" || to_lower(name) == "anonymous")
    throw invalid_param("user", "“" + name + "” is reserved.");
}

void check_ftp_password(const std::string& password) {
  if (password.empty()) throw missing_param("pass");
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f || c == ':') throw invalid_param("pass", "it contains a control character or “:”.");
}

void check_client_ip(const std::string& ip_or_cidr) {
  if (!is_client_ip(ip_or_cidr))
    throw invalid_param("allowed_ips", "“" + ip_or_cidr + "” is not an IPv4 address or CIDR block.");
}

FileProblems ftp_extras_problems(const std::string& text) {
  FileProblems problems;
  parse_ftp_extras(text, problems);
  return problems;
}

// ---------------------------------------------------------------- anonymous FTP

namespace {

constexpr mode_t kAnonymousAllowed = 0755, kAnonymousRefused = 0750;
constexpr mode_t kUploadsAllowed = 0753, kUploadsRefused = 0700;

// The mode of the directory `rel` of the account's home; nullopt if it is
// missing, a symlink or not a directory.
std::optional<mode_t> home_dir_mode(const StateRoot& root, const CpanelAccount& account, const std::string& rel) {
  const std::string home_rel = root_relative(account.home);
  auto home = home_rel.empty() ? std::nullopt : UserDir::open(root.path(home_rel), account.home);
  const auto st = home ? home->status(rel) : std::nullopt;
  if (!st || !S_ISDIR(st->st_mode)) return std::nullopt;
  return st->st_mode & 07777;
}

// Makes the directory with `mode` if it is missing; sets `mode` on an
// existing one once `txn` has committed (a Transaction stages file contents,
// not modes). Neither follows a symlink.
void stage_dir_mode(const StateRoot& root, Transaction& txn, const CpanelAccount& account, const UserPath& dir,
                    mode_t mode) {
  if (dir.dir.empty()) throw ApiError("The cPanel account “" + account.user + "” has no home directory.");
  txn.make_dir(dir, mode, account.owner);
  txn.on_commit("chmod the new directory " + dir.joined(), [&root, dir, mode, home = account.home] {
    auto top = UserDir::open(root.path(dir.dir), home);
    auto inside = top ? top->dir(dir.rel) : std::nullopt;
    if (inside && ::fchmod(inside->fd(), mode) != 0)
      throw ApiError("Cannot change the permissions of “" + inside->shown() + "”.");
  });
}

// Something put into a missing public_ftp makes it refusing anonymous
// logins first: only set_anonymous_ftp opens the anonymous root.
void make_public_ftp_if_missing(Transaction& txn, const CpanelAccount& account) {
  const UserPath dir = ftp_paths::public_ftp(root_relative(account.home));
  if (dir.dir.empty()) throw ApiError("The cPanel account “" + account.user + "” has no home directory.");
  if (!txn.exists(dir)) txn.make_dir(dir, kAnonymousRefused, account.owner);
}

}  // namespace

bool anonymous_ftp_allowed(const StateRoot& root, const CpanelAccount& account) {
  const auto mode = home_dir_mode(root, account, ftp_paths::public_ftp("").rel);
  return mode && (*mode & 0005) != 0;
}

bool anonymous_uploads_allowed(const StateRoot& root, const CpanelAccount& account) {
  const auto mode = home_dir_mode(root, account, ftp_paths::anonymous_incoming("").rel);
  return mode && (*mode & 0002) != 0;
}

void stage_anonymous_ftp(const StateRoot& root, Transaction& txn, const CpanelAccount& account, bool allow) {
  stage_dir_mode(root, txn, account, ftp_paths::public_ftp(root_relative(account.home)),
                 allow ? kAnonymousAllowed : kAnonymousRefused);
}

void stage_anonymous_uploads(const StateRoot& root, Transaction& txn, const CpanelAccount& account, bool allow) {
  const std::string home_rel = root_relative(account.home);
  make_public_ftp_if_missing(txn, account);
  stage_dir_mode(root, txn, account, ftp_paths::anonymous_incoming(home_rel),
                 allow ? kUploadsAllowed : kUploadsRefused);
}

std::string welcome_message(const StateRoot& root, const CpanelAccount& account) {
  const std::string home_rel = root_relative(account.home);
  auto home = home_rel.empty() ? std::nullopt : UserDir::open(root.path(home_rel), account.home);
  return home ? home->read(ftp_paths::welcome_message("").rel).value_or("") : "";
}

void stage_welcome_message(Transaction& txn, const CpanelAccount& account, const std::string& message) {
  for (unsigned char c : message)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
      throw invalid_param("message", "it contains a control character other than a line break or a tab.");
  const std::string home_rel = root_relative(account.home);
  make_public_ftp_if_missing(txn, account);
  txn.write(ftp_paths::welcome_message(home_rel), message, 0644, account.owner);
  txn.write(ftp_paths::anonymous_banner(home_rel), message, 0644, account.owner);
}

// ---------------------------------------------------------------- the account's part

namespace {

constexpr const char* kArchivedExtras = "whmkit/ftp.json";  // in the pkgacct archive, below cpmove-<user>/
// What etc/proftpd/<user> holds while its lines wait in the .suspended copy.
constexpr const char* kSuspendedPlaceholder = "# Account suspended\n";

// The account's FTP lines after a rename: the main login's name, homes in the
// new home, name@olddomain logins on the new domain.
std::string renamed_ftp_lines(const std::string& text, const AccountFacts& from, const AccountFacts& to) {
  std::string out;
  for (const auto& line : lines_of(text)) {
    auto l = parse_login_line(line);
    if (!l) {
      out += line + "\n";
      continue;
    }
    l->login = renamed_login(l->login, from, to);
    l->home = rehome(l->home, from.home, to.home);
    if (l->gecos == from.user) l->gecos = to.user;  // virtual logins name their cPanel account here
    out += login_line(*l) + "\n";
  }
  return out;
}

// The uid/gid fields of the account's FTP lines for its new ids, homes moved
// to the new home; refuses lines pointing out of it.
std::string restored_ftp_lines(const std::string& text, FileOwner owner, const std::string& old_home,
                               const std::string& new_home) {
  std::string out;
  for (const auto& line : split(text, '\n')) {
    if (line.empty()) continue;
    auto f = split(line, ':');
    if (f.size() >= 7 && line[0] != '#') {
      f[2] = std::to_string(owner.uid);
      f[3] = std::to_string(owner.gid);
      f[5] = rehome(f[5], old_home, new_home);
      if (f[0] != "ftp" && f[5] != new_home && !starts_with(f[5], new_home + "/"))
        throw ApiError("The archive's FTP account “" + f[0] + "” has its directory outside the home (“" + f[5] + "”).");
      for (const auto& part : split(f[5], '/'))
        if (part == "..") throw ApiError("The archive's FTP account “" + f[0] + "” has “..” in its directory.");
      for (const auto& field : f)
        if (!is_safe_colon_field(field)) throw ApiError("The archive's FTP file has an unsafe line.");
      out += join(f, ":") + "\n";
    } else {
      out += line + "\n";
    }
  }
  return out;
}

// etc/proftpd/<user> (and its .suspended copy), ~/etc/ftpquota, the extras
// JSON, and the account's lines of the Pure-FTPd files derived from them.
class FtpPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels = {ftp_paths::passwd(a.user), ftp_paths::suspended_passwd(a.user),
                                     ftp_paths::extras(a.user)};
    if (!a.home_rel.empty()) rels.push_back(ftp_paths::quota(a.home_rel).joined());
    return existing(root, rels);
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    for (auto file : {ftp_paths::passwd, ftp_paths::suspended_passwd})
      if (auto text = txn.read(file(from.user))) {
        if (from.user != to.user) txn.remove(file(from.user));
        txn.write(file(to.user), renamed_ftp_lines(*text, from, to), 0640);
      }
    // Rewritten where it is: the home moves after this (see account_parts()).
    const UserPath quota = ftp_paths::quota(from.home_rel);
    if (auto text = from.home_rel.empty() ? std::nullopt : txn.read(quota)) {
      FileProblems problems;
      parse_ftp_quotas(*text, problems);
      refuse_if_damaged(quota.joined(), problems);
      std::string out;
      for (const auto& line : lines_of(*text)) {
        auto colon = line.rfind(':');
        out += colon == std::string::npos ? line + "\n"
                                          : renamed_login(line.substr(0, colon), from, to) + line.substr(colon) + "\n";
      }
      txn.write(quota, out, 0644, to.ids);
    }
    if (auto text = txn.read(ftp_paths::extras(from.user))) {
      refuse_if_damaged(ftp_paths::extras(from.user), ftp_extras_problems(*text));
      const auto doc = nlohmann::json::parse(*text);
      nlohmann::json out = nlohmann::json::object();
      for (auto it = doc.begin(); it != doc.end(); ++it) out[renamed_login(it.key(), from, to)] = it.value();
      if (from.user != to.user) txn.remove(ftp_paths::extras(from.user));
      txn.write(ftp_paths::extras(to.user), json_pretty(out), 0600);
    }
    if (from.user != to.user) stage_pureftpd_sync(txn, from.user, from.home_rel);
    // The quota file is still at the old home's path in this transaction.
    stage_pureftpd_sync(txn, to.user, from.home_rel);
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions& opts,
               std::string& raw) const override {
    auto ftp = txn.read(ftp_paths::passwd(a.user));
    if (a.suspended || !ftp || opts.leave_ftp) return;
    txn.write(ftp_paths::suspended_passwd(a.user), *ftp, 0640);
    txn.write(ftp_paths::passwd(a.user), kSuspendedPlaceholder, 0640);
    stage_pureftpd_sync(txn, a.user, a.home_rel);
    raw += "Suspending FTP accounts...Done\n";
  }
  void unsuspend(const StateRoot&, Transaction& txn, const AccountFacts& a, std::string&) const override {
    auto ftp = txn.read(ftp_paths::suspended_passwd(a.user));
    if (!ftp) return;
    txn.write(ftp_paths::passwd(a.user), *ftp, 0640);
    txn.remove(ftp_paths::suspended_passwd(a.user));
    stage_pureftpd_sync(txn, a.user, a.home_rel);
  }
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn,
                    {ftp_paths::passwd(a.user), ftp_paths::suspended_passwd(a.user), ftp_paths::extras(a.user)});
    stage_pureftpd_sync(txn, a.user, "");  // the passwd file is gone: drops the account's Pure-FTPd lines
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions& opts,
               ArchiveOut& out) const override {
    if (opts.skip_ftpusers) return;
    // A suspended account's real FTP lines wait in the .suspended copy.
    auto ftp = txn.read(ftp_paths::suspended_passwd(a.user));
    if (!ftp) ftp = txn.read(ftp_paths::passwd(a.user));
    if (ftp) out.file("proftpdpasswd", *ftp);
    if (auto extras = txn.read(ftp_paths::extras(a.user))) out.file(kArchivedExtras, *extras);
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const AccountFacts& a = src.facts;
    const auto* ftp = src.archive.file("proftpdpasswd");
    if (!ftp) return;
    if (const auto* extras = src.archive.file(kArchivedExtras)) {
      // Its addresses go into Pure-FTPd's passwd lines: one that is not an address is refused.
      if (const auto problems = ftp_extras_problems(*extras); !problems.empty())
        throw ApiError(std::string("The archive's ") + kArchivedExtras + " is damaged: " + problems.front() + ".");
      txn.write(ftp_paths::extras(a.user), *extras, 0600);
    }
    std::string lines = restored_ftp_lines(*ftp, a.ids, src.archive.original_home, a.home);
    KeyValues info;
    if (const auto* s = src.archive.file("suspendinfo/" + a.user)) info = parse_key_values(*s);
    if (a.suspended && info["leave-ftp-accts-enabled"] != "1") {
      txn.write(ftp_paths::suspended_passwd(a.user), lines, 0640);
      txn.write(ftp_paths::passwd(a.user), kSuspendedPlaceholder, 0640);
    } else {
      txn.write(ftp_paths::passwd(a.user), lines, 0640);
    }
    // The home (with its ftpquota) is still in its staging place in this transaction.
    stage_pureftpd_sync(txn, a.user, home_staging_rel(a.home_rel));
    raw += "Restoring FTP accounts...Done\n";
  }
  // The settings file is checked with the server's files (consistency.cpp); the quota file is in the home.
  void check(const StateRoot&, const Transaction& txn, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    const UserPath quota = ftp_paths::quota(a.home_rel);
    if (auto text = a.home_rel.empty() ? std::nullopt : txn.read(quota)) {
      FileProblems problems;
      parse_ftp_quotas(*text, problems);
      if (!problems.empty()) out.push_back(damage_summary(quota.joined(), problems));
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "etc/proftpd", "", users, out);
    report_orphans(root, "etc/proftpd", ".suspended", users, out);
    report_orphans(root, "var/cpanel/whmkit/ftp", ".json", users, out);
  }
};

}  // namespace

const AccountPart& ftp_part() { return part_instance<FtpPart>(); }

}  // namespace whm
