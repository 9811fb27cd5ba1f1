package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/callproxy"
)

// Exactly once, even when `pulumi up` dies (issue 19): an update interrupted mid-rollout by
// kill -9 of the provider plugin, kill -9 of the CLI or a SIGINT, followed by what a user
// types (`pulumi cancel` when the dead CLI left the lock, then `pulumi up`), runs the script
// on every instance exactly once, leaves nothing pending and nothing to change.

type interruption string

const (
	killPlugin interruption = "kill -9 of the plugin"
	killCLI    interruption = "kill -9 of the CLI"
	sigint     interruption = "SIGINT"
)

// interrupt does how to the running `pulumi up` and waits for it to end.
func interrupt(t *testing.T, up *exec.Cmd, how interruption) {
	t.Helper()
	switch how {
	case killPlugin:
		killPlugins(t, up.Process.Pid)
	case killCLI:
		orphans := childrenOf(up.Process.Pid)
		require.NoError(t, up.Process.Kill())
		// The orphaned plugin's calls are cancelled with the CLI's connection, and it and the
		// language host linger: they are ended at the test's end, each by its own ID.
		t.Cleanup(func() {
			for _, p := range orphans {
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
		})
	case sigint:
		require.NoError(t, up.Process.Signal(os.Interrupt))
	}
	done := make(chan error, 1)
	go func() { done <- up.Wait() }()
	select {
	case err := <-done:
		require.Error(t, err, "the interrupted up cannot have succeeded")
	case <-time.After(2 * time.Minute):
		t.Fatalf("the up did not end within two minutes of the %s", how)
	}
}

// recoverAndCheck types what a user would after how, then checks the stack converged: the
// next up succeeds, a preview shows no change, and no operation is left pending.
func recoverAndCheck(ctx context.Context, t *testing.T, s *cliStack, how interruption) string {
	t.Helper()
	if how == killCLI {
		// The dead CLI left the lock and a pending create: the engine keeps a pending create
		// until a refresh resolves it. Dropping it is safe: the up adopts what it started.
		s.runAll(ctx, afterDeadCLI...)
	}
	out, err := s.run(ctx, "up", "--yes", "--skip-preview")
	require.NoError(t, err, "the up after the %s:\n%s", how, out)
	s.requireNothingLeft(ctx, out)
	return out
}

// instanceList is a YAML flow list of instance IDs.
func instanceList(ids []string) string { return `["` + strings.Join(ids, `", "`) + `"]` }

// rolloutProgram is a Command appending a line, and one Invocation of it on ids.
func rolloutProgram(script string, ids []string, extra string) string {
	return fmt.Sprintf(`  cmd:
    type: cloudassistant:index:Command
    properties:
      type: RunShellScript
      commandContent: %q
      timeout: 120
  run:
    type: cloudassistant:index:Invocation
    properties:
      commandId: ${cmd.id}
      instanceIds: %s
%s`, script, instanceList(ids), extra)
}

// requireOncePerInstance checks the emulator's per-instance counter for every instance.
func requireOncePerInstance(t *testing.T, counts map[string]int64, ids []string, what, out string) {
	t.Helper()
	twice, never := 0, 0
	for _, id := range ids {
		switch n := counts[id]; {
		case n == 0:
			never++
		case n > 1:
			twice++
		}
	}
	assert.Zero(t, twice, "instances that %s more than once:\n%s", what, out)
	assert.Zero(t, never, "instances that never %s:\n%s", what, out)
}

// TestEngineAdoptsInterruptedRollout: 250 instances, maxConcurrency 50, interrupted at an
// early and a late point in each of the three ways.
func TestEngineAdoptsInterruptedRollout(t *testing.T) {
	useEngine(t)
	for _, c := range []struct {
		how   interruption
		after int64 // scripts started when the up is interrupted
	}{
		{killPlugin, 10}, {killPlugin, 200}, {killCLI, 10}, {killCLI, 200}, {sigint, 10}, {sigint, 200},
	} {
		t.Run(fmt.Sprintf("%s after %d runs", c.how, c.after), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			emu := startEmulator(t, emulator.Options{InstanceCount: 250})
			ids := emu.InstanceIDs()
			s := newCLIStack(t, emu, emu.URL(), rolloutProgram("echo ran >> ran.log; sleep 1", ids, `      maxConcurrency: "50"`))
			var out syncBuffer
			up := s.startUp(ctx, &out)
			require.Eventually(t, func() bool { return emu.Stats().Executions >= c.after }, 3*time.Minute, 5*time.Millisecond,
				"the rollout did not reach %d runs:\n%s", c.after, out.String())
			interrupt(t, up, c.how)
			require.Less(t, emu.Stats().Executions, int64(len(ids)), "the rollout ended before the %s: this case proves nothing", c.how)

			next := recoverAndCheck(ctx, t, s, c.how)
			if c.how != sigint { // a SIGINT records what started: the next up resumes it
				assert.Contains(t, next, "adopted", "the up says what it adopted")
				assert.Contains(t, next, "started by an interrupted update")
			}
			requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
		})
	}
}

// TestEngineAdoptsInterruptedLongRun: one instance, a 20 s script, the up killed 5 s in: the
// next up waits for that run instead of starting another.
func TestEngineAdoptsInterruptedLongRun(t *testing.T) {
	useEngine(t)
	for _, how := range []interruption{killPlugin, killCLI} {
		t.Run(string(how), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			emu := startEmulator(t, emulator.Options{InstanceCount: 1})
			ids := emu.InstanceIDs()
			s := newCLIStack(t, emu, emu.URL(), rolloutProgram("echo ran >> ran.log; sleep 20", ids, ""))
			var out syncBuffer
			up := s.startUp(ctx, &out)
			require.Eventually(t, func() bool { return emu.Stats().Executions == 1 }, 2*time.Minute, 5*time.Millisecond,
				"the script did not start:\n%s", out.String())
			time.Sleep(5 * time.Second)
			interrupt(t, up, how)
			next := recoverAndCheck(ctx, t, s, how)
			assert.Contains(t, next, "adopted 1 batch started by an interrupted update")
			requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
		})
	}
}

// TestEngineAdoptsInterruptedFile: a File on 60 instances whose up is killed after both
// SendFile calls went out, while it waits for the deliveries (every status read is held
// then). The next up adopts the tasks: no instance receives the file twice, and with
// overwrite false the instances that hold it count as delivered (no FileAlreadyExists).
func TestEngineAdoptsInterruptedFile(t *testing.T) {
	useEngine(t)
	for _, overwrite := range []bool{true, false} {
		t.Run(fmt.Sprintf("overwrite %v", overwrite), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			emu, s, up, out, release := startHeldFileUp(ctx, t, overwrite)
			ids := emu.InstanceIDs()
			interrupt(t, up, killPlugin)
			release()

			next := recoverAndCheck(ctx, t, s, killPlugin)
			assert.Contains(t, next, "adopted 2 file tasks started by an interrupted update")
			st := emu.StatsPerInstance()
			assert.EqualValues(t, 2, st.Actions["SendFile"], "the file was sent again:\n%s", next)
			requireOncePerInstance(t, st.DeliveriesByInstance, ids, "received the file", out.String()+next)
		})
	}
}

// startHeldFileUp starts an up of a File on 60 instances and returns once both SendFile
// calls went out and the File waits for the deliveries: its status reads are held from then
// on, until release, so the up is surely interrupted mid-wait.
func startHeldFileUp(ctx context.Context, t *testing.T, overwrite bool) (*emulator.Server, *cliStack, *exec.Cmd, *syncBuffer, func()) {
	t.Helper()
	emu := startEmulator(t, emulator.Options{InstanceCount: 60})
	ids := emu.InstanceIDs()
	var hold atomic.Bool
	var held atomic.Int64
	released := make(chan struct{})
	proxy := callproxy.Start(t, emu.URL(), func(params url.Values, w http.ResponseWriter, r *http.Request, forward http.Handler) {
		if params.Get("Action") == "DescribeSendFileResults" && params.Get("InvokeId") != "" && hold.Load() {
			held.Add(1)
			select { // held until the test releases it or the caller is gone
			case <-released:
			case <-r.Context().Done():
				return
			}
		}
		forward.ServeHTTP(w, r)
	})
	s := newCLIStack(t, emu, proxy, fmt.Sprintf(`  conf:
    type: cloudassistant:index:File
    properties:
      instanceIds: %s
      targetDir: /etc/app
      name: app.conf
      content: "listen 8080\n"
      overwrite: %v
`, instanceList(ids), overwrite))
	hold.Store(true)
	out := &syncBuffer{}
	up := s.startUp(ctx, out)
	require.Eventually(t, func() bool { return held.Load() > 0 }, 2*time.Minute, 5*time.Millisecond,
		"the File never read its tasks:\n%s", out.String())
	require.EqualValues(t, 2, emu.Stats().Actions["SendFile"], "both batches went out before the interruption")
	var once sync.Once
	release := func() {
		once.Do(func() {
			hold.Store(false)
			close(released)
		})
	}
	t.Cleanup(release)
	return emu, s, up, out, release
}
