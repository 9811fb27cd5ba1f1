package model

import (
	"strings"
	"time"
)

// InvocationPatch is what ModifyInvocationAttribute changes; nil or empty leaves a field alone.
type InvocationPatch struct {
	InvokeID string
	// Content is the new script, plain text; a change makes a new command (see
	// ModifyInvocationAttribute).
	Content *string
	// EnableParameter, when set, switches custom parameters for the new content.
	EnableParameter *bool
	Frequency       string
	// Parameters is a JSON object of strings, as sent; empty keeps the current values.
	Parameters string
	// AddInstanceIDs are instances to add to the task; instances are never removed.
	AddInstanceIDs []string
}

// ModifyInvocationAttribute changes a periodic (Period) or reboot-mode (NextRebootOnly,
// EveryReboot) task that is still active: its schedule, content, parameters, and instances
// it should also run on. Runs already made keep what they ran. When the content changes the
// task runs a new command, whose id is returned (it is listed when the old one was).
func (c *Cloud) ModifyInvocationAttribute(p InvocationPatch) (newCommandID string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	inv, ok := c.invocations[p.InvokeID]
	if !ok {
		return "", notFound("InvalidInvokeId.NotFound", "The invocation %s does not exist.", p.InvokeID)
	}
	if inv.RepeatMode != RepeatPeriod && inv.RepeatMode != RepeatNextRebootOnly && inv.RepeatMode != RepeatEveryReboot {
		return "", forbidden("Operation.Forbidden", "The invocation %s runs %s; only Period, NextRebootOnly and EveryReboot tasks can be modified.", inv.ID, inv.RepeatMode)
	}
	if !inv.Active() || inv.Stopped {
		return "", forbidden("Operation.Forbidden", "The invocation %s is %s; only a Pending, Scheduled, Running or Stopping task can be modified.", inv.ID, inv.Status())
	}
	next := inv.clone()
	if strings.TrimSpace(p.Frequency) != "" {
		if inv.RepeatMode != RepeatPeriod {
			return "", badRequest("InvalidParam.Frequency", "Frequency applies only to a Period task; %s runs %s.", inv.ID, inv.RepeatMode)
		}
		sch, err := c.rules().Parse(p.Frequency)
		if err != nil {
			return "", badRequest("InvalidParam.Frequency", "The Frequency %q is invalid: %v", p.Frequency, err)
		}
		if sch.Next(c.cfg.Now()).IsZero() {
			return "", badRequest("InvalidParam.Frequency", "The Frequency %q has no run in the future.", p.Frequency)
		}
		next.Frequency = strings.TrimSpace(p.Frequency)
	}
	if p.EnableParameter != nil {
		next.EnableParameter = *p.EnableParameter
	}
	names, err := c.parameterNamesOf(inv, next, p.Content)
	if err != nil {
		return "", err
	}
	if p.Content != nil && *p.Content != "" {
		if err := checkCommandFields(nil, nil, p.Content, nil, nil, nil); err != nil {
			return "", err
		}
		next.CommandContent = *p.Content
	}
	if strings.TrimSpace(p.Parameters) != "" || p.Content != nil {
		raw := p.Parameters
		if strings.TrimSpace(raw) == "" {
			raw = describeParams(inv.Parameters)
		}
		if next.Parameters, err = parseParameters(raw, next.EnableParameter, names); err != nil {
			return "", err
		}
	}
	now := c.cfg.Now().UTC()
	for _, id := range p.AddInstanceIDs {
		inst, ok := c.instances[id]
		if !ok {
			return "", notFound("InvalidInstance.NotFound", "The instance %s does not exist.", id)
		}
		if inv.CommandType == TypeShell && inst.OSType == OSWindows {
			return "", badRequest("InvalidInstance.NotMatch", "The command type %s does not fit the Windows instance %s.", inv.CommandType, id)
		}
		if next.target(id) == nil {
			next.Targets = append(next.Targets, &Target{InstanceID: id, Status: StatusScheduled, Created: now, Updated: now})
		}
	}
	if len(next.Targets) > maxInstances {
		return "", forbidden("InstanceIds.ExceedLimit", "The task would have %d instances; at most %d are allowed.", len(next.Targets), maxInstances)
	}
	if next.CommandContent != inv.CommandContent {
		cmd := c.commandForContent(inv, next, names, now)
		newCommandID, next.CommandID = cmd.ID, cmd.ID
	}
	c.apply(inv, next)
	return newCommandID, nil
}

// parameterNamesOf returns the parameter names the modified task's content defines.
func (c *Cloud) parameterNamesOf(inv, next *Invocation, content *string) ([]string, error) {
	if !next.EnableParameter {
		return nil, nil
	}
	text := inv.CommandContent
	if content != nil && *content != "" {
		text = *content
	}
	return parseParameterNames(text)
}

// commandForContent stores the command a content change creates, listed only when the
// task's original command is. Callers hold c.mu.
func (c *Cloud) commandForContent(inv, next *Invocation, names []string, now time.Time) *Command {
	hidden := true
	if old, ok := c.commands[inv.CommandID]; ok {
		hidden = old.Hidden
	}
	cmd := &Command{
		ID: newID("c-", 32), Name: inv.CommandName, Description: inv.CommandDescription, Type: inv.CommandType,
		Content: next.CommandContent, WorkingDir: inv.WorkingDir, Timeout: inv.Timeout,
		EnableParameter: next.EnableParameter, ParameterNames: names, Launcher: inv.Launcher,
		Created: now, InvokeTimes: 1, Hidden: hidden,
	}
	c.commands[cmd.ID] = cmd
	_ = c.save(bucketCommands, cmd.ID, cmd)
	return cmd
}

// apply copies the modified fields into inv (runs in flight keep pointers to its targets),
// re-arms a changed schedule and saves. Callers hold c.mu.
func (c *Cloud) apply(inv, next *Invocation) {
	inv.CommandID, inv.CommandContent = next.CommandID, next.CommandContent
	inv.EnableParameter, inv.Parameters = next.EnableParameter, next.Parameters
	inv.Targets = append(inv.Targets, next.Targets[len(inv.Targets):]...)
	if next.Frequency != inv.Frequency {
		inv.Frequency = next.Frequency
		if tm, ok := c.timers[inv.ID]; ok {
			tm.Stop()
			delete(c.timers, inv.ID)
		}
		c.armSchedule(inv, c.cfg.Now())
	}
	c.saveInvocation(inv)
}
