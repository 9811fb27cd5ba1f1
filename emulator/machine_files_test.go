package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The flow an operator tries first: deliver a config file, then a script reads it.
func TestSendFileThenAScriptReadsIt(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 1})
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	task, err := sendTestFile(t, c, []string{id}, func(r *ecs.SendFileRequest) {
		r.FileMode, r.FileOwner, r.FileGroup = "4750", "root", "daemon"
	})
	require.NoError(t, err)
	require.Equal(t, "Success", waitFile(t, c, task).InvocationStatus)
	r := runScript(t, c, id, "cat /etc/app/app.conf; stat -c '%a %U %G' /etc/app/app.conf", nil)
	assert.Equal(t, "key=value\n4750 root daemon\n", r.Output, "the set-id mode and the owner apply inside the instance")
	_, err = os.Stat("/etc/app/app.conf")
	assert.True(t, os.IsNotExist(err), "nothing in this machine's /etc")
}

// Accounts are the instance's: useradd in one instance makes a user that Username and
// FileOwner find there, and nowhere else.
func TestAccountsBelongToTheInstance(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{InstanceCount: 2})
	c := client(t, srv)
	a, b := srv.InstanceIDs()[0], srv.InstanceIDs()[1]
	user := "emu" + token(t)[:8]
	r := runScript(t, c, a, "useradd -m "+user, nil)
	require.Equal(t, "Success", r.InvocationStatus, r.Output)
	hostPasswd, err := os.ReadFile("/etc/passwd")
	require.NoError(t, err)
	assert.NotContains(t, string(hostPasswd), user, "this machine has no new user")

	asUser := func(r *ecs.RunCommandRequest) { r.Username = user }
	r = runScript(t, c, a, "id -un; echo $HOME; pwd", asUser)
	assert.Equal(t, user+"\n/home/"+user+"\n/root\n", r.Output, "runs as the user, in the default working directory")
	r = runScript(t, c, b, "id -un", asUser)
	assert.Equal(t, "AccountNotExists", r.ErrorCode, "the other instance has no such user")

	owned := func(r *ecs.SendFileRequest) { r.FileOwner, r.FileGroup, r.TargetDir = user, user, "/home/"+user }
	task, err := sendTestFile(t, c, []string{a, b}, owned)
	require.NoError(t, err)
	got := byInstance(waitFile(t, c, task))
	assert.Equal(t, "Success", got[a].InvocationStatus)
	assert.Equal(t, "AccountNotExists", got[b].ErrorCode)
	r = runScript(t, c, a, "stat -c %U /home/"+user+"/app.conf", nil)
	assert.Equal(t, user+"\n", r.Output)
}

// The API allows 255-character file names; the temporary name must not push them over.
func TestSendFileLongestName(t *testing.T) {
	t.Parallel()
	for _, isolation := range []string{IsolationMachine, IsolationNone} {
		t.Run(isolation, func(t *testing.T) {
			t.Parallel()
			srv := start(t, Options{InstanceCount: 1, Isolation: isolation})
			c := client(t, srv)
			name := strings.Repeat("n", 255)
			task, err := sendTestFile(t, c, srv.InstanceIDs(), func(r *ecs.SendFileRequest) { r.Name = name })
			require.NoError(t, err)
			require.Equal(t, "Success", waitFile(t, c, task).InvocationStatus)
			b, err := os.ReadFile(srv.InstancePath(srv.InstanceIDs()[0], "/etc/app/"+name))
			require.NoError(t, err)
			assert.Equal(t, "key=value\n", string(b))
		})
	}
}

// Without isolation a script can reach its own sandbox directory and replace it with a link;
// a later SendFile must not follow it.
func TestSendFileIgnoresAReplacedInstanceDirectory(t *testing.T) {
	t.Parallel()
	sandbox := t.TempDir()
	srv := start(t, Options{InstanceCount: 1, SandboxDir: sandbox, Isolation: IsolationNone})
	c := client(t, srv)
	id := srv.InstanceIDs()[0]
	outside := t.TempDir()
	// The script runs in <sandbox>/<id>/root: it moves its instance directory away and puts a
	// link to a folder of this machine in its place.
	r := runScript(t, c, id, "cd ../.. && mv "+id+" moved && ln -s "+outside+" "+id, nil)
	require.Equal(t, "Success", r.InvocationStatus, r.Output)
	fi, err := os.Lstat(filepath.Join(sandbox, id))
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&os.ModeSymlink)

	task, err := sendTestFile(t, c, []string{id}, nil)
	require.NoError(t, err)
	got := waitFile(t, c, task)
	assert.Equal(t, "FileCreateFail", got.InvokeInstances.InvokeInstance[0].ErrorCode)
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written through the link")
}
