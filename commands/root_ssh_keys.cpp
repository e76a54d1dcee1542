// WHM API 1 "SSH Keys and Connections": the calling WHM user's own SSH keys
// (root's in /root/.ssh, a reseller's in its home's .ssh; the files and
// their formats are lib/store/ssh_keys.hpp's, shared with the cPanel SSH
// module), their PuTTY conversion (lib/store/ppk.hpp), and a check that a
// remote SSH server answers (lib/store/ssh_connection.hpp).
// The reference allows them to root and resellers holding "all".
#include <arpa/inet.h>

#include <algorithm>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "ppk.hpp"
#include "registry.hpp"
#include "ssh_connection.hpp"
#include "ssh_keys.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// puttygen's comment for a key imported from a PEM file, which has none.
constexpr const char* kImportedKeyComment = "imported-openssh-key";
// How long check_remote_ssh_connection waits for the connection and the identification line.
constexpr int kConnectionTimeoutSeconds = 10;

SshDir callers_keys(const Context& ctx) { return whm_user_ssh_dir(ctx.root, ctx.caller); }

// The key file a `param` names: a name in the caller's .ssh, or its full
// path there ("/root/.ssh/test", as deletesshkey's reference example has it).
std::string key_name_in(const SshDir& ssh, const std::string& value, const std::string& param) {
  std::string name = value;
  if (value.find('/') != std::string::npos) {
    const std::string dir = ssh.shown() + "/";
    if (!starts_with(value, dir)) throw invalid_param(param, "the key must be in " + ssh.shown() + ".");
    name = value.substr(dir.size());
  }
  check_key_name(name, param);
  return name;
}

// generatesshkeypair: a new key pair <name> and <name>.pub. An existing key
// of that name refuses it, unless abort_on_existing_key=0 (then replaced).
Response generatesshkeypair(Context& ctx, const Request& req) {
  const bool dsa = req.get_or("algorithm", "rsa2") == "dsa";
  const KeyAlgorithm algorithm = dsa ? KeyAlgorithm::Dsa : KeyAlgorithm::Rsa;
  std::string name = req.get_or("name", "");
  if (name.empty()) name = dsa ? "id_dsa" : "id_rsa";
  check_key_name(name, "name");
  if (ends_with(name, ".pub")) throw invalid_param("name", "a key's name does not end in “.pub”.");
  const int bits = static_cast<int>(req.integer("bits", 1024, 4096).value_or(dsa ? 1024 : 4096));
  if (dsa && bits != 1024) throw invalid_param("bits", "a DSA key has 1024 bits.");
  const std::string passphrase = req.get_or("passphrase", "");
  if (!passphrase.empty()) check_key_passphrase(ctx.root, passphrase);
  const std::string comment = trim(req.single_line("comment").value_or(""));

  SshDir ssh = callers_keys(ctx);
  if ((ssh.status(name) || ssh.status(name + ".pub")) && req.flag("abort_on_existing_key", true))
    throw ApiError("The key “" + name + "” already exists in " + ssh.shown() + ".");
  const GeneratedKey key = generate_key(algorithm, bits, passphrase, comment);
  Transaction& txn = ctx.txn();
  ssh.stage_key(txn, name, key.private_pem);
  ssh.stage_key(txn, name + ".pub", key.public_key.line() + "\n");

  Response r;
  r.data = {{"fingerprint", key_fingerprint(key.public_key)}, {"name", name}};
  return r;
}

// importsshkey: a public key line becomes <name>.pub, a PEM private key
// <name>; extract_public=1 also (or, without extract_private=1, only)
// writes the private key's public half as <name>.pub.
Response importsshkey(Context& ctx, const Request& req) {
  const std::string text = trim(req.require("key"));
  if (starts_with(text, "PuTTY"))
    throw invalid_param("key", "whmkit does not import PuTTY (.ppk) keys; convert it to OpenSSH format first.");
  std::string name = trim(req.require("name"));
  if (ends_with(name, ".pub")) name.resize(name.size() - 4);
  check_key_name(name, "name");
  const bool extract_private = req.flag("extract_private"), extract_public = req.flag("extract_public");

  SshDir ssh = callers_keys(ctx);
  Transaction& txn = ctx.txn();
  if (auto pub = parse_public_key(text)) {
    if (extract_private) throw invalid_param("key", "a public key holds no private key to extract.");
    ssh.stage_import(txn, name + ".pub", pub->line() + "\n");
  } else if (auto priv = parse_private_key(text)) {
    if (extract_public) {
      const OpenedPrivateKey opened = open_private_key(*priv, req.get_or("passphrase", ""));
      ssh.stage_import(txn, name + ".pub", opened.public_key.line() + "\n");
    }
    if (extract_private || !extract_public) ssh.stage_import(txn, name, *priv + "\n");
  } else {
    throw invalid_param("key", "Invalid key.");
  }
  return {};
}

// The "authorized" of a listing: whether authorized_keys holds `key`.
int authorized_flag(const std::vector<AuthorizedKey>& authorized, const std::optional<PublicKey>& key) {
  if (!key) return 0;
  return std::any_of(authorized.begin(), authorized.end(), [&](const AuthorizedKey& a) { return a.key.same_key(*key); })
             ? 1
             : 0;
}

// listsshkeys: the key files, private ones only by default. "private" and
// "public" pick a kind when exactly one of them is 1; otherwise both kinds
// are listed (see docs/ssh-keys.md). A private key's comment and
// authorization are those of its .pub file.
Response listsshkeys(Context& ctx, const Request& req) {
  // private defaults to 1 only when public is not given (public=1 alone lists public keys).
  const bool want_private = req.flag("private", !req.has("public")), want_public = req.flag("public");
  const bool only_private = want_private && !want_public, only_public = want_public && !want_private;
  std::vector<std::string> wanted;
  for (const auto& name : split(req.get_or("files", ""), ','))
    if (!trim(name).empty()) wanted.push_back(trim(name));
  auto is_wanted = [&](const std::string& file) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(),
                                         [&](const std::string& w) { return file == w || file == w + ".pub"; });
  };
  const bool private_texts = req.flag("private_texts", true), public_texts = req.flag("public_texts", false);

  SshDir ssh = callers_keys(ctx);
  Transaction view(ctx.root);
  const auto files = ssh.key_files();
  const auto authorized = ssh.authorized(view);
  auto public_of = [&](const std::string& name) -> std::optional<PublicKey> {
    for (const auto& f : files)
      if (f.name == name + ".pub") return f.key;
    return std::nullopt;
  };

  nlohmann::json keys = nlohmann::json::array();
  std::vector<PublicKey> listed;
  for (const auto& f : files) {
    if ((f.is_private && only_public) || (!f.is_private && only_private) || !is_wanted(f.name)) continue;
    const std::optional<PublicKey> key = f.is_private ? public_of(f.name) : f.key;
    nlohmann::json item = {{"authorized", authorized_flag(authorized, key)},
                           {"comment", key ? key->comment : ""},
                           {"ctime", f.ctime},
                           {"file", f.name},
                           {"mtime", f.mtime},
                           {"private", f.is_private ? 1 : 0}};
    if (f.is_private ? private_texts : public_texts) item["text"] = f.text;
    keys.push_back(std::move(item));
  }
  // sync_authorized=1: the keys authorized_keys holds without a .pub file, listed too.
  if (req.flag("sync_authorized") && !only_private) {
    auto st = ssh.status(ssh_paths::kAuthorizedKeys);
    for (const auto& a : authorized) {
      const bool has_file =
          std::any_of(files.begin(), files.end(), [&](const KeyFile& f) { return f.key && f.key->same_key(a.key); });
      if (has_file) continue;
      nlohmann::json item = {{"authorized", 1},
                             {"comment", a.key.comment},
                             {"ctime", st ? st->st_ctime : 0},
                             {"file", ssh_paths::kAuthorizedKeys},
                             {"mtime", st ? st->st_mtime : 0},
                             {"private", 0}};
      if (public_texts) item["text"] = a.key.line();
      keys.push_back(std::move(item));
    }
  }
  Response r;
  r.data = {{"keys", std::move(keys)}};
  return r;
}

// authorizesshkey: adds the key (text, or else the .pub file `file`) to
// authorized_keys with `options`, or removes it (authorize=0).
Response authorizesshkey(Context& ctx, const Request& req) {
  const bool authorize = req.flag("authorize");
  const std::string options = req.get_or("options", "");
  if (!options.empty()) check_authorized_options(options, "options");
  const auto file = req.get("file");
  const std::string text = trim(req.get_or("text", ""));

  SshDir ssh = callers_keys(ctx);
  Transaction& txn = ctx.txn();
  PublicKey key;
  if (!text.empty()) {
    auto parsed = parse_public_key(text);
    if (!parsed) throw invalid_param("text", "it is not one SSH public key line.");
    key = *parsed;
  } else {
    if (!file || file->empty()) throw missing_param("file", "without “text”");
    key = ssh.public_key(txn, key_name_in(ssh, *file, "file"));
  }
  ssh.stage_authorization(txn, key, authorize, authorize ? options : "");

  Response r;
  r.data = {{"authorized", authorize ? 1 : 0}, {"file", file ? nlohmann::json(*file) : nlohmann::json()}};
  return r;
}

// deletesshkey: removes one key file; a public key is also taken out of
// authorized_keys when leave_authorized=0.
Response deletesshkey(Context& ctx, const Request& req) {
  const std::string file = req.require("file");
  SshDir ssh = callers_keys(ctx);
  ssh.stage_delete(ctx.txn(), key_name_in(ssh, file, "file"), req.flag("leave_authorized", true));
  Response r;
  r.data = {{"file", file}};
  return r;
}

// convertopensshtoputty: the private key `file` as a PuTTY key, written
// beside it as <file>.ppk (0600) and returned; encrypted with the key's own
// passphrase, as puttygen keeps it. keep_file=0 removes the OpenSSH file.
Response convertopensshtoputty(Context& ctx, const Request& req) {
  SshDir ssh = callers_keys(ctx);
  const std::string name = key_name_in(ssh, req.require("file"), "file");
  const auto file = ssh.key_file(name);
  if (!file || !file->is_private) throw ApiError("“" + ssh.shown(name) + "” is not a private key.");
  const std::string passphrase = req.get_or("passphrase", "");
  const OpenedPrivateKey opened = open_private_key(file->text, passphrase);
  const std::string ppk =
      ppk_v2({opened.public_key.type, opened.public_blob, opened.private_blob, kImportedKeyComment}, passphrase);

  Transaction& txn = ctx.txn();
  ssh.stage_key(txn, name + ".ppk", ppk);
  if (!req.flag("keep_file", true)) ssh.stage_delete(txn, name, true);
  Response r;
  r.data = {{"key", ppk}};
  return r;
}

// A host name (a domain, or "localhost") or an IP address.
std::string checked_host(const Request& req) {
  const std::string host = to_lower(req.require("host"));
  in_addr v4{};
  in6_addr v6{};
  if (host == "localhost" || ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
      ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 || !domain_syntax_error(host))
    return host;
  throw invalid_param("host", "“" + host + "” is neither a host name nor an IP address.");
}

// check_remote_ssh_connection: connects and reads the server's SSH
// identification line. The reference's example answers "comment": "null"
// for a line without a comment; so does whmkit.
Response check_remote_ssh_connection(Context&, const Request& req) {
  const std::string host = checked_host(req);
  const int port = static_cast<int>(req.integer("port", 1, 65535).value_or(22));
  const SshIdentification id = read_ssh_identification(host, port, kConnectionTimeoutSeconds);
  Response r;
  r.data = {{"comment", id.comment.value_or("null")},
            {"protocol_versions", nlohmann::json::array({id.protocol_version})},
            {"received", id.received},
            {"server_software", id.software}};
  return r;
}

ParamSpec multiline(ParamSpec p) {
  p.multiline = true;
  return p;
}

ParamSpec port_param() {
  ParamSpec p = described(optional_param("port", ParamType::Integer), "The remote server's port number.");
  p.min = 1;
  p.max = 65535;
  p.default_value = "22";
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"generatesshkeypair", generatesshkeypair, Access::Write, root_only()}),
    Registration({"importsshkey",
                  importsshkey,
                  Access::Write,
                  root_only(),
                  {multiline(described(make_param("key", ParamType::String, true),
                                       "The key: an OpenSSH public key line or a PEM private key."))}}),
    Registration({"listsshkeys", listsshkeys, Access::Read, root_only()}),
    Registration({"authorizesshkey",
                  authorizesshkey,
                  Access::Write,
                  root_only(),
                  {described(optional_param("file"),
                             "The public key file's name in the caller's .ssh (needed without “text”)."),
                   multiline(described(optional_param("text"),
                                       "The public key line (a final line break is allowed); “file” is ignored "
                                       "when it is given."))}}),
    Registration({"deletesshkey", deletesshkey, Access::Write, root_only()}),
    Registration({"convertopensshtoputty", convertopensshtoputty, Access::Write, root_only()}),
    Registration({"check_remote_ssh_connection",
                  check_remote_ssh_connection,
                  Access::Delegated,
                  root_only(),
                  {described(make_param("host", ParamType::String, true),
                             "The remote server's host name or IP address."),
                   port_param()}}), );

}  // namespace
}  // namespace whm
