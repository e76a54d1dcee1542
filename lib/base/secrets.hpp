// Secrets: random strings, digests, and comparing without leaking timing.
#pragma once
#include <string>

namespace whm {

// `length` characters drawn uniformly from `alphabet` (OpenSSL's CSPRNG).
std::string random_string(size_t length, const std::string& alphabet);
inline std::string random_digits(size_t length) { return random_string(length, "0123456789"); }

// Lower-case hex digests.
std::string sha256_hex(const std::string& data);
std::string sha512_hex(const std::string& data);

// Whether a and b are equal, in a time that does not depend on where they
// differ (CRYPTO_memcmp); only the lengths may show.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace whm
