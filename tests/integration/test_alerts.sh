#!/usr/bin/env bash
# test_alerts.sh: the alert commands for scripts (alerts, ack, unack, silences) against the real
# stack: the VRAM fault fires VortexOOM; ack makes the silence amtool sees (exact matchers, author,
# comment); the alert is suppressed; unack brings it back; refusals (no firing match, read-only)
# send nothing; a dead or hung Alertmanager is named (exit 1); HA: ack survives a dead peer.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 38
amtool=${AMTOOL:-$(command -v amtool || true)}
HA_DIR=
STOPPED_PID=
cleanup() {
	[[ -z $STOPPED_PID ]] || kill -CONT "$STOPPED_PID" 2>/dev/null || true
	if [[ -n $HA_DIR ]]; then
		"$top_srcdir/tests/stack/icn-stack" stop --dir "$HA_DIR" >/dev/null 2>&1 || true
		rm -rf "$HA_DIR"
	fi
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR
export XDG_CONFIG_HOME=$work/xdg # no user config leaks in
run() { "$ICN_CONSOLE" --config "$STACK_CONFIG" "$@"; }
author="tap-test@icn"

# every silence the Alertmanager at $1 holds, expired ones too (amtool when there, else the API)
silences_json() {
	if [[ -n $amtool ]]; then
		{ "$amtool" --alertmanager.url="$1" silence query -o json &&
			"$amtool" --alertmanager.url="$1" silence query --expired -o json; } | jq -s 'add'
		return
	fi
	curl -sf --max-time 5 "$1/api/v2/silences"
}
# the active silences
active_silences() {
	if [[ -n $amtool ]]; then
		"$amtool" --alertmanager.url="$1" silence query -o json
	else
		curl -sf --max-time 5 "$1/api/v2/silences" | jq '[.[] | select(.status.state == "active")]'
	fi
}
n_silences() { silences_json "$ALERTMANAGER_URL" | jq 'length'; }

# expect NAME RC PATTERN CMD...: CMD exits RC and its stderr matches PATTERN (ERE);
# stdout is kept in $work/out, stderr in $work/err
expect() {
	local name=$1 want=$2 pat=$3 rc=0
	shift 3
	"$@" >"$work/out" 2>"$work/err" || rc=$?
	if [[ $rc -eq $want ]] && grep -Eq -- "$pat" "$work/err"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want); stderr:" "$(head -c 2000 "$work/err")" "stdout:" \
			"$(head -c 2000 "$work/out")"
	fi
}

# --- VortexOOM fires -----------------------------------------------------------
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
am_firing() {
	curl -sf --max-time 5 "$ALERTMANAGER_URL/api/v2/alerts?active=true&silenced=false&inhibited=false" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM")] | length >= 1'
}
if wait_for 90 am_firing; then
	ok "VRAM fault: VortexOOM fires in Alertmanager"
else
	not_ok "VRAM fault: VortexOOM fires in Alertmanager" "$(curl -s "$ALERTMANAGER_URL/api/v2/alerts")"
fi

rc=0
run alerts --output json >"$work/a.json" 2>"$work/a.err" || rc=$?
if [[ $rc -eq 0 ]] && jq -e --arg am "$ALERTMANAGER_URL" '
	.context == "demo" and .alertmanager == $am and .firing >= 1
	and ([.alerts[] | select(.labels.alertname == "VortexOOM" and .state == "firing"
		and .severity == "critical" and (.fingerprint | length) > 0 and (.receivers | index("pager"))
		and .silencedBy == [] and .inhibitedBy == [] and (.startsAt | test("Z$"))
		and (.annotations.summary | length) > 0)] | length >= 1)' "$work/a.json" >/dev/null; then
	ok "alerts --output json: VortexOOM firing, with labels, annotations, receivers, fingerprint"
else
	not_ok "alerts --output json: VortexOOM firing, with labels, annotations, receivers, fingerprint" \
		"rc=$rc" "$(cat "$work/a.err")" "$(head -c 3000 "$work/a.json")"
fi
if LC_ALL=C grep -q '[^ -~]' "$work/a.json"; then
	not_ok "alerts --output json is ASCII only" "$(LC_ALL=C grep -n '[^ -~]' "$work/a.json" | head -3)"
else
	ok "alerts --output json is ASCII only"
fi
fp=$(jq -r '[.alerts[] | select(.labels.alertname == "VortexOOM")][0].fingerprint' "$work/a.json")
# global options after the command, in any order
rc=0
"$ICN_CONSOLE" alerts --output text --context demo --config "$STACK_CONFIG" --timeout 5s >"$work/a.txt" 2>"$work/a.err" || rc=$?
if [[ $rc -eq 0 ]] && grep -q '^STATE  *ALERT  *LABELS  *FOR  *SUMMARY' "$work/a.txt" &&
	grep -q '^\[critical\] VortexOOM: ' "$work/a.txt" && grep -Eq '^firing +VortexOOM +node=' "$work/a.txt"; then
	ok "alerts (text, global options after the command): a group header and a firing row"
else
	not_ok "alerts (text, global options after the command): a group header and a firing row" "rc=$rc" \
		"$(cat "$work/a.err" "$work/a.txt")"
fi

# --- ack ----------------------------------------------------------------------
before=$(n_silences)
expect "ack alertname=VortexOOM: exit 0, says what it acknowledged" 0 "acknowledged [1-9][0-9]* firing alert" \
	run ack alertname=VortexOOM --comment "tap: looking into the VRAM" --author "$author" --duration 30m
id=$(cat "$work/out")
if [[ $(wc -l <"$work/out") -eq 1 && $id =~ ^[0-9a-f-]{36}$ ]]; then
	ok "ack prints the silence id, one line on stdout"
else
	not_ok "ack prints the silence id, one line on stdout" "stdout: $(cat "$work/out")"
fi
active_silences "$ALERTMANAGER_URL" >"$work/q.json"
if jq -e --arg id "$id" --arg au "$author" '
	[.[] | select(.id == $id)] | length == 1 and (.[0]
	| .matchers == [{"name": "alertname", "value": "VortexOOM", "isEqual": true, "isRegex": false}]
	  and .createdBy == $au and .comment == "tap: looking into the VRAM" and .status.state == "active")' \
	"$work/q.json" >/dev/null; then
	ok "amtool silence query: the id, exact matchers (isEqual, not regex), author, comment"
else
	not_ok "amtool silence query: the id, exact matchers (isEqual, not regex), author, comment" \
		"id=$id" "$(cat "$work/q.json")"
fi
if jq -e --arg id "$id" '.[] | select(.id == $id) |
	((.endsAt | sub("\\.[0-9]+Z$"; "Z") | fromdate) - (.startsAt | sub("\\.[0-9]+Z$"; "Z") | fromdate)) as $d
	| $d >= 1795 and $d <= 1805' "$work/q.json" >/dev/null; then
	ok "--duration 30m: the silence lasts 30 minutes"
else
	not_ok "--duration 30m: the silence lasts 30 minutes" "$(jq -c '.[] | {startsAt, endsAt}' "$work/q.json")"
fi

acked() {
	run alerts --output json >"$work/s.json" 2>/dev/null &&
		jq -e --arg id "$id" --arg au "$author" --arg fp "$fp" '
		[.alerts[] | select(.fingerprint == $fp)][0]
		| .state == "silenced" and (.silencedBy | index($id))
		  and (.silences[] | select(.id == $id) | .createdBy == $au
		       and .comment == "tap: looking into the VRAM" and (.endsAt | test("Z$")))' "$work/s.json"
}
if wait_for 30 acked; then
	ok "the alert is suppressed: alerts shows it silenced, by whom, why, until when"
else
	not_ok "the alert is suppressed: alerts shows it silenced, by whom, why, until when" "$(head -c 3000 "$work/s.json")"
fi
run alerts >"$work/s.txt" 2>&1
if grep -Eq '^acked +VortexOOM' "$work/s.txt" && grep -q "acked by $author until .*tap: looking into the VRAM" "$work/s.txt"; then
	ok "alerts (text): acked, by whom and why"
else
	not_ok "alerts (text): acked, by whom and why" "$(cat "$work/s.txt")"
fi
rc=0
run silences --output json >"$work/l.json" 2>"$work/l.err" || rc=$?
if [[ $rc -eq 0 ]] && jq -e --arg id "$id" --arg au "$author" '
	[.silences[] | select(.id == $id and .state == "active" and .createdBy == $au
		and .matchers[0].name == "alertname")] | length == 1' "$work/l.json" >/dev/null; then
	ok "silences --output json lists it active, with its author and matchers"
else
	not_ok "silences --output json lists it active, with its author and matchers" "rc=$rc" "$(cat "$work/l.err" "$work/l.json")"
fi

# --- unack ----------------------------------------------------------------------
expect "unack ID: exit 0" 0 "expired silence $id" run unack "$id"
if silences_json "$ALERTMANAGER_URL" | jq -e --arg id "$id" '.[] | select(.id == $id) | .status.state == "expired"' >/dev/null; then
	ok "unack: Alertmanager has the silence expired"
else
	not_ok "unack: Alertmanager has the silence expired" "$(silences_json "$ALERTMANAGER_URL")"
fi
active_again() {
	run alerts --output json >"$work/r.json" 2>/dev/null &&
		jq -e --arg fp "$fp" '[.alerts[] | select(.fingerprint == $fp)][0] | .state == "firing" and .silencedBy == []' "$work/r.json"
}
if wait_for 30 active_again; then ok "after unack the alert is firing again"; else not_ok "after unack the alert is firing again" "$(head -c 2000 "$work/r.json")"; fi
run silences --output json >"$work/l2.json" 2>/dev/null
if jq -e --arg id "$id" '[.silences[] | select(.id == $id)] | length == 0' "$work/l2.json" >/dev/null &&
	run silences --all --output json 2>/dev/null | jq -e --arg id "$id" '[.silences[] | select(.id == $id and .state == "expired")] | length == 1' >/dev/null; then
	ok "silences leaves the expired one out; --all lists it"
else
	not_ok "silences leaves the expired one out; --all lists it" "$(cat "$work/l2.json")"
fi
expect "unack of an expired silence: exit 1, says so" 1 "already expired" run unack "$id"

# --- refusals ---------------------------------------------------------------------
before=$(n_silences)
expect "ack matching no firing alert: refused, exit 1" 1 "no firing alert .*matches alertname=\"NoSuchAlert\".*--force" \
	run ack alertname=NoSuchAlert --comment "tap: nothing" --author "$author"
after=$(n_silences)
if [[ $before == "$after" ]]; then ok "the refused ack created nothing"; else not_ok "the refused ack created nothing" "silences before $before, after $after"; fi
expect "ack --force of a matcher that matches nothing: exit 0" 0 "anyway" \
	run ack alertname=NoSuchAlert --comment "tap: forced" --author "$author" --force
fid=$(cat "$work/out")
if active_silences "$ALERTMANAGER_URL" | jq -e --arg id "$fid" '[.[] | select(.id == $id and .matchers[0].value == "NoSuchAlert")] | length == 1' >/dev/null; then
	ok "the forced silence is in Alertmanager"
else
	not_ok "the forced silence is in Alertmanager" "id=$fid"
fi
run unack "$fid" >/dev/null 2>&1

# other matcher operators reach Alertmanager as written
expect "ack with =~ and != matchers: exit 0" 0 "acknowledged" \
	run ack 'alertname=~Vortex.*' 'node!=nope' --comment "tap: regex" --author "$author"
rid=$(cat "$work/out")
if active_silences "$ALERTMANAGER_URL" | jq -e --arg id "$rid" '.[] | select(.id == $id) | .matchers
	| (map(select(.name == "alertname"))[0] | .isRegex and .isEqual and .value == "Vortex.*")
	and (map(select(.name == "node"))[0] | (.isRegex | not) and (.isEqual | not) and .value == "nope")' >/dev/null; then
	ok "=~ and != matchers: isRegex and isEqual as written"
else
	not_ok "=~ and != matchers: isRegex and isEqual as written" "id=$rid" "$(active_silences "$ALERTMANAGER_URL")"
fi
run unack "$rid" >/dev/null 2>&1

# Alertmanager's own refusal, as it said it (a 400 with a JSON string body)
expect "Alertmanager's 400 is printed as it is, exit 1" 1 "alertmanager at ${ALERTMANAGER_URL}: HTTP 400: .*empty string" \
	run ack 'foo=~.*' --comment "tap: matches everything" --force

before=$(n_silences)
expect "--read-only before the command: ack refused, exit 1" 1 "read-only: context 'demo' does not allow writes" \
	"$ICN_CONSOLE" --read-only --config "$STACK_CONFIG" ack alertname=VortexOOM --comment "tap: ro" --author "$author"
expect "--read-only after the command: ack refused, exit 1" 1 "read-only: context 'demo' does not allow writes" \
	run ack alertname=VortexOOM --comment "tap: ro" --author "$author" --read-only
sed 's/^    color: green$/    color: green\n    read-only: true/' "$STACK_CONFIG" >"$work/ro.yaml"
expect "read-only: true on the context: ack refused, exit 1" 1 "read-only: context 'demo'" \
	"$ICN_CONSOLE" --config "$work/ro.yaml" ack alertname=VortexOOM --comment "tap: ro" --author "$author"
expect "read-only: unack refused, exit 1" 1 "read-only" run unack --read-only "$id"
after=$(n_silences)
if [[ $before == "$after" ]]; then ok "read-only refusals created nothing (amtool)"; else not_ok "read-only refusals created nothing (amtool)" "silences before $before, after $after"; fi

# --- a dead or hung Alertmanager ---------------------------------------------------
dead=http://127.0.0.1:1
expect "alerts with a dead Alertmanager: exit 1, named" 1 "alertmanager at $dead: connection refused" \
	run alerts --alertmanager "$dead"
expect "ack with a dead Alertmanager: exit 1, nothing sent" 1 "nothing was sent" \
	run ack alertname=VortexOOM --comment "tap: dead" --alertmanager "$dead"
check "ack with a dead Alertmanager: names it" grep -q "alertmanager at $dead: connection refused" "$work/err"
kill -STOP "$ALERTMANAGER_PID" && STOPPED_PID=$ALERTMANAGER_PID
before_t=$SECONDS
expect "alerts with a hung Alertmanager (SIGSTOP): exit 1, timed out, named" 1 "alertmanager at $ALERTMANAGER_URL: timed out" \
	run alerts --timeout 1s
expect "ack --force with a hung Alertmanager: exit 1, says it may or may not have been done" 1 "alertmanager at $ALERTMANAGER_URL: no answer .*timed out.*may or may not have been done" \
	run ack alertname=TapHung --comment "tap: hung" --timeout 1s --force
if ((SECONDS - before_t <= 20)); then ok "the timeouts bound the waits"; else not_ok "the timeouts bound the waits" "took $((SECONDS - before_t))s"; fi
kill -CONT "$ALERTMANAGER_PID" && STOPPED_PID=

# --- HA: two clustered Alertmanagers, the first killed --------------------------------
HA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/icn-test-ha.XXXXXX")
if ! "$top_srcdir/tests/stack/icn-stack" start --fast --am-peers 2 --dir "$HA_DIR" >"$HA_DIR/start.out" 2>&1; then
	not_ok "HA stack starts (--am-peers 2)" "$(cat "$HA_DIR/start.out")"
	for i in 1 2 3; do not_ok "HA: skipped, the HA stack did not start"; done
	exit 0
fi
ok "HA stack starts (--am-peers 2)"
ha() { (. "$HA_DIR/env" && eval "printf '%s' \"\${$1}\""); }
ha_am1=$(ha ALERTMANAGER_URL) ha_am2=$(ha ALERTMANAGER_URL_2) ha_pid1=$(ha ALERTMANAGER_PID)
curl -sf -X POST "$(ha ICNSIM_URL)/control/fault/vram" >/dev/null
ha_firing() {
	curl -sf --max-time 5 "$ha_am2/api/v2/alerts?active=true&silenced=false&inhibited=false" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM")] | length >= 1'
}
wait_for 90 ha_firing || echo "# VortexOOM did not fire in the HA stack in time"
kill "$ha_pid1"
wait_for 10 bash -c "! kill -0 $ha_pid1 2>/dev/null"
expect "HA: peer 1 killed, ack still succeeds and names the fail-over" 0 "$ha_am1: connection refused; failed over to $ha_am2" \
	"$ICN_CONSOLE" --config "$HA_DIR/config.yaml" ack alertname=VortexOOM --comment "tap: ha" --author "$author"
hid=$(cat "$work/out")
if [[ -n $hid ]] && active_silences "$ha_am2" | jq -e --arg id "$hid" --arg au "$author" \
	'[.[] | select(.id == $id and .createdBy == $au and .comment == "tap: ha")] | length == 1' >/dev/null; then
	ok "HA: the silence is visible through peer 2 (amtool)"
else
	not_ok "HA: the silence is visible through peer 2 (amtool)" "id=$hid" "$(active_silences "$ha_am2" 2>&1)"
fi
expect "HA: alerts reads from peer 2, names the dead peer, exit 0" 0 "$ha_am1: connection refused; failed over to $ha_am2" \
	"$ICN_CONSOLE" --config "$HA_DIR/config.yaml" alerts --output json
exit 0
