package machine

import "syscall"

// SysProcAttr is the process attributes of a start: its own process group (so the runner's
// group kill works as without isolation), the new namespaces and, for a user namespace, the
// one user mapped in it (setgroups denied: a user may map its own group only so).
func SysProcAttr(st Start) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid: true, Cloneflags: st.Cloneflags,
		UidMappings: st.UIDMap, GidMappings: st.GIDMap, GidMappingsEnableSetgroups: false,
	}
}
