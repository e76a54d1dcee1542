// The UAPI Locale module: the locales the account can choose
// (lib/store/locales.hpp) and its own one, the cpuser file's LOCALE key.
// cPanel gates none of these functions by a feature ("setlang" hides the
// interface page only), so every account may call them.
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "locales.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

const char* direction_of(const LocaleInfo* l) { return l && l->right_to_left ? "rtl" : "ltr"; }

// attributes=locale,name picks what to return; without it: locale, encoding
// and direction. An unknown attribute is a warning, as in cPanel.
Response get_attributes(Context& ctx, const Request& req) {
  const std::string tag = account_locale(AccountStore(ctx.root).require(ctx.account.user));
  const LocaleInfo* locale = find_locale(tag);
  std::vector<std::string> wanted;
  for (const auto& a : split(req.get_or("attributes", ""), ','))
    if (!a.empty()) wanted.push_back(a);
  if (wanted.empty()) wanted = {"locale", "encoding", "direction"};
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& attribute : wanted) {
    if (attribute == "locale")
      r.data["locale"] = tag;
    else if (attribute == "name")  // in the locale's own language, as the account reads it
      r.data["name"] = locale ? locale->local_name : tag;
    else if (attribute == "encoding")
      r.data["encoding"] = "utf-8";
    else if (attribute == "direction")
      r.data["direction"] = direction_of(locale);
    else
      r.warnings.push_back("Unknown attribute: " + attribute);
  }
  return r;
}

// Sorted by tag (cPanel lists them in hash order). `name` is the English name.
Response list_locales(Context&, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& l : available_locales())
    r.data.push_back(
        {{"direction", direction_of(&l)}, {"local_name", l.local_name}, {"locale", l.tag}, {"name", l.name}});
  return r;
}

Response set_locale(Context& ctx, const Request& req) {
  const std::string tag = req.require("locale");
  if (!find_locale(tag)) throw ApiError("Unable to set locale, please specify a valid country code.");
  AccountStore store(ctx.root);
  CpUser account = store.require(ctx.account.user);
  set_account_locale(account, tag);
  store.save(ctx.txn(), account, store.domain_rows(ctx.account.user), ctx.account.owner);
  return {};
}

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Locale", name, std::move(h), access, own_objects(), std::move(params)};
}

WHMKIT_REGISTRATIONS(locale_functions,
                     Registration(uapi("get_attributes", get_attributes, Access::Read,
                                       {described(optional_param("attributes"),
                                                  "Comma-separated: locale, name, encoding, direction (default: "
                                                  "locale,encoding,direction).")})),
                     Registration(uapi("list_locales", list_locales, Access::Read)),
                     Registration(uapi("set_locale", set_locale, Access::Write,
                                       {described(make_param("locale", ParamType::String, true),
                                                  "A tag from list_locales (en, pt_br).")})), );

}  // namespace
}  // namespace whm
