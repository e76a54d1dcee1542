// Writes a realistic state root with N accounts, fast (plain writes, no
// fsync): cpuser files and their JSON twins, passwd/shadow/group, homes,
// userdata, zones with typical records and named.conf, lookup files, plans,
// resellers. Uses whmkit's own format code, so the files are what whmapi1
// itself would write.   Usage: whmkit-gen-state DIR N
#include <sys/stat.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "account_store.hpp"
#include "cpuser.hpp"
#include "lookup.hpp"
#include "packages.hpp"
#include "syck_yaml.hpp"
#include "zone.hpp"

namespace fs = std::filesystem;
using namespace whm;

static void put(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: whmkit-gen-state DIR N\n";
    return 2;
  }
  std::string root = argv[1];
  long n = std::stol(argv[2]);
  const std::time_t now = 1795384004;
  put(root + "/etc/wwwacct.conf", "ADDR 192.0.2.10\nHOMEDIR /home\nNS ns1.host.example\nNS2 ns2.host.example\n");
  put(root + "/etc/hostname", "host.example\n");
  // A server with this many accounts has raised UID_MAX above the default
  // 60000 (sysusers.hpp): without it createacct finds no free id past 59,000.
  const long id_max = std::max(60000L, 1000 + 2 * n + 10000);
  put(root + "/etc/login.defs",
      "UID_MIN 1000\nUID_MAX " + std::to_string(id_max) + "\nGID_MIN 1000\nGID_MAX " + std::to_string(id_max) + "\n");
  KeyValues basic = package_defaults(), pro = package_defaults();
  pro["MAXFTP"] = "50";
  pro["QUOTA"] = "5000";
  put(root + "/var/cpanel/packages/basic", serialize_package(basic));
  put(root + "/var/cpanel/packages/pro", serialize_package(pro));

  std::string passwd, shadow, group, named_conf, resellers;
  std::vector<AccountIndex> accounts;
  accounts.reserve(static_cast<size_t>(n));
  for (long i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "u%07ld", i);
    std::string user = name, domain = user + ".example", home = "/home/" + user;
    std::string owner = i % 100 == 0 || i >= n - (n / 100) ? "root" : "r" + std::to_string(i % 10);
    long uid = 1000 + i;
    CpUser u;
    apply_package(u, i % 3 ? basic : pro, i % 3 ? "basic" : "pro");
    u.kv.insert({{"USER", user},
                 {"DNS", domain},
                 {"OWNER", owner},
                 {"IP", "192.0.2.10"},
                 {"STARTDATE", std::to_string(now - i)},
                 {"MTIME", std::to_string(now)},
                 {"CONTACTEMAIL", user + "@mail.example"},
                 {"MXCHECK-" + domain, "local"},
                 {"BACKUP", "1"},
                 {"DEMO", "0"},
                 {"HASDKIM", "1"},
                 {"HASSPF", "1"},
                 {"MAILBOX_FORMAT", "maildir"},
                 {"UTF8MAILBOX", "1"}});
    put(root + "/var/cpanel/users/" + user, serialize_cpuser(u));
    put(root + "/var/cpanel/users.cache/" + user, cpuser_cache_json(u));
    passwd += user + ":x:" + std::to_string(uid) + ":" + std::to_string(uid) + "::" + home +
              ":/usr/local/cpanel/bin/noshell\n";
    shadow += user +
              ":$6$benchsalt$0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000:"
              "20000:0:99999:7:::\n";
    group += user + ":x:" + std::to_string(uid) + ":\n";
    fs::create_directories(root + home + "/public_html/cgi-bin");
    fs::create_directories(root + home + "/mail");
    put(root + home + "/public_html/index.html", "<html><body>" + domain + "</body></html>\n");

    DomainRow row;
    row.domain = domain;
    row.type = "main";
    row.parent = domain;
    row.docroot = home + "/public_html";
    row.ip = "192.0.2.10";
    row.user = user;
    row.owner = owner;
    std::string ud = root + "/var/cpanel/userdata/" + user + "/";
    nlohmann::json main = {{"addon_domains", nlohmann::json::object()},
                           {"main_domain", domain},
                           {"parked_domains", nlohmann::json::array()},
                           {"sub_domains", nlohmann::json::array()}};
    put(ud + "main", syck_dump(main));
    put(ud + "main.cache", main.dump() + "\n");
    nlohmann::json vhost = {{"documentroot", home + "/public_html"},
                            {"group", user},
                            {"homedir", home},
                            {"ip", "192.0.2.10"},
                            {"owner", owner},
                            {"port", 80},
                            {"serveralias", "mail." + domain + " www." + domain},
                            {"servername", domain},
                            {"usecanonicalname", "Off"},
                            {"user", user}};
    put(ud + domain, syck_dump(vhost));
    put(ud + domain + ".cache", vhost.dump() + "\n");
    put(ud + "cache", domain + ": " + row.cache_line_value() + "\n");

    ZoneTemplateValues zv{
        domain,       "192.0.2.10",   "",     "hostmaster.host.example", {"ns1.host.example", "ns2.host.example"},
        "192.0.2.10", "host.example", "0.1.0"};
    std::string zone = zone_from_template(zv, now);
    zone += "_dmarc\t14400\tIN\tTXT\t\"v=DMARC1; p=none;\"\n" + domain + ".\t14400\tIN\tTXT\t\"v=spf1 +a +mx ~all\"\n";
    put(root + "/var/named/" + domain + ".db", zone);
    named_conf += "\nzone \"" + domain + "\" {\n\ttype master;\n\tfile \"/var/named/" + domain + ".db\";\n};\n\n";
    accounts.push_back({u, {row}});
  }
  for (int r = 0; r < 10; ++r) resellers += "r" + std::to_string(r) + ":create-acct,list-accts\n";
  put(root + "/etc/passwd", passwd);
  put(root + "/etc/shadow", shadow);
  put(root + "/etc/group", group);
  put(root + "/etc/named.conf", named_conf);
  put(root + "/var/cpanel/resellers", resellers);

  // The lookup files, through the same code the program uses.
  StateRoot state(root);
  StateReader reader(state);  // staged only: the files are written below as they are
  Transaction txn(state);
  rebuild_lookup_files(txn, accounts);
  for (const char* rel : {"etc/trueuserdomains", "etc/domainusers", "etc/userdomains", "etc/trueuserowners",
                          "etc/userplans", "etc/userbwlimits", "etc/userips", "etc/dbowners", "etc/mailbox_formats",
                          "etc/demousers", "etc/nocgiusers", "etc/userdatadomains"})
    put(root + "/" + rel, txn.read(rel).value_or(""));
  std::cout << "wrote " << n << " accounts under " << root << "\n";
  return 0;
}
