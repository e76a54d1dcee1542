#include "api0.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "account_store.hpp"
#include "authorization.hpp"
#include "errors.hpp"
#include "util.hpp"

namespace whm {
namespace {

using Body = nlohmann::ordered_json;

// What a shape is built from: the request and the WHM API 1 answer.
struct Answer {
  const Request& req;
  bool ok = false;
  std::string reason;
  const nlohmann::json& data;
  const nlohmann::json& metadata;
  const Api0Facts& facts;

  std::string arg(const std::string& key) const { return req.get_or(key, ""); }
  // metadata.output.raw: the progress text API 0 called "rawout".
  nlohmann::json raw_or(nlohmann::json fallback) const {
    if (metadata.contains("output") && metadata["output"].contains("raw")) return metadata["output"]["raw"];
    return fallback;
  }
  const nlohmann::json& data_at(const char* key) const {
    static const nlohmann::json kNull;  // const: shared by every thread, never written
    return data.is_object() && data.contains(key) ? data[key] : kNull;
  }
};

// A number or string as API 0 sent it: a string (values read from files).
nlohmann::json as_string(const nlohmann::json& v) {
  if (v.is_string() || v.is_null()) return v;
  if (v.is_number()) return v.dump();
  return v;
}

// ------------------------------------------------------------ account lists

// The keys of an account in API 0's listaccts and accountsummary, in the
// order cPanel 11.28 sent them (tests/recordings/whm-api0-accounts/).
constexpr const char* kAccountKeys[] = {"startdate", "plan",          "suspended",      "theme",       "shell",
                                        "maxpop",    "maxlst",        "maxaddons",      "suspendtime", "ip",
                                        "maxsub",    "domain",        "maxsql",         "partition",   "maxftp",
                                        "user",      "suspendreason", "unix_startdate", "diskused",    "maxparked",
                                        "email",     "disklimit",     "owner"};

// The cpuser key behind each limit of an account item.
const std::map<std::string, std::string>& limit_keys() {
  static const std::map<std::string, std::string> table = {
      {"maxaddons", "MAXADDON"}, {"maxparked", "MAXPARK"}, {"maxpop", "MAXPOP"}, {"maxlst", "MAXLST"},
      {"maxsub", "MAXSUB"},      {"maxsql", "MAXSQL"},     {"maxftp", "MAXFTP"}};
  return table;
}

Body api0_account(const Answer& a, const nlohmann::json& item) {
  static const std::set<std::string> kNone;
  const std::string user = item.value("user", "");
  auto found = a.facts.limits_not_in_file.find(user);
  const std::set<std::string>& not_in_file = found == a.facts.limits_not_in_file.end() ? kNone : found->second;
  Body out = Body::object();
  for (const char* key : kAccountKeys) {
    nlohmann::json v = item.contains(key) ? item[key] : nlohmann::json(nullptr);
    if (std::string(key) != "suspended") v = as_string(v);  // "suspended" was a number, 0 or 1
    if (auto limit = limit_keys().find(key); limit != limit_keys().end() && not_in_file.count(limit->second))
      v = "*unknown*";
    out[key] = v;
  }
  return out;
}

// {"status":1,"statusmsg":"Ok","<key>":[...]}; on failure the list is null.
Body status_and_list(const Answer& a, const char* key, const nlohmann::json& items,
                     Body (*item)(const Answer&, const nlohmann::json&), const std::string& missing_wording = "") {
  Body out = Body::object();
  out["status"] = a.ok ? 1 : 0;
  out["statusmsg"] =
      a.ok ? "Ok" : (a.facts.named_object_missing && !missing_wording.empty() ? missing_wording : a.reason);
  if (!a.ok) {
    out[key] = nullptr;
    return out;
  }
  out[key] = Body::array();
  for (const auto& i : items) out[key].push_back(item(a, i));
  return out;
}

Body listaccts(const Answer& a) { return status_and_list(a, "acct", a.data_at("acct"), api0_account); }

Body accountsummary(const Answer& a) {
  return status_and_list(a, "acct", a.data_at("acct"), api0_account, "Account does not exist");
}

Body api0_suspension(const Answer&, const nlohmann::json& item) {
  Body out = Body::object();
  for (const char* key : {"reason", "unixtime", "owner", "user", "time"})
    out[key] = as_string(item.contains(key) ? item[key] : nlohmann::json(nullptr));
  return out;
}

Body listsuspended(const Answer& a) { return status_and_list(a, "accts", a.data_at("account"), api0_suspension); }

// ------------------------------------------------------------ actions

// {"<key>":[{"status":..,"statusmsg":..,<fields>}]}: one item, as API 0
// answered every action. `missing_wording`: API 0's words for an account
// that does not exist ("{}" is the user name).
Body action(const Answer& a, const std::string& success_msg, const std::string& missing_wording = "",
            const char* key = "result") {
  Body item = Body::object();
  item["status"] = a.ok ? 1 : 0;
  if (a.ok)
    item["statusmsg"] = success_msg;
  else if (a.facts.named_object_missing && !missing_wording.empty())
    item["statusmsg"] = fmt::format(fmt::runtime(missing_wording), a.arg("user"));
  else
    item["statusmsg"] = a.reason;
  Body out = Body::object();
  out[key] = Body::array({item});
  return out;
}
Body& first_item(Body& body, const char* key = "result") { return body[key][0]; }

Body createacct(const Answer& a) {
  Body out = action(a, a.reason);
  Body& item = first_item(out);
  item["rawout"] = a.ok ? a.raw_or("") : nlohmann::json(nullptr);
  if (!a.ok) {
    item["options"] = nullptr;
    return out;
  }
  // The order cPanel 11.28 sent them in.
  Body options = Body::object();
  for (const char* k :
       {"nameserver4", "nameserver", "nameserverentry2", "nameserverentry3", "nameserverentry4", "nameserverentry",
        "ip", "nameservera2", "nameservera3", "package", "nameservera4", "nameserver2", "nameservera", "nameserver3"})
    options[k] = a.data_at(k);
  item["options"] = options;
  return out;
}

std::string removed_user(const Answer& a) { return a.req.has("username") ? a.arg("username") : a.arg("user"); }

Body removeacct(const Answer& a) {
  Body out = action(a, removed_user(a) + " account removed");
  first_item(out)["rawout"] = a.ok ? a.raw_or("") : nlohmann::json(nullptr);
  return out;
}

// API 0's statusmsg for a suspension was the progress text itself.
Body suspendacct(const Answer& a) {
  // "()": cPanel 11.28 left the name out of this message (recorded).
  return action(a, a.raw_or(a.arg("user") + "'s account has been suspended\n").get<std::string>(),
                "_suspendacct called for a user that does not exist. ()");
}

Body unsuspendacct(const Answer& a) {
  return action(a, a.raw_or(a.arg("user") + "'s account is now active\n").get<std::string>(),
                "_unsuspendacct called for a user that does not exist. ({})");
}

Body passwd(const Answer& a) {
  Body out = action(a, "Password changed for user " + a.arg("user"), "Sorry, the user {} does not exist.", "passwd");
  Body& item = first_item(out, "passwd");
  // Key order as recorded: status, services, statusmsg, rawout.
  Body reordered = Body::object();
  reordered["status"] = item["status"];
  if (a.ok) {
    reordered["services"] = Body::array();
    for (const auto& app : a.data_at("app")) reordered["services"].push_back({{"app", app}});
  } else {
    reordered["services"] = nullptr;
  }
  reordered["statusmsg"] = item["statusmsg"];
  reordered["rawout"] = a.ok ? a.raw_or("") : nlohmann::json(nullptr);
  item = reordered;
  return out;
}

Body changepackage(const Answer& a) {
  Body out = action(a, "Account Upgrade/Downgrade Complete for " + a.arg("user"), "Sorry the user {} does not exist");
  first_item(out)["rawout"] = a.ok ? a.raw_or("") : nlohmann::json(nullptr);
  return out;
}

Body modifyacct(const Answer& a) {
  Body base = action(a, "Account Modified", "Unable to fetch the cPanel user file for {}");
  Body item = Body::object();  // newcfg first, as recorded
  if (a.ok) {
    item["newcfg"] = Body::object();
    for (const char* k : {"setshell", "domain", "user", "cpuser"}) item["newcfg"][k] = a.data_at(k);
  } else {
    item["newcfg"] = nullptr;
  }
  item["status"] = first_item(base)["status"];
  item["statusmsg"] = first_item(base)["statusmsg"];
  const nlohmann::json output = a.metadata.value("output", nlohmann::json::object());
  item["warnings"] = a.ok ? output.value("warnings", nlohmann::json::array()) : nlohmann::json(nullptr);
  item["messages"] = a.ok ? output.value("messages", nlohmann::json::array()) : nlohmann::json(nullptr);
  return Body{{"result", Body::array({item})}};
}

// cPanel's human-readable size: "97.66 GB", "500 MB"; "none" for nothing.
std::string human_size(long long bytes) {
  if (bytes <= 0) return "none";
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();  // "500.00" -> "500", "97.60" -> "97.6"
  if (s.back() == '.') s.pop_back();
  return s + " " + units[u];
}

Body limitbw(const Answer& a) {
  // "set to 99999": the megabytes as the request gave them.
  Body out = action(a, "Bandwidth Limit for " + a.arg("user") + " set to " + a.req.get_or("bwlimit", "unlimited"));
  if (!a.ok) return out;
  const nlohmann::json& limits = a.data_at("bwlimits");
  const nlohmann::json v1 = limits.is_array() && !limits.empty() ? limits[0] : nlohmann::json::object();
  const long long bytes = v1.value("bwlimit", 0LL);
  Body bw = Body::object();  // the order cPanel 11.28 sent them in
  bw["bwlimitenable"] = v1.value("bwlimitenable", 0);
  bw["human_bwlimit"] = v1.value("unlimited", 0) ? std::string("unlimited") : human_size(bytes);
  bw["domains"] = v1.value("domains", nlohmann::json::array());
  bw["unlimited"] = v1.value("unlimited", 0);
  bw["bwlimit"] = std::to_string(bytes);
  bw["human_bwused"] = v1.value("human_bwused", "none");
  first_item(out)["bwlimit"] = bw;
  return out;
}

Body domainuserdata(const Answer& a) {
  Body item = Body::object();
  item["status"] = a.ok ? 1 : 0;
  item["statusmsg"] = a.ok                           ? std::string("Obtained userdata.")
                      : a.facts.named_object_missing ? std::string("Unable to determine account owner for domain.")
                                                     : a.reason;
  Body out = Body::object();
  out["result"] = Body::array({item});
  if (a.ok) out["userdata"] = a.data_at("userdata");
  return out;
}

// ------------------------------------------------------------ plain lists

// Functions whose API 0 body was one key holding WHM API 1's data.
struct Renamed {
  const char* api0_key;
  const char* v1_key;
};
const std::map<std::string, Renamed>& renamed_lists() {
  static const std::map<std::string, Renamed> table = {
      {"version", {"version", "version"}},         {"applist", {"app", "app"}},
      {"listresellers", {"reseller", "reseller"}}, {"listpkgs", {"package", "pkg"}},
      {"gethostname", {"hostname", "hostname"}},
  };
  return table;
}

// myprivs: {"privs":{"all":1,...}}, one object where WHM API 1 has a list of one.
Body myprivs(const Answer& a, Body fallback) {
  const nlohmann::json& p = a.data_at("privileges");
  if (!a.ok || !p.is_array() || p.empty()) return fallback;
  return Body{{"privs", p[0]}};
}

// The cPanel API 2/UAPI passthrough: the inner call's own answer, as
// cPanel's /json-api/cpanel sent it without api.version=1.
Body cpanel(const Answer& a, Body fallback) {
  if (a.data.is_object() && a.data.contains("cpanelresult")) return Body{{"cpanelresult", a.data["cpanelresult"]}};
  if (a.data.is_object() && a.data.contains("uapi")) return Body{{"result", a.data["uapi"]}};
  return fallback;
}

// ------------------------------------------------------------ the rest

// Every other function: the status item every API 0 action answered with,
// and WHM API 1's data beside it (an object's keys at the top, as
// domainuserdata's "userdata"; anything else under "data").
Body generic(const Answer& a) {
  Body item = Body::object();
  item["status"] = a.ok ? 1 : 0;
  item["statusmsg"] = a.reason;
  Body out = Body::object();
  out["result"] = Body::array({item});
  if (a.data.is_object()) {
    for (auto it = a.data.begin(); it != a.data.end(); ++it)
      if (it.key() != "result") out[it.key()] = it.value();
  } else if (!a.data.is_null()) {
    out["data"] = a.data;
  }
  return out;
}

using Shape = Body (*)(const Answer&);
const std::map<std::string, Shape>& shapes() {
  static const std::map<std::string, Shape> table = {
      {"listaccts", listaccts},
      {"accountsummary", accountsummary},
      {"listsuspended", listsuspended},
      {"createacct", createacct},
      {"removeacct", removeacct},
      {"suspendacct", suspendacct},
      {"unsuspendacct", unsuspendacct},
      {"passwd", passwd},
      {"changepackage", changepackage},
      {"modifyacct", modifyacct},
      {"limitbw", limitbw},
      {"domainuserdata", domainuserdata},
  };
  return table;
}

Body api0_body(const Answer& a) {
  const std::string& fn = a.req.function;
  if (auto it = shapes().find(fn); it != shapes().end()) return it->second(a);
  if (fn == "myprivs") return myprivs(a, generic(a));
  if (fn == "cpanel") return cpanel(a, generic(a));
  if (auto it = renamed_lists().find(fn); it != renamed_lists().end() && a.ok)
    return Body{{it->second.api0_key, a.data_at(it->second.v1_key)}};
  return generic(a);
}

// The parameter naming the account (or domain) whose absence API 0 worded
// itself; "" for functions without such wording.
std::string named_object_param(const Request& req) {
  static const std::map<std::string, std::string> table = {
      {"accountsummary", "user"}, {"suspendacct", "user"}, {"unsuspendacct", "user"},    {"passwd", "user"},
      {"changepackage", "user"},  {"modifyacct", "user"},  {"domainuserdata", "domain"},
  };
  auto it = table.find(req.function);
  return it == table.end() ? "" : it->second;
}

bool named_object_missing(const StateRoot& root, const Request& req) {
  const std::string param = named_object_param(req);
  const std::string value = req.get_or(param, "");
  if (param.empty() || value.empty()) return false;
  StateReader reader(root);
  AccountStore store(root);
  if (param == "domain") return !store.domain_owner(to_lower(value));
  return !store.exists(value);
}

// Whether the caller sees every account, and so may learn that one does not
// exist (a reseller is told it does not own it instead, as in WHM API 1).
bool caller_sees_everything(const StateRoot& root, const std::string& caller) {
  try {
    return load_caller(root, caller).privileged;
  } catch (const ApiError&) {
    return false;
  }
}

bool lists_accounts(const Request& req) { return req.function == "listaccts" || req.function == "accountsummary"; }

// The limits each listed account's file does not have (read under the
// caller's snapshot).
std::map<std::string, std::set<std::string>> limits_not_in_files(const StateRoot& root,
                                                                 const nlohmann::json& envelope) {
  std::map<std::string, std::set<std::string>> out;
  const nlohmann::json* accounts = envelope.contains("data") && envelope["data"].is_object() &&
                                           envelope["data"].contains("acct") && envelope["data"]["acct"].is_array()
                                       ? &envelope["data"]["acct"]
                                       : nullptr;
  if (!accounts) return out;
  AccountStore store(root);
  for (const auto& item : *accounts) {
    const std::string user = item.value("user", "");
    auto u = store.load(user);
    if (!u) continue;
    for (const auto& [_, key] : limit_keys())
      if (!u->kv.count(key)) out[user].insert(key);
  }
  return out;
}

}  // namespace

Request api0_request(Request req) {
  // cPanel 11.28 searched only when told where: "search" alone listed every
  // account (recorded: listaccts?search=/ch.*?me).
  if (req.function == "listaccts" && !req.has("searchtype")) req.args.erase("search");
  // API 0's passwd took the new password as "pass" (recorded: passwd?pass=...&user=...).
  if (req.function == "passwd" && req.has("pass") && !req.has("password")) {
    req.args["password"] = req.args["pass"];
    req.args.erase("pass");
  }
  return req;
}

std::string render_api0(const Request& req, const nlohmann::json& v1_envelope, OutputFormat fmt,
                        const Api0Facts& facts) {
  static const nlohmann::json kEmpty = nlohmann::json::object();  // const: shared read-only
  const nlohmann::json& metadata = v1_envelope.contains("metadata") ? v1_envelope["metadata"] : kEmpty;
  const nlohmann::json& data = v1_envelope.contains("data") ? v1_envelope["data"] : kEmpty;
  Answer a{req, metadata.value("result", 0) == 1, metadata.value("reason", ""), data, metadata, facts};
  Body body = api0_body(a);
  if (fmt == OutputFormat::Xml) return xml_dump(nlohmann::json(body), req.function);
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Api0Outcome run_api0_call(const StateRoot& root, Call call, OutputFormat fmt) {
  call.request = api0_request(std::move(call.request));
  const Request request = call.request;
  const std::string caller = call.caller;
  Api0Facts facts;
  CallOutcome outcome;
  if (lists_accounts(request)) {
    // The listing and the files it is completed from: one snapshot.
    StateReader snapshot(root);
    outcome = run_call_for_json(root, std::move(call));
    facts.limits_not_in_file = limits_not_in_files(root, outcome.envelope);
  } else {
    outcome = run_call_for_json(root, std::move(call));
  }
  const nlohmann::json& metadata = outcome.envelope.value("metadata", nlohmann::json::object());
  if (metadata.value("result", 0) != 1 && !named_object_param(request).empty())
    facts.named_object_missing = caller_sees_everything(root, caller) && named_object_missing(root, request);
  return {render_api0(request, outcome.envelope, fmt, facts), outcome.status};
}

}  // namespace whm
