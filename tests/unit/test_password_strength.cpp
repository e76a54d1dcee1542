// cPanel's password strength rating (see password_strength.hpp), with the
// numbers worked out by hand from its rules.
#include <catch2/catch.hpp>

#include "password_strength.hpp"

using namespace whm;

TEST_CASE("password strength: short, listed and patterned passwords", "[password]") {
  CHECK(password_strength("") == 0);
  CHECK(password_strength("abc") == 1);                             // shorter than 4
  CHECK(password_strength("Secret-pass1", {"secret-pass1"}) == 1);  // on a bad-password list, in any case
  // a fresh (log2 26), then b c d each next to the one before (log2 3): 7.3 bits of 70.
  CHECK(password_strength("abcd") == 10);
  // As in cPanel, the character after a "0" counts as fresh: 0 1 fresh, 2 3 patterned.
  CHECK(password_strength("0123") == 14);
  // Only a-f: the lower-case pool is 6, not 26.
  CHECK(password_strength("deadbeef") == 25);
}

TEST_CASE("password strength: character classes and the 70-bit cap", "[password]") {
  // 7 fresh + 5 patterned characters over digits and lower case (36): 44.1 bits.
  CHECK(password_strength("12345luggage") == 63);
  CHECK(password_strength("password") == 49);
  // 10 fresh + 1 patterned over upper, lower, digits and symbols (84): 65.6 bits.
  CHECK(password_strength("S3cure.pass") == 93);
  CHECK(password_strength("Secret-pass1") == 100);  // over 70 bits
  // "@" is in no class: the password could hold anything (pool 89).
  CHECK(password_strength("p@ss") == 30);
}
