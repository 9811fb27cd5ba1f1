package emulator

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/clock"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
)

// detachScript starts three sleepers that a process-group kill does not all reach, records
// their pids in ./pids by kind (a new session with setsid, a double fork, a plain background
// child), then waits.
const detachScript = `setsid sh -c 'echo setsid=$$ >> pids; exec sleep 300' >/dev/null 2>&1 </dev/null &
( sh -c 'echo orphan=$$ >> pids; exec sleep 300' >/dev/null 2>&1 </dev/null & )
sleep 300 >/dev/null 2>&1 </dev/null &
echo child=$! >> pids
while [ "$(wc -l < pids)" -lt 3 ]; do sleep 0.01; done
sleep 300`

// scriptPids waits until the detachScript in sandbox/<instance>/root has recorded its pids.
func scriptPids(t *testing.T, sandbox, instance string) map[string]int {
	t.Helper()
	file := filepath.Join(sandbox, instance, "root", "pids")
	pids := map[string]int{}
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(file)
		if err != nil {
			return false
		}
		for _, f := range strings.Fields(string(b)) {
			kind, v, _ := strings.Cut(f, "=")
			if pid, err := strconv.Atoi(v); err == nil {
				pids[kind] = pid
			}
		}
		return len(pids) == 3
	}, 10*time.Second, 5*time.Millisecond)
	return pids
}

func requireAllDead(t *testing.T, pids map[string]int) {
	t.Helper()
	for kind, pid := range pids {
		assert.False(t, runner.Alive(pid), "the %s process %d survived", kind, pid)
	}
}

func invokeDetach(t *testing.T, c *ecs.Client, instance, mode string, timeout int) string {
	t.Helper()
	cmd := mkCommand(t, c, detachScript, nil)
	return mkInvoke(t, c, cmd, []string{instance}, func(r *ecs.InvokeCommandRequest) {
		r.TerminationMode = mode
		if timeout > 0 {
			r.Timeout = requests.NewInteger(timeout)
		}
	})
}

func TestProcessTreeKillsEveryDescendant(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"timeout", "stop"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			sandbox := t.TempDir()
			fake := clock.NewFake(fakeStart)
			// Without isolation: this is the process-tree kill on this machine (pids as the
			// host sees them); machine_test.go covers instances with their own PID namespace.
			srv := start(t, Options{SandboxDir: sandbox, InstanceCount: 1, Clock: fake, Isolation: IsolationNone})
			c := client(t, srv)
			id := srv.InstanceIDs()[0]
			timeout := 0
			if how == "timeout" {
				timeout = 1
			}
			inv := invokeDetach(t, c, id, "ProcessTree", timeout)
			pids := scriptPids(t, sandbox, id)
			want := "Failed" // a timeout
			if how == "timeout" {
				fake.Advance(time.Second)
			}
			if how == "stop" {
				req := ecs.CreateStopInvocationRequest()
				req.InvokeId = inv
				_, err := c.StopInvocation(req)
				require.NoError(t, err)
				want = "Stopped"
			}
			waitStatus(t, c, inv, 10*time.Second, want)
			requireAllDead(t, pids)
		})
	}
}

func TestShutdownKillsWhatRunsLeft(t *testing.T) {
	t.Parallel()
	sandbox := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", SandboxDir: sandbox, InstanceCount: 1, Isolation: IsolationNone})
	require.NoError(t, err)
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	// TerminationMode Process: a stop kills the process group only, so the child in its own
	// session outlives the run...
	inv := invokeDetach(t, c, id, "Process", 0)
	pids := scriptPids(t, sandbox, id)
	req := ecs.CreateStopInvocationRequest()
	req.InvokeId = inv
	_, err = c.StopInvocation(req)
	require.NoError(t, err)
	waitStatus(t, c, inv, 10*time.Second, "Stopped")
	assert.True(t, runner.Alive(pids["setsid"]), "Process mode leaves the setsid child, as documented")
	// ...and a run still going at shutdown leaves its whole tree; Close kills both.
	invokeDetach(t, c, id, "", 0)
	running := scriptPids(t, sandbox, id)
	require.NoError(t, srv.Close())
	requireAllDead(t, pids)
	requireAllDead(t, running)
}

// TestEmulatorProcessHelper is not a test: startEmulatorProcess runs the test binary with it
// selected to get an emulator in a process of its own (to kill it, or to measure its memory).
func TestEmulatorProcessHelper(t *testing.T) {
	if os.Getenv("EMULATOR_HELPER") == "" {
		t.Skip("helper process only")
	}
	if uid := os.Getenv("EMULATOR_HELPER_NO_USERNS_AS"); uid != "" {
		// Root of a user namespace of the test's (see TestRootlessRefusesWithoutUserNamespaces):
		// no user namespace may be made below it, and the emulator runs as another user.
		id, _ := strconv.Atoi(uid)
		if err := os.WriteFile("/proc/sys/user/max_user_namespaces", []byte("0"), 0); err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(syscall.Setgroups(nil), syscall.Setgid(id), syscall.Setuid(id)); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Listen: "127.0.0.1:0", DataDir: os.Getenv("EMULATOR_HELPER_DATA_DIR")}
	opts.InstanceCount, _ = strconv.Atoi(os.Getenv("EMULATOR_HELPER_INSTANCES"))
	opts.MinScheduleInterval, _ = time.ParseDuration(os.Getenv("EMULATOR_HELPER_MIN_INTERVAL"))
	opts.Isolation = os.Getenv("EMULATOR_HELPER_ISOLATION")
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("endpoint: " + srv.URL() + "\n")
	// Until killed; a SIGTERM closes the emulator first, which unmounts the instances' disks.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	_ = srv.Close()
	os.Exit(0)
}

// terminate ends an emulator process as a user would, with SIGTERM (it unmounts its instances'
// disks first), and kills it if it has not ended 10 s later.
func terminate(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// startEmulatorProcess starts an emulator in a child process (see TestEmulatorProcessHelper),
// configured by EMULATOR_HELPER_* variables in env, and returns its URL and the process.
func startEmulatorProcess(t testing.TB, env ...string) (string, *exec.Cmd) {
	t.Helper()
	helper := exec.Command(os.Args[0], "-test.run=^TestEmulatorProcessHelper$", "-test.bench=^$")
	helper.Env = append(append(os.Environ(), "EMULATOR_HELPER=1"), env...)
	helper.Stderr = os.Stderr
	out, err := helper.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, helper.Start())
	t.Cleanup(func() { terminate(helper) })
	lines := bufio.NewScanner(out)
	require.True(t, lines.Scan(), "the helper prints its endpoint")
	url, ok := strings.CutPrefix(lines.Text(), "endpoint: ")
	require.True(t, ok, lines.Text())
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return url, helper
}

func TestRestartAfterCrashKillsLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url, helper := startEmulatorProcess(t, "EMULATOR_HELPER_DATA_DIR="+dir, "EMULATOR_HELPER_INSTANCES=1", "EMULATOR_HELPER_ISOLATION="+IsolationNone)

	c := newSDKClient(t, DefaultRegion, DefaultAccessKeyID, DefaultAccessKeySecret)
	c.Domain = strings.TrimPrefix(url, "http://")
	id := "i-emu00000000000001"
	invokeDetach(t, c, id, "ProcessTree", 0)
	pids := scriptPids(t, filepath.Join(dir, "sandbox"), id)

	// The crash: no Close, no cleanup.
	require.NoError(t, helper.Process.Signal(syscall.SIGKILL))
	_ = helper.Wait()
	for kind, pid := range pids {
		require.True(t, runner.Alive(pid), "the crash left the %s process running", kind)
	}

	// The restart on the same data directory kills them before anything else runs.
	srv := start(t, Options{DataDir: dir, InstanceCount: 1, Isolation: IsolationNone})
	requireAllDead(t, pids)
	assert.Equal(t, []string{id}, srv.InstanceIDs())
}
