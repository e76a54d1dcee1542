// What the backup run copied to each destination: the SQLite database
// cPanel keeps as <BACKUPDIR>/transports.db (Cpanel::Backup::Transport::DB):
//   transports(id, transport)  users(id, user)  occurrences(id, date)
//   transport_history(transport_id, user_id, occurrence_id, start_timestamp, end_timestamp)
// plus, whmkit's addition, transport_history.error (why an upload failed).
// One row per destination, account and backup date. A row is pending until
// its upload starts (start_timestamp set), completed once it ends
// (end_timestamp set), and failed when it ended with an error; a row
// started but neither ended nor failed is running.
//
// The database is read and written whole through a Transaction (loaded into
// memory with sqlite3_deserialize, written back with sqlite3_serialize), so
// each change is one atomic file replace under the state lock like any other.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "backup_store.hpp"
#include "state.hpp"

namespace whm {

struct TransportRecord {
  std::string transport;  // destination id
  std::string user;
  std::string date;             // restore point: "2026-11-23T00:00:00.000Z"
  std::string start_timestamp;  // "2026-11-23T02:04:06.000Z", "" while pending
  std::string end_timestamp;    // "" until it completed
  std::string error;            // "" unless it failed
  // pending, running, completed or failed
  std::string status() const;
};

// Root-relative path of the database for this configuration (BACKUPDIR/transports.db).
std::string transport_history_rel(const BackupConfig& config);

// Every record, ordered by date, transport and user; none if there is no database.
std::vector<TransportRecord> load_transport_history(const Transaction& txn, const BackupConfig& config);

// Changes, each staged in `txn` (the database is rewritten whole):
// a row for each (transport, user, date) that has none, pending.
void stage_transports_pending(Transaction& txn, const BackupConfig& config, const std::vector<std::string>& transports,
                              const std::string& user, const std::string& date);
// The upload starts: start time now, end and error cleared.
void stage_transport_started(Transaction& txn, const BackupConfig& config, const std::string& transport,
                             const std::string& user, const std::string& date);
// It ended: completed (error empty) or failed with `error`.
void stage_transport_finished(Transaction& txn, const BackupConfig& config, const std::string& transport,
                              const std::string& user, const std::string& date, const std::string& error);
// Uploads an earlier run left running (it died): failed, saying so.
void stage_abandoned_transports_failed(Transaction& txn, const BackupConfig& config);
// A deleted destination's history goes with it (as cPanel's prune_by_transport).
void stage_transport_history_removal(Transaction& txn, const BackupConfig& config, const std::string& transport);

}  // namespace whm
