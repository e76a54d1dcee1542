// The UAPI Bandwidth module: the account's bandwidth report from its
// datastore, var/cpanel/bandwidth/<user>.sqlite (lib/base/bandwidth.hpp),
// the one showbw and the StatsBar read. whmkit keeps one sample per day,
// domain and protocol, never pruned.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <set>

#include "bandwidth.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

const std::vector<std::string> kProtocols = {"ftp", "http", "imap", "pop3", "smtp"};
const std::vector<std::string> kTimeGroupings = {"year", "year_month", "year_month_day", "year_month_day_hour",
                                                 "year_month_day_hour_minute"};
// Data recorded without a domain (everything but HTTP).
constexpr const char* kUnknownDomain = "UNKNOWN";

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::vector<std::string> pipe_list(const Request& req, const char* name) {
  std::vector<std::string> out;
  for (const auto& item : split(req.get_or(name, ""), '|'))
    if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

// domain and/or protocol, at most one time grouping, three values at most.
std::vector<std::string> parse_grouping(const Request& req) {
  auto grouping = pipe_list(req, "grouping");
  if (grouping.empty()) throw missing_param("grouping");
  if (grouping.size() > 3) throw invalid_param("grouping", "it accepts at most three values.");
  int times = 0;
  bool named = false;
  std::set<std::string> seen;
  for (const auto& g : grouping) {
    if (!seen.insert(g).second) throw invalid_param("grouping", "“" + g + "” is given twice.");
    if (g == "domain" || g == "protocol")
      named = true;
    else if (contains(kTimeGroupings, g))
      ++times;
    else
      throw invalid_param("grouping",
                          "“" + g + "” is not one of domain, protocol, " + join(kTimeGroupings, ", ") + ".");
  }
  if (!named) throw invalid_param("grouping", "it must contain “domain” or “protocol”.");
  if (times > 1) throw invalid_param("grouping", "it accepts only one time interval.");
  return grouping;
}

// An Olson name of a zone file the system has ("America/Chicago").
std::string parse_timezone(const Request& req) {
  std::string tz = req.get_or("timezone", "UTC");
  bool plain = !tz.empty() && tz.find("..") == std::string::npos && tz[0] != '/' &&
               std::all_of(tz.begin(), tz.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '/';
               });
  struct stat st {};
  if (!plain || ::stat(("/usr/share/zoneinfo/" + tz).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw invalid_param("timezone", "“" + tz + "” is not a known time zone.");
  return tz;
}

// Runs with the process's local time set to `tz`, then puts it back.
class LocalZone {
 public:
  explicit LocalZone(const std::string& tz) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", tz.c_str(), 1);
    ::tzset();
  }
  ~LocalZone() {
    if (saved_)
      ::setenv("TZ", saved_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> saved_;
};

// The start of the year/month/day/hour/minute holding `t`, in local time.
std::string period_start(std::time_t t, const std::string& grouping) {
  std::tm tm{};
  localtime_r(&t, &tm);
  const size_t depth =
      static_cast<size_t>(std::find(kTimeGroupings.begin(), kTimeGroupings.end(), grouping) - kTimeGroupings.begin());
  tm.tm_sec = 0;
  if (depth < 4) tm.tm_min = 0;
  if (depth < 3) tm.tm_hour = 0;
  if (depth < 2) tm.tm_mday = 1;
  if (depth < 1) tm.tm_mon = 0;
  tm.tm_isdst = -1;
  return std::to_string(static_cast<long long>(std::mktime(&tm)));
}

Response query(Context& ctx, const Request& req) {
  const auto grouping = parse_grouping(req);
  const auto domains = pipe_list(req, "domains");
  for (const auto& d : domains)
    if (d != kUnknownDomain && domain_syntax_error(d)) throw invalid_param("domains", "“" + d + "” is not a domain.");
  const auto protocols = pipe_list(req, "protocols");
  for (const auto& p : protocols)
    if (!contains(kProtocols, p))
      throw invalid_param("protocols", "“" + p + "” is not one of " + join(kProtocols, ", ") + ".");
  const std::string interval = req.get_or("interval", "daily");
  const long long start = req.integer("start", 0, 1LL << 40).value_or(0);
  const long long end = req.integer("end", 0, 1LL << 40).value_or(static_cast<long long>(now()));
  const std::string tz = parse_timezone(req);

  Response r;
  r.data = nlohmann::json::object();
  // whmkit records daily samples only: the finer intervals have no data.
  if (interval != "daily") return r;
  LocalZone zone(tz);
  for (const auto& s : bandwidth_samples(ctx.root.path(paths::bandwidth_db(ctx.account.user)), start, end)) {
    if (!domains.empty() && !contains(domains, s.domain)) continue;
    if (!protocols.empty() && !contains(protocols, s.protocol)) continue;
    nlohmann::json* node = &r.data;
    for (size_t i = 0; i < grouping.size(); ++i) {
      const std::string key = grouping[i] == "domain" ? s.domain
                              : grouping[i] == "protocol"
                                  ? s.protocol
                                  : period_start(static_cast<std::time_t>(s.unixtime), grouping[i]);
      nlohmann::json& child = (*node)[key];
      if (i + 1 == grouping.size()) child = child.is_number() ? child.get<long long>() + s.bytes : s.bytes;
      node = &child;
    }
  }
  return r;
}

// whmkit keeps its daily samples forever and no finer ones, so no interval
// it stores expires: the list is empty (cPanel lists the intervals it prunes).
Response get_retention_periods(Context&, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  return r;
}

// The protocols the datastore records.
Response get_enabled_protocols(Context&, const Request&) {
  Response r;
  r.data = kProtocols;
  return r;
}

ParamSpec interval_param() {
  ParamSpec p = optional_param("interval");
  p.allowed = {"daily", "hourly", "5min"};
  p.default_value = "daily";
  return p;
}

// The reference gates the module by the "bandwidth" feature.
ModuleFunction bandwidth(const char* name, Handler h, std::vector<ParamSpec> params, const char* summary) {
  return {Api::Uapi,         "Bandwidth", name, std::move(h), Access::Read, needs_feature("bandwidth"),
          std::move(params), summary};
}

WHMKIT_REGISTRATIONS(
    bandwidth_functions,
    Registration(bandwidth("query", query,
                           {make_param("grouping", ParamType::String, true), optional_param("domains"),
                            optional_param("end", ParamType::Integer), interval_param(), optional_param("protocols"),
                            optional_param("start", ParamType::Integer), optional_param("timezone")},
                           "Return cPanel account's bandwidth usage report")),
    Registration(bandwidth("get_retention_periods", get_retention_periods, {}, "Return bandwidth retention period")),
    Registration(bandwidth("get_enabled_protocols", get_enabled_protocols, {},
                           "Return services monitored in bandwidth data")), );

}  // namespace
}  // namespace whm
