# mobisess: the 4D MOBILE APP REFRESH SESSIONS engine outside 4D.
# `make run` opens the console on the embedded sample; `make test` runs every test.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/wasm_exec.js
WASM_ENV  := PATH="$(GOROOT)/lib/wasm:$$PATH" GOOS=js GOARCH=wasm
BUILD     := build
ADDR      ?= 127.0.0.1:8080
FUZZTIME  ?= 10m

.PHONY: all build run check test vet test-unit test-race test-wasm test-e2e e2e-setup wasm fuzz bench loadtest clean

all: build

build: wasm
	$(GO) build -o $(BUILD)/mobisess ./cmd/mobisess
	$(GO) build -o $(BUILD)/devserver ./cmd/devserver

# The engine as WebAssembly, with the wasm_exec.js of the same toolchain, for the console.
wasm:
	mkdir -p $(BUILD)/web
	GOOS=js GOARCH=wasm $(GO) build -ldflags='-s -w' -o $(BUILD)/web/mobisess.wasm ./wasm
	cp $(WASM_EXEC) $(BUILD)/web/wasm_exec.js

# The CLI on the embedded sample (exit 1 is expected: the sample holds broken files on purpose).
check:
	$(GO) run ./cmd/mobisess check || test $$? -eq 1

# The console on the embedded sample, at http://$(ADDR)/ (the engine runs in the page as WebAssembly).
run: wasm
	$(GO) run ./cmd/devserver -addr $(ADDR) -wasm-dir $(BUILD)/web

vet:
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet ./...

# Every test: native (with the fuzz seed corpora), the registry under the race detector, the wasm build in Node,
# and the browser tests in Chromium.
test: vet test-unit test-race test-wasm test-e2e

test-unit:
	$(GO) test $$($(GO) list ./... | grep -v /e2e)

test-race:
	$(GO) test -race ./core/... ./cmd/devserver/...

test-wasm:
	$(WASM_ENV) $(GO) test ./core/... ./wasm/...

e2e-setup:
	bash e2e/setup.sh

test-e2e: e2e-setup wasm
	MOBISESS_WASM_DIR=$(BUILD)/web $(GO) test ./e2e/...

# Longer fuzzing campaigns, one target at a time: make fuzz FUZZTIME=10m
fuzz:
	$(GO) test ./core -run '^$$' -fuzz '^FuzzDecodeToken$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzCheckBytes$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzImportZip$$' -fuzztime $(FUZZTIME)
	$(GO) test ./core -run '^$$' -fuzz '^FuzzZipDirectory$$' -fuzztime $(FUZZTIME)
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
