package emulator

import (
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// invokeInput reads the invocation fields InvokeCommand and RunCommand share.
func invokeInput(r *protocol.Request) (model.InvokeInput, error) {
	in := model.InvokeInput{
		CommandID: r.Get("CommandId"), InstanceIDs: r.List("InstanceId"),
		RepeatMode: r.Get("RepeatMode"), Frequency: r.Get("Frequency"), Parameters: r.Get("Parameters"),
		Username: r.Get("Username"), Launcher: r.Get("Launcher"), TerminationMode: r.Get("TerminationMode"),
		ContainerID: r.Get("ContainerId"), ContainerName: r.Get("ContainerName"),
		ClientToken: r.Get("ClientToken"), Tags: tags(r), WorkingDir: r.Get("WorkingDir"),
		OssOutputDelivery: r.Get("OssOutputDelivery"), ResourceGroupID: r.Get("ResourceGroupId"),
	}
	for _, t := range r.TagList("ResourceTag") {
		in.ResourceTags = append(in.ResourceTags, model.Tag{Key: t.Key, Value: t.Value})
	}
	var err error
	if in.Timed, err = boolParam(r, "Timed"); err != nil {
		return in, err
	}
	if in.Timeout, _, err = int64Param(r, "Timeout"); err != nil {
		return in, err
	}
	return in, nil
}

func invokeCommand(s *Server, r *protocol.Request) (any, error) {
	if _, err := required(r, "CommandId"); err != nil {
		return nil, err
	}
	in, err := invokeInput(r)
	if err != nil {
		return nil, err
	}
	inv, err := s.cloud.Invoke(in)
	if err != nil {
		return nil, err
	}
	return struct{ InvokeId string }{inv.ID}, nil
}

func runCommand(s *Server, r *protocol.Request) (any, error) {
	cmd, err := commandInput(r, true, false)
	if err != nil {
		return nil, err
	}
	in, err := invokeInput(r)
	if err != nil {
		return nil, err
	}
	keep, err := boolParam(r, "KeepCommand")
	if err != nil {
		return nil, err
	}
	inv, err := s.cloud.RunCommand(model.RunInput{Command: cmd, KeepCommand: keep, Invoke: in})
	if err != nil {
		return nil, err
	}
	return struct{ CommandId, InvokeId string }{inv.CommandID, inv.ID}, nil
}

func describeInvocations(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 50)
	if err != nil {
		return nil, err
	}
	plain := plainText(r, false)
	includeOutput, err := boolParam(r, "IncludeOutput")
	if err != nil {
		return nil, err
	}
	f := model.InvocationFilter{
		InvokeID: r.Get("InvokeId"), CommandID: r.Get("CommandId"), CommandName: r.Get("CommandName"),
		CommandType: r.Get("CommandType"), InstanceID: r.Get("InstanceId"), RepeatMode: r.Get("RepeatMode"),
		Status: r.Get("InvokeStatus"), ResourceGroupID: r.Get("ResourceGroupId"), Tags: tags(r),
	}
	if timed, present, err := r.Bool("Timed"); err != nil {
		return nil, err
	} else if present {
		f.Timed = &timed
	}
	invs := s.cloud.Invocations(f)
	start, end, next := p.window(len(invs))
	out := describeInvocationsJSON{paging: p.answer(len(invs), next)}
	out.Invocations.Invocation = make([]invocationJSON, 0, end-start)
	for _, inv := range invs[start:end] {
		out.Invocations.Invocation = append(out.Invocations.Invocation, invocationOf(inv, includeOutput, plain))
	}
	return out, nil
}

func describeInvocationResults(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 50)
	if err != nil {
		return nil, err
	}
	plain := plainText(r, false)
	history, err := boolParam(r, "IncludeHistory")
	if err != nil {
		return nil, err
	}
	results := s.cloud.Results(model.ResultFilter{
		InvokeID: r.Get("InvokeId"), InstanceID: r.Get("InstanceId"), CommandID: r.Get("CommandId"),
		RecordStatus: r.Get("InvokeRecordStatus"), IncludeHistory: history, Tags: tags(r),
		ResourceGroupID: r.Get("ResourceGroupId"),
	})
	start, end, next := p.window(len(results))
	var out describeInvocationResultsJSON
	out.Invocation.paging = p.answer(len(results), next)
	out.Invocation.InvocationResults.InvocationResult = make([]invocationResultJSON, 0, end-start)
	for _, res := range results[start:end] {
		out.Invocation.InvocationResults.InvocationResult = append(out.Invocation.InvocationResults.InvocationResult, resultOf(res, plain))
	}
	return out, nil
}

func stopInvocation(s *Server, r *protocol.Request) (any, error) {
	id, err := required(r, "InvokeId")
	if err != nil {
		return nil, err
	}
	if err := s.cloud.StopInvocation(id, r.List("InstanceId")); err != nil {
		return nil, err
	}
	return empty{}, nil
}

func modifyInvocationAttribute(s *Server, r *protocol.Request) (any, error) {
	id, err := required(r, "InvokeId")
	if err != nil {
		return nil, err
	}
	p := model.InvocationPatch{
		InvokeID: id, Frequency: r.Get("Frequency"), Parameters: r.Get("Parameters"),
		AddInstanceIDs: r.List("InstanceId"),
	}
	if c := r.Get("CommandContent"); c != "" {
		// ModifyInvocationAttribute's ContentEncoding defaults (and falls back) to PlainText.
		content, err := decodeContent(c, plainText(r, true))
		if err != nil {
			return nil, model.ErrModifyContentEncoding
		}
		p.Content = &content
	}
	if v, present, err := r.Bool("EnableParameter"); err != nil {
		return nil, err
	} else if present {
		p.EnableParameter = &v
	}
	commandID, err := s.cloud.ModifyInvocationAttribute(p)
	if err != nil {
		return nil, err
	}
	return struct {
		CommandId string `json:"CommandId,omitempty"`
	}{commandID}, nil
}
