#include "email_accounts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "account_lifecycle.hpp"
#include "account_parts.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "password_strength.hpp"
#include "sysusers.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr long long kMib = 1024 * 1024;
constexpr mode_t kMailFileMode = 0640, kDomainEtcMode = 0750;
constexpr mode_t kMaildirMode = 0751, kMaildirSubMode = 0700;
// The mailbox application of Tweak Settings' minpwstrength_<app>: the
// reference's getminimumpasswordstrengths lists "virtual" for FTP, mail and
// Web Disk accounts (there is no "pop").
constexpr const char* kMailPasswordApp = "virtual";

std::string strip_locks(std::string hash) {
  const std::string lock = kLockedHashPrefix;
  while (starts_with(hash, lock)) hash.erase(0, lock.size());
  return hash;
}

// The first three of a shadow line's nine colon-separated fields; false
// when it does not have nine. (Without a vector per line: 10,000 lines.)
bool shadow_fields(std::string_view line, std::string_view (&first)[3]) {
  size_t start = 0, field = 0;
  for (size_t colon; (colon = line.find(':', start)) != std::string_view::npos; start = colon + 1, ++field)
    if (field < 3) first[field] = line.substr(start, colon - start);
  if (field < 3) first[field] = line.substr(start);
  return field == 8;
}

std::string shadow_line(const Mailbox& m) {
  return m.address.local + ":" + (m.hash.empty() ? "*" : m.hash) + ":" + m.changed_days + "::::::";
}

// The group that owns the files of etc/<domain>: "mail", or the account's own.
FileOwner mail_file_owner(const Transaction& view, const CpanelAccount& account) {
  return {account.owner.uid, mail_gid(view).value_or(account.owner.gid)};
}

std::string home_rel_of(const CpanelAccount& account) { return paths::rel_from_abs(account.home); }

std::optional<UserDir> open_home(const StateRoot& root, const CpanelAccount& account) {
  const std::string rel = home_rel_of(account);
  return rel.empty() ? std::nullopt : UserDir::open(root.path(rel), account.home);
}

// The bytes and messages of a Maildir's cur and new (what maildirsize counts).
std::pair<long long, long long> maildir_messages(const UserDir& maildir) {
  long long bytes = 0, count = 0;
  for (const char* sub : {"cur", "new"}) {
    auto dir = maildir.dir(sub);
    if (!dir) continue;
    for (const auto& name : dir->entries()) {
      auto st = dir->status(name);
      if (st && S_ISREG(st->st_mode)) {
        bytes += st->st_size;
        ++count;
      }
    }
  }
  return {bytes, count};
}

}  // namespace

bool Mailbox::login_suspended() const { return starts_with(hash, kLockedHashPrefix); }

MailboxLimits load_mailbox_limits(const StateRoot& root, const CpUser& cpuser) {
  MailboxLimits limits;
  if (auto n = parse_int(cpuser.get("MAXPOP", "unlimited")); n && *n >= 0) limits.max_mailboxes = *n;
  if (auto mb = parse_int(cpuser.get("MAX_EMAILACCT_QUOTA", "unlimited")); mb && *mb > 0)
    limits.max_quota_bytes = *mb * kMib;
  if (tweak_setting(root, "email_account_quota_default_selected", "userdefined") == "userdefined") {
    auto mb = parse_int(tweak_setting(root, "email_account_quota_userdefined_default_value", "1024"));
    if (mb && *mb > 0) limits.default_quota_bytes = *mb * kMib;
  }
  // The default never exceeds the maximum.
  if (limits.max_quota_bytes && (!limits.default_quota_bytes || *limits.default_quota_bytes > *limits.max_quota_bytes))
    limits.default_quota_bytes = limits.max_quota_bytes;
  return limits;
}

// ---------------------------------------------------------------- EmailAccounts

EmailAccounts::EmailAccounts(const Transaction& view, const CpanelAccount& account, bool warn,
                             const EmailAddress* adding)
    : account_(account), home_rel_(home_rel_of(account)) {
  if (home_rel_.empty()) return;
  for (const auto& domain : account.domains) {
    if (domains_.count(domain)) continue;
    DomainFiles& files = domains_[domain];
    const UserPath passwd = mail_paths::passwd(home_rel_, domain), shadow = mail_paths::shadow(home_rel_, domain),
                   quota = mail_paths::quota(home_rel_, domain);
    FileProblems problems;
    // Mailbox positions by local part: a listing of 10,000 mailboxes reads
    // three lines per mailbox, so these lookups are hashed, by views into
    // passwd's text (kept while the other two files are read).
    std::unordered_map<std::string_view, size_t> index;
    if (auto passwd_text = view.read(passwd)) {
      files.passwd_text = std::make_shared<const std::string>(std::move(*passwd_text));
      const std::string& text = *files.passwd_text;
      files.ends_in_newline = files.ends_in_newline && (text.empty() || text.back() == '\n');
      const auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
      // One more: an addition then moves no mailbox.
      files.passwd.reserve(lines + 1);
      files.boxes.reserve(lines + 1);
      index.reserve(lines);
      for_each_checked_line(text, &problems, [&](size_t n, std::string_view line) {
        if (line.empty()) return;
        // LOCAL:PASSWORD:UID:GID:GECOS:MAILDIR:HOME (parse_mail_passwd_line), kept as the line.
        const std::string_view local = line.substr(0, line.find(':'));
        if (std::count(line.begin(), line.end(), ':') != 6 || local.empty())
          return problems.push_back(line_problem(n, "of etc/" + domain + "/passwd is not a mailbox line"));
        if (!index.emplace(local, files.boxes.size()).second)
          return problems.push_back(
              line_problem(n, "of etc/" + domain + "/passwd repeats “" + std::string(local) + "”"));
        files.boxes.push_back({{std::string(local), domain}, "", "", std::nullopt});
        files.passwd.push_back(line);
      });
    }
    // shadow and quota name the mailboxes in passwd's order when whmkit wrote
    // them: the mailbox after the last one found is tried before the index.
    auto position = [&](std::string_view local, size_t& next) -> std::optional<size_t> {
      if (next < files.boxes.size() && files.boxes[next].address.local == local) return next++;
      const auto it = index.find(local);
      if (it == index.end()) return std::nullopt;
      next = it->second + 1;
      return it->second;
    };
    const auto shadow_text = view.read(shadow), quota_text = view.read(quota);
    // Adding a mailbox appends its lines: the other hashes are not needed
    // when no line names it already and every file ends with a whole line.
    if (adding && adding->domain == domain) {
      const std::string prefix = adding->local + ":";
      auto names_it = [&](const std::optional<std::string>& text) {
        if (!text) return false;
        if (starts_with(*text, prefix)) return true;
        return text->find("\n" + prefix) != std::string::npos;
      };
      auto whole_lines = [](const std::optional<std::string>& text) {
        return !text || text->empty() || text->back() == '\n';
      };
      files.hashes_read = names_it(shadow_text) || names_it(quota_text) || !whole_lines(shadow_text) ||
                          !whole_lines(quota_text) || !files.ends_in_newline;
    }
    size_t next = 0;
    if (const auto& text = shadow_text) {
      files.ends_in_newline = files.ends_in_newline && (text->empty() || text->back() == '\n');
      for_each_checked_line(*text, &problems, [&](size_t n, std::string_view line) {
        if (line.empty()) return;
        std::string_view f[3];  // the name, the hash and the day of the change, of 9 fields
        if (!shadow_fields(line, f) || f[0].empty())
          return problems.push_back(line_problem(n, "of etc/" + domain + "/shadow does not have 9 fields"));
        if (!files.hashes_read) return;
        const auto box = position(f[0], next);
        if (!box) return files.other_shadow.push_back(std::string(line));
        files.boxes[*box].hash = f[1];
        files.boxes[*box].changed_days = f[2];
      });
    }
    next = 0;
    if (const auto& text = quota_text) {
      files.ends_in_newline = files.ends_in_newline && (text->empty() || text->back() == '\n');
      for_each_checked_line(*text, &problems, [&](size_t n, std::string_view line) {
        if (line.empty()) return;
        const auto colon = line.rfind(':');
        const auto bytes = colon == std::string_view::npos ? std::nullopt : parse_int(line.substr(colon + 1));
        if (!bytes || *bytes < 0 || colon == 0)
          return problems.push_back(line_problem(n, "of etc/" + domain + "/quota is not “LOCAL:BYTES”"));
        const auto box = position(line.substr(0, colon), next);
        if (!box) return files.other_quota.push_back(std::string(line));
        if (*bytes > 0) files.boxes[*box].quota_bytes = *bytes;
      });
    }
    if (warn && !problems.empty())
      add_notice(damage_summary(mail_paths::domain_etc(home_rel_, domain).joined(), problems) +
                 " What could be read is used; changes to the domain's email accounts are refused until it is "
                 "repaired.");
    files.problems = std::move(problems);
  }
}

std::vector<const Mailbox*> EmailAccounts::all() const {
  std::vector<const Mailbox*> out;
  std::set<std::string> seen;  // account_.domains may name a domain twice
  for (const auto& domain : account_.domains)
    if (auto it = domains_.find(domain); it != domains_.end() && seen.insert(domain).second)
      for (const auto& box : it->second.boxes) out.push_back(&box);
  return out;
}

FileProblems EmailAccounts::problems() const {
  FileProblems out;
  for (const auto& [domain, files] : domains_) out.insert(out.end(), files.problems.begin(), files.problems.end());
  return out;
}

size_t EmailAccounts::count() const {
  size_t n = 0;
  for (const auto& [domain, files] : domains_) n += files.boxes.size();
  return n;
}

const Mailbox* EmailAccounts::find(const EmailAddress& address) const {
  auto it = domains_.find(address.domain);
  if (it == domains_.end()) return nullptr;
  for (const auto& box : it->second.boxes)
    if (box.address.local == address.local) return &box;
  return nullptr;
}

const Mailbox& EmailAccounts::require(const EmailAddress& address) const {
  if (const Mailbox* m = find(address)) return *m;
  throw ApiError("The email account “" + address.full() + "” does not exist.");
}

std::optional<EmailAddress> mail_account_arg(const Transaction& view, const CpanelAccount& account,
                                             const std::string& param, const std::string& value) {
  if (value == account.user) return std::nullopt;
  const EmailAddress a = parse_email_address(param, value);
  if (!account.owns_domain(a.domain)) throw ApiError("The email account “" + a.full() + "” does not exist.");
  if (a.local == "_mainaccount") return std::nullopt;
  EmailAccounts(view, account).require(a);
  return a;
}

ServerMailbox server_mailbox_arg(const StateRoot& root, const std::string& param, const std::string& value) {
  std::string user = value;
  if (value.find('@') != std::string::npos) {
    const EmailAddress a = parse_email_address(param, value);
    const auto owner = AccountStore(root).domain_owner(a.domain);
    if (!owner) throw ApiError("The email account “" + a.full() + "” does not exist.");
    user = *owner;
  }
  ServerMailbox box{load_cpanel_account(root, user), std::nullopt, ""};
  Transaction view(root);
  box.address = mail_account_arg(view, box.account, param, value);
  box.login = box.address ? box.address->full() : box.account.user;
  return box;
}

Mailbox& EmailAccounts::require_mutable(const EmailAddress& address) {
  const Mailbox& m = require(address);
  files_of(address.domain).changed = true;
  return const_cast<Mailbox&>(m);
}

EmailAccounts::DomainFiles& EmailAccounts::files_of(const std::string& domain) {
  auto it = domains_.find(domain);
  if (it == domains_.end())
    throw ApiError("The domain “" + domain + "” does not belong to the account “" + account_.user + "”.");
  return it->second;
}

void EmailAccounts::add(const EmailAddress& address, const std::string& hash, std::optional<long long> quota_bytes) {
  DomainFiles& files = files_of(address.domain);
  if (find(address)) throw ApiError("The email account “" + address.full() + "” already exists.");
  std::string home = account_.home;
  files.new_lines.push_back(format_mail_passwd_line({address.local, "x", std::to_string(account_.owner.uid),
                                                     std::to_string(account_.owner.gid), "",
                                                     home + "/mail/" + address.domain + "/" + address.local, home}));
  files.passwd.push_back(files.new_lines.back());
  files.boxes.push_back({address, hash, std::to_string(days_since_epoch()), quota_bytes});
  // Stale lines of an earlier mailbox of that name go.
  auto of_local = [&](const std::string& line) { return starts_with(line, address.local + ":"); };
  const size_t stale = files.other_shadow.size() + files.other_quota.size();
  files.other_quota.erase(std::remove_if(files.other_quota.begin(), files.other_quota.end(), of_local),
                          files.other_quota.end());
  files.other_shadow.erase(std::remove_if(files.other_shadow.begin(), files.other_shadow.end(), of_local),
                           files.other_shadow.end());
  // A new mailbox is three lines at the ends of the files, unless stale lines had to go.
  if (stale != files.other_shadow.size() + files.other_quota.size())
    files.changed = true;
  else
    files.appended.push_back(files.boxes.size() - 1);
}

void EmailAccounts::remove(const EmailAddress& address) {
  require(address);
  DomainFiles& files = files_of(address.domain);
  for (size_t i = 0; i < files.boxes.size(); ++i)
    if (files.boxes[i].address.local == address.local) {
      files.boxes.erase(files.boxes.begin() + static_cast<long>(i));
      files.passwd.erase(files.passwd.begin() + static_cast<long>(i));
      break;
    }
  files.changed = true;
}

void EmailAccounts::set_hash(const EmailAddress& address, const std::string& hash) {
  Mailbox& m = require_mutable(address);
  const std::string bare = strip_locks(m.hash);
  m.hash = m.hash.substr(0, m.hash.size() - bare.size()) + hash;
  m.changed_days = std::to_string(days_since_epoch());
}

void EmailAccounts::set_quota(const EmailAddress& address, std::optional<long long> quota_bytes) {
  require_mutable(address).quota_bytes = quota_bytes;
}

void EmailAccounts::set_login_suspended(const EmailAddress& address, bool suspended) {
  Mailbox& m = require_mutable(address);
  if (suspended && !m.login_suspended()) m.hash = kLockedHashPrefix + m.hash;
  if (!suspended && m.login_suspended()) m.hash.erase(0, std::string(kLockedHashPrefix).size());
}

void EmailAccounts::stage(Transaction& txn, bool skip_cache) const {
  const FileOwner owner = mail_file_owner(txn, account_);
  for (const auto& [domain, files] : domains_) {
    if (!files.changed && files.appended.empty()) continue;
    refuse_if_damaged(mail_paths::domain_etc(home_rel_, domain).joined(), files.problems);
    // Only new mailboxes: their lines are appended (the files stay as a
    // full rewrite would make them, but for where other lines sit).
    const bool append = !files.changed && files.ends_in_newline;
    // Only an addition reads shadow without the hashes, and it only appends.
    if (!append && !files.hashes_read) throw std::logic_error("mail files rewritten without their hashes");
    std::string passwd, shadow, quota;
    for (size_t i = 0; i < files.boxes.size(); ++i) {
      if (append && std::find(files.appended.begin(), files.appended.end(), i) == files.appended.end()) continue;
      const Mailbox& m = files.boxes[i];
      passwd += files.passwd[i];
      passwd += '\n';
      shadow += shadow_line(m) + "\n";
      if (m.quota_bytes) quota += m.address.local + ":" + std::to_string(*m.quota_bytes) + "\n";
    }
    const UserPath etc = mail_paths::domain_etc(home_rel_, domain);
    if (!txn.exists(etc)) txn.make_dir(etc, kDomainEtcMode, owner);
    if (append) {
      txn.append(mail_paths::passwd(home_rel_, domain), passwd, kMailFileMode, owner);
      txn.append(mail_paths::shadow(home_rel_, domain), shadow, kMailFileMode, owner);
      if (!quota.empty() || !txn.exists(mail_paths::quota(home_rel_, domain)))
        txn.append(mail_paths::quota(home_rel_, domain), quota, kMailFileMode, owner);
      continue;
    }
    for (const auto& line : files.other_shadow) shadow += line + "\n";
    for (const auto& line : files.other_quota) quota += line + "\n";
    txn.write(mail_paths::passwd(home_rel_, domain), passwd, kMailFileMode, owner);
    txn.write(mail_paths::shadow(home_rel_, domain), shadow, kMailFileMode, owner);
    txn.write(mail_paths::quota(home_rel_, domain), quota, kMailFileMode, owner);
  }
  if (skip_cache) return;
  // .cpanel/email_accounts.json (shape UNCONFIRMED, docs/email.md):
  // {"<domain>": {"account_count": N, "accounts": {"<local>": {"quota": bytes, 0 = unlimited}}}}
  // The text json_text would make of it (keys sorted), written directly: at
  // 10,000 mailboxes building the JSON tree first costs more than the rest of add_pop.
  std::vector<const Mailbox*> boxes = all();
  const auto by_address = [](const Mailbox* a, const Mailbox* b) {
    return std::tie(a->address.domain, a->address.local) < std::tie(b->address.domain, b->address.local);
  };
  // Mostly sorted already (a new mailbox is last): only what is out of order is sorted.
  const auto unsorted = std::is_sorted_until(boxes.begin(), boxes.end(), by_address);
  if (unsorted != boxes.end()) {
    std::sort(unsorted, boxes.end(), by_address);
    std::inplace_merge(boxes.begin(), unsorted, boxes.end(), by_address);
  }
  std::string cache = "{";
  cache.reserve(boxes.size() * 32 + 64);  // about one entry's size each: no copies while it grows
  for (size_t i = 0; i < boxes.size();) {
    const std::string& domain = boxes[i]->address.domain;
    size_t end = i;
    while (end < boxes.size() && boxes[end]->address.domain == domain) ++end;
    if (cache.size() > 1) cache += ',';
    cache += json_quoted(domain) + ":{\"account_count\":" + std::to_string(end - i) + ",\"accounts\":{";
    for (size_t j = i; j < end; ++j) {
      if (j > i) cache += ',';
      cache += json_quoted(boxes[j]->address.local) +
               ":{\"quota\":" + std::to_string(boxes[j]->quota_bytes.value_or(0)) + "}";
    }
    cache += "}}";
    i = end;
  }
  cache += "}\n";
  txn.write(mail_paths::email_accounts_cache(home_rel_), std::move(cache), 0600, account_.owner);
}

// ---------------------------------------------------------------- the Maildir and flags

UserPath mailbox_settings_dir(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, "etc/" + address.domain + "/" + address.local};
}

UserPath incoming_suspended_flag(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, "etc/" + address.domain + "/" + address.local + "/suspended_incoming"};
}

bool incoming_suspended(const Transaction& view, const std::string& home_rel, const EmailAddress& address) {
  return !home_rel.empty() && view.exists(incoming_suspended_flag(home_rel, address));
}

std::set<std::string> incoming_suspended_addresses(const StateRoot& root, const CpanelAccount& account) {
  std::set<std::string> out;
  try {
    auto home = open_home(root, account);
    for (const auto& domain : account.domains) {
      auto etc = home ? home->dir("etc/" + domain) : std::nullopt;
      if (!etc) continue;
      for (const auto& local : etc->entries()) {
        auto st = etc->status(local);
        if (st && S_ISDIR(st->st_mode) && etc->status(local + "/suspended_incoming")) out.insert(local + "@" + domain);
      }
    }
  } catch (const ApiError&) {
    // A symlink on the way: nothing behind it is read.
  }
  return out;
}

long long mailbox_bytes(const StateRoot& root, const CpanelAccount& account, const EmailAddress& address) {
  try {
    auto home = open_home(root, account);
    auto dir = home ? home->dir(mail_paths::maildir("", address).rel) : std::nullopt;
    return dir ? dir->tree_bytes() : 0;
  } catch (const ApiError&) {
    return 0;  // a symlink on the way: nothing of it is counted
  }
}

long long main_mailbox_bytes(const StateRoot& root, const CpanelAccount& account) {
  try {
    auto home = open_home(root, account);
    auto mail = home ? home->dir("mail") : std::nullopt;
    if (!mail) return 0;
    const std::set<std::string> domains(account.domains.begin(), account.domains.end());
    long long bytes = 0;
    for (const auto& name : mail->entries()) {
      auto st = mail->status(name);
      if (!st) continue;
      if (S_ISREG(st->st_mode)) bytes += st->st_size;
      if (S_ISDIR(st->st_mode) && !domains.count(name))
        if (auto sub = mail->dir(name)) bytes += sub->tree_bytes();
    }
    return bytes;
  } catch (const ApiError&) {
    return 0;
  }
}

long long mailbox_mtime(const StateRoot& root, const CpanelAccount& account, const EmailAddress& address) {
  try {
    auto home = open_home(root, account);
    auto st = home ? home->status(mail_paths::maildir("", address).rel) : std::nullopt;
    return st ? static_cast<long long>(st->st_mtime) : 0;
  } catch (const ApiError&) {
    return 0;
  }
}

void stage_new_maildir(Transaction& txn, const CpanelAccount& account, const EmailAddress& address) {
  const std::string home_rel = home_rel_of(account);
  const UserPath domain_dir = mail_paths::mail_domain_dir(home_rel, address.domain);
  const UserPath maildir = mail_paths::maildir(home_rel, address);
  if (!txn.exists(domain_dir)) txn.make_dir(domain_dir, kMaildirMode, account.owner);
  if (!txn.exists(maildir)) txn.make_dir(maildir, kMaildirMode, account.owner);
  for (const char* sub : {"cur", "new", "tmp"})
    txn.make_dir({home_rel, maildir.rel + "/" + sub}, kMaildirSubMode, account.owner);
}

void stage_maildirsize(const StateRoot& root, Transaction& txn, const CpanelAccount& account,
                       const EmailAddress& address, std::optional<long long> quota_bytes) {
  const std::string home_rel = home_rel_of(account);
  const UserPath file{home_rel, mail_paths::maildir("", address).rel + "/maildirsize"};
  if (!quota_bytes) {
    if (txn.exists(file)) txn.remove(file);
    return;
  }
  std::pair<long long, long long> used{0, 0};
  if (auto home = open_home(root, account))
    if (auto dir = home->dir(mail_paths::maildir("", address).rel)) used = maildir_messages(*dir);
  txn.write(
      file,
      std::to_string(*quota_bytes) + "S\n" + std::to_string(used.first) + " " + std::to_string(used.second) + "\n",
      0600, account.owner);
}

void check_new_mailbox_local_part(const std::string& param, const std::string& local) {
  if (local == "cpanel") throw invalid_param(param, "“cpanel” cannot be an email account's name.");
  if (local.find('/') != std::string::npos)
    throw invalid_param(param, "an email account's name may not contain “/”: it names the account's mail directory.");
}

void check_mailbox_password(const StateRoot& root, const std::string& param, const std::string& password) {
  if (password.empty()) throw missing_param(param);
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f) throw invalid_param(param, "it contains a control character.");
  check_password_strength(root, kMailPasswordApp, param, password);
}

// ---------------------------------------------------------------- the account's part

namespace {

// The account's domains that have an etc/<domain>/passwd in the home at `home_rel`.
std::vector<std::string> domains_with_mailboxes(const Transaction& view, const std::string& home_rel,
                                                const std::vector<std::string>& domains) {
  std::vector<std::string> out;
  for (const auto& d : domains)
    if (std::find(out.begin(), out.end(), d) == out.end() && view.exists(mail_paths::passwd(home_rel, d)))
      out.push_back(d);
  return out;
}

// Stages `file` with each line passed through `edit` (nothing if no line changes).
void rewrite_lines(Transaction& txn, const UserPath& file, FileOwner owner,
                   const std::function<std::string(const std::string&)>& edit) {
  auto text = txn.read(file);
  if (!text) return;
  std::string out;
  for (const auto& line : split(*text, '\n'))
    if (!line.empty()) out += edit(line) + "\n";
  if (out != *text) txn.write(file, out, kMailFileMode, owner);
}

// A shadow line with one "*LOCKED*" more (by > 0) or one less (by < 0).
std::string shift_lock(const std::string& line, int by) {
  auto f = split(line, ':');
  if (f.size() < 2) return line;
  if (by > 0) f[1] = kLockedHashPrefix + f[1];
  if (by < 0 && starts_with(f[1], kLockedHashPrefix)) f[1].erase(0, std::string(kLockedHashPrefix).size());
  return join(f, ":");
}

void shift_locks(Transaction& txn, const AccountFacts& a, int by) {
  CpanelAccount who;
  who.owner = a.ids;
  const FileOwner owner = mail_file_owner(txn, who);
  for (const auto& domain : domains_with_mailboxes(txn, a.home_rel, a.domains))
    rewrite_lines(txn, mail_paths::shadow(a.home_rel, domain), owner,
                  [by](const std::string& line) { return shift_lock(line, by); });
}

// Replaces the regular file `name` of the directory `dir` (in a home being
// restored, not yet in place) with `content`, keeping its owner and mode:
// written beside it and renamed over it, relative to the directory's
// descriptor, never through a symlink.
void replace_in_place(const UserDir& dir, const std::string& name, const std::string& content) {
  auto st = dir.status(name);
  if (!st || !S_ISREG(st->st_mode)) throw ApiError("“" + dir.shown(name) + "” is not a regular file.");
  const std::string temp = "." + name + ".whmkit-new";
  Fd fd(::openat(dir.fd(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 0777));
  if (!fd) throw ApiError("Cannot write “" + dir.shown(temp) + "”.");
  bool ok = ::write(fd.get(), content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (::geteuid() == 0) ok = ok && ::fchown(fd.get(), st->st_uid, st->st_gid) == 0;
  ok = ok && ::fchmod(fd.get(), st->st_mode & 0777) == 0 && ::fsync(fd.get()) == 0;
  if (!ok || ::renameat(dir.fd(), temp.c_str(), dir.fd(), name.c_str()) != 0) {
    ::unlinkat(dir.fd(), temp.c_str(), 0);
    throw ApiError("Cannot write “" + dir.shown(name) + "”.");
  }
}

// Problems of one domain's files: damage, and passwd, shadow and quota that
// do not name the same mailboxes in this home.
void check_domain(const Transaction& view, const AccountFacts& a, const std::string& domain, Problems& out) {
  CpanelAccount who;
  who.user = a.user;
  who.home = a.home;
  who.domains = {domain};
  EmailAccounts accounts(view, who, false);
  if (auto damage = accounts.problems(); !damage.empty())
    out.push_back(damage_summary(mail_paths::domain_etc(a.home_rel, domain).joined(), damage));
  const std::string prefix = "Account “" + a.user + "”: ";
  std::set<std::string> locals;
  for (const Mailbox* m : accounts.all()) {
    locals.insert(m->address.local);
    if (m->hash.empty())
      out.push_back(prefix + "the email account “" + m->address.full() + "” has no line in etc/" + domain + "/shadow.");
  }
  for (const auto& line : split(view.read(mail_paths::passwd(a.home_rel, domain)).value_or(""), '\n')) {
    auto e = parse_mail_passwd_line(line);
    if (e && (e->home != a.home || e->maildir != a.home + "/mail/" + domain + "/" + e->local))
      out.push_back(prefix + "the email account “" + e->local + "@" + domain + "” has its mail outside " + a.home +
                    "/mail/" + domain + " (" + e->maildir + ").");
  }
  for (const char* file : {"shadow", "quota"})
    for (const auto& line : split(view.read(UserPath{a.home_rel, "etc/" + domain + "/" + file}).value_or(""), '\n')) {
      const std::string local = line.substr(0, line.find(':'));
      if (!line.empty() && !locals.count(local))
        out.push_back(prefix + "etc/" + domain + "/" + file + " names “" + local + "”, which is not an email account.");
    }
}

// The mailbox files live in the home, which moves, archives, restores and
// goes away as a whole (the home part): this part rewrites what names the
// home or the main domain inside them, and locks the logins while the
// account is suspended.
class EmailAccountsPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    if (a.home_rel.empty()) return {};
    std::vector<std::string> rels;
    for (const auto& d : a.domains) rels.push_back(mail_paths::domain_etc(a.home_rel, d).joined());
    rels.push_back(mail_paths::email_accounts_cache(a.home_rel).joined());
    return existing(root, rels);
  }
  // The main domain's etc/<domain>, where its mailboxes will be listed, made
  // in the new home before it moves into place.
  void create(const StateRoot&, Transaction& txn, const NewAccount& a, std::string&) const override {
    if (a.facts.home_rel.empty()) return;
    CpanelAccount who;
    who.owner = a.facts.ids;
    txn.make_dir({home_staging_rel(a.facts.home_rel), "etc/" + a.facts.main_domain}, kDomainEtcMode,
                 mail_file_owner(txn, who));
  }
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.home_rel.empty()) return;
    CpanelAccount who;
    who.owner = to.ids;
    const FileOwner owner = mail_file_owner(txn, who);
    // The main domain and its subdomains follow a new main domain ("blog.old" -> "blog.new").
    std::vector<std::pair<std::string, std::string>> moved;  // old domain, new domain
    // Rewritten where they are: the home moves after this (see account_parts()).
    for (const auto& domain : domains_with_mailboxes(txn, from.home_rel, from.domains)) {
      const std::string new_domain = replace_domain(domain, from.main_domain, to.main_domain);
      if (new_domain != domain) moved.emplace_back(domain, new_domain);
      rewrite_lines(txn, mail_paths::passwd(from.home_rel, domain), owner, [&](const std::string& line) {
        auto e = parse_mail_passwd_line(line);
        if (!e) return line;
        e->home = rehome(e->home, from.home, to.home);
        e->maildir = to.home + "/mail/" + new_domain + "/" + e->local;
        return format_mail_passwd_line(*e);
      });
    }
    if (moved.empty()) return;
    if (auto cache = txn.read(mail_paths::email_accounts_cache(from.home_rel))) {
      FileProblems problems;
      nlohmann::json doc = parse_json_object(*cache, problems);
      if (problems.empty()) {
        for (const auto& [old_domain, new_domain] : moved)
          if (doc.contains(old_domain)) {
            doc[new_domain] = doc[old_domain];
            doc.erase(old_domain);
          }
        txn.write(mail_paths::email_accounts_cache(from.home_rel), json_text(doc) + "\n", 0600, to.ids);
      }
    }
    // etc/<old> and mail/<old> follow. A Transaction stages no rename inside
    // a home, so they move once it has committed (the home is at its new
    // place then), each with one renameat relative to the home's
    // directories, opened without following a symlink.
    txn.on_commit("move the mail folders of the renamed domains in " + to.home, [&root, to, moved] {
      auto home = UserDir::open(root.path(to.home_rel), to.home);
      if (!home) return;
      for (const char* top : {"etc", "mail"}) {
        auto dir = home->dir(top);
        for (const auto& [old_domain, new_domain] : moved) {
          if (!dir || !dir->status(old_domain) || dir->status(new_domain)) continue;
          if (::renameat(dir->fd(), old_domain.c_str(), dir->fd(), new_domain.c_str()) != 0)
            throw ApiError("Cannot move “" + dir->shown(old_domain) + "” to “" + dir->shown(new_domain) + "”.");
        }
      }
    });
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string& raw) const override {
    if (a.suspended || a.home_rel.empty()) return;
    shift_locks(txn, a, 1);
    raw += "Suspending email account logins...Done\n";
  }
  void unsuspend(const StateRoot&, Transaction& txn, const AccountFacts& a, std::string&) const override {
    if (!a.home_rel.empty()) shift_locks(txn, a, -1);
  }
  void remove(const StateRoot&, Transaction&, const AccountFacts&, const RemoveOptions&, std::string&) const override {}
  void archive(const StateRoot&, const Transaction&, const AccountFacts&, const PkgacctOptions&,
               ArchiveOut&) const override {}
  // The home part has extracted the home in its staging place; passwd lines
  // naming the archive's home and ids are moved to the new ones there.
  void restore(const StateRoot& root, Transaction&, const RestoreSource& src, std::string&) const override {
    const AccountFacts& a = src.facts;
    if (a.home_rel.empty()) return;
    auto staging = UserDir::open(root.path(home_staging_rel(a.home_rel)), a.home);
    if (!staging) return;
    for (const auto& domain : a.domains) {
      auto etc = staging->dir("etc/" + domain);
      auto text = etc ? etc->read("passwd") : std::nullopt;
      if (!text) continue;
      std::string out;
      for (const auto& line : split(*text, '\n')) {
        if (line.empty()) continue;
        auto e = parse_mail_passwd_line(line);
        if (!e) throw ApiError("The archive's etc/" + domain + "/passwd has a line that is not a mailbox line.");
        for (const auto& field : {e->local, e->maildir, e->home})
          if (!is_safe_colon_field(field))
            throw ApiError("The archive's etc/" + domain + "/passwd has an unsafe line.");
        e->home = rehome(e->home, src.archive.original_home, a.home);
        e->maildir = rehome(e->maildir, src.archive.original_home, a.home);
        e->uid = std::to_string(a.ids.uid);
        e->gid = std::to_string(a.ids.gid);
        out += format_mail_passwd_line(*e) + "\n";
      }
      if (out != *text) replace_in_place(*etc, "passwd", out);
    }
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (a.home_rel.empty()) return;
    for (const auto& domain : domains_with_mailboxes(view, a.home_rel, a.domains)) check_domain(view, a, domain, out);
  }
  // Nothing of this part is outside a home.
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}
};

}  // namespace

const AccountPart& email_accounts_part() { return part_instance<EmailAccountsPart>(); }

}  // namespace whm
