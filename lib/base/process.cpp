#include "process.hpp"

#include "dry_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "util.hpp"

extern char** environ;

namespace whm {

namespace {

// Spawns argv with stdout going to `stdout_fd` (-1: /dev/null) and stderr to
// /dev/null, or with `stdin_fd` as stdin and stderr going to stdout.
pid_t spawn(const std::vector<std::string>& argv, int stdout_fd, int stdin_fd = -1) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (stdout_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  else
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Everything readable from `fd` until its end.
std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

int run_query(const std::vector<std::string>& argv) {
  pid_t pid = spawn(argv, -1);
  return pid < 0 ? -1 : wait_status(pid);
}

int run_program(const std::vector<std::string>& argv) {
  std::string shown;
  for (const auto& a : argv) shown += (shown.empty() ? "" : " ") + a;
  if (skipped_by_dry_run(shown)) return 0;
  return run_query(argv);
}

std::optional<std::string> run_capture(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  pid_t pid = spawn(argv, fds[1]);
  ::close(fds[1]);
  std::string out = read_all(fds[0]);
  ::close(fds[0]);
  if (pid < 0 || wait_status(pid) != 0) return std::nullopt;
  return out;
}

std::optional<ProgramOutput> run_with_input(const std::vector<std::string>& argv, const std::string& input) {
  // The input waits in an anonymous file, so the program can read it at its pace while we read its output.
  int in = ::memfd_create("whmkit-input", MFD_CLOEXEC);
  if (in < 0) return std::nullopt;
  size_t written = 0;
  while (written < input.size()) {
    ssize_t n = ::write(in, input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  int fds[2];
  if (written != input.size() || ::lseek(in, 0, SEEK_SET) != 0 || ::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(in);
    return std::nullopt;
  }
  pid_t pid = spawn(argv, fds[1], in);
  ::close(fds[1]);
  ::close(in);
  ProgramOutput result;
  result.output = read_all(fds[0]);
  ::close(fds[0]);
  if (pid < 0) return std::nullopt;
  result.status = wait_status(pid);
  return result;
}

bool program_available(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':'))
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  for (const char* dir : {"/usr/sbin", "/sbin"})  // root's PATH may be missing these under cron
    if (::access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

}  // namespace whm
