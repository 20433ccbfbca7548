#!/usr/bin/env bash
# test_logs_tui.sh: the Logs view (5) in tmux against icnsim alone (its Loki API):
# the history then live lines that follow, k pauses (the screen stops, "paused"
# with the new lines below), F follows again, / filters by regex and a bad one is
# said, \ excludes, text with < and & shown as it is, the title untouched, q exits 0.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=35
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "logs tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-logs-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-logs-tui.XXXXXX")
pid=
cleanup() {
	tm kill-server 2>/dev/null || true
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

"$ICNSIM" --listen 127.0.0.1:0 --log-rate 40 --block-interval 1 >"$work/sim.out" 2>"$work/sim.err" &
pid=$!
url=
for _ in $(seq 100); do
	url=$(sed -n 's|^icnsim: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/sim.out")
	[[ -n $url ]] && break
	sleep 0.1
done
[[ -n $url ]] || { echo "Bail out! icnsim did not start: $(cat "$work/sim.err")"; exit 1; }

base_env="XDG_CONFIG_HOME='$work/xdg'"
tui_server
W=120 H=30
# the rows of log lines: below the header, view bar and query line, above the
# view's status row and the status line
lines_rows() { screen | sed -n "4,$((H - 2))p"; }
last_line() { screen | sed -n "$((H - 2))p"; }
view_status() { screen | sed -n "$((H - 1))p"; }
check_screen() {
	local name=$1 t=$2
	shift 2
	if wait_for "$t" "$@"; then ok "$name"; else not_ok "$name" "$(dump)"; fi
}
exited() { [[ -f $work/rc ]]; }

start $W $H --loki "$url" --prometheus http://127.0.0.1:9 --alertmanager http://127.0.0.1:9
title0=$(tm display -p -t "$sess" '#{pane_title}')
keys 5
check_screen "5: the Logs view, live" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -q 'live'"
check_screen "the header has Loki's dot, healthy once live" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -1 | grep -q 'loki ●'"
check_screen "lines with their time and level" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 2))p' | grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (DEBUG|INFO|WARN|ERROR|CRIT)'"

# following: the newest line changes
a=$(last_line)
changed() { [[ $(last_line) != "$a" ]]; }
if wait_for 5 changed; then ok "following: the newest line changes"; else not_ok "following: the newest line changes" "$(dump)"; fi

# k pauses: the lines stop moving, and the view says how many came below
keys k
check_screen "k: paused, with the new lines below counted" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -Eq 'paused: [0-9]+ new line'"
sleep 0.5
p1=$(lines_rows)
sleep 2
p2=$(lines_rows)
if [[ $p1 == "$p2" ]]; then ok "paused: the screen stops moving"; else not_ok "paused: the screen stops moving" "$(dump)"; fi

# F follows again
keys F
b=$(last_line)
moved() { [[ $(last_line) != "$b" ]] && ! view_status | grep -q paused; }
if wait_for 5 moved; then ok "F: following again"; else not_ok "F: following again" "$(dump)"; fi

# Home and End as tmux sends them (\e[1~ \e[4~, whatever TERM=xterm-256color
# says): Home pauses at the oldest line, End follows; neither leaves the view
keys Home
in_logs_paused() { screen | sed -n 3p | grep -q 'since 15m' && view_status | grep -q paused; }
check_screen "Home: paused at the oldest line, still the Logs view" 5 in_logs_paused
keys End
in_logs_live() { screen | sed -n 3p | grep -q 'since 15m' && ! view_status | grep -q paused; }
check_screen "End: following again, still the Logs view" 5 in_logs_live

# Loki closes the tail: the view says when it tries again, then is live again
curl -sf -X POST "$url/control/loki/tail/close" >/dev/null
check_screen "tail closed: 'reconnecting in N s' and why" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -Eq 'reconnecting in [0-9]+ s  [0-9]+ lines  tail closed by Loki \(1011\)'"
check_screen "then live again" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -q 'live'"

# entries Loki dropped for a slow reader are read back, and that is said
curl -sf -X POST "$url/control/loki/tail/slow?drop=5" >/dev/null
check_screen "dropped entries: read back, and said" 10 shows "Loki dropped 5 lines"

# / filters by regex; < and & shown as they are
keys / 'queue depth <[0-9]+' Enter
only_queue() { lines_rows | grep -q . && ! lines_rows | grep -v '^ *$' | grep -vq 'queue depth'; }
check_screen "/: only lines matching the regex" 5 only_queue
check_screen "a line with < and & shown as it is" 5 shows "queue depth <16 & backlog >0"
check_screen "the query line shows the filter" 5 shows "/ queue depth <[0-9]+"

# hostile lines: an OSC title set, a colour, a bidi override, through icnsim's
# control endpoint; they show escaped and change nothing in the terminal
keys / C-u 'hostile' Enter
printf '\033]0;pwned\007\033[31mRED hostile \342\200\256 evil' |
	curl -sf -X POST --data-binary @- "$url/control/logs/line?app=hostile" >/dev/null
check_screen "a hostile line shows its escapes as ^[ and <U+202E>" 10 shows "^[]0;pwned^G^[[31mRED hostile <U+202E> evil"
t=$(tm display -p -t "$sess" '#{pane_title}')
if [[ $t == "$title0" ]]; then ok "the terminal title unchanged ('$t')"; else not_ok "the terminal title unchanged" "'$title0' -> '$t'"; fi
hostile_row() { tm capture-pane -p -e -t "$sess" | grep 'RED hostile'; }
if hostile_row | grep -q $'\033\[[0-9;]*31m'; then not_ok "the hostile line is not drawn red" "$(hostile_row | cat -v)"; else ok "the hostile line is not drawn red"; fi

# w: a long line wraps instead of ending in an ellipsis
printf 'hostile long %0300d end' 0 | curl -sf -X POST --data-binary @- "$url/control/logs/line?app=hostile" >/dev/null
cut_rows() { lines_rows | grep -q 'hostile long 0*…$'; }
check_screen "unwrapped: a long line is cut with …" 5 cut_rows
keys w
wrapped() { lines_rows | grep -q '^ *0* end *$' && ! lines_rows | grep -q '…$'; }
check_screen "w: the long line wraps, whole" 5 wrapped
# a line taller than the screen, then a short one: following, the short one
# at the bottom and the tall one's last rows above it (none left blank)
printf 'hostile tall %05000d tallend' 0 | curl -sf -X POST --data-binary @- "$url/control/logs/line?app=hostile" >/dev/null
printf 'hostile after the tall one' | curl -sf -X POST --data-binary @- "$url/control/logs/line?app=hostile" >/dev/null
tall() { lines_rows | grep -q 'hostile after the tall one' && lines_rows | grep -q '0*tallend' && [[ $(lines_rows | grep -c '^ *$') == 0 ]]; }
check_screen "w: a line taller than the screen shows its end above the next" 5 tall
keys w

# a bad regex is said, the filter stays
keys / C-u '(' Enter
check_screen "/ with a bad regex: said" 5 shows "bad regex"

# \ excludes on top of /: clear / first, then hide the debug lines
keys / C-u Enter '\' 'DEBUG|"level":"debug"' Enter
no_debug() { lines_rows | grep -q . && ! lines_rows | grep -q ' DEBUG '; }
check_screen "\\: lines matching the regex hidden" 5 no_debug

# n and N: the last / is also a search, kept when the filter is cleared
keys '\' C-u Enter / C-u 'BFT round committed' Enter / C-u Enter
keys k N p
check_screen "N: the previous line matching the last /" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '\"msg\": \"BFT round committed\"'"
keys Escape
keys g n p
check_screen "n: from the oldest line, the next one matching" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q '\"msg\": \"BFT round committed\"'"
keys Escape F

# s: a new query, Tab completing label names and values from Loki
prompt_is() { screen | tail -1 | grep -qF -- "$1"; }
keys s C-u '{a' Tab
wait_for 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'label names'" # asked
keys Tab
check_screen "s, Tab: a label name completed" 5 prompt_is 'query: {app="'
keys Tab
sleep 1
keys 'icn-d' Tab
check_screen "Tab: a label value completed" 5 prompt_is 'query: {app="icn-director"'
keys '}' Enter
# (the labels column shows the labels that differ: pod and region, not app)
only_director() { screen | sed -n 3p | grep -qF '{app="icn-director"}' && lines_rows | grep -q . && ! lines_rows | grep -v '^ *$' | grep -vq ' director-[0-9]*,'; }
check_screen "the new query: its lines alone" 10 only_director

# p: the selected line, its JSON pretty-printed in a box
keys k p
check_screen "p: the line's JSON pretty-printed" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Log line' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '│ +\"msg\": \"'"
keys Escape F

title1=$(tm display -p -t "$sess" '#{pane_title}')
keys q
wait_for 5 exited
if exited && [[ $(cat "$work/rc") == 0 && $title1 == "$title0" ]]; then ok "q: exit 0, the title untouched"; else not_ok "q: exit 0, the title untouched" "rc=$(cat "$work/rc" 2>/dev/null)" "title: '$title0' -> '$title1'"; fi

# the last query is the next session's default
start $W $H --loki "$url" --prometheus http://127.0.0.1:9 --alertmanager http://127.0.0.1:9
keys 5
check_screen "the next session starts with the last query" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{app=\"icn-director\"}'"
# a query Loki refuses is said whole in a box; the query running and its lines
# stay, and it is not the next session's default
wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '$((H - 1))p' | grep -q live"
keys s C-u '{app=' Enter
check_screen "a refused query: Loki's words whole, in a box" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Loki refused the query' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'HTTP 400'"
keys Escape
kept() { screen | sed -n 3p | grep -qF '{app="icn-director"}' && lines_rows | grep -q director && view_status | grep -q live; }
check_screen "... and the query running and its lines stay" 5 kept
keys q
wait_for 5 exited
start $W $H --loki "$url" --prometheus http://127.0.0.1:9 --alertmanager http://127.0.0.1:9
keys 5
check_screen "... and the next session starts with the last good one" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -qF '{app=\"icn-director\"}'"
keys q
wait_for 5 exited

# no Loki there at 80 columns: the whole reason, wrapped where the lines would be
start 80 24 --loki http://127.0.0.1:9 --prometheus http://127.0.0.1:9 --alertmanager http://127.0.0.1:9
keys 5
whole_reason() { screen | sed -n '4,20p' | tr -d '\n' | grep -Eq 'loki at http://127\.0\.0\.1:9: .*(refused|connect)'; }
check_screen "Loki not there, 80 columns: the reason whole in the view" 10 whole_reason
keys q
wait_for 5 exited
