# bench.mk - `make bench`: message decode speed, ours against libknot and
# ldns, on the captured answers (bench_decode.c); then, against a local NSD
# started from its recipe, cases/s of `dnsharness run` beside dnsperf, the
# peak RSS of a 100,000-case run, and dnsperf against `dnsharness serve`
# beside NSD (bench_net.sh). Writes reports/bench.json and prints a table
# per half. Included by the top Makefile (which defines CC, CSTD, WARN,
# CPPFLAGS, BUILD, HDRS and LIBS).
# libknot-dev ships libknot.pc (its -I/usr/include/p11-kit-1 comes from
# gnutls); libldns-dev ships ldns.pc. Headers: /usr/include/libknot/,
# /usr/include/ldns/. dnsperf, nsd and time (/usr/bin/time) come from
# deps.sh too. BENCH_REPS and BENCH_SECS (environment) tune bench_net.sh;
# BENCH_TIME (bench_time.c) times each `dnsharness run` for it.

BENCH_BIN    := $(BUILD)/bench/bench_decode
BENCH_TIME   := $(BUILD)/bench/bench_time
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

$(BENCH_TIME): harness/bench/bench_time.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 $(CFLAGS) $< -o $@

bench: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(BENCH_TIME) $(BUILD)/dnsharness
	@mkdir -p reports
	@echo "$(BENCH_BIN) $(BUILD)/bench/decode.json <$(words $(BENCH_INPUT)) captured answers>"
	@$(BENCH_BIN) $(BUILD)/bench/decode.json $(BENCH_INPUT)
	@echo "BENCH_TIME=$(BENCH_TIME) sh harness/bench/bench_net.sh $(BUILD)/dnsharness scenarios $(BUILD)/bench reports/bench.json $(BUILD)/bench/decode.json"
	@BENCH_TIME=$(BENCH_TIME) sh harness/bench/bench_net.sh $(BUILD)/dnsharness \
		scenarios $(BUILD)/bench reports/bench.json $(BUILD)/bench/decode.json
