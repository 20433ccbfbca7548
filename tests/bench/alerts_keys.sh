#!/usr/bin/env bash
# alerts_keys.sh: keys-to-screen latency of the Alerts view holding 2,000 alerts, against the
# real stack. The alerts are POSTed straight into Alertmanager (/api/v2/alerts; 20 alertnames,
# severities critical/warning/info, node, region, instance, a summary; re-posted every 60 s so
# they stay active). The console runs in a 160x48 tmux; for each key (j, PgDn, PgUp, `/` and a
# filter typed a character at a time) the time from `tmux send-keys` to the first change of
# `tmux capture-pane` (polled in a tight loop; the header clock and "updated Ns ago" masked).
# For comparison, in the same run: the same measurement on the Dashboard (panel focus keys)
# before the alerts are injected and again with them loaded, and on a pane running `cat`
# (the terminal echoes at once: the floor of the method, tmux's own cost). Also the console's
# CPU (/proc/PID/schedstat) and peak RSS (VmHWM). Prints figures; asserts nothing.
#
# Usage: tests/bench/alerts_keys.sh [ALERTS (default 2000)] [J KEYS (default 60)] [IDLE SECONDS (default 30)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
nalerts=${1:-2000}
nj=${2:-60}
idle=${3:-30}
for v in "$nalerts" "$nj" "$idle"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "usage: $0 [ALERTS] [J KEYS] [IDLE SECONDS]" >&2; exit 2; }
done
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
export ICNSIM=${ICNSIM:-$top/build/icnsim}
export ICN_CONSOLE_DATADIR=${ICN_CONSOLE_DATADIR:-$top}
lib=$here/benchlib.py
bench_need alerts_keys.sh "$ICN_CONSOLE" "$ICNSIM" tmux curl jq python3

work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench-keys.XXXXXX")
sock=icn-bench-keys-$$
poster=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	set +e
	if [[ -n $poster ]]; then
		kill "$poster" 2>/dev/null || true
		wait "$poster" 2>/dev/null || true
	fi
	tm kill-server 2>/dev/null || true
	"$top/tests/stack/icn-stack" stop --dir "$work/stack" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

screen() { tm capture-pane -p -t =console:; }
shows() { screen | grep -qF -- "$1"; }
dump() { screen | sed 's/^/  | /' >&2; }
fail() {
	echo "alerts_keys.sh: $*" >&2
	dump
	[[ -f ${log:-} ]] && tail -5 "$log" | sed 's/^/  log: /' >&2
	exit 1
}
# keys FILE KEY...: measure each key on the console's pane, appending to FILE
keys() {
	local out=$1
	shift
	"$lib" keys "$sock" =console: "$out" "$@"
}
# report LABEL FILE [KEY-FILTER]: p50/p90/max of the keys in FILE (all, or the named keys)
report() {
	local label=$1 f=$2 sel=${3:-.}
	local vals missed
	vals=$(awk -v k="$sel" '$1 ~ k {print $2}' "$f")
	missed=$(grep -cx -- '-' <<<"$vals" || true)
	printf '%-48s %s\n' "$label:" "$("$lib" stats x " ms" <<<"$vals" | sed 's/^x: //; s/median/p50/')"
	((missed == 0)) || echo "    ($missed of those keys changed nothing on the screen within 2 s; left out)"
}

echo "starting the stack (normal mode: 5 s scrape)..."
"$top/tests/stack/icn-stack" start --dir "$work/stack" >"$work/stack.out" 2>&1 || { cat "$work/stack.out"; exit 1; }
# shellcheck disable=SC1091
. "$work/stack/env"
cfg=$work/stack/config.yaml
log=$work/console.log

start_pane() { # NAME COMMAND: a 160x48 pane that execs COMMAND
	tm -f /dev/null new-session -d -s "$1" -x 160 -y 48 "exec env LANG=C.UTF-8 TERM=xterm-256color $2"
}
start_pane console "ICN_CONSOLE_DATADIR='$ICN_CONSOLE_DATADIR' '$ICN_CONSOLE' --config '$cfg' --refresh 5s --no-bell --log '$log'"
start_pane floor "cat"
wait_until 15 shows "Dashboard" || fail "the console did not start"
wait_until 15 grep -q "first complete paint" "$log" || true
cpid=$(tm display-message -p -t =console: '#{pane_pid}')
dash_keys=()
for ((i = 0; i < 5; i++)); do dash_keys+=(j l k h); done

# --- the floor: a terminal that echoes ---------------------------------------------
floor_keys=()
for ((i = 0; i < 30; i++)); do floor_keys+=(j); done
"$lib" keys "$sock" =floor: "$work/floor" "${floor_keys[@]}"

# --- the Dashboard, no alerts yet --------------------------------------------------------
sleep 2
keys "$work/dash0" "${dash_keys[@]}"
rss0=$(rss_kb "$cpid")

# --- 2,000 alerts ---------------------------------------------------------------------
echo "posting $nalerts alerts to Alertmanager (again every 60 s)..."
"$lib" post-alerts "$ALERTMANAGER_URL" "$nalerts" 60 &
poster=$!
have_all() {
	[[ $(curl -sf --max-time 5 "$ALERTMANAGER_URL/api/v2/alerts?active=true&silenced=false" | jq 'length') -ge $nalerts ]]
}
wait_until 30 have_all || fail "Alertmanager does not hold $nalerts active alerts"
wait_until 30 bash -c "tmux -L '$sock' capture-pane -p -t =console: | head -1 | grep -qE ' $nalerts firing'" ||
	fail "the header does not count $nalerts firing"
tm send-keys -t =console: 3
wait_until 15 shows "$nalerts firing, $nalerts shown" || fail "the Alerts view does not show $nalerts alerts"

c0=$(cpu_ns "$cpid")
t0=$(now_ns)
jk=()
for ((i = 0; i < nj; i++)); do jk+=(j); done
keys "$work/alerts" "${jk[@]}"
pg=()
for ((i = 0; i < 10; i++)); do pg+=(NPage); done
for ((i = 0; i < 10; i++)); do pg+=(PPage); done
keys "$work/alerts" "${pg[@]}"
filter_text="node=node-1234"
fk=(/)
for ((i = 0; i < ${#filter_text}; i++)); do fk+=("${filter_text:i:1}"); done
keys "$work/alerts" "${fk[@]}"
filter_footer=$(screen | tail -2 | head -1 | sed 's/^ *//')
keys "$work/alerts_esc" Escape
sleep 0.5
after_footer=$(screen | tail -2 | head -1 | sed 's/^ *//')
c1=$(cpu_ns "$cpid")
t1=$(now_ns)

# --- idle on the Alerts view, the alerts polled every 5 s --------------------------------
c2=$(cpu_ns "$cpid")
t2=$(now_ns)
sleep "$idle"
c3=$(cpu_ns "$cpid")
t3=$(now_ns)

# --- the Dashboard again, the alerts loaded ----------------------------------------------
tm send-keys -t =console: 1
wait_until 10 shows "ICN Overview" || fail "no Dashboard"
sleep 1
keys "$work/dash1" "${dash_keys[@]}"
hwm=$(hwm_kb "$cpid")
rss=$(rss_kb "$cpid")
errs=$(grep -ciE 'error|failed' "$log" || true)

pct() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.1f", c / t * 100 }'; }
echo
echo "keys to screen, 160x48, $(nproc) cores (ms from tmux send-keys to the first changed capture-pane):"
report "floor: \`cat\` pane, j echoed by the terminal" "$work/floor"
report "Dashboard, no alerts: j l k h" "$work/dash0"
report "Alerts view, $nalerts alerts: all keys below" "$work/alerts"
report "  j" "$work/alerts" '^j$'
report "  PgDn/PgUp" "$work/alerts" 'Page'
report "  / and the filter typed" "$work/alerts" '^[^jNP]'
report "  Esc (closes the filter; incl. ESCDELAY)" "$work/alerts_esc"
report "Dashboard, $nalerts alerts loaded: j l k h" "$work/dash1"
echo "target: keys answered within 50 ms"
echo "filter '$filter_footer'; after Esc '$after_footer'"
printf 'console CPU: %s %% during the keys (%.1f s), %s %% idle on the Alerts view with %d alerts (%d s, 5 s refresh)\n' \
	"$(pct $((c1 - c0)) $((t1 - t0)))" "$(awk -v t=$((t1 - t0)) 'BEGIN { print t / 1e9 }')" \
	"$(pct $((c3 - c2)) $((t3 - t2)))" "$nalerts" "$idle"
printf 'console memory: RSS %.1f MB before the alerts, %.1f MB after; peak (VmHWM) %.1f MB\n' \
	"$(awk -v k="$rss0" 'BEGIN { print k / 1024 }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
	"$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
echo "console log: $errs error/failed lines"
((errs == 0)) || grep -iE 'error|failed' "$log" | head -5 | sed 's/^/  /'
