package runner

import (
	"os/exec"
	"runtime"
	"syscall"
)

// scriptNiceIncrement is how much nicer than the emulator scripts run: on the service, scripts
// run on the instances, not on the machine that answers the API, so a busy schedule must not
// slow unrelated calls.
const scriptNiceIncrement = 10

// startNicer starts cmd at a nice value scriptNiceIncrement above the emulator's (at most 19),
// from its first instruction on; everything the script starts inherits it.
//
// Linux keeps a nice value per thread and a child inherits its forking thread's, so cmd is
// started from a thread of its own whose nice value is raised first. Raising needs no
// privilege, but lowering it again would: the goroutine ends still locked to the thread, and
// the runtime then discards the thread instead of reusing it.
func startNicer(cmd *exec.Cmd) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		tid := syscall.Gettid()
		if raw, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
			nice := 20 - raw // Linux's getpriority answers 20 - nice
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(nice+scriptNiceIncrement, 19))
		}
		started <- cmd.Start()
	}()
	return <-started
}
