#!/usr/bin/env bash
# huge.sh: the console against a Prometheus that answers every query with a high-cardinality
# result (tests/stack/hostile-prom huge): 150,000 series, about 37 MB a vector and 45 MB a
# matrix, over the 16 MB answer cap; and 40,000 series (about 10 MB, under the cap: parsed
# off the loop, the worst 200 kept). For each, in a tmux pane at 80x24 (2 s refresh): keys to
# screen (dashboard focus keys j l k h; ms from tmux send-keys to the first change of
# capture-pane, the clock masked), the clock still ticking, CPU (/proc/PID/schedstat) and
# peak RSS (VmHWM); and `--once` wall time and peak RSS (the kernel's rusage). Beside them,
# the same on the healthy demo stack. Prints figures; asserts nothing.
#
# Usage: tests/bench/huge.sh [KEYS PER RUN (default 40)] [SECONDS OBSERVED (default 20)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
nkeys=${1:-40}
secs=${2:-20}
for v in "$nkeys" "$secs"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "usage: $0 [KEYS] [SECONDS]" >&2; exit 2; }
done
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
export ICNSIM=${ICNSIM:-$top/build/icnsim}
export ICN_CONSOLE_DATADIR=${ICN_CONSOLE_DATADIR:-$top}
lib=$here/benchlib.py
[[ -x $ICN_CONSOLE ]] || { echo "huge.sh: $ICN_CONSOLE is not built (run ./tools/build first)" >&2; exit 2; }
for p in tmux curl python3; do
	command -v "$p" >/dev/null || { echo "huge.sh: $p is needed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench-huge.XXXXXX")
sock=icn-bench-huge-$$
hp=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	set +e
	[[ -n $hp ]] && kill "$hp" 2>/dev/null && wait "$hp" 2>/dev/null
	tm kill-server 2>/dev/null
	"$top/tests/stack/icn-stack" stop --dir "$work/stack" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
screen() { tm capture-pane -p -t =console:; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# serve MODE ARGS...: a hostile Prometheus; sets $purl
serve() {
	[[ -n $hp ]] && { kill "$hp" 2>/dev/null; wait "$hp" 2>/dev/null || true; }
	rm -f "$work/port"
	"$top/tests/stack/hostile-prom" "$@" --port-file "$work/port" >/dev/null 2>&1 &
	hp=$!
	wait_until 120 test -s "$work/port" || { echo "huge.sh: hostile-prom did not start" >&2; exit 1; }
	purl=http://127.0.0.1:$(cat "$work/port")
}

# measure LABEL ARGS...: the TUI with ARGS at 80x24, then --once with ARGS
measure() {
	local label=$1
	shift
	local args="" a
	for a in "$@"; do args+=" '$a'"; done
	tm kill-session -t console 2>/dev/null || true
	tm -f /dev/null new-session -d -s console -x 80 -y 24 \
		"exec env LANG=C.UTF-8 TERM=xterm-256color ICN_CONSOLE_DATADIR='$ICN_CONSOLE_DATADIR' '$ICN_CONSOLE' --refresh 2s --no-bell$args"
	wait_until 15 bash -c "tmux -L '$sock' capture-pane -p -t =console: | grep -q 'Dashboard'" ||
		{ echo "huge.sh: the console did not start ($label)" >&2; screen >&2; exit 1; }
	local cpid c0 t0 c1 t1 clk0 clk1
	cpid=$(tm display-message -p -t =console: '#{pane_pid}')
	sleep 3 # the first answers arrive and are parsed
	c0=$(cpu_ns "$cpid")
	t0=$(now_ns)
	clk0=$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1)
	local ks=()
	for ((i = 0; i < nkeys / 4; i++)); do ks+=(j l k h); done
	rm -f "$work/keys"
	"$lib" keys "$sock" =console: "$work/keys" "${ks[@]}"
	local left=$((secs - ($(now_ns) - t0) / 1000000000))
	((left > 0)) && sleep "$left"
	clk1=$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1)
	c1=$(cpu_ns "$cpid")
	t1=$(now_ns)
	local hwm
	hwm=$(hwm_kb "$cpid")
	local vals missed
	vals=$(awk '{print $2}' "$work/keys")
	missed=$(grep -cx -- '-' <<<"$vals" || true)
	printf '%s\n' "$label"
	printf '  TUI 80x24 keys to screen: %s\n' "$("$lib" stats x " ms" <<<"$vals" | sed 's/^x: //; s/median/p50/')"
	((missed == 0)) || printf '    (%d keys changed nothing within 2 s)\n' "$missed"
	printf '  TUI CPU %.1f %% over %.0f s; peak RSS %s MB; clock %s -> %s\n' \
		"$(awk -v c=$((c1 - c0)) -v t=$((t1 - t0)) 'BEGIN { print c / t * 100 }')" \
		"$(awk -v t=$((t1 - t0)) 'BEGIN { print t / 1e9 }')" "$(mb "$hwm")" "${clk0:-?}" "${clk1:-?}"
	printf '  panel line: %s\n' "$(screen | grep -m1 -E 'too large|series|CRIT|WARN|OK' | sed 's/  */ /g' | cut -c1-76)"
	tm send-keys -t =console: q
	local r
	r=$("$lib" run-rss env ICN_CONSOLE_DATADIR="$ICN_CONSOLE_DATADIR" "$ICN_CONSOLE" --once "$@")
	read -r code wall cpu rss <<<"$r"
	printf '  --once: exit %s, %s ms wall, %s ms CPU, peak RSS %s MB\n' "$code" "$wall" "$cpu" "$(mb "$rss")"
}

echo "starting the demo stack for the baseline..."
"$top/tests/stack/icn-stack" start --fast --dir "$work/stack" >"$work/stack.out" 2>&1 || { cat "$work/stack.out"; exit 1; }
# shellcheck disable=SC1091
. "$work/stack/env"
echo "$(nproc) cores; $nkeys keys and ${secs} s per run"
echo
measure "healthy demo stack" --config "$work/stack/config.yaml"
serve huge --series 150000
echo
measure "150,000 series ($(curl -s -o /dev/null -w '%{size_download}' "$purl/api/v1/query?query=x") bytes a vector; over the 16 MB cap)" \
	--prometheus "$purl" --alertmanager "$ALERTMANAGER_URL"
serve huge --series 150000 --gzip
echo
measure "150,000 series gzip-coded as a real Prometheus sends them (size unknown until read)" \
	--prometheus "$purl" --alertmanager "$ALERTMANAGER_URL"
serve huge --series 40000
echo
measure "40,000 series ($(curl -s -o /dev/null -w '%{size_download}' "$purl/api/v1/query?query=x") bytes a vector; under the cap, parsed off the loop)" \
	--prometheus "$purl" --alertmanager "$ALERTMANAGER_URL"
echo
echo "targets: keys p90 under 100 ms, peak RSS under 100 MB (TUI and --once)"
