// Package machine makes each emulated instance a machine view: an overlay root filesystem (the
// host's / read-only underneath, the instance's own writable layer on top) that every run sees
// through its own mount, PID and UTS namespaces (and, on request, an empty network namespace).
//
// A run is started by re-executing the current binary (/proc/self/exe) in new namespaces with
// enterVar set; this package's init function then takes over before any test or main function:
// it mounts /proc, /dev and /sys, masks the emulator's data folder, pivots into the instance's
// root, sets the host name and the user, and executes the script's shell in place. Test binaries
// and the emulator's binary alike work this way, as they all import this package.
package machine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// enterVar carries the JSON entry of a run (entry) to the re-executed binary; it is removed
// from the environment before the script starts.
const enterVar = "CLOUDASSISTANT_EMULATOR_MACHINE_ENTRY"

// entry is what the re-executed binary needs to enter an instance.
type entry struct {
	Root     string   `json:"root"`     // the instance's overlay mount point on the host
	Masks    []string `json:"masks"`    // host paths hidden inside (the emulator's data folder)
	Hostname string   `json:"hostname"` // the instance's host name
	Network  string   `json:"network"`  // NetworkNone brings up the loopback of a new namespace
	UID      int      `json:"uid"`
	GID      int      `json:"gid"`
	Groups   []int    `json:"groups,omitempty"`
	Dir      string   `json:"dir"` // working directory inside the instance
	Argv     []string `json:"argv"`
}

// exitEnterFailed is the exit code of a run whose entry into the instance failed; the message
// is on the run's output.
const exitEnterFailed = 125

func init() {
	spec, ok := os.LookupEnv(enterVar)
	if !ok {
		return
	}
	// Capabilities are per thread: the thread that drops them is the one that executes the
	// script.
	runtime.LockOSThread()
	var e entry
	if err := json.Unmarshal([]byte(spec), &e); err != nil {
		fail(fmt.Errorf("reading the entry: %w", err))
	}
	fail(enter(e)) // enter only returns on failure
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "emulator: entering the instance: %v\n", err)
	os.Exit(exitEnterFailed)
}

// enter runs inside the new namespaces: it builds the instance's view and executes the script.
func enter(e entry) error {
	// Nothing mounted here may reach the host's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mounts private: %w", err)
	}
	if err := mountSystem(e.Root); err != nil {
		return err
	}
	// The layers of every instance live under the data folder, which the host's / (the lower
	// layer) shows: an empty tmpfs hides them.
	for _, mask := range e.Masks {
		err := mountIn(e.Root, mask, "tmpfs", "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k,mode=0755")
		if err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.ENOTDIR) { // not in this instance's view: nothing to hide
			return fmt.Errorf("hiding %s: %w", mask, err)
		}
	}
	// pivot_root, not chroot: root in the instance cannot climb out of a pivoted root.
	if err := unix.Chdir(e.Root); err != nil {
		return fmt.Errorf("entering %s: %w", e.Root, err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the host's root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(e.Hostname)); err != nil {
		return fmt.Errorf("setting the host name: %w", err)
	}
	if e.Network == NetworkNone {
		if err := loopbackUp(); err != nil {
			return fmt.Errorf("bringing up lo: %w", err)
		}
	}
	if err := dropCapabilities(e.Network == NetworkNone); err != nil {
		return err
	}
	// The working directory is entered as root: /root, the default, is closed to other users
	// but still where their scripts start.
	if err := unix.Chdir(e.Dir); err != nil {
		return fmt.Errorf("changing to the working directory %s: %w", e.Dir, err)
	}
	if e.UID != 0 || e.GID != 0 {
		groups := e.Groups
		if groups == nil {
			groups = []int{}
		}
		if err := syscall.Setgroups(groups); err != nil {
			return fmt.Errorf("setting the groups: %w", err)
		}
		if err := syscall.Setgid(e.GID); err != nil {
			return fmt.Errorf("setting the group %d: %w", e.GID, err)
		}
		if err := syscall.Setuid(e.UID); err != nil {
			return fmt.Errorf("setting the user %d: %w", e.UID, err)
		}
	}
	return fmt.Errorf("executing %s: %w", e.Argv[0], syscall.Exec(e.Argv[0], e.Argv, scriptEnv()))
}

// scriptEnv is this process's environment without the entry: the emulator built it for the
// script (and the runner added the run's marker).
func scriptEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, enterVar+"=") {
			env = append(env, kv)
		}
	}
	return env
}

// loopbackUp sets IFF_UP on lo, as a booting machine does; a new network namespace has it down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
