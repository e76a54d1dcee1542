#include "curl_api.hpp"

namespace whm {

const CurlApi& cu() {
  static const CurlApi api = [] {
    CurlApi a;
    LazyLibrary lib("libcurl.so.4", "libcurl");
    WHMKIT_CURL_FUNCTIONS(WHMKIT_LAZY_RESOLVE)
    return a;
  }();
  return api;
}

}  // namespace whm
