// The rules Apache SpamAssassin has installed, as its rule files declare them
// (under the state root): the rules sa-update fetched,
// var/lib/spamassassin/<version>/updates_spamassassin_org/*.cf, or where it
// never ran the packaged ones, usr/share/spamassassin/*.cf; then the site's
// etc/mail/spamassassin/*.cf, whose scores win.
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

struct SpamAssassinRule {
  std::string name;
  // What SpamAssassin tests: head_tests, head_evals, body_tests, rawbody_tests,
  // uri_tests, full_evals, meta_tests, other_tests (cPanel's names).
  std::string rule_type;
  double score = 1.0;  // "score" line; SpamAssassin's default: 1, 0.01 for T_ (testing) rules
};

// Every rule with a definition, by name; "__" sub-rules (parts of meta
// rules, never scored) are left out.
std::vector<SpamAssassinRule> installed_spamassassin_rules(const StateRoot& root);

}  // namespace whm
