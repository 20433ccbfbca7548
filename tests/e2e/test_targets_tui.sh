#!/usr/bin/env bash
# test_targets_tui.sh: the Targets view in a real terminal (tmux) against a stand-in
# Prometheus (tests/promstandin.py) that serves a long job name, targets down with a
# long error, and extra labels: columns sized to their content and cut with an
# ellipsis (~ in --ascii), the footer's count of targets down, the / filter, and
# Enter showing one target whole.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=17
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "targets tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-targets-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-targets-tui.XXXXXX")
standin_pid=
cleanup() {
	tm kill-server 2>/dev/null || true
	[[ -n $standin_pid ]] && kill "$standin_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

long_job=icn-validator-fleet-europe-west-with-a-very-long-job-name
long_error='Get "http://validator-17.eu-west.icn.example:9100/metrics": context deadline exceeded (Client.Timeout exceeded while awaiting headers) after three retries of the scrape'
now=$(date -u +%Y-%m-%dT%H:%M:%S.123456789Z)
cat >"$work/targets.json" <<JSON
{"status":"success","data":{"activeTargets":[
 {"labels":{"job":"icn","instance":"10.0.0.1:9100","region":"eu-west"},"scrapePool":"icn",
  "discoveredLabels":{"__address__":"10.0.0.1:9100","__metrics_path__":"/metrics","job":"icn"},
  "scrapeUrl":"http://10.0.0.1:9100/metrics","lastError":"","health":"up",
  "lastScrape":"$now","lastScrapeDuration":0.0123,"scrapeInterval":"15s","scrapeTimeout":"10s"},
 {"labels":{"job":"$long_job","instance":"validator-17.eu-west.icn.example:9100","rack":"r42"},
  "discoveredLabels":{"__address__":"validator-17.eu-west.icn.example:9100","job":"$long_job"},
  "scrapePool":"$long_job","scrapeUrl":"http://validator-17.eu-west.icn.example:9100/metrics",
  "lastError":$(jq -Rn --arg e "$long_error" '$e'),
  "health":"down","lastScrape":"$now","lastScrapeDuration":10.0004,"scrapeInterval":"15s","scrapeTimeout":"10s"},
 {"labels":{"job":"alpha","instance":"a:1"},"scrapePool":"alpha","scrapeUrl":"http://a:1/metrics",
  "lastError":"connection refused","health":"down","lastScrape":"0001-01-01T00:00:00Z","lastScrapeDuration":0,
  "scrapeInterval":"15s","scrapeTimeout":"10s"}
],"droppedTargets":[],"droppedTargetCounts":{"icn":2}}}
JSON
python3 "$top_srcdir/tests/promstandin.py" "$work/targets.json" "$work/port" "$work/log" &
standin_pid=$!
if ! wait_for 10 test -s "$work/port"; then
	echo "Bail out! the stand-in Prometheus did not start"
	exit 1
fi
url=http://127.0.0.1:$(cat "$work/port")
# UTF-8 whatever the locale the tests run in: the cut is … there
extra_env="HOME='$work' XDG_CONFIG_HOME='$work' LC_ALL=C.UTF-8"
tui_server

# the screen row that holds s (the first), and the column a text starts at in it
row_of() { screen | grep -F -- "$1" | head -1; }

start 80 24 --prometheus "$url" --refresh 1s
keys 2
if wait_for 10 shows "alpha"; then ok "80x24: the Targets view lists the stand-in's targets"; else not_ok "80x24: the Targets view lists the stand-in's targets" "$(dump)"; fi
first=$(screen | grep -A1 -E '^ *HEALTH +JOB' | tail -1)
if [[ $first =~ ^\ *down\ +alpha ]]; then ok "down targets first, by job"; else not_ok "down targets first, by job" "$(dump)"; fi
# the long job name is cut with an ellipsis, and the instance starts where its
# heading does, after a blank: it does not run into the job
row=$(row_of "icn-validator")
# (python, not ${row:i:n}: bash counts bytes in a C locale, and … is three)
cols=$(screen | python3 -c '
import sys
lines = sys.stdin.buffer.read().decode("utf-8", "replace").splitlines()
head = next(l for l in lines if l.lstrip().startswith("HEALTH"))
row = next(l for l in lines if "icn-validator" in l)
ci = head.index("INSTANCE")
print("ok" if "\u2026" in row[:ci] and row[ci - 1] == " " and row[ci:].startswith("validator-17") else "bad")
')
if [[ $cols == ok ]]; then
	ok "a long job name is cut with … and the instance stays in its column"
else
	not_ok "a long job name is cut with … and the instance stays in its column" "$(dump)"
fi
if [[ $row != *"$long_job"* ]] && row_of "alpha" | grep -q "connection"; then
	ok "80 columns: the error column keeps some room"
else
	not_ok "80 columns: the error column keeps some room" "$(dump)"
fi
if wait_for 5 shows "3 targets, 2 down"; then ok "the footer counts the targets down"; else not_ok "the footer counts the targets down" "$(dump)"; fi

# / filters as it is typed; Enter keeps it, the footer says what it shows
keys / i c n
if wait_for 5 bash -c "! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'alpha'" && shows "validator"; then
	ok "/icn filters as it is typed (a job word)"
else
	not_ok "/icn filters as it is typed (a job word)" "$(dump)"
fi
keys Enter
if wait_for 5 shows "showing 2 of 3 (filter: icn)"; then ok "the footer says the filter shows 2 of 3"; else not_ok "the footer says the filter shows 2 of 3" "$(dump)"; fi
keys / C-u r a c k = r 4 2 Enter
if wait_for 5 shows "showing 1 of 3" && shows "validator" && hides "10.0.0.1"; then ok "/rack=r42 matches a label as name=value"; else not_ok "/rack=r42 matches a label as name=value" "$(dump)"; fi
keys / C-u d e a d l i n e Escape
if wait_for 5 shows "showing 1 of 3 (filter: rack=r42)"; then ok "Esc in the prompt keeps the filter that was there"; else not_ok "Esc in the prompt keeps the filter that was there" "$(dump)"; fi

# Enter: one target whole
keys Enter
if wait_for 5 shows "Target icn-validator"; then ok "Enter opens the target's details"; else not_ok "Enter opens the target's details" "$(dump)"; fi
s=$(screen)
miss=""
for want in "health       down" "scrape URL" "http://validator-17.eu-west.icn.example:9100/metrics" "last scrape" \
	"15s, timeout 10s" "after three retries of the scrape"; do
	grep -qF -- "$want" <<<"$s" || miss+="'$want' "
done
if [[ -z $miss ]]; then ok "details: health, scrape URL, last scrape, interval and timeout"; else not_ok "details: health, scrape URL, last scrape, interval and timeout" "missing $miss" "$(dump)"; fi
# the whole error, wrapped over lines: every word of it is on the screen
joined=$(screen | python3 -c '
import re, sys
rows = sys.stdin.buffer.read().decode("utf-8", "replace").splitlines()
inner = [m.group(1).strip() for m in (re.match(r"^[^\u2502|]*[\u2502|](.*)[\u2502|]", r) for r in rows) if m]
print(" ".join(" ".join(inner).split()))
')
if [[ $joined == *"$long_error"* ]]; then ok "details: the whole last error, wrapped"; else not_ok "details: the whole last error, wrapped" "$joined"; fi
# every label, and those discovered before relabelling, further down the box
keys G
if wait_for 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '[│|] rack +r42 ' &&
	'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '[│|] __address__ +validator-17'"; then
	ok "details: every label and the discovered labels"
else
	not_ok "details: every label and the discovered labels" "$(dump)"
fi
keys Escape
if wait_for 5 hides "Target icn-validator"; then ok "Esc closes the details"; else not_ok "Esc closes the details" "$(dump)"; fi
keys q
wait_for 5 test -f "$work/rc"

# wide: nothing is cut
start 200 24 --prometheus "$url" --refresh 1s
keys 2
if wait_for 10 shows "$long_job" && shows "validator-17.eu-west.icn.example:9100"; then ok "200 columns: the long job name and instance whole"; else not_ok "200 columns: the long job name and instance whole" "$(dump)"; fi
keys q
wait_for 5 test -f "$work/rc"

# --ascii: the cut is ~ and nothing but ASCII is drawn
start 80 24 --prometheus "$url" --refresh 1s --ascii
keys 2
if wait_for 10 shows "alpha" && row_of "icn-validator" | grep -q '~' && ! screen | LC_ALL=C grep -q '[^ -~]'; then
	ok "--ascii: a cut ends in ~, nothing but ASCII"
else
	not_ok "--ascii: a cut ends in ~, nothing but ASCII" "$(dump)"
fi
keys q
if wait_for 5 test -f "$work/rc" && [[ $(cat "$work/rc") == 0 ]]; then ok "q quits with exit 0"; else not_ok "q quits with exit 0" "rc=$(cat "$work/rc" 2>/dev/null)"; fi
exit 0
