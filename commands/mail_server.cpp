// WHM API 1's server-wide mail settings: incoming mail blocked by sender
// domain or country (lib/store/mail_blocks.hpp), the Exim configuration
// checks (lib/store/exim_config.hpp), spamd's options
// (lib/store/spamd_config.hpp), Mail SNI (lib/store/mail_sni.hpp) and the
// default DMARC record (lib/store/dmarc_default.hpp). docs/mail-server.md
// says what each does and what is UNCONFIRMED.
#include <openssl/ssl.h>

#include <algorithm>
#include <map>

#include "account_store.hpp"
#include "damage.hpp"
#include "dmarc_default.hpp"
#include "dovecot_admin.hpp"
#include "errors.hpp"
#include "exim_config.hpp"
#include "lazy_registrations.hpp"
#include "mail_blocks.hpp"
#include "mail_sni.hpp"
#include "notices.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "services.hpp"
#include "spamd_config.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- blocked senders

Handler modify_block(MailBlock which, const char* param, bool block) {
  return [=](Context& ctx, const Request& req) {
    Response r;
    r.data = {{"updated", stage_mail_block(ctx.txn(), which, param, req.list(param), block) ? 1 : 0}};
    return r;
  };
}

Handler list_blocks(MailBlock which, const char* key, const char* field) {
  return [=](Context& ctx, const Request&) {
    Transaction view(ctx.root);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : blocked_senders(view, which)) items.push_back({{field, e}});
    Response r;
    r.data = {{key, items}};
    return r;
  };
}

// ---------------------------------------------------------------- the Exim configuration

// The line numbers of `text` with the error line marked, as cPanel's editor
// shows them: "==>line<==" in text; escaped, the error line in a span, in HTML.
nlohmann::json broken_config(const std::string& text, int error_line) {
  std::string plain, html;
  int n = 0;
  auto all = split(text, '\n');
  while (!all.empty() && all.back().empty()) all.pop_back();  // as Perl's split drops them
  for (const auto& line : all) {
    if (++n > 1) plain += "\n", html += "\n";
    if (n == error_line) {
      plain += "==>" + line + "<==";
      html += "<span class=\"error\">" + html_escape(line) + "</span>";
    } else {
      plain += line;
      html += html_escape(line);
    }
  }
  return {{"broken_cfg_text", plain + "\n"}, {"broken_cfg_html", html + "\n"}, {"error_line", error_line}};
}

const char* const kSections[] = {"acl", "authenticators", "retry", "rewrite", "routers", "transports"};

Response validate_exim_configuration_syntax(Context& ctx, const Request& req) {
  const auto given = req.get("cfg_text");
  const std::string section = req.get_or("section", "");
  if (!section.empty() && std::find(std::begin(kSections), std::end(kSections), section) == std::end(kSections))
    throw invalid_param("section", "“" + section + "” is not a section of an Exim configuration.");
  std::string text;
  EximCheck check;
  if (given) {
    text = *given;
    check = check_exim_text(text, "cfg_text", section);
  } else {
    text = ctx.root.read(exim_config_paths::kInstalled).value_or("");
    check = check_installed_exim_config(ctx.root);
  }
  Response r;
  r.data = nlohmann::json::object();
  if (check.ok) return r;
  r.ok = false;
  r.reason = trim(check.error);
  if (check.error_line > 0) r.data = broken_config(text, check.error_line);
  r.metadata["output"]["raw"] = "\n\nError message from syntax check:\n" + check.error + "\n";
  return r;
}

Response validate_current_installed_exim_config(Context& ctx, const Request&) {
  const EximCheck check = check_installed_exim_config(ctx.root);
  Response r;
  r.ok = check.ok;
  r.reason = check.ok ? "Your configuration is currently valid." : "Your configuration is currently invalid.";
  r.data = {{"message", "<pre>Checking " + server_path(exim_config_paths::kInstalled) + " with " + installed_exim() +
                            " -bV\n" + html_escape(check.output) + "</pre>"}};
  return r;
}

Response exim_configuration_check(Context& ctx, const Request&) {
  const EximCheck check = check_installed_exim_config(ctx.root);
  Response r;
  r.ok = check.ok;
  r.reason = check.ok ? "Configuration OK" : "Configuration Update Failed";
  r.data = {{"message", check.ok ? nlohmann::json() : nlohmann::json(trim(check.error))}};
  return r;
}

Response remove_in_progress_exim_config_edit(Context& ctx, const Request&) {
  for (const auto& rel : exim_edit_in_progress(ctx.root)) ctx.txn().remove(rel);
  Response r;
  r.reason = "Removed OK";
  return r;
}

// ---------------------------------------------------------------- spamd

// cPanel restarts spamd's service after saving; here a running spamd is
// restarted once the file is written, and a failure is a warning.
Response save_spamd_config(Context& ctx, const Request& req) {
  std::map<std::string, std::string> given;
  for (const auto& name : spamd_option_names())
    if (auto v = req.get(name); v && !v->empty()) given[name] = *v;
  stage_spamd_config(ctx.txn(), given);
  const StateRoot& root = ctx.root;
  ctx.txn().on_commit("restart spamd", [&root] {
    const ServiceInfo* spamd = find_service("spamd");
    Services services(root);
    try {
      if (spamd && services.running(*spamd)) services.restart(*spamd);
    } catch (const ApiError& e) {
      add_notice(std::string("spamd was not restarted: ") + e.what());
    }
  });
  return {};
}

// ---------------------------------------------------------------- Mail SNI

// Whether the TLS library the mail servers share with whmkit (OpenSSL)
// serves a certificate per requested name; every OpenSSL whmkit builds
// with does, so the answer is 1 where the build has the extension.
Response is_sni_supported(Context&, const Request&) {
  Response r;
#ifdef SSL_CTRL_SET_TLSEXT_HOSTNAME
  r.data = {{"sni", 1}};
#else
  r.data = {{"sni", 0}};
#endif
  return r;
}

Response mail_sni_status(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  if (!AccountStore(ctx.root).domain_owner(domain))
    throw invalid_param("domain", "No account has the domain “" + domain + "”.");
  Response r;
  r.data = {{"enabled", 1}};
  r.metadata["output"]["warnings"] = nlohmann::json::array({"Mail SNI is always enabled now."});
  return r;
}

Response rebuild_mail_sni_config(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  stage_mail_sni_config(txn);
  txn.commit();
  Response r;
  if (req.flag("reload_dovecot")) {
    auto argv = doveadm_command(ctx.root, "Dovecot was not reloaded.");
    argv.push_back("reload");
    auto run = run_with_input(argv, "");
    if (!run || run->status != 0) {
      r.ok = false;
      r.reason = "The system failed to rebuild the Mail SNI configuration. Error: “" +
                 (run ? trim(run->output) : std::string("doveadm could not be run")) + "”.";
      return r;
    }
  }
  r.data = {{"configs_built", {server_path(mail_sni_paths::kDovecotSni), server_path(mail_sni_paths::kEximSniMap)}},
            {"success", 1}};
  return r;
}

// ---------------------------------------------------------------- the default DMARC record

Response set_default_dmarc_record(Context& ctx, const Request& req) {
  stage_default_dmarc_record(ctx.txn(), "record", req.get_or("record", ""));
  Response r;
  r.data = {{"payload", {{"success", 1}}}};
  return r;
}

Response get_default_dmarc_record(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"payload", {{"record", default_dmarc_record(view)}}}};
  return r;
}

ParamSpec values_param(const char* name, const char* what) {
  return described(list_param(name, ParamType::String, true), what);
}

ParamSpec config_text_param() {
  ParamSpec p = described(optional_param("cfg_text"), "The configuration text to check (left out: /etc/exim.conf).");
  p.multiline = true;  // checked by Exim, never written anywhere
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"block_incoming_email_from_country",
                  modify_block(MailBlock::Countries, "country_code", true),
                  Access::Write,
                  root_only(),
                  {values_param("country_code",
                                "An ISO 3166-1 alpha-2 code the GeoIP database has (ZZ: no country).")}}),
    Registration({"unblock_incoming_email_from_country",
                  modify_block(MailBlock::Countries, "country_code", false),
                  Access::Write,
                  root_only(),
                  {values_param("country_code", "An ISO 3166-1 alpha-2 code the GeoIP database has.")}}),
    Registration({"list_blocked_incoming_email_countries",
                  list_blocks(MailBlock::Countries, "countries", "country_code"), Access::Read, root_only()}),
    Registration({"block_incoming_email_from_domain",
                  modify_block(MailBlock::Domains, "domain", true),
                  Access::Write,
                  root_only(),
                  {values_param("domain", "A sender domain; “*.example.com” blocks its subdomains.")}}),
    Registration({"unblock_incoming_email_from_domain",
                  modify_block(MailBlock::Domains, "domain", false),
                  Access::Write,
                  root_only(),
                  {values_param("domain", "A blocked sender domain.")}}),
    Registration({"list_blocked_incoming_email_domains", list_blocks(MailBlock::Domains, "domains", "domain"),
                  Access::Read, root_only()}),
    Registration({"validate_exim_configuration_syntax",
                  validate_exim_configuration_syntax,
                  Access::Read,
                  root_only(),
                  {config_text_param()}}),
    Registration({"validate_current_installed_exim_config", validate_current_installed_exim_config, Access::Read,
                  root_only()}),
    Registration({"exim_configuration_check", exim_configuration_check, Access::Read, root_only()}),
    Registration({"remove_in_progress_exim_config_edit", remove_in_progress_exim_config_edit, Access::Write,
                  root_only()}),
    Registration({"save_spamd_config", save_spamd_config, Access::Write, root_only()}),
    Registration({"is_sni_supported", is_sni_supported, Access::Read, root_only()}),
    Registration({"mail_sni_status",
                  mail_sni_status,
                  Access::Read,
                  any_reseller({{"domain", Owned::Domain}}),
                  {required_param("domain", ParamType::Domain)}}),
    // Its own transaction: Dovecot reloads the files once they are written.
    Registration({"rebuild_mail_sni_config", rebuild_mail_sni_config, Access::Write, root_only()}),
    Registration({"set_default_dmarc_record", set_default_dmarc_record, Access::Write, root_only()}),
    Registration({"get_default_dmarc_record", get_default_dmarc_record, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
