#!/usr/bin/env bash
# idle.sh: the idle dashboard (7 panels, 5 s refresh) in a 160x48 tmux beside
# `htop -d 50` in the same run: CPU %, RSS, bytes written to the terminal per
# second; and the time from start to the first complete paint against the local
# stack. Prints figures and ratios; asserts nothing (these machines are noisy).
#
# Usage: tests/bench/idle.sh [SECONDS (default 60)] [FIRST-PAINT RUNS (default 7)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
secs=${1:-60}
runs=${2:-7}
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
export ICNSIM=${ICNSIM:-$top/build/icnsim}
export ICN_CONSOLE_DATADIR=${ICN_CONSOLE_DATADIR:-$top}
for b in "$ICN_CONSOLE" "$ICNSIM"; do
	[[ -x $b ]] || { echo "idle.sh: $b is not built (run ./tools/test or make first)" >&2; exit 2; }
done
command -v tmux >/dev/null || { echo "idle.sh: tmux is needed" >&2; exit 2; }
have_htop=0
command -v htop >/dev/null && have_htop=1

work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench.XXXXXX")
sock=icn-bench-$$
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null || true
	"$top/tests/stack/icn-stack" stop --dir "$work/stack" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "starting the stack (normal mode: 5 s scrape)..."
"$top/tests/stack/icn-stack" start --dir "$work/stack" >"$work/stack.out" 2>&1 || { cat "$work/stack.out"; exit 1; }
cfg=$work/stack/config.yaml
hz=$(getconf CLK_TCK)
# calc EXPR: floating-point arithmetic without bc
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pane_pid() { tm display-message -p -t "$1" '#{pane_pid}'; }
# the program itself: the pane runs `exec PROGRAM`, so the pane pid is the program
start_session() {
	local name=$1
	shift
	tm -f /dev/null new-session -d -s "$name" -x 160 -y 48 "exec env LANG=C.UTF-8 TERM=xterm-256color $*"
}

# --- first complete paint ----------------------------------------------------
echo "first complete paint, $runs runs..."
paints=()
for ((i = 0; i < runs; i++)); do
	log=$work/paint$i.log
	start_session p "$ICN_CONSOLE --config $cfg --log $log"
	for ((w = 0; w < 100; w++)); do
		grep -q "first complete paint" "$log" 2>/dev/null && break
		sleep 0.1
	done
	ms=$(sed -n 's/.*first complete paint: .*, \([0-9.]*\) ms after start/\1/p' "$log" | head -1)
	[[ -n $ms ]] && paints+=("$ms")
	tm kill-session -t p 2>/dev/null || true
	sleep 0.3
done
sorted=$(printf '%s\n' "${paints[@]}" | sort -n)
n=${#paints[@]}
if ((n)); then
	median=$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")
	printf 'first complete paint (all 7 panels with data): median %s ms, min %s ms, max %s ms over %d runs (target < 300 ms)\n' \
		"$median" "$(head -1 <<<"$sorted")" "$(tail -1 <<<"$sorted")" "$n"
else
	echo "first complete paint: not seen in the log"
fi

# --- idle: the console beside htop ---------------------------------------------
echo "idle for ${secs}s at 160x48, refresh 5s$( ((have_htop)) && echo ', beside htop -d 50')..."
start_session c "$ICN_CONSOLE --config $cfg --refresh 5s"
((have_htop)) && start_session h "htop -d 50"
sleep 5 # past start-up: measure the steady state
cpid=$(pane_pid c)
tm pipe-pane -t c -o "cat > $work/c.bytes"
if ((have_htop)); then
	hpid=$(pane_pid h)
	tm pipe-pane -t h -o "cat > $work/h.bytes"
	h0=$(cpu_ticks "$hpid")
fi
c0=$(cpu_ticks "$cpid")
t0=$(date +%s.%N)
sleep "$secs"
t1=$(date +%s.%N)
c1=$(cpu_ticks "$cpid")
crss=$(rss_kb "$cpid")
chwm=$(hwm_kb "$cpid")
if ((have_htop)); then
	h1=$(cpu_ticks "$hpid")
	hrss=$(rss_kb "$hpid")
fi
tm pipe-pane -t c
((have_htop)) && tm pipe-pane -t h
sleep 0.5
el=$(calc "$t1 - $t0")
cbytes=$(stat -c %s "$work/c.bytes" 2>/dev/null || echo 0)
ccpu=$(calc "($c1 - $c0) / $hz / $el * 100")
printf '\n%-22s %10s %10s %14s\n' "" "CPU %" "RSS MB" "terminal B/s"
printf '%-22s %10.2f %10.1f %14.1f   (peak RSS %.1f MB)\n' "icn-console" "$ccpu" "$(calc "$crss/1024")" \
	"$(calc "$cbytes / $el")" "$(calc "$chwm/1024")"
if ((have_htop)); then
	hbytes=$(stat -c %s "$work/h.bytes" 2>/dev/null || echo 0)
	hcpu=$(calc "($h1 - $h0) / $hz / $el * 100")
	printf '%-22s %10.2f %10.1f %14.1f\n' "htop -d 50" "$hcpu" "$(calc "$hrss/1024")" "$(calc "$hbytes / $el")"
	ratio() { if awk "BEGIN { exit !($2 > 0) }"; then printf '%.2f' "$(calc "$1 / $2")"; else echo "n/a"; fi; }
	printf '%-22s %10s %10s %14s\n' "ratio console/htop" "$(ratio "$ccpu" "$hcpu")" "$(ratio "$crss" "$hrss")" "$(ratio "$cbytes" "$hbytes")"
fi
echo "targets: CPU no higher than htop's, RSS under 16 MB, under 1024 B/s to the terminal"
