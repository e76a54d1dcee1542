// An SQLite database held in memory: loaded from a file's bytes, saved back
// as bytes. A store reads its database through a Transaction, changes the
// image and stages the new bytes, so every change of the file is one atomic
// replace under the state lock like any other file (a database cPanel keeps
// in WAL mode is read through the rollback journal's page format).
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace whm {

// A BLOB parameter (binary addresses); text parameters are std::string.
struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<std::nullptr_t, long long, std::string, SqlBlob>;

// What every SQLite store of whmkit does with a connection, in one place:
// sqlite3_exec's error text (nullopt when it succeeded), and one prepared
// statement's `params` bound and its rows stepped through (`row` gets each),
// returning the last sqlite3_step code (SQLITE_DONE when all went well).
std::optional<std::string> sqlite_exec(sqlite3* db, const std::string& sql);
int sqlite_bind_and_step(sqlite3_stmt* st, const std::vector<SqlValue>& params,
                         const std::function<void(sqlite3_stmt*)>& row);

class SqliteImage {
 public:
  // `bytes`: the file's contents (nullopt or empty: a new database). `name`
  // introduces every error: "The Greylisting database “/var/...”".
  SqliteImage(const std::optional<std::string>& bytes, std::string name);
  ~SqliteImage();
  SqliteImage(const SqliteImage&) = delete;
  SqliteImage& operator=(const SqliteImage&) = delete;

  void exec(const std::string& sql);
  // Runs `sql` with `params`; `row` gets each result row.
  void run(const std::string& sql, const std::vector<SqlValue>& params = {},
           const std::function<void(sqlite3_stmt*)>& row = nullptr);
  // The first column of the first row as an integer (0 when there is none).
  long long scalar(const std::string& sql, const std::vector<SqlValue>& params = {});
  long long changes() const { return sqlite3_changes(db_); }
  // Rows changed since the image was loaded.
  long long total_changes() const { return sqlite3_total_changes(db_); }
  long long last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  // The database as file bytes.
  std::string bytes();

  // Column accessors for `row` callbacks ("" / 0 for NULL).
  static std::string text(sqlite3_stmt* st, int column);
  static std::string blob(sqlite3_stmt* st, int column);
  static long long integer(sqlite3_stmt* st, int column) { return sqlite3_column_int64(st, column); }

 private:
  [[noreturn]] void fail(const std::string& why) const;
  sqlite3* db_ = nullptr;
  std::string name_;
};

}  // namespace whm
