#!/bin/sh
# test_serve_cli.sh - `dnsharness serve`: the servers of a file start on a
# free port and print "NAME ADDRESS PORT", `dnsharness run` gets the zone
# and rule answers from them, each query is logged on stderr, SIGTERM
# stops them with exit 0; bad files and bad usage exit 2.
# Needs DNSHARNESS (the program), as `make test` sets it. Ends with
# "N passed, N failed".
set -u
bin=${DNSHARNESS:-build/asan/dnsharness}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() {
	passed=$((passed + 1))
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	for f in out err run; do
		[ -s "$tmp/$f" ] && sed "s/^/    $f: /" "$tmp/$f"
	done
}

cat >"$tmp/s.yaml" <<'EOF'
suite: serve-cli
role: resolver
servers:
  - name: auth
    addresses: [127.0.0.2]
    zones:
      - |
        $ORIGIN example.
        @ 300 IN SOA ns1 host 1 3600 600 86400 60
        @ 300 IN NS ns1
        ns1 300 IN A 127.0.0.2
        www 300 IN A 192.0.2.80
    rules:
      - name: broken
        match: {qname: broken.example.}
        reply: {rcode: SERVFAIL}
  - name: other
    addresses: [127.0.0.3]
EOF

cat >"$tmp/c.yaml" <<'EOF'
suite: serve-cli-client
defaults:
  timeout: 2s
cases:
  - name: zone-answer
    query: {name: www.example., type: A}
    expect: {rcode: NOERROR, flags: {has: [aa]}}
  - name: nxdomain
    query: {name: nope.example., type: A}
    expect: {rcode: NXDOMAIN}
  - name: rule
    query: {name: broken.example., type: A}
    expect: {rcode: SERVFAIL}
EOF

: >"$tmp/out"
"$bin" serve --port free "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while [ "$(wc -l <"$tmp/out")" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(awk 'NR == 1 { print $3 }' "$tmp/out")
if grep -qx "auth 127.0.0.2 $port" "$tmp/out" &&
	grep -qx "other 127.0.0.3 $port" "$tmp/out"; then
	ok
else
	fail "port lines"
fi

if "$bin" run --target "127.0.0.2:$port" --report-dir "$tmp/r" \
	"$tmp/c.yaml" >"$tmp/run" 2>&1; then
	ok
else
	fail "run against the served zone"
fi

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ] && grep -q "stopped by SIGTERM" "$tmp/err"; then
	ok
else
	fail "SIGTERM: exit $rc"
fi

if grep -q "auth udp 127.0.0.1:[0-9]* -> 127.0.0.2:$port id 0x[0-9a-f]* www.example. A IN: zone answer, 1 sent" "$tmp/err" &&
	grep -q "broken.example. A IN: rule 1 'broken': reply, 1 sent" "$tmp/err"; then
	ok
else
	fail "query log lines"
fi

printf 'suite: x\nservers:\n  - {name: a, addresses: [10.0.0.1]}\n' >"$tmp/bad.yaml"
"$bin" serve "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad.yaml:3:.*: error: address 10.0.0.1 is outside 127.0.0.0/8" "$tmp/err"; then
	ok
else
	fail "bad file: exit $rc"
fi

"$bin" serve >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else fail "no file: exit $rc"; fi
"$bin" serve --port 0 "$tmp/s.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else fail "--port 0: exit $rc"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
