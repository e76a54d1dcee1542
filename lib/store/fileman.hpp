// The files in an account's home, as cPanel's File Manager (the Fileman
// module) reaches them: listing, reading, writing, copying, moving, the
// permissions, and the trash (~/.trash with its .trash_restore index).
//
// Every operation runs in a child process that has become the account
// (setgroups, setresgid, setresuid) when whmkit runs as root, so the kernel
// checks each access with the account's own rights: whmkit never acts as
// root on a path the user controls. Inside the child each path is still
// reached through UserDir (user_dir.hpp): never through a symlink, never
// above the home. When whmkit does not run as root the child keeps the
// caller's identity (it cannot take another), so files are then created
// as the caller; docs/fileman.md says more.
//
// The user's own files are not whmkit's state: they are not journaled. Each
// file is written whole (temporary file, fsync, rename), as cPanel does.
#pragma once
#include <sys/stat.h>

#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "state.hpp"

namespace whm {

// An account's home: where it is on disk, how messages name it, and who the
// work runs as.
struct Home {
  std::string abs;    // the path on disk (under the state root)
  std::string shown;  // as the server names it ("/home/bob")
  FileOwner owner;
};
Home account_home(const StateRoot& root, const CpanelAccount& account);

// A path a caller gives ("public_html", "/home/bob/public_html", "./a//b")
// as a path relative to the home ("" = the home itself). Refuses, naming
// `param`, a path outside the home, a ".." component or a control character.
std::string home_relative(const Home& home, const std::string& given, const std::string& param);
// How the server names `rel` ("/home/bob/public_html").
std::string shown_path(const Home& home, const std::string& rel);

// What a listing reports about each entry (UAPI list_files, API 2 listfiles).
struct ListOptions {
  bool show_hidden = false;                         // names starting with "."
  bool check_leaf = false;                          // isleaf: whether a directory holds directories
  bool include_mime = false;                        // mimetype, mimename, rawmimetype, rawmimename
  bool include_hash = false;                        // hash, phash
  bool include_permissions = false;                 // read, write (the owner's bits)
  std::set<std::string> types;                      // "file", "dir", "link", ...; empty = all
  std::optional<std::set<std::string>> only_names;  // only these names
  std::set<std::string> mime_names;                 // only these mimenames ("text-plain"); empty = all
  std::set<std::string> raw_mime_types;             // only these raw MIME types ("text/plain"); empty = all
};
// The entries of the directory `rel`, sorted by name (symlinks reported as
// "link", never followed).
std::vector<nlohmann::json> list_directory(const Home& home, const std::string& rel, const ListOptions& options);
// The same record for `rel` itself.
nlohmann::json file_information(const Home& home, const std::string& rel, const ListOptions& options);
// Names in the directory `dir` that start with `prefix` (directories only
// with `dirs_only`), sorted; hidden names only when the prefix starts with ".".
std::vector<std::string> complete_names(const Home& home, const std::string& dir, const std::string& prefix,
                                        bool dirs_only);

// get_file_content refuses a larger file (whmkit's limit: the answer is held in memory).
constexpr size_t kMaxReadBytes = 16 * 1024 * 1024;
// The contents of the regular file `rel` (never through a symlink).
std::string read_home_file(const Home& home, const std::string& rel);
// Writes the file `rel` whole; its directory must exist. An existing
// regular file keeps its permissions; a new one gets `new_mode`. Refuses a
// symlink or anything but a regular file at `rel`, and an existing file
// unless `overwrite`.
void write_home_file(const Home& home, const std::string& rel, const std::string& content, mode_t new_mode,
                     bool overwrite = true);
// Creates the directory `rel` (its parent must exist).
void make_home_directory(const Home& home, const std::string& rel, mode_t mode);

// One file to upload: its name in the target directory and where to read
// it from (read with the account's rights, so it cannot reach what the
// account could not read itself).
struct Upload {
  std::string name, source;
};
// Writes each upload into the directory `dir` with `mode`; checks them all
// first, so a refused upload writes nothing. Returns each file's size.
std::vector<long long> upload_home_files(const Home& home, const std::string& dir, const std::vector<Upload>& files,
                                         bool overwrite, mode_t mode);

// API 2 fileop's operations. Each source is done on its own; the outcome
// of each: the absolute source and destination, and why it failed ("" = done).
enum class FileOp { Copy, Move, Rename, Chmod, Link, Unlink, Trash, RestoreFiles };
struct FileOpOutcome {
  std::string src, dest, error;
};
// `dests`: one destination for every source, or one for all of them (for
// copy and move, a directory receives the sources by name). `mode`: chmod's.
std::vector<FileOpOutcome> file_operation(const Home& home, FileOp op, const std::vector<std::string>& sources,
                                          const std::vector<std::string>& dests, mode_t mode);

// The trash: ~/.trash, and ~/.trash/.trash_restore with one line per
// trashed entry, "<name in .trash>=<original absolute path>", both
// URI-encoded (so neither holds "=", a line break or a control byte).
inline constexpr const char* kTrashDir = ".trash";
inline constexpr const char* kTrashIndex = ".trash_restore";
// Removes what has been in the trash longer than `older_than_days` days
// (0: everything), and its index lines.
void empty_home_trash(const Home& home, long long older_than_days);

// Character sets (iconv). Throws invalid_param naming `from_param` /
// `to_param` for a character set iconv does not know.
struct Conversion {
  bool ok = true;    // false: a byte sequence did not convert
  std::string text;  // the converted text (when ok)
};
enum class Illegal { Fail, Discard, Transliterate };
Conversion convert_charset(const std::string& text, const std::string& from, const std::string& to,
                           const std::string& from_param, const std::string& to_param, Illegal illegal = Illegal::Fail);
// "UTF-8" when `text` is valid UTF-8, else "ISO-8859-1" (every byte string is).
std::string detect_charset(const std::string& text);

}  // namespace whm
