#include "mail_trace.hpp"

#include <set>

#include "email_accounts.hpp"
#include "hostname.hpp"
#include "mail_routing.hpp"
#include "util.hpp"

namespace whm {
namespace {

// Forwarders can point at each other: a trace deeper than this is a loop
// Exim would give up on too.
constexpr int kMaxDepth = 20;

class Tracer {
 public:
  Tracer(const StateRoot& root, const Transaction& view, const CpanelAccount& account)
      : view_(view), account_(account), mailboxes_(view, account, false), hostname_(server_hostname(root)) {}

  nlohmann::json address(const EmailAddress& a, int depth) {
    const std::string full = a.full();
    if (depth > kMaxDepth || !on_path_.insert(full).second)
      return {{"type", "error"}, {"address", full}, {"message", "The address “" + full + "” is routed in a loop."}};
    nlohmann::json node = route(a, depth);
    on_path_.erase(full);
    return node;
  }

 private:
  // `destinations` is always built with json::array(): a braced list of one
  // object would be that object under clang, an array under GCC.
  static nlohmann::json routed(const std::string& address, nlohmann::json destinations,
                               const std::string& aliasfile = "") {
    nlohmann::json node = {{"address", address}, {"type", "routed"}, {"destinations", std::move(destinations)}};
    if (!aliasfile.empty()) node["aliasfile"] = aliasfile;
    return node;
  }
  static nlohmann::json local(const std::string& mailbox) { return {{"mailbox", mailbox}, {"type", "local_delivery"}}; }

  bool is_main_mailbox(const EmailAddress& a) const {
    return a.local == account_.user && (a.domain == account_.main_domain || a.domain == hostname_);
  }

  nlohmann::json route(const EmailAddress& a, int depth) {
    const std::string full = a.full();
    if (is_main_mailbox(a)) return routed(full, nlohmann::json::array({local(account_.user)}));
    if (!account_.owns_domain(a.domain)) {
      if (a.domain == hostname_ || mail_exchanger_of(view_, a.domain) == mail_exchanger::kLocal)
        return routed(full, nlohmann::json::array());  // another account's address
      return {{"address", full}, {"type", "remote_delivery"}};
    }
    if (mail_exchanger_of(view_, a.domain) != mail_exchanger::kLocal)
      return {{"address", full}, {"type", "remote_delivery"}};
    if (const auto target = domain_forward_target(view_, a.domain))
      return routed(full, nlohmann::json::array({address({a.local, *target}, depth + 1)}),
                    "/" + mail_paths::vdomainaliases(a.domain));

    const DomainAliases aliases(view_, a.domain);
    const std::string aliasfile = "/" + mail_paths::valiases(a.domain);
    const bool mailbox = mailboxes_.find(a) != nullptr;
    for (const auto& entry : aliases.entries()) {
      if (entry.address != full) continue;
      nlohmann::json destinations = nlohmann::json::array();
      for (const auto& dest : entry.destinations) destinations.push_back(destination(dest, depth));
      // A forwarder of a mailbox leaves a copy in the mailbox.
      if (mailbox) destinations.push_back(mailbox_node(a));
      return routed(full, destinations, aliasfile);
    }
    if (mailbox) return routed(full, nlohmann::json::array({mailbox_node(a)}));
    if (const auto& fallback = aliases.default_address())
      return routed(full, nlohmann::json::array({destination(*fallback, depth)}), aliasfile);
    return {{"address", full}, {"type", "bounce"}, {"message", "Unrouteable address"}};
  }

  nlohmann::json mailbox_node(const EmailAddress& a) const {
    if (incoming_suspended(view_, paths::rel_from_abs(account_.home), a))
      return {{"type", "bounce"}, {"message", "The mailbox " + a.full() + " is not accepting incoming mail"}};
    return local(a.full());
  }

  nlohmann::json destination(const std::string& quoted, int depth) {
    const std::string dest = unquote_destination(quoted);
    switch (destination_kind(dest)) {
      case DestinationKind::Fail:
        return {{"type", starts_with(dest, ":defer:") ? "defer" : "bounce"},
                {"message", trim(dest.substr(dest.find(':', 1) + 1))}};
      case DestinationKind::Blackhole: return {{"type", "discard"}};
      case DestinationKind::Pipe: return {{"type", "command"}, {"command", trim(dest.substr(1))}};
      case DestinationKind::File: return local(dest);
      case DestinationKind::User:
        return dest == account_.user ? local(dest) : routed(dest + "@" + hostname_, nlohmann::json::array());
      case DestinationKind::Address: break;
    }
    const auto at = dest.rfind('@');
    return address({to_lower(dest.substr(0, at)), to_lower(dest.substr(at + 1))}, depth + 1);
  }

  const Transaction& view_;
  const CpanelAccount& account_;
  const EmailAccounts mailboxes_;
  const std::string hostname_;
  std::set<std::string> on_path_;
};

}  // namespace

nlohmann::json trace_mail_delivery(const StateRoot& root, const Transaction& view, const CpanelAccount& account,
                                   const EmailAddress& recipient) {
  return Tracer(root, view, account).address(recipient, 0);
}

}  // namespace whm
