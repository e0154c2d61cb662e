# bench.mk - `make bench`: message decode speed, ours against libknot and
# ldns, on the captured answers; writes reports/bench.json and prints a
# table. Included by the top Makefile (which defines CC, CSTD, WARN,
# CPPFLAGS, BUILD, HDRS and LIBS).
# libknot-dev ships libknot.pc (its -I/usr/include/p11-kit-1 comes from
# gnutls); libldns-dev ships ldns.pc. Headers: /usr/include/libknot/,
# /usr/include/ldns/.

BENCH_BIN    := $(BUILD)/bench/bench_decode
BENCH_INPUT   = $(wildcard harness/tests/data/captures/*/*.bin)
BENCH_CFLAGS  = $(shell pkg-config --cflags libknot ldns)
BENCH_LIBS    = $(shell pkg-config --libs libknot ldns)

.PHONY: deps-bench

deps-bench:
	@harness/mk/deps.sh bench

$(BENCH_BIN): harness/bench/bench_decode.c $(BUILD)/libdnsharness.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 $(CPPFLAGS) $(BENCH_CFLAGS) $(CFLAGS) $< -o $@ \
		$(BUILD)/libdnsharness.a $(BENCH_LIBS) $(LIBS)

bench: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@mkdir -p reports
	@echo "$(BENCH_BIN) reports/bench.json <$(words $(BENCH_INPUT)) captured answers>"
	@$(BENCH_BIN) reports/bench.json $(BENCH_INPUT)
