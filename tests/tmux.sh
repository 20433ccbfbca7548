# tmux.sh: the console in a real terminal for the end-to-end tests (sourced after tap.sh).
# The caller sets TMUX_BIN, sock (the tmux socket name) and work (where the exit
# code lands, as $work/rc); base_env and extra_env add environment to a start.
# shellcheck shell=bash

tm() { "$TMUX_BIN" -L "$sock" "$@"; }

# A placeholder session keeps the one tmux server alive throughout (a server
# whose last session ends exits, and starting a new one on the same socket races
# with that shutdown).
tui_server() {
	tm -f /dev/null new-session -d -s keep "sleep 3600"
	nsess=0
}

# start W H ARGS...: the console in a fresh tmux session; its exit code lands in
# $work/rc, and its : history in $work/state (not the user's)
start() {
	local w=$1 h=$2
	shift 2
	rm -f "$work/rc"
	[[ $nsess -gt 0 ]] && tm kill-session -t "t$nsess" 2>/dev/null
	nsess=$((nsess + 1))
	sess=t$nsess
	tm -f /dev/null new-session -d -s "$sess" -x "$w" -y "$h" \
		"env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME='$work/state' ${base_env:-} ICN_CONSOLE_DATADIR='$ICN_CONSOLE_DATADIR' ${extra_env:-} '$ICN_CONSOLE' $* ; echo \$? > '$work/rc'; sleep 30"
}
screen() { tm capture-pane -p -t "$sess"; }
shows() { screen | grep -qF -- "$1"; }
hides() { ! screen | grep -qF -- "$1"; }
dump() { screen | sed 's/^/  | /'; }
keys() { tm send-keys -t "$sess" "$@"; }
