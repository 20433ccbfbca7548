#!/usr/bin/env bash
# test_logs.sh: icn-console logs against icnsim's Loki API. The history, then
# `logs --tail --output jsonl` while the tail is cut three times (a close 1011,
# and two TCP drops, 1006): every line icnsim holds in the time the command
# covered is printed exactly once, none invented, in time order per stream.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 24
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-logs.XXXXXX")
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

"$ICNSIM" --listen 127.0.0.1:0 --seed 7 --block-interval 1 --log-rate 40 >"$work/sim.out" 2>"$work/sim.err" &
pid=$!
url=
for _ in $(seq 100); do
	url=$(sed -n 's|^icnsim: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/sim.out")
	[[ -n $url ]] && break
	sleep 0.1
done
[[ -n $url ]] || { echo "Bail out! icnsim did not start: $(cat "$work/sim.err")"; exit 1; }
logs() { "$ICN_CONSOLE" --loki "$url" logs "$@"; }

# verify FILE URL NAME: FILE holds exactly what icnsim at URL holds between its
# first and last line (paged forward), each once, in time order per stream.
verify() {
	local file=$1 url=$2 name=$3 first last start end n verdict
	last=$(jq -s -r '[.[].ts] | max_by(tonumber)' "$file")
	first=$(jq -s -r '[.[].ts] | min_by(tonumber)' "$file")
	: >"$work/want.jsonl"
	start=$first
	end=$(python3 -c "print($last + 1)")
	while :; do
		curl -sf -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app=~".+"}' \
			--data-urlencode "start=$start" --data-urlencode "end=$end" \
			--data-urlencode "limit=5000" --data-urlencode "direction=forward" >"$work/page.json" || break
		jq -c '.data.result[] | .stream as $s | .values[] | {ts: .[0], labels: $s, line: .[1]}' "$work/page.json" >>"$work/want.jsonl"
		n=$(jq '[.data.result[].values[]] | length' "$work/page.json")
		((n < 5000)) && break
		start=$(jq -r '[.data.result[].values[][0]] | max_by(tonumber)' "$work/page.json")
	done
	verdict=$(python3 - "$file" "$work/want.jsonl" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [json.loads(l) for l in open(sys.argv[2])]
key = lambda e: (e["ts"], json.dumps(e["labels"], sort_keys=True), e["line"])
gk = [key(e) for e in got]
wk = set(key(e) for e in want)
dups = len(gk) - len(set(gk))
missing = len(wk - set(gk))
extra = len(set(gk) - wk)
order = True
last = {}
for e in got:
    s = json.dumps(e["labels"], sort_keys=True)
    if s in last and int(e["ts"]) < last[s]:
        order = False
    last[s] = int(e["ts"])
print(f"{len(got)} {len(wk)} {dups} {missing} {extra} {int(order)}")
PY
)
	local n_got n_want dups missing extra order
	read -r n_got n_want dups missing extra order <<<"$verdict"
	if [[ $dups == 0 ]]; then ok "$name: no line printed twice ($n_got lines)"; else not_ok "$name: no line printed twice" "$dups duplicates of $n_got"; fi
	if [[ $missing == 0 && $extra == 0 && $n_got -gt 100 ]]; then
		ok "$name: exactly the $n_want lines icnsim holds for the time covered, none lost, none invented"
	else
		not_ok "$name: exactly the lines icnsim holds" "got $n_got, icnsim $n_want, missing $missing, extra $extra" "$(cat "$work/t.err")"
	fi
	if [[ $order == 1 ]]; then ok "$name: in time order per stream"; else not_ok "$name: in time order per stream"; fi
}

# the history alone
logs '{app="icn-director"}' --since 1m --limit 7 --output jsonl >"$work/h.jsonl" 2>"$work/h.err"
rc=$?
if [[ $rc == 0 ]] && [[ $(wc -l <"$work/h.jsonl") == 7 ]] &&
	jq -e -s 'all(.[]; .labels.app == "icn-director" and (.ts | test("^[0-9]+$")))' "$work/h.jsonl" >/dev/null; then
	ok "history: the newest 7 lines, jsonl with ts as a string of ns"
else
	not_ok "history: the newest 7 lines, jsonl with ts as a string of ns" "rc=$rc" "$(head -3 "$work/h.jsonl")" "$(cat "$work/h.err")"
fi
check "history: oldest first" jq -e -s '[.[].ts | tonumber] as $t | $t == ($t | sort)' "$work/h.jsonl"
check "history: says the window held more than --limit" grep -q "newest 7 lines" "$work/h.err"

# a query Loki refuses: named, exit 1
logs '{app="icn-director"} | json' --since 1m >"$work/bad.out" 2>"$work/bad.err"
rc=$?
if [[ $rc == 1 ]] && grep -q "not supported by icnsim" "$work/bad.err"; then ok "a refused query: exit 1 with Loki's words"; else not_ok "a refused query: exit 1 with Loki's words" "rc=$rc" "$(cat "$work/bad.err")"; fi

# the tail, cut three times
logs '{app=~".+"}' --since 2s --limit 5000 --tail --duration 15s --output jsonl >"$work/t.jsonl" 2>"$work/t.err" &
cpid=$!
sleep 3
curl -sf -X POST "$url/control/loki/tail/close" >/dev/null
sleep 3
curl -sf -X POST "$url/control/loki/tail/drop" >/dev/null
sleep 3.5
curl -sf -X POST "$url/control/loki/tail/drop" >/dev/null
wait "$cpid"
rc=$?
check "tail: ends by itself after --duration, exit 0" test "$rc" = 0
n_cut=$(grep -c "again in" "$work/t.err")
if [[ $n_cut -ge 3 ]]; then ok "tail: the three cuts were said on stderr ($n_cut)"; else not_ok "tail: the three cuts were said on stderr" "$(cat "$work/t.err")"; fi

verify "$work/t.jsonl" "$url" "tail"

# Loki drops entries for a slow reader (dropped_entries): they are read back
# by query_range and printed in their place, said on stderr, each once
logs '{app=~".+"}' --since 1s --limit 5000 --tail --duration 6s --output jsonl >"$work/d.jsonl" 2>"$work/d.err" &
cpid=$!
sleep 2
curl -sf -X POST "$url/control/loki/tail/slow?drop=10" >/dev/null
wait "$cpid"
if grep -q "Loki dropped 10 entries .*read back" "$work/d.err"; then ok "dropped entries: read back, and said"; else not_ok "dropped entries: read back, and said" "$(cat "$work/d.err")"; fi
cp "$work/d.err" "$work/t.err"
verify "$work/d.jsonl" "$url" "dropped entries"

# An outage longer than Loki's backfill (5,000 lines): icnsim logs 4,000 lines
# a second and the tail is cut twice in a row, so the second wait (2 s) misses
# about 8,000 lines; they are read back by query_range, every one once.
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$ICNSIM" --listen 127.0.0.1:0 --seed 8 --block-interval 1 --log-rate 4000 >"$work/sim2.out" 2>"$work/sim2.err" &
pid=$!
url=
# (at 4,000 lines a second icnsim fills its store first: slow under ASan)
for _ in $(seq 1200); do
	url=$(sed -n 's|^icnsim: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/sim2.out")
	[[ -n $url ]] && break
	sleep 0.1
done
[[ -n $url ]] || { echo "Bail out! icnsim at 4,000 lines/s did not start: $(cat "$work/sim2.err")"; exit 1; }
logs '{app=~".+"}' --since 1s --limit 5000 --tail --duration 9s --output jsonl >"$work/t.jsonl" 2>"$work/t.err" &
cpid=$!
sleep 2
curl -sf -X POST "$url/control/loki/tail/drop" >/dev/null
sleep 1.5
curl -sf -X POST "$url/control/loki/tail/drop" >/dev/null
wait "$cpid"
verify "$work/t.jsonl" "$url" "a long outage"

# Loki stops answering without closing anything (SIGSTOP: the kernel keeps the
# TCP connection up): the tail is pinged, and once nothing has come for 10 s
# it is asked again; after SIGCONT every line once
logs '{app=~".+"}' --since 1s --limit 5000 --tail --duration 24s --output jsonl >"$work/s.jsonl" 2>"$work/s.err" &
cpid=$!
sleep 2
kill -STOP "$pid"
sleep 14
kill -CONT "$pid"
wait "$cpid"
if grep -q "Loki sent nothing for 10 s" "$work/s.err"; then ok "a stopped Loki: the dead tail is noticed and asked again"; else not_ok "a stopped Loki: the dead tail is noticed" "$(cat "$work/s.err")"; fi
cp "$work/s.err" "$work/t.err"
verify "$work/s.jsonl" "$url" "a stopped Loki"

# A history longer than one page (Loki answers at most 5,000 lines a request):
# the newest 12,000 lines of the window, read in three pages backward, the
# lines at each page boundary once.
logs '{app=~".+"}' --since 30s --limit 12000 --output jsonl >"$work/p.jsonl" 2>"$work/p.err"
rc=$?
n=$(wc -l <"$work/p.jsonl")
if [[ $rc == 0 && $n == 12000 ]] && grep -q "newest 12000 lines" "$work/p.err"; then
	ok "history over pages: the newest 12000 lines, and says older ones are not shown"
else
	not_ok "history over pages: the newest 12000 lines" "rc=$rc n=$n" "$(cat "$work/p.err")"
fi
cp "$work/p.err" "$work/t.err"
verify "$work/p.jsonl" "$url" "history over pages"

exit $((tap_failed > 0))
