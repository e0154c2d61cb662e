# dnsharness - build, test, bench, install.
#   make            build/dnsharness and build/libdnsharness.a (release)
#   make test       set up, build with ASan+UBSan, run every unit test and
#                   every fuzz corpus; ends with "N passed, N failed"
#   make bench      codec speed against libknot and ldns; run and serve
#                   against NSD and dnsperf -> reports/bench.json
#   make demo       NSD from its recipe against the server suites -> reports/demo/
#   make compliance the server suites against nsd knot bind pdns twisted (those
#                   installed) -> reports/compliance/report.html
#   make install    PREFIX=/usr/local
#   make clean

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   := build
CSTD    := -std=c11 -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
           -Wno-format-nonliteral
OPT     ?= -O2 -g
CPPFLAGS += -Iharness
LIBS    := -ljansson -lyaml -lpcap -luv -lssl -lcrypto
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

LIB_DIRS := dns scenario net play serve expect target report
LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard harness/$(d)/*.c))
CLI_SRC  := $(wildcard harness/cli/*.c)
TEST_SRC := $(wildcard harness/tests/test_*.c)
TEST_SH  := $(wildcard harness/tests/*.sh)
HDRS     := $(foreach d,$(LIB_DIRS) cli tests,$(wildcard harness/$(d)/*.h))

# release build
REL_OBJ  := $(LIB_SRC:harness/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:harness/%.c=$(BUILD)/obj/%.o)
# sanitizer build for tests
ASAN_OBJ := $(LIB_SRC:harness/%.c=$(BUILD)/asan/obj/%.o)
ASAN_CLI := $(CLI_SRC:harness/%.c=$(BUILD)/asan/obj/%.o)
TEST_BIN := $(TEST_SRC:harness/tests/%.c=$(BUILD)/asan/tests/%)

.PHONY: all test deps-build deps-test bench install clean format demo compliance \
        check-format

# Fuzz targets (fuzz/fuzz.mk) add their corpus replay binaries to
# FUZZ_REPLAY_BIN, which make test runs; the benchmark lives in
# harness/bench/bench.mk.
.DEFAULT_GOAL := all
FUZZ_REPLAY_BIN :=
-include fuzz/fuzz.mk
-include harness/bench/bench.mk

all: $(BUILD)/dnsharness $(BUILD)/libdnsharness.a $(BUILD)/dnsharness-gai \
	$(BUILD)/libdnsharness-ftshim.so

$(BUILD)/obj/%.o: harness/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(OPT) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libdnsharness.a: $(REL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/dnsharness: $(CLI_OBJ) $(BUILD)/libdnsharness.a
	$(CC) $(OPT) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libdnsharness.a $(LIBS)

$(BUILD)/asan/obj/%.o: harness/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/libdnsharness.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/dnsharness: $(ASAN_CLI) $(BUILD)/asan/libdnsharness.a
	$(CC) -g $(SAN) -o $@ $(ASAN_CLI) $(BUILD)/asan/libdnsharness.a $(LIBS)

$(BUILD)/asan/tests/%: harness/tests/%.c $(BUILD)/asan/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(CFLAGS) $< -o $@ \
		$(BUILD)/asan/libdnsharness.a $(LIBS) -lcmocka

# dnsharness-gai: the C library's stub resolver (getaddrinfo, res_query)
# against one name server, for the client suites (scenarios/client/,
# ${bindir}/dnsharness-gai): built next to each dnsharness.
$(BUILD)/dnsharness-gai $(BUILD)/asan/dnsharness-gai: harness/tests/gai.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(CPPFLAGS) $(CFLAGS) $< -o $@ -lresolv

# libdnsharness-ftshim.so: preloaded before libfaketime under resolvers
# whose clock time_passes: moves (harness/target/ftshim/ftshim.c says why);
# play/resolver.c finds it next to the dnsharness that runs.
$(BUILD)/libdnsharness-ftshim.so $(BUILD)/asan/libdnsharness-ftshim.so: \
		harness/target/ftshim/ftshim.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -g -shared -fPIC $(CFLAGS) $< -o $@ -ldl

# test_ftshim opens the shim from the directory above its own
$(BUILD)/asan/tests/test_ftshim: $(BUILD)/asan/libdnsharness-ftshim.so

deps-build:
	@harness/mk/deps.sh build

deps-test:
	@harness/mk/deps.sh test

# The test command of the README and of CI: set up, build, run everything.
NPROC := $(shell nproc 2>/dev/null || echo 2)

test: deps-test
	@$(MAKE) --no-print-directory -j$(NPROC) test-build
	@DNSHARNESS=$(BUILD)/asan/dnsharness DNSHARNESS_SRC=$(CURDIR) \
		harness/mk/run-tests.sh $(TEST_BIN) $(FUZZ_REPLAY_BIN) $(TEST_SH)

.PHONY: test-build
test-build: $(TEST_BIN) $(FUZZ_REPLAY_BIN) $(BUILD)/asan/dnsharness $(BUILD)/dnsharness \
	$(BUILD)/asan/dnsharness-gai $(BUILD)/asan/libdnsharness-ftshim.so

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib
	install -m 0755 $(BUILD)/dnsharness $(DESTDIR)$(PREFIX)/bin/dnsharness
	install -m 0755 $(BUILD)/dnsharness-gai $(DESTDIR)$(PREFIX)/bin/dnsharness-gai
	install -m 0644 $(BUILD)/libdnsharness.a $(DESTDIR)$(PREFIX)/lib/libdnsharness.a
	install -d $(DESTDIR)$(PREFIX)/lib/dnsharness
	install -m 0644 $(BUILD)/libdnsharness-ftshim.so \
		$(DESTDIR)$(PREFIX)/lib/dnsharness/libdnsharness-ftshim.so

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(HDRS)

check-format:
	clang-format --dry-run -Werror $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(HDRS)

# The README's first command: install what is missing, build, start NSD
# from its recipe, run the server suites (the examples while there are
# none), write reports/demo/; exit 0 when the verdicts match
# scenarios/targets/nsd.expected.
DEMO_SUITES = $(if $(wildcard scenarios/server/*.yaml),scenarios/server/,scenarios/examples/)

demo:
	@harness/mk/deps.sh demo
	@$(MAKE) --no-print-directory $(BUILD)/dnsharness
	@$(BUILD)/dnsharness run --program nsd --report-dir reports/demo \
		$(DEMO_SUITES); status=$$?; \
	echo "HTML report: $(CURDIR)/reports/demo/report.html"; exit $$status

# The compliance matrix: the server suites against every installed target
# of COMPLIANCE_TARGETS, one report with a column per target (a resolver
# with the harness's authoritative server behind it).
COMPLIANCE_TARGETS ?= nsd knot bind pdns twisted unbound pdns-recursor kresd dnsmasq

compliance:
	@harness/mk/deps.sh build
	@$(MAKE) --no-print-directory $(BUILD)/dnsharness
	@progs=""; \
	for t in $(COMPLIANCE_TARGETS); do \
		if $(BUILD)/dnsharness target list | grep -q "^$$t .* installed$$"; \
		then progs="$$progs --program $$t"; \
		else echo "compliance: $$t is not installed, skipped"; fi; \
	done; \
	if [ -z "$$progs" ]; then \
		echo "compliance: none of $(COMPLIANCE_TARGETS) is installed"; exit 3; fi; \
	$(BUILD)/dnsharness run $$progs --report-dir reports/compliance \
		scenarios/server/; status=$$?; \
	echo "HTML report: $(CURDIR)/reports/compliance/report.html"; exit $$status

clean:
	rm -rf $(BUILD)
