// cPanel's rules for database and database user names, shared by the MariaDB
// and PostgreSQL code (Cpanel::DB::Prefix, Cpanel::Validate::DB::Name,
// Cpanel::Validate::DB::User, Cpanel::DB::Reserved).
//
//  * Prefixing: cpanel.config's `database_prefix` (default 1). The prefix is
//    the username without "_" and "." (the "database owner" name), cut to 16
//    characters (8 with `force_short_prefix`=1, and on cPanel also while the
//    MySQL server is down: whmkit assumes MariaDB 10+ is the server,
//    UNCONFIRMED for other servers), followed by "_".
//  * Database names: printable ASCII, no quotes ('"`), no "/", no "\", not
//    ending with a space; MySQL at most 64 characters (and at most 64 once
//    "_", "%" and "\" are doubled for grant patterns), PostgreSQL 63;
//    reserved names and the "mydns", "pg_toast", "pg_temp" prefixes refused.
//  * User names: A-Z a-z 0-9 - _ only; MariaDB 10+ at most 47 characters
//    (cPanel's choice under MariaDB's 80), PostgreSQL 63; reserved names and
//    "cpmydns", "cpses_" prefixes refused.
// Each check throws ApiError with cPanel's wording.
#pragma once
#include <string>

#include "db_map.hpp"
#include "state.hpp"

namespace whm {

inline constexpr size_t kMysqlDbNameMax = 64;
inline constexpr size_t kPgsqlDbNameMax = 63;
inline constexpr size_t kMysqlDbUserMax = 47;
inline constexpr size_t kPgsqlDbUserMax = 63;

// The username without "_" and "." (Cpanel::DB::Utils::username_to_dbowner).
std::string username_to_dbowner(const std::string& cpuser);
// cpanel.config's database_prefix (default on).
bool db_prefixing_enabled(const Transaction& view);
// 16, or 8 with force_short_prefix.
size_t db_prefix_length(const Transaction& view);
// The prefix without its "_".
std::string db_prefix(const Transaction& view, const std::string& cpuser);
// "<prefix>_<name>" unless `name` already starts with "<prefix>_" and has
// more after it (Cpanel::DB::Prefix::add_prefix_if_name_needs); only when
// prefixing is on.
std::string add_db_prefix_if_needed(const Transaction& view, const std::string& cpuser, const std::string& name);
// Whether `name` starts with the account's prefix and "_" (and more follows).
bool has_db_prefix(const Transaction& view, const std::string& cpuser, const std::string& name);
// With prefixing on, refuses a name without the prefix: “The name “x” does
// not begin with the required prefix “bob_”.” (wording UNCONFIRMED).
void require_db_prefix(const Transaction& view, const std::string& cpuser, const std::string& name);
// `name` with the old account's prefix replaced by the new one (account
// rename); unchanged when it does not start with the old prefix.
std::string reprefix_db_name(const std::string& name, const std::string& old_prefix, const std::string& new_prefix);

void verify_database_name(Engine e, const std::string& name);
void verify_dbuser_name(Engine e, const std::string& name);
bool is_reserved_database_name(const std::string& name);
bool is_reserved_dbuser_name(const std::string& name);

// MySQL's grant-pattern escape: "\", "_" and "%" get a backslash.
std::string mysql_escape_pattern(const std::string& name);

}  // namespace whm
