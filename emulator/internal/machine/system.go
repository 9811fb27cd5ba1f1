package machine

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// devices are the host's device files an instance gets, bound into its own /dev; the host's
// disks and the rest stay out of reach.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// mountIn mounts onto the folder p of the instance at root, resolved inside the instance:
// a link a script put in the way (/proc -> /, say) is followed as the instance sees it, never
// onto this machine's folders. The mount goes through the opened folder (/proc/self/fd/N).
func mountIn(root, p, src, fstype string, flags uintptr, data string) error {
	r, err := OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	dir, err := r.Open(p, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := unix.Mount(src, "/proc/self/fd/"+strconv.Itoa(int(dir.Fd())), fstype, flags, data); err != nil {
		return fmt.Errorf("mounting %s on %s: %w", src, p, err)
	}
	return nil
}

// mountSystem gives the instance at root its /proc (of its PID namespace), a read-only /sys
// (of its network namespace) and a minimal /dev.
func mountSystem(root string) error {
	const safe = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	mounts := []struct {
		fstype, dst, data string
		flags             uintptr
	}{
		{"proc", "proc", "", safe},
		{"sysfs", "sys", "", safe | unix.MS_RDONLY},
		{"tmpfs", "dev", "mode=0755,size=64k", unix.MS_NOSUID | unix.MS_NOEXEC},
	}
	for _, m := range mounts {
		if err := mountIn(root, m.dst, m.fstype, m.fstype, m.flags, m.data); err != nil {
			return err
		}
	}
	dev := filepath.Join(root, "dev")
	for _, d := range devices {
		dst := filepath.Join(dev, d)
		if err := os.WriteFile(dst, nil, 0o666); err != nil {
			return fmt.Errorf("creating %s: %w", dst, err)
		}
		if err := unix.Mount("/dev/"+d, dst, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("binding /dev/%s: %w", d, err)
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2", "ptmx": "pts/ptmx"} {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return err
		}
	}
	for _, d := range []string{"shm", "pts"} {
		if err := os.Mkdir(filepath.Join(dev, d), 0o755); err != nil {
			return err
		}
	}
	if err := unix.Mount("tmpfs", filepath.Join(dev, "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
		return fmt.Errorf("mounting /dev/shm: %w", err)
	}
	// Optional: a kernel without devpts instances leaves /dev/pts empty.
	_ = unix.Mount("devpts", filepath.Join(dev, "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
	return nil
}

// keptCapabilities are what root in an instance may still do (the set container runtimes
// keep): own files, change users, kill, bind low ports. Everything that reaches past the
// instance — mounts, modules, raw devices, the clock, file handles of the host — is dropped
// from the bounding set, so no process of the run can ever have it.
var keptCapabilities = map[int]bool{
	unix.CAP_CHOWN: true, unix.CAP_DAC_OVERRIDE: true, unix.CAP_FOWNER: true, unix.CAP_FSETID: true,
	unix.CAP_KILL: true, unix.CAP_SETGID: true, unix.CAP_SETUID: true, unix.CAP_SETPCAP: true,
	unix.CAP_SETFCAP: true, unix.CAP_NET_BIND_SERVICE: true, unix.CAP_NET_RAW: true,
	unix.CAP_SYS_CHROOT: true, unix.CAP_AUDIT_WRITE: true,
}

// dropCapabilities empties the bounding set but for keptCapabilities (and CAP_NET_ADMIN in a
// network namespace of the run's own).
func dropCapabilities(ownNetwork bool) error {
	for c := 0; c <= unix.CAP_LAST_CAP; c++ {
		if keptCapabilities[c] || (ownNetwork && c == unix.CAP_NET_ADMIN) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("dropping capability %d: %w", c, err)
		}
	}
	return nil
}
