#!/bin/sh
# sign.sh - rebuild example.signed.zone from example.zone with the TEST keys
# in keys/: ECDSAP256SHA256, NSEC, signatures valid from 2024-01-01 to
# 2040-01-01. Run by hand (not in CI); needs bind9 (named, dnssec-signzone,
# named-checkzone, dig), nsd (nsd-checkzone), knot-dnssecutils (kzonecheck)
# and python3 (to find a free port). ECDSA signatures are randomised, so
# each run gives new RRSIG bytes.
#
# 1. dnssec-signzone signs (KSK 18654 signs the DNSKEY RRset, ZSK 18244 the
#    rest) and checks the result.
# 2. Knot 3.2 cannot read MB MG MR NULL WKS X25 ISDN NSAP NSAP-PTR SIG PX
#    NXT A6 DLV HIP by mnemonic, NSD 4.6 not NSAP-PTR A6 HIP; BIND prints
#    RFC 3597 form only through dig +unknownformat. So named serves the
#    signed zone on 127.0.0.1 for one AXFR, and every record at those
#    types' owners (their RRSIG and NSEC too: Knot rejects "SIG" in a type
#    bitmap) is written in RFC 3597 form; all else as dnssec-signzone wrote.
#    NID and L64 get back the leading zeros that BIND drops and Knot needs.
# 3. The result must load in nsd-checkzone, kzonecheck and named-checkzone,
#    and BIND must read from it the same records as from example.zone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

generic_owners="mb mg mr null wks x25 isdn nsap nsap-ptr sig px nxt a6 dlv hip"

dnssec-signzone -q -O full -o example. -K "$here/keys" -d "$tmp" \
	-k "$here/keys/Kexample.+013+18654" \
	-s 20240101000000 -e 20400101000000 -f "$tmp/full.zone" \
	"$here/example.zone" "$here/keys/Kexample.+013+18244" >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/named.conf" <<EOF
options {
	directory "$tmp";
	pid-file "$tmp/named.pid";
	listen-on port $port { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	allow-transfer { 127.0.0.1; };
};
zone "example." { type primary; file "$tmp/full.zone"; };
EOF
named -g -c "$tmp/named.conf" -u root >"$tmp/named.log" 2>&1 &
pid=$!
tries=0
until dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" example. SOA >/dev/null 2>&1 &&
	[ -n "$(dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" example. SOA)" ]; do
	tries=$((tries + 1))
	if [ "$tries" -ge 20 ]; then
		echo "sign.sh: named did not come up:" >&2
		cat "$tmp/named.log" >&2
		exit 1
	fi
	sleep 0.5
done
dig +tries=1 +time=5 +onesoa +nocmd +nostats +nocomments +unknownformat \
	@127.0.0.1 -p "$port" example. AXFR >"$tmp/axfr.zone"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""

# Every line of full.zone in its place, except that the records at the
# generic owners come from the AXFR (in RFC 3597 form, class IN).
{
	echo "; example.signed.zone - example.zone signed by sign.sh with the TEST keys"
	echo "; in keys/ (never use them for anything real). The records at the owners"
	echo "; of types that Knot 3.2 or NSD 4.6 cannot read are in RFC 3597 form."
	awk -v owners="$generic_owners" '
	BEGIN {
		n = split(owners, o, " ")
		for (i = 1; i <= n; i++) want[o[i] ".example."] = 1
	}
	FNR == NR {
		if ($1 in want) {
			$3 = "IN"
			gen[$1] = gen[$1] $0 "\n"
		}
		next
	}
	/^;/ { next }
	$1 in want { if (!done[$1]++) printf "%s", gen[$1]; next }
	($4 == "NID" || $4 == "L64") && NF == 6 {
		# BIND drops leading zeros of the 16-bit groups; Knot needs 4 digits.
		n = split($6, g, ":")
		v = ""
		for (i = 1; i <= n; i++)
			v = v (i > 1 ? ":" : "") substr("000" g[i], length(g[i]))
		$6 = v
	}
	{ print }
	' "$tmp/axfr.zone" "$tmp/full.zone"
} >"$tmp/out.zone"

for o in $generic_owners; do
	grep -q "^$o\\.example\\.[[:space:]].*TYPE" "$tmp/out.zone" || {
		echo "sign.sh: no RFC 3597 record at $o.example." >&2
		exit 1
	}
done

nsd-checkzone example. "$tmp/out.zone" >/dev/null
kzonecheck -d on -t 20260101000000 -o example. "$tmp/out.zone"
records() {
	named-checkzone -q -i local -D -o - example. "$1" |
		awk '!/^;/ && $4 != "RRSIG" && $4 != "NSEC" { $1 = $1; print }' | sort
}
records "$here/example.zone" >"$tmp/want"
records "$tmp/out.zone" >"$tmp/got"
if [ ! -s "$tmp/got" ] || ! cmp -s "$tmp/want" "$tmp/got"; then
	echo "sign.sh: BIND does not read the same records from both zones:" >&2
	diff "$tmp/want" "$tmp/got" >&2 || true
	exit 1
fi
cp "$tmp/out.zone" "$here/example.signed.zone"
echo "sign.sh: $(grep -c . "$here/example.signed.zone") lines written"
