// Package gettingstarted runs the README's Getting started as a newcomer types it: the shell
// blocks marked for this test, in order, as one bash script per path through the text (the YAML
// program; the Python or the Go SDK installed from the checkout and a program of that language),
// from the checkout and then from folders in a fresh home directory outside the repository, with
// the CLI and the language hosts of .tools/, the provider and the emulator of bin/. The text and
// the test cannot drift.
package gettingstarted

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// markerPrefix starts the line that precedes a fenced block this test runs; the names after it
// say which paths through Getting started (scenarios) the block belongs to:
// `<!-- test: getting-started yaml python -->`.
const markerPrefix = "<!-- test: getting-started"

// unnamed collects the blocks of markers that name no scenario, which would otherwise run nowhere.
const unnamed = "(none)"

// langHostsEnv names a directory with the Go, Node.js and Python language hosts to use instead of
// .tools/ (`make langhosts LANGHOSTS_DIR=dir` builds them there); unset, `make env`'s .tools/.
const langHostsEnv = "CLOUDASSISTANT_LANGHOSTS_DIR"

// TestGettingStartedAsWritten runs each path through the marked README blocks and checks what a
// reader is told to expect.
func TestGettingStartedAsWritten(t *testing.T) {
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	scenarios := markedBlocks(string(readme))
	require.Emptyf(t, scenarios[unnamed], "every %q marker names the scenarios its block belongs to (yaml, python, go)",
		markerPrefix+" -->")
	// Language hosts from elsewhere go on PATH after what `make env` adds; by default the test
	// adds nothing, so `make env` alone must make them found.
	extraHosts := os.Getenv(langHostsEnv)
	hosts := extraHosts
	if hosts == "" {
		hosts = filepath.Join(root, ".tools")
	}

	// The YAML program: the script's output per instance after `pulumi up`, the changed script
	// line in `pulumi preview --diff`, and a `pulumi destroy` that deletes what was created.
	t.Run("yaml", func(t *testing.T) {
		t.Parallel()
		requireFiles(t, root, "bin/pulumi-resource-cloudassistant", "bin/cloudassistant-emulator",
			".tools/pulumi", ".tools/pulumi-language-yaml")
		script := scenarioScript(t, scenarios, "yaml",
			`eval "$(make env)"`, "cloudassistant-emulator", "pulumi up", "pulumi preview --diff", "pulumi destroy")
		text, home := runAsNewcomer(t, root, script, "")
		for _, id := range []string{"i-emu00000000000001", "i-emu00000000000002"} {
			assert.Containsf(t, text, "hello from "+id, "the script's output on %s, shown by `pulumi stack output`", id)
		}
		assert.Contains(t, text, `+ echo "second revision"`, "preview --diff shows the added script line in plain text")
		assert.Contains(t, text, "+-cloudassistant:index:Command", "the changed script replaces the RunScript's Command")
		assert.Regexp(t, `- \d+ deleted`, text, "destroy deletes the stack's resources")
		assert.NotContains(t, text, "PULUMI_ACCESS_TOKEN", "a local backend: no Pulumi Cloud login")
		_, err := os.Stat(filepath.Join(home, "hello-cloudassistant", "Pulumi.yaml"))
		assert.NoError(t, err, "the project lives outside the repository, in the home directory")
	})

	// The Python SDK installed with pip from the checkout into a virtual environment, as the README
	// writes it, and a Python program run by plain `pulumi up` through the Python language host.
	t.Run("python", func(t *testing.T) {
		t.Parallel()
		requireFiles(t, root, "bin/pulumi-resource-cloudassistant", "bin/cloudassistant-emulator", ".tools/pulumi")
		requireFiles(t, hosts, "pulumi-language-python", "pulumi-language-python-exec")
		_, err := exec.LookPath("python3")
		require.NoError(t, err, "the Python path of Getting started needs python3 (the sdk-python stage does too)")
		script := scenarioScript(t, scenarios, "python",
			`eval "$(make env)"`, `CHECKOUT="$PWD"`, `python3 -m venv venv && . venv/bin/activate`,
			`pip install "$CHECKOUT/sdk/python"`, "runtime: python", "pulumi up", "pulumi destroy")
		text, home := runAsNewcomer(t, root, script, extraHosts)
		assert.Contains(t, text, "hello from i-emu00000000000001 in Python",
			"the Python program's RunScript output, shown by `pulumi stack output`")
		assert.Regexp(t, `- \d+ deleted`, text, "destroy deletes the stack's resources")
		assert.NotContains(t, text, "Traceback", "the Python program runs without an exception")
		installed, err := filepath.Glob(filepath.Join(home, "hello-python", "venv", "lib", "python3*",
			"site-packages", "pulumi_cloudassistant", "run_script.py"))
		require.NoError(t, err)
		assert.Len(t, installed, 1, "pip installed the SDK into the project's venv, outside the repository")
	})

	// The Go SDK required and replaced by the checkout's sdk/go, as the README writes it, and a Go
	// program that the Go language host builds and runs with plain `pulumi up`.
	t.Run("go", func(t *testing.T) {
		t.Parallel()
		requireFiles(t, root, "bin/pulumi-resource-cloudassistant", "bin/cloudassistant-emulator", ".tools/pulumi")
		requireFiles(t, hosts, "pulumi-language-go")
		script := scenarioScript(t, scenarios, "go",
			`eval "$(make env)"`, `CHECKOUT="$PWD"`, "go mod init", `-replace="github.com/cloudassistant/pulumi-cloudassistant/sdk/go=$CHECKOUT/sdk/go"`,
			"go mod tidy", "runtime: go", "pulumi up", "pulumi destroy")
		text, home := runAsNewcomer(t, root, script, extraHosts)
		assert.Contains(t, text, "hello from i-emu00000000000001 in Go",
			"the Go program's RunScript output, shown by `pulumi stack output`")
		assert.Regexp(t, `- \d+ deleted`, text, "destroy deletes the stack's resources")
		gomod, err := os.ReadFile(filepath.Join(home, "hello-go", "go.mod"))
		require.NoError(t, err, "the Go project lives outside the repository, in the home directory")
		assert.Contains(t, string(gomod), "=> "+filepath.Join(root, "sdk", "go"),
			"go.mod replaces the SDK module with the checkout's sdk/go")
	})
}

// requireFiles fails the test, saying how to build them, unless dir holds every one of names.
func requireFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		_, err := os.Stat(filepath.Join(dir, name))
		require.NoErrorf(t, err, "%s is missing: `make test-e2e-go` builds it (make build tools)", filepath.Join(dir, name))
	}
}

// scenarioScript joins the scenario's marked blocks into one script, after checking that the
// steps the test is for are among them (guarding against a marker moved onto the wrong block).
func scenarioScript(t *testing.T, scenarios map[string][]string, name string, steps ...string) string {
	t.Helper()
	blocks := scenarios[name]
	require.GreaterOrEqualf(t, len(blocks), 2, "README.md's Getting started marks its %s blocks with %q",
		name, markerPrefix+" "+name+" -->")
	script := strings.Join(blocks, "\n")
	for _, step := range steps {
		require.Containsf(t, script, step, "the marked Getting-started %s blocks must include %q", name, step)
	}
	return script
}

// runAsNewcomer runs script with bash from the checkout, in a newcomer's environment with a fresh
// home directory, and returns its combined output and that home directory. A non-empty hosts
// directory goes on PATH after what `make env` adds.
func runAsNewcomer(t *testing.T, root, script, hosts string) (output, home string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	home = t.TempDir()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -euxo pipefail\n"+script)
	cmd.Dir = root // a newcomer starts in the checkout
	cmd.Env = newcomerEnv(t, home, hosts)
	// Its own process group, so the emulator it starts in the background is stopped with it
	// whatever happens to the script.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		}
	})
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Log(out.String())
	require.NoError(t, err, "the Getting-started commands, as written, must succeed")
	return out.String(), home
}

// markedBlocks returns the body of each fenced block that follows a marker line, in document
// order, under each scenario the marker names.
func markedBlocks(doc string) map[string][]string {
	scenarios := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(doc))
	var block *strings.Builder
	var armed []string // the scenarios of the marker just read
	var names []string // the scenarios of the block being read
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case block != nil && strings.HasPrefix(line, "```"):
			for _, name := range names {
				scenarios[name] = append(scenarios[name], block.String())
			}
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case strings.HasPrefix(trimmed, markerPrefix) && strings.HasSuffix(trimmed, "-->"):
			armed = strings.Fields(strings.TrimSuffix(strings.TrimPrefix(trimmed, markerPrefix), "-->"))
			if len(armed) == 0 {
				armed = []string{unnamed} // reported by the test: a marker must name its scenarios
			}
		case armed != nil && strings.HasPrefix(line, "```"):
			block, names, armed = &strings.Builder{}, armed, nil
		case armed != nil && trimmed != "":
			armed = nil // a marker counts only for the block right after it
		}
	}
	return scenarios
}

// newcomerEnv is a fresh user's shell: its own home directory, Pulumi home and state backend
// (`make env` keeps a backend the shell already names; its default, `file://~`, is the
// account's home from the password database, not $HOME), no make of ours around it, and the
// caller's PATH without this repository's directories, which `make env` must add (then hosts, if
// given, for language hosts built outside .tools/).
func newcomerEnv(t *testing.T, home, hosts string) []string {
	backend := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "PATH" || strings.HasPrefix(k, "PULUMI_"):
		case k == "MAKEFLAGS" || k == "MAKELEVEL" || k == "MFLAGS" || k == "MAKEOVERRIDES":
		default:
			env = append(env, kv)
		}
	}
	var path []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "pulumi-resource-cloudassistant")); err == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "pulumi")); err == nil {
			continue
		}
		path = append(path, dir)
	}
	if hosts != "" {
		path = append(path, hosts)
	}
	// Go's caches stay where they are: `make env` asks `go env`, which must not start cold.
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		if v, err := exec.Command("go", "env", name).Output(); err == nil {
			env = append(env, name+"="+strings.TrimSpace(string(v)))
		}
	}
	// So does pip's (under the home directory by default), so the wheels `pip install` of the
	// SDK pulls (pulumi, grpcio, …) come from it where this machine has downloaded them before.
	if os.Getenv("PIP_CACHE_DIR") == "" {
		if v, err := exec.Command("python3", "-m", "pip", "cache", "dir").Output(); err == nil {
			env = append(env, "PIP_CACHE_DIR="+strings.TrimSpace(string(v)))
		}
	}
	return append(env,
		"HOME="+home,
		"PATH="+strings.Join(path, string(os.PathListSeparator)),
		"PULUMI_HOME="+filepath.Join(home, ".pulumi"),
		"PULUMI_BACKEND_URL=file://"+backend,
	)
}
