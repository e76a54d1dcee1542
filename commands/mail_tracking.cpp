// WHM API 1's control of an account's outgoing mail (suspend_outgoing_email,
// unsuspend_outgoing_email, hold_outgoing_email, release_outgoing_email; the
// files of lib/store/outgoing_mail.hpp), the mail queue (fetch_mail_queue,
// through the Exim program), and the mail tracking statistics of cPanel's
// eximstats database (emailtrack_stats, emailtrack_user_stats, the unique
// recipient counts; UAPI Email stats_db_status), which whmkit-eximstats fills
// from Exim's main log (lib/store/eximstats.hpp). docs/mail-tracking.md.
#include <algorithm>
#include <cctype>
#include <set>

#include "account_store.hpp"
#include "errors.hpp"
#include "eximstats.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "outgoing_mail.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- outgoing mail of an account

// The `user` of the outgoing mail functions: a cPanel account (its syntax,
// which root's name fails, is checked by the dispatcher as ParamType::Username).
std::string account_user(const Request& req) { return req.require("user"); }

Response set_account_control(Context& ctx, const Request& req, OutgoingControl which, bool on) {
  stage_account_outgoing_control(ctx.root, ctx.txn(), account_user(req), which, on);
  return {};
}

Response suspend_outgoing_email(Context& ctx, const Request& req) {
  return set_account_control(ctx, req, OutgoingControl::Suspended, true);
}
Response unsuspend_outgoing_email(Context& ctx, const Request& req) {
  return set_account_control(ctx, req, OutgoingControl::Suspended, false);
}
Response hold_outgoing_email(Context& ctx, const Request& req) {
  return set_account_control(ctx, req, OutgoingControl::Hold, true);
}

// Ends the hold and has Exim deliver what it held for the account.
Response release_outgoing_email(Context& ctx, const Request& req) {
  set_account_control(ctx, req, OutgoingControl::Hold, false);
  const std::string user = account_user(req);
  const auto domains = AccountStore(ctx.root).require(user).all_domains();
  run_exim_on_messages("release", {"-M"}, account_held_message_ids(ctx.txn(), user, domains));
  return {};
}

// ---------------------------------------------------------------- the mail queue

// Exim's message ids start with the time it received the message, in base 62.
long long time_of_message_id(const std::string& id) {
  long long t = 0;
  for (size_t i = 0; i < 6 && i < id.size(); ++i) {
    const char c = id[i];
    const int digit = std::isdigit(static_cast<unsigned char>(c))   ? c - '0'
                      : std::isupper(static_cast<unsigned char>(c)) ? c - 'A' + 10
                                                                    : c - 'a' + 36;
    t = t * 62 + digit;
  }
  return t;
}

// "394", "2.9K", "1.2M" (exim -bp's sizes) in bytes.
long long queue_size(const std::string& s) {
  if (s.empty()) return 0;
  const char unit = s.back();
  const double factor = unit == 'K' ? 1024 : unit == 'M' ? 1024 * 1024 : 1;
  try {
    return static_cast<long long>(std::stod(factor == 1 ? s : s.substr(0, s.size() - 1)) * factor + 0.5);
  } catch (const std::exception&) {
    return 0;
  }
}

// `exim -bpra`: per message " age size id <sender> [(user)] [*** frozen ***]",
// then its recipients (delivered ones marked D or +D), then a blank line.
nlohmann::json parse_queue_listing(const std::string& listing) {
  auto records = nlohmann::json::array();
  nlohmann::json* current = nullptr;
  for (const auto& raw : split(listing, '\n')) {
    const std::string line = trim(raw);
    if (line.empty()) {
      current = nullptr;
      continue;
    }
    if (current) {
      std::string rcpt = line;
      if (starts_with(rcpt, "+D ") || starts_with(rcpt, "D ")) rcpt = trim(rcpt.substr(rcpt.find(' ')));
      auto& list = (*current)["recipients"];
      if (std::find(list.begin(), list.end(), rcpt) == list.end()) list.push_back(rcpt);
      continue;
    }
    std::vector<std::string> w;
    for (const auto& part : split(line, ' '))
      if (!part.empty()) w.push_back(part);
    if (w.size() < 4) continue;
    const std::string rest = line.substr(line.find(w[3]) + w[3].size());
    nlohmann::json user = nullptr;
    if (auto open = rest.find('('); open != std::string::npos && rest.find(')', open) != std::string::npos)
      user = rest.substr(open + 1, rest.find(')', open) - open - 1);
    std::string sender = w[3];
    if (starts_with(sender, "<")) sender.erase(0, 1);
    if (ends_with(sender, ">")) sender.pop_back();
    records.push_back({{"msgid", w[2]},
                       {"sender", sender},
                       {"size", queue_size(w[1])},
                       {"time", time_of_message_id(w[2])},
                       {"frozen", rest.find("*** frozen ***") != std::string::npos ? 1 : 0},
                       {"user", user},
                       {"recipients", nlohmann::json::array()}});
    current = &records.back();
  }
  return records;
}

Response fetch_mail_queue(Context&, const Request&) {
  const std::string exim = exim_program();
  std::optional<std::string> listing;
  if (!exim.empty()) listing = run_capture({exim, "-bpra"});
  if (!listing) throw ApiError("Failed to launch exim to interrogate message queue");
  Response r;
  r.data = {{"records", parse_queue_listing(*listing)}};
  return r;
}

// ---------------------------------------------------------------- tracking statistics

// The accounts a reseller sees (its own and itself); nullopt for root.
std::optional<std::vector<std::string>> visible_users(const Context& ctx) {
  if (ctx.rights.privileged) return std::nullopt;
  std::vector<std::string> users{ctx.rights.name};
  for (const auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners"))
    if (user != ctx.rights.name && ctx.rights.sees(user, owner)) users.push_back(user);
  return users;
}

// starttime (or startdate), endtime (or enddate, default now), deliverytype.
TrackFilter track_filter(const Context& ctx, const Request& req) {
  TrackFilter f;
  auto time_arg = [&](const char* name, const char* alias) {
    return req.get(name) ? req.integer(name, 0, 1LL << 40) : req.integer(alias, 0, 1LL << 40);
  };
  f.start = time_arg("starttime", "startdate").value_or(0);
  f.end = time_arg("endtime", "enddate").value_or(now());
  const std::string type = req.get_or("deliverytype", "");
  f.type = type == "remote"                                                 ? DeliveryType::Remote
           : type == "local"                                                ? DeliveryType::Local
           : type == "remote-or-faildefer" || type == "remote_or_faildefer" ? DeliveryType::RemoteOrFailDefer
                                                                            : DeliveryType::All;
  f.users = visible_users(ctx);
  return f;
}

bool counts_fail_defer(DeliveryType t) { return t == DeliveryType::All || t == DeliveryType::RemoteOrFailDefer; }

// The counters of one record, as cPanel names them.
nlohmann::json counters(const TrackCounts& c, DeliveryType type, bool success, bool size) {
  nlohmann::json r = {{"SENDCOUNT", c.sends}};
  if (success) r["SUCCESSCOUNT"] = c.successes;
  if (size) r["TOTALSIZE"] = c.size;
  if (counts_fail_defer(type)) {
    r["FAILCOUNT"] = c.failures;
    r["DEFERCOUNT"] = c.defers;
    r["DEFERFAILCOUNT"] = c.failures + c.defers;
  }
  return r;
}

Response track_records(nlohmann::json records) {
  Response r;
  r.data = {{"records", std::move(records)}};
  r.metadata["overflowed"] = 0;
  return r;
}

// The server's (or the reseller's, or one account's) totals in one record.
Response emailtrack_stats(Context& ctx, const Request& req) {
  TrackFilter f = track_filter(ctx, req);
  // A reseller may name only its own accounts (the dispatcher checked).
  if (auto user = req.get("user"); user && !user->empty()) f.users = std::vector<std::string>{*user};
  TrackCounts total;
  for (const auto& c : track_counts(ctx.root, f)) {
    total.sends += c.sends;
    total.successes += c.successes;
    total.failures += c.failures;
    total.defers += c.defers;
    total.in_progress += c.in_progress;
    total.size += c.size;
  }
  nlohmann::json record = counters(total, f.type, !req.flag("nosuccess"), !req.flag("nosize"));
  record["INPROGRESSCOUNT"] = total.in_progress;
  return track_records(nlohmann::json::array({record}));
}

// The contents of cPanel's var/cpanel/email_send_limits/<marker>_<domain> ("150/150"), or 0.
nlohmann::json send_limit_marker(const StateRoot& root, const std::string& marker, const std::string& domain) {
  if (domain.empty() || domain.find('/') != std::string::npos || domain[0] == '.') return 0;
  auto text = root.read(std::string(eximstats_paths::kSendLimitsDir) + "/" + marker + "_" + domain);
  return text ? nlohmann::json(trim(*text)) : nlohmann::json(0);
}

Response emailtrack_user_stats(Context& ctx, const Request& req) {
  TrackFilter f = track_filter(ctx, req);
  if (auto sender = req.get("sender"); sender && !sender->empty()) f.sender = to_lower(*sender);
  std::map<std::string, std::string> primary_domain, owner;
  for (const auto& [domain, user] : read_lookup_pairs(ctx.root, "etc/trueuserdomains")) primary_domain[user] = domain;
  for (const auto& [user, o] : read_lookup_pairs(ctx.root, "etc/trueuserowners")) owner[user] = o;
  auto records = nlohmann::json::array();
  for (const auto& c : track_counts(ctx.root, f)) {
    nlohmann::json r = counters(c, f.type, true, true);
    r["USER"] = c.user;
    r["DOMAIN"] = c.domain;
    r["PRIMARY_DOMAIN"] = primary_domain.count(c.user) ? primary_domain[c.user] : "";
    r["OWNER"] = owner.count(c.user) ? owner[c.user] : "root";
    r["REACHED_MAXDEFERFAIL"] = send_limit_marker(ctx.root, "max_deferfail", c.domain);
    r["REACHED_MAXEMAILS"] = send_limit_marker(ctx.root, "max_emails", c.domain);
    records.push_back(std::move(r));
  }
  return track_records(std::move(records));
}

// start_time < end_time <= now, as cPanel's spam check requires.
std::pair<long long, long long> time_range(const Request& req) {
  const long long start = *req.integer("start_time", 0, 1LL << 40);
  const long long end = *req.integer("end_time", 0, 1LL << 40);
  if (start >= end)
    throw invalid_param("start_time", "The “start_time” parameter must be less than the “end_time” parameter.");
  if (end > now())
    throw invalid_param("end_time", "The “end_time” parameter cannot be greater than the current time (“" +
                                        std::to_string(now()) + "”).");
  return {start, end};
}

Response get_unique_sender_recipient_count_per_user(Context& ctx, const Request& req) {
  const auto [start, end] = time_range(req);
  auto payload = nlohmann::json::array();
  for (const auto& [user, n] : unique_recipient_pairs_per_user(ctx.root, start, end))
    payload.push_back({{"user", user}, {"unique_sender_recipient_count", n}});
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response get_unique_recipient_count_per_sender_for_user(Context& ctx, const Request& req) {
  const auto [start, end] = time_range(req);
  const std::string user = req.require("user");
  AccountStore(ctx.root).require(user);
  auto payload = nlohmann::json::array();
  for (const auto& [sender, n] : unique_recipients_per_sender(ctx.root, start, end, user))
    payload.push_back({{"sender", sender}, {"unique_recipient_count", n}});
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response stats_db_status(Context& ctx, const Request&) {
  Response r;
  r.data = eximstats_status(ctx.root);
  return r;
}

// ---------------------------------------------------------------- declarations

ParamSpec user_param() { return described(required_param("user", ParamType::Username), "The cPanel account."); }
ParamSpec time_param(const char* name, const char* description) {
  ParamSpec p = described(optional_param(name, ParamType::Integer), description);
  p.min = 0;
  return p;
}
std::vector<ParamSpec> window_params() {
  return {time_param("starttime", "The start time of the search window (Unix time; default 0)."),
          time_param("startdate", "Another name for starttime."),
          time_param("endtime", "The end time of the search window (Unix time; default now)."),
          time_param("enddate", "Another name for endtime.")};
}
std::vector<ParamSpec> with(std::vector<ParamSpec> a, const std::vector<ParamSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
std::vector<ParamSpec> range_params() {
  ParamSpec start = make_param("start_time", ParamType::Integer, true),
            end = make_param("end_time", ParamType::Integer, true);
  start.min = end.min = 0;
  return {start, end};
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"suspend_outgoing_email", suspend_outgoing_email, Access::Write, root_only(), {user_param()}}),
    Registration({"unsuspend_outgoing_email", unsuspend_outgoing_email, Access::Write, root_only(), {user_param()}}),
    Registration({"hold_outgoing_email", hold_outgoing_email, Access::Write, root_only(), {user_param()}}),
    Registration({"release_outgoing_email", release_outgoing_email, Access::Write, root_only(), {user_param()}}),
    Registration({"fetch_mail_queue", fetch_mail_queue, Access::Read, root_only()}),
    // "Whether to allow the reseller to view reports about email message
    // delivery attempts from their account": track-email, their accounts only.
    Registration({"emailtrack_stats", emailtrack_stats, Access::Read, needs("track-email", {account_or_self("user")}),
                  with(window_params(), {described(optional_param("user", ParamType::Username),
                                                   "The cPanel account (default: every account).")})}),
    Registration({"emailtrack_user_stats", emailtrack_user_stats, Access::Read, needs("track-email"),
                  with(window_params(),
                       {described(optional_param("sender", ParamType::Email), "Only mail from this address.")})}),
    Registration({"get_unique_sender_recipient_count_per_user", get_unique_sender_recipient_count_per_user,
                  Access::Read, root_only(), range_params()}),
    Registration({"get_unique_recipient_count_per_sender_for_user", get_unique_recipient_count_per_sender_for_user,
                  Access::Read, root_only(), with(range_params(), {user_param()})}),
    Registration(ModuleFunction{Api::Uapi,
                                "Email",
                                "stats_db_status",
                                stats_db_status,
                                Access::Read,
                                own_objects(),
                                {},
                                "Return eximstats SQLite database status"}), );

}  // namespace
}  // namespace whm
