// Command demo is `make demo`: it runs the Go example's program through the real Pulumi engine
// against a fresh emulator, prints each instance's result, previews a changed script with its
// diff, destroys everything and stops the emulator. Any failed step exits non-zero.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/cloudassistant/pulumi-cloudassistant/examples/go/program"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("\ndemo finished: every step passed")
}

func step(format string, args ...any) {
	fmt.Printf("\n==> "+format+"\n", args...)
}

func run(ctx context.Context) (err error) {
	root, err := harness.RepoRoot()
	if err != nil {
		return err
	}
	if err := harness.UseLocalToolchain(root); err != nil {
		return err
	}

	step("starting the emulator (3 instances, each a machine of its own: scripts never touch this one)")
	emu, err := harness.StartEmulator(root, []string{"i-demo000000000001", "i-demo000000000002", "i-demo000000000003"})
	if err != nil {
		return err
	}
	defer func() {
		step("stopping the emulator")
		if stopErr := emu.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}()
	fmt.Printf("    endpoint %s, region %s, instances %s\n", emu.URL, emu.Region, strings.Join(emu.InstanceIDs, ", "))

	stateDir, err := os.MkdirTemp("", "cloudassistant-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stateDir)
	stack, err := harness.NewStack(ctx, harness.StackOptions{
		Project: "cloudassistant-demo", Stack: "demo", StateDir: stateDir, Emulator: emu,
	}, program.Program)
	if err != nil {
		return err
	}
	progress := quiet(os.Stdout)

	step("pulumi up: create the Command and run it as an Invocation on every instance")
	up, err := stack.Up(ctx, optup.ProgressStreams(progress))
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	if err := printResults(up.Outputs); err != nil {
		return err
	}

	step("pulumi preview --diff after changing the script (nothing is applied)")
	changed := program.DefaultScript + `echo "second revision"` + "\n"
	if err := stack.SetConfig(ctx, "script", auto.ConfigValue{Value: changed}); err != nil {
		return err
	}
	if _, err := stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(progress)); err != nil {
		return fmt.Errorf("preview: %w", err)
	}

	step("pulumi destroy")
	if _, err := stack.Destroy(ctx, optdestroy.ProgressStreams(progress)); err != nil {
		return fmt.Errorf("destroy: %w", err)
	}
	stats, err := emu.Stats()
	if err != nil {
		return err
	}
	fmt.Printf("    emulator: %d script runs, %d commands left, %d active invocations\n",
		stats.Executions, stats.Commands, stats.ActiveInvocations)
	if stats.Commands != 0 || stats.ActiveInvocations != 0 {
		return fmt.Errorf("destroy left %d commands and %d active invocations", stats.Commands, stats.ActiveInvocations)
	}
	return stack.Workspace().RemoveStack(ctx, stack.Name())
}

// printResults shows each instance's exit code and output. They are stack outputs marked
// secret (the script's parameters are secret), which the Automation API hands us in clear.
func printResults(outs auto.OutputMap) error {
	codes, _ := outs["exitCodes"].Value.(map[string]any)
	texts, _ := outs["outputs"].Value.(map[string]any)
	if len(codes) == 0 {
		return fmt.Errorf("the stack exported no exit codes: %v", outs)
	}
	ids := make([]string, 0, len(codes))
	for id := range codes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Printf("\n    command %v, invocation %v\n", outs["commandId"].Value, outs["invokeId"].Value)
	fmt.Println("    (exitCodes and outputs show as [secret] above because the script's parameters are secret;")
	fmt.Println("     the Automation API gives this program the values)")
	failed := 0
	for _, id := range ids {
		code := fmt.Sprint(codes[id])
		if code != "0" {
			failed++
		}
		fmt.Printf("    %s  exit code %s\n", id, code)
		for _, line := range strings.Split(strings.TrimRight(fmt.Sprint(texts[id]), "\n"), "\n") {
			fmt.Printf("        | %s\n", line)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d instances exited non-zero", failed)
	}
	return nil
}

// quiet drops the engine's per-run reminder that the provider comes from $PATH (expected here:
// the demo puts bin/ on PATH on purpose), and a Diagnostics heading left with nothing under it.
func quiet(w io.Writer) io.Writer { return &lineFilter{w: w} }

type lineFilter struct {
	w       io.Writer
	buf     bytes.Buffer
	pending [][]byte // a Diagnostics heading, held until we know it has content
}

func (f *lineFilter) Write(p []byte) (int, error) {
	f.buf.Write(p)
	for {
		line, err := f.buf.ReadBytes('\n')
		if err != nil { // incomplete line: keep it for the next write
			f.buf.Reset()
			f.buf.Write(line)
			return len(p), nil
		}
		if err := f.line(line); err != nil {
			return 0, err
		}
	}
}

func (f *lineFilter) line(line []byte) error {
	text := strings.TrimSpace(string(line))
	switch {
	case strings.Contains(text, "from $PATH at"):
		return nil
	case text == "Diagnostics:":
		f.pending = [][]byte{line}
		return nil
	case len(f.pending) > 0 && strings.HasPrefix(text, "pulumi:pulumi:Stack (") && strings.HasSuffix(text, "):"):
		f.pending = append(f.pending, line)
		return nil
	case len(f.pending) > 0 && text == "":
		f.pending = nil // the heading had nothing under it
	}
	for _, held := range f.pending {
		if _, err := f.w.Write(held); err != nil {
			return err
		}
	}
	f.pending = nil
	_, err := f.w.Write(line)
	return err
}
