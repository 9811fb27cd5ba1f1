package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
)

// benchSetup is what the engine and the fleet figures both start from, prepared once per
// run of the program: a scratch directory, the provider built from this tree behind the RSS
// wrapper (its processes are listed in pidFile), and the CLI from .tools/ on PATH.
type benchSetup struct {
	root, tmp, binary, pidFile string
}

// newBenchSetup builds the provider and puts it and the CLI on PATH; close it when done.
func newBenchSetup() (_ *benchSetup, err error) {
	s := &benchSetup{root: repoRoot()}
	if s.tmp, err = os.MkdirTemp("", "cloudassistant-bench-engine-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	progress.Printf("engine: building the provider")
	if s.binary, err = rig.BuildProvider(s.root, filepath.Join(s.tmp, "real")); err != nil {
		return nil, err
	}
	s.pidFile = filepath.Join(s.tmp, "provider.pids")
	wrapperDir, err := rssWrapper(s.tmp, s.binary, s.pidFile)
	if err != nil {
		return nil, err
	}
	if err := rig.UseToolchain(s.root, wrapperDir); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *benchSetup) close() { _ = os.RemoveAll(s.tmp) }

// benchEmulator is each set of figures' own emulator of 10 instances, with a direct-SDK
// client and a Command of `true` for the baselines.
type benchEmulator struct {
	emu     *emulator.Server
	direct  *ecs.Client
	baseCmd string
}

// startBenchEmulator starts a benchEmulator; close it when done.
func startBenchEmulator() (_ *benchEmulator, err error) {
	e := &benchEmulator{}
	if e.emu, err = emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 10}); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	if e.direct, err = directClient(e.emu); err != nil {
		return nil, err
	}
	if e.baseCmd, err = createCommand(e.direct, "true"); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *benchEmulator) close() { _ = e.emu.Close() }

// freshStack makes a new stack of program against emu, its state under tmp; done destroys
// it and removes it (untimed, and even when ctx has ended).
func freshStack(ctx context.Context, tmp, project, name string, emu *emulator.Server, parallel int, program pulumi.RunFunc) (
	stack auto.Stack, done func(), err error,
) {
	stack, err = harness.NewStack(ctx, harness.StackOptions{
		Project: project, Stack: name, StateDir: filepath.Join(tmp, "state-"+name), Emulator: rig.HarnessEmulator(emu),
	}, program)
	if err != nil {
		return stack, nil, err
	}
	return stack, func() {
		_, _ = stack.Destroy(context.WithoutCancel(ctx), optdestroy.Parallel(parallel))
		_ = stack.Workspace().RemoveStack(context.WithoutCancel(ctx), stack.Name())
	}, nil
}
