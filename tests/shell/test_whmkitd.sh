#!/usr/bin/env bash
# End to end: whmkitd on 127.0.0.1 over a temporary state root, driven with
# curl (and Python requests and Perl LWP): every way in (Basic, API tokens,
# the /login session, create_user_session), every refusal (a 403 with
# cPanel's body, logged in login_log), every route (WHM API 1 JSON and XML,
# API 0, the cpanel passthrough, UAPI /execute, API 2 /json-api/cpanel,
# batch), two-factor authentication, and HTTP and command-line writes at
# once, checked by whmkit-check. Answers are compared with what the command
# line prints for the same call.
# Usage: test_whmkitd.sh BIN_DIR
set -u
bin=$1
here=$(dirname "$0")
source "$here/expect.sh"
source "$here/servers.sh"
for tool in curl openssl python3; do
  command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
root=$(mktemp -d /tmp/whmkit-httpd-XXXXXX)
whm_port=$((26000 + RANDOM % 2000))
cp_port=$((whm_port + 1))
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
export WHMKIT_ROOT=$root
W="https://127.0.0.1:$whm_port"
C="https://127.0.0.1:$cp_port"
status_of() { curl -sk -o /dev/null -w '%{http_code}' "$@"; }

# The server's users: root with a password, an account, a reseller with a few privileges.
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:%s:19000:0:99999:7:::\n' "$(openssl passwd -6 'root-Pass-1')" >"$root/etc/shadow"
"$bin/whmapi1" createacct username=bob domain=bob.example password='Bob-Pass-123' >/dev/null
"$bin/whmapi1" createacct username=res domain=res.example password='Res-Pass-123' >/dev/null
"$bin/whmapi1" setupreseller user=res >/dev/null
"$bin/whmapi1" setacls reseller=res acl-list-accts=1 acl-create-user-session=1 >/dev/null
"$bin/whmapi1" createacct username=resa domain=resa.example password='Resa-Pass-123' owner=res >/dev/null
"$bin/whmapi1" createacct username=carol domain=carol.example password='Carol-Pass-12' >/dev/null
"$bin/whmapi1" suspendacct user=carol >/dev/null

whmkitd_command "$bin" "$root" "$whm_port" "$cp_port"
"${server_cmd[@]}" 2>"$root/whmkitd.err" &
server_pid=$!
wait_for_port "$whm_port" && wait_for_port "$cp_port"
expect "the service certificate was made" "600" "$(stat -c %a "$root/var/cpanel/ssl/cpanel/mycpanel.pem")"

# --- Plain HTTP is refused; TLS works.
expect "plain HTTP is refused" "000" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$whm_port/json-api/version")"

# --- Basic with the system password, WHM API 1 JSON and XML as the command line prints them.
root_basic=(-u 'root:root-Pass-1')
expect "Basic: version as the CLI prints it" "$("$bin/whmapi1" --output=json version)" \
  "$(curl -sk "${root_basic[@]}" "$W/json-api/version?api.version=1")"
expect "XML as the CLI prints it" "$("$bin/whmapi1" --output=xml version)" \
  "$(curl -sk "${root_basic[@]}" "$W/xml-api/version?api.version=1")"
expect "a wrong password is a 403" "403" "$(status_of -u 'root:nope' "$W/json-api/version?api.version=1")"
expect "with cPanel's body" '{"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}}' \
  "$(curl -sk -u 'root:nope' "$W/json-api/version?api.version=1")"
expect_contains "the failure is logged" 'FAILED LOGIN whostmgrd: root: wrong password' "$(cat "$root/usr/local/cpanel/logs/login_log")"
expect "no credentials: 403" "403" "$(status_of "$W/json-api/version?api.version=1")"
expect "a cPanel user on the WHM port: 403" "403" "$(status_of -u 'bob:Bob-Pass-123' "$W/json-api/version?api.version=1")"
expect "root on the cPanel port: 403" "403" "$(status_of -u 'root:root-Pass-1' "$C/execute/Ftp/list_ftp")"
expect "a suspended account: 403" "403" "$(status_of -u 'carol:Carol-Pass-12' "$C/execute/Ftp/list_ftp")"
expect_contains "the access log has the call" '- root [' "$(cat "$root/usr/local/cpanel/logs/access_log")"
expect_contains "in cPanel's format" "\"GET /json-api/version?api.version=1 HTTP/1.1\" 200" "$(cat "$root/usr/local/cpanel/logs/access_log")"

# --- Writes: GET, POST form and POST JSON.
out=$(curl -sk "${root_basic[@]}" --data-urlencode username=dave --data-urlencode domain=dave.example \
  --data-urlencode 'password=Dave-Pass-123' "$W/json-api/createacct?api.version=1")
expect "POST form: createacct" "1" "$(field 'd["metadata"]["result"]' <<<"$out")"
expect "the account exists for the CLI" "dave" "$("$bin/whmapi1" --output=json accountsummary user=dave | field 'd["data"]["acct"][0]["user"]')"
out=$(curl -sk "${root_basic[@]}" -H 'Content-Type: application/json' \
  -d '{"api.version": 1, "user": "dave", "reason": "unpaid"}' "$W/json-api/suspendacct")
expect "POST JSON: suspendacct" "1" "$(field 'd["metadata"]["result"]' <<<"$out")"
expect "suspended for the CLI" "1" "$("$bin/whmapi1" --output=json accountsummary user=dave | field 'd["data"]["acct"][0]["suspended"]')"
expect "a JSON body that is not an object: 400" "400" \
  "$(status_of "${root_basic[@]}" -H 'Content-Type: application/json' -d '[1' "$W/json-api/version")"

# --- A reseller sees its own accounts only, and needs its privileges.
out=$(curl -sk -u 'res:Res-Pass-123' "$W/json-api/listaccts?api.version=1&want=user")
expect "reseller: its own account and those it owns" "['res', 'resa']" "$(field '[a["user"] for a in d["data"]["acct"]]' <<<"$out")"
out=$(curl -sk -u 'res:Res-Pass-123' "$W/json-api/createacct?api.version=1&username=eve&domain=eve.example")
expect "reseller without create-acct" "0" "$(field 'd["metadata"]["result"]' <<<"$out")"

# --- cPanel port: UAPI /execute and API 2 /json-api/cpanel, as uapi and cpapi2 print them.
bob_basic=(-u 'bob:Bob-Pass-123')
expect "UAPI /execute as uapi prints result" \
  "$("$bin/uapi" --user=bob --output=json DomainInfo list_domains | field 'json.dumps(d["result"], sort_keys=True)')" \
  "$(curl -sk "${bob_basic[@]}" "$C/execute/DomainInfo/list_domains" | field 'json.dumps(d, sort_keys=True)')"
expect "API 2 through /json-api/cpanel as cpapi2 prints it" "$("$bin/cpapi2" --user=bob --output=json Cron listcron)" \
  "$(curl -sk "${bob_basic[@]}" "$C/json-api/cpanel?cpanel_jsonapi_module=Cron&cpanel_jsonapi_func=listcron&cpanel_jsonapi_apiversion=2")"
out=$(curl -sk "${bob_basic[@]}" --data-urlencode 'command=0 1 * * * /bin/true' --data minute=0 --data hour=1 \
  --data day='*' --data month='*' --data weekday='*' "$C/json-api/cpanel?cpanel_jsonapi_module=Cron&cpanel_jsonapi_func=add_line")
expect "API 2 write through HTTP" "1" "$(field 'd["cpanelresult"]["data"][0]["status"]' <<<"$out")"
expect_contains "the crontab has it" "/bin/true" "$(cat "$root/var/spool/cron/crontabs/bob" 2>/dev/null)"
expect "another account's name in cpanel_jsonapi_user: 403" "403" \
  "$(status_of "${bob_basic[@]}" "$C/json-api/cpanel?cpanel_jsonapi_user=res&cpanel_jsonapi_module=Cron&cpanel_jsonapi_func=listcron")"
expect "WHM routes are not on the cPanel port" "404" "$(status_of "${bob_basic[@]}" "$C/json-api/listaccts")"

# --- The WHM cpanel passthrough (API 1 and legacy API 0 shapes).
out=$(curl -sk "${root_basic[@]}" "$W/json-api/cpanel?api.version=1&cpanel_jsonapi_user=bob&cpanel_jsonapi_module=Cron&cpanel_jsonapi_func=listcron&cpanel_jsonapi_apiversion=2")
expect "WHM cpanel passthrough, API 1" "$("$bin/whmapi1" --output=json cpanel cpanel_jsonapi_user=bob cpanel_jsonapi_module=Cron cpanel_jsonapi_func=listcron cpanel_jsonapi_apiversion=2)" "$out"
out=$(curl -sk "${root_basic[@]}" "$W/json-api/cpanel?cpanel_jsonapi_user=bob&cpanel_jsonapi_module=Cron&cpanel_jsonapi_func=listcron&cpanel_jsonapi_apiversion=2")
expect "WHM cpanel passthrough, API 0: the cpanelresult itself" "$("$bin/cpapi2" --user=bob --output=json Cron listcron)" "$out"

# --- WHM API 0 without api.version=1: the legacy shapes old clients parse.
out=$(curl -sk "${root_basic[@]}" "$W/json-api/listaccts?searchtype=user&search=bob")
expect "API 0 listaccts" "1 Ok bob" "$(field '"%s %s %s" % (d["status"], d["statusmsg"], d["acct"][0]["user"])' <<<"$out")"
out=$(curl -sk "${root_basic[@]}" "$W/json-api/suspendacct?user=nobody9")
expect "API 0 action: result list" "0" "$(field 'd["result"][0]["status"]' <<<"$out")"
expect_contains "API 0 XML" "<listaccts>" "$(curl -sk "${root_basic[@]}" "$W/xml-api/listaccts?searchtype=user&search=bob")"

# --- batch: one envelope per command, in order.
out=$(curl -sk "${root_basic[@]}" "$W/json-api/batch?api.version=1&command=version&command=accountsummary%3Fuser%3Dbob")
expect "batch: two envelopes" "['version', 'accountsummary']" "$(field '[r["metadata"]["command"] for r in d["data"]["result"]]' <<<"$out")"
expect "batch: the second's data" "bob" "$(field 'd["data"]["result"][1]["data"]["acct"][0]["user"]' <<<"$out")"

# --- applist: what this build implements.
out=$(curl -sk "${root_basic[@]}" "$W/json-api/applist?api.version=1")
expect "applist lists createacct" "True" "$(field '"createacct" in d["data"]["app"]' <<<"$out")"
expect "applist leaves out what is not implemented" "False" "$(field '"modsec_get_rules" in d["data"]["app"]' <<<"$out")"

# --- Password login: /login/?login_only=1 gives the security token, the cookie and a Location.
jar=$root/jar.txt
headers=$(curl -sk -D - -o "$root/login.json" -c "$jar" --data-urlencode user=root --data-urlencode 'pass=root-Pass-1' "$W/login/?login_only=1")
token=$(field 'd["security_token"]' <"$root/login.json")
expect_contains "login: a /cpsess token" "/cpsess" "$token"
expect_contains "login: Location under the token" "Location: $token/" "$(tr -d '\r' <<<"$headers")"
expect_contains "login: the session cookie" "whostmgrsession=" "$(tr -d '\r' <<<"$headers")"
expect "a session call" "$("$bin/whmapi1" --output=json version)" "$(curl -sk -b "$jar" "$W$token/json-api/version?api.version=1")"
expect "the cookie without the token: 403" "403" "$(status_of -b "$jar" "$W/json-api/version?api.version=1")"
expect "the cookie with another token: 403" "403" "$(status_of -b "$jar" "$W/cpsess0000000000/json-api/version?api.version=1")"
expect "a wrong password: 401" "401" "$(status_of --data user=root --data pass=nope "$W/login/?login_only=1")"
expect "a cPanel login on the cPanel port" "200" "$(status_of --data user=bob --data 'pass=Bob-Pass-123' "$C/login/?login_only=1")"
curl -sk -b "$jar" "$W$token/logout/" >/dev/null
expect "after logout the session is gone" "403" "$(status_of -b "$jar" "$W$token/json-api/version?api.version=1")"

# --- create_user_session: its URL logs in once, then the cookie works under its token.
out=$(curl -sk "${root_basic[@]}" "$W/json-api/create_user_session?api.version=1&user=bob&service=cpaneld")
url=$(field 'd["data"]["url"]' <<<"$out")
stoken=$(field 'd["data"]["cp_security_token"]' <<<"$out")
login_url="$C${url#https://*:2083}"
jar2=$root/jar2.txt
expect "the session URL logs in" "302" "$(status_of -c "$jar2" "$login_url")"
expect "UAPI with the session" "1" "$(curl -sk -b "$jar2" "$C$stoken/execute/DomainInfo/list_domains" | field 'd["status"]')"
expect "the session URL works once" "401" "$(status_of "$login_url")"
out=$(curl -sk -u 'res:Res-Pass-123' "$W/json-api/create_user_session?api.version=1&user=bob&service=cpaneld")
expect "a reseller: not for another's account" "0" "$(field 'd["metadata"]["result"]' <<<"$out")"

# --- Python requests and Perl LWP, as billing systems' code calls it.
if python3 -c 'import requests' 2>/dev/null; then
  out=$(python3 - "$W" <<'PY'
import sys, requests, urllib3
urllib3.disable_warnings()
r = requests.get(sys.argv[1] + "/json-api/listaccts", params={"api.version": 1, "search": "bob", "searchtype": "user"},
                 auth=("root", "root-Pass-1"), verify=False)
print(r.status_code, [a["user"] for a in r.json()["data"]["acct"]])
PY
)
  expect "Python requests" "200 ['bob']" "$out"
fi
if perl -MLWP::UserAgent -e1 2>/dev/null; then
  out=$(perl -MLWP::UserAgent -MJSON::PP -e '
    my $ua = LWP::UserAgent->new(ssl_opts => {verify_hostname => 0, SSL_verify_mode => 0});
    my $r = $ua->post("$ARGV[0]/login/?login_only=1", {user => "bob", pass => "Bob-Pass-123"});
    my $token = decode_json($r->decoded_content)->{security_token};
    my ($cookie) = $r->header("Set-Cookie") =~ /^(cpsession=[^;]+)/;
    my $call = $ua->get("$ARGV[0]$token/execute/DomainInfo/list_domains", Cookie => $cookie);
    print $call->code, " ", decode_json($call->decoded_content)->{data}{main_domain}, "\n";' "$C")
  expect "Perl LWP: login then a call" "200 bob.example" "$out"
fi

# --- API tokens: the scheme in any case, per port, limited, expired, allow-listed.
mint() { "$bin/whmapi1" --output=json "$@" | field 'd["data"]["token"]'; }
tok=$(mint api_token_create token_name=full)
expect "whm token" "$("$bin/whmapi1" --output=json version)" \
  "$(curl -sk -H "Authorization: whm root:$tok" "$W/json-api/version?api.version=1")"
expect "WHM (upper case) token" "200" "$(status_of -H "Authorization: WHM root:$tok" "$W/json-api/version?api.version=1")"
expect "a WHM token on the cPanel port: 403" "403" "$(status_of -H "Authorization: whm root:$tok" "$C/execute/DomainInfo/list_domains")"
expect "a wrong token: 403" "403" "$(status_of -H "Authorization: whm root:${tok%?}X" "$W/json-api/version?api.version=1")"
expect "a token as another user: 403" "403" "$(status_of -H "Authorization: whm res:$tok" "$W/json-api/version?api.version=1")"
ltok=$(mint api_token_create token_name=listonly acl=list-accts)
out=$(curl -sk -H "Authorization: whm root:$ltok" "$W/json-api/listaccts?api.version=1&want=user")
expect "a list-accts token lists" "1" "$(field 'd["metadata"]["result"]' <<<"$out")"
out=$(curl -sk -H "Authorization: whm root:$ltok" "$W/json-api/removeacct?api.version=1&user=bob")
expect "a list-accts token cannot remove" "0" "$(field 'd["metadata"]["result"]' <<<"$out")"
expect "bob is still there" "bob" "$("$bin/whmapi1" --output=json accountsummary user=bob | field 'd["data"]["acct"][0]["user"]')"
out=$(curl -sk -H "Authorization: whm root:$ltok" "$W/json-api/batch?api.version=1&command=listaccts&command=removeacct%3Fuser%3Dbob")
expect "batch keeps the token's limit" "[1, 0]" "$(field '[r["metadata"]["result"] for r in d["data"]["result"]]' <<<"$out")"
etok=$(mint api_token_create token_name=shortlived expires_at=$(($(date +%s) + 2)))
expect "a token before it expires" "200" "$(status_of -H "Authorization: whm root:$etok" "$W/json-api/version?api.version=1")"
sleep 3
expect "an expired token: 403" "403" "$(status_of -H "Authorization: whm root:$etok" "$W/json-api/version?api.version=1")"
atok=$(mint api_token_create token_name=elsewhere whitelist_ip=192.0.2.0/24)
expect "a token from outside its allow-list: 403" "403" "$(status_of -H "Authorization: whm root:$atok" "$W/json-api/version?api.version=1")"
itok=$(mint api_token_create token_name=here whitelist_ip=127.0.0.1)
expect "a token from inside its allow-list" "200" "$(status_of -H "Authorization: whm root:$itok" "$W/json-api/version?api.version=1")"
ctok=$("$bin/uapi" --user=bob --output=json Tokens create_full_access name=ci | field 'd["result"]["data"]["token"]')
expect "cpanel token on the cPanel port" "bob.example" \
  "$(curl -sk -H "Authorization: cpanel bob:$ctok" "$C/execute/DomainInfo/list_domains" | field 'd["data"]["main_domain"]')"
expect "a cPanel token on the WHM port: 403" "403" "$(status_of -H "Authorization: cpanel bob:$ctok" "$W/json-api/version?api.version=1")"
expect_contains "token refusals are logged" "FAILED LOGIN whostmgrd: root:" "$(cat "$root/usr/local/cpanel/logs/login_log")"

# --- Two-factor authentication: with the policy on, root's logins need the code.
if command -v oathtool >/dev/null; then
  secret=$("$bin/whmapi1" --output=json twofactorauth_generate_tfa_config | field 'd["data"]["secret"]')
  "$bin/whmapi1" twofactorauth_set_tfa_config secret="$secret" tfa_token="$(oathtool --totp -b "$secret")" >/dev/null
  "$bin/whmapi1" twofactorauth_enable_policy >/dev/null
  expect "2FA: a password without the code: 403" "403" "$(status_of "${root_basic[@]}" "$W/json-api/version?api.version=1")"
  expect "2FA: with the code" "200" \
    "$(status_of "${root_basic[@]}" -H "X-CPANEL-OTP: $(oathtool --totp -b "$secret")" "$W/json-api/version?api.version=1")"
  expect "2FA: a token without the code: 403" "403" "$(status_of -H "Authorization: whm root:$tok" "$W/json-api/version?api.version=1")"
  expect "2FA: login without tfa_token: 401" "401" "$(status_of --data user=root --data 'pass=root-Pass-1' "$W/login/?login_only=1")"
  expect "2FA: login with a wrong code: 401" "401" \
    "$(status_of --data user=root --data 'pass=root-Pass-1' --data tfa_token=000000 "$W/login/?login_only=1")"
  expect "2FA: login with the code" "200" "$(status_of --data user=root --data 'pass=root-Pass-1' \
    --data tfa_token="$(oathtool --totp -b "$secret")" "$W/login/?login_only=1")"
  expect "2FA: bob has none, so his password alone works" "200" "$(status_of "${bob_basic[@]}" "$C/execute/DomainInfo/list_domains")"
  "$bin/whmapi1" twofactorauth_disable_policy >/dev/null
fi

# --- execute_remote_whmapi1_with_password against a second whmkitd on 127.0.0.1:2087.
if ! (exec 3<>/dev/tcp/127.0.0.1/2087) 2>/dev/null; then
  root2=$root/second
  mkdir -p "$root2/etc"
  printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root2/etc/passwd"
  printf 'root:%s:19000:0:99999:7:::\n' "$(openssl passwd -6 'remote-Pass-1')" >"$root2/etc/shadow"
  WHMKIT_ROOT=$root2 "$bin/whmapi1" createacct username=far domain=far.example >/dev/null
  "$bin/whmkitd" --root "$root2" --whm-listen 127.0.0.1:2087 --cpanel-listen 127.0.0.1:$((cp_port + 1)) 2>/dev/null &
  second_pid=$!
  wait_for_port 2087
  out=$("$bin/whmapi1" --output=json execute_remote_whmapi1_with_password host=127.0.0.1 username=root \
    password=remote-Pass-1 function=accountsummary parameter_name=user parameter_value=far tls_verification=off)
  expect "remote call: the second server's account" "far" "$(field 'd["data"]["acct"][0]["user"]' <<<"$out")"
  out=$("$bin/whmapi1" --output=json execute_remote_whmapi1_with_password host=127.0.0.1 username=root \
    password=wrong function=version tls_verification=off)
  expect "remote call with a wrong password fails" "0" "$(field 'd["metadata"]["result"]' <<<"$out")"
  kill -TERM "$second_pid"
  wait "$second_pid"
fi

# --- HTTP and command-line writes at once: none is lost, the state is consistent.
writers=()
for i in $(seq 1 6); do
  curl -sk "${root_basic[@]}" "$W/json-api/createacct?api.version=1&username=h$i&domain=h$i.example&password=Hh-Pass-123$i" >/dev/null &
  writers+=($!)
  "$bin/whmapi1" createacct username=c$i domain=c$i.example password="Cc-Pass-123$i" >/dev/null &
  writers+=($!)
done
wait "${writers[@]}"  # not the server
expect "every concurrent account exists" "12" \
  "$("$bin/whmapi1" --output=json listaccts want=user | field 'len([a for a in d["data"]["acct"] if a["user"][0] in "hc" and a["user"][1:].isdigit()])')"
"$bin/whmkit-check" >"$root/check.out" 2>&1
expect "whmkit-check: consistent" "0" "$?"

# --- SIGTERM: the server finishes and exits 0.
kill -TERM "$server_pid"
wait "$server_pid"
expect "SIGTERM: exit 0" "0" "$?"
server_pid=""

echo "$passed passed, $failed failed"
((failed == 0))
