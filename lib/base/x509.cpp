#include "x509.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <set>

#include "errors.hpp"

namespace whm::x509 {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Req = std::unique_ptr<X509_REQ, Deleter<X509_REQ, X509_REQ_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

const char* const kKeyInvalid = "The key text was not valid.";
const char* const kCertInvalid = "The certificate text was not valid.";
const char* const kCsrInvalid = "The certificate signing request text was not valid.";

[[noreturn]] void fail(const std::string& what) {
  ERR_clear_error();
  throw ApiError("The system failed to " + what + ".");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

Bio mem_bio() {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("allocate memory");
  return bio;
}

Bio read_bio(const std::string& text) {
  Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) fail("allocate memory");
  return bio;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string hex_bytes(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

// cPanel's to_hex_number: lowercase hex with the leading zero bytes removed.
std::string hex_number(const BIGNUM* bn) {
  std::vector<unsigned char> bytes(static_cast<size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, bytes.data());
  return hex_bytes(bytes.data(), bytes.size());
}

// No passphrase prompt ever: an encrypted key is simply not readable.
int no_passphrase(char*, int, int, void*) { return -1; }

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='; }

struct PemBlock {
  std::string label;  // e.g. "RSA PRIVATE KEY"
  std::string text;   // normalised
};

// Every well-formed "-----BEGIN X-----" ... "-----END X-----" block whose
// label is one of `labels`, normalised: the base64 rewrapped at 64 columns,
// LF line ends, a final newline. A block whose body is not base64 is skipped.
std::vector<PemBlock> find_blocks(const std::string& text, const std::vector<std::string>& labels) {
  std::vector<PemBlock> out;
  size_t pos = 0;
  while (true) {
    const auto begin = text.find("-----BEGIN ", pos);
    if (begin == std::string::npos) break;
    const auto label_start = begin + 11;
    const auto label_end = text.find("-----", label_start);
    if (label_end == std::string::npos) break;
    const std::string label = text.substr(label_start, label_end - label_start);
    const std::string end_marker = "-----END " + label + "-----";
    const auto end = text.find(end_marker, label_end + 5);
    if (end == std::string::npos) {
      pos = label_end + 5;
      continue;
    }
    pos = end + end_marker.size();
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) continue;
    std::string body;
    bool ok = true;
    for (size_t i = label_end + 5; i < end; ++i) {
      const char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') continue;
      if (!is_base64_char(c)) {
        ok = false;
        break;
      }
      body += c;
    }
    if (!ok || body.empty()) continue;
    std::string norm = "-----BEGIN " + label + "-----\n";
    for (size_t i = 0; i < body.size(); i += 64) norm += body.substr(i, 64) + "\n";
    norm += end_marker + "\n";
    out.push_back({label, norm});
  }
  return out;
}

PublicKeyInfo describe_public(EVP_PKEY* key, const char* invalid) {
  PublicKeyInfo info;
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e)) {
      BN_free(n);
      BN_free(e);
      ERR_clear_error();
      throw ApiError(invalid);
    }
    Bn nn(n), ee(e);
    info.key_algorithm = "rsaEncryption";
    info.modulus = hex_number(n);
    info.public_exponent = hex_number(e);
    info.modulus_length = BN_num_bits(n);
  } else if (id == EVP_PKEY_EC) {
    char curve[80] = {0};
    size_t curve_len = 0;
    if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &curve_len)) {
      ERR_clear_error();
      throw ApiError(invalid);
    }
    const std::string name(curve, curve_len);
    if (name != "prime256v1" && name != "secp384r1")
      throw ApiError("The ECDSA curve “" + name + "” is not supported.");  // UNCONFIRMED wording
    unsigned char point[256];
    size_t point_len = 0;
    if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &point_len) ||
        point_len == 0) {
      ERR_clear_error();
      throw ApiError(invalid);
    }
    info.key_algorithm = "id-ecPublicKey";
    info.ecdsa_curve_name = name;
    if (point[0] == 0x04 && point_len % 2 == 1) {
      // Uncompressed (04 || X || Y): cPanel reports the compressed form.
      const size_t half = (point_len - 1) / 2;
      unsigned char prefix = (point[point_len - 1] & 1) ? 0x03 : 0x02;
      info.ecdsa_public = hex_bytes(&prefix, 1) + hex_bytes(point + 1, half);
      info.ecdsa_point = hex_bytes(point, point_len);
    } else {
      info.ecdsa_public = hex_bytes(point, point_len);
    }
  } else {
    char oid[128] = {0};
    OBJ_obj2txt(oid, sizeof oid, OBJ_nid2obj(id), 1);
    throw ApiError(std::string("The “") + oid + "” key format is not valid.");
  }
  return info;
}

std::string entry_name(const ASN1_OBJECT* obj) {
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return OBJ_nid2ln(nid);
  char oid[128] = {0};
  OBJ_obj2txt(oid, sizeof oid, obj, 1);
  return oid;
}

std::string asn1_utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int n = ASN1_STRING_to_UTF8(&out, s);
  if (n < 0) return "";
  std::string text(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return text;
}

std::vector<NameEntry> name_list(const X509_NAME* name) {
  std::vector<NameEntry> out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    out.emplace_back(entry_name(X509_NAME_ENTRY_get_object(e)), asn1_utf8(X509_NAME_ENTRY_get_data(e)));
  }
  return out;
}

// The last value of an attribute (cPanel folds the list into a hash).
std::string last_value(const std::vector<NameEntry>& list, const std::string& attr) {
  std::string value;
  for (const auto& [k, v] : list)
    if (k == attr) value = v;
  return value;
}

std::vector<std::string> san_dns_names(const GENERAL_NAMES* names) {
  std::vector<std::string> out;
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = gn->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

// Cpanel::SSL::Utils: the commonName first unless the SAN lists it, then the SAN.
std::vector<std::string> domain_list(const std::string& cn, const std::vector<std::string>& san) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  const std::string lcn = lower(cn);
  bool cn_in_san = false;
  for (const auto& s : san)
    if (lower(s) == lcn) cn_in_san = true;
  if (!lcn.empty() && !cn_in_san) {
    out.push_back(lcn);
    seen.insert(lcn);
  }
  for (const auto& s : san) {
    const auto l = lower(s);
    if (l.empty() || !seen.insert(l).second) continue;
    out.push_back(l);
  }
  return out;
}

long long asn1_time_epoch(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<long long>(timegm(&tm));
}

std::string name_hash(const X509_NAME* name) {
  int ok = 0;
  const unsigned long h = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  char buf[20];
  std::snprintf(buf, sizeof buf, "%08lx", h);
  return buf;
}

std::string validation_type_of(X509* cert) {
  auto* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
  if (!policies) return "";
  std::string type;
  for (int i = 0; i < sk_POLICYINFO_num(policies) && type.empty(); ++i) {
    char oid[128] = {0};
    OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies, i)->policyid, 1);
    if (std::string(oid) == "2.23.140.1.2.1") type = "dv";
    if (std::string(oid) == "2.23.140.1.2.2") type = "ov";
  }
  CERTIFICATEPOLICIES_free(policies);
  return type;
}

// The CSR of one PEM block (ApiError kCsrInvalid if it does not parse).
Req load_csr(const std::string& block) {
  auto bio = read_bio(block);
  Req req(PEM_read_bio_X509_REQ(bio.get(), nullptr, no_passphrase, nullptr));
  if (!req) {
    ERR_clear_error();
    throw ApiError(kCsrInvalid);
  }
  return req;
}

Cert load_cert(const std::string& block) {
  auto bio = read_bio(block);
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (!cert) {
    ERR_clear_error();
    throw ApiError(kCertInvalid);
  }
  return cert;
}

CertInfo describe_cert(X509* cert) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  if (!pub) {
    ERR_clear_error();
    throw ApiError(kCertInvalid);
  }
  CertInfo info;
  static_cast<PublicKeyInfo&>(info) = describe_public(pub, kCertInvalid);
  auto out = mem_bio();
  if (!PEM_write_bio_X509(out.get(), cert)) fail("encode the certificate");
  info.pem = bio_text(out.get());
  const X509_NAME* subject = X509_get_subject_name(cert);
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  info.subject_list = name_list(subject);
  info.issuer_list = name_list(issuer);
  info.subject_common_name = last_value(info.subject_list, "commonName");
  info.issuer_common_name = last_value(info.issuer_list, "commonName");
  info.issuer_organization_name = last_value(info.issuer_list, "organizationName");
  GeneralNames san(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  info.domains = domain_list(info.subject_common_name, san_dns_names(san.get()));
  info.not_before = asn1_time_epoch(X509_get0_notBefore(cert));
  info.not_after = asn1_time_epoch(X509_get0_notAfter(cert));
  info.is_self_signed = X509_NAME_cmp(subject, issuer) == 0;
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
    Bn bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (bn) info.serial = hex_number(bn.get());
  }
  info.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(cert));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (!X509_digest(cert, EVP_sha256(), md, &md_len)) fail("hash the certificate");
  info.sha256_fingerprint = hex_bytes(md, md_len);
  info.subject_hash = name_hash(subject);
  info.issuer_hash = name_hash(issuer);
  info.validation_type = validation_type_of(cert);
  info.is_ca = X509_check_ca(cert) > 0 && (X509_get_extension_flags(cert) & EXFLAG_CA);
  ERR_clear_error();
  return info;
}

void add_name(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                  static_cast<int>(value.size()), -1, 0)) {
    ERR_clear_error();
    throw ApiError("The value “" + value + "” is not valid for the “" + entry_name(OBJ_txt2obj(field, 0)) +
                   "” field.");  // UNCONFIRMED wording
  }
}

// The subject in the order cPanel's generated certificates show it
// (commonName, countryName, emailAddress, organizationName, ...). UNCONFIRMED.
void fill_subject(X509_NAME* name, const Subject& s) {
  if (s.domains.empty()) throw ApiError("The certificate needs at least one domain.");
  add_name(name, "CN", s.domains.front());
  add_name(name, "C", s.country);
  add_name(name, "emailAddress", s.email);
  add_name(name, "O", s.company);
  add_name(name, "OU", s.company_division);
  add_name(name, "ST", s.state);
  add_name(name, "L", s.city);
}

GeneralNames san_of(const std::vector<std::string>& domains) {
  GeneralNames names(sk_GENERAL_NAME_new_null());
  if (!names) fail("allocate memory");
  for (const auto& d : domains) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    if (!gn || !s || !ASN1_STRING_set(s, d.data(), static_cast<int>(d.size()))) {
      GENERAL_NAME_free(gn);
      ASN1_IA5STRING_free(s);
      fail("allocate memory");
    }
    GENERAL_NAME_set0_value(gn, GEN_DNS, s);
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  return names;
}

Pkey load_private(const KeyInfo& key) {
  auto bio = read_bio(key.pem);
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pkey) {
    ERR_clear_error();
    throw ApiError(kKeyInvalid);
  }
  return pkey;
}

void add_v3(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail(std::string("add the certificate extension ") + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string print_with(const std::string& what, const std::function<int(BIO*)>& print) {
  auto out = mem_bio();
  if (print(out.get()) <= 0) fail("describe the " + what);
  return bio_text(out.get());
}

// OpenSSL 3's command-line default name format ("CN = a.com, O = x").
const unsigned long kNameFlags = (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;

// A generated key as KeyInfo, in the traditional PEM format ("BEGIN RSA
// PRIVATE KEY" / "BEGIN EC PRIVATE KEY") cPanel's key generation writes
// (UNCONFIRMED for 11.125).
KeyInfo new_key_info(const Pkey& key) {
  if (!key) fail("generate the key");
  auto out = mem_bio();
  if (!PEM_write_bio_PrivateKey_traditional(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    fail("encode the key");
  KeyInfo info;
  static_cast<PublicKeyInfo&>(info) = describe_public(key.get(), kKeyInvalid);
  info.pem = bio_text(out.get());
  return info;
}

}  // namespace

std::optional<KeyType> key_type_from_name(const std::string& name) {
  if (name == "rsa-2048") return KeyType::Rsa2048;
  if (name == "rsa-4096") return KeyType::Rsa4096;
  if (name == "ecdsa-prime256v1") return KeyType::EcdsaP256;
  if (name == "ecdsa-secp384r1") return KeyType::EcdsaP384;
  return std::nullopt;
}

std::string key_type_name(KeyType type) {
  switch (type) {
    case KeyType::Rsa2048: return "rsa-2048";
    case KeyType::Rsa4096: return "rsa-4096";
    case KeyType::EcdsaP256: return "ecdsa-prime256v1";
    case KeyType::EcdsaP384: return "ecdsa-secp384r1";
  }
  return "rsa-2048";
}

std::string PublicKeyInfo::identity() const { return is_rsa() ? modulus : ecdsa_public; }

std::optional<KeyType> PublicKeyInfo::key_type() const {
  if (is_rsa()) {
    if (modulus_length == 2048) return KeyType::Rsa2048;
    if (modulus_length == 4096) return KeyType::Rsa4096;
    return std::nullopt;
  }
  if (ecdsa_curve_name == "prime256v1") return KeyType::EcdsaP256;
  if (ecdsa_curve_name == "secp384r1") return KeyType::EcdsaP384;
  return std::nullopt;
}

std::string CertInfo::subject_text() const {
  std::string out;
  for (const auto& [k, v] : subject_list) out += (out.empty() ? "" : "\n") + k + "\n" + v;
  return out;
}

std::string CertInfo::issuer_text() const {
  std::string out;
  for (const auto& [k, v] : issuer_list) out += (out.empty() ? "" : "\n") + k + "\n" + v;
  return out;
}

std::vector<std::string> pem_blocks(const std::string& text, const std::string& label) {
  std::vector<std::string> out;
  for (auto& b : find_blocks(text, {label})) out.push_back(std::move(b.text));
  return out;
}

KeyInfo generate_key(KeyType type) {
  Pkey key;
  switch (type) {
    case KeyType::Rsa2048: key.reset(EVP_RSA_gen(2048)); break;
    case KeyType::Rsa4096: key.reset(EVP_RSA_gen(4096)); break;
    case KeyType::EcdsaP256: key.reset(EVP_EC_gen("prime256v1")); break;
    case KeyType::EcdsaP384: key.reset(EVP_EC_gen("secp384r1")); break;
  }
  return new_key_info(key);
}

KeyInfo generate_rsa_key(int bits) {
  Pkey key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  return new_key_info(key);
}

KeyInfo parse_key(const std::string& pem) {
  const auto blocks = find_blocks(pem, {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"});
  if (blocks.empty()) throw ApiError(kKeyInvalid);
  auto bio = read_bio(blocks.front().text);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    ERR_clear_error();
    throw ApiError(kKeyInvalid);
  }
  KeyInfo info;
  static_cast<PublicKeyInfo&>(info) = describe_public(key.get(), kKeyInvalid);
  info.pem = blocks.front().text;
  return info;
}

CertInfo parse_certificate(const std::string& pem) {
  const auto blocks = find_blocks(pem, {"CERTIFICATE"});
  if (blocks.empty()) throw ApiError(kCertInvalid);
  auto cert = load_cert(blocks.front().text);
  return describe_cert(cert.get());
}

std::vector<CertInfo> parse_certificates(const std::string& pem_bundle) {
  std::vector<CertInfo> out;
  for (const auto& b : find_blocks(pem_bundle, {"CERTIFICATE"})) {
    auto cert = load_cert(b.text);
    out.push_back(describe_cert(cert.get()));
  }
  return out;
}

CsrInfo parse_csr(const std::string& pem) {
  const auto blocks = find_blocks(pem, {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"});
  if (blocks.empty()) throw ApiError(kCsrInvalid);
  const Req req = load_csr(blocks.front().text);
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
  if (!pub) {
    ERR_clear_error();
    throw ApiError(kCsrInvalid);
  }
  CsrInfo info;
  static_cast<PublicKeyInfo&>(info) = describe_public(pub, kCsrInvalid);
  info.pem = blocks.front().text;
  info.subject_list = name_list(X509_REQ_get_subject_name(req.get()));
  info.common_name = last_value(info.subject_list, "commonName");
  std::vector<std::string> san;
  if (STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get())) {
    GeneralNames names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr)));
    san = san_dns_names(names.get());
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  info.domains = domain_list(info.common_name, san);
  ERR_clear_error();
  return info;
}

bool same_key(const PublicKeyInfo& a, const PublicKeyInfo& b) {
  return a.key_algorithm == b.key_algorithm && !a.identity().empty() && a.identity() == b.identity() &&
         a.ecdsa_curve_name == b.ecdsa_curve_name;
}

bool name_matches(const std::string& pattern, const std::string& domain) {
  const std::string p = lower(pattern), d = lower(domain);
  if (p.empty() || d.empty()) return false;
  if (p == d) return true;
  if (p.rfind("*.", 0) != 0 || d.rfind("*.", 0) == 0) return false;
  const std::string base = p.substr(1);  // ".a.com"
  if (d.size() <= base.size() || d.compare(d.size() - base.size(), base.size(), base) != 0) return false;
  const std::string label = d.substr(0, d.size() - base.size());
  return !label.empty() && label.find('.') == std::string::npos;
}

bool covers(const CertInfo& cert, const std::string& domain) {
  for (const auto& d : cert.domains)
    if (name_matches(d, domain)) return true;
  return false;
}

std::string make_csr(const KeyInfo& key, const Subject& subject) {
  Pkey pkey = load_private(key);
  Req req(X509_REQ_new());
  if (!req) fail("allocate memory");
  X509_REQ_set_version(req.get(), 0);
  fill_subject(X509_REQ_get_subject_name(req.get()), subject);
  X509_REQ_set_pubkey(req.get(), pkey.get());
  STACK_OF(X509_EXTENSION)* exts = nullptr;
  GeneralNames san = san_of(subject.domains);
  if (!X509V3_add1_i2d(&exts, NID_subject_alt_name, san.get(), 0, X509V3_ADD_DEFAULT) ||
      !X509_REQ_add_extensions(req.get(), exts)) {
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    fail("add the subjectAltName");
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  if (X509_REQ_sign(req.get(), pkey.get(), EVP_sha256()) <= 0) fail("sign the certificate signing request");
  auto out = mem_bio();
  if (!PEM_write_bio_X509_REQ(out.get(), req.get())) fail("encode the certificate signing request");
  return bio_text(out.get());
}

std::string make_self_signed(const KeyInfo& key, const Subject& subject, int days) {
  Pkey pkey = load_private(key);
  Cert cert(X509_new());
  if (!cert) fail("allocate memory");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("make a random serial number");
  serial[0] &= 0x7f;
  serial[0] |= 0x01;  // never a leading zero byte
  Bn bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) fail("set the serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  fill_subject(name, subject);
  X509_set_issuer_name(cert.get(), name);
  GeneralNames san = san_of(subject.domains);
  if (!X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, san.get(), 0, X509V3_ADD_DEFAULT))
    fail("add the subjectAltName");
  add_v3(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_v3(cert.get(), NID_subject_key_identifier, "hash");
  add_v3(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), pkey.get(), EVP_sha256()) <= 0) fail("sign the certificate");
  auto out = mem_bio();
  if (!PEM_write_bio_X509(out.get(), cert.get())) fail("encode the certificate");
  return bio_text(out.get());
}

bool signed_by(const CertInfo& cert, const CertInfo& issuer) {
  auto c = load_cert(cert.pem);
  auto i = load_cert(issuer.pem);
  EVP_PKEY* pub = X509_get0_pubkey(i.get());
  const bool ok = pub && X509_verify(c.get(), pub) == 1;
  ERR_clear_error();
  return ok;
}

std::string order_ca_bundle(const CertInfo& leaf, const std::string& cabundle_pem) {
  std::vector<CertInfo> pool = parse_certificates(cabundle_pem);
  std::vector<bool> used(pool.size(), false);
  std::string out;
  const CertInfo* current = &leaf;
  while (!current->is_self_signed) {
    std::optional<size_t> pick;
    for (size_t i = 0; i < pool.size(); ++i) {
      if (used[i] || pool[i].subject_hash != current->issuer_hash) continue;
      if (pool[i].subject_list != current->issuer_list) continue;
      if (signed_by(*current, pool[i])) {
        pick = i;
        break;
      }
      if (!pick) pick = i;
    }
    if (!pick) break;
    used[*pick] = true;
    out += pool[*pick].pem;
    current = &pool[*pick];
  }
  return out;
}

std::string certificate_text(const std::string& pem) {
  const auto blocks = find_blocks(pem, {"CERTIFICATE"});
  if (blocks.empty()) throw ApiError(kCertInvalid);
  auto cert = load_cert(blocks.front().text);
  return print_with("certificate", [&](BIO* b) { return X509_print_ex(b, cert.get(), kNameFlags, 0); });
}

std::string csr_text(const std::string& pem) {
  const auto blocks = find_blocks(pem, {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"});
  if (blocks.empty()) throw ApiError(kCsrInvalid);
  const Req req = load_csr(blocks.front().text);
  return print_with("certificate signing request",
                    [&](BIO* b) { return X509_REQ_print_ex(b, req.get(), kNameFlags, 0); });
}

std::string key_text(const std::string& pem) {
  KeyInfo parsed = parse_key(pem);
  Pkey pkey = load_private(parsed);
  return print_with("key", [&](BIO* b) { return EVP_PKEY_print_private(b, pkey.get(), 0, nullptr); });
}

}  // namespace whm::x509
