package provider_test

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/provider"
)

// ecsOf is a plain SDK client of the harness's emulator, to see what the service holds.
func (h *harness) ecsOf() *ecs.Client {
	h.t.Helper()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	c, err := ecs.NewClientWithOptions(h.srv.Region(), cfg,
		credentials.NewStaticAKCredentialsProvider(h.srv.AccessKeyID(), h.srv.AccessKeySecret()))
	require.NoError(h.t, err)
	c.Domain = h.srv.URL()[len("http://"):]
	return c
}

func tagMap(tags []ecs.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[t.TagKey] = t.TagValue
	}
	return out
}

// update runs Diff, then Update, the way the engine does for a change without replacement.
func (h *harness) update(t *testing.T, tok tokens.Type, name, id string, state, news property.Map) (p.DiffResponse, p.UpdateResponse, error) {
	t.Helper()
	checked := h.check(tok, name, state, news)
	d := h.diff(t, tok, name, id, state, checked)
	resp, err := h.s.Update(p.UpdateRequest{ID: id, Urn: urn(tok, name), State: state, Inputs: checked})
	return d, resp, err
}

// TestCommandMetadataUpdatesInPlace: a description, name, tags or resource group edit keeps
// the command's ID, runs nothing, and reaches the service.
func TestCommandMetadataUpdatesInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := props("name", str("web-setup"), "type", str("RunShellScript"), "commandContent", str("echo hi"),
		"description", str("old"), "tags", strMap(map[string]string{"team": "infra", "gone": "x"}))
	id, state := h.create(commandToken, "cmd", base)
	invID, _ := h.create(invocationToken, "inv", h.invokeInputs(id))
	execs := h.srv.Stats().Executions

	news := base.Set("name", str("web-setup-2")).Set("description", str("new words")).
		Set("tags", strMap(map[string]string{"team": "web", "env": "prod"})).Set("resourceGroupId", str("rg-web"))
	d, resp, err := h.update(t, commandToken, "cmd", id, state, news)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"name", "description", "tags", "resourceGroupId"}, keys(d.DetailedDiff))
	for k, pd := range d.DetailedDiff {
		assert.Contains(t, []p.DiffKind{p.Update, p.Add}, pd.Kind, "%s updates in place", k)
	}
	assert.False(t, d.DeleteBeforeReplace)
	assert.Equal(t, id, resp.Properties.Get("commandId").AsString(), "same command id")

	req := ecs.CreateDescribeCommandsRequest()
	req.CommandId = id
	got, err := h.ecsOf().DescribeCommands(req)
	require.NoError(t, err)
	require.Len(t, got.Commands.Command, 1)
	c := got.Commands.Command[0]
	assert.Equal(t, "web-setup-2", c.Name)
	assert.Equal(t, "new words", c.Description)
	assert.Equal(t, "rg-web", c.ResourceGroupId)
	assert.Equal(t, map[string]string{"team": "web", "env": "prod"}, tagMap(c.Tags.Tag))
	assert.Equal(t, execs, h.srv.Stats().Executions, "nothing ran again")
	assert.EqualValues(t, 1, h.srv.Stats().Actions["InvokeCommand"])
	assert.EqualValues(t, 1, h.srv.Stats().Actions["CreateCommand"])

	// The Invocation of that command sees no change at all.
	invState := h.invokeInputs(id)
	checked := h.check(invocationToken, "inv", invState, invState)
	assert.False(t, h.diff(t, invocationToken, "inv", invID, mustRead(t, h, invID), checked).HasChanges)

	// Clearing the description clears it in the service too.
	d, _, err = h.update(t, commandToken, "cmd", id, resp.Properties, news.Delete("description"))
	require.NoError(t, err)
	assert.Equal(t, p.Delete, d.DetailedDiff["description"].Kind)
	got, err = h.ecsOf().DescribeCommands(req)
	require.NoError(t, err)
	assert.Empty(t, got.Commands.Command[0].Description)
}

// TestInvocationSettingsUpdateInPlace: failurePolicy, secretResults, waitForCompletion and
// tags edits keep the invocation, run nothing, and the tags reach the service.
func TestInvocationSettingsUpdateInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "echo done")
	in := h.invokeInputs(cmdID, "tags", strMap(map[string]string{"release": "1"}))
	id, state := h.create(invocationToken, "inv", in)
	execs := h.srv.Stats().Executions

	news := in.Set("failurePolicy", str("Never")).Set("secretResults", boolean(true)).
		Set("waitForCompletion", boolean(false)).Set("tags", strMap(map[string]string{"release": "2", "team": "web"}))
	d, resp, err := h.update(t, invocationToken, "inv", id, state, news)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"failurePolicy", "secretResults", "waitForCompletion", "tags"}, keys(d.DetailedDiff))
	for k, pd := range d.DetailedDiff {
		assert.Contains(t, []p.DiffKind{p.Update, p.Add}, pd.Kind, "%s updates in place", k)
	}
	assert.Equal(t, id, resp.Properties.Get("invokeId").AsString())
	assert.True(t, resp.Properties.Get("results").Secret(), "secretResults takes effect at once")
	assert.Equal(t, execs, h.srv.Stats().Executions, "nothing ran again")
	assert.EqualValues(t, 1, h.srv.Stats().Actions["InvokeCommand"])

	req := ecs.CreateDescribeInvocationsRequest()
	req.InvokeId = id
	got, err := h.ecsOf().DescribeInvocations(req)
	require.NoError(t, err)
	require.Len(t, got.Invocations.Invocation, 1)
	tags := tagMap(got.Invocations.Invocation[0].Tags.Tag)
	assert.Len(t, tags[provider.TagResource], 32, "the adoption tags stay beside the user's")
	assert.Len(t, tags[provider.TagAttempt], 32)
	assert.Equal(t, map[string]string{"release": "2", "team": "web"}, provider.UserTags(tags))
}

// TestRelaxedPolicyAcceptsAFailedRun: a run that failed by FailIfAny is not run again when
// the policy becomes Never: the change updates in place and clears rerunRequired.
func TestRelaxedPolicyAcceptsAFailedRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cmdID, _ := h.command("c", "exit 4")
	in := h.invokeInputs(cmdID)
	resp, err := h.tryInvoke("inv", in, 0)
	require.Error(t, err)
	require.True(t, resp.Properties.Get("rerunRequired").AsBool())

	d, upd, err := h.update(t, invocationToken, "inv", resp.ID, resp.Properties, in.Set("failurePolicy", str("Never")))
	require.NoError(t, err)
	assert.NotContains(t, d.DetailedDiff, "rerunRequired")
	assert.Equal(t, p.Update, d.DetailedDiff["failurePolicy"].Kind)
	assert.False(t, upd.Properties.Get("rerunRequired").AsBool())
	assert.EqualValues(t, 1, h.srv.Stats().Actions["InvokeCommand"])
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func mustRead(t *testing.T, h *harness, id string) property.Map {
	t.Helper()
	r, err := h.s.Read(p.ReadRequest{ID: id, Urn: urn(invocationToken, "inv")})
	require.NoError(t, err)
	return r.Properties
}
