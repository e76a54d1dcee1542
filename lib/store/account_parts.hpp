// One account's state is spread over several stores (system user, cpuser
// file, userdata, zones, home, bandwidth, FTP, cron, suspension files). Each
// store is an AccountPart that knows every step of the account's lifecycle
// for its own files; account_parts() lists them all, and every lifecycle
// operation (createacct, removeacct, suspension, rename, pkgacct, restore,
// whmkit-check) walks that one table. Adding a store = its own file + its
// entry in account_parts.cpp; the methods are pure virtual so that a store
// cannot be registered without all of them.
//
// Every staging method stages into one Transaction (so a reseller's accounts
// can change in one all-or-nothing transaction) and appends its progress
// text for metadata.output.raw to `raw`.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "cpmove.hpp"
#include "cpuser.hpp"
#include "state.hpp"
#include "sysusers.hpp"

namespace whm {

// What every store needs to know about one account.
struct AccountFacts {
  std::string user;
  std::string home, home_rel;  // as in etc/passwd ("/home/bob"), and root-relative ("home/bob")
  std::string shell;           // as in etc/passwd before the change
  FileOwner ids;               // the account's uid and gid
  std::string main_domain;
  std::vector<std::string> domains;  // main first
  std::string owner;                 // the reseller owning the account, or "root"
  bool suspended = false;
};

// A new account as createacct has decided it.
struct NewAccount {
  AccountFacts facts;
  CpUser cpuser;  // IP, HASCGI, OWNER... as they will be written
  std::string password_hash;
};

struct SuspendOptions {
  std::string reason = "Unknown";
  bool lock = false;       // only root may unsuspend (suspended/<user>.lock)
  bool leave_ftp = false;  // keep the FTP accounts working
};

struct RemoveOptions {
  bool keep_dns = false;
};

// An inspected archive being restored as the account `facts` (new uid, home).
struct RestoreSource {
  const AccountArchive& archive;
  std::string archive_abs;
  AccountFacts facts;
  const CpUser& cpuser;
  std::string password_hash;  // from the archive's shadow file (checked)
};

using Problems = std::vector<std::string>;

class AccountPart {
 public:
  virtual ~AccountPart() = default;
  // The root-relative files and directories this store keeps for the
  // account (the ones that exist), so tests can prove each one round-trips.
  virtual std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const = 0;
  virtual void create(const StateRoot& root, Transaction& txn, const NewAccount& a, std::string& raw) const = 0;
  // Moves the part from the old name/main domain to the new one.
  virtual void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
                      std::string& raw) const = 0;
  // Also called for an account that is already suspended (a.suspended): only the reason changes then.
  virtual void suspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, const SuspendOptions& opts,
                       std::string& raw) const = 0;
  virtual void unsuspend(const StateRoot& root, Transaction& txn, const AccountFacts& a, std::string& raw) const = 0;
  virtual void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions& opts,
                      std::string& raw) const = 0;
  // Adds the part's files to a pkgacct archive.
  virtual void archive(const StateRoot& root, const Transaction& txn, const AccountFacts& a, const PkgacctOptions& opts,
                       ArchiveOut& out) const = 0;
  virtual void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const = 0;
  // Problems of one existing account (`sys`: the view's etc/passwd, shadow and group, loaded once).
  virtual void check(const StateRoot& root, const Transaction& view, const SystemUsers& sys, const AccountFacts& a,
                     Problems& out) const = 0;
  // This store's files that belong to no account in `users`.
  virtual void orphans(const StateRoot& root, const Transaction& view, const std::set<std::string>& users,
                       Problems& out) const = 0;
};

// Every store, in the order the lifecycle walks them (the progress text
// comes out in this order; a rename walks it backwards, so the home moves
// after the files inside it are rewritten).
const std::vector<const AccountPart*>& account_parts();
// The one instance of a store's part, for the store's accessor in its own file.
template <class Part>
const AccountPart& part_instance() {
  static const Part part;
  return part;
}

// Small steps the stores share.
// Stages the removal of those of `rels` that exist.
void remove_existing(const StateRoot& root, Transaction& txn, const std::vector<std::string>& rels);
// Stages moving a file or directory to its new name, if it exists and the name changes.
void move_existing(const StateRoot& root, Transaction& txn, const std::string& from, const std::string& to);
// Those of `rels` that exist.
std::vector<std::string> existing(const StateRoot& root, const std::vector<std::string>& rels);
// Reports "<dir>/<user><suffix>" files whose user is not in `users`.
void report_orphans(const StateRoot& root, const std::string& dir, const std::string& suffix,
                    const std::set<std::string>& users, Problems& out);
void report_missing(Problems& out, const std::string& user, const std::string& what);
// `text` with every whole-name occurrence of the domain `from` (also as the
// end of a longer name, "mail.from") replaced by `to`.
std::string replace_domain(const std::string& text, const std::string& from, const std::string& to);
// `path` moved from one home to another when it lies in the old one.
std::string rehome(const std::string& path, const std::string& from_home, const std::string& to_home);

}  // namespace whm
