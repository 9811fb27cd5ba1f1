package emulator

import (
	"strings"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every action the emulator serves, through the official Tea SDK over HTTP, signed V3,
// asserting the fields its response models decode.

type teaInvocation = ecs.DescribeInvocationsResponseBodyInvocationsInvocation

// teaDescribe returns one invocation with its output in plain text.
func teaDescribe(t *testing.T, c *ecs.Client, region, invokeID string) *teaInvocation {
	t.Helper()
	resp, err := c.DescribeInvocations(&ecs.DescribeInvocationsRequest{
		RegionId: tea.String(region), InvokeId: tea.String(invokeID),
		IncludeOutput: tea.Bool(true), ContentEncoding: tea.String("PlainText"),
	})
	require.NoError(t, err)
	require.Len(t, resp.Body.Invocations.Invocation, 1)
	return resp.Body.Invocations.Invocation[0]
}

// teaWait polls until the invocation's overall status is want.
func teaWait(t *testing.T, c *ecs.Client, region, invokeID, want string) *teaInvocation {
	t.Helper()
	var inv *teaInvocation
	require.Eventually(t, func() bool {
		inv = teaDescribe(t, c, region, invokeID)
		return tea.StringValue(inv.InvocationStatus) == want
	}, 10*time.Second, 10*time.Millisecond, "invocation %s never became %s", invokeID, want)
	return inv
}

func TestTeaCommandsAndInvocations(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())

	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("tea-cmd"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo hello {{who}}")), EnableParameter: tea.Bool(true),
		Description: tea.String("through the Tea SDK"), Timeout: tea.Int64(30), WorkingDir: tea.String("/root"),
		ClientToken: tea.String("tea-create-1"),
		Tag:         []*ecs.CreateCommandRequestTag{{Key: tea.String("team"), Value: tea.String("ops")}},
	})
	require.NoError(t, err)
	cmdID := tea.StringValue(created.Body.CommandId)
	require.True(t, strings.HasPrefix(cmdID, "c-"), cmdID)
	assert.NotEmpty(t, tea.StringValue(created.Body.RequestId))

	cmds, err := c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, Name: tea.String("tea-*"), MaxResults: tea.Int32(10)})
	require.NoError(t, err)
	require.Len(t, cmds.Body.Commands.Command, 1)
	got := cmds.Body.Commands.Command[0]
	assert.Equal(t, cmdID, tea.StringValue(got.CommandId))
	assert.Equal(t, "through the Tea SDK", tea.StringValue(got.Description))
	assert.Equal(t, b64("echo hello {{who}}"), tea.StringValue(got.CommandContent))
	assert.EqualValues(t, 30, tea.Int64Value(got.Timeout))
	assert.True(t, tea.BoolValue(got.EnableParameter))
	assert.Equal(t, []*string{tea.String("who")}, got.ParameterNames.ParameterName)
	require.Len(t, got.Tags.Tag, 1)
	assert.Equal(t, "ops", tea.StringValue(got.Tags.Tag[0].TagValue))
	assert.EqualValues(t, 1, tea.Int64Value(cmds.Body.TotalCount))

	_, err = c.ModifyCommand(&ecs.ModifyCommandRequest{RegionId: region, CommandId: tea.String(cmdID), Description: tea.String("changed")})
	require.NoError(t, err)

	// InvokeCommand with the fields of the current reference.
	invoked, err := c.InvokeCommand(&ecs.InvokeCommandRequest{
		RegionId: region, CommandId: tea.String(cmdID),
		ResourceTag:       []*ecs.InvokeCommandRequestResourceTag{{Key: tea.String("env"), Value: tea.String("prod")}},
		Parameters:        map[string]interface{}{"who": "tea"},
		WorkingDir:        tea.String("/tmp"),
		OssOutputDelivery: tea.String("oss://bucket/out"),
		TerminationMode:   tea.String("ProcessTree"),
		ResourceGroupId:   tea.String("rg-tea"),
		ClientToken:       tea.String("tea-invoke-1"),
		Tag:               []*ecs.InvokeCommandRequestTag{{Key: tea.String("run"), Value: tea.String("1")}},
	})
	require.NoError(t, err)
	invokeID := tea.StringValue(invoked.Body.InvokeId)
	inv := teaWait(t, c, srv.Region(), invokeID, "Success")
	assert.Equal(t, "Finished", tea.StringValue(inv.InvokeStatus))
	assert.Equal(t, "Once", tea.StringValue(inv.RepeatMode))
	assert.Equal(t, "/tmp", tea.StringValue(inv.WorkingDir))
	assert.Equal(t, "oss://bucket/out", tea.StringValue(inv.OssOutputDelivery))
	assert.Equal(t, "ProcessTree", tea.StringValue(inv.TerminationMode))
	assert.JSONEq(t, `{"who":"tea"}`, tea.StringValue(inv.Parameters))
	require.Len(t, inv.InvokeInstances.InvokeInstance, 2)
	for _, ii := range inv.InvokeInstances.InvokeInstance {
		assert.Equal(t, "hello tea\n", tea.StringValue(ii.Output))
		assert.Equal(t, "Failed", tea.StringValue(ii.OssOutputStatus))
		assert.Equal(t, "oss://bucket/out/"+invokeID+"/"+tea.StringValue(ii.InstanceId), tea.StringValue(ii.OssOutputUri))
		assert.Equal(t, "OssOutputNotEmulated", tea.StringValue(ii.OssOutputErrorCode))
		assert.NotEmpty(t, tea.StringValue(ii.OssOutputErrorInfo))
		assert.EqualValues(t, 0, tea.Int64Value(ii.ExitCode))
	}

	results, err := c.DescribeInvocationResults(&ecs.DescribeInvocationResultsRequest{
		RegionId: region, InvokeId: tea.String(invokeID), ContentEncoding: tea.String("PlainText"),
		ResourceGroupId: tea.String("rg-tea"),
	})
	require.NoError(t, err)
	rs := results.Body.Invocation.InvocationResults.InvocationResult
	require.Len(t, rs, 2)
	assert.Equal(t, "Success", tea.StringValue(rs[0].InvocationStatus))
	assert.Equal(t, "Finished", tea.StringValue(rs[0].InvokeRecordStatus))
	assert.Equal(t, "hello tea\n", tea.StringValue(rs[0].Output))
	assert.Equal(t, "oss://bucket/out", tea.StringValue(rs[0].OssOutputDelivery))
	assert.NotEmpty(t, tea.StringValue(rs[0].FinishedTime))

	for rg, want := range map[string]int{"rg-tea": 1, "rg-other": 0} {
		byGroup, err := c.DescribeInvocations(&ecs.DescribeInvocationsRequest{RegionId: region, ResourceGroupId: tea.String(rg)})
		require.NoError(t, err)
		assert.Len(t, byGroup.Body.Invocations.Invocation, want, rg)
	}

	// RunCommand, then StopInvocation of a running script.
	run, err := c.RunCommand(&ecs.RunCommandRequest{
		RegionId: region, Type: tea.String("RunShellScript"), CommandContent: tea.String("sleep 30"),
		InstanceId: []*string{tea.String("i-c")}, ContentEncoding: tea.String("PlainText"),
	})
	require.NoError(t, err)
	runID := tea.StringValue(run.Body.InvokeId)
	teaWait(t, c, srv.Region(), runID, "Running")
	_, err = c.StopInvocation(&ecs.StopInvocationRequest{RegionId: region, InvokeId: tea.String(runID)})
	require.NoError(t, err)
	stopped := teaWait(t, c, srv.Region(), runID, "Stopped")
	assert.Equal(t, "Terminated", tea.StringValue(stopped.InvokeInstances.InvokeInstance[0].InvocationStatus))

	_, err = c.DeleteCommand(&ecs.DeleteCommandRequest{RegionId: region, CommandId: tea.String(cmdID)})
	require.NoError(t, err)
	_, err = c.DeleteCommand(&ecs.DeleteCommandRequest{RegionId: region, CommandId: tea.String(cmdID)})
	requireTeaCode(t, err, "InvalidCmdId.NotFound", 404)
}

func TestTeaInstancesWithoutRegionId(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())

	// The Tea SDK sends no RegionId for these three.
	_, err := c.StopInstance(&ecs.StopInstanceRequest{InstanceId: tea.String("i-c")})
	require.NoError(t, err)
	_, err = c.StartInstance(&ecs.StartInstanceRequest{InstanceId: tea.String("i-c")})
	require.NoError(t, err)
	_, err = c.RebootInstance(&ecs.RebootInstanceRequest{InstanceId: tea.String("i-c")})
	require.NoError(t, err)
	_, err = c.StartInstance(&ecs.StartInstanceRequest{InstanceId: tea.String("i-c")})
	requireTeaCode(t, err, "IncorrectInstanceStatus", 403)

	list, err := c.DescribeInstances(&ecs.DescribeInstancesRequest{
		RegionId: region, Tag: []*ecs.DescribeInstancesRequestTag{{Key: tea.String("env"), Value: tea.String("prod")}},
	})
	require.NoError(t, err)
	require.Len(t, list.Body.Instances.Instance, 2)
	assert.Equal(t, "i-a", tea.StringValue(list.Body.Instances.Instance[0].InstanceId))
	assert.Equal(t, "Running", tea.StringValue(list.Body.Instances.Instance[0].Status))
	assert.EqualValues(t, 2, tea.Int32Value(list.Body.TotalCount))

	// InstallCloudAssistant: the instance's client comes online after the configured delay.
	statusOf := func(id string) *ecs.DescribeCloudAssistantStatusResponseBodyInstanceCloudAssistantStatusSetInstanceCloudAssistantStatus {
		resp, err := c.DescribeCloudAssistantStatus(&ecs.DescribeCloudAssistantStatusRequest{RegionId: region, InstanceId: []*string{tea.String(id)}})
		require.NoError(t, err)
		require.Len(t, resp.Body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus, 1)
		return resp.Body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0]
	}
	assert.Equal(t, "false", tea.StringValue(statusOf("i-noagent").CloudAssistantStatus))
	_, err = c.InstallCloudAssistant(&ecs.InstallCloudAssistantRequest{RegionId: region, InstanceId: []*string{tea.String("i-noagent")}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return tea.StringValue(statusOf("i-noagent").CloudAssistantStatus) == "true" },
		5*time.Second, 10*time.Millisecond)
	row := statusOf("i-noagent")
	assert.Equal(t, agentVersion, tea.StringValue(row.CloudAssistantVersion))
	assert.Equal(t, "Linux", tea.StringValue(row.OSType))
	assert.NotEmpty(t, tea.StringValue(row.LastHeartbeatTime))
	assert.Empty(t, tea.StringValue(row.LastInvokedTime))
	_, err = c.InstallCloudAssistant(&ecs.InstallCloudAssistantRequest{RegionId: region, InstanceId: []*string{tea.String("i-nope")}})
	requireTeaCode(t, err, "InvalidInstance.NotFound", 404)
}

func TestTeaModifyInvocationAttribute(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("periodic"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo one")),
	})
	require.NoError(t, err)
	invoked, err := c.InvokeCommand(&ecs.InvokeCommandRequest{
		RegionId: region, CommandId: created.Body.CommandId, InstanceId: []*string{tea.String("i-a")},
		Frequency: tea.String("rate(1h)"),
	})
	require.NoError(t, err)
	invokeID := tea.StringValue(invoked.Body.InvokeId)
	assert.Equal(t, "Period", tea.StringValue(teaDescribe(t, c, srv.Region(), invokeID).RepeatMode), "a Frequency alone means Period")

	modified, err := c.ModifyInvocationAttribute(&ecs.ModifyInvocationAttributeRequest{
		RegionId: region, InvokeId: tea.String(invokeID), Frequency: tea.String("rate(1s)"),
		CommandContent: tea.String("echo two"), InstanceId: []*string{tea.String("i-b")},
	})
	require.NoError(t, err)
	newCmd := tea.StringValue(modified.Body.CommandId)
	assert.True(t, strings.HasPrefix(newCmd, "c-"), newCmd)
	require.Eventually(t, func() bool {
		inv := teaDescribe(t, c, srv.Region(), invokeID)
		ok := len(inv.InvokeInstances.InvokeInstance) == 2
		for _, ii := range inv.InvokeInstances.InvokeInstance {
			ok = ok && tea.StringValue(ii.Output) == "two\n"
		}
		return ok
	}, 10*time.Second, 20*time.Millisecond)

	_, err = c.ModifyInvocationAttribute(&ecs.ModifyInvocationAttributeRequest{RegionId: region, InvokeId: tea.String("t-nope")})
	requireTeaCode(t, err, "InvalidInvokeId.NotFound", 404)
}

func TestTeaConformanceErrors(t *testing.T) {
	t.Parallel()
	opts := confOptions()
	srv := start(t, opts)
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	created, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("n"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo {{a}}")), EnableParameter: tea.Bool(true),
	})
	require.NoError(t, err)
	cmd := created.Body.CommandId
	one := []*string{tea.String("i-a")}
	invoke := func(r *ecs.InvokeCommandRequest) error {
		r.RegionId, r.CommandId = region, cmd
		if r.InstanceId == nil && r.ResourceTag == nil {
			r.InstanceId = one
		}
		if r.Parameters == nil {
			r.Parameters = map[string]interface{}{"a": "1"}
		}
		_, err := c.InvokeCommand(r)
		return err
	}
	tag := func(kv ...string) []*ecs.InvokeCommandRequestResourceTag {
		var out []*ecs.InvokeCommandRequestResourceTag
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, &ecs.InvokeCommandRequestResourceTag{Key: tea.String(kv[i]), Value: tea.String(kv[i+1])})
		}
		return out
	}
	invokeCases := []struct {
		name   string
		req    *ecs.InvokeCommandRequest
		code   string
		status int
	}{
		{"dry run passes", &ecs.InvokeCommandRequest{RepeatMode: tea.String("DryRun")}, "DryRunOperation", 400},
		{"dry run on a stopped instance", &ecs.InvokeCommandRequest{RepeatMode: tea.String("DryRun"), InstanceId: []*string{tea.String("i-stopped")}}, "IncorrectInstanceStatus", 403},
		{"dry run without a client", &ecs.InvokeCommandRequest{RepeatMode: tea.String("DryRun"), InstanceId: []*string{tea.String("i-noagent")}}, "ClientNotRunning", 403},
		{"unknown repeat mode", &ecs.InvokeCommandRequest{RepeatMode: tea.String("Sometimes")}, "InvalidRepeatMode.NotFound", 404},
		{"unknown termination mode", &ecs.InvokeCommandRequest{TerminationMode: tea.String("Kill")}, "InvalidTerminationMode.NotFound", 404},
		{"malformed token", &ecs.InvokeCommandRequest{ClientToken: tea.String(strings.Repeat("t", 65))}, "InvalidClientToken.Malformed", 400},
		{"launcher over 1 KB", &ecs.InvokeCommandRequest{Launcher: tea.String(strings.Repeat("l", 1025))}, "InvalidLauncher.LengthLimitExceeded", 403},
		{"parameter not matched", &ecs.InvokeCommandRequest{Parameters: map[string]interface{}{"a": "1", "zz": "2"}}, "Parameter.NotMatched", 403},
		{"parameter key too long", &ecs.InvokeCommandRequest{Parameters: map[string]interface{}{strings.Repeat("k", 65): "1"}}, "ParameterKey.ExceedLimit", 403},
		{"working dir too long", &ecs.InvokeCommandRequest{WorkingDir: tea.String("/" + strings.Repeat("w", 200))}, "InvalidParameter.WorkingDir", 400},
		{"bad oss delivery", &ecs.InvokeCommandRequest{OssOutputDelivery: tea.String("s3://b")}, "InvalidParameter.OssOutputDelivery", 400},
		{"tag and instance", &ecs.InvokeCommandRequest{InstanceId: one, ResourceTag: tag("env", "prod")}, "InvalidResourceTag.ConflictWithInstanceIds", 400},
		{"tag matches nothing", &ecs.InvokeCommandRequest{ResourceTag: tag("env", "nowhere")}, "InvalidResourceTag.InstanceNotFound", 400},
		{"duplicate tag key", &ecs.InvokeCommandRequest{ResourceTag: tag("env", "prod", "env", "dev")}, "Duplicate.ResourceTagKey", 400},
		{"reserved tag key", &ecs.InvokeCommandRequest{ResourceTag: tag("aliyun-x", "1")}, "InvalidResourceTagKey.Malformed", 400},
		{"url tag value", &ecs.InvokeCommandRequest{ResourceTag: tag("env", "https://x")}, "InvalidResourceTagValue.Malformed", 400},
		{"eleven tags", &ecs.InvokeCommandRequest{ResourceTag: tag("1", "", "2", "", "3", "", "4", "", "5", "", "6", "", "7", "", "8", "", "9", "", "10", "", "11", "")}, "NumberExceed.ResourceTags", 400},
		{"timeout over the maximum", &ecs.InvokeCommandRequest{Timeout: tea.Int64(86401)}, "InvalidTimeout.ExceedLimit", 403},
	}
	for _, tc := range invokeCases {
		t.Run(tc.name, func(t *testing.T) { requireTeaCode(t, invoke(tc.req), tc.code, tc.status) })
	}
	_, err = c.InvokeCommand(&ecs.InvokeCommandRequest{RegionId: region, CommandId: cmd})
	requireTeaCode(t, err, "MissingParam.InstanceId", 400)

	createCases := []struct {
		name   string
		req    *ecs.CreateCommandRequest
		code   string
		status int
	}{
		{"parameter name over 64", &ecs.CreateCommandRequest{CommandContent: tea.String(b64("echo {{" + strings.Repeat("p", 65) + "}}")), EnableParameter: tea.Bool(true)}, "CmdParamName.ExceedLimit", 403},
		{"timeout over the maximum", &ecs.CreateCommandRequest{Timeout: tea.Int64(86401)}, "InvalidTimeout.ExceedLimit", 403},
		{"launcher over 1 KB", &ecs.CreateCommandRequest{Launcher: tea.String(strings.Repeat("l", 1025))}, "InvalidLauncher.LengthLimitExceeded", 403},
	}
	for _, tc := range createCases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.RegionId, tc.req.Name, tc.req.Type = region, tea.String("n"), tea.String("RunShellScript")
			if tc.req.CommandContent == nil {
				tc.req.CommandContent = tea.String(b64("true"))
			}
			_, err := c.CreateCommand(tc.req)
			requireTeaCode(t, err, tc.code, tc.status)
		})
	}
	// CreateCommand falls back to Base64 for an unknown ContentEncoding.
	fallback, err := c.CreateCommand(&ecs.CreateCommandRequest{
		RegionId: region, Name: tea.String("fallback"), Type: tea.String("RunShellScript"),
		CommandContent: tea.String(b64("echo x")), ContentEncoding: tea.String("Bogus"),
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tea.StringValue(fallback.Body.CommandId), "c-"))

	_, err = c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, Type: tea.String("RunPythonScript")})
	requireTeaCode(t, err, "InvalidCommandType.NotFound", 404)
	_, err = c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, NextToken: tea.String("garbage")})
	requireTeaCode(t, err, "InvalidParameter.NextToken", 400)
	_, err = c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, MaxResults: tea.Int32(51)})
	requireTeaCode(t, err, "InvalidParameter.MaxResults", 400)

	ran, err := c.InvokeCommand(&ecs.InvokeCommandRequest{RegionId: region, CommandId: cmd, InstanceId: one, Parameters: map[string]interface{}{"a": "1"}})
	require.NoError(t, err)
	_, err = c.StopInvocation(&ecs.StopInvocationRequest{RegionId: region, InvokeId: ran.Body.InvokeId, InstanceId: []*string{tea.String("i-b")}})
	requireTeaCode(t, err, "InvalidInstanceId.NotFound", 404)

	var many []*string
	for i := 0; i < 101; i++ {
		many = append(many, tea.String("i-a"))
	}
	_, err = c.DescribeCloudAssistantStatus(&ecs.DescribeCloudAssistantStatusRequest{RegionId: region, InstanceId: many[:100]})
	require.NoError(t, err)
	_, err = c.DescribeCloudAssistantStatus(&ecs.DescribeCloudAssistantStatusRequest{RegionId: region, InstanceId: many})
	requireTeaCode(t, err, "InstanceIds.ExceedLimit", 403)
}

func TestTeaDailyQuota(t *testing.T) {
	t.Parallel()
	opts := confOptions()
	opts.DailyInvokeQuota = 1
	srv := start(t, opts)
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	run := &ecs.RunCommandRequest{
		RegionId: region, Type: tea.String("RunShellScript"), CommandContent: tea.String("true"),
		InstanceId: []*string{tea.String("i-a")},
	}
	_, err := c.RunCommand(run)
	require.NoError(t, err)
	_, err = c.RunCommand(run)
	requireTeaDocumented(t, err, "Invocation.ExceedQuota", 403, "The invocation quota in the current region has been reached for today.")
}

func TestTeaConformanceHappyPaths(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := teaClient(t, srv)
	region := tea.String(srv.Region())
	create := func(name, desc, token string) (string, error) {
		resp, err := c.CreateCommand(&ecs.CreateCommandRequest{
			RegionId: region, Name: tea.String(name), Description: tea.String(desc), Type: tea.String("RunShellScript"),
			CommandContent: tea.String(b64("echo hi")), ClientToken: tea.String(token),
		})
		if err != nil {
			return "", err
		}
		return tea.StringValue(resp.Body.CommandId), nil
	}
	// CreateCommand's ClientToken: the retry answers the first command; other fields conflict.
	first, err := create("deploy-web", "rolls out the web tier", "tea-token")
	require.NoError(t, err)
	again, err := create("deploy-web", "rolls out the web tier", "tea-token")
	require.NoError(t, err)
	assert.Equal(t, first, again)
	_, err = create("deploy-db", "rolls out the web tier", "tea-token")
	requireTeaCode(t, err, "IdempotentParameterMismatch", 403)
	_, err = create("deploy-db", "rolls out the database", "")
	require.NoError(t, err)

	// Name and Description filters with a trailing *.
	byDesc, err := c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, Description: tea.String("rolls out the w*")})
	require.NoError(t, err)
	require.Len(t, byDesc.Body.Commands.Command, 1)
	assert.Equal(t, first, tea.StringValue(byDesc.Body.Commands.Command[0].CommandId))
	byName, err := c.DescribeCommands(&ecs.DescribeCommandsRequest{RegionId: region, Name: tea.String("deploy*")})
	require.NoError(t, err)
	assert.EqualValues(t, 2, tea.Int64Value(byName.Body.TotalCount))

	// Timed has no effect: with it and no Frequency the task runs once.
	timed, err := c.InvokeCommand(&ecs.InvokeCommandRequest{
		RegionId: region, CommandId: tea.String(first), InstanceId: []*string{tea.String("i-a")}, Timed: tea.Bool(true),
	})
	require.NoError(t, err)
	inv := teaWait(t, c, srv.Region(), tea.StringValue(timed.Body.InvokeId), "Success")
	assert.Equal(t, "Once", tea.StringValue(inv.RepeatMode))
	// A Frequency with another RepeatMode is Period.
	periodic, err := c.InvokeCommand(&ecs.InvokeCommandRequest{
		RegionId: region, CommandId: tea.String(first), InstanceId: []*string{tea.String("i-a")},
		RepeatMode: tea.String("NextRebootOnly"), Frequency: tea.String("rate(1h)"),
	})
	require.NoError(t, err)
	assert.Equal(t, "Period", tea.StringValue(teaDescribe(t, c, srv.Region(), tea.StringValue(periodic.Body.InvokeId)).RepeatMode))

	// A dry run records nothing.
	before, err := c.DescribeInvocations(&ecs.DescribeInvocationsRequest{RegionId: region})
	require.NoError(t, err)
	_, err = c.InvokeCommand(&ecs.InvokeCommandRequest{
		RegionId: region, CommandId: tea.String(first), InstanceId: []*string{tea.String("i-b")}, RepeatMode: tea.String("DryRun"),
	})
	requireTeaCode(t, err, "DryRunOperation", 400)
	after, err := c.DescribeInvocations(&ecs.DescribeInvocationsRequest{RegionId: region})
	require.NoError(t, err)
	assert.Equal(t, tea.Int64Value(before.Body.TotalCount), tea.Int64Value(after.Body.TotalCount))

	// LastInvokedTime tells when a run last started on the instance.
	status, err := c.DescribeCloudAssistantStatus(&ecs.DescribeCloudAssistantStatusRequest{
		RegionId: region, InstanceId: []*string{tea.String("i-a"), tea.String("i-b")},
	})
	require.NoError(t, err)
	rows := map[string]string{}
	for _, row := range status.Body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus {
		rows[tea.StringValue(row.InstanceId)] = tea.StringValue(row.LastInvokedTime)
	}
	assert.NotEmpty(t, rows["i-a"])
	assert.Empty(t, rows["i-b"], "a dry run starts nothing")
}
