// Public contact information: who a reseller's domains name as their point
// of contact (after WHOIS). As cPanel keeps it: var/cpanel/public_contact/<user>,
// a JSON object {"name": ..., "url": ...} (mode 0644, the directory 0711:
// cPanel's contact page reads it unprivileged). Root's is "root"; a reseller
// without one of its own falls back to root's. A reseller's file is part of
// its account's lifecycle.
#pragma once
#include <optional>
#include <string>

namespace whm {

class Transaction;

namespace public_contact {
inline constexpr const char* kDir = "var/cpanel/public_contact";
inline constexpr size_t kMaxLength = 1024;  // bytes, each of name and url
}  // namespace public_contact

struct PublicContact {
  std::string name, url;
};

// `user`'s contact, or root's when `user` has none with a value (each item
// at least ""); nullopt fallback is not taken for root itself.
PublicContact load_public_contact(const Transaction& txn, const std::string& user);
// Stages `user`'s contact with the given items changed (others kept). A url
// that starts with neither http://, https:// nor mailto: gets "http://" in
// front, as cPanel does. ApiError for an item over kMaxLength bytes.
void stage_public_contact(Transaction& txn, const std::string& user, const std::optional<std::string>& name,
                          const std::optional<std::string>& url);

}  // namespace whm
