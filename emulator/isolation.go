package emulator

import (
	"fmt"
	"path/filepath"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/machine"
)

// openMachines prepares the instances' machine views in dir, or answers nil with
// IsolationNone. A failure names its cause and the way out, and the emulator does not start:
// running scripts on this machine instead must be asked for.
func (s *Server) openMachines(dir string) (*machine.Machines, error) {
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
	m, err := machine.New(dir, s.opts.InstanceNetwork, masks)
	if err != nil {
		return nil, fmt.Errorf("instances cannot be isolated here: %w; start the emulator with --isolation %s (Options.Isolation = %q) to run scripts on this machine in a directory per instance instead", err, IsolationNone, IsolationNone)
	}
	return m, nil
}
