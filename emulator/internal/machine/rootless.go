package machine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine/enter"
)

// ErrUnmapped is the error of a user or group other than root in a rootless instance: its
// user namespace maps one user, the emulator's, as root; no other id exists there.
var ErrUnmapped = errors.New("the emulator runs without root, so an instance has one user only: root (uid 0, gid 0), which is the emulator's own user on this machine; run the emulator as root for other users")

// Rootless reports whether the instances are rootless: this process is not root.
func (m *Machines) Rootless() bool { return m.rootless }

// maps are a rootless run's user and group maps: this process's user and group are root.
func (m *Machines) maps() (uids, gids []syscall.SysProcIDMap) {
	return []syscall.SysProcIDMap{{ContainerID: 0, HostID: m.uid, Size: 1}},
		[]syscall.SysProcIDMap{{ContainerID: 0, HostID: m.gid, Size: 1}}
}

// ownedBelow are the host folders whose subfolders, like the top-level folders themselves,
// belong to a rootless instance's root (an upper folder made for each, see prepareRootless):
// where configuration and state go. Deeper host folders keep their owner: the host's root
// is no user of the namespace, so its files show as nobody's and root in the instance may
// only read them (and replace them in a folder it owns).
var ownedBelow = []string{"etc", "var", "opt", "srv", "usr/local"}

// prepareRootless creates a rootless instance's layer (enter.TopDir, UpperDir, WorkDir) or
// completes an existing one with what the host gained since.
func (m *Machines) prepareRootless(id string) error {
	layer := m.layer(id)
	top, upper := filepath.Join(layer, enter.TopDir), filepath.Join(layer, enter.UpperDir)
	for _, d := range []string{top, upper, filepath.Join(layer, enter.WorkDir), m.Root(id)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := os.Chmod(top, 0o755); err != nil { // the instance's "/"
		return err
	}
	fresh := freshDirs[:0:0]
	for _, d := range freshDirs {
		if !strings.Contains(d.path, "/") {
			fresh = append(fresh, d)
		}
	}
	if err := freshenDirs(top, "", fresh); err != nil { // plain folders of the instance's own
		return err
	}
	// Each host top-level folder's upper folder, and those of ownedBelow's subfolders, exist
	// before the first run with the host folder's mode: an overlay shows a folder with its
	// upper folder's owner, so the instance's root owns them, as root owns them on the host.
	hostTop, err := os.ReadDir("/")
	if err != nil {
		return fmt.Errorf("listing the host's /: %w", err)
	}
	for _, e := range hostTop {
		if e.IsDir() && !inList(e.Name(), enter.FreshTop) {
			if err := mirrorDir(upper, e.Name()); err != nil {
				return err
			}
		}
	}
	// /var/tmp: opaque over the host's, before the loop below would mirror it as a plain folder.
	var nested []struct {
		path string
		mode uint32
	}
	for _, d := range freshDirs {
		if strings.Contains(d.path, "/") {
			nested = append(nested, d)
		}
	}
	if err := freshenDirs(upper, rootlessOpaque, nested); err != nil {
		return err
	}
	for _, p := range ownedBelow {
		if err := mirrorDir(upper, p); err != nil {
			return err
		}
		subs, err := os.ReadDir("/" + p)
		if err != nil {
			continue // this host has no such folder
		}
		for _, s := range subs {
			if s.IsDir() && ownedByRoot("/"+p+"/"+s.Name()) {
				if err := mirrorDir(upper, p+"/"+s.Name()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func inList(name string, list []string) bool {
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

// mirrorDir creates upper/p with the mode of the host's /p, unless the layer has something
// there already (the instance's own folder, or its whiteout of the host's).
func mirrorDir(upper, p string) error {
	dst := filepath.Join(upper, p)
	if _, err := os.Lstat(dst); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	fi, err := os.Stat("/" + p)
	if err != nil || !fi.IsDir() {
		return nil
	}
	if err := os.Mkdir(dst, 0o700); err != nil {
		return err
	}
	return syscall.Chmod(dst, uint32(fi.Mode().Perm())|setBits(fi.Mode()))
}

func setBits(m os.FileMode) uint32 {
	var b uint32
	if m&os.ModeSticky != 0 {
		b |= syscall.S_ISVTX
	}
	if m&os.ModeSetgid != 0 {
		b |= syscall.S_ISGID
	}
	return b
}

func ownedByRoot(p string) bool {
	var st syscall.Stat_t
	return syscall.Stat(p, &st) == nil && st.Uid == 0
}

// openWorkDirs lets a layer's overlay work folders be deleted: an overlay leaves its inner
// work folder with no permissions, which its owner (not root, in a rootless layer) cannot list.
func openWorkDirs(layer string) {
	works, _ := filepath.Glob(filepath.Join(layer, enter.WorkDir, "*", "work"))
	for _, w := range works {
		_ = os.Chmod(w, 0o700)
	}
}

// View opens an instance's files as its scripts see them, until release is called. As root
// it is the instance's mounted root filesystem. A rootless instance's root exists only in a
// user namespace: a holder process builds it there and waits, and the view is its root
// (/proc/<pid>/root), which this process, its namespace's owner, may enter.
func (m *Machines) View(id string) (root *Root, release func(), err error) {
	dir, err := m.Ensure(id)
	if err != nil {
		return nil, nil, err
	}
	if !m.rootless {
		r, err := OpenRoot(dir)
		if err != nil {
			return nil, nil, err
		}
		return r, func() { _ = r.Close() }, nil
	}
	h, err := m.hold(id)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the files of %s: %w", id, err)
	}
	r, err := OpenRoot(fmt.Sprintf("/proc/%d/root/.", h.Process.Pid))
	if err != nil {
		h.release()
		return nil, nil, fmt.Errorf("opening the files of %s: %w", id, err)
	}
	return r, func() { _ = r.Close(); h.release() }, nil
}

// holder is a process keeping a rootless instance's root built.
type holder struct {
	*exec.Cmd
	stdin io.Closer
}

func (h holder) release() {
	_ = h.stdin.Close()
	_ = h.Wait()
}

// hold starts a holder for the instance and waits until its root is built.
func (m *Machines) hold(id string) (holder, error) {
	e := enter.Entry{Root: m.Root(id), Masks: m.masks, Layer: m.layer(id), Hold: true}
	st := Start{Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS}
	st.UIDMap, st.GIDMap = m.maps()
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = []string{enter.Var + "=" + e.Encode()}
	cmd.SysProcAttr = SysProcAttr(st)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return holder{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return holder{}, err
	}
	if err := cmd.Start(); err != nil {
		return holder{}, fmt.Errorf("starting a process in a user namespace: %w", err)
	}
	h := holder{Cmd: cmd, stdin: stdin}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		h.release()
		return holder{}, fmt.Errorf("building the instance's root in a user namespace: %s", strings.TrimSpace(stderr.String()))
	}
	return h, nil
}
