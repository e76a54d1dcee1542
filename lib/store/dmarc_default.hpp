// The server's default DMARC record (WHM set_default_dmarc_record): what
// validate_current_dmarcs suggests, and what a new account's zone should
// publish. Kept in var/cpanel/email_auth/default_dmarc_record, the record
// on one line (UNCONFIRMED: cPanel's file is not documented); no file: the
// built-in default, "v=DMARC1; p=none;".
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

inline constexpr const char* kDefaultDmarcFile = "var/cpanel/email_auth/default_dmarc_record";
inline constexpr const char* kBuiltInDmarc = "v=DMARC1; p=none;";

// The record in force; a stored one that is not a DMARC record is passed
// over with a warning (the built-in one applies).
std::string default_dmarc_record(const Transaction& view);
// Stores `record` (checked: invalid_param naming `param`), or with "" goes
// back to the built-in one; false when nothing changed.
bool stage_default_dmarc_record(Transaction& txn, const std::string& param, const std::string& record);

}  // namespace whm
