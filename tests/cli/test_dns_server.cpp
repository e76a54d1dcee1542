// The server's own DNS: the reverse DNS cache, the resolver workarounds and
// DNS cluster trust. Here without a reachable nameserver (the state root's
// etc/resolv.conf names 127.0.0.1, where nothing answers); the answers of a
// real named are in tests/shell/test_resolver.sh.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

void server_without_dns(const TempRoot& root) {
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\n");
  root.write("etc/ips", "192.0.2.11:255.255.255.0:192.0.2.255\n");
  root.write("etc/resolv.conf", "nameserver 127.0.0.1\n");
}

std::string warnings_of(const nlohmann::json& envelope) {
  return envelope["metadata"]["output"].value("warnings", nlohmann::json::array()).dump();
}

}  // namespace

TEST_CASE("update_reverse_dns_cache keeps earlier names when a lookup fails, forgets other addresses", "[dns_server]") {
  TempRoot root;
  server_without_dns(root);
  root.write("var/cpanel/ip_rdns_cache.json",
             R"({"ip_to_ptr_map":{"192.0.2.10":"host.example.com","198.51.100.99":"gone.example.com"}})");
  auto r = run_ok(root, {"update_reverse_dns_cache"});
  CHECK(r["metadata"]["result"] == 1);
  CHECK(r["metadata"]["reason"] == "OK");
  CHECK_FALSE(r.contains("data"));
  CHECK_THAT(warnings_of(r), Contains("could not look up the PTR record of “192.0.2.10”"));
  CHECK(root.file("var/cpanel/ip_rdns_cache") == "192.0.2.10: host.example.com\n");
  auto persistent = nlohmann::json::parse(root.file("var/cpanel/ip_rdns_cache.json"));
  CHECK(persistent["ip_to_ptr_map"] == nlohmann::json{{"192.0.2.10", "host.example.com"}});

  // Behind 1:1 NAT the public address is looked up; the cache keys the local one.
  root.write("var/cpanel/cpnat", "192.0.2.10 203.0.113.10\n");
  r = run_ok(root, {"update_reverse_dns_cache"});
  CHECK_THAT(warnings_of(r), Contains("“203.0.113.10”"));
  CHECK(root.file("var/cpanel/ip_rdns_cache") == "192.0.2.10: host.example.com\n");
}

TEST_CASE("update_reverse_dns_cache does not rewrite a damaged cache", "[dns_server]") {
  TempRoot root;
  server_without_dns(root);
  root.write("var/cpanel/ip_rdns_cache.json", "{\"ip_to_ptr_map\": [\n");
  expect_refused(root, {"update_reverse_dns_cache"}, "“/var/cpanel/ip_rdns_cache.json” cannot be changed");
  // A cached name that could break the cache's lines is dropped, not written.
  root.write("var/cpanel/ip_rdns_cache.json", R"({"ip_to_ptr_map":{"192.0.2.10":"evil\nline: x"}})");
  run_ok(root, {"update_reverse_dns_cache"});
  CHECK(root.file("var/cpanel/ip_rdns_cache").empty());
}

TEST_CASE("set_up_dns_resolver_workarounds without a working resolver fails and clears the flags", "[dns_server]") {
  TempRoot root;
  server_without_dns(root);
  root.write("var/cpanel/dns_flags/has_udp_dns_blocked", "");
  root.write("var/cpanel/dns_flags/has_udp_mtu_reassembly_problem", "");
  auto r = run_ok(root, {"set_up_dns_resolver_workarounds"});
  CHECK(r["metadata"]["result"] == 0);
  CHECK(r["metadata"]["reason"] ==
        "The system failed to find a functional recursive DNS resolver configuration. Ensure that your firewall "
        "allows bidirectional UDP and TCP with remote port 53.");
  CHECK_FALSE(root.exists("var/cpanel/dns_flags/has_udp_dns_blocked"));
  CHECK_FALSE(root.exists("var/cpanel/dns_flags/has_udp_mtu_reassembly_problem"));
  expect_refused(root, {"--user=nobody", "set_up_dns_resolver_workarounds"}, "");
}

TEST_CASE("cluster_member_has_trust_with reads the caller's cluster configuration", "[dns_server]") {
  TempRoot root;
  root.write("var/cpanel/cluster/root/config/192.0.2.5",
             "#version 2.0\nuser=root\nhost=192.0.2.5\npass=TOKEN123\nmodule=cPanel\ndebug=0\n");
  root.write("var/cpanel/cluster/root/config/192.0.2.7", "#version 2.0\nuser=root\nhost=192.0.2.7\nmodule=cPanel\n");
  auto trust = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "cluster_member_has_trust_with");
    return run_ok(root, args)["data"]["has_trust"];
  };
  CHECK(trust({"host=192.0.2.5"}) == 1);
  CHECK(trust({"host=192.0.2.6"}) == 0);
  CHECK(trust({"host=192.0.2.7"}) == 0);  // no API token: nothing can be sent
  CHECK(trust({"host=198.51.100.1", "althost=192.0.2.5"}) == 1);

  expect_refused(root, {"cluster_member_has_trust_with"}, "host");
  expect_refused(root, {"cluster_member_has_trust_with", "host=../../etc"}, "host");
  expect_refused(root, {"cluster_member_has_trust_with", "host=192.0.2.5", "althost=x/y"}, "althost");

  // A reseller's own cluster, with the clustering privilege.
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  expect_refused(root, {"--user=alice", "cluster_member_has_trust_with", "host=192.0.2.5"}, "“clustering” privilege");
  run_ok(root, {"setacls", "reseller=alice", "acl-clustering=1"});
  CHECK(run_ok(root, {"--user=alice", "cluster_member_has_trust_with", "host=192.0.2.5"})["data"]["has_trust"] == 0);
  root.write("var/cpanel/cluster/alice/config/192.0.2.5", "user=alice\npass=TOKEN456\n");
  CHECK(run_ok(root, {"--user=alice", "cluster_member_has_trust_with", "host=192.0.2.5"})["data"]["has_trust"] == 1);
}
