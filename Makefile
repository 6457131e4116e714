# truce — build, run and test.
#
# The two commands a newcomer needs (see README.md):
#   make run    install missing Debian packages, build, assess the shipped policy portfolios on
#               the default Pakistan–TTP scenario: out/assessment/report.html
#   make test   install missing Debian packages, build, run the whole default test suite
#
# Other targets: all (default: optimised build/truce, build/libtruce.a and .so, and
# build/truce-mpi when mpicc is present), install (PREFIX, DESTDIR), asan, ubsan, tsan,
# valgrind, fuzz-long, bench, docs, check-slow (the kill tests, the fit's recovery, SBC of the fit), clean.

CC      ?= cc
STD     := -std=c17 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
           -Wcast-qual -Wwrite-strings -Wformat=2 -Wundef -Wvla -Werror
OPT     ?= -O2 -g
# The library's layers, lowest first (src/README.md). A module sees the headers of its own
# layer and of the layers below it, never above: the include path of each layer enforces it.
LAYERS  := base evidence model infer assess
INC_base     := -Isrc/base
INC_evidence := $(INC_base) -Isrc/evidence
INC_model    := $(INC_evidence) -Isrc/model
INC_infer    := $(INC_model) -Isrc/infer
INC_assess   := $(INC_infer) -Isrc/assess
ALLINC  := $(INC_assess)
# Library objects: position-independent (for libtruce.so) and hidden unless marked
# TRUCE_API in include/truce.h, so the shared library exports only the public API.
LIBFLAGS := -fPIC -fvisibility=hidden
# OpenMP spreads an ensemble's runs over threads (src/infer, src/assess); every program
# that links the library links the OpenMP runtime too. Kept apart from LDLIBS so that the
# sanitizer targets, which set LDLIBS, still get it.
OMP     ?= -fopenmp
# Tests and tools that look inside the library see every layer.
CFLAGS  := $(STD) $(WARN) $(OPT) -Iinclude $(ALLINC) -fno-math-errno
LDLIBS  += -lyaml -lsqlite3 -lm
# The command line alone links the HTTP server of `truce serve` (Debian's libmicrohttpd);
# the library does not depend on it.
CLI_LDLIBS := -lmicrohttpd -lpthread

BUILD   ?= build
.DEFAULT_GOAL := all
LIBSRC  := $(sort $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIBHDR  := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.h src/$(l)/*.def))
CLISRC  := $(sort $(wildcard cli/*.c))
CLIOBJ  := $(CLISRC:cli/%.c=$(BUILD)/cli/%.o)
LIBOBJ  := $(LIBSRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
TESTSRC := $(sort $(wildcard tests/unit/test_*.c tests/stat/test_*.c))
TESTBIN := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(TESTSRC)))
FUZZSRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# uPlot (npm, pinned by package-lock.json) is inlined into the report and the explorer at
# build time, so neither needs the network when opened.
UPLOT_JS  := node_modules/uplot/dist/uPlot.iife.min.js
UPLOT_CSS := node_modules/uplot/dist/uPlot.min.css

# The shipped calibration's fit and checks, copied into `truce assess`'s fit/ folder.
CALIB_FILES := fit.json ppc.csv ppc_summary.csv ppc_episodes.csv forecast_scores.csv sbc.csv
# The default scenario and the data it names are compiled into the binary, so that
# `truce run` works with no file and no data folder present; so are the shipped policy
# portfolios (scenarios/portfolios/, truce_portfolio_builtin_*).
EMBED   := pakistan-ttp.yaml=scenarios/pakistan-ttp.yaml \
           $(foreach f,$(sort $(wildcard scenarios/pakistan-ttp/*.csv)),$(f:scenarios/%=%)=$(f)) \
           $(foreach f,$(sort $(wildcard scenarios/portfolios/*.yaml)),$(f:scenarios/%=%)=$(f)) \
           ../data/pak_ttp_timeline.csv=data/pak_ttp_timeline.csv \
           ../data/pakistan_series.csv=data/pakistan_series.csv \
           ../data/country_codes.csv=data/country_codes.csv \
           $(if $(wildcard data/posterior/pakistan-ttp.csv),../data/posterior/pakistan-ttp.csv=data/posterior/pakistan-ttp.csv) \
           $(foreach f,$(wildcard $(CALIB_FILES:%=data/posterior/pakistan-ttp/%)),../$(f)=$(f)) \
           ../web/uPlot.iife.min.js=$(UPLOT_JS) ../web/uPlot.min.css=$(UPLOT_CSS) \
           ../web/report.html=web/report.html ../web/report.css=web/report.css ../web/report.js=web/report.js \
           ../web/explorer.html=web/explorer.html ../web/explorer.js=web/explorer.js \
           ../web/explorer.css=web/explorer.css
EMBEDDEPS := $(foreach e,$(EMBED),$(lastword $(subst =, ,$(e))))

# The npm packages come from the committed lockfile.
$(UPLOT_JS) $(UPLOT_CSS) &: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(UPLOT_JS) $(UPLOT_CSS)

.PHONY: install golden-update all run test check-slow tsan unit golden stat fuzz fuzz-long asan ubsan valgrind bench docs deps clean check-docs

# build/truce-mpi (the same command line over MPI processes) is built when mpicc is there;
# `make test` installs Debian's OpenMPI first (scripts/install-deps.sh), so it always is.
MPICC   ?= mpicc
HAVE_MPICC := $(shell command -v $(MPICC) 2>/dev/null)
all: $(BUILD)/truce $(BUILD)/libtruce.a $(BUILD)/libtruce.so $(if $(HAVE_MPICC),$(BUILD)/truce-mpi)

deps:
	@scripts/install-deps.sh

# src/LAYER/x.c is compiled with the include path of LAYER (see LAYERS above).
$(BUILD)/obj/%.o: src/%.c $(LIBHDR) include/truce.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(OPT) $(LIBFLAGS) $(OMP) -Iinclude $(INC_$(firstword $(subst /, ,$*))) -fno-math-errno -c $< -o $@

$(BUILD)/embed-tool: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -O1 $< -o $@

$(BUILD)/embedded.c: $(BUILD)/embed-tool $(EMBEDDEPS) Makefile
	$(BUILD)/embed-tool $(EMBED) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/embedded.o: $(BUILD)/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(OPT) $(LIBFLAGS) -Iinclude $(INC_base) -c $< -o $@

$(BUILD)/libtruce.a: $(LIBOBJ)
	ar rcs $@ $^

# The shared library for bindings (Python): exports only truce_* (see tests/cli/test_abi.sh).
$(BUILD)/libtruce.so: $(LIBOBJ)
	$(CC) -shared -Wl,-soname,libtruce.so.0 -Wl,--no-undefined $(OPT) $^ $(LDLIBS) $(OMP) -o $@
	ln -sf libtruce.so $(BUILD)/libtruce.so.0

# The CLI sees only the public header (no -Isrc).
$(BUILD)/cli/%.o: cli/%.c cli/cli.h cli/serve.h cli/serve_json.h include/truce.h
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(OPT) $(OMP) -Iinclude -fno-math-errno -c $< -o $@

$(BUILD)/truce: $(CLIOBJ) $(BUILD)/libtruce.a
	$(CC) $(CFLAGS) $^ $(LDLIBS) $(CLI_LDLIBS) $(OMP) -o $@

# The MPI driver: the same CLI objects with another main(), compiled and linked by mpicc
# (Debian's OpenMPI); it sees only the public header and cli/cli.h.
$(BUILD)/mpi/truce_mpi.o: mpi/truce_mpi.c cli/cli.h include/truce.h
	@mkdir -p $(dir $@)
	$(MPICC) $(STD) $(WARN) $(OPT) -Iinclude -Icli -c $< -o $@

$(BUILD)/truce-mpi: $(BUILD)/mpi/truce_mpi.o $(filter-out $(BUILD)/cli/truce_main.o,$(CLIOBJ)) $(BUILD)/libtruce.a
	$(MPICC) $(OPT) $^ $(LDLIBS) $(CLI_LDLIBS) $(OMP) -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libtruce.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< $(BUILD)/libtruce.a $(LDLIBS) $(OMP) -lcmocka -o $@

# Statistical tests see only the public header.
$(BUILD)/tests/%: tests/stat/%.c tests/unit/testutil.h $(BUILD)/libtruce.a
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(OPT) -Iinclude -Itests/unit $< $(BUILD)/libtruce.a $(LDLIBS) $(OMP) -lcmocka -o $@

# make run: the assessment of the shipped portfolios against the status quo on the default
# scenario from its calibration (200 runs, 2026-01 to 2030-12; progress on a terminal), its
# one-page report, and the headline table (docs/assess.md, docs/report.md).
run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/truce assess --out out/assessment
	@echo "The report: out/assessment/report.html (one file; open it in a browser, it loads nothing from the network)."

# The default suite: unit tests, golden scenario tests, statistical tests with fixed seeds,
# data-driven CLI tests and short fuzz runs over the committed corpora.
test: deps
	@$(MAKE) --no-print-directory all tests-build
	@tests/run-all.sh $(BUILD)

tests-build: $(TESTBIN)

# Tests too long for `make test`: the kill test (kill -9 at random moments during writes,
# tests/slow/test_kill.sh, about 45 s), the fit's random kill loop (test_fit_kill.sh, about
# a minute), its longer recovery test (test_fit_recovery.sh, a few minutes) and
# simulation-based calibration of the fit (test_sbc.sh, 100 replications, about 20 minutes).
check-slow: all
	@for t in tests/slow/test_*.sh; do TRUCE=$(CURDIR)/$(BUILD)/truce TRUCE_BUILD=$(CURDIR)/$(BUILD) TRUCE_ROOT=$(CURDIR) sh $$t || exit 1; done

# Sanitizer builds live in their own build folders and run the same suite.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
	  LDLIBS="-lyaml -lsqlite3 -lm -fsanitize=address" all tests-build
	ASAN_OPTIONS=detect_leaks=1 tests/run-all.sh build-asan --no-fuzz
ubsan:
	@$(MAKE) --no-print-directory BUILD=build-ubsan OPT="-O1 -g -fsanitize=undefined -fno-sanitize-recover=all" \
	  LDLIBS="-lyaml -lsqlite3 -lm -fsanitize=undefined" all tests-build
	UBSAN_OPTIONS=print_stacktrace=1 tests/run-all.sh build-ubsan --no-fuzz
# ThreadSanitizer over the threaded code (ensembles, comparisons, sensitivity, fit, validate): clang with
# LLVM's OpenMP runtime and its Archer tool, which tells TSan about OpenMP's own
# synchronisation (GCC's libgomp is not instrumented, so TSan reports false races there).
TSAN_SUITES := tests/cli/test_ensemble.sh tests/cli/test_compare.sh tests/cli/test_sensitivity.sh \
               tests/cli/test_fit.sh tests/cli/test_validate.sh tests/cli/test_assess.sh tests/cli/test_serve.sh
tsan:
	@scripts/install-deps.sh libomp-14-dev
	@$(MAKE) --no-print-directory CC=clang BUILD=build-tsan HAVE_MPICC= OPT="-O1 -g -fsanitize=thread" \
	  LDLIBS="-lyaml -lsqlite3 -lm -fsanitize=thread" build-tsan/truce
	@fail=0; for t in $(TSAN_SUITES); do \
	  echo "== $$t under ThreadSanitizer"; \
	  TRUCE=$(CURDIR)/build-tsan/truce TRUCE_BUILD=$(CURDIR)/build-tsan TRUCE_ROOT=$(CURDIR) TRUCE_NO_MPI=1 \
	  OMP_TOOL_LIBRARIES=/usr/lib/llvm-14/lib/libarcher.so \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1" \
	  sh $$t > build-tsan/tsan.log 2>&1 || fail=1; \
	  grep -E '^(ok|not ok)' build-tsan/tsan.log | sed 's/^/  /'; \
	  if grep -q 'ThreadSanitizer' build-tsan/tsan.log; then grep -A20 'WARNING: ThreadSanitizer' build-tsan/tsan.log | head -40; fail=1; fi; \
	done; [ $$fail -eq 0 ] && echo "tsan: no race reported"

valgrind: all
	@scripts/install-deps.sh valgrind
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	  $(BUILD)/truce run --seed 3 --to 2004-12-31 --out $(BUILD)/vg-out --quiet
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce episodes --out $(BUILD)/vg-episodes.csv
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce events aggregate --by month --group dyad data/ucdp_ged231_sample_pakistan_events.csv --out $(BUILD)/vg-events.csv
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce ensemble --runs 3 --to 2002-06 --by month --threads 2 --out $(BUILD)/vg-ensemble -q
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce compare default default --alt-without 28 --runs 2 --from 2022 --to 2022-09 --threads 2 --out $(BUILD)/vg-compare -q
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce fit --to 2010-12 --estimate attack_rate --particles 8 --batch 8 --sims 24 --threads 2 --out $(BUILD)/vg-fit -q
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q \
	  $(BUILD)/truce assess --runs 2 --to 2026-03 --threads 2 --out $(BUILD)/vg-assess -q
	rm -rf $(BUILD)/vg-out $(BUILD)/vg-episodes.csv $(BUILD)/vg-events.csv $(BUILD)/vg-ensemble $(BUILD)/vg-compare $(BUILD)/vg-fit $(BUILD)/vg-assess

# libFuzzer targets (clang). Short runs are part of `make test`; long runs on demand.
# The library is compiled once for every target (-fsanitize=fuzzer-no-link instruments it
# for coverage without libFuzzer's main), so each target only compiles and links its own file.
FUZZ_SAN    := -fsanitize=address,undefined
FUZZ_CFLAGS := $(STD) -g -O1 $(FUZZ_SAN) -Iinclude $(ALLINC)
FUZZOBJ     := $(LIBSRC:src/%.c=$(BUILD)/fuzzobj/%.o) $(BUILD)/fuzzobj/embedded.o
$(BUILD)/fuzzobj/embedded.o: $(BUILD)/embedded.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BUILD)/fuzzobj/%.o: src/%.c $(LIBHDR) include/truce.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
# Kept between targets (make would delete them as intermediates of the pattern rule).
.SECONDARY: $(FUZZOBJ)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZOBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZOBJ) -lyaml -lsqlite3 -lm -o $@
# The JSON reader of `truce serve` (cli/serve_json.c) stands alone: no library needed.
$(BUILD)/fuzz/fuzz_json: tests/fuzz/fuzz_json.c cli/serve_json.c cli/serve_json.h
	@mkdir -p $(dir $@)
	clang $(STD) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer $< -lm -o $@
fuzz: $(FUZZSRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 600
# Two targets at a time (one per core); each prints its executions and coverage at the end.
fuzz-long: fuzz
	@printf '%s\n' $(FUZZSRC:tests/fuzz/%.c=%) | xargs -P 2 -I{} sh -c '\
	  mkdir -p $(BUILD)/fuzz-corpus/{}; \
	  $(BUILD)/fuzz/{} -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
	    $(BUILD)/fuzz-corpus/{} tests/fuzz/corpus/{} > $(BUILD)/fuzz-{}.log 2>&1; rc=$$?; \
	  echo "{}: exit $$rc; $$(grep -E "DONE +cov" $(BUILD)/fuzz-{}.log | tail -1)"; exit $$rc'

bench: all
	@scripts/install-deps.sh wrk
	@bench/run.sh $(BUILD)

# Install the tool, the libraries, the header, a pkg-config file and man pages generated
# from the --help texts (scripts/man-from-help.sh). PREFIX=/usr/local; DESTDIR for staging.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
SOVER   := $(subst ",,$(word 3,$(shell grep 'define TRUCE_VERSION' include/truce.h)))
MANPAGES := truce run ensemble compare sensitivity fit validate "validate ppc" "validate forecast" "validate sbc" params variables episodes timeline events "events aggregate" assess report serve
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/truce $(DESTDIR)$(BINDIR)/truce
	$(if $(HAVE_MPICC),install -m 755 $(BUILD)/truce-mpi $(DESTDIR)$(BINDIR)/truce-mpi)
	install -m 644 $(BUILD)/libtruce.a $(DESTDIR)$(LIBDIR)/libtruce.a
	install -m 755 $(BUILD)/libtruce.so $(DESTDIR)$(LIBDIR)/libtruce.so.$(SOVER)
	ln -sf libtruce.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libtruce.so.0
	ln -sf libtruce.so.0 $(DESTDIR)$(LIBDIR)/libtruce.so
	install -m 644 include/truce.h $(DESTDIR)$(INCDIR)/truce.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(SOVER)|' \
	  scripts/truce.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/truce.pc
	@for c in $(MANPAGES); do \
	  if [ "$$c" = truce ]; then page=truce; set --; else page="truce-$$(echo $$c | tr ' ' '-')"; set -- $$c; fi; \
	  scripts/man-from-help.sh $(BUILD)/truce "$$@" > $(DESTDIR)$(MANDIR)/man1/$$page.1 || exit 1; \
	  echo "man page $(MANDIR)/man1/$$page.1"; \
	done

# Reference pages generated from the tables they describe (src/model/params.def, the
# variable table and the metric map).
docs: $(BUILD)/truce
	$(BUILD)/truce params --markdown > docs/parameters.md
	$(BUILD)/truce variables --markdown > docs/variables.md

golden-update: all
	tests/golden/update.sh $(BUILD)/truce

clean:
	rm -rf build build-asan build-ubsan build-tsan out
