package emulator

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mountedUnder lists the mount points under dir.
func mountedUnder(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			out = append(out, f[4])
		}
	}
	return out
}

// With a data folder an instance's disk survives a restart, and only its mount goes away.
func TestInstanceDiskSurvivesARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", DataDir: dir, InstanceCount: 1})
	require.NoError(t, err)
	id := srv.InstanceIDs()[0]
	r := runScript(t, client(t, srv), id, "echo kept > /etc/kept; useradd keeper", nil)
	require.Equal(t, "Success", r.InvocationStatus, r.Output)
	require.NotEmpty(t, mountedUnder(t, dir))
	require.NoError(t, srv.Close())
	assert.Empty(t, mountedUnder(t, dir), "Close unmounts")

	srv = start(t, Options{DataDir: dir, InstanceCount: 1})
	r = runScript(t, client(t, srv), id, "cat /etc/kept; id -un keeper", nil)
	assert.Equal(t, "kept\nkeeper\n", r.Output)
}

// ReleaseInstance deletes the instance's disk; a temporary emulator deletes every disk.
func TestReleaseAndCloseRemoveDisks(t *testing.T) {
	t.Parallel()
	sandbox := t.TempDir()
	srv, err := New(Options{Listen: "127.0.0.1:0", SandboxDir: sandbox, InstanceCount: 2})
	require.NoError(t, err)
	c := client(t, srv)
	a, b := srv.InstanceIDs()[0], srv.InstanceIDs()[1]
	for _, id := range []string{a, b} {
		r := runScript(t, c, id, "echo x > /etc/x", nil)
		require.Equal(t, "Success", r.InvocationStatus, r.Output)
	}
	layers := func() []string {
		entries, _ := os.ReadDir(filepath.Join(sandbox, ".layers"))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	require.ElementsMatch(t, []string{a, b}, layers())

	require.NoError(t, srv.ReleaseInstance(a))
	require.Eventually(t, func() bool { return len(layers()) == 1 }, 10*time.Second, 10*time.Millisecond, "the released instance's layer goes")
	assert.Equal(t, []string{b}, layers())
	assert.NotContains(t, mountedUnder(t, sandbox), filepath.Join(sandbox, a))

	require.NoError(t, srv.Close())
	assert.Empty(t, layers(), "a temporary emulator leaves no layer")
	assert.Empty(t, mountedUnder(t, sandbox), "and no mount")
	entries, err := os.ReadDir(sandbox)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// The data folder and the disks' folder are the emulator's alone: a set-id file an instance
// owns is reachable only inside the instance.
func TestDataFolderIsPrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.Mkdir(dir, 0o755))
	srv := start(t, Options{DataDir: dir, InstanceCount: 1})
	for _, p := range []string{dir, filepath.Join(dir, "sandbox")} {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), p)
	}
	_ = srv
}

// An emulator killed without closing leaves its scripts and its mounts; one restarted on the
// same data folder ends the scripts, detaches the mounts, and the instance's disk is intact.
func TestRestartAfterCrashWithIsolation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url, helper := startEmulatorProcess(t, "EMULATOR_HELPER_DATA_DIR="+dir, "EMULATOR_HELPER_INSTANCES=1")
	c := newSDKClient(t, DefaultRegion, DefaultAccessKeyID, DefaultAccessKeySecret)
	c.Domain = strings.TrimPrefix(url, "http://")
	id := "i-emu00000000000001"
	tok := token(t)
	req := ecs.CreateRunCommandRequest()
	req.Type, req.ContentEncoding, req.InstanceId = "RunShellScript", "PlainText", &[]string{id}
	req.CommandContent = "echo before > /etc/crash; " + detachedScript(tok)
	_, err := c.RunCommand(req)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(tokenPids(tok)) >= 3 }, 10*time.Second, 10*time.Millisecond)

	require.NoError(t, helper.Process.Signal(syscall.SIGKILL)) // the crash: no Close
	_ = helper.Wait()
	require.NotEmpty(t, tokenPids(tok), "the crash left the scripts running")
	require.NotEmpty(t, mountedUnder(t, dir), "and the disk mounted")

	srv := start(t, Options{DataDir: dir, InstanceCount: 1})
	assert.Empty(t, tokenPids(tok), "the restart ended them")
	assert.Empty(t, mountedUnder(t, dir), "and detached the mount")
	r := runScript(t, client(t, srv), id, "cat /etc/crash", nil)
	assert.Equal(t, "before\n", r.Output)
	require.NoError(t, srv.Close())
	assert.Empty(t, mountedUnder(t, dir))
}

// A temporary emulator killed without closing leaves mounts no restart would find; the next
// emulator to start detaches them and deletes its folder.
func TestAbandonedTemporaryDisksAreSwept(t *testing.T) {
	t.Parallel()
	url, helper := startEmulatorProcess(t, "EMULATOR_HELPER_INSTANCES=1")
	c := newSDKClient(t, DefaultRegion, DefaultAccessKeyID, DefaultAccessKeySecret)
	c.Domain = strings.TrimPrefix(url, "http://")
	r := runScript(t, c, "i-emu00000000000001", "true", nil)
	require.Equal(t, "Success", r.InvocationStatus)
	folder := ""
	for _, m := range mountedUnder(t, filepath.Clean(os.TempDir())) {
		if strings.Contains(m, "/"+tempPrefix) && strings.HasSuffix(m, "/i-emu00000000000001") && strings.Contains(m, "/sandbox/") {
			if dir := filepath.Dir(filepath.Dir(m)); helperOwns(t, helper.Process.Pid, dir) {
				folder = dir
			}
		}
	}
	require.NotEmpty(t, folder, "the helper's instance disk is mounted")
	require.NoError(t, helper.Process.Signal(syscall.SIGKILL))
	_ = helper.Wait()

	start(t, Options{InstanceCount: 1})
	assert.Empty(t, mountedUnder(t, folder), "the abandoned mount is detached")
	_, err := os.Stat(folder)
	assert.True(t, os.IsNotExist(err), "and its folder deleted")
}

// helperOwns reports whether process pid holds dir's store open.
func helperOwns(t *testing.T, pid int, dir string) bool {
	t.Helper()
	fds, _ := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "fd"))
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "fd", fd.Name())); err == nil && target == filepath.Join(dir, "state.db") {
			return true
		}
	}
	return false
}
