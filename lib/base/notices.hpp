// Warnings about the state itself, raised below the handlers: a damaged file
// shown as far as it could be read, a lookup file rebuilt on the way. The
// dispatcher adds them to the call's warnings (WHM API 1
// metadata.output.warnings, UAPI result.warnings); whmkit-check prints them.
#pragma once
#include <string>
#include <vector>

namespace whm {

// Records a warning (a text already recorded is not repeated).
void add_notice(const std::string& text);
// The warnings recorded so far, in order; clears them.
std::vector<std::string> take_notices();

}  // namespace whm
