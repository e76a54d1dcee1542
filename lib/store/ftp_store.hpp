// One cPanel account's FTP logins, stored as cPanel stores them:
//  * etc/proftpd/<cpuser>: passwd-like lines "login:hash:uid:gid:gecos:home:shell"
//    (the main login, the anonymous "ftp" line, and name@domain virtual logins);
//    a disabled login keeps its line with "!" in front of the hash.
//  * <home>/etc/ftpquota: "login:MB" lines (no line = unlimited). It is in
//    the account's home, which the account's user controls: it is read and
//    written only as a UserPath (user_dir.hpp), never through a symlink.
//  * var/cpanel/whmkit/ftp/<cpuser>.json: what cPanel has no file for (read-only
//    flag, allowed client IPs), keyed by login.
//  * <home>/public_ftp: the anonymous FTP root (see "Anonymous FTP" below).
// From these, etc/pure-ftpd/pureftpd.passwd (Pure-FTPd's own passwd format)
// and, when pure-pw is installed, its PureDB twin pureftpd.pdb are derived, so a
// stock pure-ftpd can serve the logins with `-l puredb:/etc/pure-ftpd/pureftpd.pdb`.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account_store.hpp"
#include "damage.hpp"
#include "state.hpp"

namespace whm {

enum class FtpType { Main, Anonymous, Logaccess, Sub };
const char* ftp_type_name(FtpType t);  // "main", "anonymous", "logaccess", "sub"

struct FtpLogin {
  std::string login, hash, uid, gid, gecos, home, shell;
  bool enabled() const { return hash.empty() || hash[0] != '!'; }
};

struct FtpExtras {
  bool read_only = false;
  std::vector<std::string> allowed_ips;  // client addresses or CIDR blocks; empty = any
};

namespace ftp_paths {
std::string passwd(const std::string& cpuser);  // etc/proftpd/<cpuser>
// Where the passwd file waits while the account is suspended (its place holds "# Account suspended").
std::string suspended_passwd(const std::string& cpuser);
UserPath quota(const std::string& home_rel);  // <home>/etc/ftpquota
std::string extras(const std::string& cpuser);
UserPath public_ftp(const std::string& home_rel);          // <home>/public_ftp
UserPath anonymous_incoming(const std::string& home_rel);  // <home>/public_ftp/incoming
UserPath welcome_message(const std::string& home_rel);     // <home>/public_ftp/welcome.msg
UserPath anonymous_banner(const std::string& home_rel);    // <home>/public_ftp/.banner
constexpr const char* kPureFtpdPasswd = "etc/pure-ftpd/pureftpd.passwd";
constexpr const char* kPureFtpdDb = "etc/pure-ftpd/pureftpd.pdb";
}  // namespace ftp_paths

class FtpAccounts {
 public:
  // Loads the account's logins as `txn` sees them. A missing passwd file
  // starts with the main login (hash from etc/shadow), as cPanel creates it.
  FtpAccounts(const Transaction& txn, const CpanelAccount& account);

  const CpanelAccount& account() const { return account_; }
  const std::vector<FtpLogin>& logins() const { return logins_; }
  FtpType type_of(const FtpLogin& l) const;
  // "name" + "domain" (default: the main domain) -> the stored login, which
  // may be "name@domain" or, on the main domain, a bare "name".
  FtpLogin* find(const std::string& name, const std::string& domain);
  FtpLogin* find_login(const std::string& login);
  // Throws ApiError naming the account when it does not exist.
  FtpLogin& require(const std::string& name, const std::string& domain);

  void add(FtpLogin login);
  void erase(std::string login);  // by value: callers pass a login that lives in the erased entry
  std::optional<long long> quota_mb(const std::string& login) const;  // nullopt = unlimited
  void set_quota_mb(const std::string& login, std::optional<long long> mb);
  FtpExtras extras(const std::string& login) const;
  void set_extras(const std::string& login, const FtpExtras& e);

  // The anonymous login ("ftp", rooted at public_ftp) is listed: it is
  // listed as "ftp" and as "anonymous", the two names clients log in with.
  bool has_anonymous_login() const { return find_const("ftp") != nullptr; }
  void add_anonymous_login();

  // Stages the passwd file, the quota file, the extras and the Pure-FTPd
  // files. Refuses (DamagedFileError) if the quota file or the extras did
  // not parse completely: what did not parse would be lost.
  void stage(Transaction& txn) const;

 private:
  const FtpLogin* find_const(const std::string& login) const;
  CpanelAccount account_;
  std::string home_rel_;
  std::vector<FtpLogin> logins_;
  std::vector<std::string> other_lines_;  // comments kept as they were
  std::map<std::string, long long> quotas_;
  std::map<std::string, FtpExtras> extras_;
  FileProblems quota_problems_, extras_problems_;  // what did not parse: the file is not rewritten then
};

// Rewrites this account's lines of the Pure-FTPd passwd file (and its PureDB)
// from the account's cPanel FTP files as `txn` sees them: call after any change
// to etc/proftpd/<cpuser> (suspension, password change, removal).
void stage_pureftpd_sync(Transaction& txn, const std::string& cpuser, const std::string& home_rel);

// The directory of an FTP login: `path` as the passwd line stores it
// ("/home/bob/sites/deploy"), and `dir` the same inside the account's home
// (rel "" = the home itself).
struct FtpHomedir {
  std::string path;
  UserPath dir;
};
// The homedir an FTP login gets for `requested` (relative to the account's
// home, "/" or "" = the home itself). Refuses "..", control characters and
// ":", and a symlink or a file on the way (naming it): what exists of it must
// be real directories of the home.
FtpHomedir ftp_homedir(const StateRoot& root, const CpanelAccount& account, const std::string& requested);

// Anonymous FTP, kept as cPanel keeps it, in the modes of public_ftp: the
// daemon serves it as the "ftp" system user, which is "other" to the account.
//  * Anonymous logins are allowed while others may read and enter public_ftp
//    (0755); 0750 refuses them.
//  * Anonymous uploads are allowed while others may write to (but not list)
//    public_ftp/incoming (0753); 0700 refuses them.
//  * The welcome message is public_ftp/welcome.msg (cPanel's file), written
//    also as public_ftp/.banner, which a stock Pure-FTPd shows at an anonymous
//    login.
// Read without following a symlink; a public_ftp or incoming that is a
// symlink or missing allows nothing.
bool anonymous_ftp_allowed(const StateRoot& root, const CpanelAccount& account);
bool anonymous_uploads_allowed(const StateRoot& root, const CpanelAccount& account);
// Stage the mode change (and the directory, if missing). The mode of an
// existing directory is set when `txn` commits.
void stage_anonymous_ftp(const StateRoot& root, Transaction& txn, const CpanelAccount& account, bool allow);
void stage_anonymous_uploads(const StateRoot& root, Transaction& txn, const CpanelAccount& account, bool allow);
// "" when there is none.
std::string welcome_message(const StateRoot& root, const CpanelAccount& account);
// Refuses control characters other than line breaks and tabs (it is sent to
// FTP clients line by line).
void stage_welcome_message(Transaction& txn, const CpanelAccount& account, const std::string& message);

// What keeps an account's FTP settings file (ftp_paths::extras) from being
// read completely (see damage.hpp), for whmkit-check.
FileProblems ftp_extras_problems(const std::string& text);

// Checks an FTP name ("bob", without the domain) or password; throws ValidationError.
void check_ftp_name(const std::string& name);
void check_ftp_password(const std::string& password);
void check_client_ip(const std::string& ip_or_cidr);

}  // namespace whm
