# tb - an LLM trading bot run by cron.  See README.md.
#
#   make            build libtb and the programs into build/
#   make check      install missing Debian packages, build, shellcheck,
#                   run every suite
#   make asan       the same suites on an AddressSanitizer+UBSan build
#   make demo       a whole trading day against the local fake services
#   make bench      speed and memory figures (tests/bench/)
#   make install    programs, man pages, docs, bash completion under $(PREFIX)
#   make deb        a Debian package of the same (dpkg-deb), PREFIX /usr

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
MAN5DIR  = $(PREFIX)/share/man/man5
DOCDIR   = $(PREFIX)/share/doc/tb
COMPDIR  = $(PREFIX)/share/bash-completion/completions

PKGS     = libcurl libcjson sqlite3 libconfuse
DEB_PKGS = libcurl4-openssl-dev libcjson-dev libsqlite3-dev libconfuse-dev \
           bats bats-assert bats-support sqlite3 jq python3 curl util-linux \
           bsdutils procps groff-base binutils mount pkg-config gcc make tzdata \
           chromium shellcheck parallel cron bash-completion dpkg-dev

ifeq ($(SANITIZE),1)
B        = build-asan
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined
OPT      = -O1 -g -fno-omit-frame-pointer $(SAN)
else
B        = build
SAN      =
OPT      = -O2 -g
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= $(OPT)
CFLAGS  += -std=c11 -D_GNU_SOURCE -DTB_VERSION=\"$(VERSION)\" -Wall -Wextra \
           -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Ilib $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SAN)
LDLIBS  += $(PKG_LIBS) -lpthread -lm

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(B)/lib/%.o) $(B)/lib/migrations.o
PROG_SRC = $(wildcard bin/*.c)
PROGS    = $(PROG_SRC:bin/%.c=$(B)/bin/%)
SCRIPTS  = $(patsubst bin/%,$(B)/bin/%,$(filter-out %.c %.1,$(wildcard bin/tb-*)))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNITS    = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOLS    = $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)
MIGRATIONS = $(sort $(wildcard sql/[0-9]*.sql))
# Every shell program (as its #! says), and the bats suites and bash
# helpers, which are bash.
SH_PROGS = $(SCRIPTS:$(B)/%=%) $(wildcard sql/*.sh tests/*.sh tests/bench/*.sh) \
           $(filter-out %.c %.py,$(wildcard tests/tools/*)) .ci/run
SH_BASH  = $(wildcard tests/*.bats tests/*.bash tests/fakes/*.bash \
           tests/bench/*.bash)
MAN5     = $(B)/man/tb.conf.5

all: $(PROGS) $(SCRIPTS) $(MAN5)

$(B)/lib/%.o: lib/%.c | $(B)/lib
	$(CC) $(CFLAGS) -c -o $@ $<

# The migrations are compiled into libtb, so an installed program needs no sql/.
$(B)/lib/migrations.c: $(MIGRATIONS) sql/embed.sh | $(B)/lib
	sh sql/embed.sh $(MIGRATIONS) > $@

$(B)/lib/migrations.o: $(B)/lib/migrations.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libtb.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(B)/bin/%: bin/%.c $(B)/libtb.a | $(B)/bin
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtb.a $(LDLIBS)

$(B)/bin/tb-%: bin/tb-% | $(B)/bin
	cp $< $@ && chmod 755 $@

$(B)/tests/%: tests/unit/%.c $(B)/libtb.a | $(B)/tests
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(B)/libtb.a $(LDLIBS)

# Test programs the bats suites drive (not installed).
$(B)/tools/%: tests/tools/%.c $(B)/libtb.a | $(B)/tools
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtb.a $(LDLIBS)

# Programs the build runs (not installed).
$(B)/gen/%: tools/%.c $(B)/libtb.a | $(B)/gen
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtb.a $(LDLIBS)

# tb.conf(5)'s list of keys comes from lib/config.c's table: no drift.
$(MAN5): tb.conf.5.in $(B)/gen/confman | $(B)/man
	$(B)/gen/confman tb.conf.5.in > $@.tmp && mv $@.tmp $@

$(B)/lib $(B)/bin $(B)/tests $(B)/tools $(B)/gen $(B)/man:
	mkdir -p $@

units: $(UNITS) $(TOOLS)

# Install the Debian packages the build and the tests need (as root),
# or say which command would.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "make deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "make deps: missing Debian packages; run: sudo apt-get install$$missing" >&2; exit 1; \
	fi

# The build and the lint in parallel, one job per core, then the suites
# (tests/run.sh runs those in parallel too).
NPROC   := $(shell nproc 2>/dev/null || echo 1)

check: deps
	$(MAKE) -j$(NPROC) all units lint
	TB_BUILD=$(B) sh tests/run.sh

# -x follows the helpers a script sources (named by source= directives).
lint:
	shellcheck -x $(SH_PROGS)
	shellcheck -x -s bash $(SH_BASH)

asan:
	$(MAKE) check SANITIZE=1

demo: deps
	$(MAKE) all
	TB_BUILD=$(B) sh tests/demo.sh

bench: deps
	$(MAKE) all units
	TB_BUILD=$(B) sh tests/bench/run.sh

# The programs, their man pages and tb.conf(5), the examples and the
# cron guide, and one bash completion file linked under every program's
# name (bash-completion loads completions by command name).
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(MAN5DIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPDIR)
	install -m 755 $(PROGS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard bin/*.1) $(DESTDIR)$(MANDIR)
	install -m 644 $(MAN5) $(DESTDIR)$(MAN5DIR)
	install -m 644 README.md env.example tb.conf.example $(DESTDIR)$(DOCDIR)
	install -m 644 cron/README.md $(DESTDIR)$(DOCDIR)/cron.md
	install -m 644 cron/tb.crontab.example cron/tb.crontab.utc.example \
	    $(DESTDIR)$(DOCDIR)
	install -m 644 completion/tb $(DESTDIR)$(COMPDIR)/tb
	for p in $(notdir $(PROGS) $(SCRIPTS)); do \
	    ln -sf tb $(DESTDIR)$(COMPDIR)/$$p || exit 1; done

# A Debian package of `make install PREFIX=/usr`, built with dpkg-deb.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB      = $(B)/tb_$(VERSION)_$(DEB_ARCH).deb
DEBROOT  = $(B)/deb

deb: $(DEB)

$(DEB): all deb/control.in
	rm -rf $(DEBROOT)
	$(MAKE) install PREFIX=/usr DESTDIR=$(abspath $(DEBROOT))
	install -d $(DEBROOT)/DEBIAN
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
	    -e "s/@SIZE@/$$(du -sk $(DEBROOT)/usr | cut -f1)/" deb/control.in \
	    > $(DEBROOT)/DEBIAN/control
	dpkg-deb --root-owner-group -Zxz --build $(DEBROOT) $@

clean:
	rm -rf build build-asan

.PHONY: all units lint deps check asan demo bench install deb clean

-include $(LIB_OBJ:.o=.d) $(PROGS:=.d) $(UNITS:=.d) $(TOOLS:=.d) \
    $(B)/gen/confman.d
