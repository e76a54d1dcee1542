// The Tweak Settings whmkit knows: for each key of cPanel's "Main" module
// (var/cpanel/cpanel.config) and "Basic" module (etc/wwwacct.conf), its
// shipped default, what it accepts and the file cPanel keeps beside it. The
// facts (names, defaults, ranges, choices, refusal wordings) are cPanel's;
// see docs/tweak-settings.md for the list and what is left out.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace whm {

enum class TweakType {
  Binary,          // 0 or 1
  InverseBinary,   // 0 or 1 ("skip..." keys the interface shows inverted)
  Choice,          // one of `choices`
  MultiChoice,     // comma-separated members of `choices`, stored as such
  Natural,         // integer >= 1
  Whole,           // integer >= 0
  PositiveFloat,   // a number > 0
  Percent,         // 0 < n <= 100, stored with four decimals
  PercentInteger,  // 0 < n <= 100, an integer
  Megabytes,       // "128" or "128M" within min..max, stored as the integer
  Text,            // any single line
  Special,         // checked by the key's own rule (tweak_setting_keys.cpp)
};

// A file cPanel writes along with the setting, so that the services that
// read it (Exim, Dovecot, cpsrvd...) need not parse cpanel.config.
enum class SideFile {
  None,
  Touch,         // exists while the value is 1
  InverseTouch,  // exists while the value is 0
  Value,         // holds the value; removed when it is 0 or undefined
  Size,          // as many "x" bytes as the value (cPanel stats its size); removed at 0
  ProcFlag,      // jailprocmode: one flag file named after the value, in `side_path`
};

struct TweakKey {
  std::string name;
  TweakType type = TweakType::Text;
  std::optional<std::string> fallback;  // the shipped default; nullopt = undefined
  std::vector<std::string> choices;
  std::optional<double> min, max;
  bool can_undef = false;  // an empty value leaves it undefined
  std::string depends_on;  // a key that must be on before this one is turned on
  SideFile side = SideFile::None;
  std::string side_path;  // relative to the state root
};

enum class TweakModule { Main, Basic };

// The key of `module`, or nullptr when whmkit does not know it.
const TweakKey* find_tweak_key(TweakModule module, const std::string& name);
// Every key of `module`, sorted by name.
std::vector<const TweakKey*> tweak_keys(TweakModule module);

// The value to store for `value`, or cPanel's reason for refusing it
// ("Value must be either 0 or 1"). `root` (the state root's path) lets a
// path setting be checked where it would be used.
struct TweakCheck {
  std::optional<std::string> value;  // what to store (nullopt with an empty reason: undefined)
  std::string reason;                // non-empty: refused
};
TweakCheck check_tweak_value(const TweakKey& key, const std::string& value, const std::string& root);

}  // namespace whm
