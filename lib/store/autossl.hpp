// AutoSSL: the provider configuration and metadata (var/cpanel/autossl.json),
// each account's excluded domains (var/cpanel/ssl/autossl/excludes/<user>.json),
// the check logs (var/cpanel/logs/autossl/<start time>/), the DCV problems
// database (var/cpanel/autossl_problems.sqlite) and the check itself: for each
// of an account's web vhosts whose certificate is missing, self-signed, short
// of its domains or due for renewal, one ACME order (acme_client.hpp) for the
// domains that pass a local DCV check, installed with stage_ssl_install
// (apache_tls.hpp). docs/autossl.md describes the formats.
//
// The check holds the state lock only to read its plan and to install: the
// DCV checks and the ACME conversation run without it.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

class AccountPart;
const AccountPart& autossl_part();

namespace autossl {

constexpr const char* kConfigRel = "var/cpanel/autossl.json";
constexpr const char* kLogsRel = "var/cpanel/logs/autossl";
constexpr const char* kProblemsRel = "var/cpanel/autossl_problems.sqlite";
constexpr const char* kAcmeAccountRel = "var/cpanel/autossl_acme_account.json";  // UNCONFIRMED (whmkit's own)
std::string excludes_rel(const std::string& user);

// The providers whmkit can use: "LetsEncrypt" (any ACME v2 server).
struct ProviderInfo {
  std::string module_name, display_name;
  nlohmann::json specs;
  long long days_to_renew = 29;  // renew within this many days of expiry
};
const std::vector<ProviderInfo>& providers();
const ProviderInfo* find_provider(const std::string& name);
// Throws ApiError unless `name` is a provider.
const ProviderInfo& provider_or_die(const std::string& name);

// The metadata keys with cPanel's defaults.
const std::map<std::string, int>& metadata_defaults();

class Config {
 public:
  static Config load(const Transaction& view);                   // DamagedFileError when it cannot be read
  std::optional<std::string> provider() const;                   // nullopt: AutoSSL disabled
  nlohmann::json metadata() const;                               // with defaults filled in
  nlohmann::json properties(const std::string& provider) const;  // {} when none
  void set_provider(const std::optional<std::string>& provider);
  void set_properties(const std::string& provider, const nlohmann::json& props);
  void set_metadata(const nlohmann::json& metadata);
  void stage(Transaction& txn) const;
  const nlohmann::json& data() const { return data_; }

 private:
  nlohmann::json data_;
};

// Excluded domains (in the order given, no duplicates).
std::vector<std::string> excluded_domains(const Transaction& view, const std::string& user);
void stage_excluded_domains(Transaction& txn, const std::string& user, const std::vector<std::string>& domains);
// The domains an account may exclude: its domains and their automatic ones (www., mail., cpanel., ...).
std::vector<std::string> excludable_domains(const StateRoot& root, const std::string& user);
// Throws ApiError naming the first domain the account does not control.
void check_domains_controlled(const StateRoot& root, const std::string& user, const std::vector<std::string>& domains);

// ------------------------------------------------------------------ problems
struct Problem {
  std::string username, log, domain, problem, time;  // time: "YYYY-MM-DD HH:MM:SS" (UTC)
};
std::vector<Problem> problems(const Transaction& view, const std::string& user_or_empty,
                              const std::string& domain_or_empty = "");
// Replaces the problems of `checked` domains of `user` with `found` (domain -> problem).
void stage_problems(Transaction& txn, const std::string& user, const std::string& log,
                    const std::vector<std::string>& checked, const std::map<std::string, std::string>& found);
void stage_purge_user_problems(Transaction& txn, const std::string& user);

// ------------------------------------------------------------------ logs
struct LogEntry {
  std::string start_time, provider, username;
  bool in_progress = false;
};
std::vector<LogEntry> log_catalog(const StateRoot& root);
// The log's JSON lines as objects (a line that is not JSON: {raw, parse_error}); nullopt when there is no such log.
std::optional<nlohmann::json> read_log(const StateRoot& root, const std::string& start_time);
bool is_iso_z_time(const std::string& s);         // YYYY-MM-DDTHH:MM:SSZ
std::string iso_z(long long epoch);               // YYYY-MM-DDTHH:MM:SSZ
std::string with_millis(const std::string& iso);  // ...SS.000Z, as the API shows times
// Whether a check for `user` ("*": all users) is running now.
bool check_in_progress(const StateRoot& root, const std::string& user);

// ------------------------------------------------------------------ the check
struct CheckResult {
  std::string log;  // the log's start time
  int installed = 0, ordered = 0;
};
// Runs the check for `users` (one log for them all, "*" as its user when
// `all_users`). Takes the state lock itself, only for short steps: call it
// without holding it.
CheckResult run_check(const StateRoot& root, const std::vector<std::string>& users, bool all_users);

}  // namespace autossl
}  // namespace whm
