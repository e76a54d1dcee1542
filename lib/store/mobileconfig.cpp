#include "mobileconfig.hpp"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "errors.hpp"
#include "secrets.hpp"
#include "util.hpp"

namespace whm {
namespace {

// CalDAV/CardDAV on the ports of the reference's sample (8443 with TLS; 8008
// without, UNCONFIRMED), IMAP 993/143, SMTP submission 465/587.
constexpr int kDavSslPort = 8443, kDavPort = 8008;
constexpr int kImapSslPort = 993, kImapPort = 143;
constexpr int kSmtpSslPort = 465, kSmtpPort = 587;

// The property list's pieces, one CRLF-ended line each, at the indentation
// of cPanel's template (the calendar and contacts entries are indented one
// step deeper than the mail entry, as in the reference's sample).
class Plist {
 public:
  void line(int indent, const std::string& text) { out_ += std::string(indent, ' ') + text + "\r\n"; }
  void key(int indent, const std::string& k) { line(indent, "<key>" + html_escape(k) + "</key>"); }
  void string(int indent, const std::string& k, const std::string& v) {
    key(indent, k);
    line(indent, "<string>" + html_escape(v) + "</string>");
  }
  void integer(int indent, const std::string& k, long long v) {
    key(indent, k);
    line(indent, "<integer>" + std::to_string(v) + "</integer>");
  }
  void boolean(int indent, const std::string& k, bool v) {
    key(indent, k);
    line(indent, v ? "<true/>" : "<false/>");
  }
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

// A payload's UUID, derived from what it configures so that a profile made
// again for the same mailbox replaces the installed one on the device
// instead of adding a second (cPanel's UUIDs are random: UNCONFIRMED).
std::string payload_uuid(const std::string& identifier, const std::string& type) {
  const std::string h = sha256_hex(identifier + "\n" + type);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

// The common keys of one payload, in the template's order.
void payload_keys(Plist& p, int indent, const std::string& description, const std::string& display,
                  const std::string& identifier, const std::string& organization, const std::string& type) {
  p.string(indent, "PayloadDescription", description);
  p.string(indent, "PayloadDisplayName", display);
  p.string(indent, "PayloadIdentifier", identifier);
  p.string(indent, "PayloadOrganization", organization);
  p.string(indent, "PayloadType", type);
  p.string(indent, "PayloadUUID", payload_uuid(identifier, type));
  p.integer(indent, "PayloadVersion", 1);
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Cms = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

void free_cert_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using CertStack = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_cert_stack>>;

[[noreturn]] void signing_failed(const std::string& what) {
  ERR_clear_error();
  throw ApiError("The profile could not be signed with the service certificate (“" + std::string(kServiceCertificate) +
                 "”): " + what + ".");
}

Bio memory_bio(const std::string& data) { return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))); }

}  // namespace

std::string mobileconfig_plist(const MobileConfigRequest& r) {
  const auto at = r.address.rfind('@');
  const std::string local = r.address.substr(0, at), domain = r.address.substr(at + 1);
  const std::string identifier = "cpanel.mail.org." + local + "." + domain;
  const std::string secure = r.use_ssl ? "Secure " : "";
  const std::string dav_port = std::to_string(r.use_ssl ? kDavSslPort : kDavPort);
  Plist p;
  p.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  p.line(0,
         "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
         "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
  p.line(0, "<plist version=\"1.0\">");
  p.line(0, "<dict>");
  p.key(2, "PayloadContent");
  p.line(2, "<array>");
  if (r.caldav) {
    p.line(4, "<dict>");
    p.string(8, "CalDAVAccountDescription", r.address);
    p.string(8, "CalDAVHostName", r.hostname);
    p.integer(8, "CalDAVPort", r.use_ssl ? kDavSslPort : kDavPort);
    p.string(8, "CalDAVPrincipalURL", "/principals/__uids__/" + r.login + "/");
    p.boolean(8, "CalDAVUseSSL", r.use_ssl);
    p.string(8, "CalDAVUsername", r.login);
    const std::string what = r.address + " " + secure + "Calendar Setup";
    payload_keys(p, 8, what, what, identifier, domain, "com.apple.caldav.account");
    p.line(4, "</dict>");
  }
  if (r.carddav) {
    p.line(4, "<dict>");
    const std::string what = r.address + " " + secure + "Contacts Setup";
    p.string(8, "CardDAVAccountDescription", what);
    p.string(8, "CardDAVHostName", r.hostname + ":" + dav_port);
    p.boolean(8, "CardDAVUseSSL", r.use_ssl);
    p.string(8, "CardDAVUsername", r.login);
    payload_keys(p, 8, what, "CardDAV", identifier, domain, "com.apple.carddav.account");
    p.line(4, "</dict>");
  }
  if (r.email) {
    p.line(4, "<dict>");
    p.string(6, "EmailAccountDescription", r.address);
    p.string(6, "EmailAccountName", r.address);
    p.string(6, "EmailAccountType", "EmailTypeIMAP");
    p.string(6, "EmailAddress", r.address);
    p.string(6, "IncomingMailServerAuthentication", "EmailAuthPassword");
    p.string(6, "IncomingMailServerHostName", r.hostname);
    p.integer(6, "IncomingMailServerPortNumber", r.use_ssl ? kImapSslPort : kImapPort);
    p.boolean(6, "IncomingMailServerUseSSL", r.use_ssl);
    p.string(6, "IncomingMailServerUsername", r.login);
    p.string(6, "OutgoingMailServerAuthentication", "EmailAuthPassword");
    p.string(6, "OutgoingMailServerHostName", r.hostname);
    p.integer(6, "OutgoingMailServerPortNumber", r.use_ssl ? kSmtpSslPort : kSmtpPort);
    p.boolean(6, "OutgoingMailServerUseSSL", r.use_ssl);
    p.string(6, "OutgoingMailServerUsername", r.login);
    p.boolean(6, "OutgoingPasswordSameAsIncomingPassword", true);
    const std::string what = r.address + " " + secure + "Email Setup";
    payload_keys(p, 6, what, what, identifier, domain, "com.apple.mail.managed");
    p.boolean(6, "PreventAppSheet", false);
    p.boolean(6, "PreventMove", false);
    p.boolean(6, "SMIMEEnabled", false);
    p.string(6, "IncomingMailServerIMAPPathPrefix", "INBOX");
    p.line(4, "</dict>");
  }
  p.line(2, "</array>");
  const std::string what = r.address + " " + secure + "Email Setup";
  p.string(2, "PayloadDescription", what);
  p.string(2, "PayloadDisplayName", what);
  p.string(2, "PayloadIdentifier", identifier + "-email");
  p.string(2, "PayloadOrganization", identifier);
  p.boolean(2, "PayloadRemovalDisallowed", false);
  p.string(2, "PayloadType", "Configuration");
  p.string(2, "PayloadUUID", payload_uuid(identifier + "-email", "Configuration"));
  p.integer(2, "PayloadVersion", 1);
  p.line(0, "</dict>");
  p.line(0, "</plist>");
  return p.text();
}

std::string sign_mobileconfig(const std::string& plist, const std::optional<PemPair>& signer) {
  if (!signer) return plist;
  Bio key_in = memory_bio(signer->private_key), cert_in = memory_bio(signer->certificate);
  Key key(PEM_read_bio_PrivateKey(key_in.get(), nullptr, nullptr, nullptr));
  Cert cert(PEM_read_bio_X509(cert_in.get(), nullptr, nullptr, nullptr));
  if (!key || !cert) signing_failed("its key or certificate cannot be read");
  if (X509_check_private_key(cert.get(), key.get()) != 1) signing_failed("its key does not match its certificate");
  CertStack chain(sk_X509_new_null());
  while (X509* extra = PEM_read_bio_X509(cert_in.get(), nullptr, nullptr, nullptr)) sk_X509_push(chain.get(), extra);
  ERR_clear_error();  // the end of the chain reads as an error
  Bio data = memory_bio(plist);
  Cms cms(CMS_sign(cert.get(), key.get(), chain.get(), data.get(), CMS_BINARY));
  if (!cms) signing_failed("OpenSSL refused to sign");
  Bio out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), cms.get()) != 1) signing_failed("the signature cannot be encoded");
  char* bytes = nullptr;
  const long n = BIO_get_mem_data(out.get(), &bytes);
  return std::string(bytes, static_cast<size_t>(n));
}

}  // namespace whm
