// WHM API 0: the response shapes of cPanel's original JSON and XML API, which
// a call to /json-api/<function> or /xml-api/<function> without
// api.version=1 gets. Old clients (billing modules, Perl and PHP libraries)
// still parse them: {"status":1,"statusmsg":"Ok","acct":[...]} for
// listaccts, {"result":[{"status":1,"statusmsg":...}]} for an action, and so
// on. The call itself runs as WHM API 1 through the one dispatcher; only its
// answer is reshaped here. docs/api0.md lists every shape, where it comes
// from, and the generic one the other functions get.
#pragma once
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "dispatch.hpp"
#include "output.hpp"
#include "request.hpp"
#include "state.hpp"

namespace whm {

// The request as WHM API 1 takes it, where API 0 read an argument
// differently (listaccts ignored "search" without "searchtype").
Request api0_request(Request req);

// What API 0 said that WHM API 1's envelope does not carry; run_api0_call
// finds it in the state.
struct Api0Facts {
  // The account (or domain) the call names does not exist, and the caller
  // may know it: API 0 said so in its own words.
  bool named_object_missing = false;
  // Per account of a listing, the limits its file does not have: API 0 said
  // "*unknown*" (WHM API 1 gives the default). Keys as in the cpuser file.
  std::map<std::string, std::set<std::string>> limits_not_in_file;
};

// The API 0 body for a call whose WHM API 1 envelope is `v1_envelope`, as
// JSON (compact, no trailing newline, keys in the order real servers sent
// them) or XML (the function name as the root element).
std::string render_api0(const Request& req, const nlohmann::json& v1_envelope, OutputFormat fmt,
                        const Api0Facts& facts = {});

// Runs `call` (call.api must be Api::Whm1) and answers in API 0: the request
// adapted by api0_request, the call run by run_call_for_json, the answer
// rendered by render_api0. `status`: run_call_for_json's (kExitUnavailable for
// an unknown or unimplemented function). Thread-safe as run_call_for_json is.
struct Api0Outcome {
  std::string body;
  int status = kExitOk;
};
Api0Outcome run_api0_call(const StateRoot& root, Call call, OutputFormat fmt);

}  // namespace whm
