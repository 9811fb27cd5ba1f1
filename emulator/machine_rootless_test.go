package emulator

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
)

// nobody is the unprivileged user a root test process starts the rootless emulator as.
const nobody = 65534

// unprivileged is how to start a process as a user without root: as nobody when this test runs
// as root, as itself otherwise.
func unprivileged() *syscall.SysProcAttr {
	if os.Geteuid() != 0 {
		return &syscall.SysProcAttr{}
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
}

// rootlessFolder makes a folder the unprivileged user can use: a copy of this test binary (it
// sits in a folder only root may enter) and a data folder of that user's. It answers both.
func rootlessFolder(t *testing.T) (bin, data string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "emulator-rootless-") // t.TempDir's parent is closed to others
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	bin = filepath.Join(dir, "emulator")
	src, err := os.Open(os.Args[0])
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
	data = filepath.Join(dir, "data")
	require.NoError(t, os.Mkdir(data, 0o700))
	if attr := unprivileged(); attr.Credential != nil {
		require.NoError(t, os.Chown(data, nobody, nobody))
	}
	return bin, data
}

// startRootlessEmulator starts bin (see rootlessFolder) as an emulator
// (TestEmulatorProcessHelper) with isolation on, as a user without root, on the data folder;
// it answers a client of it and how to stop it (SIGTERM, as a user would; also at cleanup). It
// skips t only where the kernel refuses that user a user namespace (the emulator then refuses
// to start, and says so).
func startRootlessEmulator(t *testing.T, bin, data, instances string) (*ecs.Client, func()) {
	t.Helper()
	cmd := exec.Command(bin, "-test.run=^TestEmulatorProcessHelper$", "-test.bench=^$")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + data, "TMPDIR=" + data,
		"EMULATOR_HELPER=1", "EMULATOR_HELPER_DATA_DIR=" + data, "EMULATOR_HELPER_INSTANCES=" + instances,
		"EMULATOR_HELPER_ISOLATION=" + IsolationMachine}
	cmd.SysProcAttr = unprivileged()
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(os.Stderr, &stderr)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var once sync.Once
	stop := func() {
		once.Do(func() { terminate(cmd) })
	}
	t.Cleanup(stop)
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		_ = cmd.Wait()
		if refused := regexp.MustCompile(`needs a user namespace.*starting a script in new namespaces: fork/exec [^:]*: (operation not permitted|no space left on device|too many users)`); refused.Match(stderr.Bytes()) {
			t.Skipf("the kernel refuses an unprivileged user a user namespace: %s", stderr.String())
		}
		t.Fatalf("the rootless emulator did not start: %s", stderr.String())
	}
	url, ok := strings.CutPrefix(lines.Text(), "endpoint: ")
	require.True(t, ok, lines.Text())
	go func() { _, _ = io.Copy(io.Discard, out) }()
	c := newSDKClient(t, DefaultRegion, DefaultAccessKeyID, DefaultAccessKeySecret)
	c.Domain = strings.TrimPrefix(url, "http://")
	return c, stop
}

// A rootless instance's disk survives a restart on the same data folder, as with root.
func TestRootlessDiskSurvivesARestart(t *testing.T) {
	t.Parallel()
	bin, data := rootlessFolder(t)
	c, stop := startRootlessEmulator(t, bin, data, "1")
	id := "i-emu00000000000001"
	r := runScript(t, c, id, "echo kept > /etc/kept; mkdir /data; echo mine > /data/f", nil)
	require.Equal(t, "Success", r.InvocationStatus, r.Output)
	stop()

	c, _ = startRootlessEmulator(t, bin, data, "1")
	r = runScript(t, c, id, "cat /etc/kept /data/f", nil)
	assert.Equal(t, "kept\nmine\n", r.Output, "the host's folders' upper layers and the instance's own top-level folders")
}

// An emulator without root makes each instance a machine all the same: each run is in a user
// namespace of its own where the emulator's user is root, over the instance's own layer.
func TestRootlessInstanceIsAMachine(t *testing.T) {
	t.Parallel()
	bin, data := rootlessFolder(t)
	c, _ := startRootlessEmulator(t, bin, data, "2")
	url := "http://" + c.Domain
	a, b := "i-emu00000000000001", "i-emu00000000000002"

	t.Run("files", func(t *testing.T) {
		tok := token(t)
		paths := []string{"/tmp/x-" + tok, "/etc/y-" + tok, "/root/z-" + tok}
		write := runScript(t, c, a, "for p in "+strings.Join(paths, " ")+"; do echo $p > $p || exit 1; done; id -u", nil)
		require.Equal(t, "Success", write.InvocationStatus, write.Output)
		assert.Equal(t, "0\n", write.Output, "the script runs as root in its user namespace")
		for _, p := range paths {
			_, err := os.Lstat(p)
			assert.True(t, os.IsNotExist(err), "%s was written on the host", p)
		}
		read := runScript(t, c, a, "cat "+strings.Join(paths, " "), nil)
		assert.Equal(t, strings.Join(paths, "\n")+"\n", read.Output, "a second script on the same instance reads them")
		other := runScript(t, c, b, "cat "+strings.Join(paths, " ")+" 2>&1; true", nil)
		assert.Equal(t, 3, strings.Count(other.Output, "No such file"), "another instance sees none of them: %s", other.Output)
	})

	t.Run("hostname and the host hidden", func(t *testing.T) {
		marker := "/var/tmp/host-" + token(t)
		require.NoError(t, os.WriteFile(marker, nil, 0o644))
		t.Cleanup(func() { _ = os.Remove(marker) })
		r := runScript(t, c, a, "hostname; ls -A "+data+" 2>/dev/null | wc -l; stat -c %a /tmp /var/tmp /root; ls "+marker+" 2>&1 | grep -c 'No such'; mount -t tmpfs t /mnt 2>/dev/null && echo mounted || echo no mount; touch /sys/x 2>&1 | grep -c Read-only", nil)
		assert.Equal(t, machine.Hostname(a)+"\n0\n1777\n1777\n700\n1\nno mount\n1\n", r.Output, "host name, data folder hidden, fresh /tmp, /var/tmp (the host's file is not there) and /root, no mounts, a read-only /sys")
	})

	t.Run("SendFile then a script reads it", func(t *testing.T) {
		task, err := sendTestFile(t, c, []string{a}, func(r *ecs.SendFileRequest) { r.FileMode = "0640" })
		require.NoError(t, err)
		require.Equal(t, "Success", waitFile(t, c, task).InvocationStatus)
		r := runScript(t, c, a, "cat /etc/app/app.conf; stat -c '%a %U %G' /etc/app/app.conf", nil)
		assert.Equal(t, "key=value\n640 root root\n", r.Output)
		_, err = os.Stat("/etc/app/app.conf")
		assert.True(t, os.IsNotExist(err), "nothing in this machine's /etc")
	})

	t.Run("users other than root are refused, not run as someone else", func(t *testing.T) {
		r := runScript(t, c, a, "id -u", func(req *ecs.RunCommandRequest) { req.Username = "daemon" })
		assert.Equal(t, "Error", r.InvocationStatus)
		assert.Equal(t, "ExecutionException", r.ErrorCode)
		assert.Contains(t, r.ErrorInfo, "without root")
		assert.Empty(t, r.Output, "nothing ran")

		task, err := sendTestFile(t, c, []string{a}, func(r *ecs.SendFileRequest) { r.Name, r.FileOwner = "daemon.conf", "daemon" })
		require.NoError(t, err)
		got := fileTask(t, c, task)
		for got.InvocationStatus == "Pending" || got.InvocationStatus == "Running" {
			time.Sleep(10 * time.Millisecond)
			got = fileTask(t, c, task)
		}
		require.Len(t, got.InvokeInstances.InvokeInstance, 1)
		assert.Contains(t, got.InvokeInstances.InvokeInstance[0].ErrorInfo, "without root")
	})

	t.Run("the working directory is the instance's", func(t *testing.T) {
		r := runScript(t, c, a, "pwd", func(req *ecs.RunCommandRequest) { req.WorkingDir = "/etc/app" })
		assert.Equal(t, "/etc/app\n", r.Output, "a folder SendFile made")
		r = runScript(t, c, a, "pwd", func(req *ecs.RunCommandRequest) { req.WorkingDir = "/nowhere" })
		assert.Equal(t, "DirectoryNotExists", r.ErrorCode)
	})

	for _, how := range []string{"timeout", "stop", "reboot"} {
		t.Run("a "+how+" ends every process the run started", func(t *testing.T) {
			requireRunEndsEveryProcess(t, c, b, how)
		})
	}

	t.Run("a release deletes the layer", func(t *testing.T) {
		layer := filepath.Join(data, "sandbox", ".layers", b)
		require.DirExists(t, layer)
		req, err := http.NewRequest(http.MethodPost, url+"/_emulator/release?InstanceId="+b, nil)
		require.NoError(t, err)
		SignControl(req, DefaultAccessKeySecret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		require.Eventually(t, func() bool { _, err := os.Lstat(layer); return os.IsNotExist(err) }, 10*time.Second, 10*time.Millisecond,
			"the released instance's layer goes, overlay work folders included")
	})
}

// Where the kernel gives the emulator's user no user namespace, a rootless emulator refuses to
// start, naming the cause and --isolation none; it never falls back by itself. The test makes
// such a place: a user namespace of its own whose user.max_user_namespaces is 0, in which the
// emulator runs as a user other than root.
func TestRootlessRefusesWithoutUserNamespaces(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("making a user namespace with two users mapped needs root")
	}
	const inside, outside = 1000, 100000
	bin, data := rootlessFolder(t)
	require.NoError(t, os.Chown(data, outside, outside))
	cmd := exec.Command(bin, "-test.run=^TestEmulatorProcessHelper$", "-test.bench=^$")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + data, "TMPDIR=" + data, "EMULATOR_HELPER=1",
		"EMULATOR_HELPER_DATA_DIR=" + data, "EMULATOR_HELPER_INSTANCES=1", "EMULATOR_HELPER_NO_USERNS_AS=1000"}
	maps := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: inside, HostID: outside, Size: 1}}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER, UidMappings: maps, GidMappings: maps, GidMappingsEnableSetgroups: true}
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the emulator must not start: %s", out)
	assert.Contains(t, string(out), "runs as uid 1000, not root, so each run needs a user namespace")
	assert.Contains(t, string(out), "user.max_user_namespaces is 0 or reached", "the cause")
	assert.Contains(t, string(out), "--isolation none", "the way out")
	assert.NotContains(t, string(out), "endpoint:", "no fallback")
}
