#!/usr/bin/env bash
# test_dash_tui.sh: the dashboard names the culprit and keeps red red, in a real
# terminal (tmux) against the real stack: at 80x24 the VRAM gauge names the
# director over the line and lists it first, BFT failures read as a whole count
# naming the director, the zoom's crit line carries its value and its time labels
# never run together, a hung Prometheus leaves "CRIT · stale" (not a grey STALE),
# and a chain stall turns "Time since last block" CRIT while the 5m block rate lags.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# shellcheck source=../tmux.sh
. "$(dirname "$0")/../tmux.sh"
# panel() cuts screen lines by columns: bash counts characters in a UTF-8 locale
export LC_ALL=C.UTF-8

TMUX_BIN=${TMUX_BIN:-$(command -v tmux || true)}
N=15
plan $N
if [[ -z $TMUX_BIN ]]; then
	for i in $(seq $N); do skip "dash tui $i" "tmux not installed"; done
	exit 0
fi
sock=icn-e2e-dash-$$
cleanup() {
	tm kill-server 2>/dev/null || true
	[[ -n ${PROM_STOPPED:-} ]] && kill -CONT "$PROMETHEUS_PID" 2>/dev/null
	stack_stop
}
trap cleanup EXIT
stack_start
work=$STACK_DIR
tui_server

titles=("Time since last block" "Block production rate" "BFT failures (5m)" "P2P connected peers"
	"Vortex VRAM" "Vortex generation P99" "BFT round P99" "Stake by region" "Slashing events (24h)")
all_loaded() {
	local title s
	s=$(screen)
	for title in "${titles[@]}"; do grep -qF -- "$title" <<<"$s" || return 1; done
	! grep -qE 'waiting|loading' <<<"$s"
}

# panel TITLE: the inside of the panel whose top border carries TITLE, a line a row
panel() {
	local title=$1 r k c line top rest w
	local -a lines
	mapfile -t lines < <(screen)
	for ((r = 0; r < ${#lines[@]}; r++)); do
		line=${lines[r]}
		[[ $line == *"┌ $title "* ]] || continue
		top=${line%%"┌ $title "*}
		c=${#top}
		rest=${line:c}
		rest=${rest%%┐*}
		w=${#rest}
		for ((k = r + 1; k < ${#lines[@]}; k++)); do
			[[ ${lines[k]:c:1} == "└" ]] && { echo "${lines[k]:c:w+1}"; break; }
			echo "${lines[k]:c+1:w-1}"
		done
		return 0
	done
	return 1
}
# panel_has TITLE ERE: a line of that panel matches (grep -q in a pipe would cut
# panel's output short, and pipefail would call that a failure)
panel_has() {
	local s
	s=$(panel "$1") || return 1
	grep -qE -- "$2" <<<"$s"
}

start 80 24 --config "$STACK_CONFIG" --refresh 1s
if wait_for 30 all_loaded; then ok "80x24: the nine panels, with the two new ones, all with values"; else not_ok "80x24: the nine panels, with the two new ones, all with values" "$(dump)"; fi

# Name the culprit: director-5 over the line, at the narrowest size.
curl -sf -X POST "$ICNSIM_URL/control/fault/vram?node=director-5" >/dev/null
curl -sf -X POST "$ICNSIM_URL/control/fault/bft?node=director-2" >/dev/null
if wait_for 20 panel_has "Vortex VRAM" '^[0-9.]+ GiB.*\(director-5\)'; then
	ok "80x24: the VRAM headline names director-5, the director over the line"
else
	not_ok "80x24: the VRAM headline names director-5, the director over the line" "$(panel "Vortex VRAM")"
fi
# the rows under the bar: the first one is director-5's
first_is_d5() { [[ $(panel "Vortex VRAM" | grep -E '^director-|^\+[0-9]+ more' | head -1) == director-5* ]]; }
if wait_for 10 first_is_d5; then
	ok "80x24: director-5's row comes first (worst first)"
else
	not_ok "80x24: director-5's row comes first (worst first)" "$(panel "Vortex VRAM")"
fi
if panel_has "Vortex VRAM" '^\+[0-9]+ more'; then ok "80x24: the rows cut say +N more"; else not_ok "80x24: the rows cut say +N more" "$(panel "Vortex VRAM")"; fi
if wait_for 20 panel_has "Vortex VRAM" '─ CRIT ─'; then ok "the state sits on the bottom border"; else not_ok "the state sits on the bottom border" "$(panel "Vortex VRAM")"; fi

# A count reads as a whole number, and names the director whose rounds fail.
if wait_for 30 panel_has "BFT failures (5m)" '(^| )[1-9][0-9]* \(director-2\)'; then
	ok "BFT failures: a whole count naming director-2"
else
	not_ok "BFT failures: a whole count naming director-2" "$(panel "BFT failures (5m)")"
fi
if ! panel_has "BFT failures (5m)" '[0-9]\.[0-9]+ \('; then ok "BFT failures: no fraction of a failure"; else not_ok "BFT failures: no fraction of a failure" "$(panel "BFT failures (5m)")"; fi

# The zoom: the crit line carries its value (11.5e9 bytes), director-5 first in
# the table, and time labels apart at a long range on a narrow terminal.
keys Down Right Enter
if wait_for 10 shows "crit 10.7 GiB"; then ok "zoom: the crit line carries its value"; else not_ok "zoom: the crit line carries its value" "$(dump)"; fi
if screen | grep -E '● .*director-|\* .*director-' | head -1 | grep -q 'director-5'; then ok "zoom: director-5 heads the table"; else not_ok "zoom: director-5 heads the table" "$(dump)"; fi
tm resize-window -t "$sess" -x 36 -y 20
keys ']' ']' ']'
times_apart() {
	local s
	s=$(screen | grep -E '[0-9]{2}:[0-9]{2}' | grep -vE 'ICN|range') || return 1
	# two labels never touch: a digit, then at most one space, then a digit
	! grep -qE '[0-9]:[0-9]{2} ?[0-9]' <<<"$s"
}
if wait_for 10 shows "[range 7d]" && wait_for 10 times_apart; then ok "zoom at 36x20, range 7d: time labels apart"; else not_ok "zoom at 36x20, range 7d: time labels apart" "$(dump)"; fi
keys Escape
# Too small for the grid: scrolled to the VRAM panel, its CRIT stays on its
# border and the hint takes a line of its own, never a panel's border.
tm resize-window -t "$sess" -x 60 -y 20
keys Up Up Up Left Left Down Down
vram_crit_visible() { screen | grep -q '─ CRIT ─┘'; }
if wait_for 10 vram_crit_visible; then ok "60x20 scrolled: the VRAM panel's CRIT shows on its border"; else not_ok "60x20 scrolled: the VRAM panel's CRIT shows on its border" "$(dump)"; fi
hint_alone() { screen | grep -E 'panels? (above|below)' | grep -qvE '[│┘└┐┌]'; }
if wait_for 5 hint_alone; then ok "60x20 scrolled: 'N panels above/below' on its own line"; else not_ok "60x20 scrolled: 'N panels above/below' on its own line" "$(dump)"; fi
tm resize-window -t "$sess" -x 80 -y 24

# Red stays red: a hung Prometheus leaves CRIT, marked stale with its age.
kill -STOP "$PROMETHEUS_PID" && PROM_STOPPED=1
if wait_for 20 panel_has "Vortex VRAM" 'CRIT · stale [0-9]+[smh]'; then
	ok "Prometheus hung: VRAM still says CRIT · stale Ns"
else
	not_ok "Prometheus hung: VRAM still says CRIT · stale Ns" "$(dump)"
fi
if hides "STALE"; then ok "Prometheus hung: no grey STALE anywhere"; else not_ok "Prometheus hung: no grey STALE anywhere" "$(dump)"; fi
kill -CONT "$PROMETHEUS_PID"
PROM_STOPPED=

# The chain stalls: the time since the last block says so within a minute and
# a bit (crit over 60 s), while the 5m block rate still reads above zero.
curl -sf -X POST "$ICNSIM_URL/control/reset" >/dev/null
curl -sf -X POST "$ICNSIM_URL/control/fault/stall" >/dev/null
if wait_for 100 panel_has "Time since last block" 'CRIT' && ! panel_has "Block production rate" 'CRIT'; then
	ok "a stall: Time since last block goes CRIT before the block rate does"
else
	not_ok "a stall: Time since last block goes CRIT before the block rate does" "$(dump)"
fi
keys q
exit 0
