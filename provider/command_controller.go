package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

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
		r.Tag = appendTags(nil, in.Tags, func(k, v string) ecs.CreateCommandTag { return ecs.CreateCommandTag{Key: k, Value: v} })
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

var (
	_ = (infer.CustomUpdate[CommandArgs, CommandState])((*Command)(nil))
	_ = (infer.ExplicitDependencies[CommandArgs, CommandState])((*Command)(nil))
)

// WireDependencies says which outputs an in-place update can change, so a preview of one
// shows commandId and creationTime as known (only a replace changes them): without it every
// output would depend on every input and a description edit would make commandId
// [unknown], which a preview then shows as a replacement of every Invocation that runs it.
func (*Command) WireDependencies(f infer.FieldSelector, args *CommandArgs, state *CommandState) {
	f.OutputField(&state.ParameterNames).DependsOn(f.InputField(&args.CommandContent), f.InputField(&args.EnableParameter))
}

// Update changes a command in place: name and description (ModifyCommand), tags
// (UntagResources, TagResources) and resource group (JoinResourceGroup). The command keeps
// its ID, so the Invocations that run it stay as they are and nothing runs again. Diff sends
// every other change to a replace. When a step fails, the state records the steps done.
func (*Command) Update(ctx context.Context, req infer.UpdateRequest[CommandArgs, CommandState]) (
	infer.UpdateResponse[CommandState], error,
) {
	if req.State.ParameterNames == nil {
		req.State.ParameterNames = []string{} // a required output: an empty list decodes as nil
	}
	want := req.State
	want.CommandArgs = req.Inputs
	if req.DryRun {
		return infer.UpdateResponse[CommandState]{Output: want}, nil
	}
	client, err := getClient(ctx)
	if err != nil {
		return infer.UpdateResponse[CommandState]{}, err
	}
	done := req.State // what the service holds so far
	fail := func(err error) (infer.UpdateResponse[CommandState], error) {
		return infer.UpdateResponse[CommandState]{Output: done}, infer.ResourceInitFailedError{Reasons: []string{
			"updating command " + req.ID + ": " + err.Error()}}
	}

	var patch ecsclient.CommandPatch
	if deref(done.Name) != deref(want.Name) && deref(want.Name) != "" {
		patch.Name = want.Name
	}
	if deref(done.Description) != deref(want.Description) {
		patch.Description = new(deref(want.Description))
	}
	if patch != (ecsclient.CommandPatch{}) {
		if err := client.ModifyCommand(ctx, req.ID, patch); err != nil {
			return fail(err)
		}
		if patch.Name != nil {
			done.Name = want.Name
		}
		done.Description = want.Description
	}

	if err := updateTags(ctx, client, ecsclient.ResourceTypeCommand, req.ID, done.Tags, want.Tags); err != nil {
		return fail(err)
	}
	done.Tags = want.Tags

	if g := deref(want.ResourceGroupID); g != "" && g != deref(done.ResourceGroupID) {
		if err := client.JoinResourceGroup(ctx, ecsclient.ResourceTypeCommand, req.ID, g); err != nil {
			return fail(err)
		}
	}
	return infer.UpdateResponse[CommandState]{Output: want}, nil
}

// updateTags makes the tags of a command or invocation go from have to want: keys that went
// away are removed first, then new keys and new values are set.
func updateTags(ctx context.Context, client *ecsclient.Client, resourceType, id string, have, want map[string]string) error {
	var gone []string
	for _, k := range slices.Sorted(maps.Keys(have)) {
		if _, ok := want[k]; !ok {
			gone = append(gone, k)
		}
	}
	if err := client.UntagResource(ctx, resourceType, id, gone); err != nil {
		return err
	}
	set := map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			set[k] = v
		}
	}
	return client.TagResource(ctx, resourceType, id, set)
}
