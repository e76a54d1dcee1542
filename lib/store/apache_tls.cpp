#include "apache_tls.hpp"

#include <algorithm>
#include <set>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "mail_paths.hpp"
#include "mail_sni.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "tweak_settings.hpp"
#include "user_ssl.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "web_config.hpp"
#include "x509.hpp"

namespace whm {

namespace {

std::string checked_name(const std::string& name, const char* what) {
  check_path_component(name, what);
  // As Cpanel::Domain::TLS: no "/" and no leading "." (the datastore's own entries).
  if (name[0] == '.' || name.find('/') != std::string::npos)
    throw ApiError("“" + name + "” is not a valid " + std::string(what) + ".");
  return name;
}

}  // namespace

std::string apache_tls_paths::combined(const std::string& vhost) {
  return std::string(kApacheTls) + "/" + checked_name(vhost, "vhost name") + "/combined";
}
std::string apache_tls_paths::certificates(const std::string& vhost) {
  return std::string(kApacheTls) + "/" + checked_name(vhost, "vhost name") + "/certificates";
}
std::string apache_tls_paths::domain_combined(const std::string& domain) {
  return std::string(kDomainTls) + "/" + checked_name(domain, "domain") + "/combined";
}

namespace {

std::string domain_dir(const std::string& domain) {
  return std::string(apache_tls_paths::kDomainTls) + "/" + checked_name(domain, "domain");
}
std::string vhost_dir(const std::string& vhost) {
  return std::string(apache_tls_paths::kApacheTls) + "/" + checked_name(vhost, "vhost name");
}

// Stages the removal of a datastore entry: its two files first (so that
// reads through the transaction see them gone), then the directory.
void remove_entry(Transaction& txn, const std::string& dir) {
  for (const char* file : {"/combined", "/certificates"})
    if (txn.exists(dir + file)) txn.remove(dir + file);
  if (txn.root().exists(dir)) txn.remove(dir);
}

// The PEM blocks of a text, each with its trailing newline.
std::vector<std::string> pem_blocks(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("-----BEGIN ", pos)) != std::string::npos) {
    auto type_end = text.find("-----", pos + 11);
    if (type_end == std::string::npos) break;
    const std::string type = text.substr(pos + 11, type_end - pos - 11);
    const std::string end_marker = "-----END " + type + "-----";
    auto end = text.find(end_marker, type_end);
    if (end == std::string::npos) break;
    end += end_marker.size();
    out.push_back(text.substr(pos, end - pos) + "\n");
    pos = end;
  }
  return out;
}

bool is_key_block(const std::string& block) {
  return starts_with(block, "-----BEGIN ") && block.find("PRIVATE KEY-----") < block.find('\n');
}

std::string with_newline(std::string s) {
  if (!s.empty() && s.back() != '\n') s += '\n';
  return s;
}

std::string scalar(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return it->dump();
}

std::vector<std::string> string_list(const nlohmann::json& doc, const char* key) {
  std::vector<std::string> out;
  if (auto it = doc.find(key); it != doc.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// The index: one line per SSL vhost, sorted by name, "<vhost>\t<ip>\t<user>\t<entry JSON>"
// (apache_tls.hpp). A file in the earlier form, one JSON object, is read too
// and rewritten in this form by the next change.
std::string index_line(const std::string& vhost, const nlohmann::json& entry) {
  auto field = [&](const char* key) {
    std::string v = entry.is_object() ? entry.value(key, "") : "";
    return v.find_first_of("\t\n\r") == std::string::npos ? v : "";
  };
  return vhost + "\t" + field("ip") + "\t" + field("user") + "\t" + json_text(entry) + "\n";
}

// The rows of the index text, or nullopt when it is in no known form.
std::optional<std::vector<SslIndexRow>> parse_rows(const std::string& text) {
  std::vector<SslIndexRow> rows;
  if (!text.empty() && text[0] == '{') {  // the earlier form
    try {
      auto j = nlohmann::json::parse(text);
      if (!j.is_object()) return std::nullopt;
      for (auto& [vhost, entry] : j.items()) {
        auto line = index_line(vhost, entry);
        auto a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
        rows.push_back({vhost, line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1),
                        line.substr(c + 1, line.size() - c - 2)});
      }
      return rows;
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) return std::nullopt;
    const size_t a = text.find('\t', pos), b = a == std::string::npos ? a : text.find('\t', a + 1),
                 c = b == std::string::npos ? b : text.find('\t', b + 1);
    if (c == std::string::npos || c > end || a == pos) return std::nullopt;
    rows.push_back({text.substr(pos, a - pos), text.substr(a + 1, b - a - 1), text.substr(b + 1, c - b - 1),
                    text.substr(c + 1, end - c - 1)});
    pos = end + 1;
  }
  return rows;
}

// Missing or unreadable: rebuilt from the datastore (the index is derived).
std::vector<SslIndexRow> rebuilt_rows(const Transaction& view, bool damaged) {
  if (damaged)
    add_notice("“" + server_path(apache_tls_paths::kIndex) + "” cannot be read; it is rebuilt from the datastore.");
  std::vector<SslIndexRow> rows;
  std::vector<std::string> names = view.root().list_dir(apache_tls_paths::kApacheTls);
  std::sort(names.begin(), names.end());
  for (const auto& vhost : names) {
    if (vhost.empty() || vhost[0] == '.') continue;
    auto combined = view.read(apache_tls_paths::combined(vhost));
    if (!combined) continue;
    nlohmann::json entry = nlohmann::json::object();
    try {
      for (const auto& block : pem_blocks(*combined))
        if (!is_key_block(block)) {
          auto crt = x509::parse_certificate(block);
          entry["domains"] = crt.domains;
          entry["not_after"] = crt.not_after;
          break;
        }
    } catch (const ApiError&) {
    }
    entry["servername"] = vhost;
    rows.push_back({vhost, "", "", json_text(entry)});
  }
  return rows;
}

std::vector<SslIndexRow> index_rows(const Transaction& view) {
  auto text = view.read(apache_tls_paths::kIndex);
  if (text)
    if (auto rows = parse_rows(*text)) return *rows;
  return rebuilt_rows(view, text.has_value());
}

nlohmann::json load_index(const Transaction& view) {
  nlohmann::json index = nlohmann::json::object();
  for (const auto& row : index_rows(view)) index[row.vhost] = ssl_index_entry_of(row);
  return index;
}

// An index without entries is no file, as before the first installation.
void save_index(Transaction& txn, const nlohmann::json& index) {
  if (index.empty()) {
    if (txn.exists(apache_tls_paths::kIndex)) txn.remove(apache_tls_paths::kIndex);
    return;
  }
  std::string text;
  for (const auto& [vhost, entry] : index.items()) text += index_line(vhost, entry);
  txn.write(apache_tls_paths::kIndex, text, 0600);
}

// Sets (or, with no entry, removes) one vhost's line, leaving the others'
// text as it is: an installation costs what the file's size costs, not a
// parse of every entry.
void stage_index_entry(Transaction& txn, const std::string& vhost, const nlohmann::json* entry) {
  auto text = txn.read(apache_tls_paths::kIndex);
  if (!text || text->empty() || (*text)[0] == '{' || !parse_rows(*text)) {
    nlohmann::json index = load_index(txn);
    if (entry)
      index[vhost] = *entry;
    else
      index.erase(vhost);
    save_index(txn, index);
    return;
  }
  std::string out;
  out.reserve(text->size() + 4096);
  bool placed = false;
  size_t pos = 0;
  while (pos < text->size()) {
    const size_t end = text->find('\n', pos) + 1;
    const std::string_view name(text->data() + pos, text->find('\t', pos) - pos);
    if (!placed && name >= vhost) {
      if (entry) out += index_line(vhost, *entry);
      placed = true;
    }
    if (name != vhost) out.append(*text, pos, end - pos);
    pos = end;
  }
  if (!placed && entry) out += index_line(vhost, *entry);
  if (out.empty()) {
    txn.remove(apache_tls_paths::kIndex);
    return;
  }
  txn.write(apache_tls_paths::kIndex, out, 0600);
}

nlohmann::json certificate_entry(const x509::CertInfo& crt, const std::string& user, const std::string& vhost) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  const bool rsa = crt.key_algorithm == "rsaEncryption";
  return {{"user", user},
          {"servername", vhost},
          {"domains", crt.domains},
          {"not_after", crt.not_after},
          {"not_before", crt.not_before},
          {"subject.commonName", crt.subject_common_name},
          {"issuer.commonName", crt.issuer_common_name},
          {"issuer.organizationName", crt.issuer_organization_name},
          {"is_self_signed", crt.is_self_signed ? 1 : 0},
          {"key_algorithm", crt.key_algorithm},
          {"modulus", rsa ? nlohmann::json(crt.modulus) : nlohmann::json(nullptr)},
          {"modulus_length", rsa ? nlohmann::json(crt.modulus_length) : nlohmann::json(nullptr)},
          {"public_exponent", rsa ? nlohmann::json(crt.public_exponent) : nlohmann::json(nullptr)},
          {"ecdsa_curve_name", rsa ? nlohmann::json(nullptr) : or_null(crt.ecdsa_curve_name)},
          {"ecdsa_public", rsa ? nlohmann::json(nullptr) : or_null(crt.ecdsa_public)},
          {"signature_algorithm", crt.signature_algorithm},
          {"serial", crt.serial},
          {"sha256_fingerprint", crt.sha256_fingerprint},
          {"subject_text", crt.subject_text()},
          {"issuer_text", crt.issuer_text()},
          {"validation_type", or_null(crt.validation_type)},
          {"id", certificate_id(crt.pem)}};
}

// The account's vhost names and, for each, the names it answers to.
struct AccountWeb {
  std::string main_domain;
  std::vector<std::string> vhosts;                         // main first
  std::vector<std::pair<std::string, std::string>> alias;  // parked/addon domain -> vhost
};

AccountWeb account_web(const Transaction& view, const std::string& user) {
  auto main = read_userdata(view, user, "main");
  if (!main) throw ApiError("The userdata of the cPanel account “" + user + "” cannot be read.");
  AccountWeb w;
  w.main_domain = scalar(*main, "main_domain");
  w.vhosts.push_back(w.main_domain);
  for (const auto& s : string_list(*main, "sub_domains")) w.vhosts.push_back(s);
  for (const auto& p : string_list(*main, "parked_domains")) w.alias.emplace_back(p, w.main_domain);
  if (auto it = main->find("addon_domains"); it != main->end() && it->is_object())
    for (const auto& [addon, sub] : it->items())
      if (sub.is_string()) w.alias.emplace_back(addon, sub.get<std::string>());
  return w;
}

std::vector<std::string> vhost_names(const nlohmann::json& doc) {
  std::vector<std::string> names{scalar(doc, "servername")};
  for (const auto& a : split(scalar(doc, "serveralias"), ' '))
    if (!a.empty() && std::find(names.begin(), names.end(), a) == names.end()) names.push_back(a);
  return names;
}

// The <vhost>_SSL userdata: the vhost's, served on the SSL port, with its own logs.
nlohmann::json ssl_userdata(nlohmann::json doc, const std::string& port) {
  doc["ssl"] = 1;
  doc["port"] = port;
  if (auto it = doc.find("customlog"); it != doc.end() && it->is_array())
    for (auto& log : *it)
      if (log.is_object() && log.value("format", "") == "combined" && log["target"].is_string())
        log["target"] = log["target"].get<std::string>() + "-ssl_log";
  doc.erase("ssl_redirect");
  return doc;
}

FileOwner account_owner(const Transaction& txn, const std::string& user) {
  SystemUsers sys;
  sys.load(txn);
  return owner_of(sys.require_user(user));
}

// The Domain TLS entries this vhost's certificate (its combined text) put there.
std::vector<std::string> domain_entries_of(const Transaction& view, const std::vector<std::string>& names,
                                           const std::string& combined) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (n.empty() || n[0] == '.' || n.find('/') != std::string::npos) continue;
    if (domain_tls_combined(view, n) == combined) out.push_back(n);
  }
  return out;
}

void stage_domain_tls(Transaction& txn, const std::string& domain, const std::string& combined,
                      const std::string& certificates) {
  // The mail services read it as their own users (Exim): group "mail".
  FileOwner mail_group;
  if (auto gid = mail_gid(txn)) mail_group.gid = *gid;
  txn.write(apache_tls_paths::domain_combined(domain), combined, 0640, mail_group);
  txn.write(domain_dir(domain) + "/certificates", certificates, 0644);
}

void stage_mail_sni(Transaction& txn, const std::vector<std::string>& touched) { stage_mail_sni_update(txn, touched); }

struct InstallOptions {
  bool check_expiry = true;
};

SslInstallResult install(Transaction& txn, const std::string& user, const InstalledCertificate& cert,
                         const InstallOptions& opts) {
  const std::string asked = to_lower(trim(cert.vhost));
  if (asked.empty()) throw ApiError("You must specify the domain or virtual host.");
  auto vhost = vhost_of_domain(txn, user, asked);
  if (!vhost) throw ApiError("The account “" + user + "” does not own the domain “" + asked + "”.");
  auto doc = read_userdata(txn, user, *vhost);
  if (!doc) throw ApiError("The userdata of the domain “" + *vhost + "” is missing.");

  if (trim(cert.certificate_pem).empty()) throw ApiError("You must provide a certificate.");
  if (trim(cert.key_pem).empty()) throw ApiError("You must provide a private key.");
  x509::KeyInfo key = x509::parse_key(cert.key_pem);
  x509::CertInfo crt = x509::parse_certificate(cert.certificate_pem);
  if (!x509::same_key(key, crt)) throw ApiError("The certificate does not match the private key.");
  if (opts.check_expiry && crt.not_after < now())
    throw ApiError("The certificate expired on " + format_time(crt.not_after, "%Y-%m-%d %H:%M:%S UTC", true) +
                   "; install a valid certificate.");

  SslInstallResult r;
  r.vhost = *vhost;
  r.user = user;
  r.ip = scalar(*doc, "ip");
  const auto names = vhost_names(*doc);
  for (const auto& n : names) {
    if (n != *vhost) r.aliases.push_back(n);
    (x509::covers(crt, n) ? r.working_domains : r.warning_domains).push_back(n);
  }
  if (r.working_domains.empty())
    throw ApiError("The certificate does not secure the website “" + *vhost + "” or any of its aliases (" +
                   join(names, ", ") + "); it secures: " + join(crt.domains, ", ") + ".");
  for (const auto& d : crt.domains)
    if (d != *vhost) r.extra_certificate_domains.push_back(d);

  std::string cab;
  if (!trim(cert.cabundle_pem).empty()) {
    x509::parse_certificates(cert.cabundle_pem);  // refuses what is not certificates
    cab = with_newline(x509::order_ca_bundle(crt, cert.cabundle_pem));
  }
  const std::string certificates = with_newline(crt.pem) + cab;
  const std::string combined = with_newline(key.pem) + certificates;

  // What the certificate installed before put into Domain TLS goes first.
  // (those the new one covers too are rewritten below, not removed).
  std::vector<std::string> touched;
  if (auto old = txn.read(apache_tls_paths::combined(*vhost))) {
    r.replaced = true;
    for (const auto& d : domain_entries_of(txn, names, *old)) {
      if (std::find(r.working_domains.begin(), r.working_domains.end(), d) == r.working_domains.end())
        remove_entry(txn, domain_dir(d));
      touched.push_back(d);
    }
  }
  txn.write(apache_tls_paths::combined(*vhost), combined, 0600);
  txn.write(apache_tls_paths::certificates(*vhost), certificates, 0644);
  for (const auto& d : r.working_domains) {
    if (d.empty() || d[0] == '.' || domain_syntax_error(d)) continue;
    stage_domain_tls(txn, d, combined, certificates);
    touched.push_back(d);
  }

  AccountStore(txn.root())
      .save_userdata(txn, user, *vhost + "_SSL", ssl_userdata(*doc, apache_ssl_port(txn)), account_owner(txn, user));
  nlohmann::json entry = certificate_entry(crt, user, *vhost);
  // What the listings report of the vhost, so that they read the index only.
  entry["vhost_domains"] = names;
  entry["docroot"] = scalar(*doc, "documentroot");
  entry["ip"] = r.ip;
  entry["type"] = *vhost == account_web(txn, user).main_domain ? "main" : "sub";
  // UNCONFIRMED: cPanel's "created" is when its SSL storage got the
  // certificate; whmkit reports the certificate's notBefore (the same after a restore).
  entry["created"] = crt.not_before;
  stage_index_entry(txn, *vhost, &entry);

  stage_web_config_for_user(txn, user);
  stage_mail_sni(txn, touched);
  reload_web_servers_after_commit(txn);
  return r;
}

}  // namespace

std::optional<nlohmann::json> read_userdata(const Transaction& view, const std::string& user, const std::string& name) {
  auto text = view.read(paths::userdata_dir(user) + "/" + name);
  if (!text) return std::nullopt;
  try {
    auto doc = yaml_to_json(*text);
    if (doc.is_object()) return doc;
  } catch (const ApiError&) {
  }
  throw ApiError("The file “" + server_path(paths::userdata_dir(user) + "/" + name) + "” cannot be read.");
}

// cPanel's SSL storage ids, as the account's SSL store makes them (user_ssl.hpp).
std::string certificate_id(const std::string& certificate_pem) {
  return ssl_certificate_id(x509::parse_certificate(certificate_pem));
}

std::string key_id(const std::string& key_pem) { return ssl_key_id(x509::parse_key(key_pem)); }

std::optional<std::string> vhost_of_domain(const Transaction& view, const std::string& user,
                                           const std::string& domain) {
  const AccountWeb w = account_web(view, user);
  const std::string d = to_lower(domain);
  for (const auto& v : w.vhosts)
    if (v == d) return v;
  for (const auto& [alias, v] : w.alias)
    if (alias == d) return v;
  // "www." and "mail." names are the vhost's aliases.
  for (const char* prefix : {"www.", "mail."})
    if (starts_with(d, prefix)) {
      const std::string rest = d.substr(std::string(prefix).size());
      for (const auto& v : w.vhosts)
        if (v == rest) return v;
      for (const auto& [alias, v] : w.alias)
        if (alias == rest) return v;
    }
  return std::nullopt;
}

void stage_ssl_install(Transaction& txn, const std::string& user, const InstalledCertificate& cert) {
  install(txn, user, cert, {});
}

SslInstallResult stage_ssl_install_for(Transaction& txn, const std::string& user, const InstalledCertificate& cert) {
  return install(txn, user, cert, {});
}

namespace {

// A combined file's blocks: the first key, the first certificate, the rest the CA bundle.
InstalledCertificate split_combined(const std::string& vhost, const std::string& text) {
  InstalledCertificate c;
  c.vhost = vhost;
  for (const auto& block : pem_blocks(text)) {
    if (is_key_block(block)) {
      if (c.key_pem.empty()) c.key_pem = block;
    } else if (c.certificate_pem.empty()) {
      c.certificate_pem = block;
    } else {
      c.cabundle_pem += block;
    }
  }
  return c;
}

}  // namespace

std::optional<InstalledCertificate> installed_certificate(const Transaction& view, const std::string& vhost) {
  if (vhost.empty() || vhost[0] == '.' || vhost.find('/') != std::string::npos) return std::nullopt;
  auto text = view.read(apache_tls_paths::combined(vhost));
  if (!text) return std::nullopt;
  return split_combined(vhost, *text);
}

nlohmann::json ssl_index(const Transaction& view) { return load_index(view); }

std::vector<SslIndexRow> ssl_index_rows(const Transaction& view) { return index_rows(view); }

nlohmann::json ssl_index_entry_of(const SslIndexRow& row) {
  try {
    auto entry = nlohmann::json::parse(row.json);
    if (entry.is_object()) return entry;
  } catch (const nlohmann::json::exception&) {
  }
  add_notice("“" + server_path(apache_tls_paths::kIndex) + "”: the entry of “" + row.vhost + "” cannot be read.");
  return {{"servername", row.vhost}};
}

std::optional<nlohmann::json> ssl_index_entry(const Transaction& view, const std::string& vhost) {
  auto text = view.read(apache_tls_paths::kIndex);
  if (text && !text->empty() && (*text)[0] != '{') {
    const std::string head = vhost + "\t";
    size_t pos = starts_with(*text, head) ? 0 : text->find("\n" + head);
    if (pos == std::string::npos) return std::nullopt;
    if (pos != 0) ++pos;
    const size_t end = text->find('\n', pos);
    if (end == std::string::npos) return std::nullopt;
    const size_t a = text->find('\t', pos), b = text->find('\t', a + 1), c = text->find('\t', b + 1);
    if (c == std::string::npos || c > end) return std::nullopt;
    return ssl_index_entry_of({vhost, "", "", text->substr(c + 1, end - c - 1)});
  }
  nlohmann::json index = load_index(view);
  auto it = index.find(vhost);
  if (it == index.end()) return std::nullopt;
  return *it;
}

std::vector<std::string> ssl_vhosts(const Transaction& view) {
  std::vector<std::string> out;
  for (const auto& row : index_rows(view))
    if (view.exists(apache_tls_paths::combined(row.vhost))) out.push_back(row.vhost);
  return out;  // the index's lines are sorted
}

std::optional<std::string> ssl_vhost_owner(const Transaction& view, const std::string& vhost) {
  auto found = ssl_index_entry(view, vhost);
  const nlohmann::json* it = found ? &*found : nullptr;
  if (!it || !it->is_object() || !(*it)["user"].is_string()) {
    // An entry made by other means: the account whose userdata has the SSL vhost.
    for (const auto& user : AccountStore(view.root()).usernames())
      if (view.exists(paths::userdata_dir(user) + "/" + vhost + "_SSL")) return user;
    return std::nullopt;
  }
  return (*it)["user"].get<std::string>();
}

std::map<std::string, std::string> primary_ssl_vhosts(const Transaction& view) {
  std::map<std::string, std::string> out;
  auto text = view.read(apache_tls_paths::kPrimaryVhosts);
  if (!text) return out;
  for (const auto& line : split(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    if (!ends_with(key, ":SSL")) continue;
    out[key.substr(0, key.size() - 4)] = trim(line.substr(eq + 1));
  }
  return out;
}

void stage_primary_vhost(Transaction& txn, const std::string& ip, const std::string& servername, bool ssl) {
  // cPanel keeps IPv4 addresses only in this file and passes over any other silently.
  if (!is_valid_ipv4(ip)) return;
  for (unsigned char c : servername)
    if (c <= 0x20 || c == 0x7f || c == '=') throw ApiError("The servername is not valid.");
  std::map<std::string, std::string> entries;
  if (auto text = txn.read(apache_tls_paths::kPrimaryVhosts))
    for (const auto& line : split(*text, '\n')) {
      if (line.empty() || line[0] == '#') continue;
      const size_t eq = line.find('=');
      if (eq != std::string::npos) entries[line.substr(0, eq)] = line.substr(eq + 1);
    }
  entries[ssl ? ip + ":SSL" : ip] = servername;
  std::string out =
      "#============\n"
      "#NOTE: This file's format may change over time. The data here also goes\n"
      "#through a non-trivial validation process before being written.\n"
      "#To ensure stability, do not interact with this file directly;\n"
      "#instead, use API calls to read and to set the data in this file.\n"
      "#============\n";
  for (const auto& [key, value] : entries) out += key + "=" + value + "\n";
  txn.write(apache_tls_paths::kPrimaryVhosts, out, 0644);
}

void stage_ssl_removal(Transaction& txn, const std::string& vhost) {
  auto combined = vhost.empty() || vhost[0] == '.' || vhost.find('/') != std::string::npos
                      ? std::nullopt
                      : txn.read(apache_tls_paths::combined(vhost));
  if (!combined) throw ApiError("The virtual host “" + vhost + "” has no SSL certificate installed.");
  auto user = ssl_vhost_owner(txn, vhost);
  std::vector<std::string> names{vhost};
  if (user)
    if (auto doc = read_userdata(txn, *user, vhost)) names = vhost_names(*doc);
  std::vector<std::string> touched;
  for (const auto& d : domain_entries_of(txn, names, *combined)) {
    remove_entry(txn, domain_dir(d));
    touched.push_back(d);
  }
  remove_entry(txn, vhost_dir(vhost));
  if (user)
    for (const auto& file : {vhost + "_SSL", vhost + "_SSL.cache"}) {
      const std::string rel = paths::userdata_dir(*user) + "/" + file;
      if (txn.exists(rel)) txn.remove(rel);
    }
  stage_index_entry(txn, vhost, nullptr);
  if (user) stage_web_config_for_user(txn, *user);
  stage_mail_sni(txn, touched);
  reload_web_servers_after_commit(txn);
}

std::optional<std::string> domain_tls_combined(const Transaction& view, const std::string& domain) {
  if (domain.empty() || domain[0] == '.' || domain.find('/') != std::string::npos) return std::nullopt;
  return view.read(apache_tls_paths::domain_combined(domain));
}

std::vector<std::string> domain_tls_domains(const Transaction& view) {
  std::vector<std::string> out;
  for (const auto& name : view.root().list_dir(apache_tls_paths::kDomainTls))
    if (!name.empty() && name[0] != '.') out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------- the account's part

namespace {

std::vector<std::string> vhosts_of_user(const nlohmann::json& index, const std::string& user) {
  std::vector<std::string> out;
  for (const auto& [vhost, entry] : index.items())
    if (entry.is_object() && entry.value("user", "") == user) out.push_back(vhost);
  return out;
}

// Removes the vhosts' datastore entries, their Domain TLS entries and index entries.
void drop_vhosts(Transaction& txn, nlohmann::json& index, const std::vector<std::string>& vhosts,
                 std::vector<std::string>& touched) {
  for (const auto& vhost : vhosts) {
    if (auto combined = txn.read(apache_tls_paths::combined(vhost))) {
      std::vector<std::string> names{vhost};
      if (const auto& entry = index[vhost]; entry.is_object() && entry["domains"].is_array())
        for (const auto& d : entry["domains"])
          if (d.is_string()) names.push_back(d.get<std::string>());
      for (const auto& d : domain_entries_of(txn, names, *combined)) {
        remove_entry(txn, domain_dir(d));
        touched.push_back(d);
      }
    }
    remove_entry(txn, vhost_dir(vhost));
    index.erase(vhost);
  }
}

// The certificates follow the account: moved with a renamed vhost, archived
// as pkgacct's apache_tls/<vhost> (key, certificate, CA bundle), installed
// again on restore (checked as an installation, expiry aside).
class ApacheTlsPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    Transaction view(root);
    std::vector<std::string> rels;
    for (const auto& vhost : vhosts_of_user(load_index(view), a.user)) rels.push_back(vhost_dir(vhost));
    return existing(root, rels);
  }
  // The new account's web vhosts go into the servers' configuration.
  void create(const StateRoot&, Transaction& txn, const NewAccount& a, std::string&) const override {
    stage_web_config_for_user(txn, a.facts.user);
    reload_web_servers_after_commit(txn);
  }
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    nlohmann::json index = load_index(txn);
    const auto vhosts = vhosts_of_user(index, from.user);
    // The old name's configuration goes and the new one's is written from the
    // renamed userdata, once the rename is committed (the transaction's reads
    // do not see a staged directory rename): a change of its own, which a
    // crash in between leaves to the account's next change.
    txn.on_commit(
        "rewrite the web server configuration of " + to.user, [root = root, old_user = from.user, new_user = to.user] {
          try {
            Transaction after(root);
            if (old_user != new_user) stage_web_config_for_user(after, old_user);
            stage_web_config_for_user(after, new_user);
            reload_web_servers_after_commit(after);
            after.commit();
          } catch (const std::exception& e) {
            add_notice(std::string("The web server configuration was not rewritten after the rename: ") + e.what());
          }
        });
    if (vhosts.empty() && from.user == to.user) return;
    std::vector<std::string> touched;
    for (const auto& vhost : vhosts) {
      const std::string target = replace_domain(vhost, from.main_domain, to.main_domain);
      nlohmann::json entry = index[vhost];
      entry["user"] = to.user;
      if (target != vhost) {
        // The Domain TLS entries of the old names go; the datastore entry moves.
        std::vector<std::string> names{vhost};
        if (entry["domains"].is_array())
          for (const auto& d : entry["domains"])
            if (d.is_string()) names.push_back(d.get<std::string>());
        if (auto combined = txn.read(apache_tls_paths::combined(vhost)))
          for (const auto& d : domain_entries_of(txn, names, *combined)) {
            remove_entry(txn, domain_dir(d));
            touched.push_back(d);
          }
        txn.rename(vhost_dir(vhost), vhost_dir(target));
        index.erase(vhost);
        entry["servername"] = target;
      }
      index[target] = entry;
    }
    save_index(txn, index);
    if (!touched.empty()) stage_mail_sni(txn, touched);
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    nlohmann::json index = load_index(txn);
    const auto vhosts = vhosts_of_user(index, a.user);
    std::vector<std::string> touched;
    drop_vhosts(txn, index, vhosts, touched);
    if (!vhosts.empty()) save_index(txn, index);
    if (!touched.empty()) stage_mail_sni(txn, touched);
    // The account's userdata is gone by now in this transaction: its configuration goes too.
    const std::string httpd = web_config_paths::kHttpdConf;
    if (txn.exists(httpd) || txn.exists(web_config_paths::nginx_user_conf(a.user))) {
      stage_web_config_for_user(txn, a.user);
      reload_web_servers_after_commit(txn);
    }
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (const auto& vhost : vhosts_of_user(load_index(txn), a.user))
      if (auto c = installed_certificate(txn, vhost))
        out.file("apache_tls/" + vhost, c->key_pem + c->certificate_pem + c->cabundle_pem);
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    for (const auto& vhost : src.archive.under("apache_tls")) {
      const std::string* text = src.archive.file("apache_tls/" + vhost);
      if (!text || vhost.empty() || vhost[0] == '.') continue;
      InstalledCertificate c = split_combined(vhost, *text);
      try {
        InstallOptions opts;
        opts.check_expiry = false;
        auto r = install(txn, src.facts.user, c, opts);
        raw += "Restored the SSL certificate of " + r.vhost + "\n";
      } catch (const ApiError& e) {
        raw += "Left out the SSL certificate of " + vhost + ": " + e.what() + "\n";
      }
    }
    stage_web_config_for_user(txn, src.facts.user);
    reload_web_servers_after_commit(txn);
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (const auto& vhost : vhosts_of_user(load_index(view), a.user)) {
      auto c = installed_certificate(view, vhost);
      if (!c) {
        out.push_back("Account “" + a.user + "”: the SSL vhost “" + vhost + "” has no " +
                      server_path(apache_tls_paths::combined(vhost)) + ".");
        continue;
      }
      try {
        if (!x509::same_key(x509::parse_key(c->key_pem), x509::parse_certificate(c->certificate_pem)))
          out.push_back(server_path(apache_tls_paths::combined(vhost)) + ": the certificate is not for its key.");
      } catch (const ApiError& e) {
        out.push_back(server_path(apache_tls_paths::combined(vhost)) + ": " + e.what());
      }
      if (!view.exists(paths::userdata_dir(a.user) + "/" + vhost + "_SSL"))
        report_missing(out, a.user, "the userdata of the SSL vhost “" + vhost + "”");
    }
  }
  void orphans(const StateRoot& root, const Transaction& view, const std::set<std::string>& users,
               Problems& out) const override {
    nlohmann::json index = load_index(view);
    for (const auto& [vhost, entry] : index.items()) {
      const std::string user = entry.is_object() ? entry.value("user", "") : "";
      if (!users.count(user))
        out.push_back("Orphaned " + vhost_dir(vhost) + " (no account “" + user + "” has the vhost “" + vhost + "”).");
    }
    for (const auto& name : root.list_dir(apache_tls_paths::kApacheTls))
      if (!name.empty() && name[0] != '.' && !index.contains(name))
        out.push_back("Orphaned " + std::string(apache_tls_paths::kApacheTls) + "/" + name + " (not in " +
                      apache_tls_paths::kIndex + ").");
  }
};

}  // namespace

const AccountPart& apache_tls_part() { return part_instance<ApacheTlsPart>(); }

}  // namespace whm
