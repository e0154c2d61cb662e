#!/bin/sh
# run-tests.sh BINARY... - run cmocka test binaries (and executable test
# scripts), add up their results, and end with "N passed, N failed".
# A binary that crashes or exits non-zero without a cmocka summary counts
# as one failure, so a dead test can never pass silently.
set -u

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	name=$(basename "$t")
	# scripts run through sh: a lost executable bit must not fail them
	case "$t" in
	*.sh) sh "$t" >"$log" 2>&1 ;;
	*) CMOCKA_MESSAGE_OUTPUT=STDOUT "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	# Scripts print their own "N passed, N failed" line.
	if [ -z "$p" ]; then
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
		if [ -n "$line" ]; then
			p=$(echo "$line" | sed 's/^\([0-9]*\) passed.*/\1/')
			f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
		fi
	fi
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name ($p passed, $f failed, exit $rc)"
		sed 's/^/    /' "$log"
	else
		echo "ok   $name ($p passed)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
