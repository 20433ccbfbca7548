#!/bin/sh
# test_icnsim_jaeger.sh: icnsim's Jaeger query APIs end to end (TAP): v1 and api_v3 services and
# operations, searches (service, operation, tags, minDuration, limit, start/end; query.* in v3),
# a trace opened from a log line's trace_id holding its span_id (both APIs, the fixtures' shapes),
# error spans under the bft and vram faults, the 10,000-span trace of the bigtrace fault, the
# v1-only and v3-only modes, Jaeger's 400s and 404s, determinism across runs, and the optional
# credential checks (--jaeger-bearer-token-file, --jaeger-basic-auth-file, --jaeger-org-id).
set -u

ICNSIM=${ICNSIM:-./icnsim}
FIX=${top_srcdir:-.}/tests/fixtures/jaeger
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_icnsim_jaeger.XXXXXX") || exit 99
KEEP=${KEEP:-}
PIDS=
n=0
failed=0

# shellcheck disable=SC2317 # run by the trap
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
# check NAME COMMAND...: one test point from a command's status; a failing
# command may leave its reason in $why
check() {
	name=$1
	shift
	why=
	if "$@"; then ok "$name"; else not_ok "$name" "${why:-}"; fi
	why=
}

if ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP needs curl and jq"
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
		PORT=$(sed -n 's|^icnsim: listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$TMP/$tag.out" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# q TAG PATH ARG=VALUE...: a GET with URL-encoded arguments into $TMP/TAG (headers
# $TMP/TAG.h); prints the status
q() {
	tag=$1
	url="http://127.0.0.1:$PORT$2"
	shift 2
	for a in "$@"; do
		set -- "$@" --data-urlencode "$a"
		shift
	done
	curl -s -S --max-time 10 -G -D "$TMP/$tag.h" -o "$TMP/$tag" -w '%{http_code}' "$@" "$url"
}
post() {
	curl -s -S --max-time 5 -X "${2:-POST}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}
# jqt TAG JQ-ARGS...: jq -e JQ-ARGS (a filter, options) on $TMP/TAG
jqt() {
	tag=$1
	shift
	jq -e "$@" "$TMP/$tag" >/dev/null 2>&1 || { why="jq on: $(head -c 400 "$TMP/$tag")"; return 1; }
}
# is STATUS CTYPE TAG BODY: the answer had status STATUS, content type CTYPE and exactly BODY
# (a final newline included when BODY has one: compared byte for byte)
is() {
	got_status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$TMP/$3.h")
	printf '%s' "$4" >"$TMP/$3.want"
	if [ "$got_status" = "$1" ] && grep -qi "^content-type: $2" "$TMP/$3.h" && cmp -s "$TMP/$3" "$TMP/$3.want"; then
		return 0
	fi
	why="status $got_status, $(grep -i '^content-type' "$TMP/$3.h" | tr -d '\r'), body: $(od -c "$TMP/$3" | head -5 | tr '\n' ' ')"
	return 1
}
NL='
'
JSON=application/json
TEXT='text/plain; charset=utf-8'

# newest_line TAG LOGQL SECONDS: wait until Loki's API has a line for LOGQL; the newest goes to $TMP/TAG
newest_line() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		if [ "$(q "$1.q" /loki/api/v1/query_range "query=$2" limit=1)" = 200 ] &&
			jq -e -r '.data.result[0].values[0][1]' "$TMP/$1.q" >"$TMP/$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	why="no line for $2 in $3 s"
	return 1
}

rfc3339() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

echo "1..55"

if ! start main --seed 7 --block-interval 1; then
	not_ok "icnsim starts" "$(cat "$TMP/main.err")"
	exit 1
fi
MAIN=$PID
MAINPORT=$PORT
ok "icnsim starts (--jaeger-api both by default)"

# 2-7: services and operations, both APIs
q s /api/services >/dev/null
check "v1 /api/services: the envelope, sorted services, total 3" \
	is 200 "$JSON" s '{"data":["icn-director","icn-super-node","icn-vortex"],"total":3,"limit":0,"offset":0,"errors":null}'
check "v1 /api/services: the keys of services_captured.json" \
	jqt s '(keys) == ($f[0] | keys)' --slurpfile f "$FIX/services_captured.json"
q so /api/services/icn-director/operations >/dev/null
check "v1 /api/services/icn-director/operations" \
	is 200 "$JSON" so '{"data":["bft.coordinate","bft.round","recipe received"],"total":3,"limit":0,"offset":0,"errors":null}'
q o /api/operations service=icn-director spanKind=client >/dev/null
check "v1 /api/operations?service=&spanKind=client: [{name, spanKind}]" \
	is 200 "$JSON" o '{"data":[{"name":"bft.round","spanKind":"client"}],"total":1,"limit":0,"offset":0,"errors":null}'
q s3 /api/v3/services >/dev/null
check "v3 /api/v3/services" is 200 "$TEXT" s3 '{"services":["icn-director","icn-super-node","icn-vortex"]}'
q o3 /api/v3/operations service=icn-super-node >/dev/null
check "v3 /api/v3/operations?service=icn-super-node" \
	is 200 "$TEXT" o3 '{"operations":[{"name":"p2p.publish","spanKind":"producer"}]}'

# 8-14: a log line's trace, both APIs
check "a vortex log line with trace_id and span_id" newest_line line '{app="icn-vortex"}' 5
TID=$(jq -r .trace_id "$TMP/line")
SID=$(jq -r .span_id "$TMP/line")
LINE_US=$(jq -r '.data.result[0].values[0][0] | tonumber / 1000 | floor' "$TMP/line.q")
q t1 "/api/traces/$TID" >/dev/null
check "v1 /api/traces/{the line's trace_id}: one trace of 10 spans holding the line's span_id" \
	jqt t1 --arg t "$TID" --arg s "$SID" '.data | length == 1 and .[0].traceID == $t and (.[0].spans | length) == 10 and
		any(.[0].spans[]; .spanID == $s and .operationName == "vortex.generate") and all(.[0].spans[]; .traceID == $t)'
check "v1 trace: the keys of Jaeger's UI model (ui_01 fixture; flags besides)" \
	jqt t1 --slurpfile f "$FIX/trace_ui_model_fixture_ui_01.json" \
	'(.data[0] | keys) == ($f[0] | keys) and all(.data[0].spans[]; (keys - ["flags"]) == ($f[0].spans[0] | keys))
		and (.data[0].processes | to_entries | all(.value | keys == ["serviceName", "tags"]))
		and .total == 0 and .limit == 0 and .offset == 0 and .errors == null'
check "v1 trace: recipe received -> vortex.generate, bft.coordinate (6 bft.round children), p2p.publish FOLLOWS_FROM bft.coordinate" \
	jqt t1 '.data[0].spans as $s | ($s | map({key: .operationName, value: .spanID}) | from_entries) as $id |
		($s[] | select(.operationName == "recipe received") | .references == []) and
		($s[] | select(.operationName == "vortex.generate") | .references == [{refType: "CHILD_OF", traceID: .traceID, spanID: $id["recipe received"]}]) and
		([$s[] | select(.operationName == "bft.round" and .references[0].spanID == $id["bft.coordinate"])] | length) == 6 and
		($s[] | select(.operationName == "p2p.publish") | any(.references[]; .refType == "FOLLOWS_FROM" and .spanID == $id["bft.coordinate"])) and
		([.data[0].processes[].serviceName] | unique) == ["icn-director", "icn-super-node", "icn-vortex"]'
check "v1 trace: the line's time falls in the root span (it ends when the slot's lines are written)" \
	jqt t1 --argjson l "$LINE_US" '.data[0].spans[] | select(.operationName == "recipe received") |
		.startTime < $l and ($l - (.startTime + .duration)) >= 0 and ($l - (.startTime + .duration)) < 1000 and
		any(.tags[]; .key == "slot" and .type == "int64")'
q t3 "/api/v3/traces/$TID" >/dev/null
check "v3 /api/v3/traces/{id}: OTLP JSON, 10 spans, the line's spanId, int kinds, ns strings" \
	jqt t3 --arg t "$TID" --arg s "$SID" '[.result.resourceSpans[].scopeSpans[].spans[]] as $sp | ($sp | length) == 10 and
		all($sp[]; .traceId == $t and (.kind | type) == "number" and (.startTimeUnixNano | test("^[0-9]{19}$")) and
			(.endTimeUnixNano | test("^[0-9]{19}$")) and (.status | type) == "object") and
		any($sp[]; .spanId == $s) and
		any($sp[]; .name == "p2p.publish" and .kind == 4 and .links[0].attributes[0].value.stringValue == "follows_from")'

# every_trace_id: each trace_id of the newest 300 log lines (slot and background lines) opens its trace
every_trace_id() {
	[ "$(q all /loki/api/v1/query_range 'query={namespace="icn"}' limit=300)" = 200 ] || { why="query_range"; return 1; }
	jq -r '.data.result[].values[][1] | fromjson | .trace_id' "$TMP/all" | sort -u >"$TMP/ids"
	[ "$(wc -l <"$TMP/ids")" -ge 2 ] || { why="few trace ids: $(cat "$TMP/ids")"; return 1; }
	while read -r id; do
		[ "$(q one "/api/traces/$id")" = 200 ] || { why="$id: $(cat "$TMP/one")"; return 1; }
	done <"$TMP/ids"
}
check "every trace_id of the newest 300 log lines opens a trace" every_trace_id

# 15-20: searches
q sr1 /api/traces service=icn-director operation=bft.round tag=node:director-3 minDuration=1s limit=2 >/dev/null
check "v1 search: service, operation, tag=k:v, minDuration, limit=2" \
	jqt sr1 '.data | length == 2 and all(.[]; any(.spans[]; .operationName == "bft.round" and .duration >= 1000000 and
		any(.tags[]; .key == "node" and .value == "director-3")))'
q sr2 /api/traces service=icn-vortex 'tags={"node":"vortex-1"}' limit=3 >/dev/null
check "v1 search: tags as a JSON map" \
	jqt sr2 '.data | length == 3 and all(.[]; any(.spans[]; .operationName == "vortex.generate" and any(.tags[]; .value == "vortex-1")))'
q sr3 /api/traces service=icn-director minDuration=1h >/dev/null
check "v1 search: nothing that long is an empty data list" \
	is 200 "$JSON" sr3 '{"data":[],"total":0,"limit":0,"offset":0,"errors":null}'
q sr4 /api/traces service=icn-vortex "start=$((LINE_US - 40000000))" "end=$LINE_US" limit=100 >/dev/null
check "v1 search: start/end (µs) around the line's slot find its trace" \
	jqt sr4 --arg t "$TID" 'any(.data[]; .traceID == $t)'
q sr6 /api/traces "traceID=$TID" traceID=abc >/dev/null
check "v1 search by traceID= (repeated): the known trace, a 404 error entry for the other" \
	jqt sr6 --arg t "$TID" '(.data | length) == 1 and .data[0].traceID == $t and
		.errors == [{code: 404, msg: "trace not found", traceID: "0000000000000abc"}]'
NOW=$(date +%s)
q sr5 /api/v3/traces query.serviceName=icn-director query.operationName=bft.round \
	"query.startTimeMin=$(rfc3339 $((NOW - 600)))" "query.startTimeMax=$(rfc3339 $((NOW + 60)))" \
	query.searchDepth=3 query.durationMin=500ms 'query.attributes={"node":"director-4"}' >/dev/null
check "v3 search: query.* (service, operation, times, searchDepth=3, durationMin, attributes)" \
	jqt sr5 '[.result.resourceSpans[].scopeSpans[].spans[]] as $s | ([$s[].traceId] | unique | length) == 3 and
		([$s[] | select(.name == "bft.round" and any(.attributes[]; .value.stringValue == "director-4"))] | length) == 3'

# 21-30: faults
check "POST /control/fault/bft?node=director-2" [ "$(post '/control/fault/bft?node=director-2')" = 200 ]
check "bft: a director logs BFT consensus failed" newest_line bft '{app="icn-director"} |= "BFT consensus failed"' 5
BT=$(jq -r .trace_id "$TMP/bft")
BS=$(jq -r .span_id "$TMP/bft")
q tb "/api/traces/$BT" >/dev/null
check "bft: the line's span is bft.coordinate, error=true with the reason as a log event" \
	jqt tb --arg s "$BS" '.data[0].spans[] | select(.spanID == $s) | .operationName == "bft.coordinate" and
		any(.tags[]; .key == "error" and .type == "bool" and .value == true) and
		.logs[0].fields[0] == {key: "event", type: "string", value: "BFT consensus failed: timeout waiting for 2/3 precommits"}'
check "bft: director-2's bft.round is the only failed round" \
	jqt tb '[.data[0].spans[] | select(.operationName == "bft.round" and any(.tags[]; .key == "error"))] |
		length == 1 and any(.[0].tags[]; .key == "node" and .value == "director-2") and (.[0].logs | length) == 1'
q tb3 "/api/v3/traces/$BT" >/dev/null
check "bft, v3: status.code 2 and an event on the failed spans, status {} elsewhere" \
	jqt tb3 '[.result.resourceSpans[].scopeSpans[].spans[]] | ([.[] | select(.status.code == 2)] | length) == 2 and
		all(.[] | select(.status.code == 2); .events[0].name == "BFT consensus failed: timeout waiting for 2/3 precommits") and
		([.[] | select(.status == {})] | length) == 8'
check "bft, v3: the paths of the GetTrace snapshot (status.code included), resources with service.name" \
	jqt tb3 --slurpfile f "$FIX/apiv3_snapshot_GetTrace.json" \
	'[paths | map(if type == "number" then 0 else . end)] as $ours |
		all($f[0] | paths | map(if type == "number" then 0 else . end); . as $p | $ours | index([$p]) != null) and
		all(.result.resourceSpans[]; .resource.attributes[0].key == "service.name")'
q sre /api/traces service=icn-director tag=error:true limit=2 >/dev/null
check "bft: a search by tag error:true finds failed traces" \
	jqt sre '.data | length >= 1 and all(.[]; any(.spans[]; any(.tags[]; .key == "error" and .value == true)))'
post /control/reset >/dev/null
check "POST /control/fault/vram" [ "$(post /control/fault/vram)" = 200 ]
check "vram: vortex logs vortex.generate failed" newest_line vram '{app="icn-vortex"} |= "vortex.generate failed"' 5
q tv "/api/traces/$(jq -r .trace_id "$TMP/vram")" >/dev/null
check "vram: vortex.generate (the line's span) is an error span with the CUDA message" \
	jqt tv --arg s "$(jq -r .span_id "$TMP/vram")" '.data[0].spans[] | select(.spanID == $s) |
		.operationName == "vortex.generate" and any(.tags[]; .key == "error") and
		(.logs[0].fields[0].value | startswith("CUDA out of memory"))'
post /control/reset >/dev/null

# 31-35: the 10,000-span trace
check "POST /control/fault/bigtrace" [ "$(post /control/fault/bigtrace)" = 200 ]
check "bigtrace: the director logs a retry storm" newest_line big '{app="icn-director"} |= "retry storm"' 5
post /control/fault/bigtrace DELETE >/dev/null
GT=$(jq -r .trace_id "$TMP/big")
T1=$(curl -s -S --max-time 10 -o "$TMP/g1" -w '%{time_total}' "http://127.0.0.1:$PORT/api/traces/$GT")
T3=$(curl -s -S --max-time 10 -o "$TMP/g3" -w '%{time_total}' "http://127.0.0.1:$PORT/api/v3/traces/$GT")
echo "# 10,000-span trace: v1 ${T1}s $(wc -c <"$TMP/g1") bytes, v3 ${T3}s $(wc -c <"$TMP/g3") bytes"
check "bigtrace, v1: 10,000 spans, unique ids, retried rounds failing" \
	jqt g1 '.data[0].spans | length == 10000 and ([.[].spanID] | unique | length) == 10000 and
		([.[] | select(.operationName == "bft.round" and any(.tags[]; .key == "error"))] | length) > 1000'
check "bigtrace, v3: 10,000 spans" jqt g3 '[.result.resourceSpans[].scopeSpans[].spans[]] | length == 10000'
check "bigtrace: both answers within 2 s (a hang bound; timings above)" \
	awk -v a="$T1" -v b="$T3" 'BEGIN { exit !(a < 2 && b < 2) }'

# 36-44: errors
q e1 /api/traces/0123456789abcdef0123456789abcdef >/dev/null
check "v1 unknown trace: 404, text/plain, the fixture's envelope and a newline" \
	is 404 "$TEXT" e1 "$(cat "$FIX/error_trace_not_found_DERIVED.json")$NL"
q e2 /api/traces/xyz >/dev/null
check "v1 malformed trace id: 400 envelope" \
	is 400 "$TEXT" e2 '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"strconv.ParseUint: parsing \"xyz\": invalid syntax"}]}'"$NL"
q e3 /api/traces >/dev/null
check "v1 search without service: 400" \
	is 400 "$TEXT" e3 '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter '"'service'"' is required"}]}'"$NL"
q e4 /api/traces service=icn-director minDuration=fast >/dev/null
check "v1 search with a bad minDuration: 400 with Go's message" \
	is 400 "$TEXT" e4 '{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"unable to parse param '"'minDuration'"': time: invalid duration \"fast\""}]}'"$NL"
bad_v1() {
	# shellcheck disable=SC2089,SC2090 # the quotes of the JSON are the value
	for args in "limit=ten" "tag=nocolon" 'tags={"a":1}' "start=yesterday" "maxDuration=1s minDuration=2s"; do
		# shellcheck disable=SC2086,SC2090 # two arguments in the last case
		set -- $args
		[ "$(q e5 /api/traces service=icn-director "$@")" = 400 ] && jqt e5 '.data == null and .errors[0].code == 400' ||
			{ why="$args: ${why:-not a 400}"; return 1; }
	done
	[ "$(q e9 /api/operations)" = 400 ] || { why="/api/operations without service"; return 1; }
}
check "v1 search with a bad limit, tag, tags, start, durations; operations without service: 400 envelopes" bad_v1
q e10 /api/v3/traces/0123456789abcdef0123456789abcdef >/dev/null
check "v3 unknown trace: 404 No traces found" \
	is 404 "$TEXT" e10 '{"error":{"httpCode":404,"message":"No traces found"}}'"$NL"
q e11 /api/v3/traces query.serviceName=icn-director >/dev/null
check "v3 search without startTimeMin/Max: 400" \
	is 400 "$TEXT" e11 '{"error":{"httpCode":400,"message":"query.startTimeMin and query.startTimeMax are required"}}'"$NL"
q e12 /api/v3/traces query.startTimeMin=yesterday "query.startTimeMax=$(rfc3339 "$NOW")" >/dev/null
check "v3 search with a bad time: 400 malformed parameter" \
	jqt e12 '.error.httpCode == 400 and (.error.message | startswith("malformed parameter query.startTimeMin: parsing time \"yesterday\""))'
q e13 /api/v3/traces "query.startTimeMin=2001-01-01T00:00:00Z" "query.startTimeMax=2001-01-02T00:00:00.5Z" >/dev/null
check "v3 search finding nothing: 404 No traces found" \
	is 404 "$TEXT" e13 '{"error":{"httpCode":404,"message":"No traces found"}}'"$NL"

# 45-48: one API at a time, determinism
only_v1() {
	[ "$(q m1 /api/services)" = 200 ] && [ "$(q m2 /api/v3/services)" = 404 ] &&
		[ "$(q m3 "/api/v3/traces/$TID")" = 404 ] && [ "$(cat "$TMP/m3")" = "404 page not found" ]
}
only_v3() {
	[ "$(q m4 /api/v3/services)" = 200 ] && [ "$(q m5 /api/services)" = 404 ] &&
		[ "$(q m6 "/api/traces/$TID")" = 404 ] && [ "$(q m7 "/api/v3/traces/$TID")" = 200 ]
}
if start v1 --seed 7 --jaeger-api v1; then
	check "--jaeger-api v1: v1 served, /api/v3/* 404" only_v1
	q d1 "/api/traces/$TID" >/dev/null
	check "same seed, another run: the same trace id holds the same span ids" \
		jqt d1 --slurpfile a "$TMP/t1" '[.data[0].spans[].spanID] == [$a[0].data[0].spans[].spanID]'
	kill "$PID"
else
	not_ok "--jaeger-api v1 starts" "$(cat "$TMP/v1.err")"
	not_ok "same seed, another run"
fi
if start v3 --seed 7 --jaeger-api v3; then
	check "--jaeger-api v3: v3 served, /api/services and /api/traces/{id} 404" only_v3
	kill "$PID"
else
	not_ok "--jaeger-api v3 starts" "$(cat "$TMP/v3.err")"
fi
# 48-55: the credential checks on Jaeger's API (both generations), the files read at every request
# qa TAG PATH CURL-ARGS...: a GET with extra curl arguments (-H, -u) into $TMP/TAG; prints the status
qa() {
	tag=$1
	url="http://127.0.0.1:$PORT$2"
	shift 2
	curl -s -S --max-time 10 -D "$TMP/$tag.h" -o "$TMP/$tag" -w '%{http_code}' "$@" "$url"
}
umask 077
echo "tok-one" >"$TMP/jtok"
echo "jaeger:pw-one" >"$TMP/jbasic"
umask 022
ORG="X-Scope-OrgID: icn"
if start auth --seed 7 --jaeger-bearer-token-file "$TMP/jtok" --jaeger-basic-auth-file "$TMP/jbasic" --jaeger-org-id icn; then
	auth_refusals() {
		qa a1 /api/services >/dev/null && is 401 "$TEXT" a1 "no org id$NL" &&
			qa a2 /api/v3/services -H "X-Scope-OrgID: other" -H "Authorization: Bearer tok-one" >/dev/null &&
			is 401 "$TEXT" a2 "unknown org id$NL" &&
			qa a3 /api/traces/0123456789abcdef -H "$ORG" >/dev/null && is 401 "$TEXT" a3 "unauthorized$NL" &&
			qa a4 /api/v3/traces/0123456789abcdef -H "$ORG" -H "Authorization: Bearer tok-two" >/dev/null &&
			is 401 "$TEXT" a4 "unauthorized$NL"
	}
	check "jaeger auth: no tenant, another tenant, no token and a wrong token are 401s (v1 and v3)" auth_refusals
	auth_bearer() {
		[ "$(qa a5 /api/services -H "$ORG" -H "Authorization: Bearer tok-one")" = 200 ] &&
			jqt a5 '.data | index("icn-director")' &&
			[ "$(qa a6 '/api/v3/operations?service=icn-director' -H "$ORG" -H "Authorization: Bearer tok-one")" = 200 ] &&
			jqt a6 '.operations | length > 0'
	}
	check "jaeger auth: the bearer token and the tenant pass, v1 and v3" auth_bearer
	auth_basic() {
		[ "$(qa a7 /api/v3/services -H "$ORG" -u jaeger:pw-one)" = 200 ] && jqt a7 '.services | length > 0' &&
			[ "$(qa a8 /api/v3/services -H "$ORG" -u jaeger:pw-two)" = 401 ]
	}
	check "jaeger auth: basic auth from the file passes, another password does not" auth_basic
	echo "tok-two" >"$TMP/jtok"
	auth_rotated() {
		[ "$(qa a9 /api/services -H "$ORG" -H "Authorization: Bearer tok-one")" = 401 ] &&
			[ "$(qa a10 /api/services -H "$ORG" -H "Authorization: Bearer tok-two")" = 200 ]
	}
	check "jaeger auth: a token rotated in its file is the one wanted at the next request" auth_rotated
	auth_loki_open() {
		[ "$(qa a11 '/loki/api/v1/labels')" = 200 ] && [ "$(qa a12 /metrics)" = 200 ]
	}
	check "jaeger auth: Loki's API and /metrics ask for nothing (the flags are Jaeger's)" auth_loki_open
	kill "$PID"
else
	for _ in 1 2 3 4 5; do not_ok "--jaeger-bearer-token-file starts" "$(cat "$TMP/auth.err")"; done
fi
"$ICNSIM" --jaeger-bearer-token-file "$TMP/nothere" >/dev/null 2>"$TMP/bad-tok.err"
st=$?
bad_tok() {
	[ "$st" = 2 ] && grep -q "jaeger-bearer-token-file: cannot read a first line" "$TMP/bad-tok.err" &&
		"$ICNSIM" --help | grep -q -- "--jaeger-org-id TENANT"
}
check "--jaeger-bearer-token-file without a file: exit 2 and a message; --help documents the flags" bad_tok

"$ICNSIM" --jaeger-api v2 >/dev/null 2>"$TMP/bad.err"
st=$?
bad_flag() {
	[ "$st" = 2 ] && grep -q "jaeger-api wants v1, v3 or both" "$TMP/bad.err" && "$ICNSIM" --help | grep -q -- "--jaeger-api v1|v3|both"
}
check "--jaeger-api v2: exit 2 and a message; --help documents the flag" bad_flag

# 55: SIGTERM
PORT=$MAINPORT
kill -TERM "$MAIN"
wait "$MAIN"
st=$?
check "SIGTERM: exit 0" [ "$st" = 0 ]

exit $failed
