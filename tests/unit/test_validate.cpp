#include <catch2/catch.hpp>

#include "validate.hpp"

using namespace whm;

TEST_CASE("usernames", "[validate]") {
  CHECK_FALSE(username_syntax_error("bob"));
  CHECK_FALSE(username_syntax_error("a1234567890abcde"));
  CHECK(username_syntax_error(""));
  CHECK(username_syntax_error("a1234567890abcdef"));  // 17 characters
  CHECK(username_syntax_error("1bob"));
  CHECK(username_syntax_error("Bob"));
  CHECK(username_syntax_error("bo-b"));
  CHECK(username_syntax_error("testing"));
  CHECK(username_syntax_error("root"));
  CHECK(username_syntax_error("system"));
  CHECK(username_syntax_error("mypassword"));
}

TEST_CASE("domains, emails, IPs", "[validate]") {
  CHECK_FALSE(domain_syntax_error("example.com"));
  CHECK_FALSE(domain_syntax_error("a-b.example.co.uk"));
  CHECK(domain_syntax_error("example"));
  CHECK(domain_syntax_error("-a.example.com"));
  CHECK(domain_syntax_error("a..com"));
  CHECK(domain_syntax_error("Example.com"));
  CHECK(domain_syntax_error("ex ample.com"));
  CHECK(domain_syntax_error("example.123"));
  CHECK(domain_syntax_error(std::string(64, 'a') + ".com"));
  CHECK(is_valid_email("a.b+c@example.com"));
  CHECK_FALSE(is_valid_email("nobody"));
  CHECK_FALSE(is_valid_email("a@b"));
  CHECK_FALSE(is_valid_email("a b@example.com"));
  CHECK(is_valid_ipv4("192.0.2.1"));
  CHECK_FALSE(is_valid_ipv4("192.0.2.256"));
  CHECK_FALSE(is_valid_ipv4("::1"));
}

TEST_CASE("locales and plain absolute paths", "[validate]") {
  for (const char* ok : {"en", "pt_br", "es_419", "zh-TW", "english-utf8"}) CHECK_FALSE(locale_syntax_error(ok));
  for (const char* bad : {"", "e", "../en", "en/x", "en_", "en us", "en.utf8", "a_b_c_d_e", "en_123456789"})
    CHECK(locale_syntax_error(bad));
  CHECK_FALSE(plain_absolute_path_error("/usr/local/bin/upload.pl"));
  for (const char* bad : {"", "relative", "/a//b", "/a/./b", "/a/../b", "/a/", "/a\nb"})
    CHECK(plain_absolute_path_error(bad));
}
