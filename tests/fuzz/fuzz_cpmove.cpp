// libFuzzer target: account archive inspection (libarchive + whmkit's checks).
// Whatever the bytes, inspection either accepts or throws ApiError; it never
// crashes, and an accepted archive names a valid user and keeps only
// relative, ".."-free paths.
#include <unistd.h>

#include <cstdint>
#include <string>

#include "cpmove.hpp"
#include "errors.hpp"
#include "state.hpp"
#include "validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/whmkit-fuzz-cpmove-" + std::to_string(::getpid()) + ".tar";
  whm::atomic_write_file(path, std::string(reinterpret_cast<const char*>(data), size), 0600);
  try {
    whm::AccountArchive a = whm::inspect_account_archive(path);
    if (whm::username_syntax_error(a.user)) __builtin_trap();
    for (const auto& [rel, content] : a.files)
      if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos) __builtin_trap();
  } catch (const whm::ApiError&) {
  }
  return 0;
}
