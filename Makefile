# Certdesk — build, run and test. `make run` and `make test` install what is
# missing on Debian/Ubuntu (apt-get as root, through sudo otherwise).

GO        ?= go
BIN       := bin
TAGS      := migrated_fynedo
APT       := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
VAULT     ?= $(HOME)/.config/certdesk/vault.db

# Debian packages: what the app needs to build, and what the tests talk to.
APP_PKGS  := gcc pkg-config libgl1-mesa-dev xorg-dev libgtk-3-dev
TEST_PKGS := $(APP_PKGS) openssl curl nginx-light libnss3-tools default-jre-headless python3 xvfb xdotool imagemagick xauth

.PHONY: all deps deps-app deps-test build certctl certdesk run test test-core test-ui bench lint clean

all: build

define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/dl/"; exit 1; }
endef

deps-app:
	$(call install_missing,$(APP_PKGS))

deps-test:
	$(call install_missing,$(TEST_PKGS))

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
	CGO_ENABLED=0 $(GO) vet ./core/... ./cmd/certctl/...
	CGO_ENABLED=0 $(GO) test -count=1 ./core/... ./cmd/certctl/...

test-ui:
	$(GO) vet -tags $(TAGS) ./ui/... ./cmd/certdesk/...
	$(GO) test -count=1 -tags $(TAGS) ./ui/... ./cmd/certdesk/...

bench:
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchmem ./core/...

clean:
	rm -rf $(BIN)
