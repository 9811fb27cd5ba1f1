package machine

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// probe starts a real run in a throw-away instance: it fails, with the step that failed, where
// this process lacks overlayfs or namespaces (a user namespace too when it is not root).
func (m *Machines) probe() error {
	err := m.probeRun()
	if err != nil && m.rootless {
		hint := ""
		switch {
		case errors.Is(err, syscall.ENOSPC):
			hint = " (the kernel allows no more user namespaces: user.max_user_namespaces is 0 or reached)"
		case errors.Is(err, syscall.EPERM):
			hint = " (the kernel refuses user namespaces to unprivileged users: a sysctl such as kernel.unprivileged_userns_clone, a security module, or a container's seccomp filter)"
		}
		return fmt.Errorf("the emulator runs as uid %d, not root, so each run needs a user namespace of its own and overlays mounted in it: %w%s", m.uid, err, hint)
	}
	return err
}

func (m *Machines) probeRun() error {
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		return fmt.Errorf("/proc is not mounted: %w", err)
	}
	tmp, err := os.MkdirTemp(m.dir, ".probe-")
	if err != nil {
		return fmt.Errorf("creating a probe folder: %w", err)
	}
	defer func() {
		openWorkDirs(filepath.Join(tmp, layersDir, "probe"))
		_ = os.RemoveAll(tmp)
	}()
	probe := &Machines{dir: tmp, network: m.network, masks: m.masks, mounted: map[string]bool{},
		rootless: m.rootless, uid: m.uid, gid: m.gid}
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
	cmd.SysProcAttr = SysProcAttr(st)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if said := strings.TrimSpace(out.String()); said != "" {
			return fmt.Errorf("starting a script in new namespaces: %w: %s", err, said)
		}
		return fmt.Errorf("starting a script in new namespaces: %w", err)
	}
	if got := strings.TrimSpace(out.String()); got != Hostname(id) {
		return fmt.Errorf("a script in new namespaces printed host name %q, not %q", got, Hostname(id))
	}
	// SendFile writes through a view: a rootless one is another process's root.
	root, release, err := probe.View(id)
	if err != nil {
		return err
	}
	defer release()
	if _, err := root.Stat("/etc"); err != nil {
		return fmt.Errorf("reading an instance's files: %w", err)
	}
	return nil
}

// Dir returns the folder machines are kept in.
func (m *Machines) Dir() string { return filepath.Clean(m.dir) }
