// The server's hostname. Read from etc/hostname under the state root (the
// one reader every other store uses, through load_server_config); written by
// sethostname to the files cPanel's set_hostname writes: etc/hostname,
// etc/hosts, etc/sysconfig/network (RHEL family: only where the file
// exists), the HOST line of etc/wwwacct.conf and etc/localdomains. The
// kernel's own name (sethostname(2)) changes only on the real system root.
#pragma once
#include <string>
#include <vector>

namespace whm {

class StateRoot;
class Transaction;

// etc/hostname's first line; the kernel's name when the file is missing or empty.
std::string server_hostname(const StateRoot& root);

// Lowercases and checks a new hostname as cPanel does (length, syntax, a
// name an automatic service subdomain uses, a domain an account owns);
// ApiError with cPanel's wording otherwise.
std::string checked_new_hostname(const StateRoot& root, const std::string& requested);

// What sethostname reports: the steps taken, and what went wrong on the way.
struct HostnameChange {
  std::vector<std::string> messages, warnings;
};

// Stages every file that names the hostname into `txn`.
HostnameChange stage_hostname(const StateRoot& root, Transaction& txn, const std::string& hostname);

// After the files are committed: on the real system root, tells the kernel
// (sethostname(2)); elsewhere nothing. A failure is a warning in `change`.
void apply_kernel_hostname(const StateRoot& root, const std::string& hostname, HostnameChange& change);

}  // namespace whm
