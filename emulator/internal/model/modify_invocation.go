package model

import (
	"encoding/base64"
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
		return "", errModifyInvokeID
	}
	if inv.RepeatMode != RepeatPeriod && inv.RepeatMode != RepeatNextRebootOnly && inv.RepeatMode != RepeatEveryReboot {
		return "", errModifyRepeatMode
	}
	if !inv.Active() || inv.Stopped {
		return "", errModifyFinished
	}
	next := inv.clone()
	if strings.TrimSpace(p.Frequency) != "" {
		// The reference: Frequency "takes effect only when RepeatMode is set to Period"; the
		// emulator refuses it on a reboot task rather than ignore it, with the table's code.
		if inv.RepeatMode != RepeatPeriod {
			return "", errModifyFrequency
		}
		sch, err := c.rules().Parse(p.Frequency)
		if err != nil || sch.Next(c.cfg.Now()).IsZero() {
			return "", errModifyFrequency
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
		if err := c.checkModifiedContent(inv, *p.Content); err != nil {
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
			return "", modifyParameterError(err)
		}
	}
	now := c.cfg.Now().UTC()
	for _, id := range p.AddInstanceIDs {
		inst, ok := c.instances[id]
		if !ok {
			return "", errModifyInstanceID
		}
		if inv.CommandType == TypeShell && inst.OSType == OSWindows {
			return "", errModifyOSType
		}
		if next.target(id) == nil {
			next.Targets = append(next.Targets, &Target{InstanceID: id, Status: StatusScheduled, Created: now, Updated: now})
		}
	}
	if len(next.Targets) > maxInstances {
		return "", errModifyInstanceCount
	}
	if next.CommandContent != inv.CommandContent {
		cmd := c.commandForContent(inv, next, names, now)
		newCommandID, next.CommandID = cmd.ID, cmd.ID
	}
	c.apply(inv, next)
	return newCommandID, nil
}

// checkModifiedContent applies the reference's size limit to new content: 18 KB after
// Base64 when the task's command is kept (KeepCommand, or InvokeCommand of a listed command),
// 24 KB when it is not. Callers hold c.mu.
func (c *Cloud) checkModifiedContent(inv *Invocation, content string) error {
	limitKB := 24
	if cmd, ok := c.commands[inv.CommandID]; ok && !cmd.Hidden {
		limitKB = 18
	}
	if base64.StdEncoding.EncodedLen(len(content)) > limitKB*1024 {
		return errModifyContentLength(limitKB)
	}
	return nil
}

// modifyParameterError turns the Parameters errors InvokeCommand answers into the
// InvalidParameters.* codes of ModifyInvocationAttribute's table. Parameter.MissingValue,
// Parameter.Disabled and InvalidParameter.Parameters (malformed JSON) have no counterpart
// there and stay as InvokeCommand answers them. The table's InvalidParameters.KeyMalformed is
// not used: the page does not say what makes a key malformed beyond the empty and the too
// long ones, which have codes of their own.
func modifyParameterError(err error) error {
	if err == errParamKeyEmpty {
		return errModifyKeyEmpty
	}
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	if mapped, ok := modifyParameterCodes[e.Code]; ok {
		return mapped
	}
	return err
}

// modifyParameterCodes maps InvokeCommand's Parameters codes to ModifyInvocationAttribute's.
var modifyParameterCodes = map[string]*Error{
	"ParameterKey.Duplicate":     errModifyKeyDuplicate,
	"Parameter.NotMatched":       errModifyKeyNotMatch,
	"ParameterKey.ExceedLimit":   errModifyKeyLength,
	"ParameterCount.ExceedLimit": errModifyParamCount,
	"ParameterType.NotSupported": errModifyValueType,
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
