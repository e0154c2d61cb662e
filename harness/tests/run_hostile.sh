#!/bin/sh
# run_hostile.sh - the harness's own client role against its scripted
# servers misbehaving in every way of scenarios/hostile/ (garbage, short
# and damaged messages, wrong ID or source, duplicates, late answers,
# resets, closes, slow senders, broken framing, the largest message).
#
# 1. `dnsharness run scenarios/hostile/` (no --target: each file against
#    its own servers:) with the sanitizer build, bounded in time: it must
#    exit 0, write its reports, print no sanitizer error, and every case
#    must pass - its expectation is the outcome the harness must name.
# 2. The control: the same cases against a server with the same zone and
#    no rules. Every case must then fail (except the few whose right
#    outcome is the plain answer), so that no expectation passes for
#    another reason than its hostile behaviour.
#
# One test per case and run, plus the run checks. Needs DNSHARNESS (the
# program), as `make test` sets it. Ends with "N passed, N failed".
set -u

. "$(dirname "$0")/lib/common.sh"
LIMIT=30 # seconds; the suites take about 2

# Cases whose right outcome, against a server that behaves, is the same
# as against the hostile one (duplicates and a close after the answer
# change nothing for the client; the rest are baselines).
SAME_WHEN_PLAIN='hostile-udp/answered hostile-udp/duplicate
hostile-udp/empty-query hostile-tcp/answered hostile-tcp/duplicate
hostile-tcp/answer-then-close hostile-tcp/answer-then-reset
hostile-tcp/empty-query hostile-tcp/empty-query-split
hostile-malformed/clean-answer'

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

ok() {
	passed=$((passed + 1))
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/    /' "$f" | tail -n 60
	done
}

# run NAME ARGS...: dnsharness run with TAP on $tmp/NAME.tap, the rest on
# $tmp/NAME.err; sets rc and took (seconds).
run() {
	name=$1
	shift
	t0=$(date +%s)
	timeout -s KILL "$LIMIT" "$BIN" run --tap --no-color \
		--report-dir "$tmp/$name" "$@" >"$tmp/$name.tap" \
		2>"$tmp/$name.err"
	rc=$?
	took=$(($(date +%s) - t0))
}

sanitizer_clean() {
	! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$1"
}

cd "$SRC" || exit 1

# ---- 1. the hostile servers ------------------------------------------------
run hostile scenarios/hostile/
if [ "$rc" -eq 0 ]; then ok; else fail "run exited $rc (took ${took}s)" "$tmp/hostile.err"; fi
if [ "$took" -lt 15 ]; then ok; else fail "run took ${took}s (at most 15)"; fi
if sanitizer_clean "$tmp/hostile.err"; then ok; else fail "sanitizer report" "$tmp/hostile.err"; fi
if [ -s "$tmp/hostile/report.json" ] && [ -s "$tmp/hostile/traffic.pcap" ]; then
	ok
else
	fail "reports not written" "$tmp/hostile.err"
fi
total=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tmp/hostile.tap")
if [ "${total:-0}" -ge 40 ]; then ok; else fail "only ${total:-0} cases ran" "$tmp/hostile.tap"; fi
while read -r status rest; do
	case "$status $rest" in
	"ok "*) ok ;;
	"not ok"*) fail "hostile: ${rest#ok [0-9]* - } did not pass" "$tmp/hostile.err" ;;
	esac
done <"$tmp/hostile.tap"

# ---- 2. the control: same zone, no rules ------------------------------------
cat >"$tmp/plain.yaml" <<'EOF'
suite: plain
servers:
  - name: plain
    addresses: [127.0.0.1]
    zones:
      - |
        $ORIGIN hostile.
        @   60 IN SOA ns host 1 3600 600 86400 60
        @   60 IN NS  ns
        ns  60 IN A   127.0.0.1
        *   60 IN A   192.0.2.1
EOF
: >"$tmp/serve.out"
"$BIN" serve --port free -q "$tmp/plain.yaml" >"$tmp/serve.out" \
	2>"$tmp/serve.err" &
pid=$!
i=0
while [ ! -s "$tmp/serve.out" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(awk 'NR == 1 { print $3 }' "$tmp/serve.out")
run control --target "127.0.0.1:${port:-53}" scenarios/hostile/
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
# exit 1: cases failed, as they must
if [ "$rc" -eq 1 ]; then ok; else fail "control run exited $rc" "$tmp/control.err"; fi
if sanitizer_clean "$tmp/control.err" && sanitizer_clean "$tmp/serve.err"; then
	ok
else
	fail "sanitizer report (control)" "$tmp/control.err" "$tmp/serve.err"
fi
ncontrol=$(grep -cE '^(not )?ok ' "$tmp/control.tap")
if [ "$ncontrol" -eq "${total:-0}" ]; then ok; else fail "control ran $ncontrol cases, not ${total:-0}"; fi
while read -r status rest; do
	case "$status" in
	ok | not) ;;
	*) continue ;;
	esac
	[ "$status" = not ] && rest=${rest#ok }
	key=${rest#* - }
	key=${key%% *}
	same=no
	for k in $SAME_WHEN_PLAIN; do
		[ "$k" = "$key" ] && same=yes
	done
	if [ "$status" = ok ] && [ "$same" = yes ]; then
		ok
	elif [ "$status" = not ] && [ "$same" = no ]; then
		ok
	elif [ "$same" = yes ]; then
		fail "control: $key should pass against a plain server" "$tmp/control.err"
	else
		fail "control: $key passes without its hostile behaviour"
	fi
done <"$tmp/control.tap"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
