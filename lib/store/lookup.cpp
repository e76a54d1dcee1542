#include "lookup.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "mail_paths.hpp"
#include "notices.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {

namespace {

enum class OwnerField { Key, Value, ValueFirstField };

struct LookupSpec {
  std::string rel;
  std::string header;  // without newline; empty = none
  mode_t mode;
  bool is_list;  // "key" lines instead of "key: value"
  OwnerField owner_field;
  bool nobody_trailer;  // ends with "*: nobody"
  std::function<std::vector<std::pair<std::string, std::string>>(const AccountIndex&)> entries;
};

std::string bytes_or_zero(const std::string& v) { return to_lower(v) == "unlimited" ? "0" : v; }

const std::vector<LookupSpec>& specs() {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  static const std::vector<LookupSpec> s = {
      {"etc/trueuserdomains", "", 0640, false, OwnerField::Value, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.main_domain(), a.cpuser.user()}};
       }},
      {"etc/domainusers", "", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.main_domain()}};
       }},
      {"etc/userdomains", "", 0640, false, OwnerField::Value, true,
       [](const AccountIndex& a) {
         Pairs p;
         for (const auto& d : a.cpuser.all_domains()) p.emplace_back(d, a.cpuser.user());
         return p;
       }},
      {"etc/trueuserowners", "", 0644, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.get("OWNER")}};
       }},
      {"etc/userplans", "#userplans v1", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.get("PLAN", "undefined")}};
       }},
      {"etc/userbwlimits", "#userbwlimits v1", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), bytes_or_zero(a.cpuser.get("BWLIMIT"))}};
       }},
      {"etc/userips", "#userips v1", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.get("IP")}};
       }},
      {"etc/dbowners", "#dbowners v1", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.user()}};
       }},
      {"etc/mailbox_formats", "#mailbox_formats v1", 0640, false, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return Pairs{{a.cpuser.user(), a.cpuser.get("MAILBOX_FORMAT")}};
       }},
      {"etc/demousers", "", 0640, true, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return a.cpuser.get("DEMO") == "1" ? Pairs{{a.cpuser.user(), ""}} : Pairs{};
       }},
      {"etc/nocgiusers", "", 0640, true, OwnerField::Key, false,
       [](const AccountIndex& a) {
         return a.cpuser.get("HASCGI") == "0" ? Pairs{{a.cpuser.user(), ""}} : Pairs{};
       }},
      {"etc/userdatadomains", "", 0640, false, OwnerField::ValueFirstField, false,
       [](const AccountIndex& a) {
         Pairs p;
         for (const auto& d : a.domains) p.emplace_back(d.domain, d.cache_line_value());
         return p;
       }},
  };
  return s;
}

// The cpuser keys specs() reads: keep this list with the rules above.
bool lookup_key(const std::string& key) {
  static const std::set<std::string> keys = {"USER",           "DNS",  "OWNER", "PLAN", "BWLIMIT", "IP",
                                             "MAILBOX_FORMAT", "DEMO", "HASCGI"};
  if (keys.count(key)) return true;
  return key.size() > 3 && key.compare(0, 3, "DNS") == 0 &&
         std::all_of(key.begin() + 3, key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

using Entries = std::vector<std::pair<std::string, std::string>>;

std::string serialize_entries(Entries entries, const LookupSpec& spec) {
  std::sort(entries.begin(), entries.end());
  std::string out;
  if (!spec.header.empty()) out += spec.header + "\n";
  for (const auto& [k, v] : entries) out += spec.is_list ? k + "\n" : k + ": " + v + "\n";
  if (spec.nobody_trailer) out += "*: nobody\n";
  return out;
}

}  // namespace

AccountIndex lookup_index(const CpUser& u, std::vector<DomainRow> domains) {
  AccountIndex a{CpUser{}, std::move(domains)};
  for (const auto& [key, value] : u.kv)
    if (lookup_key(key)) a.cpuser.kv[key] = value;
  return a;
}

std::vector<std::string> DomainRow::fields() const {
  return {user,
          owner,
          type,
          parent,
          docroot,
          ip + ":" + std::to_string(port),
          ip + ":" + std::to_string(ssl_port),
          ipv6,
          modsec_disabled ? "1" : "0",
          php_version};
}

std::string DomainRow::cache_line_value() const { return join(fields(), "=="); }

DomainRow parse_domain_row(const std::string& domain, const std::string& value) {
  DomainRow r;
  r.domain = domain;
  std::vector<std::string> f;
  size_t start = 0;
  for (;;) {
    auto pos = value.find("==", start);
    f.push_back(value.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 2;
  }
  f.resize(10);
  r.user = f[0];
  r.owner = f[1];
  r.type = f[2];
  r.parent = f[3];
  r.docroot = f[4];
  auto colon = f[5].rfind(':');
  r.ip = f[5].substr(0, colon);
  if (colon != std::string::npos) r.port = static_cast<int>(parse_int(f[5].substr(colon + 1)).value_or(80));
  auto scolon = f[6].rfind(':');
  if (scolon != std::string::npos) r.ssl_port = static_cast<int>(parse_int(f[6].substr(scolon + 1)).value_or(443));
  r.ipv6 = f[7];
  r.modsec_disabled = f[8] == "1";
  r.php_version = f[9];
  return r;
}

namespace {

// What is wrong with one line of a lookup file, if anything.
std::optional<std::string> line_problem_in(std::string_view line, size_t number, const LookupSpec& spec) {
  if (line.find('\0') != std::string_view::npos) return line_problem(number, "holds a NUL byte");
  if (line.empty() || line[0] == '#') return std::nullopt;
  if (spec.is_list && line.find_first_of(" \t:") != std::string_view::npos)
    return line_problem(number, "is not a user name");
  if (!spec.is_list && line.find(": ") == std::string_view::npos) return line_problem(number, "is not “KEY: VALUE”");
  return std::nullopt;
}

// Replaces one account's lines in a lookup file's text, in one pass: the
// file is sorted by (key, value), so the account's new lines are merged in
// where they belong and every other line is copied as it is. What keeps the
// text from being read completely goes to `problems` (the result is then
// not to be used: a line that does not parse is left out).
std::string merge_account_lines(const std::string& text, const LookupSpec& spec, const std::string& user,
                                Entries additions, FileProblems& problems) {
  std::sort(additions.begin(), additions.end());
  std::string out;
  out.reserve(text.size() + 128 * additions.size());
  if (!spec.header.empty()) out += spec.header + "\n";
  size_t next = 0;
  auto emit_additions_before = [&](std::string_view key, std::string_view value) {
    while (next < additions.size() &&
           (additions[next].first < key || (additions[next].first == key && additions[next].second < value))) {
      const auto& [k, v] = additions[next++];
      out += spec.is_list ? k + "\n" : k + ": " + v + "\n";
    }
  };
  check_final_newline(text, problems);
  size_t number = 0;
  for_each_line(text, [&](std::string_view line) {
    if (auto problem = line_problem_in(line, ++number, spec)) {
      problems.push_back(*problem);
      return;
    }
    if (line.empty() || line[0] == '#') return;
    std::string_view key = line, value;
    if (!spec.is_list) {
      auto sep = line.find(": ");
      key = line.substr(0, sep);
      value = line.substr(sep + 2);
      if (spec.nobody_trailer && key == "*") return;
    }
    std::string_view owner = spec.owner_field == OwnerField::Key     ? key
                             : spec.owner_field == OwnerField::Value ? value
                                                                     : value.substr(0, value.find("=="));
    if (owner == user) return;  // the account's old lines
    emit_additions_before(key, value);
    out += line;
    out += '\n';
  });
  while (next < additions.size()) {
    const auto& [k, v] = additions[next++];
    out += spec.is_list ? k + "\n" : k + ": " + v + "\n";
  }
  if (spec.nobody_trailer) out += "*: nobody\n";
  return out;
}

// What keeps a lookup file's text from being read completely.
FileProblems problems_of(const std::string& text, const LookupSpec& spec) {
  FileProblems problems;
  check_final_newline(text, problems);
  size_t number = 0;
  for_each_line(text, [&](std::string_view line) {
    if (auto problem = line_problem_in(line, ++number, spec)) problems.push_back(*problem);
  });
  return problems;
}

}  // namespace

// The lookup files are root's, group mail: Exim reads userdomains through it.
FileOwner lookup_file_owner(const Transaction& view) {
  FileOwner owner;
  if (auto gid = mail_gid(view)) owner.gid = *gid;
  return owner;
}

void update_lookup_files(Transaction& txn, const std::string& user, const AccountIndex* account,
                         const AccountIndexes& every_account) {
  const FileOwner owner = lookup_file_owner(txn);
  std::optional<std::vector<AccountIndex>> everyone;  // read once, if a file must be rebuilt
  for (const auto& spec : specs()) {
    auto current = txn.read(spec.rel);
    FileProblems problems;
    if (current) {
      std::string text =
          merge_account_lines(*current, spec, user, account ? spec.entries(*account) : Entries{}, problems);
      if (problems.empty()) {
        if (*current != text) txn.write(spec.rel, text, spec.mode, owner);
        continue;
      }
    }
    if (!everyone) {
      everyone.emplace();
      for (auto& a : every_account())
        if (a.cpuser.user() != user) everyone->push_back(std::move(a));
    }
    Entries entries = account ? spec.entries(*account) : Entries{};
    for (const auto& a : *everyone)
      for (auto& e : spec.entries(a)) entries.push_back(std::move(e));
    txn.write(spec.rel, serialize_entries(std::move(entries), spec), spec.mode, owner);
    // A file missing before the first account is simply new.
    if (!problems.empty() || !everyone->empty()) {
      std::string why = problems.empty() ? "was missing" : "was damaged (" + problems.front() + ")";
      txn.on_commit("", [note = "The lookup file “" + server_path(spec.rel) + "” " + why +
                                ": whmkit rebuilt it from the cpuser files."] { add_notice(note); });
    }
  }
}

namespace {
std::string lookup_text(const LookupSpec& spec, const std::vector<AccountIndex>& accounts) {
  Entries entries;
  for (const auto& a : accounts)
    for (auto& e : spec.entries(a)) entries.push_back(std::move(e));
  return serialize_entries(std::move(entries), spec);
}
}  // namespace

void rebuild_lookup_files(Transaction& txn, const std::vector<AccountIndex>& accounts) {
  const FileOwner owner = lookup_file_owner(txn);
  for (const auto& spec : specs()) txn.write(spec.rel, lookup_text(spec, accounts), spec.mode, owner);
}

std::optional<std::string> lookup_file_text(const std::string& rel, const std::vector<AccountIndex>& accounts) {
  for (const auto& spec : specs())
    if (spec.rel == rel) return lookup_text(spec, accounts);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> read_lookup_pairs(const StateRoot& root, const std::string& rel) {
  auto text = root.read(rel);
  if (!text) return {};
  return parse_lookup_pairs(*text);
}

std::vector<std::pair<std::string, std::string>> parse_lookup_pairs(const std::string& text, FileProblems* problems) {
  Entries out;
  for_each_checked_line(text, problems, [&](size_t number, std::string_view line) {
    if (line.empty() || line[0] == '#') return;
    auto pos = line.find(": ");
    if (pos != std::string_view::npos)
      out.emplace_back(line.substr(0, pos), line.substr(pos + 2));
    else if (problems)
      problems->push_back(line_problem(number, "is not “KEY: VALUE”"));
  });
  return out;
}

std::vector<std::string> lookup_file_paths() {
  std::vector<std::string> out;
  for (const auto& spec : specs()) out.push_back(spec.rel);
  return out;
}

FileProblems lookup_file_problems(const std::string& rel, const std::string& text) {
  for (const auto& spec : specs())
    if (spec.rel == rel) return problems_of(text, spec);
  return {};
}

}  // namespace whm
