package model

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/runner"
)

// Why a running script was cancelled.
const (
	reasonStop     = "stop"
	reasonReboot   = "reboot"
	reasonShutdown = "shutdown"
	reasonPowerOff = "poweroff"
	reasonRelease  = "release"
	reasonTimeout  = "timeout"
)

// The ErrorCode and ErrorInfo of a run on an instance that is gone (released).
const (
	codeInstanceNotExists = "InstanceNotExists"
	infoInstanceNotExists = "the instance does not exist or was released"
)

const defaultLinuxWorkingDir = "/root"

func runKey(invokeID, instanceID string) string { return invokeID + "/" + instanceID }

// startRun starts one run of inv on t, or records why it could not start. Callers hold c.mu.
func (c *Cloud) startRun(inv *Invocation, t *Target) {
	key := runKey(inv.ID, t.InstanceID)
	if _, busy := c.running[key]; busy || c.closing {
		return // the previous run is still going: this firing is skipped, as the agent does
	}
	now := c.cfg.Now().UTC()
	t.Repeats++
	run := &Run{Repeat: t.Repeats, Status: StatusPending, Start: now}
	c.appendRun(inv, t, run)
	t.Updated = now

	spec, status, code, info := c.prepare(inv, c.instances[t.InstanceID])
	if status == StatusPending {
		c.awaitDelivery(inv, t, run)
		return
	}
	if status != "" {
		run.Status, run.ErrorCode, run.ErrorInfo, run.Finish = status, code, info, now
		c.settle(inv, t)
		return
	}
	spec.Marker = c.marker(inv, t, run)
	spec.KillTree = inv.TerminationMode == TerminationProcessTree // every descendant; Process: the group
	ctx, cancel := context.WithCancel(context.Background())
	ar := &activeRun{cancel: cancel, ended: make(chan struct{})}
	c.running[key] = ar
	// The timeout is a timer of the model's clock (a test's fake clock ends a run at once).
	if d := time.Duration(inv.Timeout) * time.Second; d > 0 {
		ar.timeout = c.cfg.Clock.AfterFunc(d, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.running[key] == ar && ar.reason == "" {
				ar.reason = reasonTimeout
				ar.cancel()
			}
		})
	}
	run.Status = StatusRunning
	t.Status = StatusRunning
	c.executions.Add(1)
	c.fleet.started(t.InstanceID, len(c.running))
	c.wg.Add(1)
	go c.execute(ctx, inv.ID, t.InstanceID, inv.Timeout, run, ar, spec)
}

// prepare checks that inst can run inv and builds the process spec; on failure it returns the
// per-instance status, ErrorCode and ErrorInfo the real service reports.
func (c *Cloud) prepare(inv *Invocation, inst *Instance) (spec runner.Spec, status, code, info string) {
	switch {
	case inst == nil:
		return spec, StatusInvalid, codeInstanceNotExists, infoInstanceNotExists
	case inst.Status != InstanceRunning:
		return spec, StatusAborted, "InstanceNotRunning", "the instance is not running"
	case !inst.AgentInstalled:
		return spec, StatusAborted, "ClientNotRunning", "the Cloud Assistant client is not installed or not running"
	case inst.AgentOffline:
		return spec, StatusPending, "", "" // the run waits for the client; see awaitDelivery
	case inv.CommandType != TypeShell && inst.OSType != OSWindows:
		return spec, StatusInvalid, "CommandNotApplicable", fmt.Sprintf("the command type %s is not applicable to a Linux instance", inv.CommandType)
	case inst.OSType == OSWindows:
		return spec, StatusError, "ExecutionException", "the emulator cannot run Windows scripts"
	}
	script := inv.CommandContent
	if inv.EnableParameter {
		script = substitute(script, inv.Parameters, map[string]string{
			"acs::regionid": c.cfg.Region, "acs::accountid": c.cfg.AccountID,
			"acs::instanceid": inst.ID, "acs::instancename": inst.Name,
			"acs::invokeid": inv.ID, "acs::commandid": inv.CommandID,
		})
	}
	wd := inv.WorkingDir
	if wd == "" {
		wd = defaultLinuxWorkingDir
	}
	if c.cfg.Machines != nil {
		return c.machineSpec(inv, inst, script, wd)
	}
	if inv.Username != "" {
		// A known user runs as the emulator's own user: the sandbox has no other accounts.
		if _, err := user.Lookup(inv.Username); err != nil {
			return spec, StatusFailed, "AccountNotExists", fmt.Sprintf("the user %q does not exist on the instance", inv.Username)
		}
	}
	if err := c.ensureSandbox(inst.ID); err != nil {
		return spec, StatusError, "ExecutionException", err.Error()
	}
	home := filepath.Join(c.sandbox(inst.ID), "root")
	dir := filepath.Join(c.sandbox(inst.ID), filepath.Clean("/"+wd))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return spec, StatusFailed, "DirectoryNotExists", fmt.Sprintf("the working directory %s does not exist on the instance", wd)
	}
	return runner.Spec{
		Argv: []string{c.shell, "-c", script},
		Dir:  dir,
		// Nothing of the emulator's environment, its credentials above all, reaches a script.
		Env:         []string{scriptPath, "HOME=" + home},
		OutputLimit: c.cfg.OutputLimit,
		OutputHead:  c.cfg.OutputHead,
	}, "", "", ""
}

// scriptPath is the PATH a script starts with.
const scriptPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// execute runs the process and records its outcome.
func (c *Cloud) execute(ctx context.Context, invokeID, instanceID string, timeoutSeconds int64, run *Run, ar *activeRun, spec runner.Spec) {
	defer c.wg.Done()
	pid := 0
	spec.Started = func(p int) {
		pid = p
		c.recordProcess(p, spec.Marker)
	}
	res := runner.Run(ctx, spec)
	close(ar.ended)
	c.forgetProcess(pid)

	c.mu.Lock()
	defer c.mu.Unlock()
	key := runKey(invokeID, instanceID)
	if c.running[key] == ar {
		delete(c.running, key)
	}
	ar.cancel()
	if ar.timeout != nil {
		ar.timeout.Stop()
	}
	run.ExitCode, run.Output, run.Dropped = int64(res.ExitCode), res.Output, res.Dropped
	run.Finish = c.cfg.Now().UTC() // the model's clock, as Start is
	switch {
	case res.StartErr != nil:
		run.Status, run.ErrorCode, run.ErrorInfo = StatusError, "ExecutionException", res.StartErr.Error()
	case res.Stopped && ar.reason == reasonTimeout:
		timeout := time.Duration(timeoutSeconds) * time.Second
		run.Status, run.ErrorCode = StatusTimeout, "ExecutionTimeout"
		run.ErrorInfo = fmt.Sprintf("the script did not finish within %s", timeout)
		run.Finish = run.Start.Add(timeout)
	case res.Stopped && ar.reason == reasonRelease:
		run.Status, run.ErrorCode, run.ErrorInfo = StatusInvalid, codeInstanceNotExists, infoInstanceNotExists
	case res.Stopped && ar.reason == reasonStop:
		run.Status, run.ErrorInfo = StatusTerminated, "the script was stopped by StopInvocation"
		if run.Stop.IsZero() {
			run.Stop = run.Finish
		}
	case res.Stopped:
		run.Status, run.ErrorCode = StatusError, "ExecutionInterrupted"
		run.ErrorInfo = map[string]string{
			reasonReboot:   "the instance was rebooted while the script was running",
			reasonPowerOff: "the instance was stopped while the script was running",
			reasonShutdown: "the emulator stopped while the script was running",
		}[ar.reason]
	case res.ExitCode == 0:
		run.Status = StatusSuccess
	default:
		run.Status, run.ErrorCode = StatusFailed, "ExitCodeNonzero"
		run.ErrorInfo = fmt.Sprintf("the script exited with code %d", res.ExitCode)
	}
	inv, ok := c.invocations[invokeID]
	if !ok {
		return
	}
	if t := inv.target(instanceID); t != nil {
		t.Updated = run.Finish
		c.settle(inv, t)
	}
	c.saveInvocation(inv)
}

// awaitDelivery leaves run Pending on an instance whose client does not answer; when the
// delivery window passes and the run is still Pending (not stopped, nor ended by a release),
// it ends Aborted with DeliveryTimeout. Callers hold c.mu.
func (c *Cloud) awaitDelivery(inv *Invocation, t *Target, run *Run) {
	c.settle(inv, t)
	key := fmt.Sprintf("delivery/%s/%d", runKey(inv.ID, t.InstanceID), run.Repeat)
	invokeID, instanceID := inv.ID, t.InstanceID
	c.timers[key] = c.cfg.Clock.AfterFunc(c.cfg.DeliveryTimeout, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.timers, key)
		inv, ok := c.invocations[invokeID]
		if !ok || c.closing || run.Status != StatusPending {
			return
		}
		now := c.cfg.Now().UTC()
		run.Status, run.ErrorCode, run.Finish = StatusAborted, "DeliveryTimeout", now
		run.ErrorInfo = fmt.Sprintf("the task was not delivered to the Cloud Assistant client within %s", c.cfg.DeliveryTimeout)
		if t := inv.target(instanceID); t != nil {
			t.Updated = now
			c.settle(inv, t)
		}
		c.saveInvocation(inv)
	})
}

// endWithoutRun records on t a run that never reached the instance, with its final status,
// ErrorCode and ErrorInfo, and settles t. It does not count as a repeat. Callers hold c.mu.
func (c *Cloud) endWithoutRun(inv *Invocation, t *Target, status, code, info string) {
	now := c.cfg.Now().UTC()
	c.appendRun(inv, t, &Run{Repeat: t.Repeats, Status: status, ErrorCode: code, ErrorInfo: info, Start: now, Finish: now})
	t.Updated = now
	c.settle(inv, t)
}

// settle derives the status of t once no run of it is in flight. Callers hold c.mu.
func (c *Cloud) settle(inv *Invocation, t *Target) {
	if _, busy := c.running[runKey(inv.ID, t.InstanceID)]; busy {
		return
	}
	last := t.LastRun()
	switch {
	case t.Stopped:
		if last != nil && last.Status == StatusTerminated {
			t.Status = StatusTerminated
		} else {
			t.Status = StatusCancelled
		}
	case inv.Periodic() && !inv.ScheduleDone:
		t.Status = StatusScheduled
	case last == nil && inv.RepeatMode == RepeatNextRebootOnly:
		t.Status = StatusScheduled
	case last == nil:
		t.Status = StatusCancelled
	default:
		t.Status = last.Status
	}
	if last != nil {
		t.ErrorCode, t.ErrorInfo = last.ErrorCode, last.ErrorInfo
	}
}

// interrupt cancels the runs on an instance, for a reboot, a stop or a release, and returns
// channels closed once each has ended. Callers hold c.mu.
func (c *Cloud) interrupt(instanceID, reason string) []chan struct{} {
	var ended []chan struct{}
	for key, ar := range c.running {
		if strings.HasSuffix(key, "/"+instanceID) {
			ar.reason = reason
			ar.cancel()
			ended = append(ended, ar.ended)
			delete(c.running, key) // a run started after the reboot may take the key
		}
	}
	return ended
}
