#!/bin/sh
# run_nsd.sh - dnsharness run against a real NSD on a loopback port.
#
# Starts nsd unprivileged in the foreground on 127.0.0.1 and a free port
# (REFERENCES.md section 4; rrl-ratelimit: 0), serving a small zone for
# example. written here, runs scenarios/examples/ and a few scenarios of
# its own, checks exit codes, terminal output and report files, and stops
# nsd on exit. Ends with "N passed, N failed" (harness/mk/run-tests.sh).
# Skips (0 passed, 0 failed) when nsd is not installed.
set -u

. "$(dirname "$0")/lib/common.sh"

NSD=$(command -v nsd || echo /usr/sbin/nsd)
if [ ! -x "$NSD" ]; then
	echo "skip: nsd is not installed (apt-get install nsd)"
	echo "0 passed, 0 failed"
	exit 0
fi

TMP=$(mktemp -d)
NSD_PID=""
cleanup() {
	if [ -n "$NSD_PID" ]; then
		kill "$NSD_PID" 2>/dev/null
		wait "$NSD_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cat >"$TMP/example.zone" <<'EOF'
$ORIGIN example.
$TTL 3600
@	IN SOA	ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300
@	IN NS	ns1.example.
@	IN NS	ns2.example.
@	IN MX	10 mail.example.
ns1	IN A	192.0.2.53
ns2	IN A	198.51.100.53
mail	IN A	192.0.2.25
a	IN A	192.0.2.1
www	IN CNAME a.example.
EOF

# Start nsd on PORT; 0 once it serves the zone, 1 when it died.
start_nsd() {
	cat >"$TMP/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1@$1
  server-count: 1
  reuseport: no
  username: ""
  chroot: ""
  database: ""
  zonesdir: "$TMP"
  xfrdir: "$TMP"
  pidfile: "$TMP/nsd.pid"
  xfrdfile: "$TMP/xfrd.state"
  zonelistfile: "$TMP/zone.list"
  logfile: "$TMP/nsd.log"
  verbosity: 1
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: example.
  zonefile: "$TMP/example.zone"
  provide-xfr: 127.0.0.1 NOKEY
EOF
	: >"$TMP/nsd.log"
	"$NSD" -d -c "$TMP/nsd.conf" >"$TMP/nsd.out" 2>&1 &
	NSD_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$NSD_PID" 2>/dev/null; then
			wait "$NSD_PID" 2>/dev/null
			NSD_PID=""
			return 1
		fi
		grep -q "nsd started" "$TMP/nsd.log" "$TMP/nsd.out" 2>/dev/null &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

PORT=""
for try in 1 2 3 4 5 6 7 8; do
	p=$(( ($$ * 7 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 30000 + 20000 ))
	if start_nsd "$p"; then
		PORT=$p
		break
	fi
done
if [ -z "$PORT" ]; then
	echo "nsd did not start:"
	cat "$TMP/nsd.out" "$TMP/nsd.log" 2>/dev/null
	bad "nsd starts"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "nsd starts on 127.0.0.1:$PORT"
T=127.0.0.1:$PORT
EX=$SRC/scenarios/examples

# run NAME EXPECTED_EXIT ARGS... : runs dnsharness run, output in $TMP/out
run() {
	name=$1
	want=$2
	shift 2
	"$BIN" run --no-color "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name (exit $got)"
	else
		bad "$name: exit $got, wanted $want"
		sed 's/^/    /' "$TMP/out" "$TMP/err" | head -40
	fi
}

cases_in() { grep -c '"verdict"' "$1"; }
names_in() { grep -o '"name": *"[^"]*"' "$1"; }

# 1. the examples over UDP: everything passes, every report is written
R=$TMP/r1
run "examples over udp" 0 --target "$T" --report-dir "$R" \
	--json "$TMP/extra.json" --junit "$TMP/extra.xml" "$EX"
check "report.json written" test -s "$R/report.json"
check "junit.xml written" test -s "$R/junit.xml"
check "traffic.pcap written" test -s "$R/traffic.pcap"
check "--json and --junit copies" test -s "$TMP/extra.json" -a -s "$TMP/extra.xml"
check "report.json lists cases" test "$(cases_in "$R/report.json")" -gt 20
check "summary printed" has "$TMP/out" "total"
check "no failure in summary" test "$(grep -c '^FAIL\|^ERROR' "$TMP/out")" -eq 0
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$R/traffic.pcap" 2>/dev/null | grep -c DNS)
	check "tshark reads DNS packets from traffic.pcap" test "$n" -gt 20
fi

# 2. the order of results does not depend on concurrency
run "examples with -j 1" 0 --target "$T" --report-dir "$TMP/r2" -j 1 "$EX"
names_in "$R/report.json" >"$TMP/order100"
names_in "$TMP/r2/report.json" >"$TMP/order1"
check "same case order with -j 1 and -j 100" cmp -s "$TMP/order100" "$TMP/order1"

# 3. over TCP (connection reuse, pipelining) for the well-formed suites
run "edns and header bits over tcp" 0 --target "$T" --transport tcp \
	--report-dir "$TMP/r3" "$EX/edns.yaml" "$EX/header-bits.yaml"
check "tcp traffic captured" test -s "$TMP/r3/traffic.pcap"

# 4. TAP, filter and tags
run "tap output" 0 --target "$T" --report-dir "$TMP/r4" --tap \
	--filter 'header-bits*' "$EX"
check "TAP header" has "$TMP/out" "^TAP version 13"
check "TAP plan of 16 cases" has "$TMP/out" "^1\.\.16$"
run "--tag selects" 0 --target "$T" --report-dir "$TMP/r5" --tag dnssec "$EX"
check "--tag dnssec picks 2 cases" test "$(cases_in "$TMP/r5/report.json")" -eq 2
run "nothing selected is bad usage" 2 --target "$T" --report-dir "$TMP/r6" \
	--filter 'no-such-case' "$EX"
run "--filter twice: either" 0 --target "$T" --report-dir "$TMP/r6b" \
	--filter 'header-bits*' --filter 'edns1*' "$EX"
check "--filter twice picks 16 + 1 cases" \
	test "$(cases_in "$TMP/r6b/report.json")" -eq 17

# 5. levels: a failing SHOULD case does not fail the run, a MUST case does
mkdir -p "$TMP/sc"
cat >"$TMP/sc/levels.yaml" <<'EOF'
suite: levels
defaults:
  query: {name: example., type: SOA}
  timeout: 1s
cases:
  - name: should-fail
    level: should
    expect: {rcode: NXDOMAIN}
  - name: passes
    expect: {rcode: NOERROR, answer: {count: 1}}
EOF
run "should failure: exit 0" 0 --target "$T" --report-dir "$TMP/r7" "$TMP/sc/levels.yaml"
check "should failure reported" has "$TMP/out" "should-fail"
sed 's/level: should/level: must/' "$TMP/sc/levels.yaml" >"$TMP/sc/must.yaml"
run "must failure: exit 1" 1 --target "$T" --report-dir "$TMP/r8" "$TMP/sc/must.yaml"
run "-v shows the failure" 1 --target "$T" --report-dir "$TMP/r8" -v "$TMP/sc/must.yaml"
check "-v prints the response" has "$TMP/out" "NOERROR"

# 6. AXFR over TCP, several records; and alive probes after damage
cat >"$TMP/sc/axfr.yaml" <<'EOF'
suite: axfr
defaults:
  transport: tcp
  timeout: 2s
cases:
  - name: axfr
    query: {name: example., type: AXFR}
    expect: {rcode: NOERROR}
  - name: after-garbage-alive
    transport: udp
    query: {hex: "ffff"}
    expect: {no_response: true, alive: true}
EOF
run "axfr over tcp and alive probe" 0 --target "$T" --report-dir "$TMP/r9" "$TMP/sc/axfr.yaml"

# 7. bad scenarios, bad usage, DoT, an unreachable target
printf 'suite: broken\ncases:\n  - name: x\n    expekt: {}\n' >"$TMP/sc/_bad.yaml"
run "bad scenario: exit 2" 2 --target "$T" --report-dir "$TMP/r10" "$TMP/sc/_bad.yaml"
check "located error message" grep -Eq '_bad\.yaml:[0-9]+:[0-9]+: error:' "$TMP/err"
run "missing --target: exit 2" 2 "$EX"
run "bad -j: exit 2" 2 --target "$T" -j 0 "$EX"
# (NSD speaks no TLS: its TCP port takes the ClientHello for a length
# prefix and waits; run_dot.sh plays DoT against unbound)
run "dot to a plain port: exit 1" 1 --target "$T" --transport dot \
	--timeout 300ms --report-dir "$TMP/r11" "$EX/edns.yaml"
check "dot says no TLS session" has "$TMP/r11/report.json" "no TLS session within"
UNUSED=$((PORT + 1))
[ "$UNUSED" -gt 65535 ] && UNUSED=$((PORT - 1))
run "nothing on udp port: exit 3" 3 --target "127.0.0.1:$UNUSED" \
	--report-dir "$TMP/r12" "$EX/edns.yaml"
check "unreachable still writes report.json" test -s "$TMP/r12/report.json"
run "nothing on tcp port: exit 3" 3 --target "127.0.0.1:$UNUSED" \
	--transport tcp --report-dir "$TMP/r13" "$EX/edns.yaml"

# 8. SIGINT: the run stops, reports are written and marked partial
cat >"$TMP/sc/slow.yaml" <<'EOF'
suite: slow
defaults:
  query: {name: example., type: SOA, flags: {qr: 1}}
  timeout: 3s
  retries: 3
cases:
  - name: waits
    matrix: {n: [1, 2, 3, 4, 5, 6, 7, 8]}
    expect: {no_response: true}
EOF
"$BIN" run --no-color -j 2 --target "$T" --report-dir "$TMP/r14" \
	"$TMP/sc/slow.yaml" >"$TMP/out" 2>"$TMP/err" &
RUN_PID=$!
sleep 1
kill -INT "$RUN_PID" 2>/dev/null
sleep 0.3
kill -INT "$RUN_PID" 2>/dev/null
wait "$RUN_PID"
rc=$?
check "interrupted run exits 1" test "$rc" -eq 1
check "interrupted report written" test -s "$TMP/r14/report.json"
check "report marked interrupted" grep -q '"interrupted": *true' "$TMP/r14/report.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
