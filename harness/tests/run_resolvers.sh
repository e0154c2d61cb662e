#!/bin/sh
# run_resolvers.sh - the resolver suites (scenarios/resolver/) against every
# installed resolver but Unbound (harness/tests/run_resolver.sh covers it):
# Knot Resolver (kresd), PowerDNS Recursor (pdns-recursor), BIND 9 as a
# resolver (bind-resolver) and dnsmasq, each started from its recipe with
# the scripted servers on port 53 of 127.53.0.x.
#
# 1. Each target's verdicts match scenarios/targets/<name>.expected: no new
#    failure, no new pass (every verdict is the same from run to run).
# 2. The capability mechanism bites: dnsmasq (provides: forward, cache) has
#    every step skipped with "dnsmasq lacks iterate: ..."; a copy of the
#    pdns-recursor recipe without faketime has the steps after a time_passes:
#    step skipped with "cannot move the clock"; steps are never failed for a
#    capability the recipe lacks. kresd and named, which hang under
#    libfaketime alone, and pdns-recursor, which drops every query once its
#    clock moved unless the shim hides the kernel's receive timestamps, pass
#    resolver-basic's expiry step with libdnsharness-ftshim.so preloaded.
#    The suite's serve_stale var reaches each recipe: kresd, pdns-recursor
#    and named answer resolver-serve-stale/stale-answer-after-servfail.
# 3. DNSSEC validation bites: kresd and named (bind-resolver) pass
#    scenarios/resolver/dnssec.yaml (part of 1) with the suite's trust
#    anchor, and without it the AD and SERVFAIL steps fail.
# 4. requires: and provides: with an unknown capability are load errors.
# A program that is not installed is skipped with the reason. Binding port
# 53 needs root (or CAP_NET_BIND_SERVICE); the script takes
# /tmp/dnsharness-port53.lock (flock) so that it never runs beside another
# resolver run. Ends with "N passed, N failed" (harness/mk/run-tests.sh).
set -u

. "$(dirname "$0")/lib/common.sh"
lock_port53 "$@"

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.53.0.254", 53))' \
		2>/dev/null || {
		echo "skip: cannot bind port 53 (run as root or with CAP_NET_BIND_SERVICE)"
		finish
	}
elif [ "$(id -u)" -ne 0 ]; then
	echo "skip: not root: the scripted servers need port 53"
	finish
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
mkdir "$TMP/t"
export TMPDIR="$TMP/t" # the targets' directories go here
cd "$SRC" || exit 1

# installed PROGRAM: true when the program is on PATH or in an sbin
installed() {
	command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/local/sbin/$1" ]
}

# The "SUITE/CASE" of each line under "new failures" / "new passes".
listed_news() {
	sed -n '/^new \(failures\|passes\)/,/^reports:/p' "$1" |
		sed -n 's/^  \([^ ]*\)  .*/\1/p'
}

# compare NAME OUT RC: the run's verdicts against NAME.expected
compare() {
	name=$1
	out=$2
	rc=$3
	line=$(grep '^expectations ' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		bad "$name: no comparison with $name.expected (exit $rc)"
		sed 's/^/    /' "$out" | tail -n 30
		return
	fi
	if [ "$rc" -eq 0 ] && echo "$line" | grep -q ' 0 new failures, 0 new passes'; then
		ok "$name: $line"
	else
		bad "$name (exit $rc): $line: $(listed_news "$out" | tr '\n' ' ')"
		sed 's/^/    /' "$out" | grep -v '^    \(ok\|PASS\|SKIP\) ' | tail -n 40
	fi
}

# ---- 1. each resolver against its expectations -----------------------------

ran=""
for t in kresd:kresd pdns-recursor:pdns_recursor bind-resolver:named dnsmasq:dnsmasq; do
	name=${t%%:*}
	prog=${t#*:}
	if ! installed "$prog"; then
		echo "skip $name: $prog is not installed"
		continue
	fi
	out=$TMP/$name.out
	"$BIN" run --program "$name" --no-color --report-dir "$TMP/$name" \
		scenarios/resolver/ >"$out" 2>&1
	compare "$name" "$out" $?
	ran="$ran $name"
done

# ---- 2. capabilities --------------------------------------------------------

case " $ran " in
*" dnsmasq "*)
	R=$TMP/dnsmasq/report.json
	if has "$TMP/dnsmasq.out" '^total  *0  *0  *0  *[1-9][0-9]*$' &&
		has "$R" '"got": "dnsmasq lacks iterate: '; then
		ok "dnsmasq: every step skipped, lacking iterate"
	else
		bad "dnsmasq: steps not all skipped for lacking iterate"
		grep '^total' "$TMP/dnsmasq.out"
	fi
	;;
esac
case " $ran " in
*" pdns-recursor "*)
	mkdir -p "$TMP/noft/targets"
	sed -e 's/^provides: .*/provides: [iterate, cache, tcp-fallback, validate]/' \
		-e 's/^vars:$/lacks: {faketime: this copy of the recipe says so}\nvars:/' \
		scenarios/targets/pdns-recursor.yaml >"$TMP/noft/targets/pdns-noft.yaml"
	"$BIN" run --scenarios "$TMP/noft" --program pdns-noft --no-color \
		--report-dir "$TMP/noft/r" scenarios/resolver/basic.yaml \
		>"$TMP/noft.out" 2>&1
	R=$TMP/noft/r/report.json
	if has "$R" 'time_passes: cannot move the clock: pdns-noft lacks faketime: ' &&
		! grep -q '"verdict": "fail", "reasons": \[{"check": "requires"' "$R"; then
		ok "pdns-noft: steps after time_passes skipped, lacking faketime"
	else
		bad "pdns-noft: steps after time_passes not skipped with the reason"
		sed 's/^/    /' "$TMP/noft.out" | tail -n 20
	fi
	;;
esac
# kresd and named (linked with jemalloc) run under libfaketime only with
# libdnsharness-ftshim.so preloaded first, and so does pdns-recursor (the
# shim keeps SO_TIMESTAMP off): their expiry steps must pass.
for t in kresd bind-resolver pdns-recursor; do
	case " $ran " in *" $t "*) ;; *) continue ;; esac
	R=$TMP/$t/report.json
	if grep -q '"name": "expired-asked-again"[^{}]*"verdict": "pass"' "$R"; then
		ok "$t: time_passes moves its clock (resolver-basic/expired-asked-again passes)"
	else
		bad "$t: resolver-basic/expired-asked-again did not pass under libfaketime"
	fi
done

# serve_stale: "yes" from resolver-serve-stale reaches the recipe: the
# stale record is served when its server answers SERVFAIL.
for t in kresd bind-resolver pdns-recursor; do
	case " $ran " in *" $t "*) ;; *) continue ;; esac
	if grep -q '"name": "stale-answer-after-servfail"[^{}]*"verdict": "pass"' \
		"$TMP/$t/report.json"; then
		ok "$t: serve_stale maps (resolver-serve-stale/stale-answer-after-servfail passes)"
	else
		bad "$t: resolver-serve-stale/stale-answer-after-servfail did not pass"
	fi
done

# ---- 3. validation bites ---------------------------------------------------
# Without the trust anchor the resolver does not validate: the AD and the
# SERVFAIL steps of scenarios/resolver/dnssec.yaml must fail then.

mkdir -p "$TMP/nota"
cp -r scenarios/resolver/_dnssec "$TMP/nota/"
sed 's/^    trust_anchor: .*/    no_trust_anchor: "1"/' scenarios/resolver/dnssec.yaml \
	>"$TMP/nota/dnssec.yaml"
for t in kresd bind-resolver; do
	case " $ran " in *" $t "*) ;; *) continue ;; esac
	"$BIN" run --program "$t" --no-color --report-dir "$TMP/nota/r-$t" \
		"$TMP/nota/dnssec.yaml" >"$TMP/nota-$t.out" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ] &&
		has "$TMP/nota-$t.out" '^FAIL resolver-dnssec/secure-answer-has-ad' &&
		has "$TMP/nota-$t.out" '^FAIL resolver-dnssec/broken-signature-servfail' &&
		has "$TMP/$t.out" '^resolver-dnssec  *must  *[1-9][0-9]*  *0  *0  *0$'; then
		ok "dnssec: $t validates only with the suite's trust anchor"
	else
		bad "dnssec: $t: without a trust anchor the validation steps did not fail (exit $rc)"
		grep -E '^(FAIL|ERROR|total)' "$TMP/nota-$t.out" | sed 's/^/    /'
	fi
done

# ---- 4. unknown capabilities are load errors --------------------------------

cat >"$TMP/bad-requires.yaml" <<'EOF'
suite: bad-requires
role: resolver
target: {recipe: unbound, requires: [iterate, telepathy]}
servers:
  - name: root
    addresses: [127.53.0.1]
    zones: [". 60 IN SOA a. b. 1 2 3 4 5"]
steps:
  - {name: one, query: {name: x., type: A}, requires: [cache, mind-reading]}
EOF
"$BIN" check "$TMP/bad-requires.yaml" >"$TMP/check.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && has "$TMP/check.out" "unknown capability 'telepathy'" &&
	has "$TMP/check.out" "unknown capability 'mind-reading'"; then
	ok "check: unknown capabilities in requires: are errors (exit 2)"
else
	bad "check: unknown capabilities in requires: (exit $rc)"
	sed 's/^/    /' "$TMP/check.out"
fi

mkdir -p "$TMP/sc/targets"
sed 's/^provides: .*/provides: [iterate, psychic]/' scenarios/targets/kresd.yaml \
	>"$TMP/sc/targets/badcaps.yaml"
"$BIN" target start --scenarios "$TMP/sc" badcaps >"$TMP/ts.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && has "$TMP/ts.out" "unknown capability 'psychic'"; then
	ok "target start: an unknown capability in provides: is an error (exit 2)"
else
	bad "target start: unknown capability in provides: (exit $rc)"
	sed 's/^/    /' "$TMP/ts.out"
fi

finish
