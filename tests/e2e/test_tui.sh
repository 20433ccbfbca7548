#!/usr/bin/env bash
# test_tui.sh: the real binary in a real terminal (tmux) against the real stack:
# titles at 80x24 and 160x48, resizes, help, zoom, views, the command line, a dead
# backend that does not freeze the keys, and q restoring the terminal with exit 0.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
plan 20
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq 20); do skip "tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-$$
cleanup() {
	tm kill-server 2>/dev/null || true
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR

tui_server
titles=("Time since last block" "Block production rate" "BFT failures (5m)" "P2P connected peers"
	"Vortex VRAM" "Vortex generation P99" "BFT round P99" "Stake by region" "Slashing events (24h)")
all_titles() {
	local title s
	s=$(screen)
	for title in "${titles[@]}"; do grep -qF -- "$title" <<<"$s" || return 1; done
}
# values, not placeholders: no panel still waiting for its first answer
all_loaded() { all_titles && ! screen | grep -qE 'waiting|loading'; }
alive() { [[ ! -f $work/rc ]]; }

start 80 24 --config "$STACK_CONFIG" --refresh 1s
if wait_for 20 all_loaded; then ok "80x24: every panel title and value shows"; else not_ok "80x24: every panel title and value shows" "$(dump)"; fi
if screen | head -1 | grep -q "demo" && screen | head -1 | grep -Eq "prom"; then ok "header: context and backend health"; else not_ok "header: context and backend health" "$(dump)"; fi

# The state in words, not colour alone, even where titles fill the panel width.
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
if wait_for 20 shows "CRIT" && all_titles; then ok "80x24: a VRAM fault shows CRIT in words, titles intact"; else not_ok "80x24: a VRAM fault shows CRIT in words, titles intact" "$(dump)"; fi
curl -sf -X POST "$ICNSIM_URL/control/reset" >/dev/null

tm resize-window -t "$sess" -x 160 -y 48
if wait_for 10 all_titles; then ok "160x48: every panel title shows"; else not_ok "160x48: every panel title shows" "$(dump)"; fi

tm resize-window -t "$sess" -x 60 -y 20
sleep 1
if alive && shows "ICN"; then ok "resized to 60x20: still running and drawing"; else not_ok "resized to 60x20: still running and drawing" "$(dump)"; fi
tm resize-window -t "$sess" -x 80 -y 24
if wait_for 10 all_titles; then ok "back to 80x24: every title shows again"; else not_ok "back to 80x24: every title shows again" "$(dump)"; fi

tm send-keys -t "$sess" '?'
if wait_for 5 shows "Help: keys"; then ok "? opens the help"; else not_ok "? opens the help" "$(dump)"; fi
tm send-keys -t "$sess" Escape
if wait_for 5 bash -c "! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -qF 'Help: keys'"; then ok "Esc closes the help"; else not_ok "Esc closes the help" "$(dump)"; fi

tm send-keys -t "$sess" Enter
if wait_for 5 shows "[range 1h]"; then ok "Enter zooms the focused panel"; else not_ok "Enter zooms the focused panel" "$(dump)"; fi
tm send-keys -t "$sess" ']'
if wait_for 5 shows "[range 6h]"; then ok "] lengthens the zoomed range"; else not_ok "] lengthens the zoomed range" "$(dump)"; fi
tm send-keys -t "$sess" Escape

tm send-keys -t "$sess" 2
if wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'up +icn '"; then ok "2: the Targets view lists the icn job up"; else not_ok "2: the Targets view lists the icn job up" "$(dump)"; fi
tm send-keys -t "$sess" 1
tm send-keys -t "$sess" ':' 'range 30m' Enter
if wait_for 5 shows "range 30m"; then ok ":range 30m changes the range"; else not_ok ":range 30m changes the range" "$(dump)"; fi

tm send-keys -t "$sess" q
if wait_for 5 test -f "$work/rc" && [[ $(cat "$work/rc") == 0 ]]; then ok "q quits with exit 0"; else not_ok "q quits with exit 0" "rc=$(cat "$work/rc" 2>/dev/null)" "$(dump)"; fi

# Terminals without UTF-8, with 8 colours, or with colours refused.
start 80 24 --config "$STACK_CONFIG" --ascii
if wait_for 15 all_loaded && ! screen | LC_ALL=C grep -q '[^ -~]'; then ok "--ascii: every title, and nothing but ASCII on the screen"; else not_ok "--ascii: every title, and nothing but ASCII on the screen" "$(dump)"; fi
extra_env="TERM=xterm" start 100 30 --config "$STACK_CONFIG" --charts block
if wait_for 15 all_loaded; then ok "8-colour terminal with block charts: every title and value"; else not_ok "8-colour terminal with block charts: every title and value" "$(dump)"; fi
if tm capture-pane -e -p -t "$sess" | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*38;5'; then ok "colours are drawn on an 8-colour terminal"; else not_ok "colours are drawn on an 8-colour terminal"; fi
if infocmp xterm-16color >/dev/null 2>&1; then
	extra_env="TERM=xterm-16color" start 100 30 --config "$STACK_CONFIG"
	if wait_for 15 all_loaded && tm capture-pane -e -p -t "$sess" | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*9[0-7]m\|\e\\[[0-9;]*38;5'; then ok "16-colour terminal: every title and value, in colour"; else not_ok "16-colour terminal: every title and value, in colour" "$(dump)"; fi
else
	skip "16-colour terminal" "no xterm-16color terminfo (package ncurses-term)"
fi
extra_env="NO_COLOR=1" start 100 30 --config "$STACK_CONFIG"
wait_for 15 all_loaded
if ! tm capture-pane -e -p -t "$sess" | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*38;5\|\e\\[[0-9;]*4[0-7]m\|\e\\[[0-9;]*48;5'; then ok "NO_COLOR: no colour on the screen"; else not_ok "NO_COLOR: no colour on the screen" "$(tm capture-pane -e -p -t "$sess" | head -3 | cat -v)"; fi

# A Prometheus that hangs (SIGSTOP: connections open, no answer) must not freeze
# the keys, and the header must say it is down once requests time out.
start 100 30 --prometheus "$PROMETHEUS_URL" --refresh 1s
wait_for 15 all_loaded
kill -STOP "$PROMETHEUS_PID"
tm send-keys -t "$sess" '?'
if wait_for 3 shows "Help: keys"; then ok "a hung Prometheus does not freeze the keys"; else not_ok "a hung Prometheus does not freeze the keys" "$(dump)"; fi
tm send-keys -t "$sess" Escape
if wait_for 15 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -1 | grep -q 'down'"; then ok "a hung Prometheus shows as down in the header"; else not_ok "a hung Prometheus shows as down in the header" "$(dump)"; fi
kill -CONT "$PROMETHEUS_PID"
tm send-keys -t "$sess" q
exit 0
