// Where an account's state lives and how it is read and written:
// the cpuser file and its JSON twin, userdata, the /etc lookup lines, the
// suspension files. Commands go through here rather than touching paths.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpuser.hpp"
#include "lookup.hpp"
#include "state.hpp"

namespace whm {

// Server-wide settings from the state root: etc/wwwacct.conf (HOMEDIR, HOMEMATCH, ADDR,
// NS..NS4, DEFMOD, CONTACTEMAIL) and etc/hostname.
struct ServerConfig {
  std::string hostname;
  std::string shared_ip = "127.0.0.1";
  std::string home_root = "/home";
  std::string home_match;  // HOMEMATCH: more home roots, see createacct's home_roots
  std::string default_theme = "jupiter";
  std::vector<std::string> nameservers;  // up to 4, empty ones left out
};
ServerConfig load_server_config(const StateRoot& root);

namespace paths {
std::string cpuser(const std::string& user);
std::string cpuser_cache(const std::string& user);
std::string userdata_dir(const std::string& user);
std::string suspended(const std::string& user);
std::string suspended_lock(const std::string& user);
std::string suspendinfo(const std::string& user);
std::string bandwidth_db(const std::string& user);
std::string package(const std::string& name);
// A path such as "/home/bob" (as stored) to its root-relative form "home/bob".
std::string rel_from_abs(const std::string& abs);
}  // namespace paths

// The account field a listaccts search looks at, and the /etc lookup file
// holding it for every account (what lookup_candidates reads).
enum class LookupField {
  Domain,  // every domain (all_domains): etc/userdomains
  Owner,   // OWNER: etc/trueuserowners
  User,    // the name: etc/trueuserowners' keys
  Ip,      // IP: etc/userips
  Plan,    // PLAN: etc/userplans ("undefined" when it has none)
};

struct LookupCandidates {
  std::vector<std::string> matched, changed;
};

// Userdata files derived from the others: the .cache/.json twins and the "cache" domain index.
bool is_derived_userdata(const std::string& name);

class AccountStore {
 public:
  explicit AccountStore(const StateRoot& root) : root_(root) {}
  const StateRoot& root() const { return root_; }

  std::vector<std::string> usernames() const;  // sorted
  size_t count() const;                        // number of accounts, without sorting
  bool exists(const std::string& user) const;
  // The account's record, read leniently: from a damaged file (damage.hpp),
  // what could be read, and the call warns that the file is damaged. Saving
  // it back is refused (save).
  std::optional<CpUser> load(const std::string& user) const;
  // Loads or throws ApiError "User “x” does not exist."
  CpUser require(const std::string& user) const;
  // The account owning `domain` per /etc/userdomains (nullopt if none); from
  // the cpuser files themselves if that file is missing or damaged.
  std::optional<std::string> domain_owner(const std::string& domain) const;
  // The accounts whose value of `field` in its lookup file satisfies
  // `matches` (`matched`), and those whose cpuser file was written without
  // its lookup lines (`changed`: newer than its users.cache twin, which
  // save() writes after it), each sorted by
  // name, without reading a cpuser file. nullopt when the lookup file
  // cannot stand in for the cpuser files (missing, damaged, or not naming
  // exactly the accounts of var/cpanel/users): the caller reads every
  // cpuser file instead. Both are candidates: the caller checks each
  // against its cpuser file, the source of truth.
  std::optional<LookupCandidates> lookup_candidates(LookupField field,
                                                    const std::function<bool(std::string_view)>& matches) const;
  // Every account as `txn` sees it, with its userdata cache rows.
  std::vector<AccountIndex> indexes(const Transaction& txn) const;

  // userdata/<user>/cache rows (main, sub, parked, addon domains).
  std::vector<DomainRow> domain_rows(const std::string& user) const;
  std::optional<nlohmann::json> userdata(const std::string& user, const std::string& name) const;

  // Stages the cpuser file, its JSON twin and the account's lookup lines.
  // Refuses (DamagedFileError) to replace a cpuser file that is damaged:
  // what did not parse would be lost.
  void save(Transaction& txn, const CpUser& u, const std::vector<DomainRow>& rows, FileOwner owner) const;
  // The account's lookup lines only (removed if `account` is null).
  void update_lookups(Transaction& txn, const std::string& user, const AccountIndex* account) const;
  // Stages one userdata YAML file and its .cache twin (a damaged file is not replaced).
  void save_userdata(Transaction& txn, const std::string& user, const std::string& name, const nlohmann::json& doc,
                     FileOwner owner) const;
  void save_userdata_cache(Transaction& txn, const std::string& user, const std::vector<DomainRow>& rows) const;

 private:
  const StateRoot& root_;
};

// The account a call runs as, resolved from the state root before the handler runs.
struct CpanelAccount {
  std::string user, main_domain, home;  // home as stored in etc/passwd ("/home/bob")
  std::vector<std::string> domains;     // main first
  FileOwner owner;
  bool suspended = false;
  bool owns_domain(const std::string& domain) const;
};

// The account `user` as a CpanelAccount (ApiError if it is not a cPanel account).
CpanelAccount load_cpanel_account(const StateRoot& root, const std::string& user);

// "13 May 22 16:03"-style date used by listaccts.
std::string listaccts_date(std::time_t t);

}  // namespace whm
