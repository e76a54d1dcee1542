#include "hostname.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "account_store.hpp"
#include "errors.hpp"
#include "lookup.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr size_t kMaxHostnameLength = 60;

// The service subdomains cPanel creates on every domain: a hostname starting
// with one would collide with them. (cPanel's list of automatic domains;
// UNCONFIRMED beyond the ones its documentation names.)
const char* const kAutoDomainLabels[] = {"autoconfig", "autodiscover", "cpanel",  "cpcalendars", "cpcontacts",
                                         "mail",       "webdisk",      "webmail", "whm",         "www"};

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// RFC 952/1123 names, fully qualified (at least two dots, as cPanel asks),
// not starting with a digit, no label starting or ending with a hyphen.
bool is_valid_hostname(const std::string& name) {
  const auto labels = split(name, '.');
  if (labels.size() < 3) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  for (const auto& label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_label_char(c)) return false;
  }
  // The top-level label is a name, never a number (so no IP address passes).
  return !is_digits(labels.back());
}

std::string short_name(const std::string& hostname) { return hostname.substr(0, hostname.find('.')); }

// etc/hosts: the lines naming the old or the new hostname lose those names
// (a line left with only its address goes), then one line maps the main IP
// to the new name and its short form, as cPanel's fixetchosts leaves it.
std::string hosts_with(const std::string& text, const std::string& old_name, const std::string& hostname,
                       const std::string& ip) {
  auto is_ours = [&](std::string_view name) {
    std::string n = to_lower(name);
    if (n == "localhost" || n == "localhost.localdomain") return false;
    return n == hostname || n == short_name(hostname) ||
           (!old_name.empty() && (n == old_name || n == short_name(old_name)));
  };
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    const std::string_view content = line.substr(0, line.find('#'));
    std::vector<std::string> names;
    std::string address;
    for (const auto& word : split(std::string(content), ' ')) {
      for (const auto& w : split(word, '\t')) {
        if (w.empty()) continue;
        if (address.empty())
          address = w;
        else
          names.push_back(w);
      }
    }
    bool changed = false;
    std::vector<std::string> kept;
    for (const auto& n : names) {
      if (is_ours(n))
        changed = true;
      else
        kept.push_back(n);
    }
    if (!changed) {
      out.append(line).push_back('\n');
    } else if (!kept.empty()) {
      out += address + " " + join(kept, " ") + "\n";
    }
  });
  out += ip + " " + hostname + " " + short_name(hostname) + "\n";
  return out;
}

// etc/sysconfig/network: HOSTNAME= and DOMAINNAME= rewritten at the end.
std::string sysconfig_network_with(const std::string& text, const std::string& hostname) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    const std::string lower = to_lower(line);
    if (starts_with(lower, "hostname=") || starts_with(lower, "domainname=")) return;
    out.append(line).push_back('\n');
  });
  out += "HOSTNAME=" + hostname + "\n";
  out += "DOMAINNAME=" + hostname.substr(hostname.find('.') + 1) + "\n";
  return out;
}

// etc/wwwacct.conf: the HOST line names the new hostname (other lines kept).
std::string wwwacct_with(const std::string& text, const std::string& hostname, bool& changed) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    if (starts_with(line, "HOST ") || starts_with(line, "HOST\t")) {
      out += "HOST " + hostname + "\n";
      changed = true;
    } else {
      out.append(line).push_back('\n');
    }
  });
  return out;
}

// etc/localdomains: the old hostname out, the new one in (mail to it is local).
std::string localdomains_with(const std::string& text, const std::string& old_name, const std::string& hostname) {
  std::string out;
  bool present = false;
  for_each_line(text, [&](std::string_view line) {
    const std::string name = to_lower(trim(line));
    if (!old_name.empty() && name == old_name && old_name != hostname) return;
    if (name == hostname) present = true;
    out.append(line).push_back('\n');
  });
  if (!present) out += hostname + "\n";
  return out;
}

}  // namespace

std::string server_hostname(const StateRoot& root) {
  std::string name;
  if (auto text = root.read("etc/hostname")) name = trim(text->substr(0, text->find('\n')));
  if (name.empty()) {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) == 0) name = buf;
  }
  return name;
}

std::string checked_new_hostname(const StateRoot& root, const std::string& requested) {
  const std::string hostname = to_lower(requested);
  if (hostname.size() > kMaxHostnameLength)
    throw ApiError("Cannot set the hostname; Hostnames are limited to 60 characters (this name is " +
                   std::to_string(hostname.size()) + " characters)");
  if (!is_valid_hostname(hostname)) throw ApiError(hostname + " is not a valid hostname");
  for (const char* label : kAutoDomainLabels)
    if (starts_with(hostname, std::string(label) + "."))
      throw ApiError("The hostname may not begin with “" + std::string(label) +
                     ".” because it conflicts with an automatically configured domain.");
  for (const auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) {
    if (to_lower(domain) == hostname && user != "nobody")
      throw ApiError("The domain “" + hostname + "” is already owned by the user “" + user +
                     "”.  The system cannot set the hostname to a domain owned by a user because all local email "
                     "would be directed to the “" +
                     user + "” account.");
  }
  return hostname;
}

HostnameChange stage_hostname(const StateRoot& root, Transaction& txn, const std::string& hostname) {
  HostnameChange change;
  std::string old_name;
  if (auto text = root.read("etc/hostname")) old_name = to_lower(trim(text->substr(0, text->find('\n'))));
  if (old_name == hostname)
    change.warnings.push_back("The hostname was already set to " + hostname + ", syncing configuration only.");

  txn.write("etc/hostname", hostname + "\n");

  // RHEL keeps the name in /etc/sysconfig/network; Debian and Ubuntu have no such file.
  if (auto network = root.read("etc/sysconfig/network")) {
    txn.write("etc/sysconfig/network", sysconfig_network_with(*network, hostname));
    change.messages.push_back("Altered hostname in /etc/sysconfig/network");
  }

  const std::string ip = load_server_config(root).shared_ip;
  txn.write("etc/hosts",
            hosts_with(root.read("etc/hosts").value_or(""), old_name, hostname, ip.empty() ? "127.0.0.1" : ip));

  if (auto wwwacct = root.read("etc/wwwacct.conf")) {
    bool changed = false;
    std::string updated = wwwacct_with(*wwwacct, hostname, changed);
    if (changed) txn.write("etc/wwwacct.conf", updated);
  }
  if (auto local = root.read("etc/localdomains"))
    txn.write("etc/localdomains", localdomains_with(*local, old_name, hostname));
  return change;
}

void apply_kernel_hostname(const StateRoot& root, const std::string& hostname, HostnameChange& change) {
  if (!root.is_system_root()) return;
  change.messages.push_back("Changing hostname in kernel to " + hostname);
  if (::sethostname(hostname.c_str(), hostname.size()) != 0)
    change.warnings.push_back(std::string("Error setting new hostname: ") + std::strerror(errno));
}

}  // namespace whm
