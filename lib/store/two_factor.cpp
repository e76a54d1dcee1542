#include "two_factor.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <set>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "notices.hpp"
#include "resellers.hpp"
#include "secrets.hpp"
#include "tweak_settings.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {

// ---------------------------------------------------------------- TOTP

namespace {

constexpr const char* kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int kStepSeconds = 30;

int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// RFC 4226 HOTP: HMAC-SHA-1 of the big-endian counter, dynamically truncated.
std::string hotp(const std::string& key, unsigned long long counter, int digits) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i, counter >>= 8) message[i] = static_cast<unsigned char>(counter & 0xff);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_len) ||
      mac_len < 20)
    throw ApiError("Cannot compute the two-factor authentication code.");
  const int offset = mac[mac_len - 1] & 0x0f;
  const unsigned long binary = (static_cast<unsigned long>(mac[offset] & 0x7f) << 24) |
                               (static_cast<unsigned long>(mac[offset + 1]) << 16) |
                               (static_cast<unsigned long>(mac[offset + 2]) << 8) | mac[offset + 3];
  unsigned long modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

}  // namespace

std::string base32_encode(const std::string& bytes) {
  std::string out;
  unsigned int buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> base32_decode(const std::string& text) {
  std::string body = text;
  while (!body.empty() && body.back() == '=') body.pop_back();
  std::string out;
  unsigned int buffer = 0;
  int bits = 0;
  for (char c : body) {
    const int v = base32_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned int>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

bool valid_two_factor_secret(const std::string& secret) {
  return std::all_of(secret.begin(), secret.end(), [](char c) { return base32_value(c) >= 0; });
}

std::string generate_two_factor_secret() { return random_string(16, kBase32); }

std::string totp_code(const std::string& key, std::time_t t, int digits) {
  if (t < 0) t = 0;
  return hotp(key, static_cast<unsigned long long>(t) / kStepSeconds, digits);
}

bool totp_code_matches(const std::string& secret, const std::string& code, std::time_t now) {
  const auto key = base32_decode(secret);
  if (!key || code.size() != 6) return false;
  // Every step is computed and compared, so the time taken tells nothing.
  bool match = false;
  for (std::time_t t : {now - kStepSeconds, now, now + kStepSeconds}) {
    const std::string expected = totp_code(*key, t);
    match |= CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0;
  }
  return match;
}

std::string otpauth_url(const std::string& issuer, const std::string& account, const std::string& secret) {
  return "otpauth://totp/" + uri_encode(issuer) + ":" + uri_encode(account) + "?secret=" + secret +
         "&issuer=" + uri_encode(issuer);
}

// ---------------------------------------------------------------- storage

namespace {

// Each user's entry must be {"secret": "<base32>"}.
nlohmann::json read_secrets(const Transaction& view, FileProblems& problems) {
  auto text = view.read(two_factor::kSecretsFile);
  if (!text) return nlohmann::json::object();
  nlohmann::json users = parse_json_object(*text, problems);
  for (auto it = users.begin(); it != users.end();) {
    const auto& entry = it.value();
    if (entry.is_object() && entry.contains("secret") && entry["secret"].is_string() &&
        valid_two_factor_secret(entry["secret"].get<std::string>())) {
      ++it;
    } else {
      problems.push_back("the entry of “" + it.key() + "” is not {\"secret\": \"<base32>\"}");
      it = users.erase(it);
    }
  }
  return users;
}

// Each value must be a string.
nlohmann::json read_issuers(const Transaction& view, FileProblems& problems) {
  auto text = view.read(two_factor::kIssuersFile);
  if (!text) return nlohmann::json::object();
  nlohmann::json entries = parse_json_object(*text, problems);
  for (auto it = entries.begin(); it != entries.end();) {
    if (it.value().is_string()) {
      ++it;
    } else {
      problems.push_back("the issuer of “" + it.key() + "” is not a string");
      it = entries.erase(it);
    }
  }
  return entries;
}

// The file with `doc`, or its removal once nothing is left in it.
void stage_json(Transaction& txn, const char* rel, const nlohmann::json& doc) {
  if (doc.empty()) {
    if (txn.exists(rel)) txn.remove(rel);
    return;
  }
  txn.write(rel, doc.dump() + "\n", 0600);
}

constexpr const char* kSystemWideIssuer = "system_wide_issuer";

}  // namespace

TwoFactorSecrets TwoFactorSecrets::load(const Transaction& view) {
  TwoFactorSecrets s;
  FileProblems problems;
  s.users_ = read_secrets(view, problems);
  if (!problems.empty()) add_notice(damage_summary(two_factor::kSecretsFile, problems));
  return s;
}

TwoFactorSecrets TwoFactorSecrets::load_for_change(const Transaction& txn) {
  TwoFactorSecrets s;
  FileProblems problems;
  s.users_ = read_secrets(txn, problems);
  refuse_if_damaged(two_factor::kSecretsFile, problems);
  return s;
}

std::optional<std::string> TwoFactorSecrets::secret(const std::string& user) const {
  auto it = users_.find(user);
  if (it == users_.end()) return std::nullopt;
  return (*it)["secret"].get<std::string>();
}

void TwoFactorSecrets::set(const std::string& user, const std::string& secret) {
  check_path_component(user, "two-factor user");  // no control bytes in the file
  if (!valid_two_factor_secret(secret)) throw invalid_param("secret", "it must be base32 (A-Z, 2-7).");
  users_[user] = {{"secret", secret}};
}

void TwoFactorSecrets::stage(Transaction& txn) const { stage_json(txn, two_factor::kSecretsFile, users_); }

TwoFactorIssuers TwoFactorIssuers::load(const Transaction& view) {
  TwoFactorIssuers i;
  FileProblems problems;
  i.entries_ = read_issuers(view, problems);
  if (!problems.empty()) add_notice(damage_summary(two_factor::kIssuersFile, problems));
  return i;
}

TwoFactorIssuers TwoFactorIssuers::load_for_change(const Transaction& txn) {
  TwoFactorIssuers i;
  FileProblems problems;
  i.entries_ = read_issuers(txn, problems);
  refuse_if_damaged(two_factor::kIssuersFile, problems);
  return i;
}

std::string TwoFactorIssuers::system_wide(const StateRoot& root) const {
  auto it = entries_.find(kSystemWideIssuer);
  if (it != entries_.end() && !it->get<std::string>().empty()) return it->get<std::string>();
  return server_hostname(root);
}

std::string TwoFactorIssuers::for_user(const StateRoot& root, const Transaction& view, const std::string& user) const {
  auto setting = [&](const std::string& key) -> std::string {
    auto it = entries_.find(key);
    return it == entries_.end() ? "" : it->get<std::string>();
  };
  if (!setting(user).empty() && is_reseller(view, user)) return setting(user);
  if (user.find('@') == std::string::npos)
    if (auto account = AccountStore(root).load(user))
      if (auto owner = account->get("OWNER"); !owner.empty() && !setting(owner).empty()) return setting(owner);
  return system_wide(root);
}

void TwoFactorIssuers::set(const std::string& whm_user, const std::string& issuer) {
  const std::string key = whm_user == "root" ? kSystemWideIssuer : whm_user;
  if (issuer.empty())
    entries_.erase(key);
  else
    entries_[key] = issuer;
}

void TwoFactorIssuers::stage(Transaction& txn) const { stage_json(txn, two_factor::kIssuersFile, entries_); }

std::string checked_two_factor_issuer(const std::string& issuer) {
  std::string cleaned = issuer;
  // cPanel drops one quote at each end ("'My Host'" -> "My Host").
  if (!cleaned.empty() && (cleaned.front() == '\'' || cleaned.front() == '"')) cleaned.erase(0, 1);
  if (!cleaned.empty() && (cleaned.back() == '\'' || cleaned.back() == '"')) cleaned.pop_back();
  if (cleaned.empty()) return cleaned;
  const bool ok = cleaned.size() <= 32 && std::all_of(cleaned.begin(), cleaned.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '_' || c == '-';
                  });
  if (!ok)
    throw ApiError(
        "The “issuer” parameter must be less than or equal to 32 characters in length. It can only use spaces and "
        "the following characters: a-z A-Z 0-9 . _ -");
  return cleaned;
}

bool two_factor_policy_enabled(const Transaction& view) {
  auto value = read_tweak_setting(view, two_factor::kPolicyKey);
  if (!value) return false;
  auto number = parse_int(trim(*value));
  return number && *number != 0;
}

void stage_two_factor_policy(Transaction& txn, bool enabled) {
  ConfigValues values = load_tweak_settings_for_change(txn);
  values[two_factor::kPolicyKey] = enabled ? "1" : "0";
  stage_tweak_settings(txn, values);
}

std::vector<std::string> account_email_logins(const StateRoot& root, const std::string& user) {
  const CpanelAccount account = load_cpanel_account(root, user);
  std::vector<std::string> out;
  if (account.home.size() < 2 || account.home[0] != '/') return out;
  auto home = UserDir::open(root.path(account.home.substr(1)), account.home);
  if (!home) return out;
  auto etc = home->dir("etc");
  if (!etc) return out;
  for (const auto& domain : account.domains) {
    check_path_component(domain, "domain");
    auto passwd = etc->read(domain + "/passwd");
    if (!passwd) continue;
    for_each_line(*passwd, [&](std::string_view line) {
      const auto colon = line.find(':');
      if (colon != std::string_view::npos && colon > 0)
        out.push_back(std::string(line.substr(0, colon)) + "@" + domain);
    });
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> account_team_logins(const StateRoot& root, const std::string& user) {
  check_path_component(user, "user");
  std::vector<std::string> out;
  auto text = root.read("var/cpanel/team/" + user);
  if (!text) return out;
  bool header = true;  // the first line names the team's owner
  for_each_line(*text, [&](std::string_view line) {
    if (header) {
      header = false;
      return;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) out.push_back(std::string(line.substr(0, colon)) + "@" + user);
  });
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------- login checks

// Both read without the state lock: the files are only ever replaced whole
// (rename), so a read sees one complete version.
bool two_factor_required(const StateRoot& root, const std::string& user) {
  Transaction view(root);
  FileProblems ignored;
  if (!two_factor_policy_enabled(view)) return false;
  return read_secrets(view, ignored).contains(user);
}

bool verify_two_factor_code(const StateRoot& root, const std::string& user, const std::string& code, std::time_t now) {
  Transaction view(root);
  FileProblems ignored;
  const nlohmann::json users = read_secrets(view, ignored);
  auto it = users.find(user);
  if (it == users.end()) return false;
  return totp_code_matches((*it)["secret"].get<std::string>(), code, now);
}

// ---------------------------------------------------------------- lifecycle

namespace {

// pkgacct's name for the account's entries (whmkit's own: see docs/two-factor.md).
constexpr const char* kArchived = "whmkit/tfa_userdata.json";

// Whether the configuration named `name` is the account's: its own, one of
// its team users' ("x@<user>") or one of its email accounts' ("x@<domain>").
bool belongs_to(const std::string& name, const AccountFacts& a) {
  if (name == a.user) return true;
  const auto at = name.rfind('@');
  if (at == std::string::npos) return false;
  const std::string after = name.substr(at + 1);
  return after == a.user || std::find(a.domains.begin(), a.domains.end(), after) != a.domains.end();
}

// The name an entry of `from` takes when the account becomes `to`.
std::string renamed(const std::string& name, const AccountFacts& from, const AccountFacts& to) {
  if (name == from.user) return to.user;
  const auto at = name.rfind('@');
  const std::string local = name.substr(0, at), after = name.substr(at + 1);
  if (after == from.user) return local + "@" + to.user;
  if (after == from.main_domain) return local + "@" + to.main_domain;
  return name;
}

class TwoFactorPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    Transaction view(root);
    FileProblems ignored;
    const nlohmann::json secrets = read_secrets(view, ignored);
    for (const auto& [name, entry] : secrets.items())
      if (belongs_to(name, a)) return {two_factor::kSecretsFile};
    return {};
  }
  // Nothing for a new account: the user sets it up with a code.
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    auto secrets = TwoFactorSecrets::load_for_change(txn);
    const nlohmann::json before = secrets.all();
    bool changed = false;
    for (const auto& [name, entry] : before.items()) {
      if (!belongs_to(name, from)) continue;
      const std::string now = renamed(name, from, to);
      if (now == name) continue;
      secrets.remove(name);
      secrets.set(now, entry["secret"].get<std::string>());
      changed = true;
    }
    if (changed) secrets.stage(txn);
    // A reseller's issuer follows its name.
    if (from.user != to.user) {
      auto issuers = TwoFactorIssuers::load_for_change(txn);
      auto it = issuers.all().find(from.user);
      if (it != issuers.all().end()) {
        const std::string issuer = it->get<std::string>();
        issuers.remove(from.user);
        issuers.set(to.user, issuer);
        issuers.stage(txn);
      }
    }
  }
  // A suspended account cannot log in at all: its configuration stays as it is.
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    auto secrets = TwoFactorSecrets::load_for_change(txn);
    std::vector<std::string> gone;
    for (const auto& [name, entry] : secrets.all().items())
      if (belongs_to(name, a)) gone.push_back(name);
    if (!gone.empty()) {
      for (const auto& name : gone) secrets.remove(name);
      secrets.stage(txn);
      raw += "Removing Two-Factor Authentication entries....Done\n";
    }
    auto issuers = TwoFactorIssuers::load_for_change(txn);
    if (issuers.remove(a.user)) issuers.stage(txn);
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    nlohmann::json mine = nlohmann::json::object();
    const auto secrets = TwoFactorSecrets::load(txn);
    for (const auto& [name, entry] : secrets.all().items())
      if (belongs_to(name, a)) mine[name] = entry;
    if (!mine.empty()) out.file(kArchived, mine.dump() + "\n");
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const std::string* text = src.archive.file(kArchived);
    if (!text) return;
    FileProblems problems;
    const nlohmann::json archived = parse_json_object(*text, problems);
    refuse_if_damaged(kArchived, problems, "restored");
    AccountFacts from = src.facts;
    from.user = src.archive.user;
    auto secrets = TwoFactorSecrets::load_for_change(txn);
    for (const auto& [name, entry] : archived.items()) {
      if (!entry.is_object() || !entry.contains("secret") || !entry["secret"].is_string())
        throw ApiError("The archive’s " + std::string(kArchived) + " entry of “" + name + "” has no secret.");
      // Only the account's own names: an archive cannot set another user's secret.
      if (!belongs_to(name, from)) continue;
      secrets.set(renamed(name, from, src.facts), entry["secret"].get<std::string>());
    }
    secrets.stage(txn);
    raw += "Restoring Two-Factor Authentication...Done\n";
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  void orphans(const StateRoot& root, const Transaction& view, const std::set<std::string>& users,
               Problems& out) const override {
    FileProblems problems;
    const nlohmann::json secrets = read_secrets(view, problems);
    if (!problems.empty()) out.push_back(damage_summary(two_factor::kSecretsFile, problems));
    FileProblems issuer_problems;
    read_issuers(view, issuer_problems);
    if (!issuer_problems.empty()) out.push_back(damage_summary(two_factor::kIssuersFile, issuer_problems));
    AccountStore store(root);
    for (const auto& [name, entry] : secrets.items()) {
      const auto at = name.rfind('@');
      if (at == std::string::npos) {
        // root and resellers without an account of their own have configurations too.
        if (name != "root" && !users.count(name) && !is_reseller(view, name))
          out.push_back("Orphaned entry in " + std::string(two_factor::kSecretsFile) + " (no account “" + name + "”).");
        continue;
      }
      const std::string after = name.substr(at + 1);
      if (!users.count(after) && !store.domain_owner(after))
        out.push_back("Orphaned entry in " + std::string(two_factor::kSecretsFile) + " (no account or domain “" +
                      after + "”).");
    }
  }
};

}  // namespace

const AccountPart& two_factor_part() { return part_instance<TwoFactorPart>(); }

}  // namespace whm
