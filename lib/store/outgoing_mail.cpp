#include "outgoing_mail.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "exim_config.hpp"
#include "process.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kLimitsBase = "var/cpanel/email_send_limits/users";
constexpr const char* kArchived = "whmkit/email_send_limits.json";

const char* key_of(OutgoingControl which) { return which == OutgoingControl::Suspended ? "suspended" : "hold"; }

nlohmann::json load_limits(const Transaction& view, const std::string& user, FileProblems& problems) {
  auto text = view.read(outgoing_paths::limits_file(user));
  return text ? parse_json_object(*text, problems) : nlohmann::json::object();
}

std::vector<std::string> list_lines(const Transaction& view, const std::string& rel, FileProblems* problems) {
  std::vector<std::string> lines;
  if (auto text = view.read(rel))
    for_each_checked_line(*text, problems, [&](size_t, std::string_view line) { lines.emplace_back(line); });
  return lines;
}

// Stages the Exim list with `lines`, root's with group mail as Exim reads it;
// without lines the file goes (Exim's configuration checks that it exists).
void stage_list(Transaction& txn, const std::string& rel, const std::vector<std::string>& lines) {
  if (lines.empty()) {
    if (txn.exists(rel)) txn.remove(rel);
    return;
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  FileOwner owner;
  if (auto gid = mail_gid(txn)) owner.gid = *gid;
  txn.write(rel, text, 0640, owner);
}

// Replaces (or, with nullopt, removes) the lines `match` picks in both Exim lists.
void edit_lists(Transaction& txn, const std::function<std::optional<std::string>(const std::string&)>& edit) {
  for (auto which : {OutgoingControl::Suspended, OutgoingControl::Hold}) {
    const std::string rel = outgoing_paths::exim_list(which);
    FileProblems problems;
    auto lines = list_lines(txn, rel, &problems);
    std::vector<std::string> out;
    bool changed = false;
    for (const auto& l : lines) {
      auto replaced = edit(trim(l));
      changed = changed || replaced != trim(l);
      if (replaced) out.push_back(*replaced);
    }
    if (!changed) continue;
    refuse_if_damaged(rel, problems);
    stage_list(txn, rel, out);
  }
}

// Adds `entry` (an address or a user) to the Exim list, or takes it out.
void set_list_entry(Transaction& txn, OutgoingControl which, const std::string& entry, bool on) {
  const std::string list = outgoing_paths::exim_list(which);
  FileProblems problems;
  auto lines = list_lines(txn, list, &problems);
  refuse_if_damaged(list, problems);
  lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const auto& l) { return trim(l) == entry; }), lines.end());
  if (on) lines.push_back(entry);
  stage_list(txn, list, lines);
}

const char* cpuser_key(OutgoingControl which) {
  return which == OutgoingControl::Suspended ? "OUTGOING_MAIL_SUSPENDED" : "OUTGOING_MAIL_HOLD";
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// The account's hold and suspension record, and its addresses in the Exim lists.
class OutgoingMailPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {outgoing_paths::limits_file(a.user)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    const std::string old_file = outgoing_paths::limits_file(from.user);
    const bool new_domain = from.main_domain != to.main_domain;
    FileProblems problems;
    nlohmann::json limits = load_limits(txn, from.user, problems);
    if (txn.exists(old_file) && (from.user != to.user || (new_domain && limits.contains(from.main_domain)))) {
      refuse_if_damaged(old_file, problems);
      if (new_domain && limits.contains(from.main_domain)) {
        limits[to.main_domain] = limits[from.main_domain];
        limits.erase(from.main_domain);
      }
      txn.write(outgoing_paths::limits_file(to.user), limits.dump() + "\n", 0640, FileOwner{0, to.ids.gid});
      if (from.user != to.user) remove_existing(root, txn, {outgoing_paths::limits_dir(from.user)});
    }
    edit_lists(txn, [&](const std::string& l) -> std::optional<std::string> {
      if (l == from.user) return to.user;
      if (new_domain && domain_of(l) == from.main_domain) return l.substr(0, l.rfind('@')) + "@" + to.main_domain;
      return l;
    });
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, {outgoing_paths::limits_dir(a.user)});
    const std::set<std::string> domains(a.domains.begin(), a.domains.end());
    edit_lists(txn, [&](const std::string& l) -> std::optional<std::string> {
      if (l == a.user || domains.count(domain_of(l))) return std::nullopt;
      return l;
    });
  }
  // As whmkit/email_send_limits.json (UNCONFIRMED: the layout of cPanel's pkgacct MailLimits part is not known).
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (auto text = txn.read(outgoing_paths::limits_file(a.user))) out.file(kArchived, *text);
  }
  // Only the restored account's domains and well-formed local parts come back, with their Exim lines.
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    // WHM's account-wide switches come back with the cpuser file; Exim's lines with them.
    for (auto which : {OutgoingControl::Suspended, OutgoingControl::Hold})
      if (const std::string v = src.cpuser.get(cpuser_key(which)); !v.empty() && v != "0")
        set_list_entry(txn, which, src.facts.user, true);
    const std::string* text = src.archive.file(kArchived);
    if (!text) return;
    FileProblems problems;
    const nlohmann::json archived = parse_json_object(*text, problems);
    if (!problems.empty()) {
      raw += "The archive's " + std::string(kArchived) + " was left out: " + problems.front() + "\n";
      return;
    }
    for (const auto& domain : src.facts.domains) {
      if (!archived.contains(domain) || !archived[domain].is_object()) continue;
      for (auto which : {OutgoingControl::Suspended, OutgoingControl::Hold}) {
        const auto& locals = archived[domain].value(key_of(which), nlohmann::json::object());
        if (!locals.is_object()) continue;
        for (const auto& [local, on] : locals.items())
          if (on == 1 && !local_part_error(local) && local.find('/') == std::string::npos)
            stage_outgoing_control(txn, src.facts.user, src.facts.ids.gid, EmailAddress{local, domain}, which, true);
      }
    }
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    FileProblems problems;
    load_limits(view, a.user, problems);
    if (!problems.empty()) out.push_back(damage_summary(outgoing_paths::limits_file(a.user), problems));
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, kLimitsBase, "", users, out);
  }
};

// The value of a "-name value" line of a -H file's header section.
std::optional<std::string> header_value(const std::string& line, const std::string& name) {
  if (!starts_with(line, name)) return std::nullopt;
  if (line.size() == name.size()) return std::string();
  if (line[name.size()] != ' ') return std::nullopt;
  return line.substr(name.size() + 1);
}

// A message id as Exim names its spool files: letters, digits and "-".
bool is_message_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::optional<QueuedMessage> read_header_file(const StateRoot& root, const std::string& rel, const std::string& id) {
  auto text = root.read(rel);
  if (!text) return std::nullopt;  // delivered meanwhile
  QueuedMessage m;
  m.id = id;
  // Line 1 the file's name, 2 the owner, 3 the sender, 4 the time; then the
  // "-name value" lines, until the recipients' part.
  size_t n = 0;
  for (const auto& line : split(*text, '\n')) {
    if (++n <= 4) continue;
    if (line.empty() || line[0] != '-') break;
    // Exim (4.94 and later) writes a tainted value's name with a second "-": "--auth_id".
    if (auto v = header_value(line, "-auth_id"); v || (v = header_value(line, "--auth_id"))) m.auth_id = to_lower(*v);
    if (header_value(line, "-frozen")) m.frozen = true;
  }
  return m;
}

}  // namespace

namespace outgoing_paths {
std::string limits_dir(const std::string& user) { return std::string(kLimitsBase) + "/" + user; }
std::string limits_file(const std::string& user) { return limits_dir(user) + "/suspensions.json"; }
std::string exim_list(OutgoingControl which) {
  return which == OutgoingControl::Suspended ? "etc/outgoing_mail_suspended_users" : "etc/outgoing_mail_hold_users";
}
}  // namespace outgoing_paths

std::set<std::string> outgoing_controlled(const Transaction& view, const std::string& user, OutgoingControl which) {
  FileProblems problems;
  const nlohmann::json limits = load_limits(view, user, problems);
  std::set<std::string> out;
  for (const auto& [domain, kinds] : limits.items()) {
    if (!kinds.is_object() || !kinds.contains(key_of(which)) || !kinds[key_of(which)].is_object()) continue;
    for (const auto& [local, on] : kinds[key_of(which)].items())
      if (on == 1) out.insert(local + "@" + domain);
  }
  return out;
}

bool stage_outgoing_control(Transaction& txn, const std::string& user, gid_t account_gid, const EmailAddress& address,
                            OutgoingControl which, bool on) {
  const std::string file = outgoing_paths::limits_file(user);
  FileProblems problems;
  nlohmann::json limits = load_limits(txn, user, problems);
  const char* key = key_of(which);
  const bool was = outgoing_controlled(txn, user, which).count(address.full()) > 0;
  if (was == on) return false;
  refuse_if_damaged(file, problems);
  if (on) {
    limits[address.domain][key][address.local] = 1;
  } else {
    limits[address.domain][key].erase(address.local);
    if (limits[address.domain][key].empty()) limits[address.domain].erase(key);
    if (limits[address.domain].empty()) limits.erase(address.domain);
  }
  txn.write(file, limits.dump() + "\n", 0640, FileOwner{0, account_gid});

  set_list_entry(txn, which, address.full(), on);
  return true;
}

void stage_account_outgoing_control(const StateRoot& root, Transaction& txn, const std::string& user,
                                    OutgoingControl which, bool on) {
  AccountStore store(root);
  CpUser u = store.require(user);
  if (on)
    u.set(cpuser_key(which), std::to_string(now()));
  else
    u.kv.erase(cpuser_key(which));
  SystemUsers sys;
  sys.load(txn);
  store.save(txn, u, store.domain_rows(user), owner_of(sys.require_user(user)));
  set_list_entry(txn, which, user, on);
}

std::vector<QueuedMessage> queued_messages(const StateRoot& root) {
  std::vector<QueuedMessage> out;
  auto scan = [&](const std::string& dir) {
    for (const auto& name : root.list_dir(dir)) {
      if (!ends_with(name, "-H")) continue;
      const std::string id = name.substr(0, name.size() - 2);
      if (!is_message_id(id)) continue;
      if (auto m = read_header_file(root, dir + "/" + name, id)) out.push_back(*m);
    }
  };
  const std::string input = outgoing_paths::kSpoolInput;
  scan(input);
  // split_spool_directory (cPanel's setting): input/<6th character of the id>/
  for (const auto& name : root.list_dir(input))
    if (name.size() == 1 && std::isalnum(static_cast<unsigned char>(name[0]))) scan(input + "/" + name);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::vector<std::string> held_message_ids(const StateRoot& root, const std::string& address) {
  std::vector<std::string> ids;
  for (const auto& m : queued_messages(root))
    if (m.frozen && m.auth_id == address) ids.push_back(m.id);
  return ids;
}

std::vector<std::string> account_held_message_ids(const Transaction& view, const std::string& user,
                                                  const std::vector<std::string>& domains) {
  const std::set<std::string> own(domains.begin(), domains.end());
  const std::set<std::string> held_alone = outgoing_controlled(view, user, OutgoingControl::Hold);
  std::vector<std::string> ids;
  for (const auto& m : queued_messages(view.root()))
    if (m.frozen && own.count(domain_of(m.auth_id)) && !held_alone.count(m.auth_id)) ids.push_back(m.id);
  return ids;
}

std::string exim_program() {
  if (const char* configured = std::getenv("WHMKIT_EXIM"); configured && *configured)
    return ::access(configured, X_OK) == 0 ? configured : "";
  return installed_exim();
}

void run_exim_on_messages(const std::string& verb, const std::vector<std::string>& args,
                          const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  const std::string exim = exim_program();
  if (exim.empty())
    throw ApiError("Exim is not installed on this server: the held messages could not be " + verb + "d.");
  std::vector<std::string> argv{exim};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), ids.begin(), ids.end());
  auto out = run_with_input(argv, "");
  if (!out || out->status != 0)
    throw ApiError("Exim could not " + verb + " the held messages" +
                   (out ? ": " + trim(out->output) : std::string(".")));
}

const AccountPart& outgoing_mail_part() { return part_instance<OutgoingMailPart>(); }

}  // namespace whm
