#!/usr/bin/env bash
# The cron side of the Cron module, checked against outside judges:
#  * Debian's own `crontab -n` (dry run) accepts every file whmkit writes,
#    including @specials, names, disabled jobs and MAILTO;
#  * next_run_at agrees, for 50 expressions in two time zones, with an
#    independent minute-by-minute search written in Python.
# Usage: test_cron.sh BIN_DIR
set -u
bin=$1
if ! command -v crontab >/dev/null; then
  echo "crontab is missing (scripts/install-deps.sh installs cron)"; echo "0 passed, 1 failed"; exit 1
fi
root=$(mktemp -d /tmp/whmkit-cron-XXXXXX)
trap 'rm -rf "$root"' EXIT
export WHMKIT_ROOT=$root
"$bin/whmapi1" --output=json createacct username=bob domain=bob.example password=Main-pass1 >/dev/null

python3 - "$bin/uapi" "$root" <<'PY'
import calendar, datetime, json, os, subprocess, sys
from zoneinfo import ZoneInfo

uapi, root = sys.argv[1], sys.argv[2]
spool = os.path.join(root, "var/spool/cron/crontabs/bob")
passed = failed = 0

def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", name, detail)

def call(env, *args):
    out = subprocess.run([uapi, "--output=json", "--user=bob", *args], capture_output=True, text=True,
                         env={**os.environ, **env})
    return out.returncode, json.loads(out.stdout)

# --- an independent reading of cron's five fields --------------------------
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DAYS = "sun mon tue wed thu fri sat".split()
SPECIAL = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
           "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}

def values(field, lo, hi, names=None, name_base=0):
    def num(tok):
        if names and tok.lower() in names:
            return names.index(tok.lower()) + name_base
        return int(tok)
    out = set()
    for part in field.split(","):
        rng, _, step = part.partition("/")
        step = int(step) if step else 1
        if rng == "*":
            a, b = lo, hi
        elif "-" in rng:
            a, b = (num(x) for x in rng.split("-"))
        else:
            a = b = num(rng)
        out.update(range(a, b + 1, step))
    return out

def matcher(expr):
    expr = SPECIAL.get(expr, expr)
    mi, ho, dom, mon, dow = expr.split()
    M, H = values(mi, 0, 59), values(ho, 0, 23)
    D, MO = values(dom, 1, 31), values(mon, 1, 12, MONTHS, 1)
    W = {d % 7 for d in values(dow, 0, 7, DAYS)}
    either = not (dom.startswith("*") or dow.startswith("*"))
    def day_ok(t):
        d_ok, w_ok = t.day in D, (t.isoweekday() % 7) in W
        return (d_ok or w_ok) if either else (d_ok and w_ok)
    def ok(t):
        return t.minute in M and t.hour in H and t.month in MO and day_ok(t)
    return ok, (lambda t: t.month in MO and day_ok(t))

def brute_next(expr, now, tz):
    ok, day_ok = matcher(expr)
    t = datetime.datetime.fromtimestamp(now, tz).replace(second=0) + datetime.timedelta(minutes=1)
    end = t + datetime.timedelta(days=366 * 8)
    while t < end:
        if not day_ok(t):  # skip the rest of a day that cannot match
            t = (t + datetime.timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if ok(t):
            return t.isoformat()
        t += datetime.timedelta(minutes=1)
    return None

EXPRS = ["* * * * *", "0 * * * *", "0 0 * * *", "30 2 * * *", "*/15 * * * *", "5-10 * * * *", "0 */3 * * *",
         "0 9-17 * * mon-fri", "0 0 1 * *", "0 0 1 1 *", "0 0 29 2 *", "0 0 31 * *", "0 0 30 4,6,9,11 *",
         "15 14 1 * *", "0 22 * * 1-5", "23 0-20/2 * * *", "5 4 * * sun", "0 0,12 1 */2 *", "0 4 8-14 * *",
         "0 0 13 * 5", "0 0 * * 7", "0 12 * jan-mar *", "0 12 * JUL,aug *", "59 23 31 12 *", "1,2,3 4 5 6 *",
         "0 0 1-7 * 1", "*/7 */5 */3 */2 *", "0 6 * * sat,sun", "10-50/20 8 * * *", "0 0 15 * wed",
         "45 23 * * 6", "0 1 28-31 * *", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@midnight",
         "0 0 * * 0-6/2", "7 7 7 7 *", "0 3 * 2 mon", "20 * 1 * *", "0 0 2-30/7 * *", "3 3 * * thu-sat",
         "0 18 * 11,12 fri", "*/30 9-10 * * *", "0 0 * * 3", "0 5 25 12 *", "0 0 1 3 sun", "14 15 9 * *"]
check("50 expressions", len(EXPRS) == 50, len(EXPRS))

now = 1795343400  # 2026-11-22 10:30 UTC
for tzname in ["UTC", "Asia/Kolkata"]:
    env = {"TZ": tzname, "WHMKIT_NOW": str(now)}
    for expr in EXPRS:
        if expr.startswith("@"):
            # add_line takes the five fields only; an @special comes from a hand-edited crontab.
            with open(spool, "a") as fh:
                fh.write(expr + " /bin/true\n")
            rc, out = 0, None
        else:
            f = expr.split()
            rc, out = call(env, "Cron", "add_line", "minute=" + f[0], "hour=" + f[1], "day=" + f[2],
                           "month=" + f[3], "weekday=" + f[4], "command=/bin/true")
        check("add " + expr, rc == 0, out)
    rc, out = call(env, "Cron", "list_cron")
    jobs = out["result"]["data"]
    for expr, job in zip(EXPRS, jobs):
        want = brute_next(expr, now, ZoneInfo(tzname))
        check(f"next_run_at {expr} ({tzname})", job["next_run_at"] == want, f"whmkit {job['next_run_at']} python {want}")
    # Debian's crontab accepts the file, disabled jobs, names and MAILTO included.
    call(env, "Cron", "edit_line", "line=3", "enabled=0", "name=nightly")
    call(env, "Cron", "set_email", "email=bob@bob.example")
    dry = subprocess.run(["crontab", "-n", spool], capture_output=True, text=True)
    check("crontab -n accepts the file (" + tzname + ")", dry.returncode == 0, dry.stderr)
    os.unlink(spool)

# And refuses what whmkit refuses: the same bad fields fail in both.
for bad in ["61 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5/10 * * * *"]:
    f = bad.split()
    rc, out = call({}, "Cron", "add_line", "minute=" + f[0], "hour=" + f[1], "day=" + f[2], "month=" + f[3],
                   "weekday=" + f[4], "command=/bin/true")
    path = os.path.join(root, "bad.cron")
    with open(path, "w") as fh:
        fh.write(bad + " /bin/true\n")
    dry = subprocess.run(["crontab", "-n", path], capture_output=True, text=True)
    refused = rc == 0 and out["result"]["status"] == 0  # answered (exit 0), with the reason in the envelope
    check("both refuse " + bad, refused and dry.returncode != 0, (rc, out["result"]["status"], dry.returncode))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
