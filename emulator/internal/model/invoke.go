package model

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// Limits of an invocation.
const (
	maxInstances   = 100
	maxUsernameLen = 255
	maxTokenLen    = 64
)

// InvokeInput is what InvokeCommand and RunCommand take for the invocation.
type InvokeInput struct {
	CommandID       string
	InstanceIDs     []string
	RepeatMode      string
	Timed           bool
	Frequency       string
	Parameters      string // a JSON object of strings, as sent
	Username        string
	Timeout         int64 // 0: the command's
	Launcher        string
	TerminationMode string
	ContainerID     string
	ContainerName   string
	ClientToken     string
	Tags            []Tag
}

// RunInput is what RunCommand takes.
type RunInput struct {
	Command     CommandInput
	KeepCommand bool
	Invoke      InvokeInput
}

// Invoke runs an existing command on instances.
func (c *Cloud) Invoke(in InvokeInput) (*Invocation, error) {
	if err := checkToken(in.ClientToken); err != nil {
		return nil, err
	}
	fp := fingerprint("invoke", in)
	c.mu.Lock()
	defer c.mu.Unlock()
	if inv, ok, err := c.replay(in.ClientToken, fp); ok || err != nil {
		return inv, err
	}
	cmd, ok := c.commands[in.CommandID]
	if !ok || cmd.Hidden {
		return nil, notFound("InvalidCmdId.NotFound", "The command %s does not exist.", in.CommandID)
	}
	inv, err := c.newInvocation(cmd, in, fp)
	if err != nil {
		return nil, err
	}
	cmd.InvokeTimes++
	_ = c.save(bucketCommands, cmd.ID, cmd)
	c.begin(inv)
	return inv.clone(), nil
}

// RunCommand creates a command and invokes it in one step.
func (c *Cloud) RunCommand(in RunInput) (*Invocation, error) {
	if err := checkToken(in.Invoke.ClientToken); err != nil {
		return nil, err
	}
	fp := fingerprint("run", in)
	cmd, err := c.buildCommand(in.Command)
	if err != nil {
		return nil, err
	}
	cmd.Hidden = !in.KeepCommand
	c.mu.Lock()
	defer c.mu.Unlock()
	if inv, ok, err := c.replay(in.Invoke.ClientToken, fp); ok || err != nil {
		return inv, err
	}
	inv, err := c.newInvocation(cmd, in.Invoke, fp)
	if err != nil {
		return nil, err
	}
	cmd.InvokeTimes = 1
	c.commands[cmd.ID] = cmd
	if err := c.save(bucketCommands, cmd.ID, cmd); err != nil {
		delete(c.commands, cmd.ID)
		return nil, err
	}
	c.begin(inv)
	return inv.clone(), nil
}

func checkToken(tok string) error {
	if len(tok) > maxTokenLen {
		return badRequest("InvalidParameter.ClientToken", "ClientToken has %d characters; at most %d are allowed.", len(tok), maxTokenLen)
	}
	for _, r := range tok {
		if r > 127 {
			return badRequest("InvalidParameter.ClientToken", "ClientToken must be ASCII.")
		}
	}
	return nil
}

// fingerprint identifies the parameters of a call, apart from its ClientToken.
func fingerprint(kind string, in any) string {
	b, _ := json.Marshal(in)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if inv, ok := m["Invoke"].(map[string]any); ok {
		delete(inv, "ClientToken")
	}
	delete(m, "ClientToken")
	b, _ = json.Marshal(m)
	sum := sha256.Sum256(append([]byte(kind+":"), b...))
	return hex.EncodeToString(sum[:])
}

// replay answers a retried call with the invocation its ClientToken made before.
func (c *Cloud) replay(token, fp string) (*Invocation, bool, error) {
	if token == "" {
		return nil, false, nil
	}
	id, ok := c.tokens[token]
	if !ok {
		return nil, false, nil
	}
	inv := c.invocations[id]
	if inv.Fingerprint != fp {
		return nil, false, forbidden("IdempotentParameterMismatch", "The ClientToken %q was used before with other parameters.", token)
	}
	return inv.clone(), true, nil
}

// newInvocation validates in against cmd and the instances, and records the invocation.
func (c *Cloud) newInvocation(cmd *Command, in InvokeInput, fp string) (*Invocation, error) {
	if len(in.InstanceIDs) > maxInstances {
		return nil, forbidden("InstanceIds.ExceedLimit", "%d instances were given; at most %d are allowed.", len(in.InstanceIDs), maxInstances)
	}
	seen := map[string]bool{}
	var ids []string
	for _, id := range in.InstanceIDs {
		inst, ok := c.instances[id]
		if !ok {
			return nil, notFound("InvalidInstance.NotFound", "The instance %s does not exist.", id)
		}
		if cmd.Type == TypeShell && inst.OSType == OSWindows {
			return nil, badRequest("InvalidInstance.NotMatch", "The command type %s does not fit the Windows instance %s.", cmd.Type, id)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	mode := in.RepeatMode
	if mode == "" {
		mode = RepeatOnce
	}
	if in.Timed && in.Frequency != "" {
		mode = RepeatPeriod // the deprecated Timed flag wins, as documented
	}
	switch mode {
	case RepeatOnce, RepeatPeriod, RepeatNextRebootOnly, RepeatEveryReboot:
	default:
		return nil, badRequest("InvalidParam.RepeatMode", "RepeatMode %q is not one of Once, Period, NextRebootOnly, EveryReboot.", in.RepeatMode)
	}
	if mode == RepeatPeriod {
		if strings.TrimSpace(in.Frequency) == "" {
			return nil, badRequest("MissingParam.Frequency", "Frequency is required when RepeatMode is Period.")
		}
		sch, err := c.rules().Parse(in.Frequency)
		if err != nil {
			return nil, badRequest("InvalidParam.Frequency", "The Frequency %q is invalid: %v", in.Frequency, err)
		}
		// A cron expression that can never fire again (its years are over) is accepted, and
		// each instance ends Invalid with BadCronExpression (see begin); an at(…) in the past
		// is refused.
		if sch.Next(c.cfg.Now()).IsZero() && sch.Kind() != frequency.Cron {
			return nil, badRequest("InvalidParam.Frequency", "The Frequency %q has no run in the future.", in.Frequency)
		}
	}
	if len(in.Username) > maxUsernameLen {
		return nil, forbidden("Username.ExceedLimit", "The user name has %d characters; at most %d are allowed.", len(in.Username), maxUsernameLen)
	}
	if in.Timeout < 0 || in.Timeout > maxTimeout {
		return nil, badRequest("InvalidParameter.Timeout", "Timeout must be between 1 and %d seconds.", maxTimeout)
	}
	params, err := parseParameters(in.Parameters, cmd.EnableParameter, cmd.ParameterNames)
	if err != nil {
		return nil, err
	}
	if n := base64.StdEncoding.EncodedLen(len(cmd.Content) + len(describeParams(params))); n > maxInvokeBase64 {
		return nil, forbidden("CmdContent.ExceedLimit", "The command content and parameters are %d bytes after Base64; at most %d are allowed.", n, maxInvokeBase64)
	}
	timeout := in.Timeout
	if timeout == 0 {
		timeout = cmd.Timeout
	}
	launcher := in.Launcher
	if launcher == "" {
		launcher = cmd.Launcher
	}
	now := c.cfg.Now().UTC()
	inv := &Invocation{
		ID: newID("t-", 32), CommandID: cmd.ID, CommandName: cmd.Name, CommandType: cmd.Type,
		CommandContent: cmd.Content, CommandDescription: cmd.Description,
		EnableParameter: cmd.EnableParameter, WorkingDir: cmd.WorkingDir, Timeout: timeout,
		RepeatMode: mode, Timed: mode == RepeatPeriod, Frequency: strings.TrimSpace(in.Frequency),
		Parameters: params, Username: in.Username, Launcher: launcher,
		TerminationMode: in.TerminationMode, ContainerID: in.ContainerID, ContainerName: in.ContainerName,
		ClientToken: in.ClientToken, Fingerprint: fp, Tags: in.Tags, Created: now,
	}
	for _, id := range ids {
		status := StatusPending
		if mode != RepeatOnce {
			status = StatusScheduled
		}
		inv.Targets = append(inv.Targets, &Target{InstanceID: id, Status: status, Created: now, Updated: now})
	}
	c.invocations[inv.ID] = inv
	c.invOrder = append(c.invOrder, inv.ID)
	if inv.ClientToken != "" {
		c.tokens[inv.ClientToken] = inv.ID
	}
	return inv, nil
}

func (c *Cloud) rules() frequency.Rules {
	r := frequency.DefaultRules()
	if m := c.cfg.MinScheduleInterval; m > 0 {
		r.MinInterval = m
		if m < r.MinRate {
			r.MinRate = m
		}
	}
	return r
}

// begin starts what a new invocation does right away: a Once run, or the schedule.
func (c *Cloud) begin(inv *Invocation) {
	switch inv.RepeatMode {
	case RepeatOnce:
		for _, t := range inv.Targets {
			c.startRun(inv, t)
		}
	case RepeatPeriod:
		if sch, err := frequency.Parse(inv.Frequency); err == nil && sch.Kind() == frequency.Cron && sch.Next(inv.Created).IsZero() {
			inv.ScheduleDone = true
			for _, t := range inv.Targets {
				c.endWithoutRun(inv, t, StatusInvalid, "BadCronExpression",
					fmt.Sprintf("the cron expression %q never fires again", inv.Frequency))
			}
			break
		}
		c.armSchedule(inv, inv.Created)
	}
	c.saveInvocation(inv)
}

// StopInvocation stops an invocation on the given instances, or everywhere when none is given.
func (c *Cloud) StopInvocation(id string, instanceIDs []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	inv, ok := c.invocations[id]
	if !ok {
		return notFound("InvalidInvokeId.NotFound", "The invocation %s does not exist.", id)
	}
	if len(instanceIDs) > 50 {
		return forbidden("InstanceIds.ExceedLimit", "%d instances were given; at most 50 are allowed.", len(instanceIDs))
	}
	targets := inv.Targets
	if len(instanceIDs) > 0 {
		targets = nil
		for _, iid := range instanceIDs {
			t := inv.target(iid)
			if t == nil {
				return notFound("InvalidInstance.NotFound", "The instance %s is not a target of %s.", iid, id)
			}
			targets = append(targets, t)
		}
	} else {
		inv.Stopped = true
		if tm, ok := c.timers[inv.ID]; ok {
			tm.Stop()
			delete(c.timers, inv.ID)
		}
	}
	now := c.cfg.Now().UTC()
	for _, t := range targets {
		if !isActive(t.Status) {
			continue
		}
		t.Stopped = true
		t.StopTime, t.Updated = now, now
		if run, ok := c.running[runKey(inv.ID, t.InstanceID)]; ok {
			run.reason = reasonStop
			run.cancel()
			t.Status = StatusStopping
			if r := t.LastRun(); r != nil {
				r.Status, r.Stop = StatusStopping, now
			}
			continue
		}
		if r := t.LastRun(); r != nil && r.Status == StatusPending {
			r.Status, r.Stop, r.Finish = StatusCancelled, now, now
		}
		t.Status = StatusCancelled
	}
	c.saveInvocation(inv)
	return nil
}
