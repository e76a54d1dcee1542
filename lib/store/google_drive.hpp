// Google Drive destinations: the OAuth 2 authorization and the Drive API,
// with the files cPanel keeps:
//   var/cpanel/backups/google_oauth_tempfile_<state>  (0600, YAML) an
//       authorization begun by backup_generate_google_oauth_uri: client_id,
//       client_secret, login_uri, token_uri, scope, access_type, local_uri,
//       custom_file; removed when it completes, or after 30 minutes
//   var/cpanel/backups/<client_id>.yml  (0600, YAML) the credentials:
//       access_token, refresh_token, expires (epoch seconds), client_id,
//       client_secret, token_uri
// The endpoints are Google's unless the environment names others (tests,
// a proxy): WHMKIT_GOOGLE_AUTH_URI, WHMKIT_GOOGLE_TOKEN_URI (read when an
// authorization begins, then kept in its files) and WHMKIT_GOOGLE_DRIVE_API
// (the API's base URL, read at each transfer).
#pragma once
#include <string>

#include "backup_destinations.hpp"
#include "state.hpp"

namespace whm {

// Refuses a client ID that cannot name a credentials file (invalid_param "client_id").
void check_google_client_id(const std::string& client_id);
std::string google_credentials_rel(const std::string& client_id);

// Stages the authorization file and returns the URI the administrator opens:
// <login_uri>?client_id=..&response_type=code&redirect_uri=https://<hostname>:2087/googledriveauth/callback
// &scope=https://www.googleapis.com/auth/drive.file&access_type=offline&prompt=consent&state=<64 alphanumerics>
std::string stage_google_authorization(const StateRoot& root, Transaction& txn, const std::string& hostname,
                                       const std::string& client_id, const std::string& client_secret);

// What Google's redirect brings back (code and state): exchanges the code at
// the token endpoint and writes the credentials file. Takes the state lock
// itself, and not while it waits for the network. Throws ApiError.
void complete_google_authorization(const StateRoot& root, const std::string& state, const std::string& code);

// Copies `local_abs` to <folder>/<remote_name> in the destination's Drive,
// making missing folders; the access token is refreshed first when it has
// less than five minutes left. Throws ApiError.
void google_drive_upload(const StateRoot& root, const BackupDestination& d, const std::string& local_abs,
                         const std::string& remote_name);
// Uploads a small file to the folder and deletes it again.
void google_drive_validate(const StateRoot& root, const BackupDestination& d, const std::string& probe_abs,
                           const std::string& probe_name);

}  // namespace whm
