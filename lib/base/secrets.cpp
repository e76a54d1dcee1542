#include "secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "errors.hpp"

namespace whm {

std::string random_string(size_t length, const std::string& alphabet) {
  if (alphabet.empty() || alphabet.size() > 256) throw std::logic_error("random_string: bad alphabet");
  // Bytes at or above the largest multiple of the alphabet's size are
  // dropped, so every character is equally likely.
  const unsigned limit = 256 - (256 % alphabet.size());
  std::string out;
  unsigned char buf[64];
  while (out.size() < length) {
    if (RAND_bytes(buf, sizeof buf) != 1) throw ApiError("Cannot read random bytes.");
    for (unsigned char b : buf)
      if (b < limit && out.size() < length) out += alphabet[b % alphabet.size()];
  }
  return out;
}

static std::string digest_hex(const EVP_MD* md, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) != 1) throw ApiError("Cannot compute a digest.");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string sha256_hex(const std::string& data) { return digest_hex(EVP_sha256(), data); }
std::string sha512_hex(const std::string& data) { return digest_hex(EVP_sha512(), data); }

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace whm
