// Answers API 2 functions share, whatever their module.
#pragma once
#include "registry.hpp"

namespace whm {

// `h` as an API 2 write function: it does the work, and the call answers
// [{"result": 1, "reason": "OK"}] as cPanel's API 2 write functions do.
Handler api2_ok(Handler h);

}  // namespace whm
