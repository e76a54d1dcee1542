// Package extensions: var/cpanel/packages/extensions/<ext> holds an
// extension's display name (_NAME) and its settings' defaults
// ("<ext>_key=value"), and <ext>.tt2 the form a plan editor shows for them,
// a Template Toolkit template that reads the plan's values as
// data.defaults.<KEY>.
#pragma once
#include <optional>
#include <string>

#include "kvfile.hpp"

namespace whm {

class StateRoot;

namespace package_extensions {
inline constexpr const char* kDir = "var/cpanel/packages/extensions";
}

// The extension's template, root-relative (the name checked as a file name).
std::string extension_template_rel(const std::string& ext);
// Its _NAME, or "unknown" as cPanel shows an extension without one.
std::string extension_display_name(const StateRoot& root, const std::string& ext);
// Its settings' defaults (every key but _NAME).
KeyValues extension_defaults(const StateRoot& root, const std::string& ext);

// Renders the part of Template Toolkit that extension forms use:
// [% data.defaults.KEY %] (with an optional "| html" filter), string
// literals, IF / ELSIF / ELSE / UNLESS / END over a value, its negation
// (NOT, !) or a comparison (==, !=) joined with AND / OR (&&, ||), comments
// ([%# ... %]) and the "-" whitespace chomping flags. ApiError naming the
// template (`rel`) and the directive for anything else, rather than a wrong form.
std::string render_extension_template(const std::string& rel, const std::string& text, const KeyValues& defaults);

}  // namespace whm
