// The mailbox (email account) functions of the cPanel Email module, UAPI and
// API 2, and WHM API 1's list_pops_for: one account's mailboxes as
// lib/store/email_accounts.hpp stores them.
#include <cmath>
#include <regex>

#include "account_store.hpp"
#include "api2_answers.hpp"
#include "dovecot_admin.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "human_size.hpp"
#include "lazy_registrations.hpp"
#include "outgoing_mail.hpp"
#include "output.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr long long kMib = 1024 * 1024;
constexpr const char* kFeature = "popaccts";

// ---- shared pieces -------------------------------------------------------

// "user" or "user@domain" in `param`, with `domain_param` (default: the
// main domain) when it has no domain; the domain must be the account's.
EmailAddress address_arg(const Context& ctx, const Request& req, const std::string& param,
                         const std::string& domain_param = "domain") {
  const std::string value = req.require(param);
  std::string domain = to_lower(req.get_or(domain_param, ""));
  std::string full = value;
  if (value.find('@') == std::string::npos) full = value + "@" + (domain.empty() ? ctx.account.main_domain : domain);
  EmailAddress a = parse_email_address(param, full);
  if (!ctx.account.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  return a;
}

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its email accounts cannot be changed.");
}

std::string home_rel(const Context& ctx) { return paths::rel_from_abs(ctx.account.home); }

MailboxLimits limits_of(const Context& ctx) {
  return load_mailbox_limits(ctx.root, AccountStore(ctx.root).require(ctx.account.user));
}

// quota= in MB: 0 or "unlimited" is no quota; absent, the default quota.
// Over the package's maximum it is refused (`cap`: the maximum is applied
// instead, as edit_pop_quota does).
std::optional<long long> quota_arg(const Request& req, const MailboxLimits& limits, bool cap) {
  const auto given = req.get("quota");
  if (!given) return limits.default_quota_bytes;
  std::optional<long long> bytes;
  if (to_lower(*given) != "unlimited") {
    auto mb = parse_int(*given);
    if (!mb || *mb < 0 || *mb > kLargestQuotaMib)
      throw invalid_param("quota", "it must be a number of megabytes from 0 to " + std::to_string(kLargestQuotaMib) +
                                       ", or “unlimited”.");
    if (*mb > 0) bytes = *mb * kMib;
  }
  if (limits.max_quota_bytes && (!bytes || *bytes > *limits.max_quota_bytes)) {
    if (!cap && bytes)
      throw invalid_param("quota", "it may not exceed the maximum email account quota of " +
                                       std::to_string(*limits.max_quota_bytes / kMib) + " MB.");
    bytes = limits.max_quota_bytes;
  }
  return bytes;
}

// A crypt(3) hash given instead of a password goes into the shadow file as it is.
void check_password_hash(const std::string& hash) {
  if (hash.empty() || hash.size() > 512) throw invalid_param("password_hash", "it is not a crypt hash.");
  for (unsigned char c : hash)
    if (!std::isalnum(c) && c != '.' && c != '/' && c != '$')
      throw invalid_param("password_hash", "it is not a crypt hash (letters, digits, “.”, “/” and “$”).");
}

// The `regex` parameter: a PCRE, maybe between slashes ("/^user/"), matched against the address.
std::optional<std::regex> regex_arg(const Request& req) {
  std::string text = req.get_or("regex", "");
  if (text.empty()) return std::nullopt;
  if (text.size() >= 2 && text.front() == '/' && text.back() == '/') text = text.substr(1, text.size() - 2);
  try {
    return std::regex(text, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    throw invalid_param("regex", "it is not a valid regular expression.");
  }
}
bool matches(const std::optional<std::regex>& re, const std::string& text) {
  return !re || std::regex_search(text, *re);
}

// The mailboxes sorted by address.
std::vector<const Mailbox*> sorted_mailboxes(const EmailAccounts& accounts) {
  auto boxes = accounts.all();
  // Each address built once, not once per comparison.
  std::vector<std::pair<std::string, const Mailbox*>> keys;
  keys.reserve(boxes.size());
  for (const Mailbox* m : boxes) keys.emplace_back(m->address.full(), m);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < keys.size(); ++i) boxes[i] = keys[i].second;
  return boxes;
}

// "483 bytes", "1.5 KB", "250 MB" (two decimals at most), as the reference's examples show.
std::string mailbox_size_text(long long bytes) { return human_size(bytes, 2, " "); }

double megabytes(long long bytes) { return std::round(static_cast<double>(bytes) / kMib * 100) / 100; }

// ---- listing ---------------------------------------------------------------

nlohmann::json pop_entry(const Mailbox& m, const std::set<std::string>& incoming_suspended) {
  return {{"email", m.address.full()},
          {"login", m.address.full()},
          {"suspended_incoming", incoming_suspended.count(m.address.full()) ? 1 : 0},
          {"suspended_login", m.login_suspended() ? 1 : 0}};
}

// The main account is listed last, under the account's name.
Response list_pops(Context& ctx, const Request& req) {
  const auto re = regex_arg(req);
  Transaction view(ctx.root);
  EmailAccounts accounts(view, ctx.account);
  const auto incoming_suspended = incoming_suspended_addresses(ctx.root, ctx.account);
  Response r;
  r.data = nlohmann::json::array();
  for (const Mailbox* m : sorted_mailboxes(accounts))
    if (matches(re, m->address.full())) r.data.push_back(pop_entry(*m, incoming_suspended));
  if (!req.flag("skip_main") && matches(re, ctx.account.user))
    r.data.push_back(
        {{"email", ctx.account.user}, {"login", "Main Account"}, {"suspended_incoming", 0}, {"suspended_login", 0}});
  return r;
}

struct DiskListingOptions {
  bool disk = true;
  std::string infinity_img;
  bool infinity_lang = false;
};

// The addresses with each per-mailbox restriction, read once per listing.
struct MailboxRestrictions {
  std::set<std::string> incoming_suspended, outgoing_suspended, outgoing_held;
};

nlohmann::json with_disk(const Context& ctx, const Mailbox& m, const DiskListingOptions& opts,
                         const MailboxRestrictions& restricted) {
  const long long used = opts.disk ? mailbox_bytes(ctx.root, ctx.account, m.address) : 0;
  const long long quota = m.quota_bytes.value_or(0);
  const double percent = quota ? 100.0 * static_cast<double>(used) / static_cast<double>(quota) : 0;
  const int rounded = static_cast<int>(std::min(100.0, std::ceil(percent)));
  nlohmann::json unlimited = "unlimited";
  if (!opts.infinity_img.empty())
    unlimited = "<img src=\"" + html_escape(opts.infinity_img) + "\" alt=\"unlimited\" />";
  else if (opts.infinity_lang)
    unlimited = "∞";
  const int incoming = restricted.incoming_suspended.count(m.address.full()) ? 1 : 0;
  const int outgoing = restricted.outgoing_suspended.count(m.address.full()) ? 1 : 0;
  const int login = m.login_suspended() ? 1 : 0;
  return {
      {"email", m.address.full()},
      {"login", m.address.full()},
      {"user", m.address.local},
      {"domain", m.address.domain},
      {"_diskused", used},
      {"diskused", static_cast<long long>(std::llround(static_cast<double>(used) / kMib))},
      {"humandiskused", mailbox_size_text(used)},
      {"_diskquota", quota},
      {"diskquota", quota ? nlohmann::json(quota / kMib) : unlimited},
      {"txtdiskquota", quota ? nlohmann::json(quota / kMib) : nlohmann::json("unlimited")},
      {"humandiskquota", quota ? nlohmann::json(quota / kMib) : nlohmann::json("None")},
      {"diskusedpercent", rounded},
      {"diskusedpercent20", rounded >= 100 ? 100 : 20 * ((rounded + 10) / 20)},
      {"diskusedpercent_float", std::round(percent * 100) / 100},
      {"mtime", mailbox_mtime(ctx.root, ctx.account, m.address)},
      {"suspended_incoming", incoming},
      {"suspended_login", login},
      {"suspended_outgoing", outgoing},
      {"hold_outgoing", restricted.outgoing_held.count(m.address.full()) ? 1 : 0},
      {"has_suspended", incoming || login || outgoing ? 1 : 0},
  };
}

Response list_pops_with_disk(Context& ctx, const Request& req) {
  const auto re = regex_arg(req);
  const std::string domain = to_lower(req.get_or("domain", ""));
  const std::string email = to_lower(req.get_or("email", ""));
  const auto max = req.integer("maxaccounts", 1, std::numeric_limits<long long>::max());
  DiskListingOptions opts{!req.flag("no_disk"), req.get_or("infinityimg", ""), req.flag("infinitylang")};
  Transaction view(ctx.root);
  EmailAccounts accounts(view, ctx.account);
  const MailboxRestrictions restricted{incoming_suspended_addresses(ctx.root, ctx.account),
                                       outgoing_controlled(view, ctx.account.user, OutgoingControl::Suspended),
                                       outgoing_controlled(view, ctx.account.user, OutgoingControl::Hold)};
  Response r;
  r.data = nlohmann::json::array();
  for (const Mailbox* m : sorted_mailboxes(accounts)) {
    if (!domain.empty() && m->address.domain != domain) continue;
    if (!email.empty() && m->address.local != email && m->address.full() != email) continue;
    if (!matches(re, m->address.full())) continue;
    if (max && static_cast<long long>(r.data.size()) >= *max) break;
    r.data.push_back(with_disk(ctx, *m, opts, restricted));
  }
  return r;
}

Response count_pops(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = EmailAccounts(view, ctx.account).count();
  return r;
}

Response get_pop_quota(Context& ctx, const Request& req) {
  const EmailAddress a = address_arg(ctx, req, "email");
  Transaction view(ctx.root);
  const auto quota = EmailAccounts(view, ctx.account).require(a).quota_bytes.value_or(0);
  Response r;
  r.data = req.flag("as_bytes") ? quota : quota / kMib;  // 0: unlimited
  return r;
}

Response get_disk_usage(Context& ctx, const Request& req) {
  const EmailAddress a = address_arg(ctx, req, "user");
  Transaction view(ctx.root);
  EmailAccounts(view, ctx.account).require(a);
  Response r;
  r.data = {{"diskused", megabytes(mailbox_bytes(ctx.root, ctx.account, a))},
            {"domain", a.domain},
            {"login", a.full()},
            {"user", a.local}};
  return r;
}

Response get_main_account_disk_usage(Context& ctx, const Request&) {
  Response r;
  r.data = mailbox_size_text(main_mailbox_bytes(ctx.root, ctx.account));
  return r;
}

Response get_main_account_disk_usage_bytes(Context& ctx, const Request&) {
  Response r;
  r.data = main_mailbox_bytes(ctx.root, ctx.account);
  return r;
}

// 0 when the default is unlimited (UNCONFIRMED: docs/email.md).
Response get_default_email_quota(Context& ctx, const Request&) {
  Response r;
  r.data = limits_of(ctx).default_quota_bytes.value_or(0);
  return r;
}
Response get_default_email_quota_mib(Context& ctx, const Request&) {
  Response r;
  r.data = limits_of(ctx).default_quota_bytes.value_or(0) / kMib;
  return r;
}
Response get_max_email_quota(Context& ctx, const Request&) {
  Response r;
  r.data = limits_of(ctx).max_quota_bytes.value_or(kLargestQuotaMib * kMib);
  return r;
}
Response get_max_email_quota_mib(Context& ctx, const Request&) {
  Response r;
  r.data = limits_of(ctx).max_quota_bytes.value_or(kLargestQuotaMib * kMib) / kMib;
  return r;
}

// Returns `account` as it is (the reference: not validated); blank, with display=: the words for all mail.
Response account_name(Context&, const Request& req) {
  const std::string account = req.get_or("account", "");
  Response r;
  r.data = account.empty() && req.has("display") ? "All Mail On The Account" : account;
  return r;
}

Response verify_mail_password(Context& ctx, const Request& req) {
  const EmailAddress a = parse_email_address("email", req.require("email"));
  if (!ctx.account.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  Transaction view(ctx.root);
  const EmailAccounts accounts(view, ctx.account);
  const Mailbox& m = accounts.require(a);
  Response r;
  r.data = !m.login_suspended() && !m.hash.empty() && verify_password(req.require("password"), m.hash) ? 1 : 0;
  return r;
}

// ---- changes ---------------------------------------------------------------

// add_pop answers the login with "+" for "@", as cPanel's example shows.
Response add_pop(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const EmailAddress a = address_arg(ctx, req, "email");
  check_new_mailbox_local_part("email", a.local);
  const std::string password = req.get_or("password", ""), password_hash = req.get_or("password_hash", "");
  if (!password.empty() && !password_hash.empty())
    throw ApiError("You cannot use both the “password” and “password_hash” parameters.");
  std::string hash;
  if (!password_hash.empty()) {
    check_password_hash(password_hash);
    hash = password_hash;
  } else {
    if (password.empty()) throw missing_param("password");
    check_mailbox_password(ctx.root, "password", password);
    hash = hash_password(password);
  }
  const MailboxLimits limits = limits_of(ctx);
  const auto quota = quota_arg(req, limits, false);
  Transaction& txn = ctx.txn();
  EmailAccounts accounts(txn, ctx.account, true, &a);
  if (limits.max_mailboxes && static_cast<long long>(accounts.count()) >= *limits.max_mailboxes)
    throw ApiError("The account “" + ctx.account.user + "” has reached its maximum number of email accounts (" +
                   std::to_string(*limits.max_mailboxes) + ").");
  accounts.add(a, hash, quota);
  accounts.stage(txn, req.flag("skip_update_db"));
  stage_new_maildir(txn, ctx.account, a);
  stage_maildirsize(ctx.root, txn, ctx.account, a, quota);
  Response r;
  r.data = a.local + "+" + a.domain;
  if (req.flag("send_welcome_email"))
    r.warnings.push_back("The client configuration instructions were not sent: whmkit does not send mail.");
  return r;
}

// flags=passwd keeps the Maildir; any other value (or none) removes it.
Response delete_pop(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const EmailAddress a = address_arg(ctx, req, "email");
  Transaction& txn = ctx.txn();
  EmailAccounts accounts(txn, ctx.account);
  accounts.remove(a);
  accounts.stage(txn);
  const std::string home = home_rel(ctx);
  if (txn.exists(mailbox_settings_dir(home, a))) txn.remove(mailbox_settings_dir(home, a));
  // A new mailbox of that name must not inherit the old one's outgoing restrictions.
  for (auto which : {OutgoingControl::Suspended, OutgoingControl::Hold})
    stage_outgoing_control(txn, ctx.account.user, ctx.account.owner.gid, a, which, false);
  if (req.get_or("flags", "") != "passwd" && txn.exists(mail_paths::maildir(home, a)))
    txn.remove(mail_paths::maildir(home, a));
  return {};
}

Response passwd_pop(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const EmailAddress a = address_arg(ctx, req, "email");
  const std::string password = req.require("password");
  check_mailbox_password(ctx.root, "password", password);
  Transaction& txn = ctx.txn();
  EmailAccounts accounts(txn, ctx.account);
  accounts.set_hash(a, hash_password(password));
  accounts.stage(txn);
  return {};
}

Response edit_pop_quota(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  const EmailAddress a = address_arg(ctx, req, "email");
  const auto quota = quota_arg(req, limits_of(ctx), true);
  Transaction& txn = ctx.txn();
  EmailAccounts accounts(txn, ctx.account);
  accounts.set_quota(a, quota);
  accounts.stage(txn);
  stage_maildirsize(ctx.root, txn, ctx.account, a, quota);
  return {};
}

// email= is required in practice: the reference marks it optional for the unsuspend and incoming functions.
Response set_login_suspension(Context& ctx, const Request& req, bool suspend) {
  refuse_if_suspended(ctx);
  const EmailAddress a = parse_email_address("email", req.require("email"));
  if (!ctx.account.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  Transaction& txn = ctx.txn();
  EmailAccounts accounts(txn, ctx.account);
  accounts.set_login_suspended(a, suspend);
  accounts.stage(txn);
  return {};
}
Response suspend_login(Context& ctx, const Request& req) { return set_login_suspension(ctx, req, true); }
Response unsuspend_login(Context& ctx, const Request& req) { return set_login_suspension(ctx, req, false); }

Response set_incoming_suspension(Context& ctx, const Request& req, bool suspend) {
  refuse_if_suspended(ctx);
  const EmailAddress a = parse_email_address("email", req.require("email"));
  if (!ctx.account.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  Transaction& txn = ctx.txn();
  EmailAccounts(txn, ctx.account).require(a);
  const UserPath flag = incoming_suspended_flag(home_rel(ctx), a);
  if (suspend && !txn.exists(flag)) txn.write(flag, "", 0640, ctx.account.owner);
  if (!suspend && txn.exists(flag)) txn.remove(flag);
  // unsuspend_incoming answers 1, as its published schema has it; suspend_incoming answers no data.
  Response r;
  if (!suspend) r.data = 1;
  return r;
}
Response suspend_incoming(Context& ctx, const Request& req) { return set_incoming_suspension(ctx, req, true); }
Response unsuspend_incoming(Context& ctx, const Request& req) { return set_incoming_suspension(ctx, req, false); }

// ---- the mail server -------------------------------------------------------

// Dovecot's disable_plaintext_auth as cPanel keeps it: var/cpanel/conf/dovecot/main
// (YAML, "disable_plaintext_auth: yes|no"; cPanel's default "no").
bool plaintext_authentication(const StateRoot& root) {
  auto text = root.read("var/cpanel/conf/dovecot/main");
  if (!text) return true;
  try {
    const nlohmann::json doc = yaml_to_json(*text);
    if (doc.is_object() && doc.contains("disable_plaintext_auth") && doc["disable_plaintext_auth"].is_string())
      return to_lower(doc["disable_plaintext_auth"].get<std::string>()) != "yes";
  } catch (const std::exception&) {
  }
  return true;
}

Response has_plaintext_authentication(Context& ctx, const Request&) {
  Response r;
  r.data = plaintext_authentication(ctx.root) ? 1 : 0;
  return r;
}

// The settings a mail client needs for `account` (default: the main
// account): cPanel's ports (IMAP 993/143, SMTP 465/25 — the reference's
// example) on mail.<domain>.
Response get_client_settings(Context& ctx, const Request& req) {
  std::string account = req.get_or("account", ctx.account.user);
  std::string domain = ctx.account.main_domain;
  if (account != ctx.account.user) {
    const EmailAddress a = parse_email_address("account", account);
    Transaction view(ctx.root);
    if (!ctx.account.owns_domain(a.domain)) throw ApiError("The email account “" + a.full() + "” does not exist.");
    EmailAccounts(view, ctx.account).require(a);
    account = a.full();
    domain = a.domain;
  }
  const std::string host = "mail." + domain;
  Response r;
  r.data = {{"account", account},
            {"display", account},
            {"domain", domain},
            {"mail_domain", host},
            {"from_archiving", 0},
            {"has_plaintext_authentication", plaintext_authentication(ctx.root) ? 1 : 0},
            {"inbox_service", "imap"},
            {"inbox_host", host},
            {"inbox_port", 993},
            {"inbox_insecure_port", 143},
            {"inbox_username", account},
            {"smtp_host", host},
            {"smtp_port", 465},
            {"smtp_insecure_port", 25},
            {"smtp_username", account},
            // cPanel's ActiveSync (cpdavd, port 2091) is not served: not available.
            {"activesync_available", 0},
            {"activesync_host", host},
            {"activesync_port", 2091},
            {"activesync_username", account}};
  return r;
}

// The mail submission program: the state root's usr/sbin/sendmail (Exim's,
// on a real server; a test root holds its own).
constexpr const char* kSendmail = "usr/sbin/sendmail";

// E-mails get_client_settings' settings of `account` to `to`, through
// sendmail as cPanel does (the wording of the message is UNCONFIRMED).
Response dispatch_client_settings(Context& ctx, const Request& req) {
  const EmailAddress to = parse_email_address("to", req.require("to"));
  const nlohmann::json s = get_client_settings(ctx, req).data;
  const std::string sendmail = ctx.root.path(kSendmail);
  if (!program_available(sendmail))
    throw ApiError("The server cannot send mail: there is no /" + std::string(kSendmail) + ".");
  const std::string hostname = server_hostname(ctx.root);
  const std::string from = "cpanel@" + hostname;
  const auto text = [&](const char* key) { return s[key].is_string() ? s[key].get<std::string>() : s[key].dump(); };
  const std::string message =
      "From: \"cPanel on " + hostname + "\" <" + from + ">\nTo: <" + to.full() +
      ">\nSubject: Mail client settings for " + text("account") +
      "\nAuto-Submitted: auto-generated\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: 8bit\n\nThe settings to read and send the mail of " +
      text("account") + " with a mail client:\n\nUsername: " + text("inbox_username") +
      "\nPassword: the email account's password\n\nIncoming server (IMAP): " + text("inbox_host") + "\n  port " +
      text("inbox_port") + " (SSL/TLS), or " + text("inbox_insecure_port") +
      " (not encrypted)\nOutgoing server (SMTP): " + text("smtp_host") + "\n  port " + text("smtp_port") +
      " (SSL/TLS), or " + text("smtp_insecure_port") + " (not encrypted)\n\nIMAP and SMTP require authentication.\n";
  // "--": the address is never read as an option.
  const auto sent = run_with_input({sendmail, "-oi", "-f", from, "--", to.full()}, message);
  if (!sent || sent->status != 0)
    throw ApiError("The mail to “" + to.full() + "” could not be sent" +
                   (sent ? ": " + trim(sent->output) : std::string(".")));
  return {};
}

// Ends every IMAP and POP3 session of the account's mailboxes and of its
// main account (lib/store/dovecot_admin.hpp).
Response terminate_mailbox_sessions(Context& ctx, const Request&) {
  dovecot_kick_account(ctx.root, ctx.account);
  return {};
}

// ---- API 2 -----------------------------------------------------------------

// listpopssingle answers the same (UNCONFIRMED: no page shows its output).
Response listpops(Context& ctx, const Request& req) {
  const auto re = regex_arg(req);
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  const EmailAccounts accounts(view, ctx.account);
  for (const Mailbox* m : sorted_mailboxes(accounts))
    if (matches(re, m->address.full())) r.data.push_back({{"email", m->address.full()}, {"login", m->address.full()}});
  return r;
}

// nearquotaonly=1: only the mailboxes at 90 % of their quota or more.
Response listpopswithdisk(Context& ctx, const Request& req) {
  Response r = list_pops_with_disk(ctx, req);
  if (!req.flag("nearquotaonly")) return r;
  nlohmann::json near = nlohmann::json::array();
  for (const auto& entry : r.data)
    if (entry["_diskquota"].get<long long>() > 0 && entry["diskusedpercent"].get<int>() >= 90) near.push_back(entry);
  r.data = near;
  return r;
}

Response getdiskusage(Context& ctx, const Request& req) {
  const EmailAddress a = address_arg(ctx, req, "user");
  Transaction view(ctx.root);
  const EmailAccounts accounts(view, ctx.account);
  const Mailbox& m = accounts.require(a);
  Response r;
  r.data = nlohmann::json::array(
      {{{"diskused", megabytes(mailbox_bytes(ctx.root, ctx.account, a))},
        {"login", a.full()},
        {"quotalimit", m.quota_bytes ? nlohmann::json(megabytes(*m.quota_bytes)) : nlohmann::json("unlimited")}}});
  return r;
}

// ---- WHM API 1 -------------------------------------------------------------

// {"pops": ["user@example.com", ...]} (UNCONFIRMED: the reference's example is empty).
Response list_pops_for(Context& ctx, const Request& req) {
  const CpanelAccount account = load_cpanel_account(ctx.root, req.require("user"));
  Transaction view(ctx.root);
  Response r;
  r.data = {{"pops", nlohmann::json::array()}};
  const EmailAccounts accounts(view, account);
  for (const Mailbox* m : sorted_mailboxes(accounts)) r.data["pops"].push_back(m->address.full());
  return r;
}

// ---- declarations ----------------------------------------------------------

ParamSpec flag(const char* name) { return optional_param(name, ParamType::Boolean, "0"); }

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi,        "Email", name, std::move(h), access, needs_feature(kFeature, {domain("domain")}),
          std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Api2,        "Email", name, std::move(h), access, needs_feature(kFeature, {domain("domain")}),
          std::move(params)};
}

ParamSpec password_hash_param() {
  ParamSpec p = optional_param("password_hash");
  p.description = "A crypt(3) hash (\"$6$...\") stored instead of a password. Give password or password_hash.";
  return p;
}
ParamSpec password_param() {
  ParamSpec p = optional_param("password");
  p.in_example = true;
  return p;
}

const std::vector<ParamSpec> kListPopsWithDisk = {optional_param("domain", ParamType::Domain),
                                                  optional_param("email"),
                                                  flag("get_restrictions"),
                                                  optional_param("infinityimg"),
                                                  flag("infinitylang"),
                                                  optional_param("maxaccounts", ParamType::Integer),
                                                  flag("no_disk"),
                                                  flag("no_validate"),
                                                  optional_param("regex")};

WHMKIT_REGISTRATIONS(
    email_account_functions,
    // UAPI
    Registration(uapi("add_pop", add_pop, Access::Write,
                      {required_param("email"), password_param(), optional_param("domain", ParamType::Domain),
                       password_hash_param(), optional_param("quota", ParamType::IntOrUnlimited),
                       flag("send_welcome_email"), flag("skip_update_db")})),
    Registration(uapi("delete_pop", delete_pop, Access::Write,
                      {required_param("email"), optional_param("domain", ParamType::Domain), optional_param("flags"),
                       flag("skip_quota")})),
    Registration(uapi("passwd_pop", passwd_pop, Access::Write,
                      {required_param("email"), required_param("password"),
                       optional_param("domain", ParamType::Domain)})),
    Registration(uapi("edit_pop_quota", edit_pop_quota, Access::Write,
                      {required_param("domain", ParamType::Domain), required_param("email"),
                       optional_param("quota", ParamType::IntOrUnlimited)})),
    Registration(uapi("list_pops", list_pops, Access::Read,
                      {flag("no_validate"), optional_param("regex"), flag("skip_main")})),
    Registration(uapi("list_pops_with_disk", list_pops_with_disk, Access::Read, kListPopsWithDisk)),
    Registration(uapi("count_pops", count_pops, Access::Read)),
    Registration(uapi("get_pop_quota", get_pop_quota, Access::Read,
                      {required_param("email"), flag("as_bytes"), optional_param("domain", ParamType::Domain)})),
    Registration(uapi("get_disk_usage", get_disk_usage, Access::Read,
                      {required_param("domain", ParamType::Domain), required_param("user")})),
    Registration(uapi("get_main_account_disk_usage", get_main_account_disk_usage, Access::Read)),
    Registration(uapi("get_main_account_disk_usage_bytes", get_main_account_disk_usage_bytes, Access::Read)),
    Registration(uapi("get_default_email_quota", get_default_email_quota, Access::Read)),
    Registration(uapi("get_default_email_quota_mib", get_default_email_quota_mib, Access::Read)),
    Registration(uapi("get_max_email_quota", get_max_email_quota, Access::Read)),
    Registration(uapi("get_max_email_quota_mib", get_max_email_quota_mib, Access::Read)),
    Registration(uapi("account_name", account_name, Access::Read,
                      {optional_param("account"), optional_param("display")})),
    Registration(uapi("verify_password", verify_mail_password, Access::Read,
                      {required_param("email", ParamType::Email), required_param("password")})),
    Registration(uapi("suspend_login", suspend_login, Access::Write, {required_param("email", ParamType::Email)})),
    Registration(uapi("unsuspend_login", unsuspend_login, Access::Write, {optional_param("email", ParamType::Email)})),
    Registration(uapi("suspend_incoming", suspend_incoming, Access::Write,
                      {optional_param("email", ParamType::Email)})),
    Registration(uapi("unsuspend_incoming", unsuspend_incoming, Access::Write,
                      {optional_param("email", ParamType::Email)})),
    Registration(uapi("terminate_mailbox_sessions", terminate_mailbox_sessions, Access::Read)),
    Registration(uapi("has_plaintext_authentication", has_plaintext_authentication, Access::Read)),
    Registration(uapi("get_client_settings", get_client_settings, Access::Read, {optional_param("account")})),
    Registration(uapi("dispatch_client_settings", dispatch_client_settings, Access::Read,
                      {required_param("account"), required_param("to", ParamType::Email)})),
    // API 2
    Registration(api2("addpop", api2_ok(add_pop), Access::Write,
                      {required_param("email"), required_param("password"), optional_param("domain", ParamType::Domain),
                       optional_param("quota", ParamType::IntOrUnlimited)})),
    Registration(api2("delpop", api2_ok(delete_pop), Access::Write,
                      {required_param("email"), optional_param("domain", ParamType::Domain), optional_param("flags")})),
    Registration(api2("passwdpop", api2_ok(passwd_pop), Access::Write,
                      {required_param("email"), required_param("password"),
                       optional_param("domain", ParamType::Domain)})),
    Registration(api2("editquota", api2_ok(edit_pop_quota), Access::Write,
                      {required_param("email"), required_param("domain", ParamType::Domain),
                       optional_param("quota", ParamType::IntOrUnlimited)})),
    Registration(api2("listpops", listpops, Access::Read, {optional_param("regex")})),
    Registration(api2("listpopssingle", listpops, Access::Read, {optional_param("regex")})),
    Registration(api2("listpopswithdisk", listpopswithdisk, Access::Read,
                      {optional_param("domain", ParamType::Domain), flag("nearquotaonly"), flag("no_validate"),
                       optional_param("regex")})),
    Registration(api2("getdiskusage", getdiskusage, Access::Read,
                      {required_param("domain", ParamType::Domain), required_param("user")})),
    // WHM API 1: root, or a reseller owning the account.
    Registration(Implementation{"list_pops_for", list_pops_for, Access::Read, any_reseller({account("user")})}), );

}  // namespace
}  // namespace whm
