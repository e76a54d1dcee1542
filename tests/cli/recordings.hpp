// Replays calls recorded on real cPanel servers and compares our answers with
// theirs, field by field.
//
// A recording is a JSON file under tests/recordings/ (copied from the VCR
// cassettes of ../shared/reference/recordings/, data only):
//   {"recorded": "which server, when",
//    "interactions": [{"module": "Cron", "function": "add_line", "user": "lumberg",
//                      "params": {"command": "foo", ...},   // decoded values
//                      "response": {"cpanelresult": {...}}}, ...]}
// The interactions are replayed in order, each against the state the ones
// before it left, with `cpapi2 --output=json` (API 2 recordings).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace test {

struct RecordedCall {
  std::string module, function, user;  // module and user: cPanel calls only
  std::vector<std::pair<std::string, std::string>> params;
  nlohmann::json response;  // the body the real server sent
};

struct Recording {
  std::string name;  // "api2-cron/add"
  std::string recorded;
  std::vector<RecordedCall> calls;
};

// Loads tests/recordings/<name>.json (name like "api2-cron/add").
Recording load_recording(const std::string& name);

// A value the comparison leaves out because it depends on the machine (a
// process id, a disk usage, a time), and why. `path` is a JSON pointer in
// which "*" stands for any array index or object key:
// "/cpanelresult/data/*/pid". Only the value is left out: the key must still
// be there, with the same type. A key the recorded server did not send at
// all may be in our answer only when its path is listed.
struct Ignored {
  std::string path;
  std::string reason;
};

// "string", "integer" (signed or unsigned), "float", "boolean", "null",
// "array" or "object".
std::string type_name(const nlohmann::json& v);

// Every difference between the recorded answer and ours, one line each
// ("/cpanelresult/data/0/count: recorded 1 (number), ours \"1\" (string)"):
// missing and extra keys, types (string, integer, float, boolean, null,
// array, object) and values; array items in order, object keys in any order.
std::vector<std::string> differences(const nlohmann::json& recorded, const nlohmann::json& ours,
                                     const std::vector<Ignored>& ignored = {});

// Runs one recorded call as `cpapi2 --output=json --user=USER Module function
// key=value...` (values URI-encoded) and returns our answer.
RunResult run_recorded(const TempRoot& root, const RecordedCall& call);

// Runs every call of the recording in order; CHECKs that each exits 0 and
// answers what the server recorded (each difference is reported).
void replay(const TempRoot& root, const Recording& recording, const std::vector<Ignored>& ignored = {});

}  // namespace test
