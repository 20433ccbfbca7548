#!/usr/bin/env bash
# logs_ingest.sh: the Logs view ingesting a Loki tail on loopback as fast as it can, beside lnav
# loading the same lines from a file in the same run (issue 7).
#
# The tail is tests/bench/lokiblast (127.0.0.1, a free port): frames of 100 ICN-style JSON
# lines (about 200 bytes; the mean is printed) in Loki's shape, written only while the socket
# is writable, so what it sends is what the console takes (the kernel's buffers in between are
# a few MB, constant once full). The console is the real binary on the real Logs view (key 5)
# in a 160x48 tmux, its Prometheus and Alertmanager pointed at the same stand-in (404s: the
# dashboard's errors, 60 s refresh). Measured:
#   1. the first 100,000 lines: from allowing them to the status row's "100000 lines", then
#      RSS (VmRSS) with the ring full;
#   2. sustained ingest over SECONDS: lines/s (lines sent between two counter reads, both at
#      steady state), the console's CPU (/proc/PID/schedstat) and the stand-in's;
#   3. key-to-paint while ingesting as fast as it goes, again at PACED lines/s, and idle with
#      the ring full: each key's time from `tmux send-keys` to the first `capture-pane` that
#      shows its effect (k and PgUp pause: "paused: N new lines" appears; F and G follow: it
#      goes; w: "wrap" in the query row comes and goes); idle also k/j moving the selection;
#   4. RSS after at least 1,000,000 lines (the ring keeps 100,000) and the peak (VmHWM);
#   5. lnav 0.11 (`lnav -n`, headless) loading the same lines from a file, 100,000 and
#      1,000,000 of them, with an lnav JSON format for the lines (tests/bench/lnav-icn.json)
#      and as plain text: wall, CPU and peak RSS from the kernel's rusage of the child.
# Prints figures and ratios; asserts nothing.
#
# Usage: tests/bench/logs_ingest.sh [SECONDS (default 10)] [KEY ROUNDS (default 10)] [PACED LINES/S (default 50000)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
secs=${1:-10}
rounds=${2:-10}
paced=${3:-50000}
for v in "$secs" "$rounds" "$paced"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [KEY ROUNDS] [PACED LINES/S]" >&2; exit 2; }
done
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
LOKIBLAST=${LOKIBLAST:-$top/build/tests/bench/lokiblast}
export ICN_CONSOLE_DATADIR=${ICN_CONSOLE_DATADIR:-$top}
lib=$here/benchlib.py
for b in "$ICN_CONSOLE" "$LOKIBLAST"; do
	[[ -x $b ]] || { echo "logs_ingest.sh: $b is not built (run ./tools/build first)" >&2; exit 2; }
done
for p in tmux curl python3 lnav; do
	command -v "$p" >/dev/null || { echo "logs_ingest.sh: $p is needed (./tools/deps installs it)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench-ingest.XXXXXX")
sock=icn-bench-ingest-$$
bp=
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	set +e
	if [[ -n $bp ]]; then
		kill "$bp" 2>/dev/null
		wait "$bp" 2>/dev/null
	fi
	tm kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
screen() { tm capture-pane -p -t =console:; }
shows() { screen | grep -qE -- "$1"; }
dump() { screen | sed 's/^/  | /' >&2; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
pct() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.1f", c / t * 100 }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# the stand-in Loki
"$LOKIBLAST" --port-file "$work/port" >"$work/lokiblast.out" 2>&1 &
bp=$!
wait_until 10 test -s "$work/port" || { echo "logs_ingest.sh: lokiblast did not start" >&2; exit 1; }
url=http://127.0.0.1:$(cat "$work/port")
ctl() { curl -sf "$url/control/$1" >/dev/null; }
stat_of() { curl -sf "$url/stats" | awk -v k="$1" '$1 == k {print $2}'; }

# the console, on the Logs view
mkdir -p "$work/cfg" "$work/state"
tm -f /dev/null new-session -d -s console -x 160 -y 48 \
	"exec env LANG=C.UTF-8 TERM=xterm-256color XDG_CONFIG_HOME='$work/cfg' XDG_STATE_HOME='$work/state' \
	ICN_CONSOLE_DATADIR='$ICN_CONSOLE_DATADIR' '$ICN_CONSOLE' --no-bell --refresh 60s \
	--prometheus '$url' --alertmanager '$url' --loki '$url' --log '$work/console.log'"
wait_until 15 shows 'Dashboard' || { echo "logs_ingest.sh: the console did not start" >&2; dump; exit 1; }
cpid=$(tm display-message -p -t =console: '#{pane_pid}')
tm send-keys -t =console: 5
wait_until 15 shows 'live +0 lines' || { echo "logs_ingest.sh: the Logs view did not go live" >&2; dump; exit 1; }
[[ $(stat_of clients) == 1 ]] || { echo "logs_ingest.sh: no tail connection at the stand-in" >&2; exit 1; }

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); console $("$ICN_CONSOLE" --version 2>/dev/null | head -1), $(lnav -V | head -1)"
echo "lines: ICN-style JSON, mean $(stat_of line_bytes_mean) bytes; frames of 100 entries, one stream object each (as Loki)"
echo

# 1. the first 100,000 lines
rss0=$(kb "$cpid" VmRSS)
c0=$(cpu_ns "$cpid")
t0=$(now_ns)
ctl "send?lines=100000"
for ((i = 0; i < 3000; i++)); do
	shows 'live +100000 lines' && break
	sleep 0.02 # the view paints 60 ms after lines arrive
done
t1=$(now_ns)
c1=$(cpu_ns "$cpid")
shows 'live +100000 lines' || { echo "logs_ingest.sh: the view never showed 100000 lines" >&2; dump; exit 1; }
span=$(($(stat_of last_ns) - $(stat_of first_ns)))
sleep 1
rss100k=$(kb "$cpid" VmRSS)
echo "first 100,000 lines: shown after $(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", t / 1e9 }') s" \
	"($(per_s 100000 $((t1 - t0))) lines/s; sent within $(awk -v t="$span" 'BEGIN { printf "%.2f", t / 1e9 }') s);" \
	"console CPU $(pct $((c1 - c0)) $((t1 - t0))) %"
echo "  RSS: $(mb "$rss0") MB on the empty Logs view, $(mb "$rss100k") MB with 100,000 lines (ring full)"

# 2. sustained
ctl "send?lines=inf"
sleep 2
s0=$(stat_of sent_lines)
c0=$(cpu_ns "$cpid")
b0=$(cpu_ns "$bp")
t0=$(now_ns)
# each second's rate too: how steady it is on a shared machine
rm -f "$work/persec"
sp=$s0
tp=$t0
for ((i = 0; i < secs; i++)); do
	sleep 1
	si=$(stat_of sent_lines)
	ti=$(now_ns)
	per_s $((si - sp)) $((ti - tp)) >>"$work/persec"
	echo >>"$work/persec"
	sp=$si
	tp=$ti
done
s1=$(stat_of sent_lines)
c1=$(cpu_ns "$cpid")
b1=$(cpu_ns "$bp")
t1=$(now_ns)
rate=$(per_s $((s1 - s0)) $((t1 - t0)))
ccpu=$(pct $((c1 - c0)) $((t1 - t0)))
cline_us=$(awk -v c=$((c1 - c0)) -v n=$((s1 - s0)) 'BEGIN { printf "%.2f", c / n / 1000 }')
echo "sustained over $(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t / 1e9 }') s (after 2 s of it): $rate lines/s;" \
	"console CPU $ccpu % ($cline_us us a line); lokiblast CPU $(pct $((b1 - b0)) $((t1 - t0))) %"
echo "  each second: $("$lib" stats x " lines/s" <"$work/persec" | sed 's/^x: //')"
echo "  status row: $(screen | grep -oE 'live +[0-9]+ lines' | sed 's/  */ /g')"

# 3. keys to paint
spec=()
for ((i = 0; i < rounds; i++)); do
	spec+=('k+paused: [0-9]+ new line' 'F-paused: [0-9]+ new line' 'PPage+paused: [0-9]+ new line'
		'G-paused: [0-9]+ new line' 'w+since 15m  wrap' 'w-since 15m  wrap')
done
# keys LABEL: the spec above, then its figures, the lines/s meanwhile and the CPU
keys() {
	local label=$1 k0 c0 t0 k1 c1 t1 vals
	rm -f "$work/keys"
	k0=$(stat_of sent_lines)
	c0=$(cpu_ns "$cpid")
	t0=$(now_ns)
	"$lib" keys-until "$sock" =console: "$work/keys" "${spec[@]}"
	k1=$(stat_of sent_lines)
	c1=$(cpu_ns "$cpid")
	t1=$(now_ns)
	vals=$(awk '{print $2}' "$work/keys")
	printf '  %-44s %s\n' "$label:" "$("$lib" pstats x " ms" <<<"$vals" | sed 's/^x: //')"
	for k in k F PPage G w; do
		printf '    %-42s %s\n' "$k:" "$(awk -v k="$k" '$1 == k {print $2}' "$work/keys" | "$lib" pstats x " ms" | sed 's/^x: //')"
	done
	local miss same
	miss=$(grep -c ' -$' "$work/keys" || true)
	same=$(grep -c ' =$' "$work/keys" || true)
	((miss + same == 0)) || printf '    (%d keys not shown within 2 s, %d not measured: the screen was so already)\n' "$miss" "$same"
	printf '    meanwhile %s lines/s, console CPU %s %%\n' "$(per_s $((k1 - k0)) $((t1 - t0)))" "$(pct $((c1 - c0)) $((t1 - t0)))"
	cp "$work/keys" "$work/keys.$2"
}
echo "key to paint (tmux send-keys to the first capture-pane showing the key's effect):"
keys "while ingesting as fast as it goes" full
ctl "rate?lps=$paced"
sleep 1
keys "while ingesting at $paced lines/s (paced)" paced
ctl pause
ctl "rate?lps=0"

# 4. bounded by the ring: at least 1,000,000 lines in all
sent=$(stat_of sent_lines)
if ((sent < 1000000)); then
	ctl "send?lines=$(((1000000 - sent + 99) / 100 * 100))"
	wait_until 60 bash -c "[[ \$(curl -sf '$url/stats' | awk '\$1 == \"allowed\" {print \$2}') == 0 ]]"
fi
sleep 2
sent=$(stat_of sent_lines)
rss_all=$(kb "$cpid" VmRSS)
hwm=$(kb "$cpid" VmHWM)

keys "idle, 100,000 lines held" idle
rm -f "$work/kj"
"$lib" keys "$sock" =console: "$work/kj" k >/dev/null # pause
ks=()
for ((i = 0; i < rounds; i++)); do ks+=(k j); done
rm -f "$work/kj"
"$lib" keys "$sock" =console: "$work/kj" "${ks[@]}"
printf '    %-42s %s\n' "k/j moving the selection (paused):" "$(awk '{print $2}' "$work/kj" | "$lib" pstats x " ms" | sed 's/^x: //')"
echo "console memory: RSS $(mb "$rss_all") MB after $sent lines (100,000 held); peak (VmHWM) $(mb "$hwm") MB"
echo "  status row: $(screen | grep -oE 'live +[0-9]+ lines' | sed 's/  */ /g')"
tail_errs=$(grep -cE 'again in [0-9]+ s|could not|refused' "$work/console.log" || true)
echo "  console log: $tail_errs lines about the tail (reconnects, unreadable frames); $(grep -c 'dropped' "$work/console.log" || true) about dropped entries"
tm send-keys -t =console: q
echo

# 5. lnav, the same lines from a file
mkdir -p "$work/lnav/formats/icn" "$work/home"
cp "$here/lnav-icn.json" "$work/lnav/formats/icn/icn_log.json"
# lnav_run N FORMAT(json|text): "LINES WALL_MS CPU_MS MAXRSS_KB"; LINES: the messages lnav
# parsed with the JSON format, the lines it indexed as text
lnav_run() {
	local n=$1 fmt=$2 conf=() r code wall cpu rss got f lines msgs
	[[ $fmt == json ]] && conf=(-I "$work/lnav")
	r=$("$lib" run-rss-to "$work/lnav.out" env HOME="$work/home" lnav "${conf[@]}" -n \
		-c ';SELECT format, lines, (SELECT count(*) FROM all_logs) AS messages FROM lnav_file' "$work/lines.$n")
	read -r code wall cpu rss <<<"$r"
	[[ $code == 0 ]] || { echo "logs_ingest.sh: lnav exited $code" >&2; cat "$work/lnav.out" >&2; }
	# format lines messages
	read -r f lines msgs <<<"$(awk 'NR == 2' "$work/lnav.out")"
	if [[ $fmt == json ]]; then
		[[ $f == icn_log ]] || echo "logs_ingest.sh: lnav did not read the lines as icn_log ($f)" >&2
		got=$msgs
	else
		got=$lines
	fi
	echo "${got:-?} $wall $cpu $rss"
}
"$LOKIBLAST" --lines 100 --out "$work/lines.100" >/dev/null
echo "lnav $(lnav -V | cut -d' ' -f2), headless (lnav -n), the same generator's lines from a file:"
read -r _ w0 _ r0 <<<"$(lnav_run 100 json)"
echo "  start-up (100 lines, JSON format): $w0 ms wall, peak RSS $(mb "$r0") MB"
declare -A L
for n in 100000 1000000; do
	"$LOKIBLAST" --lines "$n" --out "$work/lines.$n" >/dev/null
	for fmt in json text; do
		read -r lines wall cpu rss <<<"$(lnav_run "$n" "$fmt")"
		L[$n.$fmt]="$wall $cpu $rss"
		printf '  %-9s lines, %-4s: %s lines indexed in %s ms wall (%s lines/s), CPU %s ms (%s %%, %s us a line), peak RSS %s MB\n' \
			"$n" "$fmt" "$lines" "$wall" "$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.0f", n / (w / 1000) }')" "$cpu" \
			"$(awk -v c="$cpu" -v w="$wall" 'BEGIN { printf "%.1f", c / w * 100 }')" \
			"$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.2f", c * 1000 / n }')" "$(mb "$rss")"
	done
	rm -f "$work/lines.$n"
done
echo

read -r jw jc jr <<<"${L[1000000.json]}"
read -r tw tc tr <<<"${L[1000000.text]}"
read -r _ _ jr100 <<<"${L[100000.json]}"
read -r _ _ tr100 <<<"${L[100000.text]}"
jrate=$(awk -v w="$jw" 'BEGIN { printf "%.0f", 1000000 / (w / 1000) }')
trate=$(awk -v w="$tw" 'BEGIN { printf "%.0f", 1000000 / (w / 1000) }')
echo "ratios console/lnav (1,000,000 lines; lnav JSON format | plain text):"
echo "  lines/s:                 $(ratio "$rate" "$jrate") | $(ratio "$rate" "$trate")"
echo "  CPU a line:              $(ratio "$cline_us" "$(awk -v c="$jc" 'BEGIN { print c / 1000 }')") | $(ratio "$cline_us" "$(awk -v c="$tc" 'BEGIN { print c / 1000 }')")"
echo "  RSS at 100,000 lines:    $(ratio "$rss100k" "$jr100") | $(ratio "$rss100k" "$tr100")   (console VmRSS, lnav peak)"
echo "  RSS, all lines:          $(ratio "$rss_all" "$jr") | $(ratio "$rss_all" "$tr")   (console VmRSS after $sent lines, holding 100,000; lnav peak holding 1,000,000)"
echo
echo "targets: >= 200,000 lines/s sustained; RSS < 64 MB at 100,000 lines of about 200 bytes; key-to-paint p99 < 50 ms while ingesting"
