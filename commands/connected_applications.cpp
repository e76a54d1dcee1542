// WHM API 1 Server Administration / Connected Applications: what WHM keeps
// about outside applications linked to the server, per WHM user (root's, or
// the calling reseller's own). Files: lib/store/connected_apps.hpp.
#include "connected_apps.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The name is a key of a JSON file: it must be text (UTF-8).
std::string name_arg(const Request& req) {
  std::string name = req.require("name");
  for (size_t i = 0; i < name.size(); i += utf8_char_at(name, i).length)
    if (utf8_char_at(name, i).length == 0) throw invalid_param("name", "it is not valid UTF-8 text.");
  return name;
}

// One application as fetch_connected_application answers it: {name, data}.
nlohmann::json application(const std::string& name, const nlohmann::json* data) {
  return {{"data", data ? *data : nlohmann::json()}, {"name", name}};
}

// Each entry is the application's data with its name, as cPanel lists them
// (a "name" in the data itself wins, as in cPanel's merge).
Response list_connected_applications(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto apps = ConnectedApps::load(view, ctx.rights.name);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, data] : apps.all().items()) {
    nlohmann::json entry = {{"name", name}};
    entry.update(data);
    list.push_back(entry);
  }
  Response r;
  r.data = {{"list", list}};
  return r;
}

// An application that was never saved answers with null data, as cPanel's does.
Response fetch_connected_application(Context& ctx, const Request& req) {
  std::string name = name_arg(req);
  Transaction view(ctx.root);
  auto apps = ConnectedApps::load(view, ctx.rights.name);
  Response r;
  r.data = application(name, apps.find(name));
  return r;
}

// Saving an existing name replaces its data.
Response save_connected_application(Context& ctx, const Request& req) {
  std::string name = name_arg(req);
  auto data = nlohmann::json::parse(req.require("data"), nullptr, false);
  if (data.is_discarded()) throw invalid_param("data", "it is not valid JSON.");
  if (!data.is_object())
    throw invalid_param("data", "it must be a JSON object of the application's properties ({\"token_name\": \"x\"}).");
  auto apps = ConnectedApps::load_for_change(ctx.txn(), ctx.rights.name);
  apps.save(name, data);
  apps.stage(ctx.txn());
  return {};
}

// Only the record goes: the tokens and keys it names stay (as in cPanel).
Response remove_connected_application(Context& ctx, const Request& req) {
  std::string name = name_arg(req);
  auto apps = ConnectedApps::load_for_change(ctx.txn(), ctx.rights.name);
  if (apps.remove(name)) apps.stage(ctx.txn());
  return {};
}

ParamSpec data_param() {
  ParamSpec p = make_param("data", ParamType::String, true);
  p.multiline = true;  // JSON text, stored as JSON (escaped), never as a line
  return described(p,
                   "The connected application's data, a JSON object: token_name, public_key, private_key, jwt "
                   "and any other properties.");
}

WHMKIT_REGISTRATIONS(registrations,
                     Registration({"list_connected_applications", list_connected_applications, Access::Read,
                                   needs("connected-applications")}),
                     Registration({"fetch_connected_application", fetch_connected_application, Access::Read,
                                   needs("connected-applications")}),
                     Registration({"save_connected_application",
                                   save_connected_application,
                                   Access::Write,
                                   needs("connected-applications"),
                                   {described(make_param("name", ParamType::String, true),
                                              "The name of the connected application."),
                                    data_param()}}),
                     Registration({"remove_connected_application", remove_connected_application, Access::Write,
                                   needs("connected-applications")}), );

}  // namespace
}  // namespace whm
