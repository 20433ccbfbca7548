#!/usr/bin/env bash
# test_cli.sh: the command line without a stack: help, version, usage and config
# errors (exit 2, file:line:column), precedence of flags over environment over file,
# a dead Prometheus or Alertmanager (exit 1, named), usage errors of the alert commands.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

plan 38
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/xdg   # no user config leaks in
unset PROMETHEUS_URL ALERTMANAGER_URL LOKI_ADDR JAEGER_URL
# A port nothing listens on: bound by nobody (1 is privileged and unused here).
dead=http://127.0.0.1:1

# expect NAME RC PATTERN CMD...: CMD exits RC and its output matches PATTERN (ERE)
expect() {
	local name=$1 want=$2 pat=$3 rc=0
	shift 3
	"$@" >"$work/out" 2>&1 || rc=$?
	if [[ $rc -eq $want ]] && grep -Eq -- "$pat" "$work/out"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want), output:" "$(head -c 2000 "$work/out")"
	fi
}

expect "--help lists --once, targets, --config and the exit codes" 0 'Exit status' "$ICN_CONSOLE" --help
grep -q -- '--once' "$work/out" && grep -q 'targets' "$work/out" && grep -q -- '--config' "$work/out" &&
	ok "--help mentions --once, targets, --config" || not_ok "--help mentions --once, targets, --config"
expect "--version" 0 '^icn-console [0-9]+\.[0-9]+' "$ICN_CONSOLE" --version
expect "unknown option: exit 2" 2 "unknown option '--frobnicate'" "$ICN_CONSOLE" --frobnicate
expect "bad --output: exit 2" 2 "text or json" "$ICN_CONSOLE" --once --output yaml --prometheus "$dead"

printf 'contexts:\n  demo:\n    prometheus: [unclosed\n' >"$work/bad.yaml"
expect "malformed YAML: exit 2 with file:line:column" 2 "bad\.yaml:[0-9]+:[0-9]+: " \
	"$ICN_CONSOLE" --config "$work/bad.yaml" --once
printf 'contexts:\n  demo:\n    promethues: http://127.0.0.1:9090\n' >"$work/typo.yaml"
expect "unknown key: exit 2, names the key, its line and column" 2 "typo\.yaml:3:5: .*promethues" \
	"$ICN_CONSOLE" --config "$work/typo.yaml" --once
expect "missing config file: exit 2" 2 "nope\.yaml" "$ICN_CONSOLE" --config "$work/nope.yaml" --once

printf 'current-context: a\ncontexts:\n  a:\n    prometheus: http://127.0.0.1:3\n  b:\n    prometheus: http://127.0.0.1:4\n' >"$work/two.yaml"
expect "unknown --context: exit 2, lists the contexts" 2 "prod" "$ICN_CONSOLE" --config "$work/two.yaml" --context prod --once
expect "no Prometheus anywhere: exit 2, says how to set it" 2 "PROMETHEUS_URL" "$ICN_CONSOLE" --once

expect "dead Prometheus from the environment: exit 1, named" 1 "prometheus at http://127.0.0.1:1" \
	env PROMETHEUS_URL=$dead "$ICN_CONSOLE" --once
expect "the flag beats the environment" 1 "127\.0\.0\.1:2" \
	env PROMETHEUS_URL=$dead "$ICN_CONSOLE" --prometheus http://127.0.0.1:2 --once
expect "the environment beats the file" 1 "127\.0\.0\.1:1[^0-9]" \
	env PROMETHEUS_URL=$dead "$ICN_CONSOLE" --config "$work/two.yaml" --once
expect "--context picks the file's other context" 1 "127\.0\.0\.1:4" \
	"$ICN_CONSOLE" --config "$work/two.yaml" --context b --once
expect "unknown dashboard: exit 2, says where it looked" 2 "no dashboard 'nosuch'" \
	"$ICN_CONSOLE" --prometheus "$dead" --dashboard nosuch --once
expect "not a terminal: exit 2 and a hint" 2 "needs a terminal" \
	bash -c '"$0" --prometheus http://127.0.0.1:1 </dev/null' "$ICN_CONSOLE"

# a bad flag value names the flag and says what would do
expect "--range 0: exit 2, names the flag, suggests a range" 2 "^icn-console: --range: '0' is not a valid range: use a duration such as 5m, 1h, 6h, 24h, 7d" \
	"$ICN_CONSOLE" --prometheus "$dead" --range 0 --once
expect "--refresh 2h: exit 2, names the flag (not 'config:')" 2 "^icn-console: --refresh: '2h' is not a valid refresh interval: use a duration from 1s to 1h" \
	"$ICN_CONSOLE" --prometheus "$dead" --refresh 2h --once
expect "--timeout 20m: exit 2, names the flag (not 'config:')" 2 "^icn-console: --timeout: '20m' is not a valid timeout" \
	"$ICN_CONSOLE" --prometheus "$dead" --timeout 20m --once
printf 'refresh: 2h\n' >"$work/slow.yaml"
expect "refresh: 2h in the file: exit 2, names the file" 2 "slow\.yaml: refresh must be from 1s to 1h" \
	"$ICN_CONSOLE" --config "$work/slow.yaml" --prometheus "$dead" --once

# several contexts and none chosen: say so and list them
printf 'contexts:\n  demo:\n    prometheus: http://127.0.0.1:3\n  prod:\n    prometheus: http://127.0.0.1:4\n' >"$work/nocur.yaml"
expect "several contexts, no current-context: exit 2, lists them" 2 "nocur\.yaml: several contexts \(demo, prod\) and no current-context: choose one with --context NAME" \
	"$ICN_CONSOLE" --config "$work/nocur.yaml" --once
# a theme that is not there: a warning, and the console goes on (here to the terminal check)
expect "unknown theme: warns, names the themes, goes on with dark" 2 "unknown theme 'nosuch' \(dark, high-contrast, light, monochrome\): using dark" \
	bash -c '"$0" --prometheus http://127.0.0.1:1 --theme nosuch </dev/null' "$ICN_CONSOLE"
grep -q "needs a terminal" "$work/out" && ok "unknown theme: not refused (it got as far as the terminal)" ||
	not_ok "unknown theme: not refused (it got as far as the terminal)" "$(cat "$work/out")"

# the alert commands: usage errors exit 2 before anything is sent (dead URLs: nothing could be)
am=(--alertmanager "$dead")
expect "--help lists the alert commands" 0 'ack MATCHER\.\.\. --comment TEXT' "$ICN_CONSOLE" --help
grep -q 'unack SILENCE_ID' "$work/out" && grep -q 'silences \[--all\]' "$work/out" && grep -q '^  alerts ' "$work/out" &&
	ok "--help lists alerts, silences, unack" || not_ok "--help lists alerts, silences, unack" "$(cat "$work/out")"
expect "ack without a matcher: exit 2" 2 "ack needs at least one matcher" "$ICN_CONSOLE" "${am[@]}" ack --comment why
expect "ack without --comment: exit 2" 2 "ack needs --comment" "$ICN_CONSOLE" "${am[@]}" ack alertname=VortexOOM
expect "ack with a blank --comment: exit 2" 2 "ack needs --comment" "$ICN_CONSOLE" "${am[@]}" ack alertname=X --comment '  '
expect "ack with a bad --duration: exit 2" 2 "--duration: '2x' is not a valid duration" \
	"$ICN_CONSOLE" "${am[@]}" ack alertname=X --comment why --duration 2x
expect "ack with a bad matcher: exit 2, names it" 2 "matcher 'alertname': expected name=value" \
	"$ICN_CONSOLE" "${am[@]}" ack alertname --comment why
expect "ack with a bad regex: exit 2" 2 "invalid regex" "$ICN_CONSOLE" "${am[@]}" ack 'alertname=~(' --comment why
expect "ack with an unknown option: exit 2" 2 "unknown option '--frobnicate'" \
	"$ICN_CONSOLE" "${am[@]}" ack alertname=X --comment why --frobnicate
expect "a command's option before the command: exit 2, says where it goes" 2 "'--comment' goes after a command" \
	"$ICN_CONSOLE" "${am[@]}" --comment why ack alertname=X
expect "an option the command does not take: exit 2" 2 "'alerts' takes no option '--force'" \
	"$ICN_CONSOLE" "${am[@]}" alerts --force
expect "unack without an id: exit 2" 2 "unack needs a silence id" "$ICN_CONSOLE" "${am[@]}" unack
expect "unknown command: exit 2, lists the commands" 2 "unknown command 'silence' \(commands: .*silences" \
	"$ICN_CONSOLE" "${am[@]}" silence
expect "alerts with a dead Alertmanager: exit 1, named" 1 "alertmanager at http://127\.0\.0\.1:1: connection refused" \
	"$ICN_CONSOLE" "${am[@]}" alerts
expect "no Alertmanager anywhere: exit 2, says how to set it" 2 "no Alertmanager URL.*ALERTMANAGER_URL" \
	"$ICN_CONSOLE" alerts
exit 0
