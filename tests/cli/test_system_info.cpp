// The server's own facts (commands/system_info.cpp, commands/sockets.cpp):
// hostname, primary vhost, load, disks, reboot, socket lists. Each call's
// output and files, and a bad input that changes nothing. The kernel is never
// changed here (the state root is a temporary directory); the real
// sethostname(2) is proved in its own UTS namespace (tests/shell/test_hostname.sh).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

std::string kernel_hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

void server_files(const TempRoot& root) {
  root.write("etc/hostname", "old.example.net\n");
  root.write("etc/hosts",
             "127.0.0.1 localhost localhost.localdomain\n"
             "# the server\n"
             "192.0.2.10 old.example.net old\n"
             "192.0.2.99 other.example.net\n");
  root.write("etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=old.example.net\nDOMAINNAME=example.net\n");
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nHOST old.example.net\nNS ns1.example.net\n");
  root.write("etc/localdomains", "old.example.net\nlocalhost\n");
}

// A socket of the test process bound to the loopback address; its port.
struct BoundSocket {
  int fd = -1;
  unsigned port = 0;
  BoundSocket(int family, int type) {
    fd = ::socket(family, type, 0);
    REQUIRE(fd >= 0);
    sockaddr_storage ss{};
    socklen_t len;
    if (family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      ::close(fd);
      fd = -1;
      return;
    }
    if (type == SOCK_STREAM) REQUIRE(::listen(fd, 1) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0);
    port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                   : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  ~BoundSocket() {
    if (fd >= 0) ::close(fd);
  }
};

nlohmann::json find_socket(const nlohmann::json& payload, const std::string& src, unsigned port) {
  for (const auto& s : payload)
    if (s["src"] == src && s["sport"] == port) return s;
  return nullptr;
}

}  // namespace

TEST_CASE("gethostname: the state root's /etc/hostname", "[system_info]") {
  TempRoot root;
  root.write("etc/hostname", "host.example.net\n");
  CHECK(run_ok(root, {"gethostname"})["data"]["hostname"] == "host.example.net");
  expect_refused(root, {"--strict", "gethostname", "name=x"}, "“name”");
}

TEST_CASE("sethostname writes every file that names the hostname, and not the kernel's", "[system_info]") {
  TempRoot root;
  server_files(root);
  const std::string kernel_before = kernel_hostname();
  auto out = run_ok(root, {"sethostname", "hostname=New.Example.net"});
  CHECK(out["metadata"]["result"] == 1);
  CHECK(out["metadata"]["reason"] == "Hostname set to: new.example.net");
  CHECK(out["metadata"]["output"]["messages"] == "Altered hostname in /etc/sysconfig/network");
  CHECK(root.file("etc/hostname") == "new.example.net\n");
  CHECK(root.file("etc/hosts") ==
        "127.0.0.1 localhost localhost.localdomain\n"
        "# the server\n"
        "192.0.2.99 other.example.net\n"
        "192.0.2.10 new.example.net new\n");
  CHECK(root.file("etc/sysconfig/network") == "NETWORKING=yes\nHOSTNAME=new.example.net\nDOMAINNAME=example.net\n");
  CHECK(root.file("etc/wwwacct.conf") == "ADDR 192.0.2.10\nHOST new.example.net\nNS ns1.example.net\n");
  CHECK(root.file("etc/localdomains") == "localhost\nnew.example.net\n");
  CHECK(run_ok(root, {"gethostname"})["data"]["hostname"] == "new.example.net");
  CHECK(kernel_hostname() == kernel_before);

  // The same name again: files synced, and a warning says so.
  auto again = run_ok(root, {"sethostname", "hostname=new.example.net"});
  CHECK(again["metadata"]["output"]["warnings"] ==
        "The hostname was already set to new.example.net, syncing configuration only.");
  CHECK(root.file("etc/hosts") ==
        "127.0.0.1 localhost localhost.localdomain\n"
        "# the server\n"
        "192.0.2.99 other.example.net\n"
        "192.0.2.10 new.example.net new\n");
}

TEST_CASE("sethostname refuses what cPanel refuses, and changes nothing", "[system_info]") {
  TempRoot root;
  server_files(root);
  create_account(root, "bob", "shop.bob.example");
  expect_refused(root, {"sethostname", "hostname=example.net"}, "example.net is not a valid hostname");
  expect_refused(root, {"sethostname", "hostname=1host.example.net"}, "is not a valid hostname");
  expect_refused(root, {"sethostname", "hostname=host-.example.net"}, "is not a valid hostname");
  expect_refused(root, {"sethostname", "hostname=192.0.2.1"}, "is not a valid hostname");
  expect_refused(root, {"sethostname", "hostname=host_1.example.net"}, "is not a valid hostname");
  expect_refused(root, {"sethostname", "hostname=www.example.net"},
                 "may not begin with “www.” because it conflicts with an automatically configured domain");
  expect_refused(root, {"sethostname", "hostname=shop.bob.example"},
                 "The domain “shop.bob.example” is already owned by the user “bob”.");
  expect_refused(root, {"sethostname", "hostname=" + std::string(50, 'a') + ".example.net"},
                 "Hostnames are limited to 60 characters (this name is 62 characters)");
  expect_refused(root, {"sethostname", "hostname=a.example.net%0Aevil"}, "hostname");
  expect_refused(root, {"sethostname"}, "hostname");
}

TEST_CASE("set_primary_servername: the vhost's IP and port type in primary_virtual_hosts.conf", "[system_info]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\n");
  create_account(root, "bob", "bob.example");
  run_ok(root, {"set_primary_servername", "servername=bob.example"});
  const std::string header =
      "#============\n"
      "#NOTE: This file's format may change over time. The data here also goes\n"
      "#through a non-trivial validation process before being written.\n"
      "#To ensure stability, do not interact with this file directly;\n"
      "#instead, use API calls to read and to set the data in this file.\n"
      "#============\n";
  CHECK(root.file("var/cpanel/conf/apache/primary_virtual_hosts.conf") == header + "192.0.2.10=bob.example\n");

  create_account(root, "carol", "carol.example");
  run_ok(root, {"set_primary_servername", "servername=carol.example", "type=std"});
  CHECK(root.file("var/cpanel/conf/apache/primary_virtual_hosts.conf") == header + "192.0.2.10=carol.example\n");

  expect_refused(root, {"set_primary_servername", "servername=nobody.example"},
                 "The ServerName “nobody.example” is not installed.");
  expect_refused(root, {"set_primary_servername", "servername=bob.example", "type=ssl"},
                 "The ServerName “bob.example” is not installed as “ssl”.");
  expect_refused(root, {"set_primary_servername", "servername=bob.example", "type=tls"}, "type");
  expect_refused(root, {"set_primary_servername"}, "servername");
}

TEST_CASE("systemloadavg: the kernel's one, five and fifteen minute load", "[system_info]") {
  TempRoot root;
  auto data = run_ok(root, {"systemloadavg"})["data"];
  for (const char* k : {"one", "five", "fifteen"}) {
    REQUIRE(data[k].is_number());
    CHECK(data[k].get<double>() >= 0);
  }
  expect_refused(root, {"--strict", "systemloadavg", "period=5"}, "“period”");
}

TEST_CASE("getdiskusage: each mounted file system with blocks and inodes, no pseudo file systems", "[system_info]") {
  TempRoot root;
  auto out = run_ok(root, {"getdiskusage"});
  CHECK(out["metadata"]["reason"] == "Successfully retrieved disk usage");
  const auto partitions = out["data"]["partition"];
  REQUIRE(!partitions.empty());
  for (const auto& p : partitions) {
    for (const char* k : {"available", "device", "disk", "filesystem", "inodes_available", "inodes_ipercentage",
                          "inodes_total", "inodes_used", "mount", "percentage", "total", "used"})
      CHECK(p.contains(k));
    const std::string mount = p["mount"];
    CHECK(p["filesystem"] == mount);
    CHECK(mount.rfind("/proc", 0) != 0);
    CHECK(mount.rfind("/sys", 0) != 0);
    CHECK(mount.rfind("/dev", 0) != 0);
    CHECK(p["used"].get<unsigned long long>() <= p["total"].get<unsigned long long>());
    CHECK(p["percentage"].get<int>() <= 100);
  }
  expect_refused(root, {"--strict", "getdiskusage", "mount=/"}, "“mount”");
}

TEST_CASE("system_needs_reboot: a newer installed kernel, Debian's reboot-required marker", "[system_info]") {
  TempRoot root;
  auto none = run_ok(root, {"system_needs_reboot"})["data"];
  CHECK(none["needs_reboot"] == 0);
  CHECK(none["details"] == nlohmann::json::object());

  struct utsname uts {};
  REQUIRE(::uname(&uts) == 0);
  root.write(std::string("boot/vmlinuz-") + uts.release, "");
  CHECK(run_ok(root, {"system_needs_reboot"})["data"]["needs_reboot"] == 0);

  root.write("boot/vmlinuz-999.1.0-10-amd64", "");
  root.write("boot/vmlinuz-999.1.0-9-amd64", "");
  auto kernel = run_ok(root, {"system_needs_reboot"})["data"];
  CHECK(kernel["needs_reboot"] == 1);
  CHECK(kernel["details"]["kernel"] ==
        nlohmann::json({{"boot_version", "999.1.0-10-amd64"}, {"running_version", uts.release}}));

  root.write("var/run/reboot-required", "*** System restart required ***\n");
  root.write("var/run/reboot-required.pkgs", "libc6\nlibc6\nlibssl3\n");
  root.write("var/lib/dpkg/status",
             "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u4\n\n"
             "Package: libssl3\nVersion: 3.0.11-1~deb12u2\n\n");
  auto updates = run_ok(root, {"system_needs_reboot"})["data"]["details"]["updates"];
  CHECK(updates == nlohmann::json({{"libc6", "2.36-9+deb12u4"}, {"libssl3", "3.0.11-1~deb12u2"}}));
  expect_refused(root, {"--strict", "system_needs_reboot", "kernel=1"}, "“kernel”");
}

TEST_CASE("reboot: refused unless the state root is / and force=1", "[system_info]") {
  TempRoot root;
  expect_refused(root, {"reboot", "force=1"}, "reboots only when the state root is “/”");
  expect_refused(root, {"reboot"}, "reboots only when the state root is “/”");
  expect_refused(root, {"reboot", "force=2"}, "force");
}

TEST_CASE("get_tcp4/tcp6/udp4/udp6_sockets find the sockets the test opened", "[system_info]") {
  TempRoot root;
  BoundSocket tcp(AF_INET, SOCK_STREAM), udp(AF_INET, SOCK_DGRAM);
  REQUIRE(tcp.fd >= 0);
  REQUIRE(udp.fd >= 0);
  auto listening = find_socket(run_ok(root, {"get_tcp4_sockets"})["data"]["payload"], "127.0.0.1", tcp.port);
  REQUIRE(listening.is_object());
  CHECK(listening["state"] == 10);  // TCP_LISTEN
  CHECK(listening["uid"] == ::getuid());
  CHECK(listening["dst"] == "0.0.0.0");
  CHECK(listening["inode"].get<unsigned long long>() > 0);
  for (const char* k : {"dport", "rqueue", "wqueue"}) CHECK(listening.contains(k));

  auto bound = find_socket(run_ok(root, {"get_udp4_sockets"})["data"]["payload"], "127.0.0.1", udp.port);
  REQUIRE(bound.is_object());
  CHECK(bound["state"] == 7);  // an unconnected UDP socket

  BoundSocket tcp6(AF_INET6, SOCK_STREAM), udp6(AF_INET6, SOCK_DGRAM);
  if (tcp6.fd >= 0) {
    CHECK(find_socket(run_ok(root, {"get_tcp6_sockets"})["data"]["payload"], "0:0:0:0:0:0:0:1", tcp6.port).is_object());
  }
  if (udp6.fd >= 0) {
    CHECK(find_socket(run_ok(root, {"get_udp6_sockets"})["data"]["payload"], "0:0:0:0:0:0:0:1", udp6.port).is_object());
  }
  expect_refused(root, {"--strict", "get_tcp4_sockets", "port=80"}, "“port”");
}
