// Registrations built on first need instead of at start-up (bench/results.md,
// start-up). A command file's functions are one WHMKIT_REGISTRATIONS block:
//   WHMKIT_REGISTRATIONS(ftp_functions,
//       Registration(uapi("list_ftp", list_ftp, Access::Read)),
//       ...);
// The block's entry is a constant in the section whmkit_registrations, so
// the program's start does no work for it; the entries (and everything they
// use) are evaluated when a call first looks up one of the block's functions.
// The generated lookup index (apps/registry_index.cpp) names the block of
// each function; without it (the tests) the first lookup builds every block.
// The earlier form, `const Registration x[] = {...};` at namespace scope,
// still works (it registers at static initialisation, which every call pays):
// scripts/convert-registrations.py turns it into a block.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "registry.hpp"

namespace whm {

struct LazyRegistrations {
  const char* id;  // "ftp.cpp:ftp_functions"
  void (*build)();
};

// The generated lookup index: which block registers each function.
struct RegistryIndexEntry {
  int api;
  const char* module;  // "" for WHM API 1
  const char* name;
  const char* block;  // LazyRegistrations::id
};
struct RegistryIndex {
  const RegistryIndexEntry* entries;  // sorted by api, module, name (strcmp)
  size_t count;
};
// The index linked into the program, or nullptr.
const RegistryIndex* registry_index();

// Every block built, naming the block of each function it registered (for
// the index's generator).
struct RegisteredName {
  Api api;
  std::string module, name, block;
};
std::vector<RegisteredName> build_all_registrations_recording();

}  // namespace whm

#define WHMKIT_REGISTRATIONS(block, ...)                                                                \
  static void block##_build() {                                                                         \
    const ::whm::Registration block[] = {__VA_ARGS__};                                                  \
    (void)block;                                                                                        \
  }                                                                                                     \
  [[gnu::used, gnu::section("whmkit_registrations")]] constexpr ::whm::LazyRegistrations block##_lazy { \
    __FILE_NAME__ ":" #block, &block##_build                                                            \
  }
