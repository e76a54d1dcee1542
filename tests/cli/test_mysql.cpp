// MariaDB functions that need no server: the database map (list_databases,
// list_users, WHM's listings), the name rules and refusals (checked before
// any connection), get_restrictions. tests/shell/test_mysql.sh proves the
// rest against a private MariaDB.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "util.hpp"

using test::create_account;
using test::run;
using test::run_cpanel;
using test::snapshot;
using test::TempRoot;

namespace {

const char* const kBobMap =
    R"({"MYSQL":{"dbs":{"bob_shop":"localhost","bob_blog":"localhost"},"dbusers":{"bob_app":{"dbs":{"bob_shop":"localhost"},"server":"localhost"}},"noprefix":{},"owner":"bob","server":"localhost"},"PGSQL":{"dbs":{"bob_pg":"localhost"},"dbusers":{"bob_pgu":{"dbs":{"bob_pg":"localhost"},"server":"localhost"}},"noprefix":{},"owner":"bob","server":"localhost"},"version":1})";

void setup(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  root.write("var/cpanel/databases/bob.json", kBobMap);
}

std::string uapi_error(const TempRoot& root, const std::string& user, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, "uapi", user, args);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["result"]["status"] == 0);
  return test::cpanel_error(j);
}

}  // namespace

TEST_CASE("createacct sets up the account's empty database map", "[mysql]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto map = nlohmann::json::parse(root.file("var/cpanel/databases/bob.json"));
  CHECK(map["version"] == 1);
  CHECK(map["MYSQL"]["owner"] == "bob");
  CHECK(map["MYSQL"]["dbs"].empty());
  CHECK(map["PGSQL"]["dbusers"].empty());
}

TEST_CASE("Mysql list_databases and list_users read the map", "[mysql]") {
  TempRoot root;
  setup(root);
  auto dbs = test::uapi_ok(root, "bob", {"Mysql", "list_databases"})["result"]["data"];
  REQUIRE(dbs.size() == 2);
  CHECK(dbs[0]["database"] == "bob_blog");
  CHECK(dbs[0]["users"].empty());
  CHECK(dbs[1]["database"] == "bob_shop");
  CHECK(dbs[1]["users"] == nlohmann::json::array({"bob_app"}));
  CHECK(dbs[1]["disk_usage"] == 0);  // no server configured: the map alone
  auto users = test::uapi_ok(root, "bob", {"Mysql", "list_users"})["result"]["data"];
  REQUIRE(users.size() == 1);
  CHECK(users[0] == nlohmann::json({{"user", "bob_app"}, {"shortuser", "app"}, {"databases", {"bob_shop"}}}));
  // eve sees none of bob's.
  CHECK(test::uapi_ok(root, "eve", {"Mysql", "list_databases"})["result"]["data"].empty());
  auto fe = test::api2_data(root, "bob", {"MysqlFE", "listdbs"});
  REQUIRE(fe.size() == 2);
  CHECK(fe[1]["db"] == "bob_shop");
  CHECK(fe[1]["usercount"] == 1);
}

TEST_CASE("WHM list_databases and list_database_users list both engines of every map", "[mysql]") {
  TempRoot root;
  setup(root);
  auto j = run(root, {"list_databases"}).json();
  REQUIRE(j["metadata"]["result"] == 1);
  const auto payload = j["data"]["payload"];
  REQUIRE(payload.size() == 3);
  CHECK(payload[0] == nlohmann::json({{"cpuser", "bob"}, {"engine", "mysql"}, {"name", "bob_blog"}}));
  CHECK(payload[2] == nlohmann::json({{"cpuser", "bob"}, {"engine", "postgresql"}, {"name", "bob_pg"}}));
  auto users = run(root, {"list_database_users"}).json()["data"]["payload"];
  REQUIRE(users.size() == 2);
  CHECK(users[1]["name"] == "bob_pgu");
  auto both = run(root, {"list_mysql_databases_and_users", "user=bob"}).json();
  CHECK(both["data"]["mysql_databases"]["bob_shop"] == nlohmann::json::array({"bob_app"}));
  CHECK(both["data"]["mysql_config"]["prefix_length"] == 16);
  CHECK(both["data"]["mysql_config"]["use_db_prefix"] == 1);
  auto missing = run(root, {"list_mysql_databases_and_users", "user=nobody"}).json();
  CHECK(missing["metadata"]["result"] == 0);
}

TEST_CASE("Mysql get_restrictions gives the limits and the prefix", "[mysql]") {
  TempRoot root;
  create_account(root, "verylongusername", "bob.example");
  auto d = test::uapi_ok(root, "verylongusername", {"Mysql", "get_restrictions"})["result"]["data"];
  CHECK(d["max_database_name_length"] == 64);
  CHECK(d["max_username_length"] == 47);
  CHECK(d["prefix"] == "verylongusername_");
  // force_short_prefix: the first 8 characters.
  root.write("var/cpanel/cpanel.config", root.file("var/cpanel/cpanel.config") + "force_short_prefix=1\n");
  d = test::uapi_ok(root, "verylongusername", {"Mysql", "get_restrictions"})["result"]["data"];
  CHECK(d["prefix"] == "verylong_");
}

TEST_CASE("Mysql refuses bad, foreign and unprefixed names before touching anything", "[mysql]") {
  TempRoot root;
  setup(root);
  const auto before = snapshot(root);
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=shop"}) ==
        "The name “shop” does not begin with the required prefix “bob_”.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_a'b"}) ==
        "“bob_a'b” is invalid because this system does not allow quote characters (' \" `) in database names.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_a/b"}) ==
        "“bob_a/b” is invalid because this system prohibits the slash (/) character in database names.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_a\\b"}) ==
        "“bob_a\\b” is invalid because this system prohibits the backslash (\\) character in database names.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_" + std::string(61, 'x')}) ==
        "“bob_" + std::string(61, 'x') + "” is too long by 1 character. A database name cannot exceed 64 characters.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_" + std::string(31, '_')})
            .find("too many wildcard-sensitive characters") != std::string::npos);
  CHECK(uapi_error(root, "bob", {"Mysql", "create_user", "name=bob_a%b", "password=Pw0rd!x"}) ==
        "The name of a database user on this system may include only the following characters: A-Z a-z 0-9 - _");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_user", "name=bob_" + std::string(44, 'u'), "password=x"}) ==
        "“bob_" + std::string(44, 'u') +
            "” is too long by 1 character. A “MariaDB” username cannot exceed 47 characters.");
  // bob's objects are not eve's, and a name bob owns is refused to eve.
  CHECK(uapi_error(root, "eve", {"Mysql", "delete_database", "name=bob_shop"}) ==
        "The system user “eve” does not control a MySQL database named “bob_shop”.");
  CHECK(uapi_error(root, "eve", {"Mysql", "set_password", "user=bob_app", "password=Pw0rd!x"}) ==
        "The system user “eve” does not control a MySQL user named “bob_app”.");
  CHECK(uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_shop"}) ==
        "The database “bob_shop” already exists.");
  CHECK(uapi_error(root, "bob",
                   {"Mysql", "set_privileges_on_database", "user=bob_app", "database=bob_shop",
                    "privileges=SELECT,DROP TABLE mysql.user"}) ==
        "“DROP TABLE mysql.user” is not a valid MySQL privilege.");
  // A NUL or newline never gets through the dispatcher's checks.
  CHECK(run_cpanel(root, "uapi", "bob", {"Mysql", "create_database", "name=bob_a%0Ab"}).json()["result"]["status"] ==
        0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("a Mysql change without a configured server fails and writes nothing", "[mysql]") {
  TempRoot root;
  setup(root);
  const auto before = snapshot(root);
  const std::string err = uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_new"});
  CHECK(err.find("The MySQL server is not configured") == 0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("a damaged database map is never rewritten", "[mysql]") {
  TempRoot root;
  setup(root);
  root.write("var/cpanel/databases/bob.json", "{\"MYSQL\": [1,2]}\n");
  const auto before = snapshot(root);
  const std::string err = uapi_error(root, "bob", {"Mysql", "create_database", "name=bob_new"});
  CHECK(err.find("/var/cpanel/databases/bob.json") != std::string::npos);
  CHECK(snapshot(root) == before);
}

TEST_CASE("installable and latest MySQL versions come from apt's lists under the root", "[mysql]") {
  TempRoot root;
  auto none = run(root, {"installable_mysql_versions"}).json();
  CHECK(none["metadata"]["result"] == 0);
  CHECK(none["metadata"]["reason"].get<std::string>().find("no package lists") != std::string::npos);
  root.write("var/lib/apt/lists/deb.example_dists_x_main_binary-amd64_Packages",
             "Package: mariadb-server\nVersion: 1:10.11.6-0+deb12u1\nArchitecture: amd64\n\n"
             "Package: mariadb-client\nVersion: 1:10.11.6-0+deb12u1\n\n");
  root.write(
      "var/lib/apt/lists/deb.example_dists_y_main_binary-amd64_Packages",
      "Package: mariadb-server\nVersion: 1:11.4.2-1\n\nPackage: mariadb-server\nVersion: 1:10.11.9-0+deb12u1\n\n");
  auto j = run(root, {"installable_mysql_versions"}).json();
  REQUIRE(j["metadata"]["result"] == 1);
  CHECK(j["data"]["versions"] == nlohmann::json::array({{{"server", "mariadb"}, {"version", "10.11"}},
                                                        {{"server", "mariadb"}, {"version", "11.4"}}}));
  auto latest = run(root, {"latest_available_mysql_version"}).json();
  CHECK(latest["data"] == nlohmann::json({{"server", "mariadb"}, {"version", "11.4"}}));
}

TEST_CASE("remote MySQL profiles: cPanel's profiles.json, checked fields, the active one kept", "[mysql]") {
  TempRoot root;
  const std::string file = "var/cpanel/mysql/remote_profiles/profiles.json";
  auto created = run(root, {"remote_mysql_create_profile", "name=Second", "mysql_host=192.0.2.7", "mysql_user=admin",
                            "mysql_pass=S3cret-pw", "mysql_port=3307"})
                     .json();
  REQUIRE(created["metadata"]["result"] == 1);
  CHECK(created["data"]["profile_saved"] == "Second");
  CHECK(created["data"]["profile_details"] == nlohmann::json({{"active", 0},
                                                              {"cpcloud", 0},
                                                              {"mysql_host", "192.0.2.7"},
                                                              {"mysql_pass", "S3cret-pw"},
                                                              {"mysql_port", 3307},
                                                              {"mysql_user", "admin"},
                                                              {"setup_via", "Main terminal"}}));
  CHECK(nlohmann::json::parse(root.file(file))["Second"]["mysql_port"] == 3307);
  const auto before = snapshot(root);
  auto dup = run(root, {"remote_mysql_create_profile", "name=Second", "mysql_host=192.0.2.8", "mysql_user=a",
                        "mysql_pass=x", "mysql_port=3306"})
                 .json();
  CHECK(dup["metadata"]["reason"] == "A Remote MySQL profile named “Second” already exists.");
  auto bad = run(root, {"remote_mysql_create_profile", "name=Third", "mysql_host=a;b", "mysql_user=a", "mysql_pass=x",
                        "mysql_port=3306"})
                 .json();
  CHECK(bad["metadata"]["reason"] == "The MySQL parameter “mysql_host” specified is not valid: a;b");
  CHECK(snapshot(root) == before);
  auto updated = run(root, {"remote_mysql_update_profile", "name=Second", "mysql_port=3308"}).json();
  CHECK(updated["data"]["profile_details"]["mysql_port"] == 3308);
  CHECK(run(root, {"remote_mysql_read_profile", "name=Second"}).json()["data"]["profile_details"]["mysql_user"] ==
        "admin");
  // Not loopback, and the root is not "/": whmkit does not connect.
  auto validate = run(root, {"remote_mysql_validate_profile", "name=Second"}).json();
  CHECK(validate["metadata"]["reason"].get<std::string>().find("not a loopback address") != std::string::npos);
  auto missing = run(root, {"remote_mysql_read_profile", "name=Nope"}).json();
  CHECK(missing["metadata"]["reason"] == "No profile named “Nope” found on the system.");
  CHECK(run(root, {"remote_mysql_delete_profile", "name=Second"}).json()["data"]["profile_deleted"] == "Second");
  CHECK(nlohmann::json::parse(root.file(file)).empty());
}

TEST_CASE("Mysql remote hosts: bad hosts refused before the server, localhost kept", "[mysql]") {
  TempRoot root;
  setup(root);
  for (const std::string& host :
       std::vector<std::string>{"10.0.0.1');DROP USER root--", "a`b", "10.0.0.1/33", "300.1.1.1", "a_b.example", "/",
                                "1.2.3", std::string(61, 'a')})
    test::expect_cpanel_refused(root, "uapi", "bob", {"Mysql", "add_host", "host=" + whm::uri_encode(host)},
                                "is not a valid hostname, IP address, or IP address range.");
  test::expect_cpanel_refused(root, "uapi", "bob", {"Mysql", "add_host", "host=x%0Ay"}, "control character");
  test::expect_cpanel_refused(root, "uapi", "bob", {"Mysql", "delete_host", "host=localhost"},
                              "You cannot remove the entry for “localhost”.");
  // A valid host needs the server.
  test::expect_cpanel_refused(root, "uapi", "bob", {"Mysql", "add_host", "host=10.1.%25.%25"},
                              "The MySQL server is not configured");
}

TEST_CASE("Mysql get_host_notes reads cPanel's notes file", "[mysql]") {
  TempRoot root;
  setup(root);
  CHECK(test::uapi_ok(root, "bob", {"Mysql", "get_host_notes"})["result"]["data"] == nlohmann::json::object());
  root.write("var/cpanel/mysql/notes/bob.json", R"({"10.1.2.%":"office","db.example.com":"backup"})");
  auto data = test::uapi_ok(root, "bob", {"Mysql", "get_host_notes"})["result"]["data"];
  CHECK(data == nlohmann::json({{"10.1.2.%", "office"}, {"db.example.com", "backup"}}));
  CHECK(test::uapi_ok(root, "eve", {"Mysql", "get_host_notes"})["result"]["data"].empty());
  root.write("var/cpanel/mysql/notes/bob.json", R"({"10.1.2.%":[1]})");
  const std::string err = uapi_error(root, "bob", {"Mysql", "get_host_notes"});
  CHECK(err.find("/var/cpanel/mysql/notes/bob.json") != std::string::npos);
}

TEST_CASE("the database owner index follows the maps", "[mysql]") {
  TempRoot root;
  setup(root);
  // createacct staged the index with the accounts' (empty) maps.
  REQUIRE(root.exists("var/cpanel/whmkit/db_owners"));
  // bob's map was written behind whmkit's back: the stamp tells, the lookup re-reads it.
  auto who = run(root, {"set_mysql_password", "user=bob_app", "password=Pw-1abcdef"}).json();
  CHECK(who["metadata"]["reason"].get<std::string>().find("The MySQL server is not configured") == 0);
  auto none = run(root, {"set_mysql_password", "user=bob_nobody", "password=Pw-1abcdef"}).json();
  CHECK(none["metadata"]["reason"] == "No cPanel user controls a MySQL user named “bob_nobody”.");
  // A damaged index is rebuilt from the maps, never trusted.
  root.write("var/cpanel/whmkit/db_owners", "{garbage");
  who = run(root, {"set_mysql_password", "user=bob_app", "password=Pw-1abcdef"}).json();
  CHECK(who["metadata"]["reason"].get<std::string>().find("The MySQL server is not configured") == 0);
  // Another account cannot take a name the index knows.
  const std::string err = uapi_error(root, "eve", {"Mysql", "create_database", "name=bob_shop"});
  CHECK(!err.empty());
  // A map changed on disk again: its names follow.
  root.write("var/cpanel/databases/bob.json", R"({"version":1})");
  none = run(root, {"set_mysql_password", "user=bob_app", "password=Pw-1abcdef"}).json();
  CHECK(none["metadata"]["reason"] == "No cPanel user controls a MySQL user named “bob_app”.");
}

TEST_CASE("MySQL upgrades: apt only on the real root, the status from the job's files", "[mysql]") {
  TempRoot root;
  test::expect_refused(root, {"start_background_mysql_upgrade", "version=10.11"},
                       "which whmkit does only when the state root is “/”");
  test::expect_refused(root, {"start_background_mysql_upgrade", "version=10"}, "it must contain one decimal");
  test::expect_refused(root, {"background_mysql_upgrade_status", "upgrade_id=../../etc"}, "is not a valid upgrade ID");
  test::expect_refused(root, {"background_mysql_upgrade_status", "upgrade_id=mysql_upgrade.20261202-101010"},
                       "No MySQL upgrade with the ID");
  const std::string dir = "var/cpanel/logs/mysql_upgrade.20261202-101010/";
  root.write(dir + "unattended_background_upgrade.log", "Starting process\nSetting up mariadb-server\n");
  root.write(dir + "whmkit_upgrade.json", R"({"state":"inprogress","package":"mariadb-server","version":"1:10.11.6"})");
  auto j = run(root, {"background_mysql_upgrade_status", "upgrade_id=mysql_upgrade.20261202-101010"}).json();
  REQUIRE(j["metadata"]["result"] == 1);
  CHECK(j["data"] == nlohmann::json({{"error", 0},
                                     {"error_log", ""},
                                     {"log", "Starting process\nSetting up mariadb-server\n"},
                                     {"state", "inprogress"}}));
  root.write(dir + "unattended_background_upgrade_error.log", "E: broken\n");
  root.write(dir + "whmkit_upgrade.json", R"({"state":"failed","exit_status":100})");
  j = run(root, {"background_mysql_upgrade_status", "upgrade_id=mysql_upgrade.20261202-101010"}).json();
  CHECK(j["data"]["state"] == "failed");
  CHECK(j["data"]["error"] == 1);
  CHECK(j["data"]["error_log"] == "E: broken\n");
}

TEST_CASE("update_sql_config writes /etc/my.cnf's sections", "[mysql]") {
  TempRoot root;
  root.write("etc/my.cnf", "# local\n[mysqld]\nmax_connections = 10\nskip-name-resolve\n\n!includedir /etc/my.cnf.d\n");
  auto j = run(root, {"update_sql_config", "name=max-connections", "value=77"}).json();
  REQUIRE(j["metadata"]["result"] == 1);
  CHECK(root.file("etc/my.cnf") ==
        "# local\n[mysqld]\nmax-connections=77\nskip-name-resolve\n\n!includedir /etc/my.cnf.d\n");
  j = run(root, {"update_sql_config", R"(data=[{"name":"max_allowed_packet","section":"mysqld","value":"268435456"},)"
                                      R"({"name":"port","section":"client","value":3307}])"})
          .json();
  REQUIRE(j["metadata"]["result"] == 1);
  CHECK(root.file("etc/my.cnf") ==
        "# local\n[mysqld]\nmax-connections=77\nskip-name-resolve\nmax_allowed_packet=268435456\n\n!includedir "
        "/etc/my.cnf.d\n\n[client]\nport=3307\n");
  test::expect_refused(root, {"update_sql_config", "name=a;b", "value=1"}, "is not a valid option name");
  test::expect_refused(root, {"update_sql_config", "name=port", "value=1\n[client]"}, "control character");
  test::expect_refused(root, {"update_sql_config", "data=[1]"}, "needs a “name” and a “value”");
}

TEST_CASE("remote_mysql_create_profile_via_ssh refuses what it cannot do before logging in", "[mysql]") {
  TempRoot root;
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=127.0.0.1", "port=22", "user=root",
                        "password=secret"},
                       "with an SSH key without a passphrase only");
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=127.0.0.1", "port=22", "user=root"},
                       "You must specify either the “password” or the “sshkey_name” parameter.");
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=127.0.0.1", "port=22", "user=admin",
                        "sshkey_name=id", "root_escalation_method=su"},
                       "whmkit escalates with sudo only");
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=127.0.0.1", "port=22", "user=root",
                        "sshkey_name=../../etc/passwd"},
                       "is not a valid SSH key name.");
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=127.0.0.1", "port=22", "user=root",
                        "sshkey_name=missing"},
                       "The SSH key “missing” does not exist.");
  test::expect_refused(root,
                       {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=db.example.com", "port=22",
                        "user=root", "sshkey_name=id"},
                       "is not a loopback address");
  test::expect_refused(
      root,
      {"remote_mysql_create_profile_via_ssh", "name=Remote", "host=a;b", "port=22", "user=root", "sshkey_name=id"},
      "mysql_host");
  CHECK(!root.exists("var/cpanel/mysql/remote_profiles/profiles.json"));
}
