#include "autoresponders.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "damage.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {

namespace autorespond_paths {
UserPath message(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, ".autorespond/" + address.full()};
}
UserPath settings(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, ".autorespond/" + address.full() + ".json"};
}
std::string replies_name(const EmailAddress& address) { return address.full() + ".replies.json"; }
UserPath replies(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, ".autorespond/" + replies_name(address)};
}
}  // namespace autorespond_paths

std::string autoresponder_message(const Autoresponder& a) {
  std::string out = "From: " + a.from + "\nSubject: " + a.subject + "\nCharset: " + a.charset + "\n";
  if (a.is_html) out += "Content-type: text/html; charset=" + a.charset + "\n";
  return out + "\n" + a.body;
}

std::string autoresponder_settings(const Autoresponder& a) {
  auto time_or_null = [](const std::optional<long long>& t) { return t ? nlohmann::json(*t) : nlohmann::json(); };
  nlohmann::json j = {
      {"interval", a.interval_hours * 3600}, {"start", time_or_null(a.start)}, {"stop", time_or_null(a.stop)}};
  return j.dump() + "\n";
}

std::optional<Autoresponder> load_autoresponder(const Transaction& view, const std::string& home_rel,
                                                const EmailAddress& address) {
  auto text = view.read(autorespond_paths::message(home_rel, address));
  if (!text) return std::nullopt;
  Autoresponder a;
  a.address = address;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    const std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) break;  // the blank line before the body
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = to_lower(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (name == "from") a.from = value;
    if (name == "subject") a.subject = value;
    if (name == "charset") a.charset = value;
    if (name == "content-type") a.is_html = to_lower(value).find("text/html") != std::string::npos;
  }
  a.body = pos < text->size() ? text->substr(pos) : "";
  if (auto settings = view.read(autorespond_paths::settings(home_rel, address))) {
    FileProblems problems;
    const auto j = parse_json_object(*settings, problems);
    if (j.contains("interval") && j["interval"].is_number_integer())
      a.interval_hours = j["interval"].get<long long>() / 3600;
    if (j.contains("start") && j["start"].is_number_integer()) a.start = j["start"].get<long long>();
    if (j.contains("stop") && j["stop"].is_number_integer()) a.stop = j["stop"].get<long long>();
  }
  return a;
}

std::vector<EmailAddress> autoresponder_addresses(const std::string& home_abs, const std::string& shown_home) {
  std::vector<EmailAddress> out;
  auto home = UserDir::open(home_abs, shown_home);
  auto dir = home ? home->dir(".autorespond") : std::nullopt;
  if (!dir) return out;
  for (const auto& name : dir->entries()) {
    auto at = name.rfind('@');
    if (at == std::string::npos || ends_with(name, ".json")) continue;
    const EmailAddress a{name.substr(0, at), name.substr(at + 1)};
    if (!local_part_error(a.local) && !a.domain.empty()) out.push_back(a);
  }
  return out;
}

void stage_autoresponder(Transaction& txn, const std::string& home_rel, FileOwner owner, const Autoresponder& a) {
  txn.write(autorespond_paths::message(home_rel, a.address), autoresponder_message(a), 0640, owner);
  txn.write(autorespond_paths::settings(home_rel, a.address), autoresponder_settings(a), 0640, owner);
}

void stage_autoresponder_removal(Transaction& txn, const std::string& home_rel, const EmailAddress& address) {
  for (const auto& path :
       {autorespond_paths::message(home_rel, address), autorespond_paths::settings(home_rel, address),
        autorespond_paths::replies(home_rel, address)})
    if (txn.exists(path)) txn.remove(path);
}

namespace {

// The files live in the home, which moves, archives and goes with the home
// part; only their names hold the domain: a new main domain (and so each
// subdomain of it) renames them, as the valiases lines that pipe to them move.
class AutorespondersPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> out;
    if (a.home_rel.empty()) return out;
    for (const auto& address : autoresponder_addresses(root.path(a.home_rel), a.home))
      for (auto path : {&autorespond_paths::message, &autorespond_paths::settings})
        out.push_back(path(a.home_rel, address).joined());
    return existing(root, out);
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  // Rewritten where they are: the home moves after this (see account_parts()).
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.main_domain == to.main_domain || from.home_rel.empty()) return;
    for (const auto& old_address : autoresponder_addresses(root.path(from.home_rel), from.home)) {
      if (std::find(from.domains.begin(), from.domains.end(), old_address.domain) == from.domains.end()) continue;
      const EmailAddress new_address{old_address.local,
                                     replace_domain(old_address.domain, from.main_domain, to.main_domain)};
      if (new_address.domain == old_address.domain) continue;
      for (auto path : {&autorespond_paths::message, &autorespond_paths::settings, &autorespond_paths::replies}) {
        auto text = txn.read(path(from.home_rel, old_address));
        if (!text) continue;
        txn.write(path(from.home_rel, new_address), *text, 0640, to.ids);
        txn.remove(path(from.home_rel, old_address));
      }
    }
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction&, const AccountFacts&, const RemoveOptions&, std::string&) const override {}
  void archive(const StateRoot&, const Transaction&, const AccountFacts&, const PkgacctOptions&,
               ArchiveOut&) const override {}
  void restore(const StateRoot&, Transaction&, const RestoreSource&, std::string&) const override {}
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}
};

}  // namespace

const AccountPart& autoresponders_part() { return part_instance<AutorespondersPart>(); }

}  // namespace whm
