// Package clirig runs the pulumi CLI the way a user does: a fresh PULUMI_HOME where the plugin
// is installed from its release archive, a file backend, and a PATH without bin/, for the
// install, YAML and Java end-to-end tests.
package clirig

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

// ArchiveEnv names the variable through which make passes the release archive of this
// platform (`make dist-host` builds it with goreleaser from .goreleaser.yml).
const ArchiveEnv = "CLOUDASSISTANT_PLUGIN_ARCHIVE"

// PluginVersion is the version the archive is built with and the SDKs ask the engine for.
const PluginVersion = "0.1.0"

// AmbientWarning is what the engine prints when it runs a provider found on PATH instead of an
// installed plugin.
const AmbientWarning = "from $PATH"

// PluginArchive returns the archive make built, or skips: these tests run through
// `make test-e2e-install` (part of `make test`), which builds the archive first.
func PluginArchive(t *testing.T) string {
	t.Helper()
	archive := os.Getenv(ArchiveEnv)
	if archive == "" {
		t.Skipf("%s is not set: run `make test-e2e-install`, which builds the release archive first", ArchiveEnv)
	}
	_, err := os.Stat(archive)
	require.NoErrorf(t, err, "the plugin archive %s", archive)
	return archive
}

// CLI is one user's environment: its own PULUMI_HOME and state backend.
type CLI struct {
	Root    string // the repository root, for .tools/pulumi
	Home    string // PULUMI_HOME
	Backend string // the file backend's directory
	env     []string
}

// New prepares a fresh PULUMI_HOME and backend. PATH keeps .tools/ (the CLI and the YAML and
// Java language hosts) and drops every directory holding a pulumi-resource-cloudassistant, so
// the engine can only use the installed plugin.
func New(t *testing.T, root string) *CLI {
	t.Helper()
	c := &CLI{Root: root, Home: t.TempDir(), Backend: t.TempDir()}
	dirs := []string{filepath.Join(root, ".tools")}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "pulumi-resource-cloudassistant")); err == nil {
			continue
		}
		dirs = append(dirs, dir)
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "PULUMI_") {
			continue
		}
		c.env = append(c.env, kv)
	}
	c.env = append(c.env,
		"PATH="+strings.Join(dirs, string(os.PathListSeparator)),
		"PULUMI_HOME="+c.Home,
		"PULUMI_BACKEND_URL=file://"+c.Backend,
		"PULUMI_CONFIG_PASSPHRASE=e2e-passphrase",
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true",
	)
	return c
}

// Env is the environment every command runs with (also for the Automation API).
func (c *CLI) Env() map[string]string {
	m := map[string]string{}
	for _, kv := range c.env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// InstallPlugin installs the provider from the release archive, offline, as a user would.
func (c *CLI) InstallPlugin(t *testing.T, archive string) {
	t.Helper()
	c.Run(t, "", "plugin", "install", "resource", "cloudassistant", PluginVersion, "--file", archive)
	out := c.Run(t, "", "plugin", "ls")
	require.Contains(t, out, "cloudassistant", "plugin ls after the install")
	require.Contains(t, out, PluginVersion, "plugin ls after the install")
}

// Run runs `pulumi args...` in dir (the project directory) and requires success.
func (c *CLI) Run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := c.Try(dir, args...)
	require.NoErrorf(t, err, "pulumi %s:\n%s", strings.Join(args, " "), out)
	return out
}

// Try runs `pulumi args...` in dir and returns its combined output and error.
func (c *CLI) Try(dir string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(c.Root, ".tools", "pulumi"), append(args, "--non-interactive")...)
	if dir != "" {
		cmd.Dir = dir
	}
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// CopyDir copies a project directory (e.g. an example) into dst, so a test can edit and run it
// without touching the repository.
func CopyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == "target" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	require.NoError(t, err)
}

// Configure sets a stack's provider config for target and its instanceIds, as a user would
// with `pulumi config set` (the access key secret as a secret).
func (c *CLI) Configure(t *testing.T, dir string, target *harness.Target) {
	t.Helper()
	for k, v := range target.ProviderConfig() {
		c.Run(t, dir, "config", "set", k, v)
	}
	c.Run(t, dir, "config", "set", "--secret", "cloudassistant:accessKeySecret", target.AccessKeySecret)
	for i, id := range target.InstanceIDs {
		c.Run(t, dir, "config", "set", "--path", "instanceIds["+strconv.Itoa(i)+"]", id)
	}
}

// RequireCommandsGone checks through the ECS API that destroy deleted every tracked command.
func RequireCommandsGone(t *testing.T, target *harness.Target, ids ...string) {
	t.Helper()
	for _, id := range ids {
		exists, err := target.CommandExists(id)
		require.NoError(t, err)
		require.Falsef(t, exists, "command %s still exists after destroy", id)
	}
}

// Project is a copy of an example project, with its own stack configured for a target.
type Project struct {
	CLI    *CLI
	Target *harness.Target
	Dir    string
}

// StartProject is what every plain-CLI test does first: the plugin installed from its archive
// into a fresh PULUMI_HOME, a target (the emulator, or the live service from the environment)
// with instanceIDs, and a copy of examples/<example> with a stack "e2e" configured for it. The
// stack is destroyed and removed, and the target closed, when the test ends.
func StartProject(t *testing.T, example string, instanceIDs []string) *Project {
	t.Helper()
	archive := PluginArchive(t)
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	cli := New(t, root)
	cli.InstallPlugin(t, archive)
	target, err := harness.StartTarget(root, instanceIDs)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, target.Close()) })

	dir := filepath.Join(t.TempDir(), "project")
	CopyDir(t, filepath.Join(root, "examples", example), dir)
	cli.Run(t, dir, "stack", "init", "e2e")
	t.Cleanup(func() {
		_, _ = cli.Try(dir, "destroy", "--yes", "--skip-preview")
		_, _ = cli.Try(dir, "stack", "rm", "--yes", "--force")
	})
	cli.Configure(t, dir, target)
	return &Project{CLI: cli, Target: target, Dir: dir}
}

// RequireNothingLeft checks after a destroy that every tracked command is gone and, on the
// emulator, that no command and no active invocation remains.
func RequireNothingLeft(t *testing.T, target *harness.Target, commandIDs ...string) {
	t.Helper()
	RequireCommandsGone(t, target, commandIDs...)
	if emu := target.Emulator(); emu != nil {
		stats, err := emu.Stats()
		require.NoError(t, err)
		assert.Zero(t, stats.Commands, "commands left in the emulator")
		assert.Zero(t, stats.ActiveInvocations, "active invocations left in the emulator")
	}
}
