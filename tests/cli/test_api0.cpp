// WHM API 0 (lib/api/api0.hpp): for the state a real server's recording
// describes, our API 0 body is the body that server sent (same keys in the
// same order, same value types, same wording). The recorded bodies are in
// tests/data/api0/ (see the README there); the calls run in this process
// through run_call_for_json, as whmkitd runs them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "api0.hpp"
#include "harness.hpp"

using test::create_account;
using test::run_ok;
using test::TempRoot;
using Body = nlohmann::ordered_json;

namespace {

struct RecordedBody {
  std::string function;
  std::vector<std::pair<std::string, std::string>> params;
  std::string body;  // exactly as the server sent it
};

std::vector<RecordedBody> load_bodies(const std::string& name) {
  std::ifstream in(std::string(API0_DATA_DIR) + "/" + name + ".json");
  REQUIRE(in);
  const nlohmann::json file = nlohmann::json::parse(in);
  std::vector<RecordedBody> out;
  for (const auto& c : file.at("calls")) {
    RecordedBody b{c.at("function"), {}, c.at("body")};
    for (const auto& [k, v] : c.at("params").items()) b.params.emplace_back(k, v.get<std::string>());
    out.push_back(b);
  }
  return out;
}

// The call as whmkitd makes it for /json-api/<function>?<params> without api.version=1.
std::string api0(const TempRoot& root, const RecordedBody& call, whm::OutputFormat fmt = whm::OutputFormat::Json,
                 const std::string& caller = "root") {
  whm::Request req;
  req.function = call.function;
  for (const auto& [k, v] : call.params) req.args[k].push_back(v);
  whm::Call c;
  c.request = req;
  c.caller = caller;
  return whm::run_api0_call(whm::StateRoot(root.path), c, fmt).body;
}

// The recorded server's clock was in America/Chicago ("10 Dec 16 09:59" for
// 1292515153); the in-process calls format dates in this process's zone.
struct ChicagoTime {
  std::string saved;
  bool had = false;
  ChicagoTime() {
    if (const char* tz = std::getenv("TZ")) saved = tz, had = true;
    setenv("TZ", "America/Chicago", 1);
    tzset();
  }
  ~ChicagoTime() {
    if (had)
      setenv("TZ", saved.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
};

// Sets KEY=VALUE lines of a cpuser file (an empty value removes the key: the
// recorded server's older accounts had no MAXADDON or MAXPARK line).
void set_cpuser(const TempRoot& root, const std::string& user, const std::map<std::string, std::string>& values) {
  const std::string rel = "var/cpanel/users/" + user;
  std::istringstream in(root.file(rel));
  std::string out, line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos && values.count(line.substr(0, eq))) continue;
    out += line + "\n";
  }
  for (const auto& [k, v] : values)
    if (!v.empty()) out += k + "=" + v + "\n";
  root.write(rel, out);
}

void set_shell(const TempRoot& root, const std::string& user, const std::string& shell) {
  std::istringstream in(root.file("etc/passwd"));
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind(user + ":", 0) == 0) line = line.substr(0, line.rfind(':') + 1) + shell;
    out += line + "\n";
  }
  root.write("etc/passwd", out);
}

// The account a recorded listaccts/accountsummary item describes.
void create_recorded_account(const TempRoot& root, const nlohmann::json& item) {
  const std::string user = item["user"];
  std::vector<std::string> extra;
  if (item["owner"] == user) extra.push_back("ownerself=1");
  create_account(root, user, item["domain"], extra);
  auto limit = [](const nlohmann::json& v) { return v == "*unknown*" ? std::string() : v.get<std::string>(); };
  const std::string disk = item["disklimit"];
  set_cpuser(root, user,
             {{"STARTDATE", item["unix_startdate"]},
              {"PLAN", item["plan"]},
              {"RS", item["theme"]},
              {"IP", item["ip"]},
              {"OWNER", item["owner"]},
              {"CONTACTEMAIL", item["email"] == "*unknown*" ? "" : item["email"].get<std::string>()},
              {"DISK_BLOCK_LIMIT", disk == "unlimited" ? "0" : std::to_string(std::stoll(disk) * 1024)},
              {"MAXADDON", limit(item["maxaddons"])},
              {"MAXPARK", limit(item["maxparked"])},
              {"MAXPOP", limit(item["maxpop"])},
              {"MAXLST", limit(item["maxlst"])},
              {"MAXSUB", limit(item["maxsub"])},
              {"MAXSQL", limit(item["maxsql"])},
              {"MAXFTP", limit(item["maxftp"])}});
  set_shell(root, user, item["shell"]);
}

// A body with its account list in user order: the recorded server listed
// accounts in Perl's hash order, which no state reproduces; we list them by
// name. Everything else, key order included, is compared as sent.
Body by_user(Body body, const char* list_key) {
  if (body.contains(list_key) && body[list_key].is_array())
    std::sort(body[list_key].begin(), body[list_key].end(),
              [](const Body& a, const Body& b) { return a["user"].get<std::string>() < b["user"].get<std::string>(); });
  return body;
}

void expect_same_body(const std::string& ours, const std::string& recorded, const char* list_key) {
  INFO("ours:     " << ours << "\nrecorded: " << recorded);
  const Body mine = by_user(Body::parse(ours), list_key), theirs = by_user(Body::parse(recorded), list_key);
  CHECK(mine.dump() == theirs.dump());  // dump: key order counts
}

Body with_ip(Body body, const char* list_key, const std::string& ip) {
  for (auto& item : body[list_key]) item["ip"] = ip;
  return body;
}

}  // namespace

TEST_CASE("API 0 listaccts answers as the recorded server did", "[api0][recordings]") {
  ChicagoTime tz;
  TempRoot root;
  const auto calls = load_bodies("listaccts");
  REQUIRE(calls.size() == 7);
  const Body everyone = Body::parse(calls[0].body)["acct"];
  for (const auto& item : everyone) create_recorded_account(root, item);

  SECTION("the searches on domains and users, and a search without a type (every account)") {
    for (size_t i : {0, 1, 2, 4, 6}) {
      INFO("recorded call " << i);
      expect_same_body(api0(root, calls[i]), calls[i].body, "acct");
    }
  }
  SECTION("the searches on addresses") {
    // The cassette redacted every address to 192.1.2.3, but only six
    // accounts matched: the other four had another one (any will do).
    std::set<std::string> matched;
    const Body by_address = Body::parse(calls[3].body)["acct"];
    for (const auto& item : by_address) matched.insert(item["user"].get<std::string>());
    REQUIRE(matched.size() == 6);
    for (const auto& item : everyone)
      if (!matched.count(item["user"])) set_cpuser(root, item["user"], {{"IP", "192.0.2.44"}});
    expect_same_body(api0(root, calls[3]), calls[3].body, "acct");

    // The regular expression 192\..*?\.1\.20 names the unredacted address,
    // 192.168.1.20 (the same server's accountsummary for changeme in
    // lumberg-account-functions.json).
    for (const auto& user : matched) set_cpuser(root, user, {{"IP", "192.168.1.20"}});
    const std::string expected = with_ip(Body::parse(calls[5].body), "acct", "192.168.1.20").dump();
    expect_same_body(api0(root, calls[5]), expected, "acct");
  }
}

TEST_CASE("API 0 accountsummary and its error answer as the recorded server did", "[api0][recordings]") {
  ChicagoTime tz;
  TempRoot root;
  const auto calls = load_bodies("accountsummary");
  REQUIRE(calls.size() == 2);
  create_recorded_account(root, Body::parse(calls[0].body)["acct"][0]);
  expect_same_body(api0(root, calls[0]), calls[0].body, "acct");
  CHECK(api0(root, calls[1]) == calls[1].body);  // {"status":0,"statusmsg":"Account does not exist","acct":null}
}

TEST_CASE("API 0 listsuspended answers as the recorded server did", "[api0][recordings]") {
  ChicagoTime tz;
  TempRoot root;
  const auto calls = load_bodies("listsuspended");
  REQUIRE(calls.size() == 2);
  CHECK(api0(root, calls[0]) == calls[0].body);  // no account suspended: {"status":1,"statusmsg":"Ok","accts":[]}

  // The second recording: removeme suspended without a reason at 1298564189.
  const Body recorded = Body::parse(calls[1].body)["accts"][0];
  create_account(root, recorded["user"], "removeme.com");
  run_ok(root, {"suspendacct", "user=removeme"});
  set_cpuser(root, "removeme", {{"SUSPENDTIME", recorded["unixtime"]}});
  CHECK(api0(root, calls[1]) == calls[1].body);
}

namespace {

const RecordedBody& first_call(const std::vector<RecordedBody>& calls, const std::string& function) {
  auto it = std::find_if(calls.begin(), calls.end(), [&](const RecordedBody& c) { return c.function == function; });
  REQUIRE(it != calls.end());
  return *it;
}

const RecordedBody& lumberg(const std::vector<RecordedBody>& calls, const std::string& function,
                            const std::string& user_param) {
  for (const auto& c : calls)
    for (const auto& [k, v] : c.params)
      if (c.function == function && (k == "user" || k == "username" || k == "domain") && v == user_param) return c;
  FAIL("no recorded " << function << " for " << user_param);
  throw std::logic_error("unreachable");
}

// The same keys in the same order with the same types, all the way down
// (an array: its first item), except below the paths in `free` (an object
// whose keys describe the recorded server's own state, e.g. a cpuser file).
void expect_same_shape(const Body& recorded, const Body& ours, const std::string& path = "",
                       const std::set<std::string>& free = {}) {
  INFO(path << ": recorded " << recorded.dump() << "\nours " << ours.dump());
  REQUIRE(recorded.type_name() == std::string(ours.type_name()));
  if (free.count(path)) return;
  if (recorded.is_object()) {
    std::vector<std::string> theirs, mine;
    for (auto it = recorded.begin(); it != recorded.end(); ++it) theirs.push_back(it.key());
    for (auto it = ours.begin(); it != ours.end(); ++it) mine.push_back(it.key());
    REQUIRE(mine == theirs);
    for (const auto& k : theirs) expect_same_shape(recorded[k], ours[k], path + "/" + k, free);
  } else if (recorded.is_array() && !recorded.empty() && !ours.empty()) {
    expect_same_shape(recorded[0], ours[0], path + "/0", free);
  }
}

}  // namespace

TEST_CASE("API 0 account actions answer in the recorded servers' shapes and words", "[api0][recordings]") {
  ChicagoTime tz;
  TempRoot root;
  const auto calls = load_bodies("lumberg-account-functions");
  root.write("etc/wwwacct.conf", "ADDR 192.1.2.3\nNS dns.example.com\nNS2 dns2.example.com\n");

  SECTION("an account that does not exist, in API 0's own words") {
    for (const auto& [fn, user] :
         std::vector<std::pair<std::string, std::string>>{{"suspendacct", "notexists"},
                                                          {"unsuspendacct", "notexists"},
                                                          {"passwd", "dontchangeme"},
                                                          {"changepackage", "notexists"},
                                                          {"modifyacct", "notexists"},
                                                          {"domainuserdata", "notexists.com"}}) {
      const auto& call = lumberg(calls, fn, user);
      CHECK(api0(root, call) == call.body);
    }
  }

  SECTION("createacct: the options in the recorded order, the progress text as rawout") {
    const auto& ok = lumberg(calls, "createacct", "valid");
    const std::string ours = api0(root, ok);
    expect_same_shape(Body::parse(ok.body), Body::parse(ours));
    CHECK(Body::parse(ours)["result"][0]["statusmsg"] == "Account Creation Ok");
    CHECK(Body::parse(ours)["result"][0]["options"]["nameserver"] == "dns.example.com");
    CHECK(root.exists("var/cpanel/users/valid"));

    // Refused (the name is taken now): our reason, in the recorded shape.
    const auto& refused = lumberg(calls, "createacct", "invalid");
    RecordedBody again = refused;
    for (auto& [k, v] : again.params)
      if (k == "username") v = "valid";
    const auto before = test::snapshot(root);
    const Body answer = Body::parse(api0(root, again));
    expect_same_shape(Body::parse(refused.body), answer);
    CHECK(answer["result"][0]["status"] == 0);
    CHECK(test::snapshot(root) == before);
  }

  SECTION("passwd (API 0's \"pass\"), limitbw, changepackage, modifyacct, accountsummary on changeme") {
    const Body summary = Body::parse(lumberg(calls, "accountsummary", "changeme").body);
    create_recorded_account(root, summary["acct"][0]);
    expect_same_body(api0(root, lumberg(calls, "accountsummary", "changeme")),
                     lumberg(calls, "accountsummary", "changeme").body, "acct");

    // The recorded password ("superpass") is below our default strength rule: a strong one.
    RecordedBody pw = lumberg(calls, "passwd", "changeme");
    for (auto& [k, v] : pw.params)
      if (k == "pass") v = "Xq7-lumberg-Wv93";
    const Body pw_answer = Body::parse(api0(root, pw));
    expect_same_shape(Body::parse(pw.body), pw_answer);
    CHECK(pw_answer["passwd"][0]["statusmsg"] == "Password changed for user changeme");
    CHECK(pw_answer["passwd"][0]["services"][0] == Body{{"app", "system"}});

    const auto& bw = lumberg(calls, "limitbw", "changeme");
    Body bw_answer = Body::parse(api0(root, bw));
    expect_same_shape(Body::parse(bw.body), bw_answer);
    // bwlimitenable: WHM API 1's value (1: a limit is set); the 11.28 server said 0.
    bw_answer["result"][0]["bwlimit"]["bwlimitenable"] = 0;
    CHECK(bw_answer.dump() == Body::parse(bw.body).dump());

    run_ok(root, {"addpkg", "name=gold"});
    const Body pkg = Body::parse(api0(root, {"changepackage", {{"user", "changeme"}, {"pkg", "gold"}}, ""}));
    CHECK(pkg["result"][0]["status"] == 1);
    CHECK(pkg["result"][0]["statusmsg"] == "Account Upgrade/Downgrade Complete for changeme");
    CHECK(pkg["result"][0]["rawout"].is_string());

    const auto& modify = lumberg(calls, "modifyacct", "changeme");
    const Body modified = Body::parse(api0(root, modify));
    expect_same_shape(Body::parse(modify.body), modified, "", {"/result/0/newcfg/cpuser"});
    CHECK(modified["result"][0]["newcfg"]["domain"] == "example.com");
  }

  SECTION("version and listresellers") {
    expect_same_shape(Body::parse(first_call(calls, "version").body), Body::parse(api0(root, {"version", {}, ""})));
    for (const char* user : {"bob", "ted"}) {
      create_account(root, user, std::string(user) + ".example");
      run_ok(root, {"setupreseller", std::string("user=") + user});
    }
    const auto& resellers = first_call(calls, "listresellers");
    CHECK(Body::parse(api0(root, resellers)) == Body::parse(resellers.body));
  }
}

TEST_CASE("API 0 in XML: the function's name is the root element", "[api0]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string list = api0(root, {"listaccts", {}, ""}, whm::OutputFormat::Xml);
  CHECK(list.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<listaccts><acct>", 0) == 0);
  CHECK(list.find("<user>bob</user>") != std::string::npos);
  CHECK(list.find("</acct><status>1</status><statusmsg>Ok</statusmsg></listaccts>") != std::string::npos);

  const std::string suspended =
      api0(root, {"suspendacct", {{"user", "bob"}, {"reason", "a <b> & c"}}, ""}, whm::OutputFormat::Xml);
  CHECK(suspended.find("<suspendacct><result><status>1</status><statusmsg>") != std::string::npos);
  CHECK(root.file("var/cpanel/suspended/bob").find("a <b> & c") != std::string::npos);
}

TEST_CASE("API 0: every other function gets the generic shape", "[api0]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const Body count = Body::parse(api0(root, {"get_current_users_count", {}, ""}));
  CHECK(count.dump() == R"({"result":[{"status":1,"statusmsg":"OK"}],"users":1})");

  // A failure: status 0 and WHM API 1's reason; nothing changed.
  const auto before = test::snapshot(root);
  const Body refused = Body::parse(api0(root, {"removeacct", {{"user", "nobody-here"}}, ""}));
  CHECK(refused["result"][0]["status"] == 0);
  CHECK(refused["result"][0]["statusmsg"].get<std::string>().find("nobody-here") != std::string::npos);
  CHECK(refused["result"][0]["rawout"].is_null());
  CHECK(test::snapshot(root) == before);
}

TEST_CASE("API 0 tells only a caller who sees every account that one does not exist", "[api0]") {
  TempRoot root;
  create_account(root, "res", "res.example");
  REQUIRE(test::run(root, {"setupreseller", "user=res", "makeowner=1"}).status == 0);
  REQUIRE(test::run(root, {"setacls", "reseller=res", "acl-list-accts=1", "acl-suspend-acct=1"}).status == 0);
  const Body summary =
      Body::parse(api0(root, {"accountsummary", {{"user", "ghost"}}, ""}, whm::OutputFormat::Json, "res"));
  CHECK(summary["status"] == 0);
  CHECK(summary["statusmsg"] != "Account does not exist");
  const Body suspend =
      Body::parse(api0(root, {"suspendacct", {{"user", "ghost"}}, ""}, whm::OutputFormat::Json, "res"));
  CHECK(suspend["result"][0]["statusmsg"].get<std::string>().find("does not own") != std::string::npos);
  // root is told.
  CHECK(Body::parse(api0(root, {"accountsummary", {{"user", "ghost"}}, ""}))["statusmsg"] == "Account does not exist");
}
