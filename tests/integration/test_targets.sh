#!/usr/bin/env bash
# test_targets.sh: the `targets` command and the --once JSON against a small
# stand-in Prometheus (tests/promstandin.py): down targets first, columns as
# wide as their content, times and durations at full precision in the JSON,
# and the --once JSON's `time` equal to the time its queries carried.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 8
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-targets.XXXXXX")
standin_pid=
cleanup() {
	[[ -n $standin_pid ]] && kill "$standin_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

long_job=icn-validator-fleet-europe-west-with-a-very-long-job-name
cat >"$work/targets.json" <<JSON
{"status":"success","data":{"activeTargets":[
 {"labels":{"job":"icn","instance":"10.0.0.1:9100","region":"eu-west"},"scrapePool":"icn",
  "scrapeUrl":"http://10.0.0.1:9100/metrics","lastError":"","health":"up",
  "lastScrape":"2026-11-29T21:19:05.123456789Z","lastScrapeDuration":0.000123456789,
  "scrapeInterval":"15s","scrapeTimeout":"10s"},
 {"labels":{"job":"$long_job","instance":"validator-17.eu-west.icn.example:9100"},
  "scrapePool":"$long_job","scrapeUrl":"http://validator-17.eu-west.icn.example:9100/metrics",
  "lastError":"Get \"http://validator-17.eu-west.icn.example:9100/metrics\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
  "health":"down","lastScrape":"2026-11-29T21:19:04.987654321+01:00","lastScrapeDuration":10.000456789,
  "scrapeInterval":"15s","scrapeTimeout":"10s"},
 {"labels":{"job":"alpha","instance":"a:1"},"scrapePool":"alpha","scrapeUrl":"http://a:1/metrics",
  "lastError":"connection refused","health":"down","lastScrape":"0001-01-01T00:00:00Z","lastScrapeDuration":0,
  "scrapeInterval":"15s","scrapeTimeout":"10s"}
],"droppedTargets":[]}}
JSON
python3 "$top_srcdir/tests/promstandin.py" "$work/targets.json" "$work/port" "$work/log" &
standin_pid=$!
if ! wait_for 10 test -s "$work/port"; then
	echo "Bail out! the stand-in Prometheus did not start"
	exit 1
fi
url=http://127.0.0.1:$(cat "$work/port")
run() { HOME=$work XDG_CONFIG_HOME=$work "$ICN_CONSOLE" --prometheus "$url" "$@"; }

# ---- text ----
run targets >"$work/t.txt" 2>"$work/t.err"
rc=$?
if [[ $rc -eq 0 ]] && sed -n 2,3p "$work/t.txt" | grep -c '^down ' | grep -qx 2 &&
	sed -n 4p "$work/t.txt" | grep -q '^up '; then
	ok "targets: down targets first"
else
	not_ok "targets: down targets first" "rc=$rc" "$(cat "$work/t.txt" "$work/t.err")"
fi
if sed -n 2p "$work/t.txt" | grep -q '^down  *alpha  *a:1 ' && sed -n 3p "$work/t.txt" | grep -q "^down  *$long_job  *validator-17"; then
	ok "targets: down targets by job, then instance"
else
	not_ok "targets: down targets by job, then instance" "$(cat "$work/t.txt")"
fi
# every column starts where its heading does: a long job name pushes the
# columns after it instead of running into them
aligned=$(python3 - "$work/t.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0]
cols = [head.index(h) for h in ("JOB", "INSTANCE", "LAST SCRAPE")]
bad = []
for l in lines[1:-1]:
    for c in cols:
        if l[c - 2:c] != "  " or l[c] == " ":
            bad.append(l)
            break
print("ok" if not bad and len(lines) == 5 else "bad: " + " | ".join(bad))
PY
)
if [[ $aligned == ok ]]; then ok "targets: columns as wide as their widest cell, two blanks apart"; else not_ok "targets: columns as wide as their widest cell, two blanks apart" "$aligned" "$(cat "$work/t.txt")"; fi
if grep -qF "$long_job" "$work/t.txt" && grep -qF "(Client.Timeout exceeded while awaiting headers)" "$work/t.txt"; then
	ok "targets: the long job name and the whole error, uncut"
else
	not_ok "targets: the long job name and the whole error, uncut" "$(cat "$work/t.txt")"
fi
if tail -1 "$work/t.txt" | grep -q '^3 active targets, 2 down, 0 dropped$'; then ok "targets: the last line counts the targets down"; else not_ok "targets: the last line counts the targets down" "$(tail -1 "$work/t.txt")"; fi

# ---- JSON: every time and duration at full precision ----
run targets --output json >"$work/t.json" 2>"$work/t.err"
prec=$(python3 - "$work/t.json" "$work/targets.json" <<'PY'
import calendar, json, re, sys
mine = json.load(open(sys.argv[1]))["targets"]
theirs = json.load(open(sys.argv[2]))["data"]["activeTargets"]
def unix(s):
    # RFC 3339 with nanoseconds, at full precision (datetime stops at µs)
    m = re.match(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?(Z|([+-])(\d+):(\d+))$", s)
    y, mo, d, h, mi, se = (int(m.group(i)) for i in range(1, 7))
    if y == 1:
        return 0.0
    t = calendar.timegm((y, mo, d, h, mi, se)) + float(m.group(7) or 0)
    if m.group(8) != "Z":
        off = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        t -= off if m.group(9) == "+" else -off
    return t
bad = []
by = {(t["labels"]["job"], t["labels"]["instance"]): t for t in theirs}
for t in mine:
    p = by[(t["job"], t["instance"])]
    if abs(t["last_scrape"] - unix(p["lastScrape"])) > 1e-6:
        bad.append("%s last_scrape %r vs %s" % (t["job"], t["last_scrape"], p["lastScrape"]))
    if abs(t["last_scrape_duration"] - p["lastScrapeDuration"]) > 1e-12:
        bad.append("%s duration %r vs %r" % (t["job"], t["last_scrape_duration"], p["lastScrapeDuration"]))
print("ok" if not bad and len(mine) == 3 else "; ".join(bad) or "count")
PY
)
if [[ $prec == ok ]]; then ok "targets --output json: last_scrape and its duration at full precision (µs)"; else not_ok "targets --output json: last_scrape and its duration at full precision (µs)" "$prec"; fi
if jq -e '.targets[] | select(.job == "icn") | .labels.region == "eu-west" and .scrape_interval == "15s"' "$work/t.json" >/dev/null; then
	ok "targets --output json: every label, the interval"
else
	not_ok "targets --output json: every label, the interval" "$(cat "$work/t.json")"
fi

# ---- --once: the time printed is the time the queries carried ----
: >"$work/log"
run --once --output json >"$work/once.json" 2>"$work/once.err"
same=$(python3 - "$work/once.json" "$work/log" <<'PY'
import json, sys, urllib.parse
once = json.load(open(sys.argv[1]))
asked = set()
for line in open(sys.argv[2]):
    u = urllib.parse.urlsplit(line.strip())
    if u.path == "/api/v1/query":
        asked.add(urllib.parse.parse_qs(u.query)["time"][0])
times = {p["time"] for p in once["panels"]}
# one time for every query, and the JSON's number is that very time
ok = len(asked) == 1 and len(times) == 1 and float(next(iter(asked))) == next(iter(times))
print("ok" if ok else "asked %s, printed %s" % (sorted(asked), sorted(times)))
PY
)
if [[ $same == ok ]]; then ok "--once --output json: each panel's time is exactly the time= its query carried"; else not_ok "--once --output json: each panel's time is exactly the time= its query carried" "$same" "$(cat "$work/once.err")"; fi
exit 0
