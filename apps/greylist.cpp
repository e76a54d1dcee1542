// whmkit-greylist: cPanel's greylisting daemon (cpgreylistd). Exim's RCPT
// ACL sends it one line on a Unix socket,
//   "should_defer <sender ip> <sender> <recipient>\n"
// (a space inside a field sent as \x01, as cPanel's ACL does) and defers the
// recipient when the answer is "yes" (docs/greylisting.md). A daemon, not a
// program Exim runs (${run}): the ACL runs as Exim's user, which can neither
// take the state lock nor write the database; the daemon runs as root and
// records each decision through a Transaction like any other change.
//
// As cpgreylistd does it: a child process per request (at most
// max_child_procs at once, each killed after child_timeout_secs), old
// triplets purged every purge_interval_mins, the socket 0660 root:mail.
//
//   whmkit-greylist [--root R] --socket PATH [--pid-file F] [--log F] [--foreground]
//   whmkit-greylist [--root R] should_defer IP SENDER RECIPIENT   one request, the answer on stdout
//   whmkit-greylist [--root R] purge_old_records
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "greylist.hpp"
#include "util.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;
std::string g_log;

void log_line(const std::string& text) {
  if (g_log.empty()) return;
  std::ofstream out(g_log, std::ios::app);
  out << "[" << whm::format_time(whm::now(), "%Y-%m-%d %H:%M:%S %z") << "] " << text << "\n";
}

// One request line; the reply (without its newline). A failure answers
// "no": mail is never held up because greylisting cannot decide.
std::string handle(const whm::StateRoot& root, const std::string& line) {
  std::vector<std::string> words = whm::split(line, ' ');
  for (auto& w : words) std::replace(w.begin(), w.end(), '\x01', ' ');
  const std::string op = words.empty() ? "" : words[0];
  try {
    whm::StateWriter writer(root);
    whm::Transaction& txn = writer.txn();
    if (op == "should_defer" && words.size() == 4) {
      if (!whm::greylist_enabled(txn)) return "no";
      whm::GreylistDb db(txn);
      const std::string reply = db.should_defer(words[1], words[2], words[3], whm::load_greylist_config(txn));
      db.stage(txn);
      writer.commit();
      log_line("should_defer ip=" + words[1] + " from=" + words[2] + " to=" + words[3] + ": " + reply);
      return reply;
    }
    if (op == "purge_old_records" && words.size() == 1) {
      if (!txn.exists(whm::greylist_paths::kDatabase)) return "0";
      whm::GreylistDb db(txn);
      const long long removed = db.purge_old_records();
      db.stage(txn);
      writer.commit();
      log_line("purged " + std::to_string(removed) + " record(s)");
      return std::to_string(removed);
    }
    log_line("unknown request: " + line);
    return "";
  } catch (const std::exception& e) {
    log_line("request “" + line + "” failed: " + e.what());
    return op == "should_defer" ? "no" : "";
  }
}

// Reads one line (the request) from the connection, at most 8 KiB.
std::string read_request(int fd) {
  std::string line;
  char c;
  while (line.size() < 8192 && ::read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int listen_on(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("the socket path is too long: " + path);
  addr.sun_family = AF_UNIX;
  std::copy(path.begin(), path.end(), addr.sun_path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0)
    throw std::runtime_error("cannot listen on " + path + ": " + std::strerror(errno));
  // Exim's user reaches it through the mail group.
  if (const group* g = ::getgrnam("mail")) (void)!::chown(path.c_str(), 0, g->gr_gid);
  ::chmod(path.c_str(), 0660);
  return fd;
}

void serve(const whm::StateRoot& root, int listener) {
  int children = 0;
  std::time_t next_purge = 0;
  while (!g_stop) {
    while (children > 0 && ::waitpid(-1, nullptr, WNOHANG) > 0) --children;
    whm::GreylistConfig config;
    {
      whm::StateReader reader(root);
      config = whm::load_greylist_config(whm::Transaction(root));
    }
    const std::time_t now = std::time(nullptr);
    if (now >= next_purge) {
      if (next_purge) handle(root, "purge_old_records");
      next_purge = now + config["purge_interval_mins"] * 60;
    }
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) continue;
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    while (children >= config["max_child_procs"] && ::waitpid(-1, nullptr, 0) > 0) --children;
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(listener);
      ::signal(SIGALRM, SIG_DFL);
      ::alarm(static_cast<unsigned>(config["child_timeout_secs"]));
      const std::string reply = handle(root, read_request(conn)) + "\n";
      (void)!::write(conn, reply.data(), reply.size());
      ::_exit(0);
    }
    if (pid > 0) ++children;
    ::close(conn);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"whmkit-greylist - cPanel's greylisting daemon for Exim (whmkit " WHMKIT_VERSION ")", "whmkit-greylist"};
  std::string root_opt, socket_path, pid_file;
  bool foreground = false;
  std::vector<std::string> request;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_option("--socket", socket_path, "Listen on this Unix socket (cPanel's: /var/run/cpgreylistd.sock)");
  app.add_option("--pid-file", pid_file, "Write the daemon's pid here");
  app.add_option("--log", g_log, "Append each decision to this file");
  app.add_flag("--foreground", foreground, "Stay in the foreground");
  app.add_option("request", request, "One request instead of the daemon: should_defer IP SENDER RECIPIENT");
  CLI11_PARSE(app, argc, argv);
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  whm::StateRoot root(root_opt.empty() ? "/" : root_opt);

  if (!request.empty()) {
    std::cout << handle(root, whm::join(request, " ")) << "\n";
    return 0;
  }
  if (socket_path.empty()) {
    std::cerr << "whmkit-greylist: give --socket (or a request)\n";
    return 2;
  }
  int listener;
  try {
    listener = listen_on(socket_path);
  } catch (const std::exception& e) {
    std::cerr << "whmkit-greylist: " << e.what() << "\n";
    return 1;
  }
  if (!foreground) {
    pid_t pid = ::fork();
    if (pid < 0) return 1;
    if (pid > 0) {
      // The pid file is there when the command returns.
      if (!pid_file.empty()) std::ofstream(pid_file) << pid << "\n";
      return 0;
    }
    ::setsid();
    int null = ::open("/dev/null", O_RDWR);
    for (int fd : {0, 1, 2}) ::dup2(null, fd);
  } else if (!pid_file.empty()) {
    std::ofstream(pid_file) << ::getpid() << "\n";
  }
  struct sigaction stop {};
  stop.sa_handler = [](int) { g_stop = 1; };
  ::sigaction(SIGTERM, &stop, nullptr);
  ::sigaction(SIGINT, &stop, nullptr);
  serve(root, listener);
  ::unlink(socket_path.c_str());
  if (!pid_file.empty()) ::unlink(pid_file.c_str());
  return 0;
}
