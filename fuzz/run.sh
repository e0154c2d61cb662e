#!/bin/sh
# run.sh CODEC... - fuzz each target for a time budget, FUZZ_JOBS at a time.
#
# Environment: FUZZ_BUILD (directory of the fuzz_<codec> binaries),
# FUZZ_SECONDS (per target), FUZZ_JOBS (targets in parallel, default 2).
# Each target starts from corpus/fuzz_<codec>/ with fuzz/<codec>.dict; new
# inputs go to a scratch directory, never into the repository. The
# corpus/fuzz_<codec>.repro/ inputs are not loaded (make test replays them;
# a known, unfixed crash would stop every run at once).
#
# Per target one line: exec/s, coverage (cov: of libFuzzer's final status
# line), features, corpus growth. Any crash, leak, timeout or OOM fails the
# run; its input is copied to corpus/fuzz_<codec>.repro/ and the log tail
# is shown. Exit status 0 only when every target ran clean.
set -u

: "${FUZZ_BUILD:?set FUZZ_BUILD}"
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_JOBS:=2}"

# A number from libFuzzer's final statistics (-print_final_stats=1).
stat_of() {
	sed -n "s/^stat::$1:[[:space:]]*//p" "$dir/log" | tr -d ' '
}

# A file of the seeds or reproducers of $codec with the same bytes as $1.
known_input() {
	for f in "corpus/fuzz_$codec"/* "corpus/fuzz_$codec.repro"/*; do
		[ -f "$f" ] && cmp -s "$1" "$f" && { echo "$f"; return; }
	done
}

# One target; writes $scratch/<codec>/result and returns its status.
run_one() {
	codec=$1
	bin=$FUZZ_BUILD/fuzz_$codec
	dir=$scratch/$codec
	mkdir -p "$dir/new" "$dir/artifacts"
	dict=
	[ -f "fuzz/$codec.dict" ] && dict="-dict=fuzz/$codec.dict"
	"$bin" $dict -max_total_time="$FUZZ_SECONDS" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" \
		"$dir/new" "corpus/fuzz_$codec" >"$dir/log" 2>&1
	rc=$?
	status=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' \
		"$dir/log" | tail -n 1)
	cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	execs=$(stat_of number_of_executed_units)
	eps=$(stat_of average_exec_per_sec)
	added=$(stat_of new_units_added)
	found=
	for a in "$dir"/artifacts/crash-* "$dir"/artifacts/leak-* \
		"$dir"/artifacts/timeout-* "$dir"/artifacts/oom-*; do
		[ -f "$a" ] || continue
		known=$(known_input "$a")
		if [ -n "$known" ]; then
			found="$found $known (already there)"
			continue
		fi
		mkdir -p "corpus/fuzz_$codec.repro"
		cp "$a" "corpus/fuzz_$codec.repro/"
		found="$found corpus/fuzz_$codec.repro/$(basename "$a")"
	done
	line=$(printf '%-11s exec/s %-6s cov %-5s ft %-6s runs %-9s new %s' \
		"$codec" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${execs:-?}" \
		"${added:-?}")
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		{
			echo "FAIL $line (exit $rc)"
			[ -n "$found" ] && echo "     input kept:$found"
			# the report without libFuzzer's own frames
			grep -E 'oracle failed|ERROR|SUMMARY|runtime error|^ +#[0-9]+ |^(expected|got|original|round trip) \(|^  [0-9a-f]{2}( |$)|^type [0-9]+ text:' \
				"$dir/log" | grep -v 'fuzzer::\|libc_start\|_start ' |
				head -n 30 | sed 's/^/     /'
		} >"$dir/result"
		return 1
	fi
	echo "ok   $line" >"$dir/result"
	return 0
}

if [ "${1:-}" = "--one" ]; then
	# child of the xargs below: one target, its line on stdout
	scratch=$2
	run_one "$3"
	rc=$?
	cat "$scratch/$3/result"
	exit "$rc"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/dnsharness-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failed=0
for codec in "$@"; do
	if [ ! -x "$FUZZ_BUILD/fuzz_$codec" ]; then
		echo "FAIL $codec: no binary $FUZZ_BUILD/fuzz_$codec (make fuzz)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || exit 1
echo "fuzz-run: $# targets, ${FUZZ_SECONDS}s each, $FUZZ_JOBS at a time"
printf '%s\n' "$@" | xargs -n 1 -P "$FUZZ_JOBS" "$0" --one "$scratch"
for codec in "$@"; do
	grep -q '^ok ' "$scratch/$codec/result" 2>/dev/null ||
		failed=$((failed + 1))
done
echo "fuzz-run: $(($# - failed)) of $# targets clean"
[ "$failed" -eq 0 ]
