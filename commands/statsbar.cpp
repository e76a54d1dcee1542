// The UAPI StatsBar module: get_stats, the rows of cPanel's statistics bar
// for the display names asked for, from the same counts as ResourceUsage
// (lib/store/account_usage.hpp). docs/usage.md lists the names whmkit
// answers and the shape of each row.
#include <sys/utsname.h>

#include <cmath>
#include <cstdio>

#include "account_store.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "quota.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kInfinity = "\u221e";
constexpr long long kMegabyte = 1048576;

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// cPanel's format_bytes: "0 bytes", "1.75 MB", "1 GB" (two decimals at most,
// trailing zeros dropped), a no-break space before the unit as the Ftp
// recordings show it.
std::string format_bytes(long long bytes) {
  static const char* const kNbsp = "\u00a0";
  if (bytes < 1024) return std::to_string(bytes) + kNbsp + (bytes == 1 ? "byte" : "bytes");
  const char* const units[] = {"KB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  for (; value >= 1024 && unit + 1 < std::size(units); value /= 1024) ++unit;
  std::string text = fixed2(value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + kNbsp + units[unit];
}

struct Options {
  std::string infinity = kInfinity;
  bool only_warnings = false, show_maxed = true;
  long long warning_level = 80;
};

// The percentage of a limit used (0 without a limit), and its roundings.
void add_percents(nlohmann::json& row, long long used, const std::optional<long long>& max) {
  long long percent = 0;
  if (max && *max > 0) percent = std::min<long long>(100, used * 100 / *max);
  if (max && *max == 0 && used > 0) percent = 100;
  auto nearest = [&](long long step) { return (percent + step / 2) / step * step; };
  row["percent"] = percent;
  row["percent5"] = nearest(5);
  row["percent10"] = nearest(10);
  row["percent20"] = nearest(20);
}

// A byte-measured row (disk, bandwidth): figures in MB, 0 is unlimited.
nlohmann::json bytes_row(const Options& o, long long used, std::optional<long long> max) {
  if (max && *max == 0) max.reset();
  nlohmann::json row = nlohmann::json::object();
  const bool maxed = max && used >= *max;
  row["_count"] = fixed2(static_cast<double>(used) / kMegabyte);
  row["_max"] = max ? fixed2(static_cast<double>(*max) / kMegabyte) : "unlimited";
  row["_maxed"] = maxed ? 1 : 0;
  row["count"] = format_bytes(used);
  row["is_maxed"] = maxed ? 1 : 0;
  row["max"] = max ? format_bytes(*max) : o.infinity;
  row["normalized"] = 1;
  row["units"] = "MB";
  row["zeroisunlimited"] = 1;
  add_percents(row, used, max);
  return row;
}

// A counted row (FTP accounts, subdomains, ...): a limit of 0 allows none.
nlohmann::json count_row(const Options& o, const LimitedCount& c) {
  nlohmann::json row = nlohmann::json::object();
  row["_count"] = std::to_string(c.used);
  row["_max"] = c.max ? std::to_string(*c.max) : "unlimited";
  row["_maxed"] = c.at_limit() ? 1 : 0;
  row["count"] = std::to_string(c.used);
  row["is_maxed"] = c.at_limit() ? 1 : 0;
  row["max"] = c.max ? std::to_string(*c.max) : o.infinity;
  row["normalized"] = 1;
  row["zeroisunlimited"] = 0;
  add_percents(row, c.used, c.max);
  return row;
}

// A count no package limits (forwarders, filters, autoresponders).
nlohmann::json unlimited_row(const Options& o, long long used) {
  return count_row(o, LimitedCount{used, std::nullopt});
}

nlohmann::json text_row(const std::string& value) { return {{"count", value}}; }

// One display name: its label, the module cPanel names, the feature that
// gates it ("" = none) and how to build its figures.
struct Stat {
  const char* name;
  const char* phrase;
  const char* module;
  const char* feature;
  nlohmann::json (*build)(const Options&, const AccountUsage&, const ServerConfig&);
};

const Stat kStats[] = {
    {"addondomains", "Addon Domains", "Park", "addondomains",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.addon_domains); }},
    {"autoresponders", "Autoresponders", "Email", "autoresponders",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return unlimited_row(o, u.autoresponders); }},
    {"bandwidthusage", "Monthly Bandwidth Transfer", "Stats", "bandwidth",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) {
       auto row = bytes_row(o, u.bandwidth_bytes, u.bandwidth_limit);
       row["maxed_phrase"] = "You have transferred your maximum allotment of data ([format_bytes,_1]) for this month.";
       row["near_limit_phrase"] =
           "You have transferred [format_bytes,_1] of your [format_bytes,_2] data allotment for this month.";
       return row;
     }},
    {"diskusage", "Disk Space Usage", "Quota", "",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) {
       std::optional<long long> max;
       if (u.disk.byte_limit > 0) max = u.disk.byte_limit;
       auto row = bytes_row(o, u.disk.bytes_used, max);
       row["langkey"] = "INDXDiskUsage";
       row["maxed_phrase"] = "You are using your maximum storage allotment, [format_bytes,_1].";
       row["near_limit_phrase"] =
           "You are using [format_bytes,_1] of the [format_bytes,_2] of storage available to you.";
       return row;
     }},
    {"emailaccounts", "Email Accounts", "Email", "popaccts",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.email_accounts); }},
    {"emailfilters", "Email Filters", "Email", "blockers",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return unlimited_row(o, u.email_filters); }},
    {"emailforwarders", "Forwarders", "Email", "forwarders",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return unlimited_row(o, u.forwarders); }},
    {"ftpaccounts", "FTP Accounts", "Ftp", "ftpaccts",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.ftp_accounts); }},
    {"hostingpackage", "Hosting Package", "", "",
     [](const Options&, const AccountUsage& u, const ServerConfig&) { return text_row(u.plan); }},
    {"hostname", "Server Name", "", "",
     [](const Options&, const AccountUsage&, const ServerConfig& c) { return text_row(c.hostname); }},
    {"kernelversion", "Kernel Version", "", "",
     [](const Options&, const AccountUsage&, const ServerConfig&) {
       utsname un{};
       ::uname(&un);
       return text_row(un.release);
     }},
    {"machinetype", "Machine Type", "", "",
     [](const Options&, const AccountUsage&, const ServerConfig&) {
       utsname un{};
       ::uname(&un);
       return text_row(un.machine);
     }},
    {"mailinglists", "Mailing Lists", "Email", "lists",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.mailing_lists); }},
    {"mysqldatabases", "MySQL® Databases", "Mysql", "mysql",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.mysql_databases); }},
    {"operatingsystem", "Operating System", "", "",
     [](const Options&, const AccountUsage&, const ServerConfig&) {
       utsname un{};
       ::uname(&un);
       return text_row(un.sysname);
     }},
    {"parkeddomains", "Aliases", "Park", "parkeddomains",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.parked_domains); }},
    {"shorthostname", "Short Server Name", "", "",
     [](const Options&, const AccountUsage&, const ServerConfig& c) {
       return text_row(c.hostname.substr(0, c.hostname.find('.')));
     }},
    {"sqldatabases", "Databases", "Mysql", "mysql",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.mysql_databases); }},
    {"subdomains", "Subdomains", "SubDomain", "subdomains",
     [](const Options& o, const AccountUsage& u, const ServerConfig&) { return count_row(o, u.subdomains); }},
    {"theme", "Theme", "", "",
     [](const Options&, const AccountUsage& u, const ServerConfig&) { return text_row(u.theme); }},
};

const Stat* find_stat(const std::string& name) {
  for (const auto& s : kStats)
    if (name == s.name) return &s;
  return nullptr;
}

Response get_stats(Context& ctx, const Request& req) {
  Options o;
  if (auto v = req.get("infinitylang"); v && !v->empty()) o.infinity = *v;
  o.only_warnings = req.get_or("warnings", "0") == "1";
  o.show_maxed = req.get_or("warnout", "1") == "1";
  if (auto level = req.integer("warninglevel", 1, 100)) o.warning_level = *level;
  std::string rowtype = req.get_or("rowcounter", "even");

  const AccountUsage usage = current_account_usage(ctx);
  const ServerConfig config = load_server_config(ctx.root);
  const CpUser cpuser = AccountStore(ctx.root).require(ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  // Names whmkit does not know (or cannot answer truthfully) are skipped, as
  // cPanel skips names it has no statistic for.
  for (const auto& name : split(req.get_or("display", ""), '|')) {
    const Stat* stat = find_stat(trim(name));
    if (!stat) continue;
    if (*stat->feature && !resolve_feature(ctx.root, cpuser, stat->feature).enabled) continue;
    nlohmann::json row = stat->build(o, usage, config);
    if (o.only_warnings && row.value("percent", 0LL) <= o.warning_level) continue;
    if (!o.show_maxed && row.value("is_maxed", 0) == 1) continue;
    row["id"] = stat->name;
    row["name"] = stat->name;
    row["item"] = stat->phrase;
    row["phrase"] = stat->phrase;
    if (*stat->module) row["module"] = stat->module;
    if (*stat->feature) row["feature"] = stat->feature;
    row["rowtype"] = rowtype;
    rowtype = rowtype == "even" ? "odd" : "even";
    r.data.push_back(row);
  }
  return r;
}

ParamSpec boolean_param(const char* name) {
  ParamSpec p = optional_param(name, ParamType::Boolean);
  return p;
}

ParamSpec warning_level_param() {
  ParamSpec p = optional_param("warninglevel", ParamType::Integer);
  p.min = 1;
  p.max = 100;
  return p;
}

ParamSpec rowcounter_param() {
  ParamSpec p = optional_param("rowcounter");
  p.allowed = {"odd", "even"};
  return p;
}

// Every account has the statistics bar: no feature gates the function (rows
// of a feature the account lacks are left out).
WHMKIT_REGISTRATIONS(statsbar_functions,
                     Registration(ModuleFunction{
                         Api::Uapi,
                         "StatsBar",
                         "get_stats",
                         get_stats,
                         Access::Read,
                         own_objects(),
                         {make_param("display", ParamType::String, true), optional_param("infinityimg"),
                          optional_param("infinitylang"), rowcounter_param(), warning_level_param(),
                          boolean_param("warnings"), boolean_param("warnout")},
                         "Return cPanel account statistics"}), );

}  // namespace
}  // namespace whm
