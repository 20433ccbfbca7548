#!/usr/bin/env bash
# ack.sh: the acknowledge round trip, the console beside `amtool silence add` in the same run.
# Against the real stack (--fast) with the VRAM fault injected (VortexOOM firing), each round:
#   console: in a 100x30 tmux, Alerts view, `a`, a unique comment, Enter Enter, the
#            confirmation "Acknowledge 1 alert in demo for 2h? [y/N]"; then times from
#            sending `y` to the silence being in Alertmanager (GET /api/v2/silences polled in
#            a tight loop), and the console's own figure from its --log (the write starting,
#            "note: acknowledging ...", to "alertmanager write done: ID");
#   amtool:  `amtool silence add alertname=VortexOOM --comment=... --author=...`, timed from
#            process start to the silence in Alertmanager, and its own wall time;
# each silence is expired (DELETE /api/v2/silence/ID) before the next round so the alert
# fires again. Prints median/p90/min/max and the ratios console/amtool; asserts nothing.
#
# Usage: tests/bench/ack.sh [ROUNDS (default 10)]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"
BENCH_POLL_S=0.05
rounds=${1:-10}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [ROUNDS]" >&2; exit 2; }
ICN_CONSOLE=${ICN_CONSOLE:-$top/build/icn-console}
export ICNSIM=${ICNSIM:-$top/build/icnsim}
export ICN_CONSOLE_DATADIR=${ICN_CONSOLE_DATADIR:-$top}
AMTOOL=${AMTOOL:-$(command -v amtool || true)}
lib=$here/benchlib.py
for b in "$ICN_CONSOLE" "$ICNSIM"; do
	[[ -x $b ]] || { echo "ack.sh: $b is not built (run ./tools/build first)" >&2; exit 2; }
done
for p in tmux curl jq python3; do
	command -v "$p" >/dev/null || { echo "ack.sh: $p is needed" >&2; exit 2; }
done
[[ -n $AMTOOL ]] || { echo "ack.sh: amtool is needed (the peer)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/icn-bench-ack.XXXXXX")
sock=icn-bench-ack-$$
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	set +e
	tm kill-server 2>/dev/null || true
	"$top/tests/stack/icn-stack" stop --dir "$work/stack" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# wait_until SECONDS CMD...: poll CMD every 0.05 s (a bound against hangs, not a figure)
screen() { tm capture-pane -p -t =c:; }
shows() { screen | grep -qF -- "$1"; }
showsre() { screen | grep -qE -- "$1"; }
dump() { screen | sed 's/^/  | /' >&2; }
fail() { echo "ack.sh: $*" >&2; dump; exit 1; }
firing_unsilenced() {
	curl -sf --max-time 3 "$ALERTMANAGER_URL/api/v2/alerts?silenced=false&inhibited=false&active=true" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM")] | length >= 1'
}
expire() { curl -sf --max-time 5 -X DELETE "$ALERTMANAGER_URL/api/v2/silence/$1" >/dev/null; }

echo "starting the stack (--fast)..."
"$top/tests/stack/icn-stack" start --fast --dir "$work/stack" >"$work/stack.out" 2>&1 || { cat "$work/stack.out"; exit 1; }
# shellcheck disable=SC1091
. "$work/stack/env"
cfg=$work/stack/config.yaml
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
wait_until 60 firing_unsilenced || { echo "ack.sh: VortexOOM did not fire in Alertmanager" >&2; exit 1; }
echo "VortexOOM is active in Alertmanager; $rounds rounds (console, then amtool, each round)..."

log=$work/console.log
tm -f /dev/null new-session -d -s c -x 100 -y 30 \
	"exec env LANG=C.UTF-8 TERM=xterm-256color USER=bench ICN_CONSOLE_DATADIR='$ICN_CONSOLE_DATADIR' '$ICN_CONSOLE' --config '$cfg' --refresh 1s --no-bell --log '$log'"
wait_until 15 shows "Dashboard" || fail "the console did not start"
tm send-keys -t =c: 3
wait_until 15 showsre 'firing +VortexOOM' || fail "VortexOOM not firing in the Alerts view"

: >"$work/tui_key_am"   # ms: `y` sent -> silence visible in Alertmanager (our poll)
: >"$work/tui_log"      # ms: the console's log, write start -> write done
: >"$work/tui_key_done" # ms: `y` sent -> the console's "write done" (log clock, ms resolution)
: >"$work/am_vis"       # ms: amtool started -> silence visible
: >"$work/am_wall"      # ms: amtool started -> amtool exited
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'; }

for ((i = 1; i <= rounds; i++)); do
	# --- the console -----------------------------------------------------------
	wait_until 15 firing_unsilenced || fail "round $i: VortexOOM not active again"
	wait_until 15 showsre 'firing +VortexOOM' || fail "round $i: the console does not show VortexOOM firing again"
	comment="bench-ack $$ round $i console $RANDOM"
	tm send-keys -t =c: g j a
	wait_until 10 shows "they match 1 firing alert now" || fail "round $i: the form (matching 1 firing alert) did not open"
	tm send-keys -t =c: -l "$comment"
	tm send-keys -t =c: Enter Enter
	wait_until 10 shows "Acknowledge 1 alert in demo for 2h? [y/N]" || fail "round $i: no confirmation"
	read -r t_send t_vis sid < <("$lib" ack-tui "$sock" =c: "$ALERTMANAGER_URL" "$comment") || fail "round $i: ack not seen"
	wait_until 10 shows "acknowledged 1 alert (VortexOOM) in demo: silence $sid" || fail "round $i: no confirmation on screen"
	read -r l_start l_done < <("$lib" logtimes "$log" "$sid") || fail "round $i: no log lines"
	ms "$t_send" "$t_vis" >>"$work/tui_key_am"
	ms "$l_start" "$l_done" >>"$work/tui_log"
	ms "$t_send" "$l_done" >>"$work/tui_key_done"
	expire "$sid" || fail "round $i: could not expire $sid"

	# --- amtool ------------------------------------------------------------------
	wait_until 15 firing_unsilenced || fail "round $i: VortexOOM not active again (before amtool)"
	comment="bench-ack $$ round $i amtool $RANDOM"
	read -r a_start a_vis a_exit asid < <("$lib" amtool "$AMTOOL" "$ALERTMANAGER_URL" "$comment" "bench@$(hostname)") ||
		fail "round $i: amtool failed"
	ms "$a_start" "$a_vis" >>"$work/am_vis"
	ms "$a_start" "$a_exit" >>"$work/am_wall"
	expire "$asid" || fail "round $i: could not expire $asid"
	printf '  round %d: console y->in AM %s ms (its log %s ms); amtool start->in AM %s ms, exit %s ms\n' "$i" \
		"$(tail -1 "$work/tui_key_am")" "$(tail -1 "$work/tui_log")" "$(tail -1 "$work/am_vis")" "$(tail -1 "$work/am_wall")"
done

echo
echo "ack round trip over $rounds rounds ($(nproc) cores, loopback; amtool $("$AMTOOL" --version 2>&1 | awk 'NR==1 {print $3}')):"
"$lib" stats "console, y sent -> silence in Alertmanager (polled)" " ms" <"$work/tui_key_am"
"$lib" stats "console, its log: write start -> write done" " ms" <"$work/tui_log"
"$lib" stats "console, y sent -> its log's write done (1 ms clock)" " ms" <"$work/tui_key_done"
"$lib" stats "amtool, start -> silence in Alertmanager (polled)" " ms" <"$work/am_vis"
"$lib" stats "amtool, start -> exit (its wall time)" " ms" <"$work/am_wall"
printf 'ratio console/amtool (medians): to the silence in Alertmanager %s; console log write vs amtool wall %s\n' \
	"$("$lib" ratio "$work/tui_key_am" "$work/am_vis")" "$("$lib" ratio "$work/tui_log" "$work/am_wall")"
echo "(the console's figures include tmux send-keys; amtool's include starting the process)"
