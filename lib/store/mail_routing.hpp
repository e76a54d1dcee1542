// Where a domain's mail goes, in cPanel's files under the state root (all
// root's, mode 0640 group mail unless noted):
//   etc/valiases/<domain>        "local@domain: dest1,dest2" per address, in
//                                file order, and the default address "*: dest"
//   etc/vdomainaliases/<domain>  "<domain>: <target domain>" (all mail to another domain)
//   etc/localdomains             one domain per line: its mail is delivered here
//   etc/remotedomains (0644)     ... delivered to a remote mail exchanger
//   etc/secondarymx              ... kept here until the primary exchanger takes it
// Exim reads valiases as an lsearch file: a key, a colon, the value; a line
// starting with white space continues the one before. Every line written
// here starts with its key and holds no control byte, so each entry is one
// line. A destination is an address, the account's user name (its main
// mailbox), ":fail: text", ":blackhole:", "|/path/program args" or "/path/file".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "account_parts.hpp"
#include "cpuser.hpp"
#include "damage.hpp"
#include "state.hpp"

namespace whm {

// ---- destinations ------------------------------------------------------

enum class DestinationKind { Address, User, Fail, Blackhole, Pipe, File };
DestinationKind destination_kind(const std::string& dest);
// The destination without the double quotes around it ("|/home/bob/prog arg").
std::string unquote_destination(const std::string& dest);
// nullopt when `dest` may be written for an account whose home is `home`
// ("/home/bob"): no control byte, an address or user name well formed, a
// pipe's program and a file inside the home (or cPanel's autorespond); else why not.
std::optional<std::string> destination_error(const std::string& dest, const std::string& home);
// What cPanel's add_auto_responder puts in an address's valiases line:
// "|/usr/local/cpanel/bin/autorespond <address> <home>/.autorespond", quoted.
std::string autoresponder_destination(const std::string& address, const std::string& home);
bool is_autoresponder_destination(const std::string& dest);
// The destinations of one valiases value: split at commas outside double
// quotes, trimmed; ":fail: text" and ":defer: text" take the whole value.
std::vector<std::string> split_destinations(const std::string& value);

// ---- etc/valiases/<domain> ---------------------------------------------

struct AliasEntry {
  std::string address;  // "local@domain"
  std::vector<std::string> destinations;
};

// One domain's valiases file, read leniently (a line that does not parse is
// listed in problems(), and stage() then refuses to rewrite the file).
class DomainAliases {
 public:
  DomainAliases(const Transaction& view, std::string domain);
  // An empty file for `domain`, to be filled and staged.
  explicit DomainAliases(std::string domain) : domain_(std::move(domain)) {}
  const std::string& domain() const { return domain_; }
  bool exists() const { return exists_; }
  const std::vector<AliasEntry>& entries() const { return entries_; }  // the "*" line is not one
  const std::optional<std::string>& default_address() const { return default_; }
  const FileProblems& problems() const { return problems_; }

  // Adds a destination to an address (a new address goes last); false when it is there already.
  bool add(const std::string& address, const std::string& dest);
  // Removes one destination (the address goes with its last one); false when it is not there.
  bool remove(const std::string& address, const std::string& dest);
  void set_default(const std::string& dest) { default_ = dest; }
  // The file's text: the entries in order, then the "*" line.
  std::string text() const;
  // Throws DamagedFileError if the file did not parse completely.
  void stage(Transaction& txn) const;

 private:
  std::string domain_;
  bool exists_ = false;
  std::vector<AliasEntry> entries_;
  std::optional<std::string> default_;
  FileProblems problems_;
};

// ---- etc/vdomainaliases/<domain> ---------------------------------------

// The domain all of `domain`'s mail goes to, if any.
std::optional<std::string> domain_forward_target(const Transaction& view, const std::string& domain);
void stage_domain_forward(Transaction& txn, const std::string& domain, const std::string& target);
// False when the domain has no domain forwarder.
bool stage_remove_domain_forward(Transaction& txn, const std::string& domain);

// ---- etc/manualmx -------------------------------------------------------

// "domain: host" lines: Exim sends the domain's mail straight to the host
// (a name or an IP address) instead of looking up its MX records.
constexpr const char* kManualMx = "etc/manualmx";
std::optional<std::string> manual_mx_of(const Transaction& view, const std::string& domain);
// Sets the domain's host, or removes its line (nullopt); returns the host it
// had. A damaged file is refused.
std::optional<std::string> stage_manual_mx(Transaction& txn, const std::string& domain,
                                           const std::optional<std::string>& host);

// ---- the mail exchanger setting ----------------------------------------

namespace mail_exchanger {
constexpr const char* kLocal = "local";
constexpr const char* kRemote = "remote";
constexpr const char* kSecondary = "secondary";
constexpr const char* kAuto = "auto";
}  // namespace mail_exchanger

// "local", "remote" or "secondary": the list that holds `domain`; nullopt if none does.
std::optional<std::string> mail_exchanger_of(const Transaction& view, const std::string& domain);
// What "auto" means for `domain` from its zone's MX records: "local" when the
// preferred exchanger is this server's (the domain itself, a name below it,
// the hostname) or there is no MX record, "secondary" when only a less
// preferred one is, else "remote". `warnings` says when it had to guess.
std::string detect_mail_exchanger(const StateRoot& root, const Transaction& view, const std::string& domain,
                                  std::vector<std::string>& warnings);
// Puts `domain` in the one list of `setting` ("local", "remote", "secondary")
// and out of the others; true when that changed a list.
bool stage_mail_exchanger(Transaction& txn, const std::string& domain, const std::string& setting);
// The account's setting for `domain`: its cpuser file's MXCHECK-<domain>
// ("local", "remote", "secondary" or "auto"; "0" or none: "local").
std::string mx_setting_of(const CpUser& cpuser, const std::string& domain);
// A domain's setting and what it comes to: `detected` is the setting itself,
// or for "auto" what detect_mail_exchanger finds.
struct MailExchangerState {
  std::string setting;
  std::string detected;
  bool changed = false;  // a list Exim reads changed
  std::vector<std::string> warnings;
};
MailExchangerState mail_exchanger_state(const StateRoot& root, const Transaction& view, const std::string& domain,
                                        const std::string& setting);
// cPanel's checkmx: applies `setting` to the lists Exim reads ("auto" is
// detected anew, so it follows a change of the MX records).
MailExchangerState stage_checkmx(const StateRoot& root, Transaction& txn, const std::string& domain,
                                 const std::string& setting);

// ---- a domain joining or leaving an account ----------------------------

// The default address a new domain of `user` gets, from Tweak Settings
// "defaultmailaction": localuser -> the user, fail -> ":fail: No Such User Here",
// blackhole -> ":blackhole:".
std::string new_domain_default_address(const StateRoot& root, const std::string& user);
// A new domain of `user`: its valiases file with the default address (kept
// if there is one already) and its line in the list of `mx_setting` ("local"
// unless the account says otherwise; "auto" is detected).
void stage_mail_domain_added(const StateRoot& root, Transaction& txn, const std::string& domain,
                             const std::string& user, const std::string& mx_setting = mail_exchanger::kLocal);
// A domain leaving its account: its valiases and vdomainaliases files and its list and manualmx lines go.
void stage_mail_domain_removed(const StateRoot& root, Transaction& txn, const std::string& domain);

// The forwarders of `domain` as they were before the domain moved from the
// account `from` to the account `to` (an addon domain's conversion): `text`
// is the domain's valiases file then. Its lines, checked as a restored
// archive's, with destinations in the old home or naming the old user
// following the domain, join the domain's file as it is now (the default
// address replaces the file's). Lines left out are said in `raw`.
void stage_forwarders_moved(Transaction& txn, const std::string& domain, const std::string& text,
                            const AccountFacts& from, const AccountFacts& to, std::string& raw);

// ---- cPanel's forwarders backup (UAPI Backup restore_email_forwarders) ----

// "aliases-<domain>.gz" in the account's home (`backup`: absolute inside the
// home, or relative to it), the domain's valiases file gzipped as cPanel's
// "Download Email Forwarders" gives it. Its lines, each checked as a
// restored archive's, join the domain's file (its default address replaces
// the file's). The domain must be one of `domains`. Returns it; lines left
// out are said in `raw`.
std::string stage_forwarders_backup_restore(const StateRoot& root, Transaction& txn, const std::string& user,
                                            const std::string& home, const std::vector<std::string>& domains,
                                            const std::string& backup, std::string& raw);

}  // namespace whm
