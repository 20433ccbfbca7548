#!/usr/bin/env bash
# test_chrome_tui.sh: the console's chrome in tmux, against a Prometheus that is
# not there (no stack needed): cuts that say so, text boxes that say they scroll,
# the details of a long query, y copying it (OSC 52), h/l at the grid's edges,
# the : line's completion and history, Ctrl-C, TERM=dumb, a terminal without an
# alternate screen, and an unknown theme.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=22
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "chrome $i" "tmux not installed"; done
	exit 0
fi
sock=icn-chrome-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-chrome.XXXXXX")
cleanup() {
	tm kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
base_env="XDG_CONFIG_HOME='$work/xdg'"
dead=http://127.0.0.1:1
tui_server
# applications may set tmux's clipboard (OSC 52), as a user's tmux.conf would say
tm set -g set-clipboard on

# check_screen NAME SECONDS CMD...: ok when CMD succeeds within SECONDS, else the screen
check_screen() {
	local name=$1 t=$2
	shift 2
	if wait_for "$t" "$@"; then ok "$name"; else not_ok "$name" "$(dump)"; fi
}
row() { screen | sed -n "$1p"; }
exited() { [[ -f $work/rc ]]; }
rc_is() { exited && [[ $(cat "$work/rc") == "$1" ]]; }
# quit, and wait for the exit code, so it cannot land after the next start
quit() { keys q; wait_for 5 exited; }

# ---- cuts say so ----
start 80 24 --prometheus "$dead"
check_screen "a panel's error cut to fit ends in an ellipsis" 10 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '! prometheus: conn[a-z]*…'"
keys ':' "ctx a-context-name-long-enough-that-the-message-about-it-cannot-fit-in-eighty-columns" Enter
check_screen "a status message cut to fit ends in an ellipsis" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | tail -1 | grep -q '…'"

# ---- text boxes say that they scroll ----
keys '?'
check_screen "help at 80x24 says there is more below" 5 shows "more below (j/PgDn)"
keys G
check_screen "help scrolled to its end shows the last command and says so" 5 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq ':q +quit' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'end; more above'"
keys Escape

# ---- h/l stop at the edges ----
keys h e
check_screen "h at the left edge keeps the focus (no wrap to the last panel)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'Time since last block'"
keys Escape l l l l l l e
check_screen "l past the right edge stops at the row's last panel" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'BFT failures (5m)'"
keys Escape

# ---- the : line: completion and history ----
keys ':' 'th' Tab
check_screen ": Tab completes a command" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | tail -1 | grep -q '^:theme *\$'"
keys Tab
check_screen ": Tab after :theme lists the themes" 5 shows "dark  high-contrast  light  monochrome"
keys 'l' Tab Enter
check_screen ":theme l + Tab + Enter switches to light" 5 shows "theme light"
keys ':' 'range 6h' Enter ':' Up
check_screen ": Up recalls the last command" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | tail -1 | grep -q '^:range 6h'"
keys Up
check_screen ": Up again, the one before" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | tail -1 | grep -q '^:theme light'"
keys Escape

# ---- Ctrl-C ----
keys C-c
if wait_for 5 exited && rc_is 130; then ok "Ctrl-C quits with exit 130"; else not_ok "Ctrl-C quits with exit 130" "rc=$(cat "$work/rc" 2>/dev/null)" "$(dump)"; fi

# ---- the details of a long query, and y ----
mkdir -p "$work/xdg"
query='sum by (node, region) (rate(icn_vortex_generation_time_seconds_count{job="icn", region=~"eu-.*"}[5m]))'
cat >"$work/long.yaml" <<YAML
title: Long
panels:
  - title: Long query
    type: stat
    query: |
      $query
        / on (node) group_left(region) sum by (node) (rate(icn_vortex_generation_time_seconds_bucket{le="+Inf"}[5m]))
        > bool 0.5 unless on (node) icn_p2p_connected_peers < 3 or vector(0) and on() hour() > 25
        or label_replace(vector(1), "a", "b", "c", "d") or label_replace(vector(1), "e", "f", "g", "h")
        or label_replace(vector(1), "i", "j", "k", "l") or label_replace(vector(1), "m", "n", "o", "p")
        or label_replace(vector(1), "q", "r", "s", "t") or label_replace(vector(1), "u", "v", "w", "x")
        or absent(nothing_at_all_here) or absent(nor_here) or absent(and_certainly_not_here) LASTWORD
    unit: seconds
    description: A panel whose query does not fit in a box of 24 lines, to read it whole.
  - title: Second
    type: stat
    query: up
YAML
start 80 24 --prometheus "$dead" --dashboard "$work/long.yaml"
if [[ $(tail -1 "$work/state/icn-console/history" 2>/dev/null) == "range 6h" ]]; then ok "the : lines are kept in \$XDG_STATE_HOME/icn-console/history"; else not_ok "the : lines are kept in \$XDG_STATE_HOME/icn-console/history" "$(cat "$work/state/icn-console/history" 2>&1)"; fi
wait_for 5 shows "Long query"
keys ':' Up
check_screen ": Up in a new session recalls the last session's command" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | tail -1 | grep -q '^:range 6h'"
keys Escape e
check_screen "e on a long query: the box says there is more below" 5 shows "more below (j/PgDn)"
keys G
check_screen "e: scrolled down, the query's end can be read" 5 shows "LASTWORD"
keys Escape
tm delete-buffer 2>/dev/null
keys y
check_screen "y says the query was copied, with its size" 5 shows "query copied ("
if [[ $(tm show-buffer 2>/dev/null | head -1) == "$query" ]]; then ok "y: tmux's clipboard holds the query (OSC 52)"; else not_ok "y: tmux's clipboard holds the query (OSC 52)" "buffer: $(tm show-buffer 2>&1 | head -3)"; fi
quit

tm delete-buffer 2>/dev/null
start 80 24 --prometheus "$dead" --no-clipboard
sleep 1
keys y
check_screen "--no-clipboard: y says the clipboard is off, copies nothing" 5 bash -c \
	"'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'clipboard is off' && ! '$TMUX_BIN' -L '$sock' show-buffer >/dev/null 2>&1"
quit

# ---- terminals ----
extra_env="TERM=dumb" start 80 24 --prometheus "$dead"
if wait_for 5 exited && rc_is 2 && shows "cannot run the interactive console; use" && shows "once"; then
	ok "TERM=dumb: refused, exit 2, pointing to --once"
else
	not_ok "TERM=dumb: refused, exit 2, pointing to --once" "rc=$(cat "$work/rc" 2>/dev/null)" "$(dump)"
fi
# vt100 has no alternate screen: what was drawn would stay above the shell's prompt
extra_env="TERM=vt100" start 80 24 --prometheus "$dead"
wait_for 5 shows "Dashboard"
keys q
if wait_for 5 exited && rc_is 0 && hides "Dashboard" && hides "prometheus"; then
	ok "no alternate screen (vt100): the screen is cleared on exit"
else
	not_ok "no alternate screen (vt100): the screen is cleared on exit" "$(dump)"
fi

# ---- an unknown theme warns and goes on ----
start 80 24 --prometheus "$dead" --theme nosuch
check_screen "an unknown theme: the console runs and says it uses dark" 5 shows "unknown theme 'nosuch'"
quit
exit 0
