// Runs one API call: look the function up, validate, lock the state root,
// call the handler, and build the WHM API 1 envelope.
#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

#include "output.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "state.hpp"

namespace whm {

// Exit statuses of the program.
enum ExitStatus {
  kExitOk = 0,
  kExitFailed = 1,        // the function ran, or validation refused it: metadata.result 0
  kExitUnavailable = 2,   // unknown function, not implemented, or bad command line
};

// Runs one call and writes its envelope to `out` in `fmt`; returns the exit
// status. The output is written while the call still holds its lock, so a
// list streamed record by record is one consistent snapshot.
// `caller` is the authenticated WHM user: "root", or a reseller (whmapi1 --user).
int run_call(const StateRoot& root, Request req, const std::string& caller, OutputFormat fmt, std::ostream& out);
nlohmann::json error_envelope(const std::string& command, const std::string& reason);

}  // namespace whm
