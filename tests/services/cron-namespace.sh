#!/bin/sh
# A cron of the test's own, run by `unshare -m` (tests/shell/servers.sh): in
# this private mount namespace its pid file (/run/crond.pid, compiled in) and
# the crontabs it reads are empty places of its own, so it neither meets the
# machine's cron nor runs the machine's jobs. exec keeps one pid from unshare
# to cron, the pid whmkit writes to the service table's pid file.
set -e
mount -t tmpfs whmkit-cron /run
mount -t tmpfs whmkit-cron /var/spool/cron 2>/dev/null || true
if [ -d /etc/cron.d ]; then mount -t tmpfs whmkit-cron /etc/cron.d; fi
if [ -e /etc/crontab ]; then mount --bind /dev/null /etc/crontab; fi
exec cron -f
