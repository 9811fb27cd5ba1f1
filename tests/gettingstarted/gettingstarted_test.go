// Package gettingstarted runs the README's Getting started as a newcomer types it: the shell
// blocks marked for this test, in order, as one bash script, from the checkout and then from a
// folder in a fresh home directory outside the repository, with the CLI and the YAML language
// host of .tools/, the provider and the emulator of bin/. The text and the test cannot drift.
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

// marker is the line that precedes a fenced block this test runs.
const marker = "<!-- test: getting-started -->"

// TestGettingStartedAsWritten runs the marked README blocks and checks what a reader is told to
// expect: the script's output per instance after `pulumi up`, the changed script line in
// `pulumi preview --diff`, and a `pulumi destroy` that deletes what was created.
func TestGettingStartedAsWritten(t *testing.T) {
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	for _, need := range []string{"bin/pulumi-resource-cloudassistant", "bin/cloudassistant-emulator",
		".tools/pulumi", ".tools/pulumi-language-yaml"} {
		_, err := os.Stat(filepath.Join(root, need))
		require.NoErrorf(t, err, "%s is missing: `make test-e2e-go` builds it (make build tools)", need)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	blocks := markedBlocks(string(readme))
	require.GreaterOrEqual(t, len(blocks), 3, "README.md's Getting started marks its blocks with %q", marker)
	script := strings.Join(blocks, "\n")
	// Guards against a marker moved onto the wrong block: these steps are what the test is for.
	for _, step := range []string{`eval "$(make env)"`, "cloudassistant-emulator", "pulumi up", "pulumi preview --diff", "pulumi destroy"} {
		require.Containsf(t, script, step, "the marked Getting-started blocks must include %q", step)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -euxo pipefail\n"+script)
	cmd.Dir = root // a newcomer starts in the checkout
	cmd.Env = newcomerEnv(t, home)
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
	err = cmd.Run()
	t.Log(out.String())
	require.NoError(t, err, "the Getting-started commands, as written, must succeed")

	text := out.String()
	for _, id := range []string{"i-emu00000000000001", "i-emu00000000000002"} {
		assert.Containsf(t, text, "hello from "+id, "the script's output on %s, shown by `pulumi stack output`", id)
	}
	assert.Contains(t, text, `+ echo "second revision"`, "preview --diff shows the added script line in plain text")
	assert.Contains(t, text, "+-cloudassistant:index:Command", "the changed script replaces the RunScript's Command")
	assert.Regexp(t, `- \d+ deleted`, text, "destroy deletes the stack's resources")
	assert.NotContains(t, text, "PULUMI_ACCESS_TOKEN", "a local backend: no Pulumi Cloud login")
	_, err = os.Stat(filepath.Join(home, "hello-cloudassistant", "Pulumi.yaml"))
	assert.NoError(t, err, "the project lives outside the repository, in the home directory")
}

// markedBlocks returns the body of each fenced block that follows a marker line.
func markedBlocks(doc string) []string {
	var blocks []string
	sc := bufio.NewScanner(strings.NewReader(doc))
	var block *strings.Builder
	armed := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case block != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, block.String())
			block = nil
		case block != nil:
			block.WriteString(line + "\n")
		case strings.TrimSpace(line) == marker:
			armed = true
		case armed && strings.HasPrefix(line, "```"):
			block, armed = &strings.Builder{}, false
		case armed && strings.TrimSpace(line) != "":
			armed = false // a marker counts only for the block right after it
		}
	}
	return blocks
}

// newcomerEnv is a fresh user's shell: its own home directory, Pulumi home and state backend
// (`make env` keeps a backend the shell already names; its default, `file://~`, is the
// account's home from the password database, not $HOME), no make of ours around it, and the
// caller's PATH without this repository's directories, which `make env` must add.
func newcomerEnv(t *testing.T, home string) []string {
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
	// Go's caches stay where they are: `make env` asks `go env`, which must not start cold.
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		if v, err := exec.Command("go", "env", name).Output(); err == nil {
			env = append(env, name+"="+strings.TrimSpace(string(v)))
		}
	}
	return append(env,
		"HOME="+home,
		"PATH="+strings.Join(path, string(os.PathListSeparator)),
		"PULUMI_HOME="+filepath.Join(home, ".pulumi"),
		"PULUMI_BACKEND_URL=file://"+backend,
	)
}
