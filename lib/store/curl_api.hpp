// libcurl, opened on first use (see lazy_library.hpp), for every request
// whmkit makes: backup transports (FTP, SFTP, WebDAV, Google Drive), linked
// server nodes, the myip service, notification test messages.
//
// Where connections may go is decided here, once: a program working on a
// state root other than "/" (tests, the demo, a copy of a server's files)
// connects only to this machine's loopback addresses, whatever URL it is
// given. That is the default; a program lifts it only for the real server.
#pragma once
// The pointer table needs the plain declarations, not the type-checking macros.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <string>

#include "lazy_library.hpp"

// clang-format off
#define WHMKIT_CURL_FUNCTIONS(X) \
  X(curl_easy_cleanup) \
  X(curl_easy_getinfo) \
  X(curl_easy_init) \
  X(curl_easy_perform) \
  X(curl_easy_setopt) \
  X(curl_easy_strerror) \
  X(curl_easy_escape) \
  X(curl_free) \
  X(curl_slist_append) \
  X(curl_slist_free_all)
// clang-format on

namespace whm {

struct CurlApi {
  WHMKIT_CURL_FUNCTIONS(WHMKIT_LAZY_POINTER)
};
// The functions; throws NotAvailableError if libcurl cannot be opened.
const CurlApi& cu();

// The host a URL names: "example.com", "127.0.0.1", "::1" (no brackets).
std::string host_of_url(const std::string& url);
// 127.0.0.0/8, ::1 or "localhost".
bool is_loopback_host(const std::string& host);

// Runs the transfer the handle is set up for (its URL: `url`). In a dry run
// (dry_run.hpp) no connection is made: it is recorded, and the transfer
// fails as if the server could not be reached.
CURLcode perform_transfer(CURL* handle, const std::string& url);

// The programs call this once, with true only when their state root is "/".
void allow_connections_beyond_loopback(bool allowed);
bool connections_beyond_loopback_allowed();

// One easy handle with its error buffer and header lists, freed together;
// confined to loopback unless allow_connections_beyond_loopback(true).
struct CurlHandle {
  CURL* h = cu().curl_easy_init();
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* quote = nullptr;
  curl_slist* headers = nullptr;
  CurlHandle();
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  ~CurlHandle() {
    if (quote) cu().curl_slist_free_all(quote);
    if (headers) cu().curl_slist_free_all(headers);
    if (h) cu().curl_easy_cleanup(h);
  }
};

}  // namespace whm
