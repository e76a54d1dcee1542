// A connection to the PostgreSQL server as its superuser, through libpq
// (opened on first use, lib/base/lazy_library.hpp). Every SQL statement
// whmkit sends to PostgreSQL goes through PgConnection::run(), so one place
// sees (and a future dry run can list) every statement; names and values
// reach a statement only through ident() and literal() (libpq's
// PQescapeIdentifier / PQescapeLiteral).
//
// The superuser's credentials: <root>/root/.pgpass (libpq's format,
// host:port:database:username:password with \: and \\ escapes), the first
// line whose user is "postgres", else the first line (docs/postgresql.md).
// Unless the state root is "/", only a loopback host or a local socket
// directory is accepted, like every other connection whmkit opens.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "errors.hpp"
#include "state.hpp"

typedef struct pg_conn PGconn;

namespace whm {

struct PgCredentials {
  std::string host = "localhost";  // a name, an address or a socket directory
  std::string port = "5432";
  std::string user = "postgres";
  std::string password;
};

// Reads <root>/root/.pgpass; throws ApiError when it is missing or holds no
// usable line.
PgCredentials pg_credentials(const StateRoot& root);

// One statement's answer: the rows, every value as text ("" for NULL).
using PgRows = std::vector<std::vector<std::string>>;

class PgConnection {
 public:
  // Connects to `database` (the maintenance database "postgres" by default);
  // throws ApiError "The system failed to connect to the PostgreSQL server “…”
  // because of an error: …" (cPanel's words) when it cannot.
  explicit PgConnection(const StateRoot& root, const std::string& database = "postgres");
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // The one function that sends SQL. Throws PgError on failure.
  PgRows run(const std::string& sql);
  // A quoted identifier ("na""me") and a quoted literal ('it''s' / E'a\\b').
  std::string ident(const std::string& name) const;
  std::string literal(const std::string& value) const;
  const std::string& database() const { return database_; }

  // Sees every statement before it is sent (tests, a future dry run).
  static void set_observer(std::function<void(const std::string& database, const std::string& sql)> observer);

 private:
  PGconn* conn_ = nullptr;
  std::string database_;
};

// A statement the server refused: the server's message and its SQLSTATE
// ("42P04" duplicate database, "42710" duplicate object, "3D000" no such
// database, "42704" no such role...).
struct PgError : ApiError {
  PgError(const std::string& message, std::string state) : ApiError(message), sqlstate(std::move(state)) {}
  std::string sqlstate;
};

}  // namespace whm
