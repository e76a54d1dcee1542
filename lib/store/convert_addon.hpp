// The addon-to-account conversion (the convert_addon_* functions in
// commands/convert_addon.cpp): where an addon domain lives in its account,
// taking it out of that account, copying its document root into the new
// account's home, moving its FTP logins, and the record of every conversion.
//
// The records are JSON files, var/cpanel/convert_addon/<job_id>.json, each
// holding what convert_addon_fetch_conversion_details returns (the location
// is whmkit's choice: see docs/convert-addon.md).
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "state.hpp"
#include "user_dir.hpp"

namespace whm {

// ---------------------------------------------------------------- records

// The statuses a job and its steps have, as the reference names them.
namespace conversion_status {
constexpr const char* kInProgress = "INPROGRESS";
constexpr const char* kDone = "DONE";
constexpr const char* kFailed = "FAILED";
constexpr const char* kSkipped = "SKIPPED";
}  // namespace conversion_status

struct ConversionStep {
  std::string name, status, warnings;  // warnings: one per line
  std::time_t start = 0, end = 0;
};

struct ConversionJob {
  long long id = 0;
  std::string domain, source_user, target_user, status;
  std::time_t start = 0, end = 0;
  std::vector<ConversionStep> steps;
  // FAILED if a step failed, else SKIPPED if one was skipped, else DONE.
  std::string outcome() const;
};

// The record as convert_addon_fetch_conversion_details returns it (and as it is stored).
nlohmann::json conversion_json(const ConversionJob& job);
// Every recorded conversion, by job id; a record that does not parse is left
// out with a warning (notices.hpp).
std::vector<ConversionJob> load_conversions(const StateRoot& root);
std::optional<ConversionJob> load_conversion(const StateRoot& root, long long id);
// The id the next conversion gets: one more than the largest recorded.
long long next_conversion_id(const StateRoot& root);
void stage_conversion_record(Transaction& txn, const ConversionJob& job);

// ---------------------------------------------------------------- the domain

// An addon domain as its account holds it: it is an alias of a subdomain's
// web vhost (userdata main's addon_domains), served from that subdomain's
// document root.
struct AddonDomain {
  std::string domain, user, owner, subdomain, docroot, ip;
  // Other addon domains on the same subdomain: the vhost, and so they, move
  // with it, and become parked domains of the new account.
  std::vector<std::string> parked;
};
// nullopt when no account has `domain` as an addon domain.
std::optional<AddonDomain> find_addon_domain(const AccountStore& store, const std::string& domain);
// Every addon domain of every account, by domain.
std::vector<DomainRow> addon_domain_rows(const AccountStore& store);

// Stages taking the addon domain, its subdomain and the domains parked with
// it out of their account: the cpuser file, userdata (main, cache, the
// subdomain's vhost), the lookup files, and the subdomain's records in the
// zone that holds them (AccountDomains::remove). The addon domains' own
// zones stay.
void stage_addon_release(const StateRoot& root, Transaction& txn, const AddonDomain& addon);

// Stages `parked` as parked domains of the new account `a` (just staged by the
// account creation, with `cpuser` as it was written): its cpuser file,
// userdata and lookup lines.
void stage_parked_on_new_account(const StateRoot& root, Transaction& txn, const AccountFacts& a, CpUser cpuser,
                                 const std::vector<std::string>& parked);

// Rewrites the A records of the zone `domain` that point to `old_ip` to
// `new_ip`, and stages the zone with the rest of it as it was (`original`:
// the zone's text before the transaction replaced it).
void stage_zone_kept(Transaction& txn, const std::string& domain, const std::string& original,
                     const std::string& old_ip, const std::string& new_ip);

// ---------------------------------------------------------------- files

// Copies what is in `from` into `to` (merging into directories that exist,
// replacing files), owned by `owner`: regular files, directories and
// symlinks (as symlinks, never followed). Left out, each with a line in the
// returned warnings: a file with other hard links (it may be another
// account's), sockets, FIFOs and devices, and what vanished or was swapped
// for a symlink meanwhile. The copies are on disk (syncfs) when it returns.
std::vector<std::string> copy_tree(const UserDir& from, const UserDir& to, FileOwner owner);

// Stages moving the FTP logins "name@<one of domains>" of `from` to `to`,
// with their quotas and settings: their directories inside `old_docroot`
// move to the same place under `to`'s public_html (where copy_tree put
// them), others to public_html itself (with a warning). Returns the
// warnings.
std::vector<std::string> stage_ftp_move(Transaction& txn, const CpanelAccount& from, const CpanelAccount& to,
                                        const std::vector<std::string>& domains, const std::string& old_docroot);

// Stages copying the email accounts of `domains` (the converted domains)
// from `from` to `to`: their passwd, shadow and quota lines (passwords,
// quotas and suspensions kept), their Maildirs and per-mailbox settings
// (copied now, as copy_tree does), and their autoresponders. `from` is the
// account as it was before the domains left it. Returns the warnings.
std::vector<std::string> stage_mail_copy(const StateRoot& root, Transaction& txn, const CpanelAccount& from,
                                         const CpanelAccount& to, const std::vector<std::string>& domains);

// Stages moving the cron jobs of `from` whose command names a path inside
// `old_docroot` (the converted domain's site) to `to`'s crontab, that path
// now inside `to`'s public_html (where copy_tree put the site). The jobs
// leave `from`'s crontab: the site runs in one account only. Returns one
// line per job moved.
std::vector<std::string> stage_cron_move(Transaction& txn, const CpanelAccount& from, const CpanelAccount& to,
                                         const std::string& old_docroot);

}  // namespace whm
