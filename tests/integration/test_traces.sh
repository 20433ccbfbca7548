#!/usr/bin/env bash
# test_traces.sh: icn-console traces and trace against icnsim's Jaeger, in both
# API modes (--jaeger-api v1, then v3): the API found, searches by service,
# operation, tag and duration, the JSON fields and tree order, a trace opened
# from a log line's trace_id, the critical path and the error spans of a BFT
# failure, the 10,000-span trace; then the failures: not found, a dead backend,
# a web page, a peer that is not HTTP, hostile names, and the usage errors.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 67
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-traces.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
unset JAEGER_URL PROMETHEUS_URL ALERTMANAGER_URL LOKI_ADDR
export XDG_CONFIG_HOME=$work/noconfig # no config file of the user's

if ! command -v jq >/dev/null || ! command -v python3 >/dev/null || ! command -v curl >/dev/null; then
	echo "Bail out! needs jq, python3 and curl"
	exit 1
fi

# sim MODE: icnsim serving Jaeger's MODE API; sets url and sim_pid
sim() {
	"$ICNSIM" --listen 127.0.0.1:0 --seed 7 --block-interval 1 --jaeger-api "$1" >"$work/sim-$1.out" 2>"$work/sim-$1.err" &
	sim_pid=$!
	pids+=("$sim_pid")
	url=
	for _ in $(seq 100); do
		url=$(sed -n 's|^icnsim: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/sim-$1.out")
		[[ -n $url ]] && return 0
		sleep 0.1
	done
	echo "Bail out! icnsim --jaeger-api $1 did not start: $(cat "$work/sim-$1.err")"
	exit 1
}

# standin MODE: tests/jaegerstandin.py MODE; sets sport
standin() {
	rm -f "$work/port-$1"
	python3 "$top_srcdir/tests/jaegerstandin.py" "$1" "$work/port-$1" &
	pids+=("$!")
	for _ in $(seq 100); do
		[[ -s $work/port-$1 ]] && break
		sleep 0.1
	done
	sport=$(cat "$work/port-$1" 2>/dev/null)
}

# ic ARGS...: icn-console against $url; stdout to $work/out, stderr to $work/err, status in rc
ic() {
	"$ICN_CONSOLE" --jaeger "$url" "$@" >"$work/out" 2>"$work/err"
	rc=$?
}

# expect NAME STATUS JQ: ic's status and a jq -e test of its stdout
expect_json() {
	local name=$1 want=$2 filter=$3
	shift 3
	if [[ $rc == "$want" ]] && jq -e "$@" "$filter" "$work/out" >/dev/null 2>&1; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc (want $want)" "$(head -c 600 "$work/out")" "$(head -c 600 "$work/err")"
	fi
}

# expect_err NAME STATUS PATTERN: ic's status and an extended regexp on its stderr
expect_err() {
	if [[ $rc == "$2" ]] && grep -Eq -- "$3" "$work/err"; then
		ok "$1"
	else
		not_ok "$1" "rc=$rc (want $2)" "stderr: $(head -c 600 "$work/err")"
	fi
}

# newest_line LOGQL SECONDS: the newest line for LOGQL in icnsim's Loki, into $work/line
newest_line() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		curl -sf -G "$url/loki/api/v1/query_range" --data-urlencode "query=$1" --data-urlencode limit=1 \
			>"$work/line.q" 2>/dev/null &&
			jq -e -r '.data.result[0].values[0][1]' "$work/line.q" >"$work/line" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# is_tree_order FILE: every span follows its parent, depth first (a preorder)
is_tree_order() {
	python3 - "$1" <<'PY'
import json, sys
spans = json.load(open(sys.argv[1]))["spans"]
stack = []
for s in spans:
    p = s["parentSpanID"]
    while stack and stack[-1] != p:
        stack.pop()
    if p is not None and not stack:
        sys.exit(f"{s['spanID']} is not under its parent {p}")
    stack.append(s["spanID"])
PY
}

for mode in v1 v3; do
	sim "$mode"

	# a search by service: the API found by itself, the JSON rows
	ic traces --service icn-director --limit 5 --output json
	expect_json "$mode: traces --service: 5 rows with every field" 0 \
		'length == 5 and all(.[]; (keys | sort) == ["duration", "errors", "rootOperation", "rootService", "services", "spans", "startTime", "traceID"]
			and (.traceID | test("^[0-9a-f]{16,32}$")) and .spans >= 1 and .duration > 0)'
	expect_json "$mode: the services of each trace: icnsim's three, the root a director's" 0 \
		'all(.[]; .services == ["icn-director", "icn-super-node", "icn-vortex"] and .rootService == "icn-director" and .rootOperation == "recipe received")'

	ic traces --service icn-director --limit 5
	if [[ $rc == 0 ]] && [[ $(head -1 "$work/out") == START* ]] && [[ $(wc -l <"$work/out") == 6 ]] &&
		[[ $(awk 'NR > 1 && $NF ~ /^[0-9a-f]+$/ && length($NF) >= 16 && /icn-director: recipe received/' "$work/out" | wc -l) == 5 ]]; then
		ok "$mode: text rows: a heading, the root, the trace id last"
	else
		not_ok "$mode: text rows" "rc=$rc" "$(cat "$work/out" "$work/err")"
	fi

	# by operation and tag: each trace found holds a bft.round span of director-3
	ic traces --service icn-director --operation bft.round --tag node=director-3 --limit 3 --output json
	expect_json "$mode: --operation bft.round --tag node=director-3: 3 traces" 0 'length == 3'
	good=0
	for id in $(jq -r '.[].traceID' "$work/out"); do
		"$ICN_CONSOLE" --jaeger "$url" trace "$id" --output json >"$work/t.json" 2>/dev/null &&
			jq -e 'any(.spans[]; .operation == "bft.round" and .tags.node == "director-3")' "$work/t.json" >/dev/null &&
			good=$((good + 1))
	done
	if [[ $good == 3 ]]; then ok "$mode: each of them holds a bft.round span tagged node=director-3"; else not_ok "$mode: the tag search's traces" "$good of 3"; fi

	ic traces --service icn-director --min-duration 1s --max-duration 1h --output json
	expect_json "$mode: --min-duration 1s: every trace lasts at least 1 s" 0 'length >= 1 and all(.[]; .duration >= 1000000)'
	ic traces --service icn-director --min-duration 1h
	expect_err "$mode: nothing that long: exit 1, no traces found, named" 1 "jaeger: no traces found \(service 'icn-director', the last 1h\)"

	# the trace of a log line
	if newest_line '{app="icn-vortex"}' 5; then
		tid=$(jq -r .trace_id "$work/line")
		sid=$(jq -r .span_id "$work/line")
		ic trace "$tid" --output json
		expect_json "$mode: trace of a log line's trace_id: that trace, 10 spans, the line's span_id" 0 \
			'.traceID == $t and (.spans | length) == 10 and any(.spans[]; .spanID == $s and .operation == "vortex.generate" and .service == "icn-vortex")' \
			--arg t "$tid" --arg s "$sid"
		expect_json "$mode: trace json: exactly the keys asked for, times in µs" 0 \
			'(keys | sort) == ["spans", "traceID"] and all(.spans[];
				(keys | sort) == ["critical", "duration", "error", "operation", "parentSpanID", "service", "spanID", "startTime", "tags"]
				and (.startTime | type) == "number" and .startTime > 1000000000000000 and (.tags | type) == "object")'
		expect_json "$mode: the root first, its parent null, on the critical path" 0 \
			'.spans[0].parentSpanID == null and .spans[0].operation == "recipe received" and .spans[0].critical == true and ([.spans[] | select(.parentSpanID == null)] | length) == 1'
		if is_tree_order "$work/out" 2>"$work/order.err"; then ok "$mode: spans in tree order (depth first)"; else not_ok "$mode: tree order" "$(cat "$work/order.err")"; fi
		expect_json "$mode: tags typed: slot an integer" 0 'any(.spans[]; (.tags.slot | type) == "number")'

		ic trace "$tid"
		rows=$(grep -c '|$' "$work/out")
		if [[ $rc == 0 && $rows == 11 ]] && [[ $(head -1 "$work/out") == "trace $tid" ]] && grep -q "^[0-9.]*s, 10 spans, 3 services, 0 errors, started " "$work/out" &&
			grep -Eq '^\* +recipe received +icn-director +0us ' "$work/out" &&
			grep -Eq '^\*  +vortex\.generate +icn-vortex ' "$work/out" &&
			[[ $(awk 'length > 120' "$work/out" | wc -l) == 0 ]]; then
			ok "$mode: the waterfall: heading, 10 rows indented, the root marked *, 120 columns in a pipe"
		else
			not_ok "$mode: the waterfall" "rc=$rc rows=$rows" "$(cat "$work/out" "$work/err")"
		fi
		bar=$(grep -E '^\* +recipe received' "$work/out" | sed 's/.*|\(.*\)|$/\1/')
		if [[ $bar =~ ^#+$ ]]; then ok "$mode: the root's bar spans the whole axis"; else not_ok "$mode: the root's bar" "[$bar]"; fi
	else
		for n in 1 2 3 4 5 6 7; do not_ok "$mode: a vortex log line ($n)" "none in 5 s"; done
	fi

	# a BFT failure: its error spans marked
	curl -sf -X POST "$url/control/fault/bft?node=director-2" >/dev/null
	if newest_line '{app="icn-director"} |= "BFT consensus failed"' 10; then
		bt=$(jq -r .trace_id "$work/line")
		ic trace "$bt" --output json
		expect_json "$mode: a failed round: bft.coordinate and director-2's bft.round are errors, nothing else" 0 \
			'[.spans[] | select(.error)] | length == 2 and (map(.operation) | sort) == ["bft.coordinate", "bft.round"]
				and any(.[]; .tags.node == "director-2")'
		ic trace "$bt"
		if [[ $rc == 0 ]] && [[ $(grep -Ec '^.! ' "$work/out") == 2 ]] && grep -q ", 2 errors," "$work/out"; then
			ok "$mode: the waterfall marks the two error spans with !"
		else
			not_ok "$mode: error marks" "$(cat "$work/out")"
		fi
		ic traces --service icn-director --tag error=true --lookback 5m --output json
		expect_json "$mode: --tag error=true finds the failed trace, its errors counted" 0 \
			'any(.[]; .traceID == $t and .errors == 2)' --arg t "$bt"
	else
		for n in 1 2 3; do not_ok "$mode: a BFT failure line ($n)" "none in 10 s"; done
	fi
	curl -sf -X POST "$url/control/reset" >/dev/null

	# the 10,000-span trace
	curl -sf -X POST "$url/control/fault/bigtrace" >/dev/null
	if newest_line '{app="icn-director"} |= "retry storm"' 10; then
		curl -sf -X DELETE "$url/control/fault/bigtrace" >/dev/null
		gt=$(jq -r .trace_id "$work/line")
		ic trace "$gt" --output json
		expect_json "$mode: bigtrace: 10,000 spans in JSON, one root, tree order" 0 \
			'(.spans | length) == 10000 and ([.spans[] | select(.parentSpanID == null)] | length) == 1'
		ic trace "$gt"
		if [[ $rc == 0 && $(grep -c '|$' "$work/out") == 10001 ]] && grep -q "10000 spans" "$work/out"; then
			ok "$mode: bigtrace: the waterfall prints 10,000 rows"
		else
			not_ok "$mode: bigtrace waterfall" "rc=$rc rows=$(grep -c '|$' "$work/out")" "$(head -c 400 "$work/err")"
		fi
	else
		for n in 1 2; do not_ok "$mode: a retry storm line ($n)" "none in 10 s"; done
	fi

	# not found
	ic trace 0123456789abcdef0123456789abcdef
	expect_err "$mode: an unknown trace: exit 1, jaeger: trace ... not found" 1 \
		"^icn-console: jaeger: trace 0123456789abcdef0123456789abcdef not found$"
	ic trace ABC
	expect_err "$mode: a short id is padded as Jaeger does (0000000000000abc), and not found" 1 \
		"jaeger: trace 0000000000000abc not found"

	kill "$sim_pid" 2>/dev/null
	wait "$sim_pid" 2>/dev/null
done

# a dead backend: connection refused, at once
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
start=$(date +%s%N)
ic traces --service icn-director
ms=$((($(date +%s%N) - start) / 1000000))
expect_err "a dead Jaeger: exit 1, connection refused" 1 "^icn-console: jaeger: connection refused"
if ((ms < 5000)); then ok "... and at once (${ms} ms; a hang bound)"; else not_ok "a dead Jaeger answers at once" "${ms} ms"; fi
ic trace 4bf92f3577b34da6a3ce929d0e0e4736
expect_err "trace on a dead Jaeger: exit 1, connection refused" 1 "jaeger: connection refused"

# a web page where Jaeger should be
standin html
url=http://127.0.0.1:$sport
ic traces --service icn-director
expect_err "a web page: exit 1, neither API, an HTML page, the URL" 1 \
	"jaeger at http://127\.0\.0\.1:$sport answers neither the v1 API \(/api/services: .*HTML.*\) nor /api/v3 \(/api/v3/services: .*HTML"
ic trace 4bf92f3577b34da6a3ce929d0e0e4736 --output json
if [[ $rc == 1 && ! -s $work/out ]] && grep -q "answers neither" "$work/err"; then ok "a web page: trace --output json prints nothing, exit 1"; else not_ok "a web page, trace json" "rc=$rc" "$(cat "$work/out" "$work/err")"; fi

# a Jaeger that never answers: the timeout, said
standin hang
url=http://127.0.0.1:$sport
ic --timeout 500ms trace 4bf92f3577b34da6a3ce929d0e0e4736
expect_err "a Jaeger that never answers: exit 1 after --timeout, said" 1 "^icn-console: jaeger: timed out after 500 ms"

# a peer that does not speak HTTP
standin nothttp
url=http://127.0.0.1:$sport
ic traces --service icn-director
expect_err "a peer that is not HTTP: exit 1, said so" 1 "^icn-console: jaeger: not an HTTP answer"

# hostile names: nothing of them reaches the terminal but printable text
standin hostile
url=http://127.0.0.1:$sport
hostile_ok() {
	local f=$1
	# no C0 control but the newline, no DEL, no C1 (raw or as UTF-8), no bidi override
	! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$f" && ! LC_ALL=C.UTF-8 grep -qP '[\x{80}-\x{9f}\x{202e}]' "$f"
}
ic trace 00000000000000000000000000000bad
if [[ $rc == 0 ]] && hostile_ok "$work/out" && hostile_ok "$work/err" && grep -q "red" "$work/out" && [[ $(grep -c '|$' "$work/out") == 3 ]]; then
	ok "hostile operation, service and tags: the waterfall shows them harmless"
else
	not_ok "hostile names in the waterfall" "rc=$rc" "$(od -c "$work/out" | head -20)"
fi
ic traces --service "svc"
if [[ $rc == 0 ]] && hostile_ok "$work/out" && [[ $(wc -l <"$work/out") == 2 ]]; then ok "hostile names in search rows: harmless"; else not_ok "hostile search rows" "rc=$rc" "$(od -c "$work/out" | head -20)"; fi
ic trace 00000000000000000000000000000bad --output json
expect_json "hostile names in JSON: exact, escaped, ASCII" 0 \
	'.spans[0].operation == "\u001b[2J\u001b]0;pwned\u0007red\u001b[31m op\r\n\u009b31m\u202eevil" and .spans[1].error == true and .spans[1].critical == true'
if hostile_ok "$work/out"; then ok "hostile names in JSON: no raw control byte"; else not_ok "raw control bytes in JSON"; fi
# on a terminal (a pty of 90 columns): the waterfall fits it, its bars are
# UTF-8 blocks, and the hostile names are still harmless
if command -v script >/dev/null; then
	LC_ALL=C.UTF-8 script -qec "stty cols 90 rows 40; '$ICN_CONSOLE' --jaeger '$url' trace 00000000000000000000000000000bad" \
		/dev/null >"$work/tty" 2>&1
	rc=$?
	if [[ $rc == 0 ]] && python3 - "$work/tty" <<'PY'; then
import sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
lines = text.replace("\r\n", "\n").split("\n")
bad = [c for c in text if (ord(c) < 32 and c not in "\r\n") or 0x7f <= ord(c) <= 0x9f or c == "\u202e"]
rows = [l for l in lines if l.endswith("|")]
sys.exit(bool(bad) or max(len(l) for l in lines) != 90 or len(rows) != 3 or "\u2588" not in rows[1])
PY
		ok "on a 90-column terminal: the waterfall fits, bars in UTF-8 blocks, names harmless"
	else
		not_ok "on a 90-column terminal" "rc=$rc" "$(cat -A "$work/tty" | head -12)"
	fi
else
	skip "on a 90-column terminal" "no script(1)"
fi

# usage errors: exit 2, said
url=http://127.0.0.1:1
ic traces
expect_err "traces without --service: exit 2" 2 "traces needs --service NAME"
ic trace
expect_err "trace without an id: exit 2" 2 "trace needs"
ic trace xyz-not-hex
expect_err "trace with a bad id: exit 2" 2 "'xyz-not-hex' is not a trace id"
ic traces --service a --tag novalue
expect_err "--tag without =: exit 2" 2 "--tag 'novalue': write KEY=VALUE"
ic traces --service a --min-duration fast
expect_err "--min-duration fast: exit 2" 2 "--min-duration: 'fast' is not a valid duration"
ic traces --service a --min-duration 2s --max-duration 1s
expect_err "--max-duration under --min-duration: exit 2" 2 "shorter than --min-duration"
ic traces --service a --limit 0
expect_err "--limit 0: exit 2" 2 "--limit: '0' is not a valid trace count: use 1 to 1500"
ic traces --service a --lookback forever
expect_err "--lookback forever: exit 2" 2 "--lookback: 'forever'"
ic trace abc --output yaml
expect_err "--output yaml: exit 2" 2 "--output must be text or json"
ic trace abc --service x
expect_err "trace takes no --service: exit 2" 2 "'trace' takes no option '--service'"
"$ICN_CONSOLE" trace abc >"$work/out" 2>"$work/err"
rc=$?
expect_err "no Jaeger URL: exit 2, naming how to set it" 2 "no Jaeger URL for context 'default': set 'jaeger:' in .*, JAEGER_URL, or --jaeger"
JAEGER_URL=http://127.0.0.1:1 "$ICN_CONSOLE" trace abc >"$work/out" 2>"$work/err"
rc=$?
expect_err "JAEGER_URL is the Jaeger URL too" 1 "jaeger: connection refused"
"$ICN_CONSOLE" --help >"$work/out" 2>&1
if grep -q "traces --service S" "$work/out" && grep -q "trace TRACE_ID" "$work/out"; then ok "--help names traces and trace"; else not_ok "--help"; fi

exit $((tap_failed > 0))
