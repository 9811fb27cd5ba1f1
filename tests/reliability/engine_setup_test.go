package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// providerDir holds the provider binary built for this test run; TestMain removes it.
var providerDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if providerDir != "" {
		_ = os.RemoveAll(providerDir)
	}
	os.Exit(code)
}

var (
	toolchainOnce sync.Once
	toolchainErr  error
)

// useEngine skips in -short mode and under `make test-live`, else builds the provider from
// this tree once and puts it and the CLI first on PATH.
func useEngine(t *testing.T) {
	t.Helper()
	skipLive(t) // before building anything: these engine tests need an emulator
	useEngineEitherTarget(t)
}

// useEngineEitherTarget is useEngine for a test that also runs live.
func useEngineEitherTarget(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("engine test: runs the pulumi CLI")
	}
	toolchainOnce.Do(func() {
		root, err := harness.RepoRoot()
		if err != nil {
			toolchainErr = err
			return
		}
		if providerDir, err = os.MkdirTemp("", "cloudassistant-reliability-"); err != nil {
			toolchainErr = err
			return
		}
		if _, err = rig.BuildProvider(root, providerDir); err != nil {
			toolchainErr = err
			return
		}
		toolchainErr = rig.UseToolchain(root, providerDir)
	})
	require.NoError(t, toolchainErr)
}

// newStack makes a stack of spec against emu, with its state in a directory of its own,
// destroyed and removed when the test ends.
func newStack(ctx context.Context, t *testing.T, emu *emulator.Server, spec rig.Spec) (auto.Stack, string) {
	t.Helper()
	stateDir := t.TempDir()
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "reliability", Stack: "s", StateDir: stateDir, Emulator: rig.HarnessEmulator(emu),
	}, rig.Program(spec))
	require.NoError(t, err)
	t.Cleanup(func() {
		emu.SetFaults(emulator.Faults{})
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	return stack, stateDir
}

// newTargetStack is newStack against a harness.Target (the live service under `make test-live`):
// the commands its `up`s leave in the state are deleted by the target's Close if destroy did not.
func newTargetStack(ctx context.Context, t *testing.T, target *harness.Target, spec rig.Spec) (auto.Stack, string) {
	t.Helper()
	stateDir := t.TempDir()
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "reliability", Stack: "s", StateDir: stateDir, Target: target,
	}, rig.Program(spec))
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})
	return stack, stateDir
}

// syncBuffer collects the engine's (or the emulator's) output from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// stringMap reads a map-of-strings stack output.
func stringMap(t *testing.T, outs auto.OutputMap, name string) map[string]string {
	t.Helper()
	raw, ok := outs[name].Value.(map[string]any)
	require.True(t, ok, "stack output %q is %T", name, outs[name].Value)
	m := map[string]string{}
	for k, v := range raw {
		m[k] = fmt.Sprint(v)
	}
	return m
}

// stateFiles lists every file under dir, for scanning state and backups.
func stateFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	}))
	return files
}
