#include "transport_history.hpp"

#include <functional>

#include "account_store.hpp"
#include "errors.hpp"
#include "sqlite_image.hpp"
#include "util.hpp"

namespace whm {

namespace {

const char* const kSchema =
    "PRAGMA foreign_keys = ON;"
    "CREATE TABLE IF NOT EXISTS transports (id INTEGER PRIMARY KEY, transport TEXT UNIQUE NOT NULL);"
    "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, user TEXT UNIQUE NOT NULL);"
    "CREATE TABLE IF NOT EXISTS occurrences (id INTEGER PRIMARY KEY, date TEXT UNIQUE NOT NULL);"
    "CREATE TABLE IF NOT EXISTS transport_history ("
    " transport_id INTEGER NOT NULL REFERENCES transports(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,"
    " start_timestamp TEXT, end_timestamp TEXT,"
    " PRIMARY KEY (transport_id, user_id, occurrence_id));"
    "CREATE VIEW IF NOT EXISTS transport_import AS SELECT transports.id AS transport_id, users.id AS user_id,"
    " occurrences.id AS occurrence_id, transport, user, date FROM transports, users, occurrences;"
    "CREATE VIEW IF NOT EXISTS happenings AS SELECT user, transport, date, start_timestamp, end_timestamp"
    " FROM transport_history JOIN transports ON transports.id = transport_id JOIN users ON users.id = user_id"
    " JOIN occurrences ON occurrences.id = occurrence_id;";

// The history as the file holds it (or a new one), with the schema and
// whmkit's error column, in memory (sqlite_image.hpp).
class MemoryDb : public SqliteImage {
 public:
  MemoryDb(const std::optional<std::string>& bytes, const std::string& rel)
      : SqliteImage(bytes, "The backup transport history “/" + rel + "”") {
    exec(kSchema);
    add_error_column();
  }

 private:
  // whmkit records why an upload failed; a database cPanel made lacks the column.
  void add_error_column() {
    bool has = false;
    run("PRAGMA table_info(transport_history)", {}, [&](sqlite3_stmt* st) { has = has || text(st, 1) == "error"; });
    if (!has) exec("ALTER TABLE transport_history ADD COLUMN error TEXT");
  }
};

std::string column(sqlite3_stmt* st, int i) { return SqliteImage::text(st, i); }

std::string iso_now() { return format_time(now(), "%Y-%m-%dT%H:%M:%S.000Z", true); }

// The row of (transport, user, date), as a WHERE clause on transport_history.
const char* const kRowIs =
    " WHERE transport_id = (SELECT id FROM transports WHERE transport = ?)"
    " AND user_id = (SELECT id FROM users WHERE user = ?)"
    " AND occurrence_id = (SELECT id FROM occurrences WHERE date = ?)";

// Loads the database as `txn` sees it, applies `change`, stages the result.
void change_history(Transaction& txn, const BackupConfig& config, const std::function<void(MemoryDb&)>& change) {
  const std::string rel = transport_history_rel(config);
  MemoryDb db(txn.read(rel), rel);
  db.exec("BEGIN");
  change(db);
  db.exec("COMMIT");
  txn.write(rel, db.bytes(), 0600);
}

}  // namespace

std::string TransportRecord::status() const {
  if (start_timestamp.empty()) return "pending";
  if (!end_timestamp.empty()) return "completed";
  return error.empty() ? "running" : "failed";
}

std::string transport_history_rel(const BackupConfig& config) {
  auto it = config.find("BACKUPDIR");
  return paths::rel_from_abs(it == config.end() ? "/backup" : it->second) + "/transports.db";
}

std::vector<TransportRecord> load_transport_history(const Transaction& txn, const BackupConfig& config) {
  std::vector<TransportRecord> out;
  const std::string rel = transport_history_rel(config);
  auto bytes = txn.read(rel);
  if (!bytes) return out;
  MemoryDb db(bytes, rel);
  db.run(
      "SELECT transport, user, date, start_timestamp, end_timestamp, error FROM transport_history"
      " JOIN transports ON transports.id = transport_id JOIN users ON users.id = user_id"
      " JOIN occurrences ON occurrences.id = occurrence_id ORDER BY date, transport, user",
      {}, [&](sqlite3_stmt* st) {
        out.push_back({column(st, 0), column(st, 1), column(st, 2), column(st, 3), column(st, 4), column(st, 5)});
      });
  return out;
}

void stage_transports_pending(Transaction& txn, const BackupConfig& config, const std::vector<std::string>& transports,
                              const std::string& user, const std::string& date) {
  change_history(txn, config, [&](MemoryDb& db) {
    db.run("INSERT OR IGNORE INTO users (user) VALUES (?)", {user});
    db.run("INSERT OR IGNORE INTO occurrences (date) VALUES (?)", {date});
    for (const auto& transport : transports) {
      db.run("INSERT OR IGNORE INTO transports (transport) VALUES (?)", {transport});
      db.run(
          "INSERT OR IGNORE INTO transport_history (transport_id, user_id, occurrence_id)"
          " SELECT transport_id, user_id, occurrence_id FROM transport_import"
          " WHERE transport = ? AND user = ? AND date = ?",
          {transport, user, date});
    }
  });
}

void stage_transport_started(Transaction& txn, const BackupConfig& config, const std::string& transport,
                             const std::string& user, const std::string& date) {
  change_history(txn, config, [&](MemoryDb& db) {
    db.run(std::string("UPDATE transport_history SET start_timestamp = ?, end_timestamp = NULL, error = NULL") + kRowIs,
           {iso_now(), transport, user, date});
  });
}

void stage_transport_finished(Transaction& txn, const BackupConfig& config, const std::string& transport,
                              const std::string& user, const std::string& date, const std::string& error) {
  change_history(txn, config, [&](MemoryDb& db) {
    if (error.empty())
      db.run(std::string("UPDATE transport_history SET end_timestamp = ?, error = NULL") + kRowIs,
             {iso_now(), transport, user, date});
    else
      db.run(std::string("UPDATE transport_history SET end_timestamp = NULL, error = ?") + kRowIs,
             {error, transport, user, date});
  });
}

void stage_abandoned_transports_failed(Transaction& txn, const BackupConfig& config) {
  if (!txn.exists(transport_history_rel(config))) return;
  change_history(txn, config, [&](MemoryDb& db) {
    db.run(
        "UPDATE transport_history SET error = ? WHERE start_timestamp IS NOT NULL AND end_timestamp IS NULL"
        " AND error IS NULL",
        {"The backup run that started this upload ended before it finished."});
  });
}

void stage_transport_history_removal(Transaction& txn, const BackupConfig& config, const std::string& transport) {
  if (!txn.exists(transport_history_rel(config))) return;
  change_history(txn, config, [&](MemoryDb& db) { db.run("DELETE FROM transports WHERE transport = ?", {transport}); });
}

}  // namespace whm
