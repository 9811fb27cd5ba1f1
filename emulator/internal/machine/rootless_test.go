package machine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine/enter"
)

// A rootless layer gives the instance's root the host's top-level folders and those under
// ownedBelow (upper folders with the host's modes), a fresh /tmp, /root and /home of its own, an
// opaque /var/tmp; a second preparation keeps what the instance changed.
func TestPrepareRootlessLayer(t *testing.T) {
	t.Parallel()
	m := &Machines{dir: t.TempDir(), mounted: map[string]bool{}, rootless: true}
	const id = "i-1"
	require.NoError(t, m.prepareRootless(id))
	layer := m.layer(id)
	top, upper := filepath.Join(layer, enter.TopDir), filepath.Join(layer, enter.UpperDir)

	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		require.NoError(t, err, p)
		return fi.Mode() & (os.ModePerm | os.ModeSticky | os.ModeSetgid)
	}
	assert.Equal(t, os.FileMode(0o755), mode(top), "the instance's /")
	assert.Equal(t, os.ModeSticky|0o777, mode(filepath.Join(top, "tmp")))
	assert.Equal(t, os.FileMode(0o700), mode(filepath.Join(top, "root")))
	assert.NoDirExists(t, filepath.Join(upper, "tmp"), "/tmp is the instance's own, not over the host's")
	for _, p := range []string{"etc", "usr", "var", "usr/local"} {
		assert.Equal(t, mode("/"+p), mode(filepath.Join(upper, p)), p)
	}
	subs, err := os.ReadDir("/etc")
	require.NoError(t, err)
	for _, s := range subs {
		if s.IsDir() && ownedByRoot("/etc/"+s.Name()) {
			assert.Equal(t, mode("/etc/"+s.Name()), mode(filepath.Join(upper, "etc", s.Name())), "/etc/%s", s.Name())
		}
	}
	assert.NoDirExists(t, filepath.Join(upper, "usr", "bin"), "deeper host folders keep their owner")
	assert.Equal(t, os.ModeSticky|0o777, mode(filepath.Join(upper, "var", "tmp")))
	buf := make([]byte, 4)
	n, err := unix.Getxattr(filepath.Join(upper, "var", "tmp"), rootlessOpaque, buf)
	require.NoError(t, err)
	assert.Equal(t, "y", string(buf[:n]), "/var/tmp hides the host's")

	// The instance chmod'ed /tmp and made a folder in /etc.
	require.NoError(t, os.Chmod(filepath.Join(top, "tmp"), 0o700))
	require.NoError(t, os.Mkdir(filepath.Join(upper, "etc", "mine"), 0o750))
	require.NoError(t, m.prepareRootless(id))
	assert.Equal(t, os.FileMode(0o700), mode(filepath.Join(top, "tmp")), "an existing layer keeps what the instance did")
	assert.Equal(t, os.FileMode(0o750), mode(filepath.Join(upper, "etc", "mine")))
}

// Only root exists in a rootless instance: a run as anyone else is refused, never started as
// someone else.
func TestRootlessCommandMapsOnlyRoot(t *testing.T) {
	t.Parallel()
	m := &Machines{dir: t.TempDir(), mounted: map[string]bool{}, rootless: true, uid: 1234, gid: 5678}
	st, err := m.Command("i-1", Run{Argv: []string{"/bin/sh"}, Dir: "/root", User: Account{Groups: []int{0}}})
	require.NoError(t, err)
	assert.NotZero(t, st.Cloneflags&unix.CLONE_NEWUSER)
	require.Len(t, st.UIDMap, 1)
	assert.Equal(t, 0, st.UIDMap[0].ContainerID)
	assert.Equal(t, 1234, st.UIDMap[0].HostID)
	assert.Equal(t, 1, st.UIDMap[0].Size)
	assert.Equal(t, 5678, st.GIDMap[0].HostID)

	for _, a := range []Account{{UID: 1}, {GID: 2}, {Groups: []int{0, 4}}} {
		_, err := m.Command("i-1", Run{Argv: []string{"/bin/sh"}, Dir: "/", User: a})
		assert.ErrorIs(t, err, ErrUnmapped, "%+v", a)
	}
}
