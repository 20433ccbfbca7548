#!/usr/bin/env bash
# test_alerts_tui.sh: the Alerts and Silences views in a real terminal (tmux) against the real
# stack: what fires, details and runbook, the filter, the bell, the acknowledge form (Esc sends
# nothing; y creates the silence amtool sees), extend, expire, read-only, and a failed write that
# says so and is retried.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
AMTOOL=${AMTOOL:-$(command -v amtool || true)}
N=34
plan $N
if [[ -z $TMUX_BIN || -z $AMTOOL ]]; then
	for i in $(seq $N); do skip "alerts tui $i" "tmux or amtool not installed"; done
	exit 0
fi
sock=icn-e2e-alerts-$$
cleanup() {
	tm kill-server 2>/dev/null || true
	[[ -n ${AM_STOPPED:-} ]] && kill -CONT "$ALERTMANAGER_PID" 2>/dev/null
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR

base_env=USER=oncall
tui_server
# silences amtool sees, as JSON
am_silences() { "$AMTOOL" --alertmanager.url="$ALERTMANAGER_URL" silence query -o json 2>/dev/null; }
am_active_count() { am_silences | jq 'length'; }
firing_in_am() {
	curl -sf --max-time 3 "$ALERTMANAGER_URL/api/v2/alerts?silenced=false&inhibited=false" |
		jq -e '[.[] | select(.labels.alertname == "VortexOOM" and .status.state == "active")] | length >= 1'
}
bell_flag() { tm display -p -t "$sess" '#{window_bell_flag}'; }

# The console first, then the fault: a new critical alert rings the bell.
start 80 24 --config "$STACK_CONFIG" --refresh 1s
wait_for 15 shows "Dashboard"
keys 3
if wait_for 10 shows "no alerts"; then ok "3: the Alerts view, nothing firing"; else not_ok "3: the Alerts view, nothing firing" "$(dump)"; fi
curl -sf -X POST "$ICNSIM_URL/control/fault/vram" >/dev/null
wait_for 40 firing_in_am
if wait_for 15 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'firing +VortexOOM'"; then ok "80x24: VortexOOM firing, with its group header"; else not_ok "80x24: VortexOOM firing, with its group header" "$(dump)"; fi
if shows "critical" && shows "node=director"; then ok "80x24: severity group and telling labels"; else not_ok "80x24: severity group and telling labels" "$(dump)"; fi
if [[ $(bell_flag) == 1 ]]; then ok "a new critical alert rings the bell"; else not_ok "a new critical alert rings the bell" "bell flag $(bell_flag)"; fi
if screen | head -1 | grep -q "1 firing"; then ok "the header's firing count agrees with the view"; else not_ok "the header's firing count agrees with the view" "$(dump)"; fi

# Details: labels, annotations, the runbook.
keys j Enter
if wait_for 5 shows "Alert VortexOOM" && shows "labels" && shows "summary"; then ok "Enter: details with labels and annotations"; else not_ok "Enter: details with labels and annotations" "$(dump)"; fi
keys G
if wait_for 5 shows "When to escalate"; then ok "details end with the runbook"; else not_ok "details end with the runbook" "$(dump)"; fi
keys Escape
if wait_for 5 hides "Alert VortexOOM"; then ok "Esc closes the details"; else not_ok "Esc closes the details" "$(dump)"; fi

# The filter: label=value narrows, Esc restores.
keys / 'node=no-such-node'
if wait_for 5 shows "no alert matches the filter"; then ok "/ label=value filters as you type"; else not_ok "/ label=value filters as you type" "$(dump)"; fi
keys Escape
if wait_for 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'firing +VortexOOM'"; then ok "Esc on the filter restores the list"; else not_ok "Esc on the filter restores the list" "$(dump)"; fi

# The form; Esc writes nothing.
before=$(am_active_count)
keys g j a
if wait_for 5 shows "Acknowledge in demo" && shows 'alertname="VortexOOM"' && shows "they match 1 firing alert now"; then ok "a: the form names the context, the matchers and the count"; else not_ok "a: the form names the context, the matchers and the count" "$(dump)"; fi
if shows "Duration" && shows "2h" && shows "oncall@"; then ok "form defaults: 2h, \$USER@hostname"; else not_ok "form defaults: 2h, \$USER@hostname" "$(dump)"; fi
keys Escape
sleep 1
if hides "Acknowledge in demo" && [[ $(am_active_count) == "$before" ]]; then ok "Esc closes the form and creates no silence"; else not_ok "Esc closes the form and creates no silence" "$(dump)"; fi

# The comment is required.
keys a
wait_for 5 shows "Acknowledge in demo"
keys Enter Enter
if wait_for 5 shows "Comment is required"; then ok "an empty comment is refused in the form"; else not_ok "an empty comment is refused in the form" "$(dump)"; fi

# Through to Alertmanager.
keys 'e2e: VRAM on director' Enter Enter
if wait_for 5 shows "Acknowledge 1 alert in demo for 2h? [y/N]"; then ok "the confirmation names the count, the context and the duration"; else not_ok "the confirmation names the count, the context and the duration" "$(dump)"; fi
keys y
if wait_for 10 shows "acknowledged 1 alert (VortexOOM) in demo: silence"; then ok "y: acknowledged, with the silence id"; else not_ok "y: acknowledged, with the silence id" "$(dump)"; fi
sil=$(am_silences | jq -c '[.[] | select(.comment == "e2e: VRAM on director")][0]')
if jq -e '.createdBy | startswith("oncall@")' <<<"$sil" >/dev/null &&
	jq -e '[.matchers[] | select(.isRegex or (.isEqual == false))] | length == 0' <<<"$sil" >/dev/null &&
	jq -e '[.matchers[] | select(.name == "alertname" and .value == "VortexOOM")] | length == 1' <<<"$sil" >/dev/null; then
	ok "amtool sees the silence: exact matchers, author, comment"
else not_ok "amtool sees the silence: exact matchers, author, comment" "$sil"; fi
if wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'acked +VortexOOM .* by oncall@'"; then ok "the row shows acknowledged, by whom, until when"; else not_ok "the row shows acknowledged, by whom, until when" "$(dump)"; fi
if wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -1 | grep -q '0 firing'"; then ok "the header no longer counts it firing"; else not_ok "the header no longer counts it firing" "$(dump)"; fi

# The Silences view: extend, then expire.
keys 4
if wait_for 10 shows "e2e: VRAM" && shows "active"; then ok "4: the Silences view lists it with its comment"; else not_ok "4: the Silences view lists it with its comment" "$(dump)"; fi
ends_before=$(am_silences | jq -r '[.[] | select(.comment == "e2e: VRAM on director")][0].endsAt')
keys e
wait_for 5 shows "extend by:"
keys Enter
if wait_for 5 shows "Extend silence" && shows "by 2h"; then ok "e: asks before extending, naming the duration"; else not_ok "e: asks before extending, naming the duration" "$(dump)"; fi
keys y
wait_for 10 shows "extended silence"
ext=$(am_silences | jq -c '[.[] | select(.comment | startswith("e2e: VRAM on director"))][0]')
ends_after=$(jq -r .endsAt <<<"$ext")
if [[ -n $ends_after && $ends_after != null && $ends_after > $ends_before ]] && jq -e '.comment | test("\\[extended by oncall@")' <<<"$ext" >/dev/null; then ok "the silence ends later in Alertmanager, and says who extended it"; else not_ok "the silence ends later in Alertmanager, and says who extended it" "$ends_before -> $ext" "$(dump)"; fi
keys u
if wait_for 5 shows "Expire silence"; then ok "u: asks before expiring"; else not_ok "u: asks before expiring" "$(dump)"; fi
keys y
if wait_for 10 shows "expired silence" && wait_for 10 bash -c "[[ \$('$AMTOOL' --alertmanager.url='$ALERTMANAGER_URL' silence query -o json | jq length) == 0 ]]"; then ok "y: expired in Alertmanager"; else not_ok "y: expired in Alertmanager" "$(am_silences)" "$(dump)"; fi
keys 3
if wait_for 10 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'firing +VortexOOM'"; then ok "the alert fires again"; else not_ok "the alert fires again" "$(dump)"; fi

# 160x48: the same view, wider.
tm resize-window -t "$sess" -x 160 -y 48
if wait_for 5 shows "Vortex is about to run out of GPU memory"; then ok "160x48: columns and summary"; else not_ok "160x48: columns and summary" "$(dump)"; fi

keys 4
if wait_for 5 shows "no active or pending silences"; then ok "160x48: Silences view, the expired one hidden"; else not_ok "160x48: Silences view, the expired one hidden" "$(dump)"; fi
keys x
if wait_for 5 bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -E 'expired +expired +oncall@.*e2e: VRAM on director'"; then ok "x shows expired silences, comment whole at 160 columns"; else not_ok "x shows expired silences, comment whole at 160 columns" "$(dump)"; fi
keys 3

# A write that does not reach Alertmanager says so, and r retries it.
tm resize-window -t "$sess" -x 100 -y 30
kill -STOP "$ALERTMANAGER_PID"
AM_STOPPED=1
keys a
wait_for 5 shows "Acknowledge in demo"
keys 'e2e: retry' Enter Enter
wait_for 5 shows "Acknowledge 1 alert in demo"
keys y
if wait_for 20 shows "Alertmanager write: no answer" && shows "MAY OR MAY NOT have been created"; then ok "Alertmanager hung: the ack says plainly it may not have been created"; else not_ok "Alertmanager hung: the ack says plainly it may not have been created" "$(dump)"; fi
kill -CONT "$ALERTMANAGER_PID"
AM_STOPPED=
keys r
if wait_for 5 shows "Send it again to demo (only if Alertmanager does not hold it already)? [y/N]"; then ok "r asks before sending again"; else not_ok "r asks before sending again" "$(dump)"; fi
keys y
if wait_for 20 bash -c "'$AMTOOL' --alertmanager.url='$ALERTMANAGER_URL' silence query -o json | jq -e '[.[] | select(.comment == \"e2e: retry\")] | length == 1'"; then ok "the retry leaves exactly one silence (the stopped Alertmanager took the first)"; else not_ok "the retry leaves exactly one silence (the stopped Alertmanager took the first)" "$(am_silences)" "$(dump)"; fi
keys q
if wait_for 5 test -f "$work/rc" && [[ $(cat "$work/rc") == 0 ]]; then ok "q quits with exit 0"; else not_ok "q quits with exit 0" "$(dump)"; fi

# Read-only: no form at all.
start 100 30 --config "$STACK_CONFIG" --read-only --no-bell
wait_for 15 shows "Dashboard"
if screen | head -1 | grep -q "read-only"; then ok "--read-only shows in the header"; else not_ok "--read-only shows in the header" "$(dump)"; fi
keys 3
wait_for 10 shows "VortexOOM"
keys j a
if wait_for 5 shows "read-only: context 'demo' does not allow writes" && hides "Acknowledge in demo"; then ok "read-only: a is refused with a clear message"; else not_ok "read-only: a is refused with a clear message" "$(dump)"; fi
exit 0
