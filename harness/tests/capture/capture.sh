#!/bin/sh
# capture.sh - record real answers of NSD, Knot and BIND for the codec tests.
#
# Run by hand (not in CI, not by make test): it needs nsd, knot, bind9,
# dnsutils (dig) and python3. Each server runs in the foreground in its own
# temp dir on 127.0.0.1 and a free port and serves
# scenarios/zones/example.signed.zone. For every query of the table below,
# one message (EDNS0, DO=1, UDP payload 4096, RD=0) is sent and the raw
# answer saved as harness/tests/data/captures/<server>/<NAME>.bin; then dig
# is pointed at a one-shot replayer that answers dig's own query with those
# very bytes (ID patched), and dig's view is saved as <NAME>.dig, so the
# .dig shows exactly the .bin. python3 (standard library sockets only) is
# used here and nowhere else in the project; the tests read the files.
#
# Usage: harness/tests/capture/capture.sh [server...]   (default: nsd knot bind)
set -eu

src=$(cd "$(dirname "$0")/../../.." && pwd)
zone="$src/scenarios/zones/example.signed.zone"
out="$src/harness/tests/data/captures"
work=$(mktemp -d)
pid=""

cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# What is asked: NAME QNAME QTYPE TRANSPORT. NAME is the record type for
# the one-record-per-owner queries; x-* are structural cases.
queries() {
	cat <<'EOF'
A a.example. A udp
NS example. NS udp
CNAME cname.example. CNAME udp
SOA example. SOA udp
MB mb.example. MB udp
MG mg.example. MG udp
MR mr.example. MR udp
NULL null.example. NULL udp
WKS wks.example. WKS udp
PTR ptr.example. PTR udp
HINFO hinfo.example. HINFO udp
MINFO minfo.example. MINFO udp
MX mx.example. MX udp
TXT txt.example. TXT udp
RP rp.example. RP udp
AFSDB afsdb.example. AFSDB udp
X25 x25.example. X25 udp
ISDN isdn.example. ISDN udp
RT rt.example. RT udp
NSAP nsap.example. NSAP udp
NSAP-PTR nsap-ptr.example. NSAP-PTR udp
SIG sig.example. SIG udp
KEY key.example. KEY udp
PX px.example. PX udp
AAAA aaaa.example. AAAA udp
LOC loc.example. LOC udp
NXT nxt.example. NXT udp
SRV srv.example. SRV udp
NAPTR naptr.example. NAPTR udp
KX kx.example. KX udp
CERT cert.example. CERT udp
A6 a6.example. A6 udp
DNAME dname.example. DNAME udp
APL apl.example. APL udp
DS sub.example. DS udp
SSHFP sshfp.example. SSHFP udp
IPSECKEY ipseckey.example. IPSECKEY udp
RRSIG a.example. RRSIG udp
NSEC a.example. NSEC udp
DNSKEY example. DNSKEY udp
DHCID dhcid.example. DHCID udp
NSEC3PARAM nsec3param.example. NSEC3PARAM udp
TLSA tlsa.example. TLSA udp
SMIMEA smimea.example. SMIMEA udp
HIP hip.example. HIP udp
CDS example. CDS udp
CDNSKEY example. CDNSKEY udp
OPENPGPKEY openpgpkey.example. OPENPGPKEY udp
CSYNC csync.example. CSYNC udp
ZONEMD zonemd.example. ZONEMD udp
SVCB svcb.example. SVCB udp
HTTPS https.example. HTTPS udp
SPF spf.example. SPF udp
NID nid.example. NID udp
L32 l32.example. L32 udp
L64 l64.example. L64 udp
LP lp.example. LP udp
EUI48 eui48.example. EUI48 udp
EUI64 eui64.example. EUI64 udp
URI uri.example. URI udp
CAA caa.example. CAA udp
DLV dlv.example. DLV udp
TYPE65280 type65280.example. TYPE65280 udp
x-wildcard foo.wild.example. A udp
x-wildcard-txt bar.wild.example. TXT udp
x-ent ent.example. A udp
x-chain chain1.example. A udp
x-dname www.dname.example. A udp
x-referral www.sub.example. A udp
x-nxdomain nonexistent.example. A udp
x-nodata a.example. AAAA udp
x-type1000 a.example. TYPE1000 udp
x-tcp-soa example. SOA tcp
x-tcp-dnskey example. DNSKEY tcp
x-tcp-txt txt.example. TXT tcp
x-tcp-hip hip.example. HIP tcp
x-tcp-referral www.sub.example. A tcp
EOF
}

# The python side: ask the server, save the .bin, replay it to dig.
cat >"$work/ask.py" <<'EOF'
import socket, struct, subprocess, sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MB": 7, "MG": 8, "MR": 9,
         "NULL": 10, "WKS": 11, "PTR": 12, "HINFO": 13, "MINFO": 14,
         "MX": 15, "TXT": 16, "RP": 17, "AFSDB": 18, "X25": 19, "ISDN": 20,
         "RT": 21, "NSAP": 22, "NSAP-PTR": 23, "SIG": 24, "KEY": 25,
         "PX": 26, "AAAA": 28, "LOC": 29, "NXT": 30, "SRV": 33,
         "NAPTR": 35, "KX": 36, "CERT": 37, "A6": 38, "DNAME": 39,
         "APL": 42, "DS": 43, "SSHFP": 44, "IPSECKEY": 45, "RRSIG": 46,
         "NSEC": 47, "DNSKEY": 48, "DHCID": 49, "NSEC3PARAM": 51,
         "TLSA": 52, "SMIMEA": 53, "HIP": 55, "CDS": 59, "CDNSKEY": 60,
         "OPENPGPKEY": 61, "CSYNC": 62, "ZONEMD": 63, "SVCB": 64,
         "HTTPS": 65, "SPF": 99, "NID": 104, "L32": 105, "L64": 106,
         "LP": 107, "EUI48": 108, "EUI64": 109, "URI": 256, "CAA": 257,
         "DLV": 32769}

def qtype(s):
    return int(s[4:]) if s.startswith("TYPE") else TYPES[s]

def query(qid, qname, qt):
    wire = b"".join(bytes([len(l)]) + l.encode() for l in qname.rstrip(".").split(".")) + b"\0"
    opt = b"\0" + struct.pack(">HHIH", 41, 4096, 0x8000, 0)  # DO=1
    return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 1) + wire + struct.pack(">HH", qt, 1) + opt

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        part = s.recv(n - len(buf))
        if not part:
            raise OSError("connection closed")
        buf += part
    return buf

def ask(port, msg, proto):
    if proto == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            for _ in range(3):
                s.sendto(msg, ("127.0.0.1", port))
                try:
                    data = s.recv(65535)
                except socket.timeout:
                    continue
                if data[:2] == msg[:2]:
                    return data
        raise OSError("no answer over UDP")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(struct.pack(">H", len(msg)) + msg)
        n = struct.unpack(">H", recv_exact(s, 2))[0]
        return recv_exact(s, n)

def replay(answer, dig_args, proto):
    """Serve `answer` once, with the ID of dig's query, and return dig's output."""
    fam = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, fam) as srv:
        srv.bind(("127.0.0.1", 0))
        if proto == "tcp":
            srv.listen(1)
        srv.settimeout(10)
        port = srv.getsockname()[1]
        dig = subprocess.Popen(["dig", "@127.0.0.1", "-p", str(port)] + dig_args,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            if proto == "udp":
                q, peer = srv.recvfrom(65535)
                srv.sendto(q[:2] + answer[2:], peer)
            else:
                c, _ = srv.accept()
                with c:
                    c.settimeout(10)
                    n = struct.unpack(">H", recv_exact(c, 2))[0]
                    q = recv_exact(c, n)
                    a = q[:2] + answer[2:]
                    c.sendall(struct.pack(">H", len(a)) + a)
            outs, errs = dig.communicate(timeout=15)
        finally:
            if dig.poll() is None:
                dig.kill()
                dig.wait()
    if dig.returncode != 0:
        raise OSError("dig failed: " + errs.decode(errors="replace"))
    return outs

def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    n = 0
    for i, line in enumerate(sys.stdin):
        name, qname, qt, proto = line.split()
        answer = ask(port, query(0x4400 + i, qname, qtype(qt)), proto)
        with open(f"{outdir}/{name}.bin", "wb") as f:
            f.write(answer)
        args = ["+dnssec", "+norec", "+noall", "+answer", "+authority",
                "+additional", "+nottlunits", "+nocookie", "+bufsize=4096",
                "+nomultiline", "+noidnout", "+tries=1", "+time=5"]
        if proto == "tcp":
            args.append("+tcp")
        view = replay(answer, args + [qname, qt], proto)
        with open(f"{outdir}/{name}.dig", "wb") as f:
            f.write(view)
        n += 1
    print(f"{n} answers saved in {outdir}")

main()
EOF

start_nsd() {
	cat >"$work/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1@$1
	database: ""
	username: ""
	chroot: ""
	pidfile: "$work/nsd.pid"
	xfrdfile: "$work/xfrd.state"
	xfrdir: "$work"
	zonelistfile: "$work/zone.list"
	zonesdir: "$work"
	rrl-ratelimit: 0
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: example.
	zonefile: "$zone"
EOF
	nsd -d -c "$work/nsd.conf" >"$work/server.log" 2>&1 &
	pid=$!
}

start_knot() {
	cat >"$work/knot.conf" <<EOF
server:
    listen: 127.0.0.1@$1
    rundir: "$work"
    user: root
database:
    storage: "$work"
log:
  - target: stderr
    any: info
zone:
  - domain: example.
    file: "$zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
EOF
	knotd -c "$work/knot.conf" >"$work/server.log" 2>&1 &
	pid=$!
}

start_bind() {
	cat >"$work/named.conf" <<EOF
options {
	directory "$work";
	pid-file "$work/named.pid";
	session-keyfile "$work/session.key";
	listen-on port $1 { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
};
controls { };
zone "example." { type primary; file "$zone"; };
EOF
	named -g -c "$work/named.conf" -u root >"$work/server.log" 2>&1 &
	pid=$!
}

# Wait (at most 10 s) until the server answers the SOA query.
wait_up() {
	tries=0
	while :; do
		soa=$(dig +short +norec +tries=1 +time=1 @127.0.0.1 -p "$1" example. SOA 2>/dev/null || true)
		[ -n "$soa" ] && return 0
		tries=$((tries + 1))
		if [ "$tries" -ge 20 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "capture.sh: the server did not come up:" >&2
			cat "$work/server.log" >&2
			return 1
		fi
		sleep 0.5
	done
}

stop_server() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=""
}

servers=${*:-nsd knot bind}
for server in $servers; do
	case "$server" in
	nsd | knot | bind) ;;
	*) echo "capture.sh: unknown server '$server'" >&2; exit 2 ;;
	esac
	port=$(free_port)
	"start_$server" "$port"
	wait_up "$port"
	rm -rf "${out:?}/$server"
	mkdir -p "$out/$server"
	queries | python3 "$work/ask.py" "$port" "$out/$server"
	stop_server
done
echo "capture.sh: $(cat "$out"/*/* | wc -c) bytes in $out"
