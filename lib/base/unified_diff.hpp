// Unified diffs of text files (diff -u), for the dry run's report.
#pragma once
#include <optional>
#include <string>

namespace whm {

// The hunks that turn `before` into `after` with 3 lines of context, under
// "--- a/<path>" / "+++ b/<path>" headers ("/dev/null" for an absent side);
// empty when both are the same. Text with a NUL byte is reported as
// "Binary files a/<path> and b/<path> differ".
std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::optional<std::string>& after);

}  // namespace whm
