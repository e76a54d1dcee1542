#include "user_ssl.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {

namespace {

const char* dir_of(SslKind kind) {
  switch (kind) {
    case SslKind::Key: return "keys";
    case SslKind::Certificate: return "certs";
    case SslKind::Csr: return "csrs";
  }
  return "keys";
}

const char* ext_of(SslKind kind) {
  switch (kind) {
    case SslKind::Key: return "key";
    case SslKind::Certificate: return "crt";
    case SslKind::Csr: return "csr";
  }
  return "key";
}

// The noun cPanel's messages use.
const char* noun_of(SslKind kind) {
  switch (kind) {
    case SslKind::Key: return "key";
    case SslKind::Certificate: return "certificate";
    case SslKind::Csr: return "CSR";
  }
  return "key";
}

constexpr SslKind kAllKinds[] = {SslKind::Key, SslKind::Certificate, SslKind::Csr};

std::string md5_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

// Cpanel::PEM::strip_pem_formatting: the base64 between the armour lines, no blanks.
std::string pem_base64(const std::string& pem) {
  const auto begin = pem.find("-----BEGIN ");
  if (begin == std::string::npos) return "";
  const auto body = pem.find('\n', begin);
  const auto end = pem.find("-----END ", begin);
  if (body == std::string::npos || end == std::string::npos || end < body) return "";
  std::string out;
  for (size_t i = body; i < end; ++i)
    if (!std::isspace(static_cast<unsigned char>(pem[i]))) out += pem[i];
  return out;
}

// SSLStorage::Utils::_fs_format
std::string fs_format(const std::string& cn) {
  std::string in = cn;
  if (!in.empty() && in[0] == '*') in = "_wildcard_" + in.substr(1);
  std::string out;
  bool in_run = false;
  for (char c : in) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (ok) {
      out += c;
      in_run = false;
    } else if (!in_run) {
      out += '_';
      in_run = true;
    }
  }
  return out;
}

std::string ends_of(const std::string& modulus) {
  if (modulus.size() < 10) return modulus + "_" + modulus;
  return modulus.substr(0, 5) + "_" + modulus.substr(modulus.size() - 5);
}

std::string curve_oid(const std::string& curve) {
  if (curve == "prime256v1") return "1.2.840.10045.3.1.7";
  if (curve == "secp384r1") return "1.3.132.0.34";
  return curve;
}

// The stored text: cPanel's demunge_ssldata (no final newline).
std::string stored_text(std::string pem) {
  while (!pem.empty() && (pem.back() == '\n' || pem.back() == '\r')) pem.pop_back();
  return pem;
}

nlohmann::json null_if_empty(const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); }

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return "";
}

// Cpanel::SSLStorage's colon-aware index value: the non-empty fields joined with ":".
std::string joined_value(const nlohmann::json& rec, const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) {
    const std::string v = rec.contains(f) ? value_text(rec[f]) : "";
    if (v.empty()) continue;
    out += (out.empty() ? "" : ":") + v;
  }
  return out;
}

const std::vector<std::string>& index_fields(SslKind kind) {
  static const std::vector<std::string> none,
      cert = {"modulus", "ecdsa_curve_name", "ecdsa_public", "subject.commonName"},
      csr = {"modulus", "ecdsa_curve_name", "ecdsa_public", "commonName"};
  return kind == SslKind::Certificate ? cert : kind == SslKind::Csr ? csr : none;
}

// cPanel's en locale: "[numf]" and "datetime_format_short" (M/d/yy, h:mm a). UNCONFIRMED for 11.125.
std::string numf(long long n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string short_datetime(std::time_t t) {
  struct tm tm {};
  gmtime_r(&t, &tm);
  const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d/%d/%02d, %d:%02d %s", tm.tm_mon + 1, tm.tm_mday, tm.tm_year % 100, hour12,
                tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

std::string list_and(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  if (items.size() == 2) return items[0] + " and " + items[1];
  std::string out;
  for (size_t i = 0; i + 1 < items.size(); ++i) out += items[i] + ", ";
  return out + "and " + items.back();
}

std::string trimmed(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

void check_friendly_name(const std::string& name) {
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      throw invalid_param("friendly_name", "The friendly name may not contain control characters.");
}

nlohmann::json key_record(const x509::PublicKeyInfo& k) {
  nlohmann::json r = {{"id", ssl_key_id(k)}, {"key_algorithm", k.key_algorithm}};
  r["modulus"] = null_if_empty(k.modulus);
  r["modulus_length"] = k.is_rsa() ? nlohmann::json(k.modulus_length) : nlohmann::json();
  r["ecdsa_curve_name"] = null_if_empty(k.ecdsa_curve_name);
  r["ecdsa_public"] = null_if_empty(k.ecdsa_public);
  return r;
}

nlohmann::json cert_record(const x509::CertInfo& c) {
  nlohmann::json r = {{"id", ssl_certificate_id(c)},
                      {"not_before", c.not_before},
                      {"not_after", c.not_after},
                      {"subject.commonName", null_if_empty(c.subject_common_name)},
                      {"issuer.commonName", null_if_empty(c.issuer_common_name)},
                      {"issuer.organizationName", null_if_empty(c.issuer_organization_name)},
                      {"serial", c.serial},
                      {"domains", c.domains},
                      {"is_self_signed", c.is_self_signed ? 1 : 0},
                      {"validation_type", null_if_empty(c.validation_type)},
                      {"signature_algorithm", c.signature_algorithm},
                      {"key_algorithm", c.key_algorithm},
                      {"ecdsa_curve_name", null_if_empty(c.ecdsa_curve_name)},
                      {"ecdsa_public", null_if_empty(c.ecdsa_public)}};
  if (c.is_rsa()) {
    r["modulus"] = c.modulus;
    r["modulus_length"] = c.modulus_length;
  }
  return r;
}

nlohmann::json csr_record(const x509::CsrInfo& c) {
  return {{"id", ssl_csr_id(c)},
          {"commonName", null_if_empty(c.common_name)},
          {"domains", c.domains},
          {"key_algorithm", c.key_algorithm},
          {"modulus", null_if_empty(c.modulus)},
          {"ecdsa_curve_name", null_if_empty(c.ecdsa_curve_name)},
          {"ecdsa_public", null_if_empty(c.ecdsa_public)}};
}

// Parses an item of `kind`: its record (without friendly_name/created) and its PEM.
std::pair<nlohmann::json, std::string> parse_item(SslKind kind, const std::string& text) {
  switch (kind) {
    case SslKind::Key: {
      auto k = x509::parse_key(text);
      if (k.is_rsa() && k.modulus_length < 384)
        throw ApiError("An RSA key’s modulus must be a minimum of 384 bits long. This key’s modulus is only " +
                       std::to_string(k.modulus_length) + " bits long.");
      return {key_record(k), k.pem};
    }
    case SslKind::Certificate: {
      auto c = x509::parse_certificate(text);
      return {cert_record(c), c.pem};
    }
    case SslKind::Csr: {
      auto c = x509::parse_csr(text);
      return {csr_record(c), c.pem};
    }
  }
  throw ApiError("Unknown SSL item.");
}

// The record's key as a PublicKeyInfo, for matching.
x509::PublicKeyInfo key_of(const nlohmann::json& rec) {
  x509::PublicKeyInfo k;
  k.key_algorithm = rec.value("key_algorithm", nlohmann::json("rsaEncryption")).is_string()
                        ? rec.value("key_algorithm", std::string("rsaEncryption"))
                        : "rsaEncryption";
  if (rec.contains("modulus") && rec["modulus"].is_string()) k.modulus = rec["modulus"].get<std::string>();
  if (rec.contains("ecdsa_curve_name") && rec["ecdsa_curve_name"].is_string())
    k.ecdsa_curve_name = rec["ecdsa_curve_name"].get<std::string>();
  if (rec.contains("ecdsa_public") && rec["ecdsa_public"].is_string())
    k.ecdsa_public = rec["ecdsa_public"].get<std::string>();
  return k;
}

bool same_public_key(const nlohmann::json& rec, const x509::PublicKeyInfo& k) {
  const auto mine = key_of(rec);
  if (k.is_rsa()) return !k.modulus.empty() && mine.modulus == k.modulus;
  return !k.ecdsa_public.empty() && mine.ecdsa_curve_name == k.ecdsa_curve_name && mine.ecdsa_public == k.ecdsa_public;
}

nlohmann::json shown_record(SslKind kind, nlohmann::json rec) {
  if (!rec.contains("key_algorithm") || rec["key_algorithm"].is_null()) rec["key_algorithm"] = "rsaEncryption";
  for (const char* f : {"ecdsa_curve_name", "ecdsa_public"})
    if (!rec.contains(f)) rec[f] = nullptr;
  (void)kind;
  return rec;
}

// A certificate record as find_certificates returns it: with the issuer's
// and subject's names from its file (cPanel's
// _ensure_certificates_have_all_required_fields).
void add_name_texts(nlohmann::json& rec, const std::optional<std::string>& text) {
  if (!text) return;
  try {
    const auto c = x509::parse_certificate(*text);
    rec["issuer_text"] = c.issuer_text();
    rec["subject_text"] = c.subject_text();
  } catch (const ApiError&) {
  }
}

}  // namespace

const char* ssl_kind_name(SslKind kind) {
  switch (kind) {
    case SslKind::Key: return "key";
    case SslKind::Certificate: return "certificate";
    case SslKind::Csr: return "csr";
  }
  return "key";
}

std::string ssl_key_id(const x509::PublicKeyInfo& k) {
  if (k.is_rsa()) return ends_of(k.modulus) + "_" + md5_hex(k.modulus);
  // ec-<X first 10>_<md5 of "X_Y_curveOID">; X and Y at full width (UNCONFIRMED).
  const std::string point = k.ecdsa_point.size() > 2 ? k.ecdsa_point.substr(2) : k.ecdsa_public;
  const std::string x = point.substr(0, point.size() / 2), y = point.substr(point.size() / 2);
  return "ec-" + x.substr(0, 10) + "_" + md5_hex(x + "_" + y + "_" + curve_oid(k.ecdsa_curve_name));
}

std::string ssl_certificate_id(const x509::CertInfo& c) {
  const std::string md5 = md5_hex(pem_base64(c.pem));
  const std::string cn = fs_format(c.subject_common_name);
  if (c.is_rsa()) return cn + "_" + ends_of(c.modulus) + "_" + std::to_string(c.not_after) + "_" + md5;
  return "ec-" + cn + "_" + c.ecdsa_public.substr(2, 10) + "_" + std::to_string(c.not_after) + "_" + md5;
}

std::string ssl_csr_id(const x509::CsrInfo& c) {
  const std::string md5 = md5_hex(pem_base64(c.pem));
  const std::string cn = fs_format(c.common_name);
  if (c.is_rsa()) return cn + "_" + ends_of(c.modulus) + "_" + md5;
  return "ec-" + cn + "_" + c.ecdsa_public.substr(2, 10) + "_" + md5;
}

void check_ssl_id(const std::string& id) {
  bool bad = id.empty() || id[0] == '.' || id.find('/') != std::string::npos || id.find('|') != std::string::npos;
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) bad = true;
  if (bad) throw ValidationError("The “id” parameter is invalid.");
}

UserSslStore::UserSslStore(Transaction& txn, const std::string& home, FileOwner owner)
    : txn_(txn), home_(home), home_rel_(paths::rel_from_abs(home)), owner_(owner) {
  if (home_rel_.empty()) throw ApiError("The home directory “" + home + "” cannot hold SSL storage.");
  prefix_ = user_ssl_paths::kDir;
  shown_ = home_ + "/" + prefix_;
  load();
}

UserSslStore::UserSslStore(Transaction& txn, SystemStore)
    : txn_(txn),
      home_("/var"),
      home_rel_("var"),
      owner_{},
      prefix_("cpanel/ssl/system"),
      shown_("/var/cpanel/ssl/system"),
      system_(true) {
  load();
}

std::string UserSslStore::path(SslKind kind, const std::string& id) const {
  check_ssl_id(id);
  return prefix_ + "/" + dir_of(kind) + "/" + id + "." + ext_of(kind);
}

// I/O inside the store: a user's through UserPaths (never through a
// symlink), root's system store (a path only root controls) directly.
std::optional<std::string> UserSslStore::read_rel(const std::string& rel) const {
  if (system_) return txn_.read(home_rel_ + "/" + rel);
  return txn_.read(UserPath{home_rel_, rel});
}
bool UserSslStore::exists_rel(const std::string& rel) const {
  if (system_) return txn_.exists(home_rel_ + "/" + rel);
  return txn_.exists(UserPath{home_rel_, rel});
}
void UserSslStore::write_rel(const std::string& rel, const std::string& content, mode_t mode) {
  if (system_) return txn_.write(home_rel_ + "/" + rel, content, mode);
  txn_.write(UserPath{home_rel_, rel}, content, mode, owner_);
}
void UserSslStore::remove_rel(const std::string& rel) {
  if (system_) return txn_.remove(home_rel_ + "/" + rel);
  txn_.remove(UserPath{home_rel_, rel});
}
void UserSslStore::make_dir_rel(const std::string& rel, mode_t mode) {
  if (system_) return;  // written files bring their directories
  txn_.make_dir(UserPath{home_rel_, rel}, mode, owner_);
}

std::string UserSslStore::shown_path(SslKind kind, const std::string& id) const {
  return shown_ + "/" + dir_of(kind) + "/" + id + "." + ext_of(kind);
}

void UserSslStore::load() {
  const auto text = read_rel(db_rel());
  if (!text || trimmed(*text).empty() || trimmed(*text) == "---" || trimmed(*text) == "--- ~") {
    db_ = nlohmann::json::object();
    build_from_files(nlohmann::json::object());
    return;
  }
  const FileProblems problems = yaml_mapping_problems(*text);
  if (!problems.empty())
    throw ApiError(damage_summary(shown_ + "/ssl.db", problems) + " Rebuild it with UAPI SSL::rebuildssldb.");
  db_ = yaml_to_json(*text);
  if (!db_.is_object()) db_ = nlohmann::json::object();
  // YAML::Syck keeps no types: a long number reads back as its text.
  if (db_.contains("files") && db_["files"].is_object())
    for (auto& [type, items] : db_["files"].items())
      if (items.is_object())
        for (auto& [id, rec] : items.items())
          if (rec.is_object())
            for (const char* f : {"created", "not_before", "not_after", "modulus_length", "is_self_signed"})
              if (rec.contains(f) && rec[f].is_string()) {
                const std::string v = rec[f];
                if (!v.empty() && v.size() < 19 && std::all_of(v.begin(), v.end(), ::isdigit)) rec[f] = std::stoll(v);
              }
}

void UserSslStore::ensure_dirs() {
  make_dir_rel(prefix_, 0755);
  for (SslKind kind : kAllKinds) make_dir_rel(prefix_ + "/" + dir_of(kind), 0751);
}

void UserSslStore::reindex() {
  nlohmann::json uniques = nlohmann::json::object(), indexes = nlohmann::json::object();
  for (SslKind kind : kAllKinds) {
    const std::string t = ssl_kind_name(kind);
    if (!db_.contains("files") || !db_["files"].contains(t)) continue;
    for (auto& [id, rec] : db_["files"][t].items()) {
      if (kind == SslKind::Key) {
        const std::string v = joined_value(rec, {"modulus", "ecdsa_curve_name", "ecdsa_public"});
        if (!v.empty()) uniques[t]["modulus:ecdsa_curve_name:ecdsa_public"][v] = id;
      }
      const std::string fn = value_text(rec.value("friendly_name", nlohmann::json()));
      if (!fn.empty()) uniques[t]["friendly_name"][fn] = id;
      for (const auto& field : index_fields(kind)) {
        const std::string v = joined_value(rec, {field});
        if (!v.empty()) indexes[t][field][v][id] = nullptr;
      }
    }
  }
  db_["uniques"] = uniques;
  db_["indexes"] = indexes;
  if (!db_.contains("files")) db_["files"] = nlohmann::json::object();
}

void UserSslStore::save() {
  reindex();
  if (building_) return;  // an index built while reading: written by the next change
  make_dir_rel(prefix_, 0755);
  write_rel(db_rel(), syck_dump(db_), 0600);
  write_rel(db_rel() + ".cache", json_text(db_) + "\n", 0600);
}

std::vector<nlohmann::json> UserSslStore::list(SslKind kind) const {
  std::vector<nlohmann::json> out;
  const std::string t = ssl_kind_name(kind);
  if (db_.contains("files") && db_["files"].contains(t))
    for (auto& [id, rec] : db_["files"][t].items()) {
      out.push_back(shown_record(kind, rec));
      if (kind == SslKind::Certificate) add_name_texts(out.back(), read_rel(path(kind, id)));
    }
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return value_text(a.value("friendly_name", nlohmann::json())) <
           value_text(b.value("friendly_name", nlohmann::json()));
  });
  return out;
}

std::optional<nlohmann::json> UserSslStore::by_id(SslKind kind, const std::string& id) const {
  const std::string t = ssl_kind_name(kind);
  if (db_.contains("files") && db_["files"].contains(t) && db_["files"][t].contains(id)) {
    auto rec = shown_record(kind, db_["files"][t][id]);
    if (kind == SslKind::Certificate) add_name_texts(rec, read_rel(path(kind, id)));
    return rec;
  }
  return std::nullopt;
}

std::optional<nlohmann::json> UserSslStore::by_friendly_name(SslKind kind, const std::string& name) const {
  for (auto& rec : list(kind))
    if (value_text(rec.value("friendly_name", nlohmann::json())) == name) return rec;
  return std::nullopt;
}

std::vector<nlohmann::json> UserSslStore::for_key(SslKind kind, const x509::PublicKeyInfo& key) const {
  std::vector<nlohmann::json> out;
  for (auto& rec : list(kind))
    if (same_public_key(rec, key)) out.push_back(rec);
  return out;
}

std::optional<std::string> UserSslStore::text(SslKind kind, const std::string& id) const {
  return read_rel(path(kind, id));
}

bool UserSslStore::friendly_name_taken(SslKind kind, const std::string& name) const {
  return by_friendly_name(kind, name).has_value();
}

std::string UserSslStore::default_friendly_name(SslKind kind, const nlohmann::json& record) {
  if (kind == SslKind::Key) {
    const auto k = key_of(record);
    if (k.is_rsa())
      return numf(record.value("modulus_length", 0)) + "-bit RSA, created " + short_datetime(now()) + " UTC";
    return "ECDSA “" + k.ecdsa_curve_name + "”, created " + short_datetime(now()) + " UTC";
  }
  std::vector<std::string> domains;
  if (record.contains("domains") && record["domains"].is_array())
    for (const auto& d : record["domains"]) domains.push_back(value_text(d));
  const std::string name = list_and(domains);
  // cPanel also names the matching key after the domains (Cpanel::SSLStorage::User).
  auto keys = for_key(SslKind::Key, key_of(record));
  if (!keys.empty() && !name.empty()) {
    try {
      set_friendly_name(SslKind::Key, keys.front()["id"].get<std::string>(), name);
    } catch (const ApiError&) {
      // another key has that name already: cPanel ignores the failure
    }
  }
  return name.empty() ? "Created " + short_datetime(now()) : name;
}

nlohmann::json UserSslStore::add(SslKind kind, nlohmann::json record, const std::string& pem,
                                 const std::string& friendly_name_in) {
  const std::string fn_given = trimmed(friendly_name_in);
  check_friendly_name(fn_given);
  const std::string id = record["id"].get<std::string>();
  const std::string t = ssl_kind_name(kind);
  if (auto dupe = by_id(kind, id)) {
    const std::string old_fn = value_text(dupe->value("friendly_name", nlohmann::json()));
    if (fn_given.empty() || fn_given == old_fn) return *dupe;
    throw ApiError(std::string("That ") + noun_of(kind) + " is already installed as “" + old_fn + "”.");
  }
  std::string fn = fn_given.empty() ? default_friendly_name(kind, record) : fn_given;
  if (friendly_name_taken(kind, fn)) {
    const std::string original = fn;
    for (int n = 0; friendly_name_taken(kind, fn); ++n)
      fn = original + " " + std::to_string(now()) + "." + std::to_string(n);
  }
  record["friendly_name"] = fn;
  if (!record.contains("created") || record["created"].is_null()) record["created"] = static_cast<long long>(now());
  ensure_dirs();
  write_rel(path(kind, id), stored_text(pem), kind == SslKind::Key ? 0600 : 0644);
  db_["files"][t][id] = record;
  save();
  return shown_record(kind, record);
}

nlohmann::json UserSslStore::add_key(const std::string& text, const std::string& friendly_name) {
  auto [record, pem] = parse_item(SslKind::Key, text);
  return add(SslKind::Key, record, pem, friendly_name);
}

nlohmann::json UserSslStore::add_certificate(const std::string& text, const std::string& friendly_name) {
  auto [record, pem] = parse_item(SslKind::Certificate, text);
  return add(SslKind::Certificate, record, pem, friendly_name);
}

nlohmann::json UserSslStore::add_csr(const std::string& text, const std::string& friendly_name) {
  auto [record, pem] = parse_item(SslKind::Csr, text);
  return add(SslKind::Csr, record, pem, friendly_name);
}

void UserSslStore::remove(SslKind kind, const std::string& id) {
  const std::string p = path(kind, id);
  if (exists_rel(p)) remove_rel(p);
  const std::string t = ssl_kind_name(kind);
  if (db_.contains("files") && db_["files"].contains(t) && db_["files"][t].contains(id)) {
    db_["files"][t].erase(id);
    save();
  }
}

void UserSslStore::set_friendly_name(SslKind kind, const std::string& id, const std::string& name) {
  const std::string t = ssl_kind_name(kind);
  check_friendly_name(name);
  if (!db_.contains("files") || !db_["files"].contains(t) || !db_["files"][t].contains(id))
    throw ApiError(std::string("No ") + noun_of(kind) + " with the ID “" + id + "” exists.");
  if (auto other = by_friendly_name(kind, name)) {
    if ((*other)["id"] == id) return;
    const std::string noun = noun_of(kind);
    throw ApiError("Your " + noun + " “" + (*other)["id"].get<std::string>() +
                   "” already has that “friendly_name”. Each " + noun + "’s “friendly_name” must be unique.");
  }
  db_["files"][t][id]["friendly_name"] = name;
  save();
}

void UserSslStore::build_from_files(const nlohmann::json& old) {
  struct Building {
    bool& flag;
    ~Building() { flag = false; }
  } building{building_ = true};
  db_ = nlohmann::json::object();
  db_["files"] = nlohmann::json::object();
  auto home = UserDir::open(txn_.root().path(home_rel_), home_rel_ == "var" ? "/var" : home_);
  if (!home) return;
  for (SslKind kind : {SslKind::Key, SslKind::Certificate, SslKind::Csr}) {
    const std::string t = ssl_kind_name(kind);
    auto dir = home->dir(prefix_ + "/" + dir_of(kind));
    if (!dir) continue;
    std::set<std::string> seen;
    for (const auto& name : dir->entries()) {
      const auto st = dir->status(name);
      if (!st || !S_ISREG(st->st_mode)) continue;
      std::optional<std::string> content;
      try {
        content = dir->read(name);
      } catch (const ApiError&) {
        continue;
      }
      if (!content) continue;
      nlohmann::json record;
      std::string pem;
      try {
        std::tie(record, pem) = parse_item(kind, *content);
      } catch (const ApiError&) {
        continue;  // not an item of this kind
      }
      const std::string id = record["id"].get<std::string>();
      if (!seen.insert(id).second) continue;
      const nlohmann::json* existing = nullptr;
      if (old.contains("files") && old["files"].contains(t) && old["files"][t].contains(id))
        existing = &old["files"][t][id];
      std::string fn;
      nlohmann::json created;
      if (existing) {
        fn = value_text(existing->value("friendly_name", nlohmann::json()));
        created = existing->value("created", nlohmann::json());
      } else {
        // An earlier record of the same key lends its name (cPanel's repair).
        std::vector<const nlohmann::json*> same;
        if (old.contains("files") && old["files"].contains(t))
          for (auto& [oid, orec] : old["files"][t].items())
            if (same_public_key(orec, key_of(record))) same.push_back(&orec);
        if ((kind == SslKind::Key && !same.empty()) || same.size() == 1) {
          fn = value_text(same.front()->value("friendly_name", nlohmann::json()));
          created = same.front()->value("created", nlohmann::json());
        } else if (kind == SslKind::Key) {
          fn = name.size() > 4 && ends_with(name, ".key") ? name.substr(0, name.size() - 4) : name;
        }
      }
      record["created"] = created.is_null() ? nlohmann::json(static_cast<long long>(st->st_ctime)) : created;
      if (fn.empty() || friendly_name_taken(kind, fn)) {
        const std::string base = fn.empty() ? default_friendly_name(kind, record) : fn;
        fn = base;
        for (int n = 0; friendly_name_taken(kind, fn); ++n)
          fn = base + " " + std::to_string(now()) + "." + std::to_string(n);
      }
      record["friendly_name"] = fn;
      db_["files"][t][id] = record;
      found_texts_[t + "/" + id] = pem;
      reindex();
    }
  }
  reindex();
}

nlohmann::json UserSslStore::rebuild() {
  const auto old_text = read_rel(db_rel());
  nlohmann::json old = nlohmann::json::object();
  if (old_text && yaml_mapping_problems(*old_text).empty()) {
    old = yaml_to_json(*old_text);
    if (!old.is_object()) old = nlohmann::json::object();
  }
  // An index that is damaged or gone: its JSON twin still knows the names
  // and creation times (the answer still lists every item as added, as
  // cPanel's does for a damaged index).
  nlohmann::json names = old;
  if (!old.contains("files"))
    if (auto cache = read_rel(db_rel() + ".cache")) {
      auto twin = nlohmann::json::parse(*cache, nullptr, false);
      if (twin.is_object() && twin.contains("files") && twin["files"].is_object()) names = twin;
    }
  build_from_files(names);
  nlohmann::json result = nlohmann::json::array();
  for (SslKind kind : kAllKinds) {
    const std::string t = ssl_kind_name(kind);
    if (db_["files"].contains(t))
      for (auto& [id, rec] : db_["files"][t].items()) {
        const bool existed = old.contains("files") && old["files"].contains(t) && old["files"][t].contains(id);
        if (existed) continue;
        result.push_back({{"action", "add"}, {"type", t}, {"path", shown_path(kind, id)}, {"details", rec}});
      }
    if (old.contains("files") && old["files"].contains(t) && old["files"][t].is_object())
      for (auto& [id, rec] : old["files"][t].items())
        if (!db_["files"].contains(t) || !db_["files"][t].contains(id))
          result.push_back({{"action", "remove"}, {"type", t}, {"path", nullptr}, {"details", rec}});
  }
  // The old index is kept beside the new one (cPanel's ssl.db.<time>.0).
  if (old_text && !trimmed(*old_text).empty())
    txn_.write(UserPath{home_rel_, db_rel() + "." + std::to_string(now()) + ".0"}, *old_text, 0600, owner_);
  ensure_dirs();
  // Each item is saved again under its ID (cPanel's rebuild adds them anew).
  for (SslKind kind : kAllKinds) {
    const std::string t = ssl_kind_name(kind);
    if (!db_["files"].contains(t)) continue;
    for (auto& [id, rec] : db_["files"][t].items()) {
      auto found = found_texts_.find(t + "/" + id);
      if (found != found_texts_.end() && !exists_rel(path(kind, id)))
        write_rel(path(kind, id), stored_text(found->second), kind == SslKind::Key ? 0600 : 0644);
    }
  }
  save();
  return result;
}

std::vector<std::string> UserSslStore::problems(const StateRoot& root, const std::string& home) {
  std::vector<std::string> out;
  const std::string home_rel = paths::rel_from_abs(home);
  if (home_rel.empty()) return out;
  auto dir = UserDir::open(root.path(home_rel), home);
  if (!dir) return out;
  std::optional<std::string> text;
  try {
    text = dir->read(user_ssl_paths::kDb);
  } catch (const ApiError& e) {
    out.push_back(e.what());
    return out;
  }
  if (!text) return out;
  const FileProblems damage = yaml_mapping_problems(*text);
  if (!damage.empty()) {
    out.push_back(damage_summary(home + "/" + user_ssl_paths::kDb, damage));
    return out;
  }
  const auto db = yaml_to_json(*text);
  if (!db.is_object() || !db.contains("files") || !db["files"].is_object()) return out;
  for (SslKind kind : kAllKinds) {
    const std::string t = ssl_kind_name(kind);
    if (!db["files"].contains(t) || !db["files"][t].is_object()) continue;
    for (auto& [id, rec] : db["files"][t].items()) {
      const std::string rel = std::string(user_ssl_paths::kDir) + "/" + dir_of(kind) + "/" + id + "." + ext_of(kind);
      std::optional<struct stat> st;
      try {
        st = dir->status(rel);
      } catch (const ApiError& e) {
        out.push_back(e.what());
        continue;
      }
      if (!st)
        out.push_back("The SSL " + std::string(noun_of(kind)) + " “" + id + "” in " + home + "/" + user_ssl_paths::kDb +
                      " has no file " + home + "/" + rel + ".");
      else if (kind == SslKind::Key && (st->st_mode & 0007))
        out.push_back("The private key " + home + "/" + rel + " is readable by every user.");
    }
  }
  return out;
}

namespace {

// The store lives in the home: the home's part moves, archives, restores and
// removes it (pkgacct archives it as homedir/ssl/). This part adds the
// checks: ssl.db that does not parse, an indexed item without its file, a
// key readable by every user. pkgacct's sslkeys/ and sslcerts/ directories
// are left empty (UNCONFIRMED what cPanel 11.125 puts there; see docs/ssl.md).
class UserSslPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    if (a.home_rel.empty()) return {};
    return existing(root, {a.home_rel + "/" + user_ssl_paths::kDb});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot&, Transaction&, const AccountFacts&, const AccountFacts&, std::string&) const override {}
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction&, const AccountFacts&, const RemoveOptions&, std::string&) const override {}
  void archive(const StateRoot&, const Transaction&, const AccountFacts&, const PkgacctOptions&,
               ArchiveOut&) const override {}
  void restore(const StateRoot&, Transaction&, const RestoreSource&, std::string&) const override {}
  void check(const StateRoot& root, const Transaction&, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (auto& p : UserSslStore::problems(root, a.home)) out.push_back(a.user + ": " + p);
  }
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}
};

}  // namespace

const AccountPart& user_ssl_part() { return part_instance<UserSslPart>(); }

}  // namespace whm
