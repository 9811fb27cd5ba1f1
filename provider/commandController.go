package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

var (
	_ = (infer.CustomCheck[CommandArgs])((*Command)(nil))
	_ = (infer.CustomDiff[CommandArgs, CommandState])((*Command)(nil))
	_ = (infer.CustomRead[CommandArgs, CommandState])((*Command)(nil))
	_ = (infer.CustomDelete[CommandState])((*Command)(nil))
	_ = (infer.Annotated)((*Command)(nil))
)

// Create creates the command. In preview it calls nothing.
func (*Command) Create(ctx context.Context, req infer.CreateRequest[CommandArgs]) (infer.CreateResponse[CommandState], error) {
	in := req.Inputs
	state := CommandState{CommandArgs: in}
	if req.DryRun {
		return infer.CreateResponse[CommandState]{Output: state}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.CreateResponse[CommandState]{}, err
	}
	r := ecs.CreateCreateCommandRequest()
	r.Name = deref(in.Name)
	r.Type = string(in.Type)
	r.CommandContent = encodeContent(in)
	r.Description = deref(in.Description)
	r.WorkingDir = deref(in.WorkingDir)
	if in.Timeout != nil {
		r.Timeout = requests.NewInteger(*in.Timeout)
	}
	if in.EnableParameter != nil {
		r.EnableParameter = requests.NewBoolean(*in.EnableParameter)
	}
	r.Launcher = deref(in.Launcher)
	r.ResourceGroupId = deref(in.ResourceGroupID)
	if len(in.Tags) > 0 {
		tags := make([]ecs.CreateCommandTag, 0, len(in.Tags))
		for _, k := range sortedKeys(in.Tags) {
			tags = append(tags, ecs.CreateCommandTag{Key: k, Value: in.Tags[k]})
		}
		r.Tag = &tags
	}
	id, err := client.CreateCommand(ctx, r)
	if err != nil {
		return infer.CreateResponse[CommandState]{}, err
	}
	state.CommandID = id
	state.ParameterNames = []string{}
	// The service derives parameter names and the creation time; a failed read only costs
	// those outputs (a refresh fills them), not the command.
	if cmd, err := client.DescribeCommand(ctx, id); err == nil {
		fillCommandOutputs(&state, cmd)
	} else {
		p.GetLogger(ctx).Warningf("command %s created, but reading it back failed: %v", id, err)
	}
	return infer.CreateResponse[CommandState]{ID: id, Output: state}, nil
}

// Diff updates name, description, tags and resource group in place (see inPlaceInputs) and
// replaces the command on any other change. Content is compared as text, whatever encoding
// the program used.
func (*Command) Diff(_ context.Context, req infer.DiffRequest[CommandArgs, CommandState]) (infer.DiffResponse, error) {
	old, new := req.State.CommandArgs, req.Inputs
	d := replaceDiff{}
	diffPtr(d, "name", old.Name, new.Name)
	diffValue(d, "type", old.Type, new.Type)
	diffValue(d, "commandContent", plainContent(old), plainContent(new))
	diffPtr(d, "description", nilIfEmpty(deref(old.Description)), nilIfEmpty(deref(new.Description)))
	diffServerDefault(d, "workingDir", old.WorkingDir, new.WorkingDir)
	diffServerDefault(d, "timeout", old.Timeout, new.Timeout)
	diffValue(d, "enableParameter", deref(old.EnableParameter), deref(new.EnableParameter))
	diffPtr(d, "launcher", nilIfEmpty(deref(old.Launcher)), nilIfEmpty(deref(new.Launcher)))
	diffMap(d, "tags", old.Tags, new.Tags)
	diffServerDefault(d, "resourceGroupId", old.ResourceGroupID, new.ResourceGroupID)
	return d.classify(commandToken).response(false), nil
}

// Read refreshes the state, or on import (a bare ID) rebuilds the inputs from the service.
func (*Command) Read(ctx context.Context, req infer.ReadRequest[CommandArgs, CommandState]) (
	infer.ReadResponse[CommandArgs, CommandState], error,
) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.ReadResponse[CommandArgs, CommandState]{}, err
	}
	importing := req.State.CommandID == "" && req.State.CommandContent == ""
	cmd, err := client.DescribeCommand(ctx, req.ID)
	switch {
	case errors.Is(err, ecsclient.ErrNotFound) && importing:
		return infer.ReadResponse[CommandArgs, CommandState]{}, fmt.Errorf(
			"cannot import command %s: no such command in region %s", req.ID, client.Region())
	case errors.Is(err, ecsclient.ErrNotFound):
		return infer.ReadResponse[CommandArgs, CommandState]{}, nil // deleted out of band
	case err != nil:
		return infer.ReadResponse[CommandArgs, CommandState]{}, err
	}
	state := req.State
	if importing {
		state = CommandState{CommandArgs: commandArgsFrom(cmd)}
	} else {
		reflectCommandDrift(&state.CommandArgs, cmd)
	}
	state.CommandID = cmd.CommandId
	fillCommandOutputs(&state, cmd)
	return infer.ReadResponse[CommandArgs, CommandState]{ID: cmd.CommandId, Inputs: state.CommandArgs, State: state}, nil
}

// Delete deletes the command; one already gone counts as deleted.
func (*Command) Delete(ctx context.Context, req infer.DeleteRequest[CommandState]) (infer.DeleteResponse, error) {
	client, err := getClient(ctx)
	if err != nil {
		return infer.DeleteResponse{}, err
	}
	return infer.DeleteResponse{}, client.DeleteCommand(ctx, req.ID)
}
