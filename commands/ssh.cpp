// The SSH module: cPanel API 2's key functions (listkeys, genkey, importkey,
// authkey, fetchkey, delkey) on the files in the account's ~/.ssh
// (lib/store/ssh_keys.hpp), gated by the "ssh" feature as in cPanel, and
// UAPI's get_port, a fact about the server every account may ask for.
// Names, parameters and answers follow cPanel's Cpanel::SSH.
#include <algorithm>
#include <cctype>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "ssh_keys.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kFeature = "ssh";
constexpr const char* kEmptyPassphraseWarning =
    "SECURITY RISK: The passphrase is empty. This is allowed but STRONGLY discouraged. Please consider deleting the "
    "generated key pair and creating a new one with a strong passphrase.";

std::string with_pub(std::string name) { return ends_with(name, ".pub") ? name : name + ".pub"; }

nlohmann::json null_or(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// listkeys: private keys by default; public ones with pub=1, types=pub, or
// keys naming a .pub file. Each with its authorization (public keys) or
// whether its .pub file exists (private keys), sorted by name.
Response listkeys(Context& ctx, const Request& req) {
  std::string wanted = req.get_or("keys", "");
  const bool pub =
      req.flag("pub") || (!req.has("pub") && ends_with(wanted, ".pub")) || req.get_or("types", "") == "pub";
  if (!wanted.empty() && pub) wanted = with_pub(wanted);

  SshDir ssh(ctx.root, ctx.account);
  Transaction view(ctx.root);
  const auto files = ssh.key_files();
  const auto authorized = ssh.authorized(view);
  auto has_file = [&](const std::string& name) {
    return std::any_of(files.begin(), files.end(), [&](const KeyFile& f) { return f.name == name; });
  };

  nlohmann::json keys = nlohmann::json::array();
  for (const auto& f : files) {
    if (f.is_private == pub || (!wanted.empty() && f.name != wanted)) continue;
    nlohmann::json item = {{"ctime", f.ctime}, {"file", ssh.shown(f.name)}, {"key", f.name},   {"mtime", f.mtime},
                           {"haspub", 0},      {"authaction", 0},           {"authstatus", 0}, {"auth", nullptr},
                           {"name", f.name}};
    if (f.is_private) {
      item["haspub"] = has_file(f.name + ".pub") ? 1 : 0;
    } else {
      item["name"] = f.name.substr(0, f.name.size() - 4);
      auto held = std::find_if(authorized.begin(), authorized.end(),
                               [&](const AuthorizedKey& a) { return a.key.same_key(*f.key); });
      const bool is_authorized = held != authorized.end();
      // auth: the key's sshd options in authorized_keys, 1 without any, 0 if not there.
      item["auth"] = !is_authorized          ? nlohmann::json(0)
                     : held->options.empty() ? nlohmann::json(1)
                                             : nlohmann::json(held->options);
      item["authaction"] = is_authorized ? "Deauthorize" : "Authorize";
      item["authstatus"] = is_authorized ? "authorized" : "not authorized";
    }
    keys.push_back(std::move(item));
  }
  std::stable_sort(keys.begin(), keys.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  Response r;
  r.data = std::move(keys);
  return r;
}

// ssh-keygen's report, as cPanel passes it on: where the files went, the
// fingerprint and its picture.
std::string keygen_report(const SshDir& ssh, const std::string& name, KeyAlgorithm algorithm, const GeneratedKey& key) {
  std::string report = std::string("Generating public/private ") + (algorithm == KeyAlgorithm::Rsa ? "rsa" : "dsa") +
                       " key pair.\n" + "Your identification has been saved in " + ssh.shown(name) + "\n" +
                       "Your public key has been saved in " + ssh.shown(name + ".pub") + "\n" +
                       "The key fingerprint is:\n" + key_fingerprint(key.public_key) +
                       (key.public_key.comment.empty() ? "" : " " + key.public_key.comment) + "\n" +
                       "The key's randomart image is:\n" + key.randomart;
  report.pop_back();  // cPanel joins the output's lines: no final newline
  return report;
}

// genkey: a new key pair <name> and <name>.pub; a key already of that name
// is kept as <name>.<time> (and <name>.<time>.pub), as cPanel does.
Response genkey(Context& ctx, const Request& req) {
  const KeyAlgorithm algorithm = req.get_or("type", "rsa") == "dsa" ? KeyAlgorithm::Dsa : KeyAlgorithm::Rsa;
  std::string name = req.get_or("name", "");
  if (name.empty()) name = algorithm == KeyAlgorithm::Dsa ? "id_dsa" : "id_rsa";
  check_key_name(name, "name");
  // genkey takes the characters of a file name a shell need not quote.
  if (!std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      }))
    throw invalid_param("name", "Invalid Key Name (letters, digits, “-”, “_” and “.” only).");

  const int bits =
      static_cast<int>(req.integer("bits", 1024, 4096).value_or(algorithm == KeyAlgorithm::Dsa ? 1024 : 4096));
  if (algorithm == KeyAlgorithm::Dsa && bits != 1024) throw invalid_param("bits", "a DSA key has 1024 bits.");
  const std::string passphrase = req.get_or("pass", "");
  if (!passphrase.empty()) check_key_passphrase(ctx.root, passphrase);
  std::string comment = trim(req.get_or("comment", ""));
  if (comment.empty()) {
    const std::string host = load_server_config(ctx.root).hostname;
    comment = host.empty() ? ctx.account.user : ctx.account.user + "@" + host;
  }

  SshDir ssh(ctx.root, ctx.account);
  Transaction& txn = ctx.txn();
  std::string backups;
  const std::string stamp = std::to_string(now());
  for (const auto& [from, to] :
       {std::pair{name, name + "." + stamp}, std::pair{name + ".pub", name + "." + stamp + ".pub"}}) {
    if (!ssh.status(from)) continue;
    ssh.stage_move(txn, from, to);
    backups += "Backed up " + ssh.shown(from) + " to " + ssh.shown(to) + "\n";
  }

  const GeneratedKey key = generate_key(algorithm, bits, passphrase, comment);
  ssh.stage_key(txn, name, key.private_pem);
  ssh.stage_key(txn, name + ".pub", key.public_key.line() + "\n");

  Response r;
  r.data = {{"reason", backups + keygen_report(ssh, name, algorithm, key)}, {"result", 1}};
  if (passphrase.empty()) r.data["warnings"] = kEmptyPassphraseWarning;
  return r;
}

// importkey: a public key goes to <name>.pub, a private key to <name>. An
// existing file of that name, or the same key under another name, refuses it.
Response importkey(Context& ctx, const Request& req) {
  const std::string text = trim(req.require("key"));
  if (starts_with(text, "PuTTY"))
    throw invalid_param("key", "whmkit does not import PuTTY (.ppk) keys; convert it to OpenSSH format first.");
  std::string name = trim(req.get_or("name", ""));
  if (name.empty()) name = "id_dsa";  // cPanel's default
  if (ends_with(name, ".pub")) name.resize(name.size() - 4);
  check_key_name(name, "name");

  std::string file, content;
  if (auto pub = parse_public_key(text)) {
    file = name + ".pub";
    content = pub->line() + "\n";
  } else if (auto priv = parse_private_key(text)) {
    file = name;
    content = *priv + "\n";
  } else {
    throw invalid_param("key", "Invalid key.");
  }

  SshDir(ctx.root, ctx.account).stage_import(ctx.txn(), file, content);

  Response r;
  r.data = nlohmann::json::array({{{"name", file}}});
  return r;
}

// authkey: adds the key's .pub line to authorized_keys (action=authorize,
// the default) or removes it (action=deauthorize).
Response authkey(Context& ctx, const Request& req) {
  const std::string name = with_pub(req.require("key"));
  check_key_name(name, "key");
  const bool authorize = req.get_or("action", "authorize") != "deauthorize";
  SshDir ssh(ctx.root, ctx.account);
  Transaction& txn = ctx.txn();
  ssh.stage_authorization(txn, ssh.public_key(txn, name), authorize);
  Response r;
  r.data = {{"name", name}, {"status", authorize ? "authorized" : "deauthorized"}};
  return r;
}

// fetchkey: the key file's text; key is null when there is no such key.
Response fetchkey(Context& ctx, const Request& req) {
  std::string name = req.require("name");
  if (req.flag("pub")) name = with_pub(name);
  check_key_name(name, "name");
  auto file = SshDir(ctx.root, ctx.account).key_file(name);
  Response r;
  r.data = nlohmann::json::array({{{"name", name}, {"key", file ? nlohmann::json(file->text) : nlohmann::json()}}});
  return r;
}

// delkey: removes one key file; a public key is deauthorized first unless
// leave_authorized=1.
Response delkey(Context& ctx, const Request& req) {
  std::string name = req.require("name");
  if (req.flag("pub")) name = with_pub(name);
  check_key_name(name, "name");
  SshDir ssh(ctx.root, ctx.account);
  ssh.stage_delete(ctx.txn(), name, req.flag("leave_authorized"));
  Response r;
  r.data = {{"keyfile", ssh.shown(name)}, {"leave_authorized", null_or(req.get("leave_authorized"))}, {"name", name}};
  return r;
}

Response get_port(Context& ctx, const Request&) {
  Response r;
  r.data = {{"port", sshd_port(ctx.root)}};
  return r;
}

ParamSpec key_text_param() {
  ParamSpec p = described(make_param("key", ParamType::String, true),
                          "The key: an OpenSSH public key line or a PEM private key.");
  p.multiline = true;  // a private key has many lines
  return p;
}

ParamSpec type_param() {
  ParamSpec p = described(optional_param("type"), "The key's algorithm (default rsa).");
  p.allowed = {"rsa", "dsa"};
  return p;
}

ParamSpec bits_param() {
  ParamSpec p =
      described(optional_param("bits", ParamType::Integer), "The key's size in bits (RSA 4096, DSA 1024 by default).");
  p.min = 1024;
  p.max = 4096;
  return p;
}

ParamSpec action_param() {
  ParamSpec p = described(optional_param("action"), "authorize (the default) or deauthorize.");
  p.allowed = {"authorize", "deauthorize"};
  return p;
}

ModuleFunction api2(const char* name, Handler h, Access access, std::vector<ParamSpec> params) {
  return {Api::Api2, "SSH", name, std::move(h), access, needs_feature(kFeature), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    ssh_functions,
    Registration(api2("listkeys", listkeys, Access::Read,
                      {described(optional_param("keys"), "Only the key file of this name."),
                       described(optional_param("pub", ParamType::Boolean),
                                 "1: public keys; 0 (the default): private keys."),
                       described(optional_param("types"), "pub: public keys.")})),
    Registration(api2("genkey", genkey, Access::Write,
                      {described(optional_param("name"), "The key's file name (default id_rsa, or id_dsa for DSA)."),
                       bits_param(), type_param(),
                       described(optional_param("pass"), "The private key's passphrase (none by default)."),
                       described(optional_param("comment"), "The public key's comment (default user@hostname).")})),
    Registration(api2("importkey", importkey, Access::Write,
                      {key_text_param(), described(optional_param("name"), "The key's file name (default id_dsa)."),
                       described(optional_param("pass"), "Only for PuTTY keys, which whmkit does not import.")})),
    Registration(api2("authkey", authkey, Access::Write,
                      {described(make_param("key", ParamType::String, true), "The public key's name (.pub added)."),
                       action_param()})),
    Registration(api2("fetchkey", fetchkey, Access::Read,
                      {described(make_param("name", ParamType::String, true), "The key's file name."),
                       described(optional_param("pub", ParamType::Boolean), "1: the public key (.pub added).")})),
    Registration(api2("delkey", delkey, Access::Write,
                      {described(make_param("name", ParamType::String, true), "The key's file name."),
                       described(optional_param("pub", ParamType::Boolean), "1: the public key (.pub added)."),
                       described(optional_param("leave_authorized", ParamType::Boolean),
                                 "1: a deleted public key stays in authorized_keys.")})),
    Registration(ModuleFunction{Api::Uapi, "SSH", "get_port", get_port, Access::Read, own_objects()}), );

}  // namespace
}  // namespace whm
