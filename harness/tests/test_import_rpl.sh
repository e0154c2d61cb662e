#!/bin/sh
# test_import_rpl.sh - `dnsharness import-rpl` end to end: every .rpl of
# harness/tests/data/rpl/ converts (the count of constructs not converted
# on stderr) into YAML that `dnsharness check` loads; -o writes a file; a
# broken .rpl gives "FILE:line:col: error:" and exit 2; bad usage exit 2.
# Then the simple iterative scenario (iter_basic.rpl) is played against
# Unbound (its steps must pass; a copy with a wrong expected address must
# fail), and so is iter_ranges.rpl, whose RANGEs become match: step:
# (the renumbered address is seen after the TTL expiry; a copy whose range
# starts a step too late must fail), holding /tmp/dnsharness-port53.lock while its scripted servers use
# port 53; skipped when unbound is missing or port 53 cannot be bound.
# Needs DNSHARNESS (the program) and DNSHARNESS_SRC (the source tree), as
# `make test` sets them. Ends with "N passed, N failed".
set -u
. "$(dirname "$0")/lib/common.sh"
lock_port53 "$@"
DATA=$SRC/harness/tests/data/rpl
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bad() {
	failed=$((failed + 1))
	echo "FAIL $1"
	[ -s "$TMP/err" ] && sed 's/^/    /' "$TMP/err" | head -20
}

# expect NAME WANT_RC TEXT FILE COMMAND...: exit status and a fixed string
# in FILE after running COMMAND (stdout to $TMP/out, stderr to $TMP/err).
expect() {
	name=$1 want=$2 text=$3 file=$4
	shift 4
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$file"; then
		ok "$name"
	else
		bad "$name (exit $rc, want $want; '$text' in $file?)"
	fi
}

for f in "$DATA"/*.rpl; do
	n=$(basename "$f" .rpl)
	expect "$n: converts" 0 "not converted" "$TMP/err" \
		"$BIN" import-rpl -o "$TMP/$n.yaml" "$f"
	expect "$n: the YAML loads" 0 "1 file, " "$TMP/out" \
		"$BIN" check "$TMP/$n.yaml"
done
expect "stdout and the count" 0 "suite: iter_basic" "$TMP/out" \
	"$BIN" import-rpl "$DATA/iter_basic.rpl"
expect "count on stderr" 0 "iter_basic.rpl: 2 constructs not converted" \
	"$TMP/err" "$BIN" import-rpl "$DATA/iter_basic.rpl"
expect "iter_ranges: RANGE 0 29 is steps 1 to 2" 0 \
	"qname: 'www.example.com.', qtype: A, step: {min: 1, max: 2}}" \
	"$TMP/out" "$BIN" import-rpl "$DATA/iter_ranges.rpl"
expect "iter_ranges: RANGE 30 100 is step 3" 0 \
	"qname: 'www.example.com.', qtype: A, step: 3}" "$TMP/out" \
	"$BIN" import-rpl "$DATA/iter_ranges.rpl"
if grep -q "step limits" "$TMP/out"; then
	bad "iter_ranges: no step-limit notes"
else
	ok "iter_ranges: no step-limit notes"
fi
expect "constructs: its notes" 0 \
	"# import-rpl: not converted: STEP 10 ASSIGN (line 177)" "$TMP/out" \
	"$BIN" import-rpl "$DATA/constructs.rpl"
expect "--suite and --recipe" 0 "recipe: knot-resolver" "$TMP/out" \
	"$BIN" import-rpl --suite x --recipe knot-resolver "$DATA/deckard.rpl"
printf 'CONFIG_END\nSCENARIO_BEGIN\nRANGE_BEGIN 0 10\nENTRY_BEGIN\n' \
	>"$TMP/broken.rpl"
expect "broken: file:line:col" 2 "broken.rpl:4:1: error: ENTRY_BEGIN without ENTRY_END" \
	"$TMP/err" "$BIN" import-rpl "$TMP/broken.rpl"
expect "missing file" 1 "No such file" "$TMP/err" \
	"$BIN" import-rpl "$TMP/nothing.rpl"
expect "no argument" 2 "give one FILE.rpl" "$TMP/err" "$BIN" import-rpl
expect "--help" 0 "usage: dnsharness import-rpl" "$TMP/out" \
	"$BIN" import-rpl --help

# ---- against Unbound -------------------------------------------------------
skip=
command -v unbound >/dev/null 2>&1 || [ -x /usr/sbin/unbound ] ||
	skip="unbound is not installed (apt-get install -y unbound)"
if [ -z "$skip" ] && command -v python3 >/dev/null 2>&1; then
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.54.0.254", 53))' \
		2>/dev/null ||
		skip="cannot bind port 53 (run as root or with CAP_NET_BIND_SERVICE)"
elif [ -z "$skip" ] && [ "$(id -u)" -ne 0 ]; then
	skip="not root: the scripted servers need port 53"
fi
if [ -n "$skip" ]; then
	echo "skip: iter_basic against unbound: $skip"
else
	"$BIN" import-rpl -o "$TMP/iter.yaml" "$DATA/iter_basic.rpl" 2>/dev/null
	sed "s/[*] IN A 10.20.30.40'/* IN A 10.20.30.41'/" "$TMP/iter.yaml" \
		>"$TMP/wrong.yaml"
	expect "iter_basic passes against unbound" 0 "iter_basic  " "$TMP/out" \
		"$BIN" run \
		--report-dir "$TMP/r1" "$TMP/iter.yaml"
	grep -q "must  *1  *0  *0  *0" "$TMP/out" && ok "1 step passed" ||
		bad "1 step passed"
	expect "a wrong address fails against unbound" 1 \
		"missing: www.example.com. * IN A 10.20.30.41" "$TMP/out" \
		"$BIN" run \
		--report-dir "$TMP/r2" "$TMP/wrong.yaml"
	"$BIN" import-rpl -o "$TMP/ranges.yaml" "$DATA/iter_ranges.rpl" \
		2>/dev/null
	sed "s/step: 3}/step: 4}/" "$TMP/ranges.yaml" >"$TMP/late.yaml"
	expect "iter_ranges passes against unbound" 0 "iter_ranges  " \
		"$TMP/out" "$BIN" run \
		--report-dir "$TMP/r3" "$TMP/ranges.yaml"
	grep -q "must  *2  *0  *0  *0" "$TMP/out" && ok "2 steps passed" ||
		bad "2 steps passed"
	expect "a range a step late fails against unbound" 1 \
		"missing: www.example.com. * IN A 10.20.30.41" "$TMP/out" \
		"$BIN" run \
		--report-dir "$TMP/r4" "$TMP/late.yaml"
fi
echo "$passed passed, $failed failed"
