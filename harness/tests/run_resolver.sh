#!/bin/sh
# run_resolver.sh - role: resolver end to end: scenarios/resolver/ against
# Unbound started from its recipe, with the scripted servers on port 53 of
# 127.53.0.x and Unbound's clock under libfaketime.
#
# 1. The suite passes (target: from the file, then --program unbound):
#    exit 0, every step a case in the reports, the upstream queries of each
#    step in report.json, report.html and -v, the pcap holding both sides.
# 2. --filter reports one step, yet the steps before it still run (the
#    cached answer is only cached because they did).
# 3. Assertions bite: a copy of the suite with wrong upstream: assertions
#    and expectations fails with the reasons named (exit 1); so does a
#    wrong expectation for one of the queries of a queries: step, and
#    check names the mistakes in a queries: step at their line:col, and
#    those of steps: beside those of servers:; ${vars} in servers: are
#    substituted (from vars: and --var), an unknown one named.
# 4. A resolver that crashes mid-run (a fake one, in python3): its step and
#    the rest are ERROR, the crash named; a recipe that does not exist and
#    a recipe that is not a resolver: every step ERROR with the reason.
# 5. Every suite of scenarios/resolver/ against Unbound (--program
#    unbound): the verdicts match scenarios/targets/unbound.expected (exit
#    0, no new failure, no new pass, no error), in under 60 s; the time
#    is printed ("time: ...").
# 6. Nothing left behind: no unbound process, no faketime offset file.
# Binds port 53 on 127.53.0.x, under the port-53 lock (lock_port53,
# lib/common.sh).
# Ends with "N passed, N failed" (harness/mk/run-tests.sh). Skipped (with
# the reason) when unbound or libfaketime is missing or port 53 cannot be
# bound (not root, no CAP_NET_BIND_SERVICE).
set -u

. "$(dirname "$0")/lib/common.sh"
lock_port53 "$@"
SUITE=scenarios/resolver/basic.yaml

skip_all() {
	echo "skip: $1"
	echo "$passed passed, $failed failed"
	exit 0
}

command -v unbound >/dev/null 2>&1 || [ -x /usr/sbin/unbound ] ||
	skip_all "unbound is not installed (apt-get install -y unbound)"
fake=
for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -r "$f" ] && fake=$f
done
[ -n "$fake" ] ||
	skip_all "libfaketime is not installed (apt-get install -y libfaketime)"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.53.0.254", 53))' \
		2>/dev/null ||
		skip_all "cannot bind port 53 (run as root or with CAP_NET_BIND_SERVICE)"
elif [ "$(id -u)" -ne 0 ]; then
	skip_all "not root: the scripted servers need port 53"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
# the targets' directories and the faketime offset files go here
mkdir "$TMP/t"
export TMPDIR="$TMP/t"

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
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -60
	fi
}

# ---- 1. the suite --------------------------------------------------------

check "check: the suite loads" sh -c \
	"cd '$SRC' && '$BIN' check $SUITE | grep -q '^1 file, 9 cases OK'"

R=$TMP/own
run "target: from the file" 0 -v --report-dir "$R" $SUITE
check "every step passes" has "$TMP/out" '^total  *9  *0  *0  *0$'
for f in report.json junit.xml report.html traffic.pcap; do
	check "$f written" test -s "$R/$f"
done
check "report.json: the steps are cases" \
	test "$(grep -c '"name": "\(iterate-from-the-root\|qname-minimisation\|cached-answer\|tcp-from-the-client\|cname-across-zones\|nxdomain\|tc-then-tcp\|silent-server-the-other-answers\|expired-asked-again\)"' "$R/report.json")" -eq 9
check "report.json: priming seen upstream" hasf "$R/report.json" '"root udp . NS'
check "report.json: QNAME minimised at the root" hasf "$R/report.json" '"root udp tld. A'
check "report.json: a step over TCP" hasf "$R/report.json" '"transport": "tcp"'
check "report.json: TCP after TC=1" has "$R/report.json" '"example-[ab] tcp big.example.tld. A'
check "report.html: upstream shown" hasf "$R/report.html" '<h4>Upstream ('
check "report.json: the resolver's output kept" hasf "$R/report.json" 'start of service (unbound'

R=$TMP/prog
run "--program unbound" 0 --program unbound --report-dir "$R" $SUITE
check "--program: every step passes" has "$TMP/out" '^total  *9  *0  *0  *0$'
check "--program: expectations compared" has "$TMP/out" 'expectations .*unbound.expected'

# ---- 2. --filter ----------------------------------------------------------

run "--filter one step" 0 --filter cached-answer --report-dir "$TMP/f" $SUITE
check "--filter: one case reported, passed" has "$TMP/out" '^total  *1  *0  *0  *0$'

# ---- 3. assertions bite ----------------------------------------------------

mkdir -p "$TMP/neg"
cp "$SRC/scenarios/resolver/_example.tld.zone" "$TMP/neg/"
sed -e 's/{server: tld, qname: www.example.tld., never: true}/{server: tld, qname: www.example.tld., count: 2}/' \
	-e 's/{qname: big.example.tld., transport: tcp, count: {min: 1}}/{qname: big.example.tld., transport: tcp, never: true}/' \
	-e 's/- {server: root, never: true}/- {server: root, count: 1}/' \
	-e "s/'www.other.tld. \\* IN A 192.0.2.53'/'www.other.tld. * IN A 192.0.2.54'/" \
	"$SRC/$SUITE" >"$TMP/neg/neg.yaml"
run "wrong assertions fail" 1 -v --report-dir "$TMP/n" "$TMP/neg/neg.yaml"
check "neg: 5 steps fail" has "$TMP/out" '^total  *4  *5  *0  *0$'
check "neg: -v lists a step's upstream queries" has "$TMP/out" '^    upstream ([0-9]* quer'
check "neg: count named" hasf "$TMP/out" 'upstream[3]: expected {server: tld, qname: www.example.tld.} asked 2 times, got asked 0 times'
check "neg: never named" hasf "$TMP/out" 'upstream[1]: expected {qname: big.example.tld., transport: tcp} never asked, got asked 1 time'
check "neg: after time_passes, root not asked" hasf "$TMP/out" 'upstream[1]: expected {server: root} asked 1 time, got asked 0 times'
check "neg: the answer checked too" hasf "$TMP/out" 'answer.contains: expected www.other.tld. * IN A 192.0.2.54'

# queries: (in flight at once): each entry is judged on its own answer,
# and dnsharness check names what is wrong with one.
mkdir -p "$TMP/negq"
cp "$SRC/scenarios/resolver/_root.zone" "$TMP/negq/"
sed "s/expect: {rcode: NOERROR, answer: {exact: \['two.a.tld. 300 IN A 192.0.2.92'\]}}/expect: {rcode: NXDOMAIN}/" \
	"$SRC/scenarios/resolver/amplification.yaml" >"$TMP/negq/amp.yaml"
run "queries: a wrong expectation fails" 1 -v --filter three-at-once \
	--report-dir "$TMP/nq" "$TMP/negq/amp.yaml"
check "queries: the entry named" hasf "$TMP/out" 'queries[1].rcode: expected NXDOMAIN, got NOERROR'
check "queries: the others pass" test "$(grep -c 'queries\[[02]\]' "$TMP/out")" -eq 0
cat >"$TMP/negq/bad.yaml" <<'EOF'
suite: bad-queries
role: resolver
target: unbound
servers:
  - name: root
    addresses: [127.53.0.1]
    zones: [{file: _root.zone}]
steps:
  - name: both
    query: {name: a.tld., type: A}
    queries:
      - query: {name: a.tld., type: A}
  - name: entry-without-query
    queries:
      - expect: {rcode: NOERROR}
  - name: typo-in-entry
    queries:
      - query: {name: a.tld., type: A}
        expcet: {rcode: NOERROR}
EOF
(cd "$SRC" && "$BIN" check "$TMP/negq/bad.yaml") >"$TMP/out" 2>"$TMP/err"
check "queries: check exits 2" test $? -eq 2
check "queries: query: beside queries:" hasf "$TMP/err" "bad.yaml:10:5: error: 'query:' cannot be beside queries:"
check "queries: an entry without query:" hasf "$TMP/err" 'bad.yaml:15:9: error: queries: each entry needs a query:'
check "queries: a typo in an entry" hasf "$TMP/err" "bad.yaml:19:9: error: unknown key 'expcet' in queries: entry"
# a mistake in servers: does not hide those in steps: (all at once)
cat >"$TMP/negq/bad2.yaml" <<'EOF'
suite: bad-both
role: resolver
target: unbound
servers:
  - name: root
    addresses: [127.53.0.1]
    zones: [{file: _root.zone}]
    rules: [{match: {qname: x.tld.}, dorp: true}]
steps:
  - query: {name: a.tld., type: A}
    expect: {answr: 0}
    upstream: {server: root, qnam: a.tld.}
EOF
(cd "$SRC" && "$BIN" check "$TMP/negq/bad2.yaml") >"$TMP/out" 2>"$TMP/err"
check "check: servers: and steps: errors together (exit 2)" test $? -eq 2
check "check: the rule's typo" hasf "$TMP/err" "bad2.yaml:8:38: error: unknown key 'dorp' in a rule"
check "check: the expectation's typo" hasf "$TMP/err" "bad2.yaml:11:14: error: unknown key 'answr' in expect"
check "check: the upstream typo" hasf "$TMP/err" "bad2.yaml:12:30: error: unknown key 'qnam' in upstream: assertion"
# ${vars} in servers: (addresses, zone text), from vars: and --var
cat >"$TMP/negq/vars.yaml" <<'EOF'
suite: vars-in-servers
role: resolver
target: unbound
vars: {net: 127.53.0, www: 192.0.2.80}
servers:
  - name: root
    addresses: ["${net}.1"]
    zones:
      - |
        $ORIGIN .
        @ 86400 IN SOA a.root-servers.tld. hostmaster.tld. 1 3600 600 86400 3600
        @ 86400 IN NS a.root-servers.tld.
        a.root-servers.tld. 86400 IN A ${net}.1
        tld. 86400 IN NS ns.nic.tld.
        ns.nic.tld. 86400 IN A ${net}.2
  - name: tld
    addresses: ["${net}.2"]
    zones:
      - |
        $ORIGIN tld.
        @ 86400 IN SOA ns.nic hostmaster.nic 1 3600 600 86400 900
        @ 86400 IN NS ns.nic
        ns.nic 86400 IN A ${net}.2
        www 300 IN A ${www}
steps:
  - name: www
    query: {name: www.tld., type: A}
    expect: {rcode: NOERROR, answer: {exact: ['www.tld. 300 IN A 192.0.2.99']}}
EOF
run "vars: --var reaches the zone text of servers:" 0 --var www=192.0.2.99 \
	--report-dir "$TMP/v" "$TMP/negq/vars.yaml"
sed 's/vars: {net: 127.53.0, www: 192.0.2.80}/vars: {www: 192.0.2.80}/' \
	"$TMP/negq/vars.yaml" >"$TMP/negq/novar.yaml"
(cd "$SRC" && "$BIN" check "$TMP/negq/novar.yaml") >"$TMP/out" 2>"$TMP/err"
check "vars: an unknown one in servers: (exit 2)" test $? -eq 2
check "vars: named at its address" hasf "$TMP/err" "novar.yaml:7:17: error: unknown variable 'net'"

# ---- 4. a resolver that dies, recipes that cannot serve --------------------

if command -v python3 >/dev/null 2>&1; then
	S=$TMP/scen
	mkdir -p "$S/targets"
	cp -r "$SRC/scenarios/zones" "$S/zones" 2>/dev/null
	# Answers every query with an empty NOERROR; dies of SIGSEGV on crash.*
	cat >"$S/targets/fakeres.yaml" <<'EOF'
description: a fake resolver that crashes on crash.*
role: resolver
program: python3
packages: python3
vars: {upstream: 127.0.0.1, upstream_port: "9"}
files:
  fake.py: |
    import os, signal, socket, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], int(sys.argv[2])))
    print("fake: upstream", sys.argv[3], sys.argv[4], flush=True)
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
        r[3] = (r[3] & 0xf0) | 0x80
        r[6:12] = bytes(6)
        s.sendto(bytes(r), peer)
args: ["${dir}/fake.py", "${addr}", "${port}", "${upstream}", "${upstream_port}"]
probe: {qname: probe.example., qtype: SOA}
EOF
	cat >"$S/crash.yaml" <<'EOF'
suite: crash
role: resolver
target: fakeres
servers:
  - name: root
    addresses: [127.53.0.1]
    zones: [". 60 IN SOA a. b. 1 2 3 4 5\n. 60 IN NS a.\na. 60 IN A 127.53.0.1\n"]
steps:
  - name: before
    query: {name: a.example., type: A}
    expect: {rcode: NOERROR}
  - name: boom
    query: {name: crash.example., type: A}
    timeout: 1s
  - name: after
    query: {name: b.example., type: A}
EOF
	run "a resolver that crashes: exit 1" 1 --scenarios "$S" \
		--report-dir "$TMP/c" "$S/crash.yaml"
	check "crash: the first step passed" has "$TMP/out" '^crash  *must  *1  *0  *2  *0$'
	check "crash: its step named" hasf "$TMP/out" 'target died during this step: killed by signal 11 (SIGSEGV)'
	check "crash: the rest in error" has "$TMP/out" 'target died: killed by signal 11'
	check "crash: report.json says how" hasf "$TMP/c/report.json" '"target_died": "killed by signal 11 (SIGSEGV)"'
	check "crash: upstream vars given" hasf "$TMP/c/report.json" 'fake: upstream 127.53.0.1 53'
	sed 's/^target: fakeres/target: nosuch/' "$S/crash.yaml" >"$S/nosuch.yaml"
	run "a recipe that does not exist: exit 1" 1 --scenarios "$S" \
		--report-dir "$TMP/x" "$S/nosuch.yaml"
	check "nosuch: every step in error" has "$TMP/out" '^total  *0  *0  *3  *0$'
	check "nosuch: the reason" hasf "$TMP/out" 'recipe nosuch:'
else
	echo "skip: python3 is not installed: no fake resolver"
fi
run "an authoritative recipe as the resolver: exit 1" 1 --program nsd \
	--report-dir "$TMP/a" $SUITE
check "nsd: every step in error" has "$TMP/out" '^total  *0  *0  *9  *0$'
check "nsd: the reason" hasf "$TMP/out" 'nsd is not a resolver'

# ---- 5. every resolver suite against unbound ------------------------------

steps=$(cd "$SRC" && "$BIN" check scenarios/resolver/ | sed -n 's/^\([0-9]*\) files*, \([0-9]*\) cases OK$/\2/p')
check "check: every resolver suite loads" test -n "$steps"
t0=$(date +%s%N)
run "every suite against unbound, as unbound.expected says" 0 --program unbound \
	--report-dir "$TMP/all" scenarios/resolver/
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "time: ${steps:-?} resolver steps against unbound in $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
check "all suites: no new failure, no new pass" hasf "$TMP/out" ' 0 new failures, 0 new passes'
check "all suites: no step in error or skipped" has "$TMP/out" '^total  *[0-9]*  *[0-9]*  *0  *0$'
check "all suites: in under 60 s" test "$ms" -lt 60000

# ---- 6. nothing left behind ------------------------------------------------

no_procs() { ! ps -eo args= | grep -F -- "$TMP/t/" | grep -qv grep; }
check "no target process left" no_procs
check "no target directory or offset file left" test -z "$(ls "$TMP/t")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
