# mobisess: the 4D MOBILE APP REFRESH SESSIONS engine outside 4D.
# `make run` opens the console on the embedded sample (`make run DIR=path/to/MobileApps`: on that folder, at the
# address with its token that it prints; `ADDR=127.0.0.1:9090` for another port); `make test` runs every test.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/wasm_exec.js
WASM_ENV  := PATH="$(GOROOT)/lib/wasm:$$PATH" GOOS=js GOARCH=wasm
BUILD     := build
ADDR      ?= 127.0.0.1:8080
FUZZTIME  ?= 10m
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# What a release is stamped with: the v* tag at HEAD, if any, else "devel"; and the commit.
VERSION   ?= $(shell git describe --tags --match 'v*' --dirty 2>/dev/null || echo devel)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
COMMIT_AT ?= $(shell git log -1 --format=%ct 2>/dev/null)
STAMP     := -version '$(VERSION)' -commit '$(COMMIT)'
HOST      := $(shell $(GO) env GOOS)/$(shell $(GO) env GOARCH)
# The release's systems beside this one: make test cross-vets them (the host's own is built and run).
CROSS     := $(filter-out $(HOST),darwin/arm64 darwin/amd64 windows/amd64 windows/arm64 linux/amd64 linux/arm64)

.PHONY: all build run check test vet tsc test-unit test-race test-wasm test-e2e test-cross e2e-setup wasm site dist dist-host fuzz bench loadtest clean

all: build

build: wasm
	$(GO) build -o $(BUILD)/mobisess ./cmd/mobisess
	$(GO) build -o $(BUILD)/devserver ./cmd/devserver

# The engine as WebAssembly, with the wasm_exec.js of the same toolchain, for the console.
wasm:
	mkdir -p $(BUILD)/web
	GOOS=js GOARCH=wasm $(GO) build -ldflags='-s -w' -o $(BUILD)/web/mobisess.wasm ./wasm
	cp $(WASM_EXEC) $(BUILD)/web/wasm_exec.js

# The console as a static site, in build/site: plain files for any static host, working offline after a first
# visit (internal/site).
site: wasm
	$(GO) run ./internal/cmd/site -wasm-dir $(BUILD)/web -out $(BUILD)/site $(STAMP)

# The downloads, in build/dist: one archive per system holding mobisess and devserver (the console's engine built
# in), and SHA256SUMS (internal/dist).
dist: wasm
	$(GO) run ./internal/cmd/dist -wasm-dir $(BUILD)/web -out $(BUILD)/dist $(STAMP) -date '$(COMMIT_AT)'

# This system's download alone, for the tests.
dist-host: wasm
	$(GO) run ./internal/cmd/dist -wasm-dir $(BUILD)/web -out $(BUILD)/dist-host $(STAMP) -date '$(COMMIT_AT)' $(HOST)

# The CLI on the embedded sample (exit 1 is expected: the sample holds broken files on purpose). Built, then run:
# go run would add its own "exit status 1" to the report.
check:
	$(GO) build -o $(BUILD)/mobisess ./cmd/mobisess
	$(BUILD)/mobisess check || test $$? -eq 1

# The console on the embedded sample, at http://$(ADDR)/ (the engine runs in the page as WebAssembly); with
# DIR=path/to/MobileApps, on that folder, at the address the dev server prints: http://$(ADDR)/?token=…
run: wasm
	$(GO) run ./cmd/devserver -addr $(ADDR) -wasm-dir $(BUILD)/web $(if $(DIR),-dir "$(DIR)")

# go vet and staticcheck on both builds (staticcheck at a pinned version, a new release's checks taken on purpose), and the
# page's scripts type-checked (tsc).
vet: tsc
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet ./...
	GOBIN=$(abspath $(BUILD))/tools $(GO) install $(STATICCHECK)
	$(BUILD)/tools/staticcheck ./...
	$(WASM_ENV) $(BUILD)/tools/staticcheck ./...

# The page's scripts type-checked against the engine's documents (web/types.d.ts): the page, then its workers.
# TypeScript is pinned in web/tools, installed by npm ci.
TSC := web/tools/node_modules/.bin/tsc
tsc: $(TSC)
	$(TSC) -p web/tsconfig.json
	$(TSC) -p web/tsconfig.worker.json

$(TSC): web/tools/package.json web/tools/package-lock.json
	npm ci --prefix web/tools --no-audit --no-fund
	touch $@

# Every test: native (with the fuzz seed corpora), the registry under the race detector, the wasm build in Node,
# the release's other systems vetted, and the browser tests in Chromium (the dev server, the static site online
# and offline, this system's download started from an empty folder).
test: vet test-unit test-race test-wasm test-cross test-e2e

test-unit:
	$(GO) test $$($(GO) list ./... | grep -v /e2e)

test-race:
	$(GO) test -race ./core/... ./cmd/devserver/...

test-wasm:
	$(WASM_ENV) $(GO) test ./core/... ./wasm/...

e2e-setup:
	bash e2e/setup.sh

# The release's other systems, type-checked and vetted as they are built (with the engine built in); building
# them all is `make dist`.
test-cross: dist-host
	for t in $(CROSS); do \
		echo "vet $$t"; GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 $(GO) vet -tags embedengine ./... || exit 1; \
	done

test-e2e: e2e-setup wasm site dist-host
	MOBISESS_WASM_DIR=$(BUILD)/web MOBISESS_SITE_DIR=$(BUILD)/site MOBISESS_DIST_DIR=$(BUILD)/dist-host $(GO) test ./e2e/...

# Longer fuzzing campaigns, one target at a time: make fuzz FUZZTIME=10m
fuzz:
	$(GO) test ./core -run '^$$' -fuzz '^FuzzDecodeToken$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzCheckBytes$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core/zipfs -run '^$$' -fuzz '^FuzzImportZip$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core/zipfs -run '^$$' -fuzz '^FuzzZipDirectory$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzQuickAgrees$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzProposeFix$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzExportChecksAlike$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/devserver -run '^$$' -fuzz '^FuzzHandler$$' -fuzztime $(FUZZTIME)

bench:
	bash bench/run.sh

# 50 clients, 10k requests against the dev server on loopback; results in bench/loadtest.md.
loadtest:
	$(GO) build -o $(BUILD)/devserver ./cmd/devserver
	$(GO) run ./cmd/devserver/loadtest -devserver $(BUILD)/devserver -out bench/loadtest.md

clean:
	rm -rf $(BUILD)
