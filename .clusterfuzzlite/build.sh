#!/bin/bash -eu
# .clusterfuzzlite/build.sh - build every fuzz target for OSS-Fuzz or
# ClusterFuzzLite, with the compiler, flags and engine they choose:
#   $CC $CFLAGS        compile the codec library and the targets
#   $CXX $CXXFLAGS     link (libFuzzer and the AFL driver are C++)
#   $LIB_FUZZING_ENGINE the engine (-fsanitize=fuzzer or an archive)
#   $OUT               fuzz_<codec>, fuzz_<codec>.dict and
#                      fuzz_<codec>_seed_corpus.zip (corpus/fuzz_<codec>/
#                      and its .repro/ reproducers) for every target
#   $WORK              object files ($WORK/dnsharness-build)
# The repository is $SRC/dnsharness (the Dockerfile's WORKDIR). The rules are
# fuzz/engine.mk's, so per-target link flags and extra sources stay in one
# place (fuzz/fuzz.mk). jansson is linked statically: the runner image has
# no -dev packages. CFLITE_SKIP names targets left out: by default `diff`,
# whose peers (ldns, libknot and their crypto libraries) are not on the
# runner image either, and `node`, `rpl` and `scenario`, which need the
# whole library (libyaml, libuv, OpenSSL, libpcap: fuzz/fuzz.mk
# FUZZ_FULL_CODECS).
#
# To check it without Docker, from any directory:
#   SRC=/tmp/src (holding a dnsharness link to the repository) WORK=/tmp/w \
#   OUT=/tmp/out CC=clang CXX=clang++ \
#   CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" CXXFLAGS="$CFLAGS" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer .clusterfuzzlite/build.sh

: "${CXX:=clang++}"
: "${CXXFLAGS:=$CFLAGS}"
: "${CFLITE_SKIP:=diff node rpl scenario}"
cd "$SRC/dnsharness"

codecs=
for f in fuzz/fuzz_*.c; do
	c=${f#fuzz/fuzz_}
	c=${c%.c}
	case " $CFLITE_SKIP " in *" $c "*) continue ;; esac
	codecs="$codecs $c"
done

# The structure-aware mutator's hooks (LLVMFuzzerCustomMutator) are only
# called by libFuzzer; other engines bring their own mutation.
cflags=$CFLAGS
if [ "${FUZZING_ENGINE:-libfuzzer}" != libfuzzer ]; then
	cflags="$cflags -DFUZZ_NO_MUTATOR_HOOKS"
fi

build=$WORK/dnsharness-build
make -j"$(nproc)" BUILD="$build" fuzz-engine \
	ENGINE_DIR="$build/engine" ENGINE_CODECS="$codecs" \
	ENGINE_CC="$CC" ENGINE_CXX="$CXX" \
	ENGINE_CFLAGS="$cflags" ENGINE_LDFLAGS="$CXXFLAGS" \
	ENGINE_LIB="$LIB_FUZZING_ENGINE" \
	ENGINE_LIBS="-Wl,-Bstatic -ljansson -Wl,-Bdynamic"

for c in $codecs; do
	cp "$build/engine/fuzz_$c" "$OUT/"
	if [ -f "fuzz/$c.dict" ]; then
		cp "fuzz/$c.dict" "$OUT/fuzz_$c.dict"
	fi
	# seeds, and the reproducers renamed apart (a seed and a reproducer
	# may share a name)
	seeds=$WORK/dnsharness-seeds/fuzz_$c
	rm -rf "$seeds" "$OUT/fuzz_${c}_seed_corpus.zip"
	mkdir -p "$seeds"
	for f in "corpus/fuzz_$c"/* "corpus/fuzz_$c.repro"/*; do
		[ -f "$f" ] || continue
		case $f in
		*.repro/*) cp "$f" "$seeds/repro-${f##*/}" ;;
		*) cp "$f" "$seeds/" ;;
		esac
	done
	if [ -n "$(ls -A "$seeds")" ]; then
		(cd "$seeds" && zip -q -r "$OUT/fuzz_${c}_seed_corpus.zip" .)
	fi
done
