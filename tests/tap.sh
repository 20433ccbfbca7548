# tap.sh: TAP output and waiting helpers shared by the shell tests (sourced, not run).
# shellcheck shell=bash
tap_n=0
tap_failed=0

plan() { echo "1..$1"; }

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	local line
	for line in "$@"; do printf '# %s\n' "$line"; done
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# check NAME CMD...: ok when CMD succeeds
check() {
	local name=$1
	shift
	if "$@" >/dev/null; then ok "$name"; else not_ok "$name" "command: $*"; fi
}

# wait_for SECONDS CMD...: poll CMD every 0.25 s until it succeeds; 1 on time-out.
# A bound against hangs only, never a performance assertion.
wait_for() {
	local limit=$1 t=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		sleep 0.25
		t=$((t + 1))
		((t < limit * 4)) || return 1
	done
}

# The stack (real Prometheus + Alertmanager + icnsim) in a temp dir, stopped on exit.
stack_start() {
	STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/icn-test.XXXXXX")
	if ! "$top_srcdir/tests/stack/icn-stack" start --fast --dir "$STACK_DIR" >"$STACK_DIR/start.out" 2>&1; then
		echo "Bail out! the test stack did not start:"
		sed 's/^/# /' "$STACK_DIR/start.out"
		"$top_srcdir/tests/stack/icn-stack" stop --dir "$STACK_DIR" >/dev/null 2>&1 || true
		exit 1
	fi
	# shellcheck disable=SC1091
	. "$STACK_DIR/env"
	STACK_CONFIG=$STACK_DIR/config.yaml
}

stack_stop() {
	if [[ -n ${STACK_DIR:-} ]]; then
		"$top_srcdir/tests/stack/icn-stack" stop --dir "$STACK_DIR" >/dev/null 2>&1 || true
		rm -rf "$STACK_DIR"
		STACK_DIR=
	fi
}

# prom_query PROMQL [TIME]: the raw JSON answer of the real Prometheus
prom_query() {
	local args=(--data-urlencode "query=$1")
	[[ -n ${2:-} ]] && args+=(--data-urlencode "time=$2")
	curl -sf --max-time 5 "${args[@]}" "$PROMETHEUS_URL/api/v1/query"
}

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${ICN_CONSOLE:=$top_builddir/icn-console}"
: "${ICNSIM:=$top_builddir/icnsim}"
: "${ICN_CONSOLE_DATADIR:=$top_srcdir}"
: "${FIXTURES:=$top_srcdir/tests/fixtures}"
export top_srcdir top_builddir ICN_CONSOLE ICNSIM ICN_CONSOLE_DATADIR FIXTURES
