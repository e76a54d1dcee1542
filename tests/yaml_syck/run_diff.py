#!/usr/bin/env python3
"""whmkit's YAML against Perl's YAML::Syck 1.34, byte for byte.

The real whmapi1/cpapi2/uapi print YAML::Syck's Dump of their response. For
the same data, whmkit must print the same bytes. Two parts:

 1. A generated corpus (gen_corpus.py) of more than 10,000 tricky scalars in
    documents: yaml_dump prints whmkit's JSON, YAML and streamed YAML of each;
    syck_oracle.pl decodes that JSON and Dumps it with YAML::Syck.
 2. The response of every implemented whmapi1, cpapi2 and uapi function on a
    populated state root (CALLS below; a function missing from the table is
    called without arguments), in JSON and in the default YAML, plus
    listaccts over a few hundred accounts (the streamed path).

Documented exceptions (lib/base/syck_yaml.hpp): a string holding a carriage
return, a C1 control (U+0080..U+009F), U+2028, U+2029, U+FFFE or U+FFFF is
double-quoted and escaped, where Syck writes it raw; so is one Syck would
write plain with a first ",", or a tab after ":" (or a first "-", "?") or
before "#", which YAML readers take for an indicator, a mapping or a comment. Each is checked here,
not assumed: Syck's own output for such a string must fail to read back
the same, in YAML::Syck's Load or in PyYAML (which refuses the document or
reads a line break), and whmkit's must read back the same in both. (Bytes
that are not UTF-8 are another exception; JSON cannot carry them, so the
unit tests cover them.) Everything else must be identical.

Usage: run_diff.py --yaml-dump PATH --bin DIR [--gen-state PATH] [--show N]
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml  # PyYAML, for the exceptions' check

HERE = os.path.dirname(os.path.abspath(__file__))
UNSAFE = ["\r", "\u2028", "\u2029", "\ufffe", "\uffff"] + [chr(c) for c in range(0x80, 0xA0)]
NOW = "1795384004"  # WHMKIT_NOW: the same clock for every run

# ---------------------------------------------------------------- helpers


def frames(texts):
    return b"".join(b"%d\n%s" % (len(t), t) for t in texts)


def unframe(data):
    out, pos = [], 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        n = int(data[pos:nl])
        out.append(data[nl + 1:nl + 1 + n])
        pos = nl + 1 + n
    return out


def oracle(mode, texts):
    result = subprocess.run(["perl", os.path.join(HERE, "syck_oracle.pl"), mode], input=frames(texts),
                            capture_output=True, check=True)
    return result.stdout.decode().split() if mode == "roundtrip" else unframe(result.stdout)


def strings_in(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, str):
        yield value


def misread_when_plain(s):
    """Syck writes these plain (its scan looks for spaces), YAML readers see an
    indicator, a comment or a mapping (a tab is white space to them)."""
    return s.startswith(",") or s[:2] in ("-\t", "?\t") or ":\t" in s or "\t#" in s


def unsafe_strings(doc):
    return sorted({s for s in strings_in(doc) if any(c in s for c in UNSAFE) or misread_when_plain(s)})


def pyyaml_reads_back(yaml_text, value):
    """PyYAML reads {k: value} back as `value`. Syck's \\xNN escapes are bytes
    (PyYAML makes them U+00NN), so a double-quoted ASCII text is compared as
    Latin-1; raw UTF-8 as UTF-8."""
    try:
        back = yaml.safe_load(yaml_text.decode("utf-8"))["k"]
    except Exception:
        return False
    if not isinstance(back, str):
        return False
    raw = value.encode("utf-8")
    try:
        if back.encode("latin-1") == raw:
            return True
    except UnicodeEncodeError:
        pass
    return back.encode("utf-8") == raw


class Exceptions:
    """Checks that a string is a rightful exception: Syck's Dump of it does not
    read back the same (Perl Load or PyYAML); whmkit's does, in both."""

    def __init__(self, yaml_dump):
        self.yaml_dump = yaml_dump
        self.checked = {}

    def check(self, strings):
        todo = [s for s in strings if s not in self.checked]
        if not todo:
            return
        docs = [json_line({"k": s}) for s in todo]
        ours = [yaml_text for _, yaml_text, _, _ in run_yaml_dump(self.yaml_dump, docs)]
        syck = oracle("dump", docs)
        pairs = []
        for doc, o, s in zip(docs, ours, syck):
            pairs += [doc, o, doc, s]
        verdicts = oracle("roundtrip", pairs)
        for i, s in enumerate(todo):
            ours_perl, syck_perl = verdicts[2 * i] == "same", verdicts[2 * i + 1] == "same"
            ours_ok = ours_perl and pyyaml_reads_back(ours[i], s)
            syck_ok = syck_perl and pyyaml_reads_back(syck[i], s)
            self.checked[s] = (ours_ok and not syck_ok, ours[i], syck[i], ours_perl, syck_perl)

    def justified(self, strings):
        self.check(strings)
        return bool(strings) and all(self.checked[s][0] for s in strings)


def json_line(value):
    import json
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def run_yaml_dump(yaml_dump, lines):
    out = subprocess.run([yaml_dump], input=b"".join(lines), capture_output=True, check=True).stdout
    docs, pos = [], 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        head = out[pos:nl]
        pos = nl + 1
        if head == b"error":
            docs.append((None, None, None, None))
            continue
        sizes = [int(x) for x in head.split()]
        parts = []
        for n in sizes:
            parts.append(out[pos:pos + n])
            pos += n
        docs.append(tuple(parts))
    return docs


def show(label, ours, syck):
    print(f"DIFF {label}")
    print(f"  whmkit:    {ours!r}")
    print(f"  YAML::Syck: {syck!r}")


# ---------------------------------------------------------------- part 1: the corpus


def corpus_part(args, exceptions):
    import json
    gen = subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py")], capture_output=True, check=True)
    lines = gen.stdout.splitlines(keepends=True)
    scalar_count = int(gen.stderr.split()[0])
    ours = run_yaml_dump(args.yaml_dump, lines)
    bad_json = [line for line, (j, _, _, _) in zip(lines, ours) if j is None]
    if bad_json:
        print(f"FAIL: yaml_dump could not parse {len(bad_json)} corpus lines, e.g. {bad_json[0]!r}")
        return 0, len(lines), 0, 1
    syck = oracle("dump", [j for j, _, _, _ in ours])
    # whmkit reads its YAML as YAML::Syck does: the same values, as text.
    syck_read = oracle("load", [y for _, y, _, _ in ours])
    misread = 0
    for line, (_, _, _, back), expected in zip(lines, ours, syck_read):
        if back.startswith(b"error") or as_text(json.loads(back)) != json.loads(expected):
            misread += 1
            if misread <= args.show:
                print(f"MISREAD {line!r}: yaml_to_json {back!r}, YAML::Syck {expected!r}")
    print(f"corpus: yaml_to_json reads {len(lines) - misread} of {len(lines)} documents as YAML::Syck does")
    identical = excepted = failed = 0
    for line, (j, y, streamed, _), s in zip(lines, ours, syck):
        if y == s and streamed == s:
            identical += 1
            continue
        doc = json.loads(line)
        unsafe = unsafe_strings(doc)
        if streamed == y and unsafe and exceptions.justified(unsafe):
            excepted += 1
            continue
        failed += 1
        if failed <= args.show:
            show(line.decode("utf-8", "replace").strip(), y, s)
            if streamed != y:
                print(f"  streamed:  {streamed!r}")
    print(f"corpus: {scalar_count} scalars in {len(lines)} documents: {identical} identical, "
          f"{excepted} documented exceptions, {failed} different")
    return identical, len(lines), excepted, failed + misread


def as_text(value):
    """A JSON value with every number as its text, as Perl holds it."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return str(value)


# ---------------------------------------------------------------- part 2: responses

W = "whmapi1"
U = ("uapi", "--user=bob")
C = ("cpapi2", "--user=bob")

SETUP = [
    (W, "addpkg", "name=basic", "quota=1000", "bwlimit=10000", "maxftp=5", "maxpark=5", "maxaddon=5", "maxsub=5"),
    (W, "addpkg", "name=pro", "quota=unlimited", "maxftp=unlimited", "maxpark=unlimited"),
    (W, "createacct", "username=bob", "domain=bob.example", "password=Main-pass1", "plan=basic",
     "contactemail=bob@bob.example"),
    (W, "createacct", "username=amy", "domain=amy.example", "password=Main-pass1", "plan=pro"),
    (W, "createacct", "username=res1", "domain=res1.example", "password=Main-pass1"),
    (W, "setupreseller", "user=res1"),
    (W, "setacls", "reseller=res1", "acl-create-acct=1", "acl-list-accts=1", "acl-edit-dns=1"),
    (W, "createacct", "username=carl", "domain=carl.example", "password=Main-pass1", "owner=res1"),
    (W, "create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"),
    (W, "create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"),
    (W, "create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"),
    (W, "create_parked_domain_for_user", "domain=shop.example", "username=bob", "web_vhost_domain=shop.bob.example"),
    (W, "create_subdomain", "domain=old.bob.example", "document_root=public_html/old"),
    (W, "create_parked_domain_for_user", "domain=old.example", "username=bob", "web_vhost_domain=old.bob.example"),
    (W, "convert_addon_initiate_conversion", "domain=old.example", "username=olduser"),
    (W, "adddns", "domain=extra.example", "ip=192.0.2.50"),
    (W, "addzonerecord", "domain=bob.example", "name=www2", "type=A", "address=192.0.2.7"),
    (W, "addzonerecord", "domain=bob.example", "name=@", "type=TXT", "txtdata=v=spf1 -all"),
    (W, "addzonerecord", "domain=bob.example", "name=@", "type=MX", "preference=10", "exchange=mail.bob.example"),
    (*U, "Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass", "quota=100"),
    (*U, "Ftp", "add_ftp", "user=web", "pass=S3cure.pass", "homedir=public_html"),
    (*U, "Email", "add_pop", "email=info", "password=S3cure.pass", "quota=100"),
    (*U, "Email", "add_pop", "email=yes", "domain=bob.net", "password=S3cure.pass", "quota=unlimited"),
    (*U, "Email", "suspend_login", "email=yes@bob.net"),
    (*U, "Email", "suspend_incoming", "email=yes@bob.net"),
    (*U, "Email", "list_pops_with_disk", "infinitylang=1"),
    (*U, "Email", "get_pop_quota", "email=info", "as_bytes=1"),
    (*U, "Email", "get_disk_usage", "user=info", "domain=bob.example"),
    (*U, "Email", "verify_password", "email=info@bob.example", "password=S3cure.pass"),
    (*U, "Email", "get_client_settings", "account=info@bob.example"),
    (*U, "Email", "account_name", "account=no: such #1"),
    (*U, "Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=0"),
    (*U, "Email", "passwd_pop", "email=info", "password=An0ther.pass"),
    (*U, "Email", "add_list", "list=news", "domain=bob.example", "password=S3cure.pass"),
    (*U, "Email", "list_lists"),
    (*C, "Email", "addpop", "email=c2", "password=S3cure.pass", "quota=50"),
    (*C, "Email", "listpopswithdisk"),
    (*C, "Email", "getdiskusage", "user=c2", "domain=bob.example"),
    (*C, "Email", "editquota", "email=c2", "domain=bob.example", "quota=10"),
    (*C, "Email", "passwdpop", "email=c2", "password=An0ther.pass"),
    (*C, "Email", "delpop", "email=c2"),
    (W, "list_pops_for", "user=bob"),
    (*U, "Mailboxes", "set_utf8_mailbox_names", "enabled=1"),
    (*U, "Mailboxes", "has_utf8_mailbox_names"),
    (*U, "Cron", "add_line", "minute=*/5", "hour=*", "day=*", "month=*", "weekday=*",
     "command=/usr/bin/php ~/cron.php"),
    (*U, "Cron", "add_line", "minute=0", "hour=3", "day=*", "month=*", "weekday=1", "command=echo 'yes: no' # y"),
    (*U, "Cron", "set_email", "email=bob@bob.example"),
    (*C, "SSH", "genkey", "name=deploy", "bits=1024"),
    (*C, "SSH", "authkey", "key=deploy"),
    (W, "generatesshkeypair", "name=deploy", "bits=1024", "comment=root: deploy #1"),
    (*U, "Fileman", "save_file_content", "dir=public_html", "file=index.html",
     "content=<html><head><meta charset=utf-8></head>\n- yes: no #1\n</html>"),
    (*U, "Fileman", "save_file_content", "file=old: notes.txt", "content=~ null"),
    (*C, "Fileman", "fileop", "op=trash", "sourcefiles=old: notes.txt"),
    (W, "suspendacct", "user=amy", "reason=Unpaid: invoice #12"),
    (W, "create_featurelist", "featurelist=pro"),
    (W, "backup_destination_add", "type=Local", "name=copy", "path=/copies"),
    (W, "backup_config_set", "backupenable=1", "backupdir=/backup"),
    (W, "enable_dnssec_for_domains", "domain=extra.example", "algo_num=13"),
    (W, "twofactorauth_set_tfa_config_for_user", 'bob={"primary_account":{"secret":"JBSWY3DPEHPK3PXP"}}'),
    (W, "set_service_proxy_backends", "username=bob", "general=192.0.2.10", "service_group=Mail",
     "service_group_backend=mail.example.net"),
]

# A WHM and a cPanel API token whose plaintext the calls below know (only its
# SHA-512 is stored).
KNOWN_TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def token_file(entry):
    return json.dumps({"tokens": {hashlib.sha512(KNOWN_TOKEN.encode()).hexdigest(): entry}})


# Files a plugin or the administrator puts in place, written before SETUP.
SETUP_FILES = {
    "var/cpanel/authn/api_tokens_v2/whostmgr/root.json": token_file(
        {"name": "ci", "create_time": 1795000000, "expires_at": None, "acls": ["list-accts"],
         "whitelist_ips": ["192.0.2.0/24"]}),
    "var/cpanel/authn/api_tokens_v2/cpanel/bob.json": token_file(
        {"name": "site", "create_time": 1795000000, "expires_at": 1895000000, "has_full_access": 1,
         "features": []}),
    "etc/ips": "192.0.2.31:255.255.255.0:192.0.2.255\n192.0.2.32:255.255.255.0:192.0.2.255\n",
    "var/cpanel/cpnat": "192.0.2.31 203.0.113.31\n",
    "etc/cpanel/ipv6/range_allocation_data":
        "---\nHosting:\n  CIDR: 2001:db8:2::/120\n  enabled: 1\n  first: 2001:0db8:0002:0000:0000:0000:0000:0000\n"
        "  last: 2001:0db8:0002:0000:0000:0000:0000:00ff\n  mostrecent: ~\n  name: Hosting\n  note: 'Web: main'\n"
        "  owner: root\n  range_users: []\n  reclaimed: []\n",
    "var/cpanel/account_enhancements/config/installed.json":
        '{"WP Deluxe":{"id":"wp-deluxe","plugin_id":"wp-toolkit"},"Backup: Plus":{"id":"backup-plus","plugin_id":"bk"}}',
    "var/cpanel/packages/extensions/dog": "_NAME=Dog Settings\ndog_species=mutt\ndog_spots=n\n",
    "var/cpanel/cluster/root/config/192.0.2.5": "#version 2.0\nuser=root\nhost=192.0.2.5\npass=TOKEN: #1\nmodule=cPanel\n",
    "usr/local/cpanel/whostmgr/docroot/themes/x/dynamicui.conf":
        '[{"type":"group","group":"server_configuration","groupdesc":"Server: Configuration","grouporder":1,'
        '"acl":"ACL=all","key":"server_configuration"},{"group":"server_configuration","file":"tweak_settings.png",'
        '"itemdesc":"Tweak Settings #1","itemorder":1,"acl":"ACL=all","key":"tweak_settings","url":"/scripts2/tweak"},'
        '{"type":"raw","itemdesc":"[% PROCESS \'menu/plugins_list.tmpl\' -%]"}]',
    "var/cpanel/in_product_survey.json":
        '{"link":"https://survey.example/?v={version}&u={user}","max_dismiss":"3","submit_event":"done: yes"}',
    "var/cpanel/clusterserver/servers.db": "---\nnode1.example.com: \n  key: D0d0abcdef\n  user: root\n",
    "var/cpanel/linked_nodes/master.json":
        '{"mailnode":{"api_token":"SECRET","enabled_services":["exim","imap"],"hostname":"mail.example.net",'
        '"last_check":1556576165,"system_settings":{"Mail":{"globalspamassassin":"1"}},"tls_verified":0,'
        '"username":"root","version":"11.110.0.5","worker_capabilities":{"Mail":{}}}}',
    "root/.ssh/ops.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDHBY1JInUfpkLl5wsERSxz2IllBW0IGBKE7iGBMEK7D ops: key #1\n",
    "var/cpanel/packages/extensions/dog.tt2":
        '<input name="dog_species" value="[% data.dog_species | html %]">[% IF data.dog_spots == "y" %] spots[% END %]\n',
    # External authentication: the Google sample installed, a linked account, API 1 usage, an AppConfig file.
    "var/cpanel/perl/Cpanel/Security/Authn/Provider/Google.pm": "package Cpanel::Security::Authn::Provider::Google;\n1;\n",
    "var/cpanel/authn/links/openid_connect/login/cpanelid.db":
        '{"subject_unique_identifier":{"1234":{"bob":{"link_time":1443124003,"preferred_username":"bob@mail.example",'
        '"version":"1.1"}}},"user":{"bob":{"1234":1}}}',
    "var/cpanel/analytics/data/api1.2019-01-30.log.summary":
        '{"api1_calls":{"Email::printdomainoptions":200000},"api1_pages":{"/usr/local/cpanel/base/frontend/jupiter/x.tt":3}}',
    "var/cpanel/apps/whmplugin.conf": "service=whostmgr\nurl=/cgi/whmplugin/index.cgi\nacls=all\ndisplayname=Plugin: x\n",
}

# Every implemented function with plausible arguments; some failures on purpose.
CALLS = [
    (W, "enable_dnssec_for_domains", "domain=bob.example", "algo_num=8", "nsec3_salt=ABCD"),
    (W, "enable_dnssec_for_domains", "domain=nowhere.example"),
    (W, "disable_dnssec_for_domains", "domain=extra.example"),
    (W, "fetch_ds_records_for_domains", "domain=extra.example", "domain=bob.example"),
    (W, "add_zone_key", "domain=extra.example", "algo_num=8", "key_type=zsk", "key_size=1024", "active=0"),
    (W, "activate_zone_key", "domain=extra.example", "key_id=1"),
    (W, "deactivate_zone_key", "domain=extra.example", "key_id=1"),
    (W, "remove_zone_key", "domain=extra.example", "key_id=1"),
    (W, "remove_zone_key", "domain=extra.example", "key_id=99"),
    (W, "export_zone_key", "domain=extra.example", "key_id=1"),
    (W, "export_zone_dnskey", "domain=extra.example", "key_id=1"),
    (W, "import_zone_key", "domain=extra.example", "key_type=ksk", "key_data=not a key"),
    (W, "set_nsec3_for_domains", "domain=extra.example", "nsec3_iterations=0", "nsec3_narrow=0",
     "nsec3_opt_out=0", "nsec3_salt=AB12"),
    (W, "unset_nsec3_for_domains", "domain=extra.example"),
    (W, "export_zone_files", "zone=bob.example"),
    (W, "is_alias_available", "zone=bob.example"),
    # System information and server profiles (commands/system_info.cpp, server_profiles.cpp).
    (W, "sethostname", "hostname=server.example.net"),
    (W, "sethostname", "hostname=example.net"),
    (W, "set_primary_servername", "servername=bob.example"),
    (W, "set_primary_servername", "servername=bob.example", "type=ssl"),
    (W, "reboot", "force=1"),
    (W, "is_role_enabled", "role=DNS"),
    (W, "start_profile_activation", "code=MAILNODE", 'optional={"DNS":1,"SpamFilter":0}'),
    (W, "start_profile_activation", "code=DNSNODE"),
    (W, "update_nameservers_config", "nameserver=ns1.example.net", "nameserver=ns2.example.net"),
    (W, "updateuserdomains"),
    (W, "_getpkgextensionform", "pkg=basic"),
    (W, "_getpkgextensionform", "pkg=nothing"),
    (W, "create_account_enhancement", "name=Backup: Plus", "id=backup-plus"),
    (W, "list_account_enhancements"),
    (W, "modify_account_enhancement", "name=WP Deluxe", "id=backup-plus"),
    (W, "assign_account_enhancement", "account=bob", "name=WP Deluxe"),
    (W, "unassign_account_enhancement", "account=bob", "name=WP Deluxe"),
    (W, "delete_account_enhancement", "name=WP Deluxe"),
    (W, "list_enhancement_limits", "account=res1"),
    (W, "set_enhancement_limit", "account=res1", "id=wp-deluxe", "limited=1", "limit=3"),
    (W, "get_public_contact"),
    (W, "set_public_contact", "name=Hosting: the #1", "url=example.com/contact"),
    # API tokens (commands/api_tokens.cpp).
    (W, "api_token_create", "token_name=new-token", "acl=list-accts", "whitelist_ip=fc00::1"),
    (W, "api_token_create", "token_name=ci"),
    (W, "batch", "command=version", "command=accountsummary%3Fuser%3Du00001"),
    (W, "create_user_session", "user=u00001", "service=cpaneld"),
    (W, "api_token_list"),
    (W, "api_token_get_details", "token=" + KNOWN_TOKEN),
    (W, "api_token_update", "token_name=ci", "new_name=ci-2", "whitelist_ip=any", "expires_at=1895000000"),
    (W, "api_token_revoke", "token_name=ci"),
    (W, "accesshash", "user=root", "generate=1"),
    (W, "accesshash", "user=root", "generate=0"),
    (*U, "Tokens", "create_full_access", "name=deploy", "expires_at=1895000000"),
    (*U, "Tokens", "list"),
    (*U, "Tokens", "rename", "name=site", "new_name=web"),
    (*U, "Tokens", "revoke", "name=site"),
    (W, "list_users"),
    (W, "get_maximum_users"),
    (W, "get_disk_usage"),
    (W, "get_homedir_roots"),
    (W, "quota_enabled"),
    (W, "forcepasswordchange", 'users_json={"bob":1,"carl":0}'),
    (W, "get_password_strength", "password=12345luggage"),
    (W, "getminimumpasswordstrengths"),
    (W, "setminimumpasswordstrengths", "default=50", "createacct=0"),
    (W, "has_digest_auth", "user=bob"),
    (W, "set_digest_auth", "user=bob", "digestauth=1", "password=Main-pass1"),
    (W, "has_mycnf_for_cpuser", "user=bob"),
    (W, "personalization_get", "names=coffee", "names=tea"),
    (W, "personalization_set", 'personalization={"coffee":"hot: yes","n":"0123"}'),
    (W, "get_upgrade_opportunities"),
    (W, "convert_addon_list_addon_domains"),
    (W, "convert_addon_fetch_domain_details", "domain=shop.example"),
    (W, "convert_addon_fetch_domain_details", "domain=bob.example"),
    (W, "convert_addon_initiate_conversion", "domain=shop.example", "username=shopper"),
    (W, "convert_addon_get_conversion_status", "job_id=1"),
    (W, "convert_addon_list_conversions"),
    (W, "convert_addon_fetch_conversion_details", "job_id=1"),
    (W, "untrack_acct_id", "uid=59000", "check_quota=0"),
    (W, "untrack_acct_id", "uid=1"),
    (W, "update_reverse_dns_cache"),
    (W, "set_up_dns_resolver_workarounds"),
    (W, "cluster_member_has_trust_with", "host=192.0.2.5"),
    (W, "cluster_member_has_trust_with", "host=192.0.2.6"),
    (W, "get_available_applications"),
    (W, "get_available_applications", "applications_list=tweak_settings"),
    (W, "get_in_product_survey_url"),
    (W, "set_application_contact_importance", "app=Check", "importance=Disabled"),
    (W, "set_application_contact_event_importance", "app=Check", "event=Hack", "importance=2"),
    (W, "get_application_contact_importance", "app=Check"),
    (W, "get_application_contact_event_importance", "app=Check", "event=Hack"),
    (W, "get_all_contact_importances"),
    (W, "update_contact_email", "contact_email=admin@example.net"),
    (W, "save_connected_application", "name=app: one", 'data={"token_name":"t #1","jwt":{"iss":"- x"}}'),
    (W, "fetch_connected_application", "name=app: one"),
    (W, "list_connected_applications"),
    (W, "remove_connected_application", "name=app: one"),
    (W, "participate_in_analytics", "enabled=1"),
    (W, "verify_oscar_access", "username=123456", "password=secret"),
    (W, "purchase_a_license", "provider=cPStore", "url_after_checkout=http://host.example", "login_token=t"),
    (*U, "Fileman", "list_files", "dir=public_html", "include_mime=1", "include_hash=1", "include_permissions=1",
     "check_for_leaf_directories=1", "show_hidden=1"),
    (*U, "Fileman", "get_file_information", "path=public_html/index.html", "include_mime=1"),
    (*U, "Fileman", "get_file_content", "dir=public_html", "file=index.html"),
    (*U, "Fileman", "get_file_content", "dir=public_html", "file=ghost.html"),
    (*U, "Fileman", "save_file_content", "dir=public_html", "file=true", "content=#: -"),
    (*U, "Fileman", "upload_files", "file-1=@/etc/hostname"),
    (*U, "Fileman", "empty_trash", "older_than=0"),
    (*U, "Fileman", "autocompletedir", "path=pub"),
    (*U, "Fileman", "transcode", "content=caf%C3%A9: yes", "to_charset=ASCII", "transliterate=1"),
    (*U, "Ftp", "ftp_exists", "user=deploy"),
    (*U, "Ftp", "ftp_exists", "user=ghost"),
    (*U, "Ftp", "set_anonymous_ftp", "set_anonymous_ftp=1"),
    (*U, "Ftp", "allows_anonymous_ftp_incoming"),
    (*U, "Ftp", "set_anonymous_ftp_incoming", "set_anonymous_ftp_incoming=1"),
    (*U, "Ftp", "get_welcome_message"),
    (*U, "Ftp", "set_welcome_message", "message=Welcome: files at /pub #1"),
    (*U, "Ftp", "get_port"),
    (*U, "Ftp", "server_name"),
    (*U, "Ftp", "get_ftp_daemon_info"),
    (*U, "Quota", "get_quota_info"),
    (*U, "Quota", "get_local_quota_info"),
    (*U, "ResourceUsage", "get_usages"),
    (*U, "StatsBar", "get_stats", "display=diskusage|bandwidthusage|ftpaccounts|subdomains|hostingpackage|theme"),
    (*U, "StatsBar", "get_stats", "display=diskusage", "infinitylang=unlimited: no limit #1"),
    (*U, "Bandwidth", "query", "grouping=domain|protocol|year"),
    (*U, "Bandwidth", "query", "grouping=year"),
    (*U, "Bandwidth", "get_retention_periods"),
    (*U, "Bandwidth", "get_enabled_protocols"),
    (W, "accountsummary", "user=bob"),
    (W, "accountsummary", "user=ghost"),
    (W, "acctcounts"),
    (W, "add_override_features_for_user", "user=bob", 'features={"ssh":1,"cron":0}'),
    (W, "adddns", "domain=new.example", "ip=192.0.2.60"),
    (W, "addpkg", "name=gold", "quota=5000", "maxftp=10"),
    (W, "addpkgext", "name=basic", "_PACKAGE_EXTENSIONS=ext1"),
    (W, "addzonerecord", "domain=bob.example", "name=srv", "type=CNAME", "cname=bob.example."),
    (W, "applist"),
    (W, "backup_config_get"),
    (W, "backup_config_set", "backupdays=1,3"),
    (W, "backup_date_list"),
    (W, "backup_destination_add", "type=FTP", "name=Off site #1", "host=ftp.example.net", "username=bk",
     "password=p4ss"),
    (W, "backup_destination_delete", "id=nosuch"),
    (W, "backup_destination_get", "id=nosuch"),
    (W, "backup_destination_list"),
    (W, "backup_destination_set", "id=nosuch", "name=x"),
    (W, "backup_destination_validate", "id=nosuch"),
    (W, "backup_does_client_id_have_google_credentials", "client_id=abc123"),
    (W, "backup_generate_google_oauth_uri", "client_id=abc123", "client_secret=s3cret"),
    (W, "backup_get_transport_status"),
    (W, "backup_list_transported"),
    (W, "backup_set_list"),
    (W, "backup_set_list_combined"),
    (W, "backup_skip_users_all", "state=0", "backupversion=backup"),
    (W, "backup_skip_users_all_status"),
    (W, "backup_user_list", "restore_point=2026-11-20T00:00:00.000Z"),
    (W, "convert_and_migrate_from_legacy_config"),
    (W, "changepackage", "user=bob", "pkg=pro"),
    (W, "cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Ftp", "cpanel_jsonapi_func=listftp",
     "cpanel_jsonapi_apiversion=2"),
    (W, "create_featurelist", "featurelist=Mail Only"),
    (W, "create_parked_domain_for_user", "domain=bob.org", "username=bob", "web_vhost_domain=bob.example"),
    (W, "create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"),
    (W, "createacct", "username=dave", "domain=dave.example", "password=Main-pass1"),
    (W, "createacct", "username=1bad", "domain=x.example"),
    (W, "delete_domain", "domain=blog.bob.example"),
    (W, "delete_featurelist", "featurelist=pro"),
    (W, "delpkgext", "name=basic", "_DELETE_EXTENSIONS=ext1"),
    (W, "domainuserdata", "domain=bob.example"),
    (W, "dumpzone", "domain=bob.example"),
    (W, "dumpzone", "domain=nosuch.example"),
    (W, "editpkg", "name=basic", "maxftp=7"),
    (W, "editquota", "user=bob", "quota=500"),
    (W, "editzonerecord", "domain=bob.example", "line=1", "name=www2", "type=A", "address=192.0.2.8"),
    (W, "fetch_pkgacct_master_log", "session_id=nosuch"),
    (W, "get_current_users_count"),
    (W, "get_domain_info"),
    (W, "get_feature_metadata"),
    (W, "get_feature_names"),
    (W, "get_featurelist_data", "featurelist=pro"),
    (W, "get_featurelists"),
    (W, "get_nameserver_config"),
    (W, "get_pkgacct_session_state", "session_id=nosuch"),
    (W, "get_users_and_domains_with_backup_metadata"),
    (W, "get_users_features_settings", "user=bob"),
    (W, "get_users_with_backup_metadata"),
    (W, "getdomainowner", "domain=bob.example"),
    (W, "getpkginfo", "pkg=basic"),
    (W, "getresellerips", "user=res1"),
    (W, "getzonerecord", "domain=bob.example", "line=1"),
    (W, "has_local_authority", "domain=bob.example"),
    (W, "killdns", "domain=extra.example"),
    (W, "killpkg", "pkgname=pro"),
    (W, "limitbw", "user=bob", "bwlimit=100"),
    (W, "list_cparchive_files"),
    (W, "listaccts"),
    (W, "listaccts", "search=^b", "searchtype=user", "want=user,domain,suspended"),
    (W, "--user=res1", "listaccts"),
    (W, "listacls"),
    (W, "listlockedaccounts"),
    (W, "listmxs", "domain=bob.example"),
    (W, "listpkgs"),
    (W, "listresellers"),
    (W, "listsuspended"),
    (W, "listzones"),
    (W, "lookupnsip", "host=ns1.bob.example"),
    (W, "lookupnsips", "host=ns1.bob.example"),
    (W, "mass_edit_dns_zone", "zone=bob.example", "serial=1", "add={\"dname\":\"x\",\"ttl\":300,\"record_type\":\"A\","
     "\"data\":[\"192.0.2.9\"]}"),
    (W, "massmodifyacct", "user=bob", "user=carl", "MAXFTP=10"),
    (W, "matchpkgs"),
    (W, "modifyacct", "user=bob", "MAXFTP=3"),
    (W, "myprivs"),
    (W, "--user=res1", "myprivs"),
    (W, "parse_dns_zone", "zone=bob.example"),
    (W, "passwd", "user=bob", "password=N3w-pass-word"),
    (W, "remove_override_features_for_user", "user=bob", "features=[\"ssh\"]"),
    (W, "removeacct", "user=carl"),
    (W, "removezonerecord", "zone=bob.example", "line=1"),
    (W, "resellerstats", "user=res1"),
    (W, "resetzone", "domain=bob.example"),
    (W, "resolvedomainname", "domain=bob.example"),
    (W, "restore_modules_summary"),
    (W, "restore_queue_activate"),
    (W, "restore_queue_add_task", "user=bob", "restore_point=2026-11-20T00:00:00.000Z", "destid=abc"),
    (W, "restore_queue_clear_all_completed_tasks"),
    (W, "restore_queue_clear_all_failed_tasks"),
    (W, "restore_queue_clear_all_pending_tasks"),
    (W, "restore_queue_clear_all_tasks"),
    (W, "restore_queue_clear_completed_task", "user=bob", "start_time=1"),
    (W, "restore_queue_clear_pending_task", "user=bob"),
    (W, "restore_queue_is_active"),
    (W, "restore_queue_list_active"),
    (W, "restore_queue_list_completed"),
    (W, "restore_queue_list_pending"),
    (W, "restore_queue_state"),
    (W, "restoreaccount", "user=bob", "type=daily"),
    (W, "saveacllist", "acllist=support", "acl-list-accts=1"),
    (W, "savemxs", "domain=bob.example", "name=bob.example.", "exchange=mx2.bob.example", "preference=20"),
    (W, "set_nameserver", "nameserver=disabled"),
    (W, "setacls", "reseller=res1", "acl-list-accts=1"),
    (W, "setresellerips", "user=res1", "ips=192.0.2.10"),
    (W, "setresellerlimits", "user=res1", "enable_account_limit=1", "account_limit=10"),
    (W, "setresellermainip", "user=res1", "ip=192.0.2.10"),
    (W, "setresellernameservers", "user=res1", "nameservers=ns1.res1.example,ns2.res1.example"),
    (W, "setresellerpackagelimit", "user=res1", "package=basic", "allowed=1", "number=5"),
    (W, "setresolvers", "nameserver1=192.0.2.53", "nameserver2=192.0.2.54"),
    (W, "setupreseller", "user=bob"),
    (W, "showbw"),
    (W, "start_background_pkgacct", "user=bob"),
    (W, "start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"),
    (W, "suspendacct", "user=bob", "reason=Abuse: y"),
    (W, "suspendreseller", "user=res1", "reason=no"),
    (W, "terminatereseller", "user=res1", "terminatereseller=I understand this will irrevocably remove all the "
     "accounts owned by the reseller res1"),
    (W, "toggle_user_backup_state", "user=bob"),
    (W, "uapi_cpanel", "cpanel.user=bob", "cpanel.module=Ftp", "cpanel.function=list_ftp"),
    (W, "unsetupreseller", "user=res1"),
    (W, "unsuspendacct", "user=amy"),
    (W, "unsuspendreseller", "user=res1"),
    (W, "update_featurelist", "featurelist=pro", "cron=0"),
    (W, "verify_new_username", "user=newbie"),
    (W, "verify_new_username", "user=bob"),
    (W, "verify_new_username_for_restore", "user=bob"),
    (W, "verify_user_has_feature", "user=bob", "feature=ssh"),
    (W, "version"),
    (W, "get_tweaksetting", "key=defaultmailaction"),
    (W, "set_tweaksetting", "key=maxemailsperhour", "value=300"),
    (W, "set_tweaksetting", "key=defaultmailaction", "value=bounce"),
    (W, "leika_get_config", "item=cpanel.key1"),
    (W, "set_tier", "tier=current"),
    (W, "set_cpanel_updates", "updates=manual"),
    (W, "manage_features", "action=info"),
    (W, "nosuchfunction"),
    (*C, "Cron", "add_line", "minute=1", "hour=2", "day=3", "month=4", "weekday=5", "command=/bin/true"),
    (*C, "Cron", "edit_line", "linekey=1", "minute=2", "hour=*", "day=*", "month=*", "weekday=*",
     "command=/bin/false"),
    (*C, "Cron", "fetchcron"),
    (*C, "Cron", "get_email"),
    (*C, "Cron", "listcron"),
    (*C, "Cron", "remove_line", "line=1"),
    (*C, "Cron", "set_email", "email=ops@bob.example"),
    (*C, "Email", "addmx", "domain=bob.example", "exchange=mx2.bob.example", "preference=20"),
    (*C, "Email", "changemx", "domain=bob.example", "exchange=mx3.bob.example", "oldexchange=mx2.bob.example",
     "preference=30"),
    (*C, "Email", "delmx", "domain=bob.example", "exchange=mx3.bob.example"),
    (*C, "Email", "delmx", "domain=bob.example", "exchange=nosuch.example"),
    (*C, "Email", "listmx", "domain=bob.example"),
    (*C, "Email", "listmxs", "domain=bob.example"),
    (*U, "Email", "store_filter", "filtername=junk: #1", "part1=$header_subject:", "match1=contains",
     "val1=a\"b\\c$d: #x", "action1=save", "dest1=/dev/null"),
    (*U, "Email", "list_filters"),
    (*U, "Email", "get_filter", "account=bob", "filtername=none"),
    (*U, "Email", "delete_filter", "account=bob", "filtername=none"),
    (*U, "Email", "enable_filter", "account=bob", "filtername=none"),
    (*U, "Email", "disable_filter", "account=bob", "filtername=none"),
    (*U, "Email", "reorder_filters", "mailbox=bob"),
    (*U, "Email", "count_filters"),
    (*U, "Email", "list_filters_backups"),
    (*U, "Email", "trace_filter", "msg=hello: #1"),
    (*U, "Email", "add_auto_responder", "email=info", "domain=bob.example", "from=Bob: #1", "subject=- away",
     "body=line 1\n  line 2: x", "is_html=1", "interval=24", "start=1700000000", "stop=1800000000"),
    (*U, "Email", "get_auto_responder", "email=info@bob.example"),
    (*U, "Email", "list_auto_responders", "domain=bob.example"),
    (*U, "Email", "delete_auto_responder", "email=info@bob.example"),
    (*U, "Email", "count_auto_responders"),
    (*U, "Email", "enable_spam_assassin"),
    (*U, "Email", "disable_spam_assassin"),
    (*U, "Email", "enable_spam_box"),
    (*U, "Email", "disable_spam_box"),
    (*U, "Email", "get_spam_settings"),
    (*U, "Email", "add_spam_filter", "required_score=8"),
    (*U, "Email", "disable_spam_autodelete"),
    (*U, "SpamAssassin", "get_user_preferences"),
    (*U, "SpamAssassin", "update_user_preference", "preference=score", "value=ACT_NOW 2.5"),
    (*U, "SpamAssassin", "clear_spam_box"),
    (*U, "EmailAuth", "enable_dkim", "domain=bob.example", "domain=blog.bob.example"),
    (*U, "EmailAuth", "validate_current_dkims", "domain=bob.example"),
    (*U, "EmailAuth", "fetch_dkim_private_keys", "domain=bob.example"),
    (*U, "EmailAuth", "validate_current_spfs", "domain=bob.example"),
    (*U, "EmailAuth", "apply_dmarc", "policy=v=DMARC1; p=reject; rua=mailto:d@bob.example"),
    (*U, "EmailAuth", "validate_current_dmarcs"),
    (W, "validate_current_ptrs", "domain=bob.example"),
    (*C, "Email", "storefilter", "filtername=coffee", "part1=$header_from:", "match1=is", "val1=- x: y",
     "action1=deliver", "dest1=a@b.example"),
    (*C, "Email", "filterlist"),
    (*C, "Email", "loadfilter", "account=bob", "filtername=none"),
    (*C, "Email", "deletefilter", "account=bob", "filtername=none"),
    (*C, "Email", "addautoresponder", "email=info", "domain=bob.example", "from=Bob", "subject=: away",
     "body=x", "is_html=0", "interval=0", "start=1700000000", "stop=1800000000"),
    (*C, "Email", "listautoresponders", "domain=bob.example"),
    (*C, "Email", "delautoresponder", "email=info@bob.example"),
    (*C, "Email", "addforward", "domain=bob.example", "email=sales", "fwdopt=fwd", "fwdemail=a@example.net,b@example.net"),
    (*C, "Email", "addforward", "domain=bob.example", "email=old", "fwdopt=fail", "failmsgs=Gone: ask sales, #2"),
    (*C, "Email", "listforwards", "domain=bob.example"),
    (*C, "Email", "delforward", "email=sales@bob.example", "emaildest=b@example.net"),
    (*C, "Email", "listdefaultaddresses"),
    (*C, "Email", "setdefaultaddress", "domain=bob.example", "fwdopt=blackhole"),
    (*C, "Email", "setalwaysaccept", "domain=bob.net", "mxcheck=secondary"),
    (*C, "Email", "listmaildomains", "select=bob.net"),
    (*U, "Email", "add_forwarder", "domain=bob.example", "email=info", "fwdopt=fwd", "fwdemail=x@example.org"),
    (*U, "Email", "list_forwarders", "domain=bob.example", "regex=^(info|old)"),
    (*U, "Email", "count_forwarders"),
    (*U, "Email", "delete_forwarder", "address=info@bob.example", "forwarder=x@example.org"),
    (*U, "Email", "add_domain_forwarder", "domain=bob.net", "destdomain=bob.example"),
    (*U, "Email", "list_domain_forwarders"),
    (*U, "Email", "delete_domain_forwarder", "domain=bob.net"),
    (*U, "Email", "list_default_address", "user=bob", "domain=bob.example"),
    (*U, "Email", "set_default_address", "fwdopt=fail", "failmsgs=No: such user"),
    (*U, "Email", "set_always_accept", "domain=bob.example", "mxcheck=auto"),
    (*U, "Email", "list_mail_domains", "add_www=1"),
    (*U, "Email", "set_manual_mx_redirects", "domain=bob.example", "mx_host=mx.example.net"),
    (*U, "Email", "unset_manual_mx_redirects", "domain=bob.example"),
    (W, "set_user_email_forward_destination", "user=root", "forward_to=ops@example.net"),
    (W, "get_user_email_forward_destination", "user=root"),
    (*C, "ZoneEdit", "add_zone_record", "domain=bob.example", "name=_acme-challenge", "type=TXT",
     "txtdata=token: #1", "ttl=60"),
    (*C, "ZoneEdit", "edit_zone_record", "domain=bob.example", "line=1", "txtdata=x"),
    (*C, "ZoneEdit", "fetchzone", "domain=bob.example"),
    (*C, "ZoneEdit", "fetchzone_records", "domain=bob.example", "type=TXT|MX"),
    (*C, "ZoneEdit", "fetchzones"),
    (*C, "ZoneEdit", "remove_zone_record", "domain=bob.example", "line=9999"),
    (*C, "ZoneEdit", "resetzone", "domain=bob.net"),
    (*C, "Fileman", "listfiles", "dir=public_html", "needmime=1", "checkleaf=1", "showdotfiles=1"),
    (*C, "Fileman", "mkdir", "path=public_html", "name=yes", "permissions=0750"),
    (*C, "Fileman", "savefile", "path=public_html", "filename=on", "content=off"),
    (*C, "Fileman", "fileop", "op=copy", "sourcefiles=public_html/index.html", "destfiles=public_html/no"),
    (*C, "Fileman", "fileop", "op=chmod", "sourcefiles=public_html/index.html,ghost", "metadata=0600"),
    (*C, "Fileman", "fileop", "op=restorefiles", "sourcefiles=old: notes.txt"),
    (*C, "Ftp", "addftp", "user=c2", "pass=S3cure.pass", "quota=50"),
    (*C, "Ftp", "delftp", "user=web"),
    (*C, "SubDomain", "addsubdomain", "domain=news", "rootdomain=bob.example", "dir=public_html/news"),
    (*C, "SubDomain", "addsubdomain", "domain=blog", "rootdomain=bob.example"),
    (*C, "SubDomain", "delsubdomain", "domain=blog.bob.example"),
    (*C, "SubDomain", "changedocroot", "subdomain=blog", "rootdomain=bob.example", "dir=sites/blog: #1"),
    (*C, "SubDomain", "listsubdomains"),
    (*C, "SubDomain", "listsubdomains", "regex=^shop"),
    (*U, "SubDomain", "addsubdomain", "domain=news", "rootdomain=bob.example", "canoff=0"),
    (*C, "Park", "park", "domain=bob.org"),
    (*C, "Park", "park", "domain=amy.example"),
    (*C, "Park", "unpark", "domain=bob.net"),
    (*C, "Park", "listparkeddomains"),
    (*C, "AddonDomain", "addaddondomain", "newdomain=store.example", "subdomain=store"),
    (*C, "AddonDomain", "deladdondomain", "domain=shop.example", "subdomain=shop_bob.example"),
    (*C, "AddonDomain", "listaddondomains"),
    (*C, "Ftp", "listftp"),
    (*C, "Ftp", "listftpsessions"),
    (*C, "Ftp", "listftpwithdisk"),
    (*C, "Ftp", "passwd", "user=deploy", "pass=An0ther.pass"),
    (*C, "Ftp", "passwdftp", "user=deploy", "pass=An0ther.pass"),
    (*C, "Ftp", "setquota", "user=deploy", "quota=20"),
    (W, "generatesshkeypair", "name=more", "bits=1024", "comment=- yes: no"),
    (W, "generatesshkeypair", "name=deploy"),
    (W, "listsshkeys", "private=0", "public_texts=1"),
    (W, "listsshkeys", "public=1", "sync_authorized=1"),
    (W, "authorizesshkey", "authorize=1", "file=ops.pub", 'options=no-pty,from="10.0.0.1"'),
    (W, "authorizesshkey", "authorize=0", "text=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDHBY1JInUfpkLl5wsERSxz2IllBW0IGBKE7iGBMEK7D"),
    (W, "importsshkey", "name=laptop",
     "key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILym+T+EbrArmSkz/8WIMk6G/JLc8Zx8R8M8ZDv1iFQ5 laptop: #2"),
    (W, "importsshkey", "name=bad", "key=no"),
    (W, "deletesshkey", "file=/root/.ssh/ops.pub", "leave_authorized=0"),
    (W, "deletesshkey", "file=ghost"),
    (W, "convertopensshtoputty", "file=deploy"),
    (W, "convertopensshtoputty", "file=ops.pub"),
    (W, "check_remote_ssh_connection", "host=127.0.0.1", "port=1"),
    (W, "check_remote_ssh_connection", "host=example.com"),
    (*C, "SSH", "authkey", "key=deploy", "action=deauthorize"),
    (*C, "SSH", "delkey", "name=deploy", "pub=1"),
    (*C, "SSH", "fetchkey", "name=deploy", "pub=1"),
    (*C, "SSH", "fetchkey", "name=ghost"),
    (*C, "SSH", "genkey", "name=laptop", "bits=1024", "comment=bob: laptop #2"),
    (*C, "SSH", "importkey", "name=imported",
     "key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID+eeSqc+QPZmjk8fvW3KkcS5GevtUVIHQAmnwPD97qD imported key"),
    (*C, "SSH", "listkeys"),
    (*C, "SSH", "listkeys", "pub=1"),
    (*U, "Cron", "add_line", "minute=1", "hour=2", "day=3", "month=4", "weekday=5", "command=/bin/true"),
    (*U, "Cron", "add_line", "minute=99", "hour=*", "day=*", "month=*", "weekday=*", "command=x"),
    (*U, "Cron", "edit_line", "line_key=1", "minute=2", "hour=*", "day=*", "month=*", "weekday=*",
     "command=/bin/false"),
    (*U, "Cron", "fetch_cron"),
    (*U, "Cron", "get_email"),
    (*U, "Cron", "list_cron"),
    (*U, "Cron", "remove_line", "line_key=1"),
    (*U, "Cron", "set_email", "email=ops@bob.example"),
    (*U, "DNS", "has_local_authority", "domain=bob.example", "domain=bob.net"),
    (*U, "DNS", "lookup"),  # without a domain: no network question in this test
    (*U, "DNS", "mass_edit_zone", "zone=bob.example", "serial=1",
     'add={"dname":"x","ttl":60,"record_type":"TXT","data":["stale: no"]}'),
    (*U, "DNS", "parse_zone", "zone=bob.example"),
    (*U, "DNS", "parse_zone", "zone=amy.example"),
    (*U, "DomainInfo", "list_domains"),
    (*U, "DomainInfo", "main_domain_builtin_subdomain_aliases"),
    (*U, "DomainInfo", "domains_data"),
    (*U, "DomainInfo", "domains_data", "format=list", "return_https_redirects_status=1"),
    (*U, "DomainInfo", "single_domain_data", "domain=bob.example"),
    (*U, "WebVhosts", "list_domains"),
    (*U, "WebVhosts", "list_ssl_capable_domains"),
    (*U, "Ftp", "add_ftp", "user=u2", "pass=S3cure.pass", "quota=unlimited"),
    (*U, "Ftp", "allow_anonymous_ftp"),
    (*U, "Ftp", "allows_anonymous_ftp"),
    (*U, "Ftp", "delete_ftp", "user=web"),
    (*U, "Ftp", "disallow_anonymous_ftp"),
    (*U, "Ftp", "get_quota", "user=deploy"),
    (*U, "Ftp", "get_quota", "user=ghost"),
    (*U, "Ftp", "kill_session", "login=all"),
    (*U, "Ftp", "list_ftp"),
    (*U, "Ftp", "list_ftp_with_disk"),
    (*U, "Ftp", "list_sessions"),
    (*U, "Ftp", "passwd", "user=deploy", "pass=An0ther.pass"),
    (*U, "Ftp", "set_allowed_ips", "user=deploy", "ips=192.0.2.1"),
    (*U, "Ftp", "set_enabled", "user=deploy", "enabled=0"),
    (*U, "Ftp", "set_homedir", "user=deploy", "homedir=public_html/up"),
    (*U, "Ftp", "set_quota", "user=deploy", "quota=30"),
    (*U, "Ftp", "set_read_only", "user=deploy", "read_only=1"),
    (*U, "SSH", "get_port"),
    (*U, "NVData", "set", "names=theme|note", "theme=dark: blue", "note=#1 - yes"),
    (*U, "NVData", "get", "names=theme|never", "default=~"),
    (*C, "NVData", "set", "names=lang", "lang=fr"),
    (*C, "NVData", "get", "names=lang|never", "default=null"),
    (*C, "NVData", "setall", "a=1", "b=yes"),
    (*U, "Personalization", "set", 'personalization={"coffee":"hot: black","milk":"0"}'),
    (*U, "Personalization", "get", "names=coffee", "names=tea"),
    (*U, "Features", "has_feature", "name=ftpaccts"),
    (*U, "Features", "has_feature", "name=autossl"),
    (*U, "Features", "list_features"),
    (*U, "Features", "get_feature_metadata"),
    (*U, "Locale", "get_attributes", "attributes=locale,name,encoding,direction"),
    (*U, "Locale", "list_locales"),
    (*U, "Locale", "set_locale", "locale=pt_br"),
    (*U, "ContactInformation", "set_email_addresses", "address=new@bob.example", "old_address=bob@bob.example",
     "password=Main-pass1"),
    (*U, "ContactInformation", "unset_email_addresses", "old_address=bob@bob.example", "password=Main-pass1"),
    (*C, "CustInfo", "contactemails"),
    (*C, "CustInfo", "contactprefs"),
    (*C, "CustInfo", "displaycontactinfo"),
    (*C, "CustInfo", "savecontactinfo", "notify_disk_limit=0", "pushbullet_access_token=tok: en"),
    (*U, "Variables", "get_user_information"),
    (*U, "Variables", "get_user_information", "name=home", "name=feature"),
    (*U, "Backup", "fullbackup_to_homedir", "email=bob@bob.example"),
    (*U, "Backup", "list_backups"),
    (*U, "Backup", "fullbackup_to_ftp", "host=a/b", "username=u", "password=p"),  # a connection's error names its timing
    (*U, "Backup", "fullbackup_to_scp_with_password", "host=a/b", "username=u", "password=p"),
    (*U, "Backup", "fullbackup_to_scp_with_key", "host=127.0.0.1", "key_name=id_none", "key_passphrase="),
    (*U, "Backup", "restore_files", "backup=/etc/passwd"),
    (*U, "Backup", "restore_databases", "backup=/home/bob/x.sql.gz"),
    (*U, "Backup", "restore_email_forwarders", "backup=/home/bob/x.tar.gz"),
    (*U, "Backup", "restore_email_filters", "backup=/home/bob/x.tar.gz"),
    (W, "add_configclusterserver", "name=node2.example.com", "user=root", "key=D0D0d0d0\nabcdef"),
    (W, "add_configclusterserver", "name=node1.example.com", "user=root", "key=d0"),
    (W, "update_configclusterserver", "name=node1.example.com", "user=admin"),
    (W, "delete_configclusterserver", "name=node1.example.com"),
    (W, "delete_configclusterserver", "name=nosuch.example.com"),
    (W, "get_linked_server_node", "alias=mailnode"),
    (W, "get_linked_server_node", "alias=nosuch"),
    (W, "update_linked_server_node", "alias=nosuch"),
    # A closed loopback port: the call fails without leaving the machine.
    (W, "get_server_node_status", "hostname=127.0.0.1", "username=root", "api_token=ABC", "skip_tls_verification=1"),
    (W, "enable_authentication_provider", "service_name=cpaneld", "provider_id=google"),
    (W, "enable_authentication_provider", "service_name=cpaneld", "provider_id=facebook"),
    (W, "disable_authentication_provider", "service_name=webmaild", "provider_id=cpanelid"),
    (W, "get_provider_client_configurations", "service_name=cpaneld", "provider_id=google"),
    (W, "set_provider_client_configurations", "service_name=cpaneld", "provider_id=google",
     'configurations={"client_id":"victoria","client_secret":"secret"}'),
    (W, "set_provider_client_configurations", "service_name=cpaneld", "provider_id=google", 'configurations={"x":1}'),
    (W, "get_provider_configuration_fields", "service_name=whostmgrd", "provider_id=cpanelid"),
    (W, "get_provider_display_configurations", "provider_id=google"),
    (W, "set_provider_display_configurations", "service_name=cpaneld", "provider_id=google",
     'configurations={"label":"Google: log in","color":"FFFFFF"}'),
    (W, "get_api_calls", "type=cpapi1"),
    (W, "get_api_pages", "type=uapi"),
    # Loopback only: a closed port answers nothing, a name beyond it does not resolve.
    (W, "cors_proxy_get", "url=http://127.0.0.1:9/"),
    (W, "execute_remote_whmapi1_with_password", "host=127.0.0.1", "username=root", "password=luggage12345",
     "function=version", "tls_verification=off"),
    (W, "get_service_proxy_backends", "username=bob"),
    (W, "set_service_proxy_backends", "username=bob", "general=127.0.0.1"),
    (W, "unset_all_service_proxy_backends", "username=bob"),
    (W, "listips"),
    (W, "addips", "ips=192.0.2.40/29", "netmask=255.255.255.248", "excludes=192.0.2.42"),
    (W, "delip", "ip=192.0.2.32"),
    (W, "get_shared_ip"),
    (W, "setsiteip", "user=bob", "ip=192.0.2.31"),
    (W, "setsiteip", "domain=bob.example", "ip=203.0.113.1"),
    (W, "get_public_ip", "ip=192.0.2.31"),
    (W, "nat_checkip", "ip=not-an-address"),  # never asks the outside world from a test
    (W, "nat_set_public_ip", "local_ip=192.0.2.32", "public_ip=203.0.113.32"),
    (W, "listipv6s"),
    (W, "ipv6_range_add", "name=Block", "range=2001:db8:1::/64", "note=Pool: #1 - yes"),
    (W, "ipv6_range_list"),
    (W, "ipv6_range_edit", "name=Hosting", "new_name=Web", "note=null"),
    (W, "ipv6_range_usage", "name=Hosting"),
    (W, "ipv6_range_remove", "name=Hosting"),
    (W, "ipv6_enable_account", "user=bob,ghost", "range=Hosting"),
    (W, "ipv6_disable_account", "user=bob"),
    # Services: the temporary root has no service table, so nothing is started or stopped.
    (W, "servicestatus"),
    (W, "servicestatus", "service=crond"),
    (W, "restartservice", "service=named"),
    (W, "configureservice", "service=named", "enabled=0", "monitored=1"),
    (W, "configureservice", "service=exim-altport", "exim-altportnum=26,2525"),
    (W, "enable_monitor_all_enabled_services"),
    (W, "configurebackgroundprocesskiller", "processes_to_kill=eggdrop", "trusted_users=bob"),
    (W, "get_service_config", "service=dovecot"),
    (W, "get_service_config_key", "service=dovecot", "key=protocols"),
    (W, "set_service_config_key", "service=dovecot", "key=protocols", "value=imap pop3 lmtp"),
    # Two-factor authentication (commands/two_factor.cpp): 855512 is the code of the secret at WHMKIT_NOW.
    (W, "twofactorauth_set_tfa_config", "secret=JBSWY3DPEHPK3PXP", "tfa_token=855512"),
    (W, "twofactorauth_set_tfa_config", "secret=JBSWY3DPEHPK3PXP", "tfa_token=000000"),
    (W, "twofactorauth_set_issuer", "issuer=My Host"),
    (W, "twofactorauth_set_issuer", "issuer=bad/issuer"),
    (W, "twofactorauth_get_user_configs", "user=bob"),
    (W, "twofactorauth_remove_user_config", "user=bob", "user-1=nobody"),
    (W, "twofactorauth_get_tfa_config_for_user", "user=bob"),
    (W, "twofactorauth_set_tfa_config_for_user", 'bob={"primary_account":{"secret":"QLLIU5WTY3UTJGNG"}}'),
    (W, "twofactorauth_set_tfa_config_for_user", 'bob={"email":{"x@nowhere.example":{"secret":"AAAA"}}}'),
    (*U, "TwoFactorAuth", "set_user_configuration", "secret=JBSWY3DPEHPK3PXP", "tfa_token=855512"),
    (*U, "TwoFactorAuth", "set_user_configuration", "secret=JBSWY3DPEHPK3PXP", "tfa_token=000000"),
    (*U, "TwoFactorAuth", "get_team_user_configuration", "team_user=ann"),
]


def program_and_function(call):
    """("uapi", "Ftp list_ftp") for a call; the function named the way --list-functions names it."""
    words = [w for w in call[1:] if not w.startswith("--")]
    if call[0] == W:
        return W, words[0]
    return call[0], f"{words[0]} {words[1]}"


def implemented(bin_dir, root):
    env = dict(os.environ, WHMKIT_ROOT=root)
    out = subprocess.run([os.path.join(bin_dir, W), "--output=json", "applist"], env=env, capture_output=True,
                         check=True).stdout
    import json
    names = {(W, f) for f in json.loads(out)["data"]["app"]}
    for prog in ("cpapi2", "uapi"):
        listed = subprocess.run([os.path.join(bin_dir, prog), "--list-functions"], capture_output=True,
                                check=True).stdout.decode().split("\n")
        names |= {(prog, f) for f in listed if f}
    return names


def run_call(bin_dir, root, call, output):
    env = dict(os.environ, WHMKIT_ROOT=root, WHMKIT_NOW=NOW)
    argv = [os.path.join(bin_dir, call[0])] + ([f"--output={output}"] if output else []) + list(call[1:])
    return subprocess.run(argv, env=env, capture_output=True).stdout


def fresh_copy(template, work, name):
    path = os.path.join(work, name)
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["cp", "-a", template, path], check=True)
    return path


def responses_part(args, work):
    template = os.path.join(work, "template")
    os.makedirs(template)
    for rel, text in SETUP_FILES.items():
        os.makedirs(os.path.dirname(os.path.join(template, rel)), exist_ok=True)
        with open(os.path.join(template, rel), "w") as f:
            f.write(text)
    for step in SETUP:
        out = run_call(args.bin, template, step, "json")
        if b'"result":0' in out or b'"status":0' in out or not out:
            # The calls below would then compare failures instead of the data they are meant to cover.
            sys.exit(f"FAIL: setup step {' '.join(step)} did not succeed: {out[:200]!r}")

    calls = list(CALLS)
    tabled = {program_and_function(c) for c in calls}
    missing = sorted(implemented(args.bin, template) - tabled)
    for prog, function in missing:  # new functions: called without arguments until the table names them
        print(f"note: {prog} {function} is not in the table; called without arguments")
        calls.append((prog, *(["--user=bob"] if prog != W else []), *function.split()))

    labels, jsons, yamls, reruns = [], [], [], []
    for call in calls:
        j = run_call(args.bin, fresh_copy(template, work, "a"), call, "json")
        y = run_call(args.bin, fresh_copy(template, work, "b"), call, None)  # the default output: YAML
        labels.append(" ".join(call))
        jsons.append(j)
        yamls.append(y)
        reruns.append(call)

    # The streamed path: listaccts over a few hundred accounts.
    big = os.path.join(work, "big")
    if args.gen_state and os.path.exists(args.gen_state):
        subprocess.run([args.gen_state, big, "300"], check=True, capture_output=True)
    else:
        os.makedirs(big)
        for n in range(300):
            run_call(args.bin, big, (W, "createacct", f"username=u{n:03d}", f"domain=u{n:03d}.example"), "json")
    for call in [(W, "listaccts"), (W, "listaccts", "want=user,domain,suspended,plan"), (W, "listzones"),
                 (W, "listpkgs"), (W, "get_domain_info"), (W, "listresellers")]:
        labels.append(" ".join(call) + " (300 accounts)")
        jsons.append(run_call(args.bin, big, call, "json"))
        yamls.append(run_call(args.bin, big, call, None))
        reruns.append(None)

    printed = [i for i, (j, y) in enumerate(zip(jsons, yamls)) if j and y]
    for i, (j, y) in enumerate(zip(jsons, yamls)):
        if not (j and y):
            print(f"note: {labels[i]} printed no envelope (JSON {len(j)} bytes, YAML {len(y)} bytes)")
    syck = dict(zip(printed, oracle("dump", [jsons[i] for i in printed])))
    identical = failed = nondeterministic = 0
    for i in printed:
        expected = syck[i]
        if yamls[i] != expected and reruns[i] is not None:
            # A response that differs from run to run (a generated id, a
            # password): the YAML's own values with the JSON's types, Dumped.
            again = run_call(args.bin, fresh_copy(template, work, "c"), reruns[i], "json")
            if again != jsons[i]:
                nondeterministic += 1
                expected = oracle("retype", [jsons[i], yamls[i]])[0]
                print(f"note: {labels[i]}: differs from run to run; compared with its own values")
        if yamls[i] == expected:
            identical += 1
            continue
        failed += 1
        if failed <= args.show:
            show(labels[i], yamls[i], expected)
    print(f"responses: {len(calls)} calls and 6 large listings, {len(printed)} envelopes "
          f"({nondeterministic} that differ from run to run): {identical} identical, {failed} different")
    return identical, len(printed), failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--yaml-dump", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--gen-state")
    parser.add_argument("--show", type=int, default=20, help="how many differences to print")
    parser.add_argument("--corpus-only", action="store_true")
    args = parser.parse_args()

    exceptions = Exceptions(args.yaml_dump)
    c_identical, c_total, c_excepted, c_failed = corpus_part(args, exceptions)
    r_identical = r_compared = r_failed = 0
    if not args.corpus_only:
        # On tmpfs when there is one: every write is fsync'd, and there are hundreds.
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        work = tempfile.mkdtemp(prefix="whmkit-yaml-syck-", dir=shm)
        try:
            r_identical, r_compared, r_failed = responses_part(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    print("documented exceptions (Syck's output does not read back the same; whmkit's does):")
    for s, (ok, ours, syck, ours_perl, syck_perl) in sorted(exceptions.checked.items()):
        if ok:
            continue
        print(f"  NOT JUSTIFIED {s!r}: whmkit {ours!r} (Perl Load {'same' if ours_perl else 'DIFF'}), "
              f"Syck {syck!r} (Perl Load {'same' if syck_perl else 'DIFF'})")
    print(f"  {sum(1 for v in exceptions.checked.values() if v[0])} strings checked")
    print(f"{c_identical + r_identical} of {c_total + r_compared} identical "
          f"({c_excepted} documented exceptions)")
    failed = c_failed + r_failed
    print(f"{'FAIL' if failed else 'PASS'}: {failed} different")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
