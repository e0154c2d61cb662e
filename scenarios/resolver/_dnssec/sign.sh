#!/bin/sh
# sign.sh - (re)build the signed zones of scenarios/resolver/dnssec.yaml:
# root.signed, tld.signed and example.tld.signed from root.zone, tld.zone and
# example.tld.zone, and trust-anchor.ds (the root KSK's DS, for the suite's
# target var trust_anchor). Run by hand (not in CI); needs bind9-utils
# (dnssec-keygen, dnssec-signzone, dnssec-dsfromkey) and named-checkzone.
# Keys are made once into keys/ (TEST keys: never use them elsewhere) and
# reused: ECDSAP256SHA256 (13), a KSK and a ZSK per zone, NSEC, signatures
# valid from 2024-01-01 to 2050-01-01 (within RFC 4034's 68-year window).
# Each child's DS goes into its parent before the parent is signed. Last,
# the RRSIG of bad.example.tld. A gets one byte of its signature changed
# (the first character of its base64 text), so that a
# validating resolver must answer SERVFAIL for it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
keys=$here/keys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$keys"

# key ZONE FLAGS: the base name of the zone's key (made when missing)
key() {
	f=$(ls "$keys"/K"$1"+013+*.key 2>/dev/null |
		while read -r k; do
			grep -q "IN DNSKEY $2 " "$k" && echo "$k"
		done | head -n 1)
	if [ -z "$f" ]; then
		if [ "$2" = 257 ]; then
			b=$(dnssec-keygen -q -K "$keys" -a ECDSAP256SHA256 -f KSK "$1")
		else
			b=$(dnssec-keygen -q -K "$keys" -a ECDSAP256SHA256 "$1")
		fi
		f=$keys/$b.key
	fi
	echo "${f%.key}"
}

# sign ZONE IN OUT: sign IN (plus the DS lines in $tmp/ZONE.ds) into OUT
sign() {
	z=$1
	ksk=$(key "$z" 257)
	zsk=$(key "$z" 256)
	{ echo '$TTL 3600'; cat "$2"; } >"$tmp/$z.in"
	if [ -s "$tmp/$z.ds" ]; then cat "$tmp/$z.ds" >>"$tmp/$z.in"; fi
	grep -h 'IN DNSKEY' "$ksk.key" "$zsk.key" >>"$tmp/$z.in"
	dnssec-signzone -q -O full -o "$z" -K "$keys" -d "$tmp" \
		-s 20240101000000 -e 20500101000000 -f "$3" \
		-k "$ksk" "$tmp/$z.in" "$zsk" >/dev/null
	dnssec-dsfromkey -2 "$ksk.key" | sed 's/ IN DS / 86400 IN DS /'
}

sign example.tld. "$here/example.tld.zone" "$tmp/example.signed" >"$tmp/tld..ds"
sign tld. "$here/tld.zone" "$here/tld.signed" >"$tmp/..ds"
sign . "$here/root.zone" "$here/root.signed" >"$here/trust-anchor.ds"

# break the signature of bad.example.tld. A
awk '
	$1 == "bad.example.tld." && $4 == "RRSIG" && $5 == "A" {
		c = substr($13, 1, 1)
		$13 = ((c == "A") ? "B" : "A") substr($13, 2)
	}
	{ print }
' "$tmp/example.signed" >"$here/example.tld.signed"
cmp -s "$tmp/example.signed" "$here/example.tld.signed" && {
	echo "sign.sh: the RRSIG of bad.example.tld. A was not changed" >&2
	exit 1
}
for z in . tld. example.tld.; do
	f=$here/${z%.}.signed
	[ "$z" = . ] && f=$here/root.signed
	named-checkzone -q "$z" "$f" || { echo "sign.sh: $f does not load" >&2; exit 1; }
done
echo "trust anchor: $(cat "$here/trust-anchor.ds")"
