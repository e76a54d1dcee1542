// API tokens: WHM API 1's api_token_* for root and resellers (their own
// tokens, whostmgr/<user>.json), UAPI's Tokens module for a cPanel account
// (cpanel/<user>.json), and the deprecated access hash (accesshash). Storage
// and the checks of a token's parts: lib/store/api_tokens.hpp.
#include <openssl/rand.h>

#include <algorithm>
#include <set>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "api_tokens.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

// cPanel's [list_and]: "a", "a and b", "a, b, and c".
std::string list_and(const std::vector<std::string>& items) {
  if (items.size() <= 2) return join(items, " and ");
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return join(head, ", ") + ", and " + items.back();
}

// What a WHM failure says: cPanel wraps the reason of every refusal.
template <class Fn>
auto failing_as(const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const ValidationError&) {
    throw;
  } catch (const ApiError& e) {
    throw ApiError(std::string("The system failed to ") + what + " the API token: " + e.what());
  }
}

// ---- WHM API 1 ---------------------------------------------------------------------------

// The acl / acl-N arguments, sorted and without repeats: each must be a
// known privilege that the caller has itself.
std::vector<std::string> requested_acls(const Context& ctx, const Request& req) {
  const auto& known = known_acls();
  std::vector<std::string> acls, refused;
  for (const auto& acl : req.list("acl")) {
    bool ok = std::find(known.begin(), known.end(), acl) != known.end() && ctx.rights.has(acl);
    (ok ? acls : refused).push_back(acl);
  }
  if (!refused.empty())
    throw ApiError(std::string("Invalid or unauthorized ") + (refused.size() == 1 ? "ACL" : "ACLs") +
                   " specified: " + list_and(refused));
  std::sort(acls.begin(), acls.end());
  acls.erase(std::unique(acls.begin(), acls.end()), acls.end());
  return acls;
}

// The whitelist_ip / whitelist_ip-N arguments; "any" among them clears the list.
std::optional<std::vector<std::string>> requested_whitelist(const Request& req) {
  const auto& given = req.list("whitelist_ip");
  if (given.empty()) return std::nullopt;
  if (std::find(given.begin(), given.end(), "any") != given.end()) return std::vector<std::string>{};
  return normalize_whitelist(given);
}

std::optional<long long> requested_expiry(const Request& req) {
  auto value = req.get("expires_at");
  if (!value) return std::nullopt;
  long long at = parse_int(*value).value_or(-1);
  check_expiry(at, now());
  return at;
}

void set_expiry(ApiToken& t, long long at) { t.expires_at = at ? std::optional<long long>(at) : std::nullopt; }

void set_acls(ApiToken& t, std::vector<std::string> acls) {
  t.all_acls = acls.empty() || std::find(acls.begin(), acls.end(), "all") != acls.end();
  t.acls = std::move(acls);
}

void log_token(const Context& ctx, Transaction& txn, const char* type, const std::string& name) {
  txn.on_commit(
      std::string("log ") + type + " of the token " + name + " in the accounting log",
      [&root = ctx.root, type, user = ctx.caller, name] { log_accounting(root, type, user, "not-applicable", name); });
}

Response api_token_create(Context& ctx, const Request& req) {
  return failing_as("create", [&] {
    ApiToken t;
    t.name = req.require("token_name");
    t.create_time = now();
    set_acls(t, requested_acls(ctx, req));
    if (auto at = requested_expiry(req)) set_expiry(t, *at);
    t.whitelist_ips = requested_whitelist(req).value_or(std::vector<std::string>{});
    Transaction& txn = ctx.txn();
    TokenFile file(txn, TokenService::Whostmgr, ctx.caller);
    const std::string plaintext = file.add(t);
    file.stage(ctx.root, txn, {});
    log_token(ctx, txn, "CREATEAPITOKEN", t.name);
    Response r;
    r.data = token_json(TokenService::Whostmgr, t);
    r.data["token"] = plaintext;
    return r;
  });
}

// Each privilege the caller could give a token, and whether this token has it
// (cPanel's filter_acls): root and "all" see every known privilege, another
// reseller only its own. A full-access token has each of them.
nlohmann::json listed_acls(const Caller& caller, const ApiToken& t) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& acl : known_acls()) {
    if (!caller.has(acl)) continue;
    bool in_token = std::find(t.acls.begin(), t.acls.end(), acl) != t.acls.end();
    out[acl] = (t.all_acls || in_token) ? 1 : 0;
  }
  return out;
}

Response api_token_list(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  TokenFile file(view, TokenService::Whostmgr, ctx.caller);
  nlohmann::json tokens = nlohmann::json::object();
  for (const auto& [digest, t] : file.tokens()) {
    nlohmann::json j = token_json(TokenService::Whostmgr, t);
    j["acls"] = listed_acls(ctx.rights, t);
    if (!j.contains("whitelist_ips")) j["whitelist_ips"] = nullptr;
    tokens[t.name] = std::move(j);
  }
  Response r;
  r.data = {{"tokens", tokens}};
  return r;
}

// An expired token is as if it did not exist: no data, and no error.
Response api_token_get_details(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  TokenFile file(view, TokenService::Whostmgr, ctx.caller);
  Response r;
  const ApiToken* t = file.matching(req.require("token"));
  if (t && !(t->expires_at && *t->expires_at < now())) r.data = token_json(TokenService::Whostmgr, *t);
  return r;
}

Response api_token_update(Context& ctx, const Request& req) {
  return failing_as("update", [&] {
    const std::string name = req.require("token_name");
    const auto acls = requested_acls(ctx, req);
    const auto whitelist = requested_whitelist(req);
    const auto new_name = req.get("new_name");
    if (!new_name && acls.empty() && !req.has("expires_at") && !whitelist)
      throw ApiError("Specify a new name, updated ACLs, or IPs.");
    if (new_name) check_token_name(*new_name);
    const auto expiry = requested_expiry(req);
    Transaction& txn = ctx.txn();
    TokenFile file(txn, TokenService::Whostmgr, ctx.caller);
    const ApiToken* old = file.named(name);
    if (!old) throw ApiError("The API token “" + name + "” does not exist.");
    ApiToken t = *old;
    if (new_name) t.name = *new_name;
    if (!acls.empty()) set_acls(t, acls);  // none given: the token keeps its privileges
    if (expiry) set_expiry(t, *expiry);
    if (whitelist) t.whitelist_ips = *whitelist;
    file.replace(name, t);
    file.stage(ctx.root, txn, {});
    log_token(ctx, txn, "UPDATEAPITOKEN", name);
    Response r;
    r.data = token_json(TokenService::Whostmgr, t);
    return r;
  });
}

// A name that is no token's is passed over, as cPanel does.
Response api_token_revoke(Context& ctx, const Request& req) {
  return failing_as("revoke", [&] {
    Transaction& txn = ctx.txn();
    TokenFile file(txn, TokenService::Whostmgr, ctx.caller);
    bool changed = false;
    for (const auto& name : req.list("token_name"))
      if (file.remove(name)) {
        changed = true;
        log_token(ctx, txn, "REVOKEAPITOKEN", name);
      }
    if (changed) file.stage(ctx.root, txn, {});
    return Response{};
  });
}

// ---- accesshash ---------------------------------------------------------------------------

// The access hash: 464 random bytes as 928 lowercase hex digits, written in
// lines of 32 (UNCONFIRMED: cPanel's mkaccesshash is compiled; the API
// answer, which is all that clients see, is the same without the line breaks).
std::string new_access_hash() {
  unsigned char bytes[464];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw ApiError("There was a problem generating the access hash.");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < sizeof bytes; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
    if ((i + 1) % 16 == 0) out += '\n';
  }
  return out;
}

// Where `user` keeps its access hash: root's in /root, a reseller's in its home
// (a directory the reseller controls: reached without following a symlink).
struct AccessHashFile {
  UserPath path;
  FileOwner owner;
};

AccessHashFile access_hash_file(const Transaction& txn, const std::string& user) {
  if (user == "root") return {{"root", ".accesshash"}, {0, 0}};
  SystemUsers sys;
  sys.load(txn);
  const PasswdEntry pw = sys.require_user(user);
  const std::string home = paths::rel_from_abs(pw.home);
  if (home.empty()) throw ApiError("The user “" + user + "” has no home directory.");
  return {{home, ".accesshash"}, owner_of(pw)};
}

Response accesshash(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  Transaction& txn = ctx.txn();
  Response r;
  r.data = {{"accesshash", nullptr}};
  auto refuse = [&](std::string why) {
    r.ok = false;
    r.reason = std::move(why);
    return r;
  };
  if (user != "root" && !is_reseller(txn, user)) return refuse("User " + user + " is not a reseller.");
  const AccessHashFile file = access_hash_file(txn, user);
  std::optional<std::string> text;
  if (req.flag("generate")) {
    text = new_access_hash();
    if (user == "root")
      txn.write(file.path.joined(), *text, 0600, file.owner);
    else
      txn.write(file.path, *text, 0600, file.owner);
  } else {
    text = user == "root" ? txn.read(file.path.joined()) : txn.read(file.path);
    if (!text) return refuse("No accesshash exists for " + user);
  }
  std::string hash;
  for (char c : *text)
    if (c != '\n' && c != '\r') hash += c;
  if (hash.empty()) return refuse("There was a problem loading the accesshash.");
  r.data["accesshash"] = hash;
  return r;
}

// ---- UAPI Tokens ------------------------------------------------------------------------

TokenFile account_tokens(const Context& ctx, const Transaction& txn) {
  return TokenFile(txn, TokenService::Cpanel, ctx.account.user);
}

Response create_full_access(Context& ctx, const Request& req) {
  ApiToken t;
  t.name = req.require("name");
  check_token_name(t.name);
  t.create_time = now();
  if (auto at = requested_expiry(req)) set_expiry(t, *at);
  t.has_full_access = true;
  Transaction& txn = ctx.txn();
  TokenFile file = account_tokens(ctx, txn);
  const std::string plaintext = file.add(t);
  file.stage(ctx.root, txn, ctx.account.owner);
  Response r;
  r.data = {{"create_time", t.create_time}, {"token", plaintext}};
  return r;
}

Response list_tokens(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::vector<ApiToken> tokens;
  const TokenFile file = account_tokens(ctx, view);
  for (const auto& [digest, t] : file.tokens()) tokens.push_back(t);
  std::sort(tokens.begin(), tokens.end(), [](const ApiToken& a, const ApiToken& b) { return a.name < b.name; });
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& t : tokens) r.data.push_back(token_json(TokenService::Cpanel, t));
  return r;
}

Response rename_token(Context& ctx, const Request& req) {
  const std::string name = req.require("name"), new_name = req.require("new_name");
  if (name == new_name) throw ApiError("“new_name” must be a different value from “name”.");
  Transaction& txn = ctx.txn();
  TokenFile file = account_tokens(ctx, txn);
  const ApiToken* old = file.named(name);
  if (!old) throw ApiError("The API token “" + name + "” does not exist.");
  ApiToken t = *old;
  t.name = new_name;
  file.replace(name, t);
  file.stage(ctx.root, txn, ctx.account.owner);
  return {};
}

// 1 also when there was no such token (the reference's wording: "The system
// removed the API token or the API token doesn't exist").
Response revoke_token(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  TokenFile file = account_tokens(ctx, txn);
  if (file.remove(req.require("name"))) file.stage(ctx.root, txn, ctx.account.owner);
  Response r;
  r.data = 1;
  return r;
}

ModuleFunction tokens(const char* name, Handler h, Access access, std::vector<ParamSpec> params, const char* summary) {
  return {Api::Uapi, "Tokens", name, std::move(h), access, needs_feature("apitokens"), std::move(params), summary};
}

ParamSpec token_name_param(const char* name, const char* description) {
  return described(make_param(name, ParamType::String, true), description);
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"api_token_create",
                  api_token_create,
                  Access::Write,
                  needs("manage-api-tokens"),
                  {list_param("acl"), list_param("whitelist_ip")}}),
    Registration({"api_token_list", api_token_list, Access::Read, needs("manage-api-tokens")}),
    Registration({"api_token_get_details", api_token_get_details, Access::Read, needs("manage-api-tokens")}),
    Registration({"api_token_update",
                  api_token_update,
                  Access::Write,
                  needs("manage-api-tokens"),
                  {list_param("acl"), list_param("whitelist_ip")}}),
    Registration({"api_token_revoke",
                  api_token_revoke,
                  Access::Write,
                  needs("manage-api-tokens"),
                  {list_param("token_name", ParamType::String, true)}}),
    Registration({"accesshash", accesshash, Access::Write, any_reseller({self("user")})}),

    Registration(tokens("create_full_access", create_full_access, Access::Write,
                        {token_name_param("name", "The API token's name (at most 50 of A-Z a-z 0-9 - _)."),
                         described(optional_param("expires_at", ParamType::Integer),
                                   "When the token expires (epoch seconds); 0 or none: never.")},
                        "Create cPanel API token")),
    Registration(tokens("list", list_tokens, Access::Read, {}, "Return cPanel API tokens")),
    Registration(tokens("rename", rename_token, Access::Write,
                        {token_name_param("name", "The API token's name."),
                         token_name_param("new_name", "The API token's new name.")},
                        "Update cPanel API token's name")),
    Registration(tokens("revoke", revoke_token, Access::Write, {token_name_param("name", "The API token to remove.")},
                        "Remove cPanel API token")), );

}  // namespace
}  // namespace whm
