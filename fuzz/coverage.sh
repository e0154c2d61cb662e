#!/bin/sh
# coverage.sh DIR SRCDIR BINARY... - run coverage-instrumented binaries,
# merge their profiles and report the line coverage of SRCDIR.
#
# Environment: LLVM_PROFDATA, LLVM_COV (tools of the compiler's version).
# Each binary runs from the current directory (the repository root, where
# the replays find corpus/ and the tests their data) with its profile in
# DIR/prof/. Writes DIR/merged.profdata, DIR/html/index.html (llvm-cov
# show), DIR/report.txt (llvm-cov report, one row per file of SRCDIR) and
# prints the report and the line
#   coverage: SRCDIR lines NN.NN% (covered/total), functions NN.NN%, ...
# A binary that fails is named and makes the exit status 1, after the
# report has been written (its profile up to the failure still counts).
set -u

: "${LLVM_PROFDATA:=llvm-profdata}"
: "${LLVM_COV:=llvm-cov}"

dir=$1
src=$2
shift 2

rm -rf "$dir/prof" "$dir/html"
mkdir -p "$dir/prof"
failed=0
objects=""
for bin in "$@"; do
	name=$(basename "$bin")
	LLVM_PROFILE_FILE="$dir/prof/$name-%p.profraw" \
		CMOCKA_MESSAGE_OUTPUT=STDOUT "$bin" >"$dir/prof/$name.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "coverage: $name failed (exit $rc), see $dir/prof/$name.log"
		failed=$((failed + 1))
	fi
	if [ -z "$objects" ]; then
		objects=$bin
	else
		objects="$objects -object $bin"
	fi
done

"$LLVM_PROFDATA" merge -sparse "$dir"/prof/*.profraw \
	-o "$dir/merged.profdata" || exit 1
# shellcheck disable=SC2086
"$LLVM_COV" show $objects -instr-profile="$dir/merged.profdata" \
	-format=html -output-dir="$dir/html" -show-line-counts-or-regions \
	-project-title="dnsharness $src" "$src" || exit 1
# shellcheck disable=SC2086
"$LLVM_COV" report $objects -instr-profile="$dir/merged.profdata" \
	"$src" >"$dir/report.txt" || exit 1
cat "$dir/report.txt"

# TOTAL row: regions missed cover functions missed cover lines missed cover
# branches missed cover
awk -v src="$src" -v html="$dir/html/index.html" '
$1 == "TOTAL" {
	printf "coverage: %s lines %s (%d/%d), functions %s, regions %s; %s\n",
		src, $10, $8 - $9, $8, $7, $4, html
}' "$dir/report.txt"
echo "coverage: $# binaries run, $failed failed"
[ "$failed" -eq 0 ]
