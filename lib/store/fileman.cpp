#include "fileman.hpp"
#include "base64.hpp"
#include "dry_run.hpp"

#include <fcntl.h>
#include <grp.h>
#include <iconv.h>
#include <locale.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

// ------------------------------------------------------------ working as the account

[[noreturn]] void fail(const std::string& what, const std::string& shown, int error) {
  throw ApiError(what + " “" + shown + "”: " + std::strerror(error));
}

void write_all(int fd, const std::vector<std::uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Takes the account's identity for good (this process only). Without root
// the process cannot change it and keeps the caller's.
void become(const FileOwner& owner) {
  if (::geteuid() != 0) return;
  const gid_t gid = owner.gid;
  if (::setgroups(1, &gid) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(owner.uid, owner.uid, owner.uid) != 0)
    throw ApiError(std::string("Cannot take the account's user and group IDs: ") + std::strerror(errno));
}

using Work = std::function<nlohmann::json(const UserDir& home)>;

// Runs `work` in a child process that has become the account, with the home
// opened (as the caller, by a path only root can change) before that, and
// returns its result; an error in the child is thrown again here. The answer
// crosses a pipe as CBOR, which carries file contents that are not UTF-8.
nlohmann::json as_account(const Home& home, const Work& work) {
  const bool root = ::geteuid() == 0;
  if (root && (home.owner.uid == 0 || home.owner.uid == static_cast<uid_t>(-1) || home.owner.gid == 0 ||
               home.owner.gid == static_cast<gid_t>(-1)))
    throw ApiError("Refusing to work on the files in “" + home.shown +
                   "”: the account has no user and group IDs of its own, and whmkit never does this as root.");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("Cannot work on the files in", home.shown, errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    fail("Cannot work on the files in", home.shown, error);
  }
  if (pid == 0) {
    ::close(fds[0]);
    nlohmann::json reply;
    try {
      auto dir = UserDir::open(home.abs, home.shown);
      if (!dir) throw ApiError("The home directory “" + home.shown + "” does not exist.");
      become(home.owner);
      ::umask(022);
      reply = {{"ok", work(*dir)}};
    } catch (const std::exception& e) {
      reply = {{"error", e.what()}};
    }
    std::vector<std::uint8_t> bytes;
    try {
      bytes = nlohmann::json::to_cbor(reply);
    } catch (const std::exception& e) {
      bytes = nlohmann::json::to_cbor(nlohmann::json{{"error", e.what()}});
    }
    write_all(fds[1], bytes);
    ::_exit(0);  // no destructors or exit handlers: they belong to the parent
  }
  ::close(fds[1]);
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  nlohmann::json reply;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !bytes.empty())
    reply = nlohmann::json::from_cbor(bytes, true, false);
  if (!reply.is_object() || (!reply.contains("ok") && !reply.contains("error")))
    throw ApiError("The work on the files in “" + home.shown + "” stopped unexpectedly.");
  if (reply.contains("error")) throw ApiError(reply["error"].get<std::string>());
  return reply["ok"];
}

// ------------------------------------------------------------ paths inside the home

// ("a/b", "c") for "a/b/c"; ("", "c") for "c".
std::pair<std::string, std::string> split_last(const std::string& rel) {
  const auto slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

// The directory `rel`, which must exist.
UserDir need_dir(const UserDir& home, const std::string& rel) {
  auto dir = home.dir(rel);
  if (!dir) throw ApiError("The directory “" + home.shown(rel) + "” does not exist.");
  return std::move(*dir);
}

[[noreturn]] void refuse_link(const std::string& shown) {
  throw ApiError("Refusing “" + shown +
                 "”: it is a symbolic link, and whmkit does not follow symbolic links inside a directory its user "
                 "controls.");
}

// What is at `name` in `dir`, not following a symlink; nullopt if nothing.
std::optional<struct stat> entry_status(const UserDir& dir, const std::string& name) {
  struct stat st;
  if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  fail("Cannot inspect", dir.shown(name), errno);
}

// Writes `content` to `name` in `dir` whole: a temporary file beside it,
// fsync'd, renamed over it, and the directory fsync'd.
void replace_file(const UserDir& dir, const std::string& name, const std::string& content, mode_t mode) {
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temp = ".whmkit-" + std::to_string(::getpid()) + "-" + std::to_string(attempt) + ".tmp";
    fd = ::openat(dir.fd(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && (errno != EEXIST || attempt > 100)) fail("Cannot write", dir.shown(name), errno);
  }
  Fd file(fd);
  size_t done = 0;
  bool ok = true;
  while (ok && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  if (!ok || ::renameat(dir.fd(), temp.c_str(), dir.fd(), name.c_str()) != 0) {
    const int error = errno;
    ::unlinkat(dir.fd(), temp.c_str(), 0);
    fail("Cannot write", dir.shown(name), error);
  }
  ::fsync(dir.fd());
}

std::string read_fd(int fd, const std::string& shown, size_t max) {
  struct stat st;
  if (::fstat(fd, &st) != 0) fail("Cannot inspect", shown, errno);
  if (!S_ISREG(st.st_mode)) throw ApiError("Refusing “" + shown + "”: it is not a regular file.");
  if (static_cast<unsigned long long>(st.st_size) > max)
    throw ApiError("The file “" + shown + "” is larger than " + std::to_string(max / (1024 * 1024)) +
                   " MiB, the most whmkit reads at once.");
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("Cannot read", shown, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max) throw ApiError("The file “" + shown + "” grew while it was read.");
  }
  return out;
}

// The regular file `name` in `dir`, never through a symlink.
std::string read_entry(const UserDir& dir, const std::string& name, size_t max) {
  auto st = entry_status(dir, name);
  if (!st) throw ApiError("The file “" + dir.shown(name) + "” does not exist.");
  if (S_ISLNK(st->st_mode)) refuse_link(dir.shown(name));
  Fd fd = dir.open_file(name);
  if (!fd) throw ApiError("Refusing “" + dir.shown(name) + "”: it is not a regular file.");
  return read_fd(fd.get(), dir.shown(name), max);
}

// ------------------------------------------------------------ listing

const char* type_name(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISDIR(mode)) return "dir";
  if (S_ISLNK(mode)) return "link";
  if (S_ISCHR(mode)) return "char";
  if (S_ISBLK(mode)) return "block";
  if (S_ISFIFO(mode)) return "fifo";
  return "socket";
}

// The MIME type of a file by its extension (what a browser is told).
std::string mime_type(const std::string& name, mode_t mode) {
  if (S_ISDIR(mode)) return "httpd/unix-directory";
  if (S_ISLNK(mode)) return "inode/symlink";
  static const std::map<std::string, std::string> by_extension = {
      {"bz2", "application/x-bzip2"},
      {"cgi", "application/x-cgi"},
      {"conf", "text/plain"},
      {"css", "text/css"},
      {"csv", "text/csv"},
      {"gif", "image/gif"},
      {"gz", "application/x-gzip"},
      {"htm", "text/html"},
      {"html", "text/html"},
      {"ico", "image/x-icon"},
      {"jpeg", "image/jpeg"},
      {"jpg", "image/jpeg"},
      {"js", "application/javascript"},
      {"json", "application/json"},
      {"log", "text/plain"},
      {"md", "text/plain"},
      {"mp3", "audio/mpeg"},
      {"mp4", "video/mp4"},
      {"pdf", "application/pdf"},
      {"php", "application/x-httpd-php"},
      {"pl", "text/x-perl"},
      {"png", "image/png"},
      {"py", "text/x-python"},
      {"sh", "application/x-sh"},
      {"shtml", "text/html"},
      {"sql", "text/x-sql"},
      {"svg", "image/svg+xml"},
      {"tar", "application/x-tar"},
      {"tgz", "application/x-gzip"},
      {"txt", "text/plain"},
      {"webp", "image/webp"},
      {"xml", "text/xml"},
      {"zip", "application/zip"},
  };
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot + 1 < name.size()) {
    auto it = by_extension.find(to_lower(name.substr(dot + 1)));
    if (it != by_extension.end()) return it->second;
  }
  return "application/octet-stream";
}

std::string mime_name(std::string type) {
  for (auto& c : type)
    if (c == '/') c = '-';
  return type;
}

// "4 KB", "1.5 MB": the size in the largest unit that keeps it at least 1 (KB below that).
std::string human_size(long long bytes) {
  const char* units[] = {"KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  // Hundredths, rounded up: a file of a few bytes is "0.01 KB", not "0 KB".
  value = std::ceil(value * 100) / 100;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  std::string number = buf;
  while (number.back() == '0') number.pop_back();
  if (number.back() == '.') number.pop_back();
  return number + " " + units[unit];
}

std::string unpadded_base64(const std::string& text) {
  std::string out = base64_encode(text);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

// Whether the directory `name` in `parent` holds a directory.
bool has_subdirectory(const UserDir& parent, const std::string& name) {
  try {
    auto dir = parent.dir(name);
    if (!dir) return false;
    for (const auto& entry : dir->entries()) {
      auto st = entry_status(*dir, entry);
      if (st && S_ISDIR(st->st_mode)) return true;
    }
  } catch (const ApiError&) {
    // Unreadable, or swapped for a symlink meanwhile: no directories to report.
  }
  return false;
}

// One entry's record, with the keys cPanel's listings have.
nlohmann::json entry_record(const UserDir& parent, const std::string& name, const struct stat& st,
                            const ListOptions& o) {
  const std::string dir = parent.shown();
  const std::string full = parent.shown(name);
  char octal[8];
  std::snprintf(octal, sizeof octal, "%o", static_cast<unsigned>(st.st_mode & 07777));
  nlohmann::json r = {{"absdir", dir},
                      {"ctime", static_cast<long long>(st.st_ctime)},
                      {"exists", 1},
                      {"file", name},
                      {"fullpath", full},
                      {"gid", st.st_gid},
                      {"humansize", human_size(st.st_size)},
                      {"isparent", 0},
                      {"mode", std::to_string(st.st_mode)},
                      {"mtime", static_cast<long long>(st.st_mtime)},
                      {"nicemode", std::stoi(octal)},
                      {"path", dir},
                      {"size", static_cast<long long>(st.st_size)},
                      {"type", type_name(st.st_mode)},
                      {"uid", st.st_uid}};
  if (o.check_leaf) r["isleaf"] = S_ISDIR(st.st_mode) && has_subdirectory(parent, name) ? 1 : 0;
  if (o.include_mime) {
    const std::string type = mime_type(name, st.st_mode);
    // The file manager's icons for the home's own web and FTP directories.
    std::string icon = mime_name(type);
    if (S_ISDIR(st.st_mode) && (name == "public_html" || name == "public_ftp")) icon = "public" + name.substr(7);
    r["mimetype"] = type;
    r["mimename"] = icon;
    r["rawmimetype"] = type;
    r["rawmimename"] = mime_name(type);
  }
  if (o.include_hash) {
    r["hash"] = unpadded_base64(full);
    r["phash"] = unpadded_base64(dir);
  }
  if (o.include_permissions) {
    r["read"] = (st.st_mode & S_IRUSR) ? 1 : 0;
    r["write"] = (st.st_mode & S_IWUSR) ? 1 : 0;
  }
  return r;
}

bool wanted(const std::string& name, const struct stat& st, const ListOptions& o) {
  if (!o.show_hidden && name[0] == '.') return false;
  if (!o.types.empty() && !o.types.count(type_name(st.st_mode))) return false;
  if (o.only_names && !o.only_names->count(name)) return false;
  const std::string type = mime_type(name, st.st_mode);
  if (!o.mime_names.empty() && !o.mime_names.count(mime_name(type))) return false;
  if (!o.raw_mime_types.empty() && !o.raw_mime_types.count(type)) return false;
  return true;
}

// ------------------------------------------------------------ copying

// Deep enough for any real site; a deeper tree is refused instead of
// exhausting the stack or the file descriptors.
constexpr int kMaxCopyDepth = 128;

void copy_entry(const UserDir& from, const std::string& name, const UserDir& to, const std::string& to_name,
                int depth) {
  if (depth > kMaxCopyDepth)
    throw ApiError("Refusing to copy “" + from.shown(name) + "”: it is nested more than " +
                   std::to_string(kMaxCopyDepth) + " directories deep.");
  auto st = entry_status(from, name);
  if (!st) throw ApiError("“" + from.shown(name) + "” does not exist.");
  if (S_ISLNK(st->st_mode)) {
    // A symlink is copied as a symlink: never followed.
    auto target = from.link_target(name);
    if (!target || ::symlinkat(target->c_str(), to.fd(), to_name.c_str()) != 0)
      fail("Cannot copy to", to.shown(to_name), errno);
    return;
  }
  if (S_ISREG(st->st_mode)) {
    Fd in = from.open_file(name);
    if (!in) throw ApiError("Refusing “" + from.shown(name) + "”: it is not a regular file.");
    Fd out(::openat(to.fd(), to_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) fail("Cannot copy to", to.shown(to_name), errno);
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(in.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("Cannot read", from.shown(name), errno);
      if (n == 0) break;
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(out.get(), buf + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fail("Cannot write", to.shown(to_name), errno);
        done += w;
      }
    }
    if (::fchmod(out.get(), st->st_mode & 07777) != 0 || ::fsync(out.get()) != 0)
      fail("Cannot write", to.shown(to_name), errno);
    return;
  }
  if (!S_ISDIR(st->st_mode))
    throw ApiError("Refusing to copy “" + from.shown(name) + "”: it is not a file, a directory or a symbolic link.");
  if (::mkdirat(to.fd(), to_name.c_str(), 0700) != 0) fail("Cannot create", to.shown(to_name), errno);
  UserDir source = need_dir(from, name);
  UserDir target = need_dir(to, to_name);
  for (const auto& entry : source.entries()) copy_entry(source, entry, target, entry, depth + 1);
  if (::fchmod(target.fd(), st->st_mode & 07777) != 0) fail("Cannot change the permissions of", target.shown(), errno);
}

// ------------------------------------------------------------ the trash index

// The index's lines, in file order; a line that does not parse is kept as
// it is (it is the user's file) with an empty name.
struct IndexLine {
  std::string name, original, raw;
};

std::vector<IndexLine> read_index(const UserDir& trash) {
  std::vector<IndexLine> lines;
  if (!entry_status(trash, kTrashIndex)) return lines;
  for (const auto& line : split(read_entry(trash, kTrashIndex, kMaxReadBytes), '\n')) {
    if (line.empty()) continue;
    IndexLine l{"", "", line};
    const auto eq = line.find('=');
    if (eq != std::string::npos) {
      auto name = percent_decode(line.substr(0, eq));
      auto original = percent_decode(line.substr(eq + 1));
      if (name && original) {
        l.name = *name;
        l.original = *original;
      }
    }
    lines.push_back(l);
  }
  return lines;
}

void write_index(const UserDir& trash, const std::vector<IndexLine>& lines) {
  std::string text;
  for (const auto& l : lines) text += l.raw + "\n";
  replace_file(trash, kTrashIndex, text, 0600);
}

// ------------------------------------------------------------ file operations

struct Resolved {
  UserDir parent;
  std::string name;
};

// The parent directory of `rel` (which must exist) and the last component.
Resolved resolve(const UserDir& home, const std::string& rel) {
  if (rel.empty()) throw ApiError("Refusing to work on the home directory “" + home.shown() + "” itself.");
  auto [dir, name] = split_last(rel);
  return {need_dir(home, dir), name};
}

// Where a copy, move or link of `source` to `dest` goes: into `dest` when
// it is a directory, else `dest` itself.
std::string placed(const UserDir& home, const std::string& source, const std::string& dest, bool into_dirs) {
  auto st = home.status(dest);
  // A symlink at the destination is neither followed nor replaced.
  if (st && S_ISLNK(st->st_mode)) refuse_link(home.shown(dest));
  if (into_dirs) {
    if (dest.empty() || (st && S_ISDIR(st->st_mode)))
      return dest.empty() ? split_last(source).second : dest + "/" + split_last(source).second;
  }
  return dest;
}

void refuse_existing(const Resolved& at) {
  if (entry_status(at.parent, at.name)) throw ApiError("“" + at.parent.shown(at.name) + "” already exists.");
}

void refuse_inside_itself(const UserDir& home, const std::string& source, const std::string& target) {
  if (target == source || starts_with(target, source + "/"))
    throw ApiError("Refusing to put “" + home.shown(source) + "” inside itself.");
}

void move_entry(const Resolved& from, const Resolved& to) {
  if (::renameat2(from.parent.fd(), from.name.c_str(), to.parent.fd(), to.name.c_str(), RENAME_NOREPLACE) != 0)
    fail("Cannot move", from.parent.shown(from.name), errno);
}

// A name in the trash not in use: "name", then "name.1", "name.2", ...
std::string free_trash_name(const UserDir& trash, const std::string& name) {
  std::string candidate = name;
  for (int n = 1; entry_status(trash, candidate) || candidate == kTrashIndex; ++n)
    candidate = name + "." + std::to_string(n);
  return candidate;
}

// One source's operation; returns the shown destination.
std::string operate(const UserDir& home, FileOp op, const std::string& source, const std::string& dest, mode_t mode) {
  Resolved from = resolve(home, source);
  auto st = entry_status(from.parent, from.name);
  if (!st) throw ApiError("“" + from.parent.shown(from.name) + "” does not exist.");
  switch (op) {
    case FileOp::Copy:
    case FileOp::Move:
    case FileOp::Rename:
    case FileOp::Link: {
      if (dest.empty() && op == FileOp::Rename) throw missing_param("destfiles");
      const std::string target = placed(home, source, dest, op != FileOp::Rename);
      if (op != FileOp::Link) refuse_inside_itself(home, source, target);
      Resolved to = resolve(home, target);
      refuse_existing(to);
      if (op == FileOp::Copy)
        copy_entry(from.parent, from.name, to.parent, to.name, 0);
      else if (op == FileOp::Link) {
        if (::symlinkat(home.shown(source).c_str(), to.parent.fd(), to.name.c_str()) != 0)
          fail("Cannot create", to.parent.shown(to.name), errno);
      } else
        move_entry(from, to);
      return to.parent.shown(to.name);
    }
    case FileOp::Chmod:
      if (S_ISLNK(st->st_mode)) refuse_link(from.parent.shown(from.name));
      if (::fchmodat(from.parent.fd(), from.name.c_str(), mode, 0) != 0)
        fail("Cannot change the permissions of", from.parent.shown(from.name), errno);
      return from.parent.shown(from.name);
    case FileOp::Unlink: from.parent.remove(from.name); return from.parent.shown(from.name);
    case FileOp::Trash: {
      if (source == kTrashDir || starts_with(source, std::string(kTrashDir) + "/"))
        throw ApiError("“" + home.shown(source) + "” is in the trash already.");
      UserDir trash = home.make_dirs(kTrashDir, 0700, {});
      const std::string name = free_trash_name(trash, from.name);
      auto index = read_index(trash);
      Resolved to{std::move(trash), name};
      move_entry(from, to);
      index.push_back(
          {to.name, home.shown(source), uri_encode(to.name, "/") + "=" + uri_encode(home.shown(source), "/")});
      write_index(to.parent, index);
      return to.parent.shown(to.name);
    }
    case FileOp::RestoreFiles: break;  // restore_from_trash: its source is a name in the trash
  }
  throw ApiError("This operation does not apply to “" + home.shown(source) + "”.");
}

// Puts the trashed entry `name` back where the index says it came from.
std::string restore_from_trash(const UserDir& home, const Home& where, const std::string& name) {
  if (relative_path_parts(name).size() != 1)
    throw ApiError("Refusing “" + name + "”: give the name of an entry in the trash.");
  auto trash = home.dir(kTrashDir);
  if (!trash || !entry_status(*trash, name) || name == kTrashIndex)
    throw ApiError("“" + name + "” is not in the trash “" + home.shown(kTrashDir) + "”.");
  auto index = read_index(*trash);
  auto it = std::find_if(index.begin(), index.end(), [&](const IndexLine& l) { return l.name == name; });
  if (it == index.end())
    throw ApiError("The trash index “" + trash->shown(kTrashIndex) + "” does not say where “" + name + "” came from.");
  // The index is the user's file: its path is checked like any argument.
  const std::string original = home_relative(where, it->original, kTrashIndex);
  if (original.empty() || original == kTrashDir || starts_with(original, std::string(kTrashDir) + "/"))
    throw ApiError("The trash index names “" + it->original + "”, where nothing can be restored.");
  auto [dir, base] = split_last(original);
  if (!dir.empty()) home.make_dirs(dir, 0755, {});
  Resolved to = resolve(home, original);
  refuse_existing(to);
  Resolved from{std::move(*trash), name};
  move_entry(from, to);
  index.erase(it);
  write_index(from.parent, index);
  return to.parent.shown(to.name);
}

}  // namespace

// ------------------------------------------------------------ the public functions

Home account_home(const StateRoot& root, const CpanelAccount& account) {
  std::string shown = account.home;
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  return {root.path(paths::rel_from_abs(shown)), shown, account.owner};
}

std::string home_relative(const Home& home, const std::string& given, const std::string& param) {
  std::string path = given;
  if (!path.empty() && path[0] == '/') {
    if (path == home.shown || path == home.shown + "/")
      path.clear();
    else if (starts_with(path, home.shown + "/"))
      path = path.substr(home.shown.size() + 1);
    else
      throw invalid_param(param, "“" + given + "” is outside your home directory “" + home.shown + "”.");
  }
  std::vector<std::string> parts;
  for (auto& part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..")
      throw invalid_param(param, "“" + given + "” has a “..” component; give a path inside your home directory.");
    for (unsigned char c : part)
      if (c < 0x20 || c == 0x7f) throw invalid_param(param, "the path contains a control character.");
    parts.push_back(part);
  }
  return join(parts, "/");
}

std::string shown_path(const Home& home, const std::string& rel) {
  return rel.empty() ? home.shown : home.shown + "/" + rel;
}

std::vector<nlohmann::json> list_directory(const Home& home, const std::string& rel, const ListOptions& options) {
  auto out = as_account(home, [&](const UserDir& h) {
    UserDir dir = need_dir(h, rel);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& name : dir.entries()) {
      auto st = entry_status(dir, name);
      if (st && wanted(name, *st, options)) list.push_back(entry_record(dir, name, *st, options));
    }
    return list;
  });
  return out.get<std::vector<nlohmann::json>>();
}

nlohmann::json file_information(const Home& home, const std::string& rel, const ListOptions& options) {
  return as_account(home, [&](const UserDir& h) {
    if (rel.empty()) {
      // The home itself, as its parent lists it.
      struct stat st;
      if (::fstat(h.fd(), &st) != 0) fail("Cannot inspect", h.shown(), errno);
      auto [parent, name] = split_last(h.shown());
      nlohmann::json r = entry_record(h, ".", st, options);
      r["file"] = name;
      r["fullpath"] = h.shown();
      r["absdir"] = r["path"] = parent.empty() ? "/" : parent;
      if (options.check_leaf) {
        r["isleaf"] = 0;
        for (const auto& entry : h.entries())
          if (auto sub = entry_status(h, entry); sub && S_ISDIR(sub->st_mode)) r["isleaf"] = 1;
      }
      return r;
    }
    auto [dir, name] = split_last(rel);
    UserDir parent = need_dir(h, dir);
    auto st = entry_status(parent, name);
    if (!st) throw ApiError("“" + parent.shown(name) + "” does not exist.");
    return entry_record(parent, name, *st, options);
  });
}

std::vector<std::string> complete_names(const Home& home, const std::string& dir, const std::string& prefix,
                                        bool dirs_only) {
  auto out = as_account(home, [&](const UserDir& h) {
    nlohmann::json names = nlohmann::json::array();
    auto d = h.dir(dir);
    if (!d) return names;
    for (const auto& name : d->entries()) {
      if (!starts_with(name, prefix) || (name[0] == '.' && (prefix.empty() || prefix[0] != '.'))) continue;
      auto st = entry_status(*d, name);
      if (st && (!dirs_only || S_ISDIR(st->st_mode))) names.push_back(name);
    }
    return names;
  });
  return out.get<std::vector<std::string>>();
}

std::string read_home_file(const Home& home, const std::string& rel) {
  return as_account(home,
                    [&](const UserDir& h) {
                      Resolved at = resolve(h, rel);
                      return nlohmann::json(read_entry(at.parent, at.name, kMaxReadBytes));
                    })
      .get<std::string>();
}

void write_home_file(const Home& home, const std::string& rel, const std::string& content, mode_t new_mode,
                     bool overwrite) {
  // A dry run lists the change without the checks, which run as the account.
  if (DryRun* dry = DryRun::active()) {
    std::optional<std::string> before;
    try {
      before = read_home_file(home, rel);
    } catch (const ApiError&) {
    }
    if (before != content) dry->record({PlannedChange::Write, shown_path(home, rel), before, content, ""});
    return;
  }
  as_account(home, [&](const UserDir& h) {
    Resolved at = resolve(h, rel);
    mode_t mode = new_mode;
    if (auto st = entry_status(at.parent, at.name)) {
      if (S_ISLNK(st->st_mode)) refuse_link(at.parent.shown(at.name));
      if (!S_ISREG(st->st_mode))
        throw ApiError("Refusing “" + at.parent.shown(at.name) + "”: it is not a regular file.");
      if (!overwrite) throw ApiError("“" + at.parent.shown(at.name) + "” already exists.");
      mode = st->st_mode & 07777;
    }
    replace_file(at.parent, at.name, content, mode);
    return nlohmann::json();
  });
}

void make_home_directory(const Home& home, const std::string& rel, mode_t mode) {
  if (DryRun* dry = DryRun::active()) return dry->record({PlannedChange::MakeDir, shown_path(home, rel), {}, {}, ""});
  as_account(home, [&](const UserDir& h) {
    Resolved at = resolve(h, rel);
    refuse_existing(at);
    if (::mkdirat(at.parent.fd(), at.name.c_str(), 0700) != 0) fail("Cannot create", at.parent.shown(at.name), errno);
    UserDir made = need_dir(at.parent, at.name);
    if (::fchmod(made.fd(), mode) != 0) fail("Cannot change the permissions of", made.shown(), errno);
    return nlohmann::json();
  });
}

std::vector<long long> upload_home_files(const Home& home, const std::string& dir, const std::vector<Upload>& files,
                                         bool overwrite, mode_t mode) {
  if (DryRun::active()) {
    for (const auto& f : files) skipped_by_dry_run("upload " + f.name + " into " + shown_path(home, dir));
    return std::vector<long long>(files.size(), 0);
  }
  auto sizes = as_account(home, [&](const UserDir& h) {
    UserDir target = need_dir(h, dir);
    std::vector<std::string> contents;
    for (const auto& f : files) {
      if (relative_path_parts(f.name).size() != 1)
        throw ApiError("Refusing the file name “" + f.name + "”: it must be one name, without “/”.");
      if (auto st = entry_status(target, f.name)) {
        if (S_ISLNK(st->st_mode)) refuse_link(target.shown(f.name));
        if (!S_ISREG(st->st_mode) || !overwrite) throw ApiError("“" + target.shown(f.name) + "” already exists.");
      }
      Fd in(::open(f.source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
      if (!in) fail("Cannot read the upload", f.source, errno);
      contents.push_back(read_fd(in.get(), f.source, kMaxReadBytes));
    }
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < files.size(); ++i) {
      replace_file(target, files[i].name, contents[i], mode);
      out.push_back(contents[i].size());
    }
    return out;
  });
  return sizes.get<std::vector<long long>>();
}

std::vector<FileOpOutcome> file_operation(const Home& home, FileOp op, const std::vector<std::string>& sources,
                                          const std::vector<std::string>& dests, mode_t mode) {
  if (DryRun::active()) {
    std::vector<FileOpOutcome> planned;
    for (size_t i = 0; i < sources.size(); ++i) {
      const std::string dest = dests.empty() ? "" : dests.size() == 1 ? dests[0] : dests.at(i);
      static const char* const kOpNames[] = {"copy", "move",   "rename", "chmod",
                                             "link", "unlink", "trash",  "restorefiles"};
      skipped_by_dry_run(std::string("fileop ") + kOpNames[static_cast<int>(op)] + " on " +
                         shown_path(home, sources[i]) + (dest.empty() ? "" : " to " + dest));
      planned.push_back({shown_path(home, sources[i]), dest, ""});
    }
    return planned;
  }
  auto out = as_account(home, [&](const UserDir& h) {
    nlohmann::json outcomes = nlohmann::json::array();
    for (size_t i = 0; i < sources.size(); ++i) {
      const std::string dest = dests.empty() ? "" : dests.size() == 1 ? dests[0] : dests.at(i);
      nlohmann::json o = {{"src", h.shown(sources[i])}, {"dest", dest.empty() ? "" : h.shown(dest)}, {"error", ""}};
      try {
        if (op == FileOp::RestoreFiles) {
          // A trashed entry is named by its name in the trash (or its path there).
          std::string name = sources[i];
          if (starts_with(name, std::string(kTrashDir) + "/")) name = name.substr(std::strlen(kTrashDir) + 1);
          o["src"] = h.shown(std::string(kTrashDir) + "/" + name);
          o["dest"] = restore_from_trash(h, home, name);
        } else {
          o["dest"] = operate(h, op, sources[i], dest, mode);
        }
      } catch (const ApiError& e) {
        o["error"] = e.what();
      }
      outcomes.push_back(o);
    }
    return outcomes;
  });
  std::vector<FileOpOutcome> result;
  for (const auto& o : out) result.push_back({o["src"], o["dest"], o["error"]});
  return result;
}

void empty_home_trash(const Home& home, long long older_than_days) {
  if (skipped_by_dry_run("empty the trash of " + home.shown)) return;
  as_account(home, [&](const UserDir& h) {
    auto trash = h.dir(kTrashDir);
    if (!trash) return nlohmann::json();
    // Renaming an entry into the trash sets its ctime: the time it was trashed.
    const std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(older_than_days) * 86400;
    for (const auto& name : trash->entries()) {
      if (name == kTrashIndex) continue;
      auto st = entry_status(*trash, name);
      if (st && (older_than_days == 0 || st->st_ctime < cutoff)) trash->remove(name);
    }
    auto index = read_index(*trash);
    std::vector<IndexLine> kept;
    for (auto& line : index)
      if (line.name.empty() ? older_than_days != 0 : entry_status(*trash, line.name).has_value()) kept.push_back(line);
    if (kept.size() != index.size()) write_index(*trash, kept);
    return nlohmann::json();
  });
}

Conversion convert_charset(const std::string& text, const std::string& from, const std::string& to,
                           const std::string& from_param, const std::string& to_param, Illegal illegal) {
  const std::string target = illegal == Illegal::Transliterate ? to + "//TRANSLIT" : to;
  // Transliteration follows LC_CTYPE, which is "C" (é becomes "?") unless a
  // UTF-8 locale is in use: this thread uses C.UTF-8 for the conversion.
  locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  const locale_t previous = utf8 ? ::uselocale(utf8) : static_cast<locale_t>(nullptr);
  struct Restore {
    locale_t utf8, previous;
    ~Restore() {
      if (utf8) {
        ::uselocale(previous);
        ::freelocale(utf8);
      }
    }
  } restore{utf8, previous};
  iconv_t cd = ::iconv_open(target.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    iconv_t probe = ::iconv_open("UTF-8", from.c_str());
    if (probe == reinterpret_cast<iconv_t>(-1))
      throw invalid_param(from_param, "“" + from + "” is not a character set this server knows.");
    ::iconv_close(probe);
    throw invalid_param(to_param, "“" + to + "” is not a character set this server knows.");
  }
  std::string out(text.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
  size_t done = 0;
  bool ok = true;
  for (bool flushing = false;;) {
    char* dst = out.data() + done;
    size_t out_left = out.size() - done;
    size_t rc = flushing ? ::iconv(cd, nullptr, nullptr, &dst, &out_left) : ::iconv(cd, &in, &in_left, &dst, &out_left);
    const int error = errno;
    done = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) {
      if (flushing) break;
      flushing = true;
      continue;
    }
    if (error == E2BIG) {
      out.resize(out.size() * 2);
    } else if ((error == EILSEQ || error == EINVAL) && illegal == Illegal::Discard && in_left > 0) {
      ++in;  // drop the byte that does not convert and go on
      --in_left;
    } else {
      ok = false;
      break;
    }
  }
  ::iconv_close(cd);
  if (!ok) return {false, ""};
  out.resize(done);
  return {true, out};
}

std::string detect_charset(const std::string& text) {
  return convert_charset(text, "UTF-8", "UTF-8", "from_charset", "to_charset").ok ? "UTF-8" : "ISO-8859-1";
}

}  // namespace whm
