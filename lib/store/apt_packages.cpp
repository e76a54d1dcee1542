#include "apt_packages.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "errors.hpp"
#include "lazy_library.hpp"
#include "util.hpp"

// liblz4's frame API (liblz4.so.1, stable since 1.7); its header is not
// needed for these few declarations.
extern "C" {
struct LZ4F_dctx_s;
struct LZ4F_decompressOptions_t;
unsigned LZ4F_isError(size_t code);
size_t LZ4F_createDecompressionContext(LZ4F_dctx_s** ctx, unsigned version);
size_t LZ4F_freeDecompressionContext(LZ4F_dctx_s* ctx);
size_t LZ4F_decompress(LZ4F_dctx_s* ctx, void* dst, size_t* dst_size, const void* src, size_t* src_size,
                       const LZ4F_decompressOptions_t* options);
}

// clang-format off
#define WHMKIT_LZ4_FUNCTIONS(X) \
  X(LZ4F_isError) \
  X(LZ4F_createDecompressionContext) \
  X(LZ4F_freeDecompressionContext) \
  X(LZ4F_decompress)
// clang-format on

namespace whm {
namespace {

WHMKIT_LAZY_API(Lz4Api, lz4, "liblz4.so.1", "liblz4", WHMKIT_LZ4_FUNCTIONS)

constexpr size_t kMaxList = 512u << 20;

std::optional<std::string> lz4_decompress(const std::string& in) {
  const auto& api = lz4();
  LZ4F_dctx_s* ctx = nullptr;
  if (api.LZ4F_isError(api.LZ4F_createDecompressionContext(&ctx, 100))) return std::nullopt;
  std::string out;
  std::vector<char> buf(1 << 20);
  size_t pos = 0;
  bool ok = true;
  while (pos < in.size()) {
    size_t dst = buf.size(), src = in.size() - pos;
    const size_t rc = api.LZ4F_decompress(ctx, buf.data(), &dst, in.data() + pos, &src, nullptr);
    if (api.LZ4F_isError(rc) || (src == 0 && dst == 0)) {
      ok = false;
      break;
    }
    pos += src;
    out.append(buf.data(), dst);
    if (out.size() > kMaxList) {
      ok = false;
      break;
    }
    if (rc == 0 && pos >= in.size()) break;
  }
  // Flush what the context still holds.
  for (int i = 0; ok && i < 1024; ++i) {
    size_t dst = buf.size(), src = 0;
    const size_t rc = api.LZ4F_decompress(ctx, buf.data(), &dst, nullptr, &src, nullptr);
    if (api.LZ4F_isError(rc)) ok = false;
    out.append(buf.data(), dst);
    if (dst == 0) break;
  }
  api.LZ4F_freeDecompressionContext(ctx);
  if (!ok) return std::nullopt;
  return out;
}

// Compares the non-digit parts as dpkg does: "~" first, letters before other characters.
int order(char c) {
  if (c == '~') return -1;
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  return c + 256;
}

int compare_part(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      const int ac = i < a.size() ? order(a[i]) : 0, bc = j < b.size() ? order(b[j]) : 0;
      if (ac != bc) return ac < bc ? -1 : 1;
      ++i, ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i])) && j < b.size() &&
           std::isdigit(static_cast<unsigned char>(b[j]))) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i, ++j;
    }
    if (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) return 1;
    if (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) return -1;
    if (first_diff) return first_diff < 0 ? -1 : 1;
  }
  return 0;
}

void split_version(const std::string& v, long& epoch, std::string& upstream, std::string& revision) {
  std::string rest = v;
  epoch = 0;
  if (auto colon = rest.find(':'); colon != std::string::npos) {
    epoch = parse_int(rest.substr(0, colon)).value_or(0);
    rest = rest.substr(colon + 1);
  }
  if (auto dash = rest.rfind('-'); dash != std::string::npos) {
    upstream = rest.substr(0, dash);
    revision = rest.substr(dash + 1);
  } else {
    upstream = rest;
    revision.clear();
  }
}

}  // namespace

int compare_deb_versions(const std::string& a, const std::string& b) {
  long ea, eb;
  std::string ua, ra, ub, rb;
  split_version(a, ea, ua, ra);
  split_version(b, eb, ub, rb);
  if (ea != eb) return ea < eb ? -1 : 1;
  if (int c = compare_part(ua, ub)) return c;
  return compare_part(ra, rb);
}

std::vector<AptPackageVersion> apt_offered_versions(const StateRoot& root, const std::vector<std::string>& packages) {
  const std::string dir = "var/lib/apt/lists";
  std::set<std::string> wanted(packages.begin(), packages.end());
  std::set<std::pair<std::string, std::string>> found;
  bool any_list = false;
  for (const auto& name : root.list_dir(dir)) {
    const bool plain = ends_with(name, "_Packages"), compressed = ends_with(name, "_Packages.lz4");
    if (!plain && !compressed) continue;
    auto raw = root.read(dir + "/" + name);
    if (!raw) continue;
    std::optional<std::string> text = compressed ? lz4_decompress(*raw) : raw;
    if (!text) continue;
    any_list = true;
    std::string package;
    for_each_line(*text, [&](std::string_view line) {
      if (line.empty()) {
        package.clear();
      } else if (starts_with(line, "Package: ")) {
        package = trim(line.substr(9));
      } else if (starts_with(line, "Version: ") && wanted.count(package)) {
        found.insert({package, trim(line.substr(9))});
      }
    });
  }
  if (!any_list)
    throw ApiError("The package manager has no package lists in “" + root.path(dir) +
                   "”: the versions it offers are not available.");
  std::vector<AptPackageVersion> out;
  for (const auto& [p, v] : found) out.push_back({p, v});
  std::sort(out.begin(), out.end(), [](const AptPackageVersion& a, const AptPackageVersion& b) {
    if (a.package != b.package) return a.package < b.package;
    return compare_deb_versions(a.version, b.version) < 0;
  });
  return out;
}

}  // namespace whm
