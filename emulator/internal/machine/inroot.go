package machine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Root is an open folder that paths are resolved in as if it were "/": no "..", absolute
// link or link swapped in during the walk leads out of it (openat2 RESOLVE_IN_ROOT).
type Root struct{ f *os.File }

// OpenRoot opens dir as a Root. dir itself must not be a symbolic link: an instance that
// replaced its folder with one must not redirect what the emulator writes.
func OpenRoot(dir string) (*Root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &Root{f: os.NewFile(uintptr(fd), dir)}, nil
}

// Close releases the root.
func (r *Root) Close() error { return r.f.Close() }

// Open opens p (absolute or relative, always inside the root) with open(2) flags.
func (r *Root) Open(p string, flags int, mode uint32) (*os.File, error) {
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Mode:    uint64(mode),
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	}
	if flags&unix.O_CREAT == 0 {
		how.Mode = 0
	}
	for {
		fd, err := unix.Openat2(int(r.f.Fd()), p, &how)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) { // a rename raced the walk
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: p, Err: err}
		}
		return os.NewFile(uintptr(fd), p), nil
	}
}

// ReadFile reads the file at p inside the root.
func (r *Root) ReadFile(p string) ([]byte, error) {
	f, err := r.Open(p, unix.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Stat describes p inside the root, following links inside it.
func (r *Root) Stat(p string) (os.FileInfo, error) {
	f, err := r.Open(p, unix.O_PATH, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// MkdirAll creates the folder p and its missing parents inside the root (mode perm, as mkdir
// -p under root's umask) and returns it open. Each missing element is created by name in its
// opened parent, so a link in its place is found, not followed out.
func (r *Root) MkdirAll(p string, perm uint32) (*os.File, error) {
	clean := path.Clean("/" + p)
	dir, err := r.Open(clean, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err == nil || !errors.Is(err, unix.ENOENT) || clean == "/" {
		return dir, err
	}
	parent, err := r.MkdirAll(path.Dir(clean), perm)
	if err != nil {
		return nil, err
	}
	defer parent.Close()
	name := path.Base(clean)
	if err := unix.Mkdirat(int(parent.Fd()), name, perm); err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, &os.PathError{Op: "mkdir", Path: clean, Err: err}
	}
	return r.Open(clean, unix.O_PATH|unix.O_DIRECTORY, 0)
}

// Account is a user of an instance: its ids and home folder.
type Account struct {
	UID, GID int
	Groups   []int
	Home     string
}

// ErrNoAccount is the error of a user or group an instance does not have.
var ErrNoAccount = errors.New("no such account")

// LookupUser reads name's account from the instance's /etc/passwd and /etc/group.
func (r *Root) LookupUser(name string) (Account, error) {
	b, err := r.ReadFile("/etc/passwd")
	if err != nil {
		return Account{}, fmt.Errorf("reading /etc/passwd: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 7 || f[0] != name {
			continue
		}
		a := Account{Home: f[5]}
		if _, err := fmt.Sscan(f[2], &a.UID); err != nil {
			return Account{}, fmt.Errorf("user %s: uid %q: %w", name, f[2], err)
		}
		if _, err := fmt.Sscan(f[3], &a.GID); err != nil {
			return Account{}, fmt.Errorf("user %s: gid %q: %w", name, f[3], err)
		}
		a.Groups = r.memberOf(name, a.GID)
		return a, nil
	}
	return Account{}, fmt.Errorf("user %s: %w", name, ErrNoAccount)
}

// memberOf lists gid and the groups of /etc/group that list name as a member.
func (r *Root) memberOf(name string, gid int) []int {
	out := []int{gid}
	b, err := r.ReadFile("/etc/group")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		for _, m := range strings.Split(f[3], ",") {
			var g int
			if m == name {
				if _, err := fmt.Sscan(f[2], &g); err == nil && g != gid {
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// LookupGroup reads a group's id from the instance's /etc/group.
func (r *Root) LookupGroup(name string) (int, error) {
	b, err := r.ReadFile("/etc/group")
	if err != nil {
		return 0, fmt.Errorf("reading /etc/group: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 || f[0] != name {
			continue
		}
		var gid int
		if _, err := fmt.Sscan(f[2], &gid); err != nil {
			return 0, fmt.Errorf("group %s: gid %q: %w", name, f[2], err)
		}
		return gid, nil
	}
	return 0, fmt.Errorf("group %s: %w", name, ErrNoAccount)
}
