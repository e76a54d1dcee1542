#include "mailing_lists.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "account_parts.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "lookup.hpp"
#include "mail_paths.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "secrets.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr const char* kSettingsName = "whmkit.json";
constexpr const char* kAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// cPanel's list ids: 1 letter, "_", a 3-letter domain at least; 250 at most
// (the archive's "<id>.mbox" must fit a file name).
constexpr size_t kMinIdLength = 5, kMaxIdLength = 250;

std::string archive_dir(const std::string& id) { return std::string(mailman_paths::kPrivateArchives) + "/" + id; }

bool is_list_name_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
         c == '.' || c == '-';
}

// A crypt(3) hash as whmkit writes it: "$6$salt$hash", crypt's alphabet only.
bool is_sha512_crypt(const std::string& h) {
  if (!starts_with(h, "$6$")) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '$' || c == '.' || c == '/';
  });
}

bool int_in(const nlohmann::json& v, int lo, int hi) {
  return v.is_number_integer() && v.get<int>() >= lo && v.get<int>() <= hi;
}

// whmkit.json: {"password_hash", "advertised", "archive_private", "subscribe_policy", "members"}.
void read_settings(const std::string& text, MailingList& list, FileProblems& problems) {
  nlohmann::json doc = parse_json_object(text, problems);
  if (!problems.empty()) return;
  auto bad = [&](const char* what) { problems.push_back(std::string("its “") + what + "” is not valid"); };
  const auto hash = doc.value("password_hash", nlohmann::json(""));
  if (hash.is_string() && (hash.get<std::string>().empty() || is_sha512_crypt(hash.get<std::string>())))
    list.password_hash = hash.get<std::string>();
  else
    bad("password_hash");
  const std::pair<const char*, int*> flags[] = {{"advertised", &list.privacy.advertised},
                                                {"archive_private", &list.privacy.archive_private}};
  for (const auto& [key, field] : flags) {
    if (!doc.contains(key)) continue;
    if (int_in(doc[key], 0, 1))
      *field = doc[key].get<int>();
    else
      bad(key);
  }
  if (doc.contains("subscribe_policy")) {
    if (int_in(doc["subscribe_policy"], 1, 3))
      list.privacy.subscribe_policy = doc["subscribe_policy"].get<int>();
    else
      bad("subscribe_policy");
  }
  for (const auto& m : doc.value("members", nlohmann::json::array())) {
    if (m.is_string() && m.get<std::string>().find_first_of(",\"\n\r") == std::string::npos)
      list.members.push_back(m.get<std::string>());
    else
      bad("members");
  }
  list.has_settings = problems.empty();
}

std::string settings_text(const MailingList& list) {
  nlohmann::json doc = {{"password_hash", list.password_hash},
                        {"advertised", list.privacy.advertised},
                        {"archive_private", list.privacy.archive_private},
                        {"subscribe_policy", list.privacy.subscribe_policy},
                        {"members", list.members}};
  return json_text(doc) + "\n";
}

MailingList read_list(const Transaction& view, const std::string& name, const std::string& domain, bool warn) {
  MailingList list;
  list.name = name;
  list.domain = domain;
  if (auto text = view.read(mailman_paths::settings_file(list.id()))) {
    FileProblems problems;
    read_settings(*text, list, problems);
    if (!problems.empty()) {
      list = MailingList{name, domain};
      if (warn)
        add_notice(damage_summary(mailman_paths::settings_file(list.id()), problems) +
                   " The list is shown with Mailman's defaults.");
    }
  }
  return list;
}

// The ids of the list directories under the root (the names only: a list is a directory).
std::vector<std::string> list_ids(const StateRoot& root) {
  std::vector<std::string> out;
  for (const auto& name : root.list_dir(mailman_paths::kLists))
    if (parse_list_id(name)) out.push_back(name);
  return out;
}

// ---- _privs.json

using Privs = nlohmann::json;  // {"mailman": {"<id>": {"delegates": {"<address>": 1}}}}

Privs read_privs(const Transaction& view, const std::string& home_rel, const std::string& domain) {
  auto text = view.read(mailman_paths::privs(home_rel, domain));
  if (!text) return Privs::object();
  FileProblems problems;
  Privs doc = parse_json_object(*text, problems);
  if (!problems.empty()) refuse_if_damaged(mailman_paths::privs(home_rel, domain).joined(), problems, "read");
  return doc;
}

void write_privs(Transaction& txn, const CpanelAccount& account, const std::string& home_rel, const std::string& domain,
                 const Privs& doc) {
  FileOwner owner{account.owner.uid, mail_gid(txn).value_or(account.owner.gid)};
  txn.write(mailman_paths::privs(home_rel, domain), json_text(doc) + "\n", 0640, owner);
}

std::string home_rel_of(const CpanelAccount& account) { return paths::rel_from_abs(account.home); }

}  // namespace

namespace mailman_paths {
std::string list_dir(const std::string& id) { return std::string(kLists) + "/" + id; }
std::string settings_file(const std::string& id) { return list_dir(id) + "/" + kSettingsName; }
UserPath privs(const std::string& home_rel, const std::string& domain) {
  return {home_rel, "etc/" + domain + "/_privs.json"};
}
}  // namespace mailman_paths

ListPrivacy private_list_privacy() { return {0, 1, 3}; }

std::optional<std::pair<std::string, std::string>> parse_list_id(const std::string& id) {
  if (id.size() < kMinIdLength || id.size() > kMaxIdLength) return std::nullopt;
  const auto sep = id.rfind('_');
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  std::string name = id.substr(0, sep), domain = id.substr(sep + 1);
  if (list_name_error(name, domain)) return std::nullopt;
  return std::make_pair(name, domain);
}

std::optional<std::string> list_name_error(const std::string& name, const std::string& domain) {
  const size_t id_length = name.size() + 1 + domain.size();
  if (name.empty() || id_length < kMinIdLength || id_length > kMaxIdLength) return "its length";
  if (!std::all_of(name.begin(), name.end(), is_list_name_char)) return "a character";
  if (name.find("..") != std::string::npos || name[0] == '.') return "a dot";
  if (domain_syntax_error(domain)) return "the domain";
  return std::nullopt;
}

std::vector<MailingList> lists_of(const Transaction& view, const std::vector<std::string>& domains) {
  const std::set<std::string> wanted(domains.begin(), domains.end());
  std::vector<MailingList> out;
  for (const auto& id : list_ids(view.root())) {
    auto parts = parse_list_id(id);
    if (!wanted.count(parts->second)) continue;
    // A list directory staged for removal in this transaction is gone.
    if (!view.exists(mailman_paths::list_dir(id))) continue;
    out.push_back(read_list(view, parts->first, parts->second, true));
  }
  std::sort(out.begin(), out.end(),
            [](const MailingList& a, const MailingList& b) { return a.address() < b.address(); });
  return out;
}

std::optional<MailingList> find_list(const Transaction& view, const std::string& name, const std::string& domain) {
  if (list_name_error(name, domain)) return std::nullopt;
  MailingList probe{name, domain};
  const bool staged = view.read(mailman_paths::settings_file(probe.id())).has_value();
  if (!staged && !view.exists(mailman_paths::list_dir(probe.id()))) return std::nullopt;
  return read_list(view, name, domain, true);
}

void stage_list(Transaction& txn, const MailingList& list) {
  txn.write(mailman_paths::settings_file(list.id()), settings_text(list), 0600);
}

void stage_list_removal(const StateRoot& root, Transaction& txn, const std::string& id) {
  remove_existing(root, txn, {mailman_paths::list_dir(id), archive_dir(id), archive_dir(id) + ".mbox"});
  for (const auto& name : root.list_dir(mailman_paths::kOneTimePasswords))
    if (starts_with(name, id + "_") && name.size() == id.size() + 9)
      txn.remove(std::string(mailman_paths::kOneTimePasswords) + "/" + name);
}

long long list_disk_bytes(const StateRoot& root, const std::string& id) {
  long long bytes = 0;
  for (const auto& rel : {mailman_paths::list_dir(id), archive_dir(id), archive_dir(id) + ".mbox"})
    if (auto dir = UserDir::open(root.path(rel), "/" + rel)) bytes += dir->tree_bytes();
  return bytes;
}

// ---- delegates

std::vector<std::string> list_delegates(const Transaction& view, const CpanelAccount& account, const std::string& id) {
  std::set<std::string> out;
  const std::string home_rel = home_rel_of(account);
  for (const auto& domain : account.domains) {
    const Privs doc = read_privs(view, home_rel, domain);
    const auto* delegates = doc.contains("mailman") && doc["mailman"].is_object() && doc["mailman"].contains(id)
                                ? &doc["mailman"][id]
                                : nullptr;
    if (!delegates || !delegates->is_object() || !delegates->contains("delegates") ||
        !(*delegates)["delegates"].is_object())
      continue;
    for (const auto& [address, on] : (*delegates)["delegates"].items())
      if (on == 1 || on == true) out.insert(address);
  }
  return {out.begin(), out.end()};
}

bool has_delegated_lists(const Transaction& view, const CpanelAccount& account, const std::string& address) {
  const std::string domain = address.substr(address.find('@') + 1);
  const Privs doc = read_privs(view, home_rel_of(account), domain);
  if (!doc.contains("mailman") || !doc["mailman"].is_object()) return false;
  for (const auto& [id, list] : doc["mailman"].items())
    if (list.is_object() && list.contains("delegates") && list["delegates"].is_object() &&
        list["delegates"].contains(address) && (list["delegates"][address] == 1 || list["delegates"][address] == true))
      return true;
  return false;
}

void stage_delegates(Transaction& txn, const CpanelAccount& account, const std::string& id,
                     const std::vector<std::string>& addresses, bool add) {
  std::map<std::string, std::vector<std::string>> by_domain;
  for (const auto& a : addresses) by_domain[a.substr(a.find('@') + 1)].push_back(a);
  const std::string home_rel = home_rel_of(account);
  for (const auto& [domain, list] : by_domain) {
    Privs doc = read_privs(txn, home_rel, domain);
    if (!doc.contains("mailman") || !doc["mailman"].is_object()) doc["mailman"] = Privs::object();
    if (!doc["mailman"][id].is_object()) doc["mailman"][id] = Privs::object();
    auto& delegates = doc["mailman"][id]["delegates"];
    if (!delegates.is_object()) delegates = Privs::object();
    for (const auto& a : list) {
      if (add)
        delegates[a] = 1;
      else
        delegates.erase(a);
    }
    if (delegates.empty()) doc["mailman"].erase(id);
    write_privs(txn, account, home_rel, domain, doc);
  }
}

void stage_forget_list_delegates(Transaction& txn, const CpanelAccount& account, const std::string& id) {
  const std::string home_rel = home_rel_of(account);
  for (const auto& domain : account.domains) {
    if (!txn.exists(mailman_paths::privs(home_rel, domain))) continue;
    Privs doc = read_privs(txn, home_rel, domain);
    if (!doc.contains("mailman") || !doc["mailman"].is_object() || !doc["mailman"].contains(id)) continue;
    doc["mailman"].erase(id);
    write_privs(txn, account, home_rel, domain, doc);
  }
}

// ---- one-time passwords

std::string stage_one_time_password(Transaction& txn, const std::string& id, std::time_t now) {
  const std::string user = random_string(8, kAlphanumeric), pass = random_string(32, kAlphanumeric);
  const nlohmann::json doc = {{"hash", hash_password(pass)}, {"expires", now + kOneTimePasswordLifetime}};
  txn.write(std::string(mailman_paths::kOneTimePasswords) + "/" + id + "_" + user, json_text(doc) + "\n", 0600);
  return user + "_" + pass;
}

// ---------------------------------------------------------------- the account's part

namespace {

// The list ids of `domains`.
std::vector<std::string> ids_of(const StateRoot& root, const std::vector<std::string>& domains) {
  const std::set<std::string> wanted(domains.begin(), domains.end());
  std::vector<std::string> out;
  for (const auto& id : list_ids(root))
    if (wanted.count(parse_list_id(id)->second)) out.push_back(id);
  return out;
}

// pkgacct's "mm/<id>/<file>": a list directory's files (config.pck and
// whmkit.json). Archives (mma/) are not carried: docs/email-lists.md.
constexpr const char* kArchiveDir = "mm/";

// Mailman's own files a restore may put back as they are (opaque to whmkit).
bool is_mailman_file(const std::string& name) {
  return name == "config.pck" || name == "config.pck.last" || name == "request.pck" || name == "pending.pck";
}

class MailingListsPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels;
    for (const auto& id : ids_of(root, a.domains)) rels.push_back(mailman_paths::list_dir(id));
    return existing(root, rels);
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  // A new main domain (and its subdomains) takes its lists along; the
  // delegates file of the domain follows with etc/<domain> (the mailbox part
  // moves it), its list ids and addresses rewritten here first.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.main_domain == to.main_domain) return;
    for (const auto& id : ids_of(root, from.domains)) {
      auto [name, domain] = *parse_list_id(id);
      const std::string new_domain = replace_domain(domain, from.main_domain, to.main_domain);
      if (new_domain == domain) continue;
      MailingList moved{name, new_domain};
      move_existing(root, txn, mailman_paths::list_dir(id), mailman_paths::list_dir(moved.id()));
      move_existing(root, txn, archive_dir(id), archive_dir(moved.id()));
      move_existing(root, txn, archive_dir(id) + ".mbox", archive_dir(moved.id()) + ".mbox");
    }
    if (from.home_rel.empty()) return;
    for (const auto& domain : from.domains) {
      const UserPath file = mailman_paths::privs(from.home_rel, domain);
      auto text = txn.read(file);
      if (!text) continue;
      const std::string rewritten = replace_domain(*text, from.main_domain, to.main_domain);
      if (rewritten != *text) txn.write(file, rewritten, 0640, {to.ids.uid, mail_gid(txn).value_or(to.ids.gid)});
    }
  }
  // cPanel keeps a suspended account's lists (their mail goes on).
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    const auto ids = ids_of(root, a.domains);
    for (const auto& id : ids) stage_list_removal(root, txn, id);
    if (!ids.empty()) raw += "Removing mailman lists...Done\n";
  }
  void archive(const StateRoot& root, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (const auto& id : ids_of(root, a.domains))
      for (const auto& name : root.list_dir(mailman_paths::list_dir(id))) {
        const std::string rel = mailman_paths::list_dir(id) + "/" + name;
        struct stat st {};
        if (::lstat(root.path(rel).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (auto content = txn.read(rel)) out.file(kArchiveDir + id + "/" + name, *content);
      }
  }
  // Each mm/<id>/ of the account's domains: whmkit.json only when it is
  // valid (a hash, settings in range), Mailman's own files as they are.
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    std::map<std::string, std::vector<std::string>> files;  // id -> names
    for (const auto& [rel, content] : src.archive.files) {
      if (!starts_with(rel, kArchiveDir)) continue;
      const auto parts = split(rel.substr(std::string(kArchiveDir).size()), '/');
      if (parts.size() == 2) files[parts[0]].push_back(parts[1]);
    }
    const std::set<std::string> domains(src.facts.domains.begin(), src.facts.domains.end());
    for (const auto& [id, names] : files) {
      auto parts = parse_list_id(id);
      if (!parts || !domains.count(parts->second)) {
        raw += "Left out the mailing list “" + id + "”: it is not a list of the account's domains.\n";
        continue;
      }
      for (const auto& name : names) {
        const std::string& content = *src.archive.file(kArchiveDir + id + "/" + name);
        if (name == kSettingsName) {
          MailingList list{parts->first, parts->second};
          FileProblems problems;
          read_settings(content, list, problems);
          if (!problems.empty()) {
            raw += "Left out the settings of the mailing list “" + list.address() + "”: " + problems[0] + ".\n";
            continue;
          }
          stage_list(txn, list);
        } else if (is_mailman_file(name)) {
          txn.write(mailman_paths::list_dir(id) + "/" + name, content, 0660);
        }
      }
      raw += "Restoring Mailman list " + id + "...Done\n";
    }
  }
  void check(const StateRoot& root, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (const auto& id : ids_of(root, a.domains)) {
      const std::string rel = mailman_paths::settings_file(id);
      auto text = view.read(rel);
      if (!text) {
        out.push_back("Account “" + a.user + "”: the mailing list “" + id + "” has no " + rel + ".");
        continue;
      }
      MailingList list;
      FileProblems problems;
      read_settings(*text, list, problems);
      if (!problems.empty()) out.push_back(damage_summary(rel, problems));
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::map<std::string, std::string> owner;
    for (const auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) owner[to_lower(domain)] = user;
    for (const auto& id : list_ids(root)) {
      auto it = owner.find(parse_list_id(id)->second);
      if (it == owner.end() || !users.count(it->second))
        out.push_back("Orphaned " + mailman_paths::list_dir(id) + " (no account has the domain “" +
                      parse_list_id(id)->second + "”).");
    }
  }
};

}  // namespace

const AccountPart& mailing_lists_part() { return part_instance<MailingListsPart>(); }

}  // namespace whm
