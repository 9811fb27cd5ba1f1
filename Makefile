# One entry point for every task; CONTRIBUTING.md names these targets (the README the main ones).
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

# Tools with dependency graphs of their own live in tool modules under tools/ (each its own
# go.mod), so their pins never move the provider's: goreleaser, the YAML language host, and the
# Java generator and language host (both need pulumi pkg v3.206.0, not the provider's release).
GORELEASER := .tools/goreleaser
LANGUAGE_YAML := .tools/pulumi-language-yaml
JAVA_TOOLS := .tools/pulumi-language-java .tools/pulumi-java-gen
# The Go, Node.js and Python language hosts (tools/langhosts; see their rule below).
LANGHOSTS_DIR ?= .tools
LANGHOSTS := $(addprefix $(LANGHOSTS_DIR)/,pulumi-language-go pulumi-language-nodejs pulumi-language-python pulumi-language-python-exec)
LANGHOSTS_SDK := github.com/pulumi/pulumi/sdk/v3
# modver GO_MOD,MODULE: the version GO_MOD requires of MODULE.
modver = $(shell awk '$$1 == "$(2)" { print $$2; exit }' $(1))
YAML_VERSION := $(patsubst v%,%,$(call modver,tools/yaml/go.mod,github.com/pulumi/pulumi-yaml))
JAVA_VERSION := $(patsubst v%,%,$(call modver,tools/java/go.mod,github.com/pulumi/pulumi-java/pkg))

GO ?= go
# Extra `go test` flags; tests/run-all.sh sets -v to count tests.
GOTESTFLAGS ?=
LDFLAGS := -X $(MODULE)/provider.Version=$(VERSION)

# The release archive of this machine's platform, built by goreleaser from .goreleaser.yml
# (the install, YAML and Java end-to-end tests install the plugin from it).
HOST_OS := $(shell $(GO) env GOOS)
HOST_ARCH := $(shell $(GO) env GOARCH)
PLUGIN_ARCHIVE := .state/dist-host/pulumi-resource-cloudassistant-v$(VERSION)-$(HOST_OS)-$(HOST_ARCH).tar.gz

.PHONY: all tools build generate test test-unit test-race sdk-go sdk-nodejs sdk-python sdk-python-dist \
	test-e2e test-e2e-go test-e2e-nodejs test-e2e-python test-e2e-install test-e2e-java test-live test-live-emulator sdk-java dist dist-host print-version \
	demo env langhosts bench lint clean FORCE

all: build

## tools: the pulumi CLI, staticcheck, goreleaser and the YAML, Java, Go, Node.js and Python
## language hosts in .tools/ (file targets: a no-op once built at the pinned versions). `make demo`
## needs only the CLI.
tools: $(PULUMI) $(STATICCHECK) $(GORELEASER) $(LANGUAGE_YAML) $(JAVA_TOOLS) $(LANGHOSTS)

## env: the exports a shell needs to use this checkout's CLI, language hosts and provider:
## `eval "$(make env)"`. A local file backend (what `pulumi login --local` selects) and a
## passphrase for its secrets, unless the shell already sets them; no Pulumi Cloud account.
env:
	@echo 'export PATH="$(CURDIR)/.tools:$(CURDIR)/bin:$$PATH"'
	@echo 'export PULUMI_BACKEND_URL="$${PULUMI_BACKEND_URL:-file://~}"'
	@echo 'export PULUMI_CONFIG_PASSPHRASE="$${PULUMI_CONFIG_PASSPHRASE-local-passphrase}"'
	@echo 'export PULUMI_SKIP_UPDATE_CHECK=true'

$(PULUMI): .tools/pulumi.version
	@echo "building the pulumi CLI $(PULUMI_VERSION) into $@ (make demo, this included, took 4 minutes from cold caches on 2 cores)"
	$(GO) build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)" \
		-o $@ github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# Rewritten only when the pinned version changes, so touching go.mod does not rebuild the CLI.
.tools/pulumi.version: go.mod
	@mkdir -p .tools
	@echo "$(PULUMI_VERSION)" | cmp -s - $@ || echo "$(PULUMI_VERSION)" > $@

# staticcheck comes from its own module (tools/staticcheck/go.mod), so its dependencies never move ours.
$(STATICCHECK): tools/staticcheck/go.mod tools/staticcheck/go.sum
	@mkdir -p .tools
	cd tools/staticcheck && $(GO) build -o ../../$@ honnef.co/go/tools/cmd/staticcheck

$(GORELEASER): tools/goreleaser/go.mod tools/goreleaser/go.sum
	@mkdir -p .tools
	cd tools/goreleaser && $(GO) build -o ../../$@ github.com/goreleaser/goreleaser/v2

$(LANGUAGE_YAML): tools/yaml/go.mod tools/yaml/go.sum
	@mkdir -p .tools
	cd tools/yaml && $(GO) build -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$(YAML_VERSION)" \
		-o ../../$@ github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml

$(JAVA_TOOLS) &: tools/java/go.mod tools/java/go.sum
	@mkdir -p .tools
	cd tools/java && $(GO) build -ldflags "-X github.com/pulumi/pulumi-java/pkg/version.Version=$(JAVA_VERSION)" \
		-o ../../.tools/ github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java github.com/pulumi/pulumi-java/pkg/cmd/pulumi-java-gen
	@touch $(JAVA_TOOLS)

# The Go, Node.js and Python language hosts, for plain `pulumi up` of Go, TypeScript and Python
# programs. Their current modules are not served, but pulumi/sdk/v3 carried them up to v3.60,
# and those hosts run programs of today's SDKs with this CLI (tools/langhosts pins them). Part
# of `tools`, since tests/gettingstarted runs Python and Go programs as the README writes them;
# not of `demo`. LANGHOSTS_DIR builds them elsewhere, to try them without touching .tools/.

## langhosts: the Go, Node.js and Python language hosts in .tools/ (seconds; `make tools` builds them too)
langhosts: $(LANGHOSTS)

$(LANGHOSTS) &: tools/langhosts/go.mod tools/langhosts/go.sum
	@mkdir -p $(LANGHOSTS_DIR)
	cd tools/langhosts && $(GO) build -o $(abspath $(LANGHOSTS_DIR))/ \
		$(LANGHOSTS_SDK)/go/pulumi-language-go $(LANGHOSTS_SDK)/nodejs/cmd/pulumi-language-nodejs \
		$(LANGHOSTS_SDK)/python/cmd/pulumi-language-python
	install -m 0755 "$$(cd tools/langhosts && $(GO) list -m -f '{{.Dir}}' $(LANGHOSTS_SDK))/python/cmd/pulumi-language-python-exec" \
		$(LANGHOSTS_DIR)/
	@touch $(LANGHOSTS)

# A local snapshot release: goreleaser takes the version from GORELEASER_CURRENT_TAG, but only
# once it has read the remote's URL from git; a clone without a remote gets one here (it is
# read, never contacted), else goreleaser falls back to v0.0.0.
GORELEASER_SNAPSHOT := GORELEASER_CURRENT_TAG=v$(VERSION) GIT_CONFIG_COUNT=1 \
	GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/cloudassistant/pulumi-cloudassistant.git \
	$(GORELEASER) release --snapshot --clean

## dist: release archives for linux, darwin, windows x amd64, arm64 and a checksums file in dist/.
## Pass the version: `make dist VERSION=1.2.3` (goreleaser would infer v0.0.0 from a clone without tags).
dist: $(GORELEASER)
	$(GORELEASER_SNAPSHOT)
	cd dist && sha256sum --check --strict pulumi-cloudassistant-$(VERSION)-checksums.txt

## dist-host: the same archive for this machine only (what the end-to-end tests install).
# It runs the release config with this platform as the only target, so the archive's name and
# content come from .goreleaser.yml itself.
dist-host: $(GORELEASER)
	@mkdir -p .state
	sed -e 's/^    goos: .*/    goos: [$(HOST_OS)]/' -e 's/^    goarch: .*/    goarch: [$(HOST_ARCH)]/' \
		.goreleaser.yml > .state/goreleaser-host.yml
	grep -q '^    goos: \[$(HOST_OS)\]' .state/goreleaser-host.yml
	echo 'dist: .state/dist-host' >> .state/goreleaser-host.yml
	$(GORELEASER_SNAPSHOT) --config .state/goreleaser-host.yml
	test -f $(PLUGIN_ARCHIVE)

# print-version: the release version (the release workflow compares it with the tag)
print-version:
	@echo $(VERSION)

## build: provider and emulator binaries in bin/ (Go's cache decides what to recompile)
build: bin/pulumi-resource-cloudassistant bin/cloudassistant-emulator

bin/pulumi-resource-cloudassistant: FORCE
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./provider/cmd/pulumi-resource-cloudassistant

bin/cloudassistant-emulator: FORCE
	$(GO) build -o $@ ./emulator/cmd/cloudassistant-emulator

## generate: schema.json and sdk/{go,nodejs,python} from the provider, in-process; then sdk/java
## from schema.json with pulumi-java-gen (tools/java/gen-sdk.sh)
generate: $(JAVA_TOOLS)
	$(GO) run ./cmd/generate
	tools/java/gen-sdk.sh sdk/java $(VERSION)

## test: every test; tests/run-all.sh times each stage and prints the runners' totals
test:
	tests/run-all.sh

# The stages below are what run-all.sh calls; each also works on its own.

## test-unit: emulator, provider, internal packages, the bench's no-op provider and the generated-code drift check
test-unit:
	$(GO) test -count=1 $(GOTESTFLAGS) ./emulator/... ./provider/... ./internal/... ./cmd/... ./bench/...

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

## sdk-java: sdk/java is what the generator writes today (drift check), compiles with Maven
## against com.pulumi:pulumi, and is installed into the local Maven repository for examples/java
sdk-java: $(JAVA_TOOLS)
	tools/java/gen-sdk.sh .state/java-sdk-check $(VERSION)
	@diff -r -q -x target sdk/java .state/java-sdk-check || \
		{ echo "sdk/java is out of date: run \`make generate\` and commit"; exit 1; }
	cd sdk/java && mvn -B -q --no-transfer-progress install

## sdk-python: a venv with pulumi==$(PULUMI_VERSION), pytest and the Python SDK, imported once
sdk-python: $(VENV)/.deps
	$(VENV)/bin/pip install --quiet --no-deps --force-reinstall ./sdk/python
	$(VENV)/bin/python -c "import pulumi_cloudassistant as c; print('imported', c.__name__, [n for n in ('Command', 'Invocation', 'Provider') if hasattr(c, n)])"

## sdk-python-dist: a wheel and an sdist in bin/python-dist, each installed into a clean venv
## (pip resolves `pulumi>=3.231,<4` itself) and imported there with its plugin metadata checked
sdk-python-dist: $(VENV)/.deps
	$(VENV)/bin/pip install --quiet --disable-pip-version-check build
	rm -rf bin/python-dist sdk/python/build sdk/python/*.egg-info
	$(VENV)/bin/python -m build --outdir bin/python-dist sdk/python
	rm -rf sdk/python/build sdk/python/*.egg-info
	for kind in whl tar.gz; do \
		rm -rf .state/venv-$$kind && python3 -m venv .state/venv-$$kind || exit 1; \
		.state/venv-$$kind/bin/pip install --quiet --disable-pip-version-check bin/python-dist/*.$$kind || exit 1; \
		(cd .state && venv-$$kind/bin/python ../tests/python/check_installed_sdk.py $(VERSION)) || exit 1; \
	done

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

# PYTEST_ARGS picks test files (test_e2e.py): what the live-emulator stage of `make test` runs.
test-e2e-python: build tools sdk-python
	cd tests/python && ../../$(VENV)/bin/pytest -v $(PYTEST_ARGS)

## test-e2e-install: the plugin installed from its release archive into a fresh PULUMI_HOME
## (no provider on PATH), then the Go example through the engine and examples/yaml with the
## plain CLI (`pulumi up`, `preview --diff`, `destroy`)
test-e2e-install: build tools dist-host
	CLOUDASSISTANT_PLUGIN_ARCHIVE=$(CURDIR)/$(PLUGIN_ARCHIVE) \
		$(GO) test -count=1 -v -timeout 20m $(GOTESTFLAGS) ./tests/install/ ./tests/yaml/

## test-e2e-java: examples/java with the plain CLI (`pulumi up`, `destroy`) through
## pulumi-language-java and Maven, with the plugin installed from the release archive
test-e2e-java: build tools dist-host sdk-java
	CLOUDASSISTANT_PLUGIN_ARCHIVE=$(CURDIR)/$(PLUGIN_ARCHIVE) \
		$(GO) test -count=1 -v -timeout 20m $(GOTESTFLAGS) ./tests/java/

## test-live: the Go, TypeScript, Python, install, YAML and Java engine suites against a real
## Cloud Assistant (opt-in; CONTRIBUTING.md "Live acceptance"): instances and credentials come from
## CLOUDASSISTANT_LIVE_INSTANCE_IDS, ALIBABA_CLOUD_REGION_ID, ALIBABA_CLOUD_ACCESS_KEY_ID,
## ALIBABA_CLOUD_ACCESS_KEY_SECRET and optionally ALIBABA_CLOUD_ECS_ENDPOINT; tests that need an
## emulator skip, and every command the suites create is deleted at the end
LIVE_TARGETS ?= test-e2e-go test-e2e-nodejs test-e2e-python test-e2e-install test-e2e-java
test-live:
	@for v in CLOUDASSISTANT_LIVE_INSTANCE_IDS ALIBABA_CLOUD_REGION_ID ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET; do \
		[ -n "$${!v:-}" ] || { echo "test-live needs $$v (see CONTRIBUTING.md, Live acceptance)"; exit 1; }; done
	CLOUDASSISTANT_LIVE=1 $(MAKE) --no-print-directory $(LIVE_TARGETS)

## test-live-emulator: `make test-live` against an emulator binary started for it (the plumbing)
test-live-emulator: build
	tests/live-emulator.sh $(if $(LIVE_TARGETS),LIVE_TARGETS="$(LIVE_TARGETS)")

## demo: the Go example through the engine against a fresh emulator, with its diff, then destroy.
## It needs the provider, the emulator and the CLI only (the program runs inline, through the
## Automation API), so a first run builds no goreleaser, staticcheck, YAML or Java tooling.
demo: build $(PULUMI)
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
	rm -rf bin .tools $(VENV) .state dist sdk/java/target examples/java/target sdk/nodejs/bin sdk/nodejs/node_modules \
		tests/nodejs/node_modules tests/nodejs/bin

FORCE:
