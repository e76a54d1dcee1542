#include "db_names.hpp"

#include <algorithm>
#include <cctype>

#include "errors.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {
namespace {

const char* const kReservedUsers[] = {"cpldap", "eximstats", "munin", "postgres", "root", "roundcube"};

const char* const kReservedDatabases[] = {
    "cpldap",
    "eximstats",
    "information_schema",
    "munin",
    "munin_innodb",
    "mysql",
    "password",
    "pg_aggregate",
    "pg_am",
    "pg_amop",
    "pg_amproc",
    "pg_attrdef",
    "pg_attribute",
    "pg_auth_members",
    "pg_authid",
    "pg_autovacuum",
    "pg_cast",
    "pg_catalog",
    "pg_class",
    "pg_constraint",
    "pg_conversion",
    "pg_database",
    "pg_depend",
    "pg_description",
    "pg_group",
    "pg_index",
    "pg_indexes",
    "pg_inherits",
    "pg_language",
    "pg_largeobject",
    "pg_listener",
    "pg_locks",
    "pg_namespace",
    "pg_opclass",
    "pg_operator",
    "pg_pltemplate",
    "pg_prepared_xacts",
    "pg_proc",
    "pg_rewrite",
    "pg_roles",
    "pg_rules",
    "pg_settings",
    "pg_shadow",
    "pg_shdepend",
    "pg_stat_activity",
    "pg_stat_all_indexes",
    "pg_stat_all_tables",
    "pg_stat_database",
    "pg_stat_sys_indexes",
    "pg_stat_sys_tables",
    "pg_stat_user_indexes",
    "pg_stat_user_tables",
    "pg_statio_all_indexes",
    "pg_statio_all_sequences",
    "pg_statio_all_tables",
    "pg_statio_sys_indexes",
    "pg_statio_sys_sequences",
    "pg_statio_sys_tables",
    "pg_statio_user_indexes",
    "pg_statio_user_sequences",
    "pg_statio_user_tables",
    "pg_statistic",
    "pg_stats",
    "pg_tables",
    "pg_tablespace",
    "pg_trigger",
    "pg_type",
    "pg_user",
    "pg_views",
    "postgres",
    "roundcube",
    "template0",
    "template1",
    "test",
    "whmxfer",
};

// "[quant,_1,character,characters]"
std::string characters(size_t n) { return std::to_string(n) + (n == 1 ? " character" : " characters"); }

// Cpanel::Validate::DB::Utils::excess_statement
std::string excess(const std::string& name, size_t max) {
  if (name.size() <= max) return "";
  return "“" + name + "” is too long by " + characters(name.size() - max) + ".";
}

bool istarts_with(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

std::string username_to_dbowner(const std::string& cpuser) {
  std::string out;
  for (char c : cpuser)
    if (c != '_' && c != '.') out += c;
  return out;
}

bool db_prefixing_enabled(const Transaction& view) {
  const auto v = read_tweak_setting(view, "database_prefix");
  return !v || *v != "0";
}

size_t db_prefix_length(const Transaction& view) {
  const auto v = read_tweak_setting(view, "force_short_prefix");
  return v && *v == "1" ? 8 : 16;
}

std::string db_prefix(const Transaction& view, const std::string& cpuser) {
  return username_to_dbowner(cpuser).substr(0, db_prefix_length(view));
}

bool has_db_prefix(const Transaction& view, const std::string& cpuser, const std::string& name) {
  const std::string p = db_prefix(view, cpuser) + "_";
  return name.size() > p.size() && starts_with(name, p);
}

std::string add_db_prefix_if_needed(const Transaction& view, const std::string& cpuser, const std::string& name) {
  if (!db_prefixing_enabled(view) || has_db_prefix(view, cpuser, name)) return name;
  return db_prefix(view, cpuser) + "_" + name;
}

void require_db_prefix(const Transaction& view, const std::string& cpuser, const std::string& name) {
  if (!db_prefixing_enabled(view) || has_db_prefix(view, cpuser, name)) return;
  throw ApiError("The name “" + name + "” does not begin with the required prefix “" + db_prefix(view, cpuser) + "_”.");
}

std::string reprefix_db_name(const std::string& name, const std::string& old_prefix, const std::string& new_prefix) {
  const std::string p = old_prefix + "_";
  if (old_prefix.empty() || !starts_with(name, p) || name.size() == p.size()) return name;
  return new_prefix + "_" + name.substr(p.size());
}

bool is_reserved_database_name(const std::string& name) {
  if (std::find(std::begin(kReservedDatabases), std::end(kReservedDatabases), name) != std::end(kReservedDatabases))
    return true;
  return istarts_with(name, "mydns") || starts_with(name, "pg_toast") || starts_with(name, "pg_temp");
}

bool is_reserved_dbuser_name(const std::string& name) {
  if (std::find(std::begin(kReservedUsers), std::end(kReservedUsers), name) != std::end(kReservedUsers)) return true;
  return istarts_with(name, "cpmydns") || istarts_with(name, "cpses_");
}

std::string mysql_escape_pattern(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '\\' || c == '_' || c == '%') out += '\\';
    out += c;
  }
  return out;
}

void verify_database_name(Engine e, const std::string& name) {
  if (name.empty()) throw ApiError("A database name cannot be empty.");
  for (unsigned char c : name)
    if (c < 0x20 || c > 0x7e)
      throw ApiError("“" + name +
                     "” is invalid because this system allows only printable ASCII characters in database names.");
  if (name.find_first_of("'\"`") != std::string::npos)
    throw ApiError("“" + name +
                   "” is invalid because this system does not allow quote characters (' \" `) in database names.");
  if (name.find('/') != std::string::npos)
    throw ApiError("“" + name +
                   "” is invalid because this system prohibits the slash (/) character in database names.");
  if (e == Engine::MySQL) {
    if (auto err = excess(name, kMysqlDbNameMax); !err.empty())
      throw ApiError(err + " A database name cannot exceed " + characters(kMysqlDbNameMax) + ".");
    const size_t escaped = mysql_escape_pattern(name).size();
    if (escaped > kMysqlDbNameMax)
      throw ApiError(
          "This database name has too many wildcard-sensitive characters (“\\”, “_”, and “%”). The system stores each "
          "of these as two characters internally, up to a limit of " +
          characters(kMysqlDbNameMax) + ". This name would take up " + characters(escaped) +
          " of internal storage, which is " + std::to_string(escaped - kMysqlDbNameMax) + " too many.");
    if (name.find('\\') != std::string::npos)
      throw ApiError("“" + name +
                     "” is invalid because this system prohibits the backslash (\\) character in database names.");
    if (name.back() == ' ') throw ApiError("A database name cannot end with a space character.");
  } else {
    if (auto err = excess(name, kPgsqlDbNameMax); !err.empty())
      throw ApiError(err + " A PostgreSQL database name cannot exceed " + characters(kPgsqlDbNameMax) + ".");
  }
  if (is_reserved_database_name(name))
    throw ApiError("“" + name + "” is a reserved name for databases on this system.");
}

void verify_dbuser_name(Engine e, const std::string& name) {
  if (name.empty()) throw ApiError("A username cannot be empty.");
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_')
      throw ApiError(
          "The name of a database user on this system may include only the following characters: A-Z a-z 0-9 - _");
  if (e == Engine::MySQL) {
    // The server's name and version are in cPanel's wording; whmkit names the engine only (UNCONFIRMED).
    if (auto err = excess(name, kMysqlDbUserMax); !err.empty())
      throw ApiError(err + " A “MariaDB” username cannot exceed " + characters(kMysqlDbUserMax) + ".");
  } else {
    if (auto err = excess(name, kPgsqlDbUserMax); !err.empty())
      throw ApiError(err + " A PostgreSQL username cannot exceed " + characters(kPgsqlDbUserMax) + ".");
  }
  if (is_reserved_dbuser_name(name))
    throw ApiError("“" + name + "” is a reserved name for database users on this system.");
}

}  // namespace whm
