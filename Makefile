# Certdesk — build, run and test. `make run` and `make test` install what is
# missing on Debian/Ubuntu (apt-get as root, through sudo otherwise).

GO        ?= go
BIN       := bin
TAGS      := migrated_fynedo
APT       := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
VAULT     ?= $(HOME)/.config/certdesk/vault.db

# Debian packages: what the app needs to build, and what the tests talk to.
# Libraries are checked by package; programs by command, since several
# packages can provide one (keytool from any JRE, nginx from any flavour).
APP_PKGS  := libgl1-mesa-dev xorg-dev libgtk-3-dev
APP_CMDS  := gcc:gcc pkg-config:pkg-config
TEST_PKGS := easy-rsa python3-icalendar postgresql
TEST_CMDS := $(APP_CMDS) openssl:openssl curl:curl nginx:nginx-light pk12util:libnss3-tools \
	keytool:default-jre-headless python3:python3 Xvfb:xvfb xdotool:xdotool import:imagemagick xauth:xauth \
	apache2:apache2 haproxy:haproxy caddy:caddy gunicorn:gunicorn chromium:chromium certutil:libnss3-tools

.PHONY: all deps deps-app deps-test build certctl certdesk run test test-core test-ui bench clean screenshot package fuzz stress lint

all: build

define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for pair in $(2); do c=$${pair%%:*}; p=$${pair#*:}; \
		command -v $$c >/dev/null 2>&1 || [ -x /usr/sbin/$$c ] || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }
endef

deps-app:
	$(call install_missing,$(APP_PKGS),$(APP_CMDS))

deps-test:
	$(call install_missing,$(APP_PKGS) $(TEST_PKGS),$(TEST_CMDS))

deps: deps-test

certctl:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/certctl ./cmd/certctl

certdesk: deps-app
	$(GO) build -tags $(TAGS) -o $(BIN)/certdesk ./cmd/certdesk

build: certctl certdesk

run: build
	$(BIN)/certdesk --vault "$(VAULT)"

test: deps-test test-core test-ui

# The engine and the CLI build and test without cgo.
test-core:
	CGO_ENABLED=0 $(GO) vet ./core/... ./cmd/certctl/... ./cmd/certbench/... ./assets/...
	CGO_ENABLED=0 $(GO) test -count=1 ./core/... ./cmd/certctl/...
	# the vault's own suite once more, on a PostgreSQL team vault
	CERTDESK_TEST_BACKEND=postgres CGO_ENABLED=0 $(GO) test -count=1 ./core/vault/

test-ui:
	$(GO) vet -tags $(TAGS) ./ui/... ./cmd/certdesk/...
	$(GO) test -count=1 -race -tags $(TAGS) ./ui/... ./cmd/certdesk/...

# Side-by-side measurements against nginx and an openssl script, medians
# and ratios in one table (also written to bin/bench.md); then Go's own
# micro-benchmarks of the engine.
bench: deps-test certdesk
	CGO_ENABLED=0 $(GO) build -o $(BIN)/certbench ./cmd/certbench
	$(BIN)/certbench | tee $(BIN)/bench.md
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchtime 20x ./core/verdict/ ./core/vault/

clean:
	rm -rf $(BIN)

# Screenshots of the main screens, light and dark, for the README.
screenshot: deps-test
	mkdir -p assets/screenshots
	CERTDESK_SCREENSHOTS=$(CURDIR)/assets/screenshots $(GO) test -count=1 -tags $(TAGS) -run TestScreenshots ./cmd/certdesk/
	# an auditor's window on a team vault (a real PostgreSQL; the test driver draws it)
	CERTDESK_SCREENSHOTS=$(CURDIR)/assets/screenshots $(GO) test -count=1 -tags $(TAGS) -run TestTeamAuditorScreenshot ./ui/

# A Linux package (tar.xz with the binary, desktop entry and icon), from the
# name, ID, version and icon in FyneApp.toml. fyne bumps Build in the file on
# every run; the file is put back so packaging leaves the tree clean.
FYNE := $(shell go env GOPATH)/bin/fyne
$(FYNE):
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4

package: certdesk $(FYNE)
	cp FyneApp.toml $(BIN)/FyneApp.toml.orig
	$(FYNE) package --os linux --exe $(BIN)/certdesk --release; status=$$?; \
		mv $(BIN)/FyneApp.toml.orig FyneApp.toml; exit $$status
	mv Certdesk.tar.xz $(BIN)/
	tar tJf $(BIN)/Certdesk.tar.xz | grep -q 'applications/io.certdesk.app.desktop'
	tar tJf $(BIN)/Certdesk.tar.xz | grep -q 'pixmaps/io.certdesk.app.png'
	@echo "wrote $(BIN)/Certdesk.tar.xz"

# Coverage-guided fuzzing of everything that reads outside data; `make test`
# runs the seed corpora, this runs each target for FUZZTIME.
FUZZTIME ?= 60s
FUZZ_TARGETS := core/inspect:FuzzInspect core/pki:FuzzParse core/pki:FuzzFingerprint core/verdict:FuzzJudge core/vault:FuzzFind \
	core/interop:FuzzIndex core/interop:FuzzPEMBundle core/onboard:FuzzParseCSV core/pki:FuzzCheckPKCS12
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; \
		echo "== $$fn ($(FUZZTIME))"; \
		CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$pkg/ || exit 1; \
	done

# Longer runs of the hardening tests: 10,000 bad connections of every kind
# mixed with good clients, and 50 SIGKILLs during bulk issuance.
stress:
	CERTDESK_STRESS=10000 CERTDESK_KILLS=50 CGO_ENABLED=0 $(GO) test -count=1 -run 'TestStress|TestCrashSafety|TestAbuse|TestSlowSubscriber' -v ./cmd/certctl/ ./core/mtls/

# Static checks: go vet and staticcheck on everything, and govulncheck when
# the Go vulnerability database can be reached (it cannot from machines
# that see only package registries; the run then says so and goes on).
STATICCHECK := $(shell go env GOPATH)/bin/staticcheck
GOVULNCHECK := $(shell go env GOPATH)/bin/govulncheck
$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@latest
$(GOVULNCHECK):
	$(GO) install golang.org/x/vuln/cmd/govulncheck@latest

lint: deps-app $(STATICCHECK) $(GOVULNCHECK)
	CGO_ENABLED=0 $(GO) vet ./core/... ./cmd/certctl/... ./cmd/certbench/... ./assets/...
	$(GO) vet -tags $(TAGS) ./ui/... ./cmd/certdesk/...
	CGO_ENABLED=0 $(STATICCHECK) ./core/... ./cmd/certctl/... ./cmd/certbench/... ./assets/...
	$(STATICCHECK) -tags $(TAGS) ./ui/... ./cmd/certdesk/...
	@$(GOVULNCHECK) -tags $(TAGS) ./... 2>&1 | tee $(BIN)/govulncheck.txt; \
		if grep -q 'fetching vulnerabilities' $(BIN)/govulncheck.txt; then \
			echo "govulncheck: the vulnerability database is not reachable from here; not checked"; \
		elif grep -q 'Vulnerability #' $(BIN)/govulncheck.txt; then exit 1; fi
