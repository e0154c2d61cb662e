#!/bin/sh
# afl-run.sh CODEC - fuzz one target with AFL++ for a time budget.
#
# Environment: AFL_BUILD (directory of the fuzz_<codec> binaries built by
# `make fuzz-afl`), FUZZ_SECONDS (default 60), AFL_FLAGS (more afl-fuzz
# options, e.g. "-c 0" with a cmplog build).
# Starts from corpus/fuzz_<codec>/ with fuzz/<codec>.dict; afl-fuzz's output
# goes to a scratch directory, never into the repository. Prints one line:
# execs, exec/s, corpus size, edges and bitmap coverage. A crash or a hang
# (over 10 s) fails the run; its input is copied to
# corpus/fuzz_<codec>.repro/afl-<sha1> and afl-fuzz's output is kept.
set -u

: "${AFL_BUILD:?set AFL_BUILD}"
: "${FUZZ_SECONDS:=60}"
: "${AFL_FLAGS:=}"
codec=${1:?usage: afl-run.sh CODEC}
bin=$AFL_BUILD/fuzz_$codec
[ -x "$bin" ] || { echo "FAIL $codec: no binary $bin (make fuzz-afl)"; exit 1; }

# A machine that is not set up for AFL (CPU governor, core_pattern piped to
# a crash handler) is still good enough for a bounded run: afl-fuzz only
# checks, and AFL++ does not need the core dump itself.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1

out=$(mktemp -d "${TMPDIR:-/tmp}/dnsharness-afl.XXXXXX")
dict=
[ -f "fuzz/$codec.dict" ] && dict="-x fuzz/$codec.dict"
# shellcheck disable=SC2086
afl-fuzz -i "corpus/fuzz_$codec" -o "$out" $dict -t 10000 \
	-V "$FUZZ_SECONDS" $AFL_FLAGS -- "$bin" >"$out/log" 2>&1
rc=$?

stats=$out/default/fuzzer_stats
stat_of() {
	sed -n "s/^$1[[:space:]]*:[[:space:]]*//p" "$stats" 2>/dev/null
}
crashes=$(stat_of saved_crashes)
hangs=$(stat_of saved_hangs)
line=$(printf '%-11s execs %-9s exec/s %-7s corpus %-5s edges %-5s bitmap %s' \
	"$codec" "$(stat_of execs_done)" "$(stat_of execs_per_sec)" \
	"$(stat_of corpus_count)" "$(stat_of edges_found)" \
	"$(stat_of bitmap_cvg)")

kept=
for f in "$out"/default/crashes/id:* "$out"/default/hangs/id:*; do
	[ -f "$f" ] || continue
	mkdir -p "corpus/fuzz_$codec.repro"
	dest=corpus/fuzz_$codec.repro/afl-$(sha1sum "$f" | cut -c1-40)
	cp "$f" "$dest"
	kept="$kept $dest"
done

if [ "$rc" -ne 0 ] || [ ! -f "$stats" ] || [ -n "$kept" ]; then
	echo "FAIL $line (exit $rc, crashes ${crashes:-?}, hangs ${hangs:-?})"
	for k in $kept; do
		echo "     input kept: $k (reproduce: $bin $k)"
	done
	echo "     afl-fuzz output kept in $out"
	# afl-fuzz's own complaint when it did not finish (colours removed)
	if [ "$rc" -ne 0 ] || [ ! -f "$stats" ]; then
		tail -n 20 "$out/log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/^/     /'
	fi
	exit 1
fi
echo "ok   $line"
rm -rf "$out"
