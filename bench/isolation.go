package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
)

// isolationFigures are the costs of making each instance a machine (issue 20): one run of `true`
// from InvokeCommand to Success with and without isolation (the difference is what entering the
// instance costs: re-executing the binary, namespaces, mounts, pivot_root), and the emulator
// binary with 5,000 instances.
type isolationFigures struct {
	Machine, None samples
	// FirstRun is the first run on a fresh instance with isolation: it mounts the instance's disk.
	FirstRun time.Duration
	// Rootless is a run with isolation in an emulator without root (the binary, started as
	// nobody when the bench runs as root): each run enters a user namespace of its own and
	// mounts its instance's root itself, one overlay per top-level folder of this machine.
	// RootlessSkipped says why it was not measured (no user namespaces for that user).
	Rootless        samples
	RootlessSkipped string

	Instances int
	StartUp   time.Duration // from exec to the endpoint line
	IdleRSS   int64         // VmRSS once started
	FleetRun  time.Duration // `true` on FleetN instances, InvokeCommand to all Success
	FleetN    int
	PeakRSS   int64 // VmHWM after that run
}

const isolationGoal = 20 * time.Millisecond

// measureIsolation measures both figures; runs is the number of measured runs per mode (the
// two modes alternate, so both see the same noise).
func measureIsolation(ctx context.Context, runs int) (*isolationFigures, error) {
	f := &isolationFigures{}
	modes := map[string]*samples{emulator.IsolationMachine: &f.Machine, emulator.IsolationNone: &f.None}
	clients := map[string]*ecs.Client{}
	commands := map[string]string{}
	for mode := range modes {
		emu, err := emulator.New(emulator.Options{Listen: "127.0.0.1:0", InstanceCount: 1, Isolation: mode})
		if err != nil {
			return nil, fmt.Errorf("starting an emulator with --isolation %s: %w", mode, err)
		}
		defer emu.Close()
		c, err := directClient(emu)
		if err != nil {
			return nil, err
		}
		if commands[mode], err = createCommand(c, "true"); err != nil {
			return nil, err
		}
		clients[mode] = c
		first, err := runToSuccess(ctx, c, commands[mode], emu.InstanceIDs())
		if err != nil {
			return nil, err
		}
		if mode == emulator.IsolationMachine {
			f.FirstRun = first
		}
	}
	tmp, err := os.MkdirTemp("", "bench-isolation-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // the rootless emulator's user runs the binary
		return nil, err
	}
	bin := filepath.Join(tmp, "cloudassistant-emulator")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./emulator/cmd/cloudassistant-emulator")
	build.Dir, build.Stderr = repoRoot(), os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building the emulator: %w", err)
	}
	const rootless = "rootless"
	order := []string{emulator.IsolationMachine, emulator.IsolationNone}
	c, stop, err := startRootless(ctx, bin, tmp)
	switch {
	case errors.Is(err, errNoUserNamespaces):
		f.RootlessSkipped = err.Error()
	case err != nil:
		return nil, err
	default:
		defer stop()
		if commands[rootless], err = createCommand(c, "true"); err != nil {
			return nil, err
		}
		if _, err := runToSuccess(ctx, c, commands[rootless], []string{"i-emu00000000000001"}); err != nil {
			return nil, err
		}
		clients[rootless], modes[rootless] = c, &f.Rootless
		order = append(order, rootless)
	}
	for range runs {
		for _, mode := range order {
			d, err := runToSuccess(ctx, clients[mode], commands[mode], []string{"i-emu00000000000001"})
			if err != nil {
				return nil, err
			}
			*modes[mode] = append(*modes[mode], d)
		}
	}
	if err := measureManyInstances(ctx, f, bin); err != nil {
		return nil, err
	}
	return f, nil
}

// errNoUserNamespaces: the kernel refuses an unprivileged user a user namespace.
var errNoUserNamespaces = errors.New("the kernel refuses an unprivileged user a user namespace")

// startRootless starts the emulator binary without root — as nobody when the bench is root —
// with a data folder of that user's, and answers a client of it and how to stop it.
func startRootless(ctx context.Context, bin, tmp string) (*ecs.Client, func(), error) {
	data := filepath.Join(tmp, "rootless")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "--listen", "127.0.0.1:0", "--instances", "1", "--data-dir", data)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + data, "TMPDIR=" + data}
	if os.Geteuid() == 0 {
		const nobody = 65534
		if err := os.Chown(data, nobody, nobody); err != nil {
			return nil, nil, err
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	url, err := startedEndpoint(cmd)
	if err != nil {
		if strings.Contains(stderr.String(), "needs a user namespace") && strings.Contains(stderr.String(), "fork/exec") {
			return nil, nil, fmt.Errorf("%w: %s", errNoUserNamespaces, strings.TrimSpace(stderr.String()))
		}
		return nil, nil, fmt.Errorf("starting the emulator without root: %w: %s", err, stderr.String())
	}
	stop := func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }
	c, err := endpointClient(url)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return c, stop, nil
}

// startedEndpoint starts cmd, an emulator binary, and answers the endpoint it prints first.
func startedEndpoint(cmd *exec.Cmd) (string, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		_ = cmd.Wait()
		return "", fmt.Errorf("the emulator printed no endpoint")
	}
	url, ok := strings.CutPrefix(lines.Text(), "endpoint: ")
	if !ok {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", fmt.Errorf("the emulator's first line is %q", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return url, nil
}

// endpointClient is a bare SDK client of the emulator at url.
func endpointClient(url string) (*ecs.Client, error) {
	cfg := sdk.NewConfig()
	cfg.Scheme, cfg.AutoRetry = "HTTP", false
	c, err := ecs.NewClientWithOptions(emulator.DefaultRegion, cfg,
		credentials.NewStaticAKCredentialsProvider(emulator.DefaultAccessKeyID, emulator.DefaultAccessKeySecret))
	if err != nil {
		return nil, err
	}
	c.Domain = strings.TrimPrefix(url, "http://")
	return c, nil
}

// runToSuccess invokes commandID and reads the status every millisecond until it is Success.
func runToSuccess(ctx context.Context, c *ecs.Client, commandID string, instances []string) (time.Duration, error) {
	start := time.Now()
	inv := ecs.CreateInvokeCommandRequest()
	inv.Scheme = "http"
	inv.CommandId = commandID
	inv.InstanceId = &instances
	resp, err := c.InvokeCommand(inv)
	if err != nil {
		return 0, fmt.Errorf("InvokeCommand: %w", err)
	}
	for {
		req := ecs.CreateDescribeInvocationsRequest()
		req.Scheme = "http"
		req.InvokeId = resp.InvokeId
		got, err := c.DescribeInvocations(req)
		if err != nil {
			return 0, fmt.Errorf("DescribeInvocations: %w", err)
		}
		if n := len(got.Invocations.Invocation); n == 1 {
			switch s := got.Invocations.Invocation[0].InvocationStatus; s {
			case "Success":
				return time.Since(start), nil
			case "Pending", "Running":
			default:
				return 0, fmt.Errorf("invocation %s ended %s", resp.InvokeId, s)
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// measureManyInstances starts the emulator binary with 5,000 instances (isolation on, its
// default), reads its memory idle, runs `true` on 100 of them (each mounts its disk) and
// reads its peak memory.
func measureManyInstances(ctx context.Context, f *isolationFigures, bin string) error {
	f.Instances, f.FleetN = 5000, 100
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, "--listen", "127.0.0.1:0", "--instances", strconv.Itoa(f.Instances))
	cmd.Stderr = os.Stderr
	url, err := startedEndpoint(cmd)
	if err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	f.StartUp = time.Since(start)
	pid := strconv.Itoa(cmd.Process.Pid)
	f.IdleRSS = procStatus(pid, "VmRSS:")

	c, err := endpointClient(url)
	if err != nil {
		return err
	}
	commandID, err := createCommand(c, "true")
	if err != nil {
		return err
	}
	ids := make([]string, f.FleetN)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-emu%014d", i+1)
	}
	if f.FleetRun, err = runToSuccess(ctx, c, commandID, ids); err != nil {
		return err
	}
	f.PeakRSS = procStatus(pid, "VmHWM:")
	return nil
}

// procStatus reads a kB field of /proc/PID/status in bytes.
func procStatus(pid, field string) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func msFine(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func (f *isolationFigures) targets() []target {
	m := f.Machine.median()
	out := []target{{
		"one run of `true` with isolation, InvokeCommand to Success: ≤ 20 ms median",
		fmt.Sprintf("%s (without isolation %s: entering the instance costs %s)", msFine(m), msFine(f.None.median()), msFine(m-f.None.median())),
		m <= isolationGoal,
	}}
	if len(f.Rootless) > 0 {
		r := f.Rootless.median()
		out = append(out, target{
			"one run of `true` with isolation in an emulator without root: ≤ 20 ms median",
			fmt.Sprintf("%s (entering the instance costs %s)", msFine(r), msFine(r-f.None.median())),
			r <= isolationGoal,
		})
	}
	return out
}

func (f *isolationFigures) markdown(w func(string, ...any)) {
	w("\n## Instances as machines (issue 20)\n\n")
	w("In-process emulator, 1 instance, the bare SDK: InvokeCommand of `true`, then DescribeInvocations\n")
	w("every millisecond until Success. With isolation the run re-executes the binary into new mount,\n")
	w("PID, UTS and IPC namespaces over the instance's overlay root; without, it is a plain fork and exec.\n")
	w("Without root (the emulator binary started as nobody, same client loop) each run also enters a\n")
	w("user namespace and mounts its instance's root itself, one overlay per top-level folder.\n")
	w("The modes alternate run by run. The first run on an instance also mounts its disk.\n\n")
	w("| Isolation | Median | Spread | First run on a fresh instance |\n|---|---|---|---|\n")
	w("| machine | %s | %s | %s |\n", msFine(f.Machine.median()), f.Machine.spread(), msFine(f.FirstRun))
	w("| none | %s | %s | – |\n", msFine(f.None.median()), f.None.spread())
	if len(f.Rootless) > 0 {
		w("| machine, emulator without root (its binary, user namespace per run) | %s | %s | – |\n", msFine(f.Rootless.median()), f.Rootless.spread())
	} else if f.RootlessSkipped != "" {
		w("\nWithout root: not measured (%s).\n", f.RootlessSkipped)
	}
	w("\nThe emulator binary with %d instances (isolation on): endpoint printed after %s, resident\n", f.Instances, secs(f.StartUp))
	w("memory %s idle; `true` on %d of them (each mounts its disk) took %s, peak resident memory %s.\n",
		mib(f.IdleRSS), f.FleetN, secs(f.FleetRun), mib(f.PeakRSS))
}
