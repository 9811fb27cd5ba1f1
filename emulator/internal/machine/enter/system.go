package enter

import (
	"strconv"
	"syscall"
	"unsafe"
)

// devices are the host's device files an instance gets, bound into its own /dev; the host's
// disks and the rest stay out of reach.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// mountSystem gives the instance its /proc (of its PID namespace), a read-only /sys (of its
// network namespace) and a minimal /dev.
//
// A rootless run may not mount a sysfs for the host's network namespace (a user namespace may
// only mount the sysfs of a network namespace it owns): it gets the host's /sys, bound.
func mountSystem(root int, rootless bool) string {
	const safe = syscall.MS_NOSUID | syscall.MS_NODEV | syscall.MS_NOEXEC
	for _, m := range []struct {
		fstype, dst, data string
		flags             uintptr
	}{
		{"proc", "proc", "", safe},
		{"sysfs", "sys", "", safe | syscall.MS_RDONLY},
		{"tmpfs", "dev", "mode=0755,size=64k", syscall.MS_NOSUID | syscall.MS_NOEXEC},
	} {
		err := mountIn(root, m.dst, m.fstype, m.fstype, m.flags, m.data)
		if err == syscall.EPERM && rootless && m.fstype == "sysfs" {
			err = mountIn(root, m.dst, "/sys", "", syscall.MS_BIND|syscall.MS_REC, "")
			if err == nil { // read-only like an own sysfs; the mounts under it keep their flags
				err = mountIn(root, m.dst, "", "", syscall.MS_BIND|syscall.MS_REMOUNT|m.flags, "")
			}
		}
		if err != nil {
			return failed("mounting "+m.fstype+" on /"+m.dst, err)
		}
	}
	// The tmpfs just mounted is the emulator's own: paths inside it are safe to use.
	devfd, err := openIn(root, "dev", oPath|syscall.O_DIRECTORY)
	if err != nil {
		return failed("opening /dev", err)
	}
	defer syscall.Close(devfd)
	dev := "/proc/self/fd/" + strconv.Itoa(devfd) + "/"
	for _, d := range devices {
		fd, err := syscall.Open(dev+d, syscall.O_CREAT|syscall.O_WRONLY|syscall.O_CLOEXEC, 0o666)
		if err != nil {
			return failed("creating /dev/"+d, err)
		}
		_ = syscall.Close(fd)
		if err := syscall.Mount("/dev/"+d, dev+d, "", syscall.MS_BIND, ""); err != nil {
			return failed("binding /dev/"+d, err)
		}
	}
	for _, l := range [][2]string{{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"}} {
		if err := syscall.Symlink(l[1], dev+l[0]); err != nil {
			return failed("linking /dev/"+l[0], err)
		}
	}
	for _, d := range []string{"shm", "pts"} {
		if err := syscall.Mkdir(dev+d, 0o755); err != nil {
			return failed("creating /dev/"+d, err)
		}
	}
	if err := syscall.Mount("tmpfs", dev+"shm", "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=1777"); err != nil {
		return failed("mounting /dev/shm", err)
	}
	// Optional: a kernel without devpts instances leaves /dev/pts empty.
	_ = syscall.Mount("devpts", dev+"pts", "devpts", syscall.MS_NOSUID|syscall.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
	return ""
}

// Capability numbers (linux/capability.h): package syscall does not name them.
const (
	capChown, capDacOverride, capFowner, capFsetid, capKill = 0, 1, 3, 4, 5
	capSetgid, capSetuid, capSetpcap, capNetBindService     = 6, 7, 8, 10
	capNetAdmin, capNetRaw, capSysChroot, capAuditWrite     = 12, 13, 18, 29
	capSetfcap                                              = 31
	prCapbsetDrop                                           = 24
	// capLast bounds the loop; a kernel that knows fewer answers EINVAL past its last.
	capLast = 63
)

// KeptCapabilities are what root in an instance may still do (the set container runtimes
// keep): own files, change users, kill, bind low ports, raw sockets. Everything that reaches
// past the instance — mounts, modules, raw devices, the clock, file handles of the host — is
// dropped from the bounding set, so no process of the run can ever have it.
var KeptCapabilities = map[int]bool{
	capChown: true, capDacOverride: true, capFowner: true, capFsetid: true, capKill: true,
	capSetgid: true, capSetuid: true, capSetpcap: true, capSetfcap: true,
	capNetBindService: true, capNetRaw: true, capSysChroot: true, capAuditWrite: true,
}

// dropCapabilities empties the bounding set but for KeptCapabilities (and CAP_NET_ADMIN in a
// network namespace of the run's own).
func dropCapabilities(ownNetwork bool) error {
	for c := 0; c <= capLast; c++ {
		if KeptCapabilities[c] || (ownNetwork && c == capNetAdmin) {
			continue
		}
		if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prCapbsetDrop, uintptr(c), 0); errno != 0 {
			if errno == syscall.EINVAL {
				break // past the kernel's last capability
			}
			return errno
		}
	}
	return nil
}

// ifreq is struct ifreq with the flags member of its union.
type ifreq struct {
	name  [syscall.IFNAMSIZ]byte
	flags uint16
	_     [22]byte
}

// loopbackUp sets IFF_UP on lo, as a booting machine does; a new network namespace has it down.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var req ifreq
	copy(req.name[:], "lo")
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&req))); errno != 0 {
		return errno
	}
	req.flags |= syscall.IFF_UP
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&req))); errno != 0 {
		return errno
	}
	return nil
}
