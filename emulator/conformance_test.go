package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conformance points of the current API reference, through the classic Go SDK (V1
// signatures); tea_test.go drives the same through the official Tea SDK (V3).

// confOptions is a region with tagged instances, a stopped one, one without the client, an
// offline one and a Windows one.
func confOptions() Options {
	no := false
	return Options{
		Instances: []Instance{
			{ID: "i-a", Tags: map[string]string{"env": "prod", "batch": "b1"}},
			{ID: "i-b", Tags: map[string]string{"env": "prod", "batch": "b2"}},
			{ID: "i-c", Tags: map[string]string{"env": "dev"}},
			{ID: "i-stopped", Status: "Stopped", Tags: map[string]string{"env": "stopped"}},
			{ID: "i-noagent", AgentInstalled: &no, Tags: map[string]string{"env": "noagent"}},
			{ID: "i-offline", AgentOnline: &no},
			{ID: "i-win", OSType: "windows"},
		},
		MinScheduleInterval: time.Second,
		AgentInstallDelay:   50 * time.Millisecond,
	}
}

// resourceTags builds the classic request's ResourceTag list.
func resourceTags(kv ...string) *[]ecs.InvokeCommandResourceTag {
	var out []ecs.InvokeCommandResourceTag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, ecs.InvokeCommandResourceTag{Key: kv[i], Value: kv[i+1]})
	}
	return &out
}

func invocationCount(t *testing.T, c *ecs.Client) int {
	t.Helper()
	resp, err := c.DescribeInvocations(ecs.CreateDescribeInvocationsRequest())
	require.NoError(t, err)
	return int(resp.TotalCount)
}

func TestConformanceRepeatModes(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo hi", nil)

	// A Frequency without RepeatMode means Period; so does a Frequency with another mode.
	for _, mode := range []string{"", "EveryReboot"} {
		inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) {
			r.RepeatMode, r.Frequency = mode, "rate(1h)"
		})
		got := describe(t, c, inv)
		assert.Equal(t, "Period", got.RepeatMode, mode)
		assert.Equal(t, "Scheduled", got.InvocationStatus, mode)
		assert.True(t, got.Timed)
	}
	// The deprecated Timed has no effect: Timed=true without Frequency runs once.
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.Timed = requests.NewBoolean(true) })
	got := waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "Once", got.RepeatMode)
	assert.False(t, got.Timed)
	// Timed=false with a Frequency is still Period.
	inv = mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) {
		r.Timed, r.Frequency = requests.NewBoolean(false), "rate(1h)"
	})
	assert.Equal(t, "Period", describe(t, c, inv).RepeatMode)
}

func TestConformanceDryRun(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo ran > /root/marker", nil)
	dry := func(instances []string, mod func(*ecs.InvokeCommandRequest)) error {
		req := ecs.CreateInvokeCommandRequest()
		req.CommandId, req.InstanceId, req.RepeatMode = cmd, &instances, "DryRun"
		if mod != nil {
			mod(req)
		}
		_, err := c.InvokeCommand(req)
		return err
	}
	requireCode(t, dry([]string{"i-a", "i-b"}, nil), "DryRunOperation", 400)
	requireCode(t, dry([]string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.Frequency = "rate(1h)" }), "DryRunOperation", 400)
	err := dry([]string{"i-a", "i-stopped"}, nil)
	requireCode(t, err, "IncorrectInstanceStatus", 403) // the emulator's choice: see checkTargetsReady
	assert.Equal(t, "The current status of the resource does not support this operation.", serverError(t, err).Message(), "ECS's usual message")
	requireCode(t, dry([]string{"i-noagent"}, nil), "ClientNotRunning", 403)
	requireCode(t, dry([]string{"i-offline"}, nil), "ClientNotRunning", 403)
	requireCode(t, dry([]string{"i-nope"}, nil), "InvalidInstance.NotFound", 404)
	requireCode(t, dry([]string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.Frequency = "every day" }), "InvalidParam.Frequency", 400)
	requireCode(t, dry([]string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.Parameters = map[string]any{"a": "1"} }), "Parameter.Disabled", 400)
	// Nothing was recorded or run.
	assert.Equal(t, 0, invocationCount(t, c))
	assert.EqualValues(t, 0, srv.Stats().Executions)
	assert.Equal(t, 0, describeCommand(t, c, cmd)[0].InvokeTimes)
}

func TestConformanceWorkingDirOverride(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "pwd", func(r *ecs.CreateCommandRequest) { r.WorkingDir = "/root" })
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.QueryParams["WorkingDir"] = "/tmp" })
	got := waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "/tmp", got.WorkingDir)
	assert.Equal(t, "/tmp\n", got.InvokeInstances.InvokeInstance[0].Output)
	assert.Equal(t, "/root", describeCommand(t, c, cmd)[0].WorkingDir, "the command keeps its directory")

	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
	req.QueryParams["WorkingDir"] = "/" + strings.Repeat("w", 200)
	_, err := c.InvokeCommand(req)
	requireCode(t, err, "InvalidParameter.WorkingDir", 400)
}

func TestConformanceResourceTag(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo tagged", nil)

	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.ResourceTag = cmd, resourceTags("env", "prod")
	resp, err := c.InvokeCommand(req)
	require.NoError(t, err)
	got := waitStatus(t, c, resp.InvokeId, 5*time.Second, "Success")
	var ids []string
	for _, ii := range got.InvokeInstances.InvokeInstance {
		ids = append(ids, ii.InstanceId)
	}
	assert.Equal(t, []string{"i-a", "i-b"}, ids)

	// Every tag must match.
	req = ecs.CreateInvokeCommandRequest()
	req.CommandId, req.ResourceTag = cmd, resourceTags("env", "prod", "batch", "b2")
	resp, err = c.InvokeCommand(req)
	require.NoError(t, err)
	assert.Len(t, describe(t, c, resp.InvokeId).InvokeInstances.InvokeInstance, 1)

	eleven := make([]string, 0, 22)
	for i := 0; i < 11; i++ {
		eleven = append(eleven, fmt.Sprintf("k%d", i), "v")
	}
	cases := []struct {
		name   string
		mod    func(*ecs.InvokeCommandRequest)
		code   string
		status int
	}{
		{"with InstanceId", func(r *ecs.InvokeCommandRequest) {
			r.InstanceId, r.ResourceTag = &[]string{"i-a"}, resourceTags("env", "prod")
		}, "InvalidResourceTag.ConflictWithInstanceIds", 400},
		{"eleven tags", func(r *ecs.InvokeCommandRequest) { r.ResourceTag = resourceTags(eleven...) }, "NumberExceed.ResourceTags", 400},
		{"value without key", func(r *ecs.InvokeCommandRequest) { r.QueryParams["ResourceTag.1.Value"] = "prod" }, "MissingParameter.ResourceTagKey", 400},
		{"reserved key", func(r *ecs.InvokeCommandRequest) { r.ResourceTag = resourceTags("acs:env", "prod") }, "InvalidResourceTagKey.Malformed", 400},
		{"url value", func(r *ecs.InvokeCommandRequest) { r.ResourceTag = resourceTags("env", "http://x") }, "InvalidResourceTagValue.Malformed", 400},
		{"duplicate key", func(r *ecs.InvokeCommandRequest) { r.ResourceTag = resourceTags("env", "prod", "env", "dev") }, "Duplicate.ResourceTagKey", 400},
		{"no match", func(r *ecs.InvokeCommandRequest) { r.ResourceTag = resourceTags("env", "nowhere") }, "InvalidResourceTag.InstanceNotFound", 400},
		{"neither", func(r *ecs.InvokeCommandRequest) {}, "MissingParam.InstanceId", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := ecs.CreateInvokeCommandRequest()
			req.CommandId = cmd
			tc.mod(req)
			_, err := c.InvokeCommand(req)
			requireCode(t, err, tc.code, tc.status)
		})
	}
}

func TestConformanceResourceTagOverHundred(t *testing.T) {
	t.Parallel()
	var instances []Instance
	for i := 0; i < 101; i++ {
		instances = append(instances, Instance{ID: fmt.Sprintf("i-fleet%03d", i), Tags: map[string]string{"fleet": "all"}})
	}
	srv := start(t, Options{Instances: instances})
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.ResourceTag = cmd, resourceTags("fleet", "all")
	_, err := c.InvokeCommand(req)
	requireCode(t, err, "InstanceIds.ExceedLimit", 403)
}

func TestConformanceOssOutputDelivery(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo out", nil)
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) {
		r.QueryParams["OssOutputDelivery"] = "oss://bucket/prefix"
	})
	waitStatus(t, c, inv, 5*time.Second, "Success")

	dreq := ecs.CreateDescribeInvocationsRequest()
	dreq.InvokeId = inv
	dresp, err := c.DescribeInvocations(dreq)
	require.NoError(t, err)
	body := dresp.GetHttpContentString()
	assert.Contains(t, body, `"OssOutputDelivery":"oss://bucket/prefix"`)
	assert.Contains(t, body, `"OssOutputUri":"oss://bucket/prefix/`+inv+`/i-a"`)
	assert.Contains(t, body, `"OssOutputStatus":"Failed"`)
	assert.Contains(t, body, `"OssOutputErrorCode":"OssOutputNotEmulated"`)

	rreq := ecs.CreateDescribeInvocationResultsRequest()
	rreq.InvokeId = inv
	rresp, err := c.DescribeInvocationResults(rreq)
	require.NoError(t, err)
	assert.Contains(t, rresp.GetHttpContentString(), `"OssOutputDelivery":"oss://bucket/prefix"`)

	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
	req.QueryParams["OssOutputDelivery"] = "s3://bucket"
	_, err = c.InvokeCommand(req)
	requireCode(t, err, "InvalidParameter.OssOutputDelivery", 400)
}

func TestConformanceInvokeErrors(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	cases := []struct {
		name   string
		mod    func(*ecs.InvokeCommandRequest)
		code   string
		status int
	}{
		{"unknown repeat mode", func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "Sometimes" }, "InvalidRepeatMode.NotFound", 404},
		{"unknown termination mode", func(r *ecs.InvokeCommandRequest) { r.TerminationMode = "Kill" }, "InvalidTerminationMode.NotFound", 404},
		{"token too long", func(r *ecs.InvokeCommandRequest) { r.ClientToken = strings.Repeat("t", 65) }, "InvalidClientToken.Malformed", 400},
		{"token not ascii", func(r *ecs.InvokeCommandRequest) { r.ClientToken = "jeton-été" }, "InvalidClientToken.Malformed", 400},
		{"launcher over 1 KB", func(r *ecs.InvokeCommandRequest) { r.Launcher = strings.Repeat("l", 1025) }, "InvalidLauncher.LengthLimitExceeded", 403},
		{"timeout over the maximum", func(r *ecs.InvokeCommandRequest) { r.Timeout = requests.NewInteger(86401) }, "InvalidTimeout.ExceedLimit", 403},
		{"no instance", func(r *ecs.InvokeCommandRequest) { r.InstanceId = nil }, "MissingParam.InstanceId", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := ecs.CreateInvokeCommandRequest()
			req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
			tc.mod(req)
			_, err := c.InvokeCommand(req)
			requireCode(t, err, tc.code, tc.status)
		})
	}
	// Process and ProcessTree are accepted.
	for _, mode := range []string{"Process", "ProcessTree"} {
		inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.TerminationMode = mode })
		assert.Equal(t, mode, describe(t, c, inv).TerminationMode)
	}
}

func TestConformanceCreateCommand(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	create := func(mod func(*ecs.CreateCommandRequest)) (string, error) {
		req := ecs.CreateCreateCommandRequest()
		req.Name, req.Type, req.CommandContent = "n", "RunShellScript", b64("true")
		mod(req)
		resp, err := c.CreateCommand(req)
		if err != nil {
			return "", err
		}
		return resp.CommandId, nil
	}
	_, err := create(func(r *ecs.CreateCommandRequest) {
		r.CommandContent, r.EnableParameter = b64("echo {{"+strings.Repeat("p", 65)+"}}"), requests.NewBoolean(true)
	})
	requireCode(t, err, "CmdParamName.ExceedLimit", 403)
	_, err = create(func(r *ecs.CreateCommandRequest) { r.Timeout = requests.NewInteger(86401) })
	requireCode(t, err, "InvalidTimeout.ExceedLimit", 403)
	_, err = create(func(r *ecs.CreateCommandRequest) { r.Launcher = strings.Repeat("l", 1025) })
	requireCode(t, err, "InvalidLauncher.LengthLimitExceeded", 403)

	// An unknown ContentEncoding falls back to Base64 for CreateCommand...
	id, err := create(func(r *ecs.CreateCommandRequest) { r.CommandContent, r.ContentEncoding = b64("echo b64"), "Bogus" })
	require.NoError(t, err)
	assert.Equal(t, b64("echo b64"), describeCommand(t, c, id)[0].CommandContent)
	// ...and to PlainText for RunCommand.
	run := ecs.CreateRunCommandRequest()
	run.Type, run.CommandContent, run.ContentEncoding, run.InstanceId = "RunShellScript", "echo plain", "Bogus", &[]string{"i-a"}
	rresp, err := c.RunCommand(run)
	require.NoError(t, err)
	got := waitStatus(t, c, rresp.InvokeId, 5*time.Second, "Success")
	assert.Equal(t, "plain\n", got.InvokeInstances.InvokeInstance[0].Output)

	// ClientToken makes CreateCommand idempotent.
	withToken := func(token, name string) (string, error) {
		return create(func(r *ecs.CreateCommandRequest) { r.Name = name; r.QueryParams["ClientToken"] = token })
	}
	first, err := withToken("create-1", "same")
	require.NoError(t, err)
	again, err := withToken("create-1", "same")
	require.NoError(t, err)
	assert.Equal(t, first, again)
	_, err = withToken("create-1", "other")
	requireCode(t, err, "IdempotentParameterMismatch", 403)
	_, err = withToken(strings.Repeat("t", 65), "same")
	requireCode(t, err, "InvalidClientToken.Malformed", 400)
	list := ecs.CreateDescribeCommandsRequest()
	list.Name = "same"
	lresp, err := c.DescribeCommands(list)
	require.NoError(t, err)
	assert.EqualValues(t, 1, lresp.TotalCount, "the retry made no second command")
}

func TestConformanceDescribeCommands(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	mkCommand(t, c, "true", func(r *ecs.CreateCommandRequest) { r.Name, r.Description = "deploy-web", "rolls out the web tier" })
	mkCommand(t, c, "true", func(r *ecs.CreateCommandRequest) { r.Name, r.Description = "deploy-db", "rolls out the database" })
	mkCommand(t, c, "true", func(r *ecs.CreateCommandRequest) { r.Name, r.Description = "cleanup", "removes temp files" })
	count := func(mod func(*ecs.DescribeCommandsRequest)) (int, error) {
		req := ecs.CreateDescribeCommandsRequest()
		mod(req)
		resp, err := c.DescribeCommands(req)
		if err != nil {
			return 0, err
		}
		return int(resp.TotalCount), nil
	}
	n, err := count(func(r *ecs.DescribeCommandsRequest) { r.Name = "deploy*" })
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = count(func(r *ecs.DescribeCommandsRequest) { r.Description = "rolls out the w*" })
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = count(func(r *ecs.DescribeCommandsRequest) { r.Description = "rolls out" })
	require.NoError(t, err)
	assert.Equal(t, 0, n, "without * the match is exact")
	n, err = count(func(r *ecs.DescribeCommandsRequest) { r.Type = "RunShellScript" })
	require.NoError(t, err)
	assert.Equal(t, 3, n)

	_, err = count(func(r *ecs.DescribeCommandsRequest) { r.Type = "RunPythonScript" })
	requireCode(t, err, "InvalidCommandType.NotFound", 404)
	_, err = count(func(r *ecs.DescribeCommandsRequest) { r.NextToken = "garbage" })
	requireCode(t, err, "InvalidParameter.NextToken", 400)
	_, err = count(func(r *ecs.DescribeCommandsRequest) { r.MaxResults = requests.NewInteger(51) })
	requireCode(t, err, "InvalidParameter.MaxResults", 400)
	_, err = count(func(r *ecs.DescribeCommandsRequest) { r.MaxResults = requests.NewInteger(0) })
	requireCode(t, err, "InvalidParameter.MaxResults", 400)
}

func TestConformanceInvocationQueries(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	inGroup := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.ResourceGroupId = "rg-one" })
	mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.ResourceGroupId = "rg-two" })
	waitStatus(t, c, inGroup, 5*time.Second, "Success")

	req := ecs.CreateDescribeInvocationsRequest()
	req.ResourceGroupId = "rg-one"
	resp, err := c.DescribeInvocations(req)
	require.NoError(t, err)
	require.Len(t, resp.Invocations.Invocation, 1)
	assert.Equal(t, inGroup, resp.Invocations.Invocation[0].InvokeId)
	rs := results(t, c, "", func(r *ecs.DescribeInvocationResultsRequest) { r.ResourceGroupId = "rg-one" })
	require.Len(t, rs, 1)
	assert.Equal(t, inGroup, rs[0].InvokeId)

	// StopInvocation naming an instance the task does not have.
	stop := ecs.CreateStopInvocationRequest()
	stop.InvokeId, stop.InstanceId = inGroup, &[]string{"i-b"}
	_, err = c.StopInvocation(stop)
	requireCode(t, err, "InvalidInstanceId.NotFound", 404)
}

func TestConformanceCloudAssistantStatus(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	status := func(ids []string) (*ecs.DescribeCloudAssistantStatusResponse, error) {
		req := ecs.CreateDescribeCloudAssistantStatusRequest()
		req.InstanceId = &ids
		return c.DescribeCloudAssistantStatus(req)
	}
	resp, err := status([]string{"i-a"})
	require.NoError(t, err)
	require.Len(t, resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus, 1)
	assert.Empty(t, resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0].LastInvokedTime)

	inv := mkInvoke(t, c, mkCommand(t, c, "true", nil), []string{"i-a"}, nil)
	waitStatus(t, c, inv, 5*time.Second, "Success")
	resp, err = status([]string{"i-a"})
	require.NoError(t, err)
	row := resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0]
	assert.NotEmpty(t, row.LastInvokedTime)
	assert.EqualValues(t, 1, row.InvocationCount)

	hundred := []string{"i-a"}
	for i := 1; i < 100; i++ {
		hundred = append(hundred, fmt.Sprintf("i-other%03d", i))
	}
	resp, err = status(hundred)
	require.NoError(t, err)
	assert.EqualValues(t, 1, resp.TotalCount)
	_, err = status(append(hundred, "i-one-too-many"))
	requireCode(t, err, "InstanceIds.ExceedLimit", 403)
}

func TestModifyInvocationAttribute(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo v1-{{who}}", func(r *ecs.CreateCommandRequest) { r.EnableParameter = requests.NewBoolean(true) })
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) {
		r.Frequency, r.Parameters = "rate(1h)", map[string]any{"who": "a"}
	})

	req := ecs.CreateModifyInvocationAttributeRequest()
	req.InvokeId, req.Frequency = inv, "rate(1s)"
	req.CommandContent, req.EnableParameter = "echo v2-{{who}}", requests.NewBoolean(true)
	req.Parameters = map[string]any{"who": "b"}
	req.InstanceId = &[]string{"i-b"}
	resp, err := c.ModifyInvocationAttribute(req)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(resp.CommandId, "c-"), "a content change makes a new command")
	assert.NotEqual(t, cmd, resp.CommandId)

	// Both instances now run the new content with the new parameters, every second.
	require.Eventually(t, func() bool {
		rs := results(t, c, inv, nil)
		ok := len(rs) == 2
		for _, r := range rs {
			ok = ok && r.Output == "v2-b\n"
		}
		return ok
	}, 10*time.Second, 20*time.Millisecond)
	got := describe(t, c, inv)
	assert.Equal(t, "rate(1s)", got.Frequency)
	assert.Equal(t, resp.CommandId, got.CommandId)
	assert.JSONEq(t, `{"who":"b"}`, got.Parameters)
	assert.Equal(t, "echo v1-{{who}}", string(mustB64Decode(t, describeCommand(t, c, cmd)[0].CommandContent)), "the original command is unchanged")

	// Errors: the codes, statuses and messages of the current ModifyInvocationAttribute
	// "Error codes" table (which differ from InvokeCommand's for the same faults).
	once := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.Parameters = map[string]any{"who": "x"} })
	modify := func(mod func(*ecs.ModifyInvocationAttributeRequest)) error {
		req := ecs.CreateModifyInvocationAttributeRequest()
		req.InvokeId = inv
		mod(req)
		_, err := c.ModifyInvocationAttribute(req)
		return err
	}
	params := func(p map[string]any) func(*ecs.ModifyInvocationAttributeRequest) {
		return func(r *ecs.ModifyInvocationAttributeRequest) {
			r.EnableParameter, r.Parameters = requests.NewBoolean(true), p
		}
	}
	for _, tc := range []struct {
		name, code string
		status     int
		message    string
		mod        func(*ecs.ModifyInvocationAttributeRequest)
	}{
		{"a task that runs once", "InvalidOperation.RepeatModeUnsupported", 403, "The operation is not supported for current repeat mode of invocation.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.InvokeId = once }},
		{"an unknown task", "InvalidInvokeId.NotFound", 404, "The specified parameter InvokeId does not exist.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.InvokeId = "t-nope" }},
		{"an unknown instance", "InvalidInstanceId.NotFound", 404, "The specified parameter InstanceId does not exist.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.InstanceId = &[]string{"i-nope"} }},
		{"a Windows instance for a shell script", "InvalidInstanceId.OSTypeUnsupported", 403,
			"The OS type of the instance corresponding to the parameter InstanceId does not support the specified command type.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.InstanceId = &[]string{"i-win"} }},
		{"a bad frequency", "InvalidParameter.Frequency", 400, "The specified parameter Frequency is not valid.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.Frequency = "every day" }},
		{"an undefined parameter", "InvalidParameters.KeyNotMatch", 400,
			"The key in the parameter Parameters do not match those defined when creating the command.", params(map[string]any{"nobody": "x"})},
		{"an empty key", "InvalidParameters.KeyEmpty", 400, "The key in the parameter Parameters cannot be empty.", params(map[string]any{"": "x", "who": "y"})},
		{"a long key", "InvalidParameters.KeyLengthLimitExceeded", 403,
			"The length of the key in the parameter Parameters exceeds the limit of 64 characters.", params(map[string]any{strings.Repeat("k", 65): "x"})},
		{"a number value", "InvalidParameters.ValueTypeUnsupported", 403,
			"The type of the value in the parameter Parameters is not supported.", params(map[string]any{"who": 7})},
		{"content that is not Base64", "InvalidCommandContent.DecodeError", 400, "The specified parameter CommandContent can not be Base64 decoded.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.CommandContent, r.ContentEncoding = "%%%", "Base64" }},
		{"content over 18 KB of a kept command", "InvalidCommandContent.LengthLimitExceeded", 403,
			"The length of the parameter CommandContent exceeds the limit of 18 KB characters.",
			func(r *ecs.ModifyInvocationAttributeRequest) { r.CommandContent = strings.Repeat("x", 14*1024) }},
	} {
		err := modify(tc.mod)
		requireCode(t, err, tc.code, tc.status)
		assert.Equal(t, tc.message, serverError(t, err).Message(), tc.name)
	}

	stop := ecs.CreateStopInvocationRequest()
	stop.InvokeId = inv
	_, err = c.StopInvocation(stop)
	require.NoError(t, err)
	err = modify(func(r *ecs.ModifyInvocationAttributeRequest) { r.Frequency = "rate(2s)" })
	requireCode(t, err, "InvalidOperation.InvokeAlreadyFinished", 403)
	assert.Equal(t, "The operation is not supported for finished invocation.", serverError(t, err).Message())
}

func TestModifyRebootTask(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	cmd := mkCommand(t, c, "echo old", nil)
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.RepeatMode = "NextRebootOnly" })
	req := ecs.CreateModifyInvocationAttributeRequest()
	req.InvokeId, req.CommandContent, req.ContentEncoding = inv, b64("echo new"), "Base64"
	_, err := c.ModifyInvocationAttribute(req)
	require.NoError(t, err)
	reboot := ecs.CreateRebootInstanceRequest()
	reboot.InstanceId = "i-a"
	_, err = c.RebootInstance(reboot)
	require.NoError(t, err)
	got := waitStatus(t, c, inv, 5*time.Second, "Success")
	assert.Equal(t, "new\n", got.InvokeInstances.InvokeInstance[0].Output)
}

func TestInstallCloudAssistant(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	online := func() string {
		req := ecs.CreateDescribeCloudAssistantStatusRequest()
		req.InstanceId = &[]string{"i-noagent"}
		resp, err := c.DescribeCloudAssistantStatus(req)
		require.NoError(t, err)
		return resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0].CloudAssistantStatus
	}
	require.Equal(t, "false", online())
	cmd := mkCommand(t, c, "echo installed", nil)
	before := mkInvoke(t, c, cmd, []string{"i-noagent"}, nil)
	assert.Equal(t, "ClientNotRunning", waitStatus(t, c, before, 5*time.Second, "Failed").InvokeInstances.InvokeInstance[0].ErrorCode)

	req := ecs.CreateInstallCloudAssistantRequest()
	req.InstanceId = &[]string{"i-noagent", "i-a"}
	_, err := c.InstallCloudAssistant(req)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return online() == "true" }, 5*time.Second, 10*time.Millisecond)
	after := mkInvoke(t, c, cmd, []string{"i-noagent"}, nil)
	waitStatus(t, c, after, 5*time.Second, "Success")

	// The current InstallCloudAssistant "Error codes" table.
	req.InstanceId = &[]string{"i-nope"}
	_, err = c.InstallCloudAssistant(req)
	requireCode(t, err, "InvalidInstance.NotFound", 404)
	assert.Equal(t, "The specified instance does not exist.", serverError(t, err).Message())
	_, err = c.InstallCloudAssistant(ecs.CreateInstallCloudAssistantRequest())
	requireCode(t, err, "MissingParam.InstanceId", 400)
	assert.Equal(t, "The parameter instanceId is missing or empty.", serverError(t, err).Message())
	fiftyOne := make([]string, 51)
	for i := range fiftyOne {
		fiftyOne[i] = "i-a"
	}
	req.InstanceId = &fiftyOne
	_, err = c.InstallCloudAssistant(req)
	requireCode(t, err, "InstanceIds.ExceedLimit", 403)
	assert.Equal(t, "The number of instance IDs exceeds the upper limit.", serverError(t, err).Message())
}

func TestDailyInvokeQuota(t *testing.T) {
	t.Parallel()
	opts := confOptions()
	opts.DailyInvokeQuota = 2
	srv := start(t, opts)
	c := client(t, srv)
	cmd := mkCommand(t, c, "true", nil)
	mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.ClientToken = "quota-1" })
	run := ecs.CreateRunCommandRequest()
	run.Type, run.CommandContent, run.InstanceId = "RunShellScript", "true", &[]string{"i-a"}
	_, err := c.RunCommand(run)
	require.NoError(t, err)

	req := ecs.CreateInvokeCommandRequest()
	req.CommandId, req.InstanceId = cmd, &[]string{"i-a"}
	_, err = c.InvokeCommand(req)
	requireCode(t, err, "Invocation.ExceedQuota", 403)
	assert.Equal(t, "The invocation quota in the current region has been reached for today.", serverError(t, err).Message())
	_, err = c.RunCommand(run)
	requireCode(t, err, "Invocation.ExceedQuota", 403)
	// A retry of a call already counted is answered, not refused.
	mkInvoke(t, c, cmd, []string{"i-a"}, func(r *ecs.InvokeCommandRequest) { r.ClientToken = "quota-1" })
	assert.Equal(t, 2, invocationCount(t, c))
}

// TestInstallSurvivesRestart: an installation begun before a restart with the same DataDir
// completes after it, and a CreateCommand ClientToken still answers the same command.
func TestInstallSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := confOptions()
	opts.Listen, opts.DataDir, opts.AgentInstallDelay = "127.0.0.1:0", dir, time.Hour
	srv, err := New(opts)
	require.NoError(t, err)
	c := client(t, srv)
	req := ecs.CreateInstallCloudAssistantRequest()
	req.InstanceId = &[]string{"i-noagent"}
	_, err = c.InstallCloudAssistant(req)
	require.NoError(t, err)
	create := ecs.CreateCreateCommandRequest()
	create.Name, create.Type, create.CommandContent = "kept", "RunShellScript", b64("true")
	create.QueryParams["ClientToken"] = "restart-token"
	first, err := c.CreateCommand(create)
	require.NoError(t, err)
	require.NoError(t, srv.Close())

	// Restarted with a short delay: the pending installation keeps its hour, so a reboot
	// is what completes it.
	opts.AgentInstallDelay = time.Millisecond
	srv2 := start(t, opts)
	c2 := client(t, srv2)
	status := ecs.CreateDescribeCloudAssistantStatusRequest()
	status.InstanceId = &[]string{"i-noagent"}
	resp, err := c2.DescribeCloudAssistantStatus(status)
	require.NoError(t, err)
	assert.Equal(t, "false", resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0].CloudAssistantStatus)
	reboot := ecs.CreateRebootInstanceRequest()
	reboot.InstanceId = "i-noagent"
	_, err = c2.RebootInstance(reboot)
	require.NoError(t, err)
	resp, err = c2.DescribeCloudAssistantStatus(status)
	require.NoError(t, err)
	assert.Equal(t, "true", resp.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0].CloudAssistantStatus)

	create2 := ecs.CreateCreateCommandRequest()
	create2.Name, create2.Type, create2.CommandContent = "kept", "RunShellScript", b64("true")
	create2.QueryParams["ClientToken"] = "restart-token"
	again, err := c2.CreateCommand(create2)
	require.NoError(t, err)
	assert.Equal(t, first.CommandId, again.CommandId)
}

// TestRunCommandDryRun: a RunCommand dry run creates no command and runs nothing.
func TestRunCommandDryRun(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	run := ecs.CreateRunCommandRequest()
	run.Type, run.CommandContent, run.InstanceId = "RunShellScript", "echo x", &[]string{"i-a"}
	run.RepeatMode, run.KeepCommand = "DryRun", requests.NewBoolean(true)
	_, err := c.RunCommand(run)
	requireCode(t, err, "DryRunOperation", 400)
	assert.Equal(t, 0, srv.Stats().Commands)
	assert.Equal(t, 0, invocationCount(t, c))
}

// TestInvokeContentLimit: content and parameters may reach 18 KB after Base64 at invoke
// time, as the current reference says (older pages said 16 KB).
func TestInvokeContentLimit(t *testing.T) {
	t.Parallel()
	srv := start(t, confOptions())
	c := client(t, srv)
	// 13 KB of script is about 17.3 KB after Base64: over the old limit, under the current one.
	cmd := mkCommand(t, c, ": "+strings.Repeat("x", 13*1024), nil)
	inv := mkInvoke(t, c, cmd, []string{"i-a"}, nil)
	waitStatus(t, c, inv, 5*time.Second, "Success")
}
