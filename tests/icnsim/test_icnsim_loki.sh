#!/bin/sh
# test_icnsim_loki.sh: icnsim's Loki API end to end (TAP): query_range (shape, matchers, line
# filters, limit, direction, start/end, categorize-labels, escaping, 400s), labels and label
# values, ICN log content (BFT fault, determinism), log controls, and the websocket tail
# (backfill, live entries, pings, <= 100 entries per frame, close 1011, 1006, dropped_entries).
set -u

ICNSIM=${ICNSIM:-./icnsim}
WSCLIENT=${WSCLIENT:-${top_srcdir:-.}/tests/icnsim/wsclient.py}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_icnsim_loki.XXXXXX") || exit 99
KEEP=${KEEP:-}
PIDS=
n=0
failed=0

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	[ -n "$KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		echo "# $line"
	done
}
# check NAME COMMAND...: one test point from a command's status
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "${why:-}"; fi
	why=
}

if ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP needs curl, jq and python3"
	exit 0
fi

# start TAG ARGS...: start icnsim in the background; sets PORT and PID
start() {
	tag=$1
	shift
	"$ICNSIM" "$@" >"$TMP/$tag.out" 2>"$TMP/$tag.err" &
	PID=$!
	PIDS="$PIDS $PID"
	PORT=
	i=0
	while [ $i -lt 100 ]; do
		PORT=$(sed -n 's|^icnsim: listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$TMP/$tag.out")
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# q TAG PATH ARG=VALUE...: a GET with URL-encoded arguments; prints the status
q() {
	tag=$1
	url="http://127.0.0.1:$PORT$2"
	shift 2
	for a in "$@"; do
		set -- "$@" --data-urlencode "$a"
		shift
	done
	curl -s -S --max-time 5 -G -D "$TMP/$tag.h" -o "$TMP/$tag" -w '%{http_code}' "$@" "$url"
}
post() {
	curl -s -S --max-time 5 -X POST -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}
# jqt TAG FILTER: jq -e on $TMP/TAG
jqt() {
	jq -e "$2" "$TMP/$1" >/dev/null 2>&1 || { why="jq '$2' on: $(head -c 300 "$TMP/$1")"; return 1; }
}
# text400 TAG MESSAGE: the last request answered 400 text/plain with exactly MESSAGE
text400() {
	grep -qi '^content-type: text/plain; charset=utf-8' "$TMP/$1.h" &&
		[ "$(cat "$TMP/$1")" = "$2" ] || { why="got: $(head -1 "$TMP/$1.h") $(cat "$TMP/$1")"; return 1; }
}
# ws TAG SECONDS QUERY-STRING [-H HEADER]: runs the tail client in the background; sets WSPID
ws() {
	tag=$1
	secs=$2
	qs=$3
	shift 3
	python3 "$WSCLIENT" "$@" --duration "$secs" "ws://127.0.0.1:$PORT/loki/api/v1/tail?$qs" >"$TMP/$tag" 2>"$TMP/$tag.err" &
	WSPID=$!
	PIDS="$PIDS $WSPID"
}
# frames TAG: the text frames' JSON, one a line
frames() {
	sed -n 's/^TEXT //p' "$TMP/$1"
}
enc() {
	python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"
}

echo "1..42"

if ! start main --seed 7 --block-interval 1 --tail-max-duration 3s; then
	not_ok "icnsim starts" "$(cat "$TMP/main.err")"
	exit 1
fi
MAIN=$PID
QR=/loki/api/v1/query_range

# 1: shape
st=$(q qr1 $QR 'query={namespace="icn"}')
check "query_range: 200 with Loki's streams envelope, 100 entries by default" [ "$st" = 200 ] &&
	jqt qr1 '.status == "success" and .data.resultType == "streams" and .data.stats == {} and
		(.data | has("encodingFlags") | not) and
		([.data.result[].values[]] | length) == 100 and
		all(.data.result[]; (.stream | keys) == ["app","level","namespace","pod","region"] and
			all(.values[]; length == 2 and (.[0] | test("^[0-9]{19}$")) and (.[1] | type) == "string"))'

# 2: lines are ICN's JSON lines
check "query_range: lines carry ts, level, msg, slot, directors, trace_id, span_id" \
	jqt qr1 'all(.data.result[].values[][1] | fromjson; has("ts") and has("level") and has("msg") and
		(.slot | type) == "number" and (.directors | length) == 6 and (.trace_id | test("^[0-9a-f]{32}$")) and
		(.span_id | test("^[0-9a-f]{16}$")))'

# 3: backward (default): newest first; forward: oldest first
q qr3b $QR 'query={app="substrate"}' limit=20 >/dev/null
q qr3f $QR 'query={app="substrate"}' limit=20 direction=forward >/dev/null
check "query_range: direction backward is newest first, forward oldest first" \
	jqt qr3b '[.data.result[].values[][0] | tonumber] as $t | ($t | length) == 20' &&
	jqt qr3b '[.data.result[] | [.values[][0] | tonumber] | . == (sort | reverse)] | all' &&
	jqt qr3f '[.data.result[] | [.values[][0] | tonumber] | . == sort] | all' &&
	[ "$(jq '[.data.result[].values[][0] | tonumber] | max' "$TMP/qr3f")" -lt \
	  "$(jq '[.data.result[].values[][0] | tonumber] | min' "$TMP/qr3b")" ]

# 4: limit
q qr4 $QR 'query={app="icn-vortex"}' limit=7 >/dev/null
check "query_range: limit" jqt qr4 '[.data.result[].values[]] | length == 7'

# 5: start inclusive, end exclusive (ns)
T=$(jq -r '[.data.result[].values[][0]] | max' "$TMP/qr4")
q qr5a $QR 'query={app="icn-vortex"}' "start=$T" "end=$((T + 1))" >/dev/null
q qr5b $QR 'query={app="icn-vortex"}' "start=$((T - 1))" "end=$T" >/dev/null
check "query_range: start is inclusive, end exclusive" \
	jqt qr5a "[.data.result[].values[][0]] == [\"$T\"]" && jqt qr5b '.data.result == []'

# 6: float seconds and RFC3339 for start/end
S=$(( T / 1000000000 - 60 ))
q qr6a $QR 'query={app="icn-vortex"}' "start=$S.5" limit=5000 >/dev/null
q qr6b $QR 'query={app="icn-vortex"}' "start=$(date -u -d @$S +%Y-%m-%dT%H:%M:%S).5Z" limit=5000 >/dev/null
check "query_range: start as float seconds and as RFC3339 agree" \
	jqt qr6a "[.data.result[].values[][0] | tonumber] | length > 0 and min >= ${S}500000000" &&
	[ "$(jq -c '[.data.result[].values[][0]] | sort' "$TMP/qr6a")" = "$(jq -c '[.data.result[].values[][0]] | sort' "$TMP/qr6b")" ]

# 7: matchers
q qr7a $QR 'query={app=~"icn-.*", level!="debug"}' limit=500 >/dev/null
q qr7b $QR 'query={app=~"icn"}' >/dev/null
q qr7c $QR 'query={app!~"icn-.*"}' limit=500 >/dev/null
check "query_range: = != =~ (anchored) !~ matchers" \
	jqt qr7a '(.data.result | length) > 0 and all(.data.result[].stream; (.app | startswith("icn-")) and .level != "debug")' &&
	jqt qr7b '.data.result == []' &&
	jqt qr7c '(.data.result | length) > 0 and all(.data.result[].stream; .app == "substrate")'

# 8: line filters
q qr8a $QR 'query={app="icn-director"} |= "BFT"' limit=200 >/dev/null
q qr8b $QR 'query={app="icn-director"} |= "BFT" != "committed"' >/dev/null
q qr8c $QR 'query={app="icn-vortex"} |~ "complete in [0-9]+\\.[0-9]+s"' limit=50 >/dev/null
q qr8d $QR 'query={app="icn-vortex"} !~ "complete"' >/dev/null
check "query_range: line filters |= != |~ !~" \
	jqt qr8a '([.data.result[].values[]] | length) == 200 and all(.data.result[].values[][1]; contains("BFT round committed"))' &&
	jqt qr8b '.data.result == []' &&
	jqt qr8c '([.data.result[].values[]] | length) == 50' &&
	jqt qr8d 'all(.data.result[].values[][1]; contains("complete") | not)'

# 9: Loki's HTML escaping of lines
q qr9 $QR 'query={level="debug"} |= "queue depth"' limit=1 >/dev/null
check "query_range: <, > and & are escaped as \\u003c, \\u003e, \\u0026" \
	grep -qF 'queue depth \u003c16 \u0026 backlog \u003e0' "$TMP/qr9"

# 10: categorize-labels
curl -s -S --max-time 5 -G -o "$TMP/qr10" -H 'X-Loki-Response-Encoding-Flags: categorize-labels' \
	--data-urlencode 'query={app="substrate"}' --data-urlencode limit=5 "http://127.0.0.1:$PORT$QR"
check "query_range: categorize-labels adds encodingFlags and a 3rd element" \
	jqt qr10 '.data.encodingFlags == ["categorize-labels"] and all(.data.result[].values[]; length == 3 and .[2] == {})'

# 11-15: 400s with Loki's plain-text errors
st=$(q e1 $QR 'query={app="substrate"}' limit=6000)
check "query_range: limit over 5000 is a 400 with Loki's message" [ "$st" = 400 ] &&
	text400 e1 "max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)"
st=$(q e2 $QR 'query={app="substrate"} | json')
check "query_range: a pipeline stage is a 400 (not supported)" [ "$st" = 400 ] &&
	text400 e2 "not supported by icnsim: pipeline stage at col 20 (only the line filters |=, !=, |~ and !~ are)"
st=$(q e3 $QR 'query={}')
check "query_range: an empty selector is a 400 parse error" [ "$st" = 400 ] &&
	text400 e3 "parse error at line 1, col 2: syntax error: unexpected }"
st=$(q e4 $QR 'query=sum(rate({app="substrate"}[1m]))')
check "query_range: a metric query is a 400" [ "$st" = 400 ] && grep -q '^not supported by icnsim: metric queries' "$TMP/e4"
st=$(q e5 $QR 'query={app="substrate"}' start=yesterday)
check "query_range: a bad start is a 400" [ "$st" = 400 ] && grep -qi '^content-type: text/plain' "$TMP/e5.h"

st=$(q e6 $QR 'query={app="substrate"}' start=1000000000 end=1003600000.5)
check "query_range: a range over 30d1h is a 400 with Loki's message" [ "$st" = 400 ] &&
	text400 e6 "the query time range exceeds the limit (query length: 1000h0m0.5s, limit: 30d1h)"
q s1 $QR 'query={app="substrate"}' since=20s limit=5000 >/dev/null
check "query_range: since" \
	jqt s1 "[.data.result[].values[][0] | tonumber] | length > 5 and min >= ($(date +%s) - 21) * 1000000000"

# 16-18: labels and values
q l1 /loki/api/v1/labels >/dev/null
check "labels" jqt l1 '. == {"status":"success","data":["app","level","namespace","pod","region"]}'
q l2 /loki/api/v1/label/app/values >/dev/null
check "label values: app" jqt l2 '. == {"status":"success","data":["icn-director","icn-super-node","icn-vortex","substrate"]}'
q l3 /loki/api/v1/label/pod/values 'query={app="icn-super-node"}' >/dev/null
check "label values: pod, restricted by query" jqt l3 '.data == ["super-node-1","super-node-2","super-node-3"]'

# 19: BFT fault -> "BFT consensus failed" on the faulted director
post /control/fault/bft?node=director-4 >/dev/null
sleep 2.2
q b1 $QR 'query={app="icn-director"} |= "BFT consensus failed"' >/dev/null
curl -s -o /dev/null -X DELETE "http://127.0.0.1:$PORT/control/fault/bft"
check "bft fault: the director logs BFT consensus failed at level error" \
	jqt b1 '(.data.result | length) >= 1 and all(.data.result[].stream; .pod == "director-4" and .level == "error") and
		all(.data.result[].values[][1] | fromjson; .msg == "BFT consensus failed" and .level == "error" and (.error | length) > 0)'

# 20: same seed, same lines (content fields; not ts)
start twin --seed 7 --block-interval 1
TWIN=$PID
TP=$PORT
q d2 $QR 'query={app="icn-director"}' direction=forward limit=40 >/dev/null
PORT=$(sed -n 's|^icnsim: listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$TMP/main.out")
q d1 $QR 'query={app="icn-director"}' direction=forward limit=40 >/dev/null
kill "$TWIN"
f='[.data.result[] | .stream.pod as $p | .values[][1] | fromjson | [$p, .msg, .slot, .trace_id, .span_id]] | sort'
check "--seed: same seed, same log lines (msg, slot, trace_id, span_id)" \
	[ "$(jq -c "$f" "$TMP/d1")" = "$(jq -c "$f" "$TMP/d2")" ] && jqt d1 '[.data.result[].values[]] | length == 40'

# 21-22: log controls
count() {
	q c "$QR" 'query={namespace="icn"} |= "gossip round"' limit=5000 "start=$START" >/dev/null
	jq '[.data.result[].values[]] | length' "$TMP/c"
}
START=$(($(date +%s) - 30))
st1=$(post '/control/logs/rate?per_second=x')
st2=$(post '/control/logs/rate?per_second=0')
check "control/logs/rate: 400 on a bad value, 200 otherwise" [ "$st1" = 400 ] && [ "$st2" = 200 ]
c0=$(count)
post '/control/logs/burst?n=600' >/dev/null
c1=$(count)
check "control/logs/burst: adds lines at once" [ "$c1" -gt "$((c0 + 30))" ]
post '/control/logs/rate?per_second=2' >/dev/null
st1=$(printf 'a \033[31m \342\200\256 line' | curl -s -S --max-time 5 -X POST --data-binary @- -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/control/logs/line?app=inj")
q inj "$QR" 'query={app="inj"}' "start=$START" >/dev/null
check "control/logs/line: the body is one line, as it is, in {app=\"inj\"}" [ "$st1" = 200 ] &&
	jq -e --arg l $'a \033[31m \u202e line' '[.data.result[].values[][1]] == [$l]' "$TMP/inj" >/dev/null
st2=$(printf 'bad \377 utf-8' | curl -s -S --max-time 5 -X POST --data-binary @- -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/control/logs/line?app=inj")
check "control/logs/line: invalid UTF-8 refused (400)" [ "$st2" = 400 ]

# 23-24: tail refusals before the upgrade
ws t0 2 "query=$(enc '{app="substrate"}')&delay_for=6"
wait "$WSPID"
check "tail: delay_for over 5 is an HTTP 400" [ "$(cat "$TMP/t0")" = "HTTP 400 delay_for can't be greater than 5" ]
ws t0b 2 "query=$(enc '{app}')"
wait "$WSPID"
check "tail: a bad query is an HTTP 400 with the parse error" \
	[ "$(cat "$TMP/t0b")" = "HTTP 400 parse error at line 1, col 5: syntax error: unexpected }" ]

python3 "$WSCLIENT" --duration 2 "ws://127.0.0.1:$PORT/loki/api/v1/nope" >"$TMP/t0c" 2>&1
check "websocket upgrade on an unknown path: 404" [ "$(cat "$TMP/t0c")" = "HTTP 404 404 page not found" ]

# 25-27: backfill, live entries, pings; close 1011 at the max duration (3s)
ws t1 6 "query=$(enc '{app="substrate"}')&limit=3"
wait "$WSPID"
frames t1 >"$TMP/t1.f"
check "tail: backfill of 'limit' entries, oldest first, one stream object per entry" \
	[ "$(head -1 "$TMP/t1.f" | jq -c '[.streams[] | (.values | length)] == [1,1,1] and
		([.streams[].values[0][0] | tonumber] | . == sort)')" = true ]
check "tail: live entries follow, newer than the backfill; pings every second" \
	[ "$(jq -s '(.[0].streams | map(.values[0][0] | tonumber) | max) as $b |
		(.[1:] | map(.streams[].values[0][0] | tonumber)) as $l | ($l | length) >= 1 and ($l | min) > $b' "$TMP/t1.f")" = true ] &&
	[ "$(grep -c '^PING$' "$TMP/t1")" -ge 2 ]
check "tail: close 1011 'reached tail max duration limit' (--tail-max-duration 3s)" \
	[ "$(tail -1 "$TMP/t1")" = "CLOSE 1011 reached tail max duration limit" ]

# 28: at most 100 entries per frame
ws t2 2.5 "query=$(enc '{namespace="icn"}')&limit=1"
sleep 0.5
post '/control/logs/burst?n=250' >/dev/null
wait "$WSPID"
check "tail: a burst of 250 comes in frames of at most 100 entries" \
	[ "$(frames t2 | jq -s '(map(.streams | length) | max) == 100 and (map(.streams | length) | add) >= 251')" = true ]

# 29: control close -> 1011
ws t3 5 "query=$(enc '{namespace="icn"}')"
sleep 0.7
post /control/loki/tail/close >/dev/null
wait "$WSPID"
check "tail: /control/loki/tail/close closes with 1011 and a reason" \
	[ "$(tail -1 "$TMP/t3")" = "CLOSE 1011 all ingesters closed the connection" ]

# 30: control drop -> 1006
ws t4 5 "query=$(enc '{namespace="icn"}')"
sleep 0.7
post /control/loki/tail/drop >/dev/null
wait "$WSPID"
check "tail: /control/loki/tail/drop ends the connection without a close frame (1006)" \
	[ "$(tail -1 "$TMP/t4")" = "CLOSE 1006" ]

# 31: slow client -> dropped_entries
ws t5 2.5 "query=$(enc '{namespace="icn"}')&limit=1"
sleep 0.5
post '/control/loki/tail/slow?drop=5' >/dev/null
post '/control/logs/burst?n=20' >/dev/null
wait "$WSPID"
check "tail: /control/loki/tail/slow?drop=5 reports 5 dropped_entries (timestamp, labels)" \
	[ "$(frames t5 | jq -s '[.[].dropped_entries // [] | .[]] | length == 5 and
		all(.timestamp | test("^[0-9]{19}$")) and all(.labels | has("app") and has("pod"))')" = true ]

# 32: categorize-labels on the tail
ws t6 1.5 "query=$(enc '{app="substrate"}')&limit=2" -H 'X-Loki-Response-Encoding-Flags: categorize-labels'
wait "$WSPID"
check "tail: categorize-labels" \
	[ "$(frames t6 | head -1 | jq -c '.encodingFlags == ["categorize-labels"] and all(.streams[].values[]; length == 3)')" = true ]

# 33: vram fault -> out-of-memory errors from vortex and the director
post /control/fault/vram?node=director-5 >/dev/null
sleep 2.2
q v1 $QR 'query={app=~"icn-vortex|icn-director", level="error"} |~ "out of memory"' >/dev/null
curl -s -o /dev/null -X DELETE "http://127.0.0.1:$PORT/control/fault/vram"
check "vram fault: vortex-5 and director-5 log out-of-memory errors" \
	jqt v1 '([.data.result[].stream | .pod] | unique) == ["director-5","vortex-5"] and
		all(.data.result[].values[][1] | fromjson; .level == "error" and (.error | test("memory")))'

# 34-35: at most 10 tails per tenant (X-Scope-OrgID); on an instance of its own
# whose tails last, so that a slow machine cannot let the ten end first
MAINPORT=$PORT
start tenants --seed 7 --block-interval 1
TENANTS=$PID
W=
for i in 1 2 3 4 5 6 7 8 9 10; do
	ws m$i 30 "query=$(enc '{app="substrate"}')&limit=1"
	W="$W $WSPID"
done
# all ten are in once each has its backfill frame
i=0
while [ $i -lt 100 ] && [ "$(grep -l '^TEXT ' "$TMP"/m[0-9] "$TMP"/m10 2>/dev/null | wc -l)" -lt 10 ]; do
	sleep 0.1
	i=$((i + 1))
done
ws m11 3 "query=$(enc '{app="substrate"}')&limit=1"
M11=$WSPID
ws m12 1.5 "query=$(enc '{app="substrate"}')&limit=1" -H 'X-Scope-OrgID: other'
M12=$WSPID
wait $M11 $M12
kill $W $TENANTS 2>/dev/null
wait $W $TENANTS 2>/dev/null
PORT=$MAINPORT
check "tail: the 11th tail of a tenant is closed with 1011 and Loki's message" \
	[ "$(tail -1 "$TMP/m11")" = "CLOSE 1011 max concurrent tail requests limit exceeded, count > limit (11 > 10)" ] &&
	grep -q '^TEXT ' "$TMP/m10"
check "tail: another tenant (X-Scope-OrgID) has its own count" \
	[ "$(tail -1 "$TMP/m12")" = "TIMEOUT" ] && grep -q '^TEXT ' "$TMP/m12"

# 36: a plain GET of the tail
st=$(q tg /loki/api/v1/tail 'query={app="substrate"}')
check "tail: a GET without the upgrade is a 400" [ "$st" = 400 ] && grep -q "^websocket: the client is not using the websocket protocol" "$TMP/tg"

# 37: still serving metrics, SIGTERM exits 0
kill -TERM "$MAIN"
wait "$MAIN"
st=$?
check "SIGTERM after tails: exit 0" [ "$st" = 0 ]

exit $failed
