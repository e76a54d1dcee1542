#include "human_size.hpp"

#include <cstdio>
#include <iterator>

namespace whm {

std::string human_size(long long bytes, int decimals, std::string_view space) {
  if (bytes < 1024) return std::to_string(bytes) + std::string(space) + (bytes == 1 ? "byte" : "bytes");
  const char* const units[] = {"KB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  for (; value >= 1024 && unit + 1 < std::size(units); value /= 1024) ++unit;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string text = buf;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text + std::string(space) + units[unit];
}

}  // namespace whm
