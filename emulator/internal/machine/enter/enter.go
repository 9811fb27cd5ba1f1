package enter

import (
	"runtime"
	"strconv"
	"syscall"
	"unsafe"
)

// ExitFailed is the exit code of a run whose entry into the instance failed; the reason is
// on the run's output.
const ExitFailed = 125

func init() {
	v, ok := syscall.Getenv(Var)
	if !ok {
		return
	}
	// Capabilities are per thread: the thread that drops them is the one that executes the
	// script.
	runtime.LockOSThread()
	e, bad := Decode(v)
	if bad != "" {
		fail(bad)
	}
	fail(run(e)) // run only returns on failure
}

func fail(why string) {
	_, _ = syscall.Write(2, []byte("emulator: entering the instance: "+why+"\n"))
	syscall.Exit(ExitFailed)
}

// failed describes a failed step.
func failed(what string, err error) string { return what + ": " + err.Error() }

// run builds the instance's view and executes the script: it runs inside the new namespaces.
func run(e Entry) string {
	// Nothing mounted here may reach the host's mount namespace.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return failed("making the mounts private", err)
	}
	var root int
	if e.Layer != "" {
		var why string
		if root, why = buildRootless(e); why != "" {
			return why
		}
	} else {
		var err error
		if root, err = syscall.Open(e.Root, oPath|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0); err != nil {
			return failed("opening "+e.Root, err)
		}
	}
	if !e.Hold {
		if why := mountSystem(root, e.Layer != ""); why != "" {
			return why
		}
	}
	// Every instance's layer lives under the data folder, which the host's / (the lower
	// layer) shows: an empty tmpfs hides it. A folder the instance does not show needs nothing.
	for _, mask := range e.Masks {
		err := mountIn(root, mask, "tmpfs", "tmpfs", syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "size=4k,mode=0755")
		if err != nil && err != syscall.ENOENT && err != syscall.ENOTDIR {
			return failed("hiding "+mask, err)
		}
	}
	_ = syscall.Close(root)
	// pivot_root, not chroot: root in the instance cannot climb out of a pivoted root.
	if err := syscall.Chdir(e.Root); err != nil {
		return failed("entering "+e.Root, err)
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return failed("pivot_root", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return failed("detaching the host's root", err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return failed("entering /", err)
	}
	if e.Hold {
		hold() // does not return
	}
	if err := syscall.Sethostname([]byte(e.Hostname)); err != nil {
		return failed("setting the host name", err)
	}
	if e.OwnNet {
		if err := loopbackUp(); err != nil {
			return failed("bringing up lo", err)
		}
	}
	if err := dropCapabilities(e.OwnNet); err != nil {
		return failed("dropping capabilities", err)
	}
	// The working directory is entered as root: /root, the default, is closed to other users
	// but still where their scripts start.
	if err := syscall.Chdir(e.Dir); err != nil {
		return failed("changing to the working directory "+e.Dir, err)
	}
	if e.UID != 0 || e.GID != 0 {
		groups := e.Groups
		if groups == nil {
			groups = []int{}
		}
		if err := syscall.Setgroups(groups); err != nil {
			return failed("setting the groups", err)
		}
		if err := syscall.Setgid(e.GID); err != nil {
			return failed("setting the group "+strconv.Itoa(e.GID), err)
		}
		if err := syscall.Setuid(e.UID); err != nil {
			return failed("setting the user "+strconv.Itoa(e.UID), err)
		}
	}
	return failed("executing "+e.Argv[0], syscall.Exec(e.Argv[0], e.Argv, scriptEnv()))
}

// scriptEnv is this process's environment without the entry: the emulator built it for the
// script (and the runner added the run's marker).
func scriptEnv() []string {
	var env []string
	for _, kv := range syscall.Environ() {
		if len(kv) <= len(Var) || kv[:len(Var)+1] != Var+"=" {
			env = append(env, kv)
		}
	}
	return env
}

// openat2 (RESOLVE_IN_ROOT) is not in package syscall; its number is the same on every
// architecture (new system calls share one table).
const (
	sysOpenat2          = 437
	oPath               = 0x200000 // O_PATH: the same on every architecture Go runs Linux on but alpha, sparc, parisc
	resolveNoMagiclinks = 0x02
	resolveInRoot       = 0x10
)

type openHow struct{ flags, mode, resolve uint64 }

// openIn opens p inside the folder root as if root were "/": no "..", absolute link or link
// swapped in meanwhile leads out of it.
func openIn(root int, p string, flags int) (int, error) {
	path, err := syscall.BytePtrFromString(p)
	if err != nil {
		return -1, err
	}
	how := openHow{flags: uint64(flags | syscall.O_CLOEXEC), resolve: resolveInRoot | resolveNoMagiclinks}
	for {
		fd, _, errno := syscall.Syscall6(sysOpenat2, uintptr(root), uintptr(unsafe.Pointer(path)),
			uintptr(unsafe.Pointer(&how)), unsafe.Sizeof(how), 0, 0)
		if errno == syscall.EAGAIN || errno == syscall.EINTR { // a rename raced the walk
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(fd), nil
	}
}

// mountIn mounts onto the folder p of the instance, resolved inside it: a link a script put in
// the way (/proc -> /, say) is followed as the instance sees it, never onto this machine's
// folders. The mount goes through the opened folder (/proc/self/fd/N).
func mountIn(root int, p, src, fstype string, flags uintptr, data string) error {
	dir, err := openIn(root, p, oPath|syscall.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer syscall.Close(dir)
	return syscall.Mount(src, "/proc/self/fd/"+strconv.Itoa(dir), fstype, flags, data)
}
