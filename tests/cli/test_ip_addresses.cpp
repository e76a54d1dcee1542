// IP Address Management on a temporary root: the server's IPv4 addresses,
// moving an account, createacct ip=y, 1:1 NAT (the myip service is a
// one-shot HTTP server on loopback here), IPv6 ranges and accounts. The
// addresses brought up and down on a real interface: tests/shell/test_ips.sh.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

// A server with the main IP 192.0.2.10 and two added addresses.
void server_with_ips(const TempRoot& root) {
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nETHDEV eth0\n");
  root.write("var/cpanel/mainip", "192.0.2.10");
  root.write("etc/ips", "192.0.2.11:255.255.255.0:192.0.2.255\n192.0.2.12:255.255.255.0:192.0.2.255\n");
}

nlohmann::json summary(const TempRoot& root, const std::string& user) {
  auto j = run_ok(root, {"accountsummary", "user=" + user});
  return j["data"]["acct"][0];
}

nlohmann::json listed(const TempRoot& root, const std::string& ip) {
  auto j = run_ok(root, {"listips"});
  const auto list = j["data"]["ip"];
  for (const auto& entry : list)
    if (entry["ip"] == ip) return entry;
  return nullptr;
}

// Answers one HTTP request with `body`, on a loopback port of its own.
struct OneShotHttpServer {
  int fd = -1;
  int port = 0;
  std::string request;
  std::thread thread;
  explicit OneShotHttpServer(std::string body) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    REQUIRE(::listen(fd, 1) == 0);
    thread = std::thread([this, body] {
      int c = ::accept(fd, nullptr, nullptr);
      if (c < 0) return;
      char buf[2048];
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n > 0) request.assign(buf, static_cast<size_t>(n));
      std::string answer =
          "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
          body;
      (void)!::write(c, answer.data(), answer.size());
      ::close(c);
    });
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1.0/"; }
  ~OneShotHttpServer() {
    ::shutdown(fd, SHUT_RDWR);
    if (thread.joinable()) thread.join();
    ::close(fd);
  }
};

RunResult run_with_myip(const TempRoot& root, const std::string& url, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path, "--output=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, {{"WHMKIT_MYIP_URL", url}});
}

}  // namespace

TEST_CASE("listips lists the main IP and etc/ips with their use", "[ip_addresses][listips]") {
  TempRoot root;
  server_with_ips(root);
  auto main = listed(root, "192.0.2.10");
  CHECK(main["mainaddr"] == 1);
  CHECK(main["used"] == 1);
  CHECK(main["removable"] == 0);
  CHECK(main["if"] == "eth0");
  auto extra = listed(root, "192.0.2.11");
  CHECK(extra == nlohmann::json{{"active", 1},
                                {"dedicated", 0},
                                {"if", "eth0"},
                                {"ip", "192.0.2.11"},
                                {"mainaddr", 0},
                                {"netmask", "255.255.255.0"},
                                {"network", "192.0.2.0"},
                                {"public_ip", "192.0.2.11"},
                                {"removable", 1},
                                {"used", 0}});
}

TEST_CASE("addips adds addresses and rebuilds the pool; bad input changes nothing", "[ip_addresses][addips]") {
  TempRoot root;
  server_with_ips(root);
  auto j = run_ok(root, {"addips", "ips=192.0.2.20", "netmask=255.255.255.0"});
  CHECK(j["metadata"]["reason"] == "Success");
  CHECK(j["metadata"]["output"]["messages"] ==
        nlohmann::json::array({"192.0.2.20/255.255.255.0 broadcast 192.0.2.255 has been added."}));
  CHECK(root.file("etc/ips") ==
        "192.0.2.11:255.255.255.0:192.0.2.255\n192.0.2.12:255.255.255.0:192.0.2.255\n"
        "192.0.2.20:255.255.255.0:192.0.2.255\n");
  CHECK(root.file("etc/ipaddrpool") == "192.0.2.11\n192.0.2.12\n192.0.2.20\n");

  // A /29 block: its six host addresses, less the excluded one.
  run_ok(root, {"addips", "ips=198.51.100.0/29", "netmask=255.255.255.248", "excludes=198.51.100.3"});
  CHECK_THAT(root.file("etc/ips"), Contains("198.51.100.1:255.255.255.248:198.51.100.7\n"
                                            "198.51.100.2:255.255.255.248:198.51.100.7\n"
                                            "198.51.100.4:255.255.255.248:198.51.100.7\n"));
  CHECK(root.file("etc/ips").find("198.51.100.3") == std::string::npos);
  CHECK(root.file("etc/ips").find("198.51.100.7:") == std::string::npos);

  expect_refused(root, {"addips", "ips=192.0.2.10", "netmask=255.255.255.0"}, "main IP address");
  expect_refused(root, {"addips", "ips=192.0.2.20", "netmask=255.255.255.0"}, "already one of this server's");
  expect_refused(root, {"addips", "ips=192.0.2.30", "netmask=255.0.255.0"}, "not an IPv4 netmask");
  expect_refused(root, {"addips", "ips=192.0.2.30", "netmask=nonsense"}, "“netmask”");
  expect_refused(root, {"addips", "ips=192.0.2.0/20", "netmask=255.255.255.0"}, "from 24 through 30");
  expect_refused(root, {"addips", "ips=192.0.2.300", "netmask=255.255.255.0"}, "“ips”");
}

TEST_CASE("delip removes an unused address; the main and used ones stay", "[ip_addresses][delip]") {
  TempRoot root;
  server_with_ips(root);
  create_account(root, "bob", "bob.example");
  run_ok(root, {"setsiteip", "user=bob", "ip=192.0.2.12"});
  auto j = run_ok(root, {"delip", "ip=192.0.2.11"});
  CHECK(j["metadata"]["result"] == 1);
  CHECK(j["metadata"]["reason"] == "192.0.2.11 has been removed");
  CHECK(root.file("etc/ips") == "192.0.2.12:255.255.255.0:192.0.2.255\n");
  CHECK(root.file("etc/ipaddrpool") == "");
  expect_refused(root, {"delip", "ip=192.0.2.12"}, "in use by the account “bob”");
  expect_refused(root, {"delip", "ip=192.0.2.10"}, "main IP address");
  expect_refused(root, {"delip", "ip=203.0.113.5"}, "not one of this server's added IP addresses");
  expect_refused(root, {"delip", "ip=192.0.2.12", "ethernetdev=../x"}, "“ethernetdev”");
}

TEST_CASE("get_shared_ip gives the server's or a reseller's shared IP", "[ip_addresses][get_shared_ip]") {
  TempRoot root;
  server_with_ips(root);
  CHECK(run_ok(root, {"get_shared_ip"})["data"] == nlohmann::json{{"ip", "192.0.2.10"}});
  create_account(root, "res", "res.example", {"reseller=1"});
  run_ok(root, {"setresellermainip", "user=res", "ip=192.0.2.11"});
  CHECK(run_ok(root, {"get_shared_ip", "user=res"})["data"]["ip"] == "192.0.2.11");
  expect_refused(root, {"get_shared_ip", "user=../x"}, "");
}

TEST_CASE("setsiteip moves an account's files, lookups and A records in one change", "[ip_addresses][setsiteip]") {
  TempRoot root;
  server_with_ips(root);
  create_account(root, "bob", "bob.example");
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=other", "type=A", "address=198.51.100.9"});
  run_ok(root, {"setsiteip", "domain=bob.example", "ip=192.0.2.11"});

  CHECK(summary(root, "bob")["ip"] == "192.0.2.11");
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nIP=192.0.2.11\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"), Contains("ip: 192.0.2.11"));
  CHECK_THAT(root.file("etc/userdatadomains"), Contains("==192.0.2.11:80==192.0.2.11:443=="));
  CHECK_THAT(root.file("etc/userips"), Contains("bob: 192.0.2.11\n"));
  CHECK(root.file("etc/domainips") == "#domainips v1\n192.0.2.11: bob.example\n");
  CHECK(root.file("etc/ipaddrpool") == "192.0.2.12\n");
  const std::string zone = root.file("var/named/bob.example.db");
  CHECK_THAT(zone, Contains("192.0.2.11"));
  CHECK(zone.find("192.0.2.10") == std::string::npos);
  CHECK_THAT(zone, Contains("198.51.100.9"));  // a record that pointed elsewhere stays
  CHECK(listed(root, "192.0.2.11")["dedicated"] == 1);
  CHECK(listed(root, "192.0.2.11")["removable"] == 0);

  // Back to the shared IP: the address returns to the pool.
  create_account(root, "carol", "carol.example");
  expect_refused(root, {"setsiteip", "user=carol", "ip=192.0.2.11"}, "dedicated IP address of the account “bob”");
  expect_refused(root, {"setsiteip", "user=carol", "ip=203.0.113.1"}, "not one of this server's IP addresses");
  expect_refused(root, {"setsiteip", "user=nobody1", "ip=192.0.2.12"}, "nobody1");
  expect_refused(root, {"setsiteip", "ip=192.0.2.12"}, "“user” or “domain”");
  expect_refused(root, {"setsiteip", "user=carol", "ip=bad"}, "“ip”");
  run_ok(root, {"setsiteip", "user=bob", "ip=192.0.2.10"});
  CHECK(root.file("etc/domainips") == "#domainips v1\n");
  CHECK(root.file("etc/ipaddrpool") == "192.0.2.11\n192.0.2.12\n");
  expect_check_clean(root);
}

TEST_CASE("createacct ip=y takes a free address from the pool", "[ip_addresses][createacct]") {
  TempRoot root;
  server_with_ips(root);
  auto j = create_account(root, "bob", "bob.example", {"ip=y"});
  CHECK(j["data"]["ip"] == "192.0.2.11");
  CHECK(summary(root, "bob")["ip"] == "192.0.2.11");
  CHECK(root.file("etc/ipaddrpool") == "192.0.2.12\n");
  CHECK(root.file("etc/domainips") == "#domainips v1\n192.0.2.11: bob.example\n");
  create_account(root, "carol", "carol.example", {"ip=y"});
  CHECK(summary(root, "carol")["ip"] == "192.0.2.12");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "ip=y"},
                 "no IP address in the pool is free");
  expect_check_clean(root);
  // Removing an account gives its dedicated IP back to the pool.
  run_ok(root, {"removeacct", "username=bob"});
  CHECK(root.file("etc/ipaddrpool") == "192.0.2.11\n");
  CHECK(root.file("etc/domainips") == "#domainips v1\n192.0.2.12: carol.example\n");
  CHECK(create_account(root, "dave", "dave.example", {"ip=y"})["data"]["ip"] == "192.0.2.11");
  expect_check_clean(root);
}

TEST_CASE("NAT: nat_set_public_ip, get_public_ip and nat_checkip", "[ip_addresses][nat]") {
  TempRoot root;
  server_with_ips(root);
  run_ok(root, {"nat_set_public_ip", "local_ip=192.0.2.11", "public_ip=203.0.113.11"});
  CHECK(root.file("var/cpanel/cpnat") == "192.0.2.11 203.0.113.11\n");
  CHECK(run_ok(root, {"get_public_ip", "ip=192.0.2.11"})["data"] == nlohmann::json{{"public_ip", "203.0.113.11"}});
  CHECK(listed(root, "192.0.2.11")["public_ip"] == "203.0.113.11");
  expect_refused(root, {"nat_set_public_ip", "local_ip=203.0.113.1", "public_ip=203.0.113.11"},
                 "not one of this server's IP addresses");
  expect_refused(root, {"nat_set_public_ip", "local_ip=192.0.2.11", "public_ip=x"}, "“public_ip”");

  {  // An address without a NAT entry: the myip service says what the world sees.
    OneShotHttpServer myip("203.0.113.12\n");
    auto r = run_with_myip(root, myip.url(), {"get_public_ip", "ip=192.0.2.12"});
    REQUIRE(r.status == 0);
    CHECK(r.json()["data"] == nlohmann::json{{"public_ip", "203.0.113.12"}});
  }
  {
    OneShotHttpServer myip("203.0.113.10");
    auto r = run_with_myip(root, myip.url(), {"nat_checkip", "ip=192.0.2.10"});
    CHECK(r.json()["data"] == nlohmann::json{{"checked_ip", "203.0.113.10"}});
    CHECK_THAT(myip.request, Contains("GET /v1.0/ HTTP/1.1"));
  }
  {
    OneShotHttpServer myip("<html>not an address</html>");
    auto r = run_with_myip(root, myip.url(), {"nat_checkip", "ip=192.0.2.10"});
    CHECK(r.json()["metadata"]["result"] == 0);
    CHECK_THAT(r.json()["metadata"]["reason"].get<std::string>(), Contains("did not answer with an IPv4 address"));
  }
  auto down = run_with_myip(root, "http://127.0.0.1:1/", {"nat_checkip", "ip=192.0.2.10"});
  CHECK(down.json()["metadata"]["result"] == 0);
  CHECK_THAT(down.json()["metadata"]["reason"].get<std::string>(), Contains("could not ask"));
}

TEST_CASE("IPv6 ranges: add, list, edit, usage, remove", "[ip_addresses][ipv6]") {
  TempRoot root;
  server_with_ips(root);
  run_ok(root, {"ipv6_range_add", "name=Block", "range=2001:db8:66ac:cafe::/64", "note=Initial pool"});
  run_ok(root, {"ipv6_range_add", "name=Reserved", "range=2001:db8:66ac:cafe::/120", "enabled=0"});
  CHECK_THAT(root.file("etc/cpanel/ipv6/range_allocation_data"),
             Contains("first: 2001:0db8:66ac:cafe:0000:0000:0000:0000"));
  auto j = run_ok(root, {"ipv6_range_list"});
  const auto ranges = j["data"]["range"];
  REQUIRE(ranges.size() == 2);
  CHECK(ranges[0] == nlohmann::json{{"CIDR", "2001:db8:66ac:cafe::/64"},
                                    {"enabled", 1},
                                    {"first", "2001:0db8:66ac:cafe:0000:0000:0000:0000"},
                                    {"last", "2001:0db8:66ac:cafe:ffff:ffff:ffff:ffff"},
                                    {"mostrecent", nullptr},
                                    {"name", "Block"},
                                    {"note", "Initial pool"},
                                    {"owner", "root"},
                                    {"range_users", nlohmann::json::array()},
                                    {"reclaimed", nlohmann::json::array()}});
  CHECK(ranges[1]["enabled"] == 0);
  auto usage = run_ok(root, {"ipv6_range_usage", "name=Block"})["data"]["usage"];
  CHECK(usage == nlohmann::json{{"forbidden", 256}, {"free", 18446744073709551360ULL}, {"used", 0}});

  run_ok(root, {"ipv6_range_edit", "name=Block", "new_name=Hosting", "note=Renamed"});
  auto edited = run_ok(root, {"ipv6_range_list"});
  CHECK(edited["data"]["range"][0]["name"] == "Hosting");
  CHECK(edited["data"]["range"][0]["note"] == "Renamed");

  expect_refused(root, {"ipv6_range_add", "name=SHARED", "range=2001:db8:1::/64"}, "SHARED");
  expect_refused(root, {"ipv6_range_add", "name=Other", "range=2001:db8:66ac:cafe:1::/80"}, "overlaps");
  expect_refused(root, {"ipv6_range_add", "name=Bad", "range=2001:db8::1/64"}, "bits set past");
  expect_refused(root, {"ipv6_range_add", "name=Bad", "range=192.0.2.0/24"}, "“range”");
  expect_refused(root, {"ipv6_range_add", "name=Hosting", "range=2001:db8:2::/64"}, "already exists");
  expect_refused(root, {"ipv6_range_add", "name=a b", "range=2001:db8:2::/64"}, "“name”");
  expect_refused(root, {"ipv6_range_edit", "name=Nope"}, "Range does not exist: Nope");
  expect_refused(root, {"ipv6_range_usage", "name=Nope"}, "Range does not exist: Nope");
  run_ok(root, {"ipv6_range_remove", "name=Reserved"});
  CHECK(run_ok(root, {"ipv6_range_list"})["data"]["range"].size() == 1);
  expect_refused(root, {"ipv6_range_remove", "name=Reserved"}, "Range does not exist");
}

TEST_CASE("ipv6_enable_account and ipv6_disable_account", "[ip_addresses][ipv6]") {
  TempRoot root;
  server_with_ips(root);
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  run_ok(root, {"ipv6_range_add", "name=Block", "range=2001:db8:1::/120"});
  run_ok(root, {"ipv6_range_add", "name=Reserved", "range=2001:db8:1::/127", "enabled=0"});

  auto j = run_ok(root, {"ipv6_enable_account", "user=bob,carol,ghost", "range=Block"});
  CHECK(j["data"]["fail_cnt"] == 1);
  CHECK(j["data"]["failures"] == nlohmann::json{{"ghost", "The “ghost” account does not exist."}});
  // The reserved /127 is stepped over.
  CHECK(j["data"]["ipv6"] == nlohmann::json{{"bob", "2001:0db8:0001:0000:0000:0000:0000:0002"},
                                            {"carol", "2001:0db8:0001:0000:0000:0000:0000:0003"}});
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"), Contains("2001:0db8:0001:0000:0000:0000:0000:0002"));
  CHECK_THAT(root.file("etc/userdatadomains"), Contains("==2001:0db8:0001:0000:0000:0000:0000:0002=="));
  CHECK_THAT(root.file("var/named/bob.example.db"), Contains("AAAA"));
  auto listed6 = run_ok(root, {"listipv6s"});
  CHECK(listed6["data"]["ip"] == nlohmann::json::array({{{"ip", "2001:db8:1::2"}}, {{"ip", "2001:db8:1::3"}}}));
  auto usage = run_ok(root, {"ipv6_range_usage", "name=Block"})["data"]["usage"];
  CHECK(usage == nlohmann::json{{"forbidden", 2}, {"free", 252}, {"used", 2}});
  expect_refused(root, {"ipv6_range_remove", "name=Block"}, "in use by");
  expect_refused(root, {"ipv6_enable_account", "user=ghost", "range=Block"}, "The “ghost” account does not exist.");
  expect_refused(root, {"ipv6_enable_account", "user=bob", "range=Nope"}, "Range does not exist: Nope");

  auto d = run_ok(root, {"ipv6_disable_account", "user=bob,ghost"});
  CHECK(d["data"] ==
        nlohmann::json{{"fail_cnt", 1},
                       {"failures", {{{"name", "ghost"}, {"reason", "The “ghost” account does not exist."}}}}});
  CHECK(root.file("var/cpanel/userdata/bob/bob.example").find("ipv6:") == std::string::npos);
  CHECK(root.file("var/named/bob.example.db").find("AAAA") == std::string::npos);
  auto list = run_ok(root, {"ipv6_range_list"});
  const auto block = list["data"]["range"][0];
  CHECK(block["range_users"] == nlohmann::json::array({"carol"}));
  CHECK(block["reclaimed"] == nlohmann::json::array({"2001:0db8:0001:0000:0000:0000:0000:0002"}));
  // The reclaimed address is the next one given.
  auto again = run_ok(root, {"ipv6_enable_account", "user=bob", "range=Block"});
  CHECK(again["data"]["ipv6"]["bob"] == "2001:0db8:0001:0000:0000:0000:0000:0002");
  expect_check_clean(root);
}

TEST_CASE("a damaged IPv6 range file is read as far as it goes and never rewritten", "[ip_addresses][ipv6][damaged]") {
  TempRoot root;
  server_with_ips(root);
  root.write("etc/cpanel/ipv6/range_allocation_data", "---\nBlock: [unclosed\n");
  CHECK(run_ok(root, {"ipv6_range_list"})["data"]["range"] == nlohmann::json::array());
  expect_refused(root, {"ipv6_range_add", "name=New", "range=2001:db8:9::/64"}, "cannot be changed");
}

TEST_CASE("the SHARED range is the shared IPv6 address of wwwacct.conf", "[ip_addresses][ipv6]") {
  TempRoot root;
  server_with_ips(root);
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nADDR6 2001:db8::10\n");
  create_account(root, "bob", "bob.example");
  auto j = run_ok(root, {"ipv6_enable_account", "user=bob", "range=SHARED"});
  CHECK(j["data"]["ipv6"]["bob"] == "2001:0db8:0000:0000:0000:0000:0000:0010");
  auto list = run_ok(root, {"ipv6_range_list"});
  CHECK(list["data"]["range"][0]["name"] == "SHARED");
  CHECK(list["data"]["range"][0]["CIDR"] == "2001:db8::10/128");
  CHECK(list["data"]["range"][0]["range_users"] == nlohmann::json::array({"bob"}));
  expect_refused(root, {"ipv6_range_remove", "name=SHARED"}, "SHARED");
  expect_refused(root, {"ipv6_range_edit", "name=SHARED", "note=x"}, "SHARED");
  run_ok(root, {"ipv6_disable_account", "user=bob"});
  CHECK(run_ok(root, {"ipv6_range_list"})["data"]["range"][0]["reclaimed"] == nlohmann::json::array());
}
