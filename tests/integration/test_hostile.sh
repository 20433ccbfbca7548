#!/usr/bin/env bash
# test_hostile.sh: icn-console --once against Prometheus stand-ins that answer
# badly (tests/stack/hostile-prom): a high-cardinality answer over the size cap
# is stopped and named with its query; under the cap the worst series are kept
# and counted; HTML, a 404 page and a non-HTTP peer mark Prometheus down with
# the reason; a 5xx error envelope is shown as Prometheus said it.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 16
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-hostile.XXXXXX")
pid=
stop() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap 'stop; rm -rf "$work"' EXIT

# start MODE [ARGS...]: a stand-in on a free loopback port; sets $url
start() {
	stop
	rm -f "$work/port"
	"$top_srcdir/tests/stack/hostile-prom" "$@" --port-file "$work/port" >/dev/null 2>"$work/hp.err" &
	pid=$!
	wait_for 120 test -s "$work/port" || { echo "Bail out! hostile-prom $1 did not start: $(cat "$work/hp.err")"; exit 1; }
	url=http://127.0.0.1:$(cat "$work/port")
}

# once [ARGS...]: --once --output json against $url (no Alertmanager); exit code in $rc
once() {
	"$ICN_CONSOLE" --prometheus "$url" --alertmanager "http://127.0.0.1:9" --timeout 20s \
		--once --output json "$@" >"$work/once.json" 2>"$work/once.err"
	rc=$?
}
prom_json() { jq -c '.backends[] | select(.name == "prometheus")' "$work/once.json"; }

# 150,000 series: about 37 MB, over the 16 MB default cap
start huge
once
check "huge answer: --once ends with exit 1" test "$rc" = 1
if jq -e '(.panels | length) as $n | [.panels[] | select(.error | test("^answer too large \\([0-9]+ MB > 16 MB cap\\) for \u0027.+\u0027: narrow the query$"))] | length == $n' "$work/once.json" >/dev/null &&
	jq -e '.panels[] | select(.title == "Vortex VRAM") | .error | contains("for \u0027icn_vortex_vram_usage_bytes\u0027")' "$work/once.json" >/dev/null; then
	ok "huge answer: every panel says 'answer too large (N MB > 16 MB cap)' and names its query"
else
	not_ok "huge answer: every panel says 'answer too large (N MB > 16 MB cap)' and names its query" "$(jq -c '[.panels[].error]' "$work/once.json")"
fi
check "huge answer: Prometheus itself is up (the query is at fault)" \
	jq -e '.backends[] | select(.name == "prometheus") | .health == "ok"' "$work/once.json"

# the cap comes from the config
printf 'limits:\n  answer-size: 64KB\n  series: 7\n' >"$work/limits.yaml"
start huge --series 3000
once --config "$work/limits.yaml"
check "limits answer-size from the config: 64 KB cap" \
	jq -e '.panels[0].error | test("> 0 MB cap|64 KB|0 MB cap")' "$work/once.json"

# under the cap: the worst series kept, counted, and the reduction over all of them
start huge --series 5000
curl -sf "$url/api/v1/query?query=x" >"$work/body.json"
once
check "5,000 series: answered (exit 0 or 1 by thresholds, not 2)" test "$rc" -le 1
check "5,000 series: the VRAM panel keeps 200 and counts 5,000" \
	jq -e '.panels[] | select(.title == "Vortex VRAM") | (.values | length) == 200 and .series_total == 5000' "$work/once.json"
want=$(jq '[.data.result[].value[1] | tonumber] | max' "$work/body.json")
check "5,000 series: the VRAM value is the maximum over all 5,000 ($want)" \
	jq -e --argjson w "$want" '.panels[] | select(.title == "Vortex VRAM") | .value == $w' "$work/once.json"
worst=$(jq -r '[.data.result[] | {n: .metric.node, v: (.value[1] | tonumber)}] | sort_by(-.v, .n) | .[:200] | map(.n) | sort | join(",")' "$work/body.json")
got=$(jq -r '.panels[] | select(.title == "Vortex VRAM") | [.values[].labels.node] | sort | join(",")' "$work/once.json")
if [[ $got == "$worst" ]]; then ok "5,000 series: the 200 kept are the 200 highest (VRAM's thresholds are '>')"; else not_ok "5,000 series: the 200 kept are the 200 highest" "got ${got:0:200}..." "want ${worst:0:200}..."; fi
"$ICN_CONSOLE" --prometheus "$url" --alertmanager "http://127.0.0.1:9" --once >"$work/once.txt" 2>&1
check "5,000 series: text output says 'showing 200 of 5000 series'" grep -q "showing 200 of 5000 series" "$work/once.txt"
want=$(jq '[.data.result[].value[1] | tonumber] | add' "$work/body.json")
check "5,000 series: the stake bars' total covers all 5,000 ($want)" \
	jq -e --argjson w "$want" '.panels[] | select(.title == "Stake by region") | .total == $w' "$work/once.json"

# answers that are not Prometheus's
start html
once
check "HTML login page: Prometheus down, 'not a Prometheus API: HTTP 200 text/html'" \
	jq -e '.backends[] | select(.name == "prometheus") | .health == "down" and .error == "not a Prometheus API: HTTP 200 text/html"' "$work/once.json"
start notfound
once
check "404 page: Prometheus down, 'not a Prometheus API: HTTP 404 text/html'" \
	jq -e '.backends[] | select(.name == "prometheus") | .health == "down" and .error == "not a Prometheus API: HTTP 404 text/html"' "$work/once.json"
start nonhttp
once
if prom_json | jq -e '.health == "down" and (.error | startswith("not an HTTP answer"))' >/dev/null &&
	! grep -qi "unsupported" "$work/once.json" "$work/once.err"; then
	ok "an SSH daemon on the port: 'not an HTTP answer', not an unsupported URL scheme"
else
	not_ok "an SSH daemon on the port: 'not an HTTP answer'" "$(prom_json)" "$(cat "$work/once.err")"
fi
start envelope
once
check "503 with Prometheus's error envelope: the panel says what Prometheus said" \
	jq -e '.panels[0].error == "unavailable: TSDB not ready: WAL replay in progress"' "$work/once.json"
check "503 with Prometheus's error envelope: Prometheus down, with what it said" \
	jq -e '.backends[] | select(.name == "prometheus") | .health == "down" and .error == "HTTP 503: unavailable: TSDB not ready: WAL replay in progress"' "$work/once.json"
check "503 envelope: exit 1" test "$rc" = 1
exit $((tap_failed > 0))
