// The MariaDB server, reached through libmariadb (the MySQL C API), opened on
// first use (lazy_library.hpp): never linked, so calls that need no database
// pay nothing for it.
//
// Credentials are root's, as cPanel keeps them: <root>/root/.my.cnf, section
// [client] (user, password, host, port, socket; "localhost" or no host means
// the socket). Unless the program's state root is "/", only a socket or a
// loopback host is accepted (the rule curl_api.hpp applies to HTTP).
//
// Every statement goes through MysqlConnection::run(), the one place SQL is
// executed (a dry run can list the statements there). Identifiers are quoted
// with backticks (doubled inside), literals with mysql_real_escape_string;
// database names in grants are patterns whose "_", "%" and "\" are escaped
// (db_names.hpp's mysql_escape_pattern) before being quoted.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

struct MysqlCredentials {
  std::string user = "root", password, host = "localhost", socket;
  unsigned port = 3306;
  bool found = false;  // the file was there
};

// <root>/root/.my.cnf's [client] section (missing file: the defaults, found=false).
MysqlCredentials read_root_my_cnf(const StateRoot& root);
// Rewrites (or creates) its [client] password, keeping the other lines.
std::string my_cnf_with_password(const std::string& text, const std::string& password);
inline constexpr const char* kRootMyCnf = "root/.my.cnf";

using MysqlRow = std::vector<std::optional<std::string>>;

class MysqlConnection {
 public:
  // Connects; throws ApiError with the server's message.
  // `multi_statements`: run() may be given a script of several statements
  // (a restored dump, run as a user limited to one database).
  explicit MysqlConnection(const MysqlCredentials& c, bool multi_statements = false);
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;
  // Root's connection to the account databases' server (<root>/root/.my.cnf);
  // "The MySQL server is not configured ..." when there is no .my.cnf.
  static std::unique_ptr<MysqlConnection> open_root(const StateRoot& root);

  // THE function every SQL statement goes through: runs it and returns its
  // rows (none for a statement without a result). Throws ApiError naming the
  // server's error.
  std::vector<MysqlRow> run(const std::string& sql);
  // The first column of the first row, if any.
  std::optional<std::string> value(const std::string& sql);

  // 'text' escaped with mysql_real_escape_string.
  std::string literal(const std::string& text) const;
  // `name` with backticks doubled.
  static std::string identifier(const std::string& name);
  // 'user'@'host'
  std::string account(const std::string& user, const std::string& host) const;
  std::string server_version() const;  // "10.11.6-MariaDB-0+deb12u1"

  // Observes every statement before it runs (tests, a future dry run).
  static void set_statement_observer(std::function<void(const std::string&)> fn);

 private:
  void* handle_ = nullptr;  // MYSQL*
};

}  // namespace whm
