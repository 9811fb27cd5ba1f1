package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sh(s string) []string { return []string{"/bin/sh", "-c", s} }

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	res := Run(context.Background(), Spec{Argv: sh("echo out; echo err >&2; exit 3"), Dir: dir, OutputLimit: 100})
	require.NoError(t, res.StartErr)
	assert.Equal(t, 3, res.ExitCode)
	assert.Equal(t, "out\nerr\n", string(res.Output))

	res = Run(context.Background(), Spec{Argv: sh("head -c 300 /dev/zero"), Dir: dir, OutputLimit: 100})
	assert.Len(t, res.Output, 100)
	assert.Equal(t, 200, res.Dropped)

	// The head and the tail are kept, the middle is dropped.
	res = Run(context.Background(), Spec{Argv: sh("seq 1 1000"), Dir: dir, OutputLimit: 20, OutputHead: 10})
	assert.Equal(t, "1\n2\n3\n4\n5\n"+"\n999\n1000\n", string(res.Output))
	assert.Equal(t, 3893-20, res.Dropped)

	res = Run(context.Background(), Spec{Argv: sh("echo \"[$SECRET]\"; pwd"), Dir: dir, OutputLimit: 100, Env: []string{"PATH=/usr/bin:/bin"}})
	assert.Equal(t, "[]\n"+dir+"\n", string(res.Output))

	res = Run(context.Background(), Spec{Argv: sh("sleep 30 & sleep 30"), Dir: dir, OutputLimit: 100, Timeout: 200 * time.Millisecond})
	assert.True(t, res.TimedOut)
	assert.False(t, res.Stopped)
	assert.Equal(t, 137, res.ExitCode, "killed")

	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() { <-started; cancel() }()
	res = Run(ctx, Spec{Argv: sh("sleep 30"), Dir: dir, OutputLimit: 100, Started: func(int) { close(started) }})
	assert.True(t, res.Stopped)
	assert.False(t, res.TimedOut)

	// A program that cannot start: an error, exit code -1, no output, no time spent.
	res = Run(context.Background(), Spec{Argv: []string{"/nonexistent/shell"}, Dir: dir, OutputLimit: 100})
	require.Error(t, res.StartErr)
	assert.Equal(t, -1, res.ExitCode)
	assert.Empty(t, res.Output)
	assert.Equal(t, res.Start, res.End)
}

// detachScript starts three sleepers that escape a process-group kill in different ways and
// records their pids in pids: one in a new session (setsid), one double-forked (orphaned),
// and one plain background child; then it waits.
const detachScript = `setsid sh -c 'echo setsid=$$ >> pids; exec sleep 300' >/dev/null 2>&1 </dev/null &
( sh -c 'echo orphan=$$ >> pids; exec sleep 300' >/dev/null 2>&1 </dev/null & )
sleep 300 >/dev/null 2>&1 </dev/null &
echo child=$! >> pids
while [ "$(wc -l < pids)" -lt 3 ]; do sleep 0.01; done
sleep 300`

// readPids reads the pids a detachScript wrote, by kind: setsid, orphan, child.
func readPids(t *testing.T, file string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	pids := map[string]int{}
	for _, f := range strings.Fields(string(b)) {
		kind, v, _ := strings.Cut(f, "=")
		pid, err := strconv.Atoi(v)
		require.NoError(t, err)
		pids[kind] = pid
	}
	require.Len(t, pids, 3)
	return pids
}

func TestKillTree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A stop; a timeout takes the same kill path (TestRun covers the timer itself).
	ctx, cancel := context.WithCancel(context.Background())
	res := Run(ctx, Spec{Argv: sh(detachScript), Dir: dir, OutputLimit: 100, KillTree: true, Marker: "test-owner/tree",
		Env: []string{"PATH=/usr/bin:/bin"}, Started: func(int) { go waitAndCancel(dir, cancel) }})
	assert.True(t, res.Stopped)
	for kind, pid := range readPids(t, filepath.Join(dir, "pids")) {
		assert.False(t, Alive(pid), "the %s process %d survived", kind, pid)
	}
}

// waitAndCancel cancels once the script has recorded its three sleepers (or after 10 s, and
// the test then fails on the missing pids).
func waitAndCancel(dir string, cancel context.CancelFunc) {
	defer cancel()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(dir, "pids")); err == nil && len(strings.Fields(string(b))) == 3 {
			return
		}
	}
}

func TestProcessGroupKillLeavesDetachedUntilKillMarked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	res := Run(ctx, Spec{Argv: sh(detachScript), Dir: dir, OutputLimit: 100, Marker: "group-owner/run-1",
		Env: []string{"PATH=/usr/bin:/bin"}, Started: func(int) { go waitAndCancel(dir, cancel) }})
	assert.True(t, res.Stopped)
	pids := readPids(t, filepath.Join(dir, "pids"))
	// The group's SIGKILL is delivered asynchronously: wait for it to land.
	require.Eventually(t, func() bool { return !Alive(pids["orphan"]) && !Alive(pids["child"]) }, 5*time.Second, time.Millisecond,
		"the process group is killed, orphans included")
	assert.True(t, Alive(pids["setsid"]), "TerminationMode Process leaves the child in a new session")

	assert.Zero(t, KillMarked("other-owner/", nil), "another owner's marker does not match")
	assert.Equal(t, 1, KillMarked("group-owner/", nil))
	require.Eventually(t, func() bool { return !Alive(pids["setsid"]) }, 5*time.Second, time.Millisecond)
}

func TestKillMarkedChecksStartTimes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	// No marker: only the recorded pid can find it.
	go Run(context.Background(), Spec{Argv: sh("echo $$ > pid; exec sleep 300"), Dir: dir, OutputLimit: 10, Timeout: time.Minute})
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(pidFile)
		if err != nil || !strings.HasSuffix(string(b), "\n") {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil && StartTime(pid) != 0
	}, 5*time.Second, time.Millisecond)
	assert.Zero(t, KillMarked("nobody/", map[int]uint64{pid: StartTime(pid) + 1}), "a reused pid is left alone")
	assert.True(t, Alive(pid))
	assert.Equal(t, 1, KillMarked("nobody/", map[int]uint64{pid: StartTime(pid)}))
	require.Eventually(t, func() bool { return !Alive(pid) }, 5*time.Second, time.Millisecond)
}

// TestCaptureKeepsFirstPartialLine: a script whose first write has no newline ("printf x")
// keeps that byte at the head, and the kept bytes do not depend on how the output was cut
// into writes: the run's pipe delivers it in whatever pieces the kernel makes.
func TestCaptureKeepsFirstPartialLine(t *testing.T) {
	t.Parallel()
	stream := "x" + strings.Repeat("y", 30000) + "z"
	want := "x" + strings.Repeat("y", 24*1024-2) + "z"

	res := Run(context.Background(), Spec{
		Argv: sh("printf x; head -c 30000 /dev/zero | tr '\\0' y; printf z"), Dir: t.TempDir(),
		OutputLimit: 24 * 1024, OutputHead: 6000,
	})
	require.NoError(t, res.StartErr)
	assert.Equal(t, want, string(res.Output))
	assert.Equal(t, len(stream)-24*1024, res.Dropped)

	for _, chunk := range []int{1, 7, 4096, 5999, 6000, 6001, len(stream)} {
		w := &capWriter{headLimit: 6000, tailLimit: 24*1024 - 6000}
		for rest := stream; rest != ""; {
			n := min(chunk, len(rest))
			_, _ = w.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		assert.Equal(t, want, string(w.bytes()), "writes of %d bytes", chunk)
		assert.Equal(t, len(stream)-24*1024, w.dropped, "writes of %d bytes", chunk)
	}
}

// Scripts and everything they start run below the emulator's priority, so that a busy schedule
// does not slow the API (on the service, scripts run on other machines).
func TestScriptsRunAtALowerPriority(t *testing.T) {
	t.Parallel()
	// The nice value of this goroutine's thread: the process's main thread may have started a
	// script itself (see startNicer), so /proc/self, which shows the main thread, may not say.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	want := strconv.Itoa(min(niceOf(t, "thread-self")+scriptNiceIncrement, 19))
	res := Run(context.Background(), Spec{Argv: sh("awk '{ print $19 }' /proc/$$/stat /proc/self/stat"), Dir: t.TempDir(), OutputLimit: 100})
	require.NoError(t, res.StartErr)
	assert.Equal(t, want+"\n"+want+"\n", string(res.Output), "the script's and its child's nice values")
}

// niceOf reads the nice value of a process or thread (field 19 of /proc/<id>/stat).
func niceOf(t *testing.T, id string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + id + "/stat")
	require.NoError(t, err)
	// Fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	n, err := strconv.Atoi(fields[16]) // field 19 is the 17th after the name
	require.NoError(t, err)
	return n
}

// A killed process ends only when it next runs; waitGone returns once it has, so a run that
// reports Stopped or Failed after a kill leaves nothing alive behind it.
func TestWaitGoneReturnsOnceTheProcessIsGone(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "300")
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait() }()
	pid := cmd.Process.Pid
	start := StartTime(pid)
	require.NotZero(t, start)
	go func() {
		time.Sleep(100 * time.Millisecond)
		_ = cmd.Process.Kill()
	}()
	waitGone(map[int]uint64{pid: start})
	assert.False(t, Alive(pid) && StartTime(pid) == start, "waitGone returned while the process was alive")
}
