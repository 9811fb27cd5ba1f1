package machine

import "syscall"

// SysProcAttr is the process attributes of a run: its own process group (so the runner's
// group kill works as without isolation) and the new namespaces.
func SysProcAttr(cloneflags uintptr) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Cloneflags: cloneflags}
}
