# fuzz/engine.mk - the fuzz targets built with any libFuzzer-compatible
# compiler and engine: AFL++ (`make fuzz-afl`) and OSS-Fuzz/ClusterFuzzLite
# (.clusterfuzzlite/build.sh). Included by fuzz/fuzz.mk (uses BUILD, CSTD,
# WARN, CPPFLAGS, LIBS, FUZZ_CODECS, FUZZ_HDRS, FUZZ_LIB_SRC,
# FUZZ_LDFLAGS_<codec> and FUZZ_SRC_<codec>, extra fuzz/*.c of a target).
#
#   make fuzz-engine ENGINE_DIR=D ENGINE_CC=CC ENGINE_CXX=CXX \
#        ENGINE_CFLAGS=... ENGINE_LDFLAGS=... ENGINE_LIB=... ENGINE_LIBS=...
#        builds D/fuzz_<codec> for every target (ENGINE_CODECS): the
#        library and the target compiled with ENGINE_CC ENGINE_CFLAGS, linked
#        with ENGINE_CXX ENGINE_LDFLAGS (a C++ engine needs the C++ linker)
#        and ENGINE_LIB, the engine (-fsanitize=fuzzer, or an archive).
#   make fuzz-afl    the same with afl-clang-fast (Debian afl++) into
#                    $(BUILD)/afl/fuzz_<codec>; AFL++ turns -fsanitize=fuzzer
#                    into its libFuzzer-compatible driver (libAFLDriver.a).
#   make fuzz-afl-run AFL_TARGET=<codec> FUZZ_SECONDS=N
#                    afl-fuzz on one target for N seconds (fuzz/afl-run.sh)

ENGINE_DIR     ?= $(BUILD)/engine
ENGINE_CC      ?= clang
ENGINE_CXX     ?= clang++
ENGINE_CFLAGS  ?= -O1 -g -fsanitize=address,fuzzer-no-link
ENGINE_LDFLAGS ?= $(ENGINE_CFLAGS)
ENGINE_LIB     ?= -fsanitize=fuzzer
ENGINE_LIBS    ?= $(LIBS)
ENGINE_CODECS  ?= $(FUZZ_CODECS)

ENGINE_WARN    := $(filter-out -Werror,$(WARN))
ENGINE_LIB_OBJ := $(FUZZ_LIB_SRC:harness/%.c=$(ENGINE_DIR)/obj/%.o)
ENGINE_BIN     := $(ENGINE_CODECS:%=$(ENGINE_DIR)/fuzz_%)

$(ENGINE_DIR)/obj/%.o: harness/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(ENGINE_CC) $(CSTD) $(ENGINE_WARN) $(ENGINE_CFLAGS) $(CPPFLAGS) \
		-c $< -o $@

$(ENGINE_DIR)/libdnsharness.a: $(ENGINE_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The scenario loader's targets (FUZZ_FULL_CODECS) link the whole library,
# ahead of the codec's archive (whose members are then not needed).
$(ENGINE_DIR)/libdnsharness-full.a: $(LIB_SRC:harness/%.c=$(ENGINE_DIR)/obj/%.o)
	@rm -f $@
	ar rcs $@ $^

$(foreach c,$(filter $(FUZZ_FULL_CODECS),$(ENGINE_CODECS)),$(eval \
	ENGINE_FULL_$(c) := $(ENGINE_DIR)/libdnsharness-full.a)$(eval \
	$(ENGINE_DIR)/fuzz_$(c): $(ENGINE_DIR)/libdnsharness-full.a))

$(ENGINE_DIR)/fobj/%.o: fuzz/%.c $(FUZZ_HDRS) $(HDRS)
	@mkdir -p $(dir $@)
	$(ENGINE_CC) $(CSTD) $(ENGINE_WARN) $(ENGINE_CFLAGS) $(CPPFLAGS) \
		-Ifuzz -c $< -o $@

# a target's extra sources (FUZZ_SRC_<codec>) are prerequisites too
$(foreach c,$(ENGINE_CODECS),$(eval $(ENGINE_DIR)/fuzz_$(c): \
	$(patsubst fuzz/%.c,$(ENGINE_DIR)/fobj/%.o,$(FUZZ_SRC_$(c)))))

$(ENGINE_DIR)/fuzz_%: $(ENGINE_DIR)/fobj/fuzz_%.o $(ENGINE_DIR)/libdnsharness.a
	$(ENGINE_CXX) $(ENGINE_LDFLAGS) $(filter %.o,$^) -o $@ $(ENGINE_LIB) \
		$(FUZZ_LDFLAGS_$*) $(ENGINE_FULL_$*) $(ENGINE_DIR)/libdnsharness.a \
		$(ENGINE_LIBS)

.PHONY: fuzz-engine fuzz-afl fuzz-afl-run deps-afl
.PRECIOUS: $(ENGINE_DIR)/fobj/%.o
fuzz-engine: $(ENGINE_BIN)

# AFL++: the same sanitizers as `make fuzz`. afl-clang-fast drops
# -fsanitize=fuzzer-no-link (it instruments by itself) and links its driver
# for -fsanitize=fuzzer; the driver runs the target in persistent mode.
AFL_CC     ?= afl-clang-fast
AFL_CXX    ?= afl-clang-fast++
AFL_CFLAGS ?= -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer -fsanitize=fuzzer-no-link
AFL_TARGET ?= message

deps-afl:
	@harness/mk/deps.sh afl

fuzz-afl: deps-afl
	@$(MAKE) --no-print-directory fuzz-engine ENGINE_DIR=$(BUILD)/afl \
		ENGINE_CC=$(AFL_CC) ENGINE_CXX=$(AFL_CXX) \
		ENGINE_CFLAGS="$(AFL_CFLAGS)" ENGINE_LIB=-fsanitize=fuzzer

fuzz-afl-run: fuzz-afl
	@AFL_BUILD=$(BUILD)/afl FUZZ_SECONDS=$(FUZZ_SECONDS) \
		fuzz/afl-run.sh $(AFL_TARGET)
