package model

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/internal/frequency"
)

// Limits of an invocation.
const (
	maxInstances           = 100
	maxUsernameLen         = 255
	maxTokenLen            = 64
	maxResourceTags        = 10
	maxResourceTagKeyLen   = 64
	maxResourceTagValueLen = 128
	// DefaultDailyInvokeQuota is the documented number of commands a region runs per day.
	DefaultDailyInvokeQuota = 5000
)

// RepeatDryRun checks an InvokeCommand or RunCommand request and runs nothing.
const RepeatDryRun = "DryRun"

// Termination modes of InvokeCommand and RunCommand.
const (
	TerminationProcess     = "Process"
	TerminationProcessTree = "ProcessTree"
)

// InvokeInput is what InvokeCommand and RunCommand take for the invocation.
type InvokeInput struct {
	CommandID   string
	InstanceIDs []string
	// ResourceTags selects the instances by tag instead of InstanceIDs.
	ResourceTags []Tag
	RepeatMode   string
	// Timed is the deprecated flag: accepted, and of no effect.
	Timed      bool
	Frequency  string
	Parameters string // a JSON object of strings, as sent
	Username   string
	Timeout    int64 // 0: the command's
	// WorkingDir overrides the command's for this invocation; empty keeps the command's.
	WorkingDir      string
	Launcher        string
	TerminationMode string
	ContainerID     string
	ContainerName   string
	ClientToken     string
	// OssOutputDelivery is recorded and echoed; the emulator uploads nothing.
	OssOutputDelivery string
	ResourceGroupID   string
	Tags              []Tag
}

// RunInput is what RunCommand takes.
type RunInput struct {
	Command     CommandInput
	KeepCommand bool
	Invoke      InvokeInput
}

// ErrDryRunPassed is what a RepeatMode=DryRun call that passes every check answers, the
// way every ECS dry run does (DryRunOperation, 400, as RunInstances and the other DryRun
// actions document it; the InvokeCommand page does not say what a passed dry run answers).
var ErrDryRunPassed = badRequest("DryRunOperation", "Request validation has been passed with DryRun flag set.")

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
	inv, err := c.buildInvocation(cmd, in, fp)
	if err != nil {
		return nil, err
	}
	if err := c.dryRunOrQuota(inv); err != nil {
		return nil, err
	}
	c.record(inv)
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
	inv, err := c.buildInvocation(cmd, in.Invoke, fp)
	if err != nil {
		return nil, err
	}
	if err := c.dryRunOrQuota(inv); err != nil {
		return nil, err
	}
	cmd.InvokeTimes = 1
	c.commands[cmd.ID] = cmd
	if err := c.save(bucketCommands, cmd.ID, cmd); err != nil {
		delete(c.commands, cmd.ID)
		return nil, err
	}
	c.record(inv)
	c.begin(inv)
	return inv.clone(), nil
}

// dryRunOrQuota ends a dry run (with the instances' checks) or takes one run from the
// region's daily quota. Callers hold c.mu.
func (c *Cloud) dryRunOrQuota(inv *Invocation) error {
	if inv.RepeatMode == RepeatDryRun {
		if err := c.checkTargetsReady(inv); err != nil {
			return err
		}
		return ErrDryRunPassed
	}
	return c.takeQuota()
}

// checkTargetsReady is the part of a dry run that looks at the instances: running, with a
// client that answers, and of the command's OS. Callers hold c.mu.
//
// The current InvokeCommand reference says what a dry run checks ("the request parameters,
// instance execution environment, and Cloud Assistant Agent running status") but lists no
// code for a failed check (its table, checked 2026-12-02, has neither of the two below). The
// emulator's choices: IncorrectInstanceStatus (403) with the message every ECS page that
// lists it gives (RebootInstance, StartInstance…), and ClientNotRunning (403), the
// ErrorCode DescribeInvocationResults documents for a run whose agent is not running. The
// OS check answers the table's InvalidInstance.NotMatch (400).
func (c *Cloud) checkTargetsReady(inv *Invocation) error {
	for _, t := range inv.Targets {
		in := c.instances[t.InstanceID]
		switch {
		case in.Status != InstanceRunning:
			return forbidden("IncorrectInstanceStatus", "The current status of the resource does not support this operation.")
		case !in.AgentInstalled || in.AgentOffline:
			return forbidden("ClientNotRunning", "The Cloud Assistant Agent of instance %s is not running.", in.ID)
		case inv.CommandType != TypeShell && in.OSType != OSWindows:
			return badRequest("InvalidInstance.NotMatch", "The specified instance type does not match the command.")
		}
	}
	return nil
}

func checkToken(tok string) error {
	if len(tok) > maxTokenLen {
		return badRequest("InvalidClientToken.Malformed", "ClientToken has %d characters; at most %d ASCII characters are allowed.", len(tok), maxTokenLen)
	}
	for _, r := range tok {
		if r > 127 {
			return badRequest("InvalidClientToken.Malformed", "ClientToken must be ASCII.")
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

// targets resolves the instances of an invocation: InstanceId.N, or the instances that carry
// every ResourceTag.N. Callers hold c.mu.
func (c *Cloud) targets(in InvokeInput) ([]string, error) {
	if len(in.ResourceTags) > 0 {
		if len(in.InstanceIDs) > 0 {
			return nil, badRequest("InvalidResourceTag.ConflictWithInstanceIds", "The specified param ResourceTag conflicts with InstanceId.")
		}
		if err := checkResourceTags(in.ResourceTags); err != nil {
			return nil, err
		}
		f := InstanceFilter{Tags: in.ResourceTags}
		var ids []string
		for _, inst := range c.instances {
			if f.matches(inst) {
				ids = append(ids, inst.ID)
			}
		}
		if len(ids) == 0 {
			return nil, badRequest("InvalidResourceTag.InstanceNotFound", "No instance carries the tags given in ResourceTag.")
		}
		if len(ids) > maxInstances {
			return nil, forbidden("InstanceIds.ExceedLimit", "%d instances carry the tags given in ResourceTag; at most %d are allowed: split them into batches with another tag.", len(ids), maxInstances)
		}
		sort.Strings(ids)
		return ids, nil
	}
	if len(in.InstanceIDs) == 0 {
		return nil, badRequest("MissingParam.InstanceId", "The parameter instanceId is missing or empty: give InstanceId.N or ResourceTag.N.")
	}
	if len(in.InstanceIDs) > maxInstances {
		return nil, forbidden("InstanceIds.ExceedLimit", "%d instances were given; at most %d are allowed.", len(in.InstanceIDs), maxInstances)
	}
	return in.InstanceIDs, nil
}

// checkResourceTags applies the documented limits of ResourceTag.N.
func checkResourceTags(tags []Tag) error {
	if len(tags) > maxResourceTags {
		return badRequest("NumberExceed.ResourceTags", "%d ResourceTag pairs were given; at most %d are allowed.", len(tags), maxResourceTags)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		lower := strings.ToLower(t.Key)
		switch {
		case t.Key == "":
			return badRequest("MissingParameter.ResourceTagKey", "You must specify ResourceTag.N.Key.")
		case len(t.Key) > maxResourceTagKeyLen || strings.HasPrefix(lower, "acs:") || strings.HasPrefix(lower, "aliyun") || hasURL(t.Key):
			return badRequest("InvalidResourceTagKey.Malformed", "The ResourceTag key %q is not valid: at most %d characters, not starting with acs: or aliyun, without http:// or https://.", t.Key, maxResourceTagKeyLen)
		case len(t.Value) > maxResourceTagValueLen || hasURL(t.Value):
			return badRequest("InvalidResourceTagValue.Malformed", "The ResourceTag value of %q is not valid: at most %d characters, without http:// or https://.", t.Key, maxResourceTagValueLen)
		case seen[t.Key]:
			return badRequest("Duplicate.ResourceTagKey", "The ResourceTag key %q is given more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func hasURL(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "http://") || strings.Contains(l, "https://")
}

// repeatMode derives the mode: with a Frequency the mode is Period whatever RepeatMode says
// (a dry run stays a dry run); without either, Once. The deprecated Timed has no effect.
func repeatMode(in InvokeInput) (string, error) {
	mode := in.RepeatMode
	switch mode {
	case "":
		mode = RepeatOnce
	case RepeatOnce, RepeatPeriod, RepeatNextRebootOnly, RepeatEveryReboot, RepeatDryRun:
	default:
		return "", notFound("InvalidRepeatMode.NotFound", "The specified repeat mode %q does not exist; use Once, Period, NextRebootOnly, EveryReboot or DryRun.", in.RepeatMode)
	}
	if strings.TrimSpace(in.Frequency) != "" && mode != RepeatDryRun {
		mode = RepeatPeriod
	}
	return mode, nil
}

// buildInvocation validates in against cmd and the instances and returns the invocation,
// not yet recorded. Callers hold c.mu.
func (c *Cloud) buildInvocation(cmd *Command, in InvokeInput, fp string) (*Invocation, error) {
	requested, err := c.targets(in)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, id := range requested {
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
	mode, err := repeatMode(in)
	if err != nil {
		return nil, err
	}
	frequencyGiven := strings.TrimSpace(in.Frequency) != ""
	if mode == RepeatPeriod || (mode == RepeatDryRun && frequencyGiven) {
		if !frequencyGiven {
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
	switch in.TerminationMode {
	case "", TerminationProcess, TerminationProcessTree:
	default:
		return nil, notFound("InvalidTerminationMode.NotFound", "The specified TerminationMode %q does not exist; use Process or ProcessTree.", in.TerminationMode)
	}
	if len(in.Username) > maxUsernameLen {
		return nil, forbidden("Username.ExceedLimit", "The user name has %d characters; at most %d are allowed.", len(in.Username), maxUsernameLen)
	}
	if len(in.WorkingDir) > maxWorkingDirLen {
		return nil, badRequest("InvalidParameter.WorkingDir", "The working directory has %d characters; at most %d are allowed.", len(in.WorkingDir), maxWorkingDirLen)
	}
	if err := checkTimeout(in.Timeout); err != nil {
		return nil, err
	}
	if err := checkLauncher(in.Launcher); err != nil {
		return nil, err
	}
	if in.OssOutputDelivery != "" && !strings.HasPrefix(in.OssOutputDelivery, "oss://") {
		return nil, badRequest("InvalidParameter.OssOutputDelivery", "OssOutputDelivery must look like oss://bucket/prefix, got %q.", in.OssOutputDelivery)
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
	workingDir := in.WorkingDir
	if workingDir == "" {
		workingDir = cmd.WorkingDir
	}
	now := c.cfg.Now().UTC()
	inv := &Invocation{
		ID: newID("t-", 32), CommandID: cmd.ID, CommandName: cmd.Name, CommandType: cmd.Type,
		CommandContent: cmd.Content, CommandDescription: cmd.Description,
		EnableParameter: cmd.EnableParameter, WorkingDir: workingDir, Timeout: timeout,
		RepeatMode: mode, Timed: mode == RepeatPeriod, Frequency: strings.TrimSpace(in.Frequency),
		Parameters: params, Username: in.Username, Launcher: launcher,
		TerminationMode: in.TerminationMode, ContainerID: in.ContainerID, ContainerName: in.ContainerName,
		ClientToken: in.ClientToken, Fingerprint: fp, Tags: in.Tags, Created: now,
		OssOutputDelivery: in.OssOutputDelivery, ResourceGroupID: in.ResourceGroupID,
	}
	for _, id := range ids {
		status := StatusPending
		if mode != RepeatOnce {
			status = StatusScheduled
		}
		inv.Targets = append(inv.Targets, &Target{InstanceID: id, Status: status, Created: now, Updated: now})
	}
	return inv, nil
}

// record stores a new invocation and its ClientToken. Callers hold c.mu.
func (c *Cloud) record(inv *Invocation) {
	c.invocations[inv.ID] = inv
	c.invOrder = append(c.invOrder, inv.ID)
	if inv.ClientToken != "" {
		c.tokens[inv.ClientToken] = inv.ID
	}
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
				return notFound("InvalidInstanceId.NotFound", "The instance %s is not a target of %s.", iid, id)
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
