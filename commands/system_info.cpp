// WHM API 1 Server Administration >> Services (the server's own facts):
// gethostname, sethostname, set_primary_servername, systemloadavg,
// getdiskusage, system_needs_reboot, reboot. Files live under the state
// root; what the kernel reports (load, mounts, the running kernel) is read
// from the live system; the kernel is changed (hostname, reboot) only when
// the state root is "/". See docs/system-info.md.
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <map>

#include "apache_tls.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "kvfile.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "proc_info.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "state.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "vhosts.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- hostname

Response gethostname(Context& ctx, const Request&) {
  const std::string name = server_hostname(ctx.root);
  if (name.empty()) throw ApiError("Unable to determine hostname.");
  Response r;
  r.data = {{"hostname", name}};
  return r;
}

// cPanel reports the steps in the reason and metadata.output, each a text of lines.
Response sethostname(Context& ctx, const Request& req) {
  const std::string hostname = checked_new_hostname(ctx.root, req.require("hostname"));
  HostnameChange change = stage_hostname(ctx.root, ctx.txn(), hostname);
  ctx.writer->commit();  // the files first: the kernel follows only a change that is on disk
  apply_kernel_hostname(ctx.root, hostname, change);
  Response r;
  r.reason = "Hostname set to: " + hostname;
  if (!change.messages.empty()) r.metadata["output"]["messages"] = join(change.messages, "\n");
  if (!change.warnings.empty()) r.metadata["output"]["warnings"] = join(change.warnings, "\n");
  return r;
}

// ---------------------------------------------------------------- primary vhost

// The IP address the vhost named `servername` listens on: its userdata's
// "ip" (the account that owns the name), or the main IP for the hostname.
std::string vhost_ip(const Context& ctx, const std::string& servername, bool ssl) {
  const std::string type = ssl ? "ssl" : "std";
  for (const auto& [domain, user] : read_lookup_pairs(ctx.root, "etc/userdomains")) {
    if (to_lower(domain) != servername || user == "nobody") continue;
    auto data = vhost_userdata(ctx.root, user, ssl ? servername + "_SSL" : servername);
    if (!data) {
      if (ssl && vhost_userdata(ctx.root, user, servername))
        throw ApiError("The ServerName “" + servername + "” is not installed as “" + type + "”.");
      break;
    }
    if (data->contains("ip") && (*data)["ip"].is_string()) return (*data)["ip"].get<std::string>();
    break;
  }
  throw ApiError("The ServerName “" + servername + "” is not installed.");
}

Response set_primary_servername(Context& ctx, const Request& req) {
  const std::string servername = to_lower(req.require("servername"));
  if (starts_with(servername, "*."))
    throw ApiError("A website for a wildcard domain cannot be set as the primary website on an IP address.");
  const bool ssl = req.get_or("type", "std") == "ssl";
  const std::string ip = vhost_ip(ctx, servername, ssl);
  stage_primary_vhost(ctx.txn(), ip, servername, ssl);  // primary_virtual_hosts.conf (apache_tls.hpp)
  return {};
}

// ---------------------------------------------------------------- load and disks

Response systemloadavg(Context&, const Request&) {
  auto load = read_loadavg();
  if (!load) throw ApiError("Unable to read the load average from /proc/loadavg.");
  Response r;
  r.data = {{"one", load->one}, {"five", load->five}, {"fifteen", load->fifteen}};
  return r;
}

// cPanel's Cpanel::Filesys::Info leaves out network and pseudo file systems,
// and the mounts under /dev, /proc, /sys and CageFS.
bool listed_mount(const Mount& m) {
  static const char* const kSkippedTypes[] = {"autofs",     "cifs",   "devpts", "nfs",   "proc",
                                              "rpc_pipefs", "rootfs", "smbfs",  "sysfs", "tmpfs"};
  for (const char* t : kSkippedTypes)
    if (m.fstype == t) return false;
  for (const char* dir : {"/dev", "/proc", "/sys", "/var/cagefs"})
    if (m.mount_point == dir || starts_with(m.mount_point, std::string(dir) + "/")) return false;
  if (m.mount_point.find("/cagefs/") != std::string::npos || m.mount_point.find("/virtfs/") != std::string::npos)
    return false;
  if (starts_with(m.mount_point, "/usr/share/cagefs-skeleton")) return false;
  if (starts_with(m.device, "/dev/loop") && starts_with(m.mount_point, "/snap/")) return false;
  return true;
}

Response getdiskusage(Context&, const Request&) {
  std::map<std::string, nlohmann::json> partitions;  // by mount point: the first mount of each wins
  for (const auto& m : read_mounts()) {
    if (!listed_mount(m) || partitions.count(m.mount_point)) continue;
    auto u = file_system_usage(m.mount_point);
    if (!u) continue;
    std::string disk = m.device;
    if (starts_with(disk, "/dev/")) disk.erase(0, 5);
    partitions[m.mount_point] = {{"available", u->available},
                                 {"device", m.device},
                                 {"disk", disk},
                                 {"filesystem", m.mount_point},
                                 {"inodes_available", u->inodes_available},
                                 {"inodes_ipercentage", u->inodes_percent_used},
                                 {"inodes_total", u->inodes},
                                 {"inodes_used", u->inodes_used},
                                 {"mount", m.mount_point},
                                 {"percentage", u->percent_used},
                                 {"total", u->blocks},
                                 {"used", u->used}};
  }
  if (partitions.empty()) throw ApiError("Unable to retrieve disk usage");
  nlohmann::json list = nlohmann::json::array();
  for (auto& [mount, p] : partitions) list.push_back(std::move(p));
  Response r;
  r.reason = "Successfully retrieved disk usage";
  r.data = {{"partition", list}};
  return r;
}

// ---------------------------------------------------------------- reboot

// Kernel versions compare number by number ("5.15.0-91" > "5.15.0-9").
bool version_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (isdigit(static_cast<unsigned char>(a[i])) && isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ei = i, ej = j;
      while (ei < a.size() && isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      const std::string na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      const std::string ta = na.substr(std::min(na.find_first_not_of('0'), na.size()));
      const std::string tb = nb.substr(std::min(nb.find_first_not_of('0'), nb.size()));
      if (ta.size() != tb.size()) return ta.size() < tb.size();
      if (ta != tb) return ta < tb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The newest kernel installed under the state root's /boot ("" if none).
std::string newest_installed_kernel(const StateRoot& root) {
  std::string newest;
  for (const auto& name : root.list_dir("boot")) {
    if (!starts_with(name, "vmlinuz-") || name.size() == 8) continue;
    const std::string version = name.substr(8);
    if (ends_with(version, ".old") || version.find("rescue") != std::string::npos) continue;
    if (newest.empty() || version_less(newest, version)) newest = version;
  }
  return newest;
}

// The version dpkg's status file records for each package in `names`.
std::map<std::string, std::string> installed_versions(const StateRoot& root, const std::vector<std::string>& names) {
  std::map<std::string, std::string> out;
  for (const auto& n : names) out[n] = "";
  auto status = root.read("var/lib/dpkg/status");
  if (!status) return out;
  std::string package;
  for_each_line(*status, [&](std::string_view line) {
    if (starts_with(line, "Package: ")) package = trim(line.substr(9));
    if (starts_with(line, "Version: ") && out.count(package)) out[package] = trim(line.substr(9));
    if (line.empty()) package.clear();
  });
  return out;
}

Response system_needs_reboot(Context& ctx, const Request&) {
  nlohmann::json details = nlohmann::json::object();
  struct utsname uts {};
  const std::string running = ::uname(&uts) == 0 ? uts.release : "";
  const std::string boot = newest_installed_kernel(ctx.root);
  if (!running.empty() && !boot.empty() && boot != running)
    details["kernel"] = {{"boot_version", boot}, {"running_version", running}};
  // Debian and Ubuntu: the package scripts leave a marker and the packages' names.
  for (const char* marker : {"var/run/reboot-required", "run/reboot-required"}) {
    if (!ctx.root.exists(marker)) continue;
    std::vector<std::string> packages;
    for_each_line(ctx.root.read(std::string(marker) + ".pkgs").value_or(""), [&](std::string_view line) {
      std::string p = trim(line);
      if (!p.empty() && std::find(packages.begin(), packages.end(), p) == packages.end()) packages.push_back(p);
    });
    nlohmann::json updates = nlohmann::json::object();
    for (const auto& [name, version] : installed_versions(ctx.root, packages)) updates[name] = version;
    details["updates"] = updates;
    break;
  }
  Response r;
  r.data = {{"details", details}, {"needs_reboot", details.empty() ? 0 : 1}};
  return r;
}

// Refused unless the state root is the real system's and force=1 says the
// caller means it: a script that reboots a machine by accident is not undone.
Response reboot(Context& ctx, const Request& req) {
  if (!ctx.root.is_system_root())
    throw ApiError("The system reboots only when the state root is “/” (this call runs on “" + ctx.root.root() + "”).");
  if (!req.flag("force"))
    throw ApiError(
        "whmkit reboots the server only when you pass “force=1”: a forceful reboot may lose the data of "
        "running processes.");
  ::sync();
  if (run_program({"systemctl", "reboot", "--force"}) != 0 && run_program({"reboot", "-f"}) != 0 &&
      ::reboot(RB_AUTOBOOT) != 0)
    throw ApiError("The system failed to reboot.");
  Response r;
  r.data = {{"force", 1}};
  return r;
}

WHMKIT_REGISTRATIONS(registrations, Registration({"gethostname", gethostname, Access::Read, root_only()}),
                     Registration({"sethostname", sethostname, Access::Write, root_only()}),
                     Registration({"set_primary_servername", set_primary_servername, Access::Write, root_only()}),
                     Registration({"systemloadavg", systemloadavg, Access::Read, root_only()}),
                     Registration({"getdiskusage", getdiskusage, Access::Read, root_only()}),
                     Registration({"system_needs_reboot", system_needs_reboot, Access::Read, root_only()}),
                     Registration({"reboot", reboot, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
