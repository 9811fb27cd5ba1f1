package emulator

import (
	"path/filepath"
	"strconv"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// SendFile and DescribeSendFileResults: the handlers and the shapes of their answers (the
// fields of the SDKs' DescribeSendFileResults response structs).

func sendFile(s *Server, r *protocol.Request) (any, error) {
	for _, name := range []string{"Name", "TargetDir", "Content"} {
		if _, err := required(r, name); err != nil {
			return nil, err
		}
	}
	in := model.SendFileInput{
		InstanceIDs: r.List("InstanceId"), Name: r.Get("Name"), TargetDir: r.Get("TargetDir"),
		Content: r.Get("Content"), ContentType: r.Get("ContentType"), FileMode: r.Get("FileMode"),
		FileOwner: r.Get("FileOwner"), FileGroup: r.Get("FileGroup"), Description: r.Get("Description"),
		ResourceGroupID: r.Get("ResourceGroupId"), ClientToken: r.Get("ClientToken"), Tags: allTags(r),
	}
	var err error
	if in.Overwrite, err = boolParam(r, "Overwrite"); err != nil {
		return nil, err
	}
	if in.Timeout, _, err = int64Param(r, "Timeout"); err != nil {
		return nil, err
	}
	task, err := s.cloud.SendFile(in)
	if err != nil {
		return nil, err
	}
	return struct{ InvokeId string }{task.ID}, nil
}

func describeSendFileResults(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 50)
	if err != nil {
		return nil, err
	}
	filterTags := allTags(r)
	if err := model.CheckTaskTags(filterTags); err != nil {
		return nil, err
	}
	tasks := s.cloud.FileTasks(model.FileFilter{
		InvokeID: r.Get("InvokeId"), InstanceID: r.Get("InstanceId"), Name: r.Get("Name"),
		ResourceGroupID: r.Get("ResourceGroupId"), Status: r.Get("InvocationStatus"), Tags: filterTags,
	})
	start, end, next := p.window(len(tasks))
	out := describeSendFileResultsJSON{paging: p.answer(len(tasks), next)}
	out.Invocations.Invocation = make([]fileInvocationJSON, 0, end-start)
	for _, task := range tasks[start:end] {
		out.Invocations.Invocation = append(out.Invocations.Invocation, fileInvocationOf(task))
	}
	return out, nil
}

type describeSendFileResultsJSON struct {
	paging
	Invocations struct {
		Invocation []fileInvocationJSON `json:"Invocation"`
	} `json:"Invocations"`
}

type fileInvocationJSON struct {
	InvokeId         string `json:"InvokeId"`
	Name             string `json:"Name"`
	Description      string `json:"Description"`
	TargetDir        string `json:"TargetDir"`
	Content          string `json:"Content"`
	ContentType      string `json:"ContentType"`
	FileMode         string `json:"FileMode"`
	FileOwner        string `json:"FileOwner"`
	FileGroup        string `json:"FileGroup"`
	Overwrite        string `json:"Overwrite"`
	CreationTime     string `json:"CreationTime"`
	InvocationStatus string `json:"InvocationStatus"`
	VmCount          int    `json:"VmCount"`
	ResourceGroupId  string `json:"ResourceGroupId"`
	InvokeInstances  struct {
		InvokeInstance []fileInstanceJSON `json:"InvokeInstance"`
	} `json:"InvokeInstances"`
	Tags tagsJSON `json:"Tags"`
}

type fileInstanceJSON struct {
	InstanceId       string `json:"InstanceId"`
	InvocationStatus string `json:"InvocationStatus"`
	ErrorCode        string `json:"ErrorCode"`
	ErrorInfo        string `json:"ErrorInfo"`
	CreationTime     string `json:"CreationTime"`
	StartTime        string `json:"StartTime"`
	FinishTime       string `json:"FinishTime"`
	UpdateTime       string `json:"UpdateTime"`
}

func fileInvocationOf(task *model.FileTask) fileInvocationJSON {
	out := fileInvocationJSON{
		InvokeId: task.ID, Name: task.Name, Description: task.Description, TargetDir: task.TargetDir,
		Content: encode(task.Content, task.ContentType == model.ContentPlainText), ContentType: task.ContentType,
		FileMode: task.FileMode, FileOwner: task.FileOwner, FileGroup: task.FileGroup,
		Overwrite: strconv.FormatBool(task.Overwrite), CreationTime: ts(task.Created),
		InvocationStatus: task.Status(), VmCount: len(task.Targets), ResourceGroupId: task.ResourceGroupID,
		Tags: tagsOf(task.Tags),
	}
	out.InvokeInstances.InvokeInstance = make([]fileInstanceJSON, 0, len(task.Targets))
	for _, t := range task.Targets {
		out.InvokeInstances.InvokeInstance = append(out.InvokeInstances.InvokeInstance, fileInstanceJSON{
			InstanceId: t.InstanceID, InvocationStatus: t.Status, ErrorCode: t.ErrorCode, ErrorInfo: t.ErrorInfo,
			CreationTime: ts(t.Created), StartTime: ts(t.Start), FinishTime: ts(t.Finish), UpdateTime: ts(t.Updated),
		})
	}
	return out
}

// InstancePath is where a path on an emulated instance's disk lives on this machine: with
// isolation, inside the instance's root filesystem, which it mounts if a run or a file has not
// yet (it stays mounted until Close); with IsolationNone, in its sandbox directory. Tests use it
// to look at files sent and written. A link on the instance's disk is a link here too: follow
// it only inside the instance.
func (s *Server) InstancePath(instanceID, path string) string {
	root, err := s.cloud.InstanceRoot(instanceID)
	if err != nil {
		root = filepath.Join(s.cloud.SandboxDir(), instanceID)
	}
	return filepath.Join(root, filepath.FromSlash(filepath.Clean("/"+path)))
}
