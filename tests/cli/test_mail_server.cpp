// WHM's server-wide mail settings (commands/mail_server.cpp): blocked
// sender domains and countries (with a GeoIP database made by
// tests/mail/make_geoip.py, and Debian's own where it is installed), the
// Exim configuration checks with the real Exim, spamd's options, the Mail
// SNI files and the default DMARC record: what the calls answer and the
// files they leave. Exim and Dovecot acting on them: tests/shell/
// test_exim_blocks.sh and test_dovecot_sni.sh.
#include <arpa/inet.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using Catch::Matchers::Contains;
using test::create_account;
using test::expect_refused;
using test::run;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;

namespace {

nlohmann::json data_ok(const TempRoot& root, const std::vector<std::string>& args) {
  return run_ok(root, args)["data"];
}

// A call that answers result 0 (not a refusal of its arguments): its envelope.
nlohmann::json failed(const TempRoot& root, const std::vector<std::string>& args) {
  auto r = run(root, args);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["metadata"]["result"] == 0);
  return j;
}

// A GeoIP database at `rel` under the root with these "CIDR=CC" blocks.
void make_geoip(const TempRoot& root, const std::string& rel, const std::vector<std::string>& blocks) {
  std::filesystem::create_directories(std::filesystem::path(root.path + "/" + rel).parent_path());
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(TEST_MAIL_DIR) + "/make_geoip.py",
                                   root.path + "/" + rel};
  argv.insert(argv.end(), blocks.begin(), blocks.end());
  REQUIRE(run_program(argv).status == 0);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  for (char c : text) {
    if (c != '\n') {
      line += c;
    } else {
      out.push_back(line);
      line.clear();
    }
  }
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  const auto all = lines(text);
  return std::find(all.begin(), all.end(), line) != all.end();
}

// Whether an IPv4 CIDR line of `text` covers `ip`.
bool covers(const std::string& text, const std::string& ip) {
  in_addr want{};
  REQUIRE(inet_pton(AF_INET, ip.c_str(), &want) == 1);
  for (const auto& l : lines(text)) {
    const auto slash = l.find('/');
    in_addr net{};
    if (slash == std::string::npos || inet_pton(AF_INET, l.substr(0, slash).c_str(), &net) != 1) continue;
    const int len = std::stoi(l.substr(slash + 1));
    const uint32_t mask = len == 0 ? 0 : ~uint32_t(0) << (32 - len);
    if ((ntohl(want.s_addr) & mask) == (ntohl(net.s_addr) & mask)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("block_incoming_email_from_domain: the list Exim reads", "[mail_server]") {
  TempRoot root;
  auto d = data_ok(root, {"block_incoming_email_from_domain", "domain=spam.example", "domain-1=*.Bad.Example"});
  CHECK(d["updated"] == 1);
  CHECK(root.file("etc/blocked_incoming_email_domains") == "spam.example\n*.bad.example\n");
  CHECK(data_ok(root, {"list_blocked_incoming_email_domains"})["domains"] ==
        nlohmann::json::parse(R"([{"domain":"spam.example"},{"domain":"*.bad.example"}])"));
  CHECK(data_ok(root, {"block_incoming_email_from_domain", "domain=SPAM.example"})["updated"] == 0);
  CHECK(data_ok(root, {"unblock_incoming_email_from_domain", "domain=spam.example"})["updated"] == 1);
  CHECK(root.file("etc/blocked_incoming_email_domains") == "*.bad.example\n");
  CHECK(data_ok(root, {"unblock_incoming_email_from_domain", "domain=other.example"})["updated"] == 0);

  // Not domains: refused in cPanel's words, nothing written.
  expect_refused(root, {"block_incoming_email_from_domain", "domain=a..b"}, "“a..b” is not a valid “domain” value.");
  expect_refused(root, {"block_incoming_email_from_domain", "domain=ok.example", "domain-1=../etc", "domain-2=x/y"},
                 "“../etc” and “x/y” are not valid “domain” values.");
  expect_refused(root, {"unblock_incoming_email_from_domain", "domain=bad*.example"}, "is not a valid “domain”");
  expect_refused(root, {"block_incoming_email_from_domain"}, "domain");

  // A line that is not a domain: listed without it, with a warning; no change rewrites the file.
  root.write("etc/blocked_incoming_email_domains", "*.bad.example\nnot a domain\n");
  auto listed = run_ok(root, {"list_blocked_incoming_email_domains"});
  CHECK(listed["data"]["domains"].size() == 1);
  CHECK_THAT(listed["metadata"]["output"]["warnings"][0].get<std::string>(), Contains("line 2 is not a domain"));
  expect_refused(root, {"block_incoming_email_from_domain", "domain=new.example"},
                 "“/etc/blocked_incoming_email_domains” cannot be changed: line 2");
}

TEST_CASE("block_incoming_email_from_country: the countries and their CIDR blocks", "[mail_server]") {
  TempRoot root;
  expect_refused(root, {"block_incoming_email_from_country", "country_code=FR"},
                 "This server has no GeoIP country database");
  make_geoip(root, "usr/share/GeoIP/GeoIP.dat", {"127.0.0.2/32=FR", "192.0.2.0/24=DE"});
  make_geoip(root, "usr/share/GeoIP/GeoIPv6.dat", {"2001:db8::/32=FR"});

  CHECK(data_ok(root, {"block_incoming_email_from_country", "country_code=fr"})["updated"] == 1);
  CHECK(root.file("etc/blocked_incoming_email_countries") == "FR\n");
  CHECK(root.file("etc/blocked_incoming_email_country_ips") == "127.0.0.2/32\n2001:db8::/32\n");
  CHECK(data_ok(root, {"block_incoming_email_from_country", "country_code=FR"})["updated"] == 0);
  CHECK(data_ok(root, {"block_incoming_email_from_country", "country_code=DE"})["updated"] == 1);
  CHECK(root.file("etc/blocked_incoming_email_country_ips") == "127.0.0.2/32\n2001:db8::/32\n192.0.2.0/24\n");
  CHECK(data_ok(root, {"list_blocked_incoming_email_countries"})["countries"] ==
        nlohmann::json::parse(R"([{"country_code":"FR"},{"country_code":"DE"}])"));

  // ZZ, no country: everything else, less loopback and private networks.
  CHECK(data_ok(root, {"block_incoming_email_from_country", "country_code=ZZ"})["updated"] == 1);
  const std::string ips = root.file("etc/blocked_incoming_email_country_ips");
  for (const char* line : {"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "172.0.0.0/12", "172.32.0.0/11"})
    CHECK(has_line(ips, line));
  for (const char* ip : {"10.1.2.3", "127.0.0.1", "172.16.5.5", "192.168.1.1"}) CHECK_FALSE(covers(ips, ip));
  CHECK(covers(ips, "8.8.8.8"));
  CHECK_FALSE(has_line(ips, "::/8"));  // the IPv6 database's IPv4 part

  CHECK(data_ok(root, {"unblock_incoming_email_from_country", "country_code=ZZ", "country_code-1=FR"})["updated"] == 1);
  CHECK(root.file("etc/blocked_incoming_email_countries") == "DE\n");
  CHECK(root.file("etc/blocked_incoming_email_country_ips") == "192.0.2.0/24\n");

  // Codes the database does not have, also to unblock: nothing changes.
  expect_refused(root, {"block_incoming_email_from_country", "country_code=US"},
                 "“US” is not a valid “country_code” value.");
  expect_refused(root,
                 {"block_incoming_email_from_country", "country_code=FR", "country_code-1=XX", "country_code-2=F/"},
                 "“F/” and “XX” are not valid “country_code” values.");
  expect_refused(root, {"unblock_incoming_email_from_country", "country_code=../x"}, "is not a valid “country_code”");
  expect_refused(root, {"unblock_incoming_email_from_country"}, "country_code");
}

TEST_CASE("block_incoming_email_from_country with Debian's GeoIP database", "[mail_server]") {
  if (!std::filesystem::exists("/usr/share/GeoIP/GeoIP.dat")) {
    WARN("Debian's geoip-database is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  TempRoot root;
  std::filesystem::create_directories(root.path + "/usr/share/GeoIP");
  std::filesystem::create_symlink("/usr/share/GeoIP/GeoIP.dat", root.path + "/usr/share/GeoIP/GeoIP.dat");
  CHECK(data_ok(root, {"block_incoming_email_from_country", "country_code=FR"})["updated"] == 1);
  // What libGeoIP says of these addresses (geoiplookup).
  const std::string ips = root.file("etc/blocked_incoming_email_country_ips");
  CHECK(covers(ips, "2.2.2.2"));        // FR
  CHECK_FALSE(covers(ips, "8.8.8.8"));  // US
}

TEST_CASE("validate_exim_configuration_syntax: the real Exim reads the text", "[mail_server]") {
  TempRoot root;
  CHECK(data_ok(root, {"validate_exim_configuration_syntax", "cfg_text=primary_hostname = x.test\n"}) ==
        nlohmann::json::object());

  auto j = failed(root, {"validate_exim_configuration_syntax",
                         "cfg_text=primary_hostname = x.test\nbegin acl\ncheck:\n  accept\n  bogus = 1\n"});
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(),
             Contains("Exim configuration error in line 5 of cfg_text:") && Contains("bogus = 1"));
  CHECK(j["data"]["error_line"] == 5);
  CHECK(j["data"]["broken_cfg_text"] == "primary_hostname = x.test\nbegin acl\ncheck:\n  accept\n==>  bogus = 1<==\n");
  CHECK_THAT(j["metadata"]["output"]["raw"].get<std::string>(), Contains("Error message from syntax check:"));

  // One section: its lines are numbered from the text's first.
  j = failed(root, {"validate_exim_configuration_syntax", "section=acl", "cfg_text=check:\n  accept\n  <b>x = 1\n"});
  CHECK(j["data"]["error_line"] == 3);
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Contains("line 3 of cfg_text"));
  CHECK_THAT(j["data"]["broken_cfg_html"].get<std::string>(),
             Contains("<span class=\"error\">  &lt;b&gt;x = 1</span>"));
  expect_refused(root, {"validate_exim_configuration_syntax", "section=main", "cfg_text=x"},
                 "“main” is not a section of an Exim configuration.");

  // Exim never reads a caller's text as root: its Perl start-up code cannot write root's files.
  const std::string marker = root.path + "/perl-ran";
  run(root, {"validate_exim_configuration_syntax",
             "cfg_text=perl_at_start = true\nperl_startup = open(F, \">" + marker + "\"); close F;\n"});
  CHECK_FALSE(std::filesystem::exists(marker));

  // Without cfg_text: the installed configuration.
  expect_refused(root, {"validate_exim_configuration_syntax"},
                 "This server has no Exim configuration (/etc/exim.conf).");
  root.write("etc/exim.conf", "primary_hostname = x.test\n");
  CHECK(data_ok(root, {"validate_exim_configuration_syntax"}) == nlohmann::json::object());
}

TEST_CASE("validate_current_installed_exim_config and exim_configuration_check", "[mail_server]") {
  TempRoot root;
  expect_refused(root, {"validate_current_installed_exim_config"}, "no Exim configuration");
  root.write("etc/exim.conf", "primary_hostname = x.test\n");
  auto j = run_ok(root, {"validate_current_installed_exim_config"});
  CHECK(j["metadata"]["reason"] == "Your configuration is currently valid.");
  CHECK_THAT(j["data"]["message"].get<std::string>(),
             Contains("<pre>Checking /etc/exim.conf") && Contains("Configuration file is /etc/exim.conf"));
  j = run_ok(root, {"exim_configuration_check"});
  CHECK(j["metadata"]["reason"] == "Configuration OK");
  CHECK(j["data"]["message"].is_null());

  root.write("etc/exim.conf", "primary_hostname = x.test\nno_such_option = 1\n");
  j = failed(root, {"validate_current_installed_exim_config"});
  CHECK(j["metadata"]["reason"] == "Your configuration is currently invalid.");
  CHECK_THAT(j["data"]["message"].get<std::string>(), Contains("line 2 of /etc/exim.conf"));
  j = failed(root, {"exim_configuration_check"});
  CHECK(j["metadata"]["reason"] == "Configuration Update Failed");
  CHECK_THAT(j["data"]["message"].get<std::string>(), Contains("no_such_option"));
}

TEST_CASE("remove_in_progress_exim_config_edit removes the dry-run files only", "[mail_server]") {
  TempRoot root;
  root.write("etc/exim.conf", "primary_hostname = x.test\n");
  root.write("etc/exim.conf.local", "kept\n");
  root.write("etc/exim.conf.local.dry_run", "edit\n");
  root.write("etc/exim.conf.localopts.shadow.dry_run", "edit\n");
  root.write("usr/local/cpanel/etc/exim/acls/ACL_RBL_BLOCK/custom.dry_run", "edit\n");
  root.write("usr/local/cpanel/etc/exim/acls/ACL_RBL_BLOCK/custom", "kept\n");
  auto j = run_ok(root, {"remove_in_progress_exim_config_edit"});
  CHECK(j["metadata"]["reason"] == "Removed OK");
  CHECK_FALSE(j.contains("data"));
  CHECK_FALSE(root.exists("etc/exim.conf.local.dry_run"));
  CHECK_FALSE(root.exists("etc/exim.conf.localopts.shadow.dry_run"));
  CHECK_FALSE(root.exists("usr/local/cpanel/etc/exim/acls/ACL_RBL_BLOCK/custom.dry_run"));
  CHECK(root.file("etc/exim.conf.local") == "kept\n");
  CHECK(root.file("usr/local/cpanel/etc/exim/acls/ACL_RBL_BLOCK/custom") == "kept\n");
  CHECK(run_ok(root, {"remove_in_progress_exim_config_edit"})["metadata"]["reason"] == "Removed OK");
}

TEST_CASE("save_spamd_config: etc/cpspamd.conf", "[mail_server]") {
  TempRoot root;
  root.write("var/run/.keep", "");
  root.write("etc/cpspamd.conf", "maxspare=3\ntimeouttcp=10\n");
  run_ok(root, {"save_spamd_config", "allowedips=127.0.0.1,192.168.0.0/16,2001:db8::/32", "maxchildren=5",
                "pidfile=/var/run/spamd.pid", "timeoutchild=0"});
  // The options given, the others removed; a key WHM does not set stays.
  CHECK(root.file("etc/cpspamd.conf") ==
        "allowedips=127.0.0.1,192.168.0.0/16,2001:db8::/32\nmaxchildren=5\nmaxspare=3\npidfile=/var/run/spamd.pid\n"
        "timeoutchild=0\n");
  run_ok(root, {"save_spamd_config", "maxconnperchild=200", "allowedips="});
  CHECK(root.file("etc/cpspamd.conf") == "maxconnperchild=200\nmaxspare=3\n");

  expect_refused(root, {"save_spamd_config", "allowedips=127.0.0.1,not-an-ip"},
                 "“127.0.0.1,not-an-ip” is not a valid value for “allowedips”.");
  expect_refused(root, {"save_spamd_config", "allowedips=10.0.0.0/33"}, "is not a valid value for “allowedips”");
  expect_refused(root, {"save_spamd_config", "pidfile=spamd.pid"}, "You must enter an absolute path.");
  expect_refused(root, {"save_spamd_config", "pidfile=/nowhere/spamd.pid"},
                 "The directory for the PID file “/nowhere/spamd.pid” does not exist.");
  expect_refused(root, {"save_spamd_config", "pidfile=/var/run"}, "The PID file “/var/run” cannot be a directory.");
  root.write("var/run/other.pid", "not a pid\n");
  expect_refused(root, {"save_spamd_config", "pidfile=/var/run/other.pid"}, "contains non-digit characters");
  expect_refused(root, {"save_spamd_config", "pidfile=/var/../etc/x.pid"}, "pidfile");
  expect_refused(root, {"save_spamd_config", "maxchildren=0"}, "maxchildren");
}

TEST_CASE("rebuild_mail_sni_config: sni.conf and the Exim map from the Domain TLS datastore", "[mail_server]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  // A key and its self-signed certificate, as Domain TLS's combined file holds them.
  const std::string dir = root.path + "/var/cpanel/ssl/domain_tls/bob.example";
  std::filesystem::create_directories(dir);
  REQUIRE(run_program({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bob.example",
                       "-days", "2", "-keyout", dir + "/key", "-out", dir + "/cert"})
              .status == 0);
  root.write(
      "var/cpanel/ssl/domain_tls/bob.example/combined",
      root.file("var/cpanel/ssl/domain_tls/bob.example/key") + root.file("var/cpanel/ssl/domain_tls/bob.example/cert"));
  root.write("var/cpanel/ssl/domain_tls/broken.example/combined", "not a certificate\n");
  root.write("var/cpanel/ssl/domain_tls/_wildcard_.bob.example/combined", "x\n");

  auto j = run_ok(root, {"rebuild_mail_sni_config"});
  CHECK(j["data"] == nlohmann::json::parse(R"({"configs_built":["/etc/dovecot/sni.conf","/etc/mail_sni_map"],
                                               "success":1})"));
  const std::string combined = root.path + "/var/cpanel/ssl/domain_tls/bob.example/combined";
  CHECK_THAT(root.file("etc/dovecot/sni.conf"),
             Contains("local_name bob.example {\n  ssl_cert = <" + combined + "\n  ssl_key = <" + combined + "\n}\n"));
  CHECK(root.file("etc/mail_sni_map") == "bob.example: " + combined + "\n");
  const auto warnings = j["metadata"]["output"]["warnings"].dump();
  CHECK_THAT(warnings, Contains("broken.example/combined” was left out: it has no unencrypted private key"));
  CHECK_THAT(warnings, Contains("“_wildcard_.bob.example” is not a domain name"));
  CHECK(root.file("etc/dovecot/sni.conf").find("broken") == std::string::npos);

  CHECK(run_ok(root, {"is_sni_supported"})["data"] == nlohmann::json::parse(R"({"sni":1})"));
  j = run_ok(root, {"mail_sni_status", "domain=bob.example"});
  CHECK(j["data"]["enabled"] == 1);
  CHECK(j["metadata"]["output"]["warnings"][0] == "Mail SNI is always enabled now.");
  expect_refused(root, {"mail_sni_status", "domain=nobody.example"}, "No account has the domain “nobody.example”.");
  expect_refused(root, {"mail_sni_status", "domain=../x"}, "domain");
  // Reloading needs the server's Dovecot configuration: a failure, after the files were written.
  j = failed(root, {"rebuild_mail_sni_config", "reload_dovecot=1"});
  CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Contains("Dovecot"));
}

TEST_CASE("set_default_dmarc_record and get_default_dmarc_record", "[mail_server]") {
  TempRoot root;
  CHECK(data_ok(root, {"get_default_dmarc_record"})["payload"]["record"] == "v=DMARC1; p=none;");
  const std::string record = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com;";
  CHECK(data_ok(root, {"set_default_dmarc_record", "record=" + record})["payload"]["success"] == 1);
  CHECK(root.file("var/cpanel/email_auth/default_dmarc_record") == record + "\n");
  CHECK(data_ok(root, {"get_default_dmarc_record"})["payload"]["record"] == record);
  // validate_current_dmarcs suggests it.
  create_account(root, "bob", "bob.example");
  CHECK(data_ok(root, {"validate_current_dmarcs", "domain=bob.example"})["payload"][0]["suggested"] == record);

  expect_refused(root, {"set_default_dmarc_record", "record=v=DMARC1; p=maybe;"}, "must be none, quarantine or reject");
  expect_refused(root, {"set_default_dmarc_record", "record=p=none"}, "must begin with “v=DMARC1”");
  CHECK(data_ok(root, {"set_default_dmarc_record", "record="})["payload"]["success"] == 1);
  CHECK_FALSE(root.exists("var/cpanel/email_auth/default_dmarc_record"));
  CHECK(data_ok(root, {"get_default_dmarc_record"})["payload"]["record"] == "v=DMARC1; p=none;");
}
