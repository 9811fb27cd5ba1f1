package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

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
