#include "pgsql_conn.hpp"
#include "dry_run.hpp"

#include <libpq-fe.h>

#include <mutex>
#include <optional>

#include "curl_api.hpp"
#include "lazy_library.hpp"
#include "util.hpp"

namespace whm {
namespace {

// clang-format off
#define WHMKIT_PQ_FUNCTIONS(X) \
  X(PQconnectdbParams) \
  X(PQstatus) \
  X(PQerrorMessage) \
  X(PQfinish) \
  X(PQexec) \
  X(PQresultStatus) \
  X(PQresultErrorMessage) \
  X(PQresultErrorField) \
  X(PQntuples) \
  X(PQnfields) \
  X(PQgetvalue) \
  X(PQclear) \
  X(PQescapeIdentifier) \
  X(PQescapeLiteral) \
  X(PQfreemem) \
  X(PQsetNoticeProcessor)
// clang-format on

WHMKIT_LAZY_API(PqApi, pq, "libpq.so.5", "libpq", WHMKIT_PQ_FUNCTIONS)

std::mutex observer_mutex;
std::function<void(const std::string&, const std::string&)>& observer() {
  static std::function<void(const std::string&, const std::string&)> o;
  return o;
}

// Server notices ("role ... does not exist, skipping") would go to standard
// error: a handler never prints.
void ignore_notice(void*, const char*) {}

// One field of a .pgpass line, up to the next unescaped ':'.
std::vector<std::string> pgpass_fields(const std::string& line) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      out.back() += line[++i];
    } else if (c == ':') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string trim_message(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PgCredentials pg_credentials(const StateRoot& root) {
  auto text = root.read("root/.pgpass");
  if (!text) throw ApiError("The PostgreSQL superuser’s credentials (/root/.pgpass) are missing.");
  std::optional<PgCredentials> first, postgres;
  for (const auto& line : split(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto f = pgpass_fields(line);
    if (f.size() != 5) continue;
    PgCredentials c;
    if (f[0] != "*" && !f[0].empty()) c.host = f[0];
    if (f[1] != "*" && !f[1].empty()) c.port = f[1];
    c.user = f[3];
    c.password = f[4];
    if (c.user.empty() || c.user == "*") continue;
    if (!first) first = c;
    if (c.user == "postgres" && !postgres) postgres = c;
  }
  if (postgres) return *postgres;
  if (first) return *first;
  throw ApiError("The PostgreSQL superuser’s credentials (/root/.pgpass) are missing.");
}

PgConnection::PgConnection(const StateRoot& root, const std::string& database) : database_(database) {
  PgCredentials c = pg_credentials(root);
  bool local_socket = !c.host.empty() && c.host[0] == '/';
  if (!local_socket && !connections_beyond_loopback_allowed() && !is_loopback_host(c.host))
    throw ApiError("The PostgreSQL server “" + c.host +
                   "” is not on this machine; this state root may only reach loopback.");
  const char* keys[] = {
      "host", "port", "dbname", "user", "password", "connect_timeout", "application_name", "client_encoding", nullptr};
  const char* values[] = {c.host.c_str(), c.port.c_str(), database.c_str(), c.user.c_str(), c.password.c_str(),
                          "10",           "whmkit",       "UTF8",           nullptr};
  conn_ = pq().PQconnectdbParams(keys, values, 0);
  if (!conn_ || pq().PQstatus(conn_) != CONNECTION_OK) {
    std::string why = conn_ ? trim_message(pq().PQerrorMessage(conn_)) : "out of memory";
    if (conn_) pq().PQfinish(conn_);
    conn_ = nullptr;
    throw ApiError("The system failed to connect to the PostgreSQL server “" + c.host +
                   "” because of an error: " + why);
  }
  pq().PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
}

PgConnection::~PgConnection() {
  if (conn_) pq().PQfinish(conn_);
}

void PgConnection::set_observer(std::function<void(const std::string&, const std::string&)> o) {
  std::lock_guard<std::mutex> lock(observer_mutex);
  observer() = std::move(o);
}

PgRows PgConnection::run(const std::string& sql) {
  {
    std::lock_guard<std::mutex> lock(observer_mutex);
    if (observer()) observer()(database_, sql);
  }
  if (sql_skipped_by_dry_run("PostgreSQL", sql)) return {};
  PGresult* res = pq().PQexec(conn_, sql.c_str());
  if (!res) throw PgError(trim_message(pq().PQerrorMessage(conn_)), "");
  auto status = pq().PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = trim_message(pq().PQresultErrorMessage(res));
    const char* state = pq().PQresultErrorField(res, PG_DIAG_SQLSTATE);
    std::string sqlstate = state ? state : "";
    pq().PQclear(res);
    if (message.rfind("ERROR:", 0) == 0)
      message = trim_message(message.c_str() + 6), message.erase(0, message.find_first_not_of(' '));
    throw PgError(message, sqlstate);
  }
  PgRows rows;
  int n = pq().PQntuples(res), cols = pq().PQnfields(res);
  rows.reserve(n);
  for (int r = 0; r < n; ++r) {
    std::vector<std::string> row;
    row.reserve(cols);
    for (int c = 0; c < cols; ++c) row.emplace_back(pq().PQgetvalue(res, r, c));
    rows.push_back(std::move(row));
  }
  pq().PQclear(res);
  return rows;
}

std::string PgConnection::ident(const std::string& name) const {
  char* q = pq().PQescapeIdentifier(conn_, name.c_str(), name.size());
  if (!q) throw ApiError(trim_message(pq().PQerrorMessage(conn_)));
  std::string out(q);
  pq().PQfreemem(q);
  return out;
}

std::string PgConnection::literal(const std::string& value) const {
  char* q = pq().PQescapeLiteral(conn_, value.c_str(), value.size());
  if (!q) throw ApiError(trim_message(pq().PQerrorMessage(conn_)));
  std::string out(q);
  pq().PQfreemem(q);
  return out;
}

}  // namespace whm
