package machine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine/enter"
)

// The values of --instance-network.
const (
	// NetworkHost shares the host's network: a script reaches what this machine reaches.
	NetworkHost = "host"
	// NetworkNone gives each run an empty network namespace with only its loopback up.
	NetworkNone = "none"
)

// layersDir is where, under the machines' folder, each instance's upper and work directories
// live; the instance's mount point is <folder>/<instance-id>.
const layersDir = ".layers"

// freshDirs start empty in every instance (an opaque directory in the layer hides the host's):
// the host's temporary files and home folders are not the instance's business.
var freshDirs = []struct {
	path string
	mode uint32 // chmod's bits: os.FileMode would take 0o1000 for something else than sticky
}{{"tmp", 0o1777}, {"var/tmp", 0o1777}, {"root", 0o700}, {"home", 0o755}}

// Machines are the instances' root filesystems under one folder, each an overlay mounted on
// first use and kept mounted until Unmount, Remove or Close.
type Machines struct {
	dir     string
	network string
	masks   []string
	// rootless: this process is not root; each run is in a user namespace of its own where
	// this process's user (uid, gid) is root, and builds its instance's root itself
	// (rootless.go).
	rootless bool
	uid, gid int

	mu      sync.Mutex
	mounted map[string]bool
}

// New checks that this process can build machine views (root, overlayfs, namespaces) in dir,
// which must exist, and returns the machines kept there. masks are host folders (the emulator's
// data folder) hidden inside every instance. The error names the cause; the caller adds what
// the user can do about it.
func New(dir, network string, masks []string) (*Machines, error) {
	switch network {
	case "", NetworkHost:
		network = NetworkHost
	case NetworkNone:
	default:
		return nil, fmt.Errorf("instance network %q is not %s or %s", network, NetworkHost, NetworkNone)
	}
	if strings.ContainsAny(dir, ",:\\") {
		return nil, fmt.Errorf("the folder %s has a character an overlay mount option cannot carry (, : \\)", dir)
	}
	m := &Machines{dir: dir, network: network, masks: masks, mounted: map[string]bool{},
		rootless: os.Geteuid() != 0, uid: os.Geteuid(), gid: os.Getegid()}
	if err := m.probe(); err != nil {
		return nil, err
	}
	if err := m.sweep(); err != nil {
		return nil, err
	}
	return m, nil
}

// sweep detaches the root filesystems an emulator killed without closing left mounted in the
// folder: they are mounted again on first use, and Close then finds every one it must unmount.
func (m *Machines) sweep() error {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("reading the mounts: %w", err)
	}
	prefix := filepath.Clean(m.dir) + "/"
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[4], prefix) || strings.Contains(f[4][len(prefix):], "/") {
			continue
		}
		if err := unix.Unmount(f[4], unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("detaching %s, left mounted by an emulator that did not close: %w", f[4], err)
		}
	}
	return nil
}

// Root is where an instance's root filesystem is mounted on this machine.
func (m *Machines) Root(id string) string { return filepath.Join(m.dir, id) }

func (m *Machines) layer(id string) string { return filepath.Join(m.dir, layersDir, id) }

// Ensure mounts the instance's root filesystem if it is not mounted yet, creating its layer
// on first use, and returns its mount point.
func (m *Machines) Ensure(id string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	root := m.Root(id)
	if m.mounted[id] {
		return root, nil
	}
	if m.rootless {
		if err := m.prepareRootless(id); err != nil {
			return "", fmt.Errorf("creating the layer of %s: %w", id, err)
		}
		m.mounted[id] = true
		return root, nil
	}
	layer := m.layer(id)
	upper, work := filepath.Join(layer, "upper"), filepath.Join(layer, "work")
	for _, d := range []string{upper, work, root} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", fmt.Errorf("creating the layer of %s: %w", id, err)
		}
	}
	// The upper directory is the instance's "/": open to its users like any root directory
	// (the layers folder above it stays closed to this machine's).
	if err := os.Chmod(upper, 0o755); err != nil {
		return "", fmt.Errorf("creating the layer of %s: %w", id, err)
	}
	if err := freshen(upper, rootfulOpaque); err != nil {
		return "", fmt.Errorf("creating the layer of %s: %w", id, err)
	}
	if !isOverlay(root) { // a crashed emulator may have left it mounted: then it is reused
		opts := "lowerdir=/,upperdir=" + upper + ",workdir=" + work
		if err := unix.Mount("overlay", root, "overlay", 0, opts); err != nil {
			return "", fmt.Errorf("mounting the root filesystem of %s: %w", id, err)
		}
	}
	m.mounted[id] = true
	return root, nil
}

// The attribute that makes an upper folder opaque: trusted.* as root, user.* in a user
// namespace (the overlay's userxattr option).
const (
	rootfulOpaque  = "trusted.overlay.opaque"
	rootlessOpaque = "user.overlay.opaque"
)

// freshen makes freshDirs opaque in a new upper directory; an existing layer keeps what the
// instance did with them.
func freshen(upper, opaque string) error {
	return freshenDirs(upper, opaque, freshDirs)
}

func freshenDirs(upper, opaque string, dirs []struct {
	path string
	mode uint32
}) error {
	for _, d := range dirs {
		p := filepath.Join(upper, d.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := unix.Mkdir(p, 0o700); errors.Is(err, unix.EEXIST) {
			continue
		} else if err != nil {
			return err
		}
		if err := unix.Chmod(p, d.mode); err != nil { // not through the umask
			return err
		}
		if opaque == "" {
			continue
		}
		if err := unix.Setxattr(p, opaque, []byte("y"), 0); err != nil {
			return fmt.Errorf("marking %s opaque: %w", p, err)
		}
	}
	return nil
}

// isOverlay reports whether p is an overlay mount.
func isOverlay(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Type == unix.OVERLAYFS_SUPER_MAGIC
}

// Unmount detaches an instance's root filesystem, keeping its layer.
func (m *Machines) Unmount(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.unmountLocked(id)
}

func (m *Machines) unmountLocked(id string) error {
	delete(m.mounted, id)
	root := m.Root(id)
	for isOverlay(root) {
		if err := unix.Unmount(root, unix.MNT_DETACH); err != nil {
			return fmt.Errorf("unmounting the root filesystem of %s: %w", id, err)
		}
	}
	return nil
}

// Remove unmounts an instance's root filesystem and deletes its layer: what the instance
// wrote is gone, as with a released machine's disk.
func (m *Machines) Remove(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.unmountLocked(id); err != nil {
		return err // never delete under a mount point that is still mounted
	}
	if err := os.Remove(m.Root(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	openWorkDirs(m.layer(id))
	return os.RemoveAll(m.layer(id))
}

// Discard unmounts and deletes every instance's root filesystem kept in the folder: a
// temporary emulator leaves nothing behind.
func (m *Machines) Discard() error {
	errs := []error{m.Close()}
	entries, err := os.ReadDir(filepath.Join(m.dir, layersDir))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return errors.Join(append(errs, err)...)
	}
	for _, e := range entries {
		errs = append(errs, m.Remove(e.Name()))
	}
	if len(entries) > 0 {
		errs = append(errs, os.Remove(filepath.Join(m.dir, layersDir)))
	}
	return errors.Join(errs...)
}

// Close unmounts every root filesystem this process mounted; the layers stay.
func (m *Machines) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for id := range m.mounted {
		errs = append(errs, m.unmountLocked(id))
	}
	return errors.Join(errs...)
}

// Run is one script to start in an instance.
type Run struct {
	Argv []string
	Env  []string
	Dir  string // working directory inside the instance
	User Account
}

// Start is how to start a Run: re-execute this binary (Argv) with Env in new namespaces
// (Cloneflags; with a user namespace, UIDMap and GIDMap). It is the runner's Spec in other
// words.
type Start struct {
	Argv           []string
	Env            []string
	Cloneflags     uintptr
	UIDMap, GIDMap []syscall.SysProcIDMap
}

// Hostname is the host name of an instance, as ECS names one by default: iZ<id without i->Z.
func Hostname(id string) string {
	h := "iZ" + strings.TrimPrefix(id, "i-") + "Z"
	if len(h) > 64 {
		h = h[:64]
	}
	return h
}

// Command builds the start of r in instance id, whose root filesystem must be mounted.
func (m *Machines) Command(id string, r Run) (Start, error) {
	e := enter.Entry{
		Root: m.Root(id), Masks: m.masks, Hostname: Hostname(id), OwnNet: m.network == NetworkNone,
		UID: r.User.UID, GID: r.User.GID, Groups: r.User.Groups, Dir: r.Dir, Argv: r.Argv,
	}
	flags := uintptr(syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC)
	if e.OwnNet {
		flags |= syscall.CLONE_NEWNET
	}
	st := Start{Argv: []string{"/proc/self/exe"}, Cloneflags: flags}
	if m.rootless {
		if e.UID != 0 || e.GID != 0 || len(e.Groups) > 1 || (len(e.Groups) == 1 && e.Groups[0] != 0) {
			return Start{}, ErrUnmapped
		}
		e.Groups = nil
		e.Layer = m.layer(id)
		st.Cloneflags |= syscall.CLONE_NEWUSER
		st.UIDMap, st.GIDMap = m.maps()
	}
	st.Env = append(append([]string(nil), r.Env...), enter.Var+"="+e.Encode())
	return st, nil
}
