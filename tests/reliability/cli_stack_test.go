package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// cliStack is a YAML project driven through the plain `pulumi` CLI, as an operator types it,
// so a test can kill the CLI or its provider plugin by process ID (the Automation API hides
// both). State is a file backend in a directory of its own.
type cliStack struct {
	t   *testing.T
	dir string
	env []string
}

const cliStackName = "s"

// newCLIStack writes Pulumi.yaml with resources (YAML under `resources:`) and points the
// provider at endpoint through the environment a user would set.
func newCLIStack(t *testing.T, emu *emulator.Server, endpoint, resources string) *cliStack {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	require.NoError(t, os.MkdirAll(state, 0o755))
	s := &cliStack{t: t, dir: dir, env: append(os.Environ(),
		"PULUMI_BACKEND_URL=file://"+state,
		"PULUMI_CONFIG_PASSPHRASE=e2e-passphrase",
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_HOME="+filepath.Join(dir, ".pulumi-home"),
		"ALIBABA_CLOUD_ECS_ENDPOINT="+endpoint,
		"ALIBABA_CLOUD_REGION_ID="+emu.Region(),
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+emu.AccessKeyID(),
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+emu.AccessKeySecret(),
	)}
	s.setResources(resources)
	out, err := s.run(context.Background(), "stack", "init")
	require.NoError(t, err, "stack init:\n%s", out)
	t.Cleanup(func() {
		_, _ = s.run(context.Background(), "cancel", "--yes")
		_, _ = s.run(context.Background(), "destroy", "--yes", "--skip-preview")
	})
	return s
}

func (s *cliStack) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "pulumi", append(args, "--non-interactive", "--stack", cliStackName)...)
	cmd.Dir, cmd.Env = s.dir, s.env
	return cmd
}

// run runs one CLI command to its end and returns its output.
func (s *cliStack) run(ctx context.Context, args ...string) (string, error) {
	out, err := s.command(ctx, args...).CombinedOutput()
	return string(out), err
}

// afterDeadCLI is what a user types when `pulumi up` itself died (docs/interruptions.md):
// `cancel` frees the lock, and the refresh drops the pending create the dead CLI left.
var afterDeadCLI = [][]string{
	{"cancel", "--yes"},
	{"refresh", "--clear-pending-creates", "--yes", "--skip-preview"},
}

// runAll runs CLI commands in order, failing the test with the output of the first that fails.
func (s *cliStack) runAll(ctx context.Context, commands ...[]string) {
	s.t.Helper()
	for _, args := range commands {
		text, err := s.run(ctx, args...)
		require.NoError(s.t, err, "pulumi %s:\n%s", strings.Join(args, " "), text)
	}
}

// requireNothingLeft checks what a finished recovery leaves: `pulumi preview
// --expect-no-changes` passes and the state holds no pending operation. log is the
// recovery's output, shown when it does not hold.
func (s *cliStack) requireNothingLeft(ctx context.Context, log string) {
	s.t.Helper()
	preview, err := s.run(ctx, "preview", "--expect-no-changes")
	require.NoError(s.t, err, "preview after the recovery:\n%s", preview)
	assert.Empty(s.t, s.pendingOperations(ctx), "operations left pending after:\n%s", log)
}

// startUp starts `pulumi up` and returns it running, its output collected in out.
func (s *cliStack) startUp(ctx context.Context, out *syncBuffer) *exec.Cmd {
	s.t.Helper()
	return s.start(ctx, out, "up", "--yes", "--skip-preview")
}

// start starts a CLI command and returns it running, its output collected in out.
func (s *cliStack) start(ctx context.Context, out *syncBuffer, args ...string) *exec.Cmd {
	s.t.Helper()
	cmd := s.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(s.t, cmd.Start())
	return cmd
}

// setResources rewrites the program's resources, as a user edits Pulumi.yaml.
func (s *cliStack) setResources(resources string) {
	s.t.Helper()
	project := "name: adopt\nruntime: yaml\nresources:\n" + resources
	require.NoError(s.t, os.WriteFile(filepath.Join(s.dir, "Pulumi.yaml"), []byte(project), 0o644))
}

// deployment is the part of `pulumi stack export` the tests read.
type deployment struct {
	Resources []struct {
		URN string `json:"urn"`
	} `json:"resources"`
	Pending []struct {
		Type     string `json:"type"`
		Resource struct {
			URN string `json:"urn"`
		} `json:"resource"`
	} `json:"pending_operations"`
}

// export reads the stack's state as `pulumi stack export` prints it.
func (s *cliStack) export(ctx context.Context) deployment {
	s.t.Helper()
	out, err := s.command(ctx, "stack", "export").Output()
	require.NoError(s.t, err)
	var exported struct {
		Deployment deployment `json:"deployment"`
	}
	require.NoError(s.t, json.Unmarshal(out, &exported))
	return exported.Deployment
}

// pendingOperations lists the operations the state still holds as pending ("creating urn").
func (s *cliStack) pendingOperations(ctx context.Context) []string {
	var ops []string
	for _, op := range s.export(ctx).Pending {
		ops = append(ops, op.Type+" "+op.Resource.URN)
	}
	return ops
}

// resourceURNs lists the URNs of the resources the state records.
func (s *cliStack) resourceURNs(ctx context.Context) []string {
	var urns []string
	for _, r := range s.export(ctx).Resources {
		urns = append(urns, r.URN)
	}
	return urns
}

// pluginsOf lists the provider plugin processes the CLI process pid started.
func pluginsOf(pid int) []int {
	var out []int
	for _, c := range childrenOf(pid) {
		if strings.HasPrefix(c.comm, "pulumi-resource") {
			out = append(out, c.pid)
		}
	}
	return out
}

type process struct {
	pid  int
	comm string
}

// childrenOf lists the processes whose parent is pid (the CLI's: the language host, plugins).
func childrenOf(pid int) []process {
	entries, _ := os.ReadDir("/proc")
	var out []process
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
		text := string(stat)
		comm := text[strings.IndexByte(text, '(')+1 : strings.LastIndexByte(text, ')')]
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		if len(fields) >= 2 && fields[1] == strconv.Itoa(pid) {
			out = append(out, process{child, comm})
		}
	}
	return out
}

// killPlugins sends SIGKILL to the provider plugins of the CLI process pid and waits until
// they are gone; it fails the test when there is none.
func killPlugins(t *testing.T, pid int) {
	t.Helper()
	plugins := pluginsOf(pid)
	require.NotEmpty(t, plugins, "no provider plugin runs under the CLI (pid %d)", pid)
	for _, p := range plugins {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	require.Eventually(t, func() bool {
		for _, p := range plugins {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", p)); err == nil && !zombie(p) {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond)
}

func zombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	text := string(stat)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	return len(fields) > 0 && fields[0] == "Z"
}
