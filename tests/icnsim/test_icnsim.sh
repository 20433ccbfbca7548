#!/bin/sh
# test_icnsim.sh: icnsim end to end over HTTP (TAP): metrics, promtool, faults, request framing
# (empty, small, chunked and large bodies, keep-alive), determinism, shutdown.
set -u

ICNSIM=${ICNSIM:-./icnsim}
PROMTOOL=${PROMTOOL:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_icnsim.XXXXXX") || exit 99
PIDS=
n=0
failed=0

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$TMP"
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
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}
# check NAME COMMAND...: one test point from a command's status
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

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

# stop PID: SIGTERM, then wait; returns the exit status (124 when it hangs)
stop() {
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}

# req METHOD PATH OUTFILE: prints the HTTP status; headers go to OUTFILE.h
req() {
	curl -s -S --max-time 5 -X "$1" -D "$3.h" -o "$3" -w '%{http_code}' "http://127.0.0.1:$PORT$2"
}

# http TAG CURL-ARGS...: `curl -i` into $TMP/TAG (CRs dropped), its -v trace into $TMP/TAG.v
http() {
	tag=$1
	shift
	curl -s -S -i -v --max-time 5 "$@" 2>"$TMP/$tag.v" | tr -d '\r' >"$TMP/$tag"
}

# responses TAG CODE JSON...: $TMP/TAG holds exactly one response per JSON
# argument, in order, each with one status line (HTTP/1.1 CODE), one header
# block with no header repeated, and a body that is that JSON (parsed with jq
# when there is one); sets $why otherwise
responses() {
	f=$TMP/$1
	code=$2
	shift 2
	got=$(awk -v f="$f" '
		/^HTTP\/1\.[01] [0-9][0-9][0-9]/ { n++; codes = codes " " $2; head = 1; out = f "." n; printf "" >out; next }
		head && /^$/ { head = 0; next }
		head { h = tolower($0); sub(/:.*/, "", h); if (++seen[n, h] > 1) dup = dup " " h; next }
		n { print >out }
		END { printf "%d%s%s\n", n, codes, dup ? " repeated:" dup : "" }' "$f")
	want=$#
	for j in "$@"; do want="$want $code"; done
	if [ "$got" != "$want" ]; then
		why="responses and codes: '$got', want '$want'"
		return 1
	fi
	k=1
	for j in "$@"; do
		if command -v jq >/dev/null 2>&1; then
			body=$(jq -c . "$f.$k" 2>&1) || { why="body $k is not JSON: $(head -c 200 "$f.$k")"; return 1; }
		else
			body=$(cat "$f.$k")
		fi
		if [ "$body" != "$j" ]; then
			why="body $k: '$body', want '$j'"
			return 1
		fi
		k=$((k + 1))
	done
}

# reused TAG: the requests of $TMP/TAG went over one connection
reused() {
	[ "$(grep -c 'Re-using existing connection' "$TMP/$1.v")" -ge 1 ] &&
		[ "$(grep -c '^\* Connected to' "$TMP/$1.v")" = 1 ]
}

# framing NAME TAG CODE JSON...: one test point from `responses`
framing() {
	name=$1
	shift
	why=
	if responses "$@"; then ok "$name"; else not_ok "$name" "$why" "$(head -c 600 "$TMP/$1")"; fi
}

scrape() {
	curl -s -S --max-time 5 -o "$1" "http://127.0.0.1:$PORT/metrics"
}

# value FILE METRIC [LABEL-SUBSTRING]: the first matching sample's value
value() {
	awk -v m="$2" -v l="${3:-}" '
		index($0, "#") == 1 { next }
		{ name = $1; sub(/\{.*/, "", name) }
		name == m && index($0, l) { print $NF; exit }' "$1"
}

# max_value FILE METRIC: the largest value of a family
max_value() {
	awk -v m="$2" '
		index($0, "#") == 1 { next }
		{ name = $1; sub(/\{.*/, "", name) }
		name == m && (!seen || $NF + 0 > max) { max = $NF + 0; seen = 1 }
		END { if (seen) printf "%.0f\n", max }' "$1"
}

# max_share FILE: the largest share of icn_staked_amount held by one region
max_share() {
	awk '
		/^icn_staked_amount\{/ {
			match($0, /region="[^"]*"/)
			r = substr($0, RSTART + 8, RLENGTH - 9)
			s[r] += $NF
			t += $NF
		}
		END { m = 0; for (r in s) if (s[r] / t > m) { m = s[r] / t; mr = r }
		      printf "%s %.4f\n", mr, m }' "$1"
}

gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

FAMILIES="substrate_block_height:gauge substrate_block_timestamp:gauge
icn_p2p_connected_peers:gauge icn_vortex_vram_usage_bytes:gauge
icn_vortex_generation_time_seconds:histogram icn_bft_round_duration_seconds:histogram
icn_bft_failures_total:counter icn_staked_amount:gauge icn_total_staked_tokens:gauge
icn_slashing_events_total:counter"

echo "1..32"

if ! command -v curl >/dev/null 2>&1; then
	i=0
	while [ $i -lt 32 ]; do skip "curl is not installed"; i=$((i + 1)); done
	exit 0
fi

# 1: it starts, on a free port, and says where
if start main --listen 127.0.0.1:0 --seed 7 --block-interval 1; then
	ok "starts and prints its listening URL (port $PORT)"
else
	not_ok "starts and prints its listening URL" "$(cat "$TMP/main.err")"
	exit 1
fi
MAIN=$PID

# 2: content type and every family with HELP and TYPE
code=$(req GET /metrics "$TMP/m0")
missing=
for ft in $FAMILIES; do
	f=${ft%%:*}
	t=${ft##*:}
	grep -q "^# HELP $f " "$TMP/m0" || missing="$missing HELP:$f"
	grep -q "^# TYPE $f $t\$" "$TMP/m0" || missing="$missing TYPE:$f"
	grep -q "^${f}[{ _]" "$TMP/m0" || missing="$missing sample:$f"
done
if [ "$code" = 200 ] && [ -z "$missing" ] &&
	grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$TMP/m0.h"; then
	ok "GET /metrics: 200, text format 0.0.4, all 10 families with HELP and TYPE"
else
	not_ok "GET /metrics: 200, text format 0.0.4, all 10 families with HELP and TYPE" \
		"status $code, missing:$missing"
fi

# 3: the real linter agrees
if [ -n "$PROMTOOL" ] && [ -x "$PROMTOOL" ]; then
	if "$PROMTOOL" check metrics <"$TMP/m0" >"$TMP/promtool.out" 2>&1; then
		ok "promtool check metrics passes"
	else
		not_ok "promtool check metrics passes" "$(cat "$TMP/promtool.out")"
	fi
else
	skip "promtool not found"
fi

# 4: the cluster is healthy at start
peers_min=$(awk '/^icn_p2p_connected_peers\{/ { if (!s || $NF < m) m = $NF; s = 1 } END { print m }' "$TMP/m0")
vram_max=$(max_value "$TMP/m0" icn_vortex_vram_usage_bytes)
share=$(max_share "$TMP/m0")
if gt "$peers_min" 10 && lt "$vram_max" 11000000000 && lt "${share#* }" 0.25 &&
	[ "$(value "$TMP/m0" icn_slashing_events_total)" = 0 ]; then
	ok "healthy at start (min peers $peers_min, max vram $vram_max, top stake share $share)"
else
	not_ok "healthy at start" "min peers $peers_min, max vram $vram_max, top share $share"
fi

# 5: /-/healthy
code=$(req GET /-/healthy "$TMP/h")
check "GET /-/healthy: 200 'icnsim is healthy.'" \
	test "$code" = 200 -a "$(cat "$TMP/h")" = "icnsim is healthy."

# 6: blocks are produced (one per second here)
h0=$(value "$TMP/m0" substrate_block_height)
sleep 2.5
scrape "$TMP/m1"
h1=$(value "$TMP/m1" substrate_block_height)
c1=$(value "$TMP/m1" icn_vortex_generation_time_seconds_count 'director-1')
if [ -n "$h0" ] && gt "$h1" "$((h0 + 1))" && gt "$c1" 1; then
	ok "block height rises ($h0 -> $h1) and each block is observed ($c1 generations)"
else
	not_ok "block height rises" "$h0 -> $h1, generations $c1"
fi

# 7: the vram fault on its default director
code=$(req POST /control/fault/vram "$TMP/f")
scrape "$TMP/m2"
v3=$(value "$TMP/m2" icn_vortex_vram_usage_bytes 'node="director-3"')
if [ "$code" = 200 ] && grep -q '"fault":"vram","active":true,"node":"director-3"' "$TMP/f" &&
	gt "$v3" 11500000000; then
	ok "vram fault: director-3 at $v3 bytes (> 11.5e9)"
else
	not_ok "vram fault: director-3 > 11.5e9" "status $code: $(cat "$TMP/f"), director-3 $v3"
fi

# 8: the fault list shows it
code=$(req GET /control/faults "$TMP/fl")
check "GET /control/faults lists the vram fault" \
	grep -q '^{"faults":\[{"fault":"vram","node":"director-3"}\]}$' "$TMP/fl"

# 9: reset clears it and the value comes back at once
code=$(req POST /control/reset "$TMP/r")
scrape "$TMP/m3"
vram_max=$(max_value "$TMP/m3" icn_vortex_vram_usage_bytes)
if [ "$code" = 200 ] && grep -q '^{"faults":\[\]}$' "$TMP/r" && lt "$vram_max" 11000000000; then
	ok "reset: no faults, max vram $vram_max (< 11e9)"
else
	not_ok "reset returns vram under 11e9" "status $code: $(cat "$TMP/r"), max vram $vram_max"
fi

# 10: a stalled chain stops; clearing the stall lets it go on
req POST /control/fault/stall "$TMP/f" >/dev/null
scrape "$TMP/m4"
sleep 2.5
scrape "$TMP/m5"
s0=$(value "$TMP/m4" substrate_block_height)
s1=$(value "$TMP/m5" substrate_block_height)
t0=$(value "$TMP/m4" substrate_block_timestamp)
t1=$(value "$TMP/m5" substrate_block_timestamp)
if [ -n "$s0" ] && [ "$s0" = "$s1" ] && [ "$t0" = "$t1" ]; then
	ok "stall freezes height ($s0) and timestamp"
else
	not_ok "stall freezes height and timestamp" "height $s0 -> $s1, timestamp $t0 -> $t1"
fi

# 11: DELETE clears one fault
code=$(req DELETE /control/fault/stall "$TMP/f")
sleep 2.2
scrape "$TMP/m6"
s2=$(value "$TMP/m6" substrate_block_height)
if [ "$code" = 200 ] && grep -q '"active":false' "$TMP/f" && gt "$s2" "$s1"; then
	ok "DELETE /control/fault/stall: blocks again ($s1 -> $s2)"
else
	not_ok "DELETE /control/fault/stall" "status $code: $(cat "$TMP/f"), height $s1 -> $s2"
fi

# 12: stake concentration in a region named by ?node=
code=$(req POST '/control/fault/stake?node=eu-west' "$TMP/f")
scrape "$TMP/m7"
share=$(max_share "$TMP/m7")
total=$(value "$TMP/m7" icn_total_staked_tokens)
sum=$(awk '/^icn_staked_amount\{/ { t += $NF } END { printf "%.0f\n", t }' "$TMP/m7")
if [ "$code" = 200 ] && [ "${share% *}" = eu-west ] && gt "${share#* }" 0.25 && [ "$total" = "$sum" ]; then
	ok "stake fault: $share of the stake (> 25 %), total = sum ($total)"
else
	not_ok "stake fault gives eu-west > 25 %" "status $code: $(cat "$TMP/f"), top $share, total $total, sum $sum"
fi
req POST /control/reset "$TMP/r" >/dev/null

# 13: peer loss on the default super-node
code=$(req POST /control/fault/peers "$TMP/f")
scrape "$TMP/m8"
p=$(value "$TMP/m8" icn_p2p_connected_peers 'node="super-node-2"')
if [ "$code" = 200 ] && [ "$p" -ge 3 ] 2>/dev/null && [ "$p" -le 6 ]; then
	ok "peers fault: super-node-2 sees $p peers"
else
	not_ok "peers fault: super-node-2 in 3..6" "status $code: $(cat "$TMP/f"), peers $p"
fi
req POST /control/reset "$TMP/r" >/dev/null

# 14: BFT failures on a chosen director, and one slashing
code=$(req POST '/control/fault/bft?node=director-4' "$TMP/f")
scrape "$TMP/m9"
sleep 2.5
scrape "$TMP/m10"
b0=$(value "$TMP/m9" icn_bft_failures_total 'node="director-4"')
b1=$(value "$TMP/m10" icn_bft_failures_total 'node="director-4"')
o1=$(value "$TMP/m10" icn_bft_failures_total 'node="director-1"')
slash=$(value "$TMP/m10" icn_slashing_events_total)
slow=$(awk '/^icn_bft_round_duration_seconds_bucket\{node="director-4".*le="10"/ { a = $NF }
	/^icn_bft_round_duration_seconds_bucket\{node="director-4".*le="\+Inf"/ { b = $NF }
	END { print b - a }' "$TMP/m10")
if [ "$code" = 200 ] && gt "$b1" "$b0" && [ "$o1" = 0 ] && [ "$slash" = 1 ] && gt "$slow" 1; then
	ok "bft fault: director-4 failures $b0 -> $b1, $slow rounds over 10 s, 1 slashing"
else
	not_ok "bft fault" "status $code: $(cat "$TMP/f"), failures $b0 -> $b1, director-1 $o1, slashing $slash, slow $slow"
fi
req POST /control/reset "$TMP/r" >/dev/null

# 15: unknown fault
code=$(req POST /control/fault/meteor "$TMP/f")
if [ "$code" = 404 ] &&
	grep -q "^{\"error\":\"unknown fault 'meteor' (expected one of: vram, stall, bft, stake, peers, bigtrace)\"}\$" "$TMP/f" &&
	grep -qi '^content-type: application/json' "$TMP/f.h"; then
	ok "unknown fault: 404 with a JSON error"
else
	not_ok "unknown fault: 404 with a JSON error" "status $code: $(cat "$TMP/f")"
fi

# 16: unknown node, and a node of the wrong role
c1=$(req POST '/control/fault/vram?node=director-99' "$TMP/f1")
c2=$(req POST '/control/fault/vram?node=super-node-1' "$TMP/f2")
req GET /control/faults "$TMP/fl" >/dev/null
if [ "$c1" = 400 ] && [ "$c2" = 400 ] && grep -q '"error":"unknown node' "$TMP/f1" &&
	grep -q '^{"faults":\[\]}$' "$TMP/fl"; then
	ok "unknown or unfit node: 400 with a JSON error, nothing injected"
else
	not_ok "unknown node: 400" "$c1: $(cat "$TMP/f1"); $c2: $(cat "$TMP/f2"); $(cat "$TMP/fl")"
fi

# 17: wrong method on known paths
c1=$(req GET /control/fault/vram "$TMP/f1")
c2=$(req POST /metrics "$TMP/f2")
if [ "$c1" = 405 ] && grep -qi '^allow: POST, DELETE' "$TMP/f1.h" &&
	[ "$c2" = 405 ] && grep -qi '^allow: GET, HEAD' "$TMP/f2.h"; then
	ok "wrong method: 405 with an Allow header"
else
	not_ok "wrong method: 405 with Allow" "$c1 $(grep -i allow "$TMP/f1.h"); $c2 $(grep -i allow "$TMP/f2.h")"
fi

# 18: anything else
code=$(req GET /api/v1/query "$TMP/f")
check "unknown path: 404" test "$code" = 404

# 19..28: request framing; each response once, whole, its body valid JSON.
# The control API takes no body, but real clients send Content-Length: 0 on an
# empty POST (curl -d '', Go, Python requests), some send a body, some chunk it.
U=http://127.0.0.1:$PORT
VRAM_ON='{"fault":"vram","active":true,"node":"director-3"}'
VRAM_OFF='{"fault":"vram","active":false,"node":"director-3"}'
NO_FAULTS='{"faults":[]}'

# 19: POST with Content-Length: 0 (curl -d '') once sent its headers twice
http cl0 -X POST -d '' "$U/control/fault/vram"
framing "POST with Content-Length: 0 (-d ''): one status line, one header set, JSON body" cl0 200 "$VRAM_ON"

# 20: DELETE with Content-Length: 0
http del0 -X DELETE -H 'Content-Length: 0' "$U/control/fault/vram"
framing "DELETE with Content-Length: 0: answered once" del0 200 "$VRAM_OFF"

# 21: POST with a small body
http small -X POST -d '{}' "$U/control/fault/vram"
framing "POST with a 2-byte body: answered once" small 200 "$VRAM_ON"

# 22: a Content-Length: 0 header given by hand, no -d
http cl0h -X POST -H 'Content-Length: 0' "$U/control/reset"
framing "POST with -H 'Content-Length: 0': answered once" cl0h 200 "$NO_FAULTS"

# 23: chunked body, then a second request: lws 4.1 does not frame chunked
# bodies, icnsim decodes them and closes such a connection after answering
http chunked -X POST -H 'Transfer-Encoding: chunked' -d '{}' "$U/control/fault/vram" "$U/control/reset"
if responses chunked 200 "$VRAM_ON" "$NO_FAULTS" &&
	[ "$(grep -c '^connection: close$' "$TMP/chunked")" = 2 ]; then
	ok "POST with Transfer-Encoding: chunked: each of two answered once, with Connection: close"
else
	not_ok "POST with Transfer-Encoding: chunked" "$why" "$(head -c 600 "$TMP/chunked")"
fi

# 24: keep-alive: two GETs on one connection
http ka "$U/control/faults" "$U/control/faults"
if responses ka 200 "$NO_FAULTS" "$NO_FAULTS" && reused ka; then
	ok "keep-alive: two GETs on one connection, each answered once"
else
	not_ok "keep-alive: two GETs on one connection" "${why:-connection not reused}" "$(grep -i connect "$TMP/ka.v")"
fi

# 25: keep-alive: two POSTs with Content-Length: 0 on one connection
http ka0 -X POST -d '' "$U/control/fault/vram" "$U/control/reset"
if responses ka0 200 "$VRAM_ON" "$NO_FAULTS" && reused ka0; then
	ok "keep-alive: two POSTs with Content-Length: 0 on one connection, each answered once"
else
	not_ok "keep-alive: two POSTs with Content-Length: 0" "${why:-connection not reused}" "$(head -c 600 "$TMP/ka0")"
fi

# 26: POST with no Content-Length at all, twice: lws 4.1 would take the
# second request for the first one's body and hang; icnsim closes instead
http nocl -X POST "$U/control/fault/vram" "$U/control/reset"
if responses nocl 200 "$VRAM_ON" "$NO_FAULTS" && [ "$(grep -c '^connection: close$' "$TMP/nocl")" = 2 ]; then
	ok "POST without Content-Length, twice: each answered once, with Connection: close, no hang"
else
	not_ok "POST without Content-Length, twice" "$why" "$(head -c 600 "$TMP/nocl")"
fi

# 27: a 100 KB body, many times lws's rx buffer, then a second request on the
# same connection (Expect: off, lws 4.1 does not answer 100-continue)
head -c 102400 /dev/zero | tr '\0' x >"$TMP/big.data"
http big -X POST -H 'Expect:' --data-binary @"$TMP/big.data" "$U/control/fault/vram" "$U/control/reset"
if responses big 200 "$VRAM_ON" "$NO_FAULTS" && reused big; then
	ok "POST with a 100 KB body, then another on the same connection: each answered once"
else
	not_ok "POST with a 100 KB body" "${why:-connection not reused}" "$(head -c 600 "$TMP/big")"
fi

# 28: the same 100 KB, chunked
http bigc -X POST -H 'Expect:' -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big.data" "$U/control/reset"
framing "POST with a 100 KB chunked body: answered once" bigc 200 "$NO_FAULTS"

# 29: same seed, same first scrape (the newest block's wall-clock time aside)
if start a --seed 42; then
	scrape "$TMP/a"
	stop "$PID"
	if start b --seed 42; then
		scrape "$TMP/b"
		stop "$PID"
	fi
fi
grep -v '^substrate_block_timestamp{' "$TMP/a" >"$TMP/a.cmp" 2>/dev/null
grep -v '^substrate_block_timestamp{' "$TMP/b" >"$TMP/b.cmp" 2>/dev/null
if [ -s "$TMP/a.cmp" ] && cmp -s "$TMP/a.cmp" "$TMP/b.cmp"; then
	ok "same seed, same first scrape"
else
	not_ok "same seed, same first scrape" "$(diff "$TMP/a.cmp" "$TMP/b.cmp" 2>&1 | head -5)"
fi

# 30: ... and another seed gives other data
if start c --seed 43; then
	scrape "$TMP/c"
	stop "$PID"
fi
grep -v '^substrate_block_timestamp{' "$TMP/c" >"$TMP/c.cmp" 2>/dev/null
if [ -s "$TMP/c.cmp" ] && ! cmp -s "$TMP/a.cmp" "$TMP/c.cmp"; then
	ok "another seed, other data"
else
	not_ok "another seed, other data"
fi

# 31: bad arguments
bad=
for args in "--seed x" "--block-interval 0" "--listen nowhere" "--frobnicate" "stray"; do
	# shellcheck disable=SC2086 # split on purpose
	"$ICNSIM" $args >/dev/null 2>"$TMP/bad.err"
	st=$?
	[ $st = 2 ] && [ -s "$TMP/bad.err" ] || bad="$bad [$args: $st]"
done
check "bad arguments: message on stderr, exit 2" test -z "$bad"

# 32: SIGTERM ends it promptly with status 0
stop "$MAIN"
st=$?
if [ $st = 0 ]; then
	ok "SIGTERM: exit 0"
else
	not_ok "SIGTERM: exit 0" "status $st" "$(cat "$TMP/main.err")"
fi

exit $failed
