#include "spamd_config.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include "damage.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

// "192.0.2.1", "192.0.2.0/24", "2001:db8::/32".
bool is_ip_or_cidr(const std::string& text) {
  const auto slash = text.find('/');
  const std::string ip = text.substr(0, slash);
  unsigned char buf[sizeof(in6_addr)];
  const bool v4 = ::inet_pton(AF_INET, ip.c_str(), buf) == 1;
  if (!v4 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1) return false;
  if (slash == std::string::npos) return true;
  const std::string len = text.substr(slash + 1);
  const auto n = is_digits(len) && len.size() <= 3 ? parse_int(len) : std::nullopt;
  return n && *n <= (v4 ? 32 : 128);
}

// cPanel's rules for the pid file, with its words; the path is looked at under the state root.
void check_pidfile(const StateRoot& root, const std::string& pidfile) {
  if (pidfile.empty() || pidfile[0] != '/') throw ApiError("You must enter an absolute path.");
  if (ends_with(pidfile, "/")) throw ApiError("The PID file “" + pidfile + "” cannot be a directory.");
  if (auto why = plain_absolute_path_error(pidfile)) throw invalid_param("pidfile", *why);
  const std::string rel = pidfile.substr(1);
  struct stat st {};
  if (::stat(root.path(rel).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ApiError("The PID file “" + pidfile + "” cannot be a directory.");
  const auto slash = rel.rfind('/');
  const std::string dir = slash == std::string::npos ? root.root() : root.path(rel.substr(0, slash));
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ApiError("The directory for the PID file “" + pidfile + "” does not exist.");
  if (auto text = root.read(rel); text && !trim(*text).empty() && !is_digits(trim(*text)))
    throw ApiError("The pid file “" + pidfile +
                   "” already exists and contains non-digit characters. Remove the file first if you really wish to "
                   "use this file as the pid file.");
}

}  // namespace

const std::vector<std::string>& spamd_option_names() {
  static const std::vector<std::string> names = {"allowedips", "maxchildren",  "maxconnperchild",
                                                 "pidfile",    "timeoutchild", "timeouttcp"};
  return names;
}

void stage_spamd_config(Transaction& txn, const std::map<std::string, std::string>& given) {
  // Every address or block of a comma-separated list.
  const auto addresses = [](const std::string& list) {
    for (const auto& item : split(list, ','))
      if (!is_ip_or_cidr(trim(item))) return false;
    return true;
  };
  for (const auto& [name, value] : given) {
    const bool valid =
        name == "allowedips" ? addresses(value) : name == "pidfile" || (is_digits(value) && !value.empty());
    if (!valid) throw ApiError("“" + value + "” is not a valid value for “" + name + "”.");
    if (name == "pidfile") check_pidfile(txn.root(), value);
  }
  FileProblems problems;
  KeyValues config = parse_key_values(txn.read(kSpamdConfig).value_or(""), '=', &problems);
  refuse_if_damaged(kSpamdConfig, problems);
  for (const auto& name : spamd_option_names()) {
    auto it = given.find(name);
    if (it == given.end())
      config.erase(name);
    else
      config[name] = it->second;
  }
  txn.write(kSpamdConfig, serialize_key_values(config), 0644);
}

}  // namespace whm
