// UAPI Postgresql, API 2 Postgres and WHM API 1's PostgreSQL functions on a
// temporary root, for everything that needs no server: the restrictions,
// the listings from the DB map, and every refusal that comes before a
// connection (names, prefix, ownership, passwords, credentials, a server
// off loopback). The real server: tests/shell/test_postgresql.sh.
#include <catch2/catch.hpp>

#include "harness.hpp"

using test::api2_data;
using test::create_account;
using test::expect_cpanel_refused;
using test::expect_refused;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

// bob owns bob_shop and bob_blog; bob_app may use bob_shop; bob_ro nothing.
const char* kBobMap =
    R"({"MYSQL":{"dbs":{},"dbusers":{},"noprefix":{},"owner":"bob","server":"localhost"},)"
    R"("PGSQL":{"dbs":{"bob_blog":"localhost","bob_shop":"localhost"},)"
    R"("dbusers":{"bob_app":{"dbs":{"bob_shop":"localhost"},"server":"localhost"},)"
    R"("bob_ro":{"dbs":{},"server":"localhost"}},"noprefix":{},"owner":"bob","server":"localhost"},"version":1})";

void setup(TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "alice", "alice.example");
  root.write("var/cpanel/databases/bob.json", kBobMap);
  // A server nobody listens on: a call that got as far as connecting would fail.
  root.write("root/.pgpass", "127.0.0.1:54329:*:postgres:secret\n");
}

nlohmann::json uapi_data(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}

}  // namespace

TEST_CASE("Postgresql get_restrictions: 63 and 63, the account's prefix", "[postgresql]") {
  TempRoot root;
  setup(root);
  auto d = uapi_data(root, {"Postgresql", "get_restrictions"});
  CHECK(d == nlohmann::json{{"max_database_name_length", 63}, {"max_username_length", 63}, {"prefix", "bob_"}});
  root.write("var/cpanel/cpanel.config", "database_prefix=0\n");
  CHECK(uapi_data(root, {"Postgresql", "get_restrictions"})["prefix"].is_null());
}

TEST_CASE("Postgresql listings come from the DB map", "[postgresql]") {
  TempRoot root;
  setup(root);
  CHECK(uapi_data(root, {"Postgresql", "list_users"}) == nlohmann::json{"bob_app", "bob_ro"});
  // Without the disk_usage column the server is not asked.
  auto dbs = uapi_data(root, {"Postgresql", "list_databases", "api.columns_1=database", "api.columns_2=users"});
  CHECK(dbs ==
        nlohmann::json::parse(R"([{"database":"bob_blog","users":[]},{"database":"bob_shop","users":["bob_app"]}])"));
  // With it, the server is asked: here it is down, and the call says so.
  auto r = run_cpanel(root, "uapi", "bob", {"Postgresql", "list_databases"});
  CHECK(test::cpanel_error(r.json()).find("The system failed to connect to the PostgreSQL server “127.0.0.1”") !=
        std::string::npos);
  // alice has no map: empty lists, no server needed.
  CHECK(uapi_ok(root, "alice", {"Postgresql", "list_databases"})["result"]["data"] == nlohmann::json::array());
  CHECK(api2_data(root, "bob", {"Postgres", "listusersindb", "db=bob_shop"}) ==
        nlohmann::json::parse(R"([{"db":"bob_shop","user":"bob_app"}])"));
  CHECK(api2_data(root, "bob", {"Postgres", "listusers"}) ==
        nlohmann::json::parse(R"([{"dblist":[{"db":"bob_shop","user":"bob_app"}],"user":"bob_app"},)"
                              R"({"dblist":[],"user":"bob_ro"}])"));
  CHECK(api2_data(root, "bob", {"Postgres", "userexists", "user=bob_app"}) ==
        nlohmann::json::parse(R"([{"userexists":1}])"));
  CHECK(api2_data(root, "bob", {"Postgres", "userexists", "user=alice_x"}) ==
        nlohmann::json::parse(R"([{"userexists":0}])"));
  // update_privileges with nothing on the server side to do for alice.
  uapi_ok(root, "alice", {"Postgresql", "update_privileges"});
}

TEST_CASE("Postgresql refuses bad names before touching the server or a file", "[postgresql]") {
  TempRoot root;
  setup(root);
  for (const std::string name : {"x'y", "x\"y", "x`y", "a/b", "caf\xc3\xa9"})
    expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_database", "name=" + name}, "");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_database", "name=x%27y"},
                        "does not allow quote characters");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_database", "name=" + std::string(70, 'a')},
                        "A PostgreSQL database name cannot exceed 63 characters.");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_user", "name=a-b.c", "password=Str0ng!Pass#word9"},
                        "");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_user", "name=app2", "password=abc"},
                        "The given password is too weak");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_user", "name=a%0Ab", "password=Str0ng!Pass#word9"},
                        "");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_user", "name=a%00b", "password=Str0ng!Pass#word9"},
                        "");
}

TEST_CASE("Postgresql refuses what the account does not own", "[postgresql]") {
  TempRoot root;
  setup(root);
  expect_cpanel_refused(root, "uapi", "alice", {"Postgresql", "delete_database", "name=bob_shop"},
                        "The system user “alice” does not control a PostgreSQL database named “bob_shop”.");
  expect_cpanel_refused(root, "uapi", "alice", {"Postgresql", "delete_user", "name=bob_app"},
                        "does not control a PostgreSQL user named “bob_app”");
  expect_cpanel_refused(root, "uapi", "alice",
                        {"Postgresql", "grant_all_privileges", "database=bob_shop", "user=bob_app"},
                        "does not control a PostgreSQL database named “bob_shop”");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "revoke_all_privileges", "database=bob_shop", "user=x"},
                        "does not control a PostgreSQL user named “x”");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "delete_user", "name=postgres"},
                        "does not control a PostgreSQL user named “postgres”");
  expect_cpanel_refused(root, "uapi", "alice",
                        {"Postgresql", "set_password", "user=bob_app", "password=Str0ng!Pass#word9"},
                        "does not control");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "rename_database", "oldname=bob_shop", "newname=bob_shop"},
                        "The “oldname” and “newname” parameters cannot be the same value.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Postgresql", "rename_database", "oldname=bob_shop", "newname=alice_shop"}, "bob_");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Postgresql", "rename_user_no_password", "oldname=bob_none", "newname=bob_other"},
                        "does not control a PostgreSQL user named “bob_none”");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "rename_user", "oldname=bob_app", "newname=bob_web"},
                        "password");
}

TEST_CASE("WHM PostgreSQL functions find the owner through the DB maps", "[postgresql]") {
  TempRoot root;
  setup(root);
  expect_refused(root, {"set_postgresql_password", "user=nobody_x", "password=Str0ng!Pass#word9"},
                 "You do not control a PostgreSQL user named “nobody_x”.");
  expect_refused(root, {"rename_postgresql_database", "oldname=nobody_db", "newname=nobody_db2"},
                 "You do not control a PostgreSQL database named “nobody_db”.");
  expect_refused(root, {"rename_postgresql_database", "cpuser=alice", "oldname=bob_shop", "newname=alice_shop"},
                 "The system user “alice” does not control a PostgreSQL database named “bob_shop”.");
  expect_refused(root, {"rename_postgresql_user", "oldname=bob_app", "newname=bob_web", "password=abc"},
                 "The given password is too weak");
  // Found in bob's map, then the server is asked: it is down here.
  expect_refused(root, {"set_postgresql_password", "user=bob_app", "password=Str0ng!Pass#word9"},
                 "The system failed to connect to the PostgreSQL server");
}

TEST_CASE("Postgresql credentials: missing, and a server off loopback", "[postgresql]") {
  TempRoot root;
  setup(root);
  root.write("root/.pgpass", "");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_database", "name=new"},
                        "The PostgreSQL superuser’s credentials (/root/.pgpass) are missing.");
  root.write("root/.pgpass", "# comment\n192.0.2.7:5432:*:postgres:se\\:cret\n");
  expect_cpanel_refused(root, "uapi", "bob", {"Postgresql", "create_database", "name=new"},
                        "The PostgreSQL server “192.0.2.7” is not on this machine");
}

TEST_CASE("accounts without PostgreSQL objects never reach the server", "[postgresql]") {
  TempRoot root;
  root.write("root/.pgpass", "127.0.0.1:54329:*:postgres:secret\n");
  create_account(root, "carol", "carol.example");
  run_ok(root, {"suspendacct", "user=carol"});
  run_ok(root, {"unsuspendacct", "user=carol"});
  run_ok(root, {"removeacct", "user=carol"});
}
