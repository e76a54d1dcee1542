// Sizes as cPanel shows them to people.
#pragma once
#include <string>
#include <string_view>

namespace whm {

// "483 bytes", "1.5 KB", "250 MB": bytes below 1 KB, else KB, MB, GB, TB, PB
// with at most `decimals` decimals (trailing zeros dropped) and `space`
// before the unit. The reference's examples differ from module to module: a
// space or a no-break space, one or two decimals.
std::string human_size(long long bytes, int decimals, std::string_view space);

}  // namespace whm
