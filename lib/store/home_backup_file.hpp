// A backup file the account keeps in its home for a UAPI Backup restore
// (restore_email_forwarders' aliases-<domain>.gz, restore_email_filters'
// filter_info.<user>.yaml.gz): named by the `backup` parameter, absolute
// inside the home or relative to it, read without following a symlink, and
// unzipped when its name ends in ".gz" (at most 16 MiB either way: these are
// a few kilobytes).
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

// The path of `backup` relative to `home` ("/home/bob"); invalid_param("backup")
// when it is not inside the home.
std::string home_backup_rel(const std::string& home, const std::string& backup);

// The last part of a relative path ("backups/x.gz" -> "x.gz").
std::string backup_file_name(const std::string& rel);

// The file's text (gunzipped for a ".gz" name); invalid_param("backup") when
// it does not exist, is a symlink, or is not a complete gzip file.
std::string read_home_backup_file(const StateRoot& root, const std::string& home, const std::string& rel);

}  // namespace whm
