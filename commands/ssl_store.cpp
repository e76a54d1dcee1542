// The SSL module's storage functions: UAPI SSL keys, CSRs and certificates
// in the account's ~/ssl (lib/store/user_ssl.hpp), API 2 SSL listcrts /
// listkeys / listcsrs / fetchcabundle, and WHM API 1's generatessl,
// fetchcrtinfo, listcrts and rebuilduserssldb ("SSL Certificates").
// Parameters, gates and wording follow Cpanel::API::SSL: the sslmanager
// feature gates the storage functions, sslinstall get_cabundle, and
// find_*_for_key and rebuildssldb are open to every account. cPanel does not
// check who owns the names in a key, CSR or self-signed certificate kept in
// the store (only installing one does, lib/store/apache_tls.*): neither does
// whmkit.
#include <algorithm>
#include <cctype>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "service_certificate.hpp"
#include "tweak_settings.hpp"
#include "user_ssl.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "x509.hpp"

namespace whm {
namespace {

constexpr const char* kManager = "sslmanager";
constexpr const char* kInstall = "sslinstall";

UserSslStore store_for(Context& ctx, Transaction& txn) {
  return UserSslStore(txn, ctx.account.home, ctx.account.owner);
}

std::string trim_blank(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// _get_search_args: the id, else the friendly_name.
struct Search {
  std::string id, friendly_name;
};
Search search_args(const Request& req) {
  const std::string id = req.get_or("id", "");
  if (!id.empty()) {
    if (id.find('/') != std::string::npos || id.find('|') != std::string::npos || id[0] == '.')
      throw ApiError("The “id” parameter is invalid.");
    check_ssl_id(id);
    return {id, ""};
  }
  const std::string fn = req.get_or("friendly_name", "");
  if (!fn.empty()) return {"", fn};
  throw ApiError("You must specify either the “id” or “friendly_name”.");
}

std::optional<nlohmann::json> find(const UserSslStore& store, SslKind kind, const Search& s) {
  return s.id.empty() ? store.by_friendly_name(kind, s.friendly_name) : store.by_id(kind, s.id);
}

// An item show_key / show_csr / show_cert display: its record and stored
// text, found by id or friendly_name, refused in each kind's words.
struct ShownItem {
  nlohmann::json rec;
  std::string id, text;
};
ShownItem shown_item(Context& ctx, const Request& req, SslKind kind) {
  const Search s = search_args(req);
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  auto rec = find(store, kind, s);
  if (!rec)
    throw ApiError(kind == SslKind::Key   ? "No key matches that search term."
                   : kind == SslKind::Csr ? "No certificate signing request matches that search term."
                                          : "No certificate matches that search term.");
  const std::string id = (*rec)["id"];
  auto text = store.text(kind, id);
  if (!text)
    throw ApiError(kind == SslKind::Key ? "An error occurred while retrieving the key with ID “" + id +
                                              "”: No key with the ID “" + id + "” exists."
                   : kind == SslKind::Csr ? "No CSR with the ID “" + id + "” exists."
                                          : "No certificate with ID “" + id + "” exists.");
  return {*rec, id, *text};
}

// The key type a new key gets: the request's, else the account's default,
// else the server's (Tweak Setting ssl_default_key_type).
x509::KeyType default_key_type(Context& ctx) {
  AccountStore accounts(ctx.root);
  std::string type = "system";
  if (auto u = accounts.load(ctx.account.user)) type = u->get("SSL_DEFAULT_KEY_TYPE", "system");
  if (type == "system") {
    type = "rsa-2048";
    try {
      Transaction view(ctx.root);
      const auto settings = load_tweak_settings_for_change(view);
      auto it = settings.find("ssl_default_key_type");
      if (it != settings.end() && it->second) type = *it->second;
    } catch (const ApiError&) {
      // a damaged cpanel.config: the built-in default
    }
  }
  return x509::key_type_from_name(type).value_or(x509::KeyType::Rsa2048);
}

// ---- keys ----

Response list_keys(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (auto& k : store_for(ctx, view).list(SslKind::Key)) r.data.push_back(k);
  return r;
}

Response generate_key(Context& ctx, const Request& req) {
  const std::string keytype = req.get_or("keytype", "");
  const std::string keysize = req.get_or("keysize", "");
  if (!keytype.empty() && !keysize.empty())
    throw ApiError("You cannot specify both “keytype” and “keysize”.");  // UNCONFIRMED wording
  x509::KeyInfo key;
  if (!keysize.empty()) {
    const bool digits = keysize.size() <= 5 && std::all_of(keysize.begin(), keysize.end(), ::isdigit);
    if (!digits || std::stoi(keysize) < 2048 || std::stoi(keysize) > 4096)
      throw ApiError("“keysize” must be an integer value between “2048” and “4096” (inclusive).");
    key = x509::generate_rsa_key(std::stoi(keysize));
  } else if (!keytype.empty() && keytype != "system") {
    auto t = x509::key_type_from_name(keytype);
    if (!t) throw ApiError("“" + keytype + "” is not a valid “keytype”.");
    key = x509::generate_key(*t);
  } else {
    key = x509::generate_key(default_key_type(ctx));
  }
  auto store = store_for(ctx, ctx.txn());
  nlohmann::json rec = store.add_key(key.pem, req.get_or("friendly_name", ""));
  rec["text"] = key.pem;
  Response r;
  r.data = rec;
  return r;
}

Response upload_key(Context& ctx, const Request& req) {
  const std::string text = req.get_or("key", "");
  if (trim_blank(text).empty()) throw ApiError("You did not provide a key to be installed.");
  try {
    x509::parse_key(text);
  } catch (const ApiError& e) {
    throw ApiError(std::string("Invalid key submitted (") + e.what() + ")");
  }
  auto store = store_for(ctx, ctx.txn());
  Response r;
  r.data = nlohmann::json::array({store.add_key(text, req.get_or("friendly_name", ""))});
  return r;
}

Response show_key(Context& ctx, const Request& req) {
  const ShownItem item = shown_item(ctx, req, SslKind::Key);
  Response r;
  r.data = {{"key", item.text}, {"text", x509::key_text(item.text)}, {"details", item.rec}};
  return r;
}

// _delete: the matching records (none: success without data).
Response delete_item(Context& ctx, const Request& req, SslKind kind) {
  const Search s = search_args(req);
  auto store = store_for(ctx, ctx.txn());
  auto rec = find(store, kind, s);
  Response r;
  if (!rec) return r;
  store.remove(kind, (*rec)["id"].get<std::string>());
  r.data = nlohmann::json::array({*rec});
  return r;
}

Response set_friendly_name(Context& ctx, const Request& req, SslKind kind) {
  const std::string new_name = req.get_or("new_friendly_name", "");
  if (new_name.empty()) throw ApiError("You must specify the “new_friendly_name”.");
  const Search s = search_args(req);
  auto store = store_for(ctx, ctx.txn());
  std::string id = s.id;
  if (id.empty()) {
    auto rec = store.by_friendly_name(kind, s.friendly_name);
    if (!rec) throw ApiError("No record matches the search term.");
    id = (*rec)["id"];
  }
  store.set_friendly_name(kind, id, new_name);
  return {};
}

Response find_for_key(Context& ctx, const Request& req, SslKind kind) {
  const Search s = search_args(req);
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  auto key = find(store, SslKind::Key, s);
  if (!key) throw ApiError("No key matches that search term.");
  x509::PublicKeyInfo info;
  info.key_algorithm = key->value("key_algorithm", std::string("rsaEncryption"));
  if ((*key)["modulus"].is_string()) info.modulus = (*key)["modulus"];
  if ((*key)["ecdsa_curve_name"].is_string()) info.ecdsa_curve_name = (*key)["ecdsa_curve_name"];
  if ((*key)["ecdsa_public"].is_string()) info.ecdsa_public = (*key)["ecdsa_public"];
  Response r;
  r.data = nlohmann::json::array();
  for (auto& rec : store.for_key(kind, info)) r.data.push_back(rec);
  return r;
}

// ---- CSRs and certificates ----

// generate_csr / generate_cert's domains: split on commas, semicolons and
// blanks, each a (wildcard) domain name.
std::vector<std::string> domains_arg(const Request& req) {
  const std::string raw = trim_blank(req.get_or("domains", ""));
  if (raw.empty()) throw ApiError("You must specify the “domains”.");
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (char c : raw) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c)))
      flush();
    else
      cur += c;
  }
  flush();
  for (const auto& d : out) {
    const std::string bare = d.rfind("*.", 0) == 0 ? d.substr(2) : d;
    if (domain_syntax_error(bare)) throw ApiError("“" + d + "” is not a valid domain.");
  }
  return out;
}

// _checkssldata: the first subject field that is not acceptable.
x509::Subject subject_arg(const Request& req, const std::vector<std::string>& domains) {
  x509::Subject s;
  s.domains = domains;
  s.country = req.get_or("countryName", "");
  s.state = req.get_or("stateOrProvinceName", "");
  s.city = req.get_or("localityName", "");
  s.company = req.get_or("organizationName", "");
  s.company_division = req.get_or("organizationalUnitName", "");
  s.email = req.get_or("emailAddress", "");
  auto bad = [](const char* field) {
    return ApiError(std::string("Sorry, the value of ") + field + " was not valid, or too short");
  };
  // ISO 3166-1 alpha-2 (cPanel checks its list of codes; whmkit two capital letters, UNCONFIRMED).
  if (s.country.size() != 2 || !std::isupper(static_cast<unsigned char>(s.country[0])) ||
      !std::isupper(static_cast<unsigned char>(s.country[1])))
    throw bad("countryName");
  if (s.state.empty()) throw bad("stateOrProvinceName");
  if (s.city.empty()) throw bad("localityName");
  if (s.company.empty() || s.company.size() > 64) throw bad("organizationName");
  if (s.company_division.size() > 64) throw bad("organizationalUnitName");
  if (!s.email.empty() && !is_valid_email(s.email)) throw bad("emailAddress");
  for (const std::string* v : {&s.state, &s.city, &s.company, &s.company_division, &s.email})
    for (unsigned char c : *v)
      if (c < 0x20 || c == 0x7f) throw bad("subject");
  return s;
}

x509::KeyInfo stored_key(const UserSslStore& store, const std::string& key_id) {
  check_ssl_id(key_id);
  auto text = store.text(SslKind::Key, key_id);
  if (!text || !store.by_id(SslKind::Key, key_id))
    throw ApiError("An error occurred while retrieving the key with ID “" + key_id + "”: No key with the ID “" +
                   key_id + "” exists.");
  return x509::parse_key(*text);
}

Response generate_csr(Context& ctx, const Request& req) {
  const std::string key_id = req.get_or("key_id", "");
  if (key_id.empty()) throw ApiError("You must specify the “key_id”.");
  const auto domains = domains_arg(req);
  const auto subject = subject_arg(req, domains);
  auto store = store_for(ctx, ctx.txn());
  const auto key = stored_key(store, key_id);
  const std::string pem = x509::make_csr(key, subject);
  nlohmann::json rec = store.add_csr(pem, req.get_or("friendly_name", ""));
  rec["text"] = pem;
  Response r;
  r.data = rec;
  r.messages.push_back("Certificate Signing Request generated!");
  return r;
}

Response generate_cert(Context& ctx, const Request& req) {
  const std::string key_id = req.get_or("key_id", "");
  if (key_id.empty()) throw ApiError("You must specify the “key_id”.");
  const auto domains = domains_arg(req);
  const auto subject = subject_arg(req, domains);
  auto store = store_for(ctx, ctx.txn());
  const auto key = stored_key(store, key_id);
  // cPanel's self-signed certificates last one year. UNCONFIRMED: 365 days.
  const std::string pem = x509::make_self_signed(key, subject, 365);
  nlohmann::json rec = store.add_certificate(pem, req.get_or("friendly_name", ""));
  rec["text"] = pem;
  Response r;
  r.data = rec;
  r.messages.push_back("Certificate generated!");
  return r;
}

Response list_csrs(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (auto& c : store_for(ctx, view).list(SslKind::Csr)) r.data.push_back(c);
  return r;
}

Response show_csr(Context& ctx, const Request& req) {
  const ShownItem item = shown_item(ctx, req, SslKind::Csr);
  const nlohmann::json* rec = &item.rec;
  const std::string& id = item.id;
  const std::string* text = &item.text;
  const auto csr = x509::parse_csr(*text);
  auto field = [&](const char* name) -> nlohmann::json {
    for (auto it = csr.subject_list.rbegin(); it != csr.subject_list.rend(); ++it)
      if (it->first == name) return it->second;
    return nullptr;
  };
  nlohmann::json details = {
      {"id", id},
      {"created", rec->value("created", nlohmann::json())},
      {"commonName", field("commonName")},
      {"localityName", field("localityName")},
      {"stateOrProvinceName", field("stateOrProvinceName")},
      {"countryName", field("countryName")},
      {"organizationName", field("organizationName")},
      {"organizationalUnitName", field("organizationalUnitName")},
      {"emailAddress", field("emailAddress")},
      {"friendly_name", (*rec)["friendly_name"]},
      {"domains", csr.domains},
      {"modulus", csr.modulus.empty() ? nlohmann::json() : nlohmann::json(csr.modulus)},
      {"ecdsa_curve_name", csr.ecdsa_curve_name.empty() ? nlohmann::json() : nlohmann::json(csr.ecdsa_curve_name)},
      {"ecdsa_public", csr.ecdsa_public.empty() ? nlohmann::json() : nlohmann::json(csr.ecdsa_public)},
      {"key_algorithm", csr.key_algorithm}};
  Response r;
  r.data = {{"csr", *text}, {"text", x509::csr_text(*text)}, {"details", details}};
  return r;
}

// The account's names a certificate can be installed on (list_certs'
// domain_is_configured): its domains and their www. names. UNCONFIRMED: cPanel
// uses every SSL-capable name (WebVhosts::list_ssl_capable_domains).
std::vector<std::string> installable_names(const CpanelAccount& account) {
  std::vector<std::string> out;
  for (const auto& d : account.domains) {
    out.push_back(d);
    out.push_back("www." + d);
  }
  return out;
}

nlohmann::json listed_cert(nlohmann::json rec, const std::vector<std::string>& names) {
  bool configured = false;
  if (rec["domains"].is_array())
    for (const auto& d : rec["domains"])
      for (const auto& n : names)
        if (d.is_string() &&
            (x509::name_matches(d.get<std::string>(), n) || x509::name_matches(n, d.get<std::string>())))
          configured = true;
  rec["domain_is_configured"] = configured ? 1 : 0;
  return rec;
}

Response list_certs(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  const auto names = installable_names(ctx.account);
  Response r;
  r.data = nlohmann::json::array();
  for (auto& c : store.list(SslKind::Certificate)) r.data.push_back(listed_cert(c, names));
  return r;
}

nlohmann::json name_hash(const std::vector<x509::NameEntry>& list) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : list) out[k] = v;
  return out;
}

Response show_cert(Context& ctx, const Request& req) {
  const ShownItem item = shown_item(ctx, req, SslKind::Certificate);
  const nlohmann::json* rec = &item.rec;
  const std::string& id = item.id;
  const std::string* text = &item.text;
  const auto c = x509::parse_certificate(*text);
  auto null_if = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  nlohmann::json details = {{"id", id},
                            {"friendly_name", (*rec)["friendly_name"]},
                            {"domains", (*rec)["domains"]},
                            {"key_algorithm", c.key_algorithm},
                            {"modulus", null_if(c.modulus)},
                            {"ecdsa_curve_name", null_if(c.ecdsa_curve_name)},
                            {"ecdsa_public", null_if(c.ecdsa_public)},
                            {"not_before", c.not_before},
                            {"not_after", c.not_after},
                            {"subject", name_hash(c.subject_list)},
                            {"issuer", name_hash(c.issuer_list)},
                            {"is_self_signed", c.is_self_signed ? 1 : 0},
                            {"signature_algorithm", c.signature_algorithm},
                            {"validation_type", null_if(c.validation_type)}};
  Response r;
  r.data = {{"cert", *text}, {"text", x509::certificate_text(*text)}, {"details", details}};
  return r;
}

Response upload_cert(Context& ctx, const Request& req) {
  const std::string text = req.get_or("crt", "");
  if (trim_blank(text).empty()) throw ApiError("You did not provide a certificate to be installed.");
  auto store = store_for(ctx, ctx.txn());
  nlohmann::json rec;
  try {
    rec = store.add_certificate(text, req.get_or("friendly_name", ""));
  } catch (const ApiError& e) {
    throw ApiError(std::string("The system could not save certificate #1 because of an error: ") + e.what());
  }
  Response r;
  r.data = nlohmann::json::array({rec});
  return r;
}

// Cpanel::SSLInfo::fetch_crt_info: a stored certificate, its key (the stored
// key that matches), its CA bundle (none: whmkit keeps none) and the IP
// address its commonName is served on (the owning account's, else the
// server's shared address).
nlohmann::json crt_info(const StateRoot& root, const UserSslStore& store, const std::string& id) {
  auto text = store.by_id(SslKind::Certificate, id) ? store.text(SslKind::Certificate, id) : std::nullopt;
  if (!text) throw ApiError("No certificate with ID “" + id + "” exists.");
  const auto cert = x509::parse_certificate(*text);
  nlohmann::json info = {
      {"certificate", *text}, {"is_self_signed", cert.is_self_signed ? 1 : 0}, {"cabundle", nullptr}, {"key", nullptr}};
  auto keys = store.for_key(SslKind::Key, cert);
  if (!keys.empty())
    if (auto k = store.text(SslKind::Key, keys.front()["id"].get<std::string>())) info["key"] = *k;
  std::string ip = load_server_config(root).shared_ip;
  AccountStore accounts(root);
  if (auto owner = accounts.domain_owner(cert.subject_common_name))
    if (auto u = accounts.load(*owner))
      if (!u->get("IP", "").empty()) ip = u->get("IP", "");
  info["subject.commonName_ip"] = ip;
  return info;
}

Response fetch_cert_info(Context& ctx, const Request& req) {
  const Search s = search_args(req);
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  auto rec = find(store, SslKind::Certificate, s);
  if (!rec) throw ApiError("No certificate matches that search term.");
  Response r;
  r.data = crt_info(ctx.root, store, (*rec)["id"].get<std::string>());
  return r;
}

Response rebuildssldb(Context& ctx, const Request&) {
  Transaction& txn = ctx.txn();
  // A damaged ssl.db must not stop its own rebuild: the store is opened on
  // the files alone when the index does not parse.
  std::optional<UserSslStore> store;
  try {
    store.emplace(txn, ctx.account.home, ctx.account.owner);
  } catch (const ApiError&) {
    const std::string home_rel = paths::rel_from_abs(ctx.account.home);
    const UserPath db{home_rel, user_ssl_paths::kDb};
    const auto damaged = txn.read(db);
    if (!damaged) throw;
    txn.write(UserPath{home_rel, std::string(user_ssl_paths::kDb) + "." + std::to_string(now()) + ".0"}, *damaged, 0600,
              ctx.account.owner);
    txn.remove(db);
    store.emplace(txn, ctx.account.home, ctx.account.owner);
  }
  Response r;
  r.data = store->rebuild();
  return r;
}

Response set_default_key_type(Context& ctx, const Request& req) {
  const std::string type = req.get_or("type", "");
  if (type.empty()) throw missing_param("type");
  if (type != "system" && !x509::key_type_from_name(type)) throw ApiError("“" + type + "” is not a valid “type”.");
  AccountStore accounts(ctx.root);
  CpUser account = accounts.require(ctx.account.user);
  account.set("SSL_DEFAULT_KEY_TYPE", type);
  accounts.save(ctx.txn(), account, accounts.domain_rows(ctx.account.user), ctx.account.owner);
  return {};
}

// list_ssl_items: items (key|csr|crt, pipe-separated) for domains (pipe-separated).
Response list_ssl_items(Context& ctx, const Request& req) {
  auto split_pipes = [](const std::string& s) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    size_t start = 0;
    while (true) {
      auto bar = s.find('|', start);
      out.push_back(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    return out;
  };
  const auto domains = split_pipes(req.get_or("domains", ""));
  const auto items = split_pipes(req.get_or("items", ""));
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  Response r;
  r.data = nlohmann::json::array();
  auto has = [&](const std::string& d) { return std::find(domains.begin(), domains.end(), d) != domains.end(); };
  for (const auto& item : items) {
    if (item == "key") {
      // find_key_for_domain: the key of the newest certificate for the domain, else of a CSR.
      for (const auto& domain : domains) {
        std::optional<nlohmann::json> key;
        auto certs = store.list(SslKind::Certificate);
        std::stable_sort(certs.begin(), certs.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
          return a.value("not_after", 0LL) > b.value("not_after", 0LL);
        });
        for (auto* list : {&certs}) {
          for (auto& c : *list) {
            if (c["subject.commonName"] != domain) continue;
            x509::PublicKeyInfo info;
            info.key_algorithm = c.value("key_algorithm", std::string("rsaEncryption"));
            if (c.contains("modulus") && c["modulus"].is_string()) info.modulus = c["modulus"];
            if (c["ecdsa_curve_name"].is_string()) info.ecdsa_curve_name = c["ecdsa_curve_name"];
            if (c["ecdsa_public"].is_string()) info.ecdsa_public = c["ecdsa_public"];
            auto keys = store.for_key(SslKind::Key, info);
            if (!keys.empty()) {
              key = keys.front();
              break;
            }
          }
        }
        if (!key)
          for (auto& c : store.list(SslKind::Csr)) {
            if (c["commonName"] != domain) continue;
            x509::PublicKeyInfo info;
            info.key_algorithm = c.value("key_algorithm", std::string("rsaEncryption"));
            if (c["modulus"].is_string()) info.modulus = c["modulus"];
            if (c["ecdsa_curve_name"].is_string()) info.ecdsa_curve_name = c["ecdsa_curve_name"];
            if (c["ecdsa_public"].is_string()) info.ecdsa_public = c["ecdsa_public"];
            auto keys = store.for_key(SslKind::Key, info);
            if (!keys.empty()) {
              key = keys.front();
              break;
            }
          }
        if (key) r.data.push_back({{"type", "key"}, {"host", domain}, {"id", (*key)["id"]}});
      }
      continue;
    }
    SslKind kind;
    const char* field;
    if (item == "csr") {
      kind = SslKind::Csr;
      field = "commonName";
    } else if (item == "crt") {
      kind = SslKind::Certificate;
      field = "subject.commonName";
    } else {
      continue;
    }
    for (auto& rec : store.list(kind)) {
      if (!rec[field].is_string() || !has(rec[field].get<std::string>())) continue;
      r.data.push_back({{"type", item}, {"host", rec[field]}, {"id", rec["id"]}});
    }
  }
  return r;
}

// get_cabundle: the CA bundle for a certificate. whmkit keeps no CA bundle
// repository (cPanel's /var/cpanel/ssl/cabundles? UNCONFIRMED) and fetches
// nothing from the network: the certificate's own chain, when the text
// carries one, is the bundle; otherwise none.
Response get_cabundle(Context&, const Request& req) {
  const std::string cert = req.get_or("cert", "");
  const auto all = x509::parse_certificates(cert);
  if (all.empty()) throw ApiError("The certificate text was not valid.");
  std::string rest;
  for (size_t i = 1; i < all.size(); ++i) rest += all[i].pem;
  const std::string bundle = rest.empty() ? "" : x509::order_ca_bundle(all.front(), rest);
  Response r;
  r.data = {{"domain", all.front().domains.empty() ? nlohmann::json() : nlohmann::json(all.front().domains.front())},
            {"bundle", bundle},
            {"cab", bundle}};
  return r;
}

// get_cn_name: the best name to reach a service by for `domain` (a domain,
// or an account name or email address, as cPanel accepts).
Response get_cn_name(Context& ctx, const Request& req) {
  const std::string service = req.require("service");
  const auto group = ssl_service_group(service);
  if (!group) throw invalid_param("service", "“" + service + "” is not a known service.");  // UNCONFIRMED wording
  std::string domain = req.require("domain");
  if (auto at = domain.find('@'); at != std::string::npos) domain = domain.substr(at + 1);
  if (domain == ctx.account.user) domain = ctx.account.main_domain;
  std::string hostname = load_server_config(ctx.root).hostname;
  if (hostname.empty()) hostname = "localhost";
  Transaction view(ctx.root);
  Response r;
  r.data = best_ssldomain_json(best_ssldomain(view, *group, hostname, domain, req.flag("add_mail_subdomain")));
  return r;
}

// ---- API 2 (Cpanel::SSL, deprecated, over the same store) ----

// _lister: the items' friendly names, sorted. UNCONFIRMED that API 2 lists friendly names.
std::vector<std::string> friendly_names(Context& ctx, SslKind kind) {
  Transaction view(ctx.root);
  std::vector<std::string> out;
  for (auto& rec : store_for(ctx, view).list(kind))
    if (rec["friendly_name"].is_string()) out.push_back(rec["friendly_name"]);
  std::sort(out.begin(), out.end());
  return out;
}

Response api2_hosts(Context& ctx, SslKind kind) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& fn : friendly_names(ctx, kind)) r.data.push_back({{"host", fn}});
  return r;
}

// listcrts: each certificate's friendly name, the first "CN = " of its text
// dump (the issuer's), the dump, and its "Not After" date as printed.
Response api2_listcrts(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto store = store_for(ctx, view);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& fn : friendly_names(ctx, SslKind::Certificate)) {
    auto rec = store.by_friendly_name(SslKind::Certificate, fn);
    std::string txt;
    if (rec)
      if (auto pem = store.text(SslKind::Certificate, (*rec)["id"].get<std::string>()))
        txt = x509::certificate_text(*pem);
    std::string issuer, expire;
    if (auto at = txt.find(" CN = "); at != std::string::npos) {
      auto start = at + 6;
      auto end = txt.find_first_of(" \t\n,", start);
      issuer = txt.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (auto slash = issuer.find('/'); slash != std::string::npos) issuer.erase(slash);
    }
    if (auto at = txt.find("Not After"); at != std::string::npos) {
      auto colon = txt.find(':', at);
      auto start = txt.find_first_not_of(' ', colon + 1);
      expire = txt.substr(start, txt.find('\n', start) - start);
    }
    r.data.push_back({{"host", fn}, {"issuer", issuer}, {"ssltxt", txt}, {"expiredate", expire}});
  }
  return r;
}

Response api2_fetchcabundle(Context& ctx, const Request& req) {
  Request uapi_req = req;
  uapi_req.args["cert"] = {req.get_or("crt", "")};
  return get_cabundle(ctx, uapi_req);
}

// ---- WHM API 1 ----

std::optional<UserSslStore> whm_store(Context& ctx, Transaction& txn, const std::string& user);

// generatessl: a key, a CSR and (unless skip_certificate) a self-signed
// certificate in the caller's store: root's is /var/cpanel/ssl/system, a
// reseller's its account's ~/ssl.
Response whm_generatessl(Context& ctx, const Request& req) {
  const auto domains = domains_arg(req);
  x509::Subject subject;
  subject.domains = domains;
  subject.country = req.get_or("countryName", "");
  subject.state = req.get_or("stateOrProvinceName", "");
  subject.city = req.get_or("localityName", "");
  subject.company = req.get_or("organizationName", "");
  subject.company_division = req.get_or("organizationalUnitName", "");
  subject.email = req.get_or("emailAddress", "");
  auto bad = [](const char* field) {
    return ApiError(std::string("Sorry, the value of ") + field + " was not valid, or too short");
  };
  if (!subject.country.empty() && (subject.country.size() != 2 || !std::isupper((unsigned char)subject.country[0]) ||
                                   !std::isupper((unsigned char)subject.country[1])))
    throw bad("countryName");
  if (subject.company.size() > 64) throw bad("organizationName");
  if (subject.company_division.size() > 64) throw bad("organizationalUnitName");
  if (!subject.email.empty() && !is_valid_email(subject.email)) throw bad("emailAddress");
  if (!req.get_or("pass", "").empty())
    throw ApiError("whmkit does not put a challenge password (“pass”) into certificate signing requests.");
  int bits = 2048;
  if (auto k = req.integer("keysize", 2048, 4096)) bits = static_cast<int>(*k);
  const x509::KeyInfo key = x509::generate_rsa_key(bits);
  auto holder = whm_store(ctx, ctx.txn(), "");  // root's system store, a reseller's own
  UserSslStore& store = *holder;
  const auto key_rec = store.add_key(key.pem, "");
  const std::string csr_pem = x509::make_csr(key, subject);
  const auto csr_rec = store.add_csr(csr_pem, "");
  Response r;
  r.data = {{"key", key.pem},
            {"key_id", key_rec["id"]},
            {"keyfile", store.shown_path(SslKind::Key, key_rec["id"])},
            {"csr", csr_pem},
            {"csr_id", csr_rec["id"]},
            {"csrfile", store.shown_path(SslKind::Csr, csr_rec["id"])},
            {"sender", ctx.caller},
            {"sender_host", load_server_config(ctx.root).hostname}};
  if (!req.flag("skip_certificate")) {
    const std::string cert_pem = x509::make_self_signed(key, subject, 365);
    const auto cert_rec = store.add_certificate(cert_pem, "");
    r.data["cert"] = cert_pem;
    r.data["cert_id"] = cert_rec["id"];
    r.data["certfile"] = store.shown_path(SslKind::Certificate, cert_rec["id"]);
    r.reason = "Key, Certificate, and CSR generated OK";
  } else {
    r.reason = "Key and CSR generated OK";  // UNCONFIRMED wording
  }
  return r;
}

// fetchcrtinfo: a certificate in an account's store, with its key.
Response whm_fetchcrtinfo(Context& ctx, const Request& req) {
  const std::string id = req.get_or("id", "");
  if (id.empty()) throw ApiError("The “id” parameter is missing.");
  check_ssl_id(id);
  const std::string user = req.get_or("user", "");
  Transaction view(ctx.root);
  auto holder = whm_store(ctx, view, user);
  UserSslStore& store = *holder;
  Response r;
  r.data = crt_info(ctx.root, store, id);
  return r;
}

// The store a WHM user works on: an account's (`user`, checked owned by the
// dispatcher), else the caller's own: root's is /var/cpanel/ssl/system, a
// reseller's its account's.
std::optional<UserSslStore> whm_store(Context& ctx, Transaction& txn, const std::string& user) {
  const std::string who = user.empty() ? ctx.caller : user;
  if (who == "root") return UserSslStore(txn, UserSslStore::SystemStore{});
  const CpanelAccount account = load_cpanel_account(ctx.root, who);
  return UserSslStore(txn, account.home, account.owner);
}

// rebuilduserssldb: the store of `user` (default: the caller's) rebuilt from its files.
Response whm_rebuilduserssldb(Context& ctx, const Request& req) {
  auto store = whm_store(ctx, ctx.txn(), req.get_or("user", ""));
  Response r;
  r.data = {{"records", store->rebuild()}};
  return r;
}

// listcrts: the certificates of a store (Whostmgr::SSL::list_cert_domains_with_owners):
// one entry per certificate domain, with the accounts that own it. UNCONFIRMED shape beyond
// the reference's example.
Response whm_listcrts(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  auto store = whm_store(ctx, view, req.get_or("user", ""));
  const bool only_registered = req.flag("registered");
  AccountStore accounts(ctx.root);
  Response r;
  r.data = {{"crt", nlohmann::json::array()}};
  for (auto& rec : store->list(SslKind::Certificate)) {
    if (!rec["domains"].is_array()) continue;
    for (const auto& d : rec["domains"]) {
      if (!d.is_string()) continue;
      nlohmann::json owners = nlohmann::json::array();
      if (auto owner = accounts.domain_owner(d.get<std::string>())) owners.push_back(*owner);
      if (only_registered && owners.empty()) continue;
      nlohmann::json item = rec;
      item["domain"] = d;
      item["domain_owners"] = owners;
      item["registered"] = owners.empty() ? 0 : 1;
      r.data["crt"].push_back(item);
    }
  }
  return r;
}

// ---- registration ----

ParamSpec p(const char* name, const char* text, bool required = false, ParamType type = ParamType::String) {
  return described(make_param(name, type, required), text);
}
ParamSpec pem_param(const char* name, const char* text, bool required) {
  ParamSpec s = p(name, text, required);
  s.multiline = true;
  return s;
}
std::vector<ParamSpec> search_params(const char* what) {
  return {p("id", (std::string("The ") + what + "'s ID.").c_str()),
          p("friendly_name", (std::string("The ") + what + "'s friendly name.").c_str())};
}
std::vector<ParamSpec> subject_params(bool cert) {
  std::vector<ParamSpec> out = {
      p("domains", "The domains, separated by commas.", true),
      p("key_id", "The stored key's ID.", true),
      p("countryName", "The two-letter country code.", true),
      p("stateOrProvinceName", "The state or province.", true),
      p("localityName", "The city or locality.", true),
      p("organizationName", "The organization.", true),
      p("organizationalUnitName", "The organizational unit."),
      p("emailAddress", "An email address."),
      p("friendly_name", cert ? "The certificate's friendly name (default: its domains)."
                              : "The CSR's friendly name (default: its domains)."),
  };
  out[6].default_value = "";
  out[7].default_value = "";
  return out;
}

ModuleFunction uapi(const char* name, Handler h, Access access, Authorization auth, std::vector<ParamSpec> params) {
  return {Api::Uapi, "SSL", name, std::move(h), access, std::move(auth), std::move(params)};
}

std::vector<ParamSpec> with(std::vector<ParamSpec> a, std::vector<ParamSpec> b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

ParamSpec keytype_param() {
  ParamSpec s =
      p("keytype", "The key type: system (the default), rsa-2048, rsa-4096, ecdsa-prime256v1, ecdsa-secp384r1.");
  s.allowed = {"system", "rsa-2048", "rsa-4096", "ecdsa-prime256v1", "ecdsa-secp384r1"};
  return s;
}

ParamSpec keysize_param() {
  ParamSpec s = p("keysize", "Deprecated: an RSA key's size in bits, 2048 to 4096 (use keytype).");
  s.default_value = "2048";
  return s;
}

WHMKIT_REGISTRATIONS(
    ssl_store_functions, Registration(uapi("list_keys", list_keys, Access::Read, needs_feature(kManager), {})),
    Registration(uapi("generate_key", generate_key, Access::Write, needs_feature(kManager),
                      {p("friendly_name", "The key's friendly name (default: its type and creation time)."),
                       keysize_param(), keytype_param()})),
    Registration(uapi("upload_key", upload_key, Access::Write, needs_feature(kManager),
                      {pem_param("key", "The private key, PEM.", true),
                       p("friendly_name", "The key's friendly name.")})),
    Registration(uapi("show_key", show_key, Access::Read, needs_feature(kManager), search_params("key"))),
    Registration(uapi(
        "delete_key", [](Context& c, const Request& r) { return delete_item(c, r, SslKind::Key); }, Access::Write,
        needs_feature(kManager), search_params("key"))),
    Registration(uapi(
        "set_key_friendly_name", [](Context& c, const Request& r) { return set_friendly_name(c, r, SslKind::Key); },
        Access::Write, needs_feature(kManager),
        with(search_params("key"), {p("new_friendly_name", "The new friendly name.", true)}))),
    Registration(uapi(
        "find_certificates_for_key",
        [](Context& c, const Request& r) { return find_for_key(c, r, SslKind::Certificate); }, Access::Read,
        own_objects(), search_params("key"))),
    Registration(uapi(
        "find_csrs_for_key", [](Context& c, const Request& r) { return find_for_key(c, r, SslKind::Csr); },
        Access::Read, own_objects(), search_params("key"))),
    Registration(uapi("list_csrs", list_csrs, Access::Read, needs_feature(kManager), {})),
    Registration(uapi("generate_csr", generate_csr, Access::Write, needs_feature(kManager), subject_params(false))),
    Registration(uapi("show_csr", show_csr, Access::Read, needs_feature(kManager), search_params("CSR"))),
    Registration(uapi(
        "delete_csr", [](Context& c, const Request& r) { return delete_item(c, r, SslKind::Csr); }, Access::Write,
        needs_feature(kManager), search_params("CSR"))),
    Registration(uapi(
        "set_csr_friendly_name", [](Context& c, const Request& r) { return set_friendly_name(c, r, SslKind::Csr); },
        Access::Write, needs_feature(kManager),
        with(search_params("CSR"), {p("new_friendly_name", "The new friendly name.", true)}))),
    Registration(uapi("list_certs", list_certs, Access::Read, needs_feature(kManager), {})),
    Registration(uapi("generate_cert", generate_cert, Access::Write, needs_feature(kManager), subject_params(true))),
    Registration(uapi("upload_cert", upload_cert, Access::Write, needs_feature(kManager),
                      {pem_param("crt", "The certificate, PEM.", true),
                       p("friendly_name", "The certificate's friendly name.")})),
    Registration(uapi("show_cert", show_cert, Access::Read, needs_feature(kManager), search_params("certificate"))),
    Registration(uapi(
        "delete_cert", [](Context& c, const Request& r) { return delete_item(c, r, SslKind::Certificate); },
        Access::Write, needs_feature(kManager), search_params("certificate"))),
    Registration(uapi(
        "set_cert_friendly_name",
        [](Context& c, const Request& r) { return set_friendly_name(c, r, SslKind::Certificate); }, Access::Write,
        needs_feature(kManager),
        with(search_params("certificate"), {p("new_friendly_name", "The new friendly name.", true)}))),
    Registration(uapi("fetch_cert_info", fetch_cert_info, Access::Read, needs_feature(kManager),
                      search_params("certificate"))),
    Registration(uapi("rebuildssldb", rebuildssldb, Access::Write, own_objects(), {})),
    Registration(uapi("set_default_key_type", set_default_key_type, Access::Write, needs_feature(kManager), {[] {
                        ParamSpec s =
                            p("type", "system, rsa-2048, rsa-4096, ecdsa-prime256v1 or ecdsa-secp384r1.", true);
                        return s;
                      }()})),
    Registration(uapi("list_ssl_items", list_ssl_items, Access::Read, needs_feature(kManager),
                      {p("domains", "Domains, separated by |."), p("items", "key, csr and/or crt, separated by |.")})),
    Registration(uapi("get_cabundle", get_cabundle, Access::Read, needs_feature(kInstall),
                      {pem_param("cert", "The certificate, PEM.", true)})),
    Registration(uapi("get_cn_name", get_cn_name, Access::Read, own_objects(),
                      {p("domain", "A domain, an account name or an email address.", true),
                       [] {
                         ParamSpec s = p("service", "cpanel, imap, pop3 or smtp.", true);
                         s.allowed = {"cpanel", "imap", "pop3", "smtp"};
                         return s;
                       }(),
                       [] {
                         ParamSpec s = p("add_mail_subdomain", "1: look for mail.<domain>.", false, ParamType::Boolean);
                         s.default_value = "0";
                         return s;
                       }()})),
    Registration(ModuleFunction{Api::Api2, "SSL", "listkeys",
                                [](Context& c, const Request&) { return api2_hosts(c, SslKind::Key); }, Access::Read,
                                needs_feature(kManager)}),
    Registration(ModuleFunction{Api::Api2, "SSL", "listcsrs",
                                [](Context& c, const Request&) { return api2_hosts(c, SslKind::Csr); }, Access::Read,
                                needs_feature(kManager)}),
    Registration(ModuleFunction{Api::Api2, "SSL", "listcrts", api2_listcrts, Access::Read, needs_feature(kManager)}),
    Registration(ModuleFunction{Api::Api2,
                                "SSL",
                                "fetchcabundle",
                                api2_fetchcabundle,
                                Access::Read,
                                needs_feature(kInstall),
                                {pem_param("crt", "The certificate, PEM.", false)}}),
    // WHM API 1 ("SSL Certificates"). ACLs UNCONFIRMED: ssl-gencrt and ssl-info, as cPanel's names suggest.
    Registration(Implementation{
        "generatessl",
        whm_generatessl,
        Access::Write,
        needs("ssl-gencrt"),
        {p("domains", "The domains, separated by commas (the first is the commonName).", true)}}),
    Registration(Implementation{"fetchcrtinfo", whm_fetchcrtinfo, Access::Read, any_reseller({account("user")})}),
    Registration(Implementation{"listcrts", whm_listcrts, Access::Read, any_reseller({account("user")})}),
    Registration(Implementation{"rebuilduserssldb", whm_rebuilduserssldb, Access::Write,
                                any_reseller({account("user")})}), );

}  // namespace
}  // namespace whm
