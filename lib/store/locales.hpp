// The locales a cPanel account can choose (UAPI Locale) and the account's own
// one: the cpuser file's LOCALE key, or its legacy LANG name ("english").
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace whm {

struct CpUser;

struct LocaleInfo {
  std::string tag;         // "pt_br"
  std::string name;        // in English: "Portuguese (Brazil)"
  std::string local_name;  // in the language itself: "português (Brasil)"
  bool right_to_left = false;
};

// Every locale cPanel ships, by tag.
const std::vector<LocaleInfo>& available_locales();
const LocaleInfo* find_locale(const std::string& tag);

// The account's locale tag: LOCALE, else the legacy LANG mapped to its tag,
// else "en" (what cPanel's loader fills in).
std::string account_locale(const CpUser& account);

// Stages nothing: sets LOCALE and drops the keys cPanel drops with it (LANG,
// __LOCALE_MISSING). The caller saves the cpuser file.
void set_account_locale(CpUser& account, const std::string& tag);

}  // namespace whm
