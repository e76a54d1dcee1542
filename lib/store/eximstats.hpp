// cPanel's mail tracking database, var/cpanel/eximstats_db.sqlite3 (SQLite,
// the schema of cPanel's Cpanel::EximStats::DB::Sqlite 3.0): one row per
// message accepted (sends), per delivery (smtp), per temporary failure
// (defers) and per permanent failure or refusal (failures), keyed by Exim's
// message id. cPanel fills it from Exim's main log (tailwatchd's Eximstats
// driver); whmkit's importer (whmkit-eximstats, import_exim_mainlog) reads
// the same lines into the same rows.
//
// The database is SQLite's own transactional file, not a whmkit state file:
// the importer writes it in SQLite transactions (each batch of rows together
// with the log position it reached, so a crash loses or repeats nothing) and
// takes no state lock, so calls keep answering during a long import (and
// stats_db_status can say "importing"). Readers open it read-only.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

namespace eximstats_paths {
constexpr const char* kDb = "var/cpanel/eximstats_db.sqlite3";
// A PID file that exists, write-locked, while an import runs (cPanel's
// Cpanel::EximStats::ImportInProgress path).
constexpr const char* kImportMarker = "var/cpanel/eximstats_db_import_in_progress";
// cPanel's marker of a running update (upcp).
constexpr const char* kUpdateMarker = "usr/local/cpanel/upgrade_in_progress.txt";
constexpr const char* kMainlog = "var/log/exim_mainlog";
// cPanel's per-domain send limit markers (max_emails_<domain>, max_deferfail_<domain>).
constexpr const char* kSendLimitsDir = "var/cpanel/email_send_limits";
}  // namespace eximstats_paths

// ---------------------------------------------------------------- import

struct ImportResult {
  long long lines = 0;                                            // complete lines read
  long long sends = 0, deliveries = 0, defers = 0, failures = 0;  // rows added (duplicates are not)
  long long position = 0;                                         // byte offset reached in the log
};

// Reads Exim's main log `log_abs` (default: the state root's
// var/log/exim_mainlog) from where the last import stopped (or from the
// start with `from_start`, or when the log was replaced or truncated) into
// the database, creating it if needed. Rows already present are not added
// again, so importing the same lines twice changes nothing. Holds the import
// marker while it runs; ApiError if another import holds it.
ImportResult import_exim_mainlog(const StateRoot& root, const std::string& log_abs, bool from_start);

// ---------------------------------------------------------------- queries

// What stats_db_status answers: "active", "importing" or "upcp". ApiError
// when the database cannot be opened and no update is running.
std::string eximstats_status(const StateRoot& root);

// The delivery types of emailtrack_stats / emailtrack_user_stats.
enum class DeliveryType { All, Remote, Local, RemoteOrFailDefer };

struct TrackFilter {
  long long start = 0;                            // sends at or after (0: no bound)
  long long end = 0;                              // at or before (0: no bound)
  DeliveryType type = DeliveryType::All;          // which deliveries count as successes
  std::optional<std::string> sender;              // sends.sender
  std::optional<std::vector<std::string>> users;  // sends.user among these (a reseller's accounts)
};

// One sending user's counts (sends.user; "-remote-" for mail from outside).
struct TrackCounts {
  std::string user, domain;
  long long sends = 0, successes = 0, failures = 0, defers = 0, in_progress = 0, size = 0;
};

// Counts per sending user, SENDCOUNT descending then user. Without a
// database, none. In progress: sends with no delivery, defer or failure yet,
// from the last two hours (as cPanel counts them).
std::vector<TrackCounts> track_counts(const StateRoot& root, const TrackFilter& filter);

// The spam-check counts of remote deliveries (cPanel's
// Cpanel::EximStats::SpamCheck): for sends in (start, end], the distinct
// (sender, recipient) pairs per user, and the distinct recipients per sender
// of one user. Service senders (root, nobody, cpanel, mailman) are left out.
std::map<std::string, long long> unique_recipient_pairs_per_user(const StateRoot& root, long long start, long long end);
std::map<std::string, long long> unique_recipients_per_sender(const StateRoot& root, long long start, long long end,
                                                              const std::string& user);

}  // namespace whm
