#include "acme_client.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <thread>

#include "base64.hpp"
#include "curl_api.hpp"
#include "util.hpp"

namespace whm::acme {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void key_failed(const std::string& what) {
  throw AcmeError("badKey", "The ACME account key could not be " + what + " (OpenSSL).");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string bn_bytes(const BIGNUM* bn, int size) {
  std::string out(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) != size) key_failed("encoded");
  return out;
}

std::string sha256(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr) != 1) key_failed("hashed");
  return std::string(reinterpret_cast<char*>(md), n);
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t collect_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = to_lower(trim(line.substr(0, colon)));
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = trim(line.substr(colon + 1));
  }
  return size * n;
}

std::string problem_text(const nlohmann::json& problem) {
  if (!problem.is_object()) return "";
  std::string detail = problem.value("detail", "");
  std::string type = problem.value("type", "");
  if (auto colon = type.rfind(':'); colon != std::string::npos) type = type.substr(colon + 1);
  if (detail.empty()) return type;
  return type.empty() ? detail : detail + " (" + type + ")";
}

nlohmann::json parse_body(const HttpReply& reply, const std::string& url) {
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw AcmeError("malformed", "The ACME server answered “" + url + "” with something other than a JSON object.",
                    reply.status);
  return j;
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Order order_from(const nlohmann::json& j, const std::string& url) {
  Order o;
  o.url = url;
  o.status = str(j, "status");
  if (auto it = j.find("identifiers"); it != j.end() && it->is_array())
    for (const auto& id : *it)
      if (id.is_object()) o.identifiers.push_back(str(id, "value"));
  if (auto it = j.find("authorizations"); it != j.end() && it->is_array())
    for (const auto& a : *it)
      if (a.is_string()) o.authorizations.push_back(a.get<std::string>());
  o.finalize = str(j, "finalize");
  o.certificate = str(j, "certificate");
  if (auto it = j.find("error"); it != j.end()) o.error = *it;
  return o;
}

}  // namespace

std::string base64url(const std::string& bytes) {
  std::string s = base64_encode(bytes);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    out.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  return out;
}

// ------------------------------------------------------------------ the account key

struct AccountKey::Impl {
  Pkey key;
};

AccountKey::AccountKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccountKey::AccountKey(AccountKey&&) noexcept = default;
AccountKey& AccountKey::operator=(AccountKey&&) noexcept = default;
AccountKey::~AccountKey() = default;

AccountKey AccountKey::generate() {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) key_failed("generated");
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  return AccountKey(std::move(impl));
}

AccountKey AccountKey::from_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) key_failed("read");
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1 ||
      std::string(group) != "prime256v1")
    throw AcmeError("badKey", "The ACME account key is not an ECDSA P-256 key.");
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  return AccountKey(std::move(impl));
}

std::string AccountKey::pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    key_failed("written");
  return bio_text(bio.get());
}

nlohmann::json AccountKey::jwk() const {
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  if (EVP_PKEY_get_bn_param(impl_->key.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
      EVP_PKEY_get_bn_param(impl_->key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1) {
    BN_free(x);
    BN_free(y);
    key_failed("read");
  }
  Bn bx(x), by(y);
  // Members in lexicographic order: this is also the thumbprint's input (RFC 7638).
  nlohmann::json j = nlohmann::json::object();
  j["crv"] = "P-256";
  j["kty"] = "EC";
  j["x"] = base64url(bn_bytes(bx.get(), 32));
  j["y"] = base64url(bn_bytes(by.get(), 32));
  return j;
}

std::string AccountKey::thumbprint() const { return base64url(sha256(jwk().dump())); }

std::string AccountKey::sign(const std::string& data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    key_failed("used to sign");
  std::string der(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    key_failed("used to sign");
  der.resize(len);
  // The signature comes as DER (SEQUENCE of r and s); JWS wants r || s, each 32 bytes.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) key_failed("used to sign");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string out;
  try {
    out = bn_bytes(r, 32) + bn_bytes(s, 32);
  } catch (...) {
    ECDSA_SIG_free(sig);
    throw;
  }
  ECDSA_SIG_free(sig);
  return out;
}

// ------------------------------------------------------------------ objects

const Challenge* Authorization::http01() const {
  for (const auto& c : challenges)
    if (c.type == "http-01") return &c;
  return nullptr;
}

std::string Authorization::problem() const {
  for (const auto& c : challenges)
    if (!c.error.is_null()) return problem_text(c.error);
  return status == "valid" ? "" : "The authorization is “" + status + "”.";
}

// ------------------------------------------------------------------ the client

Client::Client(ClientOptions options, AccountKey key, std::string kid)
    : options_(std::move(options)), key_(std::move(key)), kid_(std::move(kid)) {}

HttpReply Client::http(const std::string& method, const std::string& url, const std::string& body,
                       const std::string& content_type) {
  CurlHandle c;
  if (!c.h) throw AcmeError("connection", "libcurl could not start a request.");
  HttpReply reply;
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, options_.timeout_secs);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "https,http");
  cu().curl_easy_setopt(c.h, CURLOPT_USERAGENT, "whmkit-acme/1");
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &reply.body);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERFUNCTION, &collect_header);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERDATA, &reply.headers);
  if (!options_.ca_file.empty()) cu().curl_easy_setopt(c.h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!content_type.empty()) {
    c.headers = cu().curl_slist_append(c.headers, ("Content-Type: " + content_type).c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  }
  if (method == "HEAD") {
    cu().curl_easy_setopt(c.h, CURLOPT_NOBODY, 1L);
  } else if (method == "POST") {
    cu().curl_easy_setopt(c.h, CURLOPT_POST, 1L);
    cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, body.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  CURLcode rc = perform_transfer(c.h, url);
  if (rc != CURLE_OK) {
    std::string why = c.error[0] ? c.error : cu().curl_easy_strerror(rc);
    throw AcmeError("connection", "The ACME server at “" + url + "” could not be reached: " + why);
  }
  cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &reply.status);
  if (auto it = reply.headers.find("replay-nonce"); it != reply.headers.end()) nonces_.push_back(it->second);
  return reply;
}

const nlohmann::json& Client::directory() {
  if (directory_.is_null()) {
    HttpReply reply = http("GET", options_.directory_url, "", "");
    if (reply.status != 200)
      throw AcmeError(
          "connection",
          "The ACME directory “" + options_.directory_url + "” answered HTTP " + std::to_string(reply.status) + ".",
          reply.status);
    directory_ = parse_body(reply, options_.directory_url);
  }
  return directory_;
}

std::string Client::url_of(const char* name) {
  std::string url = str(directory(), name);
  if (url.empty()) throw AcmeError("malformed", std::string("The ACME directory names no “") + name + "”.");
  return url;
}

std::string Client::terms_of_service() {
  auto it = directory().find("meta");
  return it != directory().end() && it->is_object() ? str(*it, "termsOfService") : std::string();
}

std::string Client::nonce() {
  if (nonces_.empty()) http("HEAD", url_of("newNonce"), "", "");
  if (nonces_.empty()) throw AcmeError("badNonce", "The ACME server gave no replay nonce.");
  std::string n = nonces_.back();
  nonces_.pop_back();
  return n;
}

HttpReply Client::post(const std::string& url, const std::string& payload, bool use_jwk) {
  for (int attempt = 0;; ++attempt) {
    nlohmann::json header = {{"alg", "ES256"}, {"nonce", nonce()}, {"url", url}};
    if (use_jwk || kid_.empty())
      header["jwk"] = key_.jwk();
    else
      header["kid"] = kid_;
    std::string protected64 = base64url(header.dump());
    std::string payload64 = base64url(payload);
    nlohmann::json jws = {{"protected", protected64},
                          {"payload", payload64},
                          {"signature", base64url(key_.sign(protected64 + "." + payload64))}};
    HttpReply reply = http("POST", url, jws.dump(), "application/jose+json");
    if (reply.status < 400) return reply;
    auto problem = nlohmann::json::parse(reply.body, nullptr, false);
    std::string type = problem.is_object() ? str(problem, "type") : "";
    // RFC 8555 section 6.5: a badNonce answer carries a fresh nonce; try again with it.
    if (type == "urn:ietf:params:acme:error:badNonce" && attempt < 5) continue;
    std::string detail = problem.is_object() ? problem_text(problem) : "";
    if (detail.empty()) detail = "HTTP " + std::to_string(reply.status);
    throw AcmeError(type.empty() ? "http" : type, "The ACME server refused “" + url + "”: " + detail, reply.status);
  }
}

std::string Client::register_account(const std::vector<std::string>& contact_emails) {
  nlohmann::json payload = {{"termsOfServiceAgreed", true}};
  if (!contact_emails.empty()) {
    payload["contact"] = nlohmann::json::array();
    for (const auto& e : contact_emails) payload["contact"].push_back("mailto:" + e);
  }
  HttpReply reply = post(url_of("newAccount"), payload.dump(), true);
  auto it = reply.headers.find("location");
  if (it == reply.headers.end() || it->second.empty())
    throw AcmeError("malformed", "The ACME server created the account without naming its URL.");
  kid_ = it->second;
  return kid_;
}

Order Client::new_order(const std::vector<std::string>& domains) {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& d : domains) ids.push_back({{"type", "dns"}, {"value", d}});
  HttpReply reply = post(url_of("newOrder"), nlohmann::json{{"identifiers", ids}}.dump());
  auto it = reply.headers.find("location");
  return order_from(parse_body(reply, "newOrder"), it == reply.headers.end() ? "" : it->second);
}

Order Client::order(const std::string& url) { return order_from(parse_body(post(url, ""), url), url); }

Authorization Client::authorization(const std::string& url) {
  auto j = parse_body(post(url, ""), url);
  Authorization a;
  a.url = url;
  a.status = str(j, "status");
  if (auto it = j.find("identifier"); it != j.end() && it->is_object()) a.domain = str(*it, "value");
  a.wildcard = j.value("wildcard", false);
  if (auto it = j.find("challenges"); it != j.end() && it->is_array())
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      Challenge ch{str(c, "type"), str(c, "url"), str(c, "token"), str(c, "status"), nullptr};
      if (auto e = c.find("error"); e != c.end()) ch.error = *e;
      a.challenges.push_back(std::move(ch));
    }
  return a;
}

void Client::respond(const Challenge& challenge) { post(challenge.url, "{}"); }

Authorization Client::wait_authorization(const std::string& url) {
  for (int i = 0;; ++i) {
    Authorization a = authorization(url);
    if ((a.status != "pending" && a.status != "processing") || i >= options_.poll_limit) return a;
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

Order Client::finalize(const Order& order, const std::string& csr_pem) {
  Bio bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
  X509_REQ* req = bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!req) throw AcmeError("badCSR", "The certificate signing request could not be read.");
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req, &der);
  X509_REQ_free(req);
  if (len <= 0) throw AcmeError("badCSR", "The certificate signing request could not be encoded.");
  std::string csr(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  HttpReply reply = post(order.finalize, nlohmann::json{{"csr", base64url(csr)}}.dump());
  return order_from(parse_body(reply, order.finalize), order.url);
}

Order Client::wait_order(const std::string& url) {
  for (int i = 0;; ++i) {
    Order o = order(url);
    if ((o.status != "pending" && o.status != "processing") || i >= options_.poll_limit) return o;
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

std::string Client::download_certificate(const std::string& url) {
  HttpReply reply = post(url, "");
  if (reply.body.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    throw AcmeError("malformed", "The ACME server's certificate at “" + url + "” is not PEM.");
  return reply.body;
}

std::string Client::key_authorization(const std::string& token) const { return token + "." + key_.thumbprint(); }

// ------------------------------------------------------------------ one order

Issued obtain_certificate(Client& client, const std::vector<std::string>& domains, const std::string& csr_pem,
                          const ChallengeFiles& files, const std::function<void(const std::string&)>& log) {
  Issued out;
  Order order = client.new_order(domains);
  log("Created the order “" + order.url + "” for " + std::to_string(domains.size()) + " domain(s).");
  std::vector<std::pair<std::string, std::string>> placed;  // domain, token
  auto remove_all = [&] {
    for (const auto& [d, t] : placed) {
      try {
        files.remove(d, t);
      } catch (const std::exception& e) {
        log("The challenge file for “" + d + "” could not be removed: " + e.what());
      }
    }
    placed.clear();
  };
  try {
    std::vector<Authorization> pending;
    for (const auto& url : order.authorizations) {
      Authorization a = client.authorization(url);
      if (a.status == "valid") {
        log("“" + a.domain + "” is already authorized.");
        continue;
      }
      const Challenge* ch = a.http01();
      if (!ch) {
        out.failed[a.domain] = "The ACME server offers no HTTP-01 challenge for “" + a.domain + "”.";
        continue;
      }
      try {
        files.place(a.domain, ch->token, client.key_authorization(ch->token));
      } catch (const std::exception& e) {
        out.failed[a.domain] = e.what();
        continue;
      }
      placed.emplace_back(a.domain, ch->token);
      client.respond(*ch);
      log("Answered the HTTP-01 challenge of “" + a.domain + "”.");
      pending.push_back(std::move(a));
    }
    for (const auto& a : pending) {
      Authorization done = client.wait_authorization(a.url);
      if (done.status == "valid")
        log("“" + done.domain + "” passed the HTTP-01 challenge.");
      else
        out.failed[done.domain] = done.problem();
    }
    remove_all();
    if (!out.failed.empty()) {
      out.error = "The order failed: " + std::to_string(out.failed.size()) + " domain(s) failed validation.";
      return out;
    }
    order = client.wait_order(order.url);
    if (order.status != "ready" && order.status != "valid") {
      out.error = "The order is “" + order.status + "”" +
                  (order.error.is_null() ? std::string() : ": " + problem_text(order.error)) + ".";
      return out;
    }
    if (order.status == "ready") {
      order = client.finalize(order, csr_pem);
      log("Sent the certificate signing request.");
      order = client.wait_order(order.url);
    }
    if (order.status != "valid" || order.certificate.empty()) {
      out.error = "The order did not complete (“" + order.status + "”)" +
                  (order.error.is_null() ? std::string() : ": " + problem_text(order.error)) + ".";
      return out;
    }
    out.chain_pem = client.download_certificate(order.certificate);
    log("Downloaded the certificate from “" + order.certificate + "”.");
  } catch (...) {
    remove_all();
    throw;
  }
  return out;
}

}  // namespace whm::acme
