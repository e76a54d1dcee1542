#include "notices.hpp"

#include <algorithm>

namespace whm {

namespace {
// One thread runs one call at a time (the programs one call, each of
// whmkitd's workers one request): a thread's list is the call's list.
std::vector<std::string>& pending() {
  thread_local std::vector<std::string> notices;
  return notices;
}
}  // namespace

void add_notice(const std::string& text) {
  auto& list = pending();
  if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(text);
}

std::vector<std::string> take_notices() {
  std::vector<std::string> out;
  out.swap(pending());
  return out;
}

}  // namespace whm
