#include "consistency.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <thread>

#include "account_lifecycle.hpp"
#include "ftp_store.hpp"
#include "kvfile.hpp"
#include "lookup.hpp"
#include "packages.hpp"
#include "resellers.hpp"
#include "state.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"

namespace fs = std::filesystem;

namespace whm {

namespace {

bool is_leftover_name(const std::string& name) {
  return starts_with(name, ".whmkit-tmp.") || starts_with(name, ".whmkit-new-") ||
         starts_with(name, ".whmkit-removed-") || ends_with(name, ".whmkit-new") ||
         starts_with(name, ".whmkit.journal");
}

// Walks the state root, but not into account homes (users' own files).
void find_leftovers(const StateRoot& root, const std::string& home_root_rel, CheckReport& report) {
  std::error_code ec;
  // Every path the walk gives starts with the root as given: the relative
  // name is the rest (fs::relative would resolve each path's symlinks, a
  // readlink per component of 280,000 paths at 20,000 accounts).
  const std::string& base = root.root();
  auto it = fs::recursive_directory_iterator(base, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string& full = it->path().native();
    std::string rel = full.compare(0, base.size(), base) == 0 ? full.substr(base.size()) : full;
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    std::string name = it->path().filename().string();
    if (is_leftover_name(name)) report.problems.push_back("Leftover from an interrupted change: " + rel);
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      auto parent = fs::path(rel).parent_path().string();
      if (parent == home_root_rel || rel == "proc" || rel == "sys" || rel == "dev") it.disable_recursion_pending();
    }
  }
}

// Runs one check; an exception (a file it could not read) becomes a problem
// of its own, and the other checks go on.
template <class Check>
void checking(Problems& out, const std::string& what, Check check) {
  try {
    check();
  } catch (const std::exception& e) {
    out.push_back("Could not check " + what + ": " + e.what());
  }
}

void report_damage(Problems& out, const std::string& rel, const FileProblems& problems) {
  if (!problems.empty()) out.push_back(damage_summary(rel, problems));
}

// Every file of `dir` (no dot files) through `problems_of`.
template <class ProblemsOf>
void check_dir(const StateRoot& root, const std::string& dir, Problems& out, ProblemsOf problems_of) {
  for (const auto& name : root.list_dir(dir))
    if (name[0] != '.')
      if (auto text = root.read(dir + "/" + name)) report_damage(out, dir + "/" + name, problems_of(*text));
}

FileProblems key_value_problems(const std::string& text) {
  FileProblems problems;
  parse_key_values(text, '=', &problems);
  return problems;
}

// An FTP password file (etc/proftpd/<user>): "login:hash:uid:gid:gecos:home:shell"
// lines. The FTP store keeps other lines as they are; they are damage all the same.
FileProblems ftp_passwd_problems(const std::string& text) {
  FileProblems problems;
  for_each_checked_line(text, &problems, [&](size_t number, std::string_view line) {
    if (!line.empty() && line[0] != '#' && std::count(line.begin(), line.end(), ':') < 6)
      problems.push_back(line_problem(number, "is not “LOGIN:HASH:UID:GID:GECOS:HOME:SHELL”"));
  });
  return problems;
}

// The files of one account that whmkit parses and rewrites.
void check_account_files(const StateRoot& root, const std::string& user, Problems& out) {
  const std::string cpuser_rel = paths::cpuser(user);
  if (auto text = root.read(cpuser_rel)) {
    FileProblems problems;
    parse_cpuser(*text, &problems);
    report_damage(out, cpuser_rel, problems);
  }
  const std::string dir = paths::userdata_dir(user);
  for (const auto& name : root.list_dir(dir)) {
    auto text = root.read(dir + "/" + name);
    if (!text || name[0] == '.') continue;
    if (name == "cache") {
      FileProblems problems;
      parse_lookup_pairs(*text, &problems);
      report_damage(out, dir + "/" + name, problems);
    } else if (!is_derived_userdata(name)) {
      report_damage(out, dir + "/" + name, yaml_problems(*text));
    }
  }
}

// The server-wide files whmkit parses and rewrites (zones are checked by the DNS store).
void check_server_files(const StateRoot& root, const Transaction& view, const SystemUsers& sys, Problems& out) {
  for (const ColonFile* file : {&sys.passwd, &sys.shadow, &sys.group})
    report_damage(out, file->rel(), file->problems());
  for (const auto& name : package_names(root))
    if (auto text = root.read("var/cpanel/packages/" + name))
      report_damage(out, "var/cpanel/packages/" + name, key_value_problems(*text));
  check_dir(root, "var/cpanel/features", out, key_value_problems);
  for (const auto& damaged : damaged_reseller_files(view)) report_damage(out, damaged.rel, damaged.problems);
  if (auto text = root.read("var/cpanel/backups/config"))
    report_damage(out, "var/cpanel/backups/config", yaml_mapping_problems(*text));
  check_dir(root, "etc/proftpd", out, ftp_passwd_problems);
  check_dir(root, "var/cpanel/whmkit/ftp", out, ftp_extras_problems);
}

// Runs work(0) .. work(n - 1) on `threads` threads (each index once; a
// thread takes the next index when it is done with one).
void for_each_index(size_t n, unsigned threads, const std::function<void(size_t)>& work) {
  if (threads <= 1 || n < 2) {
    for (size_t i = 0; i < n; ++i) work(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) work(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace

unsigned check_threads() {
  if (const char* env = std::getenv("WHMKIT_CHECK_THREADS"))
    if (auto n = parse_int(env); n && *n >= 1 && *n <= 64) return static_cast<unsigned>(*n);
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : std::min(n, 8u);
}

CheckReport check_state(const StateRoot& root) {
  CheckReport report;
  Problems& problems = report.problems;
  StateReader reader(root);  // finishes an interrupted change first
  ServerConfig config = load_server_config(root);
  std::string home_root_rel = config.home_root.substr(1);
  find_leftovers(root, home_root_rel, report);

  AccountStore store(root);
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  checking(problems, "the server's files", [&] { check_server_files(root, view, sys, problems); });

  // Every account, each on its own: a damaged one is reported and the rest
  // checked. The accounts are shared out among threads (the checks only read
  // the state); each account's findings are kept apart and reported in
  // account order, so the report is the one a single thread gives.
  const std::vector<std::string> names = store.usernames();
  std::set<std::string> users(names.begin(), names.end());
  struct Checked {
    Problems problems;
    std::optional<AccountIndex> index;
  };
  std::vector<Checked> checked(names.size());
  for_each_index(names.size(), check_threads(), [&](size_t i) {
    const std::string& user = names[i];
    Problems& out = checked[i].problems;
    checking(out, "the account “" + user + "”", [&] {
      check_account_files(root, user, out);
      auto u = store.load(user);
      if (!u) return;
      checked[i].index = lookup_index(*u, store.domain_rows(user));
      const AccountFacts facts = load_account_facts(sys, *u);
      for (const auto* part : account_parts())
        checking(out, "the account “" + user + "”", [&] { part->check(root, view, sys, facts, out); });
    });
  });
  std::vector<AccountIndex> accounts;
  accounts.reserve(names.size());
  for (auto& c : checked) {
    problems.insert(problems.end(), std::make_move_iterator(c.problems.begin()),
                    std::make_move_iterator(c.problems.end()));
    if (c.index) accounts.push_back(std::move(*c.index));
  }
  std::vector<Checked>().swap(checked);
  report.accounts = accounts.size();

  // Lookup files: exactly what the accounts give.
  for (const auto& rel : lookup_file_paths()) {
    const std::string want = lookup_file_text(rel, accounts).value_or("");
    auto have = root.read(rel);
    if (!have) {
      if (!accounts.empty())
        problems.push_back("Lookup file " + rel + " is missing (whmkit-check --rebuild-lookups rebuilds it).");
    } else if (auto damage = lookup_file_problems(rel, *have); !damage.empty()) {
      report_damage(problems, rel, damage);
    } else if (*have != want && !(accounts.empty() && have->empty())) {
      problems.push_back("Lookup file " + rel + " does not match the cpuser files.");
    }
  }

  // Orphans: state of accounts that do not exist.
  for (const auto* part : account_parts())
    checking(problems, "for orphaned files", [&] { part->orphans(root, view, users, problems); });
  return report;
}

std::vector<std::string> rebuild_lookups(const StateRoot& root) {
  StateWriter writer(root);
  Transaction& txn = writer.txn();
  rebuild_lookup_files(txn, AccountStore(root).indexes(txn));
  std::vector<std::string> changed;
  for (const auto& rel : lookup_file_paths())
    if (root.read(rel) != txn.read(rel)) changed.push_back(rel);
  writer.commit();
  return changed;
}

}  // namespace whm
