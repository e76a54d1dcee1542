#include "spamassassin_rules.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kUpdatesDir = "var/lib/spamassassin";
constexpr const char* kPackagedDir = "usr/share/spamassassin";
constexpr const char* kSiteDir = "etc/mail/spamassassin";

// The directory whose rules are in effect: the newest sa-update download
// ("4.000000/updates_spamassassin_org"), else the packaged rules.
std::string rules_dir(const StateRoot& root) {
  std::vector<std::string> versions;
  for (const auto& v : root.list_dir(kUpdatesDir))
    if (!v.empty() && std::isdigit(static_cast<unsigned char>(v.front())) &&
        root.exists(std::string(kUpdatesDir) + "/" + v + "/updates_spamassassin_org"))
      versions.push_back(v);
  if (versions.empty()) return kPackagedDir;
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return std::stod(a) < std::stod(b); });
  return std::string(kUpdatesDir) + "/" + versions.back() + "/updates_spamassassin_org";
}

// cPanel's section name for a rule defined as `kind NAME definition`.
std::string rule_type(const std::string& kind, const std::string& definition) {
  const bool eval = starts_with(definition, "eval:");
  if (kind == "header") return eval ? "head_evals" : "head_tests";
  if (kind == "body" && !eval) return "body_tests";
  if (kind == "rawbody" && !eval) return "rawbody_tests";
  if (kind == "uri") return "uri_tests";
  if (kind == "full" && eval) return "full_evals";
  if (kind == "meta") return "meta_tests";
  return "other_tests";
}

void read_rules(const StateRoot& root, const std::string& dir, std::map<std::string, SpamAssassinRule>& rules,
                std::map<std::string, double>& scores) {
  static const std::set<std::string> kDefinitions = {"header", "body",   "rawbody",    "uri",       "full",
                                                     "meta",   "askdns", "mimeheader", "uri_detail"};
  std::vector<std::string> files;
  for (const auto& f : root.list_dir(dir))
    if (ends_with(f, ".cf")) files.push_back(f);
  std::sort(files.begin(), files.end());  // SpamAssassin reads them in name order: the last score wins
  for (const auto& f : files) {
    const auto text = root.read(dir + "/" + f);
    if (!text) continue;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string kind, name;
      if (!(words >> kind >> name) || kind.front() == '#' || starts_with(name, "__")) continue;
      if (kDefinitions.count(kind)) {
        std::string definition;
        words >> definition;
        rules[name] = {name, rule_type(kind, definition), starts_with(name, "T_") ? 0.01 : 1.0};
      } else if (kind == "score") {
        // One score, or four (without/with Bayes, without/with network
        // tests): the last is the full configuration's, cPanel's.
        std::string word;
        std::optional<double> last;
        while (words >> word && word.front() != '#') {
          try {
            size_t used = 0;
            const double v = std::stod(word, &used);
            if (used == word.size()) last = v;
          } catch (const std::exception&) {
          }
        }
        if (last) scores[name] = *last;
      }
    }
  }
}

}  // namespace

std::vector<SpamAssassinRule> installed_spamassassin_rules(const StateRoot& root) {
  std::map<std::string, SpamAssassinRule> rules;
  std::map<std::string, double> scores;
  read_rules(root, rules_dir(root), rules, scores);
  read_rules(root, kSiteDir, rules, scores);
  std::vector<SpamAssassinRule> out;
  for (auto& [name, rule] : rules) {
    if (auto s = scores.find(name); s != scores.end()) rule.score = s->second;
    out.push_back(rule);
  }
  return out;
}

}  // namespace whm
