#include "mysql_server.hpp"
#include "dry_run.hpp"

#include <mysql.h>

#include <mutex>

#include "curl_api.hpp"
#include "errors.hpp"
#include "lazy_library.hpp"
#include "util.hpp"

// clang-format off
#define WHMKIT_MARIADB_FUNCTIONS(X) \
  X(mysql_init) \
  X(mysql_options) \
  X(mysql_real_connect) \
  X(mysql_error) \
  X(mysql_errno) \
  X(mysql_real_query) \
  X(mysql_store_result) \
  X(mysql_field_count) \
  X(mysql_num_fields) \
  X(mysql_fetch_row) \
  X(mysql_fetch_lengths) \
  X(mysql_free_result) \
  X(mysql_close) \
  X(mysql_real_escape_string) \
  X(mysql_get_server_info) \
  X(mysql_more_results) \
  X(mysql_next_result)
// clang-format on

namespace whm {
namespace {

WHMKIT_LAZY_API(MariadbApi, my, "libmariadb.so.3", "libmariadb", WHMKIT_MARIADB_FUNCTIONS)

std::mutex observer_mutex;
std::function<void(const std::string&)> observer;

MYSQL* h(void* p) { return static_cast<MYSQL*>(p); }

// A .my.cnf value: surrounding quotes removed (single or double), as the
// MySQL option-file reader does; backslash escapes inside double quotes.
std::string cnf_value(std::string v) {
  v = trim(v);
  if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) {
    const char q = v[0];
    std::string out;
    for (size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && i + 2 < v.size() && q == '"') {
        char n = v[++i];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else
        out += v[i];
    }
    return out;
  }
  return v;
}

}  // namespace

MysqlCredentials read_root_my_cnf(const StateRoot& root) {
  MysqlCredentials c;
  const auto text = root.read(kRootMyCnf);
  if (!text) return c;
  c.found = true;
  std::string section;
  for_each_line(*text, [&](std::string_view raw) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') return;
    if (line[0] == '[') {
      section = to_lower(trim(line.substr(1, line.find(']') - 1)));
      return;
    }
    if (section != "client" && section != "mysql") return;
    const auto eq = line.find('=');
    if (eq == std::string::npos) return;
    const std::string key = to_lower(trim(line.substr(0, eq)));
    const std::string value = cnf_value(line.substr(eq + 1));
    if (key == "user")
      c.user = value;
    else if (key == "password" || key == "pass")
      c.password = value;
    else if (key == "host")
      c.host = value;
    else if (key == "socket")
      c.socket = value;
    else if (key == "port") {
      if (auto p = parse_int(value); p && *p > 0 && *p < 65536) c.port = static_cast<unsigned>(*p);
    }
  });
  return c;
}

std::string my_cnf_with_password(const std::string& text, const std::string& password) {
  std::string quoted = "\"";
  for (char ch : password) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  quoted += '"';
  std::string out, section;
  bool done = false, saw_client = false;
  for_each_line(text, [&](std::string_view raw) {
    std::string line = trim(raw);
    if (!line.empty() && line[0] == '[') {
      if (section == "client" && !done) {
        out += "password=" + quoted + "\n";
        done = true;
      }
      section = to_lower(trim(line.substr(1, line.find(']') - 1)));
      if (section == "client") saw_client = true;
    } else if (section == "client" && !done) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) {
        const std::string key = to_lower(trim(line.substr(0, eq)));
        if (key == "password" || key == "pass") {
          out += "password=" + quoted + "\n";
          done = true;
          return;
        }
      }
    }
    out.append(raw.data(), raw.size());
    out += '\n';
  });
  if (!done) {
    if (!saw_client) out += "[client]\n";
    out += "password=" + quoted + "\n";
  }
  return out;
}

MysqlConnection::MysqlConnection(const MysqlCredentials& c, bool multi_statements) {
  const bool socket = c.host.empty() || c.host == "localhost";
  if (!socket && !connections_beyond_loopback_allowed() && !is_loopback_host(c.host))
    throw ApiError("The MySQL host “" + c.host +
                   "” is not a loopback address: only the server at “/” connects elsewhere.");
  const auto& api = my();
  MYSQL* m = api.mysql_init(nullptr);
  if (!m) throw ApiError("The MySQL client library could not be initialized.");
  unsigned timeout = 10;
  api.mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  api.mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // Only the [client] values read above: no option file of the machine running whmkit.
  const char* sock = socket && !c.socket.empty() ? c.socket.c_str() : nullptr;
  if (!api.mysql_real_connect(m, socket ? "localhost" : c.host.c_str(), c.user.c_str(), c.password.c_str(), nullptr,
                              socket ? 0 : c.port, sock, multi_statements ? CLIENT_MULTI_STATEMENTS : 0)) {
    std::string err = api.mysql_error(m);
    api.mysql_close(m);
    throw ApiError("The system failed to connect to the MySQL server: " + err);
  }
  handle_ = m;
}

MysqlConnection::~MysqlConnection() {
  if (handle_) my().mysql_close(h(handle_));
}

std::unique_ptr<MysqlConnection> MysqlConnection::open_root(const StateRoot& root) {
  const MysqlCredentials c = read_root_my_cnf(root);
  if (!c.found) throw ApiError("The MySQL server is not configured: “" + root.path(kRootMyCnf) + "” does not exist.");
  return std::make_unique<MysqlConnection>(c);
}

void MysqlConnection::set_statement_observer(std::function<void(const std::string&)> fn) {
  std::lock_guard<std::mutex> lock(observer_mutex);
  observer = std::move(fn);
}

std::vector<MysqlRow> MysqlConnection::run(const std::string& sql) {
  {
    std::lock_guard<std::mutex> lock(observer_mutex);
    if (observer) observer(sql);
  }
  if (sql_skipped_by_dry_run("MariaDB", sql)) return {};
  const auto& api = my();
  MYSQL* m = h(handle_);
  if (api.mysql_real_query(m, sql.data(), sql.size()) != 0)
    throw ApiError(std::string("The MySQL server reported an error: ") + api.mysql_error(m));
  std::vector<MysqlRow> rows;
  MYSQL_RES* res = api.mysql_store_result(m);
  if (!res && api.mysql_field_count(m) != 0)
    throw ApiError(std::string("The MySQL server reported an error: ") + api.mysql_error(m));
  if (!res) {
    while (api.mysql_more_results(m)) {
      if (api.mysql_next_result(m) > 0)
        throw ApiError(std::string("The MySQL server reported an error: ") + api.mysql_error(m));
      if (MYSQL_RES* more = api.mysql_store_result(m)) api.mysql_free_result(more);
    }
    return rows;
  }
  const unsigned n = api.mysql_num_fields(res);
  while (MYSQL_ROW row = api.mysql_fetch_row(res)) {
    unsigned long* lengths = api.mysql_fetch_lengths(res);
    MysqlRow r;
    for (unsigned i = 0; i < n; ++i)
      r.push_back(row[i] ? std::optional<std::string>(std::string(row[i], lengths[i])) : std::nullopt);
    rows.push_back(std::move(r));
  }
  api.mysql_free_result(res);
  // A script's further statements (multi-statement connections): each must succeed.
  while (api.mysql_more_results(m)) {
    if (api.mysql_next_result(m) > 0)
      throw ApiError(std::string("The MySQL server reported an error: ") + api.mysql_error(m));
    if (MYSQL_RES* more = api.mysql_store_result(m)) api.mysql_free_result(more);
  }
  return rows;
}

std::optional<std::string> MysqlConnection::value(const std::string& sql) {
  auto rows = run(sql);
  if (rows.empty() || rows[0].empty()) return std::nullopt;
  return rows[0][0];
}

std::string MysqlConnection::literal(const std::string& text) const {
  std::string buf(text.size() * 2 + 1, '\0');
  const unsigned long n = my().mysql_real_escape_string(h(handle_), buf.data(), text.data(), text.size());
  buf.resize(n);
  return "'" + buf + "'";
}

std::string MysqlConnection::identifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string MysqlConnection::account(const std::string& user, const std::string& host) const {
  return literal(user) + "@" + literal(host);
}

std::string MysqlConnection::server_version() const { return my().mysql_get_server_info(h(handle_)); }

}  // namespace whm
