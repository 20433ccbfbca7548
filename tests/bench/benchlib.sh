# shellcheck shell=bash
# benchlib.sh: shell helpers the benchmark scripts share (sourced, not run).

# wait_until LIMIT_S CMD...: run CMD (quietly) until it succeeds; 1 after LIMIT_S seconds.
# BENCH_POLL_S sets the pause between tries (default 0.1).
wait_until() {
	local limit=$1 t0=$SECONDS
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS - t0 < limit)) || return 1
		sleep "${BENCH_POLL_S:-0.1}"
	done
}
# CPU time of a process in nanoseconds (utime + stime, from the scheduler:
# /proc/PID/stat's ticks are too coarse at 0.1 %).
cpu_ns() { awk '{print $1}' "/proc/$1/schedstat"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
now_ns() { date +%s%N; }
# bench_need NAME FILE_OR_CMD...: exit 2 naming what is missing: a path that is
# not an executable (build first), or a command not on PATH.
bench_need() {
	local name=$1 x
	shift
	for x in "$@"; do
		if [[ $x == */* ]]; then
			[[ -x $x ]] || { echo "$name: $x is not built (run ./tools/build first)" >&2; exit 2; }
		else
			command -v "$x" >/dev/null || { echo "$name: $x is needed" >&2; exit 2; }
		fi
	done
}
