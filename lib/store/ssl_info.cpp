#include "ssl_info.hpp"

#include <algorithm>
#include <optional>

#include "account_store.hpp"
#include "apache_tls.hpp"
#include "errors.hpp"
#include "service_certificate.hpp"
#include "user_ssl.hpp"
#include "util.hpp"
#include "x509.hpp"

namespace whm {
namespace {

// The SSL store of `user` ("root": the system store); nullopt when the
// account does not exist or its ssl.db does not parse.
std::optional<UserSslStore> store_of(Transaction& view, const std::string& user) {
  try {
    if (user == "root") return UserSslStore(view, UserSslStore::SystemStore{});
    if (!AccountStore(view.root()).exists(user)) return std::nullopt;
    const CpanelAccount account = load_cpanel_account(view.root(), user);
    return UserSslStore(view, account.home, account.owner);
  } catch (const ApiError&) {
    return std::nullopt;
  }
}

bool names(const nlohmann::json& rec, const std::string& domain) {
  if (!rec.contains("domains") || !rec["domains"].is_array()) return false;
  for (const auto& d : rec["domains"])
    if (d.is_string() && to_lower(d.get<std::string>()) == domain) return true;
  return false;
}

long long number(const nlohmann::json& rec, const char* key) {
  if (!rec.contains(key)) return 0;
  const auto& v = rec[key];
  if (v.is_number()) return v.get<long long>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return 0;
}

// fetchsslcrt: the best stored certificate for the domain (or its www. twin),
// else the one installed on the account's vhost for it.
std::optional<std::string> best_certificate(Transaction& view, const std::string& domain, const std::string& user) {
  auto store = store_of(view, user);
  const std::string twin = starts_with(domain, "www.") ? domain.substr(4) : "www." + domain;
  for (const std::string& d : {domain, twin}) {
    std::vector<nlohmann::json> found;
    if (store) {
      std::string wildcard;
      if (std::count(d.begin(), d.end(), '.') >= 2) wildcard = "*" + d.substr(d.find('.'));
      for (auto& rec : store->list(SslKind::Certificate))
        if (names(rec, d) || (!wildcard.empty() && names(rec, wildcard))) found.push_back(rec);
    }
    std::stable_sort(found.begin(), found.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      const long long sa = number(a, "is_self_signed"), sb = number(b, "is_self_signed");
      if (sa != sb) return sa < sb;
      const long long na = number(a, "not_after"), nb = number(b, "not_after");
      if (na != nb) return na > nb;
      return number(a, "modulus_length") > number(b, "modulus_length");
    });
    for (const auto& rec : found)
      if (rec["id"].is_string())
        if (auto text = store->text(SslKind::Certificate, rec["id"].get<std::string>())) return *text;
    if (user != "root")
      if (auto vhost = vhost_of_domain(view, user, d))
        if (auto installed = installed_certificate(view, *vhost)) {
          const auto all = x509::parse_certificates(installed->certificate_pem);
          if (!all.empty()) return all.front().pem;
        }
  }
  return std::nullopt;
}

// _fetchsslkey: the key of `cert`'s public key that `user` can reach.
std::optional<std::string> key_for(Transaction& view, const std::string& user, const x509::CertInfo& cert,
                                   bool root_with_all) {
  if (auto store = store_of(view, user)) {
    auto keys = store->for_key(SslKind::Key, cert);
    for (const auto& k : keys)
      if (k["id"].is_string())
        if (auto text = store->text(SslKind::Key, k["id"].get<std::string>())) return *text;
  }
  auto matches = [&](const std::string& pem) {
    try {
      return x509::same_key(x509::parse_key(pem), cert);
    } catch (const ApiError&) {
      return false;
    }
  };
  if (user == "root") {
    if (root_with_all)
      for (const auto& s : ssl_services())
        if (auto files = read_service_ssl(view, s.name))
          if (!files->key.empty() && matches(files->key)) return files->key;
    return std::nullopt;
  }
  // The key installed with this certificate on one of the account's vhosts.
  const nlohmann::json index = ssl_index(view);
  for (const auto& [vhost, entry] : index.items()) {
    if (!entry.is_object() || entry.value("user", "") != user) continue;
    if (auto installed = installed_certificate(view, vhost))
      if (matches(installed->key_pem)) return installed->key_pem;
  }
  return std::nullopt;
}

// The CA bundle installed with this very certificate, if any.
std::optional<std::string> installed_bundle(const Transaction& view, const x509::CertInfo& cert) {
  for (const auto& vhost : ssl_vhosts(view)) {
    auto installed = installed_certificate(view, vhost);
    if (!installed || installed->cabundle_pem.empty()) continue;
    try {
      if (x509::parse_certificate(installed->certificate_pem).sha256_fingerprint == cert.sha256_fingerprint)
        return installed->cabundle_pem;
    } catch (const ApiError&) {
    }
  }
  return std::nullopt;
}

// The account owning `domain`, or the domain a "www."/"mail." name is of.
std::optional<std::string> owner_of(const AccountStore& accounts, const std::string& domain) {
  if (auto owner = accounts.domain_owner(domain)) return owner;
  for (const char* prefix : {"www.", "mail."})
    if (starts_with(domain, prefix)) return accounts.domain_owner(domain.substr(std::string(prefix).size()));
  return std::nullopt;
}

// _get_domain_http_ip: the IP of the domain's SSL vhost, else of its vhost
// (a wildcard's base domain's when the name is one); null when no account
// has the domain.
nlohmann::json domain_ip(const Transaction& view, const std::string& domain) {
  const std::string base = starts_with(domain, "*.") ? domain.substr(2) : domain;
  AccountStore accounts(view.root());
  for (const std::string& d : {domain, base}) {
    auto owner = owner_of(accounts, d);
    if (!owner) continue;
    auto vhost = vhost_of_domain(view, *owner, d);
    if (!vhost) continue;
    if (auto entry = ssl_index_entry(view, *vhost); entry && entry->is_object() && !entry->value("ip", "").empty())
      return entry->value("ip", "");
    try {
      if (auto doc = read_userdata(view, *owner, *vhost))
        if ((*doc)["ip"].is_string() && !(*doc)["ip"].get<std::string>().empty()) return (*doc)["ip"];
    } catch (const ApiError&) {
    }
  }
  return nullptr;
}

nlohmann::json failure(const std::string& why) { return {{"status", 0}, {"statusmsg", why}}; }

}  // namespace

nlohmann::json fetch_ssl_info(Transaction& view, const SslInfoQuery& q) {
  std::string domain = to_lower(trim(q.domain));
  const std::string query_cert = trim(q.certificate);
  if (domain.empty() && query_cert.empty()) return failure("No domain or certificate provided.");
  if (!domain.empty() &&
      (domain.find_first_of(" \t\r\n/") != std::string::npos || domain.find("..") != std::string::npos))
    return failure("Invalid domain");
  std::optional<x509::CertInfo> cert;
  if (!query_cert.empty()) {
    try {
      cert = x509::parse_certificate(query_cert);
    } catch (const ApiError& e) {
      return failure(e.what());
    }
    domain =
        cert->subject_common_name.empty() && !cert->domains.empty() ? cert->domains.front() : cert->subject_common_name;
  }

  std::vector<std::string> users = q.users;
  auto add_user = [&](const std::string& u) {
    if (!u.empty() && std::find(users.begin(), users.end(), u) == users.end()) users.push_back(u);
  };
  add_user(q.caller);
  const std::string owner = owner_of(AccountStore(view.root()), domain).value_or("");
  if (q.search_owner) add_user(owner);

  std::string crt_user, key_user;
  std::optional<std::string> key;
  std::string crt_text = query_cert;
  if (cert) {
    crt_user = q.caller;
  } else {
    std::optional<std::string> found;
    for (const auto& u : users)
      if ((found = best_certificate(view, domain, u))) {
        crt_user = u;
        break;
      }
    if (!found) return {{"status", 1}, {"statusmsg", "No certificate for the domain " + domain + " could be found."}};
    cert = x509::parse_certificate(*found);
    crt_text = *found;
  }
  for (const auto& u : users)
    if ((key = key_for(view, u, *cert, q.search_owner))) {
      key_user = u;
      break;
    }

  std::string cab;
  if (!cert->is_self_signed) {
    cab = installed_bundle(view, *cert)
              .value_or(
                  "Sorry, no certificate authority bundle was found; however, you probably don't need one for "
                  "this certificate (" +
                  domain + ").");
  }
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  return {{"status", 1},
          {"statusmsg", "ok"},
          {"crt", crt_text},
          {"cab", cab},
          {"key", key ? *key : "Sorry, no SSL key file was found for the domain " + domain + "."},
          {"domain", domain},
          {"ip", domain_ip(view, domain)},
          {"user", owner},
          {"crt_origin", or_null(crt_user)},
          {"key_origin", or_null(key_user)},
          {"searched_users", users}};
}

}  // namespace whm
