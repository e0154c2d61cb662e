#!/bin/sh
# deps.sh PURPOSE... - make sure the Debian packages a make target needs are
# installed. As root, missing packages are installed with apt-get; otherwise
# the exact command is printed and the script fails.
# Purposes: build, test, bench, fuzz, coverage, afl, demo.
set -eu

pkgs_build="gcc make pkg-config libjansson-dev libyaml-dev libssl-dev libuv1-dev libpcap-dev"
pkgs_test="$pkgs_build libcmocka-dev nsd knot bind9 dnsutils unbound openssl libfaketime clang-format libknot-dev libldns-dev knot-dnsutils ldnsutils python3-twisted pdns-server pdns-backend-bind knot-resolver pdns-recursor dnsmasq-base tshark"
pkgs_bench="$pkgs_build libknot-dev libldns-dev nsd dnsperf time"
pkgs_fuzz="$pkgs_build clang libknot-dev libldns-dev"
pkgs_coverage="$pkgs_build libcmocka-dev clang llvm libknot-dev libldns-dev"
pkgs_afl="$pkgs_build clang afl++"
pkgs_demo="$pkgs_build nsd"

want=""
for purpose in "$@"; do
	case "$purpose" in
	build) want="$want $pkgs_build" ;;
	test) want="$want $pkgs_test" ;;
	bench) want="$want $pkgs_bench" ;;
	fuzz) want="$want $pkgs_fuzz" ;;
	coverage) want="$want $pkgs_coverage" ;;
	afl) want="$want $pkgs_afl" ;;
	demo) want="$want $pkgs_demo" ;;
	*) echo "deps.sh: unknown purpose '$purpose'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "dnsharness needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends $missing
fi
