package enter

import (
	"syscall"
	"unsafe"
)

// A rootless instance's layer folder holds (package machine creates them):
const (
	// TopDir is the instance's "/": the mount points of the host's top-level folders, the
	// instance's own top-level folders (FreshTop, and any a script makes) and the links.
	TopDir = "top"
	// UpperDir holds one overlay upper folder per host top-level folder (upper/etc, …).
	UpperDir = "upper"
	// WorkDir holds the overlays' work folders, one per upper folder.
	WorkDir = "work"
)

// FreshTop are the top-level folders a rootless instance keeps in its top folder instead of
// over the host's: they start empty, as on a new machine.
var FreshTop = []string{"tmp", "root", "home"}

// systemTop get file systems of their own (mountSystem), never the host's through an overlay.
var systemTop = []string{"proc", "sys", "dev"}

func in(name string, list []string) bool {
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

// buildRootless builds a rootless instance's root on e.Root, in a user namespace where the
// emulator's user is root. An overlay of "/" cannot be mounted there (the host's / has
// submounts — /proc, /sys, /dev — that a user namespace may not clone), so the root is the
// instance's top folder with one overlay per host top-level folder over it: the host's folder
// read-only below, the instance's upper folder on top (userxattr: the overlay keeps its
// whiteouts and opaque marks in user.* attributes, the only ones a user namespace may set).
// It returns the opened root.
func buildRootless(e Entry) (int, string) {
	if err := syscall.Mount(e.Layer+"/"+TopDir, e.Root, "", syscall.MS_BIND, ""); err != nil {
		return -1, failed("binding the instance's top folder", err)
	}
	root, err := syscall.Open(e.Root, oPath|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, failed("opening "+e.Root, err)
	}
	names, err := readDir("/")
	if err != nil {
		return -1, failed("listing the host's /", err)
	}
	for _, name := range names {
		if in(name, FreshTop) {
			continue
		}
		var st syscall.Stat_t
		if syscall.Lstat("/"+name, &st) != nil {
			continue
		}
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFLNK: // bin -> usr/bin: the same link, unless the instance put something there
			if target, err := readlink("/" + name); err == nil {
				_ = symlinkat(target, root, name)
			}
		case syscall.S_IFDIR:
			if why := topFolder(e, root, name, st.Mode&0o7777); why != "" {
				return -1, why
			}
		}
		// Files at the top of the host's / (rare, and nothing a machine relies on) stay out.
	}
	return root, ""
}

// topFolder makes the host's top-level folder name the instance's: a mount point in the top
// folder, with an overlay over it (or, for /proc, /sys and /dev, nothing yet: mountSystem).
func topFolder(e Entry, root int, name string, mode uint32) string {
	if err := mkdirat(root, name, 0o755); err != nil && err != syscall.EEXIST {
		return failed("creating /"+name, err)
	}
	if in(name, systemTop) {
		return ""
	}
	upper, work := e.Layer+"/"+UpperDir+"/"+name, e.Layer+"/"+WorkDir+"/"+name
	for _, d := range []string{upper, work} {
		if err := syscall.Mkdir(d, mode|0o700); err != nil && err != syscall.EEXIST {
			return failed("creating the layer of /"+name, err)
		}
	}
	if !optionSafe(name) { // an overlay option cannot carry it: stays empty
		return ""
	}
	opts := "lowerdir=/" + name + ",upperdir=" + upper + ",workdir=" + work + ",userxattr"
	if err := mountIn(root, name, "overlay", "overlay", 0, opts); err != nil {
		// A host folder with mounts under it (/mnt holding a mount, say) cannot be a lower
		// layer in a user namespace: the instance sees an empty, read-only folder instead.
		if err := mountIn(root, name, "tmpfs", "tmpfs", syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, "size=4k,mode=0755"); err != nil {
			return failed("mounting /"+name, err)
		}
	}
	return ""
}

// optionSafe reports whether name can go in an overlay's mount options.
func optionSafe(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case ',', ':', '\\', '=':
			return false
		}
	}
	return true
}

// readDir lists the names in dir.
func readDir(dir string) ([]string, error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return names, nil
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
}

func readlink(p string) (string, error) {
	buf := make([]byte, 4096)
	n, err := syscall.Readlink(p, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// mkdirat and symlinkat make name in the opened folder dir: a single name, nothing to follow.
func mkdirat(dir int, name string, mode uint32) error { return syscall.Mkdirat(dir, name, mode) }

func symlinkat(target string, dir int, name string) error {
	t, err := syscall.BytePtrFromString(target)
	if err != nil {
		return err
	}
	n, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	_, _, errno := syscall.Syscall(syscall.SYS_SYMLINKAT, uintptr(unsafe.Pointer(t)), uintptr(dir), uintptr(unsafe.Pointer(n)))
	if errno != 0 {
		return errno
	}
	return nil
}

// hold tells the emulator the instance's files are ready (a line on standard output) and
// waits until it closes standard input.
func hold() {
	_, _ = syscall.Write(1, []byte("ready\n"))
	buf := make([]byte, 64)
	for {
		n, err := syscall.Read(0, buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 || err != nil {
			syscall.Exit(0)
		}
	}
}
