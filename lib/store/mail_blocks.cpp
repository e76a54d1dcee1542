#include "mail_blocks.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "damage.hpp"
#include "errors.hpp"
#include "geoip_country.hpp"
#include "mail_paths.hpp"
#include "notices.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

const char* list_file(MailBlock which) {
  return which == MailBlock::Domains ? mail_block_paths::kDomains : mail_block_paths::kCountries;
}

// A sender domain as blocked: "*." blocks the subdomains of a valid domain
// (even of a top-level one, "*.com", as Exim's wildlsearch matches it).
std::optional<std::string> domain_entry(const std::string& value) {
  const std::string d = to_lower(trim(value));
  const bool wildcard = starts_with(d, "*.");
  const std::string name = wildcard ? "x." + d.substr(2) : d;
  if (name.empty() || domain_syntax_error(name)) return std::nullopt;
  return d;
}

std::optional<std::string> country_entry(const std::string& value) {
  std::string code = trim(value);
  if (code.size() != 2 || !std::all_of(code.begin(), code.end(), [](char c) { return std::isalpha(c & 0xFF); }))
    return std::nullopt;
  std::transform(code.begin(), code.end(), code.begin(), [](char c) { return std::toupper(c & 0xFF); });
  return code;
}

std::optional<std::string> entry(MailBlock which, const std::string& value) {
  return which == MailBlock::Domains ? domain_entry(value) : country_entry(value);
}

std::vector<std::string> read_list(const Transaction& view, MailBlock which, FileProblems& problems) {
  std::vector<std::string> out;
  auto text = view.read(list_file(which));
  if (!text) return out;
  for_each_checked_line(*text, &problems, [&](size_t n, std::string_view line) {
    if (trim(line).empty()) return;
    if (auto e = entry(which, std::string(line)))
      out.push_back(*e);
    else
      problems.push_back(line_problem(n, which == MailBlock::Domains ? "is not a domain" : "is not a country code"));
  });
  return out;
}

// “A”, “A” and “B”, “A”, “B”, and “C”: cPanel's list_and_quoted.
std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += items.size() == 2 ? " and " : (i + 1 == items.size() ? ", and " : ", ");
    out += "“" + items[i] + "”";
  }
  return out;
}

ApiError not_valid(const std::vector<std::string>& bad, const std::string& param) {
  return ApiError(quoted_list(bad) + (bad.size() == 1 ? " is not a valid “" : " are not valid “") + param +
                  (bad.size() == 1 ? "” value." : "” values."));
}

std::string lines_of(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& i : items) text += i + "\n";
  return text;
}

}  // namespace

std::vector<std::string> blocked_senders(const Transaction& view, MailBlock which) {
  FileProblems problems;
  auto list = read_list(view, which, problems);
  if (!problems.empty()) add_notice(damage_summary(list_file(which), problems));
  return list;
}

bool stage_mail_block(Transaction& txn, MailBlock which, const std::string& param,
                      const std::vector<std::string>& values, bool block) {
  std::vector<std::string> entries, bad;
  for (const auto& v : values) {
    if (v.find_first_of("\r\n") != std::string::npos) throw ApiError("Line-break characters are forbidden.");
    if (auto e = entry(which, v))
      entries.push_back(*e);
    else
      bad.push_back(v);
  }
  std::optional<CountryNetworks> networks;
  if (which == MailBlock::Countries) {
    networks.emplace(txn.root());
    for (const auto& e : entries)
      if (!networks->has(e)) bad.push_back(e);
  }
  // cPanel lets an unblock of a malformed domain pass, changing nothing; refused here as the bad input it is.
  if (!bad.empty()) throw not_valid(bad, param);

  FileProblems problems;
  auto list = read_list(txn, which, problems);
  const auto before = list;
  for (const auto& e : entries) {
    auto at = std::find(list.begin(), list.end(), e);
    if (block && at == list.end()) list.push_back(e);
    if (!block && at != list.end()) list.erase(at);
  }
  if (list == before) return false;
  refuse_if_damaged(list_file(which), problems);

  FileOwner owner;
  if (auto gid = mail_gid(txn)) owner.gid = *gid;
  txn.write(list_file(which), lines_of(list), 0640, owner);
  if (which == MailBlock::Countries) {
    std::vector<std::string> cidrs;
    for (const auto& code : list) {
      auto more = networks->cidrs(code);
      cidrs.insert(cidrs.end(), more.begin(), more.end());
    }
    txn.write(mail_block_paths::kCountryIps, lines_of(cidrs), 0644);
  }
  return true;
}

}  // namespace whm
