#!/usr/bin/env bash
# test_traces_tui.sh: the Traces view against the real stack (icnsim's Jaeger,
# both APIs served, so the console takes v1) at 80x24, then against an icnsim
# that serves /api/v3 only, a dead Jaeger and an HTML page: the services,
# a search (the form, Tab completing the operation), a trace's waterfall,
# folding, an error span's details, the critical path, zoom, span search, T
# from a log line to its trace and span, L from a span to its logs, sorting.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=44
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "traces tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-traces-$$
PIDS=()
cleanup() {
	tm kill-server 2>/dev/null || true
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
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
row() { screen | sed -n "${1}p"; }
status_row() { row $H; }
sel_row() { screen | grep -E '^>' | head -1; }

# failed BFT rounds: error spans in the director's traces
curl -sf -X POST "$ICNSIM_URL/control/fault/bft" >/dev/null
sleep 4

start 80 $H --config "$STACK_CONFIG" --refresh 1s
wait_for 15 shows "Dashboard"
check_screen "the header's loki and jaeger dots are up before their views are opened" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -1 | grep -q 'loki ● jaeger ●'"
keys 6
check_screen "6: the Traces view lists Jaeger's services" 10 shows "icn-super-node"
check_screen "... the view bar names the API found" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -q 'Jaeger v1'"
keys Enter
check_screen "Enter on icn-director: its traces of the last hour" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9.]+[mu]?s .* icn-director: recipe received'"
check_screen "... rows with spans and errors counted" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'icn-director: recipe' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'SPANS'"

# the form: the service is kept, Tab completes the operation from the API
keys s
check_screen "s: the search form, service filled in" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Search traces' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Service\\* *icn-director'"
keys -l 'bft.c'
keys Tab
check_screen "Tab completes the operation (bft.c -> bft.coordinate)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Operation *bft.coordinate'"
# the failing rounds only: a tag, logfmt
keys Down
keys -l 'error=true'
keys Down Down Down Down
keys C-u
keys -l 'abc'
keys Enter
check_screen "a bad limit is refused in the form, nothing searched" 5 shows "limit: a number from 1 to"
keys C-u
keys -l '5'
keys Enter
check_screen "Enter searches: the operation's failing traces (error=true), at most 5" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -q 'bft.coordinate error=true .* [1-5] found' && ! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Search traces'"
check_screen "... each with its errors counted" 5 bash -c "! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '5,$((H - 2))p' | grep 'icn-director:' | grep -Eq ' - icn-director'"
keys o
check_screen "o sorts by duration" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '${H}p' | grep -q 'sorted by duration'"
keys o o

# the waterfall of the newest
keys g Enter
check_screen "Enter opens the waterfall: the root and the time axis" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -Eq 'trace [0-9a-f]{16} .* spans' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'SPAN'"
check_screen "... the spans as a tree under the root, with durations" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '^ +[▾v] +icn-director bft.coordinate' || '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'icn-director bft\\.round'"
nrows() { screen | sed -n "5,$((H - 2))p" | grep -c 'icn-'; }
before=$(nrows)
keys g Space
check_screen "Space folds the root: one row, +N hidden" 5 bash -c "[ \$('$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '5,$((H - 2))p' | grep -c 'icn-') -eq 1 ] && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '\\+[0-9]+'"
keys Space
if wait_for 5 bash -c "[ \$('$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '5,$((H - 2))p' | grep -c 'icn-') -eq $before ]"; then ok "Space again unfolds it ($before rows)"; else not_ok "Space again unfolds it" "$(dump)"; fi
keys e
check_screen "e: the first error span is selected, marked !" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>' | grep -q '!'"
keys Enter
check_screen "Enter: the span's details, its error tag and its log event" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Span ' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'error +(true|yes)'"
keys G
check_screen "... its process tags and its logs at times from the trace's start" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq '\\+[0-9.]+[mu]?s.*(BFT|timeout|event)' || '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'hostname'"
keys Escape
keys '*'
check_screen "* highlights the critical path" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'critical path'"
keys z
check_screen "z zooms to the span" 5 shows "zoomed: 0 resets"
keys 0
check_screen "0 shows the whole trace again" 5 hides "zoomed: 0 resets"
keys /
keys -l 'p2p'
keys Enter
check_screen "/p2p finds the publish span" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>' | grep -q 'p2p.pub'"
keys y
check_screen "y copies the trace id" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '${H}p' | grep -Eq 'trace id.*(copied|clipboard)'"
keys L
check_screen "L on a span: the Logs view on the trace id, from the span's start" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -Eq '\\|= \"[0-9a-f]{32}\"'"
check_screen "... the lines of that trace" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'p2p.publish done|BFT|recipe'"

# T on a log line: its trace, the cursor on its span
keys s C-u
keys -l '{app="icn-director"} |= "BFT consensus failed"'
keys Enter
wait_for 10 shows "BFT consensus failed"
keys Up
keys T
check_screen "T on a log line: the Traces view opens its trace" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -Eq 'trace [0-9a-f]{16}'"
check_screen "... the cursor on the line's span (bft.coordinate, an error)" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^>' | grep -q 'bft.coord'"
check_screen "the header's jaeger dot is up" 5 shows "jaeger ●"
# a trace Jaeger does not have (yet), asked from a waterfall: said, never the last one shown
keys ':trace zz' Enter
check_screen ":trace with a bad id says so" 5 shows "is not a trace id"
keys ':trace 0123456789abcdef0123456789abcdef' Enter
check_screen "an unknown trace id: not found, said in the view, r to ask again" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'not found' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'r asks again'"
check_screen "... and not the waterfall shown before" 5 hides "SPAN"
keys Escape
check_screen "Esc: back to the traces found" 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 4p | grep -q 'START'"

# T on an alert that names no service: the form, service empty, the old list gone
curl -sf -X POST -H 'Content-Type: application/json' "$ALERTMANAGER_URL/api/v2/alerts" \
	-d '[{"labels":{"alertname":"AAZZTest","severity":"critical"},"annotations":{"summary":"x"}}]' >/dev/null
keys 3
wait_for 20 shows "AAZZTest"
# the alert's row (its group header comes first)
keys g
for _ in 1 2 3 4 5 6 7 8; do
	keys Enter
	wait_for 2 shows "Alert AAZZTest" && break
	keys Escape j
done
wait_for 5 shows "Alert AAZZTest"
keys T
check_screen "T on an alert naming no service: the search form, the service to choose" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'Search traces' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -Eq 'Service\\* +Tab completes'"
keys Escape
check_screen "... and the traces of the last search are not passed off as the alert's" 5 hides "bft.coordinate error=true"
keys q
wait_for 5 bash -c "! '$TMUX_BIN' -L '$sock' has-session -t '$sess' 2>/dev/null" || tm kill-session -t "$sess" 2>/dev/null

# an icnsim that serves /api/v3 only: found, and a trace opens
"$ICNSIM" --listen 127.0.0.1:0 --seed 7 --block-interval 1 --jaeger-api v3 >"$work/v3.out" 2>"$work/v3.err" &
PIDS+=($!)
wait_for 10 grep -q 'listening on' "$work/v3.out"
v3url=$(sed -n 's/^icnsim: listening on //p' "$work/v3.out")
sleep 3
start 80 $H --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --jaeger "$v3url" --refresh 1s
wait_for 15 shows "Dashboard"
keys 6
# the last service searched (kept from the session above) is searched again
check_screen "a v3-only Jaeger: found (the first row says v3), the last service searched again" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n 3p | grep -q 'icn-director .*Jaeger v3' && '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'icn-director: recipe'"
keys g Enter
check_screen "... and a trace's waterfall from OTLP JSON" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'icn-vortex vortex.generate'"
tm kill-session -t "$sess" 2>/dev/null

# a dead Jaeger: said, and the console stays responsive
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
start 80 $H --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --jaeger "http://127.0.0.1:$dead" --refresh 1s
wait_for 15 shows "Dashboard"
check_screen "a dead Jaeger: its header dot is down on the Dashboard already" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -1 | grep -q 'jaeger ✗'"
keys 6
check_screen "a dead Jaeger: the view says why (connection refused)" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -qi 'refused'"
keys 1
check_screen "... and the console still answers keys" 5 shows "Block production"
tm kill-session -t "$sess" 2>/dev/null

# an HTML page where Jaeger should be
mkdir -p "$work/html/api"
printf '<!doctype html><html><body>Sign in</body></html>\n' >"$work/html/index.html"
cp "$work/html/index.html" "$work/html/api/services"
hport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$hport" --bind 127.0.0.1 --directory "$work/html" >/dev/null 2>&1 &
PIDS+=($!)
wait_for 10 curl -sf "http://127.0.0.1:$hport/" -o /dev/null
start 80 $H --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --jaeger "http://127.0.0.1:$hport" --refresh 1s
wait_for 15 shows "Dashboard"
keys 6
check_screen "an HTML page: not a Jaeger API, said" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -qi 'not a Jaeger\\|HTML'"
# :trace from another view opens the Traces view (a trace id pasted from chat)
keys 1 ':trace 0123abcd' Enter
check_screen ":trace ID from the Dashboard: the Traces view asks for it (and says why it failed)" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'trace 0*123abcd'"
tm kill-session -t "$sess" 2>/dev/null

# broken traces: one without spans, one whose references go round
python3 "$top_srcdir/tests/jaegerstandin.py" broken "$work/broken.port" &
PIDS+=($!)
wait_for 10 test -s "$work/broken.port"
start 80 $H --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --jaeger "http://127.0.0.1:$(cat "$work/broken.port")" --refresh 1s
wait_for 15 shows "Dashboard"
keys 6
wait_for 10 shows "Jaeger v1"
keys s Up C-u
keys -l 'svc'
keys Enter
check_screen "a trace without spans is listed as one, without a 1970 start" 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E '^ +- .*\\(no spans\\)' | grep -q ."
for _ in 1 2; do
	screen | grep -E '(no spans)' | grep -q . || break
	keys Enter
	wait_for 3 shows "(no spans)" && shows "trace 0000" && break
	keys Escape j
done
keys L
check_screen "L (and any span key) on a trace without spans says so; the console lives" 5 shows "this trace has no spans"
keys Escape
for _ in 1 2 3; do
	keys g
	keys Enter
	wait_for 3 shows "alpha" && break
	keys Escape j
done
keys g Enter
check_screen "references that go round: the details say so" 5 shows "go round in a cycle"
keys Escape q
exit $((tap_failed > 0))
