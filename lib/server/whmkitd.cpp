#include "whmkitd.hpp"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <thread>

#include "access_log.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "http_api.hpp"
#include "request.hpp"
#include "service_certificate.hpp"
#include "util.hpp"

namespace whm {

bool parse_listen_address(const std::string& text, std::string& address, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  address = text.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  const std::string digits = text.substr(colon + 1);
  if (!is_digits(digits) || digits.empty() || digits.size() > 5) return false;
  port = std::stoi(digits);
  return port > 0 && port < 65536;
}

namespace {

std::string read_text_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw ApiError("Cannot read “" + path + "”.");
  return *text;
}

// The SSL context both listeners share: TLS 1.2 and later, our certificate.
bool setup_tls(SSL_CTX& ctx, const PemPair& pem) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  BIO* cert_bio = BIO_new_mem_buf(pem.certificate.data(), static_cast<int>(pem.certificate.size()));
  BIO* key_bio = BIO_new_mem_buf(pem.private_key.data(), static_cast<int>(pem.private_key.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  bool ok = cert && key && SSL_CTX_use_certificate(&ctx, cert) == 1 && SSL_CTX_use_PrivateKey(&ctx, key) == 1 &&
            SSL_CTX_check_private_key(&ctx) == 1;
  // The rest of the certificate file: the chain.
  while (ok) {
    X509* extra = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    if (!extra) break;
    if (SSL_CTX_add_extra_chain_cert(&ctx, extra) != 1) X509_free(extra);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  return ok;
}

// The port's session cookie from the Cookie header, URL-decoded.
std::string session_cookie(const httplib::Request& req, Port port) {
  const std::string wanted = session_cookie_of(port);
  for (size_t i = 0, n = req.get_header_value_count("Cookie"); i < n; ++i)
    for (const auto& part : split(req.get_header_value("Cookie", i), ';')) {
      const std::string item = trim(part);
      const auto eq = item.find('=');
      if (eq != std::string::npos && item.substr(0, eq) == wanted) return uri_decode(item.substr(eq + 1));
    }
  return "";
}

}  // namespace

struct Whmkitd::Impl {
  const StateRoot& root;
  ServerOptions options;
  PemPair pem;
  ServerLogs logs;
  std::unique_ptr<httplib::SSLServer> whm, cpanel;
  std::thread whm_thread;

  Impl(const StateRoot& r, ServerOptions o) : root(r), options(std::move(o)), logs(r) {}

  std::unique_ptr<httplib::SSLServer> make_server(Port port) {
    auto server = std::make_unique<httplib::SSLServer>([this](SSL_CTX& ctx) { return setup_tls(ctx, pem); });
    const size_t workers = options.workers;
    server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    server->set_read_timeout(options.read_timeout_seconds, 0);
    server->set_write_timeout(options.read_timeout_seconds, 0);
    server->set_keep_alive_timeout(options.keep_alive_seconds);
    server->set_keep_alive_max_count(options.keep_alive_requests);
    server->set_payload_max_length(options.max_body_bytes);
    server->set_tcp_nodelay(true);
    auto handler = [this, port](const httplib::Request& req, httplib::Response& res) { serve_one(port, req, res); };
    server->Get(".*", handler);
    server->Post(".*", handler);
    server->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content("Internal Server Error\n", "text/plain; charset=UTF-8");
    });
    return server;
  }

  void serve_one(Port port, const httplib::Request& req, httplib::Response& res) {
    const std::time_t now = std::time(nullptr);
    HttpRequest request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [k, v] : req.params) request.params.emplace_back(k, v);
    const std::string type = req.get_header_value("Content-Type");
    HttpResponse answer;
    bool bad_body = false;
    if (req.method == "POST" && starts_with(type, "application/json")) {
      try {
        for (auto& p : json_body_params(req.body)) request.params.push_back(std::move(p));
      } catch (const std::exception&) {
        bad_body = true;
      }
    }
    Credentials& creds = request.credentials;
    creds.authorization = req.get_header_value("Authorization");
    creds.otp = req.get_header_value("X-CPANEL-OTP");
    creds.session_cookie = session_cookie(req, port);
    creds.remote_ip = req.remote_addr;
    if (bad_body) {
      answer.status = 400;
      answer.content_type = "text/plain; charset=UTF-8";
      answer.body = "The request body is not a JSON object.\n";
    } else {
      answer = handle_http_request(root, port, request, now);
    }
    res.status = answer.status;
    for (const auto& [k, v] : answer.headers) res.set_header(k, v);
    res.set_content(answer.body, answer.content_type.c_str());

    LogEntry entry;
    entry.remote_ip = req.remote_addr;
    entry.user = answer.user;
    entry.request_line = req.method + " " + req.target + " " + req.version;
    entry.referer = req.get_header_value("Referer");
    entry.agent = req.get_header_value("User-Agent");
    entry.auth = auth_letter(answer.auth_method);
    entry.forwarded_for = req.get_header_value("X-Forwarded-For");
    entry.status = answer.status;
    entry.size = answer.body.size();
    entry.port = req.local_port;
    entry.when = now;
    logs.access(entry);
    if (!answer.failure.empty()) logs.failed_login(entry, service_of(port), answer.failure);
  }

  // access_log's authentication field: b Basic, a API token, s session.
  static std::string auth_letter(const std::string& method) {
    if (method == "password") return "b";
    if (method == "token") return "a";
    if (method == "session") return "s";
    return "-";
  }
};

Whmkitd::Whmkitd(const StateRoot& root, ServerOptions options)
    : impl_(std::make_unique<Impl>(root, std::move(options))) {}
Whmkitd::~Whmkitd() = default;

bool Whmkitd::bind(std::string& error) {
  Impl& s = *impl_;
  try {
    if (!s.options.cert_file.empty())
      s.pem = {read_text_file(s.options.cert_file),
               read_text_file(s.options.key_file.empty() ? s.options.cert_file : s.options.key_file)};
    else
      s.pem = load_or_create_service_certificate(s.root, server_hostname(s.root));
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  s.whm = s.make_server(Port::Whm);
  s.cpanel = s.make_server(Port::Cpanel);
  if (!s.whm->is_valid() || !s.cpanel->is_valid()) {
    error = "The TLS certificate and key cannot be used (do they match?).";
    return false;
  }
  for (auto [server, listen] :
       {std::pair{s.whm.get(), s.options.whm_listen}, {s.cpanel.get(), s.options.cpanel_listen}}) {
    std::string address;
    int port = 0;
    if (!parse_listen_address(listen, address, port)) {
      error = "“" + listen + "” is not ADDRESS:PORT.";
      return false;
    }
    if (!server->bind_to_port(address, port)) {
      error = "Cannot listen on " + listen + ".";
      return false;
    }
  }
  return true;
}

void Whmkitd::serve() {
  Impl& s = *impl_;
  s.whm_thread = std::thread([&s] { s.whm->listen_after_bind(); });
  s.cpanel->listen_after_bind();
  s.whm_thread.join();
}

void Whmkitd::stop() {
  impl_->whm->stop();
  impl_->cpanel->stop();
}

}  // namespace whm
