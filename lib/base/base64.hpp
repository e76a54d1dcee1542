// Base64 (RFC 4648, with padding), as key files, DNS records and the UAPI
// line model carry it.
#pragma once
#include <optional>
#include <string>

namespace whm {

std::string base64_encode(const std::string& bytes);
// The bytes `text` encodes; nullopt unless it is canonical base64 (a length
// that is a multiple of 4, "=" only as the last one or two characters).
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace whm
