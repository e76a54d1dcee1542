// What the distribution's package manager offers, read from apt's state under
// the state root (var/lib/apt/lists/*_Packages, plain or lz4-compressed as
// Debian stores them; liblz4 is opened on first use), as `apt-cache policy`
// would list the candidates. Nothing is downloaded or run.
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

struct AptPackageVersion {
  std::string package, version;  // "mariadb-server", "1:10.11.6-0+deb12u1"
};

// Every version of the named packages in the lists (sorted by package, then
// version as dpkg compares them, oldest first). Throws ApiError if there are
// no lists to read.
std::vector<AptPackageVersion> apt_offered_versions(const StateRoot& root, const std::vector<std::string>& packages);

// dpkg's version comparison (epoch, upstream, revision; "~" sorts first).
int compare_deb_versions(const std::string& a, const std::string& b);

}  // namespace whm
