// whmkit-autorespond: cPanel's autoresponder program, the one a valiases
// line pipes an address's mail to:
//   "|/usr/local/cpanel/bin/autorespond <address> <home>/.autorespond"
// Exim runs it as the account, with the message on stdin and its envelope
// sender in $SENDER. It answers from ~/.autorespond/<address> (and .json)
// through sendmail -t, or stays silent (lib/store/autorespond_send.hpp says
// when). It prints nothing: Exim returns a pipe's output to the sender as a
// failure. Exit 0, or 75 (EX_TEMPFAIL: Exim tries again later) when the
// answer could not be handed to sendmail.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>

#include "account_store.hpp"
#include "autorespond_send.hpp"
#include "process.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace {

constexpr int kTempFail = 75;
constexpr size_t kMaxKept = 1 << 20;  // the headers are all it needs; the rest is read and dropped
constexpr const char* kDirName = "/.autorespond";

std::string read_stdin() {
  std::string kept;
  char buf[65536];
  for (ssize_t n; (n = ::read(0, buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (kept.size() < kMaxKept) kept.append(buf, static_cast<size_t>(n));
  }
  return kept;
}

// Replaces `name` in the directory with `text` (a new file renamed over it), never through a symlink.
bool replace_file(const whm::UserDir& dir, const std::string& name, const std::string& text) {
  const std::string tmp = "." + name + ".tmp" + std::to_string(::getpid());
  int fd = ::openat(dir.fd(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  ok = ok && ::renameat(dir.fd(), tmp.c_str(), dir.fd(), name.c_str()) == 0;
  if (!ok) ::unlinkat(dir.fd(), tmp.c_str(), 0);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"whmkit-autorespond - answer a message with an address's autoresponder (whmkit " WHMKIT_VERSION ")",
               "whmkit-autorespond"};
  std::string root_opt, sendmail = "/usr/sbin/sendmail", address_arg, dir_arg;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_option("--sendmail", sendmail, "The sendmail program that sends the answer (sendmail -t)");
  app.add_option("address", address_arg, "The address the message was for")->required();
  app.add_option("directory", dir_arg, "The account's autoresponder directory, <home>/.autorespond")->required();
  CLI11_PARSE(app, argc, argv);
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  const std::string message = read_stdin();
  try {
    whm::StateRoot root(root_opt.empty() ? "/" : root_opt);
    const whm::EmailAddress address = whm::parse_email_address("address", address_arg);
    if (!whm::ends_with(dir_arg, kDirName) || dir_arg[0] != '/') return 0;  // not an autoresponder directory
    const std::string home = dir_arg.substr(0, dir_arg.size() - std::string(kDirName).size());
    const std::string home_rel = whm::paths::rel_from_abs(home);
    whm::Transaction view(root);
    const auto responder = whm::load_autoresponder(view, home_rel, address);
    if (!responder) return 0;
    const std::time_t now = whm::now();
    const whm::MailHeaders headers = whm::MailHeaders::parse(message);
    const char* env_sender = std::getenv("SENDER");
    const std::string sender =
        env_sender ? env_sender : headers.get("return-path").value_or(headers.get("from").value_or(""));
    if (whm::not_active(*responder, now) || whm::not_answerable(headers, sender, address.full())) return 0;

    auto home_dir = whm::UserDir::open(root.path(home_rel), home);
    auto dir = home_dir ? home_dir->dir(".autorespond") : std::nullopt;
    if (!dir) return 0;
    // One delivery at a time decides for this directory: two messages from
    // one sender at once get one answer.
    if (::flock(dir->fd(), LOCK_EX) != 0) return kTempFail;
    const std::string log_name = whm::autorespond_paths::replies_name(address);
    whm::ReplyLog log(dir->read(log_name));
    const long long interval = responder->interval_hours * 3600;
    const std::string who = whm::to_lower(sender);
    if (log.answered_recently(who, now, interval)) return 0;

    const std::string answer = whm::compose_autoreply(*responder, headers, sender);
    auto sent = whm::run_with_input({sendmail, "-oi", "-t", "-f", "<>"}, answer);
    if (!sent || sent->status != 0) return kTempFail;
    if (interval > 0) {
      log.note(who, now);
      replace_file(*dir, log_name, log.text(now, interval));
    }
    return 0;
  } catch (const std::exception&) {
    // A malformed address or an unreadable home: nothing to answer with.
    return 0;
  }
}
