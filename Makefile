# One entry point for every task; the README names these targets.
# Heavy steps are file targets or reuse Go's build cache, so a second run only redoes what changed.

SHELL := /bin/bash
MODULE := github.com/cloudassistant/pulumi-cloudassistant
# The provider's version; generated SDKs ask the engine for this plugin version (see cmd/generate).
VERSION ?= 0.1.0
# The CLI is built at exactly the version go.mod pins for pulumi/pkg/v3, so the engine, the
# provider framework and the language SDKs all come from one release.
PULUMI_VERSION := $(shell awk '$$1 == "github.com/pulumi/pulumi/pkg/v3" { print $$2; exit }' go.mod)
PULUMI := .tools/pulumi
STATICCHECK := .tools/staticcheck
VENV := .venv
NODE_SDK_TGZ := bin/cloudassistant-pulumi-$(VERSION).tgz

GO ?= go
# Extra `go test` flags; tests/run-all.sh sets -v to count tests.
GOTESTFLAGS ?=
LDFLAGS := -X $(MODULE)/provider.Version=$(VERSION)

.PHONY: all tools build generate test test-unit test-race sdk-go sdk-nodejs sdk-python \
	test-e2e test-e2e-go test-e2e-nodejs test-e2e-python demo bench lint clean FORCE

all: build

## tools: the pulumi CLI and staticcheck in .tools/ (a no-op once built at the pinned versions)
tools: $(PULUMI) $(STATICCHECK)

$(PULUMI): .tools/pulumi.version
	@echo "building the pulumi CLI $(PULUMI_VERSION) into $@ (about 4 minutes on a cold cache)"
	$(GO) build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		-o $@ github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# Rewritten only when the pinned version changes, so touching go.mod does not rebuild the CLI.
.tools/pulumi.version: go.mod
	@mkdir -p .tools
	@echo "$(PULUMI_VERSION)" | cmp -s - $@ || echo "$(PULUMI_VERSION)" > $@

# staticcheck comes from its own module (tools/go.mod), so its dependencies never move ours.
$(STATICCHECK): tools/go.mod tools/go.sum
	@mkdir -p .tools
	cd tools && $(GO) build -o ../$@ honnef.co/go/tools/cmd/staticcheck

## build: provider and emulator binaries in bin/ (Go's cache decides what to recompile)
build: bin/pulumi-resource-cloudassistant bin/cloudassistant-emulator

bin/pulumi-resource-cloudassistant: FORCE
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./provider/cmd/pulumi-resource-cloudassistant

bin/cloudassistant-emulator: FORCE
	$(GO) build -o $@ ./emulator/cmd/cloudassistant-emulator

## generate: schema.json and sdk/{go,nodejs,python} from the provider, in-process
generate:
	$(GO) run ./cmd/generate

## test: every test; tests/run-all.sh times each stage and prints the runners' totals
test:
	tests/run-all.sh

# The stages below are what run-all.sh calls; each also works on its own.

## test-unit: emulator, provider, internal packages and the generated-code drift check
test-unit:
	$(GO) test -count=1 $(GOTESTFLAGS) ./emulator/... ./provider/... ./internal/... ./cmd/...

## test-race: the race detector over the emulator and the provider, whose parts run concurrently
test-race:
	$(GO) test -count=1 -race $(GOTESTFLAGS) ./emulator/... ./provider/...

## sdk-go: the Go SDK builds and vets as its own module
sdk-go:
	cd sdk/go && $(GO) build ./... && $(GO) vet ./...

## sdk-nodejs: the Node.js SDK compiles with tsc (strict) and is packed for programs to install
sdk-nodejs: $(NODE_SDK_TGZ)

$(NODE_SDK_TGZ): $(shell find sdk/nodejs -maxdepth 2 -type f \( -name '*.ts' -o -name '*.json' \) -not -path '*/node_modules/*' -not -path '*/bin/*' 2>/dev/null)
	cd sdk/nodejs && npm install --no-package-lock --no-audit --no-fund --loglevel=error
	rm -rf sdk/nodejs/bin && cd sdk/nodejs && npx tsc
	cp sdk/nodejs/package.json sdk/nodejs/README.md sdk/nodejs/bin/
	@mkdir -p bin
	npm pack ./sdk/nodejs/bin --pack-destination bin --loglevel=error

## sdk-python: a venv with pulumi==$(PULUMI_VERSION), pytest and the Python SDK, imported once
sdk-python: $(VENV)/.deps
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall ./sdk/python
	$(VENV)/bin/python -c "import pulumi_cloudassistant as c; print('imported', c.__name__, [n for n in ('Command', 'Invocation', 'Provider') if hasattr(c, n)])"

$(VENV)/.deps: .tools/pulumi.version sdk/python/pyproject.toml
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check \
		"pulumi==$(patsubst v%,%,$(PULUMI_VERSION))" pytest parver semver
	touch $@

## test-e2e: the three end-to-end suites (real engine, provider binary, emulator binary)
test-e2e: test-e2e-go test-e2e-nodejs test-e2e-python

test-e2e-go: build tools
	$(GO) test -count=1 -v -timeout 20m $(GOTESTFLAGS) ./tests/...

# Each tests/nodejs/tsconfig*.json compiles one test with its example's program into bin/.
test-e2e-nodejs: build tools sdk-nodejs
	rm -rf tests/nodejs/node_modules/@cloudassistant tests/nodejs/bin
	cd tests/nodejs && npm install --no-package-lock --no-audit --no-fund --loglevel=error
	cd tests/nodejs && for p in tsconfig*.json; do npx tsc -p "$$p" || exit 1; done
	cd tests/nodejs && node --test bin/tests/nodejs/

test-e2e-python: build tools sdk-python
	cd tests/python && ../../$(VENV)/bin/pytest -v

## demo: the Go example through the engine against a fresh emulator, with its diff, then destroy
demo: build tools
	$(GO) run ./cmd/demo

## bench: benchmarks (scripts/bench.sh holds the list)
bench:
	scripts/bench.sh

## lint: gofmt, go vet and staticcheck
lint: $(STATICCHECK)
	@out="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go'))"; \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## clean: built binaries, the CLI, SDK build output, the venv and test installs
clean:
	rm -rf bin .tools $(VENV) .state sdk/nodejs/bin sdk/nodejs/node_modules \
		tests/nodejs/node_modules tests/nodejs/bin

FORCE:
