#!/usr/bin/env bash
# test_creds_tui.sh: contexts and credentials in a real terminal (tmux), against
# backends that are not there (127.0.0.1:1, no stack): :ctx lists and switches
# live, a "prod" context is red in the header and at the status line's edges
# (its name there; reverse video with --no-color), insecure-skip-verify stands in the
# header for as long as it holds, a password file others can read is warned
# about on the status line, and no password reaches the screen; then against
# icnsim's Loki behind a token: :ctx to the context shown reads its token file
# again, and the Logs view goes live with the token put there since.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=16
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "creds tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-creds-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/icn-creds-tui.XXXXXX")
sim_pid=
cleanup() {
	tm kill-server 2>/dev/null || true
	[[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
base_env="XDG_CONFIG_HOME='$work/xdg'"
tui_server

secret="pw-$RANDOM$RANDOM$RANDOM"
url_secret="url-$RANDOM$RANDOM$RANDOM"
printf '%s\n' "$secret" >"$work/prod.pw"
chmod 644 "$work/prod.pw" # others can read it: warned about
umask 077
cat >"$work/config.yaml" <<EOF
current-context: staging
contexts:
  staging:
    color: green
    prometheus: "http://oncall:$url_secret@127.0.0.1:1"
  prod-eu:
    prometheus:
      url: https://127.0.0.1:1
      basic-auth: { username: oncall, password-file: $work/prod.pw }
      tls: { insecure-skip-verify: true }
EOF
umask 022

check_screen() {
	local name=$1 t=$2
	shift 2
	if wait_for "$t" "$@"; then ok "$name"; else not_ok "$name" "$(dump)"; fi
}
exited() { [[ -f $work/rc ]]; }
# a line of the screen with its colours (tmux capture-pane -e): 1 the header,
# 24 the status line
line_sgr() { tm capture-pane -p -e -t "$sess" | sed -n "$1p"; }
header_sgr() { line_sgr 1; }
# sgr_name LINE SGR NAME: on that line, NAME right after an SGR holding SGR
E=$'\e'
sgr_name() { line_sgr "$1" | grep -qE "$E\\[([0-9;]*;)?($2)(;[0-9]+)*m *$3"; }
RED='41|48;5;(1|9|196)'
GREEN='42|48;5;(2|10|46)'
# the context's name on a red background in the header: SGR 41 (or 48;5;1 / 48;5;9) right before it
red_name() { sgr_name 1 "$RED" "$1"; }
# framed SGR NAME: the frame, the status line's first cell and its end (the
# context's name) in that SGR
framed() {
	sgr_name 24 "$1" "$2 *($E\\[[0-9;]*m| )*\$" &&
		line_sgr 24 | grep -qE "^($E\\[[0-9;]*m)*$E\\[([0-9;]*;)?($1)(;[0-9]+)*m "
}
all_text=$work/screens.txt
keep() { screen >>"$all_text"; }

start 100 24 --config "$work/config.yaml"
check_screen "staging: the header names the context, no TLS warning" 10 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -n 1 | grep -q ' staging ' &&
		! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'TLS NOT VERIFIED'"
keep
keys ':' "ctx" Enter
check_screen ":ctx lists the contexts" 5 shows "contexts: staging, prod-eu"
keep
keys ':' "ctx prod-eu" Enter
check_screen ":ctx prod-eu switches live: the header names it" 5 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -n 1 | grep -q ' prod-eu '"
keep
check_screen "the switch warns of the password file others can read" 5 \
	shows "context prod-eu; warning: prometheus password-file $work/prod.pw is open"
check_screen "a \"prod\" context is red in the header" 5 red_name prod-eu
# (the name where the line's text leaves room: once the warning above is gone)
check_screen "... and frames the screen: the status line's edges red, its name at the right" 12 framed "$RED" prod-eu
check_screen "insecure-skip-verify stands in the header" 5 shows "TLS NOT VERIFIED"
# the panels try https://127.0.0.1:1 and fail: their errors name the URL only
sleep 2
keep
keys ':' "ctx staging" Enter
check_screen "back to staging: the TLS warning goes" 5 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | head -n 1 | grep -q ' staging ' &&
		! '$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | grep -q 'TLS NOT VERIFIED'"
if red_name staging; then not_ok "staging keeps its own colour" "$(header_sgr | cat -v)"; else ok "staging keeps its own colour"; fi
check_screen "staging's own colour (green) frames the status line" 5 framed "$GREEN" staging
sleep 2
keep
keys q
wait_for 5 exited
if grep -qF -e "$secret" -e "$url_secret" "$all_text" || ! [[ -s $all_text ]]; then
	not_ok "no password on any screen" "$(grep -nF -e "$secret" -e "$url_secret" "$all_text" | head -3)"
else
	ok "no password on any of the $(grep -c '' "$all_text") screen lines captured"
fi
# without colours the frame is the other video than the status line (which is
# reversed): the name readable at its end, after a change of attributes
start 100 24 --config "$work/config.yaml" --no-color --context prod-eu
check_screen "--no-color: the prod context's name at the status line's end, in its own video" 12 \
	sgr_name 24 '[0-9;]+' "prod-eu *($E\\[[0-9;]*m| )*\$"
keys q
wait_for 5 exited

# :ctx to the context already shown reads its files again: the Logs view,
# refused with the wrong token, goes live once the right one is in the file
sim_token="tok-$RANDOM$RANDOM$RANDOM"
umask 077
printf '%s\n' "$sim_token" >"$work/sim.tok"
printf 'wrong-%s\n' "$RANDOM" >"$work/console.tok"
umask 022
"$ICNSIM" --listen 127.0.0.1:0 --log-rate 20 --loki-bearer-token-file "$work/sim.tok" >"$work/sim.out" 2>&1 &
sim_pid=$!
sim_url=
for _ in $(seq 100); do
	sim_url=$(sed -n 's|^icnsim: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/sim.out")
	[[ -n $sim_url ]] && break
	sleep 0.1
done
umask 077
printf 'contexts:\n  logs:\n    loki: { url: %s, bearer-token-file: %s }\n' "$sim_url" "$work/console.tok" >"$work/loki.yaml"
umask 022
all_text=$work/logs-screens.txt
start 100 24 --config "$work/loki.yaml" --prometheus http://127.0.0.1:9 --alertmanager http://127.0.0.1:9
keys 5
check_screen "the Logs view with a wrong token: refused, 401" 10 shows "401"
keep
cp "$work/sim.tok" "$work/console.tok"
keys ':' "ctx logs" Enter
check_screen ":ctx to the context shown reads the token file again: the Logs view goes live" 10 \
	bash -c "'$TMUX_BIN' -L '$sock' capture-pane -p -t '$sess' | sed -n '23p' | grep -q 'live'"
if framed '[0-9;]+' logs; then
	not_ok "a context without a colour: no frame" "$(line_sgr 24 | cat -v)"
else
	ok "a context without a colour: no frame"
fi
keep
keys q
wait_for 5 exited
if grep -qF -e "$sim_token" "$all_text"; then not_ok "no token on the Logs screens" "$(grep -nF "$sim_token" "$all_text" | head -2)"; else ok "no token on the $(grep -c '' "$all_text") Logs screen lines"; fi
