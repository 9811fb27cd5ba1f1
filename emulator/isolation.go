package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
)

// openMachines prepares the instances' machine views in dir, or answers nil with
// IsolationNone. A failure names its cause and the way out, and the emulator does not start:
// running scripts on this machine instead must be asked for.
func (s *Server) openMachines(dir string) (*machine.Machines, error) {
	switch s.opts.InstanceNetwork {
	case "", NetworkHost, NetworkNone:
	default:
		return nil, fmt.Errorf("--instance-network %q is not %s or %s", s.opts.InstanceNetwork, NetworkHost, NetworkNone)
	}
	switch s.opts.Isolation {
	case IsolationNone:
		if s.opts.InstanceNetwork != "" && s.opts.InstanceNetwork != NetworkHost {
			return nil, fmt.Errorf("--instance-network %s needs --isolation %s: without isolation scripts use this machine's network", s.opts.InstanceNetwork, IsolationMachine)
		}
		return nil, nil
	case "", IsolationMachine:
	default:
		return nil, fmt.Errorf("--isolation %q is not %s or %s", s.opts.Isolation, IsolationMachine, IsolationNone)
	}
	// Hidden inside every instance: the folders holding the emulator's state and the layers.
	masks := []string{dir}
	for _, d := range []string{s.opts.DataDir, s.tempDir} {
		if d != "" {
			if abs, err := filepath.Abs(d); err == nil {
				masks = append(masks, abs)
			}
		}
	}
	sweepAbandoned()
	m, err := machine.New(dir, s.opts.InstanceNetwork, masks)
	if err != nil {
		return nil, fmt.Errorf("instances cannot be isolated here: %w; start the emulator with --isolation %s (Options.Isolation = %q) to run scripts on this machine in a directory per instance instead", err, IsolationNone, IsolationNone)
	}
	return m, nil
}

// tempPrefix names a temporary emulator's folder (os.MkdirTemp in open).
const tempPrefix = "cloudassistant-emulator-"

// sweepAbandoned detaches and deletes what temporary emulators killed without closing left:
// their instances' mounts stay otherwise, one set per crashed test process. A folder is
// abandoned when nobody holds its store open any more (bbolt locks state.db while open).
func sweepAbandoned() {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	tmp := filepath.Clean(os.TempDir()) + "/"
	abandoned := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[4], tmp+tempPrefix) {
			continue
		}
		folder := filepath.Join(tmp, strings.SplitN(f[4][len(tmp):], "/", 2)[0])
		gone, seen := abandoned[folder]
		if !seen {
			gone = !storeInUse(filepath.Join(folder, "state.db"))
			abandoned[folder] = gone
		}
		if gone {
			_ = unix.Unmount(f[4], unix.MNT_DETACH)
		}
	}
	for folder, gone := range abandoned {
		if gone {
			_ = os.RemoveAll(folder)
		}
	}
}

// storeInUse reports whether a live process holds the store file locked.
func storeInUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true
	}
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return false
}
