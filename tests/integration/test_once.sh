#!/usr/bin/env bash
# test_once.sh: icn-console --once and targets against the real stack (Prometheus,
# Alertmanager, icnsim): values equal Prometheus's own answers, faults turn panels
# crit, a dead Prometheus is named and exits 1.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 20
trap stack_stop EXIT
stack_start
work=$STACK_DIR
run() { "$ICN_CONSOLE" --config "$STACK_CONFIG" "$@"; }

# Every panel has data once Prometheus has a few scrapes (rate() needs two).
all_have_values() {
	run --once --output json >"$work/once.json" 2>"$work/once.err" &&
		jq -e '[.panels[] | select(.state == "error" or (.values | length) == 0)] | length == 0' \
			"$work/once.json" >/dev/null
}
if wait_for 40 all_have_values; then
	ok "--once --output json: every panel answers (exit 0)"
else
	not_ok "--once --output json: every panel answers (exit 0)" "$(cat "$work/once.err")" \
		"$(jq -c '.panels[] | {title, state, error, n: (.values|length)}' "$work/once.json" 2>&1)"
fi

titles=$(jq -r '.panels[].title' "$work/once.json" | paste -sd '|')
expect='Time since last block|Block production rate|BFT failures (5m)|P2P connected peers|Vortex VRAM|Vortex generation P99|BFT round P99|Stake by region|Slashing events (24h)'
if [[ $titles == "$expect" ]]; then ok "the nine ICN panels, in order"; else not_ok "the nine ICN panels, in order" "got: $titles"; fi

check "JSON names the context and each panel's type and unit" \
	jq -e '.context == "demo" and ([.panels[] | select(.type and .unit and .state and .stale == false and (.age | type) == "number")] | length == 9)' "$work/once.json"

# Each panel's values equal what Prometheus answers for the same query at the
# same evaluation time (the console asks at a time it reports).
mismatch=""
n=$(jq '.panels | length' "$work/once.json")
for ((i = 0; i < n; i++)); do
	q=$(jq -r ".panels[$i].query" "$work/once.json")
	t=$(jq -r ".panels[$i].time" "$work/once.json")
	t=$(printf '%.3f' "$t")
	prom_query "$q" "$t" >"$work/p$i.json" || { mismatch+="panel $i: Prometheus did not answer; "; continue; }
	if ! jq -e -n --slurpfile c "$work/once.json" --slurpfile p "$work/p$i.json" --argjson i "$i" '
		def key: del(.["__name__"]) | to_entries | sort_by(.key) | from_entries | tojson;
		def num: if . == "NaN" or . == "+Inf" or . == "-Inf" then null else tonumber end;
		($c[0].panels[$i].values | map({(.labels | key): .value}) | add // {}) as $mine
		| ($p[0].data.result | map({(.metric | key): (.value[1] | num)}) | add // {}) as $theirs
		| ($mine | keys) == ($theirs | keys)
		  and all($mine | keys[]; . as $k | ($mine[$k] == null and $theirs[$k] == null)
		       or (($mine[$k] - $theirs[$k]) | fabs) <= 1e-9 * (1 + ($theirs[$k] | fabs)))
	' >/dev/null; then
		mismatch+="panel $i ($q): console $(jq -c ".panels[$i].values" "$work/once.json") vs prometheus $(jq -c .data.result "$work/p$i.json"); "
	fi
done
if [[ -z $mismatch ]]; then ok "every panel's values equal Prometheus's answer at the same time"; else not_ok "every panel's values equal Prometheus's answer at the same time" "$mismatch"; fi

check "healthy cluster: VRAM panel is ok" jq -e '.panels[] | select(.title == "Vortex VRAM") | .state == "ok"' "$work/once.json"
check "stake bars carry a total and one value per region" \
	jq -e '.panels[] | select(.title == "Stake by region") | (.total > 0) and ((.values | length) >= 3) and all(.values[]; .labels.region)' "$work/once.json"

run --once >"$work/once.txt" 2>&1
rc=$?
if [[ $rc -eq 0 ]] && grep -q "Vortex VRAM" "$work/once.txt"; then ok "--once text output, exit 0"; else not_ok "--once text output, exit 0" "rc=$rc" "$(cat "$work/once.txt")"; fi

# The VRAM fault in icnsim reaches the panel through the real Prometheus.
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
vram_crit() {
	run --once --output json >"$work/f.json" 2>/dev/null
	jq -e '.panels[] | select(.title == "Vortex VRAM") | .state == "crit" and .value > 11.5e9' "$work/f.json"
}
if wait_for 30 vram_crit; then ok "VRAM fault turns the VRAM panel crit"; else not_ok "VRAM fault turns the VRAM panel crit" "$(jq -c '.panels[] | select(.title == "Vortex VRAM")' "$work/f.json")"; fi
# the text names the culprit (icnsim's default VRAM fault: director-3) and lists its row first
run --once >"$work/f.txt" 2>&1
if grep -E '^  Vortex VRAM .* crit +\(director-3\)' "$work/f.txt" >/dev/null &&
	[[ $(grep -A1 '^  Vortex VRAM ' "$work/f.txt" | tail -1) =~ ^\ +director-3\ .*crit$ ]]; then
	ok "--once text: VRAM names director-3, and its row comes first"
else
	not_ok "--once text: VRAM names director-3, and its row comes first" "$(cat "$work/f.txt")"
fi
rc=0
run --once --output json >/dev/null 2>&1 || rc=$?
if [[ $rc -eq 0 ]]; then ok "a crit panel is not a failure: --once still exits 0"; else not_ok "a crit panel is not a failure: --once still exits 0" "rc=$rc"; fi
# ...and, through the real rule and Alertmanager, the firing count (fast mode: for: 2s).
firing() {
	run --once --output json >"$work/a.json" 2>/dev/null
	jq -e '.firing >= 1' "$work/a.json"
}
if wait_for 40 firing; then ok "VortexOOM fires in Alertmanager: firing >= 1"; else not_ok "VortexOOM fires in Alertmanager: firing >= 1" "$(jq -c '{firing, backends}' "$work/a.json")"; fi
check "healthy Alertmanager is reported ok" jq -e '[.backends[] | select(.name == "alertmanager" and .health == "ok")] | length == 1' "$work/a.json"
check "the context's Loki is checked and reported ok" jq -e '[.backends[] | select(.name == "loki" and .health == "ok")] | length == 1' "$work/a.json"
# a Loki that is not there: exit 1, named, though every panel has its data
rc=0
run --loki http://127.0.0.1:9 --once --output json >"$work/noloki.json" 2>"$work/noloki.err" || rc=$?
if [[ $rc -eq 1 ]] && grep -q "loki at http://127.0.0.1:9" "$work/noloki.err" &&
	jq -e '[.backends[] | select(.name == "loki" and .health == "down")] | length == 1' "$work/noloki.json" >/dev/null; then
	ok "a Loki not there: --once exits 1 and names it"
else
	not_ok "a Loki not there: --once exits 1 and names it" "rc=$rc" "$(cat "$work/noloki.err")"
fi
check "the context's Jaeger is checked (its API found) and reported ok" jq -e '[.backends[] | select(.name == "jaeger" and .health == "ok")] | length == 1' "$work/a.json"
# a Jaeger that is not there: the same
rc=0
run --jaeger http://127.0.0.1:9 --once --output json >"$work/nojaeger.json" 2>"$work/nojaeger.err" || rc=$?
if [[ $rc -eq 1 ]] && grep -q "jaeger at http://127.0.0.1:9: connection refused" "$work/nojaeger.err" &&
	jq -e '[.backends[] | select(.name == "jaeger" and .health == "down")] | length == 1' "$work/nojaeger.json" >/dev/null; then
	ok "a Jaeger not there: --once exits 1 and names it"
else
	not_ok "a Jaeger not there: --once exits 1 and names it" "rc=$rc" "$(cat "$work/nojaeger.err")"
fi
curl -sf -X POST "$ICNSIM_URL/control/reset" >/dev/null

# targets: the icn job, up
if run targets --output json >"$work/t.json" 2>"$work/t.err" &&
	jq -e '[.targets[] | select(.job == "icn" and .health == "up")] | length == 1' "$work/t.json" >/dev/null; then
	ok "targets --output json lists the icn job up"
else
	not_ok "targets --output json lists the icn job up" "$(cat "$work/t.err" "$work/t.json")"
fi

# targets: last_scrape at full precision, equal to Prometheus's own lastScrape
# (RFC 3339 with ns). Prometheus scrapes between our two looks at it: try until
# its answers before and after the console's agree.
same_scrape() {
	curl -sf --max-time 5 "$PROMETHEUS_URL/api/v1/targets?state=active" >"$work/pt1.json" &&
		run targets --output json >"$work/t2.json" 2>/dev/null &&
		curl -sf --max-time 5 "$PROMETHEUS_URL/api/v1/targets?state=active" >"$work/pt2.json" &&
		cmp -s <(jq -c '[.data.activeTargets[] | .lastScrape]' "$work/pt1.json") \
			<(jq -c '[.data.activeTargets[] | .lastScrape]' "$work/pt2.json")
}
if wait_for 20 same_scrape; then
	prec=$(python3 - "$work/t2.json" "$work/pt1.json" <<'PY'
import calendar, json, re, sys
mine = json.load(open(sys.argv[1]))["targets"]
theirs = json.load(open(sys.argv[2]))["data"]["activeTargets"]
def unix(s):
    m = re.match(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?(Z|([+-])(\d+):(\d+))$", s)
    t = calendar.timegm(tuple(int(m.group(i)) for i in range(1, 7))) + float(m.group(7) or 0)
    if m.group(8) != "Z":
        off = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        t -= off if m.group(9) == "+" else -off
    return t
by = {(t["labels"].get("job"), t["labels"].get("instance")): t for t in theirs}
bad = [
    "%s %s: %r vs %s" % (t["job"], t["instance"], t["last_scrape"], by[(t["job"], t["instance"])]["lastScrape"])
    for t in mine
    if abs(t["last_scrape"] - unix(by[(t["job"], t["instance"])]["lastScrape"])) > 1e-6
]
print("ok" if mine and not bad else "; ".join(bad) or "no targets")
PY
)
	if [[ $prec == ok ]]; then ok "targets --output json: last_scrape equals Prometheus's lastScrape to the microsecond"; else not_ok "targets --output json: last_scrape equals Prometheus's lastScrape to the microsecond" "$prec"; fi
else
	not_ok "targets --output json: last_scrape equals Prometheus's lastScrape to the microsecond" "Prometheus's answers never agreed"
fi

# A dead Prometheus: exit 1, the message names it, the JSON still comes, panels in error.
kill "$PROMETHEUS_PID"
wait_for 10 bash -c "! kill -0 $PROMETHEUS_PID"
rc=0
run --once --output json >"$work/dead.json" 2>"$work/dead.err" || rc=$?
if [[ $rc -eq 1 ]] && grep -qi "prometheus" "$work/dead.err" && grep -q "${PROMETHEUS_URL#http://}" "$work/dead.err"; then
	ok "Prometheus stopped: --once exits 1 and names it"
else
	not_ok "Prometheus stopped: --once exits 1 and names it" "rc=$rc" "$(cat "$work/dead.err")"
fi
check "Prometheus stopped: every panel reports error" \
	jq -e '[.panels[] | select(.state == "error" and (.error | test("prometheus")))] | length == 9' "$work/dead.json"
exit 0
