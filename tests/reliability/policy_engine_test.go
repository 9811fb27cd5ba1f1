package reliability

// The generated least-privilege policy through the real engine: every resource, component and
// function goes through its whole life (create, in-place updates, destroy) as a role bound by
// docs/policy.json, and preview and refresh pass as a role bound by its read-only half.

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/harness"
	"github.com/cloudassistant/pulumi-cloudassistant/internal/testkit/rig"
	ca "github.com/cloudassistant/pulumi-cloudassistant/sdk/go/cloudassistant"
)

// policyProgram uses every resource, component and function; rev changes what the provider
// updates in place (description, tags, resource group).
func policyProgram(instances []string, rev *int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		ids := pulumi.ToStringArray(instances)
		tags := map[string]string{"team": "infra", "stage": "one"}
		desc, group := "first", pulumi.StringPtrInput(nil)
		if *rev > 1 {
			tags, desc, group = map[string]string{"team": "ops"}, "second", pulumi.StringPtr("rg-policy")
		}
		cmd, err := ca.NewCommand(ctx, "cmd", &ca.CommandArgs{Type: ca.CommandTypeRunShellScript,
			CommandContent: pulumi.String("echo policy"), Description: pulumi.String(desc),
			Tags: pulumi.ToStringMap(tags), ResourceGroupId: group, Timeout: pulumi.IntPtr(60)})
		if err != nil {
			return err
		}
		inv, err := ca.NewInvocation(ctx, "inv", &ca.InvocationArgs{CommandId: cmd.CommandId, InstanceIds: ids,
			Tags: pulumi.ToStringMap(tags)})
		if err != nil {
			return err
		}
		if _, err := ca.NewFile(ctx, "file", &ca.FileArgs{InstanceIds: ids, Name: pulumi.String("policy.conf"),
			TargetDir: pulumi.String("/etc/policy"), Content: pulumi.StringPtr("x=1\n"), RemoveOnDelete: pulumi.BoolPtr(true)}); err != nil {
			return err
		}
		if _, err := ca.NewRunScript(ctx, "run", &ca.RunScriptArgs{Script: pulumi.String("cat etc/run/app.conf"), WorkingDir: pulumi.StringPtr("/"), InstanceIds: ids,
			Files: ca.RunScriptFileArray{ca.RunScriptFileArgs{Path: pulumi.String("/etc/run/app.conf"), Content: pulumi.String("a=1\n")}}}); err != nil {
			return err
		}
		if _, err := ca.NewScheduledScript(ctx, "cron", &ca.ScheduledScriptArgs{Script: pulumi.String("date"), InstanceIds: ids,
			Schedule: pulumi.String("rate(5m)")}); err != nil {
			return err
		}
		ctx.Export("instances", ca.GetInstancesOutput(ctx, ca.GetInstancesOutputArgs{}).InstanceIds())
		ctx.Export("agents", ca.GetAgentStatusOutput(ctx, ca.GetAgentStatusOutputArgs{InstanceIds: ids}).AllOnline())
		ctx.Export("commandName", ca.LookupCommandOutput(ctx, ca.LookupCommandOutputArgs{CommandId: cmd.CommandId}).Name())
		ctx.Export("invocationStatus", ca.LookupInvocationOutput(ctx, ca.LookupInvocationOutputArgs{InvokeId: inv.InvokeId}).Status())
		return nil
	}
}

func TestEnginePolicy(t *testing.T) {
	useEngine(t)
	t.Parallel()
	ctx := context.Background()
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	full, err := os.ReadFile(filepath.Join(root, "docs", "policy.json"))
	require.NoError(t, err)
	readOnly, err := os.ReadFile(filepath.Join(root, "docs", "policy-readonly.json"))
	require.NoError(t, err)
	probe := emulator.Options{Roles: []string{"deployer", "previewer"}}
	arn := func(role string) string { return "acs:ram::" + emulator.DefaultAccountID + ":role/" + role }
	probe.RAMPolicies = map[string][]byte{arn("deployer"): full, arn("previewer"): readOnly}
	emu := startEmulator(t, probe)

	rev := 1
	stateDir := t.TempDir()
	stack, err := harness.NewStack(ctx, harness.StackOptions{Project: "policy", Stack: "s", StateDir: stateDir,
		Emulator: rig.HarnessEmulator(emu)}, policyProgram(emu.InstanceIDs(), &rev))
	require.NoError(t, err)
	asRole := func(role string) {
		t.Helper()
		for k, v := range map[string]string{"cloudassistant:assumeRole.roleArn": arn(role), "cloudassistant:stsEndpoint": emu.URL()} {
			require.NoError(t, stack.SetConfigWithOptions(ctx, k, auto.ConfigValue{Value: v}, &auto.ConfigOptions{Path: true}))
		}
	}
	t.Cleanup(func() {
		asRole("deployer")
		_, _ = stack.Destroy(context.Background())
		_ = stack.Workspace().RemoveStack(context.Background(), stack.Name())
	})

	asRole("deployer")
	res, err := stack.Up(ctx)
	require.NoError(t, err, "the whole life under docs/policy.json: create")
	assert.Equal(t, "Success", res.Outputs["invocationStatus"].Value)
	rev = 2
	_, err = stack.Up(ctx)
	require.NoError(t, err, "in-place updates under docs/policy.json")

	asRole("previewer")
	_, err = stack.Refresh(ctx)
	require.NoError(t, err, "refresh under docs/policy-readonly.json")
	rev = 1
	prev, err := stack.Preview(ctx, optpreview.Diff())
	require.NoError(t, err, "preview of in-place updates under docs/policy-readonly.json")
	assert.Positive(t, prev.ChangeSummary["update"], "the preview shows the updates")
	_, err = stack.Up(ctx)
	require.Error(t, err, "the read-only half cannot apply them")
	assert.Contains(t, err.Error(), "Forbidden.RAM")

	// The failed `up` recorded the previewer's configuration on the provider, and destroy uses
	// the recorded one: an `up` as the deployer applies the changes and records it back.
	asRole("deployer")
	_, err = stack.Up(ctx)
	require.NoError(t, err, "in-place updates back under docs/policy.json")
	_, err = stack.Destroy(ctx)
	require.NoError(t, err, "destroy under docs/policy.json")
	for _, action := range []string{"ModifyCommand", "TagResources", "UntagResources", "JoinResourceGroup", "SendFile", "RunCommand", "StopInvocation", "DeleteCommand"} {
		assert.Positive(t, emu.Stats().Actions[action], "the lifecycle called %s", action)
	}
}
