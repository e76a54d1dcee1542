#include "sqlite_image.hpp"

#include <cstring>

#include "errors.hpp"

namespace whm {

SqliteImage::SqliteImage(const std::optional<std::string>& bytes, std::string name) : name_(std::move(name)) {
  if (sqlite3_open(":memory:", &db_) != SQLITE_OK) fail("cannot open");
  if (!bytes || bytes->empty()) return;
  std::string image = *bytes;
  // A database in WAL mode (header bytes 18 and 19 = 2) cannot live in
  // memory; the rollback-journal mode (1) reads the same pages.
  if (image.size() > 19 && image[18] == 2 && image[19] == 2) image[18] = image[19] = 1;
  auto* buf = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
  if (!buf) fail("out of memory");
  std::memcpy(buf, image.data(), image.size());
  if (sqlite3_deserialize(db_, "main", buf, static_cast<sqlite3_int64>(image.size()),
                          static_cast<sqlite3_int64>(image.size()),
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
    fail("it is not an SQLite database");
  // deserialize accepts any bytes; the first query finds out.
  if (sqlite_exec(db_, "SELECT count(*) FROM sqlite_master")) fail("it is not an SQLite database");
}

SqliteImage::~SqliteImage() { sqlite3_close(db_); }

std::optional<std::string> sqlite_exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return std::nullopt;
  std::string msg = err ? err : "unknown error";
  sqlite3_free(err);
  return msg;
}

int sqlite_bind_and_step(sqlite3_stmt* st, const std::vector<SqlValue>& params,
                         const std::function<void(sqlite3_stmt*)>& row) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int n = static_cast<int>(i + 1);
    const SqlValue& v = params[i];
    if (const auto* s = std::get_if<std::string>(&v))
      sqlite3_bind_text(st, n, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    else if (const auto* b = std::get_if<SqlBlob>(&v))
      sqlite3_bind_blob(st, n, b->bytes.data(), static_cast<int>(b->bytes.size()), SQLITE_TRANSIENT);
    else if (const auto* i64 = std::get_if<long long>(&v))
      sqlite3_bind_int64(st, n, *i64);
    else
      sqlite3_bind_null(st, n);
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (row) row(st);
  return rc;
}

void SqliteImage::exec(const std::string& sql) {
  if (auto error = sqlite_exec(db_, sql)) fail(*error);
}

void SqliteImage::run(const std::string& sql, const std::vector<SqlValue>& params,
                      const std::function<void(sqlite3_stmt*)>& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db_));
  const int rc = sqlite_bind_and_step(st, params, row);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) fail(sqlite3_errmsg(db_));
}

long long SqliteImage::scalar(const std::string& sql, const std::vector<SqlValue>& params) {
  long long out = 0;
  bool first = true;
  run(sql, params, [&](sqlite3_stmt* st) {
    if (first) out = sqlite3_column_int64(st, 0);
    first = false;
  });
  return out;
}

std::string SqliteImage::bytes() {
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db_, "main", &size, 0);
  if (!data) fail("cannot serialize");
  std::string out(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  sqlite3_free(data);
  return out;
}

std::string SqliteImage::text(sqlite3_stmt* st, int column) {
  const unsigned char* t = sqlite3_column_text(st, column);
  return t ? reinterpret_cast<const char*>(t) : "";
}

std::string SqliteImage::blob(sqlite3_stmt* st, int column) {
  const void* b = sqlite3_column_blob(st, column);
  return b ? std::string(static_cast<const char*>(b), static_cast<size_t>(sqlite3_column_bytes(st, column))) : "";
}

void SqliteImage::fail(const std::string& why) const { throw ApiError(name_ + " cannot be used: " + why); }

}  // namespace whm
