// Runs one API call: look the function up, validate, lock the state root,
// call the handler, and build the WHM API 1 envelope.
#pragma once
#include <nlohmann/json.hpp>

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

struct CallResult {
  nlohmann::json envelope;
  int exit_status = kExitOk;
};

// `caller` is the authenticated WHM user: "root", or a reseller (whmapi1 --user).
CallResult execute_call(const StateRoot& root, Request req, const std::string& caller = "root");
nlohmann::json error_envelope(const std::string& command, const std::string& reason);

}  // namespace whm
