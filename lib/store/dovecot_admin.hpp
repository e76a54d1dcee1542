// What only the server's Dovecot knows about a mailbox (its folders' GUIDs,
// message counts and sizes as its indexes have them) and what only it should
// change (expunging messages, so its indexes and dovecot-uidlist stay right):
// asked of the real Dovecot through doveadm, never by editing the Maildir.
//
// The server's Dovecot is the one etc/dovecot/dovecot.conf under the state
// root describes (doveadm -c): doveadm reaches that Dovecot's auth (userdb)
// and anvil sockets through the file's base_dir. Arguments go to doveadm as
// they are (no shell).
#pragma once
#include <string>
#include <vector>

#include "account_store.hpp"
#include "state.hpp"

namespace whm {

inline constexpr const char* kDovecotConfig = "etc/dovecot/dovecot.conf";

// doveadm -c <config>; throws ApiError ending in `consequence` when the root
// has no Dovecot configuration or doveadm is not installed.
std::vector<std::string> doveadm_command(const StateRoot& root, const std::string& consequence);

// One folder of a mailbox as Dovecot lists it ("INBOX", "INBOX.Sent"...).
struct DovecotFolderStatus {
  std::string mailbox, guid;
  long long messages = 0, vsize = 0;
};
// Every folder of `login` (an address, or the cPanel user for the account's
// own mailbox): doveadm mailbox status.
std::vector<DovecotFolderStatus> dovecot_folder_status(const StateRoot& root, const std::string& login);

// Expunges the messages of `login` that match `query` (Dovecot's search query
// language, one word per argument) in the folder `selector` names:
// {"mailbox", "<name>"} or {"mailbox-guid", "<guid>"}.
void dovecot_expunge(const StateRoot& root, const std::string& login, const std::vector<std::string>& selector,
                     const std::vector<std::string>& query);

// Ends every IMAP and POP3 session of the account's mailboxes and of its
// main account (doveadm kick, one login at a time).
void dovecot_kick_account(const StateRoot& root, const CpanelAccount& account);

// Has Dovecot's full-text search plugin rebuild the index of `login`'s
// folders (doveadm fts rescan); throws when the plugin is not installed.
void dovecot_fts_rescan(const StateRoot& root, const std::string& login);

}  // namespace whm
