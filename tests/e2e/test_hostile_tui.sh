#!/usr/bin/env bash
# test_hostile_tui.sh: the dashboard in tmux against a Prometheus that answers every query
# with 150,000 series, gzip-coded as a real one does (tests/stack/hostile-prom): the panels
# say "answer too large ... narrow the query", and the console stays usable meanwhile (keys,
# help, views, the clock, q). Then, on the real stack, the firing count stays with its age
# while Alertmanager hangs (SIGSTOP), instead of turning into "alerts ?".
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
plan 9
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq 9); do skip "hostile tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-hostile-$$
hp=
cleanup() {
	[[ -n ${ALERTMANAGER_PID:-} ]] && kill -CONT "$ALERTMANAGER_PID" 2>/dev/null
	[[ -n $hp ]] && kill "$hp" 2>/dev/null && wait "$hp" 2>/dev/null
	tm kill-server 2>/dev/null || true
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR
tui_server
alive() { [[ ! -f $work/rc ]]; }
clock() { screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}' | tail -1; }

"$top_srcdir/tests/stack/hostile-prom" huge --gzip --port-file "$work/hp.port" >/dev/null 2>"$work/hp.err" &
hp=$!
wait_for 120 test -s "$work/hp.port" || { echo "Bail out! hostile-prom did not start: $(cat "$work/hp.err")"; exit 1; }
purl=http://127.0.0.1:$(cat "$work/hp.port")

start 160 48 --prometheus "$purl" --alertmanager "$ALERTMANAGER_URL" --refresh 2s --no-bell
if wait_for 30 shows "answer too large"; then ok "150,000 series: the panels say 'answer too large'"; else not_ok "150,000 series: the panels say 'answer too large'" "$(dump)"; fi

# usable while every refresh brings 16 MB more of the same
keys "?"
if wait_for 10 shows "Help:" && alive; then ok "help opens while the huge answers keep coming"; else not_ok "help opens while the huge answers keep coming" "$(dump)"; fi
keys Escape
keys 2
if wait_for 10 shows "targets" && alive; then ok "the Targets view opens"; else not_ok "the Targets view opens" "$(dump)"; fi
keys 1
c0=$(clock)
sleep 3
c1=$(clock)
if [[ -n $c0 && -n $c1 && $c0 != "$c1" ]]; then ok "the clock keeps ticking ($c0 -> $c1)"; else not_ok "the clock keeps ticking" "$c0 -> $c1" "$(dump)"; fi
keys e
if wait_for 10 shows "narrow the query"; then ok "e: the details name the cap and the way out ('narrow the query')"; else not_ok "e: the details say 'narrow the query'" "$(dump)"; fi
keys Escape
if screen | head -1 | grep -q "prom"; then ok "Prometheus is not marked down for a query that says too much"; else not_ok "Prometheus is not marked down" "$(screen | head -1)"; fi
keys q
if wait_for 10 test -f "$work/rc" && [[ $(cat "$work/rc") == 0 ]]; then ok "q exits 0"; else not_ok "q exits 0" "rc=$(cat "$work/rc" 2>/dev/null)" "$(dump)"; fi

# the firing count while Alertmanager hangs
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
start 160 48 --config "$STACK_CONFIG" --refresh 1s --timeout 1s --no-bell
firing() { screen | head -1 | grep -qE '[1-9][0-9]* firing'; }
if wait_for 40 firing; then ok "the header counts firing alerts"; else not_ok "the header counts firing alerts" "$(dump)"; fi
kill -STOP "$ALERTMANAGER_PID"
stale() { screen | head -1 | grep -qE '[1-9][0-9]* firing . [0-9]+[smh] old'; }
if wait_for 20 stale && ! screen | head -1 | grep -qF "alerts ?"; then
	ok "Alertmanager hangs: the count stays, with its age ('N firing · 12s old')"
else
	not_ok "Alertmanager hangs: the count stays, with its age" "$(screen | head -1)"
fi
kill -CONT "$ALERTMANAGER_PID"
curl -sf -X POST "$ICNSIM_URL/control/reset" >/dev/null
exit $((tap_failed > 0))
