// whmkit: one program, installed as whmapi1, cpapi2 and uapi.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_support.hpp"
#include "curl_api.hpp"
#include "dispatch.hpp"
#include "dry_run.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "state.hpp"

using namespace whm;

static std::string program_name(const char* argv0) {
  std::string p = argv0 ? argv0 : "whmapi1";
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// The state root, which also decides where connections may go (curl_api.hpp).
static StateRoot state_root(std::string root_opt) {
  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  StateRoot root(root_opt.empty() ? "/" : root_opt);
  allow_connections_beyond_loopback(root.is_system_root());
  return root;
}

// --fail (or WHMKIT_FAIL=1): exit 1 when metadata.result is 0; without it an
// answered call exits 0, as cPanel's tools do.
static bool fail_mode(bool flag) {
  const char* env = std::getenv("WHMKIT_FAIL");
  return flag || (env && std::string(env) == "1");
}

// The --output value, or a message on standard error.
static bool output_format(const std::string& prog, const std::string& text, OutputFormat& fmt) {
  if (parse_output_format(text, fmt)) return true;
  std::cerr << prog << ": unknown --output format “" << text << "” (use json, jsonpretty, yaml or xml)\n";
  return false;
}

// --strict (or WHMKIT_STRICT=1): a parameter the function does not declare is
// an error; without it a warning on standard error.
static bool strict_mode(bool flag) {
  const char* env = std::getenv("WHMKIT_STRICT");
  return flag || (env && std::string(env) == "1");
}

static const char* const kCheckHelp =
    "Dry run: print the answer the call would give and, on standard error, what it would change (a diff; "
    "with --output=json one JSON object); change nothing";

static int exit_status(int status, bool fail) { return status == kExitFailed && !fail ? kExitOk : status; }

// Parses the call's words and runs it; a word that is not key=value is a
// bad command line (exit 2, no envelope).
static int run_and_print(const std::string& prog, const StateRoot& root, Call call, const std::string& function,
                         const std::vector<std::string>& words, OutputFormat fmt, bool fail) {
  try {
    call.request = parse_call_words(function, words);
  } catch (const CommandLineError& e) {
    std::cerr << prog << ": " << e.what() << "\n";
    return kExitUnavailable;
  } catch (const ApiError& e) {  // a value refused as it is read (a NUL byte)
    render_envelope(std::cout, call.api, error_envelope(call.api, call.module, function, e.what()), fmt);
    return exit_status(kExitFailed, fail);
  }
  call.warn = [&prog](const std::string& text) { std::cerr << prog << ": warning: " << text << "\n"; };
  return exit_status(run_call(root, std::move(call), fmt, std::cout), fail);
}

// --check: the call runs as a dry run (dry_run.hpp); the envelope it would
// print goes to standard output, what it would change to standard error: a
// unified diff and "would run:" lines, or with JSON output one JSON object
// on one line (docs/dry-run.md).
static int parse_and_run(const std::string& prog, const StateRoot& root, Call call, const std::string& function,
                         const std::vector<std::string>& words, OutputFormat fmt, bool fail, bool check) {
  if (!check) return run_and_print(prog, root, std::move(call), function, words, fmt, fail);
  DryRun dry;
  const int status = run_and_print(prog, root, std::move(call), function, words, fmt, fail);
  std::cout.flush();
  if (fmt == OutputFormat::Json || fmt == OutputFormat::JsonPretty)
    std::cerr << dry.report_json() << "\n";
  else
    std::cerr << dry.report_text();
  return status;
}

// cpapi2 / uapi: --user=USER Module function key=value ...
static int cpanel_main(const std::string& prog, int argc, char** argv) {
  const Api api = prog == "uapi" ? Api::Uapi : Api::Api2;
  if (argc >= 2 && std::string(argv[1]) == "__complete") {
    for (const auto& c : cpanel_completion_candidates(api, {argv + 2, argv + argc})) std::cout << c << "\n";
    return 0;
  }
  CLI::App app{prog + " - run cPanel " + (api == Api::Uapi ? "UAPI" : "API 2") +
                   " functions as one cPanel account (whmkit " WHMKIT_VERSION ")",
               prog};
  std::string output = "yaml", root_opt, user;
  std::vector<std::string> words;
  bool list_functions = false, fail = false, strict = false, check = false;
  app.add_option("--user", user, "The cPanel account to run as (required)");
  app.add_flag("--check", check, kCheckHelp);
  app.add_flag("--fail", fail, "Exit 1 when the call fails (result status 0); also WHMKIT_FAIL=1");
  app.add_flag("--strict", strict,
               "Refuse parameters the function does not declare (default: warn); also WHMKIT_STRICT=1");
  app.add_option("--output", output, "Output format: json, jsonpretty, yaml (default) or xml");
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_flag("--list-functions", list_functions, "List the Module function pairs this program knows");
  app.add_option("call", words, "Module function key=value ...");
  app.footer("Examples:\n  " + prog + " --user=bob Ftp " + (api == Api::Uapi ? "list_ftp" : "listftp") + "\n  " + prog +
             " --user=bob --output=json Cron " + (api == Api::Uapi ? "list_cron" : "listcron") +
             "\nValues may be URI-encoded (%20). Exit status: 0 when an answer was printed (also a failed call:"
             " read its errors); 1 a failed call with --fail; 2 unknown function or bad command line.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUnavailable;
  }
  if (list_functions) {
    for (const auto* f : Registry::instance().module_functions(api)) std::cout << f->module << " " << f->name << "\n";
    return 0;
  }
  OutputFormat fmt;
  if (!output_format(prog, output, fmt)) return kExitUnavailable;
  if (!words.empty() && words[0] == "help") {  // needs no account
    std::string text = words.size() == 3 ? function_help(api, words[1], words[2]) : "";
    if (text.empty()) {
      std::cerr << (words.size() == 3 ? prog + ": unknown function “" + words[1] + " " + words[2] + "”\n"
                                      : "usage: " + prog + " help Module function\n");
      return kExitUnavailable;
    }
    std::cout << text;
    return 0;
  }
  if (words.size() < 2) {
    std::cerr << app.help();
    return kExitUnavailable;
  }
  if (user.empty()) {
    std::cerr << prog << ": you must give the cPanel account with --user=USERNAME\n";
    return kExitUnavailable;
  }
  StateRoot root = state_root(root_opt);
  Call call{api, words[0], {}, user};
  call.strict = strict_mode(strict);
  return parse_and_run(prog, root, std::move(call), words[1], {words.begin() + 2, words.end()}, fmt, fail_mode(fail),
                       check);
}

int main(int argc, char** argv) {
  const std::string prog = program_name(argv[0]);
  if (prog == "cpapi2" || prog == "uapi") return cpanel_main(prog, argc, argv);

  // Shell completion asks the program itself, so it never drifts from the spec.
  if (argc >= 2 && std::string(argv[1]) == "__complete") {
    for (const auto& c : completion_candidates({argv + 2, argv + argc})) std::cout << c << "\n";
    return 0;
  }

  CLI::App app{"whmapi1 - run WHM API 1 functions against the server's state files (whmkit " WHMKIT_VERSION ")",
               "whmapi1"};
  std::string output = "yaml", root_opt, caller = "root";
  std::vector<std::string> words;
  bool show_version = false, list_functions = false, coverage = false, fail = false, strict = false, check = false;
  app.add_option("--output", output, "Output format: json, jsonpretty, yaml (default) or xml");
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_option("--user", caller, "Run as this WHM user: root (default) or a reseller");
  app.add_flag("--check", check, kCheckHelp);
  app.add_flag("--fail", fail, "Exit 1 when the call fails (metadata.result 0); also WHMKIT_FAIL=1");
  app.add_flag("--strict", strict,
               "Refuse parameters the function does not declare (default: warn); also WHMKIT_STRICT=1");
  app.add_flag("--version", show_version, "Print the version and exit");
  app.add_flag("--list-functions", list_functions, "List the functions this program knows, one per line");
  app.add_flag("--coverage", coverage, "Print implemented/total functions per category");
  app.add_option("call", words, "FUNCTION key=value ...  (or: help FUNCTION)");
  app.footer(
      "Examples:\n"
      "  whmapi1 --output=jsonpretty createacct username=bob domain=bob.example plan=default\n"
      "  whmapi1 listaccts search='^bob' searchtype=user want=user,domain,suspended\n"
      "  whmapi1 massmodifyacct user=bob user=carol MAXFTP=10\n"
      "  whmapi1 help createacct\n"
      "Values may be URI-encoded (%20). Repeat a key, or number it (user-0=a user-1=b), to pass a list.\n"
      "Exit status: 0 when an envelope was printed, also when the call failed (metadata.result 0: read\n"
      "metadata.reason); 1 a failed call with --fail (or WHMKIT_FAIL=1); 2 unknown or unimplemented\n"
      "function, or a bad command line.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUnavailable;
  }

  if (show_version) {
    std::cout << "whmkit " WHMKIT_VERSION "\n";
    return 0;
  }
  if (list_functions) {
    for (const auto& n : Registry::instance().names()) std::cout << n << "\n";
    return 0;
  }
  if (coverage) {
    std::cout << coverage_report();
    return 0;
  }
  if (!words.empty() && words.front() == "help") {
    if (words.size() != 2) {
      std::cerr << "usage: whmapi1 help FUNCTION\n";
      return kExitUnavailable;
    }
    std::string text = function_help(words[1]);
    if (text.empty()) {
      std::cerr << "whmapi1: unknown function “" << words[1] << "”";
      auto near = Registry::instance().suggestions(words[1]);
      if (!near.empty()) {
        std::cerr << " (did you mean:";
        for (const auto& n : near) std::cerr << " " << n;
        std::cerr << "?)";
      }
      std::cerr << "\n";
      return kExitUnavailable;
    }
    std::cout << text;
    return 0;
  }
  OutputFormat fmt;
  if (!output_format("whmapi1", output, fmt)) return kExitUnavailable;
  if (words.empty()) {
    std::cerr << app.help();
    return kExitUnavailable;
  }
  StateRoot root = state_root(root_opt);

  Call call{Api::Whm1, "", {}, caller};
  call.strict = strict_mode(strict);
  return parse_and_run("whmapi1", root, std::move(call), words.front(), {words.begin() + 1, words.end()}, fmt,
                       fail_mode(fail), check);
}
