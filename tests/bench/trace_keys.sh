#!/usr/bin/env bash
# trace_keys.sh: the Traces view on a 10,000-span trace (icnsim's bigtrace
# fault), in a 160x48 tmux: how long from Enter on `:trace ID` to the
# waterfall on screen (the HTTP answer included), the console's own figure
# from its --log (parse, tree and layout to the first paint after the answer),
# then keys to screen while scrolling it (j, PgDn, PgUp, G, g, c (fold) on the
# root, e, E, zoom). For comparison, in the same run, the same keys on
# a pane running `cat` (the floor of the method) and on htop's process list
# when htop is installed. Also the console's CPU (/proc/PID/schedstat) and
# RSS. Prints figures; asserts nothing.
#
# Usage: tests/bench/trace_keys.sh [J KEYS (default 60)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
nj=${1:-60}
[[ $nj =~ ^[0-9]+$ ]] || { echo "usage: $0 [J KEYS]" >&2; exit 2; }
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
ICNSIM=${ICNSIM:-$top/build/icnsim}
lib=$here/benchlib.py
bench_need trace_keys.sh "$ICN_CONSOLE" "$ICNSIM" tmux curl jq python3
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench-trace.XXXXXX")
sock=icn-bench-trace-$$
sim=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	set +e
	tm kill-server 2>/dev/null
	[[ -n $sim ]] && kill "$sim" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
screen() { tm capture-pane -p -t =console:; }
shows() { screen | grep -qF -- "$1"; }
fail() {
	echo "trace_keys.sh: $*" >&2
	screen | sed 's/^/  | /' >&2
	exit 1
}
report() {
	local label=$1 f=$2 sel=${3:-.}
	local vals
	vals=$(awk -v k="$sel" '$1 ~ k {print $2}' "$f" | grep -vx -- '-' || true)
	printf '%-44s %s\n' "$label:" "$("$lib" stats x " ms" <<<"$vals" | sed 's/^x: //; s/median/p50/')"
}

"$ICNSIM" --listen 127.0.0.1:0 --seed 3 --block-interval 1 >"$work/sim.out" 2>"$work/sim.err" &
sim=$!
wait_until 10 grep -q 'listening on' "$work/sim.out" || fail "icnsim did not start"
url=$(sed -n 's/^icnsim: listening on //p' "$work/sim.out")
curl -sf -X POST "$url/control/fault/bigtrace" >/dev/null
big_id() {
	curl -sf -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="icn-director"} |= "retry storm"' \
		--data-urlencode limit=1 --data-urlencode direction=backward |
		jq -er '.data.result[0].values[0][1] | fromjson | .trace_id'
}
wait_until 15 big_id || fail "no retry storm logged"
id=$(big_id)
curl -sf -X DELETE "$url/control/fault/bigtrace" >/dev/null
bytes=$(curl -sf "$url/api/traces/$id" | wc -c)
# the HTTP answer alone (icnsim writing 5 MB, curl reading it), to set against the console's
: >"$work/curl"
for i in 1 2 3 4 5; do
	curl -sf -o /dev/null -w '%{time_total}\n' "$url/api/traces/$id" | awk '{print $1 * 1000}' >>"$work/curl"
done
echo "trace $id: $(curl -sf "$url/api/traces/$id" | jq '.data[0].spans | length') spans, v1 body $bytes bytes"

log=$work/console.log
tm -f /dev/null new-session -d -s console -x 160 -y 48 \
	"exec env LANG=C.UTF-8 TERM=xterm-256color '$ICN_CONSOLE' --jaeger '$url' --prometheus http://127.0.0.1:1 --no-bell --log '$log'"
tm -f /dev/null new-session -d -s floor -x 160 -y 48 "exec cat"
have_htop=0
if command -v htop >/dev/null; then
	have_htop=1
	tm -f /dev/null new-session -d -s htop -x 160 -y 48 "exec env TERM=xterm-256color htop -d 50 -t"
fi
wait_until 15 shows "Dashboard" || fail "the console did not start"
cpid=$(tm display-message -p -t =console: '#{pane_pid}')
tm send-keys -t =console: 6
wait_until 10 shows "icn-director" || fail "no services"

# :trace ID, Enter: to the waterfall on screen (5 times: each fetches again;
# a small trace opened between, so the big one is not on screen already)
small=$(curl -sf -G "$url/api/traces" --data-urlencode service=icn-super-node --data-urlencode limit=20 | jq -r '[.data[] | select((.spans | length) < 100)][0].traceID')
: >"$work/open"
for i in 1 2 3 4 5; do
	tm send-keys -t =console: Escape
	tm send-keys -t =console: -l ":trace $small"
	tm send-keys -t =console: Enter
	wait_until 5 shows " 10 spans" || fail "the small trace did not show"
	tm send-keys -t =console: Escape
	tm send-keys -t =console: -l ":trace $id"
	sleep 0.3
	"$lib" keys-until "$sock" =console: "$work/open" "Enter+bft\\.round" >/dev/null
	wait_until 5 shows "10000 spans" || fail "the waterfall did not show 10000 spans"
	tm send-keys -t =console: Escape
	sleep 0.3
done
tm send-keys -t =console: -l ":trace $id"
tm send-keys -t =console: Enter
wait_until 10 shows "10000 spans" || fail "no waterfall"
sleep 0.5

keys_list=()
for ((i = 0; i < nj; i++)); do keys_list+=(j); done
for ((i = 0; i < 10; i++)); do keys_list+=(NPage); done
for ((i = 0; i < 10; i++)); do keys_list+=(PPage); done
keys_list+=(G g G g c c c c e e e E + + - 0)
c0=$(awk '{print $1}' "/proc/$cpid/schedstat")
"$lib" keys "$sock" =console: "$work/wf" "${keys_list[@]}"
c1=$(awk '{print $1}' "/proc/$cpid/schedstat")
fk=()
for ((i = 0; i < nj / 2; i++)); do fk+=(j); done
"$lib" keys "$sock" =floor: "$work/floor" "${fk[@]}"
if ((have_htop)); then
	"$lib" keys "$sock" =htop: "$work/htop" "${fk[@]}"
fi
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$cpid/status")
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$cpid/status")

echo
echo "160x48, $(nproc) cores; ms from tmux send-keys to the screen changed (capture-pane polled):"
report ":trace ID Enter -> the waterfall (HTTP incl.)" "$work/open"
printf '%-44s %s\n' "  the same GET by curl alone:" "$("$lib" stats x " ms" <"$work/curl" | sed 's/^x: //; s/median/p50/')"
grep -o 'waterfall of [0-9]* spans drawn [0-9.]* ms' "$log" | awk '{print $(NF-1)}' >"$work/drawn" || true
# the big trace's parses only (over 1 MB)
grep -o '[0-9]* bytes parsed in [0-9.]* ms' "$log" | awk '$1 > 1000000 {print $(NF-1)}' >"$work/parsed" || true
printf '%-44s %s\n' "in the console: parse + tree, 10k spans (--log):" "$("$lib" stats x " ms" <"$work/parsed" | sed 's/^x: //; s/median/p50/')"
printf '%-44s %s\n' "  then arrival -> drawn (--log):" "$("$lib" stats x " ms" <"$work/drawn" | sed 's/^x: //; s/median/p50/')"
report "waterfall of 10,000 spans: every key" "$work/wf"
report "  j" "$work/wf" '^j$'
report "  PgDn/PgUp" "$work/wf" 'Page'
report "  G/g" "$work/wf" '^[Gg]$'
report "  c (fold/unfold the root)" "$work/wf" '^c$'
report "  e/E (error spans)" "$work/wf" '^[eE]$'
report "  + - 0 (zoom)" "$work/wf" '^[-+0]$'
report "floor: \`cat\` pane, j" "$work/floor"
if ((have_htop)); then
	report "htop 160x48, j (its process list)" "$work/htop"
	echo "ratio console j / htop j (p50): $("$lib" ratio <(awk '$1=="j"{print $2}' "$work/wf") <(awk '{print $2}' "$work/htop"))"
fi
echo "target: the first paint under 100 ms after the answer; scroll keys under 16 ms"
printf 'console CPU during the keys: %.1f ms (%.2f ms a key); RSS %.1f MB, peak %.1f MB\n' \
	"$(awk -v c=$((c1 - c0)) 'BEGIN { print c / 1e6 }')" "$(awk -v c=$((c1 - c0)) -v n=${#keys_list[@]} 'BEGIN { print c / 1e6 / n }')" \
	"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
