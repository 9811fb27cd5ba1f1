package emulator

import (
	"os"
	"strings"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The file, tag, resource-group and ModifyCommand actions through the official Tea SDK
// (V3), asserting the fields its response models decode.

func TestTeaSendFile(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	sent, err := c.SendFile(&ecs.SendFileRequest{
		RegionId: region, Name: tea.String("app.conf"), TargetDir: tea.String("/etc/app"),
		Content: tea.String(b64("key=value\n")), ContentType: tea.String("Base64"),
		FileMode: tea.String("0640"), Overwrite: tea.Bool(false), Description: tea.String("config"),
		InstanceId: []*string{tea.String("i-a"), tea.String("i-stopped")}, ClientToken: tea.String("tea-file-1"),
		Tag: []*ecs.SendFileRequestTag{{Key: tea.String("team"), Value: tea.String("core")}},
	})
	require.NoError(t, err)
	id := sent.Body.InvokeId
	require.NotEmpty(t, tea.StringValue(id))

	var task *ecs.DescribeSendFileResultsResponseBodyInvocationsInvocation
	require.Eventually(t, func() bool {
		resp, err := c.DescribeSendFileResults(&ecs.DescribeSendFileResultsRequest{RegionId: region, InvokeId: id})
		require.NoError(t, err)
		require.Len(t, resp.Body.Invocations.Invocation, 1)
		task = resp.Body.Invocations.Invocation[0]
		s := tea.StringValue(task.InvocationStatus)
		return s != "Pending" && s != "Running"
	}, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, "PartialFailed", tea.StringValue(task.InvocationStatus))
	assert.Equal(t, "app.conf", tea.StringValue(task.Name))
	assert.Equal(t, "/etc/app", tea.StringValue(task.TargetDir))
	assert.Equal(t, "0640", tea.StringValue(task.FileMode))
	assert.Equal(t, "false", tea.StringValue(task.Overwrite))
	assert.Equal(t, "config", tea.StringValue(task.Description))
	assert.EqualValues(t, 2, tea.Int32Value(task.VmCount))
	require.Len(t, task.Tags.Tag, 1)
	assert.Equal(t, "core", tea.StringValue(task.Tags.Tag[0].TagValue))
	byID := map[string]*ecs.DescribeSendFileResultsResponseBodyInvocationsInvocationInvokeInstancesInvokeInstance{}
	for _, ii := range task.InvokeInstances.InvokeInstance {
		byID[tea.StringValue(ii.InstanceId)] = ii
	}
	assert.Equal(t, "Success", tea.StringValue(byID["i-a"].InvocationStatus))
	assert.NotEmpty(t, tea.StringValue(byID["i-a"].FinishTime))
	assert.Equal(t, "Aborted", tea.StringValue(byID["i-stopped"].InvocationStatus))
	assert.Equal(t, "InstanceNotRunning", tea.StringValue(byID["i-stopped"].ErrorCode))
	b, err := os.ReadFile(srv.InstancePath("i-a", "/etc/app/app.conf"))
	require.NoError(t, err)
	assert.Equal(t, "key=value\n", string(b))

	// The same ClientToken answers the same task.
	again, err := c.SendFile(&ecs.SendFileRequest{
		RegionId: region, Name: tea.String("app.conf"), TargetDir: tea.String("/etc/app"),
		Content: tea.String(b64("key=value\n")), ContentType: tea.String("Base64"),
		FileMode: tea.String("0640"), Overwrite: tea.Bool(false), Description: tea.String("config"),
		InstanceId: []*string{tea.String("i-a"), tea.String("i-stopped")}, ClientToken: tea.String("tea-file-1"),
		Tag: []*ecs.SendFileRequestTag{{Key: tea.String("team"), Value: tea.String("core")}},
	})
	require.NoError(t, err)
	assert.Equal(t, tea.StringValue(id), tea.StringValue(again.Body.InvokeId))
}

func TestTeaTagsGroupsAndModifyCommand(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("tagged"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo hi")), ResourceGroupId: tea.String("rg-a"),
	})
	require.NoError(t, err)
	cmd := created.Body.CommandId

	_, err = c.TagResources(&ecs.TagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd},
		Tag: []*ecs.TagResourcesRequestTag{{Key: tea.String("env"), Value: tea.String("prod")}, {Key: tea.String("team"), Value: tea.String("web")}},
	})
	require.NoError(t, err)
	listed, err := c.ListTagResources(&ecs.ListTagResourcesRequest{RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd}})
	require.NoError(t, err)
	got := map[string]string{}
	for _, row := range listed.Body.TagResources.TagResource {
		assert.Equal(t, tea.StringValue(cmd), tea.StringValue(row.ResourceId))
		assert.Equal(t, "command", tea.StringValue(row.ResourceType))
		got[tea.StringValue(row.TagKey)] = tea.StringValue(row.TagValue)
	}
	assert.Equal(t, map[string]string{"env": "prod", "team": "web"}, got)

	_, err = c.UntagResources(&ecs.UntagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd}, TagKey: []*string{tea.String("env")},
	})
	require.NoError(t, err)
	listed, err = c.ListTagResources(&ecs.ListTagResourcesRequest{RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{cmd}})
	require.NoError(t, err)
	require.Len(t, listed.Body.TagResources.TagResource, 1)
	assert.Equal(t, "team", tea.StringValue(listed.Body.TagResources.TagResource[0].TagKey))

	_, err = c.JoinResourceGroup(&ecs.JoinResourceGroupRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: cmd, ResourceGroupId: tea.String("rg-b"),
	})
	require.NoError(t, err)
	_, err = c.ModifyCommand(&ecs.ModifyCommandRequest{
		RegionId: region, CommandId: cmd, Name: tea.String("renamed"), Description: tea.String("new"),
		CommandContent: tea.String(b64("echo bye")), WorkingDir: tea.String("/tmp"), Timeout: tea.Int64(120),
		Launcher: tea.String("bash {{ACS::ScriptFileName}}"),
	})
	require.NoError(t, err)
	cmds, err := c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, CommandId: cmd})
	require.NoError(t, err)
	require.Len(t, cmds.Body.Commands.Command, 1)
	one := cmds.Body.Commands.Command[0]
	assert.Equal(t, "rg-b", tea.StringValue(one.ResourceGroupId))
	assert.Equal(t, "renamed", tea.StringValue(one.Name))
	assert.Equal(t, "new", tea.StringValue(one.Description))
	assert.Equal(t, b64("echo hi"), tea.StringValue(one.CommandContent), "ModifyCommand's CommandContent no longer takes effect")
	assert.Equal(t, "/tmp", tea.StringValue(one.WorkingDir))
	assert.EqualValues(t, 120, tea.Int64Value(one.Timeout))
	assert.Equal(t, "bash {{ACS::ScriptFileName}}", tea.StringValue(one.Launcher))
	require.Len(t, one.Tags.Tag, 1)
	assert.Equal(t, "web", tea.StringValue(one.Tags.Tag[0].TagValue))

	_, err = c.TagResources(&ecs.TagResourcesRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: []*string{tea.String("c-nope")},
		Tag: []*ecs.TagResourcesRequestTag{{Key: tea.String("k"), Value: tea.String("v")}},
	})
	requireTeaCode(t, err, "InvalidResourceId.NotFound", 404)
	_, err = c.JoinResourceGroup(&ecs.JoinResourceGroupRequest{
		RegionId: region, ResourceType: tea.String("command"), ResourceId: cmd, ResourceGroupId: tea.String("group"),
	})
	requireTeaCode(t, err, "InvalidResourceGroup.NotFound", 404)
	_, err = c.ModifyCommand(&ecs.ModifyCommandRequest{RegionId: region, CommandId: tea.String("c-nope"), Name: tea.String("x")})
	requireTeaCode(t, err, "InvalidCmdId.NotFound", 404)
}

// teaTested lists the actions the Tea SDK tests drive; TestTeaCoversEveryAction fails when
// an action is served without one.
var teaTested = []string{
	"CreateCommand", "DescribeCommands", "ModifyCommand", "DeleteCommand",
	"InvokeCommand", "RunCommand", "DescribeInvocations", "DescribeInvocationResults", "StopInvocation",
	"ModifyInvocationAttribute", "SendFile", "DescribeSendFileResults",
	"TagResources", "UntagResources", "ListTagResources", "JoinResourceGroup",
	"DescribeCloudAssistantStatus", "InstallCloudAssistant",
	"DescribeInstances", "StartInstance", "StopInstance", "RebootInstance",
}

func TestTeaCoversEveryAction(t *testing.T) {
	served := make([]string, 0, len(handlers))
	for action := range handlers {
		if !strings.HasPrefix(action, "EmulatorTest") { // guard_test.go's test-only action
			served = append(served, action)
		}
	}
	assert.ElementsMatch(t, served, teaTested)
}
