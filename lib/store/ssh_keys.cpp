#include "ssh_keys.hpp"
#include "base64.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

#include "errors.hpp"
#include "password_strength.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- Encodings -------------------------------------------------------------

bool is_base64_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='; }

// SSH wire format (RFC 4251): a string is a 32-bit big-endian length and
// the bytes; an mpint is a string holding a two's complement big-endian number.
void put_string(std::string& out, const std::string& bytes) {
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  for (int shift : {24, 16, 8, 0}) out += static_cast<char>((n >> shift) & 0xff);
  out += bytes;
}

void put_mpint(std::string& out, const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  // A leading 0x80 bit would read as negative: a positive number gets a zero byte first.
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80)) bytes.insert(bytes.begin(), '\0');
  put_string(out, bytes);
}

// The first string of a key blob: the key type it names.
std::optional<std::string> blob_type(const std::string& blob) {
  if (blob.size() < 4) return std::nullopt;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(blob[i]);
  if (n > blob.size() - 4) return std::nullopt;
  return blob.substr(4, n);
}

std::string sha256(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
}

const std::set<std::string>& known_key_types() {
  static const std::set<std::string> types = {
      "ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"};
  return types;
}

// Words separated by blanks; a double-quoted part (an sshd option such as
// command="a b") stays in its word.
std::vector<std::string> option_aware_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || c == '\t')) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// ---- ssh-keygen's randomart --------------------------------------------------

// The "drunken bishop" picture ssh-keygen draws of a fingerprint: a bishop
// starts in the middle of a 17x9 board and moves diagonally two bits of the
// digest at a time; each square shows how often it was visited.
std::string randomart(const std::string& digest, const std::string& title, const std::string& hash_name) {
  constexpr int kWidth = 17, kHeight = 9;
  const std::string symbols = " .o+=*BOX@%&#/^SE";
  const int start_mark = static_cast<int>(symbols.size()) - 2, end_mark = start_mark + 1;
  int field[kWidth][kHeight] = {};
  int x = kWidth / 2, y = kHeight / 2;
  for (unsigned char byte : digest) {
    for (int step = 0; step < 4; ++step, byte >>= 2) {
      x = std::clamp(x + ((byte & 1) ? 1 : -1), 0, kWidth - 1);
      y = std::clamp(y + ((byte & 2) ? 1 : -1), 0, kHeight - 1);
      if (field[x][y] < start_mark - 1) ++field[x][y];
    }
  }
  field[kWidth / 2][kHeight / 2] = start_mark;
  field[x][y] = end_mark;

  auto border = [&](const std::string& label) {
    std::string dashes_before((kWidth - label.size()) / 2, '-');
    std::string line = "+" + dashes_before + label;
    line += std::string(kWidth + 1 - line.size(), '-');
    return line + "+\n";
  };
  std::string out = border(title);
  for (int row = 0; row < kHeight; ++row) {
    out += '|';
    for (int col = 0; col < kWidth; ++col) out += symbols[static_cast<size_t>(field[col][row])];
    out += "|\n";
  }
  return out + border(hash_name);
}

// ---- OpenSSL -------------------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void openssl_failed(const char* what) {
  throw ApiError(std::string("SSH key generation failed: OpenSSL could not ") + what + ".");
}

Pkey new_rsa_key(int bits) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) <= 0 ||
      EVP_PKEY_generate(ctx.get(), &key) <= 0)
    openssl_failed("generate an RSA key");
  return Pkey(key);
}

// DSA as OpenSSH uses it: 1024-bit p, 160-bit q.
Pkey new_dsa_key(int bits) {
  PkeyCtx param_ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
  EVP_PKEY* params = nullptr;
  if (!param_ctx || EVP_PKEY_paramgen_init(param_ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_dsa_paramgen_bits(param_ctx.get(), bits) <= 0 ||
      EVP_PKEY_CTX_set_dsa_paramgen_q_bits(param_ctx.get(), 160) <= 0 ||
      EVP_PKEY_paramgen(param_ctx.get(), &params) <= 0)
    openssl_failed("generate DSA parameters");
  Pkey owned_params(params);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_generate(ctx.get(), &key) <= 0)
    openssl_failed("generate a DSA key");
  return Pkey(key);
}

Bn key_number(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) <= 0) openssl_failed("read the key");
  return Bn(bn);
}

// OpenSSH's name of an ECDSA key's curve, from OpenSSL's.
std::string ecdsa_curve(const EVP_PKEY* key) {
  char group[64] = {0};
  size_t n = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &n) <= 0)
    openssl_failed("read the key's curve");
  const std::string name(group, n);
  if (name == "prime256v1" || name == "P-256") return "nistp256";
  if (name == "secp384r1" || name == "P-384") return "nistp384";
  if (name == "secp521r1" || name == "P-521") return "nistp521";
  throw ApiError("SSH does not use keys on the curve “" + name + "”.");
}

// A key's SSH blobs (RFC 4253, RFC 5656). Public: RSA "ssh-rsa" e n; DSA
// "ssh-dss" p q g y; ECDSA "ecdsa-sha2-<curve>" <curve> Q. Private, as PuTTY
// keeps them: RSA d p q iqmp; DSA x; ECDSA the private number.
struct KeyBlobs {
  std::string type, public_blob, private_blob;
};

KeyBlobs key_blobs(const EVP_PKEY* key) {
  KeyBlobs out;
  if (EVP_PKEY_is_a(key, "RSA")) {
    out.type = "ssh-rsa";
    put_string(out.public_blob, out.type);
    put_mpint(out.public_blob, key_number(key, OSSL_PKEY_PARAM_RSA_E).get());
    put_mpint(out.public_blob, key_number(key, OSSL_PKEY_PARAM_RSA_N).get());
    for (const char* name : {OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                             OSSL_PKEY_PARAM_RSA_COEFFICIENT1})
      put_mpint(out.private_blob, key_number(key, name).get());
  } else if (EVP_PKEY_is_a(key, "DSA")) {
    out.type = "ssh-dss";
    put_string(out.public_blob, out.type);
    for (const char* name :
         {OSSL_PKEY_PARAM_FFC_P, OSSL_PKEY_PARAM_FFC_Q, OSSL_PKEY_PARAM_FFC_G, OSSL_PKEY_PARAM_PUB_KEY})
      put_mpint(out.public_blob, key_number(key, name).get());
    put_mpint(out.private_blob, key_number(key, OSSL_PKEY_PARAM_PRIV_KEY).get());
  } else if (EVP_PKEY_is_a(key, "EC")) {
    const std::string curve = ecdsa_curve(key);
    out.type = "ecdsa-sha2-" + curve;
    unsigned char point[256];
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &n) <= 0)
      openssl_failed("read the key's public point");
    put_string(out.public_blob, out.type);
    put_string(out.public_blob, curve);
    put_string(out.public_blob, std::string(reinterpret_cast<char*>(point), n));
    put_mpint(out.private_blob, key_number(key, OSSL_PKEY_PARAM_PRIV_KEY).get());
  } else {
    throw ApiError("whmkit reads RSA, DSA and ECDSA private keys only.");
  }
  return out;
}

// Hands the passphrase to OpenSSL's PEM reader (never a prompt on a terminal).
int give_passphrase(char* buf, int size, int, void* passphrase) {
  const auto* pass = static_cast<const std::string*>(passphrase);
  if (pass->empty() || pass->size() > static_cast<size_t>(size)) return -1;
  std::copy(pass->begin(), pass->end(), buf);
  return static_cast<int>(pass->size());
}

// The PKCS#1 / traditional PEM ("BEGIN RSA PRIVATE KEY") OpenSSH reads.
std::string private_pem(EVP_PKEY* key, const std::string& passphrase) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_128_cbc();
  auto* pass = passphrase.empty() ? nullptr : reinterpret_cast<unsigned char*>(const_cast<char*>(passphrase.data()));
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key, cipher, pass, static_cast<int>(passphrase.size()),
                                                   nullptr, nullptr) <= 0)
    openssl_failed("write the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// ---- Key names and files ---------------------------------------------------------

// Files in ~/.ssh that sshd or ssh read: never a key's name.
const std::set<std::string>& reserved_names() {
  static const std::set<std::string> names = {ssh_paths::kAuthorizedKeys,
                                              ssh_paths::kDeprecatedAuthorizedKeys,
                                              "config",
                                              "environment",
                                              "identity",
                                              "known_hosts",
                                              "rc"};
  return names;
}

// Why `name` cannot be a key file's name; "" if it can.
std::string bad_key_name(const std::string& name) {
  if (name.empty()) return "a key needs a name.";
  if (name.size() > 255) return "a key name has at most 255 characters.";
  for (char c : name) {
    if (c == '/') return "a key name cannot contain a slash.";
    if (c == ' ' || std::iscntrl(static_cast<unsigned char>(c)))
      return "a key name cannot contain a blank or a control character.";
  }
  if (name[0] == '.') return "“" + name + "” starts with a period.";
  if (name.find("..") != std::string::npos) return "a key name cannot contain “..”.";  // cPanel strips it
  if (reserved_names().count(name)) return name + " is a reserved key name. Please choose another name.";
  return "";
}

// Key files are small: a 16,384-bit RSA private key is under 13 KiB.
constexpr off_t kMaxKeyFileBytes = 64 * 1024;

std::optional<AuthorizedKey> parse_authorized_line(const std::string& raw_line) {
  std::string line = trim(raw_line);
  if (line.empty() || line[0] == '#') return std::nullopt;
  auto words = option_aware_words(line);
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (!known_key_types().count(words[i])) continue;
    std::string rest = words[i] + " " + words[i + 1];
    for (size_t j = i + 2; j < words.size(); ++j) rest += " " + words[j];
    if (auto key = parse_public_key(rest)) {
      std::string options;
      for (size_t j = 0; j < i; ++j) options += (j ? " " : "") + words[j];
      return AuthorizedKey{options, *key};
    }
  }
  return std::nullopt;
}

}  // namespace

// ---- Public keys -----------------------------------------------------------------

std::string PublicKey::line() const {
  return comment.empty() ? type + " " + base64 : type + " " + base64 + " " + comment;
}

std::optional<PublicKey> parse_public_key(const std::string& text) {
  std::string line = trim(text);
  if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) return std::nullopt;
  size_t type_end = line.find_first_of(" \t");
  if (type_end == std::string::npos) return std::nullopt;
  PublicKey key;
  key.type = line.substr(0, type_end);
  std::string rest = trim(line.substr(type_end));
  size_t data_end = rest.find_first_of(" \t");
  key.base64 = rest.substr(0, data_end);
  key.comment = data_end == std::string::npos ? "" : trim(rest.substr(data_end));
  if (!known_key_types().count(key.type) || has_control(key.comment)) return std::nullopt;
  auto blob = base64_decode(key.base64);
  if (!blob || blob_type(*blob) != key.type) return std::nullopt;
  return key;
}

std::optional<std::string> parse_private_key(const std::string& text) {
  auto lines = split(trim(text), '\n');
  for (auto& line : lines) line = trim(line);  // also drops a Windows \r
  if (lines.size() < 3) return std::nullopt;
  static const std::vector<std::string> kinds = {"RSA", "DSA", "EC", "OPENSSH"};
  auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const std::string& k) {
    return lines.front() == "-----BEGIN " + k + " PRIVATE KEY-----";
  });
  if (kind == kinds.end() || lines.back() != "-----END " + *kind + " PRIVATE KEY-----") return std::nullopt;
  bool in_body = false;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (has_control(line)) return std::nullopt;
    if (line.empty()) continue;
    bool base64_line = std::all_of(line.begin(), line.end(), is_base64_char);
    if (!in_body && !base64_line) {
      if (line.find(':') == std::string::npos) return std::nullopt;  // a header such as "Proc-Type: 4,ENCRYPTED"
      continue;
    }
    if (!base64_line) return std::nullopt;
    in_body = true;
  }
  if (!in_body) return std::nullopt;
  return join(lines, "\n");
}

std::string raw_key_data(const std::string& key_text) {
  if (auto key = parse_public_key(key_text)) return key->base64;
  std::string raw;
  for (const auto& line : split(key_text, '\n')) {
    std::string t = trim(line);
    if (t.empty() || starts_with(t, "-----") || t.find(':') != std::string::npos) continue;
    raw += t;
  }
  return raw;
}

std::string key_fingerprint(const PublicKey& key) {
  std::string digest = base64_encode(sha256(base64_decode(key.base64).value_or("")));
  digest.erase(digest.find_last_not_of('=') + 1);
  return "SHA256:" + digest;
}

GeneratedKey generate_key(KeyAlgorithm algorithm, int bits, const std::string& passphrase, const std::string& comment) {
  Pkey key = algorithm == KeyAlgorithm::Rsa ? new_rsa_key(bits) : new_dsa_key(bits);
  GeneratedKey out;
  out.private_pem = private_pem(key.get(), passphrase);
  const KeyBlobs blobs = key_blobs(key.get());
  const std::string& blob = blobs.public_blob;
  out.public_key = {blobs.type, base64_encode(blob), comment};
  const std::string label = algorithm == KeyAlgorithm::Rsa ? "RSA" : "DSA";
  out.randomart = randomart(sha256(blob), "[" + label + " " + std::to_string(bits) + "]", "[SHA256]");
  return out;
}

OpenedPrivateKey open_private_key(const std::string& pem, const std::string& passphrase) {
  const bool encrypted = pem.find("ENCRYPTED") != std::string::npos;
  if (encrypted && passphrase.empty()) throw ApiError("The private key is encrypted: give its passphrase.");
  if (pem.find("BEGIN OPENSSH PRIVATE KEY") != std::string::npos)
    throw ApiError("whmkit reads PEM private keys only; convert the key with “ssh-keygen -p -m PEM” first.");
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::string pass = passphrase;
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, give_passphrase, &pass) : nullptr);
  if (!key) {
    if (encrypted) throw ApiError("The passphrase does not decrypt the private key.");
    throw ApiError("OpenSSL could not read the private key.");
  }
  const KeyBlobs blobs = key_blobs(key.get());
  return {PublicKey{blobs.type, base64_encode(blobs.public_blob), ""}, blobs.public_blob, blobs.private_blob};
}

void check_key_passphrase(const StateRoot& root, const std::string& passphrase) {
  if (passphrase.size() < 5) throw ApiError("The passphrase must be at least 5 characters long.");
  const int required = required_password_strength(root, "sshkey");
  if (password_strength(passphrase, bad_passwords(root)) < required)
    throw ApiError("The passphrase must have a strength rating of at least " + std::to_string(required) + ".");
}

void check_key_name(const std::string& name, const std::string& param) {
  if (std::string why = bad_key_name(name); !why.empty()) throw invalid_param(param, why);
}

// ---- ~/.ssh --------------------------------------------------------------------------

SshDir::SshDir(const StateRoot& root, const std::string& home, FileOwner owner)
    : root_(root), home_(home), owner_(owner), home_rel_(paths::rel_from_abs(home)) {
  if (home_rel_.empty()) throw ApiError("The home directory “" + home + "” cannot hold SSH keys.");
}

std::string SshDir::shown(const std::string& name) const {
  return home_ + "/" + ssh_paths::kDir + (name.empty() ? "" : "/" + name);
}

std::optional<struct stat> SshDir::status(const std::string& name) const {
  auto home = UserDir::open(root_.path(home_rel_), home_);
  if (!home) return std::nullopt;
  return home->status(std::string(ssh_paths::kDir) + "/" + name);
}

std::vector<KeyFile> SshDir::key_files() const {
  std::vector<KeyFile> out;
  auto home = UserDir::open(root_.path(home_rel_), home_);
  auto dir = home ? home->dir(ssh_paths::kDir) : std::nullopt;
  if (!dir) return out;
  for (const auto& name : dir->entries()) {  // sorted
    if (!bad_key_name(name).empty()) continue;
    auto st = dir->status(name);
    if (!st || !S_ISREG(st->st_mode) || st->st_nlink > 1 || st->st_size > kMaxKeyFileBytes) continue;
    auto text = dir->read(name);
    if (!text) continue;
    KeyFile f;
    f.name = name;
    f.text = trim(*text);
    f.mtime = st->st_mtime;
    f.ctime = st->st_ctime;
    if (ends_with(name, ".pub")) {
      f.key = parse_public_key(f.text);
      if (!f.key) continue;
    } else {
      if (!parse_private_key(f.text)) continue;
      f.is_private = true;
    }
    f.raw = raw_key_data(f.text);
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<KeyFile> SshDir::key_file(const std::string& name) const {
  for (auto& f : key_files())
    if (f.name == name) return f;
  return std::nullopt;
}

std::vector<AuthorizedKey> SshDir::authorized(const Transaction& txn) const {
  std::vector<AuthorizedKey> out;
  auto text = txn.read(path(ssh_paths::kAuthorizedKeys));
  if (!text) return out;
  for (const auto& line : split(*text, '\n'))
    if (auto key = parse_authorized_line(line)) out.push_back(*key);
  return out;
}

std::optional<std::string> SshDir::read(const Transaction& txn, const std::string& name) const {
  return txn.read(path(name));
}

void SshDir::stage_dir(Transaction& txn) const { txn.make_dir({home_rel_, ssh_paths::kDir}, 0700, owner_); }

void SshDir::stage_key(Transaction& txn, const std::string& name, const std::string& text) const {
  check_key_name(name, "name");
  stage_dir(txn);
  txn.write(path(name), text, ends_with(name, ".pub") ? 0644 : 0600, owner_);
}

PublicKey SshDir::public_key(const Transaction& txn, const std::string& name) const {
  std::string last;
  for (const auto& line : split(read(txn, name).value_or(""), '\n'))
    if (!trim(line).empty()) last = trim(line);
  if (last.empty()) throw ApiError("The request key is empty");
  auto key = parse_public_key(last);
  if (!key) throw ApiError("“" + shown(name) + "” does not hold an SSH public key.");
  return *key;
}

void SshDir::stage_import(Transaction& txn, const std::string& name, const std::string& content) const {
  if (status(name)) throw ApiError("Import failed: key file " + name + " already exists.");
  const std::string raw = raw_key_data(content);
  for (const auto& existing : key_files())
    if (existing.raw == raw) throw ApiError("Import failed: submitted key already exists as " + existing.name + ".");
  stage_key(txn, name, content);
}

void SshDir::stage_move(Transaction& txn, const std::string& from, const std::string& to) const {
  auto text = txn.read(path(from));
  if (!text) return;
  stage_key(txn, to, *text);
  txn.remove(path(from));
}

void SshDir::stage_authorization(Transaction& txn, const PublicKey& key, bool authorize,
                                 const std::string& options) const {
  for (const char* file : {ssh_paths::kAuthorizedKeys, ssh_paths::kDeprecatedAuthorizedKeys}) {
    const bool deprecated = file == std::string(ssh_paths::kDeprecatedAuthorizedKeys);
    auto text = txn.read(path(file));
    if (deprecated && !text) continue;  // never created
    std::string kept;
    bool changed = false;
    for (const auto& line : split(text.value_or(""), '\n')) {
      std::string t = trim(line);
      if (t.empty()) continue;
      auto held = parse_authorized_line(t);
      if (held && held->key.same_key(key)) {
        changed = true;
        continue;
      }
      kept += t + "\n";
    }
    if (authorize && !deprecated) {
      kept += (options.empty() ? "" : options + " ") + key.line() + "\n";
      changed = true;
    }
    if (!changed) continue;
    stage_dir(txn);
    txn.write(path(file), kept, 0600, owner_);
  }
}

void SshDir::stage_delete(Transaction& txn, const std::string& name, bool leave_authorized) const {
  check_key_name(name, "name");
  auto st = status(name);
  if (!st || !S_ISREG(st->st_mode)) throw ApiError("Could not delete " + shown(name) + ".");
  if (ends_with(name, ".pub") && !leave_authorized)
    if (auto key = parse_public_key(read(txn, name).value_or(""))) stage_authorization(txn, *key, false);
  txn.remove(path(name));
}

SshDir whm_user_ssh_dir(const StateRoot& root, const std::string& user) {
  if (user == "root") return SshDir(root, "/root", FileOwner{0, 0});
  const CpanelAccount account = load_cpanel_account(root, user);
  return SshDir(root, account.home, account.owner);
}

void check_authorized_options(const std::string& options, const std::string& param) {
  auto is_name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  size_t i = 0;
  while (i < options.size()) {
    const size_t name_start = i;
    while (i < options.size() && is_name_char(options[i])) ++i;
    if (i == name_start) throw invalid_param(param, "each option is a name of letters, digits and “-”.");
    if (i < options.size() && options[i] == '=') {
      if (++i >= options.size() || options[i] != '"')
        throw invalid_param(param, "an option's value is written in double quotes (from=\"10.0.0.1\").");
      const size_t close = options.find('"', i + 1);
      if (close == std::string::npos) throw invalid_param(param, "an option's value lacks its closing double quote.");
      const std::string value = options.substr(i + 1, close - i - 1);
      if (has_control(value)) throw invalid_param(param, "an option's value cannot hold a control character.");
      i = close + 1;
    }
    if (i == options.size()) break;
    if (options[i] != ',' || i + 1 == options.size())
      throw invalid_param(param, "options are separated by commas, without blanks.");
    ++i;
  }
}

int sshd_port(const StateRoot& root) {
  auto text = root.read("etc/ssh/sshd_config");
  if (!text) return 22;
  for (const auto& raw : split(*text, '\n')) {
    std::string line = trim(raw);
    if (line.size() < 5 || to_lower(line.substr(0, 4)) != "port") continue;
    if (line[4] != ' ' && line[4] != '\t' && line[4] != '=') continue;
    std::string value = trim(line.substr(5));
    if (!value.empty() && value[0] == '=') value = trim(value.substr(1));
    auto port = parse_int(value);
    if (port && *port >= 1 && *port <= 65535) return static_cast<int>(*port);
  }
  return 22;
}

}  // namespace whm
