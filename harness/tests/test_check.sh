#!/bin/sh
# test_check.sh - `dnsharness check`: the shipped examples load, a broken
# file gives "file:line:col: error:" and exit 2, bad arguments exit 2.
# Needs DNSHARNESS (the program) and DNSHARNESS_SRC (the source tree), as
# `make test` sets them. Ends with "N passed, N failed".
set -u
bin=${DNSHARNESS:-build/asan/dnsharness}
src=${DNSHARNESS_SRC:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME WANT_RC WANT_TEXT ARGS... : run, compare the exit status and
# look for WANT_TEXT (a fixed string) in stdout+stderr; an empty WANT_TEXT
# wants no output at all.
check() {
	name=$1 want=$2 text=$3
	shift 3
	"$bin" check "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ -z "$text" ] && [ -s "$tmp/out" ]; then
		found=no
	elif [ -z "$text" ] || grep -qF -- "$text" "$tmp/out"; then
		found=yes
	else
		found=no
	fi
	if [ "$rc" -eq "$want" ] && [ "$found" = yes ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc (want $want), output:"
		sed 's/^/    /' "$tmp/out"
	fi
}

check examples 0 "3 files, 34 cases OK" "$src/scenarios/examples"
check one-file 0 "1 file, 17 cases OK" "$src/scenarios/examples/header-bits.yaml"
check quiet 0 "" -q "$src/scenarios/examples"
check var-override 0 "1 file, 8 cases OK" --var zone=example.org. \
	"$src/scenarios/examples/edns.yaml"

cat >"$tmp/bad.yaml" <<'YAML'
suite: bad
cases:
  - name: a
    query: {name: example., type: SOA}
    expect: {rcode: NOERROR}
    levle: must
YAML
check bad-key 2 "$tmp/bad.yaml:6:5: error: unknown key 'levle' in case" \
	"$tmp/bad.yaml"
check bad-and-good 2 "1 of 2 files did not load" \
	"$tmp/bad.yaml" "$src/scenarios/examples/edns.yaml"

cat >"$tmp/var.yaml" <<'YAML'
suite: var
cases:
  - name: a
    query: {name: "${zone}", type: SOA}
YAML
check unknown-var 2 "$tmp/var.yaml:4:19: error: unknown variable 'zone'" \
	"$tmp/var.yaml"
check var-given 0 "1 file, 1 case OK" --var zone=example. "$tmp/var.yaml"

mkdir "$tmp/empty"
check empty-dir 2 "$tmp/empty:0:0: error: no scenario files" "$tmp/empty"
check missing 2 "$tmp/nope.yaml:0:0: error: cannot read" "$tmp/nope.yaml"
check no-path 2 "give at least one PATH"
check bad-var 2 "--var wants K=V" --var novalue "$tmp/var.yaml"
check bad-option 2 "bad argument '--frobnicate'" --frobnicate "$tmp/var.yaml"
check help 0 "usage: dnsharness check" --help

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
