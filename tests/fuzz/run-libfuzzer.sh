#!/usr/bin/env bash
# run-libfuzzer.sh: build the fuzz targets with clang + libFuzzer + ASan/UBSan from the sources and run them.
#
#   tests/fuzz/run-libfuzzer.sh [-t SECONDS] [-j JOBS] [-b BUILDDIR] [-o WORKDIR] [TARGET...]
#   tests/fuzz/run-libfuzzer.sh -m TARGET CRASH_FILE      # minimise one crash input
#
# TARGET is prom, am, yaml, units_text, canvas, loki or jaeger (default: all). Each runs for
# SECONDS (default 60), JOBS at a time (default: the number of CPUs), with
# -max_len=65536. New corpus entries go to WORKDIR/corpus/TARGET (default
# ${TMPDIR:-/tmp}/icn-fuzz), never into the seeds; crashes, leaks and UB reports
# go to tests/fuzz/crashes/TARGET-*. BUILDDIR is a configured build directory
# whose config.h is used; without it a minimal config.h is written.
# Needs clang-14 and libclang-rt-14-dev (libFuzzer), pkg-config, libjansson-dev, libyaml-dev.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=60
njobs=$(nproc 2>/dev/null || echo 1)
builddir=
work=${TMPDIR:-/tmp}/icn-fuzz
minimize=
CC=${CC:-clang-14}

usage() { sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; }

# clang and libFuzzer are needed here only: installed by the project's own script
"$top/tools/deps" clang-14 libclang-rt-14-dev

while getopts "t:j:b:o:mh" o; do
	case $o in
	t) secs=$OPTARG ;;
	j) njobs=$OPTARG ;;
	b) builddir=$OPTARG ;;
	o) work=$OPTARG ;;
	m) minimize=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

all=(prom am yaml units_text canvas loki jaeger)

# Sources of each target (besides tests/fuzz/fuzz_TARGET.c) and the pkg-config modules.
sources() {
	local base="src/core/xalloc.c src/core/text.c"
	local conf="src/core/conf.c src/core/theme.c src/core/panels.c src/core/units.c src/core/yamldoc.c"
	case $1 in
	prom) echo "$base src/backend/prom.c src/model/series.c" ;;
	am) echo "$base src/backend/am.c src/backend/am_error.c src/backend/am_matcher.c src/backend/prom.c src/model/series.c src/model/alertlist.c" ;;
	yaml) echo "$base $conf" ;;
	units_text) echo "$base $conf" ;;
	canvas) echo "$base src/ui/canvas.c src/model/series.c" ;;
	loki) echo "$base src/core/jscan.c src/backend/loki.c src/model/series.c src/model/logring.c src/model/logdedup.c src/model/logfields.c" ;;
	jaeger) echo "$base src/core/jscan.c src/backend/jaeger.c src/backend/jaeger_url.c src/model/trace.c" ;;
	*) return 1 ;;
	esac
}
modules() {
	case $1 in
	prom | am | loki | jaeger) echo jansson ;;
	yaml | units_text) echo yaml-0.1 ;;
	canvas) echo ;;
	esac
}
dict() {
	case $1 in
	prom | am | loki | jaeger) echo "$here/dict/json.dict" ;;
	yaml) echo "$here/dict/yaml.dict" ;;
	units_text) echo "$here/dict/units.dict" ;;
	canvas) echo ;;
	esac
}

command -v "$CC" >/dev/null || {
	echo "run-libfuzzer: $CC not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
	exit 1
}

mkdir -p "$work/bin" "$here/crashes"
if [[ -n $builddir ]]; then
	[[ -f $builddir/config.h ]] || { echo "run-libfuzzer: no config.h in $builddir" >&2; exit 1; }
	confdir=$(cd "$builddir" && pwd)
else
	confdir=$work/include
	mkdir -p "$confdir"
	cat >"$confdir/config.h" <<'H'
/* Minimal config.h for the libFuzzer builds (no configure run). */
#define PACKAGE "icn-console"
#define PACKAGE_NAME "icn-console"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "icn-console 0.1.0"
#define VERSION "0.1.0"
#define _GNU_SOURCE 1
H
fi

# UB stops the run (and says where it came from), like a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
SAN=("-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=undefined)
CFLAGS_FUZZ=(-std=gnu11 -g -O1 -fno-omit-frame-pointer "${SAN[@]}" -Wall -Wextra
	-Wno-unused-parameter -I"$confdir" -I"$top/src" -I"$here" -DSYSCONFDIR='"/etc"'
	-DPKGDATADIR='"/usr/share/icn-console"')

build() {
	local t=$1 mods srcs objdir obj objs=()
	srcs="tests/fuzz/fuzz_$t.c $(sources "$t")" || { echo "run-libfuzzer: unknown target '$t'" >&2; return 1; }
	mods=$(modules "$t")
	objdir=$work/obj/$t
	mkdir -p "$objdir"
	for s in $srcs; do
		obj=$objdir/$(basename "${s%.c}").o
		# shellcheck disable=SC2086
		"$CC" "${CFLAGS_FUZZ[@]}" ${mods:+$(pkg-config --cflags $mods)} -c "$top/$s" -o "$obj"
		objs+=("$obj")
	done
	# shellcheck disable=SC2086
	"$CC" "${SAN[@]}" -o "$work/bin/fuzz_$t" "${objs[@]}" ${mods:+$(pkg-config --libs $mods)} -lm
}

if [[ -n $minimize ]]; then
	(($# == 2)) || { usage >&2; exit 2; }
	t=$1 crash=$2
	build "$t"
	out=$here/crashes/$t-minimized-$(basename "$crash")
	"$work/bin/fuzz_$t" -minimize_crash=1 -max_total_time="$secs" -runs=1000000 \
		-exact_artifact_path="$out" "$crash" 2>&1 | tail -n 5
	echo "minimised: $out ($(wc -c <"$out") bytes)"
	exit 0
fi

targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
	echo "build fuzz_$t"
	build "$t"
done

run() {
	local t=$1 d
	mkdir -p "$work/corpus/$t"
	d=$(dict "$t")
	# Leaks fail a run (-detect_leaks is on with ASan); -timeout catches hangs.
	"$work/bin/fuzz_$t" -max_len=65536 -max_total_time="$secs" -timeout=20 \
		-print_final_stats=1 -artifact_prefix="$here/crashes/$t-" ${d:+-dict="$d"} \
		"$work/corpus/$t" "$here/corpus/$t" >"$work/$t.log" 2>&1
}

rc=0
pids=()
names=()
for t in "${targets[@]}"; do
	while (($(jobs -rp | wc -l) >= njobs)); do wait -n || true; done
	echo "run fuzz_$t for ${secs}s (log: $work/$t.log)"
	run "$t" &
	pids+=($!)
	names+=("$t")
done
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		rc=1
		echo "FAIL fuzz_${names[$i]}: see $work/${names[$i]}.log"
	fi
done

# One line per target: executions, speed, coverage, corpus size.
for t in "${targets[@]}"; do
	log=$work/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\)\/\([^ ]*\).*/cov \1, ft \2, corpus \3 (\4)/p' <<<"$last")
	echo "$t: ${execs:-?} execs, ${speed:-?}/s, ${cov:-?}"
done
shopt -s nullglob
found=("$here"/crashes/*)
if ((${#found[@]})); then
	echo "crash inputs in tests/fuzz/crashes/:"
	printf '  %s\n' "${found[@]##*/}"
	rc=1
fi
exit $rc
