#!/bin/sh
# run_compliance.sh - the bundled server suites (scenarios/server/) against
# NSD, Knot, BIND, PowerDNS and Twisted Names, and the recursors Unbound,
# PowerDNS Recursor and Knot Resolver and the forwarder dnsmasq (each with the
# harness's authoritative server behind it, on a free port: no port-53 lock;
# dnsmasq one case at a time and PowerDNS Recursor two, their recipes'
# jobs:), started from their recipes
# (COMPLIANCE_TARGETS overrides the list; a target whose program is not
# installed is skipped and says so). Each target must match its
# scenarios/targets/<name>.expected exactly: no new failure (a regression,
# or a false failure of the harness) and no new pass (a stale entry).
# Ends with "N passed, N failed" (harness/mk/run-tests.sh).
set -u

. "$(dirname "$0")/lib/common.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

cd "$SRC" || exit 1
for t in ${COMPLIANCE_TARGETS:-nsd knot bind pdns twisted unbound pdns-recursor kresd dnsmasq}; do
	if ! "$BIN" target list | grep -q "^$t .* installed$"; then
		echo "skip $t: not installed (see scenarios/targets/$t.yaml)"
		continue
	fi
	out=$TMP/$t.out
	"$BIN" run --program "$t" --no-color --report-dir "$TMP/$t" \
		scenarios/server/ >"$out" 2>&1
	rc=$?
	line=$(grep '^expectations ' "$out" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -s "$TMP/$t/report.json" ] &&
		echo "$line" | grep -q ' 0 new failures, 0 new passes'; then
		passed=$((passed + 1))
		echo "ok   $t: $line"
	else
		failed=$((failed + 1))
		echo "FAIL $t (exit $rc): $line"
		sed 's/^/    /' "$out" | tail -n 60
	fi
	# a resolver's upstream traffic is in the run's capture too
	port=$(sed -n 's/.* authoritative server on [0-9.]* port \([0-9]*\) .*/\1/p' "$out")
	if [ -n "$port" ] && command -v tshark >/dev/null 2>&1; then
		n=$(tshark -r "$TMP/$t/traffic.pcap" -Y "udp.port == $port" \
			2>/dev/null | wc -l)
		check "$t: the queries to the server behind it in traffic.pcap ($n)" \
			test "$n" -gt 0
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
