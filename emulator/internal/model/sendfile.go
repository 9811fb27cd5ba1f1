package model

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits of SendFile, from the API reference.
const (
	maxFileBase64     = 32 * 1024 // the content, after Base64
	maxFileNameLen    = 255
	maxFileDirLen     = 255
	maxFileOwnerLen   = 64
	maxFileInstances  = 50
	minFileTimeout    = 10 // shorter timeouts are raised to this
	defaultFileTimout = 60
	defaultFileMode   = "0644"
	defaultFileOwner  = "root"
)

// Content types of SendFile.
const (
	ContentPlainText = "PlainText"
	ContentBase64    = "Base64"
)

// SendFileInput is what SendFile takes.
type SendFileInput struct {
	InstanceIDs     []string
	Name            string
	TargetDir       string
	Content         string // as sent
	ContentType     string // PlainText (default) or Base64
	FileMode        string
	FileOwner       string
	FileGroup       string
	Overwrite       bool
	Timeout         int64
	Description     string
	ResourceGroupID string
	ClientToken     string
	Tags            []Tag
}

// FileTask is one SendFile call and what it did on each instance.
type FileTask struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	TargetDir       string        `json:"targetDir"`
	Content         []byte        `json:"content"` // decoded
	ContentType     string        `json:"contentType"`
	FileMode        string        `json:"fileMode"`
	FileOwner       string        `json:"fileOwner"`
	FileGroup       string        `json:"fileGroup"`
	Overwrite       bool          `json:"overwrite"`
	Timeout         int64         `json:"timeout"`
	Description     string        `json:"description,omitempty"`
	ResourceGroupID string        `json:"resourceGroupId,omitempty"`
	ClientToken     string        `json:"clientToken,omitempty"`
	Fingerprint     string        `json:"fingerprint,omitempty"`
	Tags            []Tag         `json:"tags,omitempty"`
	Created         time.Time     `json:"created"`
	Targets         []*FileTarget `json:"targets"`
}

// FileTarget is the delivery of a file to one instance.
type FileTarget struct {
	InstanceID string    `json:"instanceId"`
	Status     string    `json:"status"`
	ErrorCode  string    `json:"errorCode,omitempty"`
	ErrorInfo  string    `json:"errorInfo,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Start      time.Time `json:"start,omitempty"`
	Finish     time.Time `json:"finish,omitempty"`
}

// Status is the overall InvocationStatus of the task.
func (f *FileTask) Status() string {
	out := make([]string, len(f.Targets))
	for i, t := range f.Targets {
		out[i] = t.Status
	}
	return OverallStatus(out)
}

func (f *FileTask) target(instanceID string) *FileTarget {
	for _, t := range f.Targets {
		if t.InstanceID == instanceID {
			return t
		}
	}
	return nil
}

func (f *FileTask) clone() *FileTask {
	c := *f
	c.Targets = make([]*FileTarget, len(f.Targets))
	for i, t := range f.Targets {
		tc := *t
		c.Targets[i] = &tc
	}
	return &c
}

// SendFile validates in and starts writing the file on every instance. The answer comes back
// with every instance Pending; the writes finish in the background, as the agents' do.
func (c *Cloud) SendFile(in SendFileInput) (*FileTask, error) {
	if err := checkToken(in.ClientToken); err != nil {
		return nil, err
	}
	task, err := newFileTask(in, c.cfg.Now().UTC())
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.fileTokens[in.ClientToken]; ok && in.ClientToken != "" {
		prev := c.files[id]
		if prev.Fingerprint != task.Fingerprint {
			return nil, forbidden("IdempotentParameterMismatch", "The ClientToken %q was used before with other parameters.", in.ClientToken)
		}
		return prev.clone(), nil
	}
	seen := map[string]bool{}
	for _, id := range in.InstanceIDs {
		if _, ok := c.instances[id]; !ok {
			return nil, errFileInstance
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		task.Targets = append(task.Targets, &FileTarget{InstanceID: id, Status: StatusPending, Created: task.Created, Updated: task.Created})
	}
	c.files[task.ID] = task
	c.fileOrder = append(c.fileOrder, task.ID)
	if task.ClientToken != "" {
		c.fileTokens[task.ClientToken] = task.ID
	}
	c.saveFileTask(task)
	for _, t := range task.Targets {
		c.startDelivery(task, t)
	}
	return task.clone(), nil
}

// newFileTask checks what the API checks before accepting a SendFile call.
func newFileTask(in SendFileInput, now time.Time) (*FileTask, error) {
	// The codes, statuses and messages of the current SendFile "Error codes" table.
	switch {
	case len(in.InstanceIDs) == 0:
		return nil, errMissingInstanceID
	case len(in.InstanceIDs) > maxFileInstances:
		return nil, errInstanceCount
	case len([]rune(in.Name)) > maxFileNameLen:
		return nil, errFileName
	case len([]rune(in.Description)) > maxDescriptionLen:
		return nil, errFileDesc
	case !strings.HasPrefix(in.TargetDir, "/") || len([]rune(in.TargetDir)) > maxFileDirLen:
		return nil, errFileTargetDir
	case in.Timeout < 0:
		// The table has no code for a negative Timeout; InvalidParameter.Timeout is the
		// emulator's choice.
		return nil, badRequest("InvalidParameter.Timeout", "Timeout must be between 1 and %d seconds.", maxTimeout)
	case in.Timeout > maxTimeout:
		return nil, errFileTimeout
	case len(in.FileOwner) > maxFileOwnerLen:
		return nil, errFileOwner
	case len(in.FileGroup) > maxFileOwnerLen:
		return nil, errFileGroup
	}
	if err := CheckTaskTags(in.Tags); err != nil {
		return nil, err
	}
	contentType := in.ContentType
	if contentType == "" {
		contentType = ContentPlainText
	}
	var content []byte
	switch {
	case strings.EqualFold(contentType, ContentPlainText):
		contentType, content = ContentPlainText, []byte(in.Content)
	case strings.EqualFold(contentType, ContentBase64):
		b, err := base64.StdEncoding.DecodeString(in.Content)
		if err != nil {
			return nil, errFileDecode
		}
		contentType, content = ContentBase64, b
	default:
		return nil, errFileContentType
	}
	if base64.StdEncoding.EncodedLen(len(content)) > maxFileBase64 {
		return nil, errFileSize
	}
	mode := in.FileMode
	if mode == "" {
		mode = defaultFileMode
	}
	if _, err := ParseFileMode(mode); err != nil {
		return nil, errFileMode
	}
	timeout := in.Timeout
	switch {
	case timeout == 0:
		timeout = defaultFileTimout
	case timeout < minFileTimeout:
		timeout = minFileTimeout
	}
	owner, group := in.FileOwner, in.FileGroup
	if owner == "" {
		owner = defaultFileOwner
	}
	if group == "" {
		group = defaultFileOwner
	}
	return &FileTask{
		ID: newID("f-", 32), Name: in.Name, TargetDir: in.TargetDir, Content: content,
		ContentType: contentType, FileMode: mode, FileOwner: owner, FileGroup: group,
		Overwrite: in.Overwrite, Timeout: timeout, Description: in.Description,
		ResourceGroupID: in.ResourceGroupID, ClientToken: in.ClientToken,
		Fingerprint: fingerprint("sendfile", in), Tags: in.Tags, Created: now,
	}, nil
}

// ParseFileMode reads a FileMode the way chmod reads an octal mode: three or four octal
// digits (the fourth, first, holds the setuid, setgid and sticky bits).
func ParseFileMode(s string) (uint32, error) {
	if len(s) < 3 || len(s) > 4 {
		return 0, fmt.Errorf("want 3 or 4 octal digits such as 0644")
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, fmt.Errorf("want 3 or 4 octal digits such as 0644")
	}
	return uint32(n), nil
}

// FileFilter selects file tasks; empty fields match everything.
type FileFilter struct {
	InvokeID, InstanceID, Name, ResourceGroupID string
	// Status matches the overall status, case-insensitively.
	Status string
	Tags   []Tag
}

// FileTasks lists matching file tasks, newest first, as copies.
func (c *Cloud) FileTasks(f FileFilter) []*FileTask {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*FileTask
	for i := len(c.fileOrder) - 1; i >= 0; i-- {
		task := c.files[c.fileOrder[i]]
		if f.matches(task) {
			out = append(out, task.clone())
		}
	}
	return out
}

func (f FileFilter) matches(task *FileTask) bool {
	return (f.InvokeID == "" || task.ID == f.InvokeID) &&
		(f.InstanceID == "" || task.target(f.InstanceID) != nil) &&
		(f.Name == "" || task.Name == f.Name) &&
		(f.ResourceGroupID == "" || task.ResourceGroupID == f.ResourceGroupID) &&
		(f.Status == "" || strings.EqualFold(f.Status, task.Status())) &&
		hasTags(task.Tags, f.Tags)
}

// SandboxDir is the directory that holds the instances' disks, one directory each.
func (c *Cloud) SandboxDir() string { return c.cfg.SandboxDir }
