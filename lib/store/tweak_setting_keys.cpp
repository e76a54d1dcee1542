#include "tweak_setting_keys.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>

#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ------------------------------------------------------------ building the table

struct Key : TweakKey {
  Key(const char* name, TweakType type, const char* fallback) {
    this->name = name;
    this->type = type;
    if (fallback) this->fallback = fallback;
  }
  Key& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }
  Key& undefinable() {
    can_undef = true;
    return *this;
  }
  Key& needs(const char* other) {
    depends_on = other;
    return *this;
  }
  Key& beside(SideFile kind, const char* path) {
    side = kind;
    side_path = path;
    return *this;
  }
};

Key binary(const char* name, const char* fallback) { return Key(name, TweakType::Binary, fallback); }
Key inverse(const char* name, const char* fallback) { return Key(name, TweakType::InverseBinary, fallback); }
Key choice(const char* name, const char* fallback, std::vector<std::string> choices) {
  Key k(name, TweakType::Choice, fallback);
  k.choices = std::move(choices);
  return k;
}
Key number(const char* name, TweakType type, const char* fallback) { return Key(name, type, fallback); }

constexpr auto kNatural = TweakType::Natural;
constexpr auto kWhole = TweakType::Whole;
constexpr auto kFloat = TweakType::PositiveFloat;
constexpr auto kPercent = TweakType::Percent;

// The "Main" module: cPanel's Whostmgr::TweakSettings::Main keys, with the
// defaults of the shipped usr/local/cpanel/etc/cpanel.config (v120).
std::vector<TweakKey> main_keys() {
  std::vector<Key> keys = {
      // Domains and DNS
      binary("allowparkhostnamedomainsubdomains", "0"),
      binary("allowparkonothers", "0"),
      binary("allowremotedomains", "0"),
      binary("allowresellershostnamedomainsubdomains", "0"),
      binary("allowunregistereddomains", "0"),
      binary("allowwhmparkonothers", "0"),
      binary("autocreateaentries", "1"),
      binary("blockcommondomains", "1"),
      binary("check_zone_owner", "1"),
      binary("check_zone_syntax", "1"),
      binary("proxysubdomains", "1"),
      binary("proxysubdomainsoverride", "1").needs("proxysubdomains"),
      binary("overwritecustomproxysubdomains", "0").needs("proxysubdomains"),
      binary("autodiscover_proxy_subdomains", "1").needs("proxysubdomains"),
      binary("overwritecustomsrvrecords", "0").needs("autodiscover_proxy_subdomains"),
      Key("autodiscover_host", TweakType::Special, "cpanelemaildiscovery.cpanel.net")
          .needs("autodiscover_proxy_subdomains"),
      choice("autodiscover_mail_service", "imap", {"imap", "pop3"}).needs("autodiscover_proxy_subdomains"),
      binary("publichtmlsubsonly", "1"),
      binary("share_docroot_default", "1"),
      binary("useauthnameservers", "0"),
      number("bind_deferred_restart_time", kWhole, "2").range(std::nullopt, 300),
      Key("dnsadminapp", TweakType::Special, nullptr).undefinable(),
      binary("dnsadmin_verbose_sync", "0"),
      Key("dnsadmin_log", TweakType::Special, "0").range(0, 9),
      number("dns_recursive_query_pool_size", kNatural, "10").undefinable(),
      binary("dnslookuponconnect", "0"),
      // Mail
      choice("defaultmailaction", "localuser", {"localuser", "fail", "blackhole"}),
      choice("email_account_quota_default_selected", "userdefined", {"unlimited", "userdefined"}),
      number("email_account_quota_userdefined_default_value", kNatural, "1024").range(std::nullopt, 4194304),
      number("default_pkg_max_emailacct_quota", kNatural, "1024").range(std::nullopt, 4194304),
      binary("domainowner_mail_pass", "0").beside(SideFile::Touch, "var/cpanel/allow_domainowner_mail_pass"),
      number("exim-retrytime", kNatural, "15"),
      binary("eximmailtrap", "1").beside(SideFile::Touch, "etc/eximmailtrap"),
      number("email_send_limits_max_defer_fail_percentage", TweakType::PercentInteger, nullptr).undefinable(),
      binary("email_send_limits_count_mailman", "0")
          .beside(SideFile::Touch, "var/cpanel/email_send_limits/count_mailman"),
      Key("email_send_limits_defer_cutoff", TweakType::Special, "125")
          .range(100, 10000)
          .beside(SideFile::Size, "var/cpanel/email_send_limits/defer_cutoff"),
      number("email_send_limits_min_defer_fail_to_trigger_protection", kNatural, "5"),
      binary("email_outbound_spam_detect_enable", "1"),
      choice("email_outbound_spam_detect_action", "noaction", {"noaction", "hold", "block"})
          .needs("email_outbound_spam_detect_enable"),
      number("email_outbound_spam_detect_threshold", kNatural, "500").needs("email_outbound_spam_detect_enable"),
      choice("mailbox_storage_format", "maildir", {"mdbox", "maildir"}),
      number("maxemailsperhour", kNatural, nullptr)
          .undefinable()
          .beside(SideFile::Value, "var/cpanel/maxemailsperhour"),
      // whmkit's bound: cPanel writes a file of that many bytes, unbounded.
      number("emailsperdaynotify", kNatural, nullptr)
          .range(std::nullopt, 1000000)
          .undefinable()
          .beside(SideFile::Size, "var/cpanel/email_send_limits/daily_limit_notify"),
      binary("nobodyspam", "1").beside(SideFile::Touch, "etc/webspam"),
      binary("popbeforesmtp", "0").beside(SideFile::Touch, "etc/popbeforesmtp"),
      binary("popbeforesmtpsenders", "0")
          .needs("popbeforesmtp")
          .beside(SideFile::Touch, "etc/eximpopbeforesmtpwarning"),
      binary("emailarchive", "0"),
      inverse("skipboxtrapper", "0"),
      inverse("skiproundcube", "0"),
      inverse("skipmailman", "0"),
      inverse("skipspamassassin", "0"),
      inverse("skipspambox", "0"),
      binary("smtpmailgidonly", "1"),
      binary("usemailformailmanurl", "0"),
      binary("disk_usage_include_mailman", "1"),
      binary("create_account_dkim", "1"),
      binary("create_account_spf", "1"),
      binary("emailpasswords", "0"),
      // Notifications
      inverse("skipboxcheck", "1"),
      inverse("skipdiskcheck", "0"),
      inverse("skipdiskusage", "0"),
      inverse("skipoomcheck", "0"),
      inverse("skipbwlimitcheck", "0").beside(SideFile::Touch, "var/cpanel/bwlimitcheck.disabled"),
      inverse("skipnotifyacctbackupfailure", "0"),
      inverse("skip_chkservd_recovery_notify", "0"),
      inverse("chkservd_plaintext_notify", "0"),
      number("emailusers_diskusage_full_percent", kPercent, "98").undefinable(),
      number("emailusers_diskusage_critical_percent", kPercent, "90").undefinable(),
      number("emailusers_diskusage_warn_percent", kPercent, "80").undefinable(),
      binary("emailusers_diskusage_full_contact_admin", "1").needs("emailusers_diskusage_full_percent"),
      binary("emailusers_diskusage_critical_contact_admin", "1").needs("emailusers_diskusage_critical_percent"),
      binary("emailusers_diskusage_warn_contact_admin", "0").needs("emailusers_diskusage_warn_percent"),
      number("emailusers_mailbox_full_percent", kPercent, "98").undefinable(),
      number("emailusers_mailbox_critical_percent", kPercent, "90").undefinable(),
      number("emailusers_mailbox_warn_percent", kPercent, "80").undefinable(),
      number("system_diskusage_critical_percent", kPercent, "92.55").undefinable(),
      number("system_diskusage_warn_percent", kPercent, "82.55").undefinable(),
      binary("emailusersbandwidthexceed", "1"),
      binary("emailusersbandwidthexceed70", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed75", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed80", "1").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed85", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed90", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed95", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed97", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed98", "0").needs("emailusersbandwidthexceed"),
      binary("emailusersbandwidthexceed99", "0").needs("emailusersbandwidthexceed"),
      binary("notify_expiring_certificates", "1"),
      binary("send_error_reports", "0"),
      number("tcp_check_failure_threshold", kNatural, "3").undefinable(),
      number("chkservd_check_interval", kFloat, "300").range(60, 7200),
      number("chkservd_hang_allowed_intervals", kFloat, "2").range(1, 20),
      // PHP (cPanel's own PHP)
      number("php_memory_limit", TweakType::Megabytes, "128").range(128, 16384),
      number("php_post_max_size", TweakType::Megabytes, "55").range(55, 2047),
      number("php_upload_max_filesize", TweakType::Megabytes, "50").range(50, 2047),
      Key("php_max_execution_time", TweakType::Special, "90").range(90, 500),
      Key("phploader", TweakType::MultiChoice, ""),
      // Security
      binary("allow_deprecated_accesshash", "0"),
      binary("allow_login_autocomplete", "1"),
      binary("alwaysredirecttossl", "1"),
      binary("api_shell", "0"),
      binary("cgihidepass", "0"),
      choice("cookieipvalidation", "strict", {"disabled", "loose", "strict"}),
      binary("coredump", "0"),
      binary("csp", "0"),
      binary("disable-php-as-reseller-security", "0"),
      binary("enablecompileroptimizations", "0").beside(SideFile::Touch, "var/cpanel/compileroptimize"),
      binary("enablefileprotect", "1"),
      binary("jailapache", "0"),
      binary("jaildefaultshell", "0"),
      binary("jailmountbinsuid", "0").beside(SideFile::Touch, "var/cpanel/conf/jail/flags/mount_bin_suid"),
      binary("jailmountusrbinsuid", "0").beside(SideFile::Touch, "var/cpanel/conf/jail/flags/mount_usr_bin_suid"),
      choice("jailprocmode", "mount_proc_jailed_fallback_full",
             {"mount_proc_full", "mount_proc_jailed_fallback_full", "mount_proc_jailed_fallback_none"})
          .beside(SideFile::ProcFlag, "var/cpanel/conf/jail/flags"),
      binary("referrerblanksafety", "0"),
      binary("referrersafety", "0"),
      binary("requiressl", "1"),
      inverse("skiphttpauth", "1"),
      binary("skipparentcheck", "0").beside(SideFile::Touch, "var/cpanel/skipparentcheck"),
      Key("ssh_host_key_checking", TweakType::Special, "0"),
      choice("ssl_default_key_type", "rsa-2048", {"rsa-2048", "rsa-4096", "ecdsa-prime256v1", "ecdsa-secp384r1"}),
      binary("userdirprotect", "1"),
      binary("use_apache_md5_for_htaccess", "1"),
      binary("xframecpsrvd", "1"),
      binary("invite_sub", "1"),
      binary("resetpass", "1"),
      binary("resetpass_sub", "1"),
      binary("log_successful_logins", "0"),
      choice("account_login_access", "owner_root", {"owner_root", "owner", "user"}),
      binary("enable_api_log", "0"),
      choice("signature_validation", "Release Keyring Only",
             {"Off", "Release Keyring Only", "Release and Development Keyrings"}),
      binary("verify_3rdparty_cpaddons", "0"),
      binary("skipfirewall", "0"),
      binary("skip_rules_added_by_configure_firewall_for_cpanel", "0"),
      // Logs and statistics
      inverse("skipanalog", "0"),
      inverse("skipawstats", "0"),
      inverse("skipwebalizer", "0"),
      binary("awstatsbrowserupdate", "0"),
      binary("awstatsreversedns", "0"),
      binary("default_archive-logs", "1"),
      binary("default_remove-old-archived-logs", "1").needs("default_archive-logs"),
      binary("dumplogs", "1"),
      binary("enable_piped_logs", "1"),
      number("extracpus", kWhole, "0"),
      binary("keepftplogs", "0"),
      binary("keeplogs", "0"),
      binary("keepstatslog", "0"),
      Key("logchmod", TweakType::Special, "0640"),
      Key("rotatelogs_size_threshhold_in_megabytes", TweakType::Special, "300").range(10, std::nullopt),
      binary("showwhmbwusageinmegs", "0"),
      Key("statsloglevel", TweakType::Special, "1").range(1, 10),
      number("loadthreshold", kFloat, nullptr).undefinable(),
      number("exim_retention_days", kFloat, "10").range(1, 365000),
      number("modsec_keep_hits", kWhole, "7"),
      number("upcp_log_retention_days", kWhole, "45").range(3, 999),
      number("update_log_analysis_retention_length", kWhole, "90").range(0, std::nullopt).undefinable(),
      // Accounts, packages and quotas
      number("default_pkg_quota", kNatural, "10240"),
      number("default_pkg_bwlimit", kNatural, "1048576"),
      binary("database_prefix", "1"),
      binary("force_short_prefix", "0").needs("database_prefix"),
      binary("disk_usage_include_sqldbs", "1"),
      binary("use_information_schema", "1").needs("disk_usage_include_sqldbs"),
      binary("usemysqloldpass", "0"),
      binary("mycnf_auto_adjust_innodb_buffer_pool_size", "0"),
      binary("mycnf_auto_adjust_maxallowedpacket", "1"),
      binary("mycnf_auto_adjust_openfiles_limit", "1"),
      inverse("pma_disableis", "0"),
      inverse("disablequotacache", "0"),
      binary("file_usage", "0"),
      binary("enforce_user_account_limits", "0"),
      binary("copy_default_error_documents", "0"),
      Key("numacctlist", TweakType::Special, "30").undefinable(),
      number("repquota_timeout", kNatural, "60"),
      Key("empty_trash_days", TweakType::Special, "disabled"),
      Key("maxmem", TweakType::Special, "4096").undefinable(),
      // cPanel's own services
      Key("allow_server_info_status_from", TweakType::Special, ""),
      Key("apache_port", TweakType::Special, "0.0.0.0:80").beside(SideFile::Value, "var/cpanel/config/apache/port"),
      Key("apache_ssl_port", TweakType::Special, "0.0.0.0:443"),
      binary("allowcpsslinstall", "1"),
      binary("conserve_memory", "0").beside(SideFile::Touch, "var/cpanel/conserve_memory"),
      number("cpdavd_caldav_upload_limit", kWhole, "10").range(1, std::nullopt),
      choice("cpredirect", "Origin Domain Name", {"Hostname", "Origin Domain Name"}),
      choice("cpredirectssl", "SSL Certificate Name", {"SSL Certificate Name", "Hostname", "Origin Domain Name"}),
      binary("cpsrvd-domainlookup", "0"),
      choice("debughooks", "0", {"0", "log", "logdata", "logall"}),
      choice("debugui", "0", {"0", "1"}),
      Key("default_login_theme", TweakType::Special, "cpanel"),
      binary("disable_cphttpd", "0"),
      binary("display_cpanel_doclinks", "0"),
      binary("display_cpanel_promotions", "1"),
      binary("display_upgrade_opportunities", "0"),
      Key("dormant_services", TweakType::MultiChoice, "cpdavd,cphulkd,cpsrvd,dnsadmin,spamd"),
      Key("file_upload_max_bytes", TweakType::Special, nullptr).range(1, 10240).undefinable(),
      number("file_upload_must_leave_bytes", kNatural, "5"),
      number("ftpquotacheck_expire_time", kFloat, "30").range(1, 365000),
      number("gzip_compression_level", kWhole, "6").range(1, 9),
      number("gzip_pigz_block_size", kWhole, "4096").range(128, 524288),
      number("gzip_pigz_processes", kWhole, "1").range(1, 128),
      Key("htaccess_check_recurse", TweakType::Special, "2").range(0, std::nullopt),
      number("httpd_deferred_restart_time", kWhole, "0"),
      number("ionice_bandwidth_processing", kWhole, "6").range(0, 7),
      number("ionice_cpbackup", kWhole, "6").range(0, 7),
      number("ionice_dovecot_maintenance", kWhole, "7").range(0, 7),
      number("ionice_email_archive_maintenance", kWhole, "7").range(0, 7),
      number("ionice_ftpquotacheck", kWhole, "6").range(0, 7),
      number("ionice_log_processing", kWhole, "7").range(0, 7),
      number("ionice_quotacheck", kWhole, "6").range(0, 7),
      number("ionice_userbackup", kWhole, "7").range(0, 7),
      number("ionice_userproc", kWhole, "6").range(0, 7),
      binary("autoupdate_certificate_on_hostname_mismatch", "1")
          .beside(SideFile::InverseTouch, "var/cpanel/ssl/disable_hostname_mismatch_check"),
      binary("ipv6_control", "0").beside(SideFile::Touch, "var/cpanel/ipv6_control"),
      binary("ipv6_listen", "0").beside(SideFile::Touch, "var/cpanel/ipv6_listen"),
      Key("logout_redirect_url", TweakType::Text, ""),
      binary("maintenance_rpm_version_check", "1"),
      binary("maintenance_rpm_version_digest_check", "1").needs("maintenance_rpm_version_check"),
      number("maxcpsrvdconnections", kNatural, "200").range(200, 16384),
      number("min_time_between_apache_graceful_restarts", kNatural, "10").range(10, 600),
      inverse("nosendlangupdates", "0"),
      binary("permit_appconfig_entries_without_acls", "0"),
      binary("permit_appconfig_entries_without_features", "0"),
      binary("permit_unregistered_apps_as_reseller", "0"),
      binary("permit_unregistered_apps_as_root", "0"),
      Key("remotewhmtimeout", TweakType::Special, "35").range(35, std::nullopt),
      binary("rpmup_allow_kernel", "0"),
      binary("selfsigned_generation_for_bestavailable_ssl_install", "1"),
      binary("show_reboot_banner", "1"),
      number("transfers_timeout", kWhole, "1800").range(1800, 172800),
      // cPAddons
      Key("cpaddons_adminemail", TweakType::Text, ""),
      binary("cpaddons_autoupdate", "1"),
      number("cpaddons_max_moderation_req_all_mod", kNatural, "99"),
      number("cpaddons_max_moderation_req_per_mod", kNatural, "99"),
      binary("cpaddons_moderation_request", "0"),
      inverse("cpaddons_no_3rd_party", "0"),
      inverse("cpaddons_no_modified_cpanel", "1"),
      binary("cpaddons_notify_owner", "1"),
      binary("cpaddons_notify_root", "1"),
      choice("cpaddons_notify_users", "Allow users to choose", {"Allow users to choose", "always", "never"}),
      // whmkit's own (cPanel's is not documented): the domain under which
      // createacct without a domain names the account's temporary domain.
      Key("temporary_domain_base", TweakType::Special, nullptr).undefinable(),
  };
  for (auto& k : keys)
    if (k.name == "dormant_services")
      k.choices = {"cpdavd", "cphulkd", "cpsrvd", "dnsadmin", "spamd"};
    else if (k.name == "phploader")
      k.choices = {"ioncube", "sourceguardian"};
  return {keys.begin(), keys.end()};
}

// The "Basic" module: Basic WebHost Manager Setup, etc/wwwacct.conf.
std::vector<TweakKey> basic_keys() {
  std::vector<Key> keys = {
      Key("ADDR", TweakType::Special, nullptr),
      Key("ADDR6", TweakType::Special, nullptr),
      Key("CONTACTEMAIL", TweakType::Special, nullptr),
      Key("CONTACTPAGER", TweakType::Special, nullptr),
      Key("DEFMOD", TweakType::Special, "jupiter"),
      Key("EMAILFROMNAME", TweakType::Special, nullptr),
      Key("EMAILREPLYTO", TweakType::Special, nullptr),
      Key("ETHDEV", TweakType::Special, nullptr),
      Key("HOMEDIR", TweakType::Special, "/home"),
      Key("HOMEMATCH", TweakType::Text, "home"),
      choice("LOGSTYLE", "combined", {"combined", "common"}),
      Key("NS", TweakType::Special, nullptr),
      Key("NS2", TweakType::Special, nullptr),
      Key("NS3", TweakType::Special, nullptr),
      Key("NS4", TweakType::Special, nullptr),
      Key("NSTTL", TweakType::Special, "86400"),
      choice("SCRIPTALIAS", "y", {"y", "n"}),
      Key("TTL", TweakType::Special, "14400"),
  };
  return {keys.begin(), keys.end()};
}

const std::map<std::string, TweakKey>& table(TweakModule module) {
  static const auto build = [](std::vector<TweakKey> keys) {
    std::map<std::string, TweakKey> by_name;
    for (auto& k : keys) by_name.emplace(k.name, std::move(k));
    return by_name;
  };
  static const std::map<std::string, TweakKey> main_table = build(main_keys());
  static const std::map<std::string, TweakKey> basic_table = build(basic_keys());
  return module == TweakModule::Main ? main_table : basic_table;
}

// ------------------------------------------------------------ checking values

TweakCheck ok(std::string v) { return {std::move(v), ""}; }
TweakCheck refused(std::string why) { return {std::nullopt, std::move(why)}; }

bool is_whole(const std::string& v) { return !v.empty() && is_digits(v) && v.size() < 16; }
bool is_natural(const std::string& v) { return is_whole(v) && std::stoll(v) >= 1; }
// Perl's int() of a string of digits: no leading zeros.
std::string canonical_int(const std::string& v) { return std::to_string(std::stoll(v)); }

// "1", "1.5", ".5": what cPanel's float checks accept (no sign, no exponent).
std::optional<double> unsigned_decimal(const std::string& v) {
  static const std::regex form(R"(\d*(\.\d+)?)");
  if (v.empty() || v.size() > 32 || !std::regex_match(v, form)) return std::nullopt;
  return std::stod(v);
}
// Perl's "$val + 0" of such a number: "30.50" -> "30.5", "007" -> "7".
std::string perl_number(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += items.size() == 2 ? " or " : (i + 1 == items.size() ? ", or " : ", ");
    out += "“" + items[i] + "”";
  }
  return out;
}

bool is_ipv6(const std::string& v) {
  static const std::regex form(R"([0-9a-fA-F:.]{2,45})");
  return v.size() <= 45 && v.find(':') != std::string::npos && std::regex_match(v, form);
}

// A nameserver as cPanel normalizes it: trimmed, lowercase, no trailing dot.
std::string normalize_nameserver(std::string v) {
  v = to_lower(trim(v));
  while (!v.empty() && v.back() == '.') v.pop_back();
  return v;
}

std::vector<std::string> split_list(const std::string& value, const char* separators) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : value) {
    if (std::string_view(separators).find(c) != std::string_view::npos) {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

// Apache "Allow from" values that would mean everyone, or inject a directive.
bool allowed_from_value(const std::string& v) {
  if (v == "all") return true;
  if (v == "::" || starts_with(v, "[::]") || v == "/0" || starts_with(v, "0")) return false;
  if (v == ":" || (v.size() >= 2 && v.back() == ':' && std::isdigit(static_cast<unsigned char>(v[v.size() - 2]))))
    return false;
  return v.find_first_of("<>") == std::string::npos;
}

TweakCheck check_special(const TweakKey& key, const std::string& v, const std::string& root) {
  const std::string& n = key.name;
  if (n == "autodiscover_host" || n == "temporary_domain_base") {
    std::string d = to_lower(trim(v));
    if (!d.empty() && d.back() == '.') d.pop_back();
    if (d.empty() || domain_syntax_error(d)) return refused("Host is not a valid domain name.");
    return ok(d);
  }
  if (n == "dnsadminapp") {
    if (v.empty() || v[0] != '/' || plain_absolute_path_error(v) || access((root + v).c_str(), X_OK) != 0)
      return refused("Value must be a full path");
    return ok(v);
  }
  if (n == "dnsadmin_log" || n == "numacctlist") {
    if (n == "numacctlist" ? !is_natural(v) : !is_whole(v)) return refused("Value must be a number");
    return ok(canonical_int(v));
  }
  if (n == "email_send_limits_defer_cutoff") {
    if (!is_whole(v) || std::stoll(v) < 100 || std::stoll(v) > 10000)
      return refused("Value must be a number between 100 and 10000");
    return ok(canonical_int(v));
  }
  if (n == "php_max_execution_time") {
    // cPanel checks it against php_upload_max_filesize's bounds first (sic),
    // then against its own 90..500.
    if (!is_natural(v) || std::stoll(v) < 50 || std::stoll(v) > 2047)
      return refused("Value must be at least 50 seconds and no more than 2047 seconds");
    return ok(canonical_int(v));
  }
  if (n == "ssh_host_key_checking") {
    if (v == "disabled" || v == "0") return ok("0");
    if (v == "enabled" || v == "1") return ok("1");
    if (v == "dns") return ok(v);
    return refused("The parameter “ssh_host_key_checking” must be “disabled”, “enabled”, or “dns”.");
  }
  if (n == "logchmod") {
    static const std::regex mode("[01][0-7]{3}");
    if (v.size() != 4 || !std::regex_match(v, mode)) return refused("Value must be valid permissions set");
    return ok(v);  // the leading zero stays
  }
  if (n == "rotatelogs_size_threshhold_in_megabytes") {
    if (!is_natural(v) || std::stoll(v) < 10) return refused("Value must be a number above 10");
    return ok(canonical_int(v));
  }
  if (n == "statsloglevel") {
    if (!is_natural(v) || std::stoll(v) > 10) return refused("Value must be a numer below 10");
    return ok(canonical_int(v));
  }
  if (n == "empty_trash_days") {
    if (v == "disabled") return ok(v);
    if (!is_whole(v)) return refused("Value must be a whole number");
    return ok(canonical_int(v));
  }
  if (n == "maxmem") {
    if (v == "unlimited" || (is_whole(v) && std::stoll(v) == 0)) return ok("0");
    if (!is_whole(v) || std::stoll(v) < 4096) return refused("Value must be a whole positive integer larger than 4096");
    return ok(canonical_int(v));
  }
  if (n == "allow_server_info_status_from") {
    std::vector<std::string> bad, list = split_list(v, ",; \t");
    for (const auto& item : list)
      if (!allowed_from_value(item)) bad.push_back(item);
    if (!bad.empty()) return refused("The following are illegal values: " + join(bad, " "));
    return ok(join(list, " "));
  }
  if (n == "apache_port" || n == "apache_ssl_port") {
    static const std::regex form(R"((\d+\.\d+\.\d+\.\d+:\d+|\d+))");
    if (v.size() > 21 || !std::regex_match(v, form)) return refused("Value must be in the format IP:PORT");
    return ok(v);
  }
  if (n == "default_login_theme" || n == "DEFMOD") {
    if (v.empty() || v.find('/') != std::string::npos || v == "." || v == "..")
      return refused("Value does not meet data requirements");
    return ok(v);
  }
  if (n == "file_upload_max_bytes") {
    auto d = unsigned_decimal(v);
    if (!d || *d < 1 || *d > 10240) return refused("Value must be a float between 1 and 10240");
    return ok(perl_number(*d));
  }
  if (n == "htaccess_check_recurse") {
    if (!is_whole(v)) return refused("Value must be a positive integer greater thqn 0");
    return ok(canonical_int(v));
  }
  if (n == "remotewhmtimeout") {
    if (!is_natural(v) || std::stoll(v) < 35) return refused("Value must be a positive integer greater than 35");
    return ok(canonical_int(v));
  }
  // Basic (wwwacct.conf)
  if (n == "ADDR") {
    std::string ip;
    for (char c : v)
      if (!std::isspace(static_cast<unsigned char>(c))) ip += c;
    if (!is_valid_ipv4(ip)) return refused("Address (" + ip + ") is not a valid IPv4 address.");
    const long long first = std::stoll(ip.substr(0, ip.find('.')));
    if (first >= 224 && first < 240) return refused("Multicast address (" + ip + ") is not valid for this setting.");
    return ok(ip);
  }
  if (n == "ADDR6") {
    std::string ip = to_lower(trim(v));
    if (ip.empty()) return ok("");
    if (!is_ipv6(ip)) return refused("The address is not a valid IPv6 address.");
    return ok(ip);
  }
  if (n == "CONTACTEMAIL" || n == "CONTACTPAGER") {
    std::vector<std::string> list = split_list(v, ",; \t");
    for (const auto& a : list)
      if (!is_valid_email(a)) return refused("Value does not meet data requirements");
    return ok(join(list, ","));
  }
  if (n == "EMAILFROMNAME") {
    std::string t = trim(v);
    if (t.find_first_of("\\\"") != std::string::npos) return refused("Value does not meet data requirements");
    return ok(t);
  }
  if (n == "EMAILREPLYTO") {
    std::string t = trim(v);
    if (!t.empty() && !is_valid_email(t)) return refused("Value does not meet data requirements");
    return ok(t);
  }
  if (n == "ETHDEV") {
    static const std::regex form(R"([a-zA-Z]+[a-zA-Z0-9]*(\.[0-9]+)?[:0-9]*)");
    std::string dev = trim(v);
    if (dev == "lo" || dev.size() > 32 || !std::regex_match(dev, form))
      return refused("Value does not meet data requirements");
    return ok(dev);
  }
  if (n == "HOMEDIR") {
    std::string dir;
    for (char c : v)
      if (!std::isspace(static_cast<unsigned char>(c))) dir += c;
    if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (plain_absolute_path_error(dir)) return refused("Value does not meet data requirements");
    struct stat st;
    if (::stat((root + dir).c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      return refused("This home directory does not exist.");
    return ok(dir);
  }
  if (n == "NS" || n == "NS2" || n == "NS3" || n == "NS4") {
    std::string ns = normalize_nameserver(v);
    if (ns.empty()) return ok("");
    if (domain_syntax_error(ns)) return refused("Value does not meet data requirements");
    return ok(ns);
  }
  if (n == "TTL" || n == "NSTTL") {
    std::string t;
    for (char c : v)
      if (!std::isspace(static_cast<unsigned char>(c))) t += c;
    if (!is_whole(t) || std::stoll(t) > 2147483647) return refused("Value does not meet data requirements");
    return ok(t);
  }
  return refused("Value does not meet data requirements");
}

}  // namespace

const TweakKey* find_tweak_key(TweakModule module, const std::string& name) {
  const auto& t = table(module);
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

std::vector<const TweakKey*> tweak_keys(TweakModule module) {
  std::vector<const TweakKey*> out;
  for (const auto& [name, key] : table(module)) out.push_back(&key);
  return out;
}

TweakCheck check_tweak_value(const TweakKey& key, const std::string& value, const std::string& root) {
  if (value.empty() && key.can_undef) return {std::nullopt, ""};
  TweakCheck c;
  switch (key.type) {
    case TweakType::Binary:
    case TweakType::InverseBinary:
      c = value == "0" || value == "1" ? ok(value) : refused("Value must be either 0 or 1");
      break;
    case TweakType::Choice:
      c = std::find(key.choices.begin(), key.choices.end(), value) != key.choices.end()
              ? ok(value)
              : refused("The parameter “" + key.name + "” must be " + quoted_list(key.choices) + ".");
      break;
    case TweakType::MultiChoice: {
      std::vector<std::string> on = split_list(value, ", ");
      for (const auto& item : on)
        if (std::find(key.choices.begin(), key.choices.end(), item) == key.choices.end())
          return refused("Value is not a valid key");
      std::sort(on.begin(), on.end());
      on.erase(std::unique(on.begin(), on.end()), on.end());
      c = ok(join(on, ","));
      break;
    }
    case TweakType::Natural:
      c = is_natural(value) ? ok(canonical_int(value)) : refused("Value must be a natural number");
      break;
    case TweakType::Whole:
      c = is_whole(value) ? ok(canonical_int(value)) : refused("Value must be a whole number");
      break;
    case TweakType::PositiveFloat: {
      auto d = unsigned_decimal(value);
      c = d && *d > 0 ? ok(perl_number(*d)) : refused("Value must be a positive float");
      break;
    }
    case TweakType::Percent: {
      auto d = unsigned_decimal(value);
      if (!d || value[0] == '.' || *d <= 0 || *d > 100) return refused("Value must be a positive percentage float");
      char buf[32];
      std::snprintf(buf, sizeof buf, "%0.4f", *d);
      c = ok(buf);
      break;
    }
    case TweakType::PercentInteger:
      c = is_whole(value) && std::stoll(value) > 0 && std::stoll(value) <= 100
              ? ok(canonical_int(value))
              : refused("Value must be a positive percentage integer");
      break;
    case TweakType::Megabytes: {
      static const std::regex form(R"((\d+)\s*M?)");
      std::smatch m;
      const long long lo = static_cast<long long>(key.min.value_or(0)),
                      hi = static_cast<long long>(key.max.value_or(0));
      if (value.size() > 24 || !std::regex_match(value, m, form) || m[1].length() > 12 || std::stoll(m[1]) < lo ||
          std::stoll(m[1]) > hi)
        return refused("Value must be a size in Megabytes less than or equal to " + std::to_string(hi) +
                       " and at least " + std::to_string(lo));
      c = ok(canonical_int(m[1]));
      break;
    }
    case TweakType::Text: c = ok(value); break;
    case TweakType::Special: c = check_special(key, value, root); break;
  }
  if (!c.value || key.type == TweakType::Megabytes) return c;
  // The bounds, checked after the value's own rule, as cPanel does.
  if (auto d = unsigned_decimal(*c.value)) {
    if (key.min && *d < *key.min) return refused("Value is below minimum");
    if (key.max && *d > *key.max) return refused("Value exceeds maximum");
  }
  return c;
}

}  // namespace whm
