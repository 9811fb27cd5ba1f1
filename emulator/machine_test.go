package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
)

// runScript runs script on instance through RunCommand and returns its result once it ended.
func runScript(t testing.TB, c *ecs.Client, instance, script string, mod func(*ecs.RunCommandRequest)) ecs.InvocationResult {
	t.Helper()
	req := ecs.CreateRunCommandRequest()
	req.Type, req.CommandContent, req.ContentEncoding = "RunShellScript", script, "PlainText"
	req.InstanceId = &[]string{instance}
	if mod != nil {
		mod(req)
	}
	resp, err := c.RunCommand(req)
	require.NoError(t, err)
	waitStatus(t, c, resp.InvokeId, 30*time.Second, "Success", "Failed", "Stopped", "PartialFailed")
	res := results(t, c, resp.InvokeId, nil)
	require.Len(t, res, 1)
	return res[0]
}

func token(t testing.TB) string {
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func TestInstanceIsAMachine(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 2})
	c := client(t, srv)
	a, b := srv.InstanceIDs()[0], srv.InstanceIDs()[1]
	tok := token(t)
	paths := []string{"/tmp/x-" + tok, "/etc/y-" + tok, "/root/z-" + tok}

	write := runScript(t, c, a, "for p in "+strings.Join(paths, " ")+"; do echo $p > $p || exit 1; done", nil)
	require.Equal(t, "Success", write.InvocationStatus, write.Output)
	for _, p := range paths {
		_, err := os.Lstat(p)
		assert.True(t, os.IsNotExist(err), "%s was written on the host", p)
	}

	read := runScript(t, c, a, "cat "+strings.Join(paths, " "), nil)
	assert.Equal(t, "Success", read.InvocationStatus, read.Output)
	assert.Equal(t, strings.Join(paths, "\n")+"\n", read.Output, "a second script on the same instance reads them")

	other := runScript(t, c, b, "cat "+strings.Join(paths, " ")+" 2>&1; true", nil)
	assert.Equal(t, strings.Count(other.Output, "No such file"), 3, "another instance sees none of them: %s", other.Output)

	host := runScript(t, c, a, "hostname; cat /proc/sys/kernel/hostname", nil)
	want := machine.Hostname(a)
	assert.Equal(t, want+"\n"+want+"\n", host.Output)
}

// detachedScript leaves a double-forked sleeper and one in a new session, both carrying the
// variable tokenVar=tok so the test finds them from the host, and then waits.
func detachedScript(tok string) string {
	return `export EMU_TEST_TOKEN=` + tok + `
( sh -c 'exec sleep 300' >/dev/null 2>&1 </dev/null & )
setsid sh -c 'exec sleep 300' >/dev/null 2>&1 </dev/null &
echo started; sleep 300`
}

// tokenPids lists the host pids of live processes whose environment holds EMU_TEST_TOKEN=tok.
func tokenPids(tok string) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err == nil && bytes.Contains(env, []byte("EMU_TEST_TOKEN="+tok+"\x00")) && runner.Alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// A run is a PID namespace of its own: however its processes detach, a timeout, a stop and a
// reboot end them all.
func TestRunEndsEveryProcessItStarted(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"timeout", "stop", "reboot"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			srv := start(t, Options{InstanceCount: 1})
			c := client(t, srv)
			id := srv.InstanceIDs()[0]
			requireRunEndsEveryProcess(t, c, id, how)
		})
	}
}

// An instance starts with an empty /tmp and /root, sees neither the emulator's folders nor this
// machine's disks, and its root cannot mount.
func TestInstanceCannotReachTheHost(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	folder := filepath.Dir(srv.InstancePath(id, "/"))
	script := `ls -A /tmp /root | tr '\n' ' '; stat -c %a /tmp /var/tmp /root | tr '\n' ' '; echo
ls /dev | tr '\n' ' '; echo
ls -A ` + folder + ` 2>/dev/null | wc -l
mount -t tmpfs t /mnt 2>/dev/null && echo mounted || echo no mount`
	r := runScript(t, c, id, script, nil)
	require.Equal(t, "Success", r.InvocationStatus, r.Output)
	lines := strings.Split(r.Output, "\n")
	require.Len(t, lines, 5, r.Output)
	assert.Equal(t, "/root:  /tmp: 1777 1777 700 ", lines[0], "fresh /tmp and /root, with a machine's modes")
	assert.Equal(t, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ", lines[1], "a minimal /dev")
	assert.Equal(t, "0", lines[2], "the emulator's folder is hidden")
	assert.Equal(t, "no mount", lines[3], "CAP_SYS_ADMIN is dropped")
}

func TestInstanceNetworkNone(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1, InstanceNetwork: NetworkNone})
	c := client(t, srv)
	r := runScript(t, c, srv.InstanceIDs()[0], `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '`, nil)
	assert.Equal(t, "lo\n", r.Output, "only the loopback")
}

// Where an instance cannot be isolated the emulator does not start, and says why and what to do.
func TestIsolationRefusesToStartWithoutFallingBack(t *testing.T) {
	t.Parallel()
	// An overlay mount option cannot carry a comma: the folder alone makes isolation impossible.
	_, err := New(Options{Listen: "127.0.0.1:0", SandboxDir: filepath.Join(t.TempDir(), "a,b")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "overlay mount option cannot carry")
	assert.Contains(t, err.Error(), "--isolation none")

	srv := start(t, Options{SandboxDir: filepath.Join(t.TempDir(), "a,b"), Isolation: IsolationNone, InstanceCount: 1})
	r := runScript(t, client(t, srv), srv.InstanceIDs()[0], "pwd", nil)
	assert.Equal(t, srv.InstancePath(srv.InstanceIDs()[0], "/root")+"\n", r.Output, "--isolation none runs in the sandbox directory")
}

// requireRunEndsEveryProcess runs a script that double-forks two sleepers on instanceID and
// ends the run how says ("timeout", "stop" or "reboot"): every process the run started must be
// gone once the run reports its end.
func requireRunEndsEveryProcess(t *testing.T, c *ecs.Client, instanceID, how string) {
	t.Helper()
	tok := token(t)
	req := ecs.CreateRunCommandRequest()
	req.Type, req.CommandContent, req.ContentEncoding = "RunShellScript", detachedScript(tok), "PlainText"
	req.InstanceId = &[]string{instanceID}
	if how == "timeout" {
		req.Timeout = requests.NewInteger(2)
	}
	resp, err := c.RunCommand(req)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(tokenPids(tok)) >= 3 }, 10*time.Second, 10*time.Millisecond,
		"the script's sleep and both detached sleepers run")
	switch how {
	case "stop":
		stop := ecs.CreateStopInvocationRequest()
		stop.InvokeId = resp.InvokeId
		_, err := c.StopInvocation(stop)
		require.NoError(t, err)
	case "reboot":
		reboot := ecs.CreateRebootInstanceRequest()
		reboot.InstanceId = instanceID
		_, err := c.RebootInstance(reboot)
		require.NoError(t, err)
	}
	waitStatus(t, c, resp.InvokeId, 15*time.Second, "Failed", "Stopped")
	assert.Empty(t, tokenPids(tok), "every process of the run is gone once it reports its end")
}
