#include "recordings.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "util.hpp"  // uri_encode: the command line decodes key=value words as a query string

namespace test {

std::string type_name(const nlohmann::json& v) {
  if (v.is_string()) return "string";
  if (v.is_number_integer()) return "integer";  // signed or unsigned: both print as digits
  if (v.is_number_float()) return "float";
  if (v.is_boolean()) return "boolean";
  if (v.is_null()) return "null";
  if (v.is_array()) return "array";
  return "object";
}

namespace {

// "~" and "/" escaped as a JSON pointer wants them.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

std::vector<std::string> tokens_of(const std::string& pointer) {
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      out.push_back(current);
      current.clear();
    } else {
      current += pointer[i];
    }
  }
  return out;
}

bool matches(const std::string& pattern, const std::string& path) {
  auto want = tokens_of(pattern), got = tokens_of(path);
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (want[i] != "*" && want[i] != got[i]) return false;
  return true;
}

bool is_ignored(const std::vector<Ignored>& ignored, const std::string& path) {
  for (const auto& i : ignored)
    if (matches(i.path, path)) return true;
  return false;
}

void compare(const nlohmann::json& recorded, const nlohmann::json& ours, const std::string& path,
             const std::vector<Ignored>& ignored, std::vector<std::string>& out) {
  const std::string where = path.empty() ? "/" : path;
  if (type_name(recorded) != type_name(ours)) {
    out.push_back(where + ": recorded " + recorded.dump() + " (" + type_name(recorded) + "), ours " + ours.dump() +
                  " (" + type_name(ours) + ")");
    return;
  }
  if (recorded.is_object()) {
    for (const auto& [key, value] : recorded.items()) {
      if (!ours.contains(key))
        out.push_back(where + ": ours has no key \"" + key + "\" (recorded " + value.dump() + ")");
      else
        compare(value, ours.at(key), path + "/" + pointer_token(key), ignored, out);
    }
    for (const auto& [key, value] : ours.items())
      if (!recorded.contains(key) && !is_ignored(ignored, path + "/" + pointer_token(key)))
        out.push_back(where + ": ours has the extra key \"" + key + "\": " + value.dump());
    return;
  }
  if (recorded.is_array()) {
    if (recorded.size() != ours.size())
      out.push_back(where + ": recorded " + std::to_string(recorded.size()) + " items, ours " +
                    std::to_string(ours.size()));
    for (size_t i = 0; i < std::min(recorded.size(), ours.size()); ++i)
      compare(recorded[i], ours[i], path + "/" + std::to_string(i), ignored, out);
    return;
  }
  if (recorded != ours && !is_ignored(ignored, path))
    out.push_back(where + ": recorded " + recorded.dump() + ", ours " + ours.dump());
}

}  // namespace

Recording load_recording(const std::string& name) {
  const std::string path = std::string(RECORDINGS_DIR) + "/" + name + ".json";
  std::ifstream in(path);
  if (!in) FAIL("no recording " << path);
  nlohmann::json j = nlohmann::json::parse(in);
  Recording r;
  r.name = name;
  r.recorded = j.at("recorded").get<std::string>();
  for (const auto& c : j.at("interactions")) {
    RecordedCall call;
    call.module = c.value("module", "");  // none for WHM API calls
    call.function = c.at("function").get<std::string>();
    call.user = c.value("user", "");
    for (const auto& [key, value] : c.at("params").items()) call.params.emplace_back(key, value.get<std::string>());
    call.response = c.at("response");
    r.calls.push_back(std::move(call));
  }
  return r;
}

std::vector<std::string> differences(const nlohmann::json& recorded, const nlohmann::json& ours,
                                     const std::vector<Ignored>& ignored) {
  std::vector<std::string> out;
  compare(recorded, ours, "", ignored, out);
  return out;
}

RunResult run_recorded(const TempRoot& root, const RecordedCall& call) {
  std::vector<std::string> args = {call.module, call.function};
  for (const auto& [key, value] : call.params) args.push_back(whm::uri_encode(key) + "=" + whm::uri_encode(value));
  return run_cpanel(root, "cpapi2", call.user, args);
}

void replay(const TempRoot& root, const Recording& recording, const std::vector<Ignored>& ignored) {
  for (size_t i = 0; i < recording.calls.size(); ++i) {
    const RecordedCall& call = recording.calls[i];
    auto r = run_recorded(root, call);
    INFO(recording.name << " call " << i + 1 << ": " << call.module << "::" << call.function << " -> " << r.out
                        << r.err);
    CHECK(r.status == 0);
    nlohmann::json ours = r.json();
    std::vector<std::string> diffs = differences(call.response, ours, ignored);
    std::ostringstream listed;
    for (const auto& d : diffs) listed << "\n  " << d;
    INFO("differences from " << recording.recorded << ":" << listed.str());
    CHECK(diffs.empty());
  }
}

}  // namespace test
