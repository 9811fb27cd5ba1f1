package provider_test

import (
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInvocationTagUpdateKeepsListsDeletable: an in-place tag update records the fleet lists
// as empty lists, not null: a null one made the next destroy fail ("Missing required field
// 'failedInstanceIds'"), found by the policy's engine test.
func TestInvocationTagUpdateKeepsListsDeletable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "echo hi")
	inv, err := h.tryInvoke("i", h.invokeInputs(cmdID, "tags", strMap(map[string]string{"a": "1"})), 60)
	require.NoError(t, err)
	news := h.check(invocationToken, "i", inv.Properties, h.invokeInputs(cmdID, "tags", strMap(map[string]string{"b": "1"})))
	up, err := h.s.Update(p.UpdateRequest{ID: inv.ID, Urn: urn(invocationToken, "i"), State: inv.Properties, Inputs: news})
	require.NoError(t, err)
	for _, key := range []string{"failedInstanceIds", "notStartedInstanceIds"} {
		assert.True(t, up.Properties.Get(key).IsArray(), "%s is %v", key, up.Properties.Get(key))
	}
	require.NoError(t, h.s.Delete(p.DeleteRequest{ID: inv.ID, Urn: urn(invocationToken, "i"), Properties: up.Properties}))
}
