// An ACME v2 client (RFC 8555) for AutoSSL: an account key (ECDSA P-256,
// JWS ES256, "jwk" until the account exists and "kid" after), replay nonces,
// newAccount, newOrder, authorizations with their HTTP-01 challenges,
// polling, finalize with a CSR and the certificate chain's download.
//
// Every request goes through libcurl's CurlHandle (curl_api.hpp), so under a
// state root other than "/" the client reaches only loopback addresses (a
// test's pebble), whatever directory URL it is given. The CA the server's
// TLS certificate must chain to is the system's unless `ca_file` names one.
//
// Nothing here knows where a challenge's file goes: obtain_certificate()
// asks its caller to place and remove each key authorization.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace whm::acme {

// An error the ACME server reported (an RFC 7807 problem document) or a
// request that failed on the way (type "connection").
class AcmeError : public std::runtime_error {
 public:
  AcmeError(std::string type, std::string detail, long status = 0)
      : std::runtime_error(detail), type(std::move(type)), detail(std::move(detail)), status(status) {}
  std::string type;    // "urn:ietf:params:acme:error:badNonce", ... or "connection"
  std::string detail;  // the server's words
  long status = 0;     // the HTTP status (0 when none arrived)
};

// base64url without padding (RFC 7515 section 2).
std::string base64url(const std::string& bytes);

// The account key: ECDSA on P-256, signing ES256.
class AccountKey {
 public:
  static AccountKey generate();
  // A PEM private key of that kind; throws AcmeError("badKey", ...) otherwise.
  static AccountKey from_pem(const std::string& pem);
  AccountKey(AccountKey&&) noexcept;
  AccountKey& operator=(AccountKey&&) noexcept;
  ~AccountKey();
  std::string pem() const;                          // PKCS#8 PEM
  nlohmann::json jwk() const;                       // {"crv","kty","x","y"}
  std::string thumbprint() const;                   // RFC 7638, base64url of the SHA-256
  std::string sign(const std::string& data) const;  // ES256: r || s, 64 bytes

 private:
  struct Impl;
  explicit AccountKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ClientOptions {
  std::string directory_url;   // e.g. "https://acme-v02.api.letsencrypt.org/directory"
  std::string ca_file;         // PEM bundle to verify the server with ("" = the system's)
  long timeout_secs = 30;      // per request
  int poll_interval_ms = 500;  // between polls of an authorization or order
  int poll_limit = 120;        // polls before giving up
};

struct Challenge {
  std::string type, url, token, status;
  nlohmann::json error;  // the problem document of a failed challenge (null otherwise)
};

struct Authorization {
  std::string url, domain, status;  // "pending", "valid", "invalid", ...
  bool wildcard = false;
  std::vector<Challenge> challenges;
  const Challenge* http01() const;
  // What went wrong, from the failed challenge's problem document ("" when nothing).
  std::string problem() const;
};

struct Order {
  std::string url, status;  // "pending", "ready", "processing", "valid", "invalid"
  std::vector<std::string> identifiers, authorizations;
  std::string finalize, certificate;
  nlohmann::json error;
};

struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased; the last of each
};

class Client {
 public:
  Client(ClientOptions options, AccountKey key, std::string kid = "");

  // The directory's URLs (fetched on first use) and its terms of service ("" if none).
  const nlohmann::json& directory();
  std::string terms_of_service();

  // Creates the account (or finds the existing one for this key): its URL, the
  // "kid" of later requests.
  std::string register_account(const std::vector<std::string>& contact_emails);
  const std::string& kid() const { return kid_; }
  const AccountKey& key() const { return key_; }

  Order new_order(const std::vector<std::string>& domains);
  Order order(const std::string& url);
  Authorization authorization(const std::string& url);
  // Tells the server the challenge is ready to be checked.
  void respond(const Challenge& challenge);
  // Polls until the authorization is no longer pending/processing (or the poll limit).
  Authorization wait_authorization(const std::string& url);
  // Sends the CSR (PEM); returns the order as the server answered.
  Order finalize(const Order& order, const std::string& csr_pem);
  // Polls until the order is no longer "pending" or "processing" (or the poll limit).
  Order wait_order(const std::string& url);
  // The certificate chain, PEM, leaf first.
  std::string download_certificate(const std::string& url);

  // token "." thumbprint: what an HTTP-01 challenge's file holds.
  std::string key_authorization(const std::string& token) const;

 private:
  HttpReply http(const std::string& method, const std::string& url, const std::string& body,
                 const std::string& content_type);
  std::string nonce();
  // A signed POST (payload "" = POST-as-GET); retries a badNonce answer.
  HttpReply post(const std::string& url, const std::string& payload, bool use_jwk = false);
  std::string url_of(const char* name);

  ClientOptions options_;
  AccountKey key_;
  std::string kid_;
  nlohmann::json directory_;
  std::vector<std::string> nonces_;
};

// Places the file of an HTTP-01 challenge for `domain` (token, contents) and
// removes it again; throws (any std::exception) when it cannot place it.
struct ChallengeFiles {
  std::function<void(const std::string& domain, const std::string& token, const std::string& contents)> place;
  std::function<void(const std::string& domain, const std::string& token)> remove;
};

struct Issued {
  std::string chain_pem;                      // leaf first ("" when no certificate was issued)
  std::map<std::string, std::string> failed;  // domain -> why its authorization failed
  std::string error;                          // why the order failed as a whole ("" when issued)
};

// One order for `domains`: each authorization answered through `files` (the
// files are removed afterwards, whatever happens), then finalize with
// `csr_pem` and download. `log` gets a line for each step.
Issued obtain_certificate(Client& client, const std::vector<std::string>& domains, const std::string& csr_pem,
                          const ChallengeFiles& files, const std::function<void(const std::string&)>& log);

}  // namespace whm::acme
