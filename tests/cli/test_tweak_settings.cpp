// Tweak Settings (commands/tweak_settings.cpp): get_tweaksetting and
// set_tweaksetting on cpanel.config ("Main") and wwwacct.conf ("Basic"), the
// files cPanel keeps beside some settings, cPanel's refusals; leika_get_config.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

nlohmann::json setting(const TempRoot& root, const std::string& key, const std::string& module = "Main") {
  auto out = run_ok(root, {"get_tweaksetting", "key=" + key, "module=" + module});
  REQUIRE(out["metadata"]["result"] == 1);
  return out["data"]["tweaksetting"];
}

}  // namespace

TEST_CASE("get_tweaksetting: the file's value, else the shipped default, else none", "[tweak_settings]") {
  TempRoot root;
  // Nothing on disk: cPanel's defaults.
  CHECK(setting(root, "defaultmailaction") == nlohmann::json({{"key", "defaultmailaction"}, {"value", "localuser"}}));
  CHECK(setting(root, "proxysubdomains")["value"] == "1");
  // Undefined by default: the answer has no value.
  CHECK(setting(root, "maxemailsperhour") == nlohmann::json({{"key", "maxemailsperhour"}}));
  // The server's shipped defaults file, then cpanel.config, win over the table.
  root.write("usr/local/cpanel/etc/cpanel.config", "defaultmailaction=fail\n");
  CHECK(setting(root, "defaultmailaction")["value"] == "fail");
  root.write("var/cpanel/cpanel.config", "defaultmailaction=blackhole\nmaxemailsperhour=200\nphploader\n");
  CHECK(setting(root, "defaultmailaction")["value"] == "blackhole");
  CHECK(setting(root, "maxemailsperhour")["value"] == "200");
  CHECK_FALSE(setting(root, "phploader").contains("value"));  // a bare key: undefined
  // Basic: wwwacct.conf.
  root.write("etc/wwwacct.conf", "NS ns1.example.com\nTTL 3600\n");
  CHECK(setting(root, "NS", "Basic")["value"] == "ns1.example.com");
  CHECK(setting(root, "NSTTL", "Basic")["value"] == "86400");
  // Bad input: cPanel's wordings.
  expect_refused(root, {"get_tweaksetting", "key=no_such_setting"}, "Invalid tweaksetting key");
  expect_refused(root, {"get_tweaksetting", "key=../etc"}, "Invalid tweaksetting key");
  expect_refused(root, {"get_tweaksetting", "key=NS"}, "Invalid tweaksetting key");  // a Basic key in Main
  expect_refused(root, {"get_tweaksetting", "key=x", "module=Nope"}, "Invalid tweaksetting module");
  expect_refused(root, {"get_tweaksetting", "key=x", "module=Mail"}, "does not manage the “Mail”");
}

TEST_CASE("set_tweaksetting: a checked value in sorted cpanel.config, the cache removed", "[tweak_settings]") {
  TempRoot root;
  root.write("var/cpanel/cpanel.config", "zzz_unknown=kept\nallowremotedomains=0\n");
  root.write("var/cpanel/cpanel.config.cache", "{}");
  auto out = run_ok(root, {"set_tweaksetting", "key=allowremotedomains", "value=1"});
  CHECK(out["metadata"]["result"] == 1);
  CHECK(out["metadata"]["reason"] == "OK");
  CHECK_FALSE(out.contains("data"));
  const std::string file = root.file("var/cpanel/cpanel.config");
  CHECK_THAT(file, StartsWith("#####"));
  CHECK_THAT(file, Contains("\nallowremotedomains=1\nzzz_unknown=kept\n"));  // sorted, others kept
  CHECK_FALSE(root.exists("var/cpanel/cpanel.config.cache"));
  CHECK(setting(root, "allowremotedomains")["value"] == "1");

  // Values are normalized as cPanel stores them.
  run_ok(root, {"set_tweaksetting", "key=php_memory_limit", "value=256M"});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nphp_memory_limit=256\n"));
  run_ok(root, {"set_tweaksetting", "key=emailusers_diskusage_warn_percent", "value=75"});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nemailusers_diskusage_warn_percent=75.0000\n"));
  run_ok(root, {"set_tweaksetting", "key=dormant_services", "value=spamd,cpdavd"});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\ndormant_services=cpdavd,spamd\n"));
  // Without a value nothing changes (cPanel answers OK).
  const auto before = snapshot(root);
  run_ok(root, {"set_tweaksetting", "key=allowremotedomains"});
  CHECK(snapshot(root) == before);
}

TEST_CASE("set_tweaksetting: the files cPanel keeps beside a setting", "[tweak_settings]") {
  TempRoot root;
  run_ok(root, {"set_tweaksetting", "key=maxemailsperhour", "value=250"});
  CHECK(root.file("var/cpanel/maxemailsperhour") == "250");
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nmaxemailsperhour=250\n"));
  // Empty: undefined again (unlimited), the side file gone.
  run_ok(root, {"set_tweaksetting", "key=maxemailsperhour", "value="});
  CHECK_FALSE(root.exists("var/cpanel/maxemailsperhour"));
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nmaxemailsperhour\n"));
  // Touch files, straight and inverted.
  run_ok(root, {"set_tweaksetting", "key=nobodyspam", "value=1"});
  CHECK(root.exists("etc/webspam"));
  run_ok(root, {"set_tweaksetting", "key=nobodyspam", "value=0"});
  CHECK_FALSE(root.exists("etc/webspam"));
  run_ok(root, {"set_tweaksetting", "key=autoupdate_certificate_on_hostname_mismatch", "value=0"});
  CHECK(root.exists("var/cpanel/ssl/disable_hostname_mismatch_check"));
  // A value cPanel reads as a file's size.
  run_ok(root, {"set_tweaksetting", "key=email_send_limits_defer_cutoff", "value=150"});
  CHECK(root.file("var/cpanel/email_send_limits/defer_cutoff") == std::string(150, 'x'));
  // jailprocmode: one flag file.
  run_ok(root, {"set_tweaksetting", "key=jailprocmode", "value=mount_proc_full"});
  CHECK(root.exists("var/cpanel/conf/jail/flags/mount_proc_full"));
  run_ok(root, {"set_tweaksetting", "key=jailprocmode", "value=mount_proc_jailed_fallback_none"});
  CHECK_FALSE(root.exists("var/cpanel/conf/jail/flags/mount_proc_full"));
  CHECK(root.exists("var/cpanel/conf/jail/flags/mount_proc_jailed_fallback_none"));
}

TEST_CASE("set_tweaksetting: cPanel's refusals change nothing", "[tweak_settings]") {
  TempRoot root;
  root.write("var/cpanel/cpanel.config", "proxysubdomains=0\n");
  expect_refused(root, {"set_tweaksetting", "key=allowremotedomains", "value=yes"}, "Value must be either 0 or 1");
  expect_refused(root, {"set_tweaksetting", "key=defaultmailaction", "value=bounce"},
                 "The parameter “defaultmailaction” must be “localuser”, “fail”, or “blackhole”.");
  expect_refused(root, {"set_tweaksetting", "key=maxemailsperhour", "value=-5"}, "Value must be a natural number");
  expect_refused(root, {"set_tweaksetting", "key=gzip_compression_level", "value=12"}, "Value exceeds maximum");
  expect_refused(root, {"set_tweaksetting", "key=transfers_timeout", "value=60"}, "Value is below minimum");
  expect_refused(root, {"set_tweaksetting", "key=php_memory_limit", "value=64"},
                 "Value must be a size in Megabytes less than or equal to 16384 and at least 128");
  expect_refused(root, {"set_tweaksetting", "key=overwritecustomproxysubdomains", "value=1"},
                 "overwritecustomproxysubdomains requires proxysubdomains");
  expect_refused(root, {"set_tweaksetting", "key=dormant_services", "value=cpsrvd,sshd"}, "Value is not a valid key");
  expect_refused(root, {"set_tweaksetting", "key=apache_port", "value=80;rm"}, "Value must be in the format IP:PORT");
  expect_refused(root, {"set_tweaksetting", "key=temporary_domain_base", "value=not a domain"},
                 "Host is not a valid domain name.");
  expect_refused(root, {"set_tweaksetting", "key=logout_redirect_url", "value=a\nb"}, "");
  // Keys cPanel does not set through Tweak Settings, and unknown ones.
  expect_refused(root, {"set_tweaksetting", "key=ftpserver", "value=disabled"}, "Invalid tweaksetting key");
  expect_refused(root, {"set_tweaksetting", "key=bad key", "value=1"}, "Invalid tweaksetting key");
  // A damaged file is not rewritten.
  root.write("var/cpanel/cpanel.config", "good=1\nbad line with spaces\n");
  expect_refused(root, {"set_tweaksetting", "key=allowremotedomains", "value=1"}, "line 2");
}

TEST_CASE("set_tweaksetting: whmkit's own and the other stores' keys keep working", "[tweak_settings]") {
  TempRoot root;
  run_ok(root, {"set_tweaksetting", "key=temporary_domain_base", "value=Temp.Example.NET."});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\ntemporary_domain_base=temp.example.net\n"));
  auto made = run_ok(root, {"createacct", "username=tempuser"});
  REQUIRE(made["metadata"]["result"] == 1);
  CHECK(root.exists("var/named/tempuser.temp.example.net.db"));
  // setminimumpasswordstrengths's keys survive a Tweak Settings change.
  run_ok(root, {"setminimumpasswordstrengths", "default=30"});
  run_ok(root, {"set_tweaksetting", "key=resetpass", "value=0"});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nminpwstrength=30\n"));
  CHECK(run_ok(root, {"getminimumpasswordstrengths"})["data"]["default"] == 30);
}

TEST_CASE("set_tweaksetting: the Basic module writes wwwacct.conf", "[tweak_settings]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "# comment\nHOMEDIR /home\nNS ns1.old.example\n");
  run_ok(root, {"set_tweaksetting", "module=Basic", "key=NS", "value=NS1.Example.COM."});
  run_ok(root, {"set_tweaksetting", "module=Basic", "key=CONTACTEMAIL", "value=admin@example.com"});
  CHECK(root.file("etc/wwwacct.conf") ==
        "# comment\nHOMEDIR /home\nNS ns1.example.com\nCONTACTEMAIL admin@example.com\n");
  expect_refused(root, {"set_tweaksetting", "module=Basic", "key=ADDR", "value=300.1.1.1"},
                 "Address (300.1.1.1) is not a valid IPv4 address.");
  expect_refused(root, {"set_tweaksetting", "module=Basic", "key=HOMEDIR", "value=/nowhere"},
                 "This home directory does not exist.");
}

TEST_CASE("leika_get_config: the configuration, whole or by dotted item", "[tweak_settings]") {
  TempRoot root;
  CHECK(run_ok(root, {"leika_get_config"})["data"] == nlohmann::json::object());
  root.write("var/cpanel/leika/config.json", R"({"cpanel":{"key1":"enabled"},"webmail":{"key3":{"subkey1":2}}})");
  auto some = run_ok(root, {"leika_get_config", "item=cpanel.key1", "item=webmail.key3", "item=cpanel.nope"});
  CHECK(some["data"] == nlohmann::json::parse(R"({"cpanel.key1":"enabled","webmail.key3":{"subkey1":2},
                                                 "cpanel.nope":null})"));
  CHECK(run_ok(root, {"leika_get_config"})["data"]["webmail"]["key3"]["subkey1"] == 2);
  // Bad input: an unknown parameter with --strict.
  expect_refused(root, {"--strict", "leika_get_config", "items=x"}, "“items”");
}

TEST_CASE("restore_config_from_file and _from_upload apply a backup through the module's checks",
          "[tweak_settings][restore_config]") {
  TempRoot root;
  root.write("root/cpanel.config.bak", "# a backup\nmaxemailsperhour=200\nskipboxtrapper=1\nnosuchkey=5\n");
  auto out = run_ok(root, {"restore_config_from_file", "module=Main", "path=/root/cpanel.config.bak"});
  CHECK(out["metadata"]["reason"] == "OK");
  CHECK_THAT(out["metadata"]["output"]["warnings"][0].get<std::string>(), Contains("nosuchkey"));
  const std::string config = root.file("var/cpanel/cpanel.config");
  CHECK_THAT(config, Contains("\nmaxemailsperhour=200\n"));
  CHECK_THAT(config, Contains("\nskipboxtrapper=1\n"));
  CHECK(config.find("nosuchkey") == std::string::npos);
  CHECK(setting(root, "maxemailsperhour")["value"] == "200");

  // The same backup again changes nothing, and writes nothing.
  auto before = snapshot(root);
  auto again = run_ok(root, {"restore_config_from_file", "module=Main", "path=/root/cpanel.config.bak"});
  CHECK_THAT(again["metadata"]["output"]["warnings"].dump(), Contains("nothing was written"));
  CHECK(snapshot(root) == before);

  // Basic: "KEY value" lines, from an upload's contents or from @/path.
  run_ok(root,
         {"restore_config_from_upload", "module=Basic", "file=CONTACTEMAIL admin@example.com\nNS ns1.example.com\n"});
  CHECK_THAT(root.file("etc/wwwacct.conf"), Contains("CONTACTEMAIL admin@example.com\n"));
  root.write("root/basic.json", R"({"NS2": "ns2.example.com"})");
  run_ok(root, {"restore_config_from_upload", "module=Basic", "file=@/root/basic.json"});
  CHECK_THAT(root.file("etc/wwwacct.conf"), Contains("NS2 ns2.example.com\n"));
}

TEST_CASE("restore_config_from_file refuses a bad backup and changes nothing", "[tweak_settings][restore_config]") {
  TempRoot root;
  root.write("root/bad.json", R"({"skipboxtrapper": "1", "maxemailsperhour": "lots"})");
  root.write("root/empty.conf", "");
  root.write("root/binary.conf", std::string("a=1\0b=2\n", 8));
  auto before = snapshot(root);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"restore_config_from_file", "module=Main", "path=/root/bad.json"},
           {"restore_config_from_file", "module=Main", "path=/root/empty.conf"},
           {"restore_config_from_file", "module=Main", "path=/root/binary.conf"},
           {"restore_config_from_file", "module=Main", "path=/root/missing.conf"},
           {"restore_config_from_file", "module=Main", "path=root/bad.json"},
           {"restore_config_from_file", "module=Main", "path=/root/../etc/passwd"},
           {"restore_config_from_file", "module=Nope", "path=/root/bad.json"},
           {"restore_config_from_upload", "module=Main", "file="},
       }) {
    auto out = run(root, args).json();
    CHECK(out["metadata"]["result"] == 0);
  }
  CHECK_THAT(run(root, {"restore_config_from_file", "module=Main", "path=/root/bad.json"})
                 .json()["metadata"]["reason"]
                 .get<std::string>(),
             Contains("maxemailsperhour"));
  CHECK_THAT(run(root, {"restore_config_from_file", "module=Main", "path=/root/empty.conf"})
                 .json()["metadata"]["reason"]
                 .get<std::string>(),
             Contains("does not contain JSON, space-separated key and value pairs"));
  CHECK(snapshot(root) == before);
}
