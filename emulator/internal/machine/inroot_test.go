package machine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Whatever a path or a link says, Root resolves it inside the root.
func TestRootKeepsPathsInside(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "abs")))      // absolute, out
	require.NoError(t, os.Symlink("../../../..", filepath.Join(root, "up"))) // relative, out
	require.NoError(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.Symlink("/etc", filepath.Join(root, "etclink"))) // absolute, in

	r, err := OpenRoot(root)
	require.NoError(t, err)
	defer r.Close()
	for _, p := range []string{"/../../x", "up/x", "etclink/sub/x"} {
		d, err := r.MkdirAll(p, 0o755)
		require.NoError(t, err, p)
		_ = d.Close()
	}
	for _, p := range []string{"x", "etc/sub/x"} {
		fi, err := os.Stat(filepath.Join(root, p))
		require.NoError(t, err, p)
		assert.True(t, fi.IsDir(), p)
	}
	// A link to a folder the root does not have is not a folder inside: mkdir -p fails.
	_, err = r.MkdirAll("abs/sub", 0o755)
	assert.ErrorIs(t, err, unix.ENOENT)
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing outside")

	// The root itself may not be a link.
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(root, link))
	_, err = OpenRoot(link)
	assert.ErrorIs(t, err, unix.ENOTDIR, "O_NOFOLLOW|O_DIRECTORY refuses the link")
}

func TestLookupAccountsInsideTheRoot(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/srv/app:/bin/sh\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "group"), []byte("root:x:0:\napp:x:1002:\nweb:x:1003:other,app\n"), 0o644))
	r, err := OpenRoot(root)
	require.NoError(t, err)
	defer r.Close()
	a, err := r.LookupUser("app")
	require.NoError(t, err)
	assert.Equal(t, Account{UID: 1001, GID: 1002, Groups: []int{1002, 1003}, Home: "/srv/app"}, a)
	_, err = r.LookupUser("nobody-here")
	assert.ErrorIs(t, err, ErrNoAccount)
	gid, err := r.LookupGroup("web")
	require.NoError(t, err)
	assert.Equal(t, 1003, gid)
	_, err = r.LookupGroup("none")
	assert.ErrorIs(t, err, ErrNoAccount)
}
