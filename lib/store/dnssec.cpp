#include "dnssec.hpp"
#include "base64.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>

#include <algorithm>
#include <map>
#include <memory>

#include "damage.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "process.hpp"
#include "state.hpp"
#include "util.hpp"
#include "zone.hpp"

namespace whm {

namespace {

const DnssecAlgorithm kAlgorithms[] = {
    {5, "RSASHA1", "RSA/SHA-1"},
    {6, "DSA-NSEC3-SHA1", "DSA-NSEC3-SHA1"},
    {7, "NSEC3RSASHA1", "RSASHA1-NSEC3-SHA1"},
    {8, "RSASHA256", "RSA/SHA-256"},
    {10, "RSASHA512", "RSA/SHA-512"},
    {13, "ECDSAP256SHA256", "ECDSA Curve P-256 with SHA-256"},
    {14, "ECDSAP384SHA384", "ECDSA Curve P-384 with SHA-384"},
};

bool is_rsa(int algorithm) { return algorithm == 5 || algorithm == 7 || algorithm == 8 || algorithm == 10; }

// Key files may split the base64 with blanks.
std::optional<std::string> b64_decode(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; }), text.end());
  return base64_decode(text);
}

std::string hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// BIND's timing fields: YYYYMMDDHHMMSS in UTC.
std::string timing(std::time_t t) { return format_time(t, "%Y%m%d%H%M%S", true); }
std::optional<std::time_t> parse_timing(const std::string& s) {
  if (s.size() != 14 || !is_digits(s)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(6, 2));
  tm.tm_hour = std::stoi(s.substr(8, 2));
  tm.tm_min = std::stoi(s.substr(10, 2));
  tm.tm_sec = std::stoi(s.substr(12, 2));
  return timegm(&tm);
}

// The "Field: value" lines of a .private file, in order.
std::vector<std::pair<std::string, std::string>> private_fields(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : split(text, '\n')) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    out.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return out;
}

std::optional<std::string> private_field(const std::string& text, const std::string& name) {
  for (auto& [k, v] : private_fields(text))
    if (k == name) return v;
  return std::nullopt;
}

std::string with_private_field(const std::string& text, const std::string& name, std::optional<std::string> value) {
  std::string out;
  bool done = false;
  for (auto& [k, v] : private_fields(text)) {
    if (k == name) {
      if (value && !done) out += k + ": " + *value + "\n";
      done = true;
    } else {
      out += k + ": " + v + "\n";
    }
  }
  if (value && !done) out += name + ": " + *value + "\n";
  return out;
}

// The DNSKEY record of a .key file: flags, protocol, algorithm, public key (base64).
struct DnskeyFields {
  int flags = 0, protocol = 0, algorithm = 0;
  std::string key;
};
std::optional<DnskeyFields> dnskey_of(const std::string& key_file) {
  for (const auto& line : split(key_file, '\n')) {
    if (line.empty() || line[0] == ';') continue;
    std::vector<std::string> tokens;
    for (const auto& t : split(line, ' '))
      for (const auto& u : split(t, '\t'))
        if (!u.empty()) tokens.push_back(u);
    auto at = std::find(tokens.begin(), tokens.end(), "DNSKEY");
    if (at == tokens.end() || tokens.end() - at < 5) return std::nullopt;
    DnskeyFields f;
    auto flags = parse_int(at[1]), proto = parse_int(at[2]), alg = parse_int(at[3]);
    if (!flags || !proto || !alg) return std::nullopt;
    f.flags = static_cast<int>(*flags);
    f.protocol = static_cast<int>(*proto);
    f.algorithm = static_cast<int>(*alg);
    for (auto it = at + 4; it != tokens.end(); ++it) f.key += *it;
    return f;
  }
  return std::nullopt;
}

// The DNSKEY's RDATA in wire format (RFC 4034 2.1).
std::string dnskey_rdata(int flags, int algorithm, const std::string& public_key_bytes) {
  std::string r;
  r += static_cast<char>(flags >> 8);
  r += static_cast<char>(flags & 0xff);
  r += static_cast<char>(3);
  r += static_cast<char>(algorithm);
  return r + public_key_bytes;
}

int key_tag_of(const std::string& rdata) {
  unsigned long ac = 0;
  for (size_t i = 0; i < rdata.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(rdata[i]);
    ac += (i & 1) ? c : static_cast<unsigned long>(c) << 8;
  }
  ac += (ac >> 16) & 0xffff;
  return static_cast<int>(ac & 0xffff);
}

std::string wire_name(const std::string& zone) {
  std::string out;
  for (const auto& label : split(to_lower(zone), '.')) {
    if (label.empty()) continue;
    out += static_cast<char>(label.size());
    out += label;
  }
  return out + std::string(1, '\0');
}

std::string key_file_text(const std::string& zone, int flags, int algorithm, int tag, const std::string& key_b64) {
  return std::string("; This is a ") + (flags & 1 ? "key-signing" : "zone-signing") + " key, keyid " +
         std::to_string(tag) + ", for " + zone + ".\n" + zone + ". IN DNSKEY " + std::to_string(flags) + " 3 " +
         std::to_string(algorithm) + " " + key_b64 + "\n";
}

std::string key_base(const std::string& zone, int algorithm, int tag) {
  char buf[32];
  snprintf(buf, sizeof buf, ".+%03d+%05d", algorithm, tag);
  return "K" + zone + buf;
}

// A directory of its own for BIND's tools (they read and write files), removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/whmkit-dnssec-XXXXXX";
    if (!::mkdtemp(tmpl)) throw ApiError("Could not create a temporary directory for DNSSEC signing.");
    path_ = tmpl;
  }
  ~ScratchDir() { remove_tree(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

const char* kConfName = "dnssec.conf";
std::string conf_rel(const std::string& zone) { return dnssec_dir_rel(zone) + "/" + kConfName; }

void require_tool(const char* name) {
  if (!program_available(name))
    throw ApiError(std::string("BIND's ") + name + " is not installed (Debian: bind9-utils; RHEL: bind-utils).");
}

void stage_sign(Transaction& txn, const std::string& zone, const std::string& text, const ZoneKeys& keys) {
  std::time_t t = now();
  // Per algorithm: whether an active KSK (or CSK) and an active ZSK sign with it.
  std::map<int, std::pair<bool, bool>> signers;
  for (const auto& k : keys.keys())
    if (k.active(t)) (k.flags() & 1 ? signers[k.algorithm()].first : signers[k.algorithm()].second) = true;
  bool ksk_for_all = true, zsk_for_all = true;
  for (const auto& [alg, roles] : signers) {
    ksk_for_all &= roles.first;
    zsk_for_all &= roles.second;
  }
  if (signers.empty()) {
    if (txn.exists(signed_zone_rel(zone))) txn.remove(signed_zone_rel(zone));
    stage_zone_stanza(txn, zone, false);
    return;
  }
  // dnssec-signzone reads the files the zone names: a zone that reaches
  // outside itself ($INCLUDE) is not signed.
  if (auto why = foreign_zone_problem(zone, text)) throw ApiError("The zone “" + zone + "” cannot be signed: " + *why);
  require_tool("dnssec-signzone");
  ScratchDir dir;
  atomic_write_file(dir.file("zone.db"), text, 0600);
  for (const auto& k : keys.keys()) {
    atomic_write_file(dir.file(k.base + ".key"), k.public_text, 0600);
    atomic_write_file(dir.file(k.base + ".private"), k.private_text, 0600);
  }
  std::vector<std::string> argv = {"dnssec-signzone",
                                   "-q",
                                   "-S",
                                   "-K",
                                   dir.path(),
                                   "-d",
                                   dir.path(),
                                   "-o",
                                   zone,
                                   "-N",
                                   "keep",
                                   "-e",
                                   "+" + std::to_string(kSignatureValiditySeconds),
                                   "-f",
                                   dir.file("zone.db.signed")};
  // Every algorithm signs every RRset: one without a ZSK has its KSK (a CSK)
  // sign everything; one without a KSK has its ZSK sign the DNSKEY set too,
  // and there is no self-signed KSK to verify against.
  if (!zsk_for_all) argv.push_back("-z");
  if (!ksk_for_all) argv.push_back("-P");
  if (keys.nsec.nsec3) {
    argv.insert(argv.end(),
                {"-3", keys.nsec.salt.empty() ? "-" : keys.nsec.salt, "-H", std::to_string(keys.nsec.iterations)});
    if (keys.nsec.opt_out) argv.push_back("-A");
  }
  argv.push_back(dir.file("zone.db"));
  int rc = run_program(argv);
  auto signed_text = read_file(dir.file("zone.db.signed"));
  if (rc != 0 || !signed_text) throw ApiError("dnssec-signzone could not sign the zone “" + zone + "”.");
  txn.write(signed_zone_rel(zone), *signed_text, 0644);
  stage_zone_stanza(txn, zone, true);
}

}  // namespace

const DnssecAlgorithm* dnssec_algorithm(int number) {
  for (const auto& a : kAlgorithms)
    if (a.number == number) return &a;
  return nullptr;
}

std::string dnssec_dir_rel(const std::string& zone) {
  zone_rel(zone);  // validates the name
  return "var/cpanel/dnssec/" + zone;
}
std::string signed_zone_rel(const std::string& zone) { return zone_rel(zone) + ".signed"; }

// ---------------------------------------------------------------- keys

int DnssecKey::flags() const {
  auto f = dnskey_of(public_text);
  return f ? f->flags : 0;
}
int DnssecKey::algorithm() const {
  auto f = dnskey_of(public_text);
  return f ? f->algorithm : 0;
}
std::string DnssecKey::public_key() const {
  auto f = dnskey_of(public_text);
  return f ? f->key : "";
}
int DnssecKey::tag() const {
  auto f = dnskey_of(public_text);
  auto bytes = f ? b64_decode(f->key) : std::nullopt;
  return bytes ? key_tag_of(dnskey_rdata(f->flags, f->algorithm, *bytes)) : 0;
}
int DnssecKey::bits() const {
  int alg = algorithm();
  if (alg == 13) return 256;
  if (alg == 14) return 384;
  auto bytes = b64_decode(public_key());
  if (!bytes || bytes->size() < 3 || !is_rsa(alg)) return 0;
  // RFC 3110: exponent length (one byte, or zero and two bytes), exponent, modulus.
  const auto* p = reinterpret_cast<const unsigned char*>(bytes->data());
  size_t exp_len = p[0], at = 1;
  if (exp_len == 0) exp_len = (size_t{p[1]} << 8) | p[2], at = 3;
  if (at + exp_len >= bytes->size()) return 0;
  size_t start = at + exp_len, n = bytes->size() - start;
  int bits = static_cast<int>(n * 8);
  for (unsigned char c = p[start]; bits > 0 && !(c & 0x80); c = static_cast<unsigned char>(c << 1)) --bits;
  return bits;
}
std::time_t DnssecKey::created() const {
  auto v = private_field(private_text, "Created");
  auto t = v ? parse_timing(*v) : std::nullopt;
  return t ? *t : 0;
}
bool DnssecKey::active(std::time_t now) const {
  auto field_time = [&](const char* name) {
    auto v = private_field(private_text, name);
    return v ? parse_timing(*v) : std::nullopt;
  };
  auto activate = field_time("Activate"), inactive = field_time("Inactive");
  return (!activate || *activate <= now) && (!inactive || *inactive > now);
}

std::string ds_digest(const std::string& zone, const DnssecKey& key, int digest_type) {
  const EVP_MD* md = digest_type == 1 ? EVP_sha1() : digest_type == 2 ? EVP_sha256() : EVP_sha384();
  auto bytes = b64_decode(key.public_key());
  std::string data = wire_name(zone) + dnskey_rdata(key.flags(), key.algorithm(), bytes.value_or(""));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return hex(out, n);
}

DnssecKey make_key(const std::string& zone, int algorithm, int bits, const std::string& type) {
  const DnssecAlgorithm* alg = dnssec_algorithm(algorithm);
  if (!alg) throw invalid_param("algo_num", "“" + std::to_string(algorithm) + "” is not a DNSSEC algorithm.");
  if (algorithm == 6) throw invalid_param("algo_num", "BIND 9.16 and later cannot make DSA (6) keys.");
  bool ksk = type != "ZSK";
  if (is_rsa(algorithm)) {
    if (bits == 0) bits = ksk ? 2048 : 1024;
    if (bits != 1024 && bits != 2048) throw invalid_param("key_size", "RSA keys are 1024 or 2048 bits.");
  } else if (bits != 0 && bits != (algorithm == 13 ? 256 : 384)) {
    throw invalid_param("key_size",
                        std::string(alg->tag) + " keys are " + (algorithm == 13 ? "256" : "384") + " bits.");
  }
  require_tool("dnssec-keygen");
  ScratchDir dir;
  std::vector<std::string> argv = {"dnssec-keygen", "-q", "-K", dir.path(), "-a", alg->tag, "-n", "ZONE"};
  if (is_rsa(algorithm)) argv.insert(argv.end(), {"-b", std::to_string(bits)});
  if (ksk) argv.insert(argv.end(), {"-f", "KSK"});
  argv.push_back(zone);
  auto out = run_capture(argv);
  DnssecKey key;
  key.type = type;
  key.base = out ? trim(*out) : "";
  auto pub = read_file(dir.file(key.base + ".key")), priv = read_file(dir.file(key.base + ".private"));
  if (!out || key.base.find('/') != std::string::npos || !pub || !priv)
    throw ApiError("dnssec-keygen could not make a " + std::string(alg->tag) + " key for “" + zone + "”.");
  key.public_text = *pub;
  key.private_text = *priv;
  return key;
}

DnssecKey import_key(const std::string& zone, const std::string& type, const std::string& key_data, std::time_t now) {
  auto bad = [](const std::string& why) { return invalid_param("key_data", why); };
  std::map<std::string, std::string> fields;
  for (const auto& raw : split(key_data, '\n')) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) throw bad("“" + line + "” is not a “Field: value” line.");
    fields[trim(line.substr(0, colon))] = trim(line.substr(colon + 1));
  }
  if (!starts_with(fields["Private-key-format"], "v1."))
    throw bad("it is not a private key file (no “Private-key-format: v1.x” line).");
  auto alg_num = parse_int(split(fields["Algorithm"], ' ')[0]);
  const DnssecAlgorithm* alg = alg_num ? dnssec_algorithm(static_cast<int>(*alg_num)) : nullptr;
  if (!alg || alg->number == 6) throw bad("its Algorithm is not one of 5, 7, 8, 10, 13 or 14.");
  auto decoded = [&](const char* name) {
    auto v = b64_decode(fields[name]);
    if (!v || v->empty()) throw bad(std::string("its ") + name + " is missing or not base64.");
    return *v;
  };
  std::string priv = "Private-key-format: v1.3\nAlgorithm: " + std::to_string(alg->number) + " (" + alg->tag + ")\n";
  std::string public_bytes;
  if (is_rsa(alg->number)) {
    for (const char* name :
         {"Modulus", "PublicExponent", "PrivateExponent", "Prime1", "Prime2", "Exponent1", "Exponent2", "Coefficient"})
      priv += std::string(name) + ": " + base64_encode(decoded(name)) + "\n";
    std::string modulus = decoded("Modulus"), exponent = decoded("PublicExponent");
    if (modulus.size() < 64 || modulus.size() > 512) throw bad("its Modulus is not 512 to 4096 bits.");
    if (exponent.size() < 256) {
      public_bytes = std::string(1, static_cast<char>(exponent.size())) + exponent + modulus;
    } else {
      public_bytes = std::string(1, '\0') + static_cast<char>(exponent.size() >> 8) +
                     static_cast<char>(exponent.size() & 0xff) + exponent + modulus;
    }
  } else {
    std::string scalar = decoded("PrivateKey");
    size_t size = alg->number == 13 ? 32 : 48;
    // BIND writes the number without its leading zero bytes.
    if (scalar.size() > size) throw bad("its PrivateKey is not a " + std::to_string(size * 8) + "-bit key.");
    scalar.insert(0, size - scalar.size(), '\0');
    priv += "PrivateKey: " + base64_encode(scalar) + "\n";
    // The public key is the curve point scalar x G, given as X | Y.
    std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
        EC_GROUP_new_by_curve_name(alg->number == 13 ? NID_X9_62_prime256v1 : NID_secp384r1), EC_GROUP_free);
    std::unique_ptr<BIGNUM, decltype(&BN_clear_free)> d(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()), static_cast<int>(size), nullptr),
        BN_clear_free);
    std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> point(EC_POINT_new(group.get()), EC_POINT_free);
    unsigned char buf[1 + 2 * 48];
    size_t n = 0;
    if (group && d && point && !BN_is_zero(d.get()) && BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) < 0 &&
        EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, nullptr) == 1)
      n = EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, buf, sizeof buf, nullptr);
    if (n != 1 + 2 * size) throw bad("its PrivateKey is not a key on the algorithm's curve.");
    public_bytes.assign(reinterpret_cast<const char*>(buf + 1), 2 * size);
  }
  std::string stamp = timing(now);
  priv += "Created: " + stamp + "\nPublish: " + stamp + "\nActivate: " + stamp + "\n";
  int flags = type == "ZSK" ? 256 : 257;
  int tag = key_tag_of(dnskey_rdata(flags, alg->number, public_bytes));
  DnssecKey key;
  key.type = type;
  key.base = key_base(zone, alg->number, tag);
  key.public_text = key_file_text(zone, flags, alg->number, tag, base64_encode(public_bytes));
  key.private_text = priv;
  return key;
}

// ---------------------------------------------------------------- a zone's set

ZoneKeys ZoneKeys::load(const Transaction& txn, const std::string& zone) {
  ZoneKeys z;
  z.zone_ = zone;
  auto text = txn.read(conf_rel(zone));
  if (!text) return z;
  z.enabled_ = true;
  FileProblems problems;
  KeyValues kv = parse_key_values(*text, '=', &problems);
  refuse_if_damaged(conf_rel(zone), problems, "used");
  z.nsec.nsec3 = kv["nsec_version"] == "NSEC3";
  z.nsec.iterations = parse_int(kv["nsec3_iterations"]).value_or(0);
  z.nsec.narrow = kv["nsec3_narrow"] == "1";
  z.nsec.opt_out = kv["nsec3_opt_out"] == "1";
  z.nsec.salt = kv["nsec3_salt"];
  z.next_id_ = static_cast<int>(parse_int(kv["next_key_id"]).value_or(1));
  for (const auto& [k, v] : kv) {
    if (!starts_with(k, "key_")) continue;
    auto id = parse_int(k.substr(4));
    auto parts = split(v, ' ');
    // The file name must be one of this zone's keys: it is joined to a path.
    bool ok = id && *id > 0 && parts.size() == 2 && (parts[0] == "KSK" || parts[0] == "ZSK" || parts[0] == "CSK") &&
              starts_with(parts[1], "K" + zone + ".+") && parts[1].size() == zone.size() + 12 &&
              parts[1].find('/') == std::string::npos;
    if (!ok) refuse_if_damaged(conf_rel(zone), {"“" + k + "” does not name a key of the zone"}, "used");
    DnssecKey key;
    key.id = static_cast<int>(*id);
    key.type = parts[0];
    key.base = parts[1];
    auto pub = txn.read(dnssec_dir_rel(zone) + "/" + key.base + ".key");
    auto priv = txn.read(dnssec_dir_rel(zone) + "/" + key.base + ".private");
    if (!pub || !priv || !dnskey_of(*pub))
      refuse_if_damaged(conf_rel(zone), {"the files of “" + key.base + "” are missing or damaged"}, "used");
    key.public_text = *pub;
    key.private_text = *priv;
    z.keys_.push_back(std::move(key));
  }
  std::sort(z.keys_.begin(), z.keys_.end(), [](const DnssecKey& a, const DnssecKey& b) { return a.id < b.id; });
  for (const auto& k : z.keys_) z.next_id_ = std::max(z.next_id_, k.id + 1);
  return z;
}

int ZoneKeys::add(DnssecKey key) {
  for (const auto& k : keys_)
    if (k.base == key.base) throw ApiError("The zone “" + zone_ + "” already has this key (" + k.base + ").");
  key.id = next_id_++;
  keys_.push_back(std::move(key));
  enabled_ = true;
  return keys_.back().id;
}

const DnssecKey& ZoneKeys::key(int id) const {
  for (const auto& k : keys_)
    if (k.id == id) return k;
  throw ApiError("The zone “" + zone_ + "” has no DNSSEC key with the ID " + std::to_string(id) + ".");
}

void ZoneKeys::remove(int id) {
  std::string base = key(id).base;
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(), [&](const DnssecKey& k) { return k.id == id; }), keys_.end());
  removed_bases_.push_back(base);
}

void ZoneKeys::set_active(int id, bool active, std::time_t now) {
  key(id);
  for (auto& k : keys_) {
    if (k.id != id) continue;
    if (active) {
      auto act = private_field(k.private_text, "Activate");
      auto t = act ? parse_timing(*act) : std::nullopt;
      if (!t || *t > now) k.private_text = with_private_field(k.private_text, "Activate", timing(now));
      k.private_text =
          with_private_field(k.private_text, "Publish", timing(std::min(now, k.created() ? k.created() : now)));
      k.private_text = with_private_field(k.private_text, "Inactive", std::nullopt);
      k.private_text = with_private_field(k.private_text, "Delete", std::nullopt);
    } else {
      k.private_text = with_private_field(k.private_text, "Inactive", timing(now));
    }
  }
}

void ZoneKeys::stage(Transaction& txn) const {
  const std::string dir = dnssec_dir_rel(zone_);
  KeyValues kv;
  kv["nsec_version"] = nsec.nsec3 ? "NSEC3" : "NSEC";
  if (nsec.nsec3) {
    kv["nsec3_iterations"] = std::to_string(nsec.iterations);
    kv["nsec3_narrow"] = nsec.narrow ? "1" : "0";
    kv["nsec3_opt_out"] = nsec.opt_out ? "1" : "0";
    kv["nsec3_salt"] = nsec.salt;
  }
  kv["next_key_id"] = std::to_string(next_id_);
  for (const auto& k : keys_) kv["key_" + std::to_string(k.id)] = k.type + " " + k.base;
  txn.write(conf_rel(zone_), serialize_key_values(kv), 0600);
  for (const auto& base : removed_bases_) {
    txn.remove(dir + "/" + base + ".key");
    txn.remove(dir + "/" + base + ".private");
  }
  for (const auto& k : keys_) {
    txn.write(dir + "/" + k.base + ".key", k.public_text, 0644);
    txn.write(dir + "/" + k.base + ".private", k.private_text, 0600);
  }
  auto text = txn.read(zone_rel(zone_));
  if (!text) throw ApiError("The zone “" + zone_ + "” does not exist.");
  stage_sign(txn, zone_, *text, *this);
}

void ZoneKeys::stage_remove(Transaction& txn, const std::string& zone) {
  if (txn.exists(dnssec_dir_rel(zone))) txn.remove(dnssec_dir_rel(zone));
  if (txn.exists(signed_zone_rel(zone))) txn.remove(signed_zone_rel(zone));
}

std::vector<std::pair<std::string, std::string>> dnssec_files(const Transaction& txn, const std::string& zone) {
  std::vector<std::pair<std::string, std::string>> files;
  ZoneKeys keys = ZoneKeys::load(txn, zone);
  if (!keys.enabled()) return files;
  files.emplace_back(kConfName, *txn.read(conf_rel(zone)));
  for (const auto& k : keys.keys()) {
    files.emplace_back(k.base + ".key", k.public_text);
    files.emplace_back(k.base + ".private", k.private_text);
  }
  return files;
}

void stage_restored_dnssec(Transaction& txn, const std::string& zone,
                           const std::vector<std::pair<std::string, std::string>>& files) {
  std::map<std::string, std::string> by_name(files.begin(), files.end());
  if (!by_name.count(kConfName)) return;
  // Stage the settings, load them as any change would (names checked), then
  // check every key before its files are staged.
  txn.write(conf_rel(zone), by_name[kConfName], 0600);
  KeyValues kv = parse_key_values(by_name[kConfName]);
  for (const auto& [k, v] : kv) {
    if (!starts_with(k, "key_")) continue;
    auto parts = split(v, ' ');
    if (parts.size() != 2) continue;
    const std::string& base = parts[1];
    if (base.find('/') != std::string::npos || !by_name.count(base + ".key") || !by_name.count(base + ".private"))
      throw ApiError("The archive's DNSSEC key “" + base + "” of “" + zone + "” is missing or misnamed.");
    std::string why;
    try {
      DnssecKey parsed = import_key(zone, parts[0] == "ZSK" ? "ZSK" : "KSK", by_name[base + ".private"], 0);
      auto pub = dnskey_of(by_name[base + ".key"]);
      if (parsed.base != base || !pub || pub->key != parsed.public_key()) why = "its two files do not match";
    } catch (const ApiError& e) {
      why = e.what();
    }
    if (!why.empty())
      throw ApiError("The archive's DNSSEC key “" + base + "” of “" + zone + "” cannot be installed: " + why);
    txn.write(dnssec_dir_rel(zone) + "/" + base + ".key", by_name[base + ".key"], 0644);
    txn.write(dnssec_dir_rel(zone) + "/" + base + ".private", by_name[base + ".private"], 0600);
  }
  ZoneKeys::load(txn, zone);  // refuses settings that do not name the zone's keys
}

std::optional<std::time_t> earliest_signature_expiry(const std::string& signed_text) {
  // The RDATA of an RRSIG: type covered, algorithm, labels, original TTL,
  // expiration (YYYYMMDDHHMMSS), ... possibly across lines in parentheses.
  std::vector<std::string> tokens;
  for (const auto& line : split(signed_text, '\n'))
    for (const auto& t : split(line.substr(0, line.find(';')), ' '))
      for (const auto& u : split(t, '\t'))
        if (!u.empty() && u != "(" && u != ")") tokens.push_back(u);
  std::optional<std::time_t> earliest;
  for (size_t i = 0; i + 5 < tokens.size(); ++i) {
    if (tokens[i] != "RRSIG" || !is_digits(tokens[i + 2]) || !is_digits(tokens[i + 3]) || !is_digits(tokens[i + 4]))
      continue;
    auto t = parse_timing(tokens[i + 5]);
    if (t && (!earliest || *t < *earliest)) earliest = t;
  }
  return earliest;
}

void stage_zone_signature(Transaction& txn, const std::string& zone, const std::string& zone_text) {
  ZoneKeys keys = ZoneKeys::load(txn, zone);
  if (keys.enabled()) stage_sign(txn, zone, zone_text, keys);
}

}  // namespace whm
