#!/usr/bin/env bash
# test_stack.sh: the fast stack end to end: scrape, rules, a VRAM fault firing VortexOOM into Alertmanager, stop (TAP).
# Functions run through check() look unreachable to shellcheck.
# shellcheck disable=SC2317
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
stack=$here/icn-stack
export ICNSIM=${ICNSIM:-$top/build/icnsim}
plan=13
wait_s=${ICN_STACK_TEST_WAIT:-60}

echo "1..$plan"
skip_all() {
	local i
	for ((i = 1; i <= plan; i++)); do
		echo "ok $i # SKIP $1"
	done
	exit 0
}
[[ -x $ICNSIM ]] || skip_all "icnsim not built ($ICNSIM)"
for prog in "${PROMETHEUS:-prometheus}" "${ALERTMANAGER:-prometheus-alertmanager}" curl ss; do
	command -v "$prog" >/dev/null || skip_all "$prog not installed"
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/icn-stack-test.XXXXXX")
n=0
failed=0
pids=()

cleanup() {
	"$stack" stop --dir "$dir" >/dev/null 2>&1 || true
	if ((failed)); then
		local log
		for log in "$dir"/*.log; do
			[[ -f $log ]] || continue
			echo "# --- last lines of $(basename "$log")"
			tail -n 15 "$log" | sed 's/^/#   /'
		done
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

# check NAME CMD...: one TAP line, ok when CMD succeeds, else not ok with its
# output as diagnostics.
check() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $name"
		[[ -z $out ]] || printf '%s\n' "$out" | sed 's/^/# /'
	else
		echo "not ok $n - $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

# A finished process may linger as a zombie until its parent reaps it.
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# poll SECONDS CMD...: retries CMD every 0.5 s; prints how long it took.
poll() {
	local limit=$1 t0=$SECONDS
	shift
	while ! "$@" >/dev/null 2>&1; do
		if ((SECONDS - t0 >= limit)); then
			echo "not within ${limit}s"
			"$@" 2>&1 | head -c 2000 || true
			return 1
		fi
		sleep 0.5
	done
	echo "after $((SECONDS - t0))s"
}

start_stack() {
	local t0=$SECONDS
	"$stack" start --fast --dir "$dir" || return 1
	echo "started in $((SECONDS - t0))s"
}
check "icn-stack start --fast" start_stack

# Without a stack there is nothing left to test.
if [[ ! -f $dir/env ]]; then
	for ((i = n + 1; i <= plan; i++)); do
		echo "not ok $i - stack did not start"
	done
	exit 1
fi
# shellcheck disable=SC1091
. "$dir/env"
mapfile -t pids < <(awk 'NF >= 2 { print $2 }' "$dir/pids")

files_written() {
	local f
	for f in env pids config.yaml icnsim.log prometheus.log alertmanager.log; do
		[[ -s $dir/$f ]] || { echo "$f missing"; return 1; }
	done
	[[ ${#pids[@]} -eq 3 ]] || { echo "pids lists ${#pids[@]} processes"; return 1; }
	local p
	for p in "${pids[@]}" "$ICNSIM_PID" "$PROMETHEUS_PID" "$ALERTMANAGER_PID"; do
		alive "$p" || { echo "pid $p is not running"; return 1; }
	done
	if ! grep -qx "current-context: demo" "$dir/config.yaml" ||
		! grep -qx "    prometheus: $PROMETHEUS_URL" "$dir/config.yaml" ||
		! grep -qx "    alertmanager: $ALERTMANAGER_URL" "$dir/config.yaml"; then
		cat "$dir/config.yaml"
		return 1
	fi
	[[ $PROMETHEUS_URL =~ ^http://127\.0\.0\.1:[0-9]+$ && $ALERTMANAGER_URL =~ ^http://127\.0\.0\.1:[0-9]+$ &&
		$ICNSIM_URL =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || { cat "$dir/env"; return 1; }
}
check "env, pids, config.yaml and logs written; the three servers run" files_written

# The default is one Alertmanager with clustering off, as before --am-peers.
single_peer() {
	[[ $ALERTMANAGER_URLS == "$ALERTMANAGER_URL" && $ALERTMANAGER_PIDS == "$ALERTMANAGER_PID" ]] ||
		{ cat "$dir/env"; return 1; }
	! grep -q '^ALERTMANAGER_[A-Z]*_[0-9]' "$dir/env" || { cat "$dir/env"; return 1; }
	local cmd out
	cmd=$(tr '\0' '\n' <"/proc/$ALERTMANAGER_PID/cmdline") || return 1
	grep -qx -- '--cluster.listen-address=' <<<"$cmd" || { echo "$cmd"; return 1; }
	out=$(curl -fsS -m 5 "$ALERTMANAGER_URL/api/v2/status") || return 1
	[[ $out == *'"status":"disabled"'* ]] || { echo "$out" | head -c 2000; return 1; }
}
check "one Alertmanager, clustering off (--cluster.listen-address=)" single_peer

prom_query() {
	curl -fsS -m 5 --get --data-urlencode "query=$1" "$PROMETHEUS_URL/api/v1/query"
}

up_is_1() {
	local out re='"job":"icn"[^]]*"value":\[[0-9.e+]+,"1"\]'
	out=$(prom_query 'up{job="icn"}') || return 1
	[[ $out =~ $re ]] || { echo "$out"; return 1; }
}
check "Prometheus scrapes icnsim: up{job=\"icn\"} == 1" up_is_1

rules_loaded() {
	local out name
	out=$(curl -fsS -m 5 "$PROMETHEUS_URL/api/v1/rules?type=alert") || return 1
	for name in DirectorSlotMissed VortexOOM ChainDisconnected StakeConcentration BftLatencyHigh; do
		[[ $out == *"\"name\":\"$name\""* ]] || { echo "$name not loaded"; return 1; }
	done
	# fast mode: for: 2s
	[[ $out == *'"duration":2,'* ]] || { echo "for: is not 2s"; return 1; }
}
check "the five ICN alert rules are loaded (for: 2s)" rules_loaded

healthy_vram() {
	local out
	out=$(prom_query 'max(icn_vortex_vram_usage_bytes) < 11.5e9') || return 1
	[[ $out == *'"result":[{'* ]] || { echo "VRAM not below 11.5e9 before the fault: $out"; return 1; }
	out=$(curl -fsS -m 5 "$PROMETHEUS_URL/api/v1/alerts") || return 1
	[[ $out != *'"alertname":"VortexOOM"'* ]] || { echo "$out"; return 1; }
}
check "healthy: VRAM below 11.5e9 and VortexOOM not active" healthy_vram

inject() {
	local out
	out=$(curl -fsS -m 5 -X POST "$ICNSIM_URL/control/fault/vram") || return 1
	[[ $out == *'"vram"'* ]] || { echo "$out"; return 1; }
}
check "inject the vram fault (POST /control/fault/vram)" inject

am_alerts() {
	curl -fsS -m 5 --get --data-urlencode 'filter=alertname="VortexOOM"' "$ALERTMANAGER_URL/api/v2/alerts"
}

oom_in_am() {
	local out
	out=$(am_alerts) || return 1
	[[ $out == *'"alertname":"VortexOOM"'* && $out == *'"severity":"critical"'* && $out == *'"state":"active"'* ]] ||
		{ echo "$out"; return 1; }
}
check "VortexOOM (severity critical) reaches Alertmanager" poll "$wait_s" oom_in_am

routed_to_pager() {
	local out
	out=$(am_alerts) || return 1
	[[ $out == *'"receivers":[{"name":"pager"}]'* ]] || { echo "$out"; return 1; }
}
check "Alertmanager routes it to the pager receiver" routed_to_pager

reset() {
	curl -fsS -m 5 -o /dev/null -X POST "$ICNSIM_URL/control/reset"
}
check "reset icnsim (POST /control/reset)" reset

oom_resolved() {
	local out
	out=$(am_alerts) || return 1
	[[ $out != *'"alertname":"VortexOOM"'* ]] || { echo "$out"; return 1; }
}
check "VortexOOM resolves in Alertmanager after the reset" poll "$wait_s" oom_resolved

stop_stack() {
	"$stack" stop --dir "$dir" || return 1
	local p
	for p in "${pids[@]}"; do
		if alive "$p"; then
			echo "pid $p still runs"
			return 1
		fi
	done
	[[ ! -e $dir/pids && ! -e $dir/env ]] || { echo "pids/env left behind"; return 1; }
}
check "icn-stack stop: every pid is gone" stop_stack

check "icn-stack stop again is a no-op" "$stack" stop --dir "$dir"

exit "$failed"
