#!/bin/sh
# run_program.sh - dnsharness run --program: targets started from recipes.
#
# 1. NSD from scenarios/targets/nsd.yaml over scenarios/examples/: exit 0,
#    every report file written, report.html self-contained and naming every
#    case, report.json naming the program with its output.
# 2. With a fake server (a recipe in a temporary scenarios tree, run by
#    python3): a crash mid-run (the case named, the rest errors, reports
#    still written), a missing program (exit 3 with the apt-get command),
#    the .expected comparison (expected deviation, new failure, new pass,
#    --update-expected), several --program in one report, and bad usage.
# Ends with "N passed, N failed" (harness/mk/run-tests.sh). Parts whose
# program (nsd, python3) is missing are skipped.
set -u

. "$(dirname "$0")/lib/common.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

# run NAME EXPECTED_EXIT ARGS... : dnsharness run, output in $TMP/out, $TMP/err
run() {
	name=$1
	want=$2
	shift 2
	(cd "$SRC" && "$BIN" run --no-color "$@") >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name (exit $got)"
	else
		bad "$name: exit $got, wanted $want"
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -40
	fi
}

# ---- 1. NSD from its recipe ----------------------------------------------

if command -v nsd >/dev/null 2>&1 || [ -x /usr/sbin/nsd ]; then
	R=$TMP/nsd
	run "nsd over the examples" 0 --program nsd --report-dir "$R" \
		scenarios/examples/
	for f in report.json junit.xml report.html traffic.pcap; do
		check "nsd: $f written" test -s "$R/$f"
	done
	check "nsd: started and named on stderr" has "$TMP/err" "nsd listens on 127.0.0.1:"
	check "nsd: expectations compared" has "$TMP/out" "expectations .*nsd.expected: 0 expected deviations, 0 new failures, 0 new passes"
	check "report.json: program nsd" has "$R/report.json" '"program": "nsd"'
	check "report.json: nsd's output kept" has "$R/report.json" '"target_log": ".*nsd'
	check "report.json: comparison" has "$R/report.json" '"matches": true'
	grep -o '<testcase classname="[^"]*" name="[^"]*"' "$R/junit.xml" |
		sed 's/.* name="//; s/"$//' >"$TMP/names"
	missing=0
	while IFS= read -r name; do
		hasf "$R/report.html" ">$name<" || missing=$((missing + 1))
	done <"$TMP/names"
	check "report.html names all $(wc -l <"$TMP/names") cases" \
		test "$missing" -eq 0 -a -s "$TMP/names"
	check "report.html is one document" has "$R/report.html" '^<!DOCTYPE html>'
	check "report.html ends" has "$R/report.html" '</body></html>'
	check "report.html loads nothing from outside" \
		test "$(grep -c 'src=\|href=\|@import\|url(' "$R/report.html")" -eq 0
	check "report.html decodes queries dig-style" has "$R/report.html" ';; QUESTION SECTION:'
else
	echo "skip: nsd is not installed (apt-get install -y nsd)"
fi

# ---- 2. a fake server ----------------------------------------------------

if ! command -v python3 >/dev/null 2>&1; then
	echo "skip: python3 is not installed: no fake server"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

S=$TMP/scen
mkdir -p "$S/targets" "$S/suites"
# Answers every UDP query with an empty NOERROR answer; dies of SIGSEGV
# on a query for crash.*
cat >"$S/targets/fake.yaml" <<'EOF'
description: a fake server that crashes on crash.*
role: resolver
program: python3
packages: python3
files:
  fake.py: |
    import os, signal, socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], int(sys.argv[2])))
    print("fake: listening", flush=True)
    while True:
        q, peer = s.recvfrom(4096)
        if len(q) < 12:
            continue
        i, labels = 12, []
        while i < len(q) and q[i] != 0:
            labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
            i += 1 + q[i]
        if ".".join(labels).lower().startswith("crash."):
            print("fake: crashing", flush=True)
            os.kill(os.getpid(), signal.SIGSEGV)
        r = bytearray(q[:i + 5])
        r[2] |= 0x80
        r[3] &= 0xf0
        r[6:12] = bytes(6)
        s.sendto(bytes(r), peer)
args: ["${dir}/fake.py", "${addr}", "${port}"]
probe:
  qname: probe.example.
  qtype: SOA
EOF
sed 's/^description: .*/description: the same fake server, another name/' \
	"$S/targets/fake.yaml" >"$S/targets/fake2.yaml"
sed -e 's/^program: python3/program: dnsh-no-such-program/' \
	-e 's/^packages: python3/packages: [dnsh-fake-pkg, dnsh-other-pkg]/' \
	"$S/targets/fake.yaml" >"$S/targets/missing.yaml"
cat >"$S/suites/crash.yaml" <<'EOF'
suite: crash
defaults:
  timeout: 1s
  retries: 0
  query: {name: a.example., type: A}
  expect: {rcode: NOERROR}
cases:
  - name: before-1
  - name: before-2
  - name: boom
    query: {name: crash.example., type: A}
  - name: after-1
  - name: after-2
EOF
cat >"$S/suites/mixed.yaml" <<'EOF'
suite: mixed
defaults:
  timeout: 1s
  query: {name: a.example., type: A}
cases:
  - name: good
    expect: {rcode: NOERROR}
  - name: good-2
    expect: {rcode: NOERROR}
  - name: bad
    level: should
    expect: {rcode: NXDOMAIN}
EOF

# the crash path
R=$TMP/crash
run "a target that crashes mid-run: exit 1" 1 -j 1 --program fake \
	--scenarios "$S" --report-dir "$R" "$S/suites/crash.yaml"
check "crash: the case is named" has "$TMP/out" "TARGET DIED: fake killed by signal 11 (SIGSEGV) during case crash/boom"
check "crash: the case is an error" has "$TMP/out" "ERROR crash/boom"
check "crash: the rest are errors" has "$TMP/out" "2 cases in error: target died: killed by signal 11 (SIGSEGV)"
check "crash: its output on stderr" has "$TMP/err" "fake: crashing"
check "crash: report.json written" test -s "$R/report.json"
check "crash: report.json says how" has "$R/report.json" '"status": "killed by signal 11 (SIGSEGV)"'
check "crash: report.json names the case" has "$R/report.json" '"target_died": "killed by signal 11 (SIGSEGV)"'
check "crash: 2 pass, 3 errors" has "$TMP/out" "^crash *must *2 *0 *3 *0$"
check "crash: report.html marks the case" has "$R/report.html" 'class="c error died"'
check "crash: junit.xml written" has "$R/junit.xml" 'errors="3"'

# a missing program
run "a missing program: exit 3" 3 --program missing --scenarios "$S" \
	--report-dir "$TMP/missing" "$S/suites/mixed.yaml"
check "missing: says which package" has "$TMP/err" "install with: apt-get install -y dnsh-fake-pkg dnsh-other-pkg"
run "an unknown recipe: exit 2" 2 --program nosuch --scenarios "$S" \
	--report-dir "$TMP/nosuch" "$S/suites/mixed.yaml"

# expectations
E=$S/targets/fake.expected
rm -f "$E"
run "no .expected: a failure is new: exit 1" 1 --program fake \
	--scenarios "$S" --report-dir "$TMP/e1" "$S/suites/mixed.yaml"
check "new failure listed" has "$TMP/out" "new failures (not listed):"
check "new failure named" has "$TMP/out" "^  mixed/bad  fail  rcode: expected NXDOMAIN, got NOERROR"
printf '# fake deviations\nmixed/bad\tfail\tthe fake answers NOERROR to everything\n' >"$E"
run "deviation listed: exit 0" 0 --program fake --scenarios "$S" \
	--report-dir "$TMP/e2" "$S/suites/mixed.yaml"
check "expected deviation counted" has "$TMP/out" "1 expected deviation, 0 new failures, 0 new passes"
check "deviation in report.json" has "$TMP/e2/report.json" '"status": "deviation"'
check "deviation in report.html" has "$TMP/e2/report.html" 'class="c xdev"'
check "deviation skipped in junit.xml" has "$TMP/e2/junit.xml" 'skipped message="expected deviation'
printf 'mixed/bad\tfail\tr\nmixed/good\tfail\tused to fail\nmixed/gone\tfail\tr\n' >"$E"
run "a listed case passes: exit 1" 1 --program fake --scenarios "$S" \
	--report-dir "$TMP/e3" "$S/suites/mixed.yaml"
check "new pass listed" has "$TMP/out" "^  mixed/good  pass  (listed as fail: used to fail)"
check "stale entry warned" has "$TMP/err" "fake.expected:3: warning: mixed/gone names no case"
run "filtered-out listed cases are ignored: exit 0" 0 --program fake \
	--scenarios "$S" --report-dir "$TMP/e4" --filter 'bad' "$S/suites/mixed.yaml"
printf 'mixed/good\tfail\tused to fail\n' >"$E"
run "--update-expected: exit 1 (this run differed)" 1 --program fake \
	--scenarios "$S" --report-dir "$TMP/e5" --update-expected "$S/suites/mixed.yaml"
check "--update-expected says so" has "$TMP/out" "updated .*fake.expected"
check "new pass dropped" test "$(grep -c 'mixed/good' "$E")" -eq 0
check "new failure added unreviewed" has "$E" "^mixed/bad	fail	unreviewed: rcode: expected NXDOMAIN, got NOERROR$"
run "after the update: exit 0" 0 --program fake --scenarios "$S" \
	--report-dir "$TMP/e6" "$S/suites/mixed.yaml"
printf 'mixed/bad\tpass\tr\n' >"$E"
run "a bad .expected: exit 2" 2 --program fake --scenarios "$S" \
	--report-dir "$TMP/e7" "$S/suites/mixed.yaml"
check "located error" has "$TMP/err" "fake.expected:1:11: error: expected the verdict fail or error"
rm -f "$E"

# several targets, one report
R=$TMP/multi
run "two targets: exit 1 (an unlisted failure)" 1 --program fake \
	--program fake2 --scenarios "$S" --report-dir "$R" "$S/suites/mixed.yaml"
check "one block per target" test "$(grep -c '^== fake2\? (127.0.0.1:' "$TMP/out")" -eq 2
check "counts per target and level" has "$TMP/out" "^fake2 *should *0 *1 *0 *0 *0 *1 *0$"
check "report.json: a targets array" has "$R/report.json" '"targets": \['
check "report.json: both programs" test "$(grep -c '"program": "fake2\?"' "$R/report.json")" -eq 2
check "junit.xml: suites per target" has "$R/junit.xml" '<testsuite name="fake2: mixed"'
check "report.html: a column per target" has "$R/report.html" '<th>fake</th><th>fake2</th>'
run "the same program twice: exit 2" 2 --program fake --program fake \
	--scenarios "$S" --report-dir "$R" "$S/suites/mixed.yaml"

# usage
run "--program with --target: exit 2" 2 --program fake --target 127.0.0.1 \
	--scenarios "$S" "$S/suites/mixed.yaml"
run "--update-expected without --program: exit 2" 2 --target 127.0.0.1 \
	--update-expected "$S/suites/mixed.yaml"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
