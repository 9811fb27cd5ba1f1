package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/callproxy"
)

// Interruptions of the other two long operations (issue 19): an update that runs an
// Invocation on instances added to its list, and the delete of a File that removes the file
// from its instances.

// TestEngineAdoptsInterruptedConverge: an Invocation that ran on 100 instances gains 100
// more; the update's rollout of the added ones (maxConcurrency 25) is cut after its first
// batch started, by kill -9 of the plugin, kill -9 of the CLI or a SIGINT. After what the
// user types next (docs/interruptions.md), every one of the 200 instances ran exactly once:
// the next up adopts the batches the cut update started.
func TestEngineAdoptsInterruptedConverge(t *testing.T) {
	useEngine(t)
	for _, how := range []interruption{killPlugin, killCLI, sigint} {
		t.Run(string(how), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			emu := startEmulator(t, emulator.Options{InstanceCount: 200})
			ids := emu.InstanceIDs()
			const script = "echo ran >> ran.log; sleep 1"
			s := newCLIStack(t, emu, emu.URL(), rolloutProgram(script, ids[:100], `      maxConcurrency: "25"`))
			first, err := s.run(ctx, "up", "--yes", "--skip-preview")
			require.NoError(t, err, "the first up:\n%s", first)
			require.EqualValues(t, 100, emu.Stats().Executions)

			s.setResources(rolloutProgram(script, ids, `      maxConcurrency: "25"`))
			var out syncBuffer
			up := s.startUp(ctx, &out)
			require.Eventually(t, func() bool { return emu.Stats().Executions >= 110 }, 3*time.Minute, 5*time.Millisecond,
				"the update did not start on the added instances:\n%s", out.String())
			interrupt(t, up, how)
			require.Less(t, emu.Stats().Executions, int64(len(ids)), "the update ended before the %s: this case proves nothing", how)

			next := recoverAndCheck(ctx, t, s, how)
			if how != sigint { // a SIGINT records what started: the next up resumes it
				assert.Contains(t, next, "started by an interrupted update", "the up says what it adopted")
			}
			requireOncePerInstance(t, emu.StatsPerInstance().ExecutionsByInstance, ids, "ran", out.String()+next)
		})
	}
}

// TestEngineInterruptedFileRemoval: a File with removeOnDelete on 60 instances (two batches
// of rm) whose delete is cut while the first rm runs, by kill -9 of the plugin or of the CLI,
// or a SIGINT.
// The delete did not finish, so the File stays in the state; what the user types next —
// `pulumi destroy` again, or `pulumi up` of the program without the File (after `pulumi
// cancel` when the CLI died) — removes the file from every instance (the rm is idempotent)
// and leaves nothing in the state and nothing pending.
func TestEngineInterruptedFileRemoval(t *testing.T) {
	useEngine(t)
	destroy, up := []string{"destroy", "--yes", "--skip-preview"}, []string{"up", "--yes", "--skip-preview"}
	for _, c := range []struct {
		name  string
		how   interruption
		start []string // what is interrupted, and then typed again
	}{
		{"destroy", killPlugin, destroy},
		{"up without the File", killPlugin, up},
		{"destroy", killCLI, destroy},
		{"destroy", sigint, destroy},
	} {
		t.Run(fmt.Sprintf("%s, %s", c.name, c.how), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			emu := startEmulator(t, emulator.Options{InstanceCount: 60})
			ids := emu.InstanceIDs()
			hold := holdRunResults(t, emu)
			s := newCLIStack(t, emu, hold.url, removableFile(ids))
			text, err := s.run(ctx, "up", "--yes", "--skip-preview")
			require.NoError(t, err, "the up that sends the file:\n%s", text)
			requireFileOn(t, emu, ids, true)

			if c.name != "destroy" {
				s.setResources(noResources)
			}
			hold.start()
			var out syncBuffer
			del := s.start(ctx, &out, c.start...)
			require.Eventually(t, func() bool { return hold.held.Load() > 0 }, 2*time.Minute, 5*time.Millisecond,
				"the delete never waited for its rm:\n%s", out.String())
			interrupt(t, del, c.how)
			require.NotZero(t, filesLeft(emu, ids), "every rm ran before the kill: this case proves nothing")
			hold.release()
			require.Contains(t, s.resourceURNs(ctx), fileURN, "the interrupted delete kept the File in the state")
			if c.how == killCLI { // the dead CLI left the lock
				text, err := s.run(ctx, "cancel", "--yes")
				require.NoError(t, err, "pulumi cancel:\n%s", text)
			}

			again, err := s.run(ctx, c.start...)
			require.NoError(t, err, "pulumi %v after the kill:\n%s", c.start, again)
			requireFileOn(t, emu, ids, false)
			assert.NotContains(t, s.resourceURNs(ctx), fileURN, "the File is still in the state:\n%s", again)
			assert.Empty(t, s.pendingOperations(ctx))
			if c.name != "destroy" {
				preview, err := s.run(ctx, "preview", "--expect-no-changes")
				require.NoError(t, err, "preview after the recovery:\n%s", preview)
			}
		})
	}
}

// fileURN is the URN of the File removableFile declares, in a cliStack.
const fileURN = "urn:pulumi:" + cliStackName + "::adopt::cloudassistant:index:File::conf"

// noResources is a program that declares nothing (YAML needs a value under `resources:`).
const noResources = "  {}\n"

// removableFile is a File on ids that removes the file from them when it is deleted.
func removableFile(ids []string) string {
	return fmt.Sprintf(`  conf:
    type: cloudassistant:index:File
    properties:
      instanceIds: %s
      targetDir: /etc/app
      name: app.conf
      content: "listen 8080\n"
      removeOnDelete: true
`, instanceList(ids))
}

// filesLeft counts the instances that hold the File's file.
func filesLeft(emu *emulator.Server, ids []string) int {
	n := 0
	for _, id := range ids {
		if _, err := os.Stat(emu.InstancePath(id, "/etc/app/app.conf")); err == nil {
			n++
		}
	}
	return n
}

// requireFileOn checks that the File's file is (or is not) on every instance.
func requireFileOn(t *testing.T, emu *emulator.Server, ids []string, want bool) {
	t.Helper()
	var wrong []string
	for _, id := range ids {
		_, err := os.Stat(emu.InstancePath(id, "/etc/app/app.conf"))
		if (err == nil) != want {
			wrong = append(wrong, id)
		}
	}
	assert.Empty(t, wrong, "instances where the file's presence is not %v", want)
}

// runResultsHold is a proxy in front of an emulator that, once started, holds every
// DescribeInvocationResults call (how a provider waits for a run) until released.
type runResultsHold struct {
	url      string
	holding  atomic.Bool
	held     atomic.Int64
	released chan struct{}
	once     sync.Once
}

func holdRunResults(t *testing.T, emu *emulator.Server) *runResultsHold {
	t.Helper()
	h := &runResultsHold{released: make(chan struct{})}
	h.url = callproxy.Start(t, emu.URL(), func(params url.Values, w http.ResponseWriter, r *http.Request, forward http.Handler) {
		if params.Get("Action") == "DescribeInvocationResults" && h.holding.Load() {
			h.held.Add(1)
			select { // held until the test releases it or the caller is gone
			case <-h.released:
			case <-r.Context().Done():
				return
			}
		}
		forward.ServeHTTP(w, r)
	})
	t.Cleanup(h.release)
	return h
}

func (h *runResultsHold) start() { h.holding.Store(true) }

func (h *runResultsHold) release() {
	h.once.Do(func() {
		h.holding.Store(false)
		close(h.released)
	})
}
