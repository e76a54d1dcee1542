#include "locales.hpp"

#include <algorithm>
#include <map>

#include "cpuser.hpp"
#include "util.hpp"

namespace whm {

// The locales of cPanel's "Change Language" page. Names are CLDR's, as glibc
// ships them in /usr/share/i18n/locales (LC_IDENTIFICATION "language" for the
// English name, LC_ADDRESS "lang_name" for the name in the language itself);
// the regional variants are written the way CLDR names a language with its
// territory. Arabic and Hebrew are the right-to-left ones.
const std::vector<LocaleInfo>& available_locales() {
  static const std::vector<LocaleInfo> locales = {
      {"ar", "Arabic", "العربية", true},
      {"bg", "Bulgarian", "български"},
      {"cs", "Czech", "čeština"},
      {"da", "Danish", "dansk"},
      {"de", "German", "Deutsch"},
      {"el", "Greek", "Ελληνικά"},
      {"en", "English", "English"},
      {"es", "Spanish", "español"},
      {"es_419", "Spanish (Latin America)", "español (Latinoamérica)"},
      {"es_es", "Spanish (Spain)", "español (España)"},
      {"fi", "Finnish", "suomi"},
      {"fil", "Filipino", "Filipino"},
      {"fr", "French", "français"},
      {"he", "Hebrew", "עברית", true},
      {"hu", "Hungarian", "magyar"},
      {"id", "Indonesian", "Indonesia"},
      {"it", "Italian", "italiano"},
      {"ja", "Japanese", "日本語"},
      {"ko", "Korean", "한국어"},
      {"ms", "Malay", "Melayu"},
      {"nb", "Norwegian Bokmål", "norsk bokmål"},
      {"nl", "Dutch", "Nederlands"},
      {"pl", "Polish", "polski"},
      {"pt", "Portuguese", "português"},
      {"pt_br", "Portuguese (Brazil)", "português (Brasil)"},
      {"ro", "Romanian", "română"},
      {"ru", "Russian", "русский"},
      {"sl", "Slovenian", "slovenščina"},
      {"sv", "Swedish", "svenska"},
      {"th", "Thai", "ไทย"},
      {"tr", "Turkish", "Türkçe"},
      {"uk", "Ukrainian", "українська"},
      {"vi", "Vietnamese", "Tiếng Việt"},
      {"zh", "Chinese", "中文"},
      {"zh_cn", "Chinese (China)", "中文（中国）"},
      {"zh_tw", "Chinese (Taiwan)", "中文（台湾）"},
  };
  return locales;
}

const LocaleInfo* find_locale(const std::string& tag) {
  const auto& all = available_locales();
  auto it = std::find_if(all.begin(), all.end(), [&](const LocaleInfo& l) { return l.tag == tag; });
  return it == all.end() ? nullptr : &*it;
}

namespace {

// cPanel's legacy language names (LANG=english) and the tags they became.
std::optional<std::string> tag_of_legacy_name(const std::string& name) {
  static const std::map<std::string, std::string> legacy = {
      {"arabic", "ar"},
      {"brazilian-portuguese", "pt_br"},
      {"bulgarian", "bg"},
      {"chinese", "zh"},
      {"dutch", "nl"},
      {"english", "en"},
      {"finnish", "fi"},
      {"french", "fr"},
      {"german", "de"},
      {"hungarian", "hu"},
      {"iberian_spanish", "es_es"},
      {"indonesian", "id"},
      {"italian", "it"},
      {"japanese", "ja"},
      {"korean", "ko"},
      {"norwegian", "no"},
      {"polish", "pl"},
      {"portuguese", "pt"},
      {"romanian", "ro"},
      {"russian", "ru"},
      {"simplified-chinese", "zh_cn"},
      {"slovenian", "sl"},
      {"spanish", "es"},
      {"spanish_latinamerica", "es_419"},
      {"swedish", "sv"},
      {"thai", "th"},
      {"traditional-chinese", "zh"},
      {"turkish", "tr"},
  };
  std::string key = to_lower(name);
  if (ends_with(key, "-utf8")) key.resize(key.size() - 5);
  auto it = legacy.find(key);
  if (it == legacy.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string account_locale(const CpUser& account) {
  // The stored keys, not CpUser::get: its default LOCALE ("en") would hide LANG.
  auto stored = [&](const char* key) {
    auto it = account.kv.find(key);
    return it == account.kv.end() ? std::string() : it->second;
  };
  if (std::string tag = stored("LOCALE"); !tag.empty()) return tag;
  const std::string lang = stored("LANG");
  if (auto tag = tag_of_legacy_name(lang)) return *tag;
  if (!lang.empty() && find_locale(to_lower(lang))) return to_lower(lang);
  return "en";
}

void set_account_locale(CpUser& account, const std::string& tag) {
  account.set("LOCALE", tag);
  account.kv.erase("LANG");
  account.kv.erase("__LOCALE_MISSING");
}

}  // namespace whm
