#include "home_backup_file.hpp"

#include <zlib.h>

#include <optional>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_library.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

// zlib, opened on first use (lazy_library.hpp): only a restore of a backup needs it.
#define WHMKIT_ZLIB_FUNCTIONS(X) X(inflateInit2_) X(inflate) X(inflateEnd)
WHMKIT_LAZY_API(ZlibApi, zl, "libz.so.1", "zlib", WHMKIT_ZLIB_FUNCTIONS)

constexpr size_t kMaxBackupBytes = 16 << 20;

std::optional<std::string> gunzip(const std::string& data) {
  z_stream z{};
  if (zl().inflateInit2_(&z, 15 + 16, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= kMaxBackupBytes) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = zl().inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  zl().inflateEnd(&z);
  if (rc != Z_STREAM_END || out.size() > kMaxBackupBytes) return std::nullopt;
  return out;
}

}  // namespace

std::string home_backup_rel(const std::string& home, const std::string& backup) {
  std::string rel = backup;
  if (starts_with(rel, home + "/")) rel = rel.substr(home.size() + 1);
  if (rel.empty() || rel[0] == '/') throw invalid_param("backup", "The backup must be a file in " + home + ".");
  return rel;
}

std::string backup_file_name(const std::string& rel) { return rel.substr(rel.rfind('/') + 1); }

std::string read_home_backup_file(const StateRoot& root, const std::string& home, const std::string& rel) {
  auto dir = UserDir::open(root.path(paths::rel_from_abs(home)), home);
  auto data = dir ? dir->read(rel) : std::nullopt;  // never through a symlink
  if (!data) throw invalid_param("backup", "The file “" + home + "/" + rel + "” does not exist.");
  if (data->size() > kMaxBackupBytes)
    throw invalid_param("backup", "The file “" + home + "/" + rel + "” is too large to be a backup of this kind.");
  if (!ends_with(backup_file_name(rel), ".gz")) return *data;
  auto text = gunzip(*data);
  if (!text) throw invalid_param("backup", "The file “" + home + "/" + rel + "” is not a complete gzip file.");
  return *text;
}

}  // namespace whm
