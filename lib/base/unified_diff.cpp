#include "unified_diff.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace whm {
namespace {

// Each line with its "\n" (the last may have none), so that a last line that
// only gains or loses its line break differs.
std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(std::string_view(text).substr(start, end - start));
    start = end;
  }
  return lines;
}

// One step of the edit script: ' ' keeps a[ai] (== b[bi]), '-' drops a[ai], '+' adds b[bi].
struct Step {
  char kind;
  size_t ai, bi;
};

// Past this many differing lines the diff is shown as the whole middle part
// replaced: Myers' search is quadratic in the number of differences.
constexpr int kMaxDifferences = 2000;

// Myers' O(ND) shortest edit script between a[lo_a, hi_a) and b[lo_b, hi_b),
// or nothing when it needs more than kMaxDifferences steps.
bool shortest_edit(const std::vector<std::string_view>& a, size_t lo_a, size_t hi_a,
                   const std::vector<std::string_view>& b, size_t lo_b, size_t hi_b, std::vector<Step>& out) {
  const int n = static_cast<int>(hi_a - lo_a), m = static_cast<int>(hi_b - lo_b);
  auto same = [&](int x, int y) { return a[lo_a + x] == b[lo_b + y]; };
  const int limit = std::min(n + m, kMaxDifferences);
  std::vector<int> v(2 * limit + 3, 0);
  const int offset = limit + 1;
  std::vector<std::vector<int>> trace;  // trace[d]: v[-(d+1) .. d+1] as round d began
  for (int d = 0; d <= limit; ++d) {
    trace.emplace_back(v.begin() + offset - d - 1, v.begin() + offset + d + 2);
    for (int k = -d; k <= d; k += 2) {
      int x =
          (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && same(x, y)) ++x, ++y;
      v[offset + k] = x;
      if (x < n || y < m) continue;
      // Found: walk back through the rounds.
      std::vector<Step> steps;
      for (int dd = d; dd > 0; --dd) {
        const std::vector<int>& tv = trace[dd];
        auto at = [&](int kk) { return tv[kk + dd + 1]; };
        const int kk = x - y;
        const bool down = kk == -dd || (kk != dd && at(kk - 1) < at(kk + 1));
        const int prev_k = down ? kk + 1 : kk - 1;
        const int prev_x = at(prev_k), prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) --x, --y, steps.push_back({' ', lo_a + x, lo_b + y});
        if (down)
          steps.push_back({'+', lo_a + prev_x, lo_b + prev_y});
        else
          steps.push_back({'-', lo_a + prev_x, lo_b + prev_y});
        x = prev_x, y = prev_y;
      }
      while (x > 0 && y > 0) --x, --y, steps.push_back({' ', lo_a + x, lo_b + y});
      out.insert(out.end(), steps.rbegin(), steps.rend());
      return true;
    }
  }
  return false;
}

std::vector<Step> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  std::vector<Step> steps;
  for (size_t i = 0; i < prefix; ++i) steps.push_back({' ', i, i});
  const size_t end_a = a.size() - suffix, end_b = b.size() - suffix;
  if (!shortest_edit(a, prefix, end_a, b, prefix, end_b, steps)) {
    for (size_t i = prefix; i < end_a; ++i) steps.push_back({'-', i, prefix});
    for (size_t j = prefix; j < end_b; ++j) steps.push_back({'+', end_a, j});
  }
  for (size_t i = 0; i < suffix; ++i) steps.push_back({' ', end_a + i, end_b + i});
  return steps;
}

// "-3,2": where a hunk starts and how many lines it spans (diff -u's way:
// the count is left out when it is 1, and an empty side names the line before).
std::string range(size_t first, size_t count) {
  if (count == 1) return std::to_string(first + 1);
  return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::optional<std::string>& after) {
  if (before == after) return "";
  const std::string from = before ? "a/" + path : "/dev/null", to = after ? "b/" + path : "/dev/null";
  const std::string& old_text = before ? *before : std::string();
  const std::string& new_text = after ? *after : std::string();
  if (old_text.find('\0') != std::string::npos || new_text.find('\0') != std::string::npos)
    return "Binary files " + from + " and " + to + " differ\n";
  const std::vector<std::string_view> a = split_lines(old_text), b = split_lines(new_text);
  const std::vector<Step> steps = edit_script(a, b);
  std::string out = "--- " + from + "\n+++ " + to + "\n";
  constexpr size_t kContext = 3;
  auto line_of = [&](const Step& s) {
    const std::string_view line = s.kind == '+' ? b[s.bi] : a[s.ai];
    std::string text = std::string(1, s.kind) + std::string(line);
    if (line.empty() || line.back() != '\n') text += "\n\\ No newline at end of file\n";
    return text;
  };
  for (size_t i = 0; i < steps.size();) {
    if (steps[i].kind == ' ') {
      ++i;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after
    // the last change that is at most 2 * kContext unchanged lines further.
    size_t start = i >= kContext ? i - kContext : 0, end = i;
    for (size_t j = i; j < steps.size(); ++j) {
      if (steps[j].kind == ' ') {
        if (j - end >= 2 * kContext) break;
      } else {
        end = j + 1;
      }
    }
    const size_t stop = std::min(steps.size(), end + kContext);
    size_t old_count = 0, new_count = 0;
    for (size_t j = start; j < stop; ++j) {
      if (steps[j].kind != '+') ++old_count;
      if (steps[j].kind != '-') ++new_count;
    }
    out += "@@ -" + range(steps[start].ai, old_count) + " +" + range(steps[start].bi, new_count) + " @@\n";
    for (size_t j = start; j < stop; ++j) out += line_of(steps[j]);
    i = stop;
  }
  return out;
}

}  // namespace whm
