#!/usr/bin/env bash
# test_fuzz_corpus.sh: every fuzz target's seed corpus (with past crash inputs) replayed
# through its gcc-built binary (tests/fuzz/driver.c), one TAP line per target.
set -uo pipefail
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

targets=(prom am yaml units_text canvas loki jaeger)
plan ${#targets[@]}
log=$(mktemp "${TMPDIR:-/tmp}/icn-fuzz-corpus.XXXXXX")
trap 'rm -f "$log"' EXIT
# Steering around known bugs is for fuzzing campaigns only: replays check all.
unset ICN_FUZZ_KNOWN

for t in "${targets[@]}"; do
	bin=$top_builddir/tests/fuzz/fuzz_$t
	corpus=$top_srcdir/tests/fuzz/corpus/$t
	if [[ ! -x $bin ]]; then
		not_ok "$t: replay binary not built" "missing $bin"
		continue
	fi
	out=$("$bin" "$corpus" 2>"$log")
	rc=$?
	line=$(grep -E '^(not )?ok 1 - ' <<<"$out" || true)
	if ((rc == 0)) && [[ $line == "ok 1 - "* ]]; then
		ok "${line#ok 1 - }"
	else
		# The driver names each input before running it: the last one crashed.
		mapfile -t why < <(grep -v '^# ' "$log" | grep -v '^ *$' | head -n 20)
		last=$(grep '^# ' "$log" | tail -n 1)
		not_ok "$t: replay failed (exit $rc)${line:+: ${line#*- }}" "input: ${last#\# }" "${why[@]}"
	fi
done
exit 0
