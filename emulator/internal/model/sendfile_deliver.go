package model

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
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
	disk, err := c.instanceDisk(t.InstanceID) // made (mounted) on first use
	if err != nil {
		c.endDelivery(task, t, fileOutcome{StatusError, "FileCreateFail", err.Error()})
		return
	}
	t.Status, t.Start, t.Updated = StatusRunning, c.cfg.Now().UTC(), c.cfg.Now().UTC()
	c.wg.Add(1)
	go func(taskID, instanceID string) {
		defer c.wg.Done()
		out := writeFile(disk, task.TargetDir, task.Name, task.Content, task.FileMode, task.FileOwner, task.FileGroup, task.Overwrite)
		c.mu.Lock()
		defer c.mu.Unlock()
		if task, ok := c.files[taskID]; ok {
			if t := task.target(instanceID); t != nil && t.Status == StatusRunning {
				c.endDelivery(task, t, out)
			}
		}
	}(task.ID, t.InstanceID)
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
