// 20 hand-written zone files, each with its own oddities, go through a real
// editzonerecord: afterwards every line is byte-for-byte the same except the
// edited record and the SOA serial, and BIND still accepts the zone. Before,
// dumpzone lists every line of each file once, as real servers do, and the
// Line it gives the edited record is that record's line in the file.
#include <catch2/catch.hpp>
#include <sstream>

#include "harness.hpp"

using namespace test;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct HandZone {
  std::string name, text;
};

// Builds variant `i`: the quirks switched on depend on i, so the 20 files differ.
HandZone hand_written(int i) {
  std::string z = "rt" + std::to_string(i) + ".example";
  std::string t;
  if (i % 2 == 0) t += "; hand-written zone number " + std::to_string(i) + "\n;   with a second comment line\n";
  if (i % 3 == 0) t += "\n";
  t += i % 4 == 0 ? "$TTL 1h\n" : "$TTL    3600   ; default ttl\n";
  if (i % 5 == 0) t += "$ORIGIN " + z + ".\n";
  if (i % 2 == 0) {
    t += "@   IN  SOA   ns1." + z + ".  hostmaster." + z +
         ". (\n"
         "        2024010101   ; serial\n"
         "        7200         ; refresh\n"
         "        900 ; retry\n"
         "        1209600\n"
         "        300 )        ; minimum\n";
  } else {
    t += z + ".\t86400\tIN\tSOA\tns1." + z + ". root." + z + ". ( 2023123199 3600 1800 1209600 86400 )\n";
  }
  t += "\t\tIN\tNS\tns1." + z + ".\n";  // owner omitted: the apex
  t += "@ 86400 IN NS ns2." + z + ".   ; trailing comment\n";
  t += "ns1\tIN\tA\t192.0.2.1\n";
  t += "ns2   3600   IN   A   192.0.2.2\n";
  if (i % 3 == 1) t += "\n\n; a block comment between records\n\n";
  t += "target\t300\tIN\tA\t198.51.100." + std::to_string(i + 1) + "\n";     // the record the test edits
  t += i % 2 ? "mail IN 600 A 192.0.2.25\n" : "mail 600 IN A 192.0.2.25\n";  // class before ttl, and after
  t += "@\tIN\tMX\t10 mail\n";
  t += "www\tCNAME\t@\n";
  t += "txt\tIN\tTXT\t\"semicolon; inside\" \"and an \\\"escaped\\\" quote\"\n";
  if (i % 4 == 1) t += "long\tIN\tTXT\t( \"first part of a long string\"\n\t\t\"second part\" )\n";
  if (i % 5 == 2) t += "caa\tIN\tTYPE257\t\\# 22 000569737375656C657473656E63727970742E6F7267\n";
  if (i % 6 == 3) t += "_xmpp._tcp 86400 IN SRV 5 0 5269 target." + z + ".\n";
  if (i % 7 == 4) t += "v6\tIN\tAAAA\t2001:db8::" + std::to_string(i) + "\n";
  if (i % 3 == 2) t += "sub\t\t\t\tIN\tNS\tns.elsewhere.example.\n";
  t += "; the end\n";
  return {z, t};
}

}  // namespace

TEST_CASE("20 hand-written zones survive parse and write unchanged except the edit and the serial",
          "[dns][roundtrip]") {
  TempRoot root;
  for (int i = 0; i < 20; ++i) {
    HandZone hz = hand_written(i);
    INFO("zone " << hz.name << ":\n" << hz.text);
    root.write("var/named/" + hz.name + ".db", hz.text);
    auto check = run_program({"/usr/bin/named-checkzone", hz.name, root.path + "/var/named/" + hz.name + ".db"});
    INFO(check.out << check.err);
    REQUIRE(check.status == 0);  // the hand-written file is valid to begin with

    auto before = lines_of(hz.text);
    int target_line = 0;
    std::string serial_text;
    for (size_t n = 0; n < before.size(); ++n)
      if (before[n].rfind("target\t", 0) == 0) target_line = static_cast<int>(n) + 1;
    REQUIRE(target_line > 0);

    // Every line is in one dumpzone item: items follow each other (Line, and
    // Lines for a record over several lines), comments and blank lines are
    // :RAW items holding the line itself.
    const auto dump = run(root, {"dumpzone", "domain=" + hz.name}).json();  // outlives the loop
    int next_line = 1, dumped_target = 0;
    for (const auto& item : dump["data"]["zone"]) {
      INFO(item.dump());
      CHECK(item["Line"] == next_line);
      next_line = item["Line"].get<int>() + item.value("Lines", 1);
      if (item["type"] == ":RAW") CHECK(item["raw"] == before.at(item["Line"].get<size_t>() - 1));
      if (item["name"] == "target." + hz.name + "." && item["type"] == "A") dumped_target = item["Line"];
    }
    CHECK(next_line == static_cast<int>(before.size()) + 1);
    CHECK(dumped_target == target_line);

    auto r = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "editzonerecord", "domain=" + hz.name,
                          "line=" + std::to_string(target_line), "address=203.0.113.77"},
                         {{"WHMKIT_NOW", "1795384004"}});  // 2026-11-22 UTC
    INFO(r.out);
    REQUIRE(r.status == 0);
    auto after = lines_of(root.file("var/named/" + hz.name + ".db"));
    REQUIRE(after.size() == before.size());
    int changed = 0;
    for (size_t n = 0; n < before.size(); ++n) {
      if (before[n] == after[n]) continue;
      ++changed;
      if (static_cast<int>(n) + 1 == target_line) {
        CHECK(after[n] == "target\t300\tIN\tA\t203.0.113.77");
      } else {
        // The only other change: the serial, in place.
        bool serial_line =
            before[n].find("2024010101") != std::string::npos || before[n].find("2023123199") != std::string::npos;
        INFO("line " << n + 1 << ": " << before[n] << " -> " << after[n]);
        CHECK(serial_line);
        CHECK(after[n].find("20261122") != std::string::npos);
      }
    }
    CHECK(changed == 2);
    auto recheck = run_program({"/usr/bin/named-checkzone", hz.name, root.path + "/var/named/" + hz.name + ".db"});
    INFO(recheck.out << recheck.err);
    CHECK(recheck.status == 0);
  }
}
