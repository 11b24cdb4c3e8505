# Kisi -- build, test, bench, demo.  `make help` lists the targets.

CC       ?= cc          # C compiler for the product and its tests
FUZZCC   ?= clang       # compiler with libFuzzer, for `make fuzz`
SAN      ?= 0           # 1: build and test under AddressSanitizer + UBSan
OPT      ?= -O2         # optimisation flags
FUZZSECS ?= 60          # seconds per target for `make fuzz`
BUILD    ?= build       # object files and test binaries
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)  # tests run at once by `make test`
PREFIX   ?= /usr/local  # where `make install` puts the programs (bin/, share/, libexec/)
DESTDIR  ?=             # staging root for `make install` (packaging)
UNITDIR  ?= $(PREFIX)/lib/systemd/system  # systemd units (Debian: /lib/systemd/system)
SYSCONFDIR ?= /etc      # where the configuration files live (kisi/core.conf, kisi/kiosk.conf)

CC := $(strip $(CC))
SAN := $(strip $(SAN))
BUILD := $(strip $(BUILD))
JOBS := $(strip $(JOBS))
PREFIX := $(strip $(PREFIX))
DESTDIR := $(strip $(DESTDIR))
UNITDIR := $(strip $(UNITDIR))
SYSCONFDIR := $(strip $(SYSCONFDIR))
DATADIR := $(PREFIX)/share/kisi
FUZZCC := $(strip $(FUZZCC))
FUZZSECS := $(strip $(FUZZSECS))
ifeq ($(SAN),1)
  override BUILD := $(BUILD)/san
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  BIN := $(BUILD)/bin
else
  SANFLAGS :=
  BIN := bin
endif

WARN    := -std=c11 -Wall -Wextra -Wstrict-prototypes -Wshadow -Werror
CPPFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
CFLAGS  += $(WARN) $(OPT) -g $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)

# libxml2 reads Moodle XML and the HTML in question text (libbank only)
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
BANK_LIBS := -ljansson -lsqlite3 -lcrypto -lm $(XML_LIBS)

# libutil: the toolbox every program and library uses (util/*.h are all public)
UTIL_SRC  := $(wildcard util/*.c)
UTIL_OBJ  := $(UTIL_SRC:%.c=$(BUILD)/%.o)
LIBUTIL   := $(BUILD)/libutil.a

BANK_SRC  := $(wildcard bank/*.c)
BANK_OBJ  := $(BANK_SRC:%.c=$(BUILD)/%.o)
LIBBANK   := $(BUILD)/libbank.a

# The library boundary: a client compiles with the public headers only. They
# are linked into $(PUB)/<library>/, so that a client including a private
# header (bank/internal.h, core/store_int.h...) fails to compile. Unit tests,
# fuzz targets and benchmarks may see the internals.
PUB       := $(BUILD)/include
BANK_PUB  := bank/bank.h bank/richtext.h
CORE_PUB  := core/analysis.h core/cohort.h core/forward.h core/http.h core/ingest.h core/itemstat.h core/lease.h core/log.h core/recap.h core/recap_io.h core/roomlog.h core/signer.h core/store.h
PUB_HDR   := $(BANK_PUB:%=$(PUB)/%) $(CORE_PUB:%=$(PUB)/%)
BANK_INC  := -I$(PUB)/bank -Iutil
CORE_INC  := -I$(PUB)/core $(BANK_INC)
INTERNAL_INC := -Ibank -Ikiosk -Icore -Iutil

SDL_CFLAGS := $(shell pkg-config --cflags sdl2 SDL2_ttf SDL2_image 2>/dev/null)
SDL_LIBS   := $(shell pkg-config --libs sdl2 SDL2_ttf SDL2_image 2>/dev/null)
# read aloud: libespeak-ng synthesises, SDL2 plays (linked wherever the kiosk is)
SDL_LIBS   += $(shell pkg-config --libs espeak-ng 2>/dev/null || echo -lespeak-ng)

KIOSK_SRC := $(filter-out kiosk/main.c,$(wildcard kiosk/*.c))
KIOSK_OBJ := $(KIOSK_SRC:%.c=$(BUILD)/%.o)
LIBKIOSK  := $(BUILD)/libkiosk.a

CORE_SRC  := $(wildcard core/*.c)
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
LIBCORE   := $(BUILD)/libcore.a
CORETOOL_SRC := $(wildcard tools/core/*.c)
CORETOOL_OBJ := $(CORETOOL_SRC:%.c=$(BUILD)/%.o)
NET_LIBS  := -lmicrohttpd -lcurl -lpthread
# libpq for the core's PostgreSQL store (ARCHITECTURE: several cores, one database)
PG_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
PG_LIBS   := $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)

BANKTOOL_SRC := $(wildcard tools/bank/*.c)
BANKTOOL_OBJ := $(BANKTOOL_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_COMMON := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_COMMON_OBJ := $(UNIT_COMMON:%.c=$(BUILD)/%.o)

FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay_%)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/tests/%)

# programs the tests and benches drive (tests/tools/room_*.c: room_gen, the simulated kiosks
# of a room), each linked with the other sources of tests/tools
TTOOL_SRC := $(wildcard tests/tools/room_*.c)
TTOOL_BIN := $(TTOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)
TTOOL_LIB := $(filter-out $(TTOOL_SRC),$(wildcard tests/tools/*.c))

.SECONDARY:
.PHONY: all help deps test unit e2e fuzz-replay fuzz bench bench-run demo clean install deb FORCE

PROGRAMS := $(BIN)/bank $(BIN)/kiosk $(if $(wildcard tools/core/main.c),$(BIN)/core)

all: $(PROGRAMS) ## build the programs into bin/

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed 's/:.*## /\t/' | sort
	@echo "variables: SAN=1 (sanitizers), JOBS (tests at once), CC, OPT, FUZZSECS"

deps: ## install missing Debian packages (no-op when present)
	@sh tools/deps.sh test

$(PUB)/%.h: %.h
	@mkdir -p $(dir $@)
	ln -sf $(abspath $<) $@

$(BUILD)/util/%.o: util/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iutil $(CFLAGS) -c $< -o $@

$(LIBUTIL): $(UTIL_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/bank/%.o: bank/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ibank -Iutil $(XML_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIBBANK): $(BANK_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/kiosk/%.o: kiosk/%.c | $(PUB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ikiosk $(BANK_INC) $(SDL_CFLAGS) $(CFLAGS) -c $< -o $@

# the installed kiosk finds its texts in DATADIR without --strings; the stamp
# rebuilds main.o when PREFIX changes
$(BUILD)/kiosk/main.o: CPPFLAGS += -DKISI_DATADIR='"$(DATADIR)"'
$(BUILD)/kiosk/main.o: $(BUILD)/datadir.stamp
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@

$(LIBKIOSK): $(KIOSK_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN)/kiosk: $(BUILD)/kiosk/main.o $(LIBKIOSK) $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SDL_LIBS) $(NET_LIBS) $(BANK_LIBS)

$(BUILD)/core/%.o: core/%.c | $(PUB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Icore $(BANK_INC) $(PG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tools/core/%.o: tools/core/%.c | $(PUB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CORE_INC) $(CFLAGS) -c $< -o $@

# the bank tool computes the item analysis with libcore's itemstat (one computation)
$(BUILD)/tools/bank/%.o: tools/bank/%.c | $(PUB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CORE_INC) $(CFLAGS) -c $< -o $@

# the installed core finds its pages in DATADIR/web without --web-dir
$(BUILD)/tools/core/main.o: CPPFLAGS += -DKISI_DATADIR='"$(DATADIR)"'
$(BUILD)/tools/core/main.o: $(BUILD)/datadir.stamp

$(LIBCORE): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN)/core: $(CORETOOL_OBJ) $(LIBCORE) $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PG_LIBS) $(NET_LIBS) $(BANK_LIBS)

$(BIN)/bank: $(BANKTOOL_OBJ) $(LIBCORE) $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(BANK_LIBS)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL_INC) $(SDL_CFLAGS) $(PG_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(UNIT_COMMON_OBJ) $(LIBKIOSK) $(LIBCORE) $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SDL_LIBS) $(PG_LIBS) $(NET_LIBS) $(BANK_LIBS) -lcmocka

# the core tool's configuration reader is tested on its own
$(BUILD)/tests/unit/test_core_conf.o: CPPFLAGS += -Itools/core
$(BUILD)/tests/test_core_conf: $(BUILD)/tests/unit/test_core_conf.o $(BUILD)/tools/core/conf.o \
                               $(UNIT_COMMON_OBJ) $(LIBBANK) $(LIBUTIL)
	$(CC) $(LDFLAGS) -o $@ $^ $(BANK_LIBS) -lcmocka

$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL_INC) $(CFLAGS) -c $< -o $@

# targets in the core or the kiosk link their library too (FUZZ_LINK, before libbank)
FUZZ_CORE := http result sig stats enrol state proctor jpush
FUZZ_KIOSK := journal receipt richrun command
# the room's messages and files (lease, offer, forward)
FUZZ_CORE += lease forward upstream
FUZZ_KIOSK += klease offer
$(FUZZ_CORE:%=$(BUILD)/tests/replay_fuzz_%): FUZZ_LINK = $(LIBCORE) $(LIBBANK) $(LIBUTIL) $(PG_LIBS) $(NET_LIBS)
$(FUZZ_CORE:%=$(BUILD)/tests/replay_fuzz_%): $(LIBCORE)
$(FUZZ_KIOSK:%=$(BUILD)/tests/replay_fuzz_%): FUZZ_LINK = $(LIBKIOSK) $(LIBBANK) $(LIBUTIL) $(SDL_LIBS) $(NET_LIBS)
$(FUZZ_KIOSK:%=$(BUILD)/tests/replay_fuzz_%): $(LIBKIOSK)
$(FUZZ_CORE:%=build/fuzz/fuzz_%): FUZZ_MORE = $(CORE_SRC) $(PG_CFLAGS) $(PG_LIBS) $(NET_LIBS)
$(FUZZ_KIOSK:%=build/fuzz/fuzz_%): FUZZ_MORE = $(KIOSK_SRC) $(SDL_CFLAGS) $(SDL_LIBS) $(NET_LIBS)

$(BUILD)/tests/replay_%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay.o $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(FUZZ_LINK) $(LIBBANK) $(LIBUTIL) $(BANK_LIBS)

$(BUILD)/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL_INC) $(SDL_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/bench_%: $(BUILD)/tests/bench/bench_%.o $(LIBKIOSK) $(LIBCORE) $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SDL_LIBS) $(PG_LIBS) $(NET_LIBS) $(BANK_LIBS)

$(BUILD)/tests/tools/%.o: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL_INC) $(CFLAGS) -c $< -o $@

$(TTOOL_BIN): $(BUILD)/tests/%: $(BUILD)/tests/tools/%.o $(TTOOL_LIB:%.c=$(BUILD)/%.o) $(LIBKIOSK) \
              $(LIBBANK) $(LIBUTIL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SDL_LIBS) $(NET_LIBS) $(BANK_LIBS)

E2E_SRC   := $(wildcard tests/e2e/*.sh)
# the slow scripts first, so that the short jobs fill the gaps beside them
E2E_SLOW  := %/install_deb.sh %/kiosk_sitting.sh %/kiosk_seat.sh %/core_postgres.sh %/kiosk_commands.sh \
             %/room_live.sh
E2E_JOBS  := $(addprefix e2e:,$(filter $(E2E_SLOW),$(E2E_SRC)) $(filter-out $(E2E_SLOW),$(E2E_SRC)))
RUN       := BIN=$(abspath $(BIN)) KISI_UNIT_DIR=$(abspath $(BUILD))/tests JOBS=$(JOBS) sh tests/run.sh

test: deps ## install deps, build, run every test JOBS at a time, print the slowest
	@$(MAKE) --no-print-directory $(UNIT_BIN) $(FUZZ_REPLAY) $(TTOOL_BIN) $(PROGRAMS)
	@$(RUN) total $(E2E_JOBS) $(addprefix unit:,$(UNIT_BIN)) $(addprefix replay:,$(FUZZ_REPLAY))

unit: $(UNIT_BIN) ## run the cmocka unit tests
	@$(RUN) unit $(addprefix unit:,$(UNIT_BIN))

fuzz-replay: $(FUZZ_REPLAY) ## replay the kept fuzz corpora as regression tests
	@$(RUN) fuzz-replay $(addprefix replay:,$(FUZZ_REPLAY))

e2e: $(PROGRAMS) $(TTOOL_BIN) $(BUILD)/tests/test_store_core $(BUILD)/tests/test_forward ## run the scripted end-to-end tests
	@$(RUN) e2e $(E2E_JOBS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BANK_SRC) $(UTIL_SRC) $(CORE_SRC) $(KIOSK_SRC)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(CPPFLAGS) $(INTERNAL_INC) $(XML_CFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FUZZ_MORE) $(BANK_SRC) $(UTIL_SRC) $(BANK_LIBS)

# a fuzzer's output goes to a file, of which the last lines are shown: a crash
# (or any failing exit) stops make with the fuzzer's status
fuzz: $(FUZZ_BIN) ## run each libFuzzer target for FUZZSECS seconds, growing tests/fuzz/corpus
	@sh tools/deps.sh fuzz
	@mkdir -p build/fuzz; for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p tests/fuzz/corpus/$$n; \
	  echo "fuzz $$n for $(FUZZSECS)s"; \
	  $$f -max_total_time=$(FUZZSECS) -max_len=8192 tests/fuzz/corpus/$$n tests/fuzz/seeds/$$n \
	    >build/fuzz/$$n.log 2>&1; rc=$$?; tail -n 2 build/fuzz/$$n.log; \
	  if [ $$rc -ne 0 ]; then echo "fuzz $$n failed ($$rc): build/fuzz/$$n.log" >&2; exit $$rc; fi; done

bench: deps ## print the performance figures
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BENCH_BIN) $(TTOOL_BIN) $(PROGRAMS)
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@for s in tests/bench/*.sh; do [ -f "$$s" ] || continue; BIN=$(abspath $(BIN)) KISI_UNIT_DIR=$(abspath $(BUILD))/tests sh $$s || exit 1; done

demo: deps ## build the sample bank and run a demo sitting
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh

# what `make install` puts where (dist/ holds the units, configuration files
# and the kiosk session script; @PREFIX@ and @SYSCONFDIR@ are filled in)
SUBST := sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
install: all ## install programs, texts, man pages, units (PREFIX, DESTDIR, UNITDIR)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/strings \
	  $(DESTDIR)$(DATADIR)/sample/exams $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/libexec/kisi $(DESTDIR)$(DATADIR)/web \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/kisi
	install -m 755 $(BIN)/bank $(BIN)/kiosk $(BIN)/core $(DESTDIR)$(PREFIX)/bin/
	install -m 644 assets/strings/*.txt $(DESTDIR)$(DATADIR)/strings/
	install -m 644 assets/web/* $(DESTDIR)$(DATADIR)/web/
	install -m 644 assets/bank/latsar.csv assets/bank/roster.csv $(DESTDIR)$(DATADIR)/sample/
	install -m 644 assets/bank/exams/*.json $(DESTDIR)$(DATADIR)/sample/exams/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	$(SUBST) dist/kisi-kiosk-session >$(DESTDIR)$(PREFIX)/libexec/kisi/kisi-kiosk-session
	chmod 755 $(DESTDIR)$(PREFIX)/libexec/kisi/kisi-kiosk-session
	for u in dist/*.service; do $(SUBST) $$u >$(DESTDIR)$(UNITDIR)/$${u##*/}; \
	  chmod 644 $(DESTDIR)$(UNITDIR)/$${u##*/}; done
	for c in dist/*.conf; do t=$(DESTDIR)$(SYSCONFDIR)/kisi/$${c##*/}; \
	  [ -e $$t ] || { $(SUBST) $$c >$$t && chmod 644 $$t; }; done

deb: ## build the Debian packages kisi-bank, kisi-core, kisi-kiosk into build/deb/
	@sh tools/deps.sh deb
	@sh tools/make-deb.sh

print-%:
	@echo $($*)

clean: ## remove build output
	rm -rf build bin demo-out tests/out

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
