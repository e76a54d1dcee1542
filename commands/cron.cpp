// The Cron module of cPanel API 2 (listcron, add_line, ...) and its UAPI
// counterpart (whmkit's: cPanel has none): the account's own crontab, the
// spool file var/spool/cron/crontabs/<user> (Debian's location), written the
// way `crontab` installs it: mode 0600, owned by the user and group crontab.
#include <algorithm>
#include <iterator>

#include "account_store.hpp"
#include "cron_store.hpp"
#include "crontab.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

Crontab load_crontab(const Context& ctx) {
  Transaction view(ctx.root);
  return load_crontab(view, ctx.account.user);
}

void save_crontab(const Context& ctx, const Crontab& c) {
  Transaction txn(ctx.root);
  stage_crontab(txn, ctx.account.user, ctx.account.owner, c);
  txn.commit();
}

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its cron jobs cannot be changed.");
}

// The schedule from minute/hour/day/month/weekday. add_line declares all five
// required, as the API 2 reference does: a job never runs every minute by
// default. edit_line keeps the job's own value of each field not given (all
// five are needed to replace an "@daily"-style schedule).
std::string schedule_arg(const Request& req, const CronJob* current) {
  const char* names[] = {"minute", "hour", "day", "month", "weekday"};
  if (current && std::none_of(std::begin(names), std::end(names), [&](const char* n) { return req.has(n); }))
    return current->schedule;
  const std::vector<std::string> old = current ? split(current->schedule, ' ') : std::vector<std::string>{};
  std::vector<std::string> fields;
  for (size_t i = 0; i < 5; ++i) {
    auto given = req.get(names[i]);
    if (!given && old.size() != 5) throw missing_param(names[i]);
    std::string v = trim(given ? *given : old[i]);
    if (v.empty()) throw missing_param(names[i]);
    if (v.find_first_of(" \t") != std::string::npos) throw invalid_param(names[i], "it contains a blank.");
    check_cron_text(v, names[i]);
    fields.push_back(v);
  }
  parse_cron_schedule(fields[0], fields[1], fields[2], fields[3], fields[4]);  // throws naming the field
  return join(fields, " ");
}

size_t job_index(const Crontab& c, const Request& req) {
  if (auto key = req.get("linekey"); key && !key->empty()) {
    if (auto i = c.find_linekey(*key)) return *i;
    throw ApiError("No cron job has the line key “" + *key + "”.");
  }
  if (auto line = req.get("line"); line && !line->empty()) {
    auto n = parse_int(*line);
    if (!n || *n < 1 || static_cast<size_t>(*n) > c.job_count())
      throw invalid_param("line", "there is no cron job number " + *line + ".");
    return static_cast<size_t>(*n - 1);
  }
  throw missing_param("linekey", "(or “line”)");
}

// The five schedule fields as strings ("@daily" stands in `minute`).
void put_schedule_fields(const CronJob& job, nlohmann::json& j) {
  auto fields = split(job.schedule, ' ');
  const char* names[] = {"minute", "hour", "day", "month", "weekday"};
  for (size_t k = 0; k < 5; ++k) j[names[k]] = fields.size() == 5 ? fields[k] : (k == 0 ? job.schedule : "");
}

// An API 2 listcron item: exactly the fields real servers send.
nlohmann::json api2_job_json(const Crontab& c, size_t i, const CronJob& job) {
  nlohmann::json j = {{"command", job.command},
                      {"command_htmlsafe", html_escape(job.command)},
                      {"count", i + 1},
                      {"linekey", c.linekey(i)}};
  put_schedule_fields(job, j);
  return j;
}

// A UAPI list_cron item (whmkit's own module), with names, disabled jobs and
// the next run.
nlohmann::json uapi_job_json(const Crontab& c, size_t i, const CronJob& job) {
  nlohmann::json j = {{"command", job.command},  {"commandnumber", i + 1}, {"count", i + 1},
                      {"linekey", c.linekey(i)}, {"name", job.name},       {"enabled", job.enabled ? 1 : 0},
                      {"schedule", job.schedule}};
  put_schedule_fields(job, j);
  nlohmann::json next = nullptr;
  if (job.enabled)
    if (auto t = next_cron_run(parse_cron_expression(job.schedule), now())) next = iso8601_local(*t);
  j["next_run_at"] = next;
  return j;
}

CronJob job_from(const Request& req, const CronJob* current) {
  CronJob job = current ? *current : CronJob{};
  job.schedule = schedule_arg(req, current);
  if (req.has("command") || !current) {
    std::string cmd = trim(req.require("command"));
    check_cron_text(cmd, "command");
    if (cmd.empty()) throw missing_param("command");
    job.command = cmd;
  }
  if (req.has("name")) {
    std::string name = trim(req.get_or("name", ""));
    check_cron_text(name, "name");
    job.name = name;
  }
  if (req.has("enabled")) job.enabled = req.flag("enabled", true);
  return job;
}

Response installed(const Crontab& c, std::optional<size_t> index, bool api2) {
  Response r;
  nlohmann::json item = {{"status", 1}, {"statusmsg", "crontab installed"}};
  if (index) item["linekey"] = c.linekey(*index);
  r.data = api2 ? nlohmann::json::array({item}) : item;
  return r;
}

// API 2 ends the list with one more item holding only the next count, as
// real servers do.
Response list_cron(Context& ctx, const Request&, bool api2) {
  Crontab c = load_crontab(ctx);
  Response r;
  r.data = nlohmann::json::array();
  auto jobs = c.jobs();
  for (size_t i = 0; i < jobs.size(); ++i)
    r.data.push_back(api2 ? api2_job_json(c, i, jobs[i]) : uapi_job_json(c, i, jobs[i]));
  if (api2) r.data.push_back({{"count", jobs.size() + 1}});
  return r;
}

// A job whose schedule and command another job already has is not written.
// API 2 answers as real servers do: the call succeeds, its one item fails
// (status 0) and names the existing job's key. whmkit's UAPI fails the call.
const char* const kJobExists = "This cron job already exists.";
Response job_exists(const Crontab& c, size_t existing, bool api2) {
  if (!api2) throw ApiError(kJobExists);
  Response r;
  r.data = nlohmann::json::array({{{"linekey", c.linekey(existing)}, {"status", 0}, {"statusmsg", kJobExists}}});
  return r;
}

Response add_line(Context& ctx, const Request& req, bool api2) {
  refuse_if_suspended(ctx);
  Crontab c = load_crontab(ctx);
  CronJob job = job_from(req, nullptr);
  if (auto existing = c.find_job(job.schedule, job.command)) return job_exists(c, *existing, api2);
  size_t i = c.add(job);
  save_crontab(ctx, c);
  return installed(c, i, api2);
}

Response edit_line(Context& ctx, const Request& req, bool api2) {
  refuse_if_suspended(ctx);
  Crontab c = load_crontab(ctx);
  size_t i = job_index(c, req);
  CronJob current = c.jobs()[i];
  CronJob job = job_from(req, &current);
  if (auto existing = c.find_job(job.schedule, job.command); existing && *existing != i)
    return job_exists(c, *existing, api2);
  c.replace(i, job);
  save_crontab(ctx, c);
  return installed(c, i, api2);
}

Response remove_line(Context& ctx, const Request& req, bool api2) {
  refuse_if_suspended(ctx);
  Crontab c = load_crontab(ctx);
  c.remove(job_index(c, req));
  save_crontab(ctx, c);
  return installed(c, std::nullopt, api2);
}

Response fetch_cron(Context& ctx, const Request&) {
  Crontab c = load_crontab(ctx);
  Response r;
  r.data = nlohmann::json::array();
  auto lines = c.lines();
  for (size_t i = 0; i < lines.size(); ++i) r.data.push_back({{"line", lines[i]}, {"linenumber", i + 1}});
  return r;
}

Response get_email(Context& ctx, const Request&, bool api2) {
  Crontab c = load_crontab(ctx);
  Response r;
  nlohmann::json item = {{"email", c.mailto()}};
  r.data = api2 ? nlohmann::json::array({item}) : item;
  return r;
}

Response set_email(Context& ctx, const Request& req, bool api2) {
  refuse_if_suspended(ctx);
  std::string email = trim(req.get_or("email", ""));
  check_cron_text(email, "email");
  if (!email.empty() && !is_valid_email(email))
    throw invalid_param("email", "“" + email + "” is not a valid email address.");
  Crontab c = load_crontab(ctx);
  c.set_mailto(email);
  save_crontab(ctx, c);
  Response r;
  nlohmann::json item = {{"email", email}, {"status", 1}, {"statusmsg", "crontab installed"}};
  r.data = api2 ? nlohmann::json::array({item}) : item;
  return r;
}

// add_line needs the whole job; edit_line changes what it is given.
std::vector<ParamSpec> job_params(bool adding) {
  std::vector<ParamSpec> v;
  for (const char* field : {"minute", "hour", "day", "month", "weekday"})
    v.push_back(make_param(field, ParamType::String, adding));
  v.push_back(make_param("command", ParamType::String, adding));
  v.push_back(make_param("name"));
  v.push_back(make_param("enabled", ParamType::Boolean));
  return v;
}
std::vector<ParamSpec> edit_params() {
  auto v = job_params(false);
  v.push_back(make_param("linekey"));
  v.push_back(make_param("line", ParamType::Integer));
  return v;
}

template <Response (*F)(Context&, const Request&, bool), bool Api2>
Response bind(Context& ctx, const Request& req) {
  return F(ctx, req, Api2);
}

WHMKIT_REGISTRATIONS(
    cron_functions,
    // API 2
    Registration({Api::Api2, "Cron", "listcron", bind<list_cron, true>, Access::Read, needs_feature("cron")}),
    Registration({Api::Api2, "Cron", "fetchcron", fetch_cron, Access::Read, needs_feature("cron")}),
    Registration({Api::Api2, "Cron", "add_line", bind<add_line, true>, Access::Write, needs_feature("cron"),
                  job_params(true)}),
    Registration({Api::Api2, "Cron", "edit_line", bind<edit_line, true>, Access::Write, needs_feature("cron"),
                  edit_params()}),
    Registration({Api::Api2,
                  "Cron",
                  "remove_line",
                  bind<remove_line, true>,
                  Access::Write,
                  needs_feature("cron"),
                  {make_param("linekey"), make_param("line", ParamType::Integer)}}),
    Registration({Api::Api2, "Cron", "get_email", bind<get_email, true>, Access::Read, needs_feature("cron")}),
    Registration({Api::Api2,
                  "Cron",
                  "set_email",
                  bind<set_email, true>,
                  Access::Write,
                  needs_feature("cron"),
                  {make_param("email")}}),
    // UAPI
    Registration({Api::Uapi, "Cron", "list_cron", bind<list_cron, false>, Access::Read, needs_feature("cron")}),
    Registration({Api::Uapi, "Cron", "fetch_cron", fetch_cron, Access::Read, needs_feature("cron")}),
    Registration({Api::Uapi, "Cron", "add_line", bind<add_line, false>, Access::Write, needs_feature("cron"),
                  job_params(true)}),
    Registration({Api::Uapi, "Cron", "edit_line", bind<edit_line, false>, Access::Write, needs_feature("cron"),
                  edit_params()}),
    Registration({Api::Uapi,
                  "Cron",
                  "remove_line",
                  bind<remove_line, false>,
                  Access::Write,
                  needs_feature("cron"),
                  {make_param("linekey"), make_param("line", ParamType::Integer)}}),
    Registration({Api::Uapi, "Cron", "get_email", bind<get_email, false>, Access::Read, needs_feature("cron")}),
    Registration({Api::Uapi,
                  "Cron",
                  "set_email",
                  bind<set_email, false>,
                  Access::Write,
                  needs_feature("cron"),
                  {make_param("email")}}), );

}  // namespace
}  // namespace whm
