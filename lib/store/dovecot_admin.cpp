#include "dovecot_admin.hpp"

#include <map>
#include <set>

#include "email_accounts.hpp"
#include "errors.hpp"
#include "process.hpp"
#include "util.hpp"

namespace whm {
namespace {

// Runs doveadm and returns its standard output; throws naming what it said.
std::string doveadm(const StateRoot& root, const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv = doveadm_command(root, "the mailbox cannot be read.");
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out = run_with_input(argv, "");
  if (!out) throw ApiError("doveadm could not be started to " + what + ".");
  // A search that matches nothing exits 0; a missing folder does not.
  if (out->status != 0) throw ApiError("Dovecot could not " + what + ": " + trim(out->output));
  return out->output;
}

}  // namespace

std::vector<std::string> doveadm_command(const StateRoot& root, const std::string& consequence) {
  if (!root.exists(kDovecotConfig) || !program_available("doveadm"))
    throw ApiError("Dovecot is not installed on this server (no /" + std::string(kDovecotConfig) + "): " + consequence);
  return {"doveadm", "-c", root.path(kDovecotConfig)};
}

std::vector<DovecotFolderStatus> dovecot_folder_status(const StateRoot& root, const std::string& login) {
  const std::string what = "list the folders of “" + login + "”";
  // "mailbox status ... *" misses the folders below a namespace prefix
  // ("INBOX."): list the names first, then ask for each of them.
  std::vector<std::string> args = {"-f", "tab", "mailbox", "status", "-u", login, "--", "guid messages vsize"};
  std::set<std::string> names;
  for (const auto& line : split(doveadm(root, {"mailbox", "list", "-u", login}, what), '\n'))
    if (!line.empty() && names.insert(line).second) args.push_back(line);
  std::vector<DovecotFolderStatus> folders;
  if (names.empty()) return folders;
  // The tab format: a header naming the columns, then one line per folder.
  // Lines that are not rows (a warning on stderr) are left out.
  const auto lines = split(doveadm(root, args, what), '\n');
  std::map<std::string, size_t> column;
  std::set<std::string> seen;
  for (const auto& line : lines) {
    const auto fields = split(line, '\t');
    if (column.empty()) {
      if (fields.size() == 4 && fields[0] == "mailbox")
        for (size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
      continue;
    }
    if (fields.size() != column.size() || !names.count(fields[column["mailbox"]])) continue;
    auto messages = parse_int(fields[column["messages"]]);
    auto vsize = parse_int(fields[column["vsize"]]);
    if (!messages || !vsize || !seen.insert(fields[column["mailbox"]]).second) continue;
    folders.push_back({fields[column["mailbox"]], fields[column["guid"]], *messages, *vsize});
  }
  return folders;
}

void dovecot_expunge(const StateRoot& root, const std::string& login, const std::vector<std::string>& selector,
                     const std::vector<std::string>& query) {
  // "--": a query word starting with "-" is never read as an option.
  std::vector<std::string> args = {"expunge", "-u", login, "--"};
  args.insert(args.end(), selector.begin(), selector.end());
  args.insert(args.end(), query.begin(), query.end());
  doveadm(root, args, "expunge the messages of “" + login + "”");
}

// doveadm kick's exit status when it found no session to end.
constexpr int kDoveadmNothingKicked = 68;

void dovecot_kick_account(const StateRoot& root, const CpanelAccount& account) {
  const auto doveadm = doveadm_command(root, "there are no IMAP or POP3 sessions to end.");
  std::vector<std::string> logins = {account.user};
  Transaction view(root);
  const EmailAccounts accounts(view, account);
  for (const Mailbox* m : accounts.all()) logins.push_back(m->address.full());
  for (const auto& login : logins) {
    auto argv = doveadm;
    argv.insert(argv.end(), {"kick", login});
    const int status = run_program(argv);
    if (status != 0 && status != kDoveadmNothingKicked)
      throw ApiError("Dovecot did not end the sessions of “" + login + "” (doveadm kick exited with " +
                     std::to_string(status) + ").");
  }
}

void dovecot_fts_rescan(const StateRoot& root, const std::string& login) {
  std::vector<std::string> argv = doveadm_command(root, "the mailbox cannot be rescanned.");
  argv.insert(argv.end(), {"fts", "rescan", "-u", login});
  const auto out = run_with_input(argv, "");
  if (!out) throw ApiError("doveadm could not be started to rescan “" + login + "”.");
  // Without the plugin, doveadm has no "fts" command (it prints its usage).
  if (out->status != 0 && out->output.find("Unknown command") != std::string::npos)
    throw ApiError("The IMAP full-text search plugin is not installed: “" + login + "” cannot be rescanned.");
  if (out->status != 0) throw ApiError("Dovecot could not rescan “" + login + "”: " + trim(out->output));
}

}  // namespace whm
