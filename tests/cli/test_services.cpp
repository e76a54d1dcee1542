// The Services functions (commands/services.cpp) on a temporary root: each
// one's output and the files it writes, and bad input that changes nothing.
// Acting on a daemon goes through the root's service table; here the
// "daemon" is a sleep(1) whmkit starts in the foreground (the real daemons
// are in tests/shell/test_services.sh).
#include <signal.h>

#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

nlohmann::json status_of(const TempRoot& root, const std::string& service) {
  auto out = run_ok(root, {"servicestatus", "service=" + service});
  REQUIRE(out["data"]["service"].size() == 1);
  return out["data"]["service"][0];
}

// A service table entry whose daemon is `sleep 600`, detached by whmkit;
// the sleeps still running are ended when the test is over.
struct SleepDaemon {
  const TempRoot& root;
  std::string service, pidfile;
  SleepDaemon(const TempRoot& r, std::string name) : root(r), service(std::move(name)) {
    pidfile = root.path + "/" + service + ".pid";
    root.write("etc/whmkit/services/" + service + ".conf",
               "# a stand-in daemon\nstart=sleep 600\npidfile=" + pidfile + "\nforeground=1\n");
  }
  long pid() const { return std::atol(root.file(service + ".pid").c_str()); }
  ~SleepDaemon() {
    if (pid() > 1) ::kill(static_cast<pid_t>(pid()), SIGKILL);
  }
};

bool process_runs(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("servicestatus: every service cPanel knows, or one", "[services]") {
  TempRoot root;
  auto all = run_ok(root, {"servicestatus"})["data"]["service"];
  REQUIRE(all.size() == 31);
  CHECK(all[0]["name"] == "apache_php_fpm");
  auto cron = status_of(root, "crond");
  // The reference's sample item, for a server whose service table does not list it.
  CHECK(cron ==
        nlohmann::json::parse(
            R"({"display_name":"Cron Daemon","enabled":1,"installed":0,"monitored":0,"name":"crond","running":0})"));
  root.write("etc/chkserv.d/chkservd.conf", "exim:1\ncrond:1\nnamed:0\n");
  root.write("etc/cronddisable", "");
  cron = status_of(root, "crond");
  CHECK(cron["monitored"] == 1);
  CHECK(cron["enabled"] == 0);
  CHECK(status_of(root, "named")["monitored"] == 0);
  expect_refused(root, {"servicestatus", "service=nosuchd"}, "there is no service named “nosuchd”");
}

TEST_CASE("configureservice: the disable touch file and chkservd.conf", "[services]") {
  TempRoot root;
  root.write("etc/chkserv.d/chkservd.conf", "# kept\nexim:1\nnamed:0\n");
  auto out = run_ok(root, {"configureservice", "service=named", "enabled=0", "monitored=1"});
  CHECK(out["metadata"]["reason"] == "Disabled named. Enabled monitoring for named.");
  CHECK(root.exists("etc/nameddisable"));
  CHECK(root.file("etc/chkserv.d/chkservd.conf") == "# kept\nexim:1\nnamed:1\n");
  auto named = status_of(root, "named");
  CHECK(named["enabled"] == 0);
  CHECK(named["monitored"] == 1);

  CHECK(run_ok(root, {"configureservice", "service=named", "enabled=1"})["metadata"]["reason"] == "Enabled named.");
  CHECK_FALSE(root.exists("etc/nameddisable"));
  CHECK(run_ok(root, {"configureservice", "service=mysql", "monitored=0"})["metadata"]["reason"] ==
        "Disabled monitoring for mysql.");
  CHECK(root.file("etc/chkserv.d/chkservd.conf") == "# kept\nexim:1\nnamed:1\nmysql:0\n");

  // Exim on other ports: a chkservd definition and line each; a port no longer listed goes.
  run_ok(root, {"configureservice", "service=exim-altport", "monitored=1", "exim-altportnum=26, 2525"});
  CHECK(root.file("etc/chkserv.d/exim-2525") ==
        "service[exim-2525]=2525,QUIT,220,/usr/local/cpanel/scripts/restartsrv_exim\n");
  CHECK(root.exists("etc/chkserv.d/exim-26"));
  CHECK_THAT(root.file("etc/chkserv.d/chkservd.conf"), Contains("exim-26:1\nexim-2525:1\n"));
  run_ok(root, {"configureservice", "service=exim-altport", "exim-altportnum=2525"});
  CHECK_FALSE(root.exists("etc/chkserv.d/exim-26"));
  CHECK(root.file("etc/chkserv.d/chkservd.conf").find("exim-26:") == std::string::npos);

  // Bad input changes nothing.
  expect_refused(root, {"configureservice", "service=nosuchd", "enabled=1"}, "service");
  expect_refused(root, {"configureservice", "service=named", "enabled=2"}, "enabled");
  expect_refused(root, {"configureservice", "service=cpsrvd", "enabled=0"}, "cannot be disabled");
  expect_refused(root, {"configureservice", "service=exim-altport", "exim-altportnum=26,70000"},
                 "“70000” is not a port");
}

TEST_CASE("restartservice and configureservice drive the service table's daemon", "[services]") {
  TempRoot root;
  SleepDaemon cron(root, "crond");
  auto before = status_of(root, "crond");
  CHECK(before["installed"] == 1);
  CHECK(before["running"] == 0);

  run_ok(root, {"configureservice", "service=crond", "enabled=1"});  // starts it
  long first = cron.pid();
  REQUIRE(first > 1);
  CHECK(process_runs(first));
  CHECK(status_of(root, "crond")["running"] == 1);

  auto out = run_ok(root, {"restartservice", "service=crond"});
  CHECK(out["data"]["service"] == "crond");
  long second = cron.pid();
  CHECK(second != first);
  CHECK(process_runs(second));
  CHECK_FALSE(process_runs(first));
  CHECK_THAT(out["data"]["output"].get<std::string>(),
             Contains("crond (sleep 600) is running as root with PID " + std::to_string(second) + "."));
  CHECK(out["metadata"]["output"].is_null());

  // queue_task=1: no task queue, said so.
  auto queued = run_ok(root, {"restartservice", "service=crond", "queue_task=1"});
  CHECK_THAT(queued["metadata"]["output"]["warnings"].dump(), Contains("no task queue"));

  // Disabled: stopped; restartservice refuses it.
  long running = cron.pid();
  run_ok(root, {"configureservice", "service=crond", "enabled=0"});
  CHECK_FALSE(process_runs(running));
  CHECK(status_of(root, "crond")["running"] == 0);
  expect_refused(root, {"restartservice", "service=crond"}, "“crond” is disabled");
  expect_refused(root, {"restartservice", "service=exim"}, "“exim” is not installed");
  expect_refused(root, {"restartservice", "service=nosuchd"}, "there is no service named");
  expect_refused(root, {"restartservice"}, "service");
}

TEST_CASE("restartservice: a broken service table entry is named", "[services]") {
  TempRoot root;
  root.write("etc/whmkit/services/named.conf", "start=\npidfile=/tmp/x.pid\n");
  expect_refused(root, {"restartservice", "service=named"}, "has no “start” command");
  root.write("etc/whmkit/services/named.conf", "start=named\npidfile=relative.pid\n");
  expect_refused(root, {"restartservice", "service=named"}, "“pidfile” is not an absolute path");
  // servicestatus still lists it: there, not running, and why.
  auto out = run_ok(root, {"servicestatus", "service=named"});
  CHECK(out["data"]["service"][0]["installed"] == 1);
  CHECK(out["data"]["service"][0]["running"] == 0);
  CHECK_THAT(out["metadata"]["output"]["warnings"].dump(), Contains("cannot be used"));
}

TEST_CASE("restartservice and configureservice: the clustering privilege acts on named only", "[services]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  expect_refused(root, {"--user=alice", "configureservice", "service=named", "monitored=1"}, "“clustering” privilege");
  run_ok(root, {"setacls", "reseller=alice", "acl-clustering=1"});
  run_ok(root, {"--user=alice", "configureservice", "service=named", "monitored=1"});
  CHECK(root.file("etc/chkserv.d/chkservd.conf") == "named:1\n");
  expect_refused(root, {"--user=alice", "configureservice", "service=exim", "monitored=1"},
                 "only on the “named” service");
  expect_refused(root, {"--user=alice", "restartservice", "service=sshd"}, "only on the “named” service");
  expect_refused(root, {"--user=alice", "servicestatus"}, "“all” privilege");
}

TEST_CASE("enable_monitor_all_enabled_services: every installed, enabled service", "[services]") {
  TempRoot root;
  SleepDaemon cron(root, "crond");
  SleepDaemon ssh(root, "sshd");
  SleepDaemon named(root, "named");
  root.write("etc/nameddisable", "");
  root.write("etc/chkserv.d/chkservd.conf", "sshd:1\nexim:0\n");
  auto out = run_ok(root, {"enable_monitor_all_enabled_services"});
  CHECK(out["data"]["services"] ==
        nlohmann::json::parse(R"([{"monitored":1,"service":"crond"},{"monitored":1,"service":"sshd"}])"));
  CHECK(root.file("etc/chkserv.d/chkservd.conf") == "sshd:1\nexim:0\ncrond:1\n");
  expect_refused(root, {"--strict", "enable_monitor_all_enabled_services", "service=named"}, "“service”");
}

TEST_CASE("configurebackgroundprocesskiller: killproc.conf and trustedusers", "[services]") {
  TempRoot root;
  auto out =
      run_ok(root, {"configurebackgroundprocesskiller", "processes_to_kill=psyBNC", "processes_to_kill-1=eggdrop",
                    "processes_to_kill-2=eggdrop", "trusted_users=bob", "trusted_users-1=alice"});
  CHECK(out["metadata"]["reason"] == "OK");
  CHECK(root.file("var/cpanel/killproc.conf") == "eggdrop\npsyBNC\n");
  CHECK(root.file("var/cpanel/trustedusers") == "alice\nbob\n");
  // No trusted users: the killer affects every user.
  run_ok(root, {"configurebackgroundprocesskiller", "processes_to_kill=ircd"});
  CHECK(root.file("var/cpanel/killproc.conf") == "ircd\n");
  CHECK(root.file("var/cpanel/trustedusers") == "");

  // Where cPanel's symbol files are, only the processes they describe.
  root.write("usr/local/cpanel/etc/sym/eggdrop.sym", "");
  run_ok(root, {"configurebackgroundprocesskiller", "processes_to_kill=eggdrop"});
  expect_refused(root, {"configurebackgroundprocesskiller", "processes_to_kill=bnc"},
                 "“bnc” is not a process in /usr/local/cpanel/etc/sym");
  expect_refused(root, {"configurebackgroundprocesskiller", "processes_to_kill=../etc"}, "processes_to_kill");
  expect_refused(root, {"configurebackgroundprocesskiller", "processes_to_kill=eggdrop", "trusted_users=Bad User"},
                 "“Bad User” is not a valid username");
  expect_refused(root, {"configurebackgroundprocesskiller"}, "processes_to_kill");
}

TEST_CASE("get_service_config, get_service_config_key, set_service_config_key", "[services]") {
  TempRoot root;
  // A fresh server: only the protocols.
  CHECK(run_ok(root, {"get_service_config", "service=dovecot"})["data"] ==
        nlohmann::json::parse(R"({"protocols":"imap pop3"})"));
  root.write("var/cpanel/conf/dovecot/main",
             "---\nmail_process_size: 512\nprotocol_pop3:\n  mail_max_userip_connections: 3\nprotocols: imap pop3\n"
             "ssl_min_protocol: TLSv1.2\n");
  auto config = run_ok(root, {"get_service_config", "service=dovecot"})["data"];
  CHECK(config["mail_process_size"] == 512);
  CHECK(config["protocol_pop3"]["mail_max_userip_connections"] == 3);
  CHECK(run_ok(root, {"get_service_config_key", "service=dovecot", "key=ssl_min_protocol"})["data"] ==
        nlohmann::json::parse(R"({"ssl_min_protocol":"TLSv1.2"})"));
  CHECK(run_ok(root, {"get_service_config_key", "service=dovecot", "key=nosuch"})["data"]["nosuch"].is_null());

  auto set = run_ok(root, {"set_service_config_key", "service=dovecot", "key=mail_process_size", "value=1024"});
  CHECK(set["metadata"]["reason"] == "Succeeded");
  CHECK_THAT(root.file("var/cpanel/conf/dovecot/main"), Contains("mail_process_size: 1024\n"));
  run_ok(root, {"set_service_config_key", "service=dovecot", "key=ssl_min_protocol", "value=TLSv1.3"});
  CHECK(run_ok(root, {"get_service_config_key", "service=dovecot",
                      "key=ssl_min_protocol"})["data"]["ssl_min_protocol"] == "TLSv1.3");
  CHECK(run_ok(root, {"get_service_config", "service=dovecot"})["data"]["mail_process_size"] == 1024);

  // Another service with settings of its own.
  root.write("var/cpanel/conf/exim/main", "---\nsmtp_receive_timeout: 60\n");
  CHECK(run_ok(root, {"get_service_config_key", "service=exim",
                      "key=smtp_receive_timeout"})["data"]["smtp_receive_timeout"] == 60);

  // Bad input changes nothing.
  expect_refused(root, {"set_service_config_key", "service=dovecot", "key=nosuch", "value=1"},
                 "has no setting “nosuch”");
  expect_refused(root, {"set_service_config_key", "service=dovecot", "key=protocol_pop3", "value=1"}, "subkeys");
  expect_refused(root, {"set_service_config_key", "service=dovecot", "key=protocols", "value=imap\npop3"},
                 "control character");
  expect_refused(root, {"get_service_config", "service=../../etc"}, "service");
  expect_refused(root, {"get_service_config", "service=nosuchd"}, "not a service with settings");
  expect_refused(root, {"set_service_config_key", "service=dovecot", "key=protocols"}, "value");
}
