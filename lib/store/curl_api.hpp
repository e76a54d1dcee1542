// libcurl, opened on first use (see lazy_library.hpp), for the backup
// transports: backup_destinations.cpp (FTP, SFTP, WebDAV) and
// google_drive.cpp (Google's OAuth 2 and Drive endpoints).
#pragma once
// The pointer table needs the plain declarations, not the type-checking macros.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

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

// One easy handle with its error buffer and header lists, freed together.
struct CurlHandle {
  CURL* h = cu().curl_easy_init();
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* quote = nullptr;
  curl_slist* headers = nullptr;
  CurlHandle() = default;
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  ~CurlHandle() {
    if (quote) cu().curl_slist_free_all(quote);
    if (headers) cu().curl_slist_free_all(headers);
    if (h) cu().curl_easy_cleanup(h);
  }
};

}  // namespace whm
