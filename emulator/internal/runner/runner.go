// Package runner executes one script as a child process in its own process group, with a
// capped combined output, a timeout and a stop signal that kill the group or, on request,
// every descendant; procs.go finds a run's processes wherever they went.
package runner

import (
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// Spec describes one execution.
type Spec struct {
	// Argv is the program and its arguments, e.g. {"/bin/sh", "-c", script}.
	Argv []string
	// Dir is the working directory; it must exist.
	Dir string
	// Env is the complete environment of the child; nothing is inherited.
	Env []string
	// Timeout kills the process group when it elapses; zero means no timeout.
	Timeout time.Duration
	// OutputLimit is the number of output bytes kept; the rest is counted in Dropped.
	OutputLimit int
	// OutputHead is how many of the kept bytes come from the start of the output; the rest
	// of OutputLimit is the end of the output. The middle is what is dropped, as the Cloud
	// Assistant agent does (its head is 6,000 bytes).
	OutputHead int
	// Started, when set, is called once the process has started, with its pid.
	Started func(pid int)
	// Marker, when set, is put in the child's environment as MarkerVar, so that its
	// descendants can be found however they detach (see KillMarked).
	Marker string
	// KillTree makes a timeout or a stop kill every descendant, including those that left
	// the process group with setsid (TerminationMode ProcessTree); otherwise only the
	// process group is killed (TerminationMode Process).
	KillTree bool
	// Cloneflags are the namespaces the process starts in (syscall.CLONE_NEW*): an emulated
	// instance's run is its own PID namespace, so killing its first process ends every process
	// it started.
	Cloneflags uintptr
	// UIDMap and GIDMap map users and groups of a new user namespace (CLONE_NEWUSER): a
	// rootless instance's run maps the emulator's user as root.
	UIDMap, GIDMap []syscall.SysProcIDMap
}

// Result is what an execution produced.
type Result struct {
	ExitCode int
	Output   []byte
	Dropped  int
	TimedOut bool
	// Stopped is true when the context was cancelled before the process ended.
	Stopped bool
	// StartErr is set when the process could not be started at all.
	StartErr error
	Start    time.Time
	End      time.Time
}

// Run executes spec and blocks until the process has ended. Cancelling ctx kills the process
// group and reports Stopped.
func Run(ctx context.Context, spec Spec) Result {
	head := min(max(spec.OutputHead, 0), spec.OutputLimit)
	out := &capWriter{headLimit: head, tailLimit: spec.OutputLimit - head}
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Dir = spec.Dir
	cmd.Env = spec.Env
	if cmd.Env == nil {
		cmd.Env = []string{} // nil would inherit the emulator's environment
	}
	if spec.Marker != "" {
		cmd.Env = append(cmd.Env[:len(cmd.Env):len(cmd.Env)], MarkerVar+"="+spec.Marker)
	}
	cmd.Stdout = out
	cmd.Stderr = out
	// Its own process group, so that a timeout or a stop also reaches the script's children.
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true, Cloneflags: spec.Cloneflags,
		UidMappings: spec.UIDMap, GidMappings: spec.GIDMap, GidMappingsEnableSetgroups: false,
	}
	// A background child that keeps the output pipe open must not block the run forever.
	cmd.WaitDelay = 2 * time.Second

	res := Result{Start: time.Now()}
	if err := startNicer(cmd); err != nil {
		res.StartErr = err
		res.End = res.Start
		res.ExitCode = -1
		return res
	}
	if spec.Started != nil {
		spec.Started(cmd.Process.Pid)
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var timeout <-chan time.Time
	if spec.Timeout > 0 {
		t := time.NewTimer(spec.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	kill := func() {
		if spec.KillTree {
			killTree(cmd.Process.Pid, spec.Marker)
			return
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}

	var err error
	select {
	case err = <-done:
	case <-timeout:
		res.TimedOut = true
		kill()
		err = <-done
	case <-ctx.Done():
		res.Stopped = true
		kill()
		err = <-done
	}
	res.End = time.Now()
	res.Output, res.Dropped = out.bytes(), out.dropped

	var exitErr *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
		if res.ExitCode < 0 { // killed by a signal
			res.ExitCode = 137
		}
	default:
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	return res
}

// capWriter keeps the first headLimit and the last tailLimit bytes and counts what falls
// between them.
type capWriter struct {
	headLimit, tailLimit int
	head, tail           []byte
	dropped              int
}

func (w *capWriter) Write(p []byte) (int, error) {
	n := len(p)
	if room := w.headLimit - len(w.head); room > 0 {
		take := min(room, len(p))
		w.head = append(w.head, p[:take]...)
		p = p[take:]
	}
	if len(p) == 0 {
		return n, nil
	}
	w.tail = append(w.tail, p...)
	if over := len(w.tail) - w.tailLimit; over > 0 {
		w.dropped += over
		w.tail = append(w.tail[:0], w.tail[over:]...)
	}
	return n, nil
}

func (w *capWriter) bytes() []byte {
	if len(w.tail) == 0 {
		return w.head
	}
	return append(append([]byte(nil), w.head...), w.tail...)
}
