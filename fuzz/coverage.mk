# fuzz/coverage.mk - `make coverage`: clang source-based line coverage of
# harness/dns from its unit tests and from every fuzz corpus replay.
# Included by fuzz/fuzz.mk (uses BUILD, CSTD, WARN, CPPFLAGS, LIBS,
# FUZZ_CODECS, FUZZ_HDRS, FUZZ_LDFLAGS_<codec>).
#
#   make coverage     builds $(BUILD)/coverage/{tests,fuzz}/ with
#                     -fprofile-instr-generate -fcoverage-mapping, runs the
#                     unit tests of the harness/dns modules and every
#                     replay_<codec> over corpus/fuzz_<codec>/ and .repro/,
#                     merges the profiles and writes
#                     $(BUILD)/coverage/html/index.html (llvm-cov show),
#                     $(BUILD)/coverage/report.txt (llvm-cov report) and
#                     the line "coverage: harness/dns lines NN.NN% ...".
#
# Only harness/dns is instrumented and reported: it is the code that parses
# hostile input. The unit tests used are harness/tests/test_<m>.c for each
# module harness/dns/<m>.c (COV_TESTS); more can be named on the command
# line. The profile tools must come from the same LLVM as COV_CC: Debian 12
# ships clang 14, whose tools are llvm-profdata-14 and llvm-cov-14 (the
# unversioned names are links to the default version).

COV_CC        ?= clang
LLVM_PROFDATA ?= $(firstword $(shell command -v llvm-profdata-14 llvm-profdata 2>/dev/null) llvm-profdata)
LLVM_COV      ?= $(firstword $(shell command -v llvm-cov-14 llvm-cov 2>/dev/null) llvm-cov)

COV_DIR      := $(BUILD)/coverage
COV_FLAGS    := -fprofile-instr-generate -fcoverage-mapping
COV_CFLAGS   := $(CSTD) $(filter-out -Werror,$(WARN)) -O1 -g $(COV_FLAGS)
COV_LIB_SRC  := $(wildcard harness/dns/*.c)
COV_LIB_OBJ  := $(COV_LIB_SRC:harness/%.c=$(COV_DIR)/obj/%.o)
COV_MODULES  := $(patsubst harness/dns/%.c,%,$(COV_LIB_SRC))
COV_TESTS    ?= $(patsubst harness/tests/%.c,%,$(wildcard \
		$(COV_MODULES:%=harness/tests/test_%.c)))
COV_TEST_BIN := $(COV_TESTS:%=$(COV_DIR)/tests/%)
COV_REPLAY   := $(patsubst %,$(COV_DIR)/fuzz/replay_%,\
		$(filter-out $(FUZZ_FULL_CODECS),$(FUZZ_CODECS)))

$(COV_DIR)/obj/%.o: harness/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(COV_CC) $(COV_CFLAGS) $(CPPFLAGS) -c $< -o $@

$(COV_DIR)/libdnsharness.a: $(COV_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(COV_DIR)/tests/%: harness/tests/%.c $(COV_DIR)/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(COV_CC) $(COV_CFLAGS) $(CPPFLAGS) $< -o $@ \
		$(COV_DIR)/libdnsharness.a $(LIBS) -lcmocka

$(COV_DIR)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(FUZZ_HDRS) \
		$(COV_DIR)/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(COV_CC) $(COV_CFLAGS) $(CPPFLAGS) -Ifuzz \
		-DFUZZ_CORPUS_DIR='"corpus/fuzz_$*"' \
		-DFUZZ_REPRO_DIR='"corpus/fuzz_$*.repro"' \
		fuzz/fuzz_$*.c $(FUZZ_SRC_$*) fuzz/replay.c -o $@ \
		$(FUZZ_LDFLAGS_$*) $(COV_DIR)/libdnsharness.a $(LIBS)

.PHONY: coverage coverage-build deps-coverage
deps-coverage:
	@harness/mk/deps.sh coverage

coverage: deps-coverage
	@$(MAKE) --no-print-directory coverage-build
	@LLVM_PROFDATA=$(LLVM_PROFDATA) LLVM_COV=$(LLVM_COV) \
		fuzz/coverage.sh $(COV_DIR) harness/dns \
		$(COV_TEST_BIN) $(COV_REPLAY)

coverage-build: $(COV_TEST_BIN) $(COV_REPLAY)
