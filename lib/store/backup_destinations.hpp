// Backup destinations ("transports"), stored as cPanel stores them:
// var/cpanel/backups/<name>_UID_<id>.backup_destination, mode 0600, YAML,
// with the password and passphrase obfuscated (XOR "+", then Perl's
// pack 'u' with the newlines removed). Uploads and validation go through
// libcurl (FTP, SFTP, WebDAV; GoogleDrive through google_drive.hpp) or the
// filesystem (Local).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

struct BackupDestination {
  std::string id;
  nlohmann::json fields = nlohmann::json::object();  // name, type, ... (password in clear text in memory)
  std::string name() const { return fields.value("name", ""); }
  std::string type() const { return fields.value("type", ""); }
  bool disabled() const;
};

// Destination types whmkit can use, and the fields each needs.
bool destination_type_supported(const std::string& type);
std::vector<std::string> supported_destination_types();
std::vector<std::string> required_destination_fields(const std::string& type);

// Destinations on disk, read through `txn` (call under the state lock).
std::vector<BackupDestination> load_destinations(const StateRoot& root, const Transaction& txn);
std::optional<BackupDestination> find_destination(const StateRoot& root, const Transaction& txn, const std::string& id);
// Stages the destination's file (a renamed destination moves to its new file name).
void stage_destination(const StateRoot& root, Transaction& txn, const BackupDestination& d);
void stage_destination_removal(const StateRoot& root, Transaction& txn, const std::string& id);
std::string new_destination_id();  // 24 random alphanumerics

// A file on this server that a destination names: a Custom destination's
// `script` (run as root by the backup) or an SFTP `privatekey`. It must be
// an absolute path without "", "." or ".." components, and lie outside every
// account's home directory, where the account's user could replace it.
// Refused with invalid_param naming `param`.
void check_destination_file(const StateRoot& root, const std::string& param, const std::string& path);

std::string obfuscate_secret(const std::string& clear);
std::string reveal_secret(const std::string& obfuscated);

// Connects, writes a small test file into the destination's path and
// removes it again. Throws ApiError with the transport's message.
void validate_destination(const StateRoot& root, const BackupDestination& d);
// Copies `local_abs` to the destination as <path>/<remote_name>
// (creating missing directories). Throws ApiError on failure. A Local
// destination's path is under the state root.
void upload_to_destination(const StateRoot& root, const BackupDestination& d, const std::string& local_abs,
                           const std::string& remote_name);

}  // namespace whm
