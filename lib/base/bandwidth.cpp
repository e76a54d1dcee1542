#include "bandwidth.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <ctime>

#include "errors.hpp"

namespace whm {

namespace {

struct Db {
  sqlite3* db = nullptr;
  Db(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw ApiError("Cannot open bandwidth datastore “" + path + "”: " + msg);
    }
    sqlite3_busy_timeout(db, 5000);
  }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw ApiError("Bandwidth datastore error: " + msg);
    }
  }
};

std::time_t utc_month_start(int year, int month) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = 1;
  return timegm(&tm);
}

}  // namespace

void create_bandwidth_db(const std::string& abs_path, const std::vector<std::string>& domains) {
  Db db(abs_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db.exec(
      "PRAGMA journal_mode=DELETE;"
      "CREATE TABLE IF NOT EXISTS domains (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
      "CREATE TABLE IF NOT EXISTS bandwidth_daily (domain_id INTEGER NOT NULL, protocol TEXT NOT NULL,"
      " unixtime INTEGER NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (domain_id, protocol, unixtime));");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db.db, "INSERT OR IGNORE INTO domains (name) VALUES (?)", -1, &st, nullptr);
  for (const auto& d : domains) {
    sqlite3_bind_text(st, 1, d.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  ::chmod(abs_path.c_str(), 0640);
}

std::map<std::string, long long> bandwidth_for_month(const std::string& abs_path, int year, int month) {
  std::map<std::string, long long> out;
  struct stat sb;
  if (::stat(abs_path.c_str(), &sb) != 0) return out;
  Db db(abs_path, SQLITE_OPEN_READONLY);
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT d.name, COALESCE(SUM(b.bytes), 0) FROM domains d LEFT JOIN bandwidth_daily b"
      " ON b.domain_id = d.id AND b.unixtime >= ? AND b.unixtime < ? GROUP BY d.name";
  if (sqlite3_prepare_v2(db.db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw ApiError(std::string("Bandwidth datastore error: ") + sqlite3_errmsg(db.db));
  int next_year = month == 12 ? year + 1 : year, next_month = month == 12 ? 1 : month + 1;
  sqlite3_bind_int64(st, 1, utc_month_start(year, month));
  sqlite3_bind_int64(st, 2, utc_month_start(next_year, next_month));
  while (sqlite3_step(st) == SQLITE_ROW)
    out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  return out;
}

std::vector<BandwidthSample> bandwidth_samples(const std::string& abs_path, long long start, long long end) {
  std::vector<BandwidthSample> out;
  struct stat sb;
  if (::stat(abs_path.c_str(), &sb) != 0) return out;
  Db db(abs_path, SQLITE_OPEN_READONLY);
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT d.name, b.protocol, b.unixtime, b.bytes FROM bandwidth_daily b JOIN domains d ON d.id = b.domain_id"
      " WHERE b.unixtime >= ? AND b.unixtime <= ? ORDER BY b.unixtime, d.name, b.protocol";
  if (sqlite3_prepare_v2(db.db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw ApiError(std::string("Bandwidth datastore error: ") + sqlite3_errmsg(db.db));
  sqlite3_bind_int64(st, 1, start);
  sqlite3_bind_int64(st, 2, end);
  while (sqlite3_step(st) == SQLITE_ROW)
    out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                   reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 2),
                   sqlite3_column_int64(st, 3)});
  sqlite3_finalize(st);
  return out;
}

}  // namespace whm
