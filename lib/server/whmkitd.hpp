// whmkitd's network side: two HTTPS listeners (WHM and cPanel) on
// cpp-httplib with OpenSSL, a bounded pool of worker threads, limits on
// headers, bodies and slow clients, and the logs. What a request means is
// http_api.hpp's; this file only moves bytes.
#pragma once
#include <memory>
#include <string>

#include "state.hpp"

namespace whm {

struct ServerOptions {
  std::string whm_listen = "0.0.0.0:2087";
  std::string cpanel_listen = "0.0.0.0:2083";
  std::string cert_file, key_file;  // empty: the service certificate (lib/store/service_certificate.hpp)
  size_t workers = 64;              // connections served at once, per listener
  size_t max_body_bytes = 32 << 20;
  int read_timeout_seconds = 20;      // a client that sends nothing for this long is dropped
  int keep_alive_seconds = 10;        // an idle kept-alive connection is closed after this
  size_t keep_alive_requests = 1000;  // requests on one connection before it is closed
};

class Whmkitd {
 public:
  Whmkitd(const StateRoot& root, ServerOptions options);
  ~Whmkitd();
  // Binds both listeners; false with `error` set if one cannot be bound.
  bool bind(std::string& error);
  // Serves until stop() (blocks).
  void serve();
  // Stops accepting, finishes the requests in flight, and returns from serve().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "ADDRESS:PORT" ("[::1]:2087" for IPv6) as address and port; false if malformed.
bool parse_listen_address(const std::string& text, std::string& address, int& port);

}  // namespace whm
