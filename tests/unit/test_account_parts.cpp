// The small text steps a rename relies on.
#include <catch2/catch.hpp>

#include "account_parts.hpp"

using whm::rehome;
using whm::replace_domain;

TEST_CASE("replace_domain moves whole names only", "[rename]") {
  CHECK(replace_domain("bob.example. 14400 IN A 1.2.3.4", "bob.example", "new.example") ==
        "new.example. 14400 IN A 1.2.3.4");
  CHECK(replace_domain("mail.bob.example www.bob.example", "bob.example", "new.example") ==
        "mail.new.example www.new.example");
  CHECK(replace_domain("webmaster@bob.example", "bob.example", "new.example") == "webmaster@new.example");
  CHECK(replace_domain("/etc/apache2/logs/domlogs/bob.example-bytes_log", "bob.example", "new.example") ==
        "/etc/apache2/logs/domlogs/new.example-bytes_log");
  // Other names that merely contain it stay.
  CHECK(replace_domain("notbob.example", "bob.example", "new.example") == "notbob.example");
  CHECK(replace_domain("bob.example.org", "bob.example", "new.example") == "bob.example.org");
  CHECK(replace_domain("my-bob.example", "bob.example", "new.example") == "my-bob.example");
  CHECK(replace_domain("bob.examples", "bob.example", "new.example") == "bob.examples");
}

TEST_CASE("rehome moves paths inside the old home only", "[rename]") {
  CHECK(rehome("/home/bob", "/home/bob", "/home/robert") == "/home/robert");
  CHECK(rehome("/home/bob/public_html", "/home/bob", "/home/robert") == "/home/robert/public_html");
  CHECK(rehome("/home/bobby/public_html", "/home/bob", "/home/robert") == "/home/bobby/public_html");
  CHECK(rehome("/etc/passwd", "/home/bob", "/home/robert") == "/etc/passwd");
}
