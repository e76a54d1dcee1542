#!/usr/bin/env python3
"""Every UAPI function whmkit implements, against cPanel's published OpenAPI
description (the subset kept in uapi-openapi-11.125-subset.json):

1. Parameters: the names, required flags and defaults `uapi help` declares
   are the published ones.
2. Responses: `uapi --output=json` for each call of CALLS below validates
   against the function's response schema, with every documented key of the
   result's data present (the published schemas mark no key required; a
   client reads them all), and `data` null when the call fails.
3. Every implemented function is published, or listed in NOT_PUBLISHED with
   the reason whmkit has it.

Where a real server's recording contradicts the published schema, the
recording wins: such keys are listed in EXCEPTIONS with the reason.

Usage: check_uapi.py BIN_DIR
"""
import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SUBSET = os.path.join(HERE, "uapi-openapi-11.125-subset.json")

# Implemented by whmkit but absent from cPanel's UAPI 11.125 description.
NOT_PUBLISHED = {
    "Cron::*": "cPanel has Cron only in API 2; whmkit's UAPI Cron (#7) carries the API 2 functions over",
    "Ftp::allow_anonymous_ftp": "older UAPI name of set_anonymous_ftp set_anonymous_ftp=1, kept for old clients",
    "Ftp::disallow_anonymous_ftp": "older UAPI name of set_anonymous_ftp set_anonymous_ftp=0, kept for old clients",
    "Ftp::set_allowed_ips": "whmkit's per-login settings (README, FTP)",
    "Ftp::set_enabled": "whmkit's per-login settings (README, FTP)",
    "Ftp::set_read_only": "whmkit's per-login settings (README, FTP)",
    "NVData::*": "cPanel still answers UAPI NVData::get/set (deprecated for Personalization, over the same "
                 "~/.cpanel/nvdata files), though the 11.125 description lists only Personalization",
}

# Where whmkit follows a real server or a real client rather than the
# published schema: "Module::function" -> {what: (reason, schema)}. `what` is
# "param NAME" (not compared), "data" (result.data's whole schema replaced by
# `schema`), "result KEY" (a key of the result beside data, whose schema is
# replaced), or a key path inside result.data ("items" steps into a list)
# whose schema is replaced by `schema`, or made optional when `schema` is None.
# Personalization takes a JSON request body; on the command line its fields
# are parameters (personalization as JSON text, names as a list).
BODY_FIELD = "published as a field of the JSON request body; a parameter on the command line"
OLD_ADDRESS = ("published as required, but an account without contact addresses has none to name: cPanel "
               "(Cpanel::API::ContactInformation) accepts the call without it, and so does whmkit", None)
MAP_AS_PROPERTY = ("published with its additionalProperties inside properties, as if it were a key; it is a "
                   "map (feature id or domain -> value)")
NUMBERED = ("published as one required parameter; it is numbered (action1, action2...): the dispatcher cannot "
            "require a name pattern, so the handler requires the first of them")
ONLY_IF_SET = "cPanel returns this key only when the cpuser file has it (Cpanel::API::Variables)"

HOST_ONE_OF = ("published as oneOf an IPv4 string and a domain string; without format checks every string "
               "matches both, so oneOf can never hold: a string", {"type": "string"})
EXCEPTIONS = {
    "Mysql::locate_server": {"remote_host": HOST_ONE_OF},
    "Mysql::get_server_information": {"host": HOST_ONE_OF},
    "TwoFactorAuth::get_user_configuration": {
        "issuer": ("cPanel (Cpanel::API::TwoFactorAuth) answers only is_enabled=0 for a user without "
                   "two-factor authentication; the issuer comes with a configuration", None)},
    "Personalization::get": {"param names": (BODY_FIELD, None)},
    "Personalization::set": {"param personalization": (BODY_FIELD, None)},
    "ContactInformation::set_email_addresses": {"param old_address": OLD_ADDRESS},
    "ContactInformation::unset_email_addresses": {"param old_address": OLD_ADDRESS},
    "Locale::get_attributes": {
        "param attributes": ("cPanel's get_attributes takes attributes=locale,name,... (Cpanel::API::Locale), "
                             "although the description lists no parameter", None),
        "name": ("returned only when asked for (attributes=name): the default attributes are locale, encoding "
                 "and direction (Cpanel::API::Locale)", None),
    },
    "Variables::get_user_information": {
        "created_in_version": (ONLY_IF_SET, None),
        "pushbullet_access_token": (ONLY_IF_SET, None),
        "feature": (MAP_AS_PROPERTY, {"type": "object",
                                      "additionalProperties": {"type": "integer", "enum": [0, 1]}}),
        "mxcheck": (MAP_AS_PROPERTY + "; a stored MXCHECK-<domain> may also be auto (docs/state-formats)", {"type": "object", "additionalProperties": {
            "type": "string", "enum": ["local", "remote", "secondary", "auto"]}}),
    },
    "Email::set_manual_mx_redirects": {
        "data": (MAP_AS_PROPERTY, {"type": "object", "additionalProperties": {"type": ["string", "null"]}})},
    "Email::unset_manual_mx_redirects": {
        "data": (MAP_AS_PROPERTY, {"type": "object", "additionalProperties": {"type": ["string", "null"]}})},
    "Email::list_mail_domains": {
        "items.select": ("the published description says select is returned only for the domain it names "
                         "(docs/email.md)", None),
    },
    "Ftp::add_ftp": {
        "param read_only": ("whmkit's per-login settings (README, FTP), also set by set_read_only", None),
        "param allowed_ips": ("whmkit's per-login settings (README, FTP), also set by set_allowed_ips", None),
    },
    "Ftp::list_ftp_with_disk": {
        "param dirhtml": ("API 2 listftpwithdisk's parameter (it fills htmldir), accepted by UAPI too", None),
    },
    "Backup::fullbackup_to_scp_with_key": {
        "param username": ("whmkit's addition: the remote login (the published function has none; whmkit logs in "
                           "as the account's name when it is not given, docs/uapi-backup.md)", None),
    },
    "Ftp::set_homedir": {
        "param homedir": ("the published default 'user@domain/' is a pattern, not a value: whmkit declares no "
                          "default and uses <user>@<domain> when homedir is not given (docs/ftp.md)", None),
    },
    "DNS::mass_edit_zone": {
        "new_serial": ("published as an integer, but real servers send a string (as WHM's mass_edit_dns_zone "
                       "does), and real clients decode it so (lego's cPanel provider: NewSerial string)",
                       {"type": "string", "pattern": "^[0-9]+$"}),
    },
    "DNS::has_local_authority": {
        "items.error": ("published as sent only when the check fails; whmkit leaves it out otherwise", None),
        "result warnings": ("this schema alone does not mark warnings nullable; UAPI sends null when there are "
                            "none, as every other published schema allows", {"type": ["array", "null"]}),
    },
    "DNS::parse_zone": {
        "items": ("the published oneOf lists Control and Comment with the same schema, so a control or comment "
                  "line matches both and fails oneOf in any JSON Schema validator; OpenAPI's discriminator "
                  "(\"type\") decides which, as this schema does", {
                      "anyOf": [
                          {"type": "object",
                           "required": ["data_b64", "dname_b64", "line_index", "record_type", "ttl", "type"],
                           "properties": {"line_index": {"type": "integer", "minimum": 0},
                                          "type": {"enum": ["record"]},
                                          "data_b64": {"type": "array", "items": {"type": "string"}},
                                          "dname_b64": {"type": "string"},
                                          "record_type": {"type": "string"},
                                          "ttl": {"type": "integer", "minimum": 0}}},
                          {"type": "object", "required": ["line_index", "text_b64", "type"],
                           "properties": {"line_index": {"type": "integer", "minimum": 0},
                                          "type": {"enum": ["control", "comment"]},
                                          "text_b64": {"type": "string"}}},
                      ]}),
    },
    "Fileman::list_files": {
        "param filepath": ("the filepath-* arguments limit_to_list names (filepath-1=a.txt ...)", None),
    },
    "Fileman::upload_files": {
        "param file": ("the command line's stand-in for the form's file fields: file-1=@/local/path "
                       "(docs/fileman.md)", None),
        "param dir": ("the target directory, as in cPanel's upload_files documentation", None),
        "param overwrite": ("replace existing files, as in cPanel's upload_files documentation", None),
        "param permissions": ("the new files' mode, as in cPanel's upload_files documentation", None),
        "content": ("the 11.125 schema describes a download (content, filename), not the per-file results of "
                    "cPanel's upload_files documentation that whmkit returns (uploads, succeeded, warned, failed)",
                    None),
        "filename": ("see content", None),
    },
    "Email::store_filter": {f"param {name}": (NUMBERED, None) for name in ("action*", "part*", "match*", "val*")},
    "Email::reorder_filters": {"param filter*": (NUMBERED, None)},
    "Email::get_filter": {
        "actions.items.dest": ("published as oneOf a path and an email address, both plain strings: every "
                               "destination matches both, which oneOf refuses", {"type": "string"}),
        "metadata": ("cPanel adds metadata.transformed only for a filter it converted from its legacy format; "
                     "whmkit's filters are never converted", None)},
    "Email::list_filters": {
        "items.unescaped": ("deprecated, and published as a boolean where API 2 shows 1: whmkit's UAPI leaves it "
                            "out (API 2 filterlist has it)", None)},
    "SpamAssassin::update_user_preference": {
        "additionalProperties": ("published inside properties, as if it were a key; the other preferences are "
                                 "keys of their own (ok_locales...)", None)},
    "SpamAssassin::clear_spam_box": {
        "data": ("published with a whole UAPI envelope as its data; the call's data is null", {"type": "null"})},
    "DomainInfo::list_domains": {
        "main_domain": ("published as an array of strings, but real servers send one string, and real clients "
                        "read it so (e.g. a Raycast cPanel extension builds https://${data.main_domain})",
                        {"type": "string"}),
    },
}

# Email: the published oneOf lists two plain strings (an address or a
# username; an address or "Main Account"), so one value matches both and fails
# oneOf in any JSON Schema validator; checked as a string.
TWO_STRINGS = ("the published oneOf lists two string schemas that differ only by format, so a value matches "
               "both and fails oneOf; checked as a string", {"type": "string"})
MAIN_DOMAIN_DEFAULT = ("the published default is a description (the account's main domain), not a value: whmkit "
                       "declares no default and uses the main domain (docs/email.md)", None)
# trace_delivery: the published discriminated union describes each node's
# `destinations` as one object (and a remote delivery's as a list of MX
# entries); the published example, like every trace, nests whole nodes in a
# `destinations` list. Checked instead: a node with its type, and a list of
# nodes with theirs.
TRACE_NODE_TYPES = ["bounce", "command", "defer", "discard", "error", "local_delivery", "remote_delivery", "routed"]
EXCEPTIONS["Email::trace_delivery"] = {"data": (
    "a tree of nodes in `destinations` lists, as the published example has it",
    {"type": "object", "required": ["address", "type"],
     "properties": {"type": {"enum": TRACE_NODE_TYPES},
                    "destinations": {"type": "array", "items": {
                        "type": "object", "required": ["type"],
                        "properties": {"type": {"enum": TRACE_NODE_TYPES}}}}}})}
EXCEPTIONS["Email::get_webmail_settings"] = {"user": TWO_STRINGS}
EXCEPTIONS["Email::check_fastmail"] = {"data": (
    "published as a string, while its description says it is null when FastMail is not enabled",
    {"type": ["string", "null"]})}
EXCEPTIONS["Email::list_pops"] = {"items.email": TWO_STRINGS, "items.login": TWO_STRINGS}
EXCEPTIONS["Email::list_lists"] = {"items.desthost": TWO_STRINGS}  # a host name or an IPv4 address
EXCEPTIONS["Email::list_pops_with_disk"] = {
    "items.login": TWO_STRINGS,
    "param regex": ("the published default is a description (\"An empty string\"); whmkit declares none", None)}
for function in ("add_pop", "delete_pop", "passwd_pop"):
    EXCEPTIONS[f"Email::{function}"] = {"param domain": MAIN_DOMAIN_DEFAULT}
EXCEPTIONS["Email::add_pop"]["param password"] = (
    "published as required, yet its own password_hash note says password_hash may be given instead: whmkit "
    "requires exactly one of the two", None)
EXCEPTIONS["Email::add_pop"]["param quota"] = (
    "the published default is a description (\"The defined system value.\"): whmkit declares none and uses "
    "cpanel.config's default email quota (docs/email.md)", None)

# EmailAuth's checks say what went wrong only when something did.
ONLY_ON_ERROR = ("given only when the check could not be made (no zone for the domain, DNS failing)", None)
for function in ("validate_current_dkims", "validate_current_spfs", "validate_current_dmarcs",
                 "validate_current_ptrs"):
    EXCEPTIONS[f"EmailAuth::{function}"] = {"items.error": ONLY_ON_ERROR}
EXCEPTIONS["EmailAuth::validate_current_dkims"]["items.records.items.reason"] = (
    "given only for a record that is not VALID: it says what is wrong with it", None)

# A vhost's userdata as DomainInfo returns it, in the shape of the published
# examples: cPanel reads userdata with YAML::Syck, so scalars are strings
# ("hascgi": "1", "port": "80"), and customlog/scriptalias are lists.
FLAG_STRING = {"type": "string", "enum": ["0", "1"]}
VHOST_ENTRY = {
    "type": "object",
    "required": ["all_aliases_valid", "can_https_redirect", "documentroot", "domain", "group", "hascgi", "homedir",
                 "ip", "is_https_redirecting", "owner", "serveradmin", "serveralias", "servername", "type",
                 "usecanonicalname", "user", "userdirprotect"],
    "properties": {
        "all_aliases_valid": FLAG_STRING, "can_https_redirect": FLAG_STRING, "is_https_redirecting": FLAG_STRING,
        "hascgi": FLAG_STRING, "phpopenbasedirprotect": FLAG_STRING,
        "userdirprotect": {"type": "string", "enum": ["", "0", "1"]},
        "port": {"type": "string", "pattern": "^[0-9]+$"},
        "documentroot": {"type": "string"}, "homedir": {"type": "string"}, "domain": {"type": "string"},
        "group": {"type": "string"}, "ip": {"type": "string"}, "owner": {"type": "string"},
        "serveradmin": {"type": "string"}, "serveralias": {"type": "string"}, "servername": {"type": "string"},
        "type": {"enum": ["main_domain", "sub_domain", "addon_domain"]},
        "usecanonicalname": {"enum": ["On", "Off"]}, "user": {"type": "string"},
        "customlog": {"type": "array", "items": {"type": "object", "required": ["format", "target"]}},
        "scriptalias": {"type": "array", "items": {"type": "object", "required": ["path", "url"]}},
    },
}
# StatsBar rows: the published item lists every key any row may carry, but
# a row carries only those that apply (docs/usage.md).
STATSBAR_OPTIONAL = ("a row carries only the keys that apply to it: no condition (whmkit answers only what "
                     "needs no subsystem check), no role, no feature or module for server facts, no phrases, "
                     "langkey or units for counts and text rows (docs/usage.md)", None)
EXCEPTIONS["StatsBar::get_stats"] = {f"items.{key}": STATSBAR_OPTIONAL for key in (
    "_count", "_max", "_maxed", "condition", "feature", "is_maxed", "max", "maxed_phrase", "module",
    "near_limit_phrase", "normalized", "percent", "percent10", "percent20", "percent5", "role", "units",
    "zeroisunlimited")}
EXCEPTIONS["ResourceUsage::get_usages"] = {
    "items.error": ("given only when a resource cannot be measured; whmkit measures all it lists", None),
    "items.formatter": ("the published oneOf lists a string enum and any string, so a documented value "
                        "(format_bytes) matches both and fails oneOf; checked as a string or null",
                        {"type": ["string", "null"]}),
    "items.url": ("the reference shows one interface URL (sql/index.html) and not the others; whmkit gives none",
                  None),
}
# The published schema nests objects all the way down, but its own examples
# (grouping=domain: {"example.com": 815258916235}) put the bytes at the
# deepest level as numbers.
BANDWIDTH_LEVEL = {"type": "object", "additionalProperties": {"anyOf": [{"type": "number"}, {"type": "object"}]}}
EXCEPTIONS["Bandwidth::query"] = {"data": ("the examples put the bytes, numbers, at the deepest level",
                                           BANDWIDTH_LEVEL)}

EXCEPTIONS["DNS::is_alias_available"] = {
    "resolver": ("the value of PowerDNS's resolver setting \"if any exists\" (the description): null when there is "
                 "none (BIND, or PowerDNS without one), the answer WHM's is_alias_available gives from the same code",
                 {"type": ["string", "null"]})}

USERDATA_REASON = ("the published schema types userdata scalars as integers and customlog/scriptalias as objects, "
                   "but its own examples (taken from servers, which read userdata with YAML::Syck) show strings "
                   "(\"hascgi\": \"1\", \"port\": \"80\") and lists; its domains_data oneOf also matches a hash "
                   "answer twice. whmkit is checked against the examples' shape")
EXCEPTIONS["DomainInfo::single_domain_data"] = {"data": (USERDATA_REASON, VHOST_ENTRY)}
EXCEPTIONS["DomainInfo::domains_data"] = {"data": (USERDATA_REASON, {"oneOf": [
    {"type": "object", "required": ["addon_domains", "main_domain", "parked_domains", "sub_domains"],
     "properties": {"addon_domains": {"type": "array", "items": VHOST_ENTRY}, "main_domain": VHOST_ENTRY,
                    "parked_domains": {"type": "array", "items": {"type": "string"}},
                    "sub_domains": {"type": "array", "items": VHOST_ENTRY}}},
    {"type": "array", "items": {"anyOf": [
        VHOST_ENTRY,
        {"type": "object", "required": ["parked_with_https_redirects"], "additionalProperties": False,
         "properties": {"parked_with_https_redirects": {"type": "array"}}},
        {"type": "object", "required": ["parked_capable_of_https_redirects"], "additionalProperties": False,
         "properties": {"parked_capable_of_https_redirects": {"type": "array"}}}]}}]})}


# SSL: the IP address is published as oneOf an IPv4 and an IPv6 string,
# which differ only by format.
EXCEPTIONS["SSL::install_ssl"] = {"ip": TWO_STRINGS}
EXCEPTIONS["SSL::get_cn_name"] = {"cert_valid_not_after": (
    "null when the service has no certificate at all (a cPanel server always has one; a fresh whmkit root has "
    "none until reset_service_ssl_certificate): no date to report", {"anyOf": [{"type": "integer"}, {"type": "null"}]})}
EXCEPTIONS["SSL::installed_hosts"] = {"items.ip": TWO_STRINGS}

EITHER_ID = ("published as required, but cPanel takes the id or the friendly_name, whichever is given "
             "(Cpanel::API::SSL::_get_search_args), and so does whmkit", None)
for _f in ("set_key_friendly_name", "set_csr_friendly_name", "fetch_cert_info"):
    EXCEPTIONS[f"SSL::{_f}"] = {"param friendly_name": EITHER_ID, "param id": EITHER_ID}
EXCEPTIONS["SSL::set_cert_friendly_name"] = {
    "param friendly_name": EITHER_ID,
    "param id": ("not published, but cPanel's set_cert_friendly_name finds the certificate by id or "
                 "friendly_name like its siblings (Cpanel::API::SSL::_set_friendly_name)", None)}
CSR_FIELD = ("the CSR subject's field, undef (null) when the CSR has none, as Cpanel::API::SSL::show_csr "
             "copies it from the parse", {"type": ["string", "null"]})
EXCEPTIONS["SSL::show_csr"] = {f"details.{f}": CSR_FIELD for f in (
    "commonName", "countryName", "emailAddress", "localityName", "organizationName", "organizationalUnitName",
    "stateOrProvinceName")}
CERT_NAME = ("the name's attributes as the certificate has them (Cpanel::API::SSL::show_cert copies the parsed "
             "subject/issuer hash): a name without an email address has no emailAddress", None)
EXCEPTIONS["SSL::show_cert"] = {"details.subject.emailAddress": CERT_NAME, "details.issuer.emailAddress": CERT_NAME}
EXCEPTIONS["SSL::show_key"] = {"details.key": (
    "published inside details, but Cpanel::API::SSL::show_key returns the key beside them (data.key), as "
    "show_csr and show_cert return theirs", None)}
EXCEPTIONS["SSL::list_ssl_items"] = {
    "param item": ("published as item (default key); Cpanel::API::SSL::list_ssl_items reads items, "
                   "a |-separated list with no default, and so does whmkit", None),
    "param items": ("see item", None)}


def ssl_record_arg(kind, friendly_name, param, text_key=None):
    """An argument from SSL storage: param=<id> of the item named friendly_name, or its text."""
    def arg(bin_dir, env):
        fn = {"key": "show_key", "csr": "show_csr", "crt": "show_cert"}[kind]
        out = run([os.path.join(bin_dir, "uapi"), "--user=bob", "--output=json", "SSL", fn,
                   f"friendly_name={friendly_name}"], env)
        data = json.loads(out.stdout)["result"]["data"]
        return f"{param}=" + (data[text_key] if text_key else data["details"]["id"])
    return arg


def forwarders_backup(bin_dir, env):
    """backup=...: an aliases-bob.example.gz (cPanel's forwarders backup) in bob's home."""
    root = env["WHMKIT_ROOT"]
    with gzip.open(os.path.join(root, root.lstrip("/"), "home/bob/aliases-bob.example.gz"), "wb") as f:
        f.write(b"restored@bob.example: a@example.net\n*: bob\n")
    return f"backup={root}/home/bob/aliases-bob.example.gz"


def filters_backup(bin_dir, env):
    """backup=...: a filter_info.bob.yaml.gz (cPanel's account-level filter backup) in bob's home."""
    root = env["WHMKIT_ROOT"]
    with gzip.open(os.path.join(root, root.lstrip("/"), "home/bob/filter_info.bob.yaml.gz"), "wb") as f:
        f.write(b"---\nfilter:\n  -\n    actions:\n      -\n        action: finish\n    enabled: 1\n"
                b"    filtername: restored\n    rules:\n      -\n        match: contains\n        opt: and\n"
                b"        part: \"$header_subject:\"\n        val: spam\n    unescaped: 1\nversion: '2.2'\n")
    return f"backup={root}/home/bob/filter_info.bob.yaml.gz"


_SSL_PAIR = {}


def ssl_pair(part):
    """cert=... or key=...: one self-signed certificate for bob.example (and www.), made once with openssl."""
    def arg(bin_dir, env):
        if not _SSL_PAIR:
            work = tempfile.mkdtemp(prefix="whmkit-uapi-ssl-")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bob.example",
                            "-days", "2", "-addext", "subjectAltName=DNS:bob.example,DNS:www.bob.example",
                            "-keyout", f"{work}/key.pem", "-out", f"{work}/cert.pem"], check=True, capture_output=True)
            for name in ("cert", "key"):
                with open(f"{work}/{name}.pem") as f:
                    _SSL_PAIR[name] = f.read()
            shutil.rmtree(work)
        return f"{part}=" + urllib.parse.quote(_SSL_PAIR[part], safe="")
    return arg


def current_serial(bin_dir, env):
    """serial=N: the SOA serial of bob.example as parse_zone gives it (a client's first step)."""
    out = run([os.path.join(bin_dir, "uapi"), "--user=bob", "--output=json", "DNS", "parse_zone", "zone=bob.example"],
              env)
    for item in json.loads(out.stdout)["result"]["data"]:
        if item.get("record_type") == "SOA":
            return "serial=" + base64.b64decode(item["data_b64"][2]).decode()
    sys.exit("bob.example has no SOA record")


# The calls made, in order, on one state root (see make_root). "fails": the
# call must fail (status 0, data null). An argument may be a function of
# (bin_dir, env) that gives it when the call is made; "{uploads}" in an
# argument is a directory every user may read (make_root).
SSL_SUBJECT = ["countryName=US", "stateOrProvinceName=TX", "localityName=Houston", "organizationName=Bob"]
CALLS = [
    ("SSL", "generate_key", ["keytype=rsa-2048", "friendly_name=schema-key"], False),
    ("SSL", "generate_key", ["keytype=dsa"], True),
    ("SSL", "list_keys", [], False),
    ("SSL", "show_key", ["friendly_name=schema-key"], False),
    ("SSL", "upload_key", [ssl_record_arg("key", "schema-key", "key", "key")], False),
    ("SSL", "upload_key", ["key=not a key"], True),
    ("SSL", "set_key_friendly_name", ["friendly_name=schema-key", "new_friendly_name=schema-key2"], False),
    ("SSL", "generate_csr", [ssl_record_arg("key", "schema-key2", "key_id"), "domains=bob.example",
                             "friendly_name=schema-csr"] + SSL_SUBJECT, False),
    ("SSL", "list_csrs", [], False),
    ("SSL", "show_csr", ["friendly_name=schema-csr"], False),
    ("SSL", "find_csrs_for_key", ["friendly_name=schema-key2"], False),
    ("SSL", "set_csr_friendly_name", ["friendly_name=schema-csr", "new_friendly_name=schema-csr2"], False),
    ("SSL", "generate_cert", [ssl_record_arg("key", "schema-key2", "key_id"), "domains=bob.example,www.bob.example",
                              "friendly_name=schema-cert"] + SSL_SUBJECT, False),
    ("SSL", "list_certs", [], False),
    ("SSL", "show_cert", ["friendly_name=schema-cert"], False),
    ("SSL", "fetch_cert_info", ["friendly_name=schema-cert"], False),
    ("SSL", "find_certificates_for_key", ["friendly_name=schema-key2"], False),
    ("SSL", "upload_cert", [ssl_record_arg("crt", "schema-cert", "crt", "cert")], False),
    ("SSL", "get_cabundle", [ssl_record_arg("crt", "schema-cert", "cert", "cert")], False),
    ("SSL", "set_cert_friendly_name", ["friendly_name=schema-cert", "new_friendly_name=schema-cert2"], False),
    ("SSL", "list_ssl_items", ["domains=bob.example", "items=key|csr|crt"], False),
    ("SSL", "rebuildssldb", [], False),
    ("SSL", "get_cn_name", ["domain=bob.example", "service=imap", "add_mail_subdomain=1"], False),
    ("SSL", "get_cn_name", ["domain=bob.example", "service=gopher"], True),
    ("SSL", "set_default_key_type", ["type=ecdsa-prime256v1"], False),
    ("SSL", "delete_cert", ["friendly_name=schema-cert2"], False),
    ("SSL", "delete_csr", ["friendly_name=schema-csr2"], False),
    ("SSL", "delete_key", ["friendly_name=schema-key2"], False),
    ("DNS", "parse_zone", ["zone=bob.example"], False),
    ("DNS", "parse_zone", ["zone=nosuch.example"], True),
    ("DNS", "mass_edit_zone", ["zone=bob.example", current_serial,
                               'add={"dname":"_acme-challenge","ttl":60,"record_type":"TXT","data":["t0k3n"]}'], False),
    ("DNS", "mass_edit_zone", ["zone=bob.example", "serial=1",
                               'add={"dname":"x","ttl":60,"record_type":"TXT","data":["stale"]}'], True),
    ("DNS", "has_local_authority", ["domain=bob.example", "domain=park.example"], False),
    ("DNS", "lookup", ["domain=bob.example"], True),  # .example names do not exist in the DNS (RFC 2606)
    ("DNS", "is_alias_available", [], False),
    ("DNS", "ensure_domains_reside_only_locally", ["domain=bob.example", "domain=park.example"], False),
    ("DNS", "ensure_domains_reside_only_locally", [], True),
    ("DNS", "swap_ip_in_zones", ["domain=bob.example", "dest_ip=192.0.2.77", "source_ip=127.0.0.1"], False),
    ("DNS", "swap_ip_in_zones", ["domain=bob.example", "dest_ip=999.1.1.1"], True),
    ("DomainInfo", "list_domains", [], False),
    ("Tokens", "create_full_access", ["name=schema-check"], False),
    ("Tokens", "list", [], False),
    ("Tokens", "rename", ["name=schema-check", "new_name=schema-check-2"], False),
    ("Tokens", "revoke", ["name=schema-check-2"], False),
    ("TwoFactorAuth", "generate_user_configuration", [], False),
    ("TwoFactorAuth", "get_user_configuration", [], False),
    ("TwoFactorAuth", "set_user_configuration", ["secret=JBSWY3DPEHPK3PXP", "tfa_token=000000"], True),
    ("TwoFactorAuth", "remove_user_configuration", [], False),
    ("TwoFactorAuth", "get_team_user_configuration", ["team_user=nobody"], True),
    ("DomainInfo", "main_domain_builtin_subdomain_aliases", [], False),
    ("DomainInfo", "domains_data", [], False),
    ("DomainInfo", "domains_data", ["format=list"], False),
    ("DomainInfo", "domains_data", ["format=table"], True),
    ("DomainInfo", "single_domain_data", ["domain=bob.example"], False),
    ("DomainInfo", "single_domain_data", ["domain=blog.bob.example"], False),
    ("DomainInfo", "single_domain_data", ["domain=park.example"], True),
    ("WebVhosts", "list_domains", [], False),
    ("WebVhosts", "list_ssl_capable_domains", [], False),
    ("Fileman", "save_file_content", ["dir=public_html", "file=index.html", "content=<p>hi</p>"], False),
    ("Fileman", "save_file_content", ["dir=../etc", "file=x", "content=y"], True),
    ("Fileman", "list_files", ["dir=public_html", "include_mime=1", "include_hash=1", "include_permissions=1",
                               "check_for_leaf_directories=1"], False),
    ("Fileman", "list_files", ["dir=nowhere"], True),
    ("Fileman", "get_file_information", ["path=public_html", "include_mime=1", "include_hash=1",
                                         "include_permissions=1", "check_for_leaf_directories=1"], False),
    ("Fileman", "get_file_content", ["dir=public_html", "file=index.html"], False),
    ("Email", "add_forwarder", ["domain=bob.example", "email=sales", "fwdopt=fwd", "fwdemail=a@example.net"], False),
    ("Email", "add_forwarder", ["domain=bob.example", "email=x", "fwdopt=pipe", "pipefwd=/usr/bin/nc"], True),
    ("Email", "list_forwarders", ["domain=bob.example"], False),
    ("Email", "count_forwarders", [], False),
    ("Email", "delete_forwarder", ["address=sales@bob.example", "forwarder=a@example.net"], False),
    ("Email", "delete_forwarder", ["address=sales@bob.example", "forwarder=a@example.net"], True),
    ("Email", "add_domain_forwarder", ["domain=park.example", "destdomain=bob.example"], False),
    ("Email", "list_domain_forwarders", [], False),
    ("Email", "delete_domain_forwarder", ["domain=park.example"], False),
    ("Email", "list_default_address", ["user=bob"], False),
    ("Email", "set_default_address", ["fwdopt=blackhole"], False),
    ("Email", "set_always_accept", ["domain=bob.example", "mxcheck=local"], False),
    ("Email", "list_mxs", [], False),
    ("Email", "add_mx", ["domain=bob.example", "exchanger=mx.example.net", "priority=5"], False),
    ("Email", "change_mx", ["domain=bob.example", "exchanger=mx2.example.net", "oldexchanger=mx.example.net",
                            "priority=10", "oldpriority=5", "alwaysaccept=0"], False),
    ("Email", "list_mxs", ["domain=bob.example"], False),
    ("Email", "delete_mx", ["domain=bob.example", "exchanger=mx2.example.net", "priority=10"], False),
    ("Email", "delete_mx", ["domain=bob.example", "exchanger=mx2.example.net", "priority=10"], True),
    ("Email", "list_mail_domains", ["select=bob.example"], False),
    ("Email", "set_manual_mx_redirects", ["domain=bob.example", "mx_host=mx.example.net"], False),
    ("Email", "unset_manual_mx_redirects", ["domain=bob.example"], False),
    ("Fileman", "get_file_content", ["dir=public_html", "file=ghost.html"], True),
    ("Fileman", "upload_files", ["dir=public_html", "file-1=@{uploads}/upload.txt"], False),
    ("Fileman", "upload_files", ["dir=public_html", "file-1=@{uploads}/upload.txt"], True),
    ("Fileman", "autocompletedir", ["path=pub"], False),
    ("Fileman", "transcode", ["content=caf%C3%A9", "from_charset=UTF-8", "to_charset=ASCII", "transliterate=1"],
     False),
    ("Fileman", "transcode", ["content=caf%C3%A9", "from_charset=UTF-8", "to_charset=ASCII"], True),
    ("Fileman", "empty_trash", ["older_than=0"], False),
    ("Ftp", "add_ftp", ["user=deploy", "pass=S3cure.pass-1", "quota=50"], False),
    ("Ftp", "add_ftp", ["user=deploy", "pass=S3cure.pass-1"], True),
    ("Ftp", "ftp_exists", ["user=deploy"], False),
    ("Ftp", "ftp_exists", ["user=nobody"], True),
    ("Ftp", "list_ftp", [], False),
    ("Ftp", "list_ftp_with_disk", [], False),
    ("Ftp", "list_sessions", [], False),
    ("Ftp", "get_quota", ["account=deploy"], False),
    ("Ftp", "get_quota", ["account=nobody"], True),
    ("Ftp", "set_quota", ["user=deploy", "quota=100"], False),
    ("Ftp", "set_quota", ["user=nobody", "quota=100"], True),
    ("Ftp", "passwd", ["user=deploy", "pass=An0ther.pass-2"], False),
    ("Ftp", "set_homedir", ["user=deploy", "homedir=public_html/deploy"], False),
    ("Ftp", "kill_session", ["login=deploy"], False),
    ("Ftp", "allows_anonymous_ftp", [], False),
    ("Ftp", "set_anonymous_ftp", ["set_anonymous_ftp=1"], False),
    ("Ftp", "allows_anonymous_ftp_incoming", [], False),
    ("Ftp", "set_anonymous_ftp_incoming", ["set_anonymous_ftp_incoming=1"], False),
    ("Ftp", "get_welcome_message", [], False),
    ("Ftp", "set_welcome_message", ["message=Welcome to bob's FTP"], False),
    ("Ftp", "get_port", [], False),
    ("Ftp", "server_name", [], False),
    ("Ftp", "get_ftp_daemon_info", [], False),
    ("Ftp", "delete_ftp", ["user=deploy", "destroy=0"], False),
    ("Ftp", "delete_ftp", ["user=deploy"], True),
    ("SSH", "get_port", [], False),
    ("Personalization", "set", ['personalization={"coffee":"hot","milk":"cold"}'], False),
    ("Personalization", "set", ["personalization=[]"], True),
    ("Personalization", "get", ["names=coffee", "names=tea"], False),
    ("Personalization", "get", [], True),
    ("Features", "has_feature", ["name=ftpaccts"], False),
    ("Features", "has_feature", ["name=no_such_feature"], True),
    ("Features", "list_features", [], False),
    ("Features", "get_feature_metadata", [], False),
    ("Locale", "list_locales", [], False),
    ("Locale", "set_locale", ["locale=de"], False),
    ("Locale", "set_locale", ["locale=xx"], True),
    ("Locale", "get_attributes", [], False),
    ("Locale", "get_attributes", ["attributes=locale,name,encoding,direction"], False),
    ("ContactInformation", "set_email_addresses", ["address=a@example.com", "password=Main-pass1"], False),
    ("ContactInformation", "set_email_addresses",
     ["address=b@example.com", "old_address=a@example.com", "password=wrong"], True),
    ("ContactInformation", "unset_email_addresses", ["old_address=a@example.com", "password=Main-pass1"], False),
    ("Variables", "get_user_information", [], False),
    ("Variables", "get_user_information", ["name=nothing"], True),
    ("SubDomain", "addsubdomain", ["domain=shop", "rootdomain=bob.example", "dir=public_html/shop"], False),
    ("SubDomain", "addsubdomain", ["domain=shop", "rootdomain=bob.example"], True),
    # Backup: {newest_backup} is the newest archive fullbackup_to_homedir left in the home.
    ("Backup", "fullbackup_to_homedir", [], False),
    ("Backup", "fullbackup_to_homedir", ["homedir=sometimes"], True),
    ("Backup", "list_backups", [], False),
    ("Backup", "restore_files", ["backup={newest_backup}"], False),
    ("Backup", "restore_files", ["backup=/etc/passwd"], True),
    ("Backup", "fullbackup_to_ftp", ["host=127.0.0.1", "port=1", "username=u", "password=p"], True),
    ("Backup", "fullbackup_to_scp_with_password", ["host=127.0.0.1", "port=1", "username=u", "password=p"], True),
    ("Backup", "fullbackup_to_scp_with_key", ["host=127.0.0.1", "key_name=id_none", "key_passphrase="], True),
    ("Backup", "restore_databases", ["backup=/home/bob/x.sql.gz"], True),
    ("Backup", "restore_email_forwarders", ["backup=/home/bob/x.tar.gz"], True),
    ("Backup", "restore_email_forwarders", [forwarders_backup], False),
    ("Backup", "restore_email_filters", ["backup=/home/bob/x.tar.gz"], True),
    ("Backup", "restore_email_filters", [filters_backup], False),
    ("Quota", "get_quota_info", [], False),
    ("Quota", "get_local_quota_info", [], False),
    ("ResourceUsage", "get_usages", [], False),
    ("StatsBar", "get_stats", ["display=diskusage|bandwidthusage|ftpaccounts|subdomains|parkeddomains|addondomains|"
                               "emailaccounts|emailforwarders|emailfilters|autoresponders|hostingpackage|theme"], False),
    ("StatsBar", "get_stats", [], True),
    ("Bandwidth", "query", ["grouping=domain"], False),
    ("Bandwidth", "query", ["grouping=domain|protocol|year_month"], False),
    ("Bandwidth", "query", ["grouping=year"], True),
    ("Bandwidth", "get_retention_periods", [], False),
    ("Bandwidth", "get_enabled_protocols", [], False),
    ("Email", "add_pop", ["email=info", "password=S3cure.pass-1", "quota=50"], False),
    ("Email", "add_pop", ["email=info", "password=S3cure.pass-1"], True),
    ("Email", "list_pops", [], False),
    ("Email", "list_pops_with_disk", [], False),
    ("Email", "count_pops", [], False),
    ("Email", "get_pop_quota", ["email=info"], False),
    ("Email", "get_pop_quota", ["email=nobody"], True),
    ("Email", "get_disk_usage", ["user=info", "domain=bob.example"], False),
    ("Email", "get_main_account_disk_usage", [], False),
    ("Email", "get_main_account_disk_usage_bytes", [], False),
    ("Email", "get_default_email_quota", [], False),
    ("Email", "get_default_email_quota_mib", [], False),
    ("Email", "get_max_email_quota", [], False),
    ("Email", "get_max_email_quota_mib", [], False),
    ("Email", "account_name", ["account=info@bob.example"], False),
    ("Email", "verify_password", ["email=info@bob.example", "password=S3cure.pass-1"], False),
    ("Email", "has_plaintext_authentication", [], False),
    ("Email", "terminate_mailbox_sessions", [], True),  # no Dovecot on the test root (tests/shell/test_dovecot.sh)
    ("Email", "get_client_settings", ["account=info@bob.example"], False),
    ("Email", "dispatch_client_settings", ["account=info@bob.example", "to=me@example.net"], True),  # no sendmail
    ("Email", "enable_mailbox_autocreate", ["email=info@bob.example"], False),
    ("Email", "get_mailbox_autocreate", ["email=info@bob.example"], False),
    ("Email", "disable_mailbox_autocreate", ["email=info@bob.example"], False),
    ("Email", "get_mailbox_autocreate", ["email=nobody@bob.example"], True),
    ("Email", "browse_mailbox", [], False),
    ("Email", "browse_mailbox", ["account=info@bob.example", "showdotfiles=1"], False),
    ("Email", "browse_mailbox", ["dir=../x"], True),
    ("Email", "get_webmail_settings", ["account=info@bob.example"], False),
    ("Email", "trace_delivery", ["recipient=info@bob.example"], False),
    ("Email", "trace_delivery", ["recipient=nobody@bob.example"], False),
    ("Email", "trace_delivery", ["recipient=x@other.example"], True),
    # No Dovecot on the test root (tests/shell/test_dovecot_mailboxes.sh runs them).
    ("Mailboxes", "get_mailbox_status_list", ["account=info@bob.example"], True),
    ("Mailboxes", "expunge_mailbox_messages", ["account=info@bob.example", "mailbox=INBOX", "query=all"], True),
    ("Mailboxes", "expunge_messages_for_mailbox_guid",
     ["account=info@bob.example", "mailbox_guid=0123456789abcdef0123456789abcdef", "query=all"], True),
    ("Email", "fts_rescan_mailbox", ["account=info@bob.example"], True),
    ("Email", "passwd_pop", ["email=info", "password=An0ther.pass-2"], False),
    ("Email", "passwd_pop", ["email=info", "password=abc"], True),
    ("Email", "edit_pop_quota", ["email=info", "domain=bob.example", "quota=100"], False),
    ("Email", "suspend_login", ["email=info@bob.example"], False),
    ("Email", "unsuspend_login", ["email=info@bob.example"], False),
    ("Email", "suspend_incoming", ["email=info@bob.example"], False),
    ("Email", "unsuspend_incoming", ["email=info@bob.example"], False),
    ("Email", "add_list", ["list=news", "domain=bob.example", "password=S3cure.pass-1"], False),
    ("Email", "add_list", ["list=news", "domain=bob.example", "password=S3cure.pass-1"], True),
    ("Email", "list_lists", [], False),
    ("Email", "count_lists", [], False),
    ("Email", "get_lists_total_disk_usage", [], False),
    ("Email", "passwd_list", ["list=news@bob.example", "password=An0ther.pass-2"], False),
    ("Email", "set_list_privacy_options", ["list=news", "advertised=0", "archive_private=1", "subscribe_policy=3"],
     False),
    ("Email", "add_mailman_delegates", ["list=news", "delegates=info@bob.example"], False),
    ("Email", "get_mailman_delegates", ["list=news"], False),
    ("Email", "has_delegated_mailman_lists", ["delegate=info@bob.example"], False),
    ("Email", "remove_mailman_delegates", ["list=news", "delegates=info@bob.example"], False),
    ("Email", "generate_mailman_otp", ["list=news_bob.example"], False),
    ("Email", "export_lists", [], False),
    ("Email", "delete_list", ["list=news@bob.example"], False),
    ("Email", "delete_list", ["list=news@bob.example"], True),
    ("Email", "suspend_outgoing", ["email=info@bob.example"], False),
    ("Email", "suspend_outgoing", ["email=nobody@bob.example"], True),
    ("Email", "unsuspend_outgoing", ["email=info@bob.example"], False),
    ("Email", "hold_outgoing", ["email=info@bob.example"], False),
    ("Email", "get_held_message_count", ["email=info@bob.example"], False),
    ("Email", "get_held_message_count", [], False),
    ("Email", "delete_held_messages", ["email=info@bob.example"], False),
    ("Email", "stats_db_status", [], False),
    ("Email", "release_outgoing", ["email=info@bob.example"], False),
    ("Email", "delete_pop", ["email=info"], False),
    ("Email", "delete_pop", ["email=info"], True),
    ("Mailboxes", "has_utf8_mailbox_names", [], False),
    ("Mailboxes", "set_utf8_mailbox_names", ["enabled=1"], False),
    ("Mailboxes", "has_utf8_mailbox_names", ["user=bob"], False),
    ("Mailboxes", "has_utf8_mailbox_names", ["user=eve"], True),
    ("Email", "store_filter", ["filtername=junk", "part1=$header_subject:", "match1=contains", "val1=pills",
                               "action1=save", "dest1=/dev/null"], False),
    ("Email", "store_filter", ["filtername=junk", "part1=$header_evil:", "match1=contains", "val1=pills",
                               "action1=save", "dest1=/dev/null"], True),
    ("Email", "list_filters", [], False),
    ("Email", "get_filter", ["account=bob", "filtername=junk"], False),
    ("Email", "get_filter", ["account=bob", "filtername=none"], True),
    ("Email", "disable_filter", ["account=bob", "filtername=junk"], False),
    ("Email", "enable_filter", ["account=bob", "filtername=junk"], False),
    ("Email", "reorder_filters", ["mailbox=bob", "filter1=junk"], False),
    ("Email", "count_filters", [], False),
    ("Email", "list_filters_backups", [], False),
    ("Email", "list_system_filter_info", [], False),
    ("Email", "trace_filter", ["msg=cheap pills"], False),
    ("Email", "delete_filter", ["account=bob", "filtername=junk"], False),
    ("Email", "delete_filter", ["account=bob", "filtername=junk"], True),
    ("Email", "add_auto_responder", ["email=info", "domain=bob.example", "from=Bob", "subject=Away", "body=Back soon",
                                     "is_html=0", "interval=24", "start=1700000000", "stop=1800000000"], False),
    ("Email", "add_auto_responder", ["email=info", "domain=other.example", "from=Bob", "subject=Away",
                                     "body=Back soon", "is_html=0", "interval=24", "start=1700000000",
                                     "stop=1800000000"], True),
    ("Email", "get_auto_responder", ["email=info@bob.example"], False),
    ("Email", "list_auto_responders", ["domain=bob.example"], False),
    ("Email", "count_auto_responders", [], False),
    ("Email", "delete_auto_responder", ["email=info@bob.example"], False),
    ("Email", "disable_spam_assassin", [], False),
    ("Email", "enable_spam_assassin", [], False),
    ("Email", "enable_spam_box", [], False),
    ("Email", "disable_spam_box", [], False),
    ("Email", "add_spam_filter", ["required_score=8"], False),
    ("Email", "add_spam_filter", ["required_score=0"], True),
    ("Email", "get_spam_settings", [], False),
    ("Email", "disable_spam_autodelete", [], False),
    ("SpamAssassin", "update_user_preference", ["preference=whitelist_from", "value=friend@example.com"], False),
    ("SpamAssassin", "update_user_preference", ["preference=required_score", "value=lots"], True),
    ("SpamAssassin", "get_user_preferences", [], False),
    ("SpamAssassin", "clear_spam_box", [], False),
    ("SpamAssassin", "get_symbolic_test_names", [], False),
    ("Email", "get_charsets", [], False),
    ("Email", "fetch_charmaps", [], False),
    ("Email", "check_fastmail", [], False),
    ("Email", "list_forwarders_backups", [], False),
    ("EmailAuth", "validate_current_dkims", ["domain=bob.example"], False),
    ("EmailAuth", "fetch_dkim_private_keys", ["domain=bob.example"], True),
    ("EmailAuth", "ensure_dkim_keys_exist", ["domain=bob.example"], False),
    ("EmailAuth", "enable_dkim", ["domain=bob.example"], False),
    ("EmailAuth", "enable_dkim", ["domain=elsewhere.example"], True),
    ("EmailAuth", "fetch_dkim_private_keys", ["domain=bob.example"], False),
    ("EmailAuth", "validate_current_dkims", ["domain=bob.example"], False),
    ("EmailAuth", "install_dkim_private_keys", ["domain=bob.example", "key=not a key"], True),
    ("EmailAuth", "disable_dkim", ["domain=bob.example"], False),
    ("EmailAuth", "install_spf_records", ["domain=bob.example", "record=v=spf1 +a +mx ~all"], False),
    ("EmailAuth", "install_spf_records", ["domain=bob.example", "record=v=spf2"], True),
    ("EmailAuth", "validate_current_spfs", ["domain=bob.example"], False),
    ("EmailAuth", "apply_dmarc", ["policy=v=DMARC1; p=none;"], False),
    ("EmailAuth", "apply_dmarc", ["policy=p=none"], True),
    ("EmailAuth", "validate_current_dmarcs", [], False),
    ("EmailAuth", "remove_dmarc", ["domain=bob.example"], False),
    ("EmailAuth", "validate_current_ptrs", ["domain=bob.example"], False),
    ("SSL", "is_sni_supported", [], False),
    ("SSL", "is_mail_sni_supported", [], False),
    ("SSL", "install_ssl", ["domain=bob.example", ssl_pair("cert"), "key=not a key"], True),
    ("SSL", "install_ssl", ["domain=bob.example", ssl_pair("cert"), ssl_pair("key")], False),
    ("SSL", "installed_host", ["domain=bob.example"], False),
    ("SSL", "installed_host", ["domain=bob.example", "verify_certificate=1"], False),
    ("SSL", "installed_host", ["domain=blog.bob.example"], True),
    ("SSL", "installed_hosts", [], False),
    ("SSL", "fetch_certificates_for_fqdns", ["domains=www.bob.example"], False),
    ("SSL", "toggle_ssl_redirect_for_domains", ["domains=bob.example", "state=1"], False),
    ("SSL", "toggle_ssl_redirect_for_domains", ["domains=bob.example", "state=0"], False),
    ("SSL", "mail_sni_status", ["domain=bob.example"], False),
    ("SSL", "fetch_best_for_domain", ["domain=www.bob.example"], False),
    ("SSL", "fetch_best_for_domain", ["domain=../x"], True),
    ("SSL", "fetch_key_and_cabundle_for_certificate",
     [lambda b, e: "certificate=" + ssl_pair("cert")(b, e)[len("cert="):]], False),
    ("SSL", "fetch_key_and_cabundle_for_certificate", ["certificate=not a certificate"], True),
    ("SSL", "can_ssl_redirect", [], False),
    ("SSL", "enable_mail_sni", ["domains=bob.example|other.example"], False),
    ("SSL", "disable_mail_sni", ["domains=bob.example"], True),
    ("SSL", "set_primary_ssl", ["servername=bob.example"], True),  # bob's IP is the shared one
    ("SSL", "rebuild_mail_sni_config", ["reload_dovecot=0"], False),
    ("SSL", "delete_ssl", ["domain=bob.example"], False),
    ("SSL", "delete_ssl", ["domain=bob.example"], True),
    # AutoSSL (disabled on this root: the check itself fails)
    ("SSL", "add_autossl_excluded_domains", ["domains=www.bob.example,mail.bob.example"], False),
    ("SSL", "add_autossl_excluded_domains", ["domains=elsewhere.example"], True),
    ("SSL", "get_autossl_excluded_domains", [], False),
    ("SSL", "remove_autossl_excluded_domains", ["domains=www.bob.example"], False),
    ("SSL", "set_autossl_excluded_domains", ["domains=mail.bob.example"], False),
    ("SSL", "get_autossl_problems", [], False),
    ("SSL", "is_autossl_check_in_progress", [], False),
    ("SSL", "start_autossl_check", [], True),
    # Postgresql: what needs no server (an empty account, refusals before any connection).
    ("Postgresql", "get_restrictions", [], False),
    ("Postgresql", "list_databases", [], False),
    ("Postgresql", "list_users", [], False),
    ("Postgresql", "update_privileges", [], False),
    ("Postgresql", "create_database", ["name=x'y"], True),
    ("Postgresql", "create_user", ["name=x'y", "password=Str0ng!Pass#word9"], True),
    ("Postgresql", "delete_database", ["name=bob_none"], True),
    ("Postgresql", "delete_user", ["name=bob_none"], True),
    ("Postgresql", "grant_all_privileges", ["database=bob_none", "user=bob_none"], True),
    ("Postgresql", "revoke_all_privileges", ["database=bob_none", "user=bob_none"], True),
    ("Postgresql", "rename_database", ["oldname=bob_none", "newname=bob_other"], True),
    ("Postgresql", "rename_user", ["oldname=bob_none", "newname=bob_other", "password=Str0ng!Pass#word9"], True),
    ("Postgresql", "rename_user_no_password", ["oldname=bob_none", "newname=bob_other"], True),
    ("Postgresql", "set_password", ["user=bob_none", "password=Str0ng!Pass#word9"], True),
    # Mysql: the state root has no MariaDB (.my.cnf), so the calls that need the server fail;
    # tests/shell/test_mysql.sh runs them against a private server and checks the same schemas.
    ("Mysql", "get_restrictions", [], False),
    ("Mysql", "locate_server", [], False),
    ("Mysql", "list_databases", [], False),
    ("Mysql", "list_users", [], False),
    ("Mysql", "list_routines", [], False),
    ("Mysql", "get_host_notes", [], False),
    ("Mysql", "add_host", ["host=10.1.%.%"], True),
    ("Mysql", "add_host", ["host=a;b"], True),
    ("Mysql", "add_host_note", ["host=10.1.%.%", "note=office"], True),
    ("Mysql", "delete_host", ["host=localhost"], True),
    ("Mysql", "create_database", ["name=bob_schema"], True),
    ("Mysql", "create_user", ["name=bob_schema", "password=Pw0rd!x-9"], True),
    ("Mysql", "delete_database", ["name=bob_schema"], True),
    ("Mysql", "delete_user", ["name=bob_schema"], True),
    ("Mysql", "set_password", ["user=bob_schema", "password=Pw0rd!x-9"], True),
    ("Mysql", "set_privileges_on_database", ["user=bob_schema", "database=bob_schema", "privileges=SELECT"], True),
    ("Mysql", "revoke_access_to_database", ["user=bob_schema", "database=bob_schema"], True),
    ("Mysql", "get_privileges_on_database", ["user=bob_schema", "database=bob_schema"], True),
    ("Mysql", "rename_database", ["oldname=bob_schema", "newname=bob_schema2"], True),
    ("Mysql", "rename_user", ["oldname=bob_schema", "newname=bob_schema2"], True),
    ("Mysql", "get_server_information", [], True),
    ("Mysql", "check_database", ["name=bob_schema"], True),
    ("Mysql", "repair_database", ["name=bob_schema"], True),
    ("Mysql", "dump_database_schema", ["dbname=bob_schema"], True),
    ("Mysql", "update_privileges", [], True),
    ("Mysql", "setup_db_and_user", ["prefix=wp"], True),
]


def newest_backup(root):
    """The path, as on the server, of the newest backup-*.tar.gz in bob's home
    (HOMEDIR is {root}/home, which is {root}/{root}/home on disk)."""
    names = sorted(n for n in os.listdir(os.path.join(root, root.lstrip("/"), "home/bob")) if n.startswith("backup-"))
    return f"{root}/home/bob/{names[-1]}" if names else "none"


def run(args, env):
    return subprocess.run(args, env=env, capture_output=True, text=True)


def make_root(bin_dir):
    root = tempfile.mkdtemp(prefix="whmkit-uapi-schema-")
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc/wwwacct.conf"), "w") as f:
        f.write(f"HOMEDIR {root}/home\nADDR 127.0.0.1\n")
    env = dict(os.environ, WHMKIT_ROOT=root)
    # Fileman::upload_files reads its file with the account's rights: a readable file the account can reach.
    uploads = os.path.join(root, "uploads")
    os.makedirs(uploads)
    os.chmod(root, 0o711)
    os.chmod(uploads, 0o755)
    with open(os.path.join(uploads, "upload.txt"), "w") as f:
        f.write("uploaded\n")
    whm = [os.path.join(bin_dir, "whmapi1"), "--output=json"]
    for call in (["createacct", "username=bob", "domain=bob.example", "password=Main-pass1", "maxsub=unlimited",
                  "maxpark=unlimited", "maxaddon=unlimited", "maxftp=unlimited"],
                 ["create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"],
                 ["create_parked_domain_for_user", "domain=park.example", "username=bob",
                  "web_vhost_domain=bob.example"]):
        out = run(whm + call, env)
        if json.loads(out.stdout)["metadata"]["result"] != 1:
            sys.exit(f"setting up the state root failed: {call}: {out.stdout}")
    # Email::stats_db_status: the mail tracking database, made by whmkit-eximstats from an empty Exim log.
    os.makedirs(os.path.join(root, "var/log"))
    open(os.path.join(root, "var/log/exim_mainlog"), "w").close()
    out = run([os.path.join(bin_dir, "whmkit-eximstats"), "--root=" + root], env)
    if out.returncode != 0:
        sys.exit(f"setting up the state root failed: whmkit-eximstats: {out.stderr}")
    return root, env


def declared_parameters(bin_dir, env, module, function):
    """(name, required, default) of each parameter `uapi help` lists."""
    out = run([os.path.join(bin_dir, "uapi"), "--user=bob", "help", module, function], env).stdout
    section = out.split("\nParameters:\n", 1)[1].split("\nExample:", 1)[0]
    params = {}
    for line in section.splitlines():
        m = re.match(r"^  (\S+) \((.*?)(, required)?\)(?:  default: (.*))?$", line)
        if m:
            params[m.group(1)] = (bool(m.group(3)), m.group(4))
    return params


def json_schema(node, strict):
    """OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes a "null" type, a
    regular expression given as `format` (cPanel's habit) becomes `pattern`;
    with `strict`, every documented property is required."""
    if isinstance(node, list):
        return [json_schema(v, strict) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: json_schema(v, strict) for k, v in node.items() if k not in ("nullable", "format")}
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt.startswith("^"):
        out["pattern"] = fmt
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = out["enum"] + [None]
    if strict and "properties" in node:
        out["required"] = sorted(node["properties"])
    return out


def response_schema(published, name):
    """The function's response schema; documented keys of result.data are required."""
    schema = json.loads(json.dumps(published))
    result = schema["properties"]["result"]
    data = result["properties"].get("data", {})
    result["properties"]["data"] = json_schema(data, strict=True)
    schema = json_schema(schema, strict=False)
    schema["required"] = ["apiversion", "func", "module", "result"]
    result = schema["properties"]["result"]
    result["required"] = ["data", "errors", "messages", "metadata", "status", "warnings"]
    for what, (_, replacement) in EXCEPTIONS.get(name, {}).items():
        if what == "data":
            schema["properties"]["result"]["properties"]["data"] = replacement
        elif what.startswith("result "):
            result["properties"][what[len("result "):]] = replacement
        elif not what.startswith("param "):
            follow_exception(schema["properties"]["result"]["properties"]["data"], what.split("."), replacement)
    return schema


def follow_exception(node, path, replacement):
    """Replaces the schema of the key at `path` (inside data; "items" steps
    into a list) by `replacement`, or makes the key optional when None."""
    if path == ["items"] and replacement is not None:
        node["items"] = replacement
        return
    if path[0] == "items" and "items" in node:
        return follow_exception(node["items"], path[1:], replacement)
    if len(path) > 1:
        return follow_exception(node["properties"][path[0]], path[1:], replacement)
    if replacement is None:
        node["required"] = [k for k in node.get("required", []) if k != path[0]]
    else:
        node["properties"][path[0]] = replacement


def main(bin_dir):
    with open(SUBSET) as f:
        published = json.load(f)["functions"]
    root, env = make_root(bin_dir)
    failures, checked = [], 0
    try:
        implemented = run([os.path.join(bin_dir, "uapi"), "--list-functions"], env).stdout.split("\n")
        implemented = ["::".join(line.split()) for line in implemented if line.strip()]
        for name in implemented:
            module, function = name.split("::")
            if name not in published:
                if name not in NOT_PUBLISHED and f"{module}::*" not in NOT_PUBLISHED:
                    failures.append(f"{name}: implemented, not in the published description, not in NOT_PUBLISHED")
                continue
            ours = declared_parameters(bin_dir, env, module, function)
            for p in published[name]["parameters"]:
                key = f"param {p['name']}"
                if key in EXCEPTIONS.get(name, {}):
                    continue
                if p["name"] not in ours:
                    failures.append(f"{name}: published parameter {p['name']} not declared")
                    continue
                required, default = ours.pop(p["name"])
                if required != p["required"]:
                    failures.append(f"{name}: {p['name']} required={required}, published {p['required']}")
                published_default = p["schema"].get("default")
                if published_default is not None and str(published_default) != (default or ""):
                    failures.append(f"{name}: {p['name']} default {default!r}, published {published_default!r}")
            for extra in ours:
                if f"param {extra}" not in EXCEPTIONS.get(name, {}):
                    failures.append(f"{name}: declares {extra}, which is not published")
        called = set()
        for module, function, args, fails in CALLS:
            name = f"{module}::{function}"
            if name not in implemented:
                failures.append(f"{name}: in CALLS but not implemented")
                continue
            called.add(name)
            args = [a(bin_dir, env) if callable(a) else a.replace("{uploads}", os.path.join(root, "uploads"))
                    for a in args]
            args = [a.replace("{newest_backup}", newest_backup(root)) if "{newest_backup}" in a else a for a in args]
            out = run([os.path.join(bin_dir, "uapi"), "--user=bob", "--output=json", module, function] + args, env)
            try:
                doc = json.loads(out.stdout)
            except ValueError:
                failures.append(f"{name} {args}: no JSON (exit {out.returncode}): {out.stderr.strip()}")
                continue
            checked += 1
            status = doc.get("result", {}).get("status")
            if status != (0 if fails else 1):
                failures.append(f"{name} {args}: status {status}, expected {0 if fails else 1}: {out.stdout}")
                continue
            if fails:
                if doc["result"].get("data", "absent") is not None:
                    failures.append(f"{name} {args}: a failed call's data is not null: {out.stdout}")
                continue
            errors = sorted(jsonschema.Draft7Validator(response_schema(published[name]["response"], name))
                            .iter_errors(doc), key=lambda e: list(e.path))
            for e in errors:
                where = "/".join(str(p) for p in e.path)
                failures.append(f"{name} {args}: at {where or '(top)'}: {e.message}")
        for name in implemented:
            if name in published and name not in called:
                failures.append(f"{name}: implemented and published, but no call in CALLS")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    published_count = sum(1 for n in implemented if n in published)
    print(f"{len(implemented)} UAPI functions implemented, {published_count} of them published; "
          f"{checked} responses validated; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
