// Shared libraries opened the first time a function needs them. libcurl and
// libarchive bring in some forty more libraries (TLS, Kerberos, LDAP, ICU...)
// whose loading and constructors would add about 4 ms to every call of the
// program, although only backups and transports use them.
//
// Usage: list the functions in an X-macro, then
//   #define CURL_FUNCTIONS(X) X(curl_easy_init) X(curl_easy_setopt)
//   WHMKIT_LAZY_API(CurlApi, cu, "libcurl.so.4", "libcurl", CURL_FUNCTIONS)
// declares a table of pointers with the exact types of the declarations and
// an accessor cu() that opens the library on its first call: cu().curl_easy_init().
#pragma once
#include <string>

namespace whm {

class LazyLibrary {
 public:
  // Throws NotAvailableError naming `what` if the library cannot be opened.
  LazyLibrary(const char* soname, const char* what);
  // The symbol's address; throws NotAvailableError if it is missing.
  void* symbol(const char* name) const;

 private:
  void* handle_ = nullptr;
  std::string soname_, what_;
};

}  // namespace whm

#define WHMKIT_LAZY_POINTER(name) decltype(&::name) name = nullptr;
#define WHMKIT_LAZY_RESOLVE(name) a.name = reinterpret_cast<decltype(&::name)>(lib.symbol(#name));
#define WHMKIT_LAZY_API(Type, accessor, soname, what, FUNCTIONS) \
  struct Type {                                                  \
    FUNCTIONS(WHMKIT_LAZY_POINTER)                               \
  };                                                             \
  const Type& accessor() {                                       \
    static const Type api = [] {                                 \
      Type a;                                                    \
      ::whm::LazyLibrary lib(soname, what);                      \
      FUNCTIONS(WHMKIT_LAZY_RESOLVE)                             \
      return a;                                                  \
    }();                                                         \
    return api;                                                  \
  }
