// The security suite: hostile and careless calls against the real binaries on
// temporary state roots. Each refused call is checked to have changed nothing
// on disk; the total is printed for the record.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>

#include "harness.hpp"

int main(int argc, char** argv) {
  int status = Catch::Session().run(argc, argv);
  std::printf("hostile cases tried and refused: %d\n", test::refused_cases());
  return status;
}
