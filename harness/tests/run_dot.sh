#!/bin/sh
# run_dot.sh - dnsharness run over DNS over TLS against a real unbound.
#
# Makes a self-signed certificate (openssl req) for dot.test and
# 127.0.0.1 in a temporary directory, starts unbound unprivileged in the
# foreground with a TLS interface and a plain one on free loopback ports,
# answering www.dot.test from local-data, and checks DoT end to end:
# --transport dot, transport: dot in a case with --dot-port beside UDP
# cases, pipelined cases, the alive probe over DoT, strict verification
# with --tls-ca/--tls-name (success and a named handshake failure), and
# the usage errors of the TLS options. Stops unbound on exit. Ends with
# "N passed, N failed" (harness/mk/run-tests.sh); skips (0 passed,
# 0 failed) when unbound or openssl is missing.
set -u

. "$(dirname "$0")/lib/common.sh"

UNBOUND=$(command -v unbound || echo /usr/sbin/unbound)
for tool in "$UNBOUND" openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool is not installed (apt-get install unbound openssl)"
		echo "0 passed, 0 failed"
		exit 0
	fi
done

TMP=$(mktemp -d)
UB_PID=""
cleanup() {
	if [ -n "$UB_PID" ]; then
		kill "$UB_PID" 2>/dev/null
		wait "$UB_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 -subj /CN=dot.test \
	-addext "subjectAltName=DNS:dot.test,IP:127.0.0.1" \
	>"$TMP/openssl.out" 2>&1; then
	cat "$TMP/openssl.out"
	bad "openssl req makes a certificate"
	echo "$passed passed, $failed failed"
	exit 1
fi

# Start unbound with TLS on $1 and plain DNS on $2; 0 once it listens.
start_unbound() {
	cat >"$TMP/unbound.conf" <<EOF
server:
  interface: 127.0.0.1@$1
  interface: 127.0.0.1@$2
  tls-port: $1
  tls-service-key: "$TMP/key.pem"
  tls-service-pem: "$TMP/cert.pem"
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$TMP"
  pidfile: "$TMP/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 1
  num-threads: 1
  so-reuseport: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  local-zone: "dot.test." static
  local-data: "dot.test. 300 IN SOA ns.dot.test. host.dot.test. 1 3600 600 86400 300"
  local-data: "www.dot.test. 300 IN A 192.0.2.7"
remote-control:
  control-enable: no
EOF
	"$UNBOUND" -d -c "$TMP/unbound.conf" >"$TMP/unbound.out" 2>&1 &
	UB_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$UB_PID" 2>/dev/null; then
			wait "$UB_PID" 2>/dev/null
			UB_PID=""
			return 1
		fi
		grep -q "start of service" "$TMP/unbound.out" 2>/dev/null &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	kill "$UB_PID" 2>/dev/null
	wait "$UB_PID" 2>/dev/null
	UB_PID=""
	return 1
}

TLS=""
for try in 1 2 3 4 5 6 7 8; do
	p=$(( ($$ * 7 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 30000 + 20000 ))
	if start_unbound "$p" $((p + 1)); then
		TLS=$p
		PLAIN=$((p + 1))
		break
	fi
done
if [ -z "$TLS" ]; then
	echo "unbound did not start:"
	cat "$TMP/unbound.out" 2>/dev/null
	bad "unbound starts"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "unbound starts (DoT on 127.0.0.1:$TLS, plain on $PLAIN)"

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

count() { grep -c -- "$2" "$1"; }

mkdir -p "$TMP/sc"
cat >"$TMP/sc/www.yaml" <<'EOF'
suite: dot-www
defaults:
  timeout: 3s
cases:
  - name: www-a
    rfc: RFC 7858 3.3
    query: {name: www.dot.test., type: A}
    expect:
      rcode: NOERROR
      flags: {has: [qr, aa]}
      answer: {count: 1, contains: ['www.dot.test. * IN A 192.0.2.7']}
EOF

# 1. one query end to end over DoT, opportunistic (loopback default)
R=$TMP/r1
run "--transport dot: www.dot.test answered" 0 --transport dot \
	--target "127.0.0.1:$TLS" --report-dir "$R" "$TMP/sc/www.yaml"
check "report: transport dot" has "$R/report.json" '"transport": "dot"'
check "report: verdict pass" has "$R/report.json" '"verdict": "pass"'
check "report: the answer 192.0.2.7" has "$R/report.json" '192\.0\.2\.7'
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$R/traffic.pcap" -d "tcp.port==$TLS,dns" 2>/dev/null |
		grep -c 'www.dot.test')
	check "traffic.pcap holds the DoT exchange decrypted" test "$n" -ge 2
fi

# 2. strict: the test certificate as trust anchor, its name
run "--tls-ca and --tls-name dot.test verify" 0 --transport dot \
	--target "127.0.0.1:$TLS" --tls-ca "$TMP/cert.pem" --tls-name dot.test \
	--report-dir "$TMP/r2" "$TMP/sc/www.yaml"
run "--tls-ca verifies the address without a name" 0 --transport dot \
	--target "127.0.0.1:$TLS" --tls-ca "$TMP/cert.pem" \
	--report-dir "$TMP/r2b" "$TMP/sc/www.yaml"

# 3. strict with the wrong name: a named handshake failure, verdict error
run "--tls-name wrong.test fails" 1 --transport dot \
	--target "127.0.0.1:$TLS" --tls-ca "$TMP/cert.pem" \
	--tls-name wrong.test --report-dir "$TMP/r3" "$TMP/sc/www.yaml"
check "report: TLS handshake failed: ... hostname mismatch" \
	has "$TMP/r3/report.json" 'TLS handshake failed: certificate verify failed (hostname mismatch)'
check "report: verdict error" has "$TMP/r3/report.json" '"verdict": "error"'

# 4. strict against the system's store: the self-signed certificate fails
run "--tls-name without --tls-ca: not trusted" 1 --transport dot \
	--target "127.0.0.1:$TLS" --tls-name dot.test --report-dir "$TMP/r4" \
	"$TMP/sc/www.yaml"
check "report: certificate verify failed" \
	has "$TMP/r4/report.json" 'TLS handshake failed: certificate verify failed'

# 5. transport: dot in cases beside UDP ones: --dot-port sends them to
# the TLS port, the rest to the target's; 24 DoT cases pipelined; the
# alive probe of a DoT case goes over DoT
cat >"$TMP/sc/mixed.yaml" <<'EOF'
suite: dot-mixed
defaults:
  timeout: 3s
  query: {name: www.dot.test., type: A}
  expect: {rcode: NOERROR, answer: {count: 1}}
cases:
  - name: over-udp
  - name: over-tcp
    transport: tcp
  - name: over-dot
    transport: dot
    matrix: {n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                 17, 18, 19, 20, 21, 22, 23, 24]}
    query: {id: random}
  - name: dot-alive
    transport: dot
    query: {name: nothing.dot.test., type: A}
    expect: {rcode: NXDOMAIN, answer: {count: 0}, alive: true}
EOF
R=$TMP/r5
run "mixed suite with --dot-port" 0 --target "127.0.0.1:$PLAIN" \
	--dot-port "$TLS" --report-dir "$R" "$TMP/sc/mixed.yaml"
check "27 cases pass" test "$(count "$R/report.json" '"verdict": "pass"')" -eq 27
check "25 of them over dot" test "$(count "$R/report.json" '"transport": "dot"')" -eq 25
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$R/traffic.pcap" -T fields -e tcp.stream \
		-Y "tcp.dstport==$TLS" 2>/dev/null | sort -u | wc -l)
	check "26 DoT exchanges pipelined on 1 to 3 connections ($n)" \
		test "$n" -ge 1 -a "$n" -le 3
fi

# ... and with --transport dot the alive probe goes over DoT too (unbound
# answers UDP on its TLS port as well, so look at the capture)
R=$TMP/r5b
run "alive probe over dot" 0 --transport dot --target "127.0.0.1:$TLS" \
	--filter dot-alive --report-dir "$R" "$TMP/sc/mixed.yaml"
check "report: alive" has "$R/report.json" '"alive": true'
if command -v tshark >/dev/null 2>&1; then
	check "no UDP in the capture" \
		test "$(tshark -r "$R/traffic.pcap" -Y udp 2>/dev/null | wc -l)" -eq 0
	n=$(tshark -r "$R/traffic.pcap" -d "tcp.port==$TLS,dns" 2>/dev/null |
		grep -c ' SOA nothing\.dot\.test')
	check "the SOA probe and its answer over DoT" test "$n" -eq 2
fi

# 6. without --dot-port, DoT cases go to the target's port: plain DNS
# there, so no TLS session comes up (a named timeout, verdict fail)
cat >"$TMP/sc/plain.yaml" <<'EOF'
suite: dot-to-plain
cases:
  - name: dot-to-plain-port
    transport: dot
    timeout: 500ms
    query: {name: www.dot.test., type: A}
EOF
run "dot to a plain DNS port fails" 1 --target "127.0.0.1:$PLAIN" \
	--report-dir "$TMP/r6" "$TMP/sc/plain.yaml"
check "report: no TLS session" has "$TMP/r6/report.json" 'no TLS session within 500 ms'

# 7. usage errors
run "--tls-insecure with --tls-ca is bad usage" 2 --transport dot \
	--target "127.0.0.1:$TLS" --tls-insecure --tls-ca "$TMP/cert.pem" \
	--report-dir "$TMP/r7" "$TMP/sc/www.yaml"
run "an unreadable --tls-ca is bad usage" 2 --transport dot \
	--target "127.0.0.1:$TLS" --tls-ca "$TMP/missing.pem" \
	--report-dir "$TMP/r7" "$TMP/sc/www.yaml"
check "... saying why" has "$TMP/err" "cannot load the CA file"
run "--dot-port 0 is bad usage" 2 --target "127.0.0.1:$TLS" --dot-port 0 \
	--report-dir "$TMP/r7" "$TMP/sc/www.yaml"
"$BIN" run --help >"$TMP/help" 2>&1
check "run --help documents --tls-insecure" has "$TMP/help" "--tls-insecure"

# 8. nothing listening on the DoT port: unreachable, exit 3
run "no DoT server: exit 3" 3 --transport dot --target "127.0.0.1:$((TLS + 2))" \
	--report-dir "$TMP/r8" "$TMP/sc/www.yaml"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
