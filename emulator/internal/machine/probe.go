package machine

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// probe starts a real run in a throw-away instance: it fails, with the step that failed, where
// this process lacks root, overlayfs or namespaces.
func (m *Machines) probe() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("the emulator runs as uid %d: mounting an instance's overlay root needs root", os.Geteuid())
	}
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		return fmt.Errorf("/proc is not mounted: %w", err)
	}
	tmp, err := os.MkdirTemp(m.dir, ".probe-")
	if err != nil {
		return fmt.Errorf("creating a probe folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	probe := &Machines{dir: tmp, network: m.network, masks: m.masks, mounted: map[string]bool{}}
	const id = "probe"
	if _, err := probe.Ensure(id); err != nil {
		return err
	}
	defer probe.Close()
	st, err := probe.Command(id, Run{Argv: []string{"/bin/sh", "-c", "hostname"}, Dir: "/"})
	if err != nil {
		return err
	}
	cmd := exec.Command(st.Argv[0], st.Argv[1:]...)
	cmd.Env = st.Env
	cmd.SysProcAttr = SysProcAttr(st.Cloneflags)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("starting a script in new namespaces: %w: %s", err, strings.TrimSpace(out.String()))
	}
	if got := strings.TrimSpace(out.String()); got != Hostname(id) {
		return fmt.Errorf("a script in new namespaces printed host name %q, not %q", got, Hostname(id))
	}
	return nil
}

// Dir returns the folder machines are kept in.
func (m *Machines) Dir() string { return filepath.Clean(m.dir) }
