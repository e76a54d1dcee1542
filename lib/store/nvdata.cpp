#include "nvdata.hpp"

#include <algorithm>

#include "account_parts.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kDir = "var/cpanel/whm/nvdata";

std::string without_slashes(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '/'), s.end());
  return s;
}

std::string yaml_of(const std::string& base) { return base + ".yaml"; }
std::string cache_of(const std::string& base) { return base + ".cache"; }
std::string archived() { return "whmkit/whm_nvdata.yaml"; }

// A reseller's own store, archived with its account.
class NvdataPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    const std::string base = nvdata_base(a.user, "");
    return existing(root, {yaml_of(base), cache_of(base)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    const std::string old_base = nvdata_base(from.user, ""), new_base = nvdata_base(to.user, "");
    move_existing(root, txn, yaml_of(old_base), yaml_of(new_base));
    move_existing(root, txn, cache_of(old_base), cache_of(new_base));
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, paths(root, a));
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (auto yaml = txn.read(yaml_of(nvdata_base(a.user, "")))) out.file(archived(), *yaml);
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const std::string* yaml = src.archive.file(archived());
    if (!yaml) return;
    FileProblems problems = yaml_mapping_problems(*yaml);
    if (!problems.empty()) throw ApiError(damage_summary(archived(), problems));
    const auto doc = yaml_to_json(*yaml);
    const std::string base = nvdata_base(src.facts.user, "");
    txn.write(yaml_of(base), *yaml, 0644);
    txn.write(cache_of(base), json_text(doc.is_object() ? doc : nlohmann::json::object()) + "\n", 0644);
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    const std::string rel = yaml_of(nvdata_base(a.user, ""));
    if (auto text = view.read(rel); text && !yaml_mapping_problems(*text).empty())
      out.push_back(damage_summary(rel, yaml_mapping_problems(*text)));
  }
  // root.yaml is root's; the root/ directory holds root's named stores.
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::set<std::string> known = users;
    known.insert("root");
    report_orphans(root, kDir, ".yaml", known, out);
  }
};

}  // namespace

std::string nvdata_base(const std::string& caller, const std::string& store) {
  const std::string user = without_slashes(caller.empty() ? "root" : caller);
  const std::string name = without_slashes(store);
  if (caller != "root" || name.empty()) {
    check_path_component(user, "WHM user");
    return std::string(kDir) + "/" + user;
  }
  check_path_component(name, "store");
  return std::string(kDir) + "/root/" + name;
}

std::optional<nlohmann::json> load_nvdata(const Transaction& txn, const std::string& base) {
  auto text = txn.read(yaml_of(base));
  if (!text) return std::nullopt;
  if (trim(*text).empty()) return nlohmann::json::object();
  FileProblems problems = yaml_mapping_problems(*text);
  if (!problems.empty()) throw ApiError(damage_summary(yaml_of(base), problems));
  auto doc = yaml_to_json(*text);
  return doc.is_object() ? doc : nlohmann::json::object();
}

void stage_nvdata(Transaction& txn, const std::string& base, const nlohmann::json& pairs) {
  if (auto current = txn.read(yaml_of(base))) refuse_if_damaged(yaml_of(base), yaml_mapping_problems(*current));
  nlohmann::json doc = load_nvdata(txn, base).value_or(nlohmann::json::object());
  for (auto it = pairs.begin(); it != pairs.end(); ++it) doc[it.key()] = it.value();
  txn.write(yaml_of(base), syck_dump(doc), 0644);
  // cPanel trusts the JSON twin when it is not older than the YAML: written second.
  txn.write(cache_of(base), json_text(doc) + "\n", 0644);
}

namespace user_nvdata {

namespace {
constexpr const char* kUserDir = ".cpanel/nvdata";
constexpr const char* kUserCache = ".cpanel/nvdata.cache";
}  // namespace

std::string file_name(const std::string& param, const std::string& name) {
  if (name.size() > nvdata::kMaxNameLength)
    throw invalid_param(param, "Name " + name + " is invalid. Names can only be " +
                                   std::to_string(nvdata::kMaxNameLength) + " characters.");
  std::string file = html_escape(name);
  file.erase(std::remove(file.begin(), file.end(), '/'), file.end());
  if (file.empty() || file == "." || file == "..")
    throw invalid_param(param, "“" + name + "” is not a name that can be stored.");
  check_path_component(file, "NVData name");  // no control characters
  return file;
}

std::optional<std::string> get(const Transaction& view, const std::string& home_rel, const std::string& file) {
  return view.read(UserPath{home_rel, std::string(kUserDir) + "/" + file});
}

void stage_set(Transaction& txn, const std::string& home_rel, FileOwner owner, const std::string& file,
               const std::string& value) {
  txn.make_dir({home_rel, kUserDir}, 0700, owner);
  txn.write(UserPath{home_rel, std::string(kUserDir) + "/" + file}, value, 0644, owner);
  if (txn.exists(UserPath{home_rel, kUserCache})) txn.remove(UserPath{home_rel, kUserCache});
}

}  // namespace user_nvdata

const AccountPart& nvdata_part() { return part_instance<NvdataPart>(); }

}  // namespace whm
