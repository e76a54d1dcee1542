// Error types. An ApiError becomes metadata.result 0 with its message as the reason.
#pragma once
#include <stdexcept>
#include <string>

namespace whm {

struct ApiError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Bad arguments: detected before the handler runs.
struct ValidationError : ApiError {
  using ApiError::ApiError;
};

// The command line itself is wrong (a word that is not key=value): exit
// status 2, a message on standard error, no envelope.
struct CommandLineError : ApiError {
  using ApiError::ApiError;
};

// Unknown function, or a known function without a handler yet (exit status 2).
struct NotAvailableError : ApiError {
  using ApiError::ApiError;
};

// The standard wordings of a refused parameter, as cPanel words them. Every
// handler and store throws these instead of building the text itself.
inline ValidationError invalid_param(const std::string& param, const std::string& why) {
  return ValidationError("Invalid value for parameter “" + param + "”: " + why);
}
// `when` narrows it down: missing_param("txtdata", "for a TXT record").
inline ValidationError missing_param(const std::string& param, const std::string& when = "") {
  return ValidationError("Missing required parameter “" + param + "”" + (when.empty() ? "" : " " + when) + ".");
}

}  // namespace whm
