#!/usr/bin/env bash
# test_jump_tui.sh: L opens the logs of what is on screen, against the real
# stack (Prometheus, Alertmanager, icnsim's Loki) at 80x24. The VRAM fault
# fires VortexOOM on a director; L on the alert opens the Logs view on that
# director's pod, from before the alert started, paused at its start, and e
# reaches its "generation failed ... out of memory" line; L on the dashboard's
# Vortex VRAM panel opens the logs of the node its value names; L on an alert
# that names no stream opens every stream and says so.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=12
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "jump tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-jump-$$
cleanup() {
	tm kill-server 2>/dev/null || true
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR
tui_server
check_screen() {
	local name=$1 t=$2
	shift 2
	if wait_for "$t" "$@"; then ok "$name"; else not_ok "$name" "$(dump)"; fi
}
H=24
view_status() { screen | sed -n "$((H - 1))p"; }

node=$(curl -sf -X POST "$ICNSIM_URL/control/fault/vram" | jq -r '.node // empty')
firing() {
	curl -sf --max-time 3 "$ALERTMANAGER_URL/api/v2/alerts" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM")] | length >= 1' >/dev/null
}
wait_for 60 firing
[[ -n $node ]] || node=$(curl -sf "$ALERTMANAGER_URL/api/v2/alerts" | jq -r '[.[] | select(.labels.alertname == "VortexOOM")][0].labels.node')
starts=$(curl -sf "$ALERTMANAGER_URL/api/v2/alerts" | jq -r '[.[] | select(.labels.alertname == "VortexOOM")][0].startsAt')

# the alert a few seconds old: its director has logged since it started
sleep 3
start 80 $H --config "$STACK_CONFIG" --refresh 1s
wait_for 15 shows "Dashboard"
keys 3
wait_for 15 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'firing +VortexOOM'"
keys j L
check_screen "L on VortexOOM: the Logs view on its director's pod" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{pod=\"$node\"}'"
check_screen "the window starts before the alert (from HH:MM:SS)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -Eq 'from [0-9]{2}:[0-9]{2}:[0-9]{2}'"
check_screen "paused at the alert's start, the lines since counted below" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -Eq 'paused: [0-9]+ new line'"
# the selected line is at or after the alert's start (startsAt, to the second)
keys p
sel_time() { screen | sed -n 's/.*│ *time *\([0-9:]*\)\..*/\1/p' | head -1; }
wait_for 5 shows "Log line"
st=$(sel_time)
want=$(date -d "$starts" +%H:%M:%S 2>/dev/null)
if [[ -n $st && -n $want && ! $st < $want ]]; then ok "the cursor on the first line at or after the start ($st >= $want)"; else not_ok "the cursor on the first line at or after the start" "selected '$st', startsAt '$want'" "$(dump)"; fi
keys Escape
# e: the next error line is the director's OOM
keys e p
check_screen "e: the next error line, the director's generation failed" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '\"msg\": \"generation failed\"'"
keys G
check_screen "... for out of memory" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '\"error\": \"vortex: out of memory\"'"
keys Escape
check_screen "only that pod's lines" 5 bash -c "! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '4,$((H - 3))p' | grep -Eq 'director-[0-9]+' || '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '4,$((H - 3))p' | grep -Eo 'director-[0-9]+' | sort -u | grep -qx '$node'"
# E goes back to an earlier error, or says there is none
keys E
check_screen "E: an earlier error line, or 'no earlier error line'" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'no earlier error line|ERROR'"
keys F
check_screen "F: following live" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -q 'live'"

# The dashboard: Vortex VRAM (second row, middle) names the fullest director
keys 1
wait_for 10 shows "Vortex VRAM"
keys j l
wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '($node)'"
keys L
check_screen "L on the Vortex VRAM panel: the logs of the node its value names" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{pod=\"$node\"}  since 15m'"
# a panel whose value names no node (a quantile over all): its panel file's logs:
keys 1 l L
check_screen "L on Vortex generation P99: its panel's logs: (icn-vortex)" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{app=\"icn-vortex\"}'"

# An alert that names no stream: every stream, and said
curl -sf -X POST -H 'Content-Type: application/json' "$ALERTMANAGER_URL/api/v2/alerts" \
	-d '[{"labels":{"alertname":"AAJumpTest","severity":"critical"},"annotations":{"summary":"x"}}]' >/dev/null
keys 3
wait_for 20 shows "AAJumpTest"
keys g
for _ in 1 2 3 4 5 6; do screen | grep -E '^.{0,3}>? *firing +AAJumpTest' >/dev/null && break; keys j; done
keys Enter
wait_for 5 shows "Alert AAJumpTest"
keys L
check_screen "L in an alert's details (naming no stream): every stream, and said" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'names a log stream'"
keys q
exit $((tap_failed > 0))
