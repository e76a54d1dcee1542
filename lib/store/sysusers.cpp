#include "sysusers.hpp"

#include <crypt.h>
#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "account_lifecycle.hpp"
#include "errors.hpp"
#include "id_tracking.hpp"
#include "kvfile.hpp"
#include "secrets.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {

bool is_safe_colon_field(const std::string& v) {
  for (unsigned char c : v)
    if (c == ':' || c == '\n' || c == '\r' || c == 0) return false;
  return true;
}

void ColonFile::load(const Transaction& txn) {
  lines_.clear();
  index_.clear();
  cut_off_.clear();
  partial_ = false;
  auto text = txn.read(rel_);
  if (!text) return;
  check_final_newline(*text, cut_off_);
  // One pass, no intermediate list: at 100,000 accounts this is read several times a call.
  const size_t count = static_cast<size_t>(std::count(text->begin(), text->end(), '\n')) + 1;
  lines_.reserve(count);
  index_.reserve(count);
  const std::string_view all(*text);
  for (size_t start = 0;;) {
    const size_t end = all.find('\n', start);
    const std::string_view line =
        all.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (end == std::string_view::npos && line.empty()) break;  // after the last newline
    if (!line.empty())
      index_.emplace(line.substr(0, line.find(':')), lines_.size());  // the first line for a name wins, as getpwnam
    lines_.emplace_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

std::optional<std::vector<std::string>> ColonFile::find_in(const Transaction& txn, const std::string& rel,
                                                           const std::string& name) {
  const auto text = txn.read(rel);
  if (!text) return std::nullopt;
  std::optional<std::vector<std::string>> found;
  for_each_line(*text, [&](std::string_view line) {
    if (!found && !line.empty() && line.substr(0, line.find(':')) == name) found = split(line, ':');
  });
  return found;
}

void ColonFile::load_only(const Transaction& txn, const std::vector<std::string>& names) {
  lines_.clear();
  index_.clear();
  cut_off_.clear();
  partial_ = true;
  auto text = txn.read(rel_);
  if (!text) return;
  const std::unordered_set<std::string_view> wanted(names.begin(), names.end());
  for_each_line(*text, [&](std::string_view line) {
    const std::string_view name = line.substr(0, line.find(':'));
    if (line.empty() || !wanted.count(name) || index_.count(std::string(name))) return;  // the first line wins
    index_.emplace(std::string(name), lines_.size());
    lines_.emplace_back(line);
  });
}

std::optional<std::vector<std::string>> ColonFile::find(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return split(lines_[it->second], ':');
}

std::optional<std::string> ColonFile::problem_of(size_t line) const {
  const std::string& text = lines_[line];
  if (text.find('\0') != std::string::npos) return line_problem(line + 1, "holds a NUL byte");
  if (text.empty()) return std::nullopt;
  const size_t fields = static_cast<size_t>(std::count(text.begin(), text.end(), ':')) + 1;
  if (fields == fields_) return std::nullopt;
  return line_problem(line + 1, "has " + std::to_string(fields) + " fields, not " + std::to_string(fields_));
}

void ColonFile::refuse_if_malformed(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return;
  if (auto problem = problem_of(it->second)) refuse_if_damaged(rel_, {*problem});
}

FileProblems ColonFile::problems() const {
  FileProblems out = cut_off_;
  for (size_t i = 0; i < lines_.size(); ++i)
    if (auto problem = problem_of(i)) out.push_back(*problem);
  return out;
}

void ColonFile::upsert(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    if (!is_safe_colon_field(f)) throw ApiError("Refusing to write a “:” or a line break into " + rel_ + ".");
  std::string line = join(fields, ":");
  auto it = index_.find(fields.at(0));
  if (it != index_.end()) {
    refuse_if_malformed(fields.at(0));  // its fields were read leniently: rewriting would lose or invent some
    lines_[it->second] = line;
    return;
  }
  index_.emplace(fields.at(0), lines_.size());
  lines_.push_back(line);
}

bool ColonFile::erase(const std::string& name) {
  auto it = index_.find(name);
  if (it == index_.end()) return false;
  lines_.erase(lines_.begin() + static_cast<long>(it->second));
  index_.clear();
  for (size_t i = 0; i < lines_.size(); ++i)
    if (!lines_[i].empty()) index_.emplace(lines_[i].substr(0, lines_[i].find(':')), i);
  return true;
}

void ColonFile::save(Transaction& txn) const {
  if (partial_) throw std::logic_error("ColonFile::save: " + rel_ + " was loaded only in part");
  std::string text;
  for (const auto& l : lines_) text += l + "\n";
  auto current = txn.read(rel_);
  if (current && *current == text) return;
  refuse_if_damaged(rel_, cut_off_);  // the cut line would be written as if whole
  txn.write(rel_, text, mode_);
}

void SystemUsers::load(const Transaction& txn) {
  passwd.load(txn);
  shadow.load(txn);
  group.load(txn);
}

void SystemUsers::save(Transaction& txn) const {
  passwd.save(txn);
  shadow.save(txn);
  group.save(txn);
}

FileOwner owner_of(const PasswdEntry& pw) {
  return {static_cast<uid_t>(parse_int(pw.uid).value_or(-1)), static_cast<gid_t>(parse_int(pw.gid).value_or(-1))};
}

std::optional<PasswdEntry> SystemUsers::user(const std::string& name) const {
  auto f = passwd.find(name);
  if (!f) return std::nullopt;
  f->resize(7);
  return PasswdEntry{(*f)[0], (*f)[1], (*f)[2], (*f)[3], (*f)[4], (*f)[5], (*f)[6]};
}

PasswdEntry SystemUsers::require_user(const std::string& name) const {
  auto pw = user(name);
  if (!pw) throw ApiError("The system user “" + name + "” is missing from etc/passwd.");
  return *pw;
}

static std::set<long> ids_in(const ColonFile& file, size_t field) {
  std::set<long> ids;
  for (const auto& l : file.lines()) {
    // Field `field` without splitting the whole line.
    size_t start = 0;
    for (size_t i = 0; i < field && start != std::string::npos; ++i) {
      start = l.find(':', start);
      if (start != std::string::npos) ++start;
    }
    if (start == std::string::npos) continue;
    size_t end = l.find(':', start);
    if (auto v =
            parse_int(std::string_view(l).substr(start, end == std::string::npos ? std::string::npos : end - start)))
      ids.insert(static_cast<long>(*v));
  }
  return ids;
}

bool SystemUsers::uid_in_use(long uid) const { return uids().count(uid) > 0; }
bool SystemUsers::gid_in_use(long gid) const { return gids().count(gid) > 0; }
std::set<long> SystemUsers::uids() const { return ids_in(passwd, 2); }
std::set<long> SystemUsers::gids() const {
  std::set<long> ids = ids_in(group, 2);
  ids.merge(ids_in(passwd, 3));
  return ids;
}

LoginDefs load_login_defs(const StateRoot& root) {
  LoginDefs defs;
  if (auto text = root.read("etc/login.defs")) {
    auto kv = parse_key_values(*text, ' ');
    if (auto v = parse_int(kv["UID_MIN"])) defs.uid_min = static_cast<long>(*v);
    if (auto v = parse_int(kv["UID_MAX"])) defs.uid_max = static_cast<long>(*v);
    if (auto v = parse_int(kv["GID_MIN"])) defs.gid_min = static_cast<long>(*v);
  }
  return defs;
}

std::pair<long, long> SystemUsers::allocate_ids(const StateRoot& root) const {
  const LoginDefs defs = load_login_defs(root);
  Transaction view(root);
  const TrackedIds tracked(view);
  // Every id in use one way or another, sorted: the first gap from UID_MIN
  // is the answer (at 100,000 accounts, one pass instead of a lookup in
  // four sets per id tried).
  const std::set<long> passwd_ids = ids_in(passwd, 2), group_ids = ids_in(group, 2);
  std::vector<long> used;
  // Pointers: an initializer list of sets would copy the tracked ones.
  for (const std::set<long>* ids : {&passwd_ids, &group_ids, &tracked.uids(), &tracked.gids()})
    used.insert(used.end(), ids->lower_bound(defs.uid_min), ids->end());
  std::sort(used.begin(), used.end());
  long id = defs.uid_min;
  for (long taken : used) {
    if (taken > id) break;
    if (taken == id) ++id;
  }
  if (id <= defs.uid_max) return {id, id};
  throw ApiError("No free user ID is left between UID_MIN " + std::to_string(defs.uid_min) + " and UID_MAX " +
                 std::to_string(defs.uid_max) + ".");
}

std::string hash_password(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$6$", 0, nullptr, 0, salt, sizeof salt)) throw ApiError("Cannot generate a password salt.");
  crypt_data data{};
  const char* h = crypt_rn(password.c_str(), salt, &data, sizeof data);
  if (!h || h[0] == '*') throw ApiError("Cannot hash the password.");
  return h;
}

bool verify_password(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* h = crypt_rn(password.c_str(), hash.c_str(), &data, sizeof data);
  return h && constant_time_equal(hash, h);
}

bool check_system_password(const StateRoot& root, const std::string& user, const std::string& password) {
  if (user.empty() || !is_safe_colon_field(user)) return false;
  Transaction view(root);  // reads only
  ColonFile shadow("etc/shadow", 0600, 9);
  shadow.load(view);
  auto entry = shadow.find(user);
  if (!entry || entry->size() < 2) return false;
  const std::string& hash = (*entry)[1];
  if (hash.empty() || hash[0] == '!' || hash[0] == '*') return false;
  return verify_password(password, hash);
}

std::optional<std::string> system_uid(const StateRoot& root, const std::string& user) {
  if (user.empty() || !is_safe_colon_field(user)) return std::nullopt;
  Transaction view(root);  // reads only
  ColonFile passwd("etc/passwd", 0644, 7);
  passwd.load(view);
  auto entry = passwd.find(user);
  if (!entry || entry->size() < 3) return std::nullopt;
  return (*entry)[2];
}

std::string generate_password(size_t length) {
  return random_string(length, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#%^*_-+=");
}

std::string random_alphanumeric(size_t length) {
  return random_string(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

long days_since_epoch() { return static_cast<long>(now() / 86400); }

// ---------------------------------------------------------------- the account's part

namespace {

// A line of etc/shadow or etc/group under another first field.
void rename_line(ColonFile& file, const std::string& from, const std::string& to) {
  auto fields = file.find(from);
  if (!fields) return;
  file.erase(from);
  (*fields)[0] = to;
  file.upsert(*fields);
}

// etc/passwd, etc/shadow, etc/group: the account's system user and group.
class SystemUserPart : public AccountPart {
 public:
  // The shared files that hold a line of the account.
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    Transaction view(root);
    SystemUsers sys;
    sys.load(view);
    std::vector<std::string> out;
    for (const ColonFile* f : {&sys.passwd, &sys.shadow, &sys.group})
      if (f->find(a.user)) out.push_back(f->rel());
    return out;
  }
  void create(const StateRoot&, Transaction& txn, const NewAccount& n, std::string& raw) const override {
    const AccountFacts& a = n.facts;
    SystemUsers sys;
    sys.load(txn);
    stage_entries(txn, sys, a, n.password_hash);
    raw += "Adding User...Done\n";
  }
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    SystemUsers sys;
    sys.load(txn);
    PasswdEntry pw = sys.require_user(from.user);
    sys.passwd.refuse_if_malformed(from.user);
    sys.passwd.erase(from.user);
    sys.passwd.upsert({to.user, pw.password, pw.uid, pw.gid, pw.gecos, to.home, pw.shell});
    rename_line(sys.shadow, from.user, to.user);
    rename_line(sys.group, from.user, to.user);
    sys.save(txn);
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string& raw) const override {
    if (a.suspended) return;
    SystemUsers sys;
    sys.load(txn);
    set_shell(sys, a.user, kSuspendedShell);
    raw += "Changing Shell to " + std::string(kSuspendedShell) + "...Done\n";
    if (auto sh = sys.shadow.find(a.user); sh && sh->size() > 1 && !starts_with((*sh)[1], "!")) {
      (*sh)[1] = "!" + (*sh)[1];
      sys.shadow.upsert(*sh);
      raw += "Locking Password...Done\n";
    }
    sys.save(txn);
  }
  void unsuspend(const StateRoot&, Transaction& txn, const AccountFacts& a, std::string&) const override {
    KeyValues info;
    if (auto text = txn.read(paths::suspendinfo(a.user))) info = parse_key_values(*text);
    SystemUsers sys;
    sys.load(txn);
    set_shell(sys, a.user, info.count("shell") && !info["shell"].empty() ? info["shell"] : kNoShell);
    if (auto sh = sys.shadow.find(a.user); sh && sh->size() > 1 && starts_with((*sh)[1], "!")) {
      (*sh)[1] = (*sh)[1].substr(1);
      sys.shadow.upsert(*sh);
    }
    sys.save(txn);
  }
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    SystemUsers sys;
    sys.load(txn);
    sys.passwd.erase(a.user);
    sys.shadow.erase(a.user);
    sys.group.erase(a.user);
    sys.save(txn);
    raw += "Removing system user...Done\n";
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    SystemUsers sys;
    sys.load(txn);
    auto sh = sys.shadow.find(a.user);
    out.file("shadow", sh && sh->size() > 1 ? (*sh)[1] : "*");
    out.file("shell", a.shell);
    out.file("homedir_paths", a.home + "\n");
    out.file("meta/homedir_paths", a.home + "\n");
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    SystemUsers sys;
    sys.load(txn);
    stage_entries(txn, sys, src.facts, src.password_hash);
    raw += "Restoring the system user (uid " + std::to_string(src.facts.ids.uid) + ")...Done\n";
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers& sys, const AccountFacts& a,
             Problems& out) const override {
    if (!sys.user(a.user)) report_missing(out, a.user, "its etc/passwd entry");
    if (!sys.shadow.find(a.user)) report_missing(out, a.user, "its etc/shadow entry");
    if (!sys.group.find(a.user)) report_missing(out, a.user, "its etc/group entry");
  }
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}

 private:
  static void set_shell(SystemUsers& sys, const std::string& user, const std::string& shell) {
    const PasswdEntry pw = sys.require_user(user);
    sys.passwd.upsert({pw.name, pw.password, pw.uid, pw.gid, pw.gecos, pw.home, shell});
  }
  static void stage_entries(Transaction& txn, SystemUsers& sys, const AccountFacts& a, const std::string& hash) {
    const std::string uid = std::to_string(a.ids.uid), gid = std::to_string(a.ids.gid);
    sys.passwd.upsert({a.user, "x", uid, gid, "", a.home, a.shell});
    sys.shadow.upsert({a.user, hash, std::to_string(days_since_epoch()), "0", "99999", "7", "", "", ""});
    sys.group.upsert({a.user, "x", gid, ""});
    sys.save(txn);
  }
};

}  // namespace

const AccountPart& system_user_part() { return part_instance<SystemUserPart>(); }

}  // namespace whm
