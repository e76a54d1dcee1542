#include "mail_routing.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "home_backup_file.hpp"
#include "hostname.hpp"
#include "lookup.hpp"
#include "mail_paths.hpp"
#include "sysusers.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr const char* kFail = ":fail:";
constexpr const char* kDefer = ":defer:";
constexpr const char* kBlackhole = ":blackhole:";
// cPanel's autoresponder program: the one pipe outside the home a restored forwarder may name.
constexpr const char* kAutorespond = "/usr/local/cpanel/bin/autorespond";

bool has_control_byte(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A system user's name as a destination: what etc/passwd can hold and Exim reads as a local user.
bool is_user_name(const std::string& s) {
  if (s.empty() || s.size() > 32 || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
           c == '-' || c == '.';
  });
}

// An absolute path inside `home`, without "." or ".." components.
bool is_path_in_home(const std::string& path, const std::string& home) {
  if (!starts_with(path, home + "/") || path.size() == home.size() + 1) return false;
  for (const auto& part : split(path.substr(home.size() + 1), '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

// The group mail owns cPanel's mail files with (root's own group when the root has none).
FileOwner root_mail_owner(const Transaction& view) {
  FileOwner owner;
  if (auto gid = mail_gid(view)) owner.gid = *gid;
  return owner;
}

// ---- one-domain-per-line lists ----

struct DomainList {
  const char* rel;
  const char* setting;
  mode_t mode;
};
const DomainList kDomainLists[] = {{mail_paths::kLocalDomains, mail_exchanger::kLocal, 0640},
                                   {mail_paths::kRemoteDomains, mail_exchanger::kRemote, 0644},
                                   {mail_paths::kSecondaryMx, mail_exchanger::kSecondary, 0640}};

std::vector<std::string> list_lines(const Transaction& view, const char* rel, FileProblems* problems) {
  std::vector<std::string> lines;
  if (auto text = view.read(rel))
    for_each_checked_line(*text, problems, [&](size_t, std::string_view line) { lines.emplace_back(line); });
  return lines;
}

bool list_has(const Transaction& view, const char* rel, const std::string& domain) {
  for (const auto& line : list_lines(view, rel, nullptr))
    if (to_lower(trim(line)) == domain) return true;
  return false;
}

// Adds or removes `domain`'s line; true when the file changed.
bool stage_list_line(Transaction& txn, const DomainList& list, const std::string& domain, bool present) {
  FileProblems problems;
  auto lines = list_lines(txn, list.rel, &problems);
  const bool has = std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return to_lower(trim(l)) == domain; });
  if (has == present) return false;
  refuse_if_damaged(list.rel, problems);
  if (present)
    lines.push_back(domain);
  else
    lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const auto& l) { return to_lower(trim(l)) == domain; }),
                lines.end());
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  txn.write(list.rel, text, list.mode, root_mail_owner(txn));
  return true;
}

// ---- valiases lines ----

}  // namespace

std::string unquote_destination(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

std::string autoresponder_destination(const std::string& address, const std::string& home) {
  return "\"|" + std::string(kAutorespond) + " " + address + " " + home + "/.autorespond\"";
}

bool is_autoresponder_destination(const std::string& dest) {
  return starts_with(unquote_destination(dest), "|" + std::string(kAutorespond) + " ");
}

DestinationKind destination_kind(const std::string& dest) {
  const std::string d = unquote_destination(dest);
  if (starts_with(d, kFail) || starts_with(d, kDefer)) return DestinationKind::Fail;
  if (d == kBlackhole) return DestinationKind::Blackhole;
  if (starts_with(d, "|")) return DestinationKind::Pipe;
  if (starts_with(d, "/")) return DestinationKind::File;
  if (d.find('@') == std::string::npos) return DestinationKind::User;
  return DestinationKind::Address;
}

std::optional<std::string> destination_error(const std::string& dest, const std::string& home) {
  if (dest.empty()) return "A destination may not be empty.";
  if (has_control_byte(dest)) return "A destination may not contain control characters.";
  const std::string d = unquote_destination(dest);
  switch (destination_kind(dest)) {
    case DestinationKind::Fail:
    case DestinationKind::Blackhole: return std::nullopt;
    case DestinationKind::Pipe: {
      const std::string command = trim(d.substr(1));
      if (command.find_first_of(",\"") != std::string::npos)
        return "A program to pipe to may not contain a comma or a double quote.";
      const std::string program = split(command, ' ').front();
      if (program == kAutorespond || is_path_in_home(program, home)) return std::nullopt;
      return "The program “" + program + "” is not inside the home directory " + home + ".";
    }
    case DestinationKind::File:
      if (is_path_in_home(d, home) && d.find_first_of(", \"") == std::string::npos) return std::nullopt;
      return "The file “" + d + "” is not inside the home directory " + home + ".";
    case DestinationKind::User:
      if (is_user_name(d)) return std::nullopt;
      return "“" + d + "” is neither an email address nor a user name.";
    case DestinationKind::Address: {
      const auto at = d.rfind('@');
      if (auto why = local_part_error(d.substr(0, at))) return "“" + d + "”: " + *why;
      if (auto why = domain_syntax_error(to_lower(d.substr(at + 1)))) return "“" + d + "”: " + *why;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_destinations(const std::string& value) {
  const std::string v = trim(value);
  if (starts_with(v, kFail) || starts_with(v, kDefer)) return {v};
  std::vector<std::string> out;
  std::string item;
  bool quoted = false;
  for (char c : v) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      if (!trim(item).empty()) out.push_back(trim(item));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

// ---- DomainAliases ----

DomainAliases::DomainAliases(const Transaction& view, std::string domain) : domain_(std::move(domain)) {
  const std::string rel = mail_paths::valiases(domain_);
  auto text = view.read(rel);
  exists_ = text.has_value();
  if (!text) return;
  // Exim's lsearch: "key: value", a line starting with white space continues
  // the one before, "#" starts a comment, blank lines do nothing.
  std::vector<std::pair<size_t, std::string>> logical;
  for_each_checked_line(*text, &problems_, [&](size_t n, std::string_view line) {
    if (line.empty() || trim(line).empty() || trim(line)[0] == '#') return;
    if (line[0] == ' ' || line[0] == '\t') {
      if (logical.empty())
        problems_.push_back(line_problem(n, "continues no line"));
      else
        logical.back().second += " " + trim(line);
      return;
    }
    logical.emplace_back(n, std::string(line));
  });
  for (const auto& [n, line] : logical) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      problems_.push_back(line_problem(n, "is not “address: destinations”"));
      continue;
    }
    std::string key = unquote_destination(trim(line.substr(0, colon)));
    auto dests = split_destinations(line.substr(colon + 1));
    if (key == "*") {
      default_ = join(dests, ",");
      continue;
    }
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AliasEntry& e) { return e.address == key; });
    if (it != entries_.end()) {
      problems_.push_back(line_problem(n, "names “" + key + "” a second time"));
      continue;
    }
    entries_.push_back({key, dests});
  }
}

bool DomainAliases::add(const std::string& address, const std::string& dest) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AliasEntry& e) { return e.address == address; });
  if (it == entries_.end()) {
    entries_.push_back({address, {dest}});
    return true;
  }
  if (std::find(it->destinations.begin(), it->destinations.end(), dest) != it->destinations.end()) return false;
  it->destinations.push_back(dest);
  return true;
}

bool DomainAliases::remove(const std::string& address, const std::string& dest) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const AliasEntry& e) { return e.address == address; });
  if (it == entries_.end()) return false;
  auto& dests = it->destinations;
  auto d = std::find_if(dests.begin(), dests.end(),
                        [&](const std::string& x) { return unquote_destination(x) == unquote_destination(dest); });
  if (d == dests.end()) return false;
  dests.erase(d);
  if (dests.empty()) entries_.erase(it);
  return true;
}

std::string DomainAliases::text() const {
  std::string out;
  for (const auto& e : entries_) out += e.address + ": " + join(e.destinations, ",") + "\n";
  if (default_) out += "*: " + *default_ + "\n";
  return out;
}

void DomainAliases::stage(Transaction& txn) const {
  const std::string rel = mail_paths::valiases(domain_);
  refuse_if_damaged(rel, problems_);
  txn.write(rel, text(), 0640, root_mail_owner(txn));
}

// ---- vdomainaliases ----

std::optional<std::string> domain_forward_target(const Transaction& view, const std::string& domain) {
  auto text = view.read(mail_paths::vdomainaliases(domain));
  if (!text) return std::nullopt;
  for (const auto& [left, right] : parse_lookup_pairs(*text))
    if (to_lower(left) == domain && !right.empty()) return to_lower(trim(right));
  return std::nullopt;
}

void stage_domain_forward(Transaction& txn, const std::string& domain, const std::string& target) {
  txn.write(mail_paths::vdomainaliases(domain), domain + ": " + target + "\n", 0640, root_mail_owner(txn));
}

bool stage_remove_domain_forward(Transaction& txn, const std::string& domain) {
  const std::string rel = mail_paths::vdomainaliases(domain);
  if (!txn.exists(rel)) return false;
  txn.remove(rel);
  return true;
}

// ---- manualmx ----

std::optional<std::string> manual_mx_of(const Transaction& view, const std::string& domain) {
  if (auto text = view.read(kManualMx))
    for (const auto& [left, right] : parse_lookup_pairs(*text))
      if (to_lower(left) == domain) return right;
  return std::nullopt;
}

std::optional<std::string> stage_manual_mx(Transaction& txn, const std::string& domain,
                                           const std::optional<std::string>& host) {
  FileProblems problems;
  auto pairs = parse_lookup_pairs(txn.read(kManualMx).value_or(""), &problems);
  std::optional<std::string> before;
  std::string text;
  for (const auto& [left, right] : pairs) {
    if (to_lower(left) == domain) {
      before = right;
      continue;
    }
    text += left + ": " + right + "\n";
  }
  if (!host && !before) return before;
  refuse_if_damaged(kManualMx, problems);
  if (host) text += domain + ": " + *host + "\n";
  txn.write(kManualMx, text, 0640, root_mail_owner(txn));
  return before;
}

// ---- mail exchanger ----

std::optional<std::string> mail_exchanger_of(const Transaction& view, const std::string& domain) {
  for (const auto& list : kDomainLists)
    if (list_has(view, list.rel, domain)) return std::string(list.setting);
  return std::nullopt;
}

std::string detect_mail_exchanger(const StateRoot& root, const Transaction& view, const std::string& domain,
                                  std::vector<std::string>& warnings) {
  const std::string last = mail_exchanger_of(view, domain).value_or(mail_exchanger::kLocal);
  if (!zone_exists(view, domain)) {
    warnings.push_back(
        "Auto Detect of MX configuration not possible due to non-resolving MX entries. Defaulting to "
        "last known setting: " +
        last + ".");
    return last;
  }
  const std::string hostname = to_lower(server_hostname(root));
  auto is_ours = [&](std::string target) {
    target = to_lower(target);
    if (!target.empty() && target.back() == '.') target.pop_back();
    return target == domain || ends_with(target, "." + domain) || target == hostname;
  };
  const auto mx = mx_records(load_zone(view, domain));  // most preferred first
  if (mx.empty()) return mail_exchanger::kLocal;
  if (is_ours(mx.front().exchange)) return mail_exchanger::kLocal;
  for (const auto& m : mx)
    if (is_ours(m.exchange)) return mail_exchanger::kSecondary;
  return mail_exchanger::kRemote;
}

bool stage_mail_exchanger(Transaction& txn, const std::string& domain, const std::string& setting) {
  bool changed = false;
  for (const auto& list : kDomainLists) changed |= stage_list_line(txn, list, domain, setting == list.setting);
  return changed;
}

std::string mx_setting_of(const CpUser& cpuser, const std::string& domain) {
  const std::string v = cpuser.get("MXCHECK-" + domain);
  return v.empty() || v == "0" ? mail_exchanger::kLocal : v;
}

MailExchangerState mail_exchanger_state(const StateRoot& root, const Transaction& view, const std::string& domain,
                                        const std::string& setting) {
  MailExchangerState state{setting, setting, false, {}};
  if (setting == mail_exchanger::kAuto) state.detected = detect_mail_exchanger(root, view, domain, state.warnings);
  return state;
}

MailExchangerState stage_checkmx(const StateRoot& root, Transaction& txn, const std::string& domain,
                                 const std::string& setting) {
  MailExchangerState state = mail_exchanger_state(root, txn, domain, setting);
  state.changed = stage_mail_exchanger(txn, domain, state.detected);
  return state;
}

// ---- a domain joining or leaving an account ----

std::string new_domain_default_address(const StateRoot& root, const std::string& user) {
  const std::string action = tweak_setting(root, "defaultmailaction", "localuser");
  if (action == "fail") return ":fail: No Such User Here";
  if (action == "blackhole") return kBlackhole;
  return user;
}

void stage_mail_domain_added(const StateRoot& root, Transaction& txn, const std::string& domain,
                             const std::string& user, const std::string& mx_setting) {
  DomainAliases aliases(txn, domain);
  if (!aliases.default_address()) {
    aliases.set_default(new_domain_default_address(root, user));
    aliases.stage(txn);
  }
  std::vector<std::string> warnings;
  std::string setting = mx_setting;
  if (setting != mail_exchanger::kRemote && setting != mail_exchanger::kSecondary)
    setting =
        setting == mail_exchanger::kAuto ? detect_mail_exchanger(root, txn, domain, warnings) : mail_exchanger::kLocal;
  stage_mail_exchanger(txn, domain, setting);
}

void stage_mail_domain_removed(const StateRoot&, Transaction& txn, const std::string& domain) {
  if (txn.exists(mail_paths::valiases(domain))) txn.remove(mail_paths::valiases(domain));
  stage_remove_domain_forward(txn, domain);
  for (const auto& list : kDomainLists) stage_list_line(txn, list, domain, false);
  stage_manual_mx(txn, domain, std::nullopt);
}

// ---- the lifecycle part ----

namespace {

// A destination after its account's rename: the old user name becomes the
// new one, paths in the old home move to the new home.
std::string renamed_destination(const std::string& dest, const AccountFacts& from, const AccountFacts& to) {
  if (dest == from.user) return to.user;
  const auto kind = destination_kind(dest);
  if (kind == DestinationKind::Pipe) {
    const std::string command = trim(unquote_destination(dest).substr(1));
    return "|" + rehome(command, from.home, to.home);
  }
  if (kind == DestinationKind::File) return rehome(unquote_destination(dest), from.home, to.home);
  return dest;
}

std::string renamed_address(const std::string& address, const std::string& from_domain, const std::string& to_domain) {
  const auto at = address.rfind('@');
  if (at != std::string::npos && address.substr(at + 1) == from_domain) return address.substr(0, at + 1) + to_domain;
  return address;
}

// Where an archived destination points on the restored account: the old
// user name becomes the new one, paths in the old home move to the new home.
struct AccountMove {
  AccountFacts from, to;
};

// The entries of a valiases file from an archive or a backup for `domain`,
// keeping only lines safe to write for the account `move.to`: the address
// in the domain (or "*"), every destination well formed and inside the new
// home. What is left out is said in `raw`.
DomainAliases checked_aliases(const std::string& text, const std::string& domain, const AccountMove& move,
                              std::string& raw) {
  DomainAliases out(domain);
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto colon = line.find(':');
    std::string why;
    std::string key = colon == std::string::npos ? "" : to_lower(unquote_destination(trim(line.substr(0, colon))));
    std::vector<std::string> dests;
    if (colon == std::string::npos || has_control_byte(line) || line[0] == ' ' || line[0] == '\t') {
      why = "it is not “address: destinations”";
    } else if (key != "*") {
      const auto at = key.rfind('@');
      if (at == std::string::npos || key.substr(at + 1) != domain || local_part_error(key.substr(0, at)))
        why = "“" + key + "” is not an address of " + domain;
    }
    if (why.empty()) {
      for (const auto& d : split_destinations(line.substr(colon + 1))) {
        // An autoresponder's line names its address and the home: written again for the new home.
        const std::string moved = key != "*" && is_autoresponder_destination(d)
                                      ? autoresponder_destination(key, move.to.home)
                                      : renamed_destination(d, move.from, move.to);
        if (auto e = destination_error(moved, move.to.home)) {
          why = *e;
          break;
        }
        dests.push_back(moved);
      }
      if (dests.empty() && why.empty()) why = "it has no destination";
    }
    if (!why.empty()) {
      raw += "Left out line " + std::to_string(n) + " of the forwarders of " + domain + ": " + why + "\n";
      continue;
    }
    if (key == "*")
      out.set_default(join(dests, ","));
    else
      for (const auto& d : dests) out.add(key, d);
  }
  return out;
}

class MailRoutingPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels;
    for (const auto& d : a.domains) {
      rels.push_back(mail_paths::valiases(d));
      rels.push_back(mail_paths::vdomainaliases(d));
    }
    return existing(root, rels);
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& a, std::string&) const override {
    for (const auto& d : a.facts.domains)
      stage_mail_domain_added(root, txn, d, a.facts.user, mx_setting_of(a.cpuser, d));
  }
  // A user rename changes a destination naming the old user or home; a new
  // main domain takes over the old one's files and list line.
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    const bool new_domain = from.main_domain != to.main_domain;
    for (const auto& d : from.domains) {
      const std::string target = new_domain ? replace_domain(d, from.main_domain, to.main_domain) : d;
      DomainAliases old_aliases(txn, d);
      if (old_aliases.exists()) {
        refuse_if_damaged(mail_paths::valiases(d), old_aliases.problems());
        std::string text;
        for (const auto& e : old_aliases.entries()) {
          std::vector<std::string> dests;
          const std::string address = renamed_address(e.address, d, target);
          // The autoresponder's line names its address and the home: both follow.
          for (const auto& x : e.destinations)
            dests.push_back(is_autoresponder_destination(x) ? autoresponder_destination(address, to.home)
                                                            : renamed_destination(x, from, to));
          text += address + ": " + join(dests, ",") + "\n";
        }
        if (old_aliases.default_address())
          text += "*: " + renamed_destination(*old_aliases.default_address(), from, to) + "\n";
        if (target != d) txn.remove(mail_paths::valiases(d));
        txn.write(mail_paths::valiases(target), text, 0640, root_mail_owner(txn));
      }
      if (target == d) continue;
      if (auto forward = domain_forward_target(txn, d)) {
        stage_remove_domain_forward(txn, d);
        stage_domain_forward(txn, target, *forward);
      }
      if (auto host = stage_manual_mx(txn, d, std::nullopt)) stage_manual_mx(txn, target, host);
      const std::string setting = mail_exchanger_of(txn, d).value_or(mail_exchanger::kLocal);
      for (const auto& list : kDomainLists) stage_list_line(txn, list, d, false);
      stage_mail_exchanger(txn, target, setting);
    }
  }
  // Suspension changes nothing here: cPanel refuses the account's mail
  // logins (the mailbox store) and keeps routing its domains' mail.
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    for (const auto& d : a.domains) stage_mail_domain_removed(root, txn, d);
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (const auto& d : a.domains) {
      if (auto text = txn.read(mail_paths::valiases(d))) out.file("va/" + d, *text);
      if (auto text = txn.read(mail_paths::vdomainaliases(d))) out.file("vad/" + d, *text);
    }
  }
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    AccountMove move;
    move.from.user = src.archive.user;
    move.from.home = src.archive.original_home;
    move.to = src.facts;
    for (const auto& d : src.facts.domains) {
      if (const auto* text = src.archive.file("va/" + d)) {
        checked_aliases(*text, d, move, raw).stage(txn);
      }
      if (const auto* text = src.archive.file("vad/" + d)) {
        const auto pairs = parse_lookup_pairs(*text);
        if (pairs.size() == 1 && to_lower(pairs[0].first) == d && !domain_syntax_error(to_lower(pairs[0].second)))
          stage_domain_forward(txn, d, to_lower(pairs[0].second));
        else
          raw += "Left out the domain forwarder of " + d + ": it is not “" + d + ": <domain>”.\n";
      }
      stage_mail_domain_added(root, txn, d, src.facts.user, mx_setting_of(src.cpuser, d));
    }
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (const auto& d : a.domains) {
      DomainAliases aliases(view, d);
      if (!aliases.problems().empty()) out.push_back(damage_summary(mail_paths::valiases(d), aliases.problems()));
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::map<std::string, std::string> owner;
    for (const auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) owner[to_lower(domain)] = user;
    for (const char* dir : {"etc/valiases", "etc/vdomainaliases"})
      for (const auto& name : root.list_dir(dir)) {
        if (name[0] == '.') continue;
        auto it = owner.find(name);
        if (it == owner.end() || !users.count(it->second))
          out.push_back("Orphaned " + std::string(dir) + "/" + name + " (no account has the domain “" + name + "”).");
      }
  }
};

}  // namespace

const AccountPart& mail_routing_part() { return part_instance<MailRoutingPart>(); }

void stage_forwarders_moved(Transaction& txn, const std::string& domain, const std::string& text,
                            const AccountFacts& from, const AccountFacts& to, std::string& raw) {
  const DomainAliases moved = checked_aliases(text, domain, AccountMove{from, to}, raw);
  DomainAliases aliases(txn, domain);
  for (const auto& e : moved.entries())
    for (const auto& d : e.destinations) aliases.add(e.address, d);
  if (moved.default_address()) aliases.set_default(*moved.default_address());
  aliases.stage(txn);
}

std::string stage_forwarders_backup_restore(const StateRoot& root, Transaction& txn, const std::string& user,
                                            const std::string& home, const std::vector<std::string>& domains,
                                            const std::string& backup, std::string& raw) {
  const std::string rel = home_backup_rel(home, backup);
  const std::string name = backup_file_name(rel);
  const std::string prefix = "aliases-", suffix = ".gz";
  if (!starts_with(name, prefix) || !ends_with(name, suffix) || name.size() <= prefix.size() + suffix.size())
    throw invalid_param("backup", "“" + name + "” is not a forwarders backup (aliases-<domain>.gz).");
  const std::string domain = to_lower(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
  if (std::find(domains.begin(), domains.end(), domain) == domains.end())
    throw invalid_param("backup", "The domain “" + domain + "” does not belong to the account “" + user + "”.");
  const std::string text = read_home_backup_file(root, home, rel);

  AccountMove move;
  move.from.user = move.to.user = user;
  move.from.home = move.to.home = home;
  const DomainAliases restored = checked_aliases(text, domain, move, raw);
  DomainAliases aliases(txn, domain);
  for (const auto& e : restored.entries())
    for (const auto& d : e.destinations) aliases.add(e.address, d);
  if (restored.default_address()) aliases.set_default(*restored.default_address());
  aliases.stage(txn);
  return domain;
}

}  // namespace whm
