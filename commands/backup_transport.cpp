// What the backup run copied to its destinations (the transport history,
// transport_history.hpp) and the Google Drive authorization (google_drive.hpp).
#include <map>

#include "account_store.hpp"
#include "backup_destinations.hpp"
#include "backup_store.hpp"
#include "errors.hpp"
#include "google_drive.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "transport_history.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// A history time as the API shows it: null when not set.
nlohmann::json timestamp(const std::string& t) { return t.empty() ? nlohmann::json(nullptr) : nlohmann::json(t); }

// {transport id: {user: [dates]}} of the uploads that completed.
Response backup_list_transported(Context& ctx, const Request& req) {
  const std::string only = req.get_or("transport", "");
  Transaction view(ctx.root);
  nlohmann::json remote = nlohmann::json::object();
  for (const auto& r : load_transport_history(view, load_backup_config(view))) {
    if ((!only.empty() && r.transport != only) || r.status() != "completed") continue;
    auto& dates = remote[r.transport][r.user];
    if (dates.is_null()) dates = nlohmann::json::array();
    dates.push_back(r.date);
  }
  Response resp;
  resp.data = {{"remote_backups", remote}};
  return resp;
}

Response backup_get_transport_status(Context& ctx, const Request& req) {
  std::string transport = req.get_or("transport_id", "");
  const std::string name = req.get_or("transport_name", "");
  const std::string state = req.get_or("state", "");
  if (!transport.empty() && !name.empty()) throw ApiError("transport and name arguments are mutually exclusive");
  Transaction view(ctx.root);
  std::map<std::string, std::string> names;  // destination id -> name
  for (const auto& d : load_destinations(ctx.root, view)) names[d.id] = d.name();
  if (!name.empty()) {
    for (const auto& [id, n] : names)
      if (n == name && transport.empty()) transport = id;
    if (transport.empty()) throw ApiError(name + " Does not correspond to any existing backup transport.");
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : load_transport_history(view, load_backup_config(view))) {
    if ((!transport.empty() && r.transport != transport) || (!state.empty() && r.status() != state)) continue;
    auto n = names.find(r.transport);
    list.push_back({{"date", r.date},
                    {"end_timestamp", timestamp(r.end_timestamp)},
                    {"start_timestamp", timestamp(r.start_timestamp)},
                    {"status", r.status()},
                    {"transport", n == names.end() ? r.transport : n->second},
                    {"user", r.user}});
  }
  Response resp;
  // One page: the dispatcher's api.chunk pages the list itself.
  resp.data = {{"pages", list.empty() ? 0 : 1}, {"transport_status", list}};
  return resp;
}

Response backup_generate_google_oauth_uri(Context& ctx, const Request& req) {
  const std::string client_id = req.require("client_id");
  const std::string client_secret = req.require("client_secret");
  check_single_line("client_secret", client_secret);
  Transaction txn(ctx.root);
  const std::string uri =
      stage_google_authorization(ctx.root, txn, load_server_config(ctx.root).hostname, client_id, client_secret);
  txn.commit();
  Response resp;
  resp.data = {{"uri", uri}};
  return resp;
}

Response backup_does_client_id_have_google_credentials(Context& ctx, const Request& req) {
  const std::string client_id = req.require("client_id");
  check_google_client_id(client_id);
  Response resp;
  resp.data = {{"exists", ctx.root.exists(google_credentials_rel(client_id)) ? 1 : 0}};
  return resp;
}

WHMKIT_REGISTRATIONS(registrations,
                     Registration({"backup_list_transported", backup_list_transported, Access::Read, root_only()}),
                     Registration({"backup_get_transport_status",
                                   backup_get_transport_status,
                                   Access::Read,
                                   root_only(),
                                   {optional_param("transport_name")}}),
                     Registration({"backup_generate_google_oauth_uri", backup_generate_google_oauth_uri, Access::Write,
                                   root_only()}),
                     Registration({"backup_does_client_id_have_google_credentials",
                                   backup_does_client_id_have_google_credentials, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
