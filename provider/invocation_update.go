package provider

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/cloudassistant/pulumi-cloudassistant/provider/internal/ecsclient"
)

// updateInvocationMetadata applies the in-place metadata changes of an Invocation: its tags
// on every invocation the resource made (one per batch of a fleet), and its resource group
// in the record only, since the service has no call that moves an invocation.
func updateInvocationMetadata(ctx context.Context, client *ecsclient.Client, id string, old, new InvocationState) error {
	ids := old.InvokeIDs
	if len(ids) == 0 {
		ids = []string{id}
	}
	for _, invokeID := range ids {
		if err := updateTags(ctx, client, ecsclient.ResourceTypeInvocation, invokeID, old.Tags, new.Tags); err != nil {
			return err
		}
	}
	if g := deref(new.ResourceGroupID); g != "" && g != deref(old.ResourceGroupID) {
		p.GetLogger(ctx).Warningf("invocation %s: resourceGroupId is now recorded as %s, but the service cannot move an "+
			"existing invocation: its record stays in the group it was created in", id, g)
	}
	return nil
}
