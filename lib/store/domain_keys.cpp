#include "domain_keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>
#include <memory>

#include "account_parts.hpp"
#include "base64.hpp"
#include "errors.hpp"
#include "lookup.hpp"
#include "mail_paths.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace domain_keys {
namespace {
std::string checked(const std::string& domain) {
  // The name becomes a file name: only a well-formed domain may.
  if (auto why = domain_syntax_error(domain)) throw ApiError("“" + domain + "” is not a valid domain: " + *why);
  return domain;
}
}  // namespace
std::string private_rel(const std::string& domain) { return "var/cpanel/domain_keys/private/" + checked(domain); }
std::string public_rel(const std::string& domain) { return "var/cpanel/domain_keys/public/" + checked(domain); }
}  // namespace domain_keys

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void openssl_failed(const char* what) {
  throw ApiError(std::string("DKIM key handling failed: OpenSSL could not ") + what + ".");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

DkimKey describe(EVP_PKEY* key) {
  DkimKey out;
  out.bits = EVP_PKEY_get_bits(key);
  Bio priv(BIO_new(BIO_s_mem())), pub(BIO_new(BIO_s_mem()));
  if (!priv || !pub) openssl_failed("allocate memory");
  // The traditional form of an RSA key is PKCS#1 ("BEGIN RSA PRIVATE KEY"), as cPanel's files are.
  if (PEM_write_bio_PrivateKey_traditional(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    openssl_failed("write the private key");
  if (PEM_write_bio_PUBKEY(pub.get(), key) != 1) openssl_failed("write the public key");
  out.private_pem = bio_text(priv.get());
  out.public_pem = bio_text(pub.get());
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) openssl_failed("encode the public key");
  out.public_der_b64 = base64_encode(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return out;
}

}  // namespace

DkimKey new_dkim_key(int bits) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) <= 0 ||
      EVP_PKEY_generate(ctx.get(), &key) <= 0)
    openssl_failed("generate an RSA key");
  Pkey owned(key);
  return describe(owned.get());
}

std::optional<DkimKey> parse_dkim_key(const std::string& pem, std::string& why) {
  if (pem.find("-----BEGIN") == std::string::npos || pem.find("ENCRYPTED") != std::string::npos) {
    why = "it is not an unencrypted RSA private key in PEM format.";
    return std::nullopt;
  }
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // No passphrase callback: an encrypted key is refused, never prompted for.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    why = "it is not an unencrypted RSA private key in PEM format.";
    return std::nullopt;
  }
  const int bits = EVP_PKEY_get_bits(key.get());
  if (bits < domain_keys::kMinimumBits || bits > domain_keys::kMaximumBits) {
    why = "the key has " + std::to_string(bits) + " bits; a DKIM key must have " +
          std::to_string(domain_keys::kMinimumBits) + " to " + std::to_string(domain_keys::kMaximumBits) + " bits.";
    return std::nullopt;
  }
  return describe(key.get());
}

std::optional<DkimKey> load_dkim_key(const Transaction& view, const std::string& domain, std::string* problem) {
  auto text = view.read(domain_keys::private_rel(domain));
  if (!text) return std::nullopt;
  std::string why;
  auto key = parse_dkim_key(*text, why);
  if (!key && problem) *problem = domain_keys::private_rel(domain) + " is not a usable key: " + why;
  return key;
}

void stage_dkim_key(Transaction& txn, const std::string& domain, const DkimKey& key) {
  FileOwner mail_group;
  if (auto gid = mail_gid(txn)) mail_group.gid = *gid;
  txn.write(domain_keys::private_rel(domain), key.private_pem, 0640, mail_group);
  txn.write(domain_keys::public_rel(domain), key.public_pem, 0644);
}

std::string dkim_record_name(const std::string& domain) {
  return std::string(domain_keys::kSelector) + "._domainkey." + domain;
}

std::string dkim_record(const DkimKey& key) { return "v=DKIM1; k=rsa; p=" + key.public_der_b64; }

namespace {

// The keys follow the account's domains: moved with a new main domain,
// archived as pkgacct's domainkeys/{private,public}/<domain>, restored from
// the private key alone (the public one is derived from it, so an archive
// cannot pair a key with a public file that does not match it).
class DomainKeysPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels;
    for (const auto& d : a.domains) {
      rels.push_back(domain_keys::private_rel(d));
      rels.push_back(domain_keys::public_rel(d));
    }
    return existing(root, rels);
  }
  // cPanel may make keys when it creates an account with DKIM on; whmkit makes them on request only.
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.main_domain == to.main_domain) return;
    for (const auto& d : from.domains) {
      const std::string target = replace_domain(d, from.main_domain, to.main_domain);
      move_existing(root, txn, domain_keys::private_rel(d), domain_keys::private_rel(target));
      move_existing(root, txn, domain_keys::public_rel(d), domain_keys::public_rel(target));
    }
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
    for (const auto& d : a.domains) {
      if (auto text = txn.read(domain_keys::private_rel(d))) out.file("domainkeys/private/" + d, *text);
      if (auto text = txn.read(domain_keys::public_rel(d))) out.file("domainkeys/public/" + d, *text);
    }
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    for (const auto& d : src.facts.domains) {
      const auto* text = src.archive.file("domainkeys/private/" + d);
      if (!text) continue;
      std::string why;
      if (auto key = parse_dkim_key(*text, why))
        stage_dkim_key(txn, d, *key);
      else
        raw += "Left out the DKIM key of " + d + ": " + why + "\n";
    }
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (const auto& d : a.domains) {
      std::string problem;
      auto key = load_dkim_key(view, d, &problem);
      if (!problem.empty()) out.push_back(problem);
      if (key && view.read(domain_keys::public_rel(d)) != key->public_pem)
        out.push_back(domain_keys::public_rel(d) + " is not the public half of the domain's private key.");
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::map<std::string, std::string> owner;
    for (const auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) owner[to_lower(domain)] = user;
    for (const char* dir : {"var/cpanel/domain_keys/private", "var/cpanel/domain_keys/public"})
      for (const auto& name : root.list_dir(dir)) {
        if (name[0] == '.') continue;
        auto it = owner.find(name);
        if (it == owner.end() || !users.count(it->second))
          out.push_back("Orphaned DKIM key " + std::string(dir) + "/" + name + " (no account has the domain “" + name +
                        "”).");
      }
  }
};

}  // namespace

const AccountPart& domain_keys_part() { return part_instance<DomainKeysPart>(); }

}  // namespace whm
