#include "ppk.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "base64.hpp"
#include "errors.hpp"

namespace whm {
namespace {

[[noreturn]] void openssl_failed(const char* what) {
  throw ApiError(std::string("Writing the PuTTY key failed: OpenSSL could not ") + what + ".");
}

// An SSH string: a 32-bit big-endian length, then the bytes.
std::string ssh_string(const std::string& bytes) {
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  std::string out;
  for (int shift : {24, 16, 8, 0}) out += static_cast<char>((n >> shift) & 0xff);
  return out + bytes;
}

std::string sha1(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out, &n, EVP_sha1(), nullptr) != 1) openssl_failed("hash");
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string hmac_sha1(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t n = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, key.data(), key.size(),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &n))
    openssl_failed("compute the MAC");
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

std::string aes256_cbc(const std::string& plain, const std::string& passphrase) {
  std::string key =
      (sha1(std::string("\0\0\0\0", 4) + passphrase) + sha1(std::string("\0\0\0\1", 4) + passphrase)).substr(0, 32);
  const unsigned char iv[16] = {0};
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(plain.size(), '\0');
  int n = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         iv) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                        reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())) != 1 ||
      n != static_cast<int>(plain.size()))
    openssl_failed("encrypt the key");
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

// The base64 of `bytes` cut into lines of 64 characters, each ending in "\n".
std::string base64_lines(const std::string& bytes, size_t& count) {
  const std::string text = base64_encode(bytes);
  std::string out;
  count = 0;
  for (size_t i = 0; i < text.size(); i += 64, ++count) out += text.substr(i, 64) + "\n";
  return out;
}

}  // namespace

std::string ppk_v2(const PpkKey& key, const std::string& passphrase) {
  if (std::any_of(key.comment.begin(), key.comment.end(),
                  [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); }))
    throw ApiError("A PuTTY key's comment is one line of text.");
  const bool encrypted = !passphrase.empty();
  const std::string encryption = encrypted ? "aes256-cbc" : "none";

  std::string private_blob = key.private_blob;
  if (encrypted) {  // padded to the cipher's block with the start of its own hash, as PuTTY does
    const size_t padded = (private_blob.size() + 15) / 16 * 16;
    private_blob += sha1(key.private_blob).substr(0, padded - private_blob.size());
  }
  const std::string mac_data = ssh_string(key.algorithm) + ssh_string(encryption) + ssh_string(key.comment) +
                               ssh_string(key.public_blob) + ssh_string(private_blob);
  const std::string mac = hmac_sha1(sha1("putty-private-key-file-mac-key" + passphrase), mac_data);

  size_t public_lines = 0, private_lines = 0;
  const std::string public_text = base64_lines(key.public_blob, public_lines);
  const std::string private_text =
      base64_lines(encrypted ? aes256_cbc(private_blob, passphrase) : private_blob, private_lines);
  OPENSSL_cleanse(private_blob.data(), private_blob.size());
  return "PuTTY-User-Key-File-2: " + key.algorithm + "\n" + "Encryption: " + encryption + "\n" +
         "Comment: " + key.comment + "\n" + "Public-Lines: " + std::to_string(public_lines) + "\n" + public_text +
         "Private-Lines: " + std::to_string(private_lines) + "\n" + private_text + "Private-MAC: " + hex(mac) + "\n";
}

}  // namespace whm
