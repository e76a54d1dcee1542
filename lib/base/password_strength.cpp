#include "password_strength.hpp"

#include <cmath>
#include <cstring>
#include <optional>

#include "errors.hpp"
#include "kvfile.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr int kMaxStrength = 100;
constexpr double kFullStrengthBits = 70;  // entropy rated 100
constexpr int kDefaultMinimum = 65;       // cPanel's shipped minpwstrength

// The character classes a password can draw on, with their sizes. A letter
// past F (or f) means the whole alphabet of its case: both halves count.
enum CharClass : unsigned {
  kDigits = 1 << 0,     // 10
  kLowerHex = 1 << 1,   // a-f: 6
  kLowerRest = 1 << 2,  // g-z: 20
  kUpperHex = 1 << 3,   // A-F: 6
  kUpperRest = 1 << 4,  // G-Z: 20
  kSymbols = 1 << 5,    // 22
  kQuotes = 1 << 6,     // " # ' ;: 4
  kSpace = 1 << 7,      // 1
  kEveryClass = 0xff,   // any other byte: the password could hold anything
};
constexpr const char* kSymbolChars = "!$%&()*+,-./:<=>?`{|}~";
constexpr const char* kQuoteChars = "\"#';";

unsigned class_of(unsigned char c) {
  if (c >= '0' && c <= '9') return kDigits;
  if (c >= 'a' && c <= 'f') return kLowerHex;
  if (c >= 'g' && c <= 'z') return kLowerHex | kLowerRest;
  if (c >= 'A' && c <= 'F') return kUpperHex;
  if (c >= 'G' && c <= 'Z') return kUpperHex | kUpperRest;
  if (c != 0 && std::strchr(kSymbolChars, c)) return kSymbols;
  if (c != 0 && std::strchr(kQuoteChars, c)) return kQuotes;
  if (c == ' ') return kSpace;
  return kEveryClass;
}

int pool_size(unsigned classes) {
  const std::pair<unsigned, int> sizes[] = {{kDigits, 10},    {kLowerHex, 6}, {kLowerRest, 20}, {kUpperHex, 6},
                                            {kUpperRest, 20}, {kSymbols, 22}, {kQuotes, 4},     {kSpace, 1}};
  int n = 0;
  for (auto [cls, size] : sizes)
    if (classes & cls) n += size;
  return n;
}

// A strength setting of `rel`: nullopt if absent, empty or unreadable (an
// unreadable one never turns the check off).
std::optional<int> setting(const StateRoot& root, const char* rel, const std::string& key) {
  KeyValues config = parse_key_values(root.read(rel).value_or(""));
  auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  auto n = parse_int(trim(it->second));
  if (!n || *n < 0) return std::nullopt;
  return static_cast<int>(std::min<long long>(*n, kMaxStrength));
}

}  // namespace

int password_strength(std::string_view password, const std::set<std::string>& bad) {
  if (password.empty()) return 0;
  if (password.size() < 4 || bad.count(to_lower(password))) return 1;
  unsigned classes = 0;
  int fresh = 0, patterned = 0;
  for (size_t i = 0; i < password.size(); ++i) {
    const unsigned char c = password[i];
    const unsigned char prev = i ? password[i - 1] : 0;
    // A repeat or a neighbour of the previous character (aa, ab, ba) is a
    // pattern. As in cPanel, the character after a "0" always counts as new.
    bool pattern = i > 0 && prev != '0' && (c == prev || c == prev + 1 || c + 1 == prev);
    ++(pattern ? patterned : fresh);
    classes |= class_of(c);
  }
  double bits = fresh * std::log2(pool_size(classes)) + patterned * std::log2(3.0);
  if (bits > kFullStrengthBits) return kMaxStrength;
  return static_cast<int>(kMaxStrength * (bits / kFullStrengthBits));
}

std::set<std::string> bad_passwords(const StateRoot& root) {
  std::set<std::string> words;
  for (const char* rel : {"etc/bad_passwords_list", "usr/local/cpanel/etc/bad_passwords_list"})
    if (auto text = root.read(rel)) {
      std::string word;
      for (char c : *text + "\n") {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          if (!word.empty()) words.insert(to_lower(word));
          word.clear();
        } else {
          word += c;
        }
      }
    }
  return words;
}

int required_password_strength(const StateRoot& root, const std::string& app) {
  // The shipped defaults file fills what cpanel.config leaves out, as in cPanel.
  int fallback = kDefaultMinimum;
  if (auto shipped = setting(root, "usr/local/cpanel/etc/cpanel.config", "minpwstrength")) fallback = *shipped;
  const std::string key = app == password_app::kDefault ? "minpwstrength" : "minpwstrength_" + app;
  if (auto n = setting(root, "var/cpanel/cpanel.config", key)) return *n;
  if (auto n = setting(root, "var/cpanel/cpanel.config", "minpwstrength")) return *n;
  return fallback;
}

void check_password_strength(const StateRoot& root, const std::string& app, const std::string& param,
                             const std::string& password) {
  const int required = required_password_strength(root, app);
  if (required == 0) return;
  const int strength = password_strength(password, bad_passwords(root));
  if (strength >= required) return;
  const std::string need = std::to_string(required) + (required == kMaxStrength ? "" : " or higher");
  throw invalid_param(param, "The given password is too weak. Please enter a password with a strength rating of " +
                                 need + ". (Its rating is " + std::to_string(strength) + ".)");
}

}  // namespace whm
