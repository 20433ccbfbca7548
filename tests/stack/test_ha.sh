#!/usr/bin/env bash
# test_ha.sh: icn-stack --am-peers 2: a real Alertmanager cluster on loopback; a silence made on one
# peer reaches the other and outlives the first peer's death; stop leaves nothing (TAP).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
# shellcheck source=tests/tap.sh
. "$top_srcdir/tests/tap.sh"
stack=$top_srcdir/tests/stack/icn-stack
wait_s=${ICN_STACK_TEST_WAIT:-60}
# gossip carries a silence to the other peer within a second or two
gossip_s=${ICN_HA_GOSSIP_WAIT:-20}
tests=11

plan "$tests"
skip_all() {
	local i
	for ((i = 1; i <= tests; i++)); do skip "Alertmanager HA" "$1"; done
	exit 0
}
[[ -x $ICNSIM ]] || skip_all "icnsim not built ($ICNSIM)"
for prog in "${PROMETHEUS:-prometheus}" "${ALERTMANAGER:-prometheus-alertmanager}" curl ss jq; do
	command -v "$prog" >/dev/null || skip_all "$prog not installed"
done
# amtool comes with prometheus-alertmanager; without it the silence is made with curl
amtool=${AMTOOL:-$(command -v amtool || true)}

dir=$(mktemp -d "${TMPDIR:-/tmp}/icn-ha-test.XXXXXX")
pids=()

cleanup() {
	"$stack" stop --dir "$dir" >/dev/null 2>&1 || true
	if ((tap_failed)); then
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

# t NAME CMD...: one TAP line; CMD's output becomes the diagnostics.
t() {
	local name=$1 out
	local -a lines=()
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
		[[ -z $out ]] || printf '%s\n' "$out" | sed 's/^/# /'
	else
		[[ -z $out ]] || mapfile -t lines <<<"$out"
		not_ok "$name" "${lines[@]}"
	fi
}

# poll SECONDS CMD...: retries CMD every 0.25 s; prints how long it took, or
# CMD's last output when it never succeeded.
poll() {
	local limit=$1 t0=$SECONDS
	shift
	while ! "$@" >/dev/null 2>&1; do
		if ((SECONDS - t0 >= limit)); then
			echo "not within ${limit}s"
			"$@" 2>&1 | head -c 2000 || true
			return 1
		fi
		sleep 0.25
	done
	echo "after $((SECONDS - t0))s"
}

# A finished process may linger as a zombie until its parent reaps it.
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

start_stack() {
	local t0=$SECONDS
	"$stack" start --fast --am-peers 2 --dir "$dir" || return 1
	echo "started in $((SECONDS - t0))s"
}
t "icn-stack start --fast --am-peers 2" start_stack

if [[ ! -f $dir/env ]]; then
	for ((i = tap_n + 1; i <= tests; i++)); do
		echo "not ok $i - stack did not start"
	done
	exit 1
fi
# shellcheck disable=SC1091
. "$dir/env"
mapfile -t pids < <(awk 'NF >= 2 { print $2 }' "$dir/pids")
am1=$ALERTMANAGER_URL
am2=${ALERTMANAGER_URL_2:-}

env_lists_peers() {
	[[ $ALERTMANAGER_URLS == "$am1,$am2" && $am2 =~ ^http://127\.0\.0\.1:[0-9]+$ && $am1 != "$am2" ]] ||
		{ cat "$dir/env"; return 1; }
	[[ $ALERTMANAGER_PIDS == "$ALERTMANAGER_PID $ALERTMANAGER_PID_2" ]] || { cat "$dir/env"; return 1; }
	[[ ${#pids[@]} -eq 4 ]] || { cat "$dir/pids"; return 1; }
	grep -q "^alertmanager-2 $ALERTMANAGER_PID_2 " "$dir/pids" || { cat "$dir/pids"; return 1; }
	local p
	for p in "${pids[@]}"; do
		alive "$p" || { echo "pid $p is not running"; return 1; }
	done
	if ! grep -qx "    alertmanager:" "$dir/config.yaml" || ! grep -qx "      - $am1" "$dir/config.yaml" ||
		! grep -qx "      - $am2" "$dir/config.yaml"; then
		cat "$dir/config.yaml"
		return 1
	fi
}
t "env, pids and config.yaml list both peers; all four processes run" env_lists_peers

# members URL: the peer's cluster addresses, sorted, one line, when it is ready
members() {
	curl -fsS -m 5 "$1/api/v2/status" |
		jq -er 'select(.cluster.status == "ready") | [.cluster.peers[].address] | sort | join(" ")'
}

both_see_two() {
	local m1 m2
	m1=$(members "$am1") || { echo "peer 1 not ready"; return 1; }
	m2=$(members "$am2") || { echo "peer 2 not ready"; return 1; }
	[[ $m1 == "$m2" && $(wc -w <<<"$m1") -eq 2 ]] || { echo "peer 1: $m1; peer 2: $m2"; return 1; }
	echo "members: $m1"
}
t "both peers are ready and see the same 2 cluster members" both_see_two

prom_sends_to_both() {
	local out
	out=$(curl -fsS -m 5 "$PROMETHEUS_URL/api/v1/alertmanagers") || return 1
	jq -e --arg a "$am1/api/v2/alerts" --arg b "$am2/api/v2/alerts" \
		'[.data.activeAlertmanagers[].url] | sort == ([$a, $b] | sort)' <<<"$out" >/dev/null ||
		{ echo "$out"; return 1; }
}
t "Prometheus sends to both peers (/api/v1/alertmanagers)" poll "$wait_s" prom_sends_to_both

oom_on() {
	curl -fsS -m 5 --get --data-urlencode 'filter=alertname="VortexOOM"' "$1/api/v2/alerts" |
		jq -e 'length > 0' >/dev/null
}
oom_on_both() {
	curl -fsS -m 5 -o /dev/null -X POST "$ICNSIM_URL/control/fault/vram" || return 1
	poll "$wait_s" oom_on "$am1" >/dev/null || { echo "VortexOOM not on peer 1"; return 1; }
	poll "$wait_s" oom_on "$am2" >/dev/null || { echo "VortexOOM not on peer 2"; return 1; }
}
t "a VRAM fault: VortexOOM reaches both peers" oom_on_both

# The silence's id goes to a file: t() runs each check in a subshell.
silence_on_1() {
	local out
	if [[ -n $amtool ]]; then
		out=$("$amtool" --alertmanager.url="$am1" silence add alertname=VortexOOM \
			--author=test_ha --comment="HA test" --duration=1h) || return 1
	else
		local now end
		now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
		end=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
		out=$(curl -fsS -m 5 -H 'Content-Type: application/json' -X POST "$am1/api/v2/silences" \
			--data '{"matchers":[{"name":"alertname","value":"VortexOOM","isRegex":false}],'"
				\"startsAt\":\"$now\",\"endsAt\":\"$end\",\"createdBy\":\"test_ha\",\"comment\":\"HA test\"}" |
			jq -r .silenceID) || return 1
	fi
	[[ $out =~ ^[0-9a-f-]{36}$ ]] || { echo "no silence id: $out"; return 1; }
	printf '%s\n' "$out" >"$dir/silence.id"
	echo "silence $out via ${amtool:-curl}"
}
t "create a silence on peer 1 (${amtool:+amtool }silence add alertname=VortexOOM)" silence_on_1
sil_id=$(cat "$dir/silence.id" 2>/dev/null || echo none)

# silence_active URL: the peer holds silence sil_id, active
silence_active() {
	curl -fsS -m 5 "$1/api/v2/silence/$sil_id" | jq -e '.status.state == "active"' >/dev/null
}
t "peer 2 holds the silence within ${gossip_s}s (gossip)" poll "$gossip_s" silence_active "$am2"

kill_peer_1() {
	local i
	kill -KILL "$ALERTMANAGER_PID" || return 1
	for ((i = 0; i < 50; i++)); do
		alive "$ALERTMANAGER_PID" || return 0
		sleep 0.1
	done
	echo "pid $ALERTMANAGER_PID still runs"
	return 1
}
t "kill peer 1 (pid $ALERTMANAGER_PID, SIGKILL)" kill_peer_1

peer_2_after() {
	curl -fsS -m 5 -o /dev/null "$am2/-/ready" || { echo "peer 2 does not answer"; return 1; }
	curl -fsS -m 5 -o /dev/null "$am1/-/ready" 2>/dev/null && { echo "peer 1 still answers"; return 1; }
	silence_active "$am2" || { echo "peer 2 lost silence $sil_id"; return 1; }
}
t "peer 2 still answers and holds the silence" peer_2_after

# peer 2 keeps getting VortexOOM from Prometheus and mutes it by that silence
oom_silenced_on_2() {
	curl -fsS -m 5 --get --data-urlencode 'filter=alertname="VortexOOM"' "$am2/api/v2/alerts" |
		jq -e --arg id "$sil_id" \
			'length > 0 and all(.[]; .status.state == "suppressed" and (.status.silencedBy | index($id)))' \
			>/dev/null
}
t "peer 2 shows VortexOOM suppressed by the silence" poll "$wait_s" oom_silenced_on_2

# No process whose command line names the stack's directory (every server
# gets its config from there) may be left, besides this test itself.
leftovers() {
	local f pid cmd
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
		cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
		[[ $cmd == *"$dir/"* ]] && alive "$pid" && echo "pid $pid: $cmd"
	done
	return 0
}
stop_stack() {
	"$stack" stop --dir "$dir" || return 1
	local p left
	for p in "${pids[@]}"; do
		alive "$p" && { echo "pid $p still runs"; return 1; }
	done
	[[ ! -e $dir/pids && ! -e $dir/env ]] || { echo "pids/env left behind"; return 1; }
	left=$(leftovers)
	[[ -z $left ]] || { echo "$left"; return 1; }
}
t "icn-stack stop: every pid is gone, no process of the stack is left" stop_stack

((tap_failed == 0))
