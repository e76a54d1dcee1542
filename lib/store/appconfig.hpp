// AppConfig: the applications cPanel's services (whostmgr, cpanel, webmail)
// run under their own URLs, as Cpanel::AppConfig lists them: cPanel's own
// built-in entries, then one entry per var/cpanel/apps/<name>.conf file.
//
// An AppConfig file is "key=value" lines (cPanel's register_appconfig
// format): service (whostmgr, cpanel and/or webmail, separated by "|"),
// url (plus url1, url2, ... for more), user, group, name (defaults to the
// file's name without .conf), acls or features (comma-separated), and any
// other key, which is listed as given. A file that does not describe a
// valid application is skipped with a warning naming the reason, as cPanel
// logs it.
#pragma once
#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace appconfig {
inline constexpr const char* kDir = "var/cpanel/apps";
}

// {"whostmgr": [...], "cpanel": [...], "webmail": [...]}.
nlohmann::json appconfig_application_list(const StateRoot& root);

}  // namespace whm
