// Accounts / Domain Information: converting an addon domain into an account
// of its own (convert_addon_*). whmkit converts within the call, step by
// step, and records the job; the status and details functions then report
// it. What moves and what does not: docs/convert-addon.md. Storage and the
// steps' pieces: lib/store/convert_addon.hpp.
#include <algorithm>
#include <functional>
#include <map>

#include "account_common.hpp"
#include "convert_addon.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_counts.hpp"
#include "mail_paths.hpp"
#include "mail_routing.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "util.hpp"

namespace whm {
namespace {

namespace status = conversion_status;

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

// The addon domain `domain`, or the refusal naming it.
AddonDomain require_addon_domain(const AccountStore& store, const std::string& domain) {
  auto addon = find_addon_domain(store, domain);
  if (!addon) throw ApiError("The domain " + in_quotes(domain) + " is not an addon domain on this server.");
  return *addon;
}

ConversionJob require_job(const StateRoot& root, const std::string& id_text) {
  auto id = parse_int(id_text);
  auto job = id ? load_conversion(root, *id) : std::nullopt;
  if (!job) throw ApiError("No conversion job with the ID " + in_quotes(id_text) + " exists.");
  return *job;
}

// ---------------------------------------------------------------- listings

Response convert_addon_list_addon_domains(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& row : addon_domain_rows(store))
    if (ctx.rights.sees(row.user, row.owner))
      r.data[row.domain] = {{"docroot", row.docroot},
                            {"domain_type", "addon"},
                            {"ip", row.ip},
                            {"owner", row.owner},
                            {"subdomain", row.parent}};
  return r;
}

Response convert_addon_fetch_domain_details(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  const AddonDomain addon = require_addon_domain(store, req.domain("domain"));
  // The addon domain's own mail, from the stores the Email functions keep
  // (mail_counts.hpp). No SSL certificate is looked up here.
  const CpanelAccount owner = load_cpanel_account(ctx.root, addon.user);
  Transaction view(ctx.root);
  const MailCounts mail = count_account_mail(ctx.root, view, owner, {addon.domain}, false);
  Response r;
  r.data = {{"docroot", addon.docroot},
            {"has_dedicated_ip", addon.ip == load_server_config(ctx.root).shared_ip ? 0 : 1},
            {"has_ssl_cert_installed", 0},
            {"ip", addon.ip},
            {"is_sni_supported", 1},
            {"number_of_autoresponders", mail.autoresponders},
            {"number_of_domain_forwarders", mail.domain_forwarders},
            {"number_of_email_accounts", mail.email_accounts},
            {"number_of_email_forwarders", mail.forwarders},
            {"owner", addon.user}};
  return r;
}

Response convert_addon_list_conversions(Context& ctx, const Request&) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& job : load_conversions(ctx.root))
    list.push_back({{"domain", job.domain},
                    {"end_time", job.end},
                    {"job_id", job.id},
                    {"source_acct", job.source_user},
                    {"start_time", job.start},
                    {"status", job.status},
                    {"target_acct", job.target_user}});
  Response r;
  r.data = {{"conversions", list}};
  return r;
}

Response convert_addon_get_conversion_status(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& id : req.list("job_id")) {
    const ConversionJob job = require_job(ctx.root, id);
    // As real servers send it, the id here is a string.
    r.data[std::to_string(job.id)] = {{"job_end_time", job.end},
                                      {"job_id", std::to_string(job.id)},
                                      {"job_status", job.status},
                                      {"source_acct", job.source_user}};
  }
  return r;
}

Response convert_addon_fetch_conversion_details(Context& ctx, const Request& req) {
  Response r;
  r.data = conversion_json(require_job(ctx.root, req.require("job_id")));
  return r;
}

// ---------------------------------------------------------------- the conversion

// Runs the steps of one job, recording each with its times and warnings; the
// first step that throws is recorded as failed, and the exception goes on.
class StepRecorder {
 public:
  explicit StepRecorder(ConversionJob& job) : job_(job) {}
  // `work` returns the step's warnings.
  void run(const std::string& name, const std::function<std::vector<std::string>()>& work) {
    ConversionStep step{name, status::kInProgress, "", now(), 0};
    try {
      step.warnings = join(work(), "\n");
      step.status = status::kDone;
    } catch (const std::exception& e) {
      step.status = status::kFailed;
      step.warnings = e.what();
      finish(step);
      throw;
    }
    finish(step);
  }
  // A step whmkit cannot do: recorded as skipped, with why.
  void skip(const std::string& name, const std::string& why) {
    ConversionStep step{name, status::kSkipped, why, now(), 0};
    finish(step);
  }

 private:
  void finish(ConversionStep& step) {
    step.end = now();
    job_.steps.push_back(step);
  }
  ConversionJob& job_;
};

// The MySQL parameters ask for what whmkit cannot do: refused before anything changes.
void refuse_mysql_requests(const Request& req) {
  for (const auto& [key, values] : req.args)
    if (starts_with(key, "copymysqldb-") || key == "movemysqldb" || key == "movemysqluser")
      throw ApiError("whmkit does not manage MySQL databases yet, so it cannot copy or move them (" + in_quotes(key) +
                     "). Convert without copymysqldb-*, movemysqldb and movemysqluser.");
}

// createacct's request for the new account.
Request new_account_request(const Context& ctx, const Transaction& txn, const Request& req, const AddonDomain& addon) {
  Request create;
  create.function = "createacct";
  create.args["username"] = {to_lower(req.require("username"))};
  create.args["domain"] = {addon.domain};
  create.args["plan"] = {req.get_or("pkgname", "default")};
  create.args["forcedns"] = {"1"};  // the addon's zone is kept: see the DNS step
  // The new account stays with the reseller that owns the addon's account.
  if (ctx.caller == "root" && addon.owner != "root" && is_reseller(txn, addon.owner))
    create.args["owner"] = {addon.owner};
  return create;
}

// Every step of the conversion up to the FTP logins, staged into `txn`; the
// document root is copied into the new home while it is still being prepared,
// so it moves into place with the commit (and is discarded without it).
void stage_conversion(Context& ctx, Transaction& txn, const Request& req, const AddonDomain& addon, StepRecorder& steps,
                      std::string& target_home) {
  std::vector<std::string> zones = addon.parked;
  zones.insert(zones.begin(), addon.domain);
  std::map<std::string, std::string> zone_texts, forwarders;
  steps.run("Saving email forwarder data", [&] {
    for (const auto& d : zones)
      if (auto text = txn.read(mail_paths::valiases(d))) forwarders[d] = *text;
    return std::vector<std::string>{};
  });
  steps.run("Saving custom DNS records", [&] {
    for (const auto& z : zones)
      if (auto text = txn.read(zone_rel(z))) zone_texts[z] = *text;
    return std::vector<std::string>{};
  });
  steps.run("Removing Addon Domain", [&] {
    stage_addon_release(ctx.root, txn, addon);
    return std::vector<std::string>{};
  });
  AccountCreation created;
  steps.run("Creating new cPanel account", [&] {
    created = stage_account_creation(ctx, new_account_request(ctx, txn, req, addon), txn, addon.domain);
    stage_parked_on_new_account(ctx.root, txn, created.account.facts, created.account.cpuser, addon.parked);
    return std::vector<std::string>{};
  });
  const AccountFacts& a = created.account.facts;
  target_home = a.home;
  steps.run("Restoring custom DNS records", [&] {
    for (const auto& [zone, text] : zone_texts) stage_zone_kept(txn, zone, text, addon.ip, created.ip);
    return std::vector<std::string>{};
  });
  steps.run("Restoring email forwarders", [&] {
    AccountFacts source;
    source.user = addon.user;
    source.home = load_cpanel_account(ctx.root, addon.user).home;
    std::string raw;
    for (const auto& [domain, text] : forwarders) stage_forwarders_moved(txn, domain, text, source, a, raw);
    std::vector<std::string> left_out = split(raw, '\n');
    left_out.erase(std::remove(left_out.begin(), left_out.end(), ""), left_out.end());
    return left_out;
  });
  steps.run("Copying document root content", [&] {
    const std::string source_home = load_cpanel_account(ctx.root, addon.user).home;
    if (addon.docroot != source_home && !starts_with(addon.docroot, source_home + "/"))
      throw ApiError("The document root " + addon.docroot + " is not inside the home directory " + source_home + ".");
    auto home = UserDir::open(ctx.root.path(paths::rel_from_abs(source_home)), source_home);
    auto from =
        home ? home->dir(addon.docroot.substr(std::min(addon.docroot.size(), source_home.size() + 1))) : std::nullopt;
    if (!from) return std::vector<std::string>{"The document root " + addon.docroot + " does not exist."};
    auto staging = UserDir::open(ctx.root.path(home_staging_rel(a.home_rel)), a.home);
    if (!staging) throw ApiError("The new home directory " + a.home + " was not prepared.");
    return copy_tree(*from, staging->make_dirs("public_html", 0750, a.ids), a.ids);
  });
}

Response convert_addon_initiate_conversion(Context& ctx, const Request& req) {
  refuse_mysql_requests(req);
  AccountStore store(ctx.root);
  const AddonDomain addon = require_addon_domain(store, req.domain("domain"));
  // Bad input is refused before a job exists.
  const std::string user = to_lower(req.require("username"));
  check_username_available(ctx.root, user);
  load_package(ctx.root, req.get_or("pkgname", "default"));

  // The account as it was, with the domains that leave it (their mail is read from its home).
  const CpanelAccount source = load_cpanel_account(ctx.root, addon.user);

  ConversionJob job;
  job.id = next_conversion_id(ctx.root);
  job.domain = addon.domain;
  job.source_user = addon.user;
  job.target_user = user;
  job.start = now();
  StepRecorder steps(job);
  // A failed step leaves the state as it was before that commit, and the job says which step failed.
  auto record_failure = [&](const std::exception& e) {
    job.status = status::kFailed;
    job.end = now();
    Transaction record(ctx.root);
    stage_conversion_record(record, job);
    record.commit();
    return ApiError("The conversion of " + in_quotes(addon.domain) + " (job " + std::to_string(job.id) +
                    ") failed: " + e.what());
  };

  std::string target_home;
  try {
    Transaction txn(ctx.root);
    stage_conversion(ctx, txn, req, addon, steps, target_home);
    job.status = status::kInProgress;  // until the FTP logins have moved too
    stage_conversion_record(txn, job);
    txn.commit();
  } catch (const std::exception& e) {
    throw record_failure(e);
  }
  // The FTP logins go once the new home exists (their quota file is in it).
  try {
    Transaction txn(ctx.root);
    std::vector<std::string> domains = addon.parked;
    domains.push_back(addon.domain);
    const CpanelAccount target = load_cpanel_account(ctx.root, user);
    steps.run("Copying email accounts", [&] { return stage_mail_copy(ctx.root, txn, source, target, domains); });
    steps.run("Moving FTP accounts", [&] {
      return stage_ftp_move(txn, load_cpanel_account(ctx.root, addon.user), target, domains, addon.docroot);
    });
    steps.run("Moving cron jobs", [&] { return stage_cron_move(txn, source, target, addon.docroot); });
    job.status = job.outcome();
    job.end = now();
    stage_conversion_record(txn, job);
    txn.commit();
  } catch (const std::exception& e) {
    throw record_failure(e);
  }
  Response r;
  r.data = {{"job_id", job.id}};
  return r;
}

std::vector<ParamSpec> initiate_params() {
  ParamSpec user = make_param("username", ParamType::Username, true);
  user.description = "The username of the new account.";
  return {user, described(list_param("movemysqldb"), "Refused: whmkit does not manage MySQL databases yet."),
          described(list_param("movemysqluser"), "Refused: whmkit does not manage MySQL users yet.")};
}

ParamSpec job_ids_param() {
  ParamSpec p = list_param("job_id", ParamType::Integer, true);
  p.min = 1;
  return described(p, "The conversion's job identification number; job_id-0, job_id-1, ... for several jobs.");
}

// cPanel keeps the conversion to root (and resellers holding "all").
WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"convert_addon_list_addon_domains", convert_addon_list_addon_domains, Access::Read, root_only()}),
    Registration({"convert_addon_fetch_domain_details", convert_addon_fetch_domain_details, Access::Read, root_only()}),
    Registration({"convert_addon_initiate_conversion", convert_addon_initiate_conversion, Access::Write, root_only(),
                  initiate_params()}),
    Registration({"convert_addon_get_conversion_status",
                  convert_addon_get_conversion_status,
                  Access::Read,
                  root_only(),
                  {job_ids_param()}}),
    Registration({"convert_addon_list_conversions", convert_addon_list_conversions, Access::Read, root_only()}),
    Registration({"convert_addon_fetch_conversion_details", convert_addon_fetch_conversion_details, Access::Read,
                  root_only()}), );

}  // namespace
}  // namespace whm
