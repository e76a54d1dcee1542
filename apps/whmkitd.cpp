// whmkitd: cPanel's HTTP API (WHM on 2087, cPanel on 2083) over the same
// core as whmapi1, cpapi2 and uapi. Runs in the foreground until SIGTERM or
// SIGINT, then finishes the requests in flight and exits 0.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "curl_api.hpp"
#include "state.hpp"
#include "whmkitd.hpp"

using namespace whm;

int main(int argc, char** argv) {
  CLI::App app{"whmkitd - cPanel & WHM's HTTP API (WHM API 0/1, API 2, UAPI) over HTTPS (whmkit " WHMKIT_VERSION ")"};
  std::string root_opt;
  ServerOptions options;
  app.add_option("--root", root_opt, "State root directory (default: $WHMKIT_ROOT or /)");
  app.add_option("--whm-listen", options.whm_listen, "WHM listener, ADDRESS:PORT")->capture_default_str();
  app.add_option("--cpanel-listen", options.cpanel_listen, "cPanel listener, ADDRESS:PORT")->capture_default_str();
  app.add_option(
      "--cert", options.cert_file,
      "TLS certificate (PEM, with its chain); default: var/cpanel/ssl/cpanel/mycpanel.pem, made on first start");
  app.add_option("--key", options.key_file, "TLS private key (PEM); default: in the --cert file");
  app.add_option("--workers", options.workers, "Connections served at once per listener")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--max-body", options.max_body_bytes, "Largest request body, in bytes")->capture_default_str();
  app.add_option("--read-timeout", options.read_timeout_seconds, "Seconds a client may stay silent mid-request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_flag_callback("--version", [] {
    std::cout << "whmkitd (whmkit) " WHMKIT_VERSION "\n";
    std::exit(0);
  });
  CLI11_PARSE(app, argc, argv);

  if (root_opt.empty())
    if (const char* env = std::getenv("WHMKIT_ROOT")) root_opt = env;
  StateRoot root(root_opt.empty() ? "/" : root_opt);
  allow_connections_beyond_loopback(root.is_system_root());

  // The signals are taken by one thread (sigwait), never by a worker.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that goes away is an error on its write, not the end of the server

  Whmkitd server(root, options);
  std::string error;
  if (!server.bind(error)) {
    std::cerr << "whmkitd: " << error << "\n";
    return 1;
  }
  std::cerr << "whmkitd: serving WHM on " << options.whm_listen << " and cPanel on " << options.cpanel_listen
            << " (state root " << root.root() << ")\n";
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "whmkitd: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ": finishing the requests in flight\n";
    server.stop();
  });
  server.serve();
  waiter.join();
  return 0;
}
