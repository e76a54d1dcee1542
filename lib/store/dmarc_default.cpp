#include "dmarc_default.hpp"

#include "damage.hpp"
#include "errors.hpp"
#include "mail_auth_records.hpp"
#include "notices.hpp"
#include "util.hpp"

namespace whm {

namespace {
// The stored record, "" for none (or one that is not a DMARC record, with why in `problem`).
std::string stored(const Transaction& view, std::string& problem) {
  const std::string text = trim(view.read(kDefaultDmarcFile).value_or(""));
  if (text.empty()) return "";
  if (text.find('\n') != std::string::npos) {
    problem = "it has more than one line";
    return "";
  }
  if (auto why = dmarc_problem(text)) {
    problem = *why;
    return "";
  }
  return text;
}
}  // namespace

std::string default_dmarc_record(const Transaction& view) {
  std::string problem;
  std::string record = stored(view, problem);
  if (!problem.empty()) add_notice(damage_summary(kDefaultDmarcFile, {problem}));
  return record.empty() ? kBuiltInDmarc : record;
}

bool stage_default_dmarc_record(Transaction& txn, const std::string& param, const std::string& record) {
  const std::string wanted = trim(record);
  if (!wanted.empty())
    if (auto why = dmarc_problem(wanted)) throw invalid_param(param, *why);
  std::string problem;
  if (stored(txn, problem) == wanted && problem.empty() && txn.exists(kDefaultDmarcFile) == !wanted.empty())
    return false;
  if (wanted.empty())
    txn.remove(kDefaultDmarcFile);
  else
    txn.write(kDefaultDmarcFile, wanted + "\n", 0644);
  return true;
}

}  // namespace whm
