// Unit tests: TOTP (RFC 6238) and base32 (RFC 4648), checked against the RFCs'
// test vectors and against oathtool, an implementation other than ours.
#include <catch2/catch.hpp>

#include "process.hpp"
#include "two_factor.hpp"
#include "util.hpp"

using namespace whm;

namespace {
// RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const std::string kRfcKey = "12345678901234567890";
}  // namespace

TEST_CASE("base32 follows RFC 4648's test vectors", "[two_factor]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base32_encode(plain) == encoded);
    CHECK(base32_decode(encoded) == std::string(plain));
  }
  CHECK(base32_decode("MZXW6YTBOI======") == std::string("foobar"));  // padding accepted
  CHECK(base32_decode("mzxw6ytboi") == std::string("foobar"));        // lowercase too
  CHECK_FALSE(base32_decode("MZXW1").has_value());                    // 1 is not in the alphabet
  CHECK(valid_two_factor_secret("JBSWY3DPEHPK3PXP"));
  CHECK_FALSE(valid_two_factor_secret("JBSWY3DP EHPK"));
  CHECK_FALSE(valid_two_factor_secret("JBSWY3D0"));
}

TEST_CASE("TOTP codes are RFC 6238's SHA-1 test vectors", "[two_factor]") {
  const std::pair<std::time_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
  };
  for (const auto& [t, code] : vectors) {
    INFO(t);
    CHECK(totp_code(kRfcKey, t, 8) == code);
    CHECK(totp_code(kRfcKey, t) == std::string(code).substr(2));  // 6 digits: the same value mod 10^6
  }
}

TEST_CASE("a code is accepted one step either side, and only then", "[two_factor]") {
  const std::string secret = base32_encode(kRfcKey);
  const std::time_t t = 1111111109;  // its step starts at 1111111080
  const std::string code = totp_code(kRfcKey, t);
  CHECK(totp_code_matches(secret, code, t));
  CHECK(totp_code_matches(secret, code, t - 30));
  CHECK(totp_code_matches(secret, code, t + 30));
  CHECK_FALSE(totp_code_matches(secret, code, t + 60));
  CHECK_FALSE(totp_code_matches(secret, code, t - 60));
  CHECK_FALSE(totp_code_matches(secret, code.substr(0, 5), t));
  CHECK_FALSE(totp_code_matches(secret, code + "0", t));
  CHECK_FALSE(totp_code_matches("not base32!", code, t));
}

TEST_CASE("our codes are the codes oathtool computes", "[two_factor][oathtool]") {
  if (!program_available("oathtool")) {
    WARN("oathtool is not installed (scripts/install-deps.sh): skipped");
    return;
  }
  for (int i = 0; i < 5; ++i) {
    const std::string secret = generate_two_factor_secret();
    const std::time_t t = 1700000000 + i * 4321;
    auto out = run_capture({"oathtool", "--totp", "-b", "-N", "@" + std::to_string(t), secret});
    REQUIRE(out.has_value());
    INFO(secret << " at " << t);
    CHECK(trim(*out) == totp_code(*base32_decode(secret), t));
    CHECK(totp_code_matches(secret, trim(*out), t));
  }
}

TEST_CASE("generated secrets are 16 base32 characters, each new", "[two_factor]") {
  const std::string a = generate_two_factor_secret(), b = generate_two_factor_secret();
  CHECK(a.size() == 16);
  CHECK(valid_two_factor_secret(a));
  CHECK(base32_decode(a)->size() == 10);
  CHECK(a != b);
}

TEST_CASE("the otpauth URL has the reference's shape", "[two_factor]") {
  // UAPI's example: otpauth://totp/Example%20cPanel%20L.L.C.:fakedomain?secret=...&issuer=Example%20cPanel%20L.L.C.
  CHECK(otpauth_url("Example cPanel L.L.C.", "fakedomain", "S3I4WUY7MTHRMMWN") ==
        "otpauth://totp/Example%20cPanel%20L.L.C.:fakedomain?secret=S3I4WUY7MTHRMMWN&issuer=Example%20cPanel%20L.L.C.");
  CHECK(otpauth_url("host.example.com", "box@example.com", "ABC") ==
        "otpauth://totp/host.example.com:box%40example.com?secret=ABC&issuer=host.example.com");
}

TEST_CASE("issuers are checked as cPanel checks them", "[two_factor]") {
  CHECK(checked_two_factor_issuer("My Host-1.example_x") == "My Host-1.example_x");
  CHECK(checked_two_factor_issuer("'Quoted'") == "Quoted");
  CHECK(checked_two_factor_issuer("''") == "");
  CHECK_THROWS_WITH(checked_two_factor_issuer("bad/issuer"), Catch::Matchers::Contains("32 characters"));
  CHECK_THROWS(checked_two_factor_issuer(std::string(33, 'a')));
  CHECK_THROWS(checked_two_factor_issuer("line\nbreak"));
}
