// The server's services (daemons), as cPanel's Service Manager keeps them
// (see docs/services.md):
//  * the catalogue: the services cPanel knows, each with its display name and
//    the system units that run it on a distribution (named: "named" or
//    "bind9");
//  * disabled: the touch file etc/<service>disable;
//  * monitored: a "<service>:1" line in etc/chkserv.d/chkservd.conf (":0" or
//    no line: not monitored);
//  * acting on a service (is it running, restart, stop, start): on the real
//    server (state root "/") through systemd when it is PID 1, else the
//    distribution's init scripts (`service NAME ...`); under any other state
//    root through the service table in that root,
//    etc/whmkit/services/<service>.conf, so tests drive daemons they start;
//  * the background process killer: var/cpanel/killproc.conf (process names)
//    and var/cpanel/trustedusers (users it leaves alone), one per line;
//  * services' own settings: var/cpanel/conf/<service>/main (YAML).
// This is the one place that knows how to act on a service: every caller
// (restartservice, configureservice, later the web and mail work) comes here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

inline constexpr const char* kChkservdConf = "etc/chkserv.d/chkservd.conf";
inline constexpr const char* kServiceTableDir = "etc/whmkit/services";
inline constexpr const char* kKillProcConf = "var/cpanel/killproc.conf";
inline constexpr const char* kTrustedUsers = "var/cpanel/trustedusers";
inline constexpr const char* kProcessSymbolDir = "usr/local/cpanel/etc/sym";

struct ServiceInfo {
  const char* name;                // cPanel's name ("crond")
  const char* display_name;        // as WHM's Service Manager shows it
  std::vector<const char*> units;  // system service names, first found wins ("crond", "cron")
};

// Every service, sorted by name.
const std::vector<ServiceInfo>& service_catalogue();
// The service called `name`, or nullptr.
const ServiceInfo* find_service(const std::string& name);

// What servicestatus reports for one service.
struct ServiceStatus {
  bool enabled = false, installed = false, monitored = false, running = false;
};

// The service table entry (etc/whmkit/services/<name>.conf) of a state root
// other than "/": "key=value" lines, "#" comments.
struct ServiceTableEntry {
  std::vector<std::string> start;  // argv: the words of start=, split at blanks (no shell)
  std::string pidfile;             // absolute path of the daemon's pid file
  bool foreground = false;         // start= stays in the foreground: whmkit detaches it and writes the pid file
  int port = 0;                    // a TCP port on 127.0.0.1 that answers while it runs (0: none)
  int reload_signal = 0;           // reload_signal=HUP|USR1|USR2: sent to the pid for a graceful reload (0: none)
};
// nullopt when the root has no entry for the service; ApiError naming the
// file and line when the entry cannot be used.
std::optional<ServiceTableEntry> read_service_table(const StateRoot& root, const std::string& service);

class Services {
 public:
  explicit Services(const StateRoot& root) : root_(root) {}

  bool disabled(const ServiceInfo& s) const;
  bool monitored(const ServiceInfo& s) const;
  bool installed(const ServiceInfo& s) const;
  bool running(const ServiceInfo& s) const;
  ServiceStatus status(const ServiceInfo& s) const;

  // Stage the touch file and the chkservd.conf line.
  void stage_enabled(Transaction& txn, const ServiceInfo& s, bool enabled) const;
  void stage_monitored(Transaction& txn, const ServiceInfo& s, bool monitored) const;
  // Exim on other ports (exim-altport): a chkservd definition and a
  // chkservd.conf line per port, as "exim-<port>".
  void stage_exim_altports(Transaction& txn, const std::vector<int>& ports, bool monitored) const;

  // Restart (or start) the service and wait until it answers; returns what
  // happened, for the caller's output. ApiError when it does not come back.
  std::string restart(const ServiceInfo& s) const;
  // Enabled: start it unless it runs, and wait until it answers (on "/" with
  // systemd also at boot: `systemctl enable --now`). Disabled: stop it and
  // wait until it is gone (`systemctl disable --now`).
  void apply_enabled(const ServiceInfo& s, bool enabled) const;
  // A graceful reload where the service runs (Apache finishes its requests):
  // on "/" `systemctl reload` (or `service UNIT reload`), elsewhere the
  // service table's reload_signal to its pid. Returns false when it is not
  // installed or not running (nothing to reload); ApiError when it failed.
  bool reload(const ServiceInfo& s) const;

 private:
  const StateRoot& root_;
};

// ---------------------------------------------------------------- background process killer

struct ProcessKillerConfig {
  std::vector<std::string> processes, trusted_users;
};
ProcessKillerConfig load_process_killer(const StateRoot& root);
// Checks every name (ApiError naming the parameter) and stages both files,
// sorted and without repeats, as cPanel writes them.
void stage_process_killer(const StateRoot& root, Transaction& txn, const ProcessKillerConfig& config);

// ---------------------------------------------------------------- service settings

// var/cpanel/conf/<service>/main: the settings cPanel keeps for a service
// (dovecot), a YAML mapping. Only services with such a directory, and
// dovecot, have one; ApiError for any other name.
std::string service_config_rel(const StateRoot& root, const std::string& service);
nlohmann::json load_service_config(const StateRoot& root, const std::string& service);
// Sets one top-level key the file already has (not a mapping of subkeys);
// ApiError when it has no such key.
void stage_service_config_key(const StateRoot& root, Transaction& txn, const std::string& service,
                              const std::string& key, const std::string& value);

}  // namespace whm
