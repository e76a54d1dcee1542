#!/usr/bin/env bash
# Two-factor authentication against an outside judge: oathtool (liboath)
# computes the codes an authentication app would show for the secrets whmapi1
# and uapi generate, and the calls accept them; a code two steps away is
# refused. WHMKIT_NOW fixes whmkit's clock, oathtool's -N the same instant.
# Usage: test_two_factor.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
if ! command -v oathtool >/dev/null; then
  echo "oathtool is missing (scripts/install-deps.sh installs it): skipped"; echo "0 passed, 0 failed"; exit 0
fi
root=$(mktemp -d /tmp/whmkit-tfa-XXXXXX)
trap 'rm -rf "$root"' EXIT
export WHMKIT_ROOT=$root
mkdir -p "$root/etc" && echo "host.example.net" >"$root/etc/hostname"
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null

now=1795384004
export WHMKIT_NOW=$now
code_at() { oathtool --totp -b -N "@$2" "$1"; }

# root: generate, then set with oathtool's code.
out=$("$bin/whmapi1" --output=json twofactorauth_generate_tfa_config)
secret=$(field 'd["data"]["secret"]' <<<"$out")
url=$(field 'd["data"]["otpauth_str"]' <<<"$out")
expect "the URL's secret" "$secret" "$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["secret"][0])' "$url")"
expect "the URL's label" "/host.example.net:root" "$(python3 -c 'import sys, urllib.parse as u; print(u.unquote(u.urlparse(sys.argv[1]).path))' "$url")"
out=$("$bin/whmapi1" --output=json twofactorauth_set_tfa_config secret="$secret" tfa_token="$(code_at "$secret" $((now - 60)))")
expect "a code two steps old is refused" "The security code is invalid." "$(field 'd["metadata"]["reason"]' <<<"$out")"
out=$("$bin/whmapi1" --output=json twofactorauth_set_tfa_config secret="$secret" tfa_token="$(code_at "$secret" $((now - 30)))")
expect "the previous step's code is accepted" "1" "$(field 'd["data"]["success"]' <<<"$out")"
expect "root's secret is stored" "$secret" \
  "$(field 'd["root"]["secret"]' <"$root/var/cpanel/authn/twofactor_auth/tfa_userdata.json")"

# A cPanel account, through uapi: now, and the next step.
out=$("$bin/uapi" --output=json --user=bob TwoFactorAuth generate_user_configuration)
bob_secret=$(field 'd["result"]["data"]["secret"]' <<<"$out")
out=$("$bin/uapi" --output=json --user=bob TwoFactorAuth set_user_configuration secret="$bob_secret" \
  tfa_token="$(code_at "$bob_secret" $((now + 90)))")
expect "a code of a later step is refused" "0" "$(field 'd["result"]["status"]' <<<"$out")"
out=$("$bin/uapi" --output=json --user=bob TwoFactorAuth set_user_configuration secret="$bob_secret" \
  tfa_token="$(code_at "$bob_secret" $now)")
expect "oathtool's current code is accepted" "1" "$(field 'd["result"]["data"]["tfa_configured"]' <<<"$out")"
out=$("$bin/uapi" --output=json --user=bob TwoFactorAuth get_user_configuration)
expect "bob has it" "1" "$(field 'd["result"]["data"]["is_enabled"]' <<<"$out")"
# A secret typed in lowercase, as some apps show it, works too.
lower=$(tr 'A-Z' 'a-z' <<<"$bob_secret")
out=$("$bin/uapi" --output=json --user=bob TwoFactorAuth set_user_configuration secret="$lower" \
  tfa_token="$(code_at "$bob_secret" $now)")
expect "a lowercase secret" "1" "$(field 'd["result"]["data"]["tfa_configured"]' <<<"$out")"

echo "$passed passed, $failed failed"
((failed == 0))
