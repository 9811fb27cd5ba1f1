package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const bucketFiles = "sendfiles"

// The ErrorInfo texts of a file delivery, as the API documents them.
const (
	infoFileExists      = "File already exists"
	infoFileNameInvalid = "File name is invalid"
	infoFilePathInvalid = "File path is invalid"
	infoOwnerNotExists  = "Owner not exists"
	infoGroupNotExists  = "Group not exists"
	infoFileCreateFail  = "Unexpected error during creating"
)

// fileOutcome is how one delivery ended.
type fileOutcome struct{ status, code, info string }

// startDelivery begins the delivery of task to t's instance, or records why it cannot
// begin. Callers hold c.mu.
func (c *Cloud) startDelivery(task *FileTask, t *FileTarget) {
	inst := c.instances[t.InstanceID]
	switch {
	case inst == nil:
		c.endDelivery(task, t, fileOutcome{StatusInvalid, codeInstanceNotExists, "the specified instance does not exists"})
		return
	case inst.Status != InstanceRunning:
		c.endDelivery(task, t, fileOutcome{StatusAborted, "InstanceNotRunning", "the instance is not running when create task"})
		return
	case !inst.AgentInstalled:
		c.endDelivery(task, t, fileOutcome{StatusAborted, "ClientNotRunning", "the aliyun service is not running on the instance"})
		return
	case inst.AgentOffline:
		c.awaitFileDelivery(task, t)
		return
	case inst.OSType == OSWindows:
		c.endDelivery(task, t, fileOutcome{StatusError, "FileCreateFail", "the emulator does not write files on Windows instances"})
		return
	}
	if err := c.ensureSandbox(t.InstanceID); err != nil { // sandboxes are made on first use
		c.endDelivery(task, t, fileOutcome{StatusError, "FileCreateFail", err.Error()})
		return
	}
	t.Status, t.Start, t.Updated = StatusRunning, c.cfg.Now().UTC(), c.cfg.Now().UTC()
	c.wg.Add(1)
	go func(taskID, instanceID, sandbox string) {
		defer c.wg.Done()
		out := writeFile(sandbox, task.TargetDir, task.Name, task.Content, task.FileMode, task.FileOwner, task.FileGroup, task.Overwrite)
		c.mu.Lock()
		defer c.mu.Unlock()
		if task, ok := c.files[taskID]; ok {
			if t := task.target(instanceID); t != nil && t.Status == StatusRunning {
				c.endDelivery(task, t, out)
			}
		}
	}(task.ID, t.InstanceID, c.sandbox(t.InstanceID))
}

// awaitFileDelivery leaves t Pending on an instance whose client does not answer; when the
// delivery window passes it ends Aborted with DeliveryTimeout. Callers hold c.mu.
func (c *Cloud) awaitFileDelivery(task *FileTask, t *FileTarget) {
	key := "file/" + task.ID + "/" + t.InstanceID
	window := min(c.cfg.DeliveryTimeout, time.Duration(task.Timeout)*time.Second)
	taskID, instanceID := task.ID, t.InstanceID
	c.timers[key] = c.cfg.Clock.AfterFunc(window, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.timers, key)
		task, ok := c.files[taskID]
		if !ok || c.closing {
			return
		}
		if t := task.target(instanceID); t != nil && t.Status == StatusPending {
			c.endDelivery(task, t, fileOutcome{StatusAborted, "DeliveryTimeout", "the command delivery has been timeout"})
		}
	})
}

// endDelivery records the outcome on t and persists the task. Callers hold c.mu.
func (c *Cloud) endDelivery(task *FileTask, t *FileTarget, out fileOutcome) {
	now := c.cfg.Now().UTC()
	t.Status, t.ErrorCode, t.ErrorInfo = out.status, out.code, out.info
	if t.Start.IsZero() {
		t.Start = now
	}
	t.Finish, t.Updated = now, now
	if out.status == StatusSuccess {
		c.fleet.deliveredTo(t.InstanceID)
	}
	c.saveFileTask(task)
}

// writeFile does on the instance's disk (its sandbox directory) what the agent does: check
// the owner and group, create the directory, refuse an existing file unless overwrite, and
// write the file with its mode atomically. Nothing is written outside the sandbox.
func writeFile(sandbox, dir, name string, content []byte, mode, owner, group string, overwrite bool) fileOutcome {
	failed := func(code, info string) fileOutcome { return fileOutcome{StatusFailed, code, info} }
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return failed("FileNameInvalid", infoFileNameInvalid)
	}
	if strings.ContainsRune(dir, 0) {
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	u, err := user.Lookup(owner)
	if err != nil {
		return failed("AccountNotExists", infoOwnerNotExists)
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return failed("UserGroupNotExists", infoGroupNotExists)
	}
	perm, err := ParseFileMode(mode)
	if err != nil {
		return failed("FileAuthorityInvalid", "Mode is invalid")
	}
	root, err := filepath.EvalSymlinks(sandbox)
	if err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	hostDir := filepath.Join(root, filepath.FromSlash(filepath.Clean("/"+dir)))
	if !insideSandbox(root, hostDir) {
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	if err := os.MkdirAll(hostDir, 0o755); err != nil {
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	if !insideSandbox(root, hostDir) { // a directory created concurrently may be a link
		return failed("FilePathInvalid", infoFilePathInvalid)
	}
	target := filepath.Join(hostDir, name)
	if fi, err := os.Lstat(target); err == nil {
		if fi.IsDir() {
			return failed("FileCreateFail", infoFileCreateFail)
		}
		if !overwrite {
			return failed("FileAlreadyExists", infoFileExists)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	tmp, err := os.CreateTemp(hostDir, "."+name+".sending-*")
	if err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(content); err != nil {
		_ = tmp.Close()
		return failed("FileCreateFail", infoFileCreateFail)
	}
	if err := tmp.Close(); err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	if err := os.Chmod(tmp.Name(), toFileMode(perm)); err != nil {
		return failed("FileAuthorityInvalid", "Mode is invalid")
	}
	// Ownership changes need root; otherwise the file belongs to the emulator's user, as the
	// scripts run as it (the sandbox has no accounts of its own).
	if os.Geteuid() == 0 {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(g.Gid)
		if err := os.Lchown(tmp.Name(), uid, gid); err != nil {
			return failed("FileCreateFail", infoFileCreateFail)
		}
		// chown clears setuid/setgid bits: apply the mode again.
		if err := os.Chmod(tmp.Name(), toFileMode(perm)); err != nil {
			return failed("FileAuthorityInvalid", "Mode is invalid")
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return failed("FileCreateFail", infoFileCreateFail)
	}
	return fileOutcome{status: StatusSuccess}
}

// insideSandbox reports whether p, with its symbolic links resolved as far as it exists,
// stays under root.
func insideSandbox(root, p string) bool {
	existing := p
	rest := ""
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return false
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	resolved, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return false
	}
	full := filepath.Join(resolved, rest)
	return full == root || strings.HasPrefix(full, root+string(filepath.Separator))
}

// toFileMode turns chmod's octal bits into Go's FileMode.
func toFileMode(perm uint32) os.FileMode {
	m := os.FileMode(perm & 0o777)
	if perm&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if perm&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if perm&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m
}

// saveFileTask persists task; like saveInvocation, a failing disk is reported on stderr only.
func (c *Cloud) saveFileTask(task *FileTask) {
	if err := c.save(bucketFiles, task.ID, task); err != nil {
		fmt.Fprintf(os.Stderr, "emulator: saving file task %s: %v\n", task.ID, err)
	}
}

// loadFileTasks reads the file tasks of a previous process; deliveries it left unfinished
// end in Error, since nobody finishes them now.
func (c *Cloud) loadFileTasks() error {
	var tasks []*FileTask
	if err := c.cfg.Store.ForEach(bucketFiles, func(_ string, v []byte) error {
		var task FileTask
		if err := json.Unmarshal(v, &task); err != nil {
			return err
		}
		tasks = append(tasks, &task)
		return nil
	}); err != nil {
		return fmt.Errorf("loading file tasks: %w", err)
	}
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].Created.Before(tasks[j].Created) })
	for _, task := range tasks {
		c.files[task.ID] = task
		c.fileOrder = append(c.fileOrder, task.ID)
		if task.ClientToken != "" {
			c.fileTokens[task.ClientToken] = task.ID
		}
		for _, t := range task.Targets {
			if t.Status == StatusPending || t.Status == StatusRunning {
				c.endDelivery(task, t, fileOutcome{StatusError, "FileCreateFail", "the emulator stopped while the file was being sent"})
			}
		}
	}
	return nil
}
