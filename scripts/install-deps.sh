#!/usr/bin/env bash
# Installs everything whmkit needs to build and test on Debian 12. Safe to run again.
set -euo pipefail
packages=(cmake g++ make pkg-config
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libfmt-dev libcurl4-openssl-dev catch2
  libpcre2-dev libcrypt-dev libssl-dev libarchive-dev libsqlite3-dev sqlite3 libjemalloc-dev
  python3 bash-completion zsh fish man-db groff-base
  bind9 bind9-utils bind9-dnsutils clang-14 libclang-rt-14-dev clang-format-14
  pure-ftpd cron curl openssl openssh-server openssh-client passwd
  quota e2fsprogs util-linux hostname  # unshare and hostname: the UTS namespace of test_hostname.sh
  iproute2  # ip: addips/delip on an interface in a network namespace of its own
  oathtool  # TOTP codes for the two-factor tests, from an implementation other than ours
  putty-tools  # puttygen reads back the PuTTY keys convertopensshtoputty writes
  libyaml-syck-perl python3-yaml python3-jsonschema  # output parsed by real parsers; UAPI schemas validated
  libcpp-httplib-dev wrk python3-requests libwww-perl  # whmkitd: its HTTP library; clients in tests; load in bench
  exim4-daemon-heavy dovecot-core dovecot-imapd dovecot-pop3d dovecot-lucene swaks  # mail: the tests' own Exim and Dovecot (with full-text search); swaks sends
  python3-dkim  # verifies the DKIM signatures the tests' Exim makes with EmailAuth's keys
  geoip-database  # the country of an address: block_incoming_email_from_country's CIDR blocks
  apache2 nginx  # SSL: the tests' own web servers serve the installed certificates
  pebble  # SSL: a real ACME server (RFC 8555) with its test CA, for AutoSSL
  mariadb-server mariadb-client libmariadb-dev postgresql postgresql-client libpq-dev  # databases: the tests' own private instances
  ansible-core python3-pytest python3-pytest-xdist python3-pytest-forked python3-pytest-mock python3-mock  # the Ansible collection: ansible-test units
  python3-voluptuous yamllint python3-pycodestyle pylint)  # ansible-test sanity offline (scripts/ansible_test_venvs.py)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The tests start Exim, Dovecot, Apache and nginx themselves, on loopback ports of their own,
# with configurations kept in tests/: the packages' system daemons stay off.
for service in exim4 dovecot apache2 nginx mariadb postgresql; do
  service "$service" stop >/dev/null 2>&1 || true
done
