// PuTTY's private key file, format version 2 ("PuTTY-User-Key-File-2"), as
// puttygen writes it (PuTTY's sshpubk.c):
//
//   PuTTY-User-Key-File-2: ssh-rsa
//   Encryption: none | aes256-cbc
//   Comment: imported-openssh-key
//   Public-Lines: N        then the public blob, base64, 64 characters a line
//   Private-Lines: M       then the private blob, base64, 64 characters a line
//   Private-MAC: <hex HMAC-SHA1>
//
// With a passphrase the private blob is padded to 16 bytes with the start of
// its own SHA-1 and encrypted with AES-256-CBC (IV zero; key SHA-1(00000000
// passphrase) || SHA-1(00000001 passphrase), cut to 32 bytes). The MAC is
// HMAC-SHA1, keyed with SHA-1("putty-private-key-file-mac-key" passphrase),
// over the SSH strings of the algorithm, the encryption, the comment, the
// public blob and the (padded, unencrypted) private blob.
// Version 2, not 3: version 3 derives its keys with Argon2, which the
// OpenSSL whmkit builds with (3.0) lacks; every PuTTY since 0.52 reads 2.
#pragma once
#include <string>

namespace whm {

struct PpkKey {
  std::string algorithm;     // "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256"...
  std::string public_blob;   // SSH wire format
  std::string private_blob;  // the private fields, as PuTTY keeps them
  std::string comment;       // one line
};

// The file's text; encrypted when `passphrase` is not empty. Throws ApiError
// if the comment is not one line or OpenSSL fails.
std::string ppk_v2(const PpkKey& key, const std::string& passphrase);

}  // namespace whm
