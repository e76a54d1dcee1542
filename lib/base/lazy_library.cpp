#include "lazy_library.hpp"

#include <dlfcn.h>

#include "errors.hpp"

namespace whm {

LazyLibrary::LazyLibrary(const char* soname, const char* what) : soname_(soname), what_(what) {
  // Never closed: the function pointers taken from it live as long as the process.
  handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = ::dlerror();
    throw NotAvailableError(what_ + " (" + soname_ + ") is not installed: " + (why ? why : "dlopen failed"));
  }
}

void* LazyLibrary::symbol(const char* name) const {
  void* p = ::dlsym(handle_, name);
  if (!p) throw NotAvailableError(what_ + " (" + soname_ + ") has no function " + name + ".");
  return p;
}

}  // namespace whm
