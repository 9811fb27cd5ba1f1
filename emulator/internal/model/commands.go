package model

import (
	"encoding/base64"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a command.
const (
	maxNameLen        = 128
	maxDescriptionLen = 512
	maxWorkingDirLen  = 200
	// maxContentBase64 is the current API's limit of the content after Base64.
	maxContentBase64 = 18 * 1024
	// maxInvokeBase64 limits content plus parameters at invoke time (18 KB in the current
	// InvokeCommand reference; older pages said 16 KB).
	maxInvokeBase64 = 18 * 1024
	defaultTimeout  = 60
	maxTimeout      = 86400
	// maxLauncherLen is the documented 1 KB limit of Launcher.
	maxLauncherLen = 1024
)

// CommandInput is what CreateCommand and RunCommand take for the command.
type CommandInput struct {
	Name            string
	Description     string
	Type            string
	Content         string // plain text
	WorkingDir      string
	Timeout         int64 // 0: the default
	EnableParameter bool
	Launcher        string
	ResourceGroupID string
	Tags            []Tag
	// ClientToken makes CreateCommand idempotent: a retry with the same token and the same
	// fields answers the command the first call created.
	ClientToken string
}

func validType(t string) bool { return t == TypeShell || t == TypeBat || t == TypePowerShell }

// buildCommand validates in and returns the command it describes (not yet stored).
func (c *Cloud) buildCommand(in CommandInput) (*Command, error) {
	if !validType(in.Type) {
		return nil, notFound("InvalidCmdType.NotFound", "The command type %q does not exist; use RunShellScript, RunBatScript or RunPowerShellScript.", in.Type)
	}
	if err := checkCommandFields(&in.Name, &in.Description, &in.Content, &in.WorkingDir, &in.Timeout, &in.Launcher); err != nil {
		return nil, err
	}
	var names []string
	if in.EnableParameter {
		var err error
		if names, err = parseParameterNames(in.Content); err != nil {
			return nil, err
		}
	}
	timeout := in.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	return &Command{
		ID: newID("c-", 32), Name: in.Name, Description: in.Description, Type: in.Type,
		Content: in.Content, WorkingDir: in.WorkingDir, Timeout: timeout,
		EnableParameter: in.EnableParameter, ParameterNames: names, Launcher: in.Launcher,
		ResourceGroupID: in.ResourceGroupID, Tags: in.Tags, Created: c.cfg.Now().UTC(),
	}, nil
}

// checkCommandFields validates the fields CreateCommand and ModifyCommand share; nil skips one.
func checkCommandFields(name, desc, content, workingDir *string, timeout *int64, launcher *string) error {
	if err := checkText("Name", name); err != nil {
		return err
	}
	if err := checkText("Description", desc); err != nil {
		return err
	}
	if name != nil && len([]rune(*name)) > maxNameLen {
		return forbidden("CmdName.ExceedLimit", "The command name has %d characters; at most %d are allowed.", len([]rune(*name)), maxNameLen)
	}
	if desc != nil && len([]rune(*desc)) > maxDescriptionLen {
		return forbidden("CmdDesc.ExceedLimit", "The description has %d characters; at most %d are allowed.", len([]rune(*desc)), maxDescriptionLen)
	}
	if content != nil {
		if n := base64.StdEncoding.EncodedLen(len(*content)); n > maxContentBase64 {
			return forbidden("CmdContent.ExceedLimit", "The command content is %d bytes after Base64; at most %d are allowed.", n, maxContentBase64)
		}
	}
	if workingDir != nil && len(*workingDir) > maxWorkingDirLen {
		return badRequest("InvalidParameter.WorkingDir", "The working directory has %d characters; at most %d are allowed.", len(*workingDir), maxWorkingDirLen)
	}
	if timeout != nil {
		if err := checkTimeout(*timeout); err != nil {
			return err
		}
	}
	if launcher != nil {
		return checkLauncher(*launcher)
	}
	return nil
}

// checkText refuses a Name or Description that is not valid UTF-8 or holds a control
// character (a tab and, in a Description, line breaks are text): the console shows these
// fields, and a terminal control sequence in one would act on whoever reads it.
// InvalidParameter.<field>, 400, like the service's other malformed values.
func checkText(field string, v *string) error {
	if v == nil {
		return nil
	}
	if !utf8.ValidString(*v) {
		return badRequest("InvalidParameter."+field, "The %s is not valid UTF-8.", strings.ToLower(field))
	}
	for i, r := range *v {
		allowed := r == '\t' || (field == "Description" && (r == '\n' || r == '\r'))
		if unicode.IsControl(r) && !allowed {
			return badRequest("InvalidParameter."+field, "The %s has the control character U+%04X at byte %d.", strings.ToLower(field), r, i)
		}
	}
	return nil
}

// checkTimeout validates a Timeout in seconds; 0 means the default.
func checkTimeout(t int64) error {
	if t < 0 {
		return badRequest("InvalidParameter.Timeout", "Timeout must be between 1 and %d seconds.", maxTimeout)
	}
	if t > maxTimeout {
		return forbidden("InvalidTimeout.ExceedLimit", "Timeout is %d seconds; at most %d are allowed.", t, maxTimeout)
	}
	return nil
}

func checkLauncher(l string) error {
	if len(l) > maxLauncherLen {
		return forbidden("InvalidLauncher.LengthLimitExceeded", "Launcher has %d bytes; at most %d (1 KB) are allowed.", len(l), maxLauncherLen)
	}
	return nil
}

// CreateCommand stores a new command. A ClientToken seen before answers the command it
// created, or IdempotentParameterMismatch when the other fields differ.
func (c *Cloud) CreateCommand(in CommandInput) (*Command, error) {
	if err := checkToken(in.ClientToken); err != nil {
		return nil, err
	}
	cmd, err := c.buildCommand(in)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if in.ClientToken != "" {
		cmd.ClientToken, cmd.Fingerprint = in.ClientToken, fingerprint("command", in)
		if id, ok := c.cmdTokens[in.ClientToken]; ok {
			prev, exists := c.commands[id]
			switch {
			case exists && prev.Fingerprint != cmd.Fingerprint:
				return nil, forbidden("IdempotentParameterMismatch", "The ClientToken %q was used before with other parameters.", in.ClientToken)
			case exists:
				cp := *prev
				return &cp, nil
			}
		}
		c.cmdTokens[in.ClientToken] = cmd.ID
	}
	c.commands[cmd.ID] = cmd
	if err := c.save(bucketCommands, cmd.ID, cmd); err != nil {
		delete(c.commands, cmd.ID)
		return nil, err
	}
	cp := *cmd
	return &cp, nil
}

// CommandPatch lists the fields ModifyCommand changes; nil leaves a field alone. There is
// no content: the current ModifyCommand reference says CommandContent "is no longer used
// and does not take effect" (a command's script never changes; a new one needs a new
// command).
type CommandPatch struct {
	ID          string
	Name        *string
	Description *string
	WorkingDir  *string
	Timeout     *int64
	Launcher    *string
}

// ModifyCommand changes a command; invocations already made keep what they ran.
func (c *Cloud) ModifyCommand(p CommandPatch) error {
	if err := checkCommandFields(p.Name, p.Description, nil, p.WorkingDir, p.Timeout, p.Launcher); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, ok := c.commands[p.ID]
	if !ok || cmd.Hidden {
		return notFound("InvalidCmdId.NotFound", "The command %s does not exist.", p.ID)
	}
	next := *cmd
	if p.Name != nil && *p.Name != "" {
		next.Name = *p.Name
	}
	if p.Description != nil {
		next.Description = *p.Description
	}
	if p.WorkingDir != nil {
		next.WorkingDir = *p.WorkingDir
	}
	if p.Timeout != nil && *p.Timeout > 0 {
		next.Timeout = *p.Timeout
	}
	if p.Launcher != nil {
		next.Launcher = *p.Launcher
	}
	if err := c.save(bucketCommands, next.ID, &next); err != nil {
		return err
	}
	*cmd = next
	return nil
}

// DeleteCommand removes a command; the records of its invocations stay.
func (c *Cloud) DeleteCommand(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cmd, ok := c.commands[id]
	if !ok || cmd.Hidden {
		return notFound("InvalidCmdId.NotFound", "The command %s does not exist.", id)
	}
	if err := c.cfg.Store.Delete(bucketCommands, id); err != nil {
		return err
	}
	delete(c.commands, id)
	return nil
}

// CommandFilter selects commands; empty fields match everything.
type CommandFilter struct {
	ID, Name, Type, Description string
	Tags                        []Tag
}

// Commands lists the visible commands that match f, newest first.
func (c *Cloud) Commands(f CommandFilter) []Command {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Command
	for _, cmd := range c.commands {
		if cmd.Hidden || (f.ID != "" && cmd.ID != f.ID) || (f.Type != "" && cmd.Type != f.Type) ||
			!matchName(cmd.Description, f.Description) || !matchName(cmd.Name, f.Name) ||
			!hasTags(cmd.Tags, f.Tags) {
			continue
		}
		out = append(out, *cmd)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ParameterNamesOf lists a command's parameter names sorted, for answers.
func ParameterNamesOf(cmd Command) []string {
	out := append([]string(nil), cmd.ParameterNames...)
	sort.Strings(out)
	return out
}
