#!/usr/bin/env bash
# test_oncall_tui.sh: the on-call flow at 80x24, keys counted. The VRAM fault
# fires VortexOOM; from the dashboard: reach the alert, acknowledge it (a
# comment typed, confirmed), open the director's logs from the alert, put the
# cursor on the OOM line, open its trace, reach the failing span's details.
# Typed text counts as one key. Prints the count; README names the keys.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=10
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "on-call flow $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-oncall-$$
cleanup() {
	tm kill-server 2>/dev/null || true
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR
tui_server
H=24
pressed=0
used=()
# press KEY...: keys the engineer presses, each counted
press() {
	for k in "$@"; do
		keys "$k"
		pressed=$((pressed + 1))
		used+=("$k")
	done
}
# type TEXT: typed text, counted as one
type_text() {
	keys -l "$1"
	pressed=$((pressed + 1))
	used+=("<$1>")
}
step() {
	local name=$1 t=$2
	shift 2
	if wait_for "$t" "$@"; then ok "$name (after $pressed keys)"; else not_ok "$name" "$(dump)"; fi
}
cap() { "$TMUX_BIN" -L "$sock" capture-pane -p -t "$sess"; }
export -f cap 2>/dev/null || true

node=$(curl -sf -X POST "$ICNSIM_URL/control/fault/vram" | jq -r '.node // empty')
firing() {
	curl -sf --max-time 3 "$ALERTMANAGER_URL/api/v2/alerts" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM" and .status.state == "active")] | length >= 1' >/dev/null
}
wait_for 60 firing
sleep 3
start 80 $H --config "$STACK_CONFIG" --refresh 1s
wait_for 15 shows "Dashboard"
# the dashboard shows the firing count; 3 is the Alerts view
wait_for 15 shows "VortexOOM" || wait_for 15 shows "firing"

press 3
step "3: the Alerts view lists VortexOOM" 15 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'firing +VortexOOM'"
# the cursor is on VortexOOM's group (one alert): a and L act on it
press a
step "a: the acknowledgement form, the comment to write" 5 shows "Comment"
type_text "looking at OOM on $node"
press Enter Enter
step "Enter, Enter: the confirmation names the context" 5 shows "Acknowledge 1 alert in demo"
press y
step "acknowledged: a silence with the comment (Alertmanager has it)" 15 bash -c "curl -sf '$ALERTMANAGER_URL/api/v2/silences' | jq -e '[.[] | select(.status.state == \"active\" and (.comment | startswith(\"looking at OOM\")))] | length >= 1' >/dev/null"
press L
step "L: the director's logs from before the alert" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{pod=\"$node\"}'"
press e
step "e: the cursor on the OOM line" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>|generation failed' | grep -q 'generation failed'"
press T
step "T: its trace, the cursor on the line's span" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -Eq 'trace [0-9a-f]{16}' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -qE '^>'"
# the failing span: the line's own if it failed, else the next error span
cap | grep -E '^>' | grep -q '!' || press e
step "the failing span selected (vortex.generate, marked !)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>' | grep -q 'vortex.gen' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>' | grep -q '!'"
press Enter
step "Enter: the failing span's details (CUDA out of memory)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Span ' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'out of memory'"
echo "# on-call flow: $pressed keys at 80x24: ${used[*]}"
if ((pressed <= 12)); then ok "the whole flow in $pressed keys (aim: at most 12)"; else not_ok "the whole flow in $pressed keys (aim: at most 12)" "${used[*]}"; fi
keys q
exit $((tap_failed > 0))
