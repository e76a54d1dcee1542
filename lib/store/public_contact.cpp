#include "public_contact.hpp"

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string contact_rel(const std::string& user) {
  check_path_component(user, "user");
  return std::string(public_contact::kDir) + "/" + user;
}

// The stored items; a file that is not a JSON object counts as empty (cPanel
// replaces it on the next write).
PublicContact stored(const Transaction& txn, const std::string& user) {
  PublicContact c;
  auto text = txn.read(contact_rel(user));
  if (!text) return c;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return c;
  if (auto it = doc.find("name"); it != doc.end() && it->is_string()) c.name = it->get<std::string>();
  if (auto it = doc.find("url"); it != doc.end() && it->is_string()) c.url = it->get<std::string>();
  return c;
}

std::string archived() { return "whmkit/public_contact.json"; }

class PublicContactPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {contact_rel(a.user)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    move_existing(root, txn, contact_rel(from.user), contact_rel(to.user));
  }
  // What domains show as their contact does not depend on the account's state.
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, paths(root, a));
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (auto text = txn.read(contact_rel(a.user))) out.file(archived(), *text);
  }
  // Written again through the same checks as set_public_contact.
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const std::string* text = src.archive.file(archived());
    if (!text) return;
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      throw ApiError("The archive's " + archived() + " is not a JSON object.");
    std::optional<std::string> name, url;
    if (auto it = doc.find("name"); it != doc.end() && it->is_string()) name = it->get<std::string>();
    if (auto it = doc.find("url"); it != doc.end() && it->is_string()) url = it->get<std::string>();
    stage_public_contact(txn, src.facts.user, name.value_or(""), url.value_or(""));
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    auto text = view.read(contact_rel(a.user));
    if (!text) return;
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
      out.push_back("Account “" + a.user + "”: " + contact_rel(a.user) + " is not a JSON object.");
  }
  // "root" is root's own.
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::set<std::string> known = users;
    known.insert("root");
    report_orphans(root, public_contact::kDir, "", known, out);
  }
};

}  // namespace

PublicContact load_public_contact(const Transaction& txn, const std::string& user) {
  PublicContact c = stored(txn, user);
  if (user != "root" && c.name.empty() && c.url.empty()) return stored(txn, "root");
  return c;
}

void stage_public_contact(Transaction& txn, const std::string& user, const std::optional<std::string>& name,
                          const std::optional<std::string>& url) {
  for (const auto& [key, value] : {std::pair{"name", name}, std::pair{"url", url}})
    if (value && value->size() > public_contact::kMaxLength)
      throw invalid_param(key, "it must be at most " + std::to_string(public_contact::kMaxLength) + " bytes long.");
  PublicContact c = stored(txn, user);
  if (name) c.name = *name;
  if (url) {
    c.url = *url;
    if (!c.url.empty() && !starts_with(c.url, "http://") && !starts_with(c.url, "https://") &&
        !starts_with(c.url, "mailto:"))
      c.url = "http://" + c.url;
  }
  txn.write(contact_rel(user), json_text({{"name", c.name}, {"url", c.url}}), 0644);
}

const AccountPart& public_contact_part() { return part_instance<PublicContactPart>(); }

}  // namespace whm
