#include "api_tokens.hpp"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "account_parts.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "secrets.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- addresses and ranges ----------------------------------------------------

struct Network {
  int family = AF_INET;
  unsigned char bytes[16] = {};
  int prefix = 32;
  size_t size() const { return family == AF_INET ? 4 : 16; }
  int max_prefix() const { return family == AF_INET ? 32 : 128; }
};

std::optional<Network> parse_address(const std::string& text) {
  Network n;
  if (::inet_pton(AF_INET, text.c_str(), n.bytes) == 1) return n;
  n.family = AF_INET6;
  n.prefix = 128;
  if (::inet_pton(AF_INET6, text.c_str(), n.bytes) == 1) return n;
  return std::nullopt;
}

bool bit_set(const Network& n, int bit) { return (n.bytes[bit / 8] >> (7 - bit % 8)) & 1; }

// "192.0.2.8/29", "2620:0:28a4::/48" or a single address. As Net::IP, which
// cPanel checks them with, a range must name its first address.
std::optional<Network> parse_network(const std::string& text) {
  auto slash = text.find('/');
  auto n = parse_address(text.substr(0, slash));
  if (!n) return std::nullopt;
  if (slash != std::string::npos) {
    std::string digits = text.substr(slash + 1);
    auto prefix = parse_int(digits);
    if (!is_digits(digits) || !prefix || *prefix > n->max_prefix()) return std::nullopt;
    n->prefix = static_cast<int>(*prefix);
  }
  for (int bit = n->prefix; bit < n->max_prefix(); ++bit)
    if (bit_set(*n, bit)) return std::nullopt;
  return n;
}

// As cPanel shows it: IPv6 in full, with every group of four digits.
std::string network_text(const Network& n) {
  std::string out;
  if (n.family == AF_INET) {
    char buf[INET_ADDRSTRLEN];
    out = ::inet_ntop(AF_INET, n.bytes, buf, sizeof buf);
  } else {
    for (int group = 0; group < 8; ++group) {
      char buf[8];
      snprintf(buf, sizeof buf, "%s%02x%02x", group ? ":" : "", n.bytes[2 * group], n.bytes[2 * group + 1]);
      out += buf;
    }
  }
  if (n.prefix != n.max_prefix()) out += "/" + std::to_string(n.prefix);
  return out;
}

bool contains(const Network& range, const Network& address) {
  if (range.family != address.family) return false;
  for (int bit = 0; bit < range.prefix; ++bit)
    if (bit_set(range, bit) != bit_set(address, bit)) return false;
  return true;
}

// ---- the token file ------------------------------------------------------------

bool is_digest(const std::string& s) {
  return s.size() == 128 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string> string_list(const nlohmann::json& v, bool& ok) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) {
    ok = false;
    return out;
  }
  for (const auto& item : v) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
    else
      ok = false;
  }
  return out;
}

// One entry of the file, or nullopt when it is not one cPanel would have written.
std::optional<ApiToken> parse_token(TokenService service, const nlohmann::json& v) {
  if (!v.is_object()) return std::nullopt;
  ApiToken t;
  bool ok = true;
  auto name = v.find("name");
  if (name == v.end() || !name->is_string()) return std::nullopt;
  t.name = name->get<std::string>();
  if (auto it = v.find("create_time"); it != v.end() && it->is_number_integer()) t.create_time = it->get<long long>();
  if (auto it = v.find("expires_at"); it != v.end() && !it->is_null()) {
    if (!it->is_number_integer()) return std::nullopt;
    if (it->get<long long>() != 0) t.expires_at = it->get<long long>();
  }
  if (auto it = v.find("whitelist_ips"); it != v.end()) t.whitelist_ips = string_list(*it, ok);
  if (service == TokenService::Whostmgr) {
    auto it = v.find("acls");
    t.all_acls = it == v.end() || it->is_null();
    if (!t.all_acls) t.acls = string_list(*it, ok);
    if (std::find(t.acls.begin(), t.acls.end(), "all") != t.acls.end()) t.all_acls = true;
  } else {
    auto it = v.find("has_full_access");
    t.has_full_access = it != v.end() && ((it->is_number() && it->get<double>() != 0) || (it->is_boolean() && *it));
    if (auto f = v.find("features"); f != v.end()) t.features = string_list(*f, ok);
  }
  if (!ok) return std::nullopt;
  return t;
}

std::string random_token() { return random_string(api_tokens::kTokenLength, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"); }

void chmod_if_made(const StateRoot& root, Transaction& txn, const std::string& dir, mode_t mode) {
  if (root.exists(dir)) return;
  txn.on_commit("chmod the new directory " + dir, [&root, dir, mode] { ::chmod(root.path(dir).c_str(), mode); });
}

}  // namespace

const char* service_name(TokenService service) { return service == TokenService::Whostmgr ? "whostmgr" : "cpanel"; }

std::string api_tokens_rel(TokenService service, const std::string& user) {
  check_path_component(user, "user");
  if (user[0] == '.') throw ApiError("Invalid user name: “" + user + "”.");
  return std::string(api_tokens::kDir) + "/" + service_name(service) + "/" + user + ".json";
}

void check_token_name(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= api_tokens::kMaxNameLength && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (!ok)
    throw ApiError("“" + name +
                   "” is not a valid API token name. An API token name must not be longer than 50 characters and may "
                   "only contain the following 64 characters: a-z A-Z 0-9 _ -");
}

void check_expiry(long long expires_at, std::time_t now) {
  if (expires_at < 0) throw ApiError("“" + std::to_string(expires_at) + "” is not a valid epoch time.");
  if (expires_at != 0 && expires_at < now)
    throw ApiError("The “" + std::to_string(expires_at) + "” value must be a future date.");
}

std::vector<std::string> normalize_whitelist(const std::vector<std::string>& entries) {
  if (entries.size() > api_tokens::kMaxWhitelist)
    throw ApiError("You have entered “" + std::to_string(entries.size()) +
                   "” IP addresses, which is above the limit of 100.");
  std::vector<Network> nets;
  for (const auto& e : entries) {
    auto n = parse_network(e);
    if (!n) throw ApiError("Invalid IP address or CIDR range specified: " + e);
    nets.push_back(*n);
  }
  std::stable_sort(nets.begin(), nets.end(), [](const Network& a, const Network& b) {
    if (a.family != b.family) return a.family == AF_INET;
    return std::memcmp(a.bytes, b.bytes, a.size()) < 0;
  });
  std::vector<std::string> out;
  for (const auto& n : nets)
    if (std::string text = network_text(n); std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  return out;
}

bool ip_in_whitelist(const std::string& ip, const std::vector<std::string>& whitelist) {
  auto address = parse_address(ip);
  if (!address) return false;
  // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (address->family == AF_INET6 && std::memcmp(address->bytes, kMapped, 12) == 0) {
    Network v4;
    std::memcpy(v4.bytes, address->bytes + 12, 4);
    address = v4;
  }
  for (const auto& entry : whitelist)
    if (auto range = parse_network(entry); range && contains(*range, *address)) return true;
  return false;
}

nlohmann::json token_json(TokenService service, const ApiToken& t) {
  nlohmann::json j = {{"name", t.name}, {"create_time", t.create_time}};
  j["expires_at"] = t.expires_at ? nlohmann::json(*t.expires_at) : nlohmann::json(nullptr);
  if (service == TokenService::Whostmgr) {
    if (!t.acls.empty()) j["acls"] = t.acls;
  } else {
    j["has_full_access"] = t.has_full_access ? 1 : 0;
    j["features"] = t.has_full_access ? std::vector<std::string>{} : t.features;
  }
  if (!t.whitelist_ips.empty()) j["whitelist_ips"] = t.whitelist_ips;
  return j;
}

// ---- TokenFile ---------------------------------------------------------------------

TokenFile::TokenFile(TokenService service, std::string user, const nlohmann::json& tokens, FileProblems* damage)
    : service_(service), user_(std::move(user)) {
  if (!tokens.is_object()) {
    if (damage && !tokens.is_null()) damage->push_back("its “tokens” is not a JSON object");
    return;
  }
  for (const auto& [digest, entry] : tokens.items()) {
    auto t = is_digest(digest) ? parse_token(service, entry) : std::nullopt;
    if (t)
      tokens_[digest] = std::move(*t);
    else if (damage)
      damage->push_back("the token entry “" + digest.substr(0, 16) + "…” is not one the system can read");
  }
}

namespace {
nlohmann::json tokens_of(const Transaction& txn, TokenService service, const std::string& user, FileProblems* damage) {
  auto text = txn.read(api_tokens_rel(service, user));
  if (!text) return nullptr;
  FileProblems problems;
  nlohmann::json doc = parse_json_object(*text, problems);
  if (damage) damage->insert(damage->end(), problems.begin(), problems.end());
  auto it = doc.find("tokens");
  return it == doc.end() ? nlohmann::json(nullptr) : *it;
}
}  // namespace

TokenFile::TokenFile(const Transaction& txn, TokenService service, std::string user, FileProblems* damage)
    : TokenFile(service, user, tokens_of(txn, service, user, damage), damage) {}

const ApiToken* TokenFile::named(const std::string& name) const {
  for (const auto& [digest, t] : tokens_)
    if (t.name == name) return &t;
  return nullptr;
}

const ApiToken* TokenFile::matching(const std::string& plaintext) const {
  const std::string digest = sha512_hex(plaintext);
  const ApiToken* found = nullptr;
  // Every entry is compared, in constant time, so the time taken says nothing
  // about how much of a digest matched.
  for (const auto& [stored, t] : tokens_)
    if (CRYPTO_memcmp(stored.data(), digest.data(), digest.size()) == 0) found = &t;
  return found;
}

std::string TokenFile::add(const ApiToken& token) {
  check_token_name(token.name);
  if (named(token.name)) throw ApiError("A conflicting API token with the name “" + token.name + "” already exists.");
  std::string plaintext, digest;
  do {
    plaintext = random_token();
    digest = sha512_hex(plaintext);
  } while (tokens_.count(digest));
  tokens_[digest] = token;
  return plaintext;
}

void TokenFile::replace(const std::string& name, const ApiToken& token) {
  check_token_name(token.name);
  for (auto& [digest, t] : tokens_) {
    if (t.name != name) continue;
    if (token.name != name && named(token.name))
      throw ApiError("An API token with the name “" + token.name + "” already exists.");
    t = token;
    return;
  }
  throw ApiError("The API token “" + name + "” does not exist.");
}

bool TokenFile::remove(const std::string& name) {
  for (auto it = tokens_.begin(); it != tokens_.end(); ++it)
    if (it->second.name == name) {
      tokens_.erase(it);
      return true;
    }
  return false;
}

nlohmann::json TokenFile::tokens_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [digest, t] : tokens_) out[digest] = token_json(service_, t);
  return out;
}

void TokenFile::stage(const StateRoot& root, Transaction& txn, FileOwner user_ids) const {
  const std::string authn = "var/cpanel/authn", base = api_tokens::kDir;
  const std::string service_dir = base + "/" + service_name(service_);
  chmod_if_made(root, txn, authn, 0711);
  chmod_if_made(root, txn, base, 0711);
  const bool whm = service_ == TokenService::Whostmgr;
  chmod_if_made(root, txn, service_dir, whm ? 0700 : 0711);
  FileOwner owner{0, whm ? gid_t(0) : user_ids.gid};
  txn.write(api_tokens_rel(service_, user_), json_text({{"tokens", tokens_json()}}) + "\n", whm ? 0600 : 0640, owner);
}

// ---- what whmkitd asks --------------------------------------------------------------

std::optional<ApiToken> find_api_token(const StateRoot& root, TokenService service, const std::string& user,
                                       const std::string& plaintext) {
  std::string rel;
  try {
    rel = api_tokens_rel(service, user);
  } catch (const ApiError&) {
    return std::nullopt;  // a name no file can have
  }
  auto text = root.read(rel);
  if (!text) return std::nullopt;
  FileProblems ignored;
  nlohmann::json doc = parse_json_object(*text, ignored);
  auto it = doc.find("tokens");
  TokenFile file(service, user, it == doc.end() ? nlohmann::json(nullptr) : *it);
  if (const ApiToken* t = file.matching(plaintext)) return *t;
  return std::nullopt;
}

std::string api_token_refusal(const ApiToken& token, const std::string& remote_ip, std::time_t now) {
  if (token.expires_at && *token.expires_at < now) return "The API token “" + token.name + "” has expired.";
  if (!token.whitelist_ips.empty() && !ip_in_whitelist(remote_ip, token.whitelist_ips))
    // Only a parsed address is named: the text could be anything a client sent.
    return "The API token “" + token.name + "” may not be used from " +
           (parse_address(remote_ip) ? "“" + remote_ip + "”." : "an unknown address.");
  return "";
}

// ---- the account lifecycle ----------------------------------------------------------

namespace {

constexpr TokenService kServices[] = {TokenService::Cpanel, TokenService::Whostmgr};

// pkgacct's layout: api_tokens/cpanel and api_tokens/whostmgr, each the
// file's "tokens" object.
std::string archived(TokenService service) { return std::string("api_tokens/") + service_name(service); }

// A cPanel account's tokens, and the WHM tokens of a reseller's own account.
class ApiTokensPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root,
                    {api_tokens_rel(TokenService::Cpanel, a.user), api_tokens_rel(TokenService::Whostmgr, a.user)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    for (auto service : kServices)
      move_existing(root, txn, api_tokens_rel(service, from.user), api_tokens_rel(service, to.user));
  }
  // cPanel keeps a suspended account's tokens; the suspension itself refuses them.
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, paths(root, a));
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (auto service : kServices) {
      TokenFile file(txn, service, a.user);
      if (!file.tokens().empty()) out.file(archived(service), json_text(file.tokens_json()));
    }
  }
  // Each entry is read and written again through the same checks as the API's.
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string&) const override {
    for (auto service : kServices) {
      const std::string* text = src.archive.file(archived(service));
      if (!text) continue;
      FileProblems problems;
      auto doc = nlohmann::json::parse(*text, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) problems.push_back("it is not a JSON object");
      TokenFile file(service, src.facts.user, doc.is_object() ? doc : nlohmann::json(nullptr), &problems);
      for (const auto& [digest, t] : file.tokens()) {
        check_token_name(t.name);
        if (normalize_whitelist(t.whitelist_ips) != t.whitelist_ips)
          problems.push_back("the token “" + t.name + "” has an address list the system would not write");
      }
      if (!problems.empty())
        throw ApiError("The archive's " + archived(service) + " cannot be restored: " + join(problems, "; ") + ".");
      file.stage(root, txn, src.facts.ids);
    }
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    for (auto service : kServices) {
      FileProblems damage;
      TokenFile file(view, service, a.user, &damage);
      if (!damage.empty())
        out.push_back("Account “" + a.user + "”: " + server_path(api_tokens_rel(service, a.user)) +
                      " is damaged: " + join(damage, "; ") + ".");
    }
  }
  // root's WHM tokens belong to no account.
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, std::string(api_tokens::kDir) + "/cpanel", ".json", users, out);
    std::set<std::string> known = users;
    known.insert("root");
    report_orphans(root, std::string(api_tokens::kDir) + "/whostmgr", ".json", known, out);
  }
};

}  // namespace

const AccountPart& api_tokens_part() { return part_instance<ApiTokensPart>(); }

}  // namespace whm
