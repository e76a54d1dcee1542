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

// Unknown function, or a known function without a handler yet (exit status 2).
struct NotAvailableError : ApiError {
  using ApiError::ApiError;
};

}  // namespace whm
