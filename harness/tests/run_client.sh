#!/bin/sh
# run_client.sh - role: client end to end: external client programs (dig,
# kdig, drill, dnsharness-gai over glibc, the Twisted Names client) run
# against the scripted servers of scenarios/client/ on 127.54.0.x.
#
# 1. dnsharness check loads scenarios/client/ without an error.
# 2. The suites with every client installed (those missing are left out
#    with --filter, and named), compared with clients.expected (the
#    clients' known deviations from the RFCs): exit 0, 0 new failures, 0
#    new passes, no error; each step in report.json with its program's
#    command, status and output, in junit.xml (system-out) and
#    report.html.
# 3. Expectations bite: a copy of the truncation suite with a wrong exit
#    status and a wrong upstream: assertion fails (exit 1), both named.
#    --expected FILE without --program, with sh as the client: a listed
#    failure is an expected deviation, an unlisted one a new failure
#    (exit 1), a listed pass a new pass (exit 1); only listed failures:
#    exit 0; --update-expected rewrites FILE; a missing FILE, or
#    --expected with --program, is bad usage (exit 2).
# 4. The runner itself, with sh as the client: the timeout kills the
#    whole process group (no process left), output held open by a
#    grandchild that left the group (setsid) is cut 1 s after the exit
#    (that sleep ends by itself), a missing program is ERROR,
#    a crash is named, output over 1 MB is cut and counted, stdin:, env:
#    and ${server}/${port} reach the program, a failing contains/lacks/
#    matches/lines is reported; a server suite run after a client suite
#    passes.
# 5. Loader errors: run: as one string (a shell line), a bad regular
#    expression, an unknown key, a query: in a client step.
# Binds port 53 on 127.54.0.x when it may, under the port-53 lock
# (lock_port53, lib/common.sh).
# Ends with "N passed, N failed" (harness/mk/run-tests.sh).
set -u

. "$(dirname "$0")/lib/common.sh"
lock_port53 "$@"
GAI=$(dirname "$BIN")/dnsharness-gai

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$SRC" || exit 1

# ---- 1. check -------------------------------------------------------------
"$BIN" check scenarios/client/ >"$tmp/check.out" 2>&1
check "check scenarios/client/" test $? -eq 0

# ---- 2. the suites, with the clients installed ----------------------------
filters=""
want() { # want GLOB PRESENT WHY
	if [ "$2" = yes ]; then
		filters="$filters --filter $1"
	else
		echo "skip: steps $1: $3"
	fi
}
yes_if() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }
want 'dig-*' "$(yes_if command -v dig)" "dig is not installed (apt-get install -y dnsutils)"
want 'kdig-*' "$(yes_if command -v kdig)" "kdig is not installed (apt-get install -y knot-dnsutils)"
want 'drill-*' "$(yes_if command -v drill)" "drill is not installed (apt-get install -y ldnsutils)"
want 'glibc-*' "$(yes_if test -x "$GAI")" "$GAI is not built (make $GAI)"
want 'twisted-*' "$(yes_if /usr/bin/python3 -c 'import twisted.names.client')" \
	"Twisted is not installed (apt-get install -y python3-twisted)"
if [ -n "$filters" ]; then
	# shellcheck disable=SC2086
	"$BIN" run --no-color --report-dir "$tmp/suites" $filters \
		--expected scenarios/client/clients.expected \
		scenarios/client/ >"$tmp/suites.out" 2>&1
	rc=$?
	check "scenarios/client/ matches clients.expected (exit 0)" \
		test $rc -eq 0
	[ $rc -eq 0 ] || sed 's/^/    /' "$tmp/suites.out" | head -80
	check "... 0 new failures, 0 new passes, no error" sh -c '
		grep -q ", 0 new failures, 0 new passes$" "$1" &&
		grep -Eq "^total +[0-9]+ +[0-9]+ +0 +0$" "$1"' sh "$tmp/suites.out"
	grep '^expectations ' "$tmp/suites.out" | sed 's/^/    /'
	check "report.json: each step's program" \
		/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
cs = d["cases"]
assert len(cs) >= 10, len(cs)
for c in cs:
    p = c["client"]
    assert p["started"] and p["command"] and p["status"].startswith("exit"), c
    assert "stdout" in p and "stderr" in p and "upstream" in c, c
' "$tmp/suites/report.json"
	check "junit.xml: the output in system-out" \
		hasf "$tmp/suites/junit.xml" '<system-out>$ '
	check "report.html: the program's block" \
		hasf "$tmp/suites/report.html" '<h4>Program</h4>'
else
	echo "skip: no DNS client installed"
fi

# ---- 3. a wrong expectation fails ------------------------------------------
if command -v dig >/dev/null 2>&1; then
	sed -e '/name: dig-retries-over-tcp/,/name: dig-ignore-tc/{
		s/exit: 0/exit: 7/
		s/{qname: tc.example., transport: tcp, count: 1}/{qname: tc.example., transport: tcp, never: true}/
	}' scenarios/client/truncation.yaml >"$tmp/wrong.yaml"
	cp scenarios/client/_client.zone "$tmp/"
	"$BIN" run --no-color --report-dir "$tmp/wrong" \
		--filter dig-retries-over-tcp "$tmp/wrong.yaml" \
		>"$tmp/wrong.out" 2>&1
	rc=$?
	check "a wrong expectation fails (exit 1)" test $rc -eq 1
	check "... the exit status named" \
		hasf "$tmp/wrong.out" "exit: expected exit 7, got exit 0"
	check "... the upstream assertion named" \
		hasf "$tmp/wrong.out" "upstream[1]: expected {qname: tc.example., transport: tcp} never asked, got asked 1 time"
else
	echo "skip: a wrong expectation: dig is not installed"
fi

# --expected FILE for a run without --program (sh as the client).
cat >"$tmp/exp.yaml" <<'EOF'
suite: client-exp
role: client
servers:
  - {name: ns, addresses: [127.54.0.9], zones: ["example. 60 IN SOA ns.example. h.example. 1 3600 600 86400 60"]}
steps:
  - {name: listed-fails, level: should, run: ["false"], expect: {exit: 0}}
  - {name: unlisted-fails, level: should, run: ["false"], expect: {exit: 0}}
  - {name: listed-passes, run: ["true"], expect: {exit: 0}}
  - {name: unlisted-passes, run: ["true"], expect: {exit: 0}}
EOF
printf '%s\n' '# test' \
	'client-exp/listed-fails	fail	false exits 1' \
	'client-exp/listed-passes	fail	was broken once' >"$tmp/exp.expected"
cp "$tmp/exp.expected" "$tmp/exp.orig"
"$BIN" run --no-color --report-dir "$tmp/exp" --expected "$tmp/exp.expected" \
	"$tmp/exp.yaml" >"$tmp/exp.out" 2>&1
check "--expected: a new failure (of a should step) and a new pass: exit 1" \
	test $? -eq 1
check "... counted" hasf "$tmp/exp.out" \
	"expectations $tmp/exp.expected: 1 expected deviation, 1 new failure, 1 new pass"
check "... each case judged" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = dict((c["name"], c["expected"]["status"]) for c in d["cases"])
assert e == {"listed-fails": "deviation", "unlisted-fails": "new-failure",
             "listed-passes": "new-pass", "unlisted-passes": "none"}, e
x = d["expected"]
assert not x["matches"] and x["deviations"] == 1, x
' "$tmp/exp/report.json"
"$BIN" run --no-color --report-dir "$tmp/exp2" --expected "$tmp/exp.expected" \
	--filter 'listed-fails' --filter 'unlisted-passes' "$tmp/exp.yaml" \
	>"$tmp/exp2.out" 2>&1
check "--expected: only listed failures (and unlisted passes): exit 0" test $? -eq 0
check "... 1 expected deviation, 0 new" hasf "$tmp/exp2.out" \
	"1 expected deviation, 0 new failures, 0 new passes"
"$BIN" run --no-color --report-dir "$tmp/exp3" --expected "$tmp/exp.expected" \
	--filter listed-passes "$tmp/exp.yaml" >"$tmp/exp3.out" 2>&1
check "--expected: a listed case that passes alone is a new pass (exit 1)" \
	test $? -eq 1
"$BIN" run --no-color --report-dir "$tmp/exp4" --expected "$tmp/exp.expected" \
	--update-expected "$tmp/exp.yaml" >"$tmp/exp4.out" 2>&1
check "--update-expected with --expected: rewrites the file" sh -c '
	grep -q "^client-exp/listed-fails	fail	false exits 1$" "$1" &&
	grep -q "^client-exp/unlisted-fails	fail	unreviewed" "$1" &&
	! grep -q listed-passes "$1"' sh "$tmp/exp.expected"
"$BIN" run --no-color --report-dir "$tmp/exp5" --expected "$tmp/exp.expected" \
	"$tmp/exp.yaml" >"$tmp/exp5.out" 2>&1
check "... and the next run matches it (exit 0)" test $? -eq 0
"$BIN" run --no-color --report-dir "$tmp/exp6" \
	--expected "$tmp/no-such.expected" "$tmp/exp.yaml" >"$tmp/exp6.out" 2>&1
check "--expected: a missing file is bad usage (exit 2)" test $? -eq 2
check "... named" hasf "$tmp/exp6.out" \
	"--expected $tmp/no-such.expected: no such file"
"$BIN" run --no-color --expected "$tmp/exp.orig" --program nsd \
	"$tmp/exp.yaml" >"$tmp/exp7.out" 2>&1
check "--expected with --program is bad usage (exit 2)" test $? -eq 2
check "... named" hasf "$tmp/exp7.out" "--expected is for runs without --program"

# ---- 4. the runner, with sh as the client ---------------------------------
cat >"$tmp/self.yaml" <<'EOF'
suite: client-self
role: client
vars: {word: plain}
servers:
  - name: ns
    addresses: [127.54.0.9]
    zones: ["example. 60 IN SOA ns.example. h.example. 1 3600 600 86400 60"]
defaults:
  timeout: 5s
steps:
  - name: vars-stdin-env
    run: [sh, -c, 'echo "$1 $2 $3 ${word}"; cat; echo "env=$DNSH_X"', sh, "${server}", "${port}", "${addr}"]
    stdin: "input for ${server}\n"
    env: {DNSH_X: "x-${port}"}
    expect:
      exit: 0
      stdout:
        contains: ["127.54.0.9 ${port} 127.54.0.9:${port} plain", "input for 127.54.0.9", "env=x-${port}"]
        lines: 3
  - name: timeout-kills-the-group
    timeout: 300ms
    run: [sh, -c, 'sleep 97 & sleep 98']
    expect: {exit: timeout}
  - name: not-killed-expected
    timeout: 300ms
    run: [sh, -c, 'sleep 99']
    expect: {exit: 0}
  - name: escaped-grandchild
    run: [sh, -c, 'setsid sleep 6 </dev/null & sleep 0.5; echo started']
    expect: {exit: 0, stdout: {contains: started, lines: 1}}
  - name: missing-program
    run: [dnsharness-no-such-program]
  - name: crash
    run: [sh, -c, 'kill -SEGV $$']
  - name: big-output
    run: [sh, -c, 'head -c 1500000 /dev/zero | tr "\0" a; echo']
    expect: {exit: 0, stdout: {lines: 1}}
  - name: nonzero
    run: [sh, -c, 'echo out; echo err >&2; exit 3']
    expect: {exit: nonzero, stdout: {contains: out, lines: 1}, stderr: {matches: '^e.r$'}}
  - name: wrong-text
    run: [sh, -c, 'echo one; echo two']
    expect:
      exit: [1, 2]
      stdout: {contains: three, lacks: two, matches: '^t[wo]{2}$', lines: {min: 3}}
EOF
"$BIN" run --no-color -v --report-dir "$tmp/self" "$tmp/self.yaml" \
	>"$tmp/self.out" 2>&1
check "self: exit 1 (failures)" test $? -eq 1
verdict() { # verdict NAME VERDICT
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cases"] if c["name"] == sys.argv[2]][0]
sys.exit(0 if c["verdict"] == sys.argv[3] else 1)
' "$tmp/self/report.json" "$1" "$2"
}
check "self: \${server} \${port} \${addr}, vars:, stdin:, env: reach it" verdict vars-stdin-env pass
check "self: exit: timeout passes when killed at the timeout" verdict timeout-kills-the-group pass
check "self: ... and no process of its group is left" \
	sh -c '! pgrep -f "sleep 9[78]" >/dev/null'
check "self: a timeout not expected fails" verdict not-killed-expected fail
check "self: output held open by a grandchild in another session: cut 1 s after the exit" \
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cases"] if c["name"] == "escaped-grandchild"][0]
assert c["verdict"] == "pass" and 1400 < c["elapsed_ms"] < 4500, c
' "$tmp/self/report.json"
check "self: ... named" hasf "$tmp/self.out" \
	"timeout: expected the program to end within 0.3s, got killed at the timeout (0.3s)"
check "self: a missing program is an error" verdict missing-program error
check "self: ... named" hasf "$tmp/self.out" \
	"run: expected the program dnsharness-no-such-program started, got no such file or directory"
check "self: a crash fails, named" hasf "$tmp/self.out" \
	"exit: expected a normal exit (no crash), got killed by signal 11 (SIGSEGV)"
check "self: output over 1 MB cut and counted" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cases"] if c["name"] == "big-output"][0]["client"]
assert c["stdout_bytes"] == 1500001 and c["stdout_truncated"], c["stdout_bytes"]
assert len(c["stdout"]) == 1 << 20, len(c["stdout"])
' "$tmp/self/report.json"
check "self: exit: nonzero, stderr matches:" verdict nonzero pass
for s in "exit: expected exit 1 or 2, got exit 0" \
	"stdout.contains: expected 'three', got absent from 2 lines: one | two" \
	"stdout.lacks: expected no 'two', got line 2: two" \
	"stdout.lines: expected at least 3 lines, got 2 lines"; do
	check "self: $s" hasf "$tmp/self.out" "$s"
done
check "self: a failing matches: passes when one line matches" \
	sh -c '! grep -qF "stdout.matches" "$1"' sh "$tmp/self.out"

# A client suite that takes a while, then a server suite with its own
# servers in the same run: the server cases' timeouts start fresh.
cat >"$tmp/slow.yaml" <<'EOF'
suite: client-slow
role: client
servers:
  - {name: ns, addresses: [127.54.0.9], zones: ["example. 60 IN SOA ns.example. h.example. 1 3600 600 86400 60"]}
steps:
  - {name: slow, run: [sleep, "2"], expect: {exit: 0}}
EOF
"$BIN" run --no-color --report-dir "$tmp/mixed" "$tmp/slow.yaml" \
	scenarios/hostile/udp.yaml >"$tmp/mixed.out" 2>&1
check "a client suite then a server suite in one run: both pass" \
	test $? -eq 0

# ---- 5. loader errors --------------------------------------------------------
cat >"$tmp/bad.yaml" <<'EOF'
suite: client-bad
role: client
servers:
  - {name: ns, addresses: [127.54.0.9], zones: ["example. 60 IN SOA ns.example. h.example. 1 3600 600 86400 60"]}
steps:
  - name: shell-line
    run: "dig @${server} example."
  - name: bad-regex
    run: ["true"]
    expect: {stdout: {matches: "a("}}
  - name: unknown-key
    run: ["true"]
    retries: 2
  - name: query
    query: {name: example.}
  - name: bad-exit
    run: ["true"]
    expect: {exit: maybe}
EOF
"$BIN" check "$tmp/bad.yaml" >"$tmp/bad.out" 2>&1
check "loader: a bad client file is exit 2" test $? -eq 2
for s in "bad.yaml:7:10: error: run: is a sequence of arguments" \
	"bad.yaml:10:32: error: matches: 'a(' is not a POSIX extended regular expression" \
	"bad.yaml:13:5: error: unknown key 'retries'" \
	"bad.yaml:15:5: error: unknown key 'query'" \
	"bad.yaml:18:20: error: exit: expected a status 0..255, a sequence of them, nonzero or timeout, got 'maybe'"; do
	check "loader: $s" hasf "$tmp/bad.out" "$s"
done
[ "$failed" -eq 0 ] || sed 's/^/    /' "$tmp/bad.out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
