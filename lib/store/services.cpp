#include "services.hpp"

#include "dry_run.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "damage.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "notices.hpp"
#include "process.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

}  // namespace

// Display names: WHM's Service Manager. Units: the names Debian/Ubuntu and
// RHEL-family distributions give the same daemon.
const std::vector<ServiceInfo>& service_catalogue() {
  static const std::vector<ServiceInfo> services = {
      {"apache_php_fpm", "PHP-FPM service for Apache", {"php-fpm"}},
      {"clamd", "ClamAV Daemon", {"clamd", "clamav-daemon"}},
      {"cpanel-dovecot-solr", "Dovecot Full-Text Search (Solr)", {"cpanel-dovecot-solr"}},
      {"cpanel_php_fpm", "PHP-FPM service for cPanel Daemons", {"cpanel_php_fpm"}},
      {"cpanellogd", "cPanel Log and Bandwidth Processor", {"cpanellogd"}},
      {"cpdavd", "cPanel DAV Daemon", {"cpdavd"}},
      {"cpgreylistd", "cPanel Greylisting Daemon", {"cpgreylistd"}},
      {"cphulkd", "cPHulk Brute Force Protection", {"cphulkd"}},
      {"cpsrvd", "cPanel Daemon", {"cpanel"}},
      {"crond", "Cron Daemon", {"crond", "cron"}},
      {"dnsadmin", "cPanel DNS Admin Cache", {"dnsadmin"}},
      {"exim", "Exim Mail Server", {"exim", "exim4"}},
      {"exim-altport", "Exim Mail Server (on another port)", {"exim-altport"}},
      {"ftpd", "FTP Server", {"pure-ftpd", "proftpd"}},
      {"httpd", "Apache Web Server", {"httpd", "apache2"}},
      {"imap", "IMAP Server", {"dovecot"}},
      {"ipaliases", "IP Aliases", {"ipaliases"}},
      {"lmtp", "Dovecot LMTP Server", {"dovecot"}},
      {"mailman", "Mailman", {"mailman"}},
      {"mysql", "Database Server", {"mysqld", "mysql", "mariadb"}},
      {"named", "DNS Server", {"named", "bind9"}},
      {"nscd", "Name Service Cache Daemon", {"nscd"}},
      {"p0f", "Passive OS Fingerprinting Service", {"p0f"}},
      {"pop", "POP3 Server", {"dovecot"}},
      {"postgresql", "PostgreSQL Server", {"postgresql"}},
      {"queueprocd", "TaskQueue Processor", {"queueprocd"}},
      {"rsyslogd", "rsyslog System Logger Daemon", {"rsyslog"}},
      {"spamd", "Apache SpamAssassin™", {"spamd", "spamassassin"}},
      {"sshd", "SSH Daemon", {"sshd", "ssh"}},
      {"syslogd", "System Logger Daemon", {"syslog"}},
      {"tailwatchd", "TailWatch Daemon", {"tailwatchd"}},
  };
  return services;
}

const ServiceInfo* find_service(const std::string& name) {
  for (const auto& s : service_catalogue())
    if (name == s.name) return &s;
  return nullptr;
}

// ---------------------------------------------------------------- processes

namespace {

// Runs argv in a session of its own with /dev/null for its standard files and
// none of ours (a daemon it starts must not keep the state lock open), without
// a shell. Returns its pid once it has exec'd (so /proc shows the program, not
// a copy of us), or -1 when it could not be run.
pid_t spawn_detached(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int exec_report[2];  // closed by a successful exec; carries errno otherwise
  if (::pipe2(exec_report, O_CLOEXEC) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    ::dup3(exec_report[1], 3, O_CLOEXEC);
    if (::close_range(4, ~0U, 0) != 0)  // kernels before 5.9
      for (int fd = 4; fd < 65536; ++fd) ::close(fd);
    ::execvp(args[0], args.data());
    int err = errno;
    (void)!::write(3, &err, sizeof err);
    ::_exit(127);
  }
  ::close(exec_report[1]);
  int err = 0;
  ssize_t n;
  while ((n = ::read(exec_report[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(exec_report[0]);
  if (pid > 0 && n > 0) {  // exec failed: reap the child, report nothing started
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return -1;
  }
  return pid;
}

// Runs argv as spawn_detached does and waits for it: its exit status, or -1.
int run_detached(const std::vector<std::string>& argv) {
  pid_t pid = spawn_detached(argv);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A live process (not a zombie left for a parent to reap).
bool alive(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  size_t close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return false;
  char state = (*stat)[close + 2];
  return state != 'Z' && state != 'X';
}

std::optional<pid_t> pid_in_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  auto pid = parse_int(trim(*text));
  if (!pid || *pid <= 1 || *pid > 0x3fffffff) return std::nullopt;
  return static_cast<pid_t>(*pid);
}

// Whether something accepts TCP connections on 127.0.0.1:port (within a second).
bool port_answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    ok = ::poll(&p, 1, 1000) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
  }
  ::close(fd);
  return ok;
}

// Polls `done` every 100 ms for up to `seconds`.
bool wait_until(const std::function<bool()>& done, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// SIGTERM, and SIGKILL if it is still there after ten seconds.
void terminate(pid_t pid) {
  ::kill(pid, SIGTERM);
  if (wait_until([&] { return !alive(pid); }, 10)) return;
  ::kill(pid, SIGKILL);
  wait_until([&] { return !alive(pid); }, 5);
}

// "named (/usr/sbin/named -c /etc/named.conf) is running as root with PID 123."
std::string describe_process(const std::string& name, pid_t pid) {
  std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline").value_or("");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  std::string user = "an unknown user";
  if (auto status = read_file("/proc/" + std::to_string(pid) + "/status"))
    for (const auto& line : split(*status, '\n'))
      if (starts_with(line, "Uid:")) {
        auto uid = parse_int(trim(split(trim(line.substr(4)), '\t')[0]));
        if (uid)
          if (const passwd* pw = ::getpwuid(static_cast<uid_t>(*uid))) user = pw->pw_name;
      }
  return name + " (" + trim(cmdline) + ") is running as " + user + " with PID " + std::to_string(pid) + ".";
}

std::string restarted_text(const std::string& name, const std::string& status_line) {
  return "Waiting for " + in_quotes(name) + " to restart …finished.\n\n" + status_line + "\n\n" + in_quotes(name) +
         " restarted successfully.\n";
}

}  // namespace

// ---------------------------------------------------------------- the service table

std::optional<ServiceTableEntry> read_service_table(const StateRoot& root, const std::string& service) {
  std::string rel = std::string(kServiceTableDir) + "/" + service + ".conf";
  auto text = root.read(rel);
  if (!text) return std::nullopt;
  FileProblems problems;
  KeyValues kv = parse_key_values(*text, '=', &problems);
  auto unusable = [&](const std::string& why) {
    return ApiError("The service table entry " + in_quotes(server_path(rel)) + " cannot be used: " + why);
  };
  if (!problems.empty()) throw unusable(problems.front() + ".");
  ServiceTableEntry e;
  for (const auto& word : split(kv["start"], ' '))
    if (!trim(word).empty()) e.start.push_back(trim(word));
  if (e.start.empty()) throw unusable("it has no “start” command.");
  e.pidfile = trim(kv["pidfile"]);
  if (plain_absolute_path_error(e.pidfile)) throw unusable("“pidfile” is not an absolute path.");
  e.foreground = trim(kv["foreground"]) == "1";
  if (std::string port = trim(kv["port"]); !port.empty()) {
    auto n = parse_int(port);
    if (!n || *n < 1 || *n > 65535) throw unusable("“port” is not a port number.");
    e.port = static_cast<int>(*n);
  }
  if (std::string sig = trim(kv["reload_signal"]); !sig.empty()) {
    if (sig == "HUP")
      e.reload_signal = SIGHUP;
    else if (sig == "USR1")
      e.reload_signal = SIGUSR1;
    else if (sig == "USR2")
      e.reload_signal = SIGUSR2;
    else
      throw unusable("“reload_signal” is not HUP, USR1 or USR2.");
  }
  return e;
}

namespace {

// The real server: is systemd PID 1 (sd_booted's test), and the unit of a service.
bool systemd_runs(const StateRoot& root) { return root.exists("run/systemd/system"); }

std::optional<std::string> system_unit(const StateRoot& root, const ServiceInfo& s) {
  for (const char* unit : s.units) {
    std::string u = unit;
    for (const char* dir :
         {"etc/systemd/system/", "run/systemd/system/", "lib/systemd/system/", "usr/lib/systemd/system/"})
      if (root.exists(dir + u + ".service")) return u;
    if (root.exists("etc/init.d/" + u)) return u;
  }
  return std::nullopt;
}

// `systemctl VERB UNIT` where systemd runs, else `service UNIT VERB`.
int system_service_command(const StateRoot& root, const std::string& unit, const std::vector<std::string>& verb) {
  std::vector<std::string> argv;
  if (systemd_runs(root)) {
    argv = {"systemctl"};
    argv.insert(argv.end(), verb.begin(), verb.end());
    argv.push_back(unit);
  } else {
    argv = {"service", unit};
    argv.insert(argv.end(), verb.begin(), verb.end());
  }
  return run_detached(argv);
}

bool table_running(const ServiceTableEntry& e) {
  auto pid = pid_in_file(e.pidfile);
  return pid && alive(*pid) && (e.port == 0 || port_answers(e.port));
}

// Starts the table's command; a foreground daemon gets its pid file from us.
// Returns the foreground daemon's pid (our child until we exit), else 0.
pid_t table_launch(const std::string& name, const ServiceTableEntry& e) {
  if (e.foreground) {
    pid_t pid = spawn_detached(e.start);
    if (pid < 0) throw ApiError("The service " + in_quotes(name) + " could not be started.");
    atomic_write_file(e.pidfile, std::to_string(pid) + "\n", 0644);
    return pid;
  }
  if (int status = run_detached(e.start); status != 0)
    throw ApiError("The service " + in_quotes(name) + " could not be started: its start command exited with status " +
                   std::to_string(status) + ".");
  return 0;
}

// Waits until the table's daemon runs (a live pid other than `old` in its pid
// file, its port answering); gives up at once if the foreground child died.
std::optional<pid_t> wait_for_daemon(const ServiceTableEntry& e, pid_t child, std::optional<pid_t> old) {
  std::optional<pid_t> now;
  bool child_died = false;
  bool up = wait_until(
      [&] {
        int status = 0;
        if (child > 0 && ::waitpid(child, &status, WNOHANG) == child) return child_died = true;
        now = pid_in_file(e.pidfile);
        return now && now != old && alive(*now) && (e.port == 0 || port_answers(e.port));
      },
      20);
  if (!up || child_died) return std::nullopt;
  return now;
}

std::string chkservd_key(std::string_view line) {
  size_t colon = line.find(':');
  return trim(colon == std::string_view::npos ? line : line.substr(0, colon));
}

// chkservd.conf with `name`'s line set to "name:1" or "name:0" (appended when
// it has none, or removed with `keep` false); every other line as it was.
std::string with_chkservd_line(const std::string& text, const std::string& name, bool on, bool keep = true) {
  std::string out;
  bool found = false;
  for_each_line(text, [&](std::string_view line) {
    if (chkservd_key(line) == name) {
      if (keep && !found) out += name + (on ? ":1\n" : ":0\n");
      found = true;
    } else {
      out.append(line.data(), line.size()).push_back('\n');
    }
  });
  if (!found && keep) out += name + (on ? ":1\n" : ":0\n");
  return out;
}

}  // namespace

// ---------------------------------------------------------------- Services

bool Services::disabled(const ServiceInfo& s) const { return root_.exists("etc/" + std::string(s.name) + "disable"); }

bool Services::monitored(const ServiceInfo& s) const {
  bool on = false;
  if (auto text = root_.read(kChkservdConf))
    for_each_line(*text, [&](std::string_view line) {
      size_t colon = line.find(':');
      if (colon != std::string_view::npos && chkservd_key(line) == s.name) on = trim(line.substr(colon + 1)) == "1";
    });
  return on;
}

bool Services::installed(const ServiceInfo& s) const {
  if (root_.is_system_root()) return system_unit(root_, s).has_value();
  return read_service_table(root_, s.name).has_value();
}

bool Services::running(const ServiceInfo& s) const {
  if (root_.is_system_root()) {
    auto unit = system_unit(root_, s);
    if (!unit) return false;
    return systemd_runs(root_) ? system_service_command(root_, *unit, {"is-active", "--quiet"}) == 0
                               : system_service_command(root_, *unit, {"status"}) == 0;
  }
  auto entry = read_service_table(root_, s.name);
  return entry && table_running(*entry);
}

ServiceStatus Services::status(const ServiceInfo& s) const {
  ServiceStatus st;
  st.enabled = !disabled(s);
  st.monitored = monitored(s);
  try {
    st.installed = installed(s);
    st.running = st.installed && running(s);
  } catch (const ApiError& e) {  // a table entry that cannot be used: there, not running
    add_notice(e.what());
    st.installed = true;
  }
  return st;
}

void Services::stage_enabled(Transaction& txn, const ServiceInfo& s, bool enabled) const {
  std::string flag = "etc/" + std::string(s.name) + "disable";
  if (enabled && txn.exists(flag)) txn.remove(flag);
  if (!enabled) txn.write(flag, "", 0644);
}

void Services::stage_monitored(Transaction& txn, const ServiceInfo& s, bool monitored) const {
  txn.write(kChkservdConf, with_chkservd_line(txn.read(kChkservdConf).value_or(""), s.name, monitored), 0644);
}

void Services::stage_exim_altports(Transaction& txn, const std::vector<int>& ports, bool monitored) const {
  std::string conf = txn.read(kChkservdConf).value_or("");
  std::set<std::string> wanted;
  for (int port : ports) wanted.insert("exim-" + std::to_string(port));
  // Ports no longer listed lose their definition and their line.
  for (const auto& file : root_.list_dir("etc/chkserv.d"))
    if (starts_with(file, "exim-") && is_digits(file.substr(5)) && !wanted.count(file)) {
      txn.remove("etc/chkserv.d/" + file);
      conf = with_chkservd_line(conf, file, false, false);
    }
  for (int port : ports) {
    std::string name = "exim-" + std::to_string(port), p = std::to_string(port);
    txn.write("etc/chkserv.d/" + name,
              "service[" + name + "]=" + p + ",QUIT,220,/usr/local/cpanel/scripts/restartsrv_exim\n", 0644);
    conf = with_chkservd_line(conf, name, monitored);
  }
  txn.write(kChkservdConf, conf, 0644);
}

std::string Services::restart(const ServiceInfo& s) const {
  const std::string name = s.name;
  if (skipped_by_dry_run("restart " + name)) return restarted_text(name, name + " would be restarted.");
  auto not_installed = [&] { return ApiError("The service " + in_quotes(name) + " is not installed on this server."); };
  if (root_.is_system_root()) {
    auto unit = system_unit(root_, s);
    if (!unit) throw not_installed();
    if (system_service_command(root_, *unit, {"restart"}) != 0 || !running(s))
      throw ApiError("The service " + in_quotes(name) + " failed to restart.");
    std::string line = name + " (" + *unit + ") is running.";
    if (systemd_runs(root_))
      if (auto pid =
              parse_int(trim(run_capture({"systemctl", "show", "-p", "MainPID", "--value", *unit}).value_or(""))))
        if (*pid > 1) line = describe_process(name, static_cast<pid_t>(*pid));
    return restarted_text(name, line);
  }
  auto entry = read_service_table(root_, name);
  if (!entry) throw not_installed();
  std::optional<pid_t> old = pid_in_file(entry->pidfile);
  if (old && alive(*old)) terminate(*old);
  auto now = wait_for_daemon(*entry, table_launch(name, *entry), old);
  if (!now) throw ApiError("The service " + in_quotes(name) + " did not come back after the restart.");
  return restarted_text(name, describe_process(name, *now));
}

void Services::apply_enabled(const ServiceInfo& s, bool enabled) const {
  const std::string name = s.name;
  if (skipped_by_dry_run((enabled ? "start " : "stop ") + name)) return;
  if (root_.is_system_root()) {
    auto unit = system_unit(root_, s);
    if (!unit) return;  // nothing to start or stop
    int status = systemd_runs(root_) ? system_service_command(root_, *unit, {enabled ? "enable" : "disable", "--now"})
                                     : system_service_command(root_, *unit, {enabled ? "start" : "stop"});
    if (status != 0)
      throw ApiError("The service " + in_quotes(name) + " could not be " + (enabled ? "started." : "stopped."));
    return;
  }
  auto entry = read_service_table(root_, name);
  if (!entry) return;
  if (!enabled) {
    if (auto pid = pid_in_file(entry->pidfile); pid && alive(*pid)) terminate(*pid);
    return;
  }
  if (table_running(*entry)) return;
  if (!wait_for_daemon(*entry, table_launch(name, *entry), std::nullopt))
    throw ApiError("The service " + in_quotes(name) + " did not start.");
}

bool Services::reload(const ServiceInfo& s) const {
  const std::string name = s.name;
  if (skipped_by_dry_run("reload " + name)) return true;
  if (root_.is_system_root()) {
    auto unit = system_unit(root_, s);
    if (!unit || !running(s)) return false;
    if (system_service_command(root_, *unit, {"reload"}) != 0)
      throw ApiError("The service " + in_quotes(name) + " failed to reload.");
    return true;
  }
  auto entry = read_service_table(root_, name);
  if (!entry || !table_running(*entry)) return false;
  if (entry->reload_signal == 0) {
    restart(s);
    return true;
  }
  auto pid = pid_in_file(entry->pidfile);
  if (!pid || ::kill(*pid, entry->reload_signal) != 0)
    throw ApiError("The service " + in_quotes(name) + " failed to reload.");
  return true;
}

// ---------------------------------------------------------------- background process killer

namespace {

std::vector<std::string> listed_names(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (text)
    for_each_line(*text, [&](std::string_view line) {
      if (std::string name = trim(line); !name.empty()) out.push_back(name);
    });
  return out;
}

std::string sorted_lines(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) out += n + "\n";
  return out;
}

bool is_process_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+'; });
}

// A system user's name as useradd takes it.
bool is_system_username(const std::string& name) {
  if (name.empty() || name.size() > 32 || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

ProcessKillerConfig load_process_killer(const StateRoot& root) {
  return {listed_names(root.read(kKillProcConf)), listed_names(root.read(kTrustedUsers))};
}

void stage_process_killer(const StateRoot& root, Transaction& txn, const ProcessKillerConfig& config) {
  // The processes cPanel knows how to find: one "<name>.sym" file each.
  std::optional<std::set<std::string>> known;
  if (root.exists(kProcessSymbolDir)) {
    known.emplace();
    for (const auto& file : root.list_dir(kProcessSymbolDir))
      if (file[0] != '.') known->insert(ends_with(file, ".sym") ? file.substr(0, file.size() - 4) : file);
  }
  for (const auto& p : config.processes) {
    if (!is_process_name(p)) throw invalid_param("processes_to_kill", in_quotes(p) + " is not a process name.");
    if (known && !known->count(p))
      throw invalid_param("processes_to_kill",
                          in_quotes(p) + " is not a process in " + server_path(kProcessSymbolDir) + ".");
  }
  for (const auto& u : config.trusted_users)
    if (!is_system_username(u)) throw invalid_param("trusted_users", in_quotes(u) + " is not a valid username.");
  txn.write(kKillProcConf, sorted_lines(config.processes), 0644);
  txn.write(kTrustedUsers, sorted_lines(config.trusted_users), 0644);
}

// ---------------------------------------------------------------- service settings

namespace {

// What a fresh server's dovecot settings hold before the mail server
// configuration is first saved (the reference: "only the list of protocols").
nlohmann::json default_service_config(const std::string& service) {
  if (service == "dovecot") return {{"protocols", "imap pop3"}};
  return nlohmann::json::object();
}

}  // namespace

std::string service_config_rel(const StateRoot& root, const std::string& service) {
  bool safe = !service.empty() && service.size() <= 64 && service[0] != '.' &&
              std::all_of(service.begin(), service.end(), [](unsigned char c) {
                return std::islower(c) || std::isdigit(c) || c == '_' || c == '-' || c == '.';
              });
  std::string dir = "var/cpanel/conf/" + service;
  if (!safe || (service != "dovecot" && !root.exists(dir)))
    throw invalid_param("service", in_quotes(service) + " is not a service with settings in /var/cpanel/conf.");
  return dir + "/main";
}

nlohmann::json load_service_config(const StateRoot& root, const std::string& service) {
  std::string rel = service_config_rel(root, service);
  auto text = root.read(rel);
  if (!text) return default_service_config(service);
  if (FileProblems problems = yaml_mapping_problems(*text); !problems.empty()) {
    add_notice(damage_summary(rel, problems));
    return nlohmann::json::object();
  }
  auto doc = yaml_to_json(*text);
  return doc.is_object() ? doc : nlohmann::json::object();
}

void stage_service_config_key(const StateRoot& root, Transaction& txn, const std::string& service,
                              const std::string& key, const std::string& value) {
  std::string rel = service_config_rel(root, service);
  check_single_line("value", value);
  nlohmann::json doc = default_service_config(service);
  if (auto text = txn.read(rel)) {
    refuse_if_damaged(rel, yaml_mapping_problems(*text));
    doc = yaml_to_json(*text);
    if (!doc.is_object()) doc = nlohmann::json::object();
  }
  auto it = doc.find(key);
  if (it == doc.end())
    throw invalid_param("key", "the service " + in_quotes(service) + " has no setting " + in_quotes(key) + " in " +
                                   server_path(rel) + ".");
  if (it->is_object() || it->is_array())
    throw invalid_param("key", in_quotes(key) + " holds subkeys, which this function does not change.");
  // A plain integer is stored as one, as cPanel's YAML writer does.
  bool integer = !value.empty() && is_digits(value) && (value == "0" || value[0] != '0') && value.size() < 16;
  *it = integer ? nlohmann::json(*parse_int(value)) : nlohmann::json(value);
  txn.write(rel, syck_dump(doc), 0644);
}

}  // namespace whm
