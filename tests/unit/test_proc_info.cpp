// The /proc parsers behind systemloadavg, getdiskusage and the socket lists,
// fed lines as the kernel writes them.
#include <catch2/catch.hpp>

#include "proc_info.hpp"

using namespace whm;

namespace {
bool little_endian() {
  const uint32_t one = 1;
  return *reinterpret_cast<const unsigned char*>(&one) == 1;
}
}  // namespace

TEST_CASE("socket tables: addresses, ports, state, queues, uid and inode", "[proc_info]") {
  if (!little_endian()) return;  // the sample lines are a little-endian kernel's
  const char* tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   111        0 27171 1 0 100 0 0 10 "
      "0\n"
      "   1: 0200000A:0827 0100000A:01BB 01 0000002D:00000003 02:000AB3B2 00000000   102        0 31337 2 0 20 4 30 10 "
      "-1\n"
      "   2: garbage\n";
  auto v4 = parse_socket_table(tcp, false);
  REQUIRE(v4.size() == 2);
  CHECK(v4[0].src == "127.0.0.1");
  CHECK(v4[0].sport == 3306);
  CHECK(v4[0].dst == "0.0.0.0");
  CHECK(v4[0].state == 10);
  CHECK(v4[0].uid == 111);
  CHECK(v4[0].inode == 27171);
  CHECK(v4[1].src == "10.0.0.2");
  CHECK(v4[1].sport == 2087);
  CHECK(v4[1].dst == "10.0.0.1");
  CHECK(v4[1].dport == 443);
  CHECK(v4[1].wqueue == 45);
  CHECK(v4[1].rqueue == 3);

  const char* tcp6 =
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
      "tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 "
      "00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n"
      "   1: B80D0120000000000000000001000000:0035 B80D0120000000000100000002000000:01BB 07 00000000:00000000 "
      "00:00000000 00000000    25        0 4343 2 0 0\n";
  auto v6 = parse_socket_table(tcp6, true);
  REQUIRE(v6.size() == 2);
  CHECK(v6[0].src == "0:0:0:0:0:0:0:1");
  CHECK(v6[0].sport == 22);
  CHECK(v6[1].src == "2001:db8:0:0:0:0:0:1");
  CHECK(v6[1].dst == "2001:db8:0:0:0:1:0:2");
  CHECK(v6[1].uid == 25);
}

TEST_CASE("loadavg and mounts", "[proc_info]") {
  auto load = parse_loadavg("0.17 0.18 0.19 1/123 4567\n");
  REQUIRE(load);
  CHECK(load->one == Approx(0.17));
  CHECK(load->five == Approx(0.18));
  CHECK(load->fifteen == Approx(0.19));
  CHECK_FALSE(parse_loadavg("0.17 nan"));
  CHECK_FALSE(parse_loadavg("a b c"));

  auto mounts = parse_mounts("/dev/vda1 / ext4 rw,relatime 0 0\n/dev/vdb1 /mnt/with\\040space xfs rw 0 0\nshort\n");
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[0].device == "/dev/vda1");
  CHECK(mounts[0].fstype == "ext4");
  CHECK(mounts[1].mount_point == "/mnt/with space");
}

TEST_CASE("file_system_usage of / adds up", "[proc_info]") {
  auto u = file_system_usage("/");
  REQUIRE(u);
  CHECK(u->used <= u->blocks);
  CHECK(u->percent_used <= 100);
  CHECK_FALSE(file_system_usage("/no/such/mount/point"));
}
