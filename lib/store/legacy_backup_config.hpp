// The legacy backup system's configuration, /etc/cpbackup.conf: "KEY value"
// lines (a run of blanks between them, "#" comments), with the FTP password
// kept apart in /etc/cpbackup.conf.shadow (same format, mode 0600).
// convert_and_migrate_from_legacy_config turns it into var/cpanel/backups/config.
#pragma once
#include <string>

#include "backup_store.hpp"
#include "kvfile.hpp"
#include "state.hpp"

namespace whm {

constexpr const char* kLegacyBackupConfigRel = "etc/cpbackup.conf";
constexpr const char* kLegacyBackupShadowRel = "etc/cpbackup.conf.shadow";

// Both files merged (the shadow's keys last, as cPanel reads them).
// Refuses (DamagedFileError) a file that cannot be read completely: it would
// be converted only in part.
KeyValues load_legacy_backup_config(const Transaction& txn);

// `current` with the legacy settings applied the way cPanel converts them:
// the keys both systems share copied (yes/no LINKDEST as 1/0, BACKUPENABLE
// restoreonly as no), BACKUPINC/COMPRESSACCTS as BACKUPTYPE, BACKUPINT as
// the daily/weekly/monthly switches, BACKUPRET* = 1 as a retention of 1.
// Throws ValidationError naming the key for a value the new system refuses.
BackupConfig convert_legacy_backup_config(const KeyValues& legacy, BackupConfig current);

}  // namespace whm
