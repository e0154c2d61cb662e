# fuzz/fuzz.mk - libFuzzer targets, their corpus replay in `make test`, seeds.
# Included by the top Makefile (uses BUILD, CSTD, WARN, SAN, CPPFLAGS, LIBS).
#
#   make test                     replays corpus/fuzz_<codec>/ and
#                                 corpus/fuzz_<codec>.repro/ under ASan+UBSan
#                                 (gcc, no libFuzzer): $(BUILD)/asan/fuzz/replay_*
#   make fuzz                     clang libFuzzer binaries: $(BUILD)/fuzz/fuzz_*
#   make fuzz-run FUZZ_SECONDS=N  fuzz every target N seconds (2 at a time)
#   make fuzz-seeds               regenerate the seed corpora and dictionaries
#   make coverage                 llvm-cov HTML of harness/dns (coverage.mk)
#   make fuzz-afl                 AFL++ binaries: $(BUILD)/afl/fuzz_* (engine.mk)
#
# A target is a file fuzz/fuzz_<codec>.c: adding one adds its replay test,
# its fuzzer and its run (so code shared by targets goes in fuzz/*.h or in
# files not named fuzz_*.c). Per-target link flags: FUZZ_LDFLAGS_<codec>;
# per-target extra sources (fuzz/*.c compiled with the target in every
# build): FUZZ_SRC_<codec>.

FUZZ_CODECS  := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_HDRS    := $(wildcard fuzz/*.h)
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2

# fuzz_message counts the name decoder's calls for its work-limit oracle.
FUZZ_LDFLAGS_message := -Wl,--wrap=dns_name_unpack \
			-Wl,--wrap=dns_name_unpack_wire -Wl,--wrap=dns_name_pack
# fuzz_diff decodes every input with ldns and libknot too.
FUZZ_LDFLAGS_diff := $(shell pkg-config --libs ldns libknot 2>/dev/null || \
		       echo -lldns -lknot)

# The targets whose input is one DNS message use the structure-aware
# mutator (mutator.c: LLVMFuzzerCustomMutator and CustomCrossOver); `make
# test` runs its deterministic check, mutate_<codec>. FUZZ_MUTATOR=0
# builds the libFuzzer binaries without the hooks (libFuzzer's own
# mutators), to compare coverage; use another BUILD directory for that,
# make does not see the change of a variable.
FUZZ_SRC_message   := fuzz/mutator.c
FUZZ_SRC_diff      := fuzz/mutator.c
FUZZ_MUTATOR       ?= 1
FUZZ_MUTATOR_FLAGS := $(if $(filter 0,$(FUZZ_MUTATOR)),-DFUZZ_NO_MUTATOR_HOOKS)
FUZZ_MUTATE_CODECS := $(filter message diff,$(FUZZ_CODECS))

FUZZ_REPLAY_BIN += $(FUZZ_CODECS:%=$(BUILD)/asan/fuzz/replay_%) \
		   $(FUZZ_MUTATE_CODECS:%=$(BUILD)/asan/fuzz/mutate_%)

# a target's extra sources are prerequisites of its binaries
$(foreach c,$(FUZZ_CODECS),$(eval $(BUILD)/asan/fuzz/replay_$(c) \
	$(BUILD)/fuzz/fuzz_$(c): $(FUZZ_SRC_$(c))))

$(BUILD)/asan/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(FUZZ_HDRS) \
		$(BUILD)/asan/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(CFLAGS) -Ifuzz \
		-DFUZZ_CORPUS_DIR='"corpus/fuzz_$*"' \
		-DFUZZ_REPRO_DIR='"corpus/fuzz_$*.repro"' \
		fuzz/fuzz_$*.c $(FUZZ_SRC_$*) fuzz/replay.c -o $@ \
		$(FUZZ_LDFLAGS_$*) $(BUILD)/asan/libdnsharness.a $(LIBS)

$(BUILD)/asan/fuzz/mutate_%: fuzz/fuzz_%.c fuzz/mutate.c fuzz/mutator.c \
		$(FUZZ_HDRS) $(BUILD)/asan/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(CFLAGS) -Ifuzz \
		-DFUZZ_CORPUS_DIR='"corpus/fuzz_$*"' \
		fuzz/fuzz_$*.c fuzz/mutator.c fuzz/mutate.c -o $@ \
		$(FUZZ_LDFLAGS_$*) $(BUILD)/asan/libdnsharness.a $(LIBS)

# libFuzzer build: the codec library again with clang and coverage
# instrumentation. Only harness/dns is needed by the targets. -Werror is
# left to the gcc build, which every commit passes; clang's different
# warnings must not stop a fuzzing run.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
FUZZ_LIB_SRC := $(wildcard harness/dns/*.c)
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:harness/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BIN     := $(FUZZ_CODECS:%=$(BUILD)/fuzz/fuzz_%)

# The targets of the scenario loader (fuzz_scenario, fuzz_rpl) need the
# whole library (scenario, expect, serve, ...) and libyaml: they link
# libdnsharness-full.a. The AFL++/ClusterFuzzLite builds (engine.mk) and
# `make coverage` (harness/dns only) leave them out.
FUZZ_FULL_CODECS := $(filter node rpl scenario,$(FUZZ_CODECS))
FUZZ_FULL_OBJ    := $(LIB_SRC:harness/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_LIB_rpl      = $(BUILD)/fuzz/libdnsharness-full.a
FUZZ_LIB_scenario = $(BUILD)/fuzz/libdnsharness-full.a
FUZZ_LIB_node     = $(BUILD)/fuzz/libdnsharness-full.a

$(BUILD)/fuzz/libdnsharness-full.a: $(FUZZ_FULL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(foreach c,$(FUZZ_FULL_CODECS),$(eval $(BUILD)/fuzz/fuzz_$(c): \
	$(BUILD)/fuzz/libdnsharness-full.a))

$(BUILD)/fuzz/obj/%.o: harness/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(filter-out -Werror,$(WARN)) -O1 -g \
		-fsanitize=fuzzer-no-link $(FUZZ_SAN) $(CPPFLAGS) -c $< -o $@

$(BUILD)/fuzz/libdnsharness.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_HDRS) \
		$(BUILD)/fuzz/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) \
		$(CPPFLAGS) -Ifuzz $(FUZZ_MUTATOR_FLAGS) \
		fuzz/fuzz_$*.c $(FUZZ_SRC_$*) -o $@ $(FUZZ_LDFLAGS_$*) \
		$(or $(FUZZ_LIB_$*),$(BUILD)/fuzz/libdnsharness.a) $(LIBS)

# Seeds and dictionaries are generated, so they can be rebuilt after a
# change of the type table; the results are committed.
$(BUILD)/asan/fuzz/gen_seeds: fuzz/gen_seeds.c $(FUZZ_HDRS) \
		$(BUILD)/asan/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(CFLAGS) -Ifuzz \
		fuzz/gen_seeds.c -o $@ $(BUILD)/asan/libdnsharness.a $(LIBS)

.PHONY: fuzz fuzz-build fuzz-run fuzz-seeds deps-fuzz
deps-fuzz:
	@harness/mk/deps.sh fuzz

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-build

fuzz-build: $(FUZZ_BIN)

fuzz-run: fuzz
	@FUZZ_BUILD=$(BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) \
		FUZZ_JOBS=$(FUZZ_JOBS) fuzz/run.sh $(FUZZ_CODECS)

fuzz-seeds: $(BUILD)/asan/fuzz/gen_seeds
	$(BUILD)/asan/fuzz/gen_seeds corpus fuzz

# make coverage (llvm-cov), the AFL++ and ClusterFuzzLite builds (engine.mk).
-include fuzz/coverage.mk
-include fuzz/engine.mk
